"""``raw_documents`` and ``quarantined_documents``: every file of a landing batch ends up in one or the other.

Nothing that comes in can fail a batch: every name and value is valid text by the time it reaches a row (see
``core/documents/text.py``), and each entry and each document is read under isolation that turns any exception into a
quarantine row (``ingestion_error``). Names are data: a batch's partition key is a keyed hash of its folder name
(``core/partitions.py``); the readable name and the file names stay in the raw zone (``landing_batch_names``,
``landing_inventory``, ``quarantined_documents``), and what leaves it (Dagster metadata) carries keyed references.
"""

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import polars as pl

from llm_assets.core import k8s
from llm_assets.core.documents.inventory import Entry, walk
from llm_assets.core.documents.mapping import MappingError, mapping_applied
from llm_assets.core.documents.parsing import ParsedDocument, Quarantined, parse_file
from llm_assets.core.documents.text import name_text, path_ref
from llm_assets.core.fingerprints import subject_rows
from llm_assets.core.lineage import erased
from llm_assets.core.partitions import is_landing_batch_key, landing_batch_key, landing_batches
from llm_assets.core.rendering import markdown_table
from llm_assets.core.tables import table_out
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
    "path_ref": pl.String,  # the keyed reference Dagster's metadata shows instead of the path
}
SUBJECT_SCHEMA = {"doc_id": pl.String, "batch_id": pl.String, "kind": pl.String, "subject_key": pl.String}
INVENTORY_SCHEMA = {
    "batch_id": pl.String,
    "path": pl.String,
    "entry_type": pl.String,
    "size_bytes": pl.Int64,
    "outcome": pl.String,  # read, quarantined, ignored, walked
    "reason": pl.String,  # the quarantine reason or the ignore rule
    "documents": pl.Int64,  # documents kept from it (= its rows in raw_documents)
    "quarantined_records": pl.Int64,  # its records quarantined (malformed, duplicate, erased, ...)
    "listed_at": pl.Datetime("us", "UTC"),
    "path_ref": pl.String,
    "escaped_values": pl.Int64,  # its name and values that were not valid text, escaped (see core/documents/text.py)
}
NAMES_SCHEMA = {
    "batch_id": pl.String,  # the partition key: landing_batch_key(governance key, folder name)
    "folder_name": pl.String,  # readable (a byte that is not UTF-8 written \\xNN)
    "name_escaped": pl.Boolean,
    "folder_bytes": pl.String,  # the name's bytes, hex: finds the folder again even after a key rotation
    "resolved_at": pl.Datetime("us", "UTC"),
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
    path_refs: dict[str, str] = field(default_factory=dict)  # rel path (files and attachments) -> keyed reference


def landing_folders(root: Path, secret: bytes) -> dict[str, bytes]:
    """Partition key -> folder name (bytes) of every folder (or link to one) directly under the landing root."""
    found: dict[str, bytes] = {}
    try:
        with os.scandir(root) as it:
            listing = list(it)
    except OSError:
        return {}
    for entry in listing:
        try:
            if entry.is_dir() or entry.is_symlink():
                found[landing_batch_key(secret, entry.name)] = os.fsencode(entry.name)
        except OSError:
            continue
    return found


def resolve_folders(warehouse: DuckDBWarehouse, root: Path, keys: list[str], secret: bytes) -> dict[str, bytes]:
    """The landing folder of each partition key: the raw zone's ``landing_batch_names`` first (a folder seen before,
    even under an earlier governance key), else the landing root's folders, hashed. Keys without a folder are
    left out."""
    known = warehouse.select(
        "raw", "landing_batch_names", columns=["batch_id", "folder_bytes"], is_in={"batch_id": keys}
    )
    folders = {k: bytes.fromhex(h) for k, h in known.iter_rows()} if known is not None else {}
    folders = {k: name for k, name in folders.items() if os.path.lexists(os.path.join(os.fsencode(root), name))}
    if set(keys) - set(folders):
        on_disk = landing_folders(root, secret)
        folders.update({k: on_disk[k] for k in keys if k not in folders and k in on_disk})
    return folders


def _entries(folder: Path, landing_zone: LandingZone) -> list[Entry]:
    """The walk of one batch folder; a walk that breaks (it should not) leaves what it listed and says so."""
    entries: list[Entry] = []
    try:
        entries.extend(walk(folder, Path(landing_zone.path), landing_zone.allow_hard_links))
    except Exception as exc:  # noqa: BLE001  (one broken listing never fails the run)
        entries.append(
            Entry(".", "directory", None, "quarantined", "unreadable", f"listing stopped: {type(exc).__name__}")
        )
    return entries


def _read_entry(entry: Entry, landing_zone: LandingZone) -> list[ParsedDocument | Quarantined]:
    """One file's documents and quarantine rows; any exception is that file's quarantine row, never the batch's."""
    try:
        return list(parse_file(entry.real_path, entry.rel_path, landing_zone.max_file_bytes, entry.identity))
    except Exception as exc:  # noqa: BLE001
        return [Quarantined(entry.rel_path, "", None, "ingestion_error", f"{type(exc).__name__} while reading", "")]


def _parse_entries(batch: str, folder: Path | None, landing_zone: LandingZone, key: bytes):
    """Each directory entry of the batch as an inventory row; the documents parsed from the entries that are read
    (each with its row) and the inputs quarantined on the way; the keyed reference of every path."""
    docs: list[tuple[ParsedDocument, dict]] = []
    bad: list[Quarantined] = []
    inventory: list[dict] = []
    refs: dict[str, str] = {}
    if folder is None:
        entries = [Entry(".", "directory", None, "quarantined", "batch_folder_missing",
                         "no landing folder has this key: moved, deleted, or the governance key changed")]  # fmt: skip
    else:
        entries = _entries(folder, landing_zone)
    for entry in entries:
        ref = refs.setdefault(entry.rel_path, path_ref(key, batch, entry.rel_path))
        row = {
            "batch_id": batch,
            "path": entry.rel_path,
            "entry_type": entry.kind,
            "size_bytes": entry.size,
            "outcome": entry.outcome,
            "reason": entry.reason,
            "documents": 0,
            "quarantined_records": 0,
            "path_ref": ref,
            "escaped_values": int(entry.escaped),
        }
        inventory.append(row)
        if entry.outcome == "quarantined":
            bad.append(Quarantined(entry.rel_path, entry.kind, None, entry.reason, entry.detail, ""))
            row["quarantined_records"] = 1
            continue
        if entry.outcome != "read" or entry.real_path is None:
            continue
        row["first_reason"] = ""
        for item in _read_entry(entry, landing_zone):
            if isinstance(item, ParsedDocument):
                docs.append((item, row))
                row["escaped_values"] += item.escaped
            else:
                bad.append(item)
                row["quarantined_records"] += 1
                row["first_reason"] = row["first_reason"] or item.reason

    return docs, bad, inventory, refs


def _read_batch(
    batch: str,
    folder: Path | None,
    landing_zone: LandingZone,
    warehouse: DuckDBWarehouse,
    earlier: dict[str, str],
    key: bytes,
    tombstones: tuple[dict[str, str], dict[str, str]],
) -> BatchRead:
    """Every entry of one landing batch (``batch`` its partition key, ``folder`` its folder): documents kept (with
    their subject-index rows), inputs quarantined, and one inventory row per directory entry saying which. The
    inventory agrees with the tables: a file is ``kept`` when documents of it are in raw_documents, else it is
    quarantined with the reason of its first quarantined record (``duplicate`` for a copy)."""
    docs, bad, inventory, refs = _parse_entries(batch, folder, landing_zone, key)
    seen: dict[str, ParsedDocument] = {}
    kept: list[ParsedDocument] = []
    subjects: list[dict] = []
    erased_docs, erased_subjects = tombstones
    # other batches: already in the warehouse, or read earlier in this same (multi-batch) run
    elsewhere = {**_already_ingested(warehouse, batch, [d.doc_id for d, _ in docs]), **earlier}
    for d, row in docs:
        try:
            reason, detail, rows = _screen(d, seen, elsewhere, key, batch, erased_docs, erased_subjects)
        except Exception as exc:  # noqa: BLE001  (one document never fails the batch)
            reason, detail, rows = "ingestion_error", f"{type(exc).__name__} while indexing", []
        if reason:
            bad.append(Quarantined(d.source_path, d.source_format, d.record_no, reason, detail, d.doc_id))
            row["quarantined_records"] += 1
            row["first_reason"] = row["first_reason"] or reason
            continue
        seen[d.doc_id] = d
        kept.append(d)
        subjects += rows
        row["documents"] += 1
    for row in inventory:
        first = row.pop("first_reason", None)
        if row["outcome"] == "read" and not row["documents"]:
            # the whole file, not a record of it: quarantined, with its first record's reason
            row["outcome"], row["reason"] = "quarantined", first or "no_records"
    for q in bad:
        refs.setdefault(q.source_path, path_ref(key, batch, q.source_path))
    return BatchRead(kept, subjects, bad, inventory, refs)


def _screen(
    d: ParsedDocument,
    seen: dict[str, ParsedDocument],
    elsewhere: dict[str, str],
    key: bytes,
    batch: str,
    erased_docs: dict[str, str],
    erased_subjects: dict[str, str],
) -> tuple[str, str, list[dict]]:
    """(quarantine reason or '', detail, subject-index rows) of one parsed document: a duplicate, an erased one, or
    one to keep."""
    first = seen.get(d.doc_id)
    if first is not None:
        return "duplicate", f"same content as {first.source_path} record {first.record_no}", []
    if d.doc_id in elsewhere:
        return "duplicate", f"already ingested in batch {elsewhere[d.doc_id]}", []
    rows = subject_rows(key, d.doc_id, batch, d.text, json.dumps(d.fields))
    stone = erased_docs.get(d.doc_id) or next(
        (erased_subjects[r["subject_key"]] for r in rows if r["subject_key"] in erased_subjects), None
    )
    if stone is not None:
        # an erased document, or a data subject that asked to be forgotten: tombstones outlive re-ingestion
        return "erased", f"tombstone {stone}", []
    return "", "", rows


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


@dataclass(frozen=True)
class IngestionRecord:
    """What one ingestion run read: every table it writes, and the figures its metadata shows."""

    batches: list[str]
    raw: pl.DataFrame
    quarantine: pl.DataFrame
    subjects: pl.DataFrame
    inventory: pl.DataFrame
    names: pl.DataFrame
    encodings: Counter
    mapping: dict[str, str] = field(default_factory=dict)  # role -> the corpus's column, for the roles mapped

    @property
    def reasons(self) -> Counter:
        return Counter(self.quarantine["reason"].to_list())

    def raw_metadata(self) -> dict:
        return {
            "dagster/row_count": self.raw.height,
            "records_in": self.raw.height + self.quarantine.height,
            "kept": self.raw.height,
            "quarantined": self.quarantine.height,
            "by_format": dg.MetadataValue.json(dict(Counter(self.raw["source_format"].to_list()))),
            "by_encoding": dg.MetadataValue.json(dict(self.encodings)),
            "batches": dg.MetadataValue.json(self.batches),
            "corpus_mapping": dg.MetadataValue.json(self.mapping),
        }

    def quarantine_metadata(self) -> dict:
        q = self.quarantine
        return {
            "dagster/row_count": q.height,
            "by_reason": dg.MetadataValue.json(dict(self.reasons)),
            **{f"quarantined/{k}": v for k, v in sorted(self.reasons.items())},
            # file names are raw-zone data: the table shows their keyed references (path_ref in the raw tables),
            # and never the detail (it may name another file)
            "quarantine": dg.MetadataValue.md(
                markdown_table(
                    ["batch", "file (keyed reference)", "record", "reason"],
                    q.select("batch_id", "path_ref", "record_no", "reason").head(50).rows(),
                )
                if q.height
                else "nothing quarantined"
            ),
        }

    def subjects_metadata(self) -> dict:
        kinds = Counter(self.subjects["kind"].to_list())
        return {
            "dagster/row_count": self.subjects.height,
            "documents_indexed": self.subjects["doc_id"].n_unique(),
            **{f"identifiers/{k}": v for k, v in sorted(kinds.items())},
        }

    def inventory_metadata(self) -> dict:
        entries = self.inventory.filter(pl.col("outcome") != "walked")
        outcomes = Counter(entries["outcome"].to_list())
        rules = Counter(entries.filter(pl.col("outcome") == "ignored")["reason"].to_list())
        return {
            "dagster/row_count": self.inventory.height,
            "entries_seen": entries.height,
            "kept": outcomes.get("kept", 0),
            "quarantined": outcomes.get("quarantined", 0),
            "ignored_by_rule": outcomes.get("ignored", 0),
            "folders_walked": self.inventory.height - entries.height,
            "ignore_rules": dg.MetadataValue.json(dict(rules)),
            "entry_types": dg.MetadataValue.json(dict(Counter(entries["entry_type"].to_list()))),
            "escaped_values": int(self.inventory["escaped_values"].sum() or 0),
        }

    def names_metadata(self) -> dict:
        return {"batches": self.names.height, "names_escaped": int(self.names["name_escaped"].sum() or 0)}


def _raw_rows(read, batch: str, now: datetime) -> list[dict]:
    return [
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


def _quarantine_rows(read, batch: str, now: datetime) -> list[dict]:
    return [
        {
            "batch_id": batch,
            "source_path": q.source_path,
            "source_format": q.source_format,
            "record_no": q.record_no,
            "reason": q.reason,
            "detail": q.detail,
            "content_sha256": q.content_sha256,
            "quarantined_at": now,
            "path_ref": read.path_refs[q.source_path],
        }
        for q in read.bad
    ]


def ingest(
    batches: list[str], landing_zone: LandingZone, warehouse: DuckDBWarehouse, key: bytes, log
) -> IngestionRecord:
    """Reads the landing batches ``batches`` (partition keys): every directory entry kept, quarantined or ignored by a
    rule; erased documents and subjects kept out; each document's subject identifiers indexed by keyed hash."""
    now = datetime.now(UTC)
    raw_rows, quarantine_rows, subject_index, inventory_rows, name_rows = [], [], [], [], []
    encodings: Counter = Counter()
    earlier: dict[str, str] = {}
    tombstones = erased(warehouse)
    root = Path(landing_zone.path)
    folders = resolve_folders(warehouse, root, list(batches), key)
    with mapping_applied(landing_zone.field_mapping()) as mapping_check:
        for batch in batches:
            name = folders.get(batch)
            folder = Path(os.fsdecode(os.path.join(os.fsencode(root), name))) if name is not None else None
            if name is not None:
                readable, escaped = name_text(name)
                name_rows.append({"batch_id": batch, "folder_name": readable, "name_escaped": escaped,
                                  "folder_bytes": name.hex(), "resolved_at": now})  # fmt: skip
            else:
                log.warning(f"batch {batch}: no landing folder has this key (quarantined as batch_folder_missing)")
            read = _read_batch(batch, folder, landing_zone, warehouse, earlier, key, tombstones)
            subject_index += read.subjects
            earlier.update({d.doc_id: batch for d in read.kept})
            encodings.update(d.encoding for d in read.kept)
            inventory_rows += [{**r, "outcome": "kept" if r["outcome"] == "read" else r["outcome"], "listed_at": now}
                               for r in read.inventory]  # fmt: skip
            raw_rows += _raw_rows(read, batch, now)
            quarantine_rows += _quarantine_rows(read, batch, now)
            if read.bad:
                log.warning(
                    f"batch {batch}: {len(read.bad)} input(s) quarantined, by reason: "
                    + ", ".join(f"{r} {n}" for r, n in Counter(q.reason for q in read.bad).most_common())
                )
    mapping_check.raise_if_wrong()
    names = pl.DataFrame(name_rows, schema=NAMES_SCHEMA)
    gone = [b for b in batches if b not in folders]
    earlier_names = warehouse.select("raw", "landing_batch_names", is_in={"batch_id": gone}) if gone else None
    if earlier_names is not None and earlier_names.height:  # a folder gone keeps its row: the batch had a name
        names = pl.concat([names, earlier_names.select(list(NAMES_SCHEMA)).cast(NAMES_SCHEMA)])

    raw = pl.DataFrame(raw_rows, schema=RAW_SCHEMA)
    subjects = pl.DataFrame(subject_index, schema=SUBJECT_SCHEMA)
    quarantine = pl.DataFrame(quarantine_rows, schema=QUARANTINE_SCHEMA)
    inventory = pl.DataFrame(inventory_rows, schema=INVENTORY_SCHEMA)
    mapping = mapping_check.mapping
    return IngestionRecord(list(batches), raw, quarantine, subjects, inventory, names, encodings,
                           {**mapping.columns(), **({"passthrough": ", ".join(mapping.passthrough)}
                                                    if mapping.passthrough else {})})  # fmt: skip


@dg.multi_asset(
    outs={
        "raw_documents": table_out(
            "ingestion",
            "raw",
            "Documents of the landing zone, one row per ticket, raw (PII included). Raw zone only.",
        ),
        "quarantined_documents": table_out(
            "ingestion",
            "raw",
            "Inputs that could not become documents, each with a reason. Never holds their content.",
        ),
        "subject_index": table_out(
            "ingestion",
            "raw",
            "Keyed hashes of the data-subject identifiers (email, customer id, name, phone) of each raw "
            "document: how erasure finds a subject's documents without storing the identifier anywhere else.",
        ),
        "landing_inventory": table_out(
            "ingestion",
            "raw",
            "One row per directory entry of each landing batch: kept, quarantined (with the reason) or "
            "ignored by a named rule; the books entries_seen = kept + quarantined + ignored_by_rule.",
        ),
        "landing_batch_names": table_out(
            "ingestion",
            "raw",
            "The readable name of each landing batch's folder, by its opaque partition key (a keyed hash "
            "of the name). Raw zone only: everything else, Dagster's runs and tags included, carries the key.",
        ),
    },
    # erased documents and subjects never come back in
    deps=["erased_documents", "tombstone_subjects"],
    partitions_def=landing_batches,
    backfill_policy=dg.BackfillPolicy.single_run(),
    op_tags=k8s.INGESTION,
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
    if not all(is_landing_batch_key(b) for b in context.partition_keys):
        raise dg.Failure(
            "a partition key that is not a landing batch key (lb- and 20 hex characters): a folder name must not "
            "travel as a partition key; register folders with llm_assets.core.partitions.landing_batch_key"
        )
    try:
        record = ingest(list(context.partition_keys), landing_zone, warehouse, governance_keys.secret(), context.log)
    except MappingError as exc:
        raise dg.Failure(str(exc)) from None
    delivered = _quarantine_spike_alert(context, alerts, record.raw.height, record.reasons)
    yield dg.Output(record.raw, output_name="raw_documents", metadata=record.raw_metadata())
    yield dg.Output(
        record.quarantine,
        output_name="quarantined_documents",
        metadata={**record.quarantine_metadata(), "alerts": dg.MetadataValue.json(delivered)},
    )
    yield dg.Output(record.subjects, output_name="subject_index", metadata=record.subjects_metadata())
    yield dg.Output(record.inventory, output_name="landing_inventory", metadata=record.inventory_metadata())
    yield dg.Output(record.names, output_name="landing_batch_names", metadata=record.names_metadata())
