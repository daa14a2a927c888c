"""Continual fine-tuning: what a training run starts from and which examples it sees.

``init_from="base"`` trains a fresh adapter on the whole training split. ``init_from="champion"`` continues the
champion's adapter on the examples its training set did not hold, plus a replay sample of earlier ones against
forgetting. A warm start falls back to a full retrain from the base model, with the reason recorded, when there is no
champion, when the champion is tainted by an erasure (its weights would carry the erased data into the new adapter),
when the configured LoRA shape differs from the champion's, when nothing is new, or when the champion's lineage trained
less than ``min_champion_epochs`` passes over its data: a warm start inherits that training, so continuing a short one
would keep every later version as undertrained as the first.

How much training an adapter's lineage had is its ``data_epochs``: for a fresh adapter, its passes over the training
split; for a warm start, its passes over new + replayed examples but no more than its parent's (the earlier examples
were learned there; a replay sample does not re-teach them). The registry tags every version with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import polars as pl

from llm_assets.core import lineage
from llm_assets.core.models import champion_adapter_dir, split_rows
from llm_assets.modeling.config import LoraTrainingConfig
from llm_assets.modeling.recipe import Recipe, apply, plan_recipe
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse

INIT_FROM = ("base", "champion")


@dataclass
class TrainingPlan:
    pairs: dict[str, list[str]]
    init_from: str
    reason: str
    new_examples: int
    replay_examples: int = 0
    parent_adapter_dir: str | None = None
    parent: dict[str, str] = field(default_factory=dict)  # model_version, adapter_version of the warm start
    parent_data_epochs: float | None = None
    recipe: Recipe | None = None  # steps and rate of this run (auto for a fresh adapter, as configured otherwise)

    def data_epochs(self, examples_seen: float) -> float | None:
        """Passes over its data that the adapter's lineage made, after this run saw ``examples_seen`` examples; None
        for a warm start from a champion that does not record its own."""
        run = round(examples_seen / max(1, len(self.pairs["train_prompts"])), 3)
        if self.init_from == "base":
            return run
        return None if self.parent_data_epochs is None else min(run, self.parent_data_epochs)

    def summary(self) -> dict:
        return {
            **(self.recipe.summary() if self.recipe else {}),
            "init_from": self.init_from,
            "init_reason": self.reason,
            "parent_model_version": self.parent.get("model_version", ""),
            "parent_adapter_version": self.parent.get("adapter_version", ""),
            "new_examples": self.new_examples,
            "replay_examples": self.replay_examples,
        }


def _pairs(train: pl.DataFrame, validation: pl.DataFrame) -> dict[str, list[str]]:
    return {
        "train_prompts": train["prompt"].to_list(),
        "train_completions": train["completion"].to_list(),
        "validation_prompts": validation["prompt"].to_list(),
        "validation_completions": validation["completion"].to_list(),
    }


def _shape_mismatch(adapter_dir: str, config: LoraTrainingConfig) -> str | None:
    saved = json.loads(Path(adapter_dir, "adapter_config.json").read_text())
    wanted = {"r": config.r, "lora_alpha": config.lora_alpha, "target_modules": sorted(config.target_modules)}
    have = {
        "r": saved.get("r"),
        "lora_alpha": saved.get("lora_alpha"),
        "target_modules": sorted(saved.get("target_modules") or []),
    }
    diff = [f"{k} {have[k]} vs {wanted[k]}" for k in wanted if have[k] != wanted[k]]
    return ", ".join(diff) or None


def plan_training(
    config: LoraTrainingConfig,
    training_set: pl.DataFrame,
    mlflow_tracking: MLflowTracking,
    warehouse: DuckDBWarehouse,
) -> TrainingPlan:
    if config.init_from not in INIT_FROM:
        raise dg.Failure(f"init_from must be one of {INIT_FROM}, not {config.init_from!r}")
    train, validation = split_rows(training_set, "train"), split_rows(training_set, "validation")
    if train.height == 0:
        raise dg.Failure("the training split is empty")

    def full(reason: str) -> TrainingPlan:
        pairs = _pairs(train, validation)
        recipe = plan_recipe(config, pairs["train_completions"])
        return TrainingPlan(pairs, "base", f"{reason}; {recipe.reason}", new_examples=train.height, recipe=recipe)

    if config.init_from == "base":
        return full("init_from=base: a fresh adapter on the whole training split")
    champion = champion_adapter_dir(mlflow_tracking, current_run_id="")
    if champion is None:
        return full("no champion to continue from: full retrain from the base model")
    adapter_dir, version = champion
    tags = version.tags or {}
    name = mlflow_tracking.registered_model_name
    taints = lineage.read(warehouse, "taints", equals={"model_name": name, "version": str(version.version)})
    if taints.height:
        return full(
            f"the champion v{version.version} is tainted by erasure {', '.join(taints['tombstone_id'].to_list())}: "
            "a warm start would carry the erased data; full retrain from the base model"
        )
    if mismatch := _shape_mismatch(adapter_dir, config):
        return full(f"the champion's LoRA shape differs ({mismatch}): full retrain from the base model")
    parent_set = tags.get("training_set_version")
    seen = set(lineage.version_members(warehouse, parent_set)["doc_id"].to_list()) if parent_set else set()
    is_new = ~pl.col("doc_id").is_in(list(seen))
    new, earlier = train.filter(is_new), train.filter(~is_new)
    if new.height == 0:
        return full(f"nothing new since the champion's training set {parent_set}: full retrain from the base model")
    trained = lineage.recorded_epochs(tags.get("data_epochs"))
    if config.min_champion_epochs > 0 and (trained is None or trained < config.min_champion_epochs):
        had = "does not record how much it trained" if trained is None else f"trained {trained:g} epochs of its data"
        return full(
            f"the champion v{version.version} {had} (min_champion_epochs {config.min_champion_epochs:g}): a warm "
            "start would inherit that; full retrain from the base model"
        )
    n_replay = min(earlier.height, round(config.replay_ratio * new.height))
    replay = earlier.sample(n_replay, seed=config.seed) if n_replay else earlier.head(0)
    pairs = _pairs(pl.concat([new, replay]).sort("example_id"), validation)
    return TrainingPlan(
        pairs,
        "champion",
        f"continues champion v{version.version} on {new.height} new and {n_replay} replayed examples",
        new_examples=new.height,
        replay_examples=n_replay,
        parent_adapter_dir=adapter_dir,
        parent={"model_version": str(version.version), "adapter_version": tags.get("adapter_version", "")},
        parent_data_epochs=trained,
        recipe=plan_recipe(config.model_copy(update={"recipe": "fixed"}), pairs["train_completions"]),
    )


def run_config(config: LoraTrainingConfig, plan: TrainingPlan) -> LoraTrainingConfig:
    """The configuration the run trains with: a fresh adapter's recipe (steps and rate from the corpus under
    ``recipe=auto``); a warm start continues at ``warm_start_lr_scale`` times the configured rate."""
    if plan.init_from != "champion":
        return apply(config, plan.recipe) if plan.recipe else config
    if config.warm_start_lr_scale == 1.0:
        return config
    return config.model_copy(update={"learning_rate": config.learning_rate * config.warm_start_lr_scale})
