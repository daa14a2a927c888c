"""``registered_model`` (+ the ``model_versions`` ledger): the adapter as a new MLflow registry version; the champion
alias moves only when the gate says so."""

from dataclasses import dataclass, field

import dagster as dg

from llm_assets.core import k8s, lineage
from llm_assets.core.tables import table_out
from llm_assets.modeling.gate import BASELINES, PromotionConfig, promotion_decision
from resources.alerts import Alert, AlertChannels
from resources.mlflow_tracking import MLflowTracking
from resources.promotion_policy import PromotionPolicy

PENDING = lineage.PENDING_APPROVAL
# what the ledger keeps of the fairness audit (for the report and the model card)
FAIRNESS_FIELDS = ("adapter_version", "passed", "flags", "overall", "representation", "segment_quality", "probe")


@dataclass(frozen=True)
class Registration:
    """One registered version and the gate's decision: the MLflow tags, the ledger row, the alert, the asset's value
    and its metadata all derive from it."""

    name: str
    version: str
    decision: str  # promoted | pending_approval | not_promoted
    reason: str
    adapter: dict
    evaluation: dict
    fairness: dict
    config: PromotionConfig
    dagster_run_id: str
    previous: str | None  # the champion when the gate decided
    champion: str | None  # the champion after it
    registered_at: object = field(default_factory=lambda: lineage.now())

    def version_tags(self) -> dict[str, str]:
        metric, metrics = self.config.primary_metric, self.evaluation["metrics"]
        tags = {
            "promotion_decision": self.decision,
            "promotion_reason": self.reason,
            "primary_metric": metric,
            f"candidate_{metric}": str(metrics["candidate"][metric]),
            **{f"{b}_{metric}": str(metrics[b][metric]) for b in BASELINES if b in metrics},
        }
        return tags | ({"approval_status": "pending"} if self.decision == PENDING else {})

    def ledger_row(self) -> dict:
        adapter, engine = self.adapter, self.adapter.get("engine") or {}
        return {
            "model_name": self.name,
            "version": self.version,
            "adapter_version": adapter["adapter_version"],
            "training_set_version": adapter["training_set_version"],
            "adapter_sha256": adapter["adapter_sha256"],
            "engine_format": engine.get("format", ""),
            "engine_sha256": engine.get("sha256", ""),
            "base_model": adapter["base_model"],
            "registration_dagster_run_id": self.dagster_run_id,
            "training_dagster_run_id": adapter["dagster_run_id"],
            "mlflow_run_id": adapter["mlflow_run_id"],
            "code_version": lineage.code_version(),
            "training_code_version": adapter.get("code_version", "unknown"),
            "init_from": adapter.get("init_from", "base"),
            "parent_model_version": adapter.get("parent_model_version", ""),
            "init_reason": adapter.get("init_reason", ""),
            # NaN where the lineage does not record it (a null column would take no type in the ledger)
            "data_epochs": float("nan") if adapter.get("data_epochs") is None else float(adapter["data_epochs"]),
            "decision": self.decision,
            "reason": self.reason,
            "champion_at_gate": self.previous or "",
            "approved_by": self._approved_by(),
            "metrics": self.evaluation["metrics"],
            "new_window_metrics": self.evaluation.get("new_window_metrics") or {},
            "memorization": self.evaluation.get("memorization") or {},
            "fairness": {k: self.fairness[k] for k in FAIRNESS_FIELDS},
            "test_examples": self.evaluation["test_examples"],
            "evaluation_report": self.evaluation["report_html"],
            "registered_at": self.registered_at,
        }

    def _approved_by(self) -> str:
        if self.decision != "promoted":
            return ""
        return f"promotion gate ({self.config.primary_metric}, margin {self.config.min_improvement_over_base})"

    def alert(self, link: str) -> Alert:
        kind, severity = {
            "promoted": ("promotion", "info"),
            PENDING: ("approval_needed", "warning"),
            "not_promoted": ("rejection", "info"),
        }[self.decision]
        facts = {
            "model": self.name,
            "version": self.version,
            "decision": self.decision,
            "reason": self.reason,
            "champion_before": self.previous or "none",
            "training_set_version": self.adapter["training_set_version"],
            "dagster_run_id": self.dagster_run_id,
        }
        title = f"{self.name} v{self.version}: {self.decision.replace('_', ' ')}"
        return Alert(kind, title, facts, link=link, severity=severity)

    def value(self) -> dict:
        return {
            "name": self.name,
            "version": self.version,
            "promoted": self.decision == "promoted",
            "decision": self.decision,
            "reason": self.reason,
            "champion_version": self.champion,
            "previous_champion_version": self.previous,
            "adapter_version": self.adapter["adapter_version"],
            "mlflow_run_id": self.adapter["mlflow_run_id"],
            "training_set_version": self.adapter["training_set_version"],
        }

    def metadata(self, tracking: MLflowTracking) -> dict:
        run_id = self.adapter["mlflow_run_id"]
        rollback = (
            f"`llm-governance rollback --version {self.previous} --by <you> --reason <why>`"
            if self.previous and self.decision == "promoted"
            else "nothing to roll back"
        )
        return {
            "registered_model": self.name,
            "version": self.version,
            "decision": self.decision,
            "reason": self.reason,
            "champion_version": self.champion or "none",
            "previous_champion_version": self.previous or "none",
            "mlflow_run_id": run_id,
            "mlflow_run": dg.MetadataValue.url(tracking.run_url(run_id)),
            "model_version": dg.MetadataValue.url(tracking.model_version_url(self.version)),
            "rollback": dg.MetadataValue.md(rollback),
        }


def _registration_tags(adapter: dict, tracking: MLflowTracking, run_id: str) -> dict[str, str]:
    """What a new registry version carries from its adapter's lineage."""
    engine = adapter.get("engine") or {}
    return {
        "training_set_version": adapter["training_set_version"],
        "adapter_version": adapter["adapter_version"],
        "adapter_sha256": adapter["adapter_sha256"],
        "adapter_dir": adapter["adapter_dir"],
        # the engine's form of the model (the GGUF file logged with it) and its content hash
        **{f"engine_{k}": str(engine[k]) for k in ("format", "sha256", "dir") if engine},
        "dagster_run_id": run_id,
        "dagster_run_url": tracking.dagster_run_url(run_id),
        "training_dagster_run_id": adapter["dagster_run_id"],
        "training_dagster_run_url": tracking.dagster_run_url(adapter["dagster_run_id"]),
        "code_version": lineage.code_version(),
        "init_from": adapter.get("init_from", "base"),
        "parent_model_version": adapter.get("parent_model_version", ""),
        # read by a later warm start (min_champion_epochs); absent where the lineage does not record it
        **({"data_epochs": str(adapter["data_epochs"])} if adapter.get("data_epochs") is not None else {}),
    }


def register(
    config: PromotionConfig,
    evaluation: dict,
    fairness: dict,
    tracking: MLflowTracking,
    policy: PromotionPolicy,
    run_id: str,
) -> Registration:
    """Registers the evaluated adapter as a new version, decides (gate, then the approval policy), tags the version and
    its run, and moves the champion alias when promoted."""
    import mlflow

    adapter = evaluation["adapter"]
    if fairness["adapter_version"] != adapter["adapter_version"]:
        raise dg.Failure(
            f"lineage mismatch: the fairness audit is of adapter {fairness['adapter_version']}, the evaluation "
            f"of {adapter['adapter_version']}; re-materialize fairness_audit"
        )
    promote, reason = promotion_decision(
        evaluation["metrics"],
        config,
        evaluation.get("new_window_metrics"),
        evaluation.get("memorization"),
        evaluation.get("new_data"),
        fairness,
    )
    tracking.setup()
    client, name = tracking.client(), tracking.registered_model_name
    previous = tracking.champion_version()
    mv = mlflow.register_model(adapter["model_uri"], name, tags=_registration_tags(adapter, tracking, run_id))
    needs_approval = policy.require_approval if config.require_approval is None else config.require_approval
    decision = "not_promoted" if not promote else PENDING if needs_approval else "promoted"
    if decision == PENDING:
        reason = f"{reason}; waits for a human approval (approval_job or `llm-governance approve`)"
    record = Registration(
        name=name,
        version=str(mv.version),
        decision=decision,
        reason=reason,
        adapter=adapter,
        evaluation=evaluation,
        fairness=fairness,
        config=config,
        dagster_run_id=run_id,
        previous=str(previous.version) if previous else None,
        champion=str(mv.version) if decision == "promoted" else (str(previous.version) if previous else None),
    )
    for key, val in record.version_tags().items():
        client.set_model_version_tag(name, mv.version, key, val)
    if decision == "promoted":
        client.set_registered_model_alias(name, tracking.champion_alias, mv.version)
    run_tags = {"promotion_decision": decision, "promotion_reason": reason, "registered_version": record.version}
    with mlflow.start_run(run_id=adapter["mlflow_run_id"]):
        mlflow.set_tags(run_tags)
    return record


@dg.multi_asset(
    outs={
        "registered_model": dg.AssetOut(
            group_name="modeling",
            io_manager_key="artifact_io_manager",
            description="The adapter registered as a new version in the MLflow registry; the champion alias moves "
            "to it only if it beats the base model by the margin and does not regress against the current champion.",
        ),
        "model_versions": table_out(
            "modeling",
            "governance",
            "Ledger: every registered version with its Dagster and MLflow runs, code version, "
            "evaluation and memorization results, and the promotion decision with its reason.",
            ledger_keys=["model_name", "version"],
        ),
    },
    ins={"evaluation_report": dg.AssetIn(), "fairness_audit": dg.AssetIn()},
    op_tags=k8s.LIGHT,
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
    record = register(config, evaluation_report, fairness_audit, mlflow_tracking, promotion_policy, context.run_id)
    context.log.info(f"registered {record.name} v{record.version}: {record.decision} ({record.reason})")
    delivered = alerts.send(record.alert(mlflow_tracking.model_version_url(record.version)), context.log)
    metadata = {**record.metadata(mlflow_tracking), "alerts": dg.MetadataValue.json(delivered)}
    yield dg.Output(record.value(), output_name="registered_model", metadata=metadata)
    yield dg.Output(
        lineage.ledger_rows([record.ledger_row()]),
        output_name="model_versions",
        metadata={"version": record.version, "decision": record.decision},
    )
