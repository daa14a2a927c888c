"""The one list of evaluation metrics: name, direction, label and format, for evaluation, reports, the promotion
gate, drift and governance."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    higher_is_better: bool = True
    digits: int = 4
    headline: bool = False  # shown in the short comparisons (metadata, governance report)

    def better(self, a: float, b: float) -> float:
        """How much ``a`` is better than ``b`` (negative: worse), whatever the metric's direction."""
        return (a - b) if self.higher_is_better else (b - a)

    def format(self, value: float | None, interval: list[float] | None = None) -> str:
        if value is None or value != value:
            return "–"
        if interval and all(v == v for v in interval):
            lo, hi = interval
            return f"{value:.{self.digits}f} [{lo:.{self.digits}f}, {hi:.{self.digits}f}]"
        return f"{value:.{self.digits}f}"


METRICS: tuple[Metric, ...] = (
    Metric("perplexity", "Perplexity on reference completions (lower is better)", False, 3, True),
    Metric("rouge1", "ROUGE-1 F1 of the reply"),
    Metric("rouge2", "ROUGE-2 F1 of the reply"),
    Metric("rougeL", "ROUGE-L F1 of the reply", headline=True),
    Metric("bleu", "BLEU of the reply (sacrebleu)", digits=2, headline=True),
    Metric("category_accuracy", "Category accuracy (label read leniently)", headline=True),
    Metric("format_rate", "Format compliance (Category: line, then Reply:)", headline=True),
    Metric("fact_accuracy", "Fact accuracy (the message's facts restated in the reply)", headline=True),
    Metric("latency_p50_s", "Latency p50 per request, s (batched)", False, 3, True),
    Metric("latency_p95_s", "Latency p95 per request, s (batched)", False, 3, True),
    Metric("generated_tokens_per_s", "Generated tokens per second", digits=1),
)
BY_NAME = {m.name: m for m in METRICS}
HEADLINE = tuple(m.name for m in METRICS if m.headline)


def metric(name: str) -> Metric:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; known: {sorted(BY_NAME)}") from None
