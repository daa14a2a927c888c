"""Erasure of a data subject (GDPR art. 17): documents out of every zone, a tombstone in, tainted models flagged.

The job's configuration never holds an identifier in clear (run configuration is stored by Dagster and shown in
its UI): the subject arrives as keyed fingerprints, made by ``llm-governance erase`` or ``llm-governance
fingerprint`` with the governance key, and is found through the subject index built at ingestion and the PII
fingerprints of anonymization.
"""

import uuid
from collections import Counter

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets.core import answer_cache, lineage
from resources.alerts import Alert, AlertChannels
from resources.artifacts import ArtifactStore
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse

RETRAIN_TAG = "llmp/retrain_requested"
TOMBSTONE_TAG = "llmp/tombstone"
CHAMPION_POLICIES = ("rollback", "remove", "keep")
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
        "Ledger: model versions trained on erased documents, or warm-started from such a version (inherited_from), "
        "and what happened to the champion.",
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


@dg.op(
    description="Erases a data subject's documents from the raw, anonymized and training zones, records a "
    "tombstone, taints the model versions trained on them, demotes a tainted champion and asks for a retrain.",
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
    if not config.subject_keys and not config.doc_ids:
        raise dg.Failure("nothing to erase: give subject_keys (see `llm-governance fingerprint`) or doc_ids")
    found = lineage.docs_of_subject(warehouse, config.subject_keys) if config.subject_keys else pl.DataFrame()
    # served tickets that named the subject, and the training examples users' feedback on them became
    requests = lineage.requests_of_subject(warehouse, config.subject_keys)
    served_docs = {f"{lineage.FEEDBACK_DOC_PREFIX}{r}" for r in requests}
    doc_ids = sorted(set(found["doc_id"].to_list() if found.height else []) | set(config.doc_ids) | served_docs)
    found_by = Counter(found["found_by"].to_list()) if found.height else Counter()
    if requests:
        found_by["served_request"] = len(requests)
    affected = lineage.versions_of_docs(warehouse, doc_ids)
    tombstone = {
        "tombstone_id": f"ts-{uuid.uuid4().hex[:12]}",
        "erased_at": lineage.now(),
        "reason": config.reason,
        "requested_by": config.requested_by,
        "subject_keys": len(config.subject_keys),
        "doc_ids_requested": len(config.doc_ids),
        "dagster_run_id": context.run_id,
    }
    counts = _erase_rows(warehouse, doc_ids, tombstone, config.subject_keys, requests)
    stone = tombstone["tombstone_id"]
    context.log.info(f"tombstone {stone}: {len(doc_ids)} document(s) erased; rows deleted: {counts}")
    for table, n in counts.items():
        schema, name = table.split(".")  # each table is the asset of the same name
        context.log_event(
            dg.AssetObservation(asset_key=name, metadata={"erased_rows": n, "tombstone": stone, "zone": schema})
        )

    # A version is tainted when an erased document was in its training or validation split (both shaped the weights).
    trained_on = affected.filter(pl.col("split").is_in(["train", "validation"]))
    name = mlflow_tracking.registered_model_name
    direct = set(trained_on["version"].to_list())
    # so is a version warm-started from a tainted one: its weights began as the tainted adapter's
    inherited = lineage.warm_start_descendants(warehouse, name, direct) if direct else {}
    tainted = sorted(direct | set(inherited), key=int)
    champion = mlflow_tracking.champion_version()
    champion_version = str(champion.version) if champion else None
    champion_action = "none"
    if tainted:
        client = mlflow_tracking.client()
        for v in tainted:
            client.set_model_version_tag(name, v, "tainted", "true")
            client.set_model_version_tag(name, v, "tainted_by", stone)
        if champion_version in tainted:
            if config.champion_policy == "keep":
                champion_action = "kept (flagged)"
            else:
                target = _new_champion(warehouse, name, set(tainted)) if config.champion_policy == "rollback" else None
                if target:
                    client.set_registered_model_alias(name, mlflow_tracking.champion_alias, target)
                    champion_action = f"rolled back from v{champion_version} to v{target}"
                else:
                    client.delete_registered_model_alias(name, mlflow_tracking.champion_alias)
                    champion_action = f"v{champion_version} demoted, no champion"
        per_version = Counter(trained_on.unique(subset=["version", "doc_id"])["version"].to_list())
        for v in tainted:
            lineage.record(
                warehouse,
                "taints",
                {
                    "model_name": name,
                    "version": v,
                    "tombstone_id": stone,
                    "documents": per_version[inherited.get(v, v)],
                    "inherited_from": inherited.get(v, ""),
                    "tainted_at": lineage.now(),
                    "champion_action": champion_action if v == champion_version else "",
                },
                keys=["model_name", "version", "tombstone_id"],
            )
    written = ["tombstones", "erased_documents", "tombstone_subjects"] + (["taints"] if tainted else [])
    for ledger in written:
        context.log_event(dg.AssetMaterialization(asset_key=ledger, metadata={"tombstone": stone}))
    # the models' cached answers cover test prompts the erased documents may have been: dropped with them
    cache_entries = answer_cache.clear(artifact_store)
    retrain = bool(config.retrain and tainted)
    tags = {TOMBSTONE_TAG: stone}
    if retrain:
        tags[RETRAIN_TAG] = "true"
    context.instance.add_run_tags(context.run_id, tags)
    # the reason is free text typed by staff: it stays in the tombstone, out of the alert
    facts = {
        "tombstone": stone,
        "requested_by": config.requested_by,
        "documents_erased": len(doc_ids),
        "served_requests_erased": len(requests),
        "tainted_versions": ", ".join(tainted) or "none",
        "champion_action": champion_action,
    }
    delivered = {"erasure": alerts.send(Alert("erasure", f"erasure {stone}", facts, severity="warning"), context.log)}
    if retrain:
        delivered["retrain_requested"] = alerts.send(
            Alert("retrain_requested", f"retrain from the base model requested by erasure {stone}", facts),
            context.log,
        )
    context.add_output_metadata(
        {
            "tombstone": stone,
            "documents_erased": len(doc_ids),
            "found_by": dg.MetadataValue.json(dict(found_by)),
            "rows_deleted": dg.MetadataValue.json(counts),
            "cached_answers_dropped": cache_entries,
            "tainted_versions": dg.MetadataValue.json(tainted),
            "champion_action": champion_action,
            "retrain_requested": retrain,
            "alerts": dg.MetadataValue.json(delivered),
        }
    )
    return {
        "tombstone_id": stone,
        "documents_erased": len(doc_ids),
        "rows_deleted": counts,
        "cached_answers_dropped": cache_entries,
        "tainted_versions": tainted,
        "champion_action": champion_action,
        "retrain_requested": retrain,
    }


@dg.job(description="Erase a data subject (keyed fingerprints or doc_ids) from every zone; taint and demote models.")
def erasure_job():
    erase_data_subject()
