"""Record-level lineage in the warehouse's ``governance`` schema, and the questions auditors ask of it.

- ``train.training_set_members``: which document (and anonymizer configuration) fed which split of each
  training-set version (written by ``training_set``).
- ``governance.training_set_versions``: each version's configuration, inputs, filter and dedupe counts, split sizes.
- ``governance.adapters``: each adapter, the training-set version it consumed, its runs and code version.
- ``governance.model_versions``: each registered version with its Dagster and MLflow run ids, code version,
  evaluation and memorization results, and the promotion decision.
- ``governance.privacy_checks``: the residual-PII check of each anonymization run, per batch.
- ``governance.tombstones`` / ``tombstone_subjects`` / ``erased_documents`` / ``taints``: erasures (subjects by keyed
  hash), the documents they removed and the model versions they tainted.

Nothing here holds a raw value: documents are named by their content hash, subjects by a keyed hash.
"""

from __future__ import annotations

import functools
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from resources.warehouse import DuckDBWarehouse, frame

SCHEMA = "governance"
MEMBERS = ("train", "training_set_members")
SUBJECT_INDEX = ("raw", "subject_index")
PII_FINGERPRINTS = ("anon", "pii_fingerprints")


@functools.cache
def code_version() -> str:
    """The git commit of the code that runs (``-dirty`` when the tree has changes), or ``$LLMP_CODE_VERSION``."""
    from llm_assets.settings import code_version_override

    if override := code_version_override():
        return override
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"package-{version('governed-llm-finetuning')}"
        except PackageNotFoundError:
            return "unknown"


def now() -> datetime:
    return datetime.now(UTC)


def ledger_rows(rows: list[dict]) -> pl.DataFrame:
    """Rows of a ledger table (written by the warehouse IO manager as an asset output); dicts and lists as JSON."""
    return pl.DataFrame(
        [
            {k: json.dumps(v, sort_keys=True, default=str) if isinstance(v, dict | list) else v for k, v in r.items()}
            for r in rows
        ]
    )


def record(warehouse: DuckDBWarehouse, table: str, row: dict, keys: list[str]) -> None:
    """Inserts (or replaces, by ``keys``) one row of a governance ledger from an op outside the asset graph (the
    erasure job, which then reports the ledger's materialization)."""
    warehouse.upsert(SCHEMA, table, ledger_rows([row]), keys)


def read(warehouse: DuckDBWarehouse, table: str, where: str = "", params: list | None = None) -> pl.DataFrame:
    df = warehouse.read(SCHEMA, table, where, params)
    return df if df is not None else pl.DataFrame()


def model_version(warehouse: DuckDBWarehouse, model_name: str, version: str) -> dict | None:
    df = read(warehouse, "model_versions", "where model_name = ? and version = ?", [model_name, str(version)])
    return df.row(0, named=True) if df.height else None


def docs_of_training_set(warehouse: DuckDBWarehouse, training_set_version: str, splits: tuple[str, ...]) -> list[str]:
    members = version_members(warehouse, training_set_version)
    return sorted(set(members.filter(pl.col("split").is_in(list(splits)))["doc_id"].to_list()))


def version_members(warehouse: DuckDBWarehouse, version: str) -> pl.DataFrame:
    """(version, doc_id, example_id, split, recorded_at) of one training-set version (empty if unknown)."""
    df = warehouse.read(*MEMBERS, "where version = ?", [version])
    if df is None:
        return pl.DataFrame(
            schema={
                "version": pl.String,
                "doc_id": pl.String,
                "example_id": pl.String,
                "split": pl.String,
                "recorded_at": pl.Datetime("us", "UTC"),
            }
        )
    return df.select("version", "doc_id", "example_id", "split", "recorded_at")


def latest_training_set_version(warehouse: DuckDBWarehouse) -> str | None:
    """The most recently recorded training-set version, if any."""
    df = warehouse.read(*MEMBERS, "order by recorded_at desc limit 1")
    return df["version"][0] if df is not None and df.height else None


def versions_of_docs(warehouse: DuckDBWarehouse, doc_ids: list[str]) -> pl.DataFrame:
    """Registered model versions whose training set held any of ``doc_ids``: one row per (version, doc, split)."""
    empty = pl.DataFrame(
        schema={
            "model_name": pl.String,
            "version": pl.String,
            "training_set_version": pl.String,
            "doc_id": pl.String,
            "split": pl.String,
            "decision": pl.String,
        }
    )
    if not doc_ids:
        return empty
    with warehouse.connect() as con:
        if not (warehouse.table_exists(con, *MEMBERS) and warehouse.table_exists(con, SCHEMA, "model_versions")):
            return empty
        con.register("_docs", pl.DataFrame({"doc_id": doc_ids}).to_arrow())
        df = frame(
            con,
            f"""
            select distinct v.model_name, v.version, v.training_set_version, m.doc_id, m.split, v.decision
            from {MEMBERS[0]}.{MEMBERS[1]} m
            join _docs using (doc_id)
            join {SCHEMA}.model_versions v on v.training_set_version = m.version
            order by cast(v.version as integer), m.doc_id
            """,
        )
    return df if df.height else empty


def docs_of_subject(warehouse: DuckDBWarehouse, subject_keys: list[str]) -> pl.DataFrame:
    """(doc_id, batch_id, found_by) of documents whose subject index or PII fingerprints hold any of the keys."""
    parts, frames = [], []
    with warehouse.connect() as con:
        con.register("_keys", pl.DataFrame({"k": subject_keys}, schema={"k": pl.String}).to_arrow())
        if warehouse.table_exists(con, *SUBJECT_INDEX):
            parts.append(
                f"select doc_id, batch_id, 'subject_index:' || kind as found_by from {SUBJECT_INDEX[0]}."
                f"{SUBJECT_INDEX[1]} where subject_key in (select k from _keys)"
            )
        if warehouse.table_exists(con, *PII_FINGERPRINTS):
            parts.append(
                f"select doc_id, batch_id, 'fingerprint:' || entity_type as found_by from {PII_FINGERPRINTS[0]}."
                f"{PII_FINGERPRINTS[1]} where fingerprint in (select k from _keys)"
            )
        if parts:
            frames.append(frame(con, " union ".join(parts)))
    if not frames:
        return pl.DataFrame(schema={"doc_id": pl.String, "batch_id": pl.String, "found_by": pl.String})
    return frames[0].unique().sort("doc_id", "found_by")


def pii_fingerprints(warehouse: DuckDBWarehouse) -> pl.DataFrame:
    """The keyed fingerprints of every redacted value (empty before the first anonymization)."""
    df = warehouse.read(*PII_FINGERPRINTS)
    if df is None:
        return pl.DataFrame(
            schema={
                "doc_id": pl.String,
                "batch_id": pl.String,
                "entity_type": pl.String,
                "fingerprint": pl.String,
                "words": pl.Int64,
            }
        )
    return df


def erased(warehouse: DuckDBWarehouse) -> tuple[dict[str, str], dict[str, str]]:
    """(erased doc_id -> tombstone id, subject key -> tombstone id): what ingestion must keep out."""
    docs = read(warehouse, "erased_documents")
    subjects = read(warehouse, "tombstone_subjects")
    return (
        dict(zip(docs["doc_id"].to_list(), docs["tombstone_id"].to_list(), strict=True)) if docs.height else {},
        dict(zip(subjects["subject_key"].to_list(), subjects["tombstone_id"].to_list(), strict=True))
        if subjects.height
        else {},
    )
