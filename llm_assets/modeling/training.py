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
from llm_assets.modeling.label_probe import LabelProbe, verdict
from llm_assets.modeling.recipe import steps_per_epoch


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
    threads_per_process: int = 0  # torch's intra-op threads: with the world size, what fixes the float rounding
    loss_curve: list[tuple[int, float]] = field(default_factory=list)
    label_curve: list[tuple[int, float]] = field(default_factory=list)  # (step, validation label accuracy)
    label_probe_examples: int = 0
    label_majority_share: float | None = None
    labels_learned: bool | None = None
    label_verdict: str = ""


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


@dataclass(frozen=True)
class _Placement:
    """Where and how the loop runs: device, autocast dtype, DDP world and rank, the pad id, the shared prefix."""

    device: torch.device
    dtype: torch.dtype | None
    world: int
    rank: int
    pad_id: int
    shared_prefix: int
    accelerator: object | None = None

    @classmethod
    def of(cls, config: LoraTrainingConfig, tokenizer, accelerator) -> "_Placement":
        device, dtype = pick_device_and_dtype(config.precision)
        world, rank = (accelerator.num_processes, accelerator.process_index) if accelerator is not None else (1, 0)
        if accelerator is not None:
            device = accelerator.device
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        shared = shared_prefix_tokens(config, device, distributed=accelerator is not None)
        return cls(device, dtype, world, rank, pad_id, shared, accelerator)


@dataclass
class _Progress:
    """Where the loop stands; what a checkpoint saves besides weights, optimizer and schedule."""

    step: int = 0
    micro: int = 0
    tokens: int = 0
    curve: list[tuple[int, float]] = field(default_factory=list)
    label_curve: list[tuple[int, float]] = field(default_factory=list)
    epoch: int = 0
    skip_batches: int = 0
    elapsed_before: float = 0.0


def _examples(tokenizer, train_pairs, validation_pairs, config: LoraTrainingConfig, rng: random.Random):
    """(train, skipped as too long, validation) tokenized once; at most ``max_train_examples``, drawn by ``rng``."""
    prompts, completions = train_pairs
    if config.max_train_examples and len(prompts) > config.max_train_examples:
        keep = sorted(rng.sample(range(len(prompts)), config.max_train_examples))
        prompts, completions = [prompts[i] for i in keep], [completions[i] for i in keep]
    train, skipped = tokenize_split(tokenizer, prompts, completions, config.max_length)
    if not train:
        raise ValueError("no training example fits max_length")
    val, _ = tokenize_split(tokenizer, *validation_pairs, config.max_length)
    return train, skipped, val[: config.max_validation_examples]


def _with_lora(model, config: LoraTrainingConfig, device: torch.device, init_adapter_dir: str | None):
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict

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
    return peft_model


def _step_plan(examples: int, config: LoraTrainingConfig, world: int) -> tuple[int, int]:
    """(optimizer steps per epoch, total optimizer steps)."""
    per_epoch = steps_per_epoch(examples, config.model_copy(update={"num_processes": world}))
    total_steps = max(1, math.ceil(per_epoch * config.epochs))
    if config.max_steps > 0:
        total_steps = min(total_steps, config.max_steps)
    return per_epoch, total_steps


class _Loop:
    """The optimizer, the schedule and the (optional) accelerator around one peft model, and the loop's progress."""

    def __init__(self, peft_model, config: LoraTrainingConfig, total_steps: int, place: _Placement, rng: random.Random):
        self.config, self.total_steps, self.place, self.rng = config, total_steps, place, rng
        self.accelerator = place.accelerator
        self.model = peft_model
        self.optimizer = torch.optim.AdamW(
            [p for p in peft_model.parameters() if p.requires_grad],
            lr=config.learning_rate,
            weight_decay=config.weight_decay,
        )
        self.scheduler = get_linear_schedule_with_warmup(
            self.optimizer, int(total_steps * config.warmup_ratio), total_steps
        )
        self.progress = _Progress()
        self.recent: list[float] = []
        self.started = time.perf_counter()

    def resume(self, state: dict | None) -> int:
        """Restores a checkpoint's state (if any); returns the step training resumes from."""
        from peft import set_peft_model_state_dict

        if state is not None:
            set_peft_model_state_dict(self.model, state["adapter"])
            self.optimizer.load_state_dict(state["optimizer"])
            self.scheduler.load_state_dict(state["scheduler"])
            self.progress = _Progress(
                state["step"], state["micro"], state["tokens"], state["curve"], state.get("label_curve", []),
                state["epoch"], state["batch_index"], state["seconds"],
            )  # fmt: skip
            self.rng.setstate(state["epoch_rng"])
            torch.set_rng_state(state["torch_rng"])
        if self.accelerator is not None:
            self.model, self.optimizer = self.accelerator.prepare(self.model, self.optimizer)
        self.started = time.perf_counter()
        return self.progress.step

    def seconds(self) -> float:
        return self.progress.elapsed_before + time.perf_counter() - self.started

    def run(
        self,
        train: list,
        on_log: Callable[[int, float, float], None] | None,
        checkpoint_dir: Path | None,
        on_step: Callable[[int], None] | None = None,
    ) -> None:
        """Epochs of length-grouped batches until ``total_steps``; a resumed run skips the batches already seen.
        ``on_step`` is called after each optimizer step (the label probe)."""
        config, place, progress = self.config, self.place, self.progress
        lengths = [len(ids) for ids, _ in train]
        while progress.step < self.total_steps:
            epoch_rng = self.rng.getstate()
            batches = length_grouped_batches(lengths, config.batch_size, self.rng)
            if place.world > 1:
                batches = batches[: len(batches) // place.world * place.world]  # same count on every rank
            for index, batch in enumerate(batches):
                if index < progress.skip_batches or index % place.world != place.rank:
                    continue
                self.backward(*collate([train[i] for i in batch], place.pad_id, place.device))
                if progress.micro % config.gradient_accumulation_steps:
                    continue
                loss = self.optimizer_step()
                if on_log and (progress.step % config.log_every == 0 or progress.step == self.total_steps):
                    on_log(progress.step, loss, progress.tokens / self.seconds())
                if on_step is not None:
                    on_step(progress.step)
                every = config.checkpoint_every
                if checkpoint_dir is not None and place.rank == 0 and every > 0 and progress.step % every == 0:
                    self.checkpoint(checkpoint_dir, epoch_rng, index + 1)
                if progress.step >= self.total_steps:
                    break
            progress.epoch += 1
            progress.skip_batches = 0

    def backward(self, ids, att, lab) -> None:
        dtype = self.place.dtype
        with torch.autocast(self.place.device.type, dtype=dtype, enabled=dtype is not None):
            loss = completion_loss(self.model, ids, att, lab, min_shared_prefix=self.place.shared_prefix)
        scaled = loss / self.config.gradient_accumulation_steps
        if self.accelerator is None:
            scaled.backward()
        else:
            self.accelerator.backward(scaled)
        self.progress.tokens += int(att.sum())
        self.recent.append(loss.item())
        self.progress.micro += 1

    def optimizer_step(self) -> float:
        """Clips, steps and zeroes; returns the mean loss of the micro-batches since the last step."""
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        clip = torch.nn.utils.clip_grad_norm_ if self.accelerator is None else self.accelerator.clip_grad_norm_
        clip(trainable, 1.0)
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.progress.step += 1
        loss, self.recent = sum(self.recent) / len(self.recent), []
        self.progress.curve.append((self.progress.step, loss))
        return loss

    def unwrapped(self):
        return self.model if self.accelerator is None else self.accelerator.unwrap_model(self.model)

    def checkpoint(self, folder: Path, epoch_rng, batch_index: int) -> None:
        from peft.utils import get_peft_model_state_dict

        p = self.progress
        _save_checkpoint(
            folder,
            {
                "adapter": get_peft_model_state_dict(self.unwrapped()),
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
                "step": p.step,
                "micro": p.micro,
                "tokens": p.tokens,
                "curve": p.curve,
                "label_curve": p.label_curve,
                "epoch": p.epoch,
                "batch_index": batch_index,
                "epoch_rng": epoch_rng,
                "torch_rng": torch.get_rng_state(),
                "seconds": self.seconds(),
            },
        )


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
    on_label: Callable[[int, float], None] | None = None,
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

    With labelled completions ("Category: ..."), validation label accuracy is measured before the first step, every
    ``config.label_eval_every`` steps and after the last (``on_label(step, accuracy)`` for each point); the result's
    ``label_curve`` and ``label_verdict`` say whether the labels were learned.
    """
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    place = _Placement.of(config, tokenizer, accelerator)
    train, skipped, val = _examples(tokenizer, train_pairs, validation_pairs, config, rng)
    peft_model = _with_lora(model, config, place.device, init_adapter_dir)
    trainable = sum(p.numel() for p in peft_model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in peft_model.parameters())
    per_epoch, total_steps = _step_plan(len(train), config, place.world)
    probe = LabelProbe.build(tokenizer, validation_pairs, train_pairs[1], config.label_eval_examples, config.max_length)

    peft_model.train()
    loop = _Loop(peft_model, config, total_steps, place, rng)
    resumed_from = loop.resume(load_checkpoint(checkpoint_dir) if config.checkpoint_every > 0 else None)

    def measure_labels(step: int) -> None:
        """A point of the label curve at step 0, every label_eval_every steps and the last (one process only:
        mid-run, a rank that generates alone would leave the others waiting at the next gradient sync)."""
        last, every = step == total_steps, config.label_eval_every
        due = step == 0 or last or (every > 0 and step % every == 0)
        if probe is None or not due or (place.world > 1 and not last):
            return
        model = loop.unwrapped()
        accuracy = probe.accuracy(model, tokenizer, place.pad_id, place.device, place.dtype)
        loop.progress.label_curve.append((step, accuracy))
        if on_label:
            on_label(step, accuracy)

    if loop.progress.step == 0:  # a resumed run keeps the curve its checkpoint saved
        measure_labels(0)
    loop.run(train, on_log, checkpoint_dir, on_step=measure_labels)
    seconds, tokens = loop.seconds(), loop.progress.tokens
    if accelerator is not None:
        accelerator.wait_for_everyone()
        tokens = int(accelerator.reduce(torch.tensor(tokens, device=place.device), reduction="sum"))
    peft_model = loop.unwrapped()
    if checkpoint_dir is not None and place.rank == 0:
        shutil.rmtree(checkpoint_dir, ignore_errors=True)
    val_loss = mean_loss(peft_model, val, place.pad_id, place.device, place.dtype) if val else None
    curve, label_curve = loop.progress.curve, loop.progress.label_curve
    tail = [loss for _, loss in curve[-max(1, len(curve) // 10) :]]
    learned, why = verdict(label_curve, probe.majority_share, len(probe.labels)) if probe else (None, "")
    return peft_model, TrainingResult(
        steps=loop.progress.step,
        epochs_run=round(loop.progress.step / per_epoch, 3),
        train_examples=len(train),
        skipped_too_long=skipped,
        train_tokens=tokens,
        seconds=round(seconds, 2),
        tokens_per_second=round(tokens / seconds, 1),
        final_loss=round(sum(tail) / len(tail), 4),
        validation_loss=None if val_loss is None else round(val_loss, 4),
        trainable_params=trainable,
        total_params=total,
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        device=str(place.device),
        precision="fp32" if place.dtype is None else str(place.dtype).removeprefix("torch."),
        resumed_from_step=resumed_from,
        world_size=place.world,
        threads_per_process=torch.get_num_threads(),
        loss_curve=curve,
        label_curve=label_curve,
        label_probe_examples=len(probe.labels) if probe else 0,
        label_majority_share=probe.majority_share if probe else None,
        labels_learned=learned,
        label_verdict=why or "no label-accuracy probe: the completions carry no labels",
    )


def save_adapter(peft_model, folder: str | Path) -> None:
    """``save_pretrained``, with the adapter config's module lists sorted: PEFT keeps ``target_modules`` as a set,
    written in the process's string-hash order, so the same adapter got a different folder hash in each process."""
    import json

    peft_model.save_pretrained(folder)
    path = Path(folder) / "adapter_config.json"
    config = json.loads(path.read_text())
    for key in ("target_modules", "modules_to_save", "exclude_modules"):
        if isinstance(config.get(key), list):
            config[key] = sorted(config[key])
    path.write_text(json.dumps(config, indent=2, sort_keys=True))
