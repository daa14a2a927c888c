"""The evaluation report: markdown and HTML a person can read, plus every generation as JSONL."""

from __future__ import annotations

import html
import json
from pathlib import Path

import polars as pl

from llm_assets.core.metadata import markdown_table
from llm_assets.core.metrics import METRICS


def _memorization_rows(memorization: dict) -> list[list]:
    return [
        ["prompts probed (canary + training + test)", memorization["prompts"]],
        ["canary prompts", memorization["canary_prompts"]],
        ["canary values generated", memorization["canary_hits"]],
        ["raw-zone PII values generated", memorization["pii_hits"]],
        ["fingerprints scanned", memorization["fingerprints_scanned"]],
        ["hits by type", ", ".join(f"{k}: {v}" for k, v in memorization["hits_by_type"].items()) or "none"],
        ["generations withheld from this report", memorization.get("withheld_generations", 0)],
    ]


def _memorization_md(memorization: dict | None) -> list[str]:
    if not memorization:
        return []
    verdict = "passed" if memorization["passed"] else "FAILED"
    return [
        "",
        f"## Memorization check: {verdict}",
        "",
        markdown_table(["probe", "value"], _memorization_rows(memorization)),
    ]


def _memorization_html(memorization: dict | None) -> str:
    if not memorization:
        return ""
    verdict = "passed" if memorization["passed"] else "FAILED"
    rows = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(str(v))}</td></tr>"
        for k, v in _memorization_rows(memorization)
    )
    return f"<h2>Memorization check: {verdict}</h2><table>{rows}</table>"


def comparison_rows(metrics: dict[str, dict[str, float]], intervals: dict[str, dict] | None = None) -> list[list]:
    """One row per metric, one cell per model: the value and, where measured, its bootstrap 95 % interval."""
    intervals = intervals or {}
    return [
        [m.label, *[m.format(metrics[n].get(m.name), intervals.get(n, {}).get(m.name)) for n in metrics]]
        for m in METRICS
    ]


def new_slice_rows(new_window: dict[str, dict[str, float]]) -> list[list]:
    """The gate's view of the new slice (test examples from documents the champion never saw): one row per metric
    that was measured there."""
    names = list(new_window)
    measured = [m for m in METRICS if any(m.name in new_window[n] for n in names)]
    return [[m.label, *[m.format(new_window[n].get(m.name)) for n in names]] for m in measured]


def label_rows(by_label: dict[str, dict]) -> tuple[list[str], list[list]]:
    """Per label of the new slice: its example count and each model's ROUGE-L and category accuracy."""
    models = [m for m in next(iter(by_label.values())) if m != "examples"] if by_label else []
    headers = ["label", "examples", *[f"{m} {k}" for m in models for k in ("rougeL", "category_accuracy")]]
    rows = [
        [label, g["examples"], *[g[m].get(k, "") for m in models for k in ("rougeL", "category_accuracy")]]
        for label, g in by_label.items()
    ]
    return headers, rows


def _new_slice_md(new_window: dict | None, size: int, by_label: dict | None) -> list[str]:
    if not new_window:
        return []
    out = [
        "",
        f"## New slice ({size} test examples from documents the champion never saw): what the gate compared",
        "",
        markdown_table(["metric", *new_window], new_slice_rows(new_window)),
    ]
    if by_label:
        out += ["", "### New slice per label", "", markdown_table(*label_rows(by_label))]
    return out


def _new_slice_html(new_window: dict | None, size: int, by_label: dict | None) -> str:
    if not new_window:
        return ""
    per_label = ""
    if by_label:
        headers, rows = label_rows(by_label)
        per_label = (
            "<h3>New slice per label</h3><table><tr>"
            + "".join(f"<th>{html.escape(h)}</th>" for h in headers)
            + "</tr>"
            + "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>" for r in rows)
            + "</table>"
        )
    head = "".join(f"<th>{html.escape(n)}</th>" for n in new_window)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>" for r in new_slice_rows(new_window)
    )
    return (
        f"<h2>New slice ({size} test examples from documents the champion never saw): what the gate compared</h2>"
        f"<table><tr><th>metric</th>{head}</tr>{rows}</table>{per_label}"
    )


def _answers_lines(answers: dict[str, dict]) -> list[str]:
    """Per model, how many answers this run computed and which earlier runs the others come from (same weights,
    settings, prompts and references; their latency is the computing run's)."""
    lines = []
    for name, a in answers.items():
        line = f"{name}: {a['computed']} computed in this run"
        if a["reused"]:
            line += f", {a['reused']} reused from run(s) {', '.join(a['reused_from_runs'])}"
        lines.append(line)
    if any(a["reused"] for a in answers.values()):
        lines.append(
            "A reused answer is the one that model gave to that prompt with these settings in an earlier batch; "
            "greedy decoding in another batch can differ by float rounding (a rare token)."
        )
    return lines


def write_report(
    report_dir: Path,
    adapter: dict,
    training_set_version: str,
    evaluations,
    test: pl.DataFrame,
    champion: dict | None,
    memorization: dict | None = None,
    new_window: dict[str, dict[str, float]] | None = None,
    new_slice_size: int = 0,
    new_by_label: dict[str, dict] | None = None,
    answers: dict[str, dict] | None = None,
) -> dict[str, Path]:
    names = [e.name for e in evaluations]
    provenance = _answers_lines(answers or {})
    rows = comparison_rows({e.name: e.metrics for e in evaluations}, {e.name: e.intervals for e in evaluations})
    samples = []
    for i, row in enumerate(test.head(5).iter_rows(named=True)):
        samples.append((row, {e.name: e.generations[i] for e in evaluations}))

    md = [
        f"# Evaluation of adapter {adapter['adapter_version']}",
        "",
        f"- Training set version: `{training_set_version}`; test examples: {test.height}",
        f"- Base model: `{adapter['base_model']}`; MLflow run: `{adapter['mlflow_run_id']}`",
        f"- Champion compared: {'version ' + champion['version'] if champion else 'none (no champion yet)'}",
        "",
        "## Metrics",
        "",
        markdown_table(["metric", *names], rows),
        "",
        "Brackets: bootstrap 95 % intervals over the test examples. `base` is the base model zero-shot, "
        "`base_few_shot` the same model shown solved training examples first.",
        *(["", "## Answers", "", *[f"- {line}" for line in provenance]] if provenance else []),
        *_new_slice_md(new_window, new_slice_size, new_by_label),
        *_memorization_md(memorization),
        "",
        "## Sample generations (anonymized test prompts)",
    ]
    for row, gens in samples:
        md += [
            "",
            f"### Example `{row['example_id']}` (label: {row['label']})",
            "",
            "**Reference**",
            "",
            "```",
            row["completion"],
            "```",
        ]
        for name, text in gens.items():
            md += ["", f"**{name}**", "", "```", text, "```"]
    markdown_path = report_dir / "evaluation.md"
    markdown_path.write_text("\n".join(md) + "\n", encoding="utf-8")

    table = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>" for r in rows)
    sample_html = "".join(
        f"<h3>Example {html.escape(row['example_id'])} ({html.escape(row['label'])})</h3>"
        f"<p><b>Reference</b></p><pre>{html.escape(row['completion'])}</pre>"
        + "".join(f"<p><b>{html.escape(n)}</b></p><pre>{html.escape(t)}</pre>" for n, t in gens.items())
        for row, gens in samples
    )
    html_path = report_dir / "evaluation.html"
    html_path.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Evaluation "
        f"{html.escape(adapter['adapter_version'])}</title><style>body{{font-family:sans-serif;max-width:60em;"
        "margin:auto}td,th{border:1px solid #ccc;padding:4px 8px}table{border-collapse:collapse}"
        "pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}</style></head><body>"
        f"<h1>Evaluation of adapter {html.escape(adapter['adapter_version'])}</h1>"
        f"<p>Training set <code>{html.escape(training_set_version)}</code>, {test.height} test examples, "
        f"MLflow run <code>{html.escape(adapter['mlflow_run_id'])}</code>.</p>"
        f"<table><tr><th>metric</th>{''.join(f'<th>{html.escape(n)}</th>' for n in names)}</tr>{table}</table>"
        + (
            "<h2>Answers</h2><ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in provenance) + "</ul>"
            if provenance
            else ""
        )
        + _new_slice_html(new_window, new_slice_size, new_by_label)
        + _memorization_html(memorization)
        + f"<h2>Sample generations</h2>{sample_html}</body></html>",
        encoding="utf-8",
    )
    gen_path = report_dir / "generations.jsonl"
    with gen_path.open("w", encoding="utf-8") as f:
        for i, row in enumerate(test.iter_rows(named=True)):
            f.write(
                json.dumps(
                    {
                        "example_id": row["example_id"],
                        "label": row["label"],
                        "prompt": row["prompt"],
                        "reference": row["completion"],
                        **{e.name: e.generations[i] for e in evaluations},
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    (report_dir / "metrics.json").write_text(
        json.dumps(
            {
                "metrics": {e.name: e.metrics for e in evaluations},
                "intervals": {e.name: e.intervals for e in evaluations},
                "new_window_metrics": new_window or {},
                "new_window_by_label": new_by_label or {},
                "memorization": memorization,
                "answers": answers or {},
            },
            indent=2,
        )
    )
    return {"markdown": markdown_path, "html": html_path, "generations": gen_path}
