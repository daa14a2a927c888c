"""The promotion gate: a candidate is promoted only if it beats the base model by a margin, holds its guard metrics,
does not regress against the champion (on the test split and on the new slice), and passed the memorization probe."""

import dagster as dg
from pydantic import Field

from llm_assets.core.metrics import metric


class PromotionConfig(dg.Config):
    primary_metric: str = Field(default="rougeL", description="Metric that decides promotion.")
    min_improvement_over_base: float = Field(
        default=0.02, description="The candidate must beat the zero-shot base model by at least this much."
    )
    max_regression_vs_champion: float = Field(
        default=0.0, description="The candidate may trail the current champion by at most this much."
    )
    guard_metrics: list[str] = Field(
        default=["category_accuracy"], description="Metrics on which the candidate must not fall below the base model."
    )
    block_on_memorization: bool = Field(
        default=True,
        description="Never promote a candidate whose memorization check found a canary or raw-zone PII value in its "
        "generations.",
    )


def promotion_decision(
    metrics: dict[str, dict[str, float]],
    config: PromotionConfig,
    new_window: dict | None = None,
    memorization: dict | None = None,
) -> tuple[bool, str]:
    """(promote?, reason), from the evaluation metrics of base, candidate and (optionally) champion, on the new
    slice (test documents the champion never saw) where there is one, and from the memorization check."""
    if config.block_on_memorization and memorization is not None and not memorization["passed"]:
        return False, (
            f"memorization check failed: {memorization['canary_hits']} canary and {memorization['pii_hits']} raw PII "
            "value(s) generated"
        )
    m = config.primary_metric
    primary = metric(m)
    cand, base = metrics["candidate"][m], metrics["base"][m]
    gain = primary.better(cand, base)
    if gain < config.min_improvement_over_base:
        return False, f"{m} {cand:.4f} does not beat the base model ({base:.4f}) by {config.min_improvement_over_base}"
    for g in config.guard_metrics:
        if metric(g).better(metrics["candidate"][g], metrics["base"][g]) < 0:
            return False, f"{g} {metrics['candidate'][g]:.4f} is worse than the base model's {metrics['base'][g]:.4f}"
    if "champion" in metrics:
        champ = metrics["champion"][m]
        if primary.better(cand, champ) < -config.max_regression_vs_champion:
            return False, f"{m} {cand:.4f} regresses against the champion ({champ:.4f})"
        if new_window and "champion" in new_window and m in new_window["champion"]:
            nc, nh = new_window["candidate"][m], new_window["champion"][m]
            if primary.better(nc, nh) < -config.max_regression_vs_champion:
                return False, f"on the new slice {m} {nc:.4f} regresses against the champion ({nh:.4f})"
            return True, (
                f"{m} {cand:.4f} beats base ({base:.4f}), holds against the champion ({champ:.4f}) on the "
                f"test split and on the new slice ({nc:.4f} vs {nh:.4f})"
            )
        return True, f"{m} {cand:.4f} beats base ({base:.4f}) and does not regress against the champion ({champ:.4f})"
    return True, f"{m} {cand:.4f} beats base ({base:.4f}); no champion yet"
