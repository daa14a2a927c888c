"""``raw_documents`` and ``quarantined_documents``: every file of a landing batch ends up in one or the other."""

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg
import polars as pl

from llm_assets.core import compute
from llm_assets.core.fingerprints import subject_rows
from llm_assets.core.lineage import erased
from llm_assets.core.metadata import markdown_table
from llm_assets.core.partitions import landing_batches
from llm_assets.ingestion.parsing import ParsedDocument, Quarantined, parse_file
from resources.alerts import Alert, AlertChannels
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
INVENTORY_SCHEMA = {
    "batch_id": pl.String,
    "path": pl.String,
    "entry_type": pl.String,
    "size_bytes": pl.Int64,
    "outcome": pl.String,  # read, quarantined, ignored, walked
    "reason": pl.String,  # the quarantine reason or the ignore rule
    "documents": pl.Int64,
    "quarantined_records": pl.Int64,
    "listed_at": pl.Datetime("us", "UTC"),
}


def _already_ingested(warehouse: DuckDBWarehouse, batch: str, doc_ids: list[str]) -> dict[str, str]:
    """doc_id -> batch for documents that other batches already brought in."""
    if not doc_ids:
        return {}
    rows = warehouse.select(
        "raw", "raw_documents", columns=["doc_id", "batch_id"], is_in={"doc_id": doc_ids}, not_equal={"batch_id": batch}
    )
    return dict(rows.unique().iter_rows()) if rows is not None else {}


@dataclass
class BatchRead:
    kept: list[ParsedDocument]
    subjects: list[dict]
    bad: list[Quarantined]
    inventory: list[dict]


def _read_batch(
    batch: str,
    landing_zone: LandingZone,
    warehouse: DuckDBWarehouse,
    earlier: dict[str, str],
    key: bytes,
    tombstones: tuple[dict[str, str], dict[str, str]],
) -> BatchRead:
    """Every entry of one landing batch: documents kept (with their subject-index rows), inputs quarantined, and one
    inventory row per directory entry saying which."""
    docs: list[ParsedDocument] = []
    bad: list[Quarantined] = []
    inventory: list[dict] = []
    for entry in landing_zone.entries(batch):
        row = {
            "batch_id": batch,
            "path": entry.rel_path,
            "entry_type": entry.kind,
            "size_bytes": entry.size,
            "outcome": entry.outcome,
            "reason": entry.reason,
            "documents": 0,
            "quarantined_records": 0,
        }
        inventory.append(row)
        if entry.outcome == "quarantined":
            bad.append(Quarantined(entry.rel_path, entry.kind, None, entry.reason, entry.detail, ""))
            continue
        if entry.outcome != "read" or entry.real_path is None:
            continue
        items = list(parse_file(entry.real_path, entry.rel_path, landing_zone.max_file_bytes))
        row["documents"] = sum(isinstance(i, ParsedDocument) for i in items)
        row["quarantined_records"] = len(items) - row["documents"]
        if not row["documents"] and items:
            row["outcome"], row["reason"] = "quarantined", items[0].reason  # the whole file, not a record of it
        for item in items:
            (docs if isinstance(item, ParsedDocument) else bad).append(item)

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
    return BatchRead(kept, subjects, bad, inventory)


def _quarantine_spike_alert(
    context: dg.AssetExecutionContext, alerts: AlertChannels, kept: int, reasons: Counter
) -> dict[str, str]:
    """Alerts when the run quarantined more than the configured share of its records (reasons and counts only:
    file names can hold personal data)."""
    quarantined = sum(reasons.values())
    share = quarantined / max(1, kept + quarantined)
    if not quarantined or share <= alerts.quarantine_spike_share:
        return {}
    return alerts.send(
        Alert(
            "quarantine_spike",
            f"{quarantined} of {kept + quarantined} records quarantined ({share:.0%})",
            {
                "batches": ", ".join(context.partition_keys),
                "records_in": kept + quarantined,
                "quarantined": quarantined,
                "share": round(share, 4),
                "threshold": alerts.quarantine_spike_share,
                **{f"reason/{r}": n for r, n in reasons.most_common()},
                "dagster_run_id": context.run_id,
            },
            severity="warning",
        ),
        context.log,
    )


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
        "landing_inventory": dg.AssetOut(
            group_name="ingestion",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "raw"},
            description="One row per directory entry of each landing batch: kept, quarantined (with the reason) or "
            "ignored by a named rule; the books entries_seen = kept + quarantined + ignored_by_rule.",
        ),
    },
    # erased documents and subjects never come back in
    deps=["erased_documents", "tombstone_subjects"],
    partitions_def=landing_batches,
    backfill_policy=dg.BackfillPolicy.single_run(),
    op_tags=compute.INGESTION,
    description="Reads one landing batch: every directory entry is kept, quarantined or ignored by a rule; files "
    "parse into documents (JSONL, JSON, CSV/TSV, TXT, Markdown, EML, HTML, PDF, DOCX) or quarantine rows.",
)
def ingest_landing_batch(
    context: dg.AssetExecutionContext,
    landing_zone: LandingZone,
    warehouse: DuckDBWarehouse,
    governance_keys: GovernanceKeys,
    alerts: AlertChannels,
):
    now = datetime.now(UTC)
    raw_rows, quarantine_rows, subject_index, inventory_rows = [], [], [], []
    encodings: Counter = Counter()
    earlier: dict[str, str] = {}
    key = governance_keys.secret()
    tombstones = erased(warehouse)
    for batch in context.partition_keys:
        read = _read_batch(batch, landing_zone, warehouse, earlier, key, tombstones)
        subject_index += read.subjects
        earlier.update({d.doc_id: batch for d in read.kept})
        encodings.update(d.encoding for d in read.kept)
        inventory_rows += [{**r, "outcome": "kept" if r["outcome"] == "read" else r["outcome"], "listed_at": now}
                           for r in read.inventory]  # fmt: skip
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
            for d in read.kept
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
            for q in read.bad
        ]
        if read.bad:
            context.log.warning(
                f"batch {batch}: {len(read.bad)} input(s) quarantined, by reason: "
                + ", ".join(f"{r} {n}" for r, n in Counter(q.reason for q in read.bad).most_common())
            )

    raw = pl.DataFrame(raw_rows, schema=RAW_SCHEMA)
    quarantine = pl.DataFrame(quarantine_rows, schema=QUARANTINE_SCHEMA)
    inventory = pl.DataFrame(inventory_rows, schema=INVENTORY_SCHEMA)
    reasons = Counter(quarantine["reason"].to_list())
    formats = Counter(raw["source_format"].to_list())
    entries = inventory.filter(pl.col("outcome") != "walked")
    outcomes = Counter(entries["outcome"].to_list())
    rules = Counter(entries.filter(pl.col("outcome") == "ignored")["reason"].to_list())
    delivered = _quarantine_spike_alert(context, alerts, raw.height, reasons)
    yield dg.Output(
        raw,
        output_name="raw_documents",
        metadata={
            "dagster/row_count": raw.height,
            "records_in": raw.height + quarantine.height,
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
            "alerts": dg.MetadataValue.json(delivered),
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
    yield dg.Output(
        inventory,
        output_name="landing_inventory",
        metadata={
            "dagster/row_count": inventory.height,
            "entries_seen": entries.height,
            "kept": outcomes.get("kept", 0),
            "quarantined": outcomes.get("quarantined", 0),
            "ignored_by_rule": outcomes.get("ignored", 0),
            "folders_walked": inventory.height - entries.height,
            "ignore_rules": dg.MetadataValue.json(dict(rules)),
            "entry_types": dg.MetadataValue.json(dict(Counter(entries["entry_type"].to_list()))),
        },
    )
