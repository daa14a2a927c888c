"""Language-model primitives shared by training, evaluation and drift: device and precision, prompt/completion
encoding, batching, and the loss on completion tokens only."""

from __future__ import annotations

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


def completion_loss(model, ids, att, lab, reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy over completion tokens only, with the LM head applied only from the first completion position
    of the batch on: prompts are most of each example, and their vocabulary-sized logits are neither needed nor
    cheap (memory and time)."""
    first = int((lab != -100).float().argmax(dim=1).min())  # earliest completion token in the batch
    start = max(first - 1, 0)  # the position whose logits predict it
    logits = model(input_ids=ids, attention_mask=att, logits_to_keep=ids.shape[1] - start).logits
    shift_logits, shift_labels = logits[:, :-1], lab[:, start + 1 :]
    return torch.nn.functional.cross_entropy(
        shift_logits.float().reshape(-1, shift_logits.size(-1)),
        shift_labels.reshape(-1),
        ignore_index=-100,
        reduction=reduction,
    )


@torch.no_grad()
def mean_loss(model, examples, pad_id: int, device, dtype, batch_size: int = 8) -> float:
    """Token-weighted mean loss over completion tokens."""
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(examples), batch_size):
        ids, att, lab = collate(examples[i : i + batch_size], pad_id, device)
        with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
            loss = completion_loss(model, ids, att, lab, reduction="sum")
        total += loss.item()
        count += int((lab[:, 1:] != -100).sum())
    return total / max(count, 1)
