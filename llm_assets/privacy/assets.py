"""``anonymized_documents`` and ``redaction_audit``, with the blocking residual-PII check."""

import json
from collections import Counter
from datetime import UTC, datetime

import dagster as dg
import polars as pl

from llm_assets.metadata import markdown_table
from llm_assets.partitions import landing_batches
from llm_assets.privacy.engine import HIGH_RISK_ENTITIES
from resources.anonymizer import PresidioAnonymizer

RESIDUAL_CHECK = "no_residual_high_risk_pii"
AUDIT_SCHEMA = {
    "doc_id": pl.String,
    "batch_id": pl.String,
    "field": pl.String,
    "entity_type": pl.String,
    "start": pl.Int64,
    "end": pl.Int64,
    "recognizer": pl.String,
    "score": pl.Float64,
    "operator": pl.String,
    "surrogate": pl.String,
    "anonymizer_config": pl.String,
}


def residual_pii(anonymizer: PresidioAnonymizer, docs: pl.DataFrame) -> list[tuple[str, str, str]]:
    """(doc_id, field, entity type) of every high-risk finding left in anonymized documents. Never the value."""
    engine = anonymizer.engine()
    doc_ids, field_names, texts = [], [], []
    for row in docs.select("doc_id", "text", "fields").iter_rows(named=True):
        for name, value in [("text", row["text"]), *json.loads(row["fields"]).items()]:
            if isinstance(value, str) and value:
                doc_ids.append(row["doc_id"])
                field_names.append(name)
                texts.append(value)
    found = engine.scan(texts, HIGH_RISK_ENTITIES, score_threshold=0.5)
    return sorted({(d, f, r.entity_type) for d, f, rs in zip(doc_ids, field_names, found, strict=True) for r in rs})


@dg.multi_asset(
    outs={
        "anonymized_documents": dg.AssetOut(
            group_name="privacy",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "anon"},
            description="The documents with every PII finding replaced by a consistent surrogate. Anonymized zone.",
        ),
        "redaction_audit": dg.AssetOut(
            group_name="privacy",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "anon"},
            description="One row per redaction: doc, field, entity type, offsets, recognizer, score, operator, "
            "surrogate. Never the raw value.",
        ),
    },
    ins={"raw_documents": dg.AssetIn()},
    partitions_def=landing_batches,
    backfill_policy=dg.BackfillPolicy.single_run(),
    check_specs=[
        dg.AssetCheckSpec(
            RESIDUAL_CHECK,
            asset="anonymized_documents",
            blocking=True,
            description=f"A re-scan finds no high-confidence PII of the high-risk types {list(HIGH_RISK_ENTITIES)}.",
        )
    ],
    description="Anonymizes the text and every structured field of each raw document with Presidio.",
)
def anonymize_documents(context: dg.AssetExecutionContext, raw_documents: pl.DataFrame, anonymizer: PresidioAnonymizer):
    engine = anonymizer.engine()
    config_hash = engine.config_hash
    rows = list(raw_documents.iter_rows(named=True))
    inputs = [{"text": r["text"], **json.loads(r["fields"])} for r in rows]
    results = anonymizer.anonymize(inputs)
    now = datetime.now(UTC)

    anon_rows, audit_rows = [], []
    for row, res in zip(rows, results, strict=True):
        fields = dict(res.fields)
        text = fields.pop("text")
        anon_rows.append(
            {
                "doc_id": row["doc_id"],
                "batch_id": row["batch_id"],
                "source_format": row["source_format"],
                "text": text,
                "fields": json.dumps(fields, ensure_ascii=False, sort_keys=True),
                "redactions": len(res.redactions),
                "anonymizer_config": config_hash,
                "anonymized_at": now,
            }
        )
        audit_rows += [
            {
                "doc_id": row["doc_id"],
                "batch_id": row["batch_id"],
                "field": r.field,
                "entity_type": r.entity_type,
                "start": r.start,
                "end": r.end,
                "recognizer": r.recognizer,
                "score": r.score,
                "operator": r.operator,
                "surrogate": r.surrogate,
                "anonymizer_config": config_hash,
            }
            for r in res.redactions
        ]
    anonymized = pl.DataFrame(
        anon_rows,
        schema={
            "doc_id": pl.String,
            "batch_id": pl.String,
            "source_format": pl.String,
            "text": pl.String,
            "fields": pl.String,
            "redactions": pl.Int64,
            "anonymizer_config": pl.String,
            "anonymized_at": pl.Datetime("us", "UTC"),
        },
    )
    audit = pl.DataFrame(audit_rows, schema=AUDIT_SCHEMA)

    by_type = Counter(r["entity_type"] for r in audit_rows)
    by_recognizer = Counter(r["recognizer"] for r in audit_rows)
    findings = residual_pii(anonymizer, anonymized)
    yield dg.Output(
        anonymized,
        output_name="anonymized_documents",
        metadata={
            "dagster/row_count": anonymized.height,
            "documents": anonymized.height,
            "redactions": len(audit_rows),
            "anonymizer_config": config_hash,
            "redactions_by_type": dg.MetadataValue.md(
                markdown_table(["entity type", "redactions"], sorted(by_type.items(), key=lambda kv: -kv[1]))
            ),
            **{f"redactions/{k}": v for k, v in sorted(by_type.items())},
        },
    )
    yield dg.Output(
        audit,
        output_name="redaction_audit",
        metadata={
            "dagster/row_count": audit.height,
            "by_recognizer": dg.MetadataValue.json(dict(by_recognizer)),
            "anonymizer_config": config_hash,
        },
    )
    failing_docs = sorted({d for d, _, _ in findings})
    yield dg.AssetCheckResult(
        check_name=RESIDUAL_CHECK,
        asset_key="anonymized_documents",
        passed=not findings,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "documents_scanned": anonymized.height,
            "documents_with_findings": len(failing_docs),
            "findings": dg.MetadataValue.md(
                markdown_table(["doc_id", "field", "entity type"], findings[:100]) if findings else "none"
            ),
        },
        description=None if not findings else f"high-risk PII left in {len(failing_docs)} document(s)",
    )
