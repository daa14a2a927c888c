"""Language-model primitives shared by training, evaluation and drift: device and precision, prompt/completion
encoding, batching, and the loss on completion tokens only."""

from __future__ import annotations

import copy

import torch

from llm_assets.core.prompting import encode_example


def pick_device_and_dtype(precision: str) -> tuple[torch.device, torch.dtype | None]:
    """cuda if present; bf16 autocast on CUDA with bf16 and on CPUs with native bf16 (AVX512-BF16 / AMX)."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if precision == "fp32":
        return device, None
    if precision == "bf16":
        return device, torch.bfloat16
    if device.type == "cuda":
        return device, torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    capability = torch.backends.cpu.get_cpu_capability().upper()
    return device, torch.bfloat16 if ("AVX512" in capability or "AMX" in capability) else None


def tokenize_split(
    tokenizer, prompts: list[str], completions: list[str], max_length: int, shots: tuple[tuple[str, str], ...] = ()
):
    encoded, skipped = [], 0
    for p, c in zip(prompts, completions, strict=True):
        e = encode_example(tokenizer, p, c, max_length, shots)
        if e is None:
            skipped += 1
        else:
            encoded.append(e)
    return encoded, skipped


def collate(examples: list[tuple[list[int], list[int]]], pad_id: int, device: torch.device):
    width = max(len(ids) for ids, _ in examples)
    input_ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    attention = torch.zeros((len(examples), width), dtype=torch.long)
    for row, (ids, lab) in enumerate(examples):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        labels[row, : len(lab)] = torch.tensor(lab)
        attention[row, : len(ids)] = 1
    return input_ids.to(device), attention.to(device), labels.to(device)


def shared_prefix_length(ids: torch.Tensor, att: torch.Tensor, lab: torch.Tensor) -> int:
    """How many leading tokens every example of the batch has in common (the chat template's system turn and the
    pipeline's instruction, typically), kept short of every example's last prompt token: the position that predicts
    the first completion token must stay in the per-example part."""
    same = ((ids == ids[:1]) & (att == 1)).all(dim=0)
    common = int(same.long().cumprod(dim=0).sum())
    first_completion = int((lab != -100).float().argmax(dim=1).min())
    return max(0, min(common, first_completion - 1))


def completion_loss(model, ids, att, lab, reduction: str = "mean", min_shared_prefix: int = 0) -> torch.Tensor:
    """Cross-entropy over completion tokens only, with the LM head applied only from the first completion position
    of the batch on: prompts are most of each example, and their vocabulary-sized logits are neither needed nor
    cheap (memory and time).

    With ``min_shared_prefix`` > 0 and a batch whose examples share at least that many leading tokens, the shared
    prefix is run once (batch of one) and its keys and values are repeated for every example: the same function of
    the weights as running it per example (gradients from all examples flow back into the one prefix run through the
    repeat), at a fraction of the cost when the prompts share a long instruction. Only the dropout noise differs:
    the prefix gets one dropout mask for the batch instead of one per example.
    """
    cache = None
    shared = shared_prefix_length(ids, att, lab) if min_shared_prefix > 0 and ids.shape[0] > 1 else 0
    if shared >= min_shared_prefix > 0:
        cache = model(input_ids=ids[:1, :shared], use_cache=True, logits_to_keep=1).past_key_values
        cache.batch_repeat_interleave(ids.shape[0])
        ids, lab = ids[:, shared:], lab[:, shared:]  # the attention mask keeps covering prefix + rest
    first = int((lab != -100).float().argmax(dim=1).min())  # earliest completion token in the batch
    start = max(first - 1, 0)  # the position whose logits predict it
    logits = model(input_ids=ids, attention_mask=att, past_key_values=cache, logits_to_keep=ids.shape[1] - start).logits
    shift_logits, shift_labels = logits[:, :-1], lab[:, start + 1 :]
    return torch.nn.functional.cross_entropy(
        shift_logits.float().reshape(-1, shift_logits.size(-1)),
        shift_labels.reshape(-1),
        ignore_index=-100,
        reduction=reduction,
    )


# Measuring a loss shares the prompt prefix as training does: on CPU, where it saves compute (a quarter of the
# evaluation's loss pass on the demo's test split), not on CUDA, where the extra pass costs more launches than it saves.
# Below this many shared tokens the extra pass is not worth it.
SHARED_PREFIX_MIN_TOKENS = 16


def run_prefix(model, ids: torch.Tensor):
    """The keys and values of a shared prefix (``ids``, batch of one), computed once."""
    return model(input_ids=ids, use_cache=True, logits_to_keep=1).past_key_values


def prefix_for_batch(prefix, rows: int):
    """A copy of a prefix's keys and values repeated for a batch of ``rows`` (the model extends the copy in place)."""
    cache = copy.deepcopy(prefix)
    cache.batch_repeat_interleave(rows)
    return cache


def common_prefix_length(prompts: list[list[int]]) -> int:
    """How many leading tokens every token list shares, kept short of the shortest one (each keeps at least one token
    of its own after the prefix)."""
    if len(prompts) < 2:
        return 0
    first, limit = prompts[0], min(len(ids) for ids in prompts) - 1
    shared = 0
    while shared < limit and all(ids[shared] == first[shared] for ids in prompts):
        shared += 1
    return shared


def _prefix_cache(model, examples, pad_id: int, device):
    """The leading tokens every example shares, run once (batch of one): their length and keys and values, or
    (0, None) when they are fewer than ``SHARED_PREFIX_MIN_TOKENS`` (or there is one example)."""
    if len(examples) < 2 or SHARED_PREFIX_MIN_TOKENS <= 0:
        return 0, None
    ids, att, lab = collate(examples, pad_id, device)
    shared = shared_prefix_length(ids, att, lab)
    if shared < SHARED_PREFIX_MIN_TOKENS:
        return 0, None
    return shared, run_prefix(model, ids[:1, :shared])


def _completion_token_losses(model, ids, att, lab, cache) -> torch.Tensor:
    """Per example, its completion tokens' summed cross-entropy: the decoder's hidden states, and the LM head only at
    the positions that predict a completion token (its vocabulary-sized product is a fifth of the model's work per
    position, and a batch's prompts and padding are most of its positions)."""
    decoder, head = getattr(model, "get_decoder", lambda: None)(), model.get_output_embeddings()
    target = lab[:, 1:]
    keep = target != -100
    if decoder is not None and head is not None:
        hidden = decoder(input_ids=ids, attention_mask=att, past_key_values=cache).last_hidden_state
        logits = head(hidden[:, :-1][keep])
    else:  # a model without the usual parts: its whole logits
        logits = model(input_ids=ids, attention_mask=att, past_key_values=cache).logits[:, :-1][keep]
    losses = torch.zeros(target.shape, dtype=torch.float32, device=ids.device)
    losses[keep] = torch.nn.functional.cross_entropy(logits.float(), target[keep], reduction="none")
    return losses.sum(dim=1)


@torch.no_grad()
def example_losses(model, examples, pad_id: int, device, dtype, batch_size: int = 8) -> list[tuple[float, int]]:
    """Per example, its completion tokens' summed cross-entropy and how many there are.

    Examples are batched in order of length (less padding), and on CPU the prefix the whole set shares (the chat
    template's system turn, the instruction, a few-shot baseline's shots) is run once for the set rather than once
    per batch; the sums are the per-example ones up to the rounding of the batch they fall in."""
    model.eval()
    device = torch.device(device)
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
    out: list[tuple[float, int]] = [(0.0, 0)] * len(examples)
    with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
        shared, prefix = _prefix_cache(model, examples, pad_id, device) if device.type == "cpu" else (0, None)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            ids, att, lab = collate([examples[i] for i in rows], pad_id, device)
            cache = None
            if prefix is not None:
                cache = prefix_for_batch(prefix, len(rows))
                ids, lab = ids[:, shared:], lab[:, shared:]  # the attention mask keeps covering prefix + rest
            sums = _completion_token_losses(model, ids, att, lab, cache).tolist()
            counts = (lab[:, 1:] != -100).sum(dim=1).tolist()
            for row, loss_sum, count in zip(rows, sums, counts, strict=True):
                out[row] = (loss_sum, count)
    return out


def mean_loss(model, examples, pad_id: int, device, dtype, batch_size: int = 8) -> float:
    """Token-weighted mean loss over completion tokens."""
    losses = example_losses(model, examples, pad_id, device, dtype, batch_size)
    return sum(s for s, _ in losses) / max(sum(n for _, n in losses), 1)
