"""The evaluation report: markdown and HTML a person can read, plus every generation as JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from llm_assets.core import jsonl
from llm_assets.core.metrics import METRICS
from llm_assets.core.rendering import Document, Section, render


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


def _memorization_section(memorization: dict | None) -> list[Section]:
    if not memorization:
        return []
    verdict = "passed" if memorization["passed"] else "FAILED"
    return [Section(f"Memorization check: {verdict}", tables=[(["probe", "value"], _memorization_rows(memorization))])]


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


def _new_slice_section(new_window: dict | None, size: int, by_label: dict | None) -> list[Section]:
    if not new_window:
        return []
    section = Section(
        f"New slice ({size} test examples from documents the champion never saw): what the gate compared",
        tables=[(["metric", *new_window], new_slice_rows(new_window))],
    )
    if by_label:
        section.subsections.append(Section("New slice per label", tables=[label_rows(by_label)]))
    return [section]


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


def _write_data(report_dir: Path, evaluations, test: pl.DataFrame, new_window, new_by_label, memorization, answers):
    """Every generation beside its prompt and reference (JSON lines), and every figure (metrics.json)."""
    gen_path = report_dir / "generations.jsonl"
    jsonl.write(
        gen_path,
        (
            {
                "example_id": row["example_id"],
                "label": row["label"],
                "prompt": row["prompt"],
                "reference": row["completion"],
                **{e.name: e.generations[i] for e in evaluations},
            }
            for i, row in enumerate(test.iter_rows(named=True))
        ),
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
    return gen_path


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

    doc = Document(
        f"Evaluation of adapter {adapter['adapter_version']}",
        [
            f"Training set version: {training_set_version}; test examples: {test.height}",
            f"Base model: {adapter['base_model']}; MLflow run: {adapter['mlflow_run_id']}",
            f"Champion compared: {'version ' + champion['version'] if champion else 'none (no champion yet)'}",
        ],
        [
            Section(
                "Metrics",
                [
                    "Brackets: bootstrap 95 % intervals over the test examples. `base` is the base model zero-shot, "
                    "`base_few_shot` the same model shown solved training examples first."
                ],
                [(["metric", *names], rows)],
            ),
            *([Section("Answers", provenance)] if provenance else []),
            *_new_slice_section(new_window, new_slice_size, new_by_label),
            *_memorization_section(memorization),
            Section(
                "Sample generations (anonymized test prompts)",
                subsections=[
                    Section(
                        f"Example {row['example_id']} (label: {row['label']})",
                        blocks=[("Reference", row["completion"]), *gens.items()],
                    )
                    for row, gens in samples
                ],
            ),
        ],
    )
    markdown_path = report_dir / "evaluation.md"
    markdown_path.write_text(render(doc, "markdown"), encoding="utf-8")
    html_path = report_dir / "evaluation.html"
    html_path.write_text(render(doc, "html"), encoding="utf-8")
    gen_path = _write_data(report_dir, evaluations, test, new_window, new_by_label, memorization, answers)
    return {"markdown": markdown_path, "html": html_path, "generations": gen_path}
