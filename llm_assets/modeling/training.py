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

import torch
from transformers import get_linear_schedule_with_warmup

from llm_assets.core.lm import collate, completion_loss, mean_loss, pick_device_and_dtype, tokenize_split
from llm_assets.modeling.config import LoraTrainingConfig


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
    world_size: int = 1
    loss_curve: list[tuple[int, float]] = field(default_factory=list)


def length_grouped_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar length (padding stays small), a different mix each epoch: transformers'
    ``LengthGroupedSampler`` (megabatches of 50 batches sorted by length, the longest batch first), seeded from
    ``rng`` so that a resumed run draws the same order."""
    from transformers.trainer_pt_utils import LengthGroupedSampler

    generator = torch.Generator().manual_seed(rng.getrandbits(63))
    order = list(LengthGroupedSampler(batch_size, lengths=lengths, generator=generator))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


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


def shared_prefix_tokens(config: LoraTrainingConfig, device: torch.device, distributed: bool) -> int:
    """The ``min_shared_prefix`` the loop passes to ``completion_loss``: 0 (off) where sharing does not pay or
    does not work."""
    if distributed:
        return 0  # two forward calls per micro-batch would break DDP's one-forward-one-backward bookkeeping
    if device.type == "cuda" and not config.shared_prefix_on_cuda:
        return 0  # measured slower there at this model size (launch-bound steps): see the config field
    return config.shared_prefix_min_tokens


def train_lora(
    model,
    tokenizer,
    train_pairs: tuple[list[str], list[str]],
    validation_pairs: tuple[list[str], list[str]],
    config: LoraTrainingConfig,
    on_log: Callable[[int, float, float], None] | None = None,
    checkpoint_dir: Path | None = None,
    accelerator=None,
    init_adapter_dir: str | None = None,
):
    """Wraps ``model`` with LoRA, trains it, and returns (peft model, TrainingResult).

    With ``init_adapter_dir`` (a saved adapter of the same LoRA shape), training continues from its weights instead of
    a fresh LoRA initialisation: the warm start of continual fine-tuning.

    With ``checkpoint_dir``, a checkpoint is saved every ``config.checkpoint_every`` steps and, if one is there when
    training starts, training resumes from it: same weights, optimizer moments, schedule, RNG and data position.
    The folder must be specific to the training data and configuration (the caller keys it); it is removed once
    training completes.

    With an ``accelerate.Accelerator`` (one process per GPU, launched by ``accelerate launch``), the model is wrapped
    for DDP, each process takes every n-th batch of the same length-grouped order, gradients are averaged, and only
    the main process writes checkpoints.
    """
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict
    from peft.utils import get_peft_model_state_dict

    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    device, dtype = pick_device_and_dtype(config.precision)
    world, rank = (accelerator.num_processes, accelerator.process_index) if accelerator is not None else (1, 0)
    if accelerator is not None:
        device = accelerator.device
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    shared_prefix = shared_prefix_tokens(config, device, distributed=accelerator is not None)

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
    if init_adapter_dir is not None:
        from safetensors.torch import load_file

        loaded = set_peft_model_state_dict(
            peft_model, load_file(str(Path(init_adapter_dir, "adapter_model.safetensors")))
        )
        if loaded.unexpected_keys:
            raise ValueError(f"the adapter in {init_adapter_dir} does not fit: {loaded.unexpected_keys[:3]}")
    trainable = sum(p.numel() for p in peft_model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in peft_model.parameters())

    lengths = [len(ids) for ids, _ in train]
    micro_per_epoch = max(1, math.ceil(len(train) / config.batch_size) // world)
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
    scheduler = get_linear_schedule_with_warmup(optimizer, warmup, total_steps)

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
    if accelerator is not None:
        peft_model, optimizer = accelerator.prepare(peft_model, optimizer)
    started = time.perf_counter()
    while step < total_steps:
        epoch_rng = rng.getstate()
        batches = length_grouped_batches(lengths, config.batch_size, rng)
        batches = batches[: len(batches) // world * world] if world > 1 else batches  # same count on every rank
        for index, batch in enumerate(batches):
            if index < skip_batches or index % world != rank:
                continue
            ids, att, lab = collate([train[i] for i in batch], pad_id, device)
            with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
                loss = completion_loss(peft_model, ids, att, lab, min_shared_prefix=shared_prefix)
            loss_to_backprop = loss / config.gradient_accumulation_steps
            if accelerator is not None:
                accelerator.backward(loss_to_backprop)
            else:
                loss_to_backprop.backward()
            tokens += int(att.sum())
            recent.append(loss.item())
            micro += 1
            if micro % config.gradient_accumulation_steps:
                continue
            trainable_params = [p for p in peft_model.parameters() if p.requires_grad]
            if accelerator is not None:
                accelerator.clip_grad_norm_(trainable_params, 1.0)
            else:
                torch.nn.utils.clip_grad_norm_(trainable_params, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            loss = sum(recent) / len(recent)
            recent = []
            curve.append((step, loss))
            if on_log and (step % config.log_every == 0 or step == total_steps):
                on_log(step, loss, tokens / (elapsed_before + time.perf_counter() - started))
            if (
                checkpoint_dir is not None
                and rank == 0
                and config.checkpoint_every > 0
                and step % config.checkpoint_every == 0
            ):
                _save_checkpoint(
                    checkpoint_dir,
                    {
                        "adapter": get_peft_model_state_dict(
                            accelerator.unwrap_model(peft_model) if accelerator is not None else peft_model
                        ),
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
    if accelerator is not None:
        accelerator.wait_for_everyone()
        tokens = int(accelerator.reduce(torch.tensor(tokens, device=device), reduction="sum"))
        peft_model = accelerator.unwrap_model(peft_model)
    if checkpoint_dir is not None and rank == 0:
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
        world_size=world,
        loss_curve=curve,
    )
