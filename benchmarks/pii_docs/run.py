"""Plain Presidio against the project's engine on the document-kind benchmark, kind by kind.

    python -m benchmarks.pii_docs.run --split test|val-b|val-a|dev [--processes 1 2] [--rounds 3] [--out FILE]
        [--show-leaks N]

Both anonymise the same documents in one process tree:
- **plain Presidio**: ``AnalyzerEngine`` defaults over the spaCy pipeline the PII dev benchmark uses, through
  ``BatchAnalyzerEngine`` / ``BatchAnonymizerEngine`` at the same process count (``benchmarks.pii_dev.run``);
- **the project's engine** through ``llm_assets.privacy.cli.anonymize_texts`` with the pipeline's default
  configuration (``benchmarks.pii_dev.run.ProjectEngine``); a document it fails on counts as lost (utility 0).

Prints, per kind of document and overall: verbatim leak with 95 % Wilson intervals, high-risk and PERSON leak, word
utility with a bootstrap 95 % interval, the negatives' utility, leak per entity type, and throughput as CPU seconds
per 1,000 documents (this process and its worker processes, median of ``--rounds``) with the ratio. ``--show-leaks``
prints leaked values and over-redacted words, on the splits tuned on only (dev, val-a): the test split and the
validation split's reported half (val-b) are never inspected.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from collections import Counter
from pathlib import Path

from benchmarks.pii_docs.dataset import load_or_build
from benchmarks.pii_docs.score import HIGH_RISK, Group, Report, score, summary
from llm_assets.settings import apply_offline_environment


def cpu_seconds() -> float:
    """CPU time of this process, of its reaped children and of the worker processes still alive."""
    own, reaped = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime
    try:
        import psutil
    except ImportError:
        return total
    for child in psutil.Process().children(recursive=True):
        try:
            t = child.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def measure(fn, rounds: int) -> tuple[list, float, float]:
    """(outputs of the last round, median CPU seconds, median wall seconds)."""
    cpu, wall, out = [], [], []
    for _ in range(rounds):
        c0, w0 = cpu_seconds(), time.perf_counter()
        out = fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(cpu_seconds() - c0)
    return out, statistics.median(cpu), statistics.median(wall)


def engine_outputs(engine, texts: list[str], failures: Counter | None = None) -> list[str | None]:
    """The engine's output per text; None where it reports a failure (its reason is counted in ``failures``)."""
    from llm_assets.privacy.cli import anonymize_texts

    out = []
    for r in anonymize_texts(texts, engine.anonymizer):
        out.append(r.fields.get("text", "") if r.ok else None)
        if not r.ok and failures is not None:
            failures[str(r.failure).splitlines()[0][:80] if r.failure else "unknown"] += 1
    return out


def _pct(k: int, n: int, ci: tuple[float, float]) -> str:
    return f"{k / n:6.1%} [{ci[0]:5.1%},{ci[1]:6.1%}]" if n else f"{'n/a':>6}{'':16}"


def _short(k: int, n: int) -> str:
    return f"{k / n:6.1%}" if n else f"{'n/a':>6}"


def _cells(g: Group) -> str:
    t, hr, person = g.tally(), g.tally(HIGH_RISK), g.tally({"PERSON"})
    lo, hi = g.utility_ci()
    util = f"{g.utility:6.1%} [{lo:5.1%},{hi:6.1%}]"
    leak = _pct(t.verbatim, t.total, t.ci())
    return f"{leak} {_short(hr.verbatim, hr.total)} {_short(person.verbatim, person.total)}  {util}"


def table(names: list[str], reports: list[Report]) -> list[str]:
    head = f"{'leak [95% CI]':<23} {'hi-risk':>6} {'PERSON':>6}  {'utility [95% CI]':<22}"
    lines = [
        f"{'':<17}{'':>5}{'':>7}  " + "  | ".join(f"{n:<61}" for n in names),
        f"{'kind':<17}{'docs':>5}{'values':>7}  " + "  | ".join(f"{head:<61}" for _ in names),
    ]
    for label, first in reports[0].rows():
        groups = [first] + [dict(r.rows())[label] for r in reports[1:]]
        lines.append(
            f"{label:<17}{len(first.docs):>5}{first.tally().total:>7}  "
            + "  | ".join(f"{_cells(g):<61}" for g in groups)
        )
    lost = [sum(g.failed for _, g in r.rows() if _ in ("overall", "negatives")) for r in reports]
    lines.append("documents lost (engine failure, counted as utility 0): " + ", ".join(map(str, lost)))
    lines.append("")
    types = sorted(reports[0].group().by_type().items(), key=lambda kv: (-kv[1].total, kv[0]))
    lines.append(f"{'entity type':<20}{'values':>7}  " + "  ".join(f"{n:<26}" for n in names))
    for entity, t in types:
        cells = []
        for r in reports:
            x = r.group().by_type()[entity]
            cells.append(f"{_pct(x.verbatim, x.total, x.ci()):<26}")
        mark = " *" if entity in HIGH_RISK else ""
        lines.append(f"{entity + mark:<20}{t.total:>7}  " + "  ".join(cells))
    lines.append("(* high-risk; leak = gold value still verbatim in the output; utility = non-gold words kept)")
    return lines


def show(report: Report, n: int) -> list[str]:
    lines = [f"\n## engine: first {n} leaked values (dev split only)"]
    leaks = [(d.id, k, v) for d in report.docs for k, v, leaked in d.values if leaked]
    lines += [f"{i:<24}{k:<18}{v!r}" for i, k, v in leaks[:n]]
    for label, where in (("documents", lambda d: d.kind != "negative"), ("negatives", lambda d: d.kind == "negative")):
        dropped: Counter = Counter()
        for d in report.docs:
            if where(d) and not d.failed:
                dropped.update(d.dropped)
        lines.append(f"\n## engine: most over-redacted words in {label} (dev split only)")
        lines.append(", ".join(f"{w} ({c})" for w, c in dropped.most_common(n)))
    return lines


def run(split: str, rounds: int, processes: list[int], show_leaks: int, out: Path | None) -> dict:
    from benchmarks.pii_dev.run import PlainPresidio, ProjectEngine

    docs = load_or_build(split)
    texts = [d.text for d in docs]
    kinds = Counter(d.kind for d in docs)
    print(
        f"# PII document-kind benchmark, split '{split}': {len(docs)} documents "
        f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}), {sum(len(d.spans) for d in docs)} gold spans"
    )
    plain = PlainPresidio()
    results: dict = {"split": split, "throughput": {}}
    reports: dict[str, Report] = {}
    for n in processes:
        engine = ProjectEngine(n)
        plain.batch(texts[:16], n)  # warm both: model loads, worker start, first-call costs
        engine_outputs(engine, texts[:16])
        base_out, base_cpu, base_wall = measure(lambda n=n: plain.batch(texts, n), rounds)
        failures: Counter = Counter()
        proj_out, proj_cpu, proj_wall = measure(lambda e=engine, f=failures: engine_outputs(e, texts, f), rounds)
        if not reports:
            reports = {"plain": score(docs, list(base_out)), "project": score(docs, proj_out)}
            names = ["plain Presidio (defaults, same spaCy pipeline)", "project engine (llm-anonymize defaults)"]
            print("\n".join(table(names, [reports["plain"], reports["project"]])))
            results["plain"], results["project"] = summary(reports["plain"]), summary(reports["project"])
            per_round = {k: v // rounds for k, v in failures.items()}
            results["project_failures"] = per_round
            if per_round:
                print("engine failures by reason: " + ", ".join(f"{k}: {v}" for k, v in per_round.items()))
        per_k = 1000 / len(texts)
        results["throughput"][str(n)] = {
            "presidio_cpu_s_per_1k": base_cpu * per_k,
            "project_cpu_s_per_1k": proj_cpu * per_k,
            "cpu_ratio": proj_cpu / base_cpu,
            "presidio_docs_per_s": len(texts) / base_wall,
            "project_docs_per_s": len(texts) / proj_wall,
        }
        print(
            f"\n## throughput, {n} process(es), median of {rounds} round(s), same documents, same run\n"
            f"{'':<30}{'CPU s / 1k docs':>16}{'docs/s (wall)':>15}\n"
            f"{'Presidio BatchAnalyzerEngine':<30}{base_cpu * per_k:>16.1f}{len(texts) / base_wall:>15.1f}\n"
            f"{'project engine':<30}{proj_cpu * per_k:>16.1f}{len(texts) / proj_wall:>15.1f}\n"
            f"{'ratio (project / Presidio)':<30}{proj_cpu / base_cpu:>15.2f}x{base_wall / proj_wall:>14.2f}x"
        )
    if show_leaks and split in ("dev", "val-a") and reports:
        print("\n".join(show(reports["project"], show_leaks)))
    elif show_leaks:
        print("\n(--show-leaks prints nothing on the test and val-b splits)")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2))
    return results


def main() -> None:
    apply_offline_environment()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "val-a", "val-b", "test"], default="test")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--show-leaks", type=int, default=0, help="print leaked values (dev and val-a only)")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args()
    run(args.split, args.rounds, args.processes, args.show_leaks, args.out)


if __name__ == "__main__":
    main()
