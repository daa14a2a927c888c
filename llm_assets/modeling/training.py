"""LoRA fine-tuning: a compact training loop over peft + transformers.

Our own loop rather than ``transformers.Trainer`` so that the expensive parts are in plain sight: examples are
tokenized once, batches are grouped by length (little padding), the loss covers completion tokens only, and bf16
autocast is used where the hardware supports it.
"""

import math
import random
import resource
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import torch
from pydantic import Field

from llm_assets.modeling.prompting import encode_example


class LoraTrainingConfig(dg.Config):
    r: int = Field(default=16, description="LoRA rank.")
    lora_alpha: int = Field(default=32, description="LoRA scaling numerator (scale = alpha / r).")
    lora_dropout: float = Field(default=0.05, description="Dropout on the LoRA branch.")
    target_modules: list[str] = Field(
        default=["q_proj", "k_proj", "v_proj", "o_proj"], description="Module names that receive LoRA adapters."
    )
    learning_rate: float = Field(default=1e-3, description="Peak AdamW learning rate (1e-3 suits short CPU runs).")
    weight_decay: float = Field(default=0.0, description="AdamW weight decay.")
    warmup_ratio: float = Field(default=0.05, description="Share of steps with linear warm-up.")
    epochs: float = Field(default=1.0, description="Passes over the training split (fractions allowed).")
    batch_size: int = Field(default=8, description="Examples per micro-batch.")
    gradient_accumulation_steps: int = Field(default=1, description="Micro-batches per optimizer step.")
    max_steps: int = Field(default=-1, description="Stop after this many optimizer steps (-1 = no cap).")
    max_length: int = Field(default=384, description="Maximum tokens per example (prompt + completion).")
    max_train_examples: int = Field(default=0, description="Use at most this many training examples (0 = all).")
    max_validation_examples: int = Field(default=64, description="Validation examples for the final loss (0 = none).")
    precision: str = Field(default="auto", description="auto (bf16 autocast where supported), bf16 or fp32.")
    seed: int = Field(default=42, description="Seed for LoRA init, shuffling and dropout.")
    log_every: int = Field(default=5, description="Log the loss every this many optimizer steps.")
    checkpoint_every: int = Field(
        default=20,
        description="Save a resumable checkpoint (adapter, optimizer, scheduler, RNG, data position) every this many "
        "optimizer steps; a re-launched run with the same training set and config continues from it. 0 = never.",
    )


@dataclass
class TrainingResult:
    steps: int
    epochs_run: float
    train_examples: int
    skipped_too_long: int
    train_tokens: int
    seconds: float
    tokens_per_second: float
    final_loss: float
    validation_loss: float | None
    trainable_params: int
    total_params: int
    peak_rss_mb: float
    device: str
    precision: str
    resumed_from_step: int = 0
    loss_curve: list[tuple[int, float]] = field(default_factory=list)


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


def tokenize_split(tokenizer, prompts: list[str], completions: list[str], max_length: int):
    encoded, skipped = [], 0
    for p, c in zip(prompts, completions, strict=True):
        e = encode_example(tokenizer, p, c, max_length)
        if e is None:
            skipped += 1
        else:
            encoded.append(e)
    return encoded, skipped


def length_grouped_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar length (padding stays small), in random order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    # sort within windows of 50 batches: similar lengths together, still a different mix each epoch
    window = batch_size * 50
    batches = []
    for w in range(0, len(order), window):
        chunk = sorted(order[w : w + window], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


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


@torch.no_grad()
def mean_loss(model, examples, pad_id: int, device, dtype, batch_size: int = 8) -> float:
    """Token-weighted mean loss over completion tokens."""
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(examples), batch_size):
        ids, att, lab = collate(examples[i : i + batch_size], pad_id, device)
        with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
            logits = model(input_ids=ids, attention_mask=att).logits.float()
        shift_logits, shift_labels = logits[:, :-1], lab[:, 1:]
        loss = torch.nn.functional.cross_entropy(
            shift_logits.reshape(-1, shift_logits.size(-1)),
            shift_labels.reshape(-1),
            ignore_index=-100,
            reduction="sum",
        )
        total += loss.item()
        count += int((shift_labels != -100).sum())
    return total / max(count, 1)


CHECKPOINT = "checkpoint.pt"


def _save_checkpoint(folder: Path, state: dict) -> None:
    """Written to a temporary file, then renamed: a kill mid-write leaves the previous checkpoint intact."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{CHECKPOINT}.tmp"
    torch.save(state, tmp)
    tmp.replace(folder / CHECKPOINT)


def load_checkpoint(folder: Path | None) -> dict | None:
    if folder is None or not (folder / CHECKPOINT).exists():
        return None
    return torch.load(folder / CHECKPOINT, weights_only=False)


def train_lora(
    model,
    tokenizer,
    train_pairs: tuple[list[str], list[str]],
    validation_pairs: tuple[list[str], list[str]],
    config: LoraTrainingConfig,
    on_log: Callable[[int, float, float], None] | None = None,
    checkpoint_dir: Path | None = None,
):
    """Wraps ``model`` with LoRA, trains it, and returns (peft model, TrainingResult).

    With ``checkpoint_dir``, a checkpoint is saved every ``config.checkpoint_every`` steps and, if one is there when
    training starts, training resumes from it: same weights, optimizer moments, schedule, RNG and data position.
    The folder must be specific to the training data and configuration (the caller keys it); it is removed once
    training completes.
    """
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict
    from peft.utils import get_peft_model_state_dict

    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    device, dtype = pick_device_and_dtype(config.precision)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id

    prompts, completions = train_pairs
    if config.max_train_examples and len(prompts) > config.max_train_examples:
        keep = sorted(rng.sample(range(len(prompts)), config.max_train_examples))
        prompts, completions = [prompts[i] for i in keep], [completions[i] for i in keep]
    train, skipped = tokenize_split(tokenizer, prompts, completions, config.max_length)
    if not train:
        raise ValueError("no training example fits max_length")
    val, _ = tokenize_split(tokenizer, *validation_pairs, config.max_length)
    val = val[: config.max_validation_examples]

    peft_model = get_peft_model(
        model,
        LoraConfig(
            r=config.r,
            lora_alpha=config.lora_alpha,
            lora_dropout=config.lora_dropout,
            target_modules=list(config.target_modules),
            task_type="CAUSAL_LM",
            bias="none",
        ),
    ).to(device)
    trainable = sum(p.numel() for p in peft_model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in peft_model.parameters())

    lengths = [len(ids) for ids, _ in train]
    micro_per_epoch = math.ceil(len(train) / config.batch_size)
    steps_per_epoch = max(1, micro_per_epoch // config.gradient_accumulation_steps)
    total_steps = max(1, math.ceil(steps_per_epoch * config.epochs))
    if config.max_steps > 0:
        total_steps = min(total_steps, config.max_steps)
    warmup = int(total_steps * config.warmup_ratio)
    optimizer = torch.optim.AdamW(
        [p for p in peft_model.parameters() if p.requires_grad],
        lr=config.learning_rate,
        weight_decay=config.weight_decay,
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: (
            (s + 1) / max(1, warmup) if s < warmup else max(0.0, (total_steps - s) / max(1, total_steps - warmup))
        ),
    )

    peft_model.train()
    step, micro, tokens, recent = 0, 0, 0, []
    curve: list[tuple[int, float]] = []
    epoch, skip_batches, elapsed_before = 0, 0, 0.0
    resumed = load_checkpoint(checkpoint_dir) if config.checkpoint_every > 0 else None
    if resumed is not None:
        set_peft_model_state_dict(peft_model, resumed["adapter"])
        optimizer.load_state_dict(resumed["optimizer"])
        scheduler.load_state_dict(resumed["scheduler"])
        step, micro, tokens, curve = resumed["step"], resumed["micro"], resumed["tokens"], resumed["curve"]
        epoch, skip_batches, elapsed_before = resumed["epoch"], resumed["batch_index"], resumed["seconds"]
        rng.setstate(resumed["epoch_rng"])
        torch.set_rng_state(resumed["torch_rng"])
    resumed_from = step
    started = time.perf_counter()
    while step < total_steps:
        epoch_rng = rng.getstate()
        for index, batch in enumerate(length_grouped_batches(lengths, config.batch_size, rng)):
            if index < skip_batches:
                continue
            ids, att, lab = collate([train[i] for i in batch], pad_id, device)
            with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
                out = peft_model(input_ids=ids, attention_mask=att, labels=lab)
            (out.loss / config.gradient_accumulation_steps).backward()
            tokens += int(att.sum())
            recent.append(out.loss.item())
            micro += 1
            if micro % config.gradient_accumulation_steps:
                continue
            torch.nn.utils.clip_grad_norm_([p for p in peft_model.parameters() if p.requires_grad], 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            loss = sum(recent) / len(recent)
            recent = []
            curve.append((step, loss))
            if on_log and (step % config.log_every == 0 or step == total_steps):
                on_log(step, loss, tokens / (elapsed_before + time.perf_counter() - started))
            if checkpoint_dir is not None and config.checkpoint_every > 0 and step % config.checkpoint_every == 0:
                _save_checkpoint(
                    checkpoint_dir,
                    {
                        "adapter": get_peft_model_state_dict(peft_model),
                        "optimizer": optimizer.state_dict(),
                        "scheduler": scheduler.state_dict(),
                        "step": step,
                        "micro": micro,
                        "tokens": tokens,
                        "curve": curve,
                        "epoch": epoch,
                        "batch_index": index + 1,
                        "epoch_rng": epoch_rng,
                        "torch_rng": torch.get_rng_state(),
                        "seconds": elapsed_before + time.perf_counter() - started,
                    },
                )
            if step >= total_steps:
                break
        epoch += 1
        skip_batches = 0
    seconds = elapsed_before + time.perf_counter() - started
    if checkpoint_dir is not None:
        shutil.rmtree(checkpoint_dir, ignore_errors=True)
    val_loss = mean_loss(peft_model, val, pad_id, device, dtype) if val else None
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tail = [loss for _, loss in curve[-max(1, len(curve) // 10) :]]
    return peft_model, TrainingResult(
        steps=step,
        epochs_run=round(step / steps_per_epoch, 3),
        train_examples=len(train),
        skipped_too_long=skipped,
        train_tokens=tokens,
        seconds=round(seconds, 2),
        tokens_per_second=round(tokens / seconds, 1),
        final_loss=round(sum(tail) / len(tail), 4),
        validation_loss=None if val_loss is None else round(val_loss, 4),
        trainable_params=trainable,
        total_params=total,
        peak_rss_mb=round(peak_rss, 1),
        device=str(device),
        precision="fp32" if dtype is None else str(dtype).removeprefix("torch."),
        resumed_from_step=resumed_from,
        loss_curve=curve,
    )
