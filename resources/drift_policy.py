"""When drift (or staleness) is enough to retrain: the thresholds drift_report's verdict and drift_sensor both apply.

``DriftPolicy.signals()`` is the one definition: the drift report's quality check, its ``verdict`` metadata and the
sensor's run request or skip reason all come from it, each stating the score next to its threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg
from pydantic import Field

QUALITY_SIGNALS = ("perplexity_degradation", "rougeL_drop")
# a drift report that measured nothing says why
STATUS_TEXT = {
    "no_reference": "no reference training set yet",
    "window_too_small": "the window holds too few new documents to measure",
}


@dataclass(frozen=True)
class Signal:
    """One drift score against its threshold."""

    name: str
    value: float
    threshold: float
    label: str
    percent: bool

    @property
    def exceeded(self) -> bool:
        return self.value >= self.threshold

    def _fmt(self, x: float) -> str:
        return f"{x:.0%}" if self.percent else f"{x:.2f}"

    def describe(self) -> str:
        return f"{self.label} {self._fmt(self.value)} {'≥' if self.exceeded else '<'} {self._fmt(self.threshold)}"


class DriftPolicy(dg.ConfigurableResource):
    drift_share_threshold: float = Field(default=0.5, description="Share of drifted columns that means dataset drift.")
    embedding_drift_threshold: float = Field(
        default=0.7,
        description="Embedding drift score (domain classifier ROC AUC) at or above which the window has drifted.",
    )
    perplexity_degradation_threshold: float = Field(
        default=0.10,
        description="Relative rise of the champion's perplexity on the window over its baseline that means decay.",
    )
    rouge_drop_threshold: float = Field(default=0.10, description="Relative drop of the champion's ROUGE-L.")
    latency_p95_slo_s: float = Field(
        default=2.5, description="Served latency p95 (seconds, per request) above which the service level is breached."
    )
    quality_drop_threshold: float = Field(
        default=0.05,
        description="Relative drop of the served champion's share of well-formed answers on live traffic below its "
        "evaluation's, that means decay.",
    )
    min_new_examples: int = Field(default=20, description="Never retrain for fewer new examples than this.")
    cooldown_hours: float = Field(default=6.0, description="At most one drift retrain per this many hours.")
    max_staleness_hours: float = Field(
        default=48.0, description="New data is folded into a retrain within this many hours even without drift."
    )
    warm_start: bool = Field(
        default=True,
        description="A drift retrain continues the champion's adapter on the new examples plus a replay sample "
        "(lora_adapter init_from=champion; a tainted champion still gets a full retrain); false = always retrain "
        "from the base model.",
    )

    def signals(self, scores: dict) -> list[Signal]:
        """The drift and decay scores present in ``scores`` (a drift report's values), each with its threshold."""
        return _present(
            scores,
            (
                ("drift_share", self.drift_share_threshold, "drift share", False),
                ("embedding_drift", self.embedding_drift_threshold, "embedding drift", False),
                ("perplexity_degradation", self.perplexity_degradation_threshold, "perplexity rise", True),
                ("rougeL_drop", self.rouge_drop_threshold, "ROUGE-L drop", True),
            ),
        )

    def live_signals(self, scores: dict) -> list[Signal]:
        """The live-traffic scores present in ``scores`` (a live traffic report's values), with their thresholds."""
        return _present(
            scores,
            (
                ("drift_share", self.drift_share_threshold, "input drift share", False),
                ("embedding_drift", self.embedding_drift_threshold, "input embedding drift", False),
                ("quality_drop", self.quality_drop_threshold, "well-formed answers drop", True),
                ("latency_p95_s", self.latency_p95_slo_s, "latency p95 (s)", False),
            ),
        )


def _present(scores: dict, table: tuple) -> list[Signal]:
    return [
        Signal(name, float(scores[name]), threshold, label, percent)
        for name, threshold, label, percent in table
        if scores.get(name) is not None
    ]


def verdict_rows(signals: list[Signal]) -> list[list]:
    """Rows of the ``verdict`` metadata table: each score against its threshold."""
    return [[s.label, s.value, s.threshold, "yes" if s.exceeded else "no"] for s in signals]
