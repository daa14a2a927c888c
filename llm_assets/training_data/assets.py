"""``training_set``: prompt/completion examples from the anonymized corpus, deduplicated and split by document."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg
import polars as pl

from llm_assets.core import k8s, lineage
from llm_assets.core.examples import TrainingSetConfig, build_examples, content_sha256
from llm_assets.core.rendering import markdown_table
from llm_assets.core.tables import table_out

SPLITS_DISJOINT = "splits_disjoint_by_document"
NO_EMPTY_FIELDS = "no_empty_fields"
MINIMUM_SIZE = "minimum_size"

MEMBERS_TABLE = "training_set_members"
EXAMPLE_STORE = "training_examples"


def version_members_rows(df: pl.DataFrame) -> pl.DataFrame:
    """Which document fed which split of this training-set version (and the per-version columns of each example):
    the ``training_set`` table holds the latest version only; drift references, lineage questions and rebuilds need
    the version a registered model was trained on."""
    return df.select("version", "doc_id", "example_id", "batch_id", "split", "label", "anonymizer_config").with_columns(
        pl.lit(datetime.now(UTC)).alias("recorded_at")
    )


def example_store_rows(df: pl.DataFrame) -> pl.DataFrame:
    """The texts of the version's examples, stored once per (example, document) across versions: with the members
    ledger they rebuild any past version byte for byte (``lineage.rebuild_training_set``)."""
    return df.select("example_id", "doc_id", "prompt", "completion")


FEEDBACK_PREFIX = lineage.FEEDBACK_DOC_PREFIX
CORPUS_COLUMNS = {
    "doc_id": pl.String,
    "batch_id": pl.String,
    "text": pl.String,
    "fields": pl.String,
    "anonymizer_config": pl.String,
}


def _corpus_columns(df: pl.DataFrame) -> pl.DataFrame:
    return df.select([pl.col(c).cast(t) for c, t in CORPUS_COLUMNS.items()])


def feedback_to_use(feedback: pl.DataFrame, corpus_documents: int, max_share: float) -> pl.DataFrame:
    """The most recent feedback examples, at most ``max_share`` per landed document."""
    cap = int(max_share * corpus_documents)
    if cap <= 0 or not feedback.height:
        return feedback.head(0)
    return feedback.sort("received_at", descending=True).head(cap)


@dataclass(frozen=True)
class TrainingSetRecord:
    """One training-set version: its examples, its ledger row, its metadata and its checks derive from it."""

    examples: pl.DataFrame
    dropped: dict[str, int]
    config: TrainingSetConfig
    documents_in: int
    feedback_in: int
    feedback_over_cap: int
    run_id: str

    @property
    def version(self) -> str:
        return self.examples["version"][0] if self.examples.height else "empty"

    @property
    def sha256(self) -> str:
        return content_sha256(self.examples)

    @property
    def sizes(self) -> dict[str, int]:
        counts = Counter(self.examples["split"].to_list())
        return {k: counts.get(k, 0) for k in ("train", "validation", "test")}

    @property
    def feedback_examples(self) -> int:
        return self.examples.filter(pl.col("doc_id").str.starts_with(FEEDBACK_PREFIX)).height

    def version_row(self) -> dict:
        df = self.examples
        return {
            "version": self.version,
            "content_sha256": self.sha256,
            "created_at": lineage.now(),
            "dagster_run_id": self.run_id,
            "code_version": lineage.code_version(),
            "config": self.config.model_dump(),
            "anonymizer_configs": sorted(set(df["anonymizer_config"].to_list())),
            "documents_in": self.documents_in,
            "feedback_documents_in": self.feedback_in,
            "feedback_over_share_cap": self.feedback_over_cap,
            "feedback_examples": self.feedback_examples,
            "documents_used": df["doc_id"].n_unique(),
            "examples": df.height,
            "splits": self.sizes,
            "dropped": dict(self.dropped),
        }

    def metadata(self) -> dict:
        labels = Counter(self.examples.filter(pl.col("split") == "train")["label"].to_list())
        return {
            "dagster/row_count": self.examples.height,
            "version": self.version,
            "content_sha256": self.sha256,
            "documents_in": self.documents_in,
            "feedback_examples": self.feedback_examples,
            "feedback_over_share_cap": self.feedback_over_cap,
            "examples": self.examples.height,
            **{f"split/{k}": n for k, n in self.sizes.items()},
            **{f"dropped/{k}": v for k, v in sorted(self.dropped.items())},
            "label_counts": dg.MetadataValue.md(markdown_table(["label", "train examples"], sorted(labels.items()))),
        }

    def checks(self) -> list[dg.AssetCheckResult]:
        df = self.examples
        crossing = df.group_by("doc_id").agg(pl.col("split").n_unique().alias("n")).filter(pl.col("n") > 1).height
        empty = df.filter(
            (pl.col("prompt").str.strip_chars() == "") | (pl.col("completion").str.strip_chars() == "")
        ).height
        n_train = self.sizes["train"]
        return [
            dg.AssetCheckResult(
                asset_key="training_set",
                check_name=SPLITS_DISJOINT,
                passed=crossing == 0,
                metadata={"documents_in_several_splits": crossing},
            ),
            dg.AssetCheckResult(
                asset_key="training_set",
                check_name=NO_EMPTY_FIELDS,
                passed=empty == 0 and df.height > 0,
                metadata={"empty_examples": empty, "examples": df.height},
            ),
            dg.AssetCheckResult(
                asset_key="training_set",
                check_name=MINIMUM_SIZE,
                passed=n_train >= self.config.min_train_examples,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"train_examples": n_train, "minimum": self.config.min_train_examples},
            ),
        ]


def build_training_set(
    config: TrainingSetConfig, anonymized_documents: pl.DataFrame, feedback_examples: pl.DataFrame, run_id: str
) -> TrainingSetRecord:
    """The corpus and users' feedback (up to its share cap) as examples: filtered, deduplicated, split by document."""
    feedback = feedback_to_use(feedback_examples, anonymized_documents.height, config.max_feedback_share)
    df, dropped = build_examples(pl.concat([_corpus_columns(anonymized_documents), _corpus_columns(feedback)]), config)
    return TrainingSetRecord(
        df,
        dict(dropped),
        config,
        anonymized_documents.height,
        feedback.height,
        feedback_examples.height - feedback.height,
        run_id,
    )


@dg.multi_asset(
    outs={
        "training_set": table_out(
            "training_data",
            "train",
            "Prompt/completion examples (ticket -> category + reply), deduplicated, split by source "
            "document. The latest version.",
        ),
        MEMBERS_TABLE: table_out(
            "training_data",
            "train",
            "Ledger: for every training-set version ever built, which document (and anonymizer "
            "configuration) fed which split. Erasure finds the model versions a document shaped through it.",
            ledger_keys=["version"],
        ),
        EXAMPLE_STORE: table_out(
            "training_data",
            "train",
            "Content-addressed store of every example's prompt and completion, once per (example, "
            "document) across all versions; with training_set_members it rebuilds any past version byte-identical "
            "(`llm-governance rebuild`). Erasure deletes a document's rows here too.",
            ledger_keys=["example_id", "doc_id"],
        ),
        "training_set_versions": table_out(
            "training_data",
            "governance",
            "Ledger: each training-set version's configuration, code version, inputs, filter and "
            "dedupe counts and split sizes.",
            ledger_keys=["version"],
        ),
    },
    ins={"anonymized_documents": dg.AssetIn(), "feedback_examples": dg.AssetIn()},
    op_tags=k8s.TRAINING_DATA,
    check_specs=[
        dg.AssetCheckSpec(
            SPLITS_DISJOINT,
            asset="training_set",
            blocking=True,
            description="No source document contributes to two splits.",
        ),
        dg.AssetCheckSpec(
            NO_EMPTY_FIELDS,
            asset="training_set",
            blocking=True,
            description="Every example has a prompt and a completion.",
        ),
        dg.AssetCheckSpec(
            MINIMUM_SIZE, asset="training_set", description="Warns below the configured minimum of training examples."
        ),
    ],
    description="Prompt/completion examples (ticket -> category + reply), deduplicated, split by source document.",
)
def training_set(
    context: dg.AssetExecutionContext,
    config: TrainingSetConfig,
    anonymized_documents: pl.DataFrame,
    feedback_examples: pl.DataFrame,
):
    record = build_training_set(config, anonymized_documents, feedback_examples, context.run_id)
    version = record.version
    yield dg.Output(
        record.examples,
        metadata=record.metadata(),
        data_version=dg.DataVersion(version),
        output_name="training_set",
    )
    members = version_members_rows(record.examples)
    yield dg.Output(
        members,
        output_name=MEMBERS_TABLE,
        metadata={"version": version, "rows_recorded": members.height},
        data_version=dg.DataVersion(version),
    )
    store = example_store_rows(record.examples)
    yield dg.Output(
        store,
        output_name=EXAMPLE_STORE,
        metadata={"version": version, "rows_upserted": store.height},
        data_version=dg.DataVersion(version),
    )
    yield dg.Output(
        lineage.ledger_rows([record.version_row()]),
        output_name="training_set_versions",
        metadata={"version": version, "content_sha256": record.sha256},
    )
    yield from record.checks()
