"""``lora_adapter`` (+ the ``adapters`` ledger): a LoRA adapter tuned on the training split, logged to MLflow."""

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets.core import k8s, lineage
from llm_assets.core.digests import dir_sha256, file_sha256
from llm_assets.core.examples import TrainingSetConfig, instruction_for
from llm_assets.core.generation import DEFAULT_ENGINE, DEFAULT_PRECISION, ENGINES
from llm_assets.core.metadata import line_plot_markdown, tidy
from llm_assets.core.models import MODEL_POOL
from llm_assets.core.prompting import normalize_category
from llm_assets.core.served_model import log_served_model
from llm_assets.core.tables import table_out
from llm_assets.modeling.config import LoraTrainingConfig
from llm_assets.modeling.warm_start import TrainingPlan, plan_training, run_config
from resources.artifacts import ArtifactStore
from resources.base_model import BaseModelResource
from resources.compute import ComputeResource
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse

ENGINE_FIELDS = {"served_engine", "served_precision"}


class LoraAdapterConfig(LoraTrainingConfig):
    """The training hyper-parameters, and how the registered model is exported for serving."""

    served_engine: str = Field(
        default=DEFAULT_ENGINE,
        description=f"The engine the logged model generates with ({' | '.join(ENGINES)}); the server may override it. "
        "Either way the adapter and, for openvino, the GGUF file of the merged weights are logged with the model.",
    )
    served_precision: str = Field(
        default=DEFAULT_PRECISION,
        description="Precision of the exported GGUF file the openvino engine serves: f16, q8_0 (default, chosen by the "
        "parity table in README), q4_0 or q4_1. Evaluation generates through the same file.",
    )


@dataclass(frozen=True)
class AdapterRecord:
    """One trained adapter: the asset's value, its metadata and its ledger row derive from it."""

    manifest: dict  # what lineage.json in the adapter folder holds
    result: object  # modeling.training.TrainingResult
    adapter_dir: Path
    adapter_sha256: str
    model_uri: str
    engine: dict  # the served GGUF export: dir, format, precision, sha256, bytes, seconds
    base_model_path: str
    max_length: int
    run_url: str

    def value(self) -> dict:
        return {
            **self.manifest,
            "adapter_dir": str(self.adapter_dir),
            "adapter_sha256": self.adapter_sha256,
            "model_uri": self.model_uri,
            "base_model_path": self.base_model_path,
            "max_length": self.max_length,
            "training": {k: v for k, v in self.result.__dict__.items() if k != "loss_curve"},
            "engine": {k: v for k, v in self.engine.items() if k != "dir"} | {"dir": str(self.engine["dir"])},
        }

    def metadata(self) -> dict:
        return {
            "mlflow_run": dg.MetadataValue.url(self.run_url),
            **_metadata(self.result, self.manifest, self.model_uri, self.adapter_dir, self.adapter_sha256),
            "engine_format": self.engine["format"],
            "engine_sha256": self.engine["sha256"],
        }

    def ledger_row(self) -> dict:
        data_epochs = self.manifest["data_epochs"]
        return {
            **{k: v for k, v in self.manifest.items() if k != "config"},
            "data_epochs": float("nan") if data_epochs is None else data_epochs,
            "adapter_sha256": self.adapter_sha256,
            "engine_format": self.engine["format"],
            "engine_sha256": self.engine["sha256"],
            "train_examples": self.result.train_examples,
            "steps": self.result.steps,
            "created_at": lineage.now(),
        }


def _run_tags(run_id: str, tracking: MLflowTracking, version: str, base_model, plan: TrainingPlan) -> dict:
    return {
        "dagster_run_id": run_id,
        "dagster_run_url": tracking.dagster_run_url(run_id),
        "dagster_asset": "lora_adapter",
        "training_set_version": version,
        "base_model": base_model.model,
        "init_from": plan.init_from,
        "mlflow.source.git.commit": lineage.code_version(),
    }


def _run_params(config: LoraAdapterConfig, trained_with, version: str, base_model, plan: TrainingPlan) -> dict:
    return {
        **{k: (",".join(v) if isinstance(v, list) else v) for k, v in config.model_dump().items()},
        "base_model": base_model.model,
        "training_set_version": version,
        "train_examples_available": len(plan.pairs["train_prompts"]),
        "effective_learning_rate": trained_with.learning_rate,
        **{k: v for k, v in plan.summary().items() if k != "init_reason"},
    }


def train_adapter(
    log,
    run_id: str,
    config: LoraAdapterConfig,
    training_set: pl.DataFrame,
    base_model: BaseModelResource,
    tracking: MLflowTracking,
    artifact_store: ArtifactStore,
    warehouse: DuckDBWarehouse,
    cluster: ComputeResource | None = None,
) -> AdapterRecord:
    """Plans the training (fresh or warm start), trains in an MLflow run (here, or on the Ray cluster), exports the
    served GGUF file and logs the served model; the adapter's record."""
    import mlflow

    version = training_set["version"][0]
    plan = plan_training(config, training_set, tracking, warehouse)
    trained_with = run_config(config, plan)
    steps = f" ({plan.recipe.steps} optimizer steps)" if plan.recipe else ""
    log.info(f"training plan: {plan.reason}{steps}")
    experiment_id = tracking.setup()
    tags = _run_tags(run_id, tracking, version, base_model, plan)
    with mlflow.start_run(experiment_id=experiment_id, run_name=f"lora-{version}", tags=tags) as run:
        mlflow.log_params(_run_params(config, trained_with, version, base_model, plan))
        mlflow.set_tag("init_reason", plan.reason[:250])

        def on_log(step: int, loss: float, tokens_per_s: float) -> None:
            mlflow.log_metrics({"train_loss": loss, "train_tokens_per_s": tokens_per_s}, step=step)
            log.info(f"step {step}: loss {loss:.4f}, {tokens_per_s:.0f} tokens/s")

        adapter_version = f"{version}-{run_id[:8]}"
        adapter_dir = artifact_store.path("adapters", adapter_version)
        shutil.rmtree(adapter_dir, ignore_errors=True)
        checkpoint_dir = artifact_store.path("checkpoints", _run_key(version, base_model, config, plan))
        result = _train(
            log,
            trained_with,
            base_model,
            artifact_store,
            plan,
            adapter_version,
            adapter_dir,
            checkpoint_dir,
            on_log,
            cluster or ComputeResource(backend="local"),
        )
        if result.resumed_from_step:
            log.info(f"resumed from the checkpoint at step {result.resumed_from_step}")
        # how much training the adapter's lineage had: a later warm start continues it only above a minimum
        data_epochs = plan.data_epochs(result.epochs_run * result.train_examples)
        if data_epochs is not None:
            mlflow.log_metric("data_epochs", data_epochs)
        manifest = {
            "adapter_version": adapter_version,
            "training_set_version": version,
            "base_model": base_model.model,
            "dagster_run_id": run_id,
            "mlflow_run_id": run.info.run_id,
            "code_version": lineage.code_version(),
            "config": config.model_dump(),
            "effective_learning_rate": trained_with.learning_rate,
            **plan.summary(),
            "data_epochs": data_epochs,
        }
        (adapter_dir / "lineage.json").write_text(json.dumps(manifest, indent=2))
        # how the run went, curves included: what a benchmark or an auditor reads beside the weights
        (adapter_dir / "training.json").write_text(json.dumps(result.__dict__, indent=2))
        serving = serving_config(training_set, warehouse, base_model, config.served_engine, config.served_precision)
        engine = export_for_serving(base_model, adapter_dir, artifact_store.path("engines", adapter_version), serving)
        model_uri = _log_adapter_to_mlflow(result, adapter_dir, serving, engine["dir"])
        mlflow.log_params({"engine_format": engine["format"], "engine_sha256": engine["sha256"]})
        log.info(f"exported {engine['format']} for serving ({engine['seconds']:.1f} s, sha256 {engine['sha256']})")

    return AdapterRecord(
        manifest=manifest,
        result=result,
        adapter_dir=adapter_dir,
        adapter_sha256=dir_sha256(adapter_dir),
        model_uri=model_uri,
        engine=engine,
        base_model_path=base_model.local_path(),
        max_length=config.max_length,
        run_url=tracking.run_url(run.info.run_id),
    )


@dg.multi_asset(
    outs={
        "lora_adapter": dg.AssetOut(
            group_name="modeling",
            io_manager_key="artifact_io_manager",
            description="A LoRA adapter fine-tuned from the base model on the training split. Saved as an adapter "
            "folder, logged to MLflow as a model.",
        ),
        "adapters": table_out(
            "modeling",
            "governance",
            "Ledger: every adapter trained, with its training-set version, base model, Dagster and "
            "MLflow runs, code version and content hash.",
            ledger_keys=["adapter_version"],
        ),
    },
    ins={"training_set": dg.AssetIn()},
    # a champion warm start reads which documents the champion saw and whether an erasure tainted it; the served
    # model's prompt format comes from the training set's recorded configuration
    deps=["training_set_members", "taints", "training_set_versions"],
    pool=MODEL_POOL,
    op_tags=k8s.TRAINING,
)
def lora_adapter(
    context: dg.AssetExecutionContext,
    config: LoraAdapterConfig,
    training_set: pl.DataFrame,
    base_model: BaseModelResource,
    mlflow_tracking: MLflowTracking,
    artifact_store: ArtifactStore,
    warehouse: DuckDBWarehouse,
    compute: ComputeResource,
):
    record = train_adapter(
        context.log,
        context.run_id,
        config,
        training_set,
        base_model,
        mlflow_tracking,
        artifact_store,
        warehouse,
        cluster=compute,
    )
    yield dg.Output(
        record.value(),
        output_name="lora_adapter",
        metadata=record.metadata(),
        data_version=dg.DataVersion(record.adapter_sha256[:16]),
    )
    yield dg.Output(
        lineage.ledger_rows([record.ledger_row()]),
        output_name="adapters",
        metadata={"adapter_version": record.manifest["adapter_version"]},
    )


def _run_key(version: str, base_model: BaseModelResource, config: LoraTrainingConfig, plan: TrainingPlan) -> str:
    """Keyed by data, starting point, base model and hyper-parameters: a re-launch of the same training resumes,
    nothing else does."""
    start = f"{plan.init_from}:{plan.parent.get('adapter_version', '')}"
    return hashlib.sha256(
        f"{version}|{start}|{base_model.model}|{config.model_dump_json(exclude={'log_every', *ENGINE_FIELDS})}".encode()
    ).hexdigest()[:16]


def _train(
    log,
    config: LoraTrainingConfig,
    base_model: BaseModelResource,
    artifact_store: ArtifactStore,
    plan: TrainingPlan,
    adapter_version: str,
    adapter_dir: Path,
    checkpoint_dir: Path,
    on_log,
    cluster: ComputeResource,
):
    """Trains in this process, data-parallel in ``num_processes`` local processes, or with Ray Train on the cluster
    over ``num_processes`` workers; the adapter lands in adapter_dir."""
    pairs = plan.pairs
    spec = {
        **pairs,
        "config": config.model_dump(exclude=ENGINE_FIELDS),
        "base_model_path": base_model.local_path(),
        "checkpoint_dir": str(checkpoint_dir),
        "adapter_dir": str(adapter_dir),
        "init_adapter_dir": plan.parent_adapter_dir,
    }
    if cluster.on_ray:
        from llm_assets.modeling.distributed import train_on_ray

        log.info(f"training with Ray Train on {config.num_processes} worker(s) of {cluster.describe()}")
        cluster.connect()
        return train_on_ray(
            spec,
            config.num_processes,
            storage_path=cluster.storage_path or str(artifact_store.path("ray")),
            name=f"lora-{adapter_version}",
            cpus_per_worker=cluster.training_worker_cpus(config.num_processes),
            use_gpu=cluster.training_gpus,
        )
    if config.num_processes > 1:
        from llm_assets.modeling.distributed import launch

        def on_line(line: str) -> None:
            logged = json.loads(line)
            on_log(logged["step"], logged["loss"], logged["tokens_per_s"])

        log.info(f"data-parallel training on {config.num_processes} processes (accelerate, DDP)")
        return launch(
            spec,
            config.num_processes,
            artifact_store.path("distributed", adapter_version),
            on_line=on_line,
        )
    from llm_assets.modeling.training import (
        save_adapter,
        train_lora,
    )  # torch: imported by the step, not the definitions

    peft_model, result = train_lora(
        base_model.load_model(),
        base_model.load_tokenizer(),
        (pairs["train_prompts"], pairs["train_completions"]),
        (pairs["validation_prompts"], pairs["validation_completions"]),
        config,
        on_log=on_log,
        checkpoint_dir=checkpoint_dir,
        init_adapter_dir=plan.parent_adapter_dir,
        on_label=lambda step, accuracy: log.info(f"validation label accuracy at step {step}: {accuracy:.2f}"),
    )
    save_adapter(peft_model, adapter_dir)
    return result


def serving_config(
    training_set: pl.DataFrame,
    warehouse: DuckDBWarehouse,
    base_model: BaseModelResource,
    engine: str = DEFAULT_ENGINE,
    precision: str = DEFAULT_PRECISION,
) -> dict:
    """What the served model needs to build prompts as this training set did: its instruction (labels filled in), its
    prompt template, and the base model by name (a path only for a local folder); the engine it generates with."""
    version = training_set["version"][0]
    recorded = lineage.read(warehouse, "training_set_versions", equals={"version": version})
    config = TrainingSetConfig(**json.loads(recorded["config"][0])) if recorded.height else TrainingSetConfig()
    labels = [str(v) for v in training_set["label"].unique().to_list() if v]
    return {
        "base_model": base_model.model,
        "instruction": instruction_for(config, labels),
        "prompt_template": config.prompt_template,
        "labels": sorted({normalize_category(v) for v in labels}),
        "max_new_tokens": 64,
        # load-time choices the server may override (MLflow accepts overrides only of keys logged here)
        **served_engine_config(engine, precision),
    }


def served_engine_config(engine: str = DEFAULT_ENGINE, precision: str = DEFAULT_PRECISION) -> dict:
    """The served model's load-time settings: the engine (openvino on the logged GGUF file, or transformers on the
    base model + adapter) and, for transformers, merge / dynamic int8 / KV cache."""
    if engine not in ENGINES:
        raise ValueError(f"served_engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    return {
        "engine": engine,
        "engine_precision": precision,
        # every core: anonymizing a request takes ~11 ms against ~1 s of generation (benchmarks/serving)
        "engine_threads": 0,
        "prefix_caching": True,  # every prompt starts with the same instruction: computed once
        # decoding constrained to the request's placeholders doubled the time per token (OpenVINO GenAI 2026.4,
        # structured output): off by default, the reply is repaired after generation instead (ticket_model)
        "constrain_placeholders": False,
        "max_running": 32,
        "merge": True,
        "quantize": "none",
        "use_cache": True,
    }


def export_for_serving(
    base_model: BaseModelResource, adapter_dir: Path | None, engine_dir: Path, serving: dict
) -> dict:
    """The engine's form of the model, logged with it: the merged weights (the base model's alone without an adapter)
    as GGUF at the configured precision (the
    evaluation generates through the same file, found again by content) and the tokenizer that gives the prompts'
    token ids. Returns the folder, the format and the file's sha256 (recorded in the ledgers)."""
    import os
    import time

    from llm_assets.core.gguf_export import exported_model

    started = time.perf_counter()
    shutil.rmtree(engine_dir, ignore_errors=True)
    engine_dir.mkdir(parents=True)
    precision = serving["engine_precision"]
    source = exported_model(
        base_model.local_path(), str(adapter_dir) if adapter_dir else None, precision, base_model.cache_dir
    )
    target = engine_dir / "model.gguf"
    try:
        os.link(source, target)  # the content-addressed file, without a second copy on disk
    except OSError:
        shutil.copyfile(source, target)
    base_model.load_tokenizer().save_pretrained(engine_dir / "tokenizer")
    return {
        "dir": engine_dir,
        "format": f"gguf-{precision}",
        "precision": precision,
        "sha256": file_sha256(target),
        "bytes": target.stat().st_size,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _log_adapter_to_mlflow(result, adapter_dir: Path, serving: dict, engine_dir: Path | None = None) -> str:
    """The run's training metrics and the adapter as the served MLflow pyfunc; its model URI."""
    import mlflow

    metrics = {
        "train_final_loss": result.final_loss,
        "train_seconds": result.seconds,
        "train_tokens": result.train_tokens,
        "train_tokens_per_s": result.tokens_per_second,
        "trainable_params": result.trainable_params,
        "peak_rss_mb": result.peak_rss_mb,
        "train_examples": result.train_examples,
        "steps": result.steps,
    }
    if result.validation_loss is not None:
        metrics["validation_loss"] = result.validation_loss
    mlflow.log_metrics(metrics)
    for step, accuracy in result.label_curve:
        mlflow.log_metric("validation_label_accuracy", accuracy, step=step)
    return log_served_model(adapter_dir, serving, engine_dir)


def _metadata(result, manifest: dict, model_uri: str, adapter_dir: Path, adapter_hash: str) -> dict:
    steps, losses = zip(*result.loss_curve, strict=True) if result.loss_curve else ((), ())
    return tidy(
        {
            "mlflow_run_id": manifest["mlflow_run_id"],
            "model_uri": model_uri,
            "training_set_version": manifest["training_set_version"],
            "adapter_version": manifest["adapter_version"],
            "adapter_dir": dg.MetadataValue.path(str(adapter_dir)),
            "adapter_sha256": adapter_hash,
            "init_from": manifest["init_from"],
            "init_reason": manifest["init_reason"],
            "parent_model_version": manifest["parent_model_version"] or "none",
            "new_examples": manifest["new_examples"],
            "replay_examples": manifest["replay_examples"],
            "trainable_params": result.trainable_params,
            "trainable_share": round(result.trainable_params / result.total_params, 5),
            "train_examples": result.train_examples,
            "steps": result.steps,
            "resumed_from_step": result.resumed_from_step,
            "epochs": result.epochs_run,
            "data_epochs": manifest["data_epochs"] if manifest["data_epochs"] is not None else "unknown",
            "effective_learning_rate": manifest["effective_learning_rate"],
            "tokens_per_second": result.tokens_per_second,
            "train_seconds": result.seconds,
            "final_loss": result.final_loss,
            "validation_loss": result.validation_loss if result.validation_loss is not None else float("nan"),
            "peak_rss_mb": result.peak_rss_mb,
            "device": result.device,
            "precision": result.precision,
            "data_parallel_processes": result.world_size,
            "threads_per_process": result.threads_per_process,
            "loss_curve": dg.MetadataValue.md(
                line_plot_markdown(list(steps), {"train loss": list(losses)}, "Training loss", "optimizer step")
            ),
            **_recipe_metadata(manifest),
            **_label_metadata(result),
        }
    )


def _recipe_metadata(manifest: dict) -> dict:
    keys = ("recipe_used", "planned_steps", "planned_epochs", "labels", "rarest_label_share", "rarest_label_seen")
    return {key: manifest[key] for key in (*keys, "recipe_capped_by") if key in manifest}


def _label_metadata(result) -> dict:
    """The label-accuracy curve and what it says: learned, still rising, flat, or learned then lost."""
    if not result.label_curve:
        return {"label_verdict": result.label_verdict}
    steps, accuracy = zip(*result.label_curve, strict=True)
    majority = [result.label_majority_share] * len(steps)
    plot = line_plot_markdown(
        list(steps),
        {"validation label accuracy": list(accuracy), "majority-class guess": majority},
        "Label accuracy",
        "optimizer step",
    )
    return {
        "label_accuracy": accuracy[-1],
        "label_accuracy_before_training": accuracy[0],
        "label_majority_share": result.label_majority_share,
        "labels_learned": bool(result.labels_learned),
        "label_verdict": result.label_verdict,
        "label_accuracy_curve": dg.MetadataValue.md(plot),
    }
