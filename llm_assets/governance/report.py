"""The auditor's report of one registered model version, built from the lineage tables alone.

It answers, for someone who has never opened Dagster: which data trained this model, how it was anonymized and
checked, how it was filtered and split, how it scored, who or what approved it, and whether an erasure has tainted it
since. It never holds a raw value: documents appear as counts, subjects not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from llm_assets.core import lineage
from llm_assets.core.metrics import HEADLINE, METRICS
from llm_assets.core.rendering import Document, Section, render
from llm_assets.governance.fairness import quality_row
from resources.warehouse import DuckDBWarehouse


@dataclass
class GovernanceReport:
    model_name: str
    version: str
    sections: list[Section]
    summary: dict

    def document(self) -> Document:
        return Document(f"Governance report: {self.model_name} version {self.version}", [], self.sections)

    def markdown(self) -> str:
        return render(self.document(), "markdown")

    def html(self) -> str:
        return render(self.document(), "html")

    def write(self, folder: Path) -> dict[str, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        md, page = folder / "governance_report.md", folder / "governance_report.html"
        md.write_text(self.markdown(), encoding="utf-8")
        page.write_text(self.html(), encoding="utf-8")
        (folder / "governance_summary.json").write_text(json.dumps(self.summary, indent=2, default=str))
        return {"markdown": md, "html": page}


def _json(value) -> dict:
    if isinstance(value, dict):
        return value
    return json.loads(value) if value else {}


@dataclass
class Evidence:
    """Everything the report states, read from the lineage tables and the zones (never a raw value)."""

    model_version: dict
    training_set: dict
    members: pl.DataFrame
    sources: pl.DataFrame
    redactions: pl.DataFrame
    quarantine: pl.DataFrame
    intake: pl.DataFrame
    held_back: pl.DataFrame
    checks: pl.DataFrame
    taints: pl.DataFrame
    approvals: pl.DataFrame
    rollbacks: pl.DataFrame
    exposures: pl.DataFrame  # erased documents that were in this version's validation / test split (not tainted)
    versions: pl.DataFrame  # every registered version of the model: what came after an erasure

    @property
    def batches(self) -> list[str]:
        return self.sources["batch_id"].unique().to_list() if self.sources.height else []

    def split_rows(self) -> list[list]:
        per_split = {
            r[0]: (r[1], r[2])
            for r in self.members.group_by("split")
            .agg(pl.col("doc_id").n_unique().alias("documents"), pl.len().alias("examples"))
            .rows()
        }
        return [[s, *per_split.get(s, (0, 0))] for s in ("train", "validation", "test")]


PRIVACY_CHECK_COLUMNS = [
    "batch_id",
    "check_name",
    "passed",
    "documents_scanned",
    "documents_with_findings",
    "anonymizer_config",
    "checked_at",
]


def gather_evidence(warehouse: DuckDBWarehouse, model_name: str, version: str) -> Evidence:
    mv = lineage.model_version(warehouse, model_name, version)
    if mv is None:
        raise KeyError(f"{model_name} version {version} is not in the lineage tables")
    ts_version = mv["training_set_version"]
    ts = lineage.read(warehouse, "training_set_versions", equals={"version": ts_version})

    def rows(schema: str, table: str, columns: list[str], **filters) -> pl.DataFrame:
        """``columns`` of the matching rows, or an empty frame while the table does not exist yet."""
        df = warehouse.select(schema, table, columns=columns, **filters)
        return df if df is not None else pl.DataFrame(schema=dict.fromkeys(columns, pl.String))

    def counted(df: pl.DataFrame, by: list[str], name: str) -> pl.DataFrame:
        return df.group_by(by).agg(pl.len().alias(name)).sort(by, nulls_last=True)

    members = rows(
        *lineage.MEMBERS, ["doc_id", "split", "example_id", "anonymizer_config"], equals={"version": ts_version}
    )
    docs = {"doc_id": members["doc_id"].unique().to_list()}
    sources = counted(
        rows("anon", "anonymized_documents", ["batch_id", "source_format"], is_in=docs),
        ["batch_id", "source_format"],
        "documents",
    )
    in_batches = {"batch_id": sources["batch_id"].unique().to_list() if sources.height else []}
    return Evidence(
        model_version=mv,
        training_set=ts.row(0, named=True) if ts.height else {},
        members=members,
        sources=sources,
        redactions=rows("anon", "redaction_audit", ["entity_type", "doc_id"], is_in=docs)
        .group_by("entity_type")
        .agg(pl.len().alias("redactions"), pl.col("doc_id").n_unique().alias("documents"))
        .sort("redactions", "entity_type", descending=[True, False]),
        quarantine=counted(
            rows("raw", "quarantined_documents", ["batch_id", "reason"], is_in=in_batches),
            ["batch_id", "reason"],
            "inputs",
        ),
        intake=counted(
            rows("raw", "landing_inventory", ["batch_id", "outcome", "reason"], is_in=in_batches).filter(
                pl.col("outcome") != "walked"
            ),
            ["batch_id", "outcome", "reason"],
            "entries",
        ),
        held_back=counted(
            rows("anon", "privacy_quarantine", ["batch_id", "reason"], is_in=in_batches),
            ["batch_id", "reason"],
            "documents",
        ),
        checks=rows(lineage.SCHEMA, "privacy_checks", PRIVACY_CHECK_COLUMNS, is_in=in_batches).sort("batch_id"),
        taints=lineage.read(warehouse, "taints", equals={"model_name": model_name, "version": str(version)}),
        approvals=lineage.read(
            warehouse, "model_approvals", equals={"model_name": model_name, "version": str(version)}
        ),
        rollbacks=lineage.read(warehouse, "champion_rollbacks", equals={"model_name": model_name}),
        exposures=lineage.read(
            warehouse, "erased_evaluation_data", equals={"model_name": model_name, "version": str(version)}
        ),
        versions=lineage.read(warehouse, "model_versions", equals={"model_name": model_name}),
    )


def _status(e: Evidence, is_champion: bool, champion: str | None, card: str | None) -> Section:
    mv = e.model_version
    lines = [
        f"Registered at {mv['registered_at']}; promotion gate: {mv['decision']} — {mv['reason']}",
        f"Approved by: {mv['approved_by'] or 'nobody yet'}",
    ]
    if e.approvals.height:
        a = e.approvals.row(0, named=True)
        lines.append(
            f"Human decision: {a['decision']} by {a['approver']} on {a['decided_at']}"
            + (f" — {a['note']}" if a.get("note") else "")
            + f" (champion v{a['champion_before'] or '-'} -> v{a['champion_after'] or '-'})"
        )
    elif mv["decision"] == "pending_approval":
        lines.append("Human decision: PENDING (approval_job or `llm-governance approve`)")
    lines += [
        f"Champion now: {'yes' if is_champion else 'no'} (champion is version {champion or 'none'})",
        f"Tainted by an erasure: {'YES, see below' if e.taints.height else 'no'}",
    ]
    if e.exposures.height:
        lines.append(
            "Figures computed with erased data: YES (erased documents were in its validation / test split; the "
            "weights never saw them), see below"
        )
    if card:
        lines.append(f"Model card: {card}")
    rollbacks = (
        e.rollbacks.filter((pl.col("to_version") == mv["version"]) | (pl.col("from_version") == mv["version"]))
        if e.rollbacks.height
        else e.rollbacks
    )
    return Section(
        "Status",
        lines,
        [
            (
                ["rolled back from", "to", "by", "reason", "at"],
                rollbacks.select("from_version", "to_version", "requested_by", "reason", "decided_at").rows()
                if rollbacks.height
                else [],
            )
        ],
    )


def _fairness(e: Evidence) -> Section:
    f = _json(e.model_version.get("fairness"))
    if not f:
        return Section("Fairness and representation", ["not audited (registered before the audit existed)"])
    under = [r for r in f.get("representation", []) if r["under_represented"]]
    flagged = [q for q in f.get("segment_quality", []) if q["flagged"]]
    groups = (f.get("probe") or {}).get("groups") or {}
    return Section(
        "Fairness and representation",
        [
            f"Audit: {'passed' if f.get('passed') else 'FLAGGED'} ({len(f.get('flags', []))} flag(s)) on adapter "
            f"{f.get('adapter_version')}",
            *[f"Flag: {x}" for x in f.get("flags", [])],
            f"Counterfactual probe: {(f.get('probe') or {}).get('prompts', 0)} prompts × {len(groups)} groups",
        ],
        [
            (["under-represented segment", "value", "corpus share", "train share"],
             [[r["segment"], r["value"], r["corpus_share"], r["train_share"]] for r in under]),
            (["flagged segment", "value", "metric", "examples", "mean", "95 % CI", "overall"],
             [quality_row(q, flagged=False) for q in flagged]),
            (["probe group", "category flip rate", "reply similarity", "signature unredacted"],
             [[g, r["flip_rate"], r["reply_similarity"], r["unredacted_rate"]] for g, r in groups.items()]),
        ],
    )  # fmt: skip


def _provenance(e: Evidence) -> Section:
    mv, ts_row = e.model_version, e.training_set
    return Section(
        "Provenance",
        [
            f"Training-set version: {mv['training_set_version']}",
            f"Adapter version: {mv['adapter_version']} (sha256 {mv['adapter_sha256']})",
            f"Base model: {mv['base_model']}",
            "Started from: "
            + (
                f"the adapter of version {mv.get('parent_model_version')} (continual fine-tuning; its training data "
                "is this version's too): " + str(mv.get("init_reason") or "")
                if mv.get("init_from") == "champion"
                else "the base model (a fresh adapter)"
            ),
            f"Training received: {lineage.describe_epochs(mv.get('data_epochs'))} (data_epochs: the fewest passes "
            "over its data along its warm-start lineage; a warm start continues only a champion above "
            "min_champion_epochs)",
            f"Training Dagster run: {mv['training_dagster_run_id']}; registration Dagster run: "
            f"{mv['registration_dagster_run_id']}",
            f"MLflow run: {mv['mlflow_run_id']}",
            f"Code version (git commit) at training: {mv['training_code_version']}; at registration: "
            f"{mv['code_version']}",
            f"Training set built by Dagster run {ts_row.get('dagster_run_id', 'unknown')} from code "
            f"{ts_row.get('code_version', 'unknown')}",
        ],
    )


def _data_sources(e: Evidence) -> Section:
    present = int(e.sources["documents"].sum()) if e.sources.height else 0
    documents = e.members["doc_id"].n_unique()
    return Section(
        "Data sources",
        [
            f"{documents} source documents fed this training set, from {len(e.batches)} landing batch(es); "
            f"{documents - present} of them erased since",
        ],
        [
            (["landing batch", "format", "documents"], e.sources.rows()),
            (["landing batch", "quarantine reason", "inputs"], e.quarantine.rows()),
            (["landing batch", "entry outcome", "reason or ignore rule", "directory entries"], e.intake.rows()),
        ],
    )


def _anonymization(e: Evidence) -> Section:
    configs = sorted(set(e.members["anonymizer_config"].drop_nulls().to_list()))
    return Section(
        "Anonymization",
        [f"Anonymizer configuration(s): {', '.join(configs) or 'unknown'}"],
        [
            (["entity type", "redactions", "documents"], e.redactions.rows()),
            (
                [
                    "landing batch",
                    "check",
                    "passed",
                    "documents scanned",
                    "documents with findings",
                    "config",
                    "checked at",
                ],
                e.checks.rows(),
            ),
            (["landing batch", "held back from the anonymized zone", "documents"], e.held_back.rows()),
        ],
    )


def _training_set(e: Evidence) -> Section:
    ts_row = e.training_set
    crossing = e.members.group_by("doc_id").agg(pl.col("split").n_unique().alias("n")).filter(pl.col("n") > 1).height
    return Section(
        "Training set",
        [
            f"Documents in: {ts_row.get('documents_in', 'unknown')}; documents used: "
            f"{ts_row.get('documents_used', 'unknown')}; examples: {ts_row.get('examples', e.members.height)}",
            f"Documents in more than one split: {crossing} (must be 0)",
            f"Content sha256: {ts_row.get('content_sha256', 'not recorded')} (`llm-governance rebuild --version "
            f"{e.model_version['training_set_version']}` rebuilds it from the warehouse and checks it)",
            f"Examples from served traffic (users' corrections and endorsed replies, anonymized by the server, "
            f"document ids `feedback-<request id>`): {ts_row.get('feedback_examples', 0)}",
        ],
        [
            (["filter / dedupe", "examples dropped"], sorted(_json(ts_row.get("dropped")).items())),
            (["split", "documents", "examples"], e.split_rows()),
        ],
    )


def _evaluation(e: Evidence) -> Section:
    mv = e.model_version
    metrics, new_window = _json(mv["metrics"]), _json(mv["new_window_metrics"])
    measured_new = [m for m in METRICS if any(m.name in new_window[n] for n in new_window)]
    return Section(
        "Evaluation (held-out test split)",
        [
            f"Test examples: {mv['test_examples']}; report: {mv['evaluation_report']}",
            "New slice (test documents the previous champion never saw): "
            + ("see the second table" if new_window else "none (no previous champion, or no new documents)"),
        ],
        [
            (["metric", *metrics.keys()], [[k, *[metrics[n].get(k, "") for n in metrics]] for k in HEADLINE]),
            *(
                [
                    (
                        ["metric (documents the previous champion never saw)", *new_window.keys()],
                        [[m.name, *[new_window[n].get(m.name, "") for n in new_window]] for m in measured_new],
                    )
                ]
                if new_window
                else []
            ),
        ],
    )


def _memorization(e: Evidence) -> Section:
    memorization = _json(e.model_version["memorization"])
    return Section(
        "Memorization check",
        [
            f"Result: {'passed' if memorization.get('passed') else 'FAILED' if memorization else 'not run'}",
            f"Prompts probed: {memorization.get('prompts', 0)} (canary prompts: "
            f"{memorization.get('canary_prompts', 0)}); canary values generated: "
            f"{memorization.get('canary_hits', 0)}; raw PII values generated: {memorization.get('pii_hits', 0)}",
        ],
    )


def _retrain_after(e: Evidence, at) -> str:
    """The first version registered after ``at`` (the retrain an erasure asked for) and what the gate decided."""
    if not e.versions.height or at is None:
        return "none yet"
    later = e.versions.filter(pl.col("registered_at") > at).sort("registered_at")
    if not later.height:
        return "none yet"
    r = later.row(0, named=True)
    return f"v{r['version']} ({r['decision']})"


def _erasures(e: Evidence) -> Section:
    """The chain of each erasure that reached this version: the split that decided, what happened to the champion,
    whether the fallback answered, and the retrain that followed."""
    chain = [
        [
            r["tombstone_id"],
            r["documents"],
            r.get("splits") or "",
            f"tainted ({r.get('taint_on') or 'train and validation'})"
            + (f", inherited from v{r['inherited_from']}" if r.get("inherited_from") else ""),
            r["champion_action"] or "-",
            f"v{r['fallback_version']}" if r.get("fallback_version") else "-",
            _retrain_after(e, r["tainted_at"]),
        ]
        for r in (e.taints.iter_rows(named=True) if e.taints.height else [])
    ]
    chain += [
        [r["tombstone_id"], r["documents"], r["split"], "kept: figures computed with erased data", "-", "-", "-"]
        for r in (e.exposures.iter_rows(named=True) if e.exposures.height else [])
    ]
    figures = [
        [r["tombstone_id"], r["split"], r["documents"], r["figures"]]
        for r in (e.exposures.iter_rows(named=True) if e.exposures.height else [])
    ]
    return Section(
        "Erasures affecting this version",
        [
            "A version is tainted when erased data was in the splits its erasure's taint_on counts (train by "
            "default: the weights learned from it); erased validation / test data leaves it in service and marks "
            "the figures it touched."
        ],
        [
            (
                [
                    "tombstone",
                    "erased documents",
                    "split(s)",
                    "decision",
                    "champion action",
                    "fallback served",
                    "retrain",
                ],
                chain,
            ),
            (["tombstone", "split", "erased documents", "figures computed with erased data"], figures),
        ],
    )


def build_report(
    warehouse: DuckDBWarehouse, model_name: str, version: str, champion: str | None, card: str | None = None
) -> GovernanceReport:
    e = gather_evidence(warehouse, model_name, version)
    mv = e.model_version
    is_champion = champion is not None and str(champion) == str(version)
    sections = [
        _status(e, is_champion, champion, card),
        _provenance(e),
        _data_sources(e),
        _anonymization(e),
        _training_set(e),
        _evaluation(e),
        _fairness(e),
        _memorization(e),
        _erasures(e),
    ]
    summary = {
        "model_name": model_name,
        "version": str(version),
        "decision": mv["decision"],
        "champion": is_champion,
        "tainted": bool(e.taints.height),
        "figures_computed_with_erased_data": bool(e.exposures.height),
        "training_set_version": mv["training_set_version"],
        "documents": e.members["doc_id"].n_unique(),
        "train_documents": e.split_rows()[0][1],
        "redactions": int(e.redactions["redactions"].sum()) if e.redactions.height else 0,
        "residual_checks_passed": bool(e.checks["passed"].all()) if e.checks.height else None,
        "memorization_passed": _json(mv["memorization"]).get("passed"),
        "fairness_passed": _json(mv.get("fairness")).get("passed"),
        "human_decision": e.approvals["decision"][0] if e.approvals.height else None,
        "mlflow_run_id": mv["mlflow_run_id"],
        "code_version": mv["code_version"],
    }
    return GovernanceReport(model_name, str(version), sections, summary)
