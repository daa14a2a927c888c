"""Jobs: ingestion per landing batch, training on everything ingested, the whole graph, and erasure."""

import dagster as dg

from llm_assets.core.partitions import landing_batches, traffic_days
from llm_assets.governance.approvals import HUMAN_DECISIONS, approval_job, rollback_job
from llm_assets.governance.erasure import erasure_job

INGESTION_GROUPS = ("ingestion", "privacy")
TRAINING_GROUPS = ("training_data", "modeling", "governance")
MONITORING_GROUPS = ("monitoring",)
SERVING_GROUPS = ("serving",)

ingestion_job = dg.define_asset_job(
    "ingestion_job",
    selection=dg.AssetSelection.groups(*INGESTION_GROUPS),
    partitions_def=landing_batches,
    description="Landing batch -> raw documents (+ quarantine) -> anonymized documents (+ redaction audit).",
)

training_job = dg.define_asset_job(
    "training_job",
    selection=dg.AssetSelection.groups(*TRAINING_GROUPS) - HUMAN_DECISIONS,
    description="Training set -> LoRA adapter -> evaluation report -> registered (and maybe promoted) model -> "
    "governance report.",
)

full_pipeline_job = dg.define_asset_job(
    "full_pipeline_job",
    selection=dg.AssetSelection.groups(*INGESTION_GROUPS, *TRAINING_GROUPS, *MONITORING_GROUPS) - HUMAN_DECISIONS,
    partitions_def=landing_batches,
    description="The whole graph: ingest the selected landing batches (a partition or a range), then retrain, "
    "evaluate and register on everything ingested, and measure drift against the (new) champion.",
)

serving_job = dg.define_asset_job(
    "serving_job",
    selection=dg.AssetSelection.groups(*SERVING_GROUPS),
    partitions_def=traffic_days,
    description="A day of the served model's traffic -> inference log and user feedback tables (anonymized).",
)

__all__ = [
    "approval_job",
    "erasure_job",
    "full_pipeline_job",
    "ingestion_job",
    "rollback_job",
    "serving_job",
    "training_job",
]
