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
import math
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from llm_assets.core.ports import Warehouse

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


def record(warehouse: Warehouse, table: str, row: dict, keys: list[str]) -> None:
    """Inserts (or replaces, by ``keys``) one row of a governance ledger from an op outside the asset graph (the
    erasure job, which then reports the ledger's materialization)."""
    warehouse.upsert(SCHEMA, table, ledger_rows([row]), keys)


def recorded_epochs(value) -> float | None:
    """A version's ``data_epochs`` as recorded (registry tag string, ledger number), or None where it is missing or not
    a finite number (versions registered before it was recorded; NaN in the ledgers)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def describe_epochs(value) -> str:
    epochs = recorded_epochs(value)
    return "not recorded" if epochs is None else f"{epochs:g} passes over its data"


# a registered version that passed the gate and waits for a human decision (model_approvals)
PENDING_APPROVAL = "pending_approval"

# a served request's candidate training example, as a document of the training set
FEEDBACK_DOC_PREFIX = "feedback-"


def read(warehouse: Warehouse, table: str, **filters) -> pl.DataFrame:
    """Rows of a governance ledger matching ``filters`` (``equals=``, ``is_in=``…, see ``DuckDBWarehouse.select``)."""
    df = warehouse.select(SCHEMA, table, **filters)
    return df if df is not None else pl.DataFrame()


def model_version(warehouse: Warehouse, model_name: str, version: str) -> dict | None:
    df = read(warehouse, "model_versions", equals={"model_name": model_name, "version": str(version)})
    return df.row(0, named=True) if df.height else None


def effective_decisions(warehouse: Warehouse, model_name: str) -> dict[str, str]:
    """version -> the gate's decision, or the human one (approved / rejected) for a version that waited for it."""
    versions = read(warehouse, "model_versions", equals={"model_name": model_name})
    if not versions.height:
        return {}
    decisions = dict(zip(versions["version"].to_list(), versions["decision"].to_list(), strict=True))
    approvals = read(warehouse, "model_approvals", equals={"model_name": model_name})
    if approvals.height:
        decisions |= dict(zip(approvals["version"].to_list(), approvals["decision"].to_list(), strict=True))
    return decisions


def effective_decision(warehouse: Warehouse, model_name: str, version: str) -> str | None:
    return effective_decisions(warehouse, model_name).get(str(version))


def docs_of_training_set(warehouse: Warehouse, training_set_version: str, splits: tuple[str, ...]) -> list[str]:
    members = version_members(warehouse, training_set_version)
    return sorted(set(members.filter(pl.col("split").is_in(list(splits)))["doc_id"].to_list()))


def version_members(warehouse: Warehouse, version: str) -> pl.DataFrame:
    """(version, doc_id, example_id, split, recorded_at) of one training-set version (empty if unknown)."""
    df = warehouse.select(*MEMBERS, equals={"version": version})
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


def latest_training_set_version(warehouse: Warehouse) -> str | None:
    """The most recently recorded training-set version, if any."""
    df = warehouse.select(*MEMBERS, columns=["version"], order_by=["recorded_at"], descending=True, limit=1)
    return df["version"][0] if df is not None and df.height else None


def versions_of_docs(warehouse: Warehouse, doc_ids: list[str]) -> pl.DataFrame:
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
    members = warehouse.select(*MEMBERS, columns=["version", "doc_id", "split"], is_in={"doc_id": doc_ids})
    versions = read(warehouse, "model_versions")
    if members is None or not members.height or not versions.height:
        return empty
    df = (
        versions.select("model_name", "version", "training_set_version", "decision")
        .join(members.rename({"version": "training_set_version"}), on="training_set_version")
        .select(list(empty.columns))
        .unique()
        .sort(pl.col("version").cast(pl.Int64), "doc_id")
    )
    return df if df.height else empty


def docs_of_subject(warehouse: Warehouse, subject_keys: list[str]) -> pl.DataFrame:
    """(doc_id, batch_id, found_by) of documents whose subject index or PII fingerprints hold any of the keys."""
    found = []
    index = warehouse.select(
        *SUBJECT_INDEX, columns=["doc_id", "batch_id", "kind"], is_in={"subject_key": subject_keys}
    )
    if index is not None:
        found.append(index.select("doc_id", "batch_id", ("subject_index:" + pl.col("kind")).alias("found_by")))
    prints = warehouse.select(
        *PII_FINGERPRINTS, columns=["doc_id", "batch_id", "entity_type"], is_in={"fingerprint": subject_keys}
    )
    if prints is not None:
        found.append(prints.select("doc_id", "batch_id", ("fingerprint:" + pl.col("entity_type")).alias("found_by")))
    schema = {"doc_id": pl.String, "batch_id": pl.String, "found_by": pl.String}
    if not found:
        return pl.DataFrame(schema=schema)
    return pl.concat([f.cast(schema) for f in found]).unique().sort("doc_id", "found_by")


TRAFFIC_TABLES = (("monitoring", "inference_log"), ("monitoring", "user_feedback"))


def requests_of_subject(warehouse: Warehouse, subject_keys: list[str]) -> list[str]:
    """Served requests (and feedback) whose replaced values include any of the keys: the server logs the keyed
    fingerprints of every value it replaced, made with the same function as the subject index."""
    found: set[str] = set()
    for schema, table in TRAFFIC_TABLES:
        rows = warehouse.select(schema, table, columns=["request_id", "pii_fingerprints"])
        if rows is not None and rows.height and subject_keys:
            hits = rows.filter(pl.col("pii_fingerprints").fill_null("").str.contains_any(subject_keys))
            found |= set(hits["request_id"].to_list())
    return sorted(found)


def erased_requests(warehouse: Warehouse) -> set[str]:
    """Request ids an erasure removed (recorded as ``feedback-<request id>`` documents): never ingested again."""
    df = read(warehouse, "erased_documents", columns=["doc_id"])
    if not df.height:
        return set()
    return {d.removeprefix(FEEDBACK_DOC_PREFIX) for d in df["doc_id"].to_list() if d.startswith(FEEDBACK_DOC_PREFIX)}


def pii_fingerprints(warehouse: Warehouse) -> pl.DataFrame:
    """The keyed fingerprints of every redacted value (empty before the first anonymization)."""
    df = warehouse.select(*PII_FINGERPRINTS)
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


def erased(warehouse: Warehouse) -> tuple[dict[str, str], dict[str, str]]:
    """(erased doc_id -> tombstone id, subject key -> tombstone id): what ingestion must keep out."""
    docs = read(warehouse, "erased_documents")
    subjects = read(warehouse, "tombstone_subjects")
    return (
        dict(zip(docs["doc_id"].to_list(), docs["tombstone_id"].to_list(), strict=True)) if docs.height else {},
        dict(zip(subjects["subject_key"].to_list(), subjects["tombstone_id"].to_list(), strict=True))
        if subjects.height
        else {},
    )


def warm_start_descendants(warehouse: Warehouse, model_name: str, versions: set[str]) -> dict[str, str]:
    """Registered versions whose adapter was warm-started, directly or through others, from one of ``versions``:
    version -> the ancestor in ``versions``. Their weights carry whatever that ancestor learned."""
    registered = read(warehouse, "model_versions", equals={"model_name": model_name})
    adapters = read(warehouse, "adapters")
    if not registered.height or not adapters.height or "parent_model_version" not in adapters.columns:
        return {}
    parent_of = {
        v: p
        for v, p in registered.select("version", "adapter_version")
        .join(adapters.select("adapter_version", "parent_model_version"), on="adapter_version")
        .select("version", "parent_model_version")
        .iter_rows()
        if p
    }
    found: dict[str, str] = {}
    for version in parent_of:
        seen, ancestor = {version}, parent_of.get(version)
        while ancestor and ancestor not in versions and ancestor not in seen:
            seen.add(ancestor)
            ancestor = parent_of.get(ancestor)
        if ancestor in versions and version not in versions:
            found[version] = ancestor
    return found
