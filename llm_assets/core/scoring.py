"""Scoring a model on held-out examples: perplexity, ROUGE, BLEU, category accuracy, generation latency.

Every generation metric is computed from text the model actually generated (kept alongside the scores), with the
established implementations: ``rouge_score`` for ROUGE and ``sacrebleu`` for BLEU.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass

import torch

from llm_assets.core.lm import mean_loss, pick_device_and_dtype, tokenize_split
from llm_assets.core.prompting import chat_prompt, normalize_category, parse_completion


@dataclass
class ModelEvaluation:
    name: str
    metrics: dict[str, float]
    generations: list[str]


@torch.no_grad()
def generate(model, tokenizer, prompts: list[str], max_new_tokens: int, batch_size: int, device, dtype):
    """Greedy, batched, left-padded generation. Returns the texts and each request's latency (its batch's time)."""
    model.eval()
    tokenizer.padding_side = "left"
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    texts: list[str] = []
    latencies: list[float] = []
    new_tokens = 0
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))  # similar lengths share a batch
    results: dict[int, str] = {}
    batches = [order[s : s + batch_size] for s in range(0, len(order), batch_size)]
    while batches:
        idx = batches.pop(0)
        enc = tokenizer(
            [chat_prompt(tokenizer, prompts[i]) for i in idx],
            return_tensors="pt",
            padding=True,
            add_special_tokens=False,
        ).to(device)
        t0 = time.perf_counter()
        try:
            with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
                out = model.generate(
                    **enc,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    pad_token_id=pad_id,
                    eos_token_id=tokenizer.eos_token_id,
                )
        except (RuntimeError, ValueError, IndexError):
            # one example that breaks generation (a length limit, a tokenizer corner) is that example's problem
            if len(idx) > 1:
                batches[:0] = [[i] for i in idx]
            else:
                results[idx[0]] = ""
                latencies.append(time.perf_counter() - t0)
            continue
        elapsed = time.perf_counter() - t0
        gen = out[:, enc["input_ids"].shape[1] :]
        for row, i in enumerate(idx):
            tokens = gen[row]
            stop = (tokens == tokenizer.eos_token_id).nonzero()
            n = int(stop[0]) if len(stop) else len(tokens)
            new_tokens += n
            results[i] = tokenizer.decode(tokens[:n], skip_special_tokens=True).strip()
            latencies.append(elapsed)
    texts = [results[i] for i in range(len(prompts))]
    return texts, latencies, new_tokens


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def text_metrics(generations: list[str], references: list[str], labels: list[str]) -> dict[str, float]:
    """ROUGE-1/2/L F1 and BLEU on the reply part; accuracy of the predicted category against the label."""
    import sacrebleu
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    gen_replies = [parse_completion(g)[1] for g in generations]
    ref_replies = [parse_completion(r)[1] for r in references]
    scores = [scorer.score(ref, gen) for ref, gen in zip(ref_replies, gen_replies, strict=True)]
    predicted = [parse_completion(g)[0] for g in generations]
    labelled = [(p, normalize_category(lab)) for p, lab in zip(predicted, labels, strict=True) if lab]
    return {
        "rouge1": statistics.fmean(s["rouge1"].fmeasure for s in scores),
        "rouge2": statistics.fmean(s["rouge2"].fmeasure for s in scores),
        "rougeL": statistics.fmean(s["rougeL"].fmeasure for s in scores),
        "bleu": sacrebleu.corpus_bleu(gen_replies, [ref_replies]).score,
        "category_accuracy": (sum(p == lab for p, lab in labelled) / len(labelled)) if labelled else float("nan"),
        "format_rate": sum(bool(p) for p in predicted) / max(1, len(predicted)),
    }


def per_example_scores(generations: list[str], references: list[str], labels: list[str]) -> dict[str, list]:
    """Each example's ROUGE-L (reply), category correctness (None without a label) and format compliance: what
    ``text_metrics`` averages, kept per example for segment breakdowns."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    parsed = [parse_completion(g) for g in generations]
    refs = [parse_completion(r)[1] for r in references]
    return {
        "rougeL": [round(scorer.score(r, p[1])["rougeL"].fmeasure, 4) for r, p in zip(refs, parsed, strict=True)],
        "category_correct": [
            (p[0] == normalize_category(lab)) if lab else None for p, lab in zip(parsed, labels, strict=True)
        ],
        "format_ok": [bool(p[0]) for p in parsed],
    }


def evaluate_model(
    name: str,
    model,
    tokenizer,
    prompts: list[str],
    completions: list[str],
    labels: list[str],
    max_new_tokens: int,
    batch_size: int,
    max_length: int,
    precision: str = "auto",
) -> ModelEvaluation:
    device, dtype = pick_device_and_dtype(precision)
    model.to(device)
    encoded, _ = tokenize_split(tokenizer, prompts, completions, max_length)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    nll = mean_loss(model, encoded, pad_id, device, dtype, batch_size)
    t0 = time.perf_counter()
    generations, latencies, new_tokens = generate(model, tokenizer, prompts, max_new_tokens, batch_size, device, dtype)
    wall = time.perf_counter() - t0
    metrics = text_metrics(generations, completions, labels)
    metrics.update(
        {
            "perplexity": math.exp(min(nll, 50.0)),
            "latency_p50_s": percentile(latencies, 0.5),
            "latency_p95_s": percentile(latencies, 0.95),
            "generated_tokens_per_s": new_tokens / wall if wall else float("nan"),
            "examples": float(len(prompts)),
        }
    )
    return ModelEvaluation(name=name, metrics={k: round(v, 4) for k, v in metrics.items()}, generations=generations)
