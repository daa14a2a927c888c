"""``registered_model`` (+ the ``model_versions`` ledger): the adapter as a new MLflow registry version; the champion
alias moves only when the gate says so."""

import dagster as dg

from llm_assets.core import compute, lineage
from llm_assets.modeling.gate import BASELINES, PromotionConfig, promotion_decision
from resources.alerts import Alert, AlertChannels
from resources.mlflow_tracking import MLflowTracking
from resources.promotion_policy import PromotionPolicy

PENDING = lineage.PENDING_APPROVAL
# what the ledger keeps of the fairness audit (for the report and the model card)
FAIRNESS_FIELDS = ("adapter_version", "passed", "flags", "overall", "representation", "segment_quality", "probe")


@dg.multi_asset(
    outs={
        "registered_model": dg.AssetOut(
            group_name="modeling",
            io_manager_key="artifact_io_manager",
            description="The adapter registered as a new version in the MLflow registry; the champion alias moves "
            "to it only if it beats the base model by the margin and does not regress against the current champion.",
        ),
        "model_versions": dg.AssetOut(
            group_name="modeling",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "governance", "ledger_keys": ["model_name", "version"]},
            description="Ledger: every registered version with its Dagster and MLflow runs, code version, "
            "evaluation and memorization results, and the promotion decision with its reason.",
        ),
    },
    ins={"evaluation_report": dg.AssetIn(), "fairness_audit": dg.AssetIn()},
    op_tags=compute.LIGHT,
)
def registered_model(
    context: dg.AssetExecutionContext,
    config: PromotionConfig,
    evaluation_report: dict,
    fairness_audit: dict,
    mlflow_tracking: MLflowTracking,
    promotion_policy: PromotionPolicy,
    alerts: AlertChannels,
):
    import mlflow

    adapter = evaluation_report["adapter"]
    if fairness_audit["adapter_version"] != adapter["adapter_version"]:
        raise dg.Failure(
            f"lineage mismatch: the fairness audit is of adapter {fairness_audit['adapter_version']}, the evaluation "
            f"of {adapter['adapter_version']}; re-materialize fairness_audit"
        )
    metrics = evaluation_report["metrics"]
    promote, reason = promotion_decision(
        metrics,
        config,
        evaluation_report.get("new_window_metrics"),
        evaluation_report.get("memorization"),
        evaluation_report.get("new_data"),
        fairness_audit,
    )
    mlflow_tracking.setup()
    client = mlflow_tracking.client()
    name = mlflow_tracking.registered_model_name
    previous = mlflow_tracking.champion_version()
    mv = mlflow.register_model(
        adapter["model_uri"],
        name,
        tags={
            "training_set_version": adapter["training_set_version"],
            "adapter_version": adapter["adapter_version"],
            "adapter_sha256": adapter["adapter_sha256"],
            "adapter_dir": adapter["adapter_dir"],
            # the engine's form of the model (the GGUF file logged with it) and its content hash
            **{f"engine_{k}": str(adapter["engine"][k]) for k in ("format", "sha256", "dir") if adapter.get("engine")},
            "dagster_run_id": context.run_id,
            "dagster_run_url": mlflow_tracking.dagster_run_url(context.run_id),
            "training_dagster_run_id": adapter["dagster_run_id"],
            "training_dagster_run_url": mlflow_tracking.dagster_run_url(adapter["dagster_run_id"]),
            "code_version": lineage.code_version(),
            "init_from": adapter.get("init_from", "base"),
            "parent_model_version": adapter.get("parent_model_version", ""),
            # read by a later warm start (min_champion_epochs); absent where the lineage does not record it
            **({"data_epochs": str(adapter["data_epochs"])} if adapter.get("data_epochs") is not None else {}),
        },
    )
    needs_approval = promotion_policy.require_approval if config.require_approval is None else config.require_approval
    decision = "not_promoted" if not promote else PENDING if needs_approval else "promoted"
    if decision == PENDING:
        reason = f"{reason}; waits for a human approval (approval_job or `llm-governance approve`)"
        client.set_model_version_tag(name, mv.version, "approval_status", "pending")
    for key, val in {
        "promotion_decision": decision,
        "promotion_reason": reason,
        "primary_metric": config.primary_metric,
        f"candidate_{config.primary_metric}": str(metrics["candidate"][config.primary_metric]),
        **{f"{b}_{config.primary_metric}": str(metrics[b][config.primary_metric]) for b in BASELINES if b in metrics},
    }.items():
        client.set_model_version_tag(name, mv.version, key, val)
    if decision == "promoted":
        client.set_registered_model_alias(name, mlflow_tracking.champion_alias, mv.version)
    with mlflow.start_run(run_id=adapter["mlflow_run_id"]):
        mlflow.set_tags(
            {"promotion_decision": decision, "promotion_reason": reason, "registered_version": str(mv.version)}
        )
    champion = mlflow_tracking.champion_version()
    ledger = lineage.ledger_rows(
        [
            {
                "model_name": name,
                "version": str(mv.version),
                "adapter_version": adapter["adapter_version"],
                "training_set_version": adapter["training_set_version"],
                "adapter_sha256": adapter["adapter_sha256"],
                "engine_format": (adapter.get("engine") or {}).get("format", ""),
                "engine_sha256": (adapter.get("engine") or {}).get("sha256", ""),
                "base_model": adapter["base_model"],
                "registration_dagster_run_id": context.run_id,
                "training_dagster_run_id": adapter["dagster_run_id"],
                "mlflow_run_id": adapter["mlflow_run_id"],
                "code_version": lineage.code_version(),
                "training_code_version": adapter.get("code_version", "unknown"),
                "init_from": adapter.get("init_from", "base"),
                "parent_model_version": adapter.get("parent_model_version", ""),
                "init_reason": adapter.get("init_reason", ""),
                # NaN where the lineage does not record it (a null column would take no type in the ledger)
                "data_epochs": float("nan") if adapter.get("data_epochs") is None else float(adapter["data_epochs"]),
                "decision": decision,
                "reason": reason,
                "champion_at_gate": str(previous.version) if previous else "",
                "approved_by": f"promotion gate ({config.primary_metric}, margin {config.min_improvement_over_base})"
                if decision == "promoted"
                else "",
                "metrics": metrics,
                "new_window_metrics": evaluation_report.get("new_window_metrics") or {},
                "memorization": evaluation_report.get("memorization") or {},
                "fairness": {k: fairness_audit[k] for k in FAIRNESS_FIELDS},
                "test_examples": evaluation_report["test_examples"],
                "evaluation_report": evaluation_report["report_html"],
                "registered_at": lineage.now(),
            }
        ]
    )
    context.log.info(f"registered {name} v{mv.version}: {decision} ({reason})")
    kind, severity = {
        "promoted": ("promotion", "info"),
        PENDING: ("approval_needed", "warning"),
        "not_promoted": ("rejection", "info"),
    }[decision]
    delivered = alerts.send(
        Alert(
            kind,
            f"{name} v{mv.version}: {decision.replace('_', ' ')}",
            {
                "model": name,
                "version": str(mv.version),
                "decision": decision,
                "reason": reason,
                "champion_before": str(previous.version) if previous else "none",
                "training_set_version": adapter["training_set_version"],
                "dagster_run_id": context.run_id,
            },
            link=mlflow_tracking.model_version_url(str(mv.version)),
            severity=severity,
        ),
        context.log,
    )
    value = {
        "name": name,
        "version": str(mv.version),
        "promoted": decision == "promoted",
        "decision": decision,
        "reason": reason,
        "champion_version": str(champion.version) if champion else None,
        "previous_champion_version": str(previous.version) if previous else None,
        "adapter_version": adapter["adapter_version"],
        "mlflow_run_id": adapter["mlflow_run_id"],
        "training_set_version": adapter["training_set_version"],
    }
    yield dg.Output(
        value,
        output_name="registered_model",
        metadata={
            "registered_model": name,
            "version": str(mv.version),
            "decision": decision,
            "reason": reason,
            "alerts": dg.MetadataValue.json(delivered),
            "champion_version": str(champion.version) if champion else "none",
            "previous_champion_version": str(previous.version) if previous else "none",
            "mlflow_run_id": adapter["mlflow_run_id"],
            "mlflow_run": dg.MetadataValue.url(mlflow_tracking.run_url(adapter["mlflow_run_id"])),
            "model_version": dg.MetadataValue.url(mlflow_tracking.model_version_url(str(mv.version))),
            "rollback": dg.MetadataValue.md(
                f"`llm-governance rollback --version {previous.version} --by <you> --reason <why>`"
                if previous and decision == "promoted"
                else "nothing to roll back"
            ),
        },
    )
    yield dg.Output(ledger, output_name="model_versions", metadata={"version": str(mv.version), "decision": decision})
