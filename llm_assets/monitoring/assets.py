"""``drift_report``: do the documents arriving still look like what the champion was trained on?

Reference: the anonymized documents of the champion's training split (its training-set version). Current window: the
anonymized documents that version never saw. Evidently 0.7 measures drift of the text (domain classifier), length and
entity-mix descriptors, category mix, and a TF-IDF + SVD embedding; the champion's perplexity (and ROUGE-L) on the
window is compared with its evaluation baseline. Everything a sensor needs is cheap metadata.
"""

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets.core import k8s
from llm_assets.core.answering import GenerationPlan
from llm_assets.core.examples import TrainingSetConfig, build_examples
from llm_assets.core.generation import DEFAULT_ENGINE
from llm_assets.core.metadata import tidy
from llm_assets.core.models import MODEL_POOL, champion_adapter_dir, load_adapter_model
from llm_assets.core.rendering import markdown_table
from llm_assets.monitoring import windows
from llm_assets.monitoring.features import ENTITY_COLUMNS, document_features, tfidf_svd_embeddings
from llm_assets.monitoring.windows import Reference
from resources.artifacts import ArtifactStore
from resources.base_model import BaseModelResource
from resources.compute import ComputeResource
from resources.drift_policy import QUALITY_SIGNALS, STATUS_TEXT, DriftPolicy, verdict_rows
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse

if TYPE_CHECKING:
    import pandas as pd

QUALITY_CHECK = "champion_quality_within_tolerance"
DRIFT_COLUMNS = ["text", "chars", "words", "category", *[f"n_{e}" for e in ENTITY_COLUMNS]]


class DriftReportConfig(GenerationPlan):
    embedding_dims: int = Field(default=16, description="SVD components of the TF-IDF embedding.")
    min_window_documents: int = Field(default=20, description="Below this many new documents drift is not measured.")
    max_reference_documents: int = Field(default=2000, description="Sample of the reference, for speed.")
    perplexity_examples: int = Field(default=48, description="Window examples scored by the champion (0 = skip).")
    rouge_examples: int = Field(default=8, description="Window examples the champion answers, for ROUGE-L (0 = skip).")
    max_length: int = Field(default=384, description="Token limit of the scored examples.")
    engine: str = Field(
        default=DEFAULT_ENGINE,
        description="What generates the champion's window answers (ROUGE-L): openvino (its GGUF export, as served) or "
        "transformers (the reference path). Perplexity is always the torch model's.",
    )


def _run_evidently(reference, current, embedding_cols: list[str], html_path: str) -> dict:
    from evidently import DataDefinition, Dataset, Report
    from evidently.metrics import EmbeddingsDrift
    from evidently.presets import DataDriftPreset

    from llm_assets.monitoring.text_drift import PERCENTILE_TEST_MAX_REFERENCE, stattest

    definition = DataDefinition(
        text_columns=["text"],
        numerical_columns=[c for c in DRIFT_COLUMNS if c not in ("text", "category")] + embedding_cols,
        categorical_columns=["category"],
        embeddings={"tfidf_svd": embedding_cols},
    )
    report = Report(
        [
            # Evidently's own choice of text test (percentile up to 1,000 reference rows), its bootstrap vectorized
            DataDriftPreset(
                columns=DRIFT_COLUMNS,
                text_method=stattest() if len(reference) <= PERCENTILE_TEST_MAX_REFERENCE else None,
            ),
            EmbeddingsDrift(embeddings_name="tfidf_svd"),
        ],
        include_tests=False,
    )
    snapshot = report.run(
        reference_data=Dataset.from_pandas(reference, data_definition=definition),
        current_data=Dataset.from_pandas(current, data_definition=definition),
    )
    snapshot.save_html(html_path)
    out: dict = {"columns": {}}
    for metric in snapshot.dict()["metrics"]:
        cfg, value = metric["config"], metric["value"]
        kind = cfg["type"].rsplit(":", 1)[-1]
        if kind == "DriftedColumnsCount":
            out["drift_share"], out["drifted_columns"] = float(value["share"]), int(value["count"])
        elif kind == "ValueDrift":
            p_value = "p_value" in str(cfg.get("method", ""))
            threshold = float(cfg.get("threshold") or 0.05)
            out["columns"][cfg["column"]] = {
                "score": float(value),
                "method": cfg.get("method", ""),
                "threshold": threshold,
                "drifted": bool(value < threshold) if p_value else bool(value > threshold),
            }
        elif kind == "EmbeddingsDrift":
            out["embedding_drift"] = float(value)
    # the text column's test decides by a bootstrap whose cut-off is not in the snapshot (its "threshold" is a
    # percentile): its verdict is what the drifted-columns count holds beyond the columns decided by threshold
    decided = [c for c in out["columns"].values() if not _text_content_test(c["method"])]
    text = out["columns"].get("text")
    if text and _text_content_test(text["method"]) and "drifted_columns" in out:
        text["drifted"] = out["drifted_columns"] - sum(c["drifted"] for c in decided) > 0
    return out


def _text_content_test(method: str) -> bool:
    """Evidently's text-content tests, by display name or by registered name."""
    return "text content" in method.lower().replace("_", " ")


def _performance_drift(
    context,
    config: DriftReportConfig,
    examples: pl.DataFrame,
    base_model: BaseModelResource,
    mlflow_tracking: MLflowTracking,
    compute: ComputeResource,
) -> dict:
    """The champion's perplexity and ROUGE-L on the window against its own test-split evaluation."""
    from llm_assets.core.lm import mean_loss, pick_device_and_dtype, tokenize_split
    from llm_assets.core.scoring import text_metrics

    champion = champion_adapter_dir(mlflow_tracking, current_run_id="")
    if champion is None or config.perplexity_examples == 0:
        return {}
    adapter_dir, version = champion
    baseline = mlflow_tracking.client().get_run(version.run_id).data.metrics
    if examples.height == 0:
        return {}
    examples = examples.sort("example_id")
    tokenizer = base_model.load_tokenizer()
    model = load_adapter_model(base_model, adapter_dir)
    device, dtype = pick_device_and_dtype("auto")
    model.to(device)
    sample = examples.head(config.perplexity_examples)
    encoded, _ = tokenize_split(
        tokenizer, sample["prompt"].to_list(), sample["completion"].to_list(), config.max_length
    )
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    perplexity = math.exp(min(mean_loss(model, encoded, pad, device, dtype), 50.0))
    out = {"window_perplexity": perplexity}
    if "test_candidate_perplexity" in baseline:
        out["baseline_perplexity"] = baseline["test_candidate_perplexity"]
        out["perplexity_degradation"] = perplexity / baseline["test_candidate_perplexity"] - 1.0
    if config.rouge_examples:
        few = examples.head(config.rouge_examples)
        gens = compute.answer(
            config,
            base_model,
            adapter_dir,
            few["prompt"].to_list(),
            80,
            engine=config.engine,
            precision=(version.tags or {}).get("engine_format", "").removeprefix("gguf-"),
            max_length=config.max_length,
            run_id=context.run_id,
            log=context.log,
        )
        rouge = text_metrics(gens, few["completion"].to_list(), few["label"].to_list())["rougeL"]
        out["window_rougeL"] = rouge
        if "test_candidate_rougeL" in baseline and baseline["test_candidate_rougeL"] > 0:
            out["baseline_rougeL"] = baseline["test_candidate_rougeL"]
            out["rougeL_drop"] = 1.0 - rouge / baseline["test_candidate_rougeL"]
    return out


def _metadata(value: dict, signals: list, verdict: str, artifact_store: ArtifactStore) -> dict:
    """What the UI shows and drift_sensor reads: scores, the verdict against the policy, dates, links."""
    columns = value.get("columns", {})
    metadata = {
        "status": value["status"],
        "verdict": dg.MetadataValue.md(verdict_markdown(signals, verdict)),
        "retrain_signal": any(s.exceeded for s in signals),
        "window_id": value["window_id"],
        "window_documents": value["window_documents"],
        "reference_documents": value["reference_documents"],
        "new_examples": value["new_examples"],
        "reference_version": value["reference_version"] or "none",
        "champion_version": value["champion_version"] or "none",
        "measured_at": dg.MetadataValue.timestamp(value["measured_at"]),
        **(
            {"oldest_untrained_at": dg.MetadataValue.timestamp(value["oldest_untrained_at"])}
            if value["oldest_untrained_at"]
            else {}
        ),
        **{
            k: float(value[k])
            for k in (
                "drift_share",
                "embedding_drift",
                "window_perplexity",
                "baseline_perplexity",
                "perplexity_degradation",
                "window_rougeL",
                "rougeL_drop",
            )
            if k in value
        },
        **{f"column/{c}": v["score"] for c, v in columns.items()},
    }
    if columns:
        metadata["columns"] = dg.MetadataValue.md(
            markdown_table(
                ["column", "method", "score", "threshold", "drifted"],
                [[c, v["method"], v["score"], v["threshold"], v["drifted"]] for c, v in columns.items()],
            )
        )
    if "report_html" in value:
        metadata["report"] = dg.MetadataValue.url(artifact_store.report_url(value["report_html"]))
        metadata["report_file"] = dg.MetadataValue.path(value["report_html"])
    return tidy(metadata)


def data_drift(reference: "pd.DataFrame", current: "pd.DataFrame", embedding_dims: int, html) -> dict:
    """Evidently over two frames of ``document_features`` plus a TF-IDF + SVD embedding fitted on the reference; the
    HTML report. Shared by ``drift_report`` (landed documents) and ``live_traffic_report`` (served tickets)."""
    ref_emb, cur_emb = tfidf_svd_embeddings(reference["text"].tolist(), current["text"].tolist(), embedding_dims)
    emb_cols = [f"emb_{i}" for i in range(ref_emb.shape[1])]
    for i, col in enumerate(emb_cols):
        reference[col], current[col] = ref_emb[:, i], cur_emb[:, i]
    return _run_evidently(reference.drop(columns="doc_id"), current.drop(columns="doc_id"), emb_cols, str(html))


def verdict_markdown(signals: list, otherwise: str) -> str:
    """The ``verdict`` metadata: each score against its threshold, or why nothing was measured."""
    return markdown_table(["signal", "score", "threshold", "over"], verdict_rows(signals)) if signals else otherwise


@dg.asset(
    group_name="monitoring",
    io_manager_key="artifact_io_manager",
    # the reference follows the champion (re-measure after every registration): its training-set version's members
    deps=["registered_model", "training_set_members"],
    automation_condition=dg.AutomationCondition.eager(),
    pool=MODEL_POOL,
    op_tags=k8s.MONITORING,
    check_specs=[
        dg.AssetCheckSpec(
            QUALITY_CHECK,
            asset="drift_report",
            description="Alert: the champion's perplexity or ROUGE-L on the new window is worse than its evaluation "
            "baseline by drift_policy's thresholds (the ones drift_sensor retrains on).",
        )
    ],
    description="Evidently drift of newly arrived anonymized documents against the champion's training inputs, and "
    "the champion's quality on them. Read by drift_sensor.",
)
def drift_report(
    context: dg.AssetExecutionContext,
    config: DriftReportConfig,
    anonymized_documents: pl.DataFrame,
    redaction_audit: pl.DataFrame,
    warehouse: DuckDBWarehouse,
    mlflow_tracking: MLflowTracking,
    base_model: BaseModelResource,
    artifact_store: ArtifactStore,
    drift_policy: DriftPolicy,
    compute: ComputeResource,
):
    champion = mlflow_tracking.champion_version()
    ref = Reference.of(champion, warehouse, latest_without_champion=True)
    ref_version, reference = ref.version, ref.documents(anonymized_documents)
    # the window: documents anonymized after the reference version was built, that it does not hold
    window = anonymized_documents.filter(~pl.col("doc_id").is_in(list(ref.seen)))
    if ref.built_at is not None:
        window = window.filter(pl.col("anonymized_at") > ref.built_at)
    window_id = windows.window_id(window["doc_id"].to_list())
    # the window as training examples (default mapping): counted for the sensor, scored by the champion
    window_examples = build_examples(window, TrainingSetConfig())[0]
    new_examples = window_examples.height
    oldest = window["anonymized_at"].min() if window.height else None
    value: dict = {
        "status": "measured",
        "reference_version": ref_version,
        "champion_version": str(champion.version) if champion else None,
        "window_id": window_id,
        "window_documents": window.height,
        "reference_documents": reference.height,
        "new_examples": new_examples,
        "oldest_untrained_at": oldest.timestamp() if oldest is not None else None,
        "measured_at": datetime.now(UTC).timestamp(),
    }
    if not ref_version or reference.height < 10:
        value["status"] = "no_reference"
    elif window.height < config.min_window_documents:
        value["status"] = "window_too_small"
    else:
        html = artifact_store.path("reports", "drift") / f"drift-{window_id}.html"
        reference = windows.sample(reference, config.max_reference_documents)
        features = document_features(reference, redaction_audit), document_features(window, redaction_audit)
        value.update(data_drift(*features, config.embedding_dims, html))
        value["report_html"] = str(html)
        value.update(_performance_drift(context, config, window_examples, base_model, mlflow_tracking, compute))

    signals = drift_policy.signals(value) if value["status"] == "measured" else []
    verdict = "; ".join(sig.describe() for sig in signals) or STATUS_TEXT.get(value["status"], value["status"])
    metadata = _metadata(value, signals, verdict, artifact_store)
    context.log.info(f"drift window {window_id}: {window.height} documents, status {value['status']}, {verdict}")
    yield dg.Output(value, metadata=metadata)
    # the same signals and thresholds drift_sensor applies (one definition, DriftPolicy.signals)
    quality = [s for s in signals if s.name in QUALITY_SIGNALS]
    yield dg.AssetCheckResult(
        check_name=QUALITY_CHECK,
        passed=not any(s.exceeded for s in quality),
        severity=dg.AssetCheckSeverity.WARN,
        metadata=tidy(
            {
                "verdict": "; ".join(s.describe() for s in quality) or verdict,
                **{s.name: s.value for s in quality},
                **{f"{s.name}_threshold": s.threshold for s in quality},
            }
        ),
    )
