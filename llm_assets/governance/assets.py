"""``governance_report``: the auditor's report of every registered model version."""

import dagster as dg

from llm_assets.core import k8s, lineage
from llm_assets.core.fingerprints import find_known
from llm_assets.core.memorization import scanned_fingerprints
from llm_assets.governance import approvals
from llm_assets.governance.publishing import write_governance_report
from resources.artifacts import ArtifactStore
from resources.governance import GovernanceKeys
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse

REPORT_CHECK = "report_holds_no_raw_pii"


def raw_values_in(text: str, warehouse: DuckDBWarehouse, key: bytes) -> int:
    """How many raw-zone PII values (by keyed fingerprint) a text contains."""
    known = set(scanned_fingerprints(lineage.pii_fingerprints(warehouse)))
    return len(find_known(key, [text], known)[0]) if known else 0


# every table the report reads, besides registered_model (its input)
REPORT_SOURCES = approvals.REPORT_SOURCES


@dg.asset(
    group_name="governance",
    io_manager_key="artifact_io_manager",
    deps=list(REPORT_SOURCES),
    op_tags=k8s.LIGHT,
    check_specs=[
        dg.AssetCheckSpec(
            REPORT_CHECK,
            asset="governance_report",
            description="The report and the model card contain no raw-zone PII value (checked by keyed fingerprint).",
        )
    ],
    description="The auditor's report of the newly registered model version (HTML + markdown): sources, "
    "redactions per entity type, residual-PII checks, filters and dedupe, splits, evaluation, memorization, the "
    "promotion decision and every run id. Also logged to the version's MLflow run.",
)
def governance_report(
    context: dg.AssetExecutionContext,
    registered_model: dict,
    warehouse: DuckDBWarehouse,
    mlflow_tracking: MLflowTracking,
    artifact_store: ArtifactStore,
    governance_keys: GovernanceKeys,
):
    import mlflow

    report, paths = write_governance_report(warehouse, mlflow_tracking, artifact_store, registered_model["version"])
    leaked = raw_values_in(
        report.markdown() + paths["model_card"].read_text(encoding="utf-8"), warehouse, governance_keys.secret()
    )
    mlflow_tracking.setup()
    with mlflow.start_run(run_id=registered_model["mlflow_run_id"]):
        mlflow.log_artifacts(str(paths["markdown"].parent), artifact_path="governance")
    mlflow_tracking.client().set_model_version_tag(
        registered_model["name"], registered_model["version"], "governance_report", str(paths["html"])
    )
    s = report.summary
    yield dg.Output(
        {**s, "report_html": str(paths["html"]), "report_markdown": str(paths["markdown"])},
        metadata={
            "model_version": s["version"],
            "decision": s["decision"],
            "documents": s["documents"],
            "train_documents": s["train_documents"],
            "redactions": s["redactions"],
            "residual_checks_passed": str(s["residual_checks_passed"]),
            "memorization_passed": str(s["memorization_passed"]),
            "report": dg.MetadataValue.url(artifact_store.report_url(paths["html"])),
            "report_in_mlflow": dg.MetadataValue.url(
                mlflow_tracking.artifact_url(registered_model["mlflow_run_id"], f"governance/{paths['html'].name}")
            ),
            "model_version_in_mlflow": dg.MetadataValue.url(
                mlflow_tracking.model_version_url(registered_model["version"])
            ),
            "report_file": dg.MetadataValue.path(str(paths["html"])),
            "report_markdown": dg.MetadataValue.path(str(paths["markdown"])),
            "model_card": dg.MetadataValue.path(str(paths["model_card"])),
            "fairness_passed": str(s["fairness_passed"]),
            "preview": dg.MetadataValue.md(report.markdown()[:6000]),
        },
    )
    yield dg.AssetCheckResult(check_name=REPORT_CHECK, passed=leaked == 0, metadata={"raw_values_found": leaked})
