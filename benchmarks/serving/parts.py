"""The evaluation's generation plans side by side: one engine on every core (the default before parts) against the
same work cut into parts, each on a one-thread engine in its own process, one per core (the default now). Both
through the code the evaluation runs (``ComputeResource.generate``, local backend): the base model answers the
sample corpus's tickets zero-shot and few-shot, with its losses, as ``evaluation_report`` does. Plans alternate
within one run, several rounds each; printed: the median wall time, its ratio to the first plan, and how many
answers each plan gave alike in every round (its run-to-run agreement).

The prompts are the bundled sample corpus's (what is measured is time and agreement, not quality).

    python -m benchmarks.serving.parts [--prompts 32] [--rounds 3] [--max-new-tokens 48]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def plans() -> list[tuple[str, int, int]]:
    """(name, engine threads, parts): every core on one engine, one part; one part per core, one thread each; one
    part on one thread (what a single part costs)."""
    cores = os.cpu_count() or 1
    return [
        (f"1 part, 1 engine of {cores} threads", 0, 1),
        (f"{cores} parts, 1-thread engines at once", 1, cores),
        ("1 part, 1 engine of 1 thread", 1, 1),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    args = parser.parse_args()

    import llm_assets  # noqa: F401  (offline environment first)
    from llm_assets.core.answering import AnswerSet, Inputs, ModelTask, Settings
    from llm_assets.sample_corpus import generate_tickets
    from resources.base_model import BaseModelResource
    from resources.compute import ComputeResource

    tickets = generate_tickets(args.prompts + 2, seed=5)
    prompts = tuple(f"Subject: {t.subject}\n\n{t.message}" for t in tickets[2:])
    refs = tuple(f"Category: {t.category}\nReply: {t.agent_reply}" for t in tickets[2:])
    shots = tuple((f"Subject: {t.subject}\n\n{t.message}", f"Category: {t.category}\nReply: {t.agent_reply}")
                  for t in tickets[:2])  # fmt: skip
    indices = tuple(range(len(prompts)))
    task = ModelTask("base", None, (AnswerSet("base", (), indices), AnswerSet("base_few_shot", shots, indices)))
    base_model = BaseModelResource()
    compute = ComputeResource()
    times: dict[str, list[float]] = {}
    answers: dict[str, list[list[str]]] = {}
    for _ in range(args.rounds):
        for name, threads, parts in plans():
            settings = Settings("openvino", threads, 8, args.max_new_tokens, "auto", parts)
            inputs = Inputs(settings, base_model.model_dump(), BaseModelResource, prompts, refs, 384, "", "bench")
            started = time.perf_counter()
            done = compute.generate([task], inputs)["base"]
            times.setdefault(name, []).append(time.perf_counter() - started)
            answers.setdefault(name, []).append([a.generation for s in done.sets.values() for a in s])
    first = statistics.median(times[plans()[0][0]])
    n = 2 * len(prompts)
    print(f"{n} answers ({len(prompts)} prompts zero-shot and few-shot) with their losses, {args.rounds} rounds\n")
    print("| plan | median wall s | vs the first | answers alike in every round |\n|---|---|---|---|")
    for name, _, _ in plans():
        rounds = answers[name]
        alike = sum(len({r[i] for r in rounds}) == 1 for i in range(n))
        median = statistics.median(times[name])
        print(f"| {name} | {median:.1f} | {median / first:.2f}x | {alike} of {n} |", flush=True)


if __name__ == "__main__":
    main()
