"""Human decisions on the champion: approving or rejecting a candidate the gate passed, and rolling back.

Each is an asset (a ledger in the governance schema) materialized by its own job with typed config, so the decision,
who took it and why are in the Dagster run, the governance tables, the MLflow version's tags and the report. A
decision the lineage does not allow (a tainted version, a candidate the gate refused, a champion that moved since the
gate compared against it) fails the run with the reason and records nothing.
"""

from dataclasses import dataclass
from typing import Literal

import dagster as dg
from pydantic import Field

from llm_assets.core import k8s, lineage
from llm_assets.governance.erasure import CHAMPION_DECISIONS
from llm_assets.governance.publishing import write_governance_report
from resources.alerts import Alert, AlertChannels
from resources.artifacts import ArtifactStore
from resources.mlflow_tracking import MLflowTracking
from resources.promotion_policy import PromotionPolicy
from resources.warehouse import DuckDBWarehouse

APPROVALS = "model_approvals"
ROLLBACKS = "champion_rollbacks"
# the tables the governance report and the model card read (llm_assets.governance.assets.REPORT_SOURCES)
REPORT_SOURCES = (
    "model_versions",
    "training_set_versions",
    "training_set_members",
    "landing_inventory",
    "quarantined_documents",
    "anonymized_documents",
    "redaction_audit",
    "privacy_quarantine",
    "privacy_checks",
    "pii_fingerprints",
    "taints",
    "erased_evaluation_data",
    APPROVALS,
    ROLLBACKS,
)


class ApprovalConfig(dg.Config):
    version: str = Field(description="Registered model version waiting as pending_approval.")
    decision: Literal["approve", "reject"] = Field(description="approve = it becomes champion; reject = it never does.")
    approver: str = Field(description="Who decides (recorded; must be a configured approver when a list is set).")
    note: str = Field(default="", description="Why (recorded in the ledger, the MLflow tags and the report).")


class RollbackConfig(dg.Config):
    version: str = Field(description="Registered version that becomes champion again (it must have been one).")
    requested_by: str = Field(description="Who rolls back (recorded; a configured approver when a list is set).")
    reason: str = Field(description="Why (recorded in the ledger, the MLflow tags and the report).")


def _tainted(warehouse: DuckDBWarehouse, name: str, version: str) -> bool:
    taints = lineage.read(warehouse, "taints", equals={"model_name": name, "version": version})
    return bool(taints.height)


def _decision_ledger(name: str, keys: list[str], deps: list[str], description: str):
    """A human decision's ledger (approvals, rollbacks): a governance table, materialized by its job on request."""
    return dg.asset(
        name=name,
        group_name="governance",
        metadata={"schema": lineage.SCHEMA, "ledger_keys": keys},
        deps=deps,
        op_tags=k8s.LIGHT,
        description=description,
    )


def _registered(warehouse: DuckDBWarehouse, tracking: MLflowTracking, version: str) -> tuple[str, dict]:
    """The registered model's name and ``version``'s ledger row; a failure naming it when it is not registered."""
    name = tracking.registered_model_name
    mv = lineage.model_version(warehouse, name, version)
    if mv is None:
        raise dg.Failure(f"version {version} of {name} is not registered")
    return name, mv


def _record_and_republish(
    warehouse: DuckDBWarehouse,
    mlflow_tracking: MLflowTracking,
    artifact_store: ArtifactStore,
    table: str,
    row: dict,
    keys: list[str],
    versions: list[str],
) -> dict[str, str]:
    """Writes the decision's ledger row, then regenerates the model card and the governance report of the versions
    it concerns (so both show who decided and why); version -> report file."""
    lineage.record(warehouse, table, {**row, "decided_at": lineage.now()}, keys)
    return {
        v: str(write_governance_report(warehouse, mlflow_tracking, artifact_store, v)[1]["html"]) for v in versions if v
    }


@dataclass(frozen=True)
class HumanDecision:
    """An approval, a rejection or a rollback: the ledger row, the alert and the metadata derive from it."""

    kind: str  # promotion | rejection | rollback (the alert kind)
    model_name: str
    version: str
    by: str
    why: str
    champion_before: str
    champion_after: str
    reports: dict[str, str]  # version -> the regenerated governance report

    def facts(self) -> dict[str, str]:
        if self.kind == "rollback":
            return {
                "model": self.model_name,
                "from_version": self.champion_before or "none",
                "to_version": self.version,
                "requested_by": self.by,
                "reason": self.why,
            }
        return {
            "model": self.model_name,
            "version": self.version,
            "decision": "approved" if self.kind == "promotion" else "rejected",
            "approver": self.by,
            "note": self.why,
            "champion_before": self.champion_before or "none",
            "champion_after": self.champion_after or "none",
        }

    def alert(self, link: str) -> Alert:
        if self.kind == "rollback":
            moved = f"v{self.champion_before or '-'} -> v{self.version}"
            title = f"{self.model_name} champion rolled back {moved} by {self.by}"
            return Alert("rollback", title, self.facts(), link=link, severity="warning")
        title = f"{self.model_name} v{self.version} {self.facts()['decision']} by {self.by}"
        return Alert(self.kind, title, self.facts(), link=link)

    def metadata(self) -> dict:
        return {"reports": dg.MetadataValue.json(self.reports), **self.facts()}


def decide_approval(
    config: ApprovalConfig,
    run_id: str,
    warehouse: DuckDBWarehouse,
    tracking: MLflowTracking,
    policy: PromotionPolicy,
    artifact_store: ArtifactStore,
) -> HumanDecision:
    """A candidate waiting as pending_approval becomes champion (approve) or never does (reject); refused when it is
    tainted or the champion moved since the gate compared them."""
    policy.check_approver(config.approver)
    name, mv = _registered(warehouse, tracking, config.version)
    decided = lineage.read(warehouse, APPROVALS, equals={"model_name": name, "version": config.version})
    if decided.height:
        raise dg.Failure(f"v{config.version} was already {decided['decision'][0]} by {decided['approver'][0]}")
    if mv["decision"] != lineage.PENDING_APPROVAL:
        raise dg.Failure(f"v{config.version} is not waiting for approval: the gate decided {mv['decision']}")
    champion = tracking.champion_version()
    before = str(champion.version) if champion else ""
    if config.decision == "approve":
        if _tainted(warehouse, name, config.version):
            raise dg.Failure(f"v{config.version} is tainted by an erasure: it cannot become champion")
        if before != (mv.get("champion_at_gate") or ""):
            raise dg.Failure(
                f"the champion moved since the gate compared v{config.version} against it "
                f"(v{mv.get('champion_at_gate') or '-'} then, v{before or '-'} now): re-evaluate before approving"
            )
    client = tracking.client()
    status = "approved" if config.decision == "approve" else "rejected"
    if status == "approved":
        client.set_registered_model_alias(name, tracking.champion_alias, config.version)
    tags = {"approval_status": status, "approval_by": config.approver, "approval_note": config.note}
    for key, value in {**tags, "approval_dagster_run_id": run_id}.items():
        client.set_model_version_tag(name, config.version, key, value)
    after = config.version if status == "approved" else before
    row = {
        "model_name": name,
        "version": config.version,
        "decision": status,
        "approver": config.approver,
        "note": config.note,
        "champion_before": before,
        "champion_after": after,
        "dagster_run_id": run_id,
    }
    reports = _record_and_republish(
        warehouse, tracking, artifact_store, APPROVALS, row, ["model_name", "version"], [config.version]
    )
    kind = "promotion" if status == "approved" else "rejection"
    return HumanDecision(kind, name, config.version, config.approver, config.note, before, after, reports)


def roll_back(
    config: RollbackConfig,
    run_id: str,
    warehouse: DuckDBWarehouse,
    tracking: MLflowTracking,
    policy: PromotionPolicy,
    artifact_store: ArtifactStore,
) -> HumanDecision:
    """The champion alias moves back to an earlier champion; refused for a tainted version or one never champion."""
    policy.check_approver(config.requested_by)
    if not config.reason.strip():
        raise dg.Failure("a rollback needs a reason")
    name, _ = _registered(warehouse, tracking, config.version)
    if _tainted(warehouse, name, config.version):
        raise dg.Failure(f"v{config.version} is tainted by an erasure: it cannot become champion again")
    decision = lineage.effective_decision(warehouse, name, config.version)
    if decision not in CHAMPION_DECISIONS:
        raise dg.Failure(f"v{config.version} was never champion (decision {decision}): nothing to roll back to")
    champion = tracking.champion_version()
    before = str(champion.version) if champion else ""
    if before == config.version:
        raise dg.Failure(f"v{config.version} is already the champion")
    client = tracking.client()
    client.set_registered_model_alias(name, tracking.champion_alias, config.version)
    tags = {"rolled_back_from": before or "none", "rollback_by": config.requested_by, "rollback_reason": config.reason}
    for key, value in {**tags, "rollback_dagster_run_id": run_id}.items():
        client.set_model_version_tag(name, config.version, key, value)
    row = {
        "rollback_id": run_id,
        "model_name": name,
        "from_version": before,
        "to_version": config.version,
        "requested_by": config.requested_by,
        "reason": config.reason,
        "dagster_run_id": run_id,
    }
    reports = _record_and_republish(
        warehouse, tracking, artifact_store, ROLLBACKS, row, ["rollback_id"], [config.version, before]
    )
    return HumanDecision(
        "rollback", name, config.version, config.requested_by, config.reason, before, config.version, reports
    )


def _materialized(
    decision: HumanDecision, alerts: AlertChannels, tracking: MLflowTracking, log
) -> dg.MaterializeResult:
    delivered = alerts.send(decision.alert(tracking.model_version_url(decision.version)), log)
    metadata = {**decision.metadata(), "alerts": dg.MetadataValue.json(delivered)}
    metadata["model_version"] = dg.MetadataValue.url(tracking.model_version_url(decision.version))
    return dg.MaterializeResult(metadata=metadata)


def _decision_asset(name: str, keys: list[str], deps: list[str], description: str, config_type, decide):
    """The asset of a human decision's ledger: ``decide`` (its config, the run id, the resources) gives the
    ``HumanDecision`` the alert and the metadata derive from."""

    @_decision_ledger(name, keys, deps, description)
    def decision_ledger(
        context: dg.AssetExecutionContext,
        config: config_type,
        warehouse: DuckDBWarehouse,
        mlflow_tracking: MLflowTracking,
        promotion_policy: PromotionPolicy,
        alerts: AlertChannels,
        artifact_store: ArtifactStore,
    ) -> dg.MaterializeResult:
        decision = decide(config, context.run_id, warehouse, mlflow_tracking, promotion_policy, artifact_store)
        return _materialized(decision, alerts, mlflow_tracking, context.log)

    return decision_ledger


model_approvals = _decision_asset(
    APPROVALS,
    ["model_name", "version"],
    # reads the report's sources to regenerate it (champion_rollbacks too, undeclared: it depends on this ledger)
    [t for t in REPORT_SOURCES if t not in (APPROVALS, ROLLBACKS)],
    "Ledger: human approvals and rejections of candidates that passed the gate while require_approval was on (who, "
    "when, why, the champion before and after). Materialized by approval_job.",
    ApprovalConfig,
    decide_approval,
)

champion_rollbacks = _decision_asset(
    ROLLBACKS,
    ["rollback_id"],
    [t for t in REPORT_SOURCES if t != ROLLBACKS],
    "Ledger: every rollback of the champion alias (from, to, who, why). Refuses a tainted version and one that was "
    "never champion. Materialized by rollback_job or `llm-governance rollback`.",
    RollbackConfig,
    roll_back,
)


# taken by people on request, never by a training run
HUMAN_DECISIONS = dg.AssetSelection.assets(APPROVALS, ROLLBACKS)

approval_job = dg.define_asset_job(
    "approval_job",
    selection=dg.AssetSelection.assets(APPROVALS),
    description="A human approves or rejects a candidate waiting as pending_approval (config: version, decision, "
    "approver, note).",
)

rollback_job = dg.define_asset_job(
    "rollback_job",
    selection=dg.AssetSelection.assets(ROLLBACKS),
    description="The champion alias moves back to an earlier champion (config: version, requested_by, reason); "
    "tainted versions are refused.",
)
