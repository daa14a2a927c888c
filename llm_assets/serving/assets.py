"""The served model's traffic as assets: ``inference_log`` (+ ``user_feedback``), one partition per day, and
``feedback_examples``, the corrections and endorsed replies that become candidate training examples.

The server appends anonymized JSON lines (``resources.traffic.TrafficLog``); these assets are DuckDB's one writer.
A line that still carries a raw value (by keyed fingerprint: the request's own replaced values and every raw-zone
value) never lands, and the blocking check says so.
"""

import json
from collections import Counter

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets.core import k8s, lineage
from llm_assets.core.fingerprints import candidate_fingerprints
from llm_assets.core.memorization import scanned_fingerprints
from llm_assets.core.metadata import tidy
from llm_assets.core.partitions import traffic_days
from llm_assets.core.rendering import markdown_table
from resources.governance import GovernanceKeys
from resources.traffic import TrafficLog
from resources.warehouse import DuckDBWarehouse

NO_RAW_VALUES = "no_raw_values_in_traffic"
SCHEMA = "monitoring"

REQUEST_COLUMNS = {
    "request_id": pl.String,
    "received_at": pl.String,
    "model_name": pl.String,
    "model_version": pl.String,
    "alias": pl.String,
    "subject": pl.String,
    "message": pl.String,
    "category": pl.String,
    "reply": pl.String,
    "completion": pl.String,
    "format_ok": pl.Boolean,
    "new_tokens": pl.Int64,
    "latency_ms": pl.Float64,
    "anonymize_ms": pl.Float64,
    "queue_ms": pl.Float64,
    "generate_ms": pl.Float64,
    "batch_size": pl.Int64,
    "engine": pl.String,  # openvino | transformers (null: logged before the engine choice)
    "unknown_placeholders": pl.Int64,  # placeholders the model wrote that the ticket did not hold, repaired
    "fields_sent": pl.String,
    "entity_counts": pl.String,
    "pii_fingerprints": pl.String,
    "scrubbed_values": pl.Int64,
}
FEEDBACK_COLUMNS = {
    "request_id": pl.String,
    "received_at": pl.String,
    "rating": pl.Int64,
    "category": pl.String,
    "corrected_reply": pl.String,
    "request_known": pl.Boolean,
    "pii_fingerprints": pl.String,
}
REQUEST_TEXTS = ("subject", "message", "reply", "completion")
FEEDBACK_TEXTS = ("corrected_reply",)


def _frame(records: list[dict], columns: dict, day: str) -> tuple[pl.DataFrame, int]:
    """The day's records as a table, and how many lines repeated one already read (a client that re-sent)."""
    rows = []
    for r in records:
        row = {}
        for name in columns:
            value = r.get(name)
            if isinstance(value, dict | list):
                value = json.dumps(value, sort_keys=True)
            row[name] = value
        rows.append(row)
    df = pl.DataFrame(rows, schema=columns, strict=False) if rows else pl.DataFrame(schema=columns)
    unique = df.unique(subset=["request_id", "received_at"], keep="first", maintain_order=True)
    return unique.with_columns(pl.lit(day).alias("batch_id")), df.height - unique.height


def _leaking_rows(df: pl.DataFrame, texts: tuple[str, ...], key: bytes, raw_zone: set[str]) -> list[bool]:
    """Per row: does any logged text contain a value that was replaced (its own request's) or a raw-zone value?"""
    out = []
    for row in df.iter_rows(named=True):
        own = pl.DataFrame(json.loads(row["pii_fingerprints"] or "[]"), schema=["entity_type", "fingerprint", "words"])
        spans = candidate_fingerprints(key, "\n".join(str(row[t] or "") for t in texts))
        out.append(bool(spans & raw_zone) or bool(spans & set(scanned_fingerprints(own))))
    return out


@dg.multi_asset(
    outs={
        "inference_log": dg.AssetOut(
            group_name="serving",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": SCHEMA},
            description="Every request the served model answered (anonymized ticket, reply, category, format "
            "compliance, latency split, model version and alias), one partition per day.",
        ),
        "user_feedback": dg.AssetOut(
            group_name="serving",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": SCHEMA},
            description="Users' ratings (1-5) of served answers and their corrected replies (anonymized), per day.",
        ),
    },
    partitions_def=traffic_days,
    # the raw zone's fingerprints: a logged text holding any of them is a leak; erased requests never come back
    deps=["pii_fingerprints", "erased_documents"],
    op_tags=k8s.LIGHT,
    check_specs=[
        dg.AssetCheckSpec(
            NO_RAW_VALUES,
            asset="inference_log",
            blocking=True,
            description="No logged request, reply or correction holds a value the anonymizer replaced (keyed "
            "fingerprints); lines that do are withheld, and this check fails so the engine is looked at.",
        )
    ],
)
def inference_log(
    context: dg.AssetExecutionContext,
    traffic_log: TrafficLog,
    warehouse: DuckDBWarehouse,
    governance_keys: GovernanceKeys,
):
    day = context.partition_key
    key = governance_keys.secret()
    raw_zone = set(scanned_fingerprints(lineage.pii_fingerprints(warehouse)))
    requests, bad_request_lines = traffic_log.read_day("requests", day)
    feedback, bad_feedback_lines = traffic_log.read_day("feedback", day)
    erased = list(lineage.erased_requests(warehouse))
    (req, repeated_requests), (fb, repeated_feedback) = (
        _frame(requests, REQUEST_COLUMNS, day),
        _frame(feedback, FEEDBACK_COLUMNS, day),
    )
    erased_requests, erased_feedback = req["request_id"].is_in(erased).sum(), fb["request_id"].is_in(erased).sum()
    req = req.filter(~pl.col("request_id").is_in(erased))
    fb = fb.filter(~pl.col("request_id").is_in(erased))
    req_leaks = _leaking_rows(req, REQUEST_TEXTS, key, raw_zone)
    fb_leaks = _leaking_rows(fb, FEEDBACK_TEXTS, key, raw_zone)
    withheld = sum(req_leaks) + sum(fb_leaks)
    if withheld:
        context.log.error(f"{withheld} traffic lines hold a replaced value: withheld (see {NO_RAW_VALUES})")
    req = req.filter(~pl.Series(req_leaks, dtype=pl.Boolean)) if req.height else req
    fb = fb.filter(~pl.Series(fb_leaks, dtype=pl.Boolean)) if fb.height else fb

    by_version = (
        req.group_by("model_version", "alias")
        .agg(pl.len().alias("requests"), pl.col("latency_ms").median().alias("p50_ms"))
        .sort("model_version")
        if req.height
        else None
    )
    yield dg.Output(
        req,
        output_name="inference_log",
        metadata=tidy(
            {
                "day": day,
                "dagster/row_count": req.height,
                "unreadable_lines": bad_request_lines,
                "repeated_lines": repeated_requests,
                "erased_requests_skipped": int(erased_requests),
                "withheld_for_raw_values": sum(req_leaks),
                "latency_p50_ms": req["latency_ms"].quantile(0.5, "linear") if req.height else float("nan"),
                "latency_p95_ms": req["latency_ms"].quantile(0.95, "linear") if req.height else float("nan"),
                "format_compliance": float(req["format_ok"].mean()) if req.height else float("nan"),
                "by_model_version": dg.MetadataValue.md(
                    markdown_table(["version", "alias", "requests", "p50 ms"], by_version.rows())
                    if by_version is not None
                    else "no requests"
                ),
            }
        ),
    )
    ratings = fb["rating"].drop_nulls().to_list()
    yield dg.Output(
        fb,
        output_name="user_feedback",
        metadata=tidy(
            {
                "day": day,
                "dagster/row_count": fb.height,
                "unreadable_lines": bad_feedback_lines,
                "repeated_lines": repeated_feedback,
                "erased_requests_skipped": int(erased_feedback),
                "withheld_for_raw_values": sum(fb_leaks),
                "corrections": fb.filter(pl.col("corrected_reply").str.len_chars() > 0).height if fb.height else 0,
                "mean_rating": sum(ratings) / len(ratings) if ratings else float("nan"),
            }
        ),
    )
    yield dg.AssetCheckResult(
        asset_key="inference_log",
        check_name=NO_RAW_VALUES,
        passed=withheld == 0,
        metadata={"lines_withheld": withheld, "requests_scanned": len(req_leaks), "feedback_scanned": len(fb_leaks)},
    )


class FeedbackPolicyConfig(dg.Config):
    include_corrections: bool = Field(
        default=True, description="A corrected reply becomes a training example (ticket -> category + correction)."
    )
    min_rating_to_keep_reply: int = Field(
        default=5,
        description="A served reply rated at least this (1-5) becomes an example as written; 0 = never.",
    )


FEEDBACK_DOCUMENT_COLUMNS = {
    "doc_id": pl.String,
    "batch_id": pl.String,
    "text": pl.String,
    "fields": pl.String,
    "anonymizer_config": pl.String,
    "source_request_id": pl.String,
    "model_version": pl.String,
    "rating": pl.Int64,
    "kind": pl.String,
    "received_at": pl.String,
}


def feedback_documents(
    requests: pl.DataFrame, feedback: pl.DataFrame, policy: FeedbackPolicyConfig
) -> tuple[pl.DataFrame, Counter]:
    """Candidate examples as documents of the anonymized corpus's shape (the training set's templates apply): the
    request's anonymized ticket, the category (the user's, else the model's) and the corrected or endorsed reply;
    and, per reason, the feedback that did not become one."""
    skipped: Counter = Counter()
    if not feedback.height:
        return pl.DataFrame(schema=FEEDBACK_DOCUMENT_COLUMNS), skipped
    latest = feedback.sort("received_at").unique(subset=["request_id"], keep="last")
    skipped["superseded_by_later_feedback"] = feedback.height - latest.height
    joined = latest.join(requests.unique(subset=["request_id"], keep="first"), on="request_id", suffix="_served")
    skipped["request_not_in_inference_log"] = latest.height - joined.height
    rows = []
    for r in joined.sort("received_at").iter_rows(named=True):
        corrected = (r["corrected_reply"] or "").strip()
        if corrected and policy.include_corrections:
            kind, reply = "correction", corrected
        elif 0 < policy.min_rating_to_keep_reply <= (r["rating"] or 0) and (r["reply"] or "").strip():
            kind, reply = "endorsed", r["reply"].strip()
        else:
            skipped["rating_below_policy"] += 1
            continue
        category = (r["category"] or "").strip() or (r["category_served"] or "").strip()
        if not category:
            skipped["no_category"] += 1
            continue
        rows.append(
            {
                "doc_id": f"{lineage.FEEDBACK_DOC_PREFIX}{r['request_id']}",
                "batch_id": f"feedback-{r['batch_id']}",
                "text": r["message"] or "",
                "fields": json.dumps(
                    {"subject": r["subject"] or "", "category": category, "agent_reply": reply, "source": "feedback"}
                ),
                "anonymizer_config": "served-request",
                "source_request_id": r["request_id"],
                "model_version": r["model_version"],
                "rating": r["rating"],
                "kind": kind,
                "received_at": r["received_at"],
            }
        )
    return pl.DataFrame(rows, schema=FEEDBACK_DOCUMENT_COLUMNS), +skipped


@dg.asset(
    group_name="training_data",
    io_manager_key="warehouse_io_manager",
    metadata={"schema": "train"},
    # every day of traffic: the tables, not one partition (a correction may come days after its request)
    deps=["inference_log", "user_feedback"],
    op_tags=k8s.LIGHT,
    description="Users' corrections (and replies rated at the policy's bar) as candidate training examples, with "
    "their request id and the model version that answered: the training set takes them beside the corpus.",
)
def feedback_examples(
    context: dg.AssetExecutionContext, config: FeedbackPolicyConfig, warehouse: DuckDBWarehouse
) -> dg.Output[pl.DataFrame]:
    requests = warehouse.select(SCHEMA, "inference_log")
    feedback = warehouse.select(SCHEMA, "user_feedback")
    docs, skipped = feedback_documents(
        requests if requests is not None else pl.DataFrame(schema=REQUEST_COLUMNS | {"batch_id": pl.String}),
        feedback if feedback is not None else pl.DataFrame(schema=FEEDBACK_COLUMNS | {"batch_id": pl.String}),
        config,
    )
    kinds = dict(docs.group_by("kind").len().iter_rows()) if docs.height else {}
    context.log.info(f"{docs.height} feedback examples: {kinds}")
    return dg.Output(
        docs,
        metadata={
            "dagster/row_count": docs.height,
            "corrections": kinds.get("correction", 0),
            "endorsed_replies": kinds.get("endorsed", 0),
            "feedback_rows": feedback.height if feedback is not None else 0,
            **{f"skipped/{reason}": n for reason, n in sorted(skipped.items())},
        },
    )
