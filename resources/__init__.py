"""Dagster resources, injected into assets by parameter name.

``build_resources()`` is the one place they are configured: secrets and service URLs arrive as ``dg.EnvVar`` when
their variable is set (see ``llm_assets.settings.ENVIRONMENT``), so Dagster resolves them at run time and neither the
UI nor the run config ever holds their values.
"""

from __future__ import annotations

from typing import Any

from llm_assets.settings import (
    ALERT_EMAIL_TO_ENV,
    ALERT_SMTP_HOST_ENV,
    ALERT_SMTP_PASSWORD_ENV,
    ALERT_SMTP_PORT_ENV,
    ALERT_WEBHOOK_TOKEN_ENV,
    ALERT_WEBHOOK_URL_ENV,
    APPROVERS_ENV,
    GOVERNANCE_KEY_ENV,
    MLFLOW_TRACKING_URI_ENV,
    PSEUDONYM_SALT_ENV,
    REQUIRE_APPROVAL_ENV,
    compute_backend,
    default_mlflow_tracking_uri,
    env_flag,
    env_int,
    env_list,
    env_or,
    env_text,
    ray_address,
)


def anonymizer_resource():
    """The pipeline's ``anonymizer``, as the Definitions configure it (the CLIs use it without loading them)."""
    from resources.anonymizer import PresidioAnonymizer

    return PresidioAnonymizer(pseudonym_salt=env_or(PSEUDONYM_SALT_ENV, ""))


def build_resources() -> dict[str, Any]:
    from resources.alerts import AlertChannels
    from resources.artifacts import ArtifactStore, JsonArtifactIOManager
    from resources.base_model import BaseModelResource
    from resources.compute import ComputeResource
    from resources.drift_policy import DriftPolicy
    from resources.governance import GovernanceKeys
    from resources.landing import LandingZone
    from resources.mlflow_tracking import MLflowTracking
    from resources.promotion_policy import PromotionPolicy
    from resources.traffic import TrafficLog
    from resources.warehouse import DuckDBWarehouse, WarehouseIOManager

    warehouse = DuckDBWarehouse()
    return {
        "warehouse": warehouse,
        "warehouse_io_manager": WarehouseIOManager(warehouse=warehouse),
        "artifact_io_manager": JsonArtifactIOManager(),
        "landing_zone": LandingZone(),
        "anonymizer": anonymizer_resource(),
        "base_model": BaseModelResource(),
        "compute": ComputeResource(backend=compute_backend(), ray_address=ray_address()),
        "mlflow_tracking": MLflowTracking(tracking_uri=env_or(MLFLOW_TRACKING_URI_ENV, default_mlflow_tracking_uri())),
        "artifact_store": ArtifactStore(),
        "drift_policy": DriftPolicy(),
        "governance_keys": GovernanceKeys(key=env_or(GOVERNANCE_KEY_ENV, "")),
        "traffic_log": TrafficLog(),
        "promotion_policy": PromotionPolicy(
            require_approval=env_flag(REQUIRE_APPROVAL_ENV),
            approvers=env_list(APPROVERS_ENV),
        ),
        "alerts": AlertChannels(
            smtp_host=env_text(ALERT_SMTP_HOST_ENV),
            smtp_port=env_int(ALERT_SMTP_PORT_ENV, 25),
            smtp_password=env_or(ALERT_SMTP_PASSWORD_ENV, ""),
            email_to=env_list(ALERT_EMAIL_TO_ENV),
            webhook_url=env_or(ALERT_WEBHOOK_URL_ENV, ""),
            webhook_token=env_or(ALERT_WEBHOOK_TOKEN_ENV, ""),
        ),
    }


def resolved(resources: dict[str, Any]) -> dict[str, Any]:
    """The resources with their ``dg.EnvVar`` values resolved, for tools that call them outside a Dagster run (the
    CLIs); IO managers are left out."""
    import dagster as dg

    return {
        name: resource.process_config_and_initialize()
        for name, resource in resources.items()
        if isinstance(resource, dg.ConfigurableResource)
    }
