"""What the sample task gives away: the scores of answers that know the category but not the message.

Run: ``python -m benchmarks.task_floor [--tickets N] [--seed S]``. No model: it scores three answer policies on the
held-out paraphrase families of a generated corpus (raw tickets, the training set's prompt layout), with the
pipeline's own metrics:

- ``reference``: the agent's reply itself (the ceiling: 1.0 everywhere);
- ``category_template``: the right category and the training families' most frequent reply of that category (with its
  own order number, amounts and products) — what a model that learnt the labels and one template per label writes;
- ``echo_message``: the right category and the customer's message as the reply.

A fine-tune that beats ``category_template`` on fact accuracy uses the message; one that only matches it on ROUGE-L
recalls templates.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from llm_assets.core.examples import split_units
from llm_assets.core.scoring import metric_intervals, text_metrics
from llm_assets.sample_corpus import generate_tickets


def floor(n_tickets: int, seed: int) -> dict[str, dict]:
    tickets = generate_tickets(n_tickets, seed=seed)
    splits = split_units([f"group:{t.split_group}" for t in tickets], 13, 0.1, 0.1)
    test = [t for t in tickets if splits[f"group:{t.split_group}"] == "test"]
    train = [t for t in tickets if splits[f"group:{t.split_group}"] == "train"]
    commonest = {}
    for category in {t.category for t in train}:
        replies = Counter(t.agent_reply for t in train if t.category == category)
        commonest[category] = replies.most_common(1)[0][0]
    prompts = [f"Subject: {t.subject}\n{t.message}" for t in test]
    refs = [f"Category: {t.category}\nReply: {t.agent_reply}" for t in test]
    labels = [t.category for t in test]
    policies = {
        "reference": refs,
        "category_template": [f"Category: {t.category}\nReply: {commonest[t.category]}" for t in test],
        "echo_message": [f"Category: {t.category}\nReply: {t.message}" for t in test],
    }
    out = {}
    for name, answers in policies.items():
        m = text_metrics(answers, refs, labels, prompts)
        ci = metric_intervals(answers, refs, labels, prompts)
        out[name] = {
            "rougeL": round(m["rougeL"], 4),
            "rougeL_ci": ci["rougeL"],
            "bleu": round(m["bleu"], 2),
            "fact_accuracy": round(m["fact_accuracy"], 4),
            "fact_accuracy_ci": ci["fact_accuracy"],
        }
    out["_test"] = {"examples": len(test), "families": sorted({t.split_group for t in test})}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    result = floor(args.tickets, args.seed)
    test = result.pop("_test")
    print(f"held-out families {', '.join(test['families'])}: {test['examples']} test tickets")
    print(f"{'policy':<20}{'ROUGE-L [95 % CI]':<28}{'BLEU':>7}  {'fact accuracy [95 % CI]'}")
    for name, r in result.items():
        rouge = f"{r['rougeL']:.3f} [{r['rougeL_ci'][0]:.3f}, {r['rougeL_ci'][1]:.3f}]"
        facts = f"{r['fact_accuracy']:.3f} [{r['fact_accuracy_ci'][0]:.3f}, {r['fact_accuracy_ci'][1]:.3f}]"
        print(f"{name:<20}{rouge:<28}{r['bleu']:>7.1f}  {facts}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
