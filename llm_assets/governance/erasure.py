"""Erasure of a data subject (GDPR art. 17): documents out of every zone, a tombstone in, tainted models flagged.

The job's configuration never holds an identifier in clear (run configuration is stored by Dagster and shown in
its UI): the subject arrives as keyed fingerprints, made by ``llm-governance erase`` or ``llm-governance
fingerprint`` with the governance key, and is found through the subject index built at ingestion and the PII
fingerprints of anonymization.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets.core import answer_cache, lineage
from llm_assets.core.served_model import fallback_ledger_row, fallback_without_documents
from resources.alerts import Alert, AlertChannels
from resources.artifacts import ArtifactStore
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse

RETRAIN_TAG = "llmp/retrain_requested"
TOMBSTONE_TAG = "llmp/tombstone"
FALLBACK_TAG = "llmp/serving_fallback"
CHAMPION_POLICIES = ("rollback", "remove", "keep")
TAINT_ON = {
    # the weights learned from the training split only: validation picks a checkpoint, test only measures
    "train": ("train",),
    "any_split": ("train", "validation", "test"),
}
# what each split's erased documents were used for, as the report and the model card say it
SPLIT_FIGURES = {
    "validation": "validation loss (checkpoint choice, early stopping)",
    "test": "evaluation_report test metrics (ROUGE, BLEU, category and fact accuracy, perplexity, fairness probe)",
    "train": "the weights",
}
CHAMPION_DECISIONS = ("promoted", "approved")  # versions that were champion once

# every table that holds rows derived from a document, by zone
ERASABLE_TABLES = (
    ("raw", "raw_documents"),
    ("raw", "subject_index"),
    ("anon", "anonymized_documents"),
    ("anon", "redaction_audit"),
    ("anon", "pii_fingerprints"),
    ("anon", "privacy_quarantine"),
    ("train", "training_set"),
    ("train", "training_examples"),
    ("train", "feedback_examples"),
)


# Ledgers written by the erasure job (an op job, run on request): declared here so the lineage graph shows them and
# the assets that read them can depend on them; the job reports their materializations.
def _ledger(name: str, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(name, group_name="governance", metadata={"schema": lineage.SCHEMA}, description=description)


ERASURE_LEDGERS = (
    _ledger(
        "tombstones", "Ledger: one row per erasure (reason, who asked, how many documents, Dagster run). No identifier."
    ),
    _ledger(
        "tombstone_subjects",
        "Ledger: the keyed fingerprints of erased subjects; ingestion keeps their new documents out.",
    ),
    _ledger(
        "erased_documents",
        "Ledger: the documents each erasure removed (by content hash); ingestion never lets them back.",
    ),
    _ledger(
        "taints",
        "Ledger: model versions trained on erased documents (the splits that decided it, by taint_on), or "
        "warm-started from such a version (inherited_from), and what happened to the champion and the fallback.",
    ),
    _ledger(
        "erased_evaluation_data",
        "Ledger: model versions whose validation or test split held erased documents (not in the weights, so not "
        "tainted): their figures were computed with erased data.",
    ),
)


class ErasureConfig(dg.Config):
    subject_keys: list[str] = Field(
        default_factory=list,
        description="Keyed fingerprints of the subject's identifiers (email, customer id, name, phone), from "
        "`llm-governance fingerprint`. Never the identifiers themselves.",
    )
    doc_ids: list[str] = Field(default_factory=list, description="Documents to erase by id, besides the subject's.")
    reason: str = Field(description="Why (e.g. 'GDPR art. 17 request #1234'); recorded in the tombstone.")
    requested_by: str = Field(default="governance", description="Who asked; recorded in the tombstone.")
    champion_policy: str = Field(
        default="rollback",
        description="When the champion is tainted: rollback = the newest untainted promoted version becomes champion "
        "(none if there is none); remove = no champion until a retrain; keep = leave it (flagged only).",
    )
    retrain: bool = Field(default=True, description="Request a training_job run when a model version was tainted.")
    taint_on: str = Field(
        default="train",
        description="Which splits taint a version: train (default: only what the weights learned from; erased "
        "validation / test documents are recorded against the version, its figures marked as computed with erased "
        "data, and it stays in service) or any_split (every split, as before).",
    )


@dataclass(frozen=True)
class TaintDecision:
    """Which versions the erased documents taint, by the splits ``taint_on`` counts, and which only saw them in
    validation / test (exposed)."""

    tainted: list[str]
    inherited: dict[str, str]  # version -> the tainted ancestor it was warm-started from
    documents: dict[str, int]  # directly tainted version -> erased documents in its counted splits
    splits: dict[str, list[str]]  # directly tainted version -> the splits that decided it
    exposed: list[dict] = field(default_factory=list)  # {version, split, documents, figures} not tainted

    def why(self, version: str) -> str:
        if version in self.inherited:
            return f"warm-started from v{self.inherited[version]}"
        return "erased data in its " + " and ".join(self.splits.get(version, [])) + " split"


def decide_taints(warehouse: DuckDBWarehouse, model_name: str, affected: pl.DataFrame, taint_on: str) -> TaintDecision:
    counted = TAINT_ON[taint_on]
    affected = affected.filter(pl.col("model_name") == model_name) if affected.height else affected
    hits = affected.filter(pl.col("split").is_in(counted))
    direct = set(hits["version"].to_list())
    # a version warm-started from a tainted one: its weights began as the tainted adapter's
    inherited = lineage.warm_start_descendants(warehouse, model_name, direct) if direct else {}
    per_version = hits.unique(subset=["version", "doc_id"]).group_by("version").len()
    splits = hits.group_by("version").agg(pl.col("split").unique().sort())
    exposed = (
        affected.filter(~pl.col("split").is_in(counted) & ~pl.col("version").is_in(list(direct | set(inherited))))
        .group_by("version", "split")
        .agg(pl.col("doc_id").n_unique().alias("documents"))
        .sort(pl.col("version").cast(pl.Int64), "split")
    )
    return TaintDecision(
        tainted=sorted(direct | set(inherited), key=int),
        inherited=inherited,
        documents=dict(per_version.iter_rows()),
        splits={v: list(s) for v, s in splits.iter_rows()},
        exposed=[{**r, "figures": SPLIT_FIGURES[r["split"]]} for r in exposed.iter_rows(named=True)],
    )


@dataclass(frozen=True)
class ChampionAction:
    text: str
    fallback_version: str = ""  # the fallback answers (no untainted champion is left)
    service_gap: bool = False  # no champion and no fallback: nothing answers


def act_on_champion(
    policy: str, warehouse: DuckDBWarehouse, tracking: MLflowTracking, champion_version: str, tainted: set[str]
) -> ChampionAction:
    """The tainted champion under ``policy``: flagged in place, rolled back to the newest untainted champion, or
    removed; when none is left the server's fallback answers (its alias is checked before the champion's goes)."""
    name, client = tracking.registered_model_name, tracking.client()
    if policy == "keep":
        return ChampionAction("kept (flagged)")
    target = _new_champion(warehouse, name, tainted) if policy == "rollback" else None
    if target:
        client.set_registered_model_alias(name, tracking.champion_alias, target)
        return ChampionAction(f"rolled back from v{champion_version} to v{target}")
    fallback = tracking.fallback_version()
    client.delete_registered_model_alias(name, tracking.champion_alias)
    if fallback is None:
        return ChampionAction(f"v{champion_version} demoted, no champion and no fallback", service_gap=True)
    return ChampionAction(
        f"v{champion_version} demoted, no champion: the fallback v{fallback.version} answers",
        fallback_version=str(fallback.version),
    )


def _record_fallback(warehouse: DuckDBWarehouse, tracking: MLflowTracking, version: str, run_id: str) -> None:
    row = fallback_ledger_row(tracking, version)
    lineage.record(warehouse, "fallback_model", {**row, "dagster_run_id": run_id}, keys=["model_name", "version"])


def _erase_rows(
    warehouse: DuckDBWarehouse, doc_ids: list[str], tombstone: dict, subject_keys: list[str], requests: list[str]
) -> dict:
    """Deletes the documents' rows from every zone, the served requests' rows from the traffic tables, and writes the
    tombstone, in one transaction."""
    counts: dict[str, int] = {}
    now = tombstone["erased_at"]
    with warehouse.unit_of_work() as con:
        for schema, table in lineage.TRAFFIC_TABLES:
            deleted = warehouse.delete_in(con, schema, table, "request_id", requests)
            if deleted is not None:
                counts[f"{schema}.{table}"] = deleted
        raw = warehouse.select(
            "raw", "raw_documents", columns=["doc_id", "batch_id"], is_in={"doc_id": doc_ids}, con=con
        )
        batches = dict(raw.iter_rows()) if raw is not None else {}
        for schema, table in ERASABLE_TABLES:
            deleted = warehouse.delete_in(con, schema, table, "doc_id", doc_ids)
            if deleted is not None:
                counts[f"{schema}.{table}"] = deleted
        erased_docs = pl.DataFrame(
            {
                "tombstone_id": [tombstone["tombstone_id"]] * len(doc_ids),
                "doc_id": doc_ids,
                "batch_id": [batches.get(d) for d in doc_ids],
                "erased_at": [now] * len(doc_ids),
            },
            schema={
                "tombstone_id": pl.String,
                "doc_id": pl.String,
                "batch_id": pl.String,
                "erased_at": pl.Datetime("us", "UTC"),
            },
        )
        subjects = pl.DataFrame(
            {"tombstone_id": [tombstone["tombstone_id"]] * len(subject_keys), "subject_key": subject_keys},
            schema={"tombstone_id": pl.String, "subject_key": pl.String},
        )
        stone = pl.DataFrame([{**tombstone, "documents": len(doc_ids)}])
        for table, df in (("tombstones", stone), ("erased_documents", erased_docs), ("tombstone_subjects", subjects)):
            warehouse.write_rows(con, lineage.SCHEMA, table, df)
    return counts


def _new_champion(warehouse: DuckDBWarehouse, model_name: str, tainted: set[str]) -> str | None:
    champions = [v for v, d in lineage.effective_decisions(warehouse, model_name).items() if d in CHAMPION_DECISIONS]
    taints = lineage.read(warehouse, "taints", equals={"model_name": model_name})
    tainted = tainted | (set(taints["version"].to_list()) if taints.height else set())
    candidates = sorted((int(v) for v in champions if v not in tainted), reverse=True)
    return str(candidates[0]) if candidates else None


@dataclass(frozen=True)
class ErasureRecord:
    """What one erasure did: the op's output, its metadata, its run tags, its alerts and the ledgers it wrote all derive
    from this record."""

    tombstone_id: str
    requested_by: str
    taint_on: str
    documents_erased: int
    found_by: dict[str, int]
    served_requests_erased: int
    rows_deleted: dict[str, int]
    cached_answers_dropped: int
    decision: TaintDecision
    champion_version: str | None
    action: ChampionAction
    fallback_rebuilt: str  # the new fallback version registered without the erased shots ("" = none needed)
    fallback_shots_dropped: int
    retrain_requested: bool

    def ledgers_written(self) -> list[str]:
        written = ["tombstones", "erased_documents", "tombstone_subjects"]
        written += ["taints"] if self.decision.tainted else []
        written += ["erased_evaluation_data"] if self.decision.exposed else []
        return written + (["fallback_model"] if self.fallback_rebuilt else [])

    def run_tags(self) -> dict[str, str]:
        tags = {TOMBSTONE_TAG: self.tombstone_id}
        if self.retrain_requested:
            tags[RETRAIN_TAG] = "true"
        if self.action.fallback_version:  # the retrain it asks for is what brings a champion back: prioritised
            tags[FALLBACK_TAG] = self.action.fallback_version
        return tags

    def facts(self) -> dict[str, object]:
        """For alerts. The reason is free text typed by staff: it stays in the tombstone, out of the alert."""
        d = self.decision
        return {
            "tombstone": self.tombstone_id,
            "requested_by": self.requested_by,
            "documents_erased": self.documents_erased,
            "served_requests_erased": self.served_requests_erased,
            "taint_on": self.taint_on,
            "tainted_versions": ", ".join(f"v{v} ({d.why(v)})" for v in d.tainted) or "none",
            "versions_evaluated_with_erased_data": ", ".join(sorted({f"v{e['version']}" for e in d.exposed})) or "none",
            "champion_action": self.action.text,
            "fallback_shots_dropped": self.fallback_shots_dropped,
        }

    def alerts(self) -> dict[str, Alert]:
        stone, facts, champion = self.tombstone_id, self.facts(), self.champion_version
        out = {"erasure": Alert("erasure", f"erasure {stone}", facts, severity="warning")}
        if self.action.fallback_version:
            fallback = self.action.fallback_version
            title = f"erasure {stone} removed champion v{champion}: the fallback v{fallback} answers"
            out["serving_fallback"] = Alert("serving_fallback", title, facts, severity="critical")
        elif self.action.service_gap:
            title = f"erasure {stone} removed champion v{champion} and no fallback is registered: no model serves"
            out["serving_fallback"] = Alert("serving_fallback", title, facts, severity="critical")
        if self.retrain_requested:
            title = f"retrain from the base model requested by erasure {stone}"
            out["retrain_requested"] = Alert("retrain_requested", title, facts)
        return out

    def output(self) -> dict:
        return {
            "tombstone_id": self.tombstone_id,
            "documents_erased": self.documents_erased,
            "rows_deleted": self.rows_deleted,
            "cached_answers_dropped": self.cached_answers_dropped,
            "tainted_versions": self.decision.tainted,
            "evaluated_with_erased_data": self.decision.exposed,
            "champion_action": self.action.text,
            "fallback_version": self.action.fallback_version,
            "fallback_shots_dropped": self.fallback_shots_dropped,
            "retrain_requested": self.retrain_requested,
        }

    def metadata(self) -> dict:
        return {
            "tombstone": self.tombstone_id,
            "documents_erased": self.documents_erased,
            "found_by": dg.MetadataValue.json(self.found_by),
            "rows_deleted": dg.MetadataValue.json(self.rows_deleted),
            "cached_answers_dropped": self.cached_answers_dropped,
            "taint_on": self.taint_on,
            "tainted_versions": dg.MetadataValue.json({v: self.decision.why(v) for v in self.decision.tainted}),
            "evaluated_with_erased_data": dg.MetadataValue.json(self.decision.exposed),
            "champion_action": self.action.text,
            "fallback_version": self.action.fallback_version or "none",
            "fallback_shots_dropped": self.fallback_shots_dropped,
            "retrain_requested": self.retrain_requested,
        }


def _subject_documents(warehouse: DuckDBWarehouse, config: ErasureConfig) -> tuple[list[str], list[str], Counter]:
    """The documents to erase (the subject's, those asked for by id, and the training examples users' feedback on the
    subject's served tickets became), the served requests that named the subject, and how each was found."""
    found = lineage.docs_of_subject(warehouse, config.subject_keys) if config.subject_keys else pl.DataFrame()
    requests = lineage.requests_of_subject(warehouse, config.subject_keys)
    served_docs = {f"{lineage.FEEDBACK_DOC_PREFIX}{r}" for r in requests}
    doc_ids = sorted(set(found["doc_id"].to_list() if found.height else []) | set(config.doc_ids) | served_docs)
    found_by = Counter(found["found_by"].to_list()) if found.height else Counter()
    if requests:
        found_by["served_request"] = len(requests)
    return doc_ids, requests, found_by


def _record_taints(
    warehouse: DuckDBWarehouse, name: str, stone: str, taint_on: str, decision: TaintDecision, champion, action
) -> None:
    for v in decision.tainted:
        origin = decision.inherited.get(v, v)
        row = {
            "model_name": name,
            "version": v,
            "tombstone_id": stone,
            "documents": decision.documents.get(origin, 0),
            "splits": ", ".join(decision.splits.get(origin, [])),
            "taint_on": taint_on,
            "inherited_from": decision.inherited.get(v, ""),
            "tainted_at": lineage.now(),
            "champion_action": action.text if v == champion else "",
            "fallback_version": action.fallback_version if v == champion else "",
        }
        lineage.record(warehouse, "taints", row, keys=["model_name", "version", "tombstone_id"])
    for row in decision.exposed:
        row = {**row, "model_name": name, "tombstone_id": stone, "recorded_at": lineage.now()}
        keys = ["model_name", "version", "tombstone_id", "split"]
        lineage.record(warehouse, "erased_evaluation_data", row, keys=keys)


def erase(
    config: ErasureConfig,
    run_id: str,
    warehouse: DuckDBWarehouse,
    tracking: MLflowTracking,
    artifact_store: ArtifactStore,
) -> ErasureRecord:
    """Deletes the subject's rows from every zone and writes the tombstone; tags the versions by what their splits
    held (``taint_on``); rebuilds the fallback without erased shots; applies the champion policy; records the
    ledgers."""
    doc_ids, requests, found_by = _subject_documents(warehouse, config)
    affected = lineage.versions_of_docs(warehouse, doc_ids)
    tombstone = {
        "tombstone_id": f"ts-{uuid.uuid4().hex[:12]}",
        "erased_at": lineage.now(),
        "reason": config.reason,
        "requested_by": config.requested_by,
        "subject_keys": len(config.subject_keys),
        "doc_ids_requested": len(config.doc_ids),
        "dagster_run_id": run_id,
    }
    counts = _erase_rows(warehouse, doc_ids, tombstone, config.subject_keys, requests)
    stone, name = tombstone["tombstone_id"], tracking.registered_model_name
    decision = decide_taints(warehouse, name, affected, config.taint_on)
    champion = tracking.champion_version()
    champion_version = str(champion.version) if champion else None
    client = tracking.client() if (decision.tainted or decision.exposed) else None
    for v in decision.tainted:
        client.set_model_version_tag(name, v, "tainted", "true")
        client.set_model_version_tag(name, v, "tainted_by", stone)
    for v in sorted({e["version"] for e in decision.exposed}, key=int):
        client.set_model_version_tag(name, v, "computed_with_erased_data", stone)
    # the fallback's in-context shots are training documents too: a new fallback without the erased ones, first
    rebuilt, shots_dropped = fallback_without_documents(tracking, set(doc_ids), f"erasure {stone}")
    if rebuilt:
        _record_fallback(warehouse, tracking, rebuilt, run_id)
    action = ChampionAction("none")
    if champion_version in decision.tainted:
        action = act_on_champion(config.champion_policy, warehouse, tracking, champion_version, set(decision.tainted))
    _record_taints(warehouse, name, stone, config.taint_on, decision, champion_version, action)
    return ErasureRecord(
        tombstone_id=stone,
        requested_by=config.requested_by,
        taint_on=config.taint_on,
        documents_erased=len(doc_ids),
        found_by=dict(found_by),
        served_requests_erased=len(requests),
        rows_deleted=counts,
        # the models' cached answers cover test prompts the erased documents may have been: dropped with them
        cached_answers_dropped=answer_cache.clear(artifact_store),
        decision=decision,
        champion_version=champion_version,
        action=action,
        fallback_rebuilt=rebuilt or "",
        fallback_shots_dropped=shots_dropped,
        retrain_requested=bool(config.retrain and decision.tainted),
    )


@dg.op(
    description="Erases a data subject's documents from the raw, anonymized and training zones, records a "
    "tombstone, taints the model versions trained on them (taint_on), records the versions evaluated on them, demotes "
    "a tainted champion (the fallback answers when no untainted one is left) and asks for a retrain.",
    tags={"kind": "governance"},
)
def erase_data_subject(
    context: dg.OpExecutionContext,
    config: ErasureConfig,
    warehouse: DuckDBWarehouse,
    mlflow_tracking: MLflowTracking,
    alerts: AlertChannels,
    artifact_store: ArtifactStore,
) -> dict:
    if config.champion_policy not in CHAMPION_POLICIES:
        raise dg.Failure(f"champion_policy must be one of {CHAMPION_POLICIES}")
    if config.taint_on not in TAINT_ON:
        raise dg.Failure(f"taint_on must be one of {tuple(TAINT_ON)}")
    if not config.subject_keys and not config.doc_ids:
        raise dg.Failure("nothing to erase: give subject_keys (see `llm-governance fingerprint`) or doc_ids")
    record = erase(config, context.run_id, warehouse, mlflow_tracking, artifact_store)
    stone = record.tombstone_id
    context.log.info(f"tombstone {stone}: {record.documents_erased} document(s) erased; rows: {record.rows_deleted}")
    for table, n in record.rows_deleted.items():
        schema, name = table.split(".")  # each table is the asset of the same name
        context.log_event(
            dg.AssetObservation(asset_key=name, metadata={"erased_rows": n, "tombstone": stone, "zone": schema})
        )
    for ledger in record.ledgers_written():
        context.log_event(dg.AssetMaterialization(asset_key=ledger, metadata={"tombstone": stone}))
    context.instance.add_run_tags(context.run_id, record.run_tags())
    delivered = {kind: alerts.send(alert, context.log) for kind, alert in record.alerts().items()}
    context.add_output_metadata({**record.metadata(), "alerts": dg.MetadataValue.json(delivered)})
    return record.output()


@dg.job(description="Erase a data subject (keyed fingerprints or doc_ids) from every zone; taint and demote models.")
def erasure_job():
    erase_data_subject()
