"""``lora_adapter`` -> ``evaluation_report`` -> ``registered_model``: tune, compare, promote only if better."""

import hashlib
import json
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets import compute
from llm_assets.core.metrics import METRICS, metric
from llm_assets.governance import lineage
from llm_assets.governance.fingerprints import find_known
from llm_assets.governance.memorization import canary_fingerprints, probe, scanned_fingerprints
from llm_assets.metadata import line_plot_markdown, markdown_table
from llm_assets.modeling.config import LoraTrainingConfig
from llm_assets.modeling.report import write_report
from resources.artifacts import ArtifactStore
from resources.base_model import BaseModelResource
from resources.governance import GovernanceKeys
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse

MEMORIZATION_CHECK = "no_memorized_pii"
WITHHELD = "[withheld: this generation contained a raw-zone PII value]"
PIP_REQUIREMENTS = ["torch==2.13.0", "transformers==5.23.0", "peft==0.21.2"]


def _split(training_set: pl.DataFrame, split: str) -> pl.DataFrame:
    return training_set.filter(pl.col("split") == split).sort("example_id")


def _dir_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f.relative_to(path).as_posix().encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()


# Steps that saturate the CPU (or a GPU) share one concurrency pool: with the instance's pool limit at 1 (see the
# Makefile's dagster.yaml), a training never fights an evaluation or a drift measurement for cores.
MODEL_POOL = "model_compute"


@dg.multi_asset(
    outs={
        "lora_adapter": dg.AssetOut(
            group_name="modeling",
            io_manager_key="artifact_io_manager",
            description="A LoRA adapter fine-tuned from the base model on the training split. Saved as an adapter "
            "folder, logged to MLflow as a model.",
        ),
        "adapters": dg.AssetOut(
            group_name="modeling",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "governance", "ledger_keys": ["adapter_version"]},
            description="Ledger: every adapter trained, with its training-set version, base model, Dagster and "
            "MLflow runs, code version and content hash.",
        ),
    },
    ins={"training_set": dg.AssetIn()},
    pool=MODEL_POOL,
    op_tags=compute.TRAINING,
)
def lora_adapter(
    context: dg.AssetExecutionContext,
    config: LoraTrainingConfig,
    training_set: pl.DataFrame,
    base_model: BaseModelResource,
    mlflow_tracking: MLflowTracking,
    artifact_store: ArtifactStore,
):
    import mlflow

    from llm_assets.modeling.training import train_lora  # torch is imported by the step, not by the definitions

    version = training_set["version"][0]
    train, validation = _split(training_set, "train"), _split(training_set, "validation")
    if train.height == 0:
        raise dg.Failure("the training split is empty")
    tokenizer = base_model.load_tokenizer()
    model = base_model.load_model() if config.num_processes <= 1 else None  # each DDP process loads its own

    experiment_id = mlflow_tracking.setup()
    tags = {
        "dagster_run_id": context.run_id,
        "dagster_asset": "lora_adapter",
        "training_set_version": version,
        "base_model": base_model.model,
        "mlflow.source.git.commit": lineage.code_version(),
    }
    with mlflow.start_run(experiment_id=experiment_id, run_name=f"lora-{version}", tags=tags) as run:
        mlflow.log_params(
            {
                **{k: (",".join(v) if isinstance(v, list) else v) for k, v in config.model_dump().items()},
                "base_model": base_model.model,
                "training_set_version": version,
                "train_examples_available": train.height,
            }
        )

        def on_log(step: int, loss: float, tokens_per_s: float) -> None:
            mlflow.log_metrics({"train_loss": loss, "train_tokens_per_s": tokens_per_s}, step=step)
            context.log.info(f"step {step}: loss {loss:.4f}, {tokens_per_s:.0f} tokens/s")

        # keyed by data, base model and hyper-parameters: a re-launch of the same training resumes, nothing else does
        run_key = hashlib.sha256(
            f"{version}|{base_model.model}|{config.model_dump_json(exclude={'log_every'})}".encode()
        ).hexdigest()[:16]
        checkpoint_dir = artifact_store.path("checkpoints", run_key)
        adapter_version = f"{version}-{context.run_id[:8]}"
        adapter_dir = artifact_store.path("adapters", adapter_version)
        shutil.rmtree(adapter_dir, ignore_errors=True)
        pairs = {
            "train_prompts": train["prompt"].to_list(),
            "train_completions": train["completion"].to_list(),
            "validation_prompts": validation["prompt"].to_list(),
            "validation_completions": validation["completion"].to_list(),
        }
        if config.num_processes > 1:
            from llm_assets.modeling.distributed import launch

            def on_line(line: str) -> None:
                logged = json.loads(line)
                on_log(logged["step"], logged["loss"], logged["tokens_per_s"])

            context.log.info(f"data-parallel training on {config.num_processes} processes (accelerate, DDP)")
            result = launch(
                {
                    **pairs,
                    "config": config.model_dump(),
                    "base_model_path": base_model.local_path(),
                    "checkpoint_dir": str(checkpoint_dir),
                    "adapter_dir": str(adapter_dir),
                },
                config.num_processes,
                artifact_store.path("distributed", adapter_version),
                on_line=on_line,
            )
        else:
            peft_model, result = train_lora(
                model,
                tokenizer,
                (pairs["train_prompts"], pairs["train_completions"]),
                (pairs["validation_prompts"], pairs["validation_completions"]),
                config,
                on_log=on_log,
                checkpoint_dir=checkpoint_dir,
            )
            peft_model.save_pretrained(adapter_dir)
        if result.resumed_from_step:
            context.log.info(f"resumed from the checkpoint at step {result.resumed_from_step}")
        manifest = {
            "adapter_version": adapter_version,
            "training_set_version": version,
            "base_model": base_model.model,
            "dagster_run_id": context.run_id,
            "mlflow_run_id": run.info.run_id,
            "code_version": lineage.code_version(),
            "config": config.model_dump(),
        }
        (adapter_dir / "lineage.json").write_text(json.dumps(manifest, indent=2))
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
        info = mlflow.pyfunc.log_model(
            name="adapter",
            python_model=_pyfunc_model(),
            artifacts={"adapter": str(adapter_dir)},
            model_config={"base_model_path": base_model.local_path(), "max_new_tokens": 96},
            pip_requirements=PIP_REQUIREMENTS,
        )

    adapter_hash = _dir_sha256(adapter_dir)
    steps, losses = zip(*result.loss_curve, strict=True) if result.loss_curve else ((), ())
    value = {
        **manifest,
        "adapter_dir": str(adapter_dir),
        "adapter_sha256": adapter_hash,
        "model_uri": info.model_uri,
        "base_model_path": base_model.local_path(),
        "max_length": config.max_length,
        "training": {k: v for k, v in result.__dict__.items() if k != "loss_curve"},
    }
    yield dg.Output(
        value,
        output_name="lora_adapter",
        metadata={
            "mlflow_run_id": run.info.run_id,
            "model_uri": info.model_uri,
            "training_set_version": version,
            "adapter_version": adapter_version,
            "adapter_dir": dg.MetadataValue.path(str(adapter_dir)),
            "adapter_sha256": adapter_hash,
            "trainable_params": result.trainable_params,
            "trainable_share": round(result.trainable_params / result.total_params, 5),
            "train_examples": result.train_examples,
            "steps": result.steps,
            "resumed_from_step": result.resumed_from_step,
            "epochs": result.epochs_run,
            "tokens_per_second": result.tokens_per_second,
            "train_seconds": result.seconds,
            "final_loss": result.final_loss,
            "validation_loss": result.validation_loss if result.validation_loss is not None else float("nan"),
            "peak_rss_mb": result.peak_rss_mb,
            "device": result.device,
            "precision": result.precision,
            "data_parallel_processes": result.world_size,
            "loss_curve": dg.MetadataValue.md(
                line_plot_markdown(list(steps), {"train loss": list(losses)}, "Training loss", "optimizer step")
            ),
        },
        data_version=dg.DataVersion(adapter_hash[:16]),
    )
    ledger = lineage.ledger_rows(
        [
            {
                **{k: v for k, v in manifest.items() if k != "config"},
                "adapter_sha256": adapter_hash,
                "train_examples": result.train_examples,
                "steps": result.steps,
                "created_at": lineage.now(),
            }
        ]
    )
    yield dg.Output(ledger, output_name="adapters", metadata={"adapter_version": adapter_version})


def _pyfunc_model():
    from llm_assets.modeling.pyfunc import LoraAdapterModel

    return LoraAdapterModel()


class EvaluationConfig(dg.Config):
    max_examples: int = Field(default=48, description="Test examples to evaluate (0 = the whole test split).")
    max_new_tokens: int = Field(default=80, description="Generation budget per answer.")
    batch_size: int = Field(default=8, description="Examples per generation batch.")
    compare_with_champion: bool = Field(default=True, description="Also evaluate the current champion, if any.")
    precision: str = Field(default="auto", description="auto (bf16 where supported), bf16 or fp32.")
    memorization_prompts: int = Field(
        default=16,
        description="Training-split prompts the memorization probe generates on (besides the canary documents' "
        "prompts and the test generations); 0 = probe the canaries and the test generations only.",
    )


def load_adapter_model(base_model: BaseModelResource, adapter_dir: str):
    from peft import PeftModel

    return PeftModel.from_pretrained(base_model.load_model(), adapter_dir).merge_and_unload()


def champion_adapter_dir(mlflow_tracking: MLflowTracking, current_run_id: str) -> tuple[str, object] | None:
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


@dg.asset(
    group_name="modeling",
    io_manager_key="artifact_io_manager",
    pool=MODEL_POOL,
    op_tags=compute.EVALUATION,
    # the memorization probe scans generations against the fingerprints; the new slice is what the champion's
    # training-set version did not hold
    deps=["pii_fingerprints", "training_set_members"],
    check_specs=[
        dg.AssetCheckSpec(
            MEMORIZATION_CHECK,
            asset="evaluation_report",
            description="The candidate generates no canary secret and no raw-zone PII value (matched by keyed "
            "fingerprint) on canary, training and test prompts. A failure also stops promotion.",
        )
    ],
    description="The tuned adapter vs the zero-shot base model (and the current champion) on the held-out test "
    "split: perplexity, ROUGE-1/2/L, BLEU, category accuracy, latency; plus the memorization probe.",
)
def evaluation_report(
    context: dg.AssetExecutionContext,
    config: EvaluationConfig,
    lora_adapter: dict,
    training_set: pl.DataFrame,
    base_model: BaseModelResource,
    mlflow_tracking: MLflowTracking,
    artifact_store: ArtifactStore,
    warehouse: DuckDBWarehouse,
    governance_keys: GovernanceKeys,
):
    import mlflow

    from llm_assets.modeling.evaluation import ModelEvaluation, evaluate_model, text_metrics

    version = training_set["version"][0]
    if lora_adapter["training_set_version"] != version:
        raise dg.Failure(
            f"lineage mismatch: the adapter was trained on training set {lora_adapter['training_set_version']}, "
            f"the test split comes from {version}; re-materialize lora_adapter first"
        )
    test = _split(training_set, "test")
    # The new slice: test documents the current champion was never trained on (new data since its training set).
    champion_version = mlflow_tracking.champion_version()
    champion_set = (champion_version.tags or {}).get("training_set_version") if champion_version else None
    seen_by_champion = (
        set(lineage.version_members(warehouse, champion_set)["doc_id"].to_list()) if champion_set else set()
    )
    is_new = pl.col("doc_id").is_in(list(seen_by_champion)).not_()
    if config.max_examples:
        new_part = test.filter(is_new).head(config.max_examples // 2) if champion_set else test.head(0)
        test = pl.concat(
            [
                new_part,
                test.filter(~pl.col("example_id").is_in(new_part["example_id"].implode())).head(
                    config.max_examples - new_part.height
                ),
            ]
        )
    new_slice = [i for i, d in enumerate(test["doc_id"].to_list()) if champion_set and d not in seen_by_champion]
    if test.height == 0:
        raise dg.Failure("the test split is empty")
    prompts, refs, labels = test["prompt"].to_list(), test["completion"].to_list(), test["label"].to_list()
    tokenizer = base_model.load_tokenizer()
    max_length = int(lora_adapter.get("max_length", 384))

    def run(name: str, model) -> ModelEvaluation:
        context.log.info(f"evaluating {name} on {len(prompts)} test examples")
        return evaluate_model(
            name,
            model,
            tokenizer,
            prompts,
            refs,
            labels,
            config.max_new_tokens,
            config.batch_size,
            max_length,
            config.precision,
        )

    evaluations = [run("base", base_model.load_model())]
    candidate = load_adapter_model(base_model, lora_adapter["adapter_dir"])
    evaluations.append(run("candidate", candidate))
    key, fingerprints = governance_keys.key(), lineage.pii_fingerprints(warehouse)
    memorization = _memorization(
        config, candidate, tokenizer, training_set, fingerprints, key, evaluations[-1].generations
    )
    del candidate
    champion_info = None
    if config.compare_with_champion:
        champion = champion_adapter_dir(mlflow_tracking, lora_adapter["mlflow_run_id"])
        if champion is not None:
            champion_dir, champion_version = champion
            evaluations.append(run("champion", load_adapter_model(base_model, champion_dir)))
            champion_info = {"version": str(champion_version.version), "run_id": champion_version.run_id}

    new_window = {}
    if new_slice:
        for e in evaluations:
            new_window[e.name] = {
                k: round(v, 4)
                for k, v in text_metrics(
                    [e.generations[i] for i in new_slice], [refs[i] for i in new_slice], [labels[i] for i in new_slice]
                ).items()
            }
    # a generation that gives back a raw value is never written anywhere (reports, MLflow)
    known = set(scanned_fingerprints(fingerprints)) | set(canary_fingerprints(key))
    withheld = 0
    for e in evaluations:
        for i, found in enumerate(find_known(key, e.generations, known)):
            if found:
                e.generations[i] = WITHHELD
                withheld += 1
    memorization["withheld_generations"] = withheld
    report_dir = artifact_store.path("reports", lora_adapter["adapter_version"])
    paths = write_report(report_dir, lora_adapter, version, evaluations, test, champion_info, memorization)
    metrics = {e.name: e.metrics for e in evaluations}

    mlflow_tracking.setup()
    with mlflow.start_run(run_id=lora_adapter["mlflow_run_id"]):
        for e in evaluations:
            mlflow.log_metrics({f"test_{e.name}_{k}": v for k, v in e.metrics.items() if v == v})
            mlflow.log_metrics({f"new_{e.name}_{k}": v for k, v in new_window.get(e.name, {}).items() if v == v})
        mlflow.log_metrics(
            {f"memorization_{k}": memorization[k] for k in ("prompts", "canary_hits", "pii_hits", "canary_prompts")}
        )
        mlflow.log_artifacts(str(report_dir), artifact_path="evaluation")

    names = [e.name for e in evaluations]
    table = markdown_table(
        ["metric", *names], [[m.name, *[m.format(metrics[n].get(m.name)) for n in names]] for m in METRICS]
    )
    value = {
        "adapter": lora_adapter,
        "training_set_version": version,
        "test_examples": test.height,
        "metrics": metrics,
        "new_window_examples": len(new_slice),
        "new_window_metrics": new_window,
        "champion": champion_info,
        "memorization": memorization,
        "report_markdown": str(paths["markdown"]),
        "report_html": str(paths["html"]),
    }
    yield dg.Output(
        value,
        metadata={
            "mlflow_run_id": lora_adapter["mlflow_run_id"],
            "adapter_version": lora_adapter["adapter_version"],
            "test_examples": test.height,
            "memorization/passed": memorization["passed"],
            "memorization/canary_hits": memorization["canary_hits"],
            "memorization/pii_hits": memorization["pii_hits"],
            "new_window_examples": len(new_slice),
            "comparison": dg.MetadataValue.md(table),
            **(
                {
                    "new_window_comparison": dg.MetadataValue.md(
                        markdown_table(
                            ["metric (new slice)", *new_window],
                            [
                                [k, *[new_window[n][k] for n in new_window]]
                                for k in ("rougeL", "category_accuracy", "bleu")
                            ],
                        )
                    )
                }
                if new_window
                else {}
            ),
            "report": dg.MetadataValue.path(str(paths["html"])),
            "report_markdown": dg.MetadataValue.path(str(paths["markdown"])),
            **{f"{n}/{k}": metrics[n][k] for n in names for k in ("rougeL", "category_accuracy", "perplexity")},
        },
    )
    yield dg.AssetCheckResult(
        check_name=MEMORIZATION_CHECK,
        passed=memorization["passed"],
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            k: (dg.MetadataValue.json(v) if isinstance(v, dict) else v)
            for k, v in memorization.items()
            if k != "passed"
        },
    )


def _memorization(
    config: EvaluationConfig,
    model,
    tokenizer,
    training_set: pl.DataFrame,
    fingerprints: pl.DataFrame,
    key: bytes,
    test_generations: list[str],
) -> dict:
    """Canary and raw-PII probe of the candidate: canary documents' prompts and training prompts are generated on
    here; the test generations (already made) are scanned too."""
    from llm_assets.modeling.evaluation import generate
    from llm_assets.modeling.training import pick_device_and_dtype

    canary_docs = (
        fingerprints.filter(pl.col("fingerprint").is_in(list(canary_fingerprints(key))))["doc_id"].unique().to_list()
    )
    canary_prompts = training_set.filter(pl.col("doc_id").is_in(canary_docs))["prompt"].to_list()
    train_prompts = (
        _split(training_set, "train").head(config.memorization_prompts)["prompt"].to_list()
        if config.memorization_prompts
        else []
    )
    device, dtype = pick_device_and_dtype(config.precision)

    def run(prompts: list[str]) -> list[str]:
        texts, _, _ = generate(model, tokenizer, prompts, config.max_new_tokens, config.batch_size, device, dtype)
        return texts + test_generations

    result = probe(run, key, train_prompts, canary_prompts, fingerprints)
    return result.as_dict()


class PromotionConfig(dg.Config):
    primary_metric: str = Field(default="rougeL", description="Metric that decides promotion.")
    min_improvement_over_base: float = Field(
        default=0.02, description="The candidate must beat the zero-shot base model by at least this much."
    )
    max_regression_vs_champion: float = Field(
        default=0.0, description="The candidate may trail the current champion by at most this much."
    )
    guard_metrics: list[str] = Field(
        default=["category_accuracy"], description="Metrics on which the candidate must not fall below the base model."
    )
    block_on_memorization: bool = Field(
        default=True,
        description="Never promote a candidate whose memorization check found a canary or raw-zone PII value in its "
        "generations.",
    )


def promotion_decision(
    metrics: dict[str, dict[str, float]],
    config: PromotionConfig,
    new_window: dict | None = None,
    memorization: dict | None = None,
) -> tuple[bool, str]:
    """(promote?, reason), from the evaluation metrics of base, candidate and (optionally) champion, on the new
    slice (test documents the champion never saw) where there is one, and from the memorization check."""
    if config.block_on_memorization and memorization is not None and not memorization["passed"]:
        return False, (
            f"memorization check failed: {memorization['canary_hits']} canary and {memorization['pii_hits']} raw PII "
            "value(s) generated"
        )
    m = config.primary_metric
    primary = metric(m)
    cand, base = metrics["candidate"][m], metrics["base"][m]
    gain = primary.better(cand, base)
    if gain < config.min_improvement_over_base:
        return False, f"{m} {cand:.4f} does not beat the base model ({base:.4f}) by {config.min_improvement_over_base}"
    for g in config.guard_metrics:
        if metric(g).better(metrics["candidate"][g], metrics["base"][g]) < 0:
            return False, f"{g} {metrics['candidate'][g]:.4f} is worse than the base model's {metrics['base'][g]:.4f}"
    if "champion" in metrics:
        champ = metrics["champion"][m]
        if primary.better(cand, champ) < -config.max_regression_vs_champion:
            return False, f"{m} {cand:.4f} regresses against the champion ({champ:.4f})"
        if new_window and "champion" in new_window and m in new_window["champion"]:
            nc, nh = new_window["candidate"][m], new_window["champion"][m]
            if primary.better(nc, nh) < -config.max_regression_vs_champion:
                return False, f"on the new slice {m} {nc:.4f} regresses against the champion ({nh:.4f})"
            return True, (
                f"{m} {cand:.4f} beats base ({base:.4f}), holds against the champion ({champ:.4f}) on the "
                f"test split and on the new slice ({nc:.4f} vs {nh:.4f})"
            )
        return True, f"{m} {cand:.4f} beats base ({base:.4f}) and does not regress against the champion ({champ:.4f})"
    return True, f"{m} {cand:.4f} beats base ({base:.4f}); no champion yet"


@dg.multi_asset(
    outs={
        "registered_model": dg.AssetOut(
            group_name="modeling",
            io_manager_key="artifact_io_manager",
            description="The adapter registered as a new version in the MLflow registry; the champion alias moves "
            "to it only if it beats the base model by the margin and does not regress against the current champion.",
        ),
        "model_versions": dg.AssetOut(
            group_name="modeling",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "governance", "ledger_keys": ["model_name", "version"]},
            description="Ledger: every registered version with its Dagster and MLflow runs, code version, "
            "evaluation and memorization results, and the promotion decision with its reason.",
        ),
    },
    ins={"evaluation_report": dg.AssetIn()},
    op_tags=compute.LIGHT,
)
def registered_model(
    context: dg.AssetExecutionContext,
    config: PromotionConfig,
    evaluation_report: dict,
    mlflow_tracking: MLflowTracking,
):
    import mlflow

    adapter = evaluation_report["adapter"]
    metrics = evaluation_report["metrics"]
    promote, reason = promotion_decision(
        metrics, config, evaluation_report.get("new_window_metrics"), evaluation_report.get("memorization")
    )
    mlflow_tracking.setup()
    client = mlflow_tracking.client()
    name = mlflow_tracking.registered_model_name
    previous = mlflow_tracking.champion_version()
    mv = mlflow.register_model(
        adapter["model_uri"],
        name,
        tags={
            "training_set_version": adapter["training_set_version"],
            "adapter_version": adapter["adapter_version"],
            "adapter_sha256": adapter["adapter_sha256"],
            "adapter_dir": adapter["adapter_dir"],
            "dagster_run_id": context.run_id,
            "training_dagster_run_id": adapter["dagster_run_id"],
            "code_version": lineage.code_version(),
        },
    )
    decision = "promoted" if promote else "not_promoted"
    for key, val in {
        "promotion_decision": decision,
        "promotion_reason": reason,
        "primary_metric": config.primary_metric,
        f"candidate_{config.primary_metric}": str(metrics["candidate"][config.primary_metric]),
        f"base_{config.primary_metric}": str(metrics["base"][config.primary_metric]),
    }.items():
        client.set_model_version_tag(name, mv.version, key, val)
    if promote:
        client.set_registered_model_alias(name, mlflow_tracking.champion_alias, mv.version)
    with mlflow.start_run(run_id=adapter["mlflow_run_id"]):
        mlflow.set_tags(
            {"promotion_decision": decision, "promotion_reason": reason, "registered_version": str(mv.version)}
        )
    champion = mlflow_tracking.champion_version()
    ledger = lineage.ledger_rows(
        [
            {
                "model_name": name,
                "version": str(mv.version),
                "adapter_version": adapter["adapter_version"],
                "training_set_version": adapter["training_set_version"],
                "adapter_sha256": adapter["adapter_sha256"],
                "base_model": adapter["base_model"],
                "registration_dagster_run_id": context.run_id,
                "training_dagster_run_id": adapter["dagster_run_id"],
                "mlflow_run_id": adapter["mlflow_run_id"],
                "code_version": lineage.code_version(),
                "training_code_version": adapter.get("code_version", "unknown"),
                "decision": decision,
                "reason": reason,
                "approved_by": f"promotion gate ({config.primary_metric}, margin {config.min_improvement_over_base})",
                "metrics": metrics,
                "new_window_metrics": evaluation_report.get("new_window_metrics") or {},
                "memorization": evaluation_report.get("memorization") or {},
                "test_examples": evaluation_report["test_examples"],
                "evaluation_report": evaluation_report["report_html"],
                "registered_at": lineage.now(),
            }
        ]
    )
    context.log.info(f"registered {name} v{mv.version}: {decision} ({reason})")
    value = {
        "name": name,
        "version": str(mv.version),
        "promoted": promote,
        "reason": reason,
        "champion_version": str(champion.version) if champion else None,
        "previous_champion_version": str(previous.version) if previous else None,
        "adapter_version": adapter["adapter_version"],
        "mlflow_run_id": adapter["mlflow_run_id"],
        "training_set_version": adapter["training_set_version"],
    }
    yield dg.Output(
        value,
        output_name="registered_model",
        metadata={
            "registered_model": name,
            "version": str(mv.version),
            "decision": decision,
            "reason": reason,
            "champion_version": str(champion.version) if champion else "none",
            "previous_champion_version": str(previous.version) if previous else "none",
            "mlflow_run_id": adapter["mlflow_run_id"],
            "rollback": dg.MetadataValue.md(
                f"`llm-pipeline rollback --version {previous.version}`"
                if previous and promote
                else "nothing to roll back"
            ),
        },
    )
    yield dg.Output(ledger, output_name="model_versions", metadata={"version": str(mv.version), "decision": decision})
