"""The one Definitions object of the project (named by workspace.yaml): the code location's entry point."""

from llm_assets import settings

settings.apply_offline_environment()  # before presidio, transformers and mlflow are imported

import dagster as dg

from jobs import (
    approval_job,
    erasure_job,
    full_pipeline_job,
    ingestion_job,
    rollback_job,
    serving_job,
    training_job,
)
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
from resources import build_resources
from sensors import (
    drift_sensor,
    erasure_retrain_sensor,
    landing_sensor,
    live_traffic_sensor,
    run_failure_alert_sensor,
    traffic_sensor,
)

defs = dg.Definitions(
    assets=[
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
    ],
    jobs=[ingestion_job, training_job, full_pipeline_job, erasure_job, serving_job, approval_job, rollback_job],
    sensors=[
        landing_sensor,
        drift_sensor,
        erasure_retrain_sensor,
        traffic_sensor,
        live_traffic_sensor,
        run_failure_alert_sensor,
        # keeps drift_report fresh: it re-materializes whenever new anonymized documents or a training set land
        dg.AutomationConditionSensorDefinition(
            "drift_report_freshness",
            target=dg.AssetSelection.assets("drift_report"),
            default_status=dg.DefaultSensorStatus.RUNNING,
            minimum_interval_seconds=30,
        ),
    ],
    resources=build_resources(),
)
