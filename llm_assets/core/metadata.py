"""Small helpers that render asset metadata for the Dagster UI."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence


def tidy(metadata: dict) -> dict:
    """Floats rounded for reading (4 decimals below 100, 1 above); other values, MetadataValues included, as is."""

    def rounded(v: object) -> object:
        if isinstance(v, float) and v == v and abs(v) != float("inf"):
            return round(v, 1) if abs(v) >= 100 else round(v, 4)
        return v

    return {k: rounded(v) for k, v in metadata.items()}


def line_plot_markdown(xs: Sequence[float], series: dict[str, Sequence[float]], title: str, xlabel: str) -> str:
    """A PNG line plot embedded in markdown (the Dagster UI renders data URIs)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
    for name, ys in series.items():
        ax.plot(xs[: len(ys)], ys, label=name)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(alpha=0.3)
    if len(series) > 1:
        ax.legend()
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return f"![{title}](data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()})"
