"""The promotion gate: a candidate is promoted only if it beats the base model by a margin, holds its guard metrics,
does not regress against the champion (on the test split and on the new slice), and passed the memorization probe."""

import dagster as dg
from pydantic import Field

from llm_assets.core.metrics import metric


class PromotionConfig(dg.Config):
    primary_metric: str = Field(default="rougeL", description="Metric that decides promotion.")
    min_improvement_over_base: float = Field(
        default=0.02,
        description="The candidate must beat the base model by at least this much: its better baseline, zero-shot or "
        "few-shot (when the evaluation ran one).",
    )
    max_regression_vs_champion: float = Field(
        default=0.0, description="The candidate may trail the current champion by at most this much."
    )
    guard_metrics: list[str] = Field(
        default=["category_accuracy"],
        description="Metrics on which the candidate must not fall below the base model's better baseline.",
    )
    min_new_slice_examples: int = Field(
        default=4,
        description="When the candidate was trained on documents the champion never saw, at least this many test "
        "examples must come from such documents; below it the new data is under-represented and the candidate is not "
        "promoted on old-domain metrics alone.",
    )
    require_approval: bool | None = Field(
        default=None,
        description="A candidate that passes the gate waits as pending_approval for a human decision (approval_job "
        "or `llm-governance approve`). Unset = the deployment's promotion_policy (LLMP_REQUIRE_APPROVAL).",
    )
    block_on_fairness: bool = Field(
        default=False,
        description="Never promote a candidate the fairness audit flagged (an under-represented segment, a segment "
        "served measurably worse, a probe group whose category flips). Off = the flags are reported, not blocking.",
    )
    block_on_memorization: bool = Field(
        default=True,
        description="Never promote a candidate whose memorization check found a canary or raw-zone PII value in its "
        "generations.",
    )


BASELINES = ("base", "base_few_shot")


def best_baseline(metrics: dict[str, dict[str, float]], name: str) -> tuple[str, float]:
    """The base model's better figure on ``name`` over its baselines (zero-shot, few-shot) and which one it was."""
    m = metric(name)
    found = [(b, metrics[b][name]) for b in BASELINES if b in metrics and metrics[b].get(name) == metrics[b].get(name)]
    if not found:
        return "base", float("nan")
    best = found[0]
    for candidate in found[1:]:
        if m.better(candidate[1], best[1]) > 0:
            best = candidate
    return best


def _baseline_label(which: str) -> str:
    return "few-shot" if which == "base_few_shot" else "zero-shot"


def promotion_decision(
    metrics: dict[str, dict[str, float]],
    config: PromotionConfig,
    new_window: dict | None = None,
    memorization: dict | None = None,
    new_data: dict | None = None,
    fairness: dict | None = None,
) -> tuple[bool, str]:
    """(promote?, reason), from the evaluation metrics of base, candidate and (optionally) champion, on the new
    slice (test documents the champion never saw) where there is one, from how well the new data is represented in
    the test split (``new_data``: new training and test examples) and from the memorization check."""
    if config.block_on_memorization and memorization is not None and not memorization["passed"]:
        return False, (
            f"memorization check failed: {memorization['canary_hits']} canary and {memorization['pii_hits']} raw PII "
            "value(s) generated"
        )
    if config.block_on_fairness and fairness is not None and fairness.get("flags"):
        flags = fairness["flags"]
        return False, f"fairness audit flagged {len(flags)} issue(s): {'; '.join(flags[:3])}"
    if "champion" in metrics and new_data and new_data.get("train_examples", 0) > 0:
        tested = int(new_data.get("test_examples", 0))
        if tested < config.min_new_slice_examples:
            return False, (
                f"the new data is under-represented in the test split: {tested} test example(s) from documents the "
                f"champion never saw < {config.min_new_slice_examples} required ({new_data['train_examples']} new "
                "training examples); not promoted on old-domain metrics"
            )
    m = config.primary_metric
    primary = metric(m)
    which, base = best_baseline(metrics, m)
    cand = metrics["candidate"][m]
    gain = primary.better(cand, base)
    if not gain >= config.min_improvement_over_base:
        return False, (
            f"{m} {cand:.4f} does not beat the base model ({_baseline_label(which)} {base:.4f}) by "
            f"{config.min_improvement_over_base}"
        )
    for g in config.guard_metrics:
        g_which, g_base = best_baseline(metrics, g)
        if metric(g).better(metrics["candidate"][g], g_base) < 0:
            return False, (
                f"{g} {metrics['candidate'][g]:.4f} is worse than the base model's {_baseline_label(g_which)} "
                f"{g_base:.4f}"
            )
    beats = f"{m} {cand:.4f} beats base ({_baseline_label(which)} {base:.4f})"
    if "champion" in metrics:
        champ = metrics["champion"][m]
        if primary.better(cand, champ) < -config.max_regression_vs_champion:
            return False, f"{m} {cand:.4f} regresses against the champion ({champ:.4f})"
        if new_window and "champion" in new_window and m in new_window["champion"]:
            nc, nh = new_window["candidate"][m], new_window["champion"][m]
            if primary.better(nc, nh) < -config.max_regression_vs_champion:
                return False, f"on the new slice {m} {nc:.4f} regresses against the champion ({nh:.4f})"
            return True, (
                f"{beats}, holds against the champion ({champ:.4f}) on the test split and on the new slice "
                f"({nc:.4f} vs {nh:.4f})"
            )
        return True, f"{beats} and does not regress against the champion ({champ:.4f})"
    return True, f"{beats}; no champion yet"
