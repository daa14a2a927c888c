"""``anonymized_documents`` and ``redaction_audit``, with the blocking residual-PII check."""

import json
from collections import Counter
from datetime import UTC, datetime

import dagster as dg
import polars as pl

from llm_assets import compute
from llm_assets.governance import lineage
from llm_assets.governance.fingerprints import fingerprint, word_count
from llm_assets.metadata import markdown_table
from llm_assets.partitions import landing_batches
from llm_assets.privacy.settings import HIGH_RISK_ENTITIES
from resources.anonymizer import PresidioAnonymizer
from resources.governance import GovernanceKeys
from resources.warehouse import DuckDBWarehouse, frame

RESIDUAL_CHECK = "no_residual_high_risk_pii"
ANON_SCHEMA = {
    "doc_id": pl.String,
    "batch_id": pl.String,
    "source_format": pl.String,
    "text": pl.String,
    "fields": pl.String,
    "redactions": pl.Int64,
    "anonymizer_config": pl.String,
    "anonymized_at": pl.Datetime("us", "UTC"),
    # what the residual re-scan found, as "field:TYPE;..." ('' = clean, null = not scanned yet); never a value
    "residual_findings": pl.String,
}
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
FINGERPRINT_SCHEMA = {
    "doc_id": pl.String,
    "batch_id": pl.String,
    "entity_type": pl.String,
    "fingerprint": pl.String,
    "words": pl.Int64,
}


def pii_fingerprints(key: bytes, raw: pl.DataFrame, audit: pl.DataFrame) -> pl.DataFrame:
    """Keyed fingerprints of every redacted value, read from the raw text at the audit's offsets. The anonymized zone
    keeps these hashes, never the values: enough to find a subject's documents or a leaked value in generated text."""
    by_doc = {r["doc_id"]: r for r in raw.select("doc_id", "text", "fields").iter_rows(named=True)}
    parsed: dict[str, dict] = {}
    rows = set()
    for a in audit.select("doc_id", "batch_id", "field", "entity_type", "start", "end").iter_rows(named=True):
        doc = by_doc.get(a["doc_id"])
        if doc is None:
            continue
        if a["field"] == "text":
            source = doc["text"]
        else:
            fields = parsed.setdefault(a["doc_id"], json.loads(doc["fields"]))
            source = str(fields.get(a["field"], ""))
        value = source[a["start"] : a["end"]]
        if value.strip():
            rows.add((a["doc_id"], a["batch_id"], a["entity_type"], fingerprint(key, value), word_count(value)))
    return pl.DataFrame(sorted(rows), schema=FINGERPRINT_SCHEMA, orient="row")


def _already_anonymized(
    warehouse: DuckDBWarehouse, doc_ids: list[str], config_hash: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows (and audit rows) of documents already anonymized with this very configuration. The doc_id is a hash of
    the content, so an unchanged id means unchanged text: re-analyzing it would give the same result."""
    empty = pl.DataFrame(schema=ANON_SCHEMA), pl.DataFrame(schema=AUDIT_SCHEMA)
    if not doc_ids:
        return empty
    with warehouse.connect() as con:
        if not warehouse.table_exists(con, "anon", "anonymized_documents"):
            return empty
        con.register("_ids", pl.DataFrame({"doc_id": doc_ids}).to_arrow())
        docs = frame(
            con,
            "select a.* from anon.anonymized_documents a join _ids using (doc_id) where a.anonymizer_config = ?",
            [config_hash],
        )
        audit = (
            frame(
                con,
                "select r.* from anon.redaction_audit r join _ids using (doc_id) where r.anonymizer_config = ?",
                [config_hash],
            )
            if warehouse.table_exists(con, "anon", "redaction_audit")
            else empty[1]
        )
    if "residual_findings" not in docs.columns:  # a table from before the column existed: re-scan those
        docs = docs.with_columns(pl.lit(None, pl.String).alias("residual_findings"))
    docs = docs.select(list(ANON_SCHEMA)).cast(ANON_SCHEMA)
    audit = audit.select(list(AUDIT_SCHEMA)).cast(AUDIT_SCHEMA)
    # a document is reusable only with its audit rows
    return docs, audit.filter(pl.col("doc_id").is_in(docs["doc_id"].implode()))


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
        "pii_fingerprints": dg.AssetOut(
            group_name="privacy",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "anon"},
            description="Keyed hashes of every redacted value (never the value): finds a data subject for erasure "
            "and a memorized value in generated text.",
        ),
    },
    ins={"raw_documents": dg.AssetIn()},
    partitions_def=landing_batches,
    backfill_policy=dg.BackfillPolicy.single_run(),
    op_tags=compute.ANONYMIZATION,
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
def anonymize_documents(
    context: dg.AssetExecutionContext,
    raw_documents: pl.DataFrame,
    anonymizer: PresidioAnonymizer,
    warehouse: DuckDBWarehouse,
    governance_keys: GovernanceKeys,
):
    config_hash = anonymizer.settings().config_hash()  # without building the engine: a batch may need none
    cached_docs, cached_audit = _already_anonymized(warehouse, raw_documents["doc_id"].to_list(), config_hash)
    todo = raw_documents.filter(~pl.col("doc_id").is_in(cached_docs["doc_id"].implode()))
    rows = list(todo.iter_rows(named=True))
    results = anonymizer.anonymize([{"text": r["text"], **json.loads(r["fields"])} for r in rows]) if rows else []
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
                "residual_findings": None,
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
    anonymized = pl.concat([cached_docs, pl.DataFrame(anon_rows, schema=ANON_SCHEMA)])
    audit = pl.concat([cached_audit, pl.DataFrame(audit_rows, schema=AUDIT_SCHEMA)])
    audit_rows = audit.to_dicts()
    if cached_docs.height:
        context.log.info(
            f"{cached_docs.height} document(s) unchanged since their last anonymization with "
            f"configuration {config_hash}: reused, not re-analyzed"
        )

    by_type = Counter(r["entity_type"] for r in audit_rows)
    by_recognizer = Counter(r["recognizer"] for r in audit_rows)
    # Only documents not scanned before are re-scanned: an unchanged document under the same configuration keeps
    # its earlier result (stored with it), so a re-run of an unchanged batch costs no spaCy pass at all.
    to_scan = anonymized.filter(pl.col("residual_findings").is_null())
    scanned: dict[str, list[str]] = {d: [] for d in to_scan["doc_id"].to_list()}
    for doc, field_name, entity in residual_pii(anonymizer, to_scan) if to_scan.height else []:
        scanned[doc].append(f"{field_name}:{entity}")
    anonymized = (
        anonymized.join(
            pl.DataFrame(
                {"doc_id": list(scanned), "_scan": [";".join(v) for v in scanned.values()]},
                schema={"doc_id": pl.String, "_scan": pl.String},
            ),
            on="doc_id",
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.coalesce("_scan", "residual_findings").alias("residual_findings"))
        .drop("_scan")
    )
    findings = sorted(
        (doc, *item.split(":", 1))
        for doc, stored in anonymized.select("doc_id", "residual_findings").iter_rows()
        for item in (stored or "").split(";")
        if item
    )
    yield dg.Output(
        anonymized,
        output_name="anonymized_documents",
        metadata={
            "dagster/row_count": anonymized.height,
            "documents": anonymized.height,
            "newly_anonymized": len(rows),
            "reused_unchanged": cached_docs.height,
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
    fingerprints = pii_fingerprints(governance_keys.key(), raw_documents, audit)
    yield dg.Output(
        fingerprints,
        output_name="pii_fingerprints",
        metadata={
            "dagster/row_count": fingerprints.height,
            "documents": fingerprints["doc_id"].n_unique(),
            "distinct_values": fingerprints["fingerprint"].n_unique(),
        },
    )
    failing_docs = sorted({d for d, _, _ in findings})
    per_batch = Counter(anonymized["batch_id"].to_list())
    batch_of = dict(anonymized.select("doc_id", "batch_id").iter_rows())
    failing_by_batch = Counter(batch_of[d] for d in failing_docs)
    for batch, n_docs in per_batch.items():
        lineage.record(
            warehouse,
            "privacy_checks",
            {
                "batch_id": batch,
                "check_name": RESIDUAL_CHECK,
                "anonymizer_config": config_hash,
                "passed": failing_by_batch.get(batch, 0) == 0,
                "documents_scanned": n_docs,
                "documents_with_findings": failing_by_batch.get(batch, 0),
                "findings_by_type": dict(Counter(t for d, _, t in findings if batch_of[d] == batch)),
                "dagster_run_id": context.run_id,
                "checked_at": lineage.now(),
            },
            keys=["batch_id", "check_name"],
        )
    yield dg.AssetCheckResult(
        check_name=RESIDUAL_CHECK,
        asset_key="anonymized_documents",
        passed=not findings,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "documents_scanned": anonymized.height,
            "newly_scanned": to_scan.height,
            "documents_with_findings": len(failing_docs),
            "findings": dg.MetadataValue.md(
                markdown_table(["doc_id", "field", "entity type"], findings[:100]) if findings else "none"
            ),
        },
        description=None if not findings else f"high-risk PII left in {len(failing_docs)} document(s)",
    )
