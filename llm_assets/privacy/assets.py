"""``anonymized_documents`` (+ audit, fingerprints, held-back documents), with the blocking residual-PII check.

Every raw document ends up anonymized or held back in ``privacy_quarantine`` with a reason: too long, broke the
analysis, ran past its time budget, or still held PII in the second look. Held-back documents never reach training.
"""

import functools
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets.core import k8s, lineage
from llm_assets.core.anonymization.categories import anonymize_keeping_categories, shared_categories
from llm_assets.core.anonymization.settings import HIGH_RISK_ENTITIES
from llm_assets.core.anonymization.text import normalize
from llm_assets.core.fingerprints import fingerprint, word_count
from llm_assets.core.partitions import landing_batches
from llm_assets.core.rendering import markdown_table
from llm_assets.core.tables import table_out
from resources.anonymizer import PresidioAnonymizer
from resources.compute import ComputeResource
from resources.governance import GovernanceKeys
from resources.warehouse import DuckDBWarehouse

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
    # what the second look found, as "field:TYPE;..." ('' = clean); never a value
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
HELD_BACK_SCHEMA = {
    "doc_id": pl.String,
    "batch_id": pl.String,
    "source_format": pl.String,
    "reason": pl.String,
    "detail": pl.String,
    "anonymizer_config": pl.String,
    "held_back_at": pl.Datetime("us", "UTC"),
}


class AnonymizationConfig(dg.Config):
    max_residual_share: float = Field(
        default=0.02,
        description="The residual-PII check fails (and blocks training) when the second look flags more than this "
        "share of a run's documents: the anonymizer, not a document, is at fault then. Flagged documents are held "
        "back either way.",
    )
    min_flagged_to_fail: int = Field(
        default=3,
        description="Fewer flagged documents than this never fail the check (they are held back): in a small batch "
        "one document is a large share.",
    )


def _source_fields(row: dict) -> dict[str, str]:
    """The texts the engine analysed, normalized as it normalized them (audit offsets refer to these)."""
    fields = {"text": row["text"], **json.loads(row["fields"])}
    return {k: normalize(v) if isinstance(v, str) else v for k, v in fields.items()}


def pii_fingerprints(key: bytes, raw: pl.DataFrame, audit: pl.DataFrame) -> pl.DataFrame:
    """Keyed fingerprints of every redacted value, read from the (normalized) raw text at the audit's offsets. The
    anonymized zone keeps these hashes, never the values: enough to find a subject's documents or a leaked value in
    generated text."""
    by_doc = {r["doc_id"]: r for r in raw.select("doc_id", "text", "fields").iter_rows(named=True)}
    sources: dict[str, dict] = {}
    rows = set()
    for a in audit.select("doc_id", "batch_id", "field", "entity_type", "start", "end").iter_rows(named=True):
        doc = by_doc.get(a["doc_id"])
        if doc is None:
            continue
        source = sources.setdefault(a["doc_id"], _source_fields(doc))
        value = str(source.get(a["field"], ""))[a["start"] : a["end"]]
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
    filters = {"is_in": {"doc_id": doc_ids}, "equals": {"anonymizer_config": config_hash}}
    docs = warehouse.select("anon", "anonymized_documents", **filters)
    if docs is None:
        return empty
    audit = warehouse.select("anon", "redaction_audit", **filters)
    if audit is None:
        audit = empty[1]
    if "residual_findings" not in docs.columns:
        docs = docs.with_columns(pl.lit(None, pl.String).alias("residual_findings"))
    docs = docs.select(list(ANON_SCHEMA)).cast(ANON_SCHEMA).filter(pl.col("residual_findings") == "")
    audit = audit.select(list(AUDIT_SCHEMA)).cast(AUDIT_SCHEMA)
    # a document is reusable only with its audit rows
    return docs, audit.filter(pl.col("doc_id").is_in(docs["doc_id"].implode()))


def second_look(docs: list[dict]) -> list[list[str]]:
    """For each anonymized document (``{"text", "fields"}``), the "field:TYPE" residues the second look finds, field
    names included. The documents are read in one batch; if the batch fails, each is read on its own, and a document
    the scanner cannot read is one residue (``analysis_error``), never a failed batch."""
    from llm_assets.core.anonymization.residual import scanner

    named = [_named_texts(row) for row in docs]
    try:
        found = scanner().scan([value for texts in named for _, value in texts])
    except Exception:  # noqa: BLE001  (find the document that fails; the others are read again)
        return [_second_look_one(texts) for texts in named]
    out, at = [], 0
    for texts in named:
        out.append(
            [f"{name}:{t}" for (name, _), types in zip(texts, found[at : at + len(texts)], strict=True) for t in types]
        )
        at += len(texts)
    return out


def _named_texts(row: dict) -> list[tuple[str, str]]:
    """The document's text, each field's value and each field's name: what the second look reads, by name."""
    fields = json.loads(row["fields"])
    texts = [("text", row["text"]), *fields.items(), *(("(field name)", name) for name in fields)]
    return [(name, value) for name, value in texts if isinstance(value, str) and value.strip()]


def _second_look_one(texts: list[tuple[str, str]]) -> list[str]:
    from llm_assets.core.anonymization.residual import scanner

    try:
        found = scanner().scan([value for _, value in texts])
    except Exception as exc:  # noqa: BLE001  (one document's problem: it is held back, the batch goes on)
        return [f"second look:analysis_error ({type(exc).__name__})"]
    return [f"{name}:{t}" for (name, _), types in zip(texts, found, strict=True) for t in types]


@dataclass(frozen=True)
class AnonymizationRecord:
    """What one anonymization run wrote and found: every table, the residual check, the metadata of each."""

    anonymized: pl.DataFrame
    audit: pl.DataFrame
    fingerprints: pl.DataFrame
    quarantine: pl.DataFrame
    checks: pl.DataFrame
    config_hash: str
    categories: dict[str, int]  # per passthrough field, how many shared values were kept as categories
    documents_in: int
    newly_anonymized: int
    reused_unchanged: int
    scanned: int  # documents the second look read
    flagged: list[str]  # documents it held back
    residue_types: Counter
    passed: bool
    max_residual_share: float

    @property
    def share(self) -> float:
        return len(self.flagged) / max(1, self.scanned)

    def anonymized_metadata(self) -> dict:
        by_type = Counter(self.audit["entity_type"].to_list())
        return {
            "dagster/row_count": self.anonymized.height,
            "documents": self.anonymized.height,
            "documents_in": self.documents_in,
            "newly_anonymized": self.newly_anonymized,
            "reused_unchanged": self.reused_unchanged,
            "held_back": self.quarantine.height,
            "redactions": self.audit.height,
            "anonymizer_config": self.config_hash,
            "categories_kept": dg.MetadataValue.json(self.categories),
            "redactions_by_type": dg.MetadataValue.md(
                markdown_table(["entity type", "redactions"], sorted(by_type.items(), key=lambda kv: -kv[1]))
            ),
            **{f"redactions/{k}": v for k, v in sorted(by_type.items())},
        }

    def audit_metadata(self) -> dict:
        return {
            "dagster/row_count": self.audit.height,
            "by_recognizer": dg.MetadataValue.json(dict(Counter(self.audit["recognizer"].to_list()))),
            "anonymizer_config": self.config_hash,
        }

    def fingerprints_metadata(self) -> dict:
        return {
            "dagster/row_count": self.fingerprints.height,
            "documents": self.fingerprints["doc_id"].n_unique(),
            "distinct_values": self.fingerprints["fingerprint"].n_unique(),
        }

    def quarantine_metadata(self) -> dict:
        by_reason = Counter(self.quarantine["reason"].to_list())
        return {
            "dagster/row_count": self.quarantine.height,
            "by_reason": dg.MetadataValue.json(dict(by_reason)),
            **{f"held_back/{k}": v for k, v in sorted(by_reason.items())},
        }

    def residual_check(self) -> dg.AssetCheckResult:
        types = self.residue_types
        return dg.AssetCheckResult(
            check_name=RESIDUAL_CHECK,
            asset_key="anonymized_documents",
            passed=self.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "documents_scanned": self.scanned,
                "documents_held_back": len(self.flagged),
                "flagged_share": round(self.share, 4),
                "max_residual_share": self.max_residual_share,
                "findings": dg.MetadataValue.md(
                    markdown_table(["entity type", "documents"], sorted(types.items())) if types else "none"
                ),
                "held_back_doc_ids": dg.MetadataValue.json(sorted(self.flagged)[:100]),
            },
            description=None
            if self.passed
            else f"the second look flagged {len(self.flagged)} of {self.scanned} document(s) ({self.share:.1%})",
        )


def anonymize(
    config: AnonymizationConfig,
    raw_documents: pl.DataFrame,
    anonymizer: PresidioAnonymizer,
    warehouse: DuckDBWarehouse,
    key: bytes,
    run_id: str,
    log,
    cluster: ComputeResource | None = None,
) -> AnonymizationRecord:
    """Each document anonymized on its own (reused when unchanged under the same configuration), re-read by the
    independent second look, held back with its reason when either fails; the redactions' audit and keyed
    fingerprints; the residual check per batch."""
    settings = anonymizer.settings()
    config_hash = settings.config_hash()  # without building the engine: a batch may need none
    cached_docs, cached_audit = _already_anonymized(warehouse, raw_documents["doc_id"].to_list(), config_hash)
    if cached_docs.height:
        log.info(
            f"{cached_docs.height} document(s) unchanged since their last anonymization with "
            f"configuration {config_hash}: reused, not re-analyzed"
        )
    todo = raw_documents.filter(~pl.col("doc_id").is_in(cached_docs["doc_id"].implode()))
    rows = list(todo.iter_rows(named=True))
    now = datetime.now(UTC)
    if rows and cluster is not None and cluster.on_ray:
        log.info(f"anonymizing {len(rows)} document(s) on {cluster.describe()}")
    # categories are counted over the whole run (reused documents too): sharing is what makes a label anonymous
    categories = shared_categories(
        [json.loads(f) for f in raw_documents["fields"].to_list()],
        settings.passthrough_fields,
        settings.category_min_documents,
    )
    engine_run = anonymizer.anonymize if cluster is None else functools.partial(cluster.anonymize, anonymizer)
    run = functools.partial(anonymize_keeping_categories, categories=categories, run=engine_run)
    anon_rows, audit_rows, held_back = _anonymize_rows(rows, run, config_hash, now)
    residues, flagged = _second_look(rows, anon_rows, held_back)
    fresh = pl.DataFrame([d for d in anon_rows if d["doc_id"] not in flagged], schema=ANON_SCHEMA)
    audit = pl.concat([cached_audit, pl.DataFrame(audit_rows, schema=AUDIT_SCHEMA)])
    quarantine = _held_back_frame(held_back, config_hash, now)
    share = len(flagged) / max(1, len(anon_rows))
    passed = share <= config.max_residual_share or len(flagged) < config.min_flagged_to_fail
    residue_types = Counter(f.split(":", 1)[1] for found in residues for f in found)
    return AnonymizationRecord(
        anonymized=pl.concat([cached_docs, fresh]),
        audit=audit,
        fingerprints=pii_fingerprints(key, raw_documents, audit),
        quarantine=quarantine,
        checks=_check_ledger(run_id, raw_documents, quarantine, config_hash, passed, residue_types),
        config_hash=config_hash,
        categories={name: len(values) for name, values in categories.items()},
        documents_in=raw_documents.height,
        newly_anonymized=len(rows),
        reused_unchanged=cached_docs.height,
        scanned=len(anon_rows),
        flagged=sorted(flagged),
        residue_types=residue_types,
        passed=passed,
        max_residual_share=config.max_residual_share,
    )


@dg.multi_asset(
    outs={
        "anonymized_documents": table_out(
            "privacy",
            "anon",
            "The documents with every PII finding replaced by a consistent surrogate, each re-scanned "
            "clean by an independent detector. Anonymized zone.",
        ),
        "redaction_audit": table_out(
            "privacy",
            "anon",
            "One row per redaction: doc, field, entity type, offsets, recognizer, score, operator, "
            "surrogate. Never the raw value.",
        ),
        "pii_fingerprints": table_out(
            "privacy",
            "anon",
            "Keyed hashes of every redacted value (never the value): finds a data subject for erasure "
            "and a memorized value in generated text.",
        ),
        "privacy_quarantine": table_out(
            "privacy",
            "anon",
            "Documents held back from the anonymized zone, with the reason (too_long, analysis_error, "
            "analysis_timeout, residual_pii) and the residue's types. Never their content.",
        ),
        "privacy_checks": table_out(
            "privacy",
            "governance",
            "Ledger: the residual-PII check of each anonymization run, per batch (passed, documents "
            "scanned and flagged, finding types, Dagster run). The governance report's proof that no PII reached "
            "training.",
            ledger_keys=["batch_id", "check_name"],
        ),
    },
    ins={"raw_documents": dg.AssetIn()},
    partitions_def=landing_batches,
    backfill_policy=dg.BackfillPolicy.single_run(),
    op_tags=k8s.ANONYMIZATION,
    check_specs=[
        dg.AssetCheckSpec(
            RESIDUAL_CHECK,
            asset="anonymized_documents",
            blocking=True,
            description="An independent second look (Presidio's defaults over spaCy's small pipeline, a cue-based "
            "name rule) finds high-risk PII or names in at most max_residual_share of the documents; the documents "
            f"it flags are held back. High-risk types: {list(HIGH_RISK_ENTITIES)}.",
        )
    ],
    description="Anonymizes the text and every structured field of each raw document; holds back what cannot be "
    "anonymized safely.",
)
def anonymize_documents(
    context: dg.AssetExecutionContext,
    config: AnonymizationConfig,
    raw_documents: pl.DataFrame,
    anonymizer: PresidioAnonymizer,
    warehouse: DuckDBWarehouse,
    governance_keys: GovernanceKeys,
    compute: ComputeResource,
):
    record = anonymize(
        config,
        raw_documents,
        anonymizer,
        warehouse,
        governance_keys.secret(),
        context.run_id,
        context.log,
        cluster=compute,
    )
    yield dg.Output(record.anonymized, output_name="anonymized_documents", metadata=record.anonymized_metadata())
    yield dg.Output(record.audit, output_name="redaction_audit", metadata=record.audit_metadata())
    yield dg.Output(record.fingerprints, output_name="pii_fingerprints", metadata=record.fingerprints_metadata())
    yield dg.Output(record.quarantine, output_name="privacy_quarantine", metadata=record.quarantine_metadata())
    yield dg.Output(
        record.checks, output_name="privacy_checks", metadata={"batches": record.checks.height, "passed": record.passed}
    )
    yield record.residual_check()


def _anonymize_rows(
    rows: list[dict], run: Callable[[list[dict]], list], config_hash: str, now: datetime
) -> tuple[list[dict], list[dict], list[tuple[dict, str, str]]]:
    """(anonymized rows, audit rows, held back): each document analysed on its own (``run``: here or on the
    cluster); one that fails is held back with its reason, the batch goes on."""
    results = run([{"text": r["text"], **json.loads(r["fields"])} for r in rows]) if rows else []
    anon_rows, audit_rows, held_back = [], [], []
    for row, res in zip(rows, results, strict=True):
        if not res.ok:
            held_back.append((row, res.failure, res.detail))
            continue
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
    return anon_rows, audit_rows, held_back


def _second_look(
    rows: list[dict], anon_rows: list[dict], held_back: list[tuple[dict, str, str]]
) -> tuple[list[list[str]], set[str]]:
    """The independent detector over the anonymized rows: findings per row (recorded on it) and the flagged
    documents, which join ``held_back`` as residual_pii."""
    residues = second_look(anon_rows) if anon_rows else []
    raw_by_id = {r["doc_id"]: r for r in rows}
    for doc, found in zip(anon_rows, residues, strict=True):
        doc["residual_findings"] = ";".join(found)
        if found:
            types = sorted({f.split(":", 1)[1] for f in found})
            held_back.append((raw_by_id[doc["doc_id"]], "residual_pii", "second look found " + ", ".join(types)))
    flagged = {doc["doc_id"] for doc, found in zip(anon_rows, residues, strict=True) if found}
    return residues, flagged


def _held_back_frame(held_back: list[tuple[dict, str, str]], config_hash: str, now: datetime) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "doc_id": row["doc_id"],
                "batch_id": row["batch_id"],
                "source_format": row["source_format"],
                "reason": reason,
                "detail": detail,
                "anonymizer_config": config_hash,
                "held_back_at": now,
            }
            for row, reason, detail in held_back
        ],
        schema=HELD_BACK_SCHEMA,
    )


def _check_ledger(
    run_id: str,
    raw_documents: pl.DataFrame,
    quarantine: pl.DataFrame,
    config_hash: str,
    passed: bool,
    residue_types: Counter,
) -> pl.DataFrame:
    """One privacy_checks row per landing batch: the residual check's verdict, for the governance report."""
    per_batch = Counter(raw_documents["batch_id"].to_list())
    flagged_by_batch = Counter(r["batch_id"] for r in quarantine.filter(pl.col("reason") == "residual_pii").to_dicts())
    return lineage.ledger_rows(
        [
            {
                "batch_id": batch,
                "check_name": RESIDUAL_CHECK,
                "anonymizer_config": config_hash,
                "passed": passed,
                "documents_scanned": n_docs,
                "documents_with_findings": flagged_by_batch.get(batch, 0),
                "findings_by_type": dict(residue_types),
                "dagster_run_id": run_id,
                "checked_at": lineage.now(),
            }
            for batch, n_docs in sorted(per_batch.items())
        ]
    )
