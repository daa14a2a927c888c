"""A model card per registered version, generated from the lineage tables only (model_versions, training-set
ledgers, approvals, rollbacks, taints): intended use, training data, evaluation, per-segment and fairness results,
memorization, limitations and decisions. Attached to the MLflow version (description + artifact)."""

import json
from pathlib import Path

import polars as pl

from llm_assets.core import lineage
from llm_assets.core.metrics import HEADLINE
from llm_assets.core.rendering import Document, Section, render
from llm_assets.governance.fairness import quality_row
from resources.warehouse import DuckDBWarehouse

INTENDED_USE = (
    "Drafts a first answer to a customer-support ticket: the ticket's category (one of the trained labels) and a "
    "reply for a human agent to review and send. Input: an anonymized ticket (the serving layer anonymizes before "
    "the model and fills placeholders back for the agent)."
)
OUT_OF_SCOPE = (
    "Sending replies without human review; decisions about a customer's rights, credit, employment or legal "
    "standing; categories outside the trained labels; tickets in languages or channels the training data lacks "
    "(see the representation table)."
)


def _json(value) -> dict:
    if isinstance(value, dict):
        return value
    return json.loads(value) if value else {}


def card_figures(warehouse: DuckDBWarehouse, model_name: str, version: str) -> dict:
    """Every figure the card states, read from the tables (the test compares them with the tables)."""
    mv = lineage.model_version(warehouse, model_name, version)
    if mv is None:
        raise KeyError(f"{model_name} version {version} is not in the lineage tables")
    ts = lineage.read(warehouse, "training_set_versions", equals={"version": mv["training_set_version"]})
    ts_row = ts.row(0, named=True) if ts.height else {}
    metrics = _json(mv["metrics"])
    fairness = _json(mv.get("fairness"))
    approvals = lineage.read(warehouse, "model_approvals", equals={"model_name": model_name, "version": str(version)})
    rollbacks = lineage.read(warehouse, "champion_rollbacks", equals={"model_name": model_name})
    taints = lineage.read(warehouse, "taints", equals={"model_name": model_name, "version": str(version)})
    exposures = lineage.read(
        warehouse, "erased_evaluation_data", equals={"model_name": model_name, "version": str(version)}
    )
    return {
        "model_name": model_name,
        "version": str(version),
        "base_model": mv["base_model"],
        "adapter_sha256": mv["adapter_sha256"],
        "training_set_version": mv["training_set_version"],
        "training_set_sha256": ts_row.get("content_sha256"),
        "documents_used": ts_row.get("documents_used"),
        "examples": ts_row.get("examples"),
        "splits": _json(ts_row.get("splits")),
        "feedback_examples": ts_row.get("feedback_examples", 0),
        "test_examples": mv["test_examples"],
        "init_from": mv.get("init_from") or "base",
        "parent_model_version": mv.get("parent_model_version") or "",
        "data_epochs": lineage.recorded_epochs(mv.get("data_epochs")),
        "metrics": {m: {k: metrics[m].get(k) for k in HEADLINE} for m in metrics},
        "memorization": _json(mv["memorization"]),
        "fairness": fairness,
        "gate_decision": mv["decision"],
        "gate_reason": mv["reason"],
        "human_decision": approvals.row(0, named=True) if approvals.height else None,
        "rollbacks_to": rollbacks.filter(pl.col("to_version") == str(version)).to_dicts() if rollbacks.height else [],
        "tainted": bool(taints.height),
        "computed_with_erased_data": exposures.select("tombstone_id", "split", "documents", "figures").to_dicts()
        if exposures.height
        else [],
        "mlflow_run_id": mv["mlflow_run_id"],
        "code_version": mv["training_code_version"],
    }


def _training_line(f: dict) -> str:
    passes = lineage.describe_epochs(f["data_epochs"])
    if f["init_from"] == "champion":
        return f"Continued v{f['parent_model_version']}'s adapter on new and replayed examples; lineage: {passes}"
    return f"A fresh adapter on the training split: {passes}"


def _limitations(f: dict) -> list[str]:
    out = []
    n = int(f["test_examples"] or 0)
    if n < 100:
        out.append(f"The test split holds {n} examples: differences under a few points of a metric are noise.")
    for flag in f["fairness"].get("flags", []):
        out.append(f"Fairness audit: {flag}.")
    probe = f["fairness"].get("probe") or {}
    leaky = [g for g, r in (probe.get("groups") or {}).items() if r.get("unredacted_rate", 0) > 0]
    if leaky:
        out.append(
            "The anonymizer let part of a customer's signature through for probe group(s) "
            f"{', '.join(leaky)}: the model could see origin-revealing values there."
        )
    if not f["memorization"].get("passed", True):
        out.append("The memorization check FAILED: the model generated a canary or raw PII value.")
    if f["tainted"]:
        out.append("TAINTED: trained on data erased since; it must not serve.")
    for x in f["computed_with_erased_data"]:
        out.append(
            f"Figures computed with erased data (erasure {x['tombstone_id']}): {x['documents']} erased document(s) "
            f"were in its {x['split']} split, used for {x['figures']}. The weights never saw them."
        )
    out.append("Trained on the company's own tickets: its replies follow that company's policies and tone only.")
    return out


def _fairness_section(fairness: dict) -> Section:
    flags = fairness.get("flags", [])
    verdict = "passed" if fairness.get("passed") else "FLAGGED" if fairness else "not run"
    section = Section("Fairness and representation", [f"Audit {verdict}" + (f": {'; '.join(flags)}" if flags else "")])
    quality = [q for q in fairness.get("segment_quality", []) if q["metric"] in ("rougeL", "category_correct")]
    if quality:
        section.tables.append(
            (
                ["segment", "value", "metric", "examples", "mean", "95 % CI", "flagged"],
                [quality_row(q, overall=False) for q in quality],
            )
        )
    groups = (fairness.get("probe") or {}).get("groups") or {}
    if groups:
        section.subsections.append(
            Section(
                f"Counterfactual probe ({fairness['probe']['prompts']} prompts signed by customers of each group)",
                tables=[
                    (
                        ["group", "category flip rate", "reply similarity", "signature unredacted"],
                        [[g, r["flip_rate"], r["reply_similarity"], r["unredacted_rate"]] for g, r in groups.items()],
                    )
                ],
            )
        )
    return section


def _decisions(f: dict) -> list[str]:
    human = f["human_decision"]
    return [
        f"Gate: {f['gate_decision']} — {f['gate_reason']}",
        f"Human decision: {human['decision']} by {human['approver']} on {human['decided_at']}"
        + (f" — {human['note']}" if human.get("note") else "")
        if human
        else "Human decision: none recorded",
        *[
            f"Champion again by rollback from v{r['from_version'] or '-'} by {r['requested_by']} on "
            f"{r['decided_at']}: {r['reason']}"
            for r in f["rollbacks_to"]
        ],
        f"Tainted by an erasure: {'YES' if f['tainted'] else 'no'}",
    ]


def build_model_card(warehouse: DuckDBWarehouse, model_name: str, version: str) -> tuple[str, dict]:
    f = card_figures(warehouse, model_name, version)
    metrics, splits, mem = f["metrics"], f["splits"], f["memorization"]
    memorization = "passed" if mem.get("passed") else "FAILED" if mem else "not run"
    doc = Document(
        f"Model card: {model_name} v{version}",
        sections=[
            Section(
                "Model details",
                [
                    f"Base model: {f['base_model']}, fine-tuned with a LoRA adapter (sha256 `{f['adapter_sha256']}`)",
                    f"MLflow run `{f['mlflow_run_id']}`, code version `{f['code_version']}`",
                ],
            ),
            Section("Intended use", [INTENDED_USE, f"Out of scope: {OUT_OF_SCOPE}"]),
            Section(
                "Training data",
                [
                    f"Training set `{f['training_set_version']}` (content sha256 `{f['training_set_sha256']}`; "
                    f"rebuild with `llm-governance rebuild --version {f['training_set_version']}`)",
                    f"{f['documents_used']} anonymized documents, {f['examples']} examples: "
                    + ", ".join(f"{k} {v}" for k, v in splits.items())
                    + f"; {f['feedback_examples']} from users' feedback on served answers",
                    _training_line(f),
                    "Documents are split by source document (no document in two splits); PII was replaced by "
                    "placeholders before this stage (see the governance report for the redaction counts and residual "
                    "checks).",
                ],
            ),
            Section(
                f"Evaluation (held-out test split, {f['test_examples']} examples)",
                tables=[(["metric", *metrics.keys()], [[k, *[metrics[m].get(k) for m in metrics]] for k in HEADLINE])],
            ),
            _fairness_section(f["fairness"]),
            Section(
                "Memorization probe",
                [
                    f"{memorization}: {mem.get('prompts', 0)} prompts, {mem.get('canary_hits', 0)} canary and "
                    f"{mem.get('pii_hits', 0)} raw PII values generated"
                ],
            ),
            Section("Known limitations", _limitations(f)),
            Section("Decisions", _decisions(f)),
        ],
    )
    return render(doc, "markdown"), f


def publish_model_card(warehouse: DuckDBWarehouse, mlflow_tracking, artifact_store, version: str) -> Path:
    """Writes the card under the artifact store, sets it as the MLflow version's description and logs it to the
    version's run; returns the file."""
    import mlflow

    name = mlflow_tracking.registered_model_name
    markdown, figures = build_model_card(warehouse, name, str(version))
    folder = artifact_store.path("reports", "model_cards", name, f"v{version}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "MODEL_CARD.md"
    path.write_text(markdown, encoding="utf-8")
    (folder / "model_card.json").write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    client = mlflow_tracking.client()
    client.update_model_version(name, str(version), description=markdown[:60000])
    client.set_model_version_tag(name, str(version), "model_card", str(path))
    with mlflow.start_run(run_id=figures["mlflow_run_id"]):
        mlflow.log_artifacts(str(folder), artifact_path="model_card")
    return path
