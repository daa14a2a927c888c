"""Parity of the generation engine with the transformers path, on the champion and the test split of the last run.

After ``make demo`` (or any run that promoted a champion): the champion's adapter answers every test example of the
training set through the transformers path (fp32, the reference) and through OpenVINO GenAI on its GGUF export at
each precision. Printed side by side: the share of completions identical to the reference's, ROUGE-L, category
accuracy and fact accuracy of each with bootstrap 95 % intervals, the engine-minus-reference difference paired by
example (its interval), and the generation wall time per example (every core, each engine's own batching).

    python -m benchmarks.serving.parity [--precisions f16 q8_0 q4_0] [--max-examples 0] [--out parity.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

METRICS = ("rougeL", "category_correct", "fact_accuracy")


def _test_split(max_examples: int):
    import os

    import dagster as dg

    from llm_assets import settings
    from llm_assets.core.models import split_rows
    from llm_assets.definitions import defs

    os.environ.setdefault("DAGSTER_HOME", str(settings.data_dir() / "dagster_home"))  # where `make demo` ran
    with dg.DagsterInstance.get() as instance:
        training_set = defs.load_asset_value("training_set", instance=instance)
    test = split_rows(training_set, "test")
    return test.head(max_examples) if max_examples else test


def _paired(engine: list, reference: list) -> tuple[float, list[float]]:
    """Mean of engine minus reference over the examples both score, and its bootstrap 95 % interval."""
    from llm_assets.core.scoring import bootstrap_interval

    diffs = [float(a) - float(b) for a, b in zip(engine, reference, strict=True) if a is not None and b is not None]
    return (statistics.fmean(diffs) if diffs else float("nan")), bootstrap_interval(diffs)


def _mean(values: list) -> float:
    kept = [float(v) for v in values if v is not None]
    return statistics.fmean(kept) if kept else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--precisions", nargs="+", default=["f16", "q8_0", "q4_0"])
    parser.add_argument("--max-examples", type=int, default=0, help="0 = the whole test split")
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--out", help="also write the results as JSON here")
    args = parser.parse_args()

    from llm_assets.settings import apply_offline_environment

    apply_offline_environment()
    from llm_assets.core.gguf_export import load_engine
    from llm_assets.core.models import champion_adapter_dir
    from llm_assets.core.scoring import bootstrap_interval, per_example_scores
    from resources import build_resources, resolved

    res = resolved(build_resources())
    champion = champion_adapter_dir(res["mlflow_tracking"], current_run_id="")
    if champion is None:
        raise SystemExit("no champion: run `make demo` first")
    adapter_dir, version = champion
    test = _test_split(args.max_examples)
    prompts, refs, labels = test["prompt"].to_list(), test["completion"].to_list(), test["label"].to_list()
    setups = {"transformers fp32 (reference)": ("transformers", "")}
    setups.update({f"openvino {p}": ("openvino", p) for p in args.precisions})
    results: dict[str, dict] = {}
    for name, (engine_name, precision) in setups.items():
        engine = load_engine(engine_name, res["base_model"], adapter_dir, precision=precision, torch_precision="fp32")
        try:
            engine.generate(prompts[:1], 4)  # untimed warm-up
            t0 = time.perf_counter()
            done = engine.generate(prompts, args.max_new_tokens)
            seconds = time.perf_counter() - t0
        finally:
            engine.close()
        texts = [g.text for g in done]
        per = per_example_scores(texts, refs, labels, prompts)
        results[name] = {
            "texts": texts,
            "per": {m: per[m] for m in METRICS},
            "seconds_per_example": seconds / max(1, len(prompts)),
            "tokens": sum(g.tokens for g in done),
        }
        print(f"{name}: {len(prompts)} examples in {seconds:.1f} s", flush=True)

    reference = results["transformers fp32 (reference)"]
    summary = {}
    for name, r in results.items():
        row = {
            "identical": statistics.fmean(a == b for a, b in zip(r["texts"], reference["texts"], strict=True)),
            "seconds_per_example": r["seconds_per_example"],
            "speedup": reference["seconds_per_example"] / r["seconds_per_example"],
        }
        for m in METRICS:
            values = r["per"][m]
            row[m] = _mean(values)
            row[f"{m}_interval"] = bootstrap_interval([float(v) for v in values if v is not None])
            row[f"{m}_diff"], row[f"{m}_diff_interval"] = _paired(values, reference["per"][m])
        summary[name] = row

    print(f"\n== parity on the test split: champion v{version.version}, {len(prompts)} examples, greedy ==")
    head = f"{'engine':30} {'same text':>9} {'s/example':>9} {'speed-up':>8}"
    print(head + "".join(f" {m:>34}" for m in ("ROUGE-L", "category accuracy", "fact accuracy")))
    for name, row in summary.items():
        line = f"{name:30} {row['identical']:9.0%} {row['seconds_per_example']:9.2f} {row['speedup']:7.2f}x"
        for m in METRICS:
            low, high = row[f"{m}_interval"]
            line += f" {row[m]:6.3f} [{low:.3f}, {high:.3f}]"
            if name != "transformers fp32 (reference)":
                d_low, d_high = row[f"{m}_diff_interval"]
                line += f" {row[f'{m}_diff']:+.3f} [{d_low:+.3f}, {d_high:+.3f}]"
            else:
                line += " " * 25
        print(line)
    print("(each metric: mean [95 % CI], then engine minus reference paired by example [95 % CI])")
    if args.out:
        payload = {"version": version.version, "examples": len(prompts), **summary}
        Path(args.out).write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
