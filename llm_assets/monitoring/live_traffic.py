"""``live_traffic_report``: is the served champion still answering the traffic it gets, fast and in shape?

Window: the most recent requests of the inference log that the champion (or a canary) answered. Input drift: the
same Evidently comparison as ``drift_report`` (text, length and entity-mix descriptors, a TF-IDF + SVD embedding)
between the window's anonymized tickets and the champion's training documents; the ``category`` column compares the
categories the model gave with the labels it was trained on (output drift). Service level: latency p95 and the share
of answers in the trained format against the champion's own evaluation, mean user rating. Per model version (the
canary's comparison). Read by ``live_traffic_sensor`` through ``DriftPolicy.signals``.
"""

import json
from datetime import UTC, datetime

import dagster as dg
import numpy as np
import polars as pl
from pydantic import Field

from llm_assets.core import k8s, lineage
from llm_assets.core.metadata import tidy
from llm_assets.core.rendering import markdown_table
from llm_assets.monitoring import windows
from llm_assets.monitoring.assets import data_drift, verdict_markdown
from llm_assets.monitoring.features import document_features
from llm_assets.monitoring.windows import Reference
from resources.alerts import Alert, AlertChannels
from resources.artifacts import ArtifactStore
from resources.drift_policy import DriftPolicy
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse

SLO_CHECK = "served_within_slo"


class LiveTrafficConfig(dg.Config):
    window_requests: int = Field(default=500, description="The most recent requests that form the window.")
    min_window_requests: int = Field(
        default=20, description="Below this many distinct tickets in the window input drift is not measured."
    )
    max_reference_documents: int = Field(default=2000, description="Sample of the champion's training documents.")
    embedding_dims: int = Field(default=16, description="SVD components of the TF-IDF embedding.")


def _window_documents(window: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The window's requests as anonymized documents (the model's category as the label) and their entity audit."""
    docs = window.select(
        pl.col("request_id").alias("doc_id"),
        pl.col("message").fill_null("").alias("text"),
        pl.col("category").fill_null("").map_elements(lambda c: json.dumps({"category": c}), pl.String).alias("fields"),
    )
    audit_rows = [
        {"doc_id": row["request_id"], "entity_type": entity}
        for row in window.select("request_id", "entity_counts").iter_rows(named=True)
        for entity, n in json.loads(row["entity_counts"] or "{}").items()
        for _ in range(int(n))
    ]
    audit = pl.DataFrame(audit_rows, schema={"doc_id": pl.String, "entity_type": pl.String})
    return docs, audit


def _service_levels(window: pl.DataFrame, feedback: pl.DataFrame | None, baseline_format_rate: float | None) -> dict:
    latency_s = window["latency_ms"] / 1000
    format_rate = float((window["category"].fill_null("") != "").mean())
    out = {
        "latency_p50_s": float(latency_s.quantile(0.5, "linear")),
        "latency_p95_s": float(latency_s.quantile(0.95, "linear")),
        "format_rate": format_rate,
        "format_ok_rate": float(window["format_ok"].mean()),
        "mean_reply_chars": float(window["reply"].fill_null("").str.len_chars().mean()),
    }
    if "unknown_placeholders" in window.columns:  # placeholders the ticket did not hold, repaired by the server
        unknown = window["unknown_placeholders"].fill_null(0)
        out["unknown_placeholder_rate"] = float((unknown > 0).mean())
        out["unknown_placeholders_repaired"] = int(unknown.sum())
    if baseline_format_rate:
        out["baseline_format_rate"] = baseline_format_rate
        out["quality_drop"] = 1.0 - format_rate / baseline_format_rate
    if feedback is not None and feedback.height:
        rated = feedback.filter(pl.col("request_id").is_in(window["request_id"].implode()))
        if rated.height:
            out["mean_rating"] = float(rated["rating"].mean())
            out["rated_requests"] = rated.height
    return out


def _by_version(window: pl.DataFrame, feedback: pl.DataFrame | None) -> list[list]:
    ratings = (
        feedback.group_by("request_id").agg(pl.col("rating").last())
        if feedback is not None and feedback.height
        else pl.DataFrame(schema={"request_id": pl.String, "rating": pl.Int64})
    )
    table = (
        window.join(ratings, on="request_id", how="left")
        .group_by("model_version", "alias")
        .agg(
            pl.len().alias("requests"),
            (pl.col("latency_ms").quantile(0.95, "linear") / 1000).alias("p95_s"),
            (pl.col("category").fill_null("") != "").mean().alias("format_rate"),
            pl.col("rating").mean().alias("mean_rating"),
            pl.col("rating").count().alias("ratings"),
        )
        .sort("model_version")
    )
    return [list(r) for r in table.iter_rows()]


def _input_drift(config, window, window_id: str, reference, redaction_audit, artifact_store, log) -> dict:
    """Evidently drift of the window's distinct tickets against the reference (or why it was not measured)."""
    value: dict = {}
    # input drift is about what is asked, not how often: a ticket sent many times (a retrying client, a load test)
    # counts once, and too few distinct tickets leave nothing to measure (the statistics degenerate)
    distinct = window.unique(subset=["message"], keep="first") if window.height else window
    value["distinct_tickets"] = distinct.height
    if distinct.height < config.min_window_requests:
        value["status"] = "window_too_small"
    elif reference.height < 10:
        value["status"] = "no_reference"
    else:
        reference = windows.sample(reference, config.max_reference_documents)
        docs, audit = _window_documents(distinct)
        html = artifact_store.path("reports", "live") / f"live-{window_id}.html"
        features = document_features(reference, redaction_audit), document_features(docs, audit)
        try:
            value.update(data_drift(*features, config.embedding_dims, html))
            value["report_html"] = str(html)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            # degenerate traffic (near-identical tickets) breaks the statistics: say so, keep the service levels
            value["status"] = "drift_not_computable"
            log.warning(f"input drift not computable on window {window_id}: {type(exc).__name__}")
    return value


def _champion_service_levels(window, feedback, champion, warehouse, mlflow_tracking) -> dict:
    """Latency and quality of the requests the champion answered (all of them if none), against the format rate its
    evaluation recorded, and the same per served version."""
    recorded = (
        lineage.model_version(warehouse, mlflow_tracking.registered_model_name, str(champion.version))
        if champion
        else None
    )
    metrics = json.loads(recorded["metrics"]) if recorded and recorded.get("metrics") else {}
    baseline = (metrics.get("candidate") or {}).get("format_rate")
    champion_window = window.filter(pl.col("alias") == mlflow_tracking.champion_alias)
    levels = _service_levels(champion_window if champion_window.height else window, feedback, baseline)
    return levels | {"by_version": _by_version(window, feedback)}


@dg.asset(
    group_name="monitoring",
    io_manager_key="artifact_io_manager",
    deps=[
        "inference_log",
        "user_feedback",
        "feedback_examples",
        "registered_model",
        "training_set_members",
        "model_versions",
    ],
    op_tags=k8s.MONITORING,
    check_specs=[
        dg.AssetCheckSpec(
            SLO_CHECK,
            asset="live_traffic_report",
            description="Alert: the served champion's latency p95 or its share of well-formed answers breached "
            "drift_policy's service levels on live traffic.",
        )
    ],
    description="Drift and service levels of the served model on live traffic: input drift of the tickets against "
    "the champion's training documents, output drift (category mix, reply length, format), latency, ratings, and "
    "the comparison per model version (canary). Read by live_traffic_sensor.",
)
def live_traffic_report(
    context: dg.AssetExecutionContext,
    config: LiveTrafficConfig,
    anonymized_documents: pl.DataFrame,
    redaction_audit: pl.DataFrame,
    warehouse: DuckDBWarehouse,
    mlflow_tracking: MLflowTracking,
    artifact_store: ArtifactStore,
    drift_policy: DriftPolicy,
    alerts: AlertChannels,
):
    requests = warehouse.select("monitoring", "inference_log")
    feedback = warehouse.select("monitoring", "user_feedback")
    champion = mlflow_tracking.champion_version()
    ref = Reference.of(champion, warehouse)
    ref_version = ref.version
    window = (
        requests.sort("received_at", descending=True).head(config.window_requests)
        if requests is not None and requests.height
        else pl.DataFrame()
    )
    window_id = windows.window_id(window["request_id"].to_list() if window.height else [])
    value: dict = {
        "status": "measured",
        "window_id": window_id,
        "window_requests": window.height,
        "champion_version": str(champion.version) if champion else None,
        "reference_version": ref_version,
        "measured_at": datetime.now(UTC).timestamp(),
    }
    reference = ref.documents(anonymized_documents)
    # what a retrain could learn from: users' corrections the champion's training set did not hold
    trained = ref.seen
    candidates = warehouse.select("train", "feedback_examples")
    value["new_examples"] = (
        candidates.filter(~pl.col("doc_id").is_in(list(trained))).height if candidates is not None else 0
    )
    value.update(_input_drift(config, window, window_id, reference, redaction_audit, artifact_store, context.log))
    if window.height:
        value.update(_champion_service_levels(window, feedback, champion, warehouse, mlflow_tracking))
    signals = drift_policy.live_signals(value) if window.height else []
    verdict = "; ".join(s.describe() for s in signals) or value["status"]
    context.log.info(f"live window {window_id}: {window.height} requests, {verdict}")
    yield dg.Output(value, metadata=_metadata(value, signals, artifact_store))
    slo = [s for s in signals if s.name in ("latency_p95_s", "quality_drop")]
    breached = [s.describe() for s in slo if s.exceeded]
    delivered = {}
    if breached:
        delivered = alerts.send(
            Alert(
                "slo_breach",
                f"served model v{value['champion_version'] or '-'} missed its service level",
                {
                    "window_id": window_id,
                    "window_requests": window.height,
                    "champion_version": value["champion_version"] or "none",
                    "breaches": "; ".join(breached),
                    "dagster_run_id": context.run_id,
                },
                severity="warning",
            ),
            context.log,
        )
    yield dg.AssetCheckResult(
        check_name=SLO_CHECK,
        passed=not breached,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "verdict": "; ".join(s.describe() for s in slo) or "nothing measured",
            "alerts": dg.MetadataValue.json(delivered),
        },
    )


def _metadata(value: dict, signals: list, artifact_store: ArtifactStore) -> dict:
    metadata = {
        "status": value["status"],
        "window_id": value["window_id"],
        "window_requests": value["window_requests"],
        "distinct_tickets": value["distinct_tickets"],
        "new_examples": value["new_examples"],
        "champion_version": value["champion_version"] or "none",
        "reference_version": value["reference_version"] or "none",
        "measured_at": dg.MetadataValue.timestamp(value["measured_at"]),
        "retrain_signal": any(s.exceeded for s in signals if s.name not in ("latency_p95_s",)),
        "verdict": dg.MetadataValue.md(verdict_markdown(signals, value["status"])),
        **{
            k: float(value[k])
            for k in (
                "drift_share",
                "embedding_drift",
                "latency_p50_s",
                "latency_p95_s",
                "format_rate",
                "format_ok_rate",
                "baseline_format_rate",
                "quality_drop",
                "mean_reply_chars",
                "mean_rating",
                "unknown_placeholder_rate",
                "unknown_placeholders_repaired",
            )
            if value.get(k) is not None
        },
    }
    if value.get("by_version"):
        metadata["by_model_version"] = dg.MetadataValue.md(
            markdown_table(
                ["version", "alias", "requests", "p95 s", "format rate", "mean rating", "ratings"],
                value["by_version"],
            )
        )
    if "report_html" in value:
        metadata["report"] = dg.MetadataValue.url(artifact_store.report_url(value["report_html"]))
    return tidy(metadata)
