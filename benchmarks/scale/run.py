"""Scale benchmark: does anonymization cost grow linearly, and what do Ray actors give at the same core count?

1. CPU time per 1,000 documents (``time.process_time`` of this process) of the anonymization engine and of the
   second look, at ``--small`` and ``--large`` documents: equal figures mean linear cost.
2. Throughput (documents per second, wall clock) of ``anonymize_in_workers`` on the same documents with the local
   process pool (1 and 2 processes) and with the ``ray`` backend (1 and 2 actors) on a loopback cluster of two
   1-CPU nodes: the same core count, every pool warmed up first (its engines loaded), rounds alternating between the
   set-ups, medians of ``--rounds``. Every worker runs one BLAS thread (``OMP_NUM_THREADS=1``, as Ray sets it).

3. One long document: a message holding a pasted table (CSV, or markdown quoted in a reply) of ``--table-rows``
   rows of Faker people (en_US, seeded: no list of the engine's), CPU seconds of the engine per document, with its
   context enhancer (``context_words.IndexedLemmaContextEnhancer``) and with Presidio's own
   (``LemmaContextAwareEnhancer``) in the same analyzers, rounds alternating, medians; the two outputs compared.
   Equal seconds per row at every size mean linear cost.

The documents of 1 and 2 are the bundled sample corpus's tickets (``generate_tickets``): this measures cost, not
quality.

    python -m benchmarks.scale.run [--small 1000] [--large 10000] [--throughput-docs 1000] [--rounds 3]
                                   [--table-rows 50 100 200] [--out F]
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"  # before numpy: the local workers inherit it, Ray's set their own to 1

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from llm_assets.settings import apply_offline_environment  # noqa: E402

apply_offline_environment()


def documents(n: int, seed: int = 5) -> list[dict[str, str]]:
    from llm_assets.sample_corpus.generator import generate_tickets

    return [
        {
            "text": t.message,
            "subject": t.subject,
            "customer_name": t.customer_name,
            "customer_email": t.customer_email,
            "customer_phone": t.customer_phone,
            "channel": t.channel,
        }
        for t in generate_tickets(n, seed=seed)
    ]


def cpu_per_thousand(sizes: list[int]) -> list[dict]:
    """The engine and the second look in this process, on ``sizes`` documents each: CPU seconds per 1,000."""
    from llm_assets.core.anonymization.residual import scanner
    from resources.anonymizer import PresidioAnonymizer

    engine = PresidioAnonymizer().engine()
    engine.anonymize_serial(documents(50, seed=1))  # spaCy and the word lists loaded before the clock starts
    scanner().scan(["warm-up"])
    rows = []
    for n in sizes:
        docs = documents(n)
        start = time.process_time()
        out = engine.anonymize_serial(docs)
        engine_s = time.process_time() - start
        texts = [v for d in out if d.ok for v in d.fields.values() if isinstance(v, str) and v.strip()]
        start = time.process_time()
        scanner().scan(texts)
        look_s = time.process_time() - start
        rows.append(
            {
                "documents": n,
                "engine_cpu_s_per_1000": round(engine_s * 1000 / n, 2),
                "second_look_cpu_s_per_1000": round(look_s * 1000 / n, 2),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return rows


def throughput(n: int, rounds: int) -> dict[str, dict]:
    """Documents per second of each pool on the same ``n`` documents, rounds alternating, medians."""
    from llm_assets.core.anonymization.workers import ProcessChunkPool, anonymize_in_workers
    from llm_assets.core.ray_cluster import RayChunkPool, loopback_cluster
    from resources.anonymizer import PresidioAnonymizer

    anonymizer = PresidioAnonymizer()
    settings, docs = anonymizer.settings(), documents(n, seed=9)
    times: dict[str, list[float]] = {}
    with loopback_cluster((1, 1)) as _:
        pools = {
            "local pool, 1 process": ProcessChunkPool(settings, 1),
            "local pool, 2 processes": ProcessChunkPool(settings, 2),
            "ray, 1 actor": RayChunkPool(settings, 1, keep_alive=True),
            "ray, 2 actors (2 nodes)": RayChunkPool(settings, 2, keep_alive=True),
        }
        outputs = {}
        for _ in range(rounds):
            for name, pool in pools.items():
                # warm-up outside the clock: the engines loaded (Ray's actors hold the cluster's two CPUs, so each
                # set-up's actors start before its turn and go after it)
                anonymize_in_workers(settings, docs[:32], pool.workers, anonymizer.batch_size, 600.0, pool=pool)
                start = time.perf_counter()
                out = anonymize_in_workers(settings, docs, pool.workers, anonymizer.batch_size, 600.0, pool=pool)
                times.setdefault(name, []).append(time.perf_counter() - start)
                outputs[name] = [d.fields for d in out]
                if isinstance(pool, RayChunkPool):
                    pool.reset()
    same = all(o == outputs["local pool, 1 process"] for o in outputs.values())
    rows = {
        name: {"docs_per_s": round(n / statistics.median(t), 1), "median_s": round(statistics.median(t), 2)}
        for name, t in times.items()
    }
    base = rows["local pool, 2 processes"]["docs_per_s"]
    for row in rows.values():
        row["vs_local_pool_2"] = round(row["docs_per_s"] / base, 2)
        row["same_output"] = same
    for name, row in rows.items():
        print(f"{name:26} {row['docs_per_s']:7.1f} docs/s  x{row['vs_local_pool_2']:.2f}", flush=True)
    return rows


def pasted_table(rows: int, kind: str, seed: int = 7) -> str:
    """A message with a table of ``rows`` customers pasted into it: ``csv``, or ``quoted`` (markdown in a reply)."""
    import random

    from faker import Faker

    fake, rng = Faker("en_US"), random.Random(seed)
    fake.seed_instance(seed)
    people = [
        (str(4100 + i), fake.name(), fake.email(), fake.city(), f"{rng.uniform(5, 900):.2f}") for i in range(rows)
    ]
    if kind == "csv":
        lines = ["id,name,email,city,total"] + [",".join(p) for p in people]
    else:
        lines = ["> | id | name | email | city | total |", "> |---|---|---|---|---|"]
        lines += ["> | " + " | ".join(p) + " |" for p in people]
    return "Hello,\n\nthe export from last night:\n\n" + "\n".join(lines) + "\n\nRegards,\nDana"


def long_documents(sizes: list[int], rounds: int) -> list[dict]:
    """CPU seconds of the engine on one document holding a pasted table, per size and kind, with the indexed context
    enhancer and with Presidio's own, rounds alternating, medians."""
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    from llm_assets.core.anonymization.context_words import IndexedLemmaContextEnhancer
    from resources.anonymizer import PresidioAnonymizer

    engine = PresidioAnonymizer().engine()
    engine.anonymize_serial([{"text": pasted_table(5, "csv")}])  # loaded before the clock starts
    enhancers = {"indexed": IndexedLemmaContextEnhancer, "presidio": LemmaContextAwareEnhancer}
    rows = []
    for n in sizes:
        for kind in ("csv", "quoted"):
            doc = [{"text": pasted_table(n, kind)}]
            seconds: dict[str, list[float]] = {name: [] for name in enhancers}
            outputs = {}
            for _ in range(rounds):
                for name, enhancer in enhancers.items():
                    for analyzer in (engine.analyzer, engine.case_analyzer):
                        analyzer.context_aware_enhancer = enhancer()
                    start = time.process_time()
                    outputs[name] = engine.anonymize_serial(doc)[0].fields
                    seconds[name].append(time.process_time() - start)
            row = {"rows": n, "kind": kind, "same_output": outputs["indexed"] == outputs["presidio"]}
            for name, t in seconds.items():
                row[f"{name}_cpu_s"] = round(statistics.median(t), 2)
                row[f"{name}_ms_per_row"] = round(statistics.median(t) * 1000 / n, 1)
            row["presidio_over_indexed"] = round(row["presidio_cpu_s"] / max(row["indexed_cpu_s"], 1e-9), 1)
            rows.append(row)
            print(json.dumps(row), flush=True)
    for analyzer in (engine.analyzer, engine.case_analyzer):
        analyzer.context_aware_enhancer = IndexedLemmaContextEnhancer()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--throughput-docs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--table-rows", type=int, nargs="*", default=[50, 100, 200])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = {
        "long_documents": long_documents(args.table_rows, args.rounds),
        "cpu_cost": cpu_per_thousand([args.small, args.large]),
        "throughput": throughput(args.throughput_docs, args.rounds),
        "cores": os.cpu_count(),
    }
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
