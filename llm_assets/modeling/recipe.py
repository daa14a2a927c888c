"""How long and how fast to train, from the corpus: its size, its labels and how rare the rarest one is.

A fixed step count fits one corpus: 50 steps are 0.3 epoch of the sample corpus and enough for its labels, but 0.2
epoch of 1,800 tickets in 10 unbalanced queues, where the rarest queue's examples were seen a handful of times and
the labels were not learned. ``recipe="auto"`` sizes the run so that the rarest label is seen ``min_label_examples``
times (repeats over epochs included), at least ``epochs`` passes and at most ``max_auto_epochs``, within
``max_steps`` (the time budget); runs longer than ``lr_reference_steps`` train at a lower peak rate. The plan,
with what capped it, is recorded with the adapter so that a run that stopped short says so.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from llm_assets.core.prompting import completion_label
from llm_assets.modeling.config import LoraTrainingConfig

RECIPES = ("auto", "fixed")


@dataclass(frozen=True)
class Recipe:
    recipe: str
    steps: int
    epochs: float
    learning_rate: float
    examples: int
    labels: int
    rarest_label_share: float
    rarest_label_seen: float  # times the rarest label's examples are seen over the whole run
    capped_by: str  # what held the step count below the labels' need: "max_steps", "max_auto_epochs" or ""
    reason: str

    def summary(self) -> dict:
        return {
            "recipe_used": self.recipe,
            "planned_steps": self.steps,
            "planned_epochs": self.epochs,
            "labels": self.labels,
            "rarest_label_share": self.rarest_label_share,
            "rarest_label_seen": self.rarest_label_seen,
            "recipe_capped_by": self.capped_by or "none",
        }


def examples_per_step(config: LoraTrainingConfig) -> int:
    return config.batch_size * config.gradient_accumulation_steps * max(1, config.num_processes)


def steps_per_epoch(examples: int, config: LoraTrainingConfig) -> int:
    """Optimizer steps in one pass over ``examples``, as the training loop counts them."""
    micro_batches = math.ceil(examples / config.batch_size) // max(1, config.num_processes)
    return max(1, max(1, micro_batches) // config.gradient_accumulation_steps)


def plan_recipe(config: LoraTrainingConfig, train_completions: list[str]) -> Recipe:
    """The steps, epochs and peak learning rate of a fresh adapter on these training completions."""
    if config.recipe not in RECIPES:
        raise ValueError(f"recipe must be one of {', '.join(RECIPES)}, not {config.recipe!r}")
    examples = len(train_completions)
    if config.max_train_examples:
        examples = min(examples, config.max_train_examples)
    batch = examples_per_step(config)
    per_epoch = steps_per_epoch(examples, config)
    counts = Counter(lab for lab in map(completion_label, train_completions) if lab)
    rarest = min(counts.values()) / sum(counts.values()) if len(counts) > 1 else 0.0

    def seen(steps: int) -> float:
        return round(steps * batch * rarest, 1)

    if config.recipe == "fixed":
        steps = max(1, math.ceil(per_epoch * config.epochs))
        capped = "max_steps" if 0 < config.max_steps < steps else ""
        steps = min(steps, config.max_steps) if config.max_steps > 0 else steps
        reason = f"fixed recipe: {steps} steps ({steps / per_epoch:.2f} epochs) at the configured rate"
        return Recipe("fixed", steps, round(steps / per_epoch, 3), config.learning_rate, examples, len(counts),
                      round(rarest, 4), seen(steps), capped, reason)  # fmt: skip
    floor = max(1, math.ceil(per_epoch * config.epochs))
    need = math.ceil(config.min_label_examples / (batch * rarest)) if rarest else 0
    ceiling = max(1, math.ceil(per_epoch * config.max_auto_epochs))
    steps, capped = max(floor, need), ""
    if steps > ceiling:
        steps, capped = ceiling, "max_auto_epochs" if need > ceiling else ""
    if 0 < config.max_steps < steps:
        steps, capped = config.max_steps, "max_steps" if need > config.max_steps else capped
    rate = config.learning_rate * min(1.0, math.sqrt(config.lr_reference_steps / steps))
    why = [f"auto recipe: {examples} examples, {len(counts)} labels (rarest {rarest:.1%})"]
    why.append(f"{steps} steps = {steps / per_epoch:.2f} epochs, peak learning rate {rate:.2g}")
    if counts:
        why.append(f"the rarest label seen {seen(steps):g} times (want {config.min_label_examples})")
    if capped:
        why.append(f"held to that by {capped}: the labels needed {need} steps")
    return Recipe("auto", steps, round(steps / per_epoch, 3), round(rate, 8), examples, len(counts),
                  round(rarest, 4), seen(steps), capped, "; ".join(why))  # fmt: skip


def apply(config: LoraTrainingConfig, recipe: Recipe) -> LoraTrainingConfig:
    """The configuration that trains ``recipe``: its steps as the cap, enough epochs to reach them, its rate."""
    if recipe.recipe == "fixed":
        return config
    # one more epoch than planned: the loop stops at max_steps, and never short of it for a rounding of epochs
    update = {"max_steps": recipe.steps, "epochs": recipe.epochs + 1.0, "learning_rate": recipe.learning_rate}
    return config.model_copy(update=update)
