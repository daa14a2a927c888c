"""Loading the models the registry holds: an adapter merged onto the base model, the champion's adapter folder, and
the concurrency pool that model-heavy steps share."""

from pathlib import Path

import polars as pl

from llm_assets.core.ports import BaseModel, ModelRegistry

# Steps that saturate the CPU (or a GPU) share one concurrency pool: with the instance's pool limit at 1 (see the
# Makefile's dagster.yaml), a training never fights an evaluation or a drift measurement for cores.
MODEL_POOL = "model_compute"


def split_rows(training_set: pl.DataFrame, split: str) -> pl.DataFrame:
    return training_set.filter(pl.col("split") == split).sort("example_id")


def load_adapter_model(base_model: BaseModel, adapter_dir: str):
    from peft import PeftModel

    return PeftModel.from_pretrained(base_model.load_model(), adapter_dir).merge_and_unload()


def champion_adapter_dir(mlflow_tracking: ModelRegistry, current_run_id: str) -> tuple[str, object] | None:
    version = mlflow_tracking.champion_version()
    if version is None or version.run_id == current_run_id:
        return None
    local = (version.tags or {}).get("adapter_dir")
    if local and Path(local, "adapter_config.json").exists():
        return local, version
    import mlflow

    mlflow_tracking.setup()
    root = Path(mlflow.artifacts.download_artifacts(f"models:/{version.name}/{version.version}"))
    found = next(root.rglob("adapter_config.json"), None)
    return (str(found.parent), version) if found else None
