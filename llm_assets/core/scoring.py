"""Scoring a model on held-out examples: perplexity, ROUGE, BLEU, category accuracy, format compliance, fact
accuracy, generation latency, with bootstrap confidence intervals.

Every generation metric is computed from text the model actually generated (kept alongside the scores), with the
established implementations: ``rouge_score`` for ROUGE and ``sacrebleu`` for BLEU. Fact accuracy and the label
resolution are defined from the evaluated examples themselves (see ``FactModel``, ``resolve_label``), never from a
list of the corpus's words.
"""

from __future__ import annotations

import math
import re
import statistics
import time
from dataclasses import dataclass, field

from llm_assets.core.answer_cache import Answer
from llm_assets.core.generation import PLACEHOLDER, Engine, Generated, TransformersEngine, unknown_placeholders
from llm_assets.core.lm import example_losses, pick_device_and_dtype
from llm_assets.core.prompting import chat_prompt, encode_example, normalize_category, parse_completion

Shots = tuple[tuple[str, str], ...]


@dataclass
class ModelEvaluation:
    name: str
    metrics: dict[str, float]
    generations: list[str]
    intervals: dict[str, list[float]] = field(default_factory=dict)  # metric -> [low, high], bootstrap 95 %


def generate(
    model, tokenizer, prompts: list[str], max_new_tokens: int, batch_size: int, device, dtype, shots: Shots = ()
):
    """Greedy, batched, left-padded generation with transformers (after the in-context ``shots``, if any). Returns
    the texts, each request's latency (its batch's time) and the number of generated tokens. The engine-agnostic
    form is ``generate_with``."""
    done = generate_each(model, tokenizer, prompts, max_new_tokens, batch_size, device, dtype, shots)
    return [d.text for d in done], [d.latency_s for d in done], sum(d.tokens for d in done)


def generate_with(engine: Engine, prompts: list[str], max_new_tokens: int, shots: Shots = ()):
    """``generate`` through any engine (``llm_assets.core.generation``): texts, latencies, generated tokens."""
    done = engine.generate(prompts, max_new_tokens, shots)
    return [d.text for d in done], [d.latency_s for d in done], sum(d.tokens for d in done)


def generate_each(
    model, tokenizer, prompts: list[str], max_new_tokens: int, batch_size: int, device, dtype, shots: Shots = ()
) -> list[Generated]:
    """``generate``, per prompt: its text, its batch's time and size, its generated tokens."""
    return TransformersEngine(model, tokenizer, batch_size, device, dtype).generate(prompts, max_new_tokens, shots)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1), linear between order statistics; NaN for no values."""
    import numpy as np

    return float(np.quantile(values, q)) if len(values) else float("nan")


_FACT_TOKEN = re.compile(r"<[A-Z][A-Z0-9_]*>|\$?\d+(?:[.,:/-]\d+)*|[^\W\d_]{3,}")


def fact_tokens(text: str) -> set[str]:
    """Placeholders as written, numbers and amounts, and words of three letters or more, lower-cased."""
    return {t if t.startswith("<") else t.lower() for t in _FACT_TOKEN.findall(text)}


def _restated_tokens(pairs: list[tuple[set[str], set[str]]]) -> set[str]:
    n = len(pairs)
    in_prompt: dict[str, int] = {}
    in_ref: dict[str, int] = {}
    both: dict[str, int] = {}
    for p, r in pairs:
        for counts, tokens in ((in_prompt, p), (in_ref, r), (both, p & r)):
            for t in tokens:
                counts[t] = counts.get(t, 0) + 1

    def restated(t: str) -> bool:
        with_prompt, without_prompt = in_prompt[t], n - in_prompt[t]
        if without_prompt == 0:
            return False
        rate = both[t] / with_prompt
        return rate >= 0.5 and (in_ref[t] - both[t]) / without_prompt <= rate / 2

    return {t for t in both if restated(t)}


@dataclass(frozen=True)
class FactModel:
    """Which tokens a reference reply takes from its prompt, learnt from the evaluated pairs themselves.

    A token is a fact of an example when it is in both its prompt and its reference and, across the pairs of the
    same label, the reference usually restates it when the prompt holds it (P(ref | prompt) >= 1/2) and rarely
    writes it otherwise (at most half as often). Comparing within a label keeps out words a label's replies always
    write (its template words); tokens of every prompt of a label (the instruction) have no contrast and never count.
    What passes is what varies with the message: its order number's placeholder, product, amount, carrier. Nothing
    here knows the corpus."""

    facts_of_pair: tuple[frozenset[str], ...]

    @classmethod
    def fit(cls, prompts: list[str], references: list[str], labels: list[str] | None = None) -> FactModel:
        pairs = [(fact_tokens(p), fact_tokens(r)) for p, r in zip(prompts, references, strict=True)]
        groups: dict[str, list[int]] = {}
        for i, label in enumerate(labels or [""] * len(pairs)):
            groups.setdefault(label, []).append(i)
        facts_of: dict[int, frozenset[str]] = {}
        for members in groups.values():
            facts = _restated_tokens([pairs[i] for i in members])
            for i in members:
                p, r = pairs[i]
                facts_of[i] = frozenset(p & r & facts)
        return cls(tuple(facts_of[i] for i in range(len(pairs))))

    def accuracy(self, generations: list[str]) -> list[float | None]:
        """Per example, the share of its facts the generation carries (None when the example has no fact)."""
        return [
            (len(facts & fact_tokens(g)) / len(facts)) if facts else None
            for facts, g in zip(self.facts_of_pair, generations, strict=True)
        ]


def resolve_label(predicted: str, text: str, labels: set[str]) -> str:
    """The label a completion names, read leniently: its ``Category:`` value when that is a label; else the one label
    that value is part of, or that contains it ("shipment" -> shipment_status); else the one label named anywhere
    before the reply. Format compliance is scored apart (``format_ok``): a right label in a sloppy layout counts
    here and is reported there."""
    if predicted in labels:
        return predicted
    if predicted:
        words = set(predicted.split("_"))
        close = [lab for lab in labels if predicted in lab or lab in predicted or set(lab.split("_")) <= words]
        if len(close) == 1:
            return close[0]
    head = normalize_category(re.split(r"reply\s*[:=-]", text, maxsplit=1, flags=re.IGNORECASE)[0])
    named = [lab for lab in labels if re.search(rf"(^|_){re.escape(lab)}(_|$)", head)]
    return named[0] if len(named) == 1 else predicted


_LAYOUT = re.compile(r"^\s*\**\s*category\s*\**\s*:[^\n]*\S[^\n]*\n+\s*\**\s*reply\s*\**\s*:\s*\S", re.IGNORECASE)


def format_ok(text: str, prompt: str | None = None, reference: str = "") -> bool:
    """The completion follows the requested layout: a ``Category:`` line with a value, then ``Reply:`` and text;
    given its prompt, it also names no placeholder the ticket does not hold (``<PERSON_2_1>`` where the ticket has only
    ``<PERSON_1>``): the server could not fill it back, so the caller would read it as written. The ticket's
    placeholders are the prompt's and those its ``reference`` reply uses (the agent greets the customer by the name
    field, which the prompt's message need not hold; the server fills it from the request's fields)."""
    if not _LAYOUT.match(text):
        return False
    return prompt is None or not unknown_placeholders(text, set(PLACEHOLDER.findall(f"{prompt}\n{reference}")))


def per_example_scores(
    generations: list[str], references: list[str], labels: list[str], prompts: list[str] | None = None
) -> dict[str, list]:
    """Each example's ROUGE-L (reply), category correctness (None without a label), format compliance and, given
    the prompts, fact accuracy (None without a fact): what ``text_metrics`` averages, kept per example for segment
    breakdowns and bootstrap intervals."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    parsed = [parse_completion(g) for g in generations]
    refs = [parse_completion(r)[1] for r in references]
    label_set = {normalize_category(lab) for lab in labels if lab}
    scores: dict[str, list] = {
        "rougeL": [round(scorer.score(r, p[1])["rougeL"].fmeasure, 4) for r, p in zip(refs, parsed, strict=True)],
        "category_correct": [
            (resolve_label(p[0], g, label_set) == normalize_category(lab)) if lab else None
            for p, g, lab in zip(parsed, generations, labels, strict=True)
        ],
        "format_ok": [
            format_ok(g, p, r)
            for g, p, r in zip(generations, prompts or [None] * len(generations), references, strict=True)
        ],
    }
    if prompts is not None:
        model = FactModel.fit(prompts, refs, [normalize_category(lab) for lab in labels])
        scores["fact_accuracy"] = [None if v is None else round(v, 4) for v in model.accuracy([p[1] for p in parsed])]
    return scores


def bootstrap_interval(
    values: list[float], statistic=statistics.fmean, rounds: int = 1000, seed: int = 0
) -> list[float]:
    """Percentile bootstrap 95 % interval of ``statistic`` over ``values`` (resampled with replacement), by
    ``scipy.stats.bootstrap``; the mean is computed vectorized, any other statistic once per resample."""
    import numpy as np
    from scipy.stats import bootstrap

    if not values:
        return [float("nan"), float("nan")]
    if len(set(values)) == 1 or len(values) < 2:  # every resample is the same sample
        value = round(float(statistic(list(values))), 4)
        return [value, value]
    mean = statistic is statistics.fmean
    # the mean over the values themselves; any other statistic over the resampled values, found by index
    data = np.asarray(values, dtype=float) if mean else np.arange(len(values))
    result = bootstrap(
        (data,),
        (lambda x, axis=-1: np.mean(x, axis=axis))
        if mean
        else (lambda idx: float(statistic([values[i] for i in idx]))),
        n_resamples=rounds,
        vectorized=mean,
        confidence_level=0.95,
        method="percentile",
        random_state=np.random.default_rng(seed),
    )
    low, high = result.confidence_interval
    return [round(float(low), 4), round(float(high), 4)]


def text_metrics(
    generations: list[str],
    references: list[str],
    labels: list[str],
    prompts: list[str] | None = None,
    per: dict[str, list] | None = None,
) -> dict[str, float]:
    """ROUGE-1/2/L F1 and BLEU on the reply part; accuracy of the category (read leniently) against the label;
    format compliance; fact accuracy when the prompts are given."""
    import sacrebleu
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    gen_replies = [parse_completion(g)[1] for g in generations]
    ref_replies = [parse_completion(r)[1] for r in references]
    scores = [scorer.score(ref, gen) for ref, gen in zip(ref_replies, gen_replies, strict=True)]
    per = per or per_example_scores(generations, references, labels, prompts)
    labelled = [c for c in per["category_correct"] if c is not None]
    metrics = {
        "rouge1": statistics.fmean(s["rouge1"].fmeasure for s in scores),
        "rouge2": statistics.fmean(s["rouge2"].fmeasure for s in scores),
        "rougeL": statistics.fmean(s["rougeL"].fmeasure for s in scores),
        "bleu": sacrebleu.corpus_bleu(gen_replies, [ref_replies]).score,
        "category_accuracy": (sum(labelled) / len(labelled)) if labelled else float("nan"),
        "format_rate": sum(per["format_ok"]) / max(1, len(generations)),
    }
    if "fact_accuracy" in per:
        with_facts = [v for v in per["fact_accuracy"] if v is not None]
        metrics["fact_accuracy"] = statistics.fmean(with_facts) if with_facts else float("nan")
        metrics["fact_examples"] = float(len(with_facts))
    return metrics


def metric_intervals(
    generations: list[str],
    references: list[str],
    labels: list[str],
    prompts: list[str] | None = None,
    per: dict[str, list] | None = None,
) -> dict[str, list[float]]:
    """Bootstrap 95 % intervals of the per-example metrics, and of corpus BLEU (examples resampled, BLEU recomputed)."""
    per = per or per_example_scores(generations, references, labels, prompts)
    intervals = {
        "rougeL": bootstrap_interval(per["rougeL"]),
        "category_accuracy": bootstrap_interval([float(c) for c in per["category_correct"] if c is not None]),
        "format_rate": bootstrap_interval([float(f) for f in per["format_ok"]]),
    }
    if "fact_accuracy" in per:
        intervals["fact_accuracy"] = bootstrap_interval([v for v in per["fact_accuracy"] if v is not None])
    gens = [parse_completion(g)[1] for g in generations]
    refs = [parse_completion(r)[1] for r in references]
    intervals["bleu"] = bootstrap_interval(list(range(len(gens))), corpus_bleu_of(gens, refs), rounds=300)
    return intervals


def corpus_bleu_of(generations: list[str], references: list[str]):
    """A function of example indices: sacrebleu's corpus BLEU of those examples (repeats counted), from each
    sentence's n-gram statistics computed once. Corpus BLEU is a function of the summed statistics, so a bootstrap
    resample costs a sum instead of tokenizing and matching the corpus again (300 resamples of 48 examples: 4.5 s
    per model before). ``_extract_corpus_statistics`` and ``_compute_score_from_stats`` are sacrebleu's own steps
    of ``corpus_score`` (not public API): ``tests/test_scoring.py`` pins the result to ``sacrebleu.corpus_bleu``."""
    import numpy as np
    from sacrebleu.metrics import BLEU

    bleu = BLEU()  # sacrebleu.corpus_bleu's defaults
    stats = np.asarray(bleu._extract_corpus_statistics(generations, [references]), dtype=np.int64)

    def score_of(idx: list[int]) -> float:
        return float(bleu._compute_score_from_stats(stats[list(idx)].sum(axis=0).tolist()).score)

    return score_of


def answer_examples(
    model,
    tokenizer,
    prompts: list[str],
    completions: list[str],
    max_new_tokens: int,
    batch_size: int,
    max_length: int,
    precision: str,
    run_id: str,
    shots: Shots = (),
    engine: Engine | None = None,
    timings: dict[str, float] | None = None,
) -> list[Answer]:
    """One model's answers to the examples (with ``shots``: the same model shown those solved examples first): its
    greedy generation (through ``engine``, by default transformers on ``model``) and its teacher-forced loss on the
    reference completion (always the torch ``model``), each example on its own. ``timings`` gets the seconds of the
    losses and of the generation (``losses_s``, ``generate_s``)."""
    started = time.perf_counter()
    device, dtype = pick_device_and_dtype(precision)
    model.to(device)
    if shots:  # the shots lengthen every prompt: the completion keeps the same room as without them
        shot_tokens = len(tokenizer(chat_prompt(tokenizer, "", shots), add_special_tokens=False)["input_ids"])
        max_length += shot_tokens
    encoded = [encode_example(tokenizer, p, c, max_length, shots) for p, c in zip(prompts, completions, strict=True)]
    fitting = [i for i, e in enumerate(encoded) if e is not None]
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    fitted = example_losses(model, [encoded[i] for i in fitting], pad_id, device, dtype, batch_size)
    losses = dict(zip(fitting, fitted, strict=True))
    generating = time.perf_counter()
    if engine is None:
        generated = generate_each(model, tokenizer, prompts, max_new_tokens, batch_size, device, dtype, shots)
    else:
        generated = engine.generate(prompts, max_new_tokens, shots)
    if timings is not None:
        timings["losses_s"] = generating - started
        timings["generate_s"] = time.perf_counter() - generating
    answers = []
    for i, g in enumerate(generated):
        # an example too long for max_length has no loss (0 tokens): perplexity covers the others
        loss_sum, loss_tokens = losses.get(i, (0.0, 0))
        answers.append(
            Answer(
                generation=g.text,
                loss_sum=loss_sum,
                loss_tokens=loss_tokens,
                latency_s=g.latency_s,
                generated_tokens=g.tokens,
                batch_share_s=g.busy_share_s,
                computed_in_run=run_id,
            )
        )
    return answers


def score(
    name: str, answers: list[Answer], prompts: list[str], completions: list[str], labels: list[str]
) -> ModelEvaluation:
    """A model's metrics from its answers: the text metrics with bootstrap intervals, perplexity over every
    completion token, latency percentiles and generation throughput."""
    generations = [a.generation for a in answers]
    per = per_example_scores(generations, completions, labels, prompts)  # once, for the means and the intervals
    metrics = text_metrics(generations, completions, labels, prompts, per)
    loss = sum(a.loss_sum for a in answers) / max(sum(a.loss_tokens for a in answers), 1)
    busy = sum(a.batch_share_s for a in answers)
    metrics.update(
        {
            "perplexity": math.exp(min(loss, 50.0)),
            "latency_p50_s": percentile([a.latency_s for a in answers], 0.5),
            "latency_p95_s": percentile([a.latency_s for a in answers], 0.95),
            "generated_tokens_per_s": sum(a.generated_tokens for a in answers) / busy if busy else float("nan"),
            "examples": float(len(answers)),
        }
    )
    return ModelEvaluation(
        name=name,
        metrics={k: round(v, 4) for k, v in metrics.items()},
        generations=generations,
        intervals=metric_intervals(generations, completions, labels, prompts, per),
    )
