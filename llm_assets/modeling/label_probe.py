"""Does training teach the labels? The share of validation examples whose greedy answer names the right category.

Measured during training (before the first step, every ``label_eval_every`` steps, after the last): the curve says
whether a run that did not learn its labels stopped too early (still rising), never moved (flat at the majority
guess) or learned and then forgot. Only the category line is generated (a few tokens per example), so a point costs
about one forward pass over the probe's prompts.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import torch

from llm_assets.core.lm import SHARED_PREFIX_MIN_TOKENS, common_prefix_length, prefix_for_batch, run_prefix
from llm_assets.core.prompting import chat_prompt, completion_label, parse_completion
from llm_assets.core.scoring import resolve_label


@dataclass(frozen=True)
class LabelProbe:
    prompt_ids: list[list[int]]
    labels: list[str]  # the reference label of each probe example
    label_set: frozenset[str]
    new_tokens: int  # enough for the longest reference head ("Category: ...") and its line end
    majority_share: float  # accuracy of always naming the training split's most frequent label

    @classmethod
    def build(
        cls,
        tokenizer,
        validation: tuple[list[str], list[str]],
        train_completions: list[str],
        max_examples: int,
        max_length: int,
    ) -> LabelProbe | None:
        """None when the completions carry no labels, or the split has no labelled example that fits."""
        train_labels = [completion_label(c) for c in train_completions]
        counts = Counter(lab for lab in train_labels if lab)
        if len(counts) < 2 or max_examples <= 0:
            return None
        ids, labels, head_tokens = [], [], 0
        for prompt, completion in zip(*validation, strict=True):
            label = completion_label(completion)
            prompt_ids = tokenizer(chat_prompt(tokenizer, prompt), add_special_tokens=False)["input_ids"]
            if not label or len(prompt_ids) >= max_length:
                continue
            head = completion.split("\n", 1)[0] + "\n"
            head_tokens = max(head_tokens, len(tokenizer(head, add_special_tokens=False)["input_ids"]))
            ids.append(prompt_ids)
            labels.append(label)
            if len(ids) == max_examples:
                break
        if not ids:
            return None
        majority = counts.most_common(1)[0][0]
        return cls(
            prompt_ids=ids,
            labels=labels,
            label_set=frozenset(counts),
            new_tokens=head_tokens + 2,
            majority_share=round(sum(lab == majority for lab in labels) / len(labels), 4),
        )

    @torch.no_grad()
    def answers(self, model, tokenizer, pad_id: int, device, dtype, batch_size: int = 32) -> list[str]:
        """The greedy category lines of the probe's prompts (left-padded batches). On CPU the prompts' shared
        prefix (chat template and instruction, half of a prompt's tokens in the demo) is run once and its keys and
        values are reused by every batch, as the loss passes do: the same greedy lines up to rounding."""
        was_training = model.training
        model.eval()
        device = torch.device(device)
        shared = common_prefix_length(self.prompt_ids) if device.type == "cpu" else 0
        shared = shared if shared >= SHARED_PREFIX_MIN_TOKENS else 0
        texts: list[str] = []
        try:
            with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
                head = torch.tensor(self.prompt_ids[0][:shared], dtype=torch.long)
                prefix = run_prefix(model, head[None].to(device)) if shared else None
                for start in range(0, len(self.prompt_ids), batch_size):
                    batch = [ids[shared:] for ids in self.prompt_ids[start : start + batch_size]]
                    width = shared + max(len(ids) for ids in batch)
                    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
                    attention = torch.zeros((len(batch), width), dtype=torch.long)
                    if shared:  # the prefix, then each prompt's own tokens right-aligned: padding between the two
                        input_ids[:, :shared] = head
                        attention[:, :shared] = 1
                    for row, ids in enumerate(batch):
                        input_ids[row, width - len(ids) :] = torch.tensor(ids)
                        attention[row, width - len(ids) :] = 1
                    cache = prefix_for_batch(prefix, len(batch)) if prefix is not None else None
                    out = model.generate(
                        input_ids=input_ids.to(device),
                        attention_mask=attention.to(device),
                        past_key_values=cache,
                        max_new_tokens=self.new_tokens,
                        do_sample=False,
                        pad_token_id=pad_id,
                        use_cache=True,
                    )
                    texts += [tokenizer.decode(t, skip_special_tokens=True) for t in out[:, width:].tolist()]
        finally:
            model.train(was_training)
        return texts

    def accuracy(self, model, tokenizer, pad_id: int, device, dtype, batch_size: int = 32) -> float:
        """The share of the probe's greedy category lines that name the right label."""
        right = 0
        answers = self.answers(model, tokenizer, pad_id, device, dtype, batch_size)
        for text, label in zip(answers, self.labels, strict=True):
            category, _ = parse_completion(text)
            right += resolve_label(category, text, set(self.label_set)) == label
        return round(right / len(self.prompt_ids), 4)


def verdict(curve: list[tuple[int, float]], majority_share: float, examples: int) -> tuple[bool, str]:
    """(learned, why): learned when the last point beats both the untrained model and the majority-class guess by
    more than two binomial standard errors of the probe; otherwise what the curve shows."""
    if not curve:
        return False, "no label-accuracy probe (no labels, or no labelled validation example)"
    first, last = curve[0][1], curve[-1][1]
    floor = max(first, majority_share)
    margin = 2 * math.sqrt(max(floor * (1 - floor), 1 / examples) / examples)
    shape = f"label accuracy {first:.2f} before training, {last:.2f} after {curve[-1][0]} steps"
    baseline = (
        f"majority-class guess {majority_share:.2f}, {examples} validation examples: "
        f"a difference under {margin:.2f} is noise"
    )
    if last > floor + margin:
        return True, f"labels learned: {shape} ({baseline})"
    best_step, best = max(curve, key=lambda point: point[1])
    if best > floor + margin and best - last > margin:
        return False, f"labels learned, then lost: {shape}, best {best:.2f} at step {best_step} ({baseline})"
    rising = len(curve) >= 3 and curve[-1][1] > curve[-2][1] >= curve[-3][1] and last > first
    trend = "still rising at the end: more steps would likely help" if rising else "flat: no clear learning"
    return False, f"labels not learned: {shape}, {trend} ({baseline})"
