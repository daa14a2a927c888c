"""The hyper-parameters of LoRA fine-tuning, as the Launchpad shows them (no torch import here)."""

import dagster as dg
from pydantic import Field


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
    recipe: str = Field(
        default="auto",
        description="auto = steps and peak rate from the corpus: the rarest label seen min_label_examples times, at "
        "least `epochs` and at most max_auto_epochs passes, within max_steps; runs over lr_reference_steps at "
        "learning_rate x sqrt(lr_reference_steps / steps). fixed = `epochs`, max_steps and learning_rate as given. "
        "A champion warm start always trains as configured (its plan has its own rate).",
    )
    min_label_examples: int = Field(
        default=64,
        description="recipe=auto: times the rarest label's training examples are seen in all (repeats included).",
    )
    max_auto_epochs: float = Field(
        default=3.0, description="recipe=auto: never more passes than this over the training split."
    )
    lr_reference_steps: int = Field(
        default=100,
        description="recipe=auto: the run length learning_rate is meant for; longer runs get a lower peak rate.",
    )
    epochs: float = Field(
        default=1.0, description="Passes over the training split (fractions allowed); recipe=auto: the least."
    )
    batch_size: int = Field(default=8, description="Examples per micro-batch.")
    gradient_accumulation_steps: int = Field(default=1, description="Micro-batches per optimizer step.")
    max_steps: int = Field(default=-1, description="Stop after this many optimizer steps (-1 = no cap).")
    max_length: int = Field(default=384, description="Maximum tokens per example (prompt + completion).")
    max_train_examples: int = Field(default=0, description="Use at most this many training examples (0 = all).")
    max_validation_examples: int = Field(default=64, description="Validation examples for the final loss (0 = none).")
    shared_prefix_min_tokens: int = Field(
        default=16,
        description="Run the leading tokens that every example of a batch shares (chat template, instruction) once "
        "per batch instead of once per example, when there are at least this many; the same loss and gradients at "
        "less compute. 0 = off. Single-process training only; on CPU only unless shared_prefix_on_cuda.",
    )
    shared_prefix_on_cuda: bool = Field(
        default=False,
        description="Share the prompt prefix on CUDA too. Off by default: with the default model at batch 8 a GPU step "
        "is bound by kernel launches, not compute, and the extra prefix pass made steps slower on an H100 "
        "(README, Performance); worth trying with a larger model or batch.",
    )
    precision: str = Field(default="auto", description="auto (bf16 autocast where supported), bf16 or fp32.")
    seed: int = Field(default=42, description="Seed for LoRA init, shuffling and dropout.")
    log_every: int = Field(default=5, description="Log the loss every this many optimizer steps.")
    label_eval_every: int = Field(
        default=25,
        description="Measure validation label accuracy (greedy category line) before training, every this many "
        "steps and after the last: the curve in the adapter's metadata says whether labels were learned. "
        "0 = before and after only; label_eval_examples 0 = never.",
    )
    label_eval_examples: int = Field(default=32, description="Validation examples in the label-accuracy probe.")
    num_processes: int = Field(
        default=1,
        description="Data-parallel training processes (DDP through `accelerate launch`): one per GPU. 1 trains in "
        "the step's own process; more launches accelerate (on CPU too, with gloo, for testing).",
    )
    init_from: str = Field(
        default="base",
        description="base = a fresh adapter on the whole training split; champion = continue the champion's adapter "
        "on the examples its training set did not hold plus a replay sample (falls back to base, with the reason "
        "recorded, when there is no champion, it is tainted by an erasure, its LoRA shape differs, nothing is new "
        "or it trained less than min_champion_epochs).",
    )
    replay_ratio: float = Field(
        default=1.0,
        description="In a champion warm start: earlier training examples replayed per new example (against "
        "forgetting); 0 = new examples only.",
    )
    warm_start_lr_scale: float = Field(
        default=0.1,
        description="In a champion warm start: the peak learning rate is learning_rate times this. A trained adapter "
        "continued at a fresh adapter's rate moves away from what it learned (measured on the 3,000-document bench, "
        "4 steps: validation loss 0.147 -> 0.202 at 1x, 0.165 at 0.5x, 0.146 at 0.2x, 0.144 at 0.1x and 0.05x; "
        "README, Performance). 1 = the same rate as a fresh adapter.",
    )
    min_champion_epochs: float = Field(
        default=0.5,
        description="In a champion warm start: the least training the champion's lineage must have had, in passes "
        "over its data (the registered version's data_epochs tag); below it, or where the champion does not record "
        "it, the run retrains from the base model instead, with the reason recorded. A warm start inherits its "
        "champion's training: continuing a short (demo) training keeps every later version as undertrained. "
        "0 = always continue.",
    )
    checkpoint_every: int = Field(
        default=20,
        description="Save a resumable checkpoint (adapter, optimizer, scheduler, RNG, data position) every this many "
        "optimizer steps; a re-launched run with the same training set and config continues from it. 0 = never.",
    )
