"""The one Definitions object of the project (named by workspace.yaml)."""

import dagster as dg

from jobs import erasure_job, full_pipeline_job, ingestion_job, training_job
from llm_assets.governance.assets import governance_report
from llm_assets.governance.erasure import ERASURE_LEDGERS
from llm_assets.ingestion.assets import ingest_landing_batch
from llm_assets.modeling.assets import evaluation_report, lora_adapter, registered_model
from llm_assets.monitoring.assets import drift_report
from llm_assets.privacy.assets import anonymize_documents
from llm_assets.training_data.assets import training_set
from resources.anonymizer import PresidioAnonymizer
from resources.artifacts import ArtifactStore, JsonArtifactIOManager
from resources.base_model import BaseModelResource
from resources.drift_policy import DriftPolicy
from resources.governance import GovernanceKeys
from resources.landing import LandingZone
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse, WarehouseIOManager
from sensors import drift_sensor, erasure_retrain_sensor, landing_sensor


def build_resources() -> dict:
    warehouse = DuckDBWarehouse()
    return {
        "warehouse": warehouse,
        "warehouse_io_manager": WarehouseIOManager(warehouse=warehouse),
        "artifact_io_manager": JsonArtifactIOManager(),
        "landing_zone": LandingZone(),
        "anonymizer": PresidioAnonymizer(),
        "base_model": BaseModelResource(),
        "mlflow_tracking": MLflowTracking(),
        "artifact_store": ArtifactStore(),
        "drift_policy": DriftPolicy(),
        "governance_keys": GovernanceKeys(),
    }


defs = dg.Definitions(
    assets=[
        ingest_landing_batch,
        anonymize_documents,
        training_set,
        lora_adapter,
        evaluation_report,
        registered_model,
        governance_report,
        drift_report,
        *ERASURE_LEDGERS,
    ],
    jobs=[ingestion_job, training_job, full_pipeline_job, erasure_job],
    sensors=[
        landing_sensor,
        drift_sensor,
        erasure_retrain_sensor,
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
