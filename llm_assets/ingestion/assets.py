"""``raw_documents`` and ``quarantined_documents``: every file of a landing batch ends up in one or the other."""

import json
from collections import Counter
from datetime import UTC, datetime

import dagster as dg
import polars as pl

from llm_assets import compute
from llm_assets.governance.fingerprints import subject_rows
from llm_assets.governance.lineage import erased
from llm_assets.ingestion.parsing import ParsedDocument, Quarantined, parse_file
from llm_assets.metadata import markdown_table
from llm_assets.partitions import landing_batches
from resources.governance import GovernanceKeys
from resources.landing import LandingZone
from resources.warehouse import DuckDBWarehouse

RAW_SCHEMA = {
    "doc_id": pl.String,
    "batch_id": pl.String,
    "source_path": pl.String,
    "source_format": pl.String,
    "record_no": pl.Int64,
    "text": pl.String,
    "fields": pl.String,
    "ingested_at": pl.Datetime("us", "UTC"),
}
QUARANTINE_SCHEMA = {
    "batch_id": pl.String,
    "source_path": pl.String,
    "source_format": pl.String,
    "record_no": pl.Int64,
    "reason": pl.String,
    "detail": pl.String,
    "content_sha256": pl.String,
    "quarantined_at": pl.Datetime("us", "UTC"),
}
SUBJECT_SCHEMA = {"doc_id": pl.String, "batch_id": pl.String, "kind": pl.String, "subject_key": pl.String}


def _already_ingested(warehouse: DuckDBWarehouse, batch: str, doc_ids: list[str]) -> dict[str, str]:
    """doc_id -> batch for documents that other batches already brought in."""
    if not doc_ids:
        return {}
    with warehouse.connect() as con:
        if not warehouse.table_exists(con, "raw", "raw_documents"):
            return {}
        con.register("_ids", pl.DataFrame({"doc_id": doc_ids}).to_arrow())
        rows = con.execute(
            "select distinct r.doc_id, r.batch_id from raw.raw_documents r join _ids using (doc_id) "
            "where r.batch_id <> ?",
            [batch],
        ).fetchall()
    return dict(rows)


def _read_batch(
    batch: str,
    landing_zone: LandingZone,
    warehouse: DuckDBWarehouse,
    earlier: dict[str, str],
    key: bytes,
    tombstones: tuple[dict[str, str], dict[str, str]],
):
    """(kept documents, their subject-index rows, quarantined inputs, files read) of one landing batch."""
    docs: list[ParsedDocument] = []
    bad: list[Quarantined] = []
    files = landing_zone.files(batch)
    root = landing_zone.batch_dir(batch)
    for path in files:
        rel = str(path.relative_to(root))
        try:
            for item in parse_file(path, rel, landing_zone.max_file_bytes):
                (docs if isinstance(item, ParsedDocument) else bad).append(item)
        except OSError as exc:  # vanished or unreadable mid-run: quarantine, keep going
            bad.append(Quarantined(rel, path.suffix.lstrip("."), None, "unreadable", type(exc).__name__, ""))

    seen: dict[str, ParsedDocument] = {}
    kept: list[ParsedDocument] = []
    subjects: list[dict] = []
    erased_docs, erased_subjects = tombstones
    # other batches: already in the warehouse, or read earlier in this same (multi-batch) run
    elsewhere = {**_already_ingested(warehouse, batch, [d.doc_id for d in docs]), **earlier}
    for d in docs:
        first = seen.get(d.doc_id)
        if first is not None or d.doc_id in elsewhere:
            detail = (
                f"same content as {first.source_path} record {first.record_no}"
                if first is not None
                else f"already ingested in batch {elsewhere[d.doc_id]}"
            )
            bad.append(Quarantined(d.source_path, d.source_format, d.record_no, "duplicate", detail, d.doc_id))
            continue
        rows = subject_rows(key, d.doc_id, batch, d.text, json.dumps(d.fields))
        stone = erased_docs.get(d.doc_id) or next(
            (erased_subjects[r["subject_key"]] for r in rows if r["subject_key"] in erased_subjects), None
        )
        if stone is not None:
            # an erased document, or a data subject that asked to be forgotten: tombstones outlive re-ingestion
            bad.append(
                Quarantined(d.source_path, d.source_format, d.record_no, "erased", f"tombstone {stone}", d.doc_id)
            )
            continue
        seen[d.doc_id] = d
        kept.append(d)
        subjects += rows
    return kept, subjects, bad, len(files)


@dg.multi_asset(
    outs={
        "raw_documents": dg.AssetOut(
            group_name="ingestion",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "raw"},
            description="Documents of the landing zone, one row per ticket, raw (PII included). Raw zone only.",
        ),
        "quarantined_documents": dg.AssetOut(
            group_name="ingestion",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "raw"},
            description="Inputs that could not become documents, each with a reason. Never holds their content.",
        ),
        "subject_index": dg.AssetOut(
            group_name="ingestion",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "raw"},
            description="Keyed hashes of the data-subject identifiers (email, customer id, name, phone) of each raw "
            "document: how erasure finds a subject's documents without storing the identifier anywhere else.",
        ),
    },
    partitions_def=landing_batches,
    backfill_policy=dg.BackfillPolicy.single_run(),
    op_tags=compute.INGESTION,
    description="Reads one landing batch: parses JSONL, CSV, TXT transcripts and EML replies into documents.",
)
def ingest_landing_batch(
    context: dg.AssetExecutionContext,
    landing_zone: LandingZone,
    warehouse: DuckDBWarehouse,
    governance_keys: GovernanceKeys,
):
    now = datetime.now(UTC)
    raw_rows, quarantine_rows, subject_index, files_read = [], [], [], 0
    encodings: Counter = Counter()
    earlier: dict[str, str] = {}
    key = governance_keys.key()
    tombstones = erased(warehouse)
    for batch in context.partition_keys:
        kept, subjects, bad, n_files = _read_batch(batch, landing_zone, warehouse, earlier, key, tombstones)
        subject_index += subjects
        earlier.update({d.doc_id: batch for d in kept})
        encodings.update(d.encoding for d in kept)
        files_read += n_files
        raw_rows += [
            {
                "doc_id": d.doc_id,
                "batch_id": batch,
                "source_path": d.source_path,
                "source_format": d.source_format,
                "record_no": d.record_no,
                "text": d.text,
                "fields": json.dumps(d.fields, ensure_ascii=False, sort_keys=True),
                "ingested_at": now,
            }
            for d in kept
        ]
        quarantine_rows += [
            {
                "batch_id": batch,
                "source_path": q.source_path,
                "source_format": q.source_format,
                "record_no": q.record_no,
                "reason": q.reason,
                "detail": q.detail,
                "content_sha256": q.content_sha256,
                "quarantined_at": now,
            }
            for q in bad
        ]
        if bad:
            context.log.warning(
                f"batch {batch}: {len(bad)} input(s) quarantined: "
                + ", ".join(f"{q.source_path} ({q.reason})" for q in bad[:20])
            )

    raw = pl.DataFrame(raw_rows, schema=RAW_SCHEMA)
    quarantine = pl.DataFrame(quarantine_rows, schema=QUARANTINE_SCHEMA)
    reasons = Counter(quarantine["reason"].to_list())
    formats = Counter(raw["source_format"].to_list())
    records_in = raw.height + quarantine.height
    yield dg.Output(
        raw,
        output_name="raw_documents",
        metadata={
            "dagster/row_count": raw.height,
            "files_read": files_read,
            "records_in": records_in,
            "kept": raw.height,
            "quarantined": quarantine.height,
            "by_format": dg.MetadataValue.json(dict(formats)),
            "by_encoding": dg.MetadataValue.json(dict(encodings)),
            "batches": dg.MetadataValue.json(list(context.partition_keys)),
        },
    )
    yield dg.Output(
        quarantine,
        output_name="quarantined_documents",
        metadata={
            "dagster/row_count": quarantine.height,
            "by_reason": dg.MetadataValue.json(dict(reasons)),
            **{f"quarantined/{k}": v for k, v in sorted(reasons.items())},
            "quarantine": dg.MetadataValue.md(
                markdown_table(
                    ["batch", "file", "record", "reason", "detail"],
                    quarantine.select("batch_id", "source_path", "record_no", "reason", "detail").head(50).rows(),
                )
                if quarantine.height
                else "nothing quarantined"
            ),
        },
    )
    subjects = pl.DataFrame(subject_index, schema=SUBJECT_SCHEMA)
    yield dg.Output(
        subjects,
        output_name="subject_index",
        metadata={
            "dagster/row_count": subjects.height,
            "documents_indexed": subjects["doc_id"].n_unique(),
            **{f"identifiers/{k}": v for k, v in sorted(Counter(subjects["kind"].to_list()).items())},
        },
    )
