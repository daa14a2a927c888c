"""A version's model card and governance report, written from the lineage tables (by ``governance_report`` for a new
version, and again by an approval or a rollback, so both show who decided and why)."""

from pathlib import Path

from llm_assets.governance.model_card import publish_model_card
from llm_assets.governance.report import GovernanceReport, build_report
from resources.artifacts import ArtifactStore
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse


def write_governance_report(
    warehouse: DuckDBWarehouse,
    mlflow_tracking: MLflowTracking,
    artifact_store: ArtifactStore,
    version: str,
) -> tuple[GovernanceReport, dict[str, Path]]:
    """Publishes the version's model card, then builds its report from the lineage tables and writes it under the
    artifact store."""
    champion = mlflow_tracking.champion_version()
    name = mlflow_tracking.registered_model_name
    card = publish_model_card(warehouse, mlflow_tracking, artifact_store, str(version))
    report = build_report(warehouse, name, str(version), str(champion.version) if champion else None, str(card))
    paths = report.write(artifact_store.path("reports", "governance", name, f"v{version}"))
    return report, {**paths, "model_card": card}
