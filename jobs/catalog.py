"""Every asset of the project, in the order the UI's story reads: what ``Definitions`` serves and what the command
lines run their jobs over."""

from llm_assets.governance.approvals import champion_rollbacks, model_approvals
from llm_assets.governance.assets import governance_report
from llm_assets.governance.erasure import ERASURE_LEDGERS
from llm_assets.governance.fairness_asset import fairness_audit
from llm_assets.ingestion.assets import ingest_landing_batch
from llm_assets.modeling.assets import evaluation_report, fallback_model, lora_adapter, registered_model
from llm_assets.monitoring.assets import drift_report
from llm_assets.monitoring.live_traffic import live_traffic_report
from llm_assets.privacy.assets import anonymize_documents
from llm_assets.serving.assets import feedback_examples, inference_log
from llm_assets.training_data.assets import training_set

ASSETS = [
    ingest_landing_batch,
    anonymize_documents,
    inference_log,
    feedback_examples,
    training_set,
    lora_adapter,
    evaluation_report,
    fairness_audit,
    registered_model,
    fallback_model,
    governance_report,
    model_approvals,
    champion_rollbacks,
    drift_report,
    live_traffic_report,
    *ERASURE_LEDGERS,
]
