"""Are the engine's greedy answers the same in every run? The base model's GGUF export (the default precision)
answers the same prompts, zero-shot then few-shot on one engine as evaluation does, in two processes started
together, at each engine thread count; printed: how many of the answers the two runs share. Then, at one thread,
what else an answer depends on: the prompts queued with it (all at once vs as two halves, one after the other on one
engine) and what the engine's prefix cache holds (the second half on that warm engine vs on a fresh one).

The prompts are the bundled sample corpus's tickets (what is measured is run-to-run agreement, not quality).

    python -m benchmarks.serving.reproducible [--prompts 32] [--threads 1 2] [--max-new-tokens 48]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def answer(prompts: int, threads: int, max_new_tokens: int, out: str) -> None:
    """One run: the answers, written to ``out`` as JSON."""
    import llm_assets  # noqa: F401  (offline environment first)
    from llm_assets.core.gguf_export import load_engine
    from resources.base_model import BaseModelResource

    texts = _texts(prompts)
    shots = (
        (texts[0], "Category: shipment_status\nReply: We are on it."),
        (texts[1], "Category: other\nReply: Noted."),
    )
    engine = load_engine("openvino", BaseModelResource(), None, threads=threads)
    try:
        answers = [g.text for g in engine.generate(texts, max_new_tokens)]
        answers += [g.text for g in engine.generate(texts, max_new_tokens, shots)]
    finally:
        engine.close()
    Path(out).write_text(json.dumps(answers))


def _texts(prompts: int) -> list[str]:
    from llm_assets.sample_corpus import generate_tickets

    return [f"Subject: {t.subject}\n\n{t.message}" for t in generate_tickets(prompts, seed=5)]


def batching(prompts: int, max_new_tokens: int) -> None:
    """At one engine thread: the answers to all prompts queued at once, to the same prompts as two halves on one
    engine, and to the second half on a fresh engine."""
    import llm_assets  # noqa: F401  (offline environment first)
    from llm_assets.core.gguf_export import load_engine
    from resources.base_model import BaseModelResource

    texts = _texts(prompts)
    half = len(texts) // 2

    def answers(batches: list[list[str]]) -> list[str]:
        engine = load_engine("openvino", BaseModelResource(), None, threads=1)
        try:
            return [g.text for batch in batches for g in engine.generate(batch, max_new_tokens)]
        finally:
            engine.close()

    whole = answers([texts])
    halves = answers([texts[:half], texts[half:]])
    fresh = answers([texts[half:]])
    alike = sum(a == b for a, b in zip(whole, halves, strict=True))
    warm = sum(a == b for a, b in zip(halves[half:], fresh, strict=True))
    print("\n| at one engine thread | answers alike |\n|---|---|")
    print(f"| all at once vs as two halves on one engine | {alike} of {len(texts)} |")
    print(f"| second half: after the first (warm cache) vs on a fresh engine | {warm} of {len(fresh)} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=32)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--run", nargs=3, metavar=("PROMPTS", "THREADS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        answer(int(args.run[0]), int(args.run[1]), args.max_new_tokens, args.run[2])
        return
    print("| engine threads | answers | the same in both runs |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for threads in args.threads:
            outs = [str(Path(tmp, f"{threads}-{i}.json")) for i in range(2)]
            runs = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.serving.reproducible",
                        "--max-new-tokens",
                        str(args.max_new_tokens),
                        "--run",
                        str(args.prompts),
                        str(threads),
                        out,
                    ]
                )
                for out in outs
            ]
            if any(r.wait() != 0 for r in runs):
                raise SystemExit(f"a run at {threads} thread(s) failed")
            a, b = (json.loads(Path(o).read_text()) for o in outs)
            same = sum(x == y for x, y in zip(a, b, strict=True))
            print(f"| {threads} | {len(a)} | {same} ({same / len(a):.0%}) |", flush=True)
    batching(args.prompts, args.max_new_tokens)


if __name__ == "__main__":
    main()
