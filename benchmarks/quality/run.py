"""Does the fine-tune win on corpora nobody here wrote? The whole graph on each outside corpus, as a user runs it.

Each ``--corpus DIR`` holds ``landing/`` (one sub-folder per batch, the corpus's own column names),
``corpus_mapping.yaml`` and, if the corpus is to stay frozen, ``sha256sums.txt`` (checked before and after: the
benchmark never touches the data). For each, ``llm-pipeline run`` runs in its own data folder (warehouse, MLflow,
reports), exactly the demo's run configuration; then the test split's answers of the base model zero-shot, few-shot
and the fine-tune are scored per example and compared, paired (the same test examples), with bootstrap intervals of
the difference. The test split is the pipeline's own (hashed by document or group, seed 13): it is never tuned on.

    python -m benchmarks.quality.run --corpus /data/bitext --corpus /data/tickets [--out DIR] [--reuse]

``--reuse`` scores the last run of each corpus again without running the pipeline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from llm_assets import settings
from llm_assets.core import jsonl
from llm_assets.core.scoring import bootstrap_interval, per_example_scores

MODELS = ("base", "base_few_shot", "candidate")
METRICS = (("rougeL", "ROUGE-L"), ("category_correct", "category accuracy"), ("fact_accuracy", "fact accuracy"))


def check_frozen(corpus: Path) -> str:
    """'unchanged (n files)' when every file of sha256sums.txt still has its hash; raises otherwise."""
    sums = corpus / "sha256sums.txt"
    if not sums.exists():
        return "no sha256sums.txt: not checked"
    lines = [line.split(maxsplit=1) for line in sums.read_text().splitlines() if line.strip()]
    for digest, name in lines:
        path = corpus / name.strip().lstrip("*")
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise SystemExit(f"{path} changed since its hash was recorded: the frozen corpus is not what was measured")
    return f"unchanged ({len(lines)} files)"


def run_pipeline(corpus: Path, data_dir: Path, max_steps: int | None) -> float:
    env = {**os.environ, settings.DATA_DIR_ENV: str(data_dir)}
    env.setdefault(settings.CACHE_DIR_ENV, str(settings.cache_dir()))
    cmd = [sys.executable, "-m", "jobs.cli", "run", "--landing", str(corpus / "landing"),
           "--mapping", str(corpus / "corpus_mapping.yaml")]  # fmt: skip
    if max_steps is not None:
        cmd += ["--max-steps", str(max_steps)]
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True)
    return time.perf_counter() - started


def last_report(data_dir: Path) -> Path:
    reports = sorted((data_dir / "artifacts" / "reports").glob("*/generations.jsonl"), key=lambda p: p.stat().st_mtime)
    if not reports:
        raise SystemExit(f"no evaluation report under {data_dir}: did the run fail? (see its logs/)")
    return reports[-1].parent


def training_summary(data_dir: Path) -> dict:
    """The last adapter's recipe (planned steps, epochs, rate, what capped it) and its label-accuracy curve."""
    folders = sorted((data_dir / "artifacts" / "adapters").glob("*/training.json"), key=lambda p: p.stat().st_mtime)
    if not folders:
        return {}
    lineage = json.loads(folders[-1].with_name("lineage.json").read_text())
    training = json.loads(folders[-1].read_text())
    keys = ("recipe_used", "planned_steps", "planned_epochs", "labels", "rarest_label_share", "rarest_label_seen",
            "recipe_capped_by", "effective_learning_rate", "init_reason")  # fmt: skip
    return {
        **{k: lineage.get(k) for k in keys},
        **{k: training.get(k) for k in ("steps", "epochs_run", "seconds", "validation_loss", "label_curve")},
        "label_majority_share": training.get("label_majority_share"),
        "label_verdict": training.get("label_verdict"),
    }


def paired_difference(a: list, b: list) -> tuple[float, list[float], int]:
    """Mean of a - b over the examples where both are scored, its 95 % bootstrap interval, and their count."""
    pairs = [(float(x), float(y)) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    diffs = [x - y for x, y in pairs]
    if not diffs:
        return float("nan"), [float("nan"), float("nan")], 0
    return round(statistics.fmean(diffs), 4), bootstrap_interval(diffs), len(diffs)


def score_report(report_dir: Path) -> dict:
    rows = [r.value for r in jsonl.lines(report_dir.joinpath("generations.jsonl").read_text(encoding="utf-8"))]
    refs, labels, prompts = [r["reference"] for r in rows], [r["label"] for r in rows], [r["prompt"] for r in rows]
    per_model = {m: per_example_scores([r[m] for r in rows], refs, labels, prompts) for m in MODELS if m in rows[0]}
    summary: dict = {"examples": len(rows), "labels": len({lab for lab in labels if lab}), "models": {}, "vs": {}}
    for model, scores in per_model.items():
        summary["models"][model] = {}
        for key, _ in METRICS:
            values = [float(v) for v in scores.get(key, []) if v is not None]
            mean = round(statistics.fmean(values), 4) if values else float("nan")
            summary["models"][model][key] = (mean, bootstrap_interval(values), len(values))
    baselines = [m for m in ("base", "base_few_shot") if m in per_model]
    for key, _ in METRICS:
        best = max(baselines, key=lambda m: summary["models"][m][key][0])
        summary["vs"][key] = (best, *paired_difference(per_model["candidate"][key], per_model[best][key]))
    metrics = json.loads(report_dir.joinpath("metrics.json").read_text())
    summary["max_new_tokens_seen"] = max((len(r["candidate"]) for r in rows), default=0)
    summary["perplexity"] = {m: metrics["metrics"][m].get("perplexity") for m in metrics["metrics"]}
    return summary


def _fmt(mean: float, interval: list[float]) -> str:
    return f"{mean:.3f} [{interval[0]:.3f}, {interval[1]:.3f}]"


def print_table(name: str, summary: dict, seconds: float | None, frozen: str) -> None:
    print(f"\n## {name}: {summary['examples']} test examples, {summary['labels']} labels; corpus {frozen}"
          + (f"; pipeline run {seconds / 60:.1f} min" if seconds else ""))  # fmt: skip
    print("| metric | base, zero-shot | base, few-shot | fine-tune | fine-tune − best base (paired, 95 % CI) |")
    print("|---|---|---|---|---|")
    for key, title in METRICS:
        cells = [_fmt(*summary["models"][m][key][:2]) if m in summary["models"] else "—" for m in MODELS]
        best, diff, interval, n = summary["vs"][key]
        verdict = "helps" if interval[0] > 0 else "hurts" if interval[1] < 0 else "no clear difference"
        print(f"| {title} | " + " | ".join(cells) + f" | {diff:+.3f} [{interval[0]:+.3f}, {interval[1]:+.3f}] vs "
              f"{best}, n={n}: **{verdict}** |")  # fmt: skip
    ppl = summary["perplexity"]
    print("| perplexity of the reference | " + " | ".join(f"{ppl.get(m, float('nan')):.2f}" for m in MODELS) + " | |")
    training = summary.get("training") or {}
    if training:
        curve = ", ".join(f"{step}: {acc:.2f}" for step, acc in training.get("label_curve") or [])
        t = training
        print(f"\ntraining: {t['steps']} steps ({t['epochs_run']} epochs) in {t['seconds']:.0f} s, "
              f"peak rate {t['effective_learning_rate']:.2g}; {t['init_reason']}")  # fmt: skip
        print(f"validation label accuracy by step: {curve or 'not measured'}; {training['label_verdict']}")


def main(argv: list[str] | None = None) -> int:
    settings.apply_offline_environment()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", required=True, type=Path, help="a corpus folder (repeatable)")
    parser.add_argument("--out", type=Path, default=settings.data_dir() / "bench-quality")
    parser.add_argument("--max-steps", type=int, default=None, help="cap on optimizer steps (default: the demo's)")
    parser.add_argument("--reuse", action="store_true", help="score the last run again, do not run the pipeline")
    args = parser.parse_args(argv)
    results = {}
    for corpus in args.corpus:
        corpus = corpus.resolve()
        frozen = check_frozen(corpus)
        data_dir = args.out / corpus.name
        seconds = None if args.reuse else run_pipeline(corpus, data_dir, args.max_steps)
        frozen = check_frozen(corpus) if frozen.startswith("unchanged") else frozen
        summary = score_report(last_report(data_dir))
        summary["training"] = training_summary(data_dir)
        print_table(corpus.name, summary, seconds, frozen)
        results[corpus.name] = {"seconds": seconds, **summary}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench-quality.json").write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
