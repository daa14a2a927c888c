"""The deployment's promotion policy: whether a human must approve what the gate passed, and who may decide.

A resource rather than run config so that every run — the Launchpad's, a sensor's, the CLI's — follows it."""

import dagster as dg
from pydantic import Field


class PromotionPolicy(dg.ConfigurableResource):
    require_approval: bool = Field(
        default=False,
        description="A candidate that passes the gate waits as pending_approval until approval_job (or "
        "`llm-governance approve`) decides; PromotionConfig.require_approval overrides it per run.",
    )
    approvers: list[str] = Field(
        default_factory=list,
        description="Who may approve, reject and roll back (names as recorded); empty = anyone who can run the job.",
    )

    def check_approver(self, who: str) -> None:
        if not who.strip():
            raise dg.Failure("a decision needs the name of who takes it")
        if self.approvers and who not in self.approvers:
            raise dg.Failure(f"{who!r} is not among the configured approvers")
