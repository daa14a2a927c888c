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
from jobs.catalog import ASSETS
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
    assets=ASSETS,
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
