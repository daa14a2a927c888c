"""``training_set``: prompt/completion examples from the anonymized corpus, deduplicated and split by document."""

import hashlib
import json
import re
import string
from collections import Counter
from datetime import UTC, datetime

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets import compute
from llm_assets.governance import lineage
from llm_assets.metadata import markdown_table

SPLITS_DISJOINT = "splits_disjoint_by_document"
NO_EMPTY_FIELDS = "no_empty_fields"
MINIMUM_SIZE = "minimum_size"

EXAMPLE_SCHEMA = {
    "example_id": pl.String,
    "doc_id": pl.String,
    "batch_id": pl.String,
    "split": pl.String,
    "prompt": pl.String,
    "completion": pl.String,
    "label": pl.String,
    "anonymizer_config": pl.String,
    "version": pl.String,
}


class TrainingSetConfig(dg.Config):
    instruction: str = Field(
        default=(
            "Classify this support ticket as one of: {labels}. Then write the agent's reply.\n"
            "Answer exactly as:\nCategory: <category>\nReply: <reply>"
        ),
        description="Task instruction that opens every prompt; {labels} lists the label values seen in the corpus.",
    )
    prompt_template: str = Field(
        default="Subject: {subject}\n{text}",
        description="Prompt built from document fields ({text} is the document body; other names are its fields).",
    )
    completion_template: str = Field(
        default="Category: {category}\nReply: {agent_reply}",
        description="Completion built from document fields: what the model learns to write.",
    )
    label_field: str = Field(
        default="category", description="Field holding the class label (for accuracy); '' if none."
    )
    optional_fields: list[str] = Field(default=["subject"], description="Template fields that may be missing (empty).")
    min_prompt_chars: int = Field(default=20, description="Shorter prompts are dropped.")
    max_prompt_chars: int = Field(default=2000, description="Longer prompts are dropped.")
    min_completion_chars: int = Field(default=10, description="Shorter completions are dropped.")
    max_completion_chars: int = Field(default=1200, description="Longer completions are dropped.")
    validation_fraction: float = Field(default=0.1, description="Share of source documents in the validation split.")
    test_fraction: float = Field(default=0.1, description="Share of source documents in the held-out test split.")
    split_seed: int = Field(default=13, description="Seed of the document-to-split assignment.")
    min_train_examples: int = Field(default=1000, description="Below this many training examples the size check warns.")


def template_fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


_SURROGATE_NUM = re.compile(r"<([A-Z_]+?)_(?:\d+|[0-9a-f]{8})>")


def normalized_key(prompt: str, completion: str) -> str:
    """Near-duplicate key: case, whitespace, punctuation, digits and surrogate numbering do not count."""
    text = _SURROGATE_NUM.sub(r"<\1>", f"{prompt} \u241e {completion}").lower()
    text = re.sub(r"\d", "0", text)
    text = re.sub(r"[^\w<>\u241e]+", " ", text)
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def split_of(doc_id: str, seed: int, validation_fraction: float, test_fraction: float) -> str:
    u = int(hashlib.sha256(f"{seed}:{doc_id}".encode()).hexdigest()[:12], 16) / float(16**12)
    if u < test_fraction:
        return "test"
    if u < test_fraction + validation_fraction:
        return "validation"
    return "train"


def build_examples(anonymized: pl.DataFrame, config: TrainingSetConfig) -> tuple[pl.DataFrame, Counter]:
    """Examples plus a count of what was dropped and why."""
    dropped: Counter = Counter()
    needed = set(template_fields(config.prompt_template)) | set(template_fields(config.completion_template))
    docs = []
    for row in anonymized.sort("doc_id").iter_rows(named=True):
        try:
            fields = {"text": row["text"], **json.loads(row["fields"])}
        except (ValueError, TypeError, RecursionError):  # one broken row is that row's problem
            dropped["unreadable_fields"] += 1
            continue
        missing = [f for f in needed if not str(fields.get(f, "")).strip() and f not in config.optional_fields]
        if missing:
            dropped["missing_fields"] += 1
            continue
        values = {f: str(fields.get(f, "")).strip() for f in needed}
        docs.append((row, values, str(fields.get(config.label_field, "")).strip() if config.label_field else ""))

    labels = sorted({label for _, _, label in docs if label})
    instruction = config.instruction.replace("{labels}", ", ".join(labels))
    examples, exact, near = [], set(), set()
    for row, values, label in docs:
        try:
            prompt = f"{instruction}\n\n{config.prompt_template.format(**values)}".strip()
            completion = config.completion_template.format(**values).strip()
        except (KeyError, IndexError, ValueError) as exc:
            dropped[f"template_error_{type(exc).__name__}"] += 1
            continue
        if not config.min_prompt_chars <= len(prompt) <= config.max_prompt_chars + len(instruction):
            dropped["prompt_length"] += 1
            continue
        if not config.min_completion_chars <= len(completion) <= config.max_completion_chars:
            dropped["completion_length"] += 1
            continue
        exact_key = hashlib.sha256(f"{prompt}\u241e{completion}".encode()).hexdigest()
        if exact_key in exact:
            dropped["exact_duplicate"] += 1
            continue
        near_key = normalized_key(prompt, completion)
        if near_key in near:
            dropped["near_duplicate"] += 1
            continue
        exact.add(exact_key)
        near.add(near_key)
        examples.append(
            {
                "example_id": exact_key[:16],
                "doc_id": row["doc_id"],
                "batch_id": row["batch_id"],
                "split": split_of(row["doc_id"], config.split_seed, config.validation_fraction, config.test_fraction),
                "prompt": prompt,
                "completion": completion,
                "label": label,
                "anonymizer_config": row.get("anonymizer_config") or "",
                "version": "",
            }
        )
    df = pl.DataFrame(examples, schema=EXAMPLE_SCHEMA)
    digest = hashlib.sha256()
    digest.update(config.model_dump_json().encode())
    for ex_id, split in df.select("example_id", "split").sort("example_id").iter_rows():
        digest.update(f"{ex_id}:{split};".encode())
    return df.with_columns(pl.lit(digest.hexdigest()[:12]).alias("version")), dropped


MEMBERS_TABLE = "training_set_members"


def version_members_rows(df: pl.DataFrame) -> pl.DataFrame:
    """Which document fed which split of this training-set version: the ``training_set`` table holds the latest
    version only; drift references and lineage questions need the version a registered model was trained on."""
    return df.select("version", "doc_id", "example_id", "split", "anonymizer_config").with_columns(
        pl.lit(datetime.now(UTC)).alias("recorded_at")
    )


@dg.multi_asset(
    outs={
        "training_set": dg.AssetOut(
            group_name="training_data",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "train"},
            description="Prompt/completion examples (ticket -> category + reply), deduplicated, split by source "
            "document. The latest version.",
        ),
        MEMBERS_TABLE: dg.AssetOut(
            group_name="training_data",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "train", "ledger_keys": ["version"]},
            description="Ledger: for every training-set version ever built, which document (and anonymizer "
            "configuration) fed which split. Erasure finds the model versions a document shaped through it.",
        ),
        "training_set_versions": dg.AssetOut(
            group_name="training_data",
            io_manager_key="warehouse_io_manager",
            metadata={"schema": "governance", "ledger_keys": ["version"]},
            description="Ledger: each training-set version's configuration, code version, inputs, filter and "
            "dedupe counts and split sizes.",
        ),
    },
    ins={"anonymized_documents": dg.AssetIn()},
    op_tags=compute.TRAINING_DATA,
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
):
    df, dropped = build_examples(anonymized_documents, config)
    version = df["version"][0] if df.height else "empty"
    sizes = dict(Counter(df["split"].to_list()))
    labels = Counter(df.filter(pl.col("split") == "train")["label"].to_list())

    docs_per_split = df.group_by("doc_id").agg(pl.col("split").n_unique().alias("n"))
    crossing = docs_per_split.filter(pl.col("n") > 1).height
    empty = df.filter(
        (pl.col("prompt").str.strip_chars() == "") | (pl.col("completion").str.strip_chars() == "")
    ).height
    n_train = sizes.get("train", 0)
    version_row = lineage.ledger_rows(
        [
            {
                "version": version,
                "created_at": lineage.now(),
                "dagster_run_id": context.run_id,
                "code_version": lineage.code_version(),
                "config": config.model_dump(),
                "anonymizer_configs": sorted(set(df["anonymizer_config"].to_list())),
                "documents_in": anonymized_documents.height,
                "documents_used": df["doc_id"].n_unique(),
                "examples": df.height,
                "splits": {k: sizes.get(k, 0) for k in ("train", "validation", "test")},
                "dropped": dict(dropped),
            }
        ]
    )

    yield dg.Output(
        df,
        metadata={
            "dagster/row_count": df.height,
            "version": version,
            "documents_in": anonymized_documents.height,
            "examples": df.height,
            **{f"split/{k}": sizes.get(k, 0) for k in ("train", "validation", "test")},
            **{f"dropped/{k}": v for k, v in sorted(dropped.items())},
            "label_counts": dg.MetadataValue.md(markdown_table(["label", "train examples"], sorted(labels.items()))),
        },
        data_version=dg.DataVersion(version),
        output_name="training_set",
    )
    members = version_members_rows(df)
    yield dg.Output(
        members,
        output_name=MEMBERS_TABLE,
        metadata={"version": version, "rows_recorded": members.height},
        data_version=dg.DataVersion(version),
    )
    yield dg.Output(version_row, output_name="training_set_versions", metadata={"version": version})
    yield dg.AssetCheckResult(
        asset_key="training_set",
        check_name=SPLITS_DISJOINT,
        passed=crossing == 0,
        metadata={"documents_in_several_splits": crossing},
    )
    yield dg.AssetCheckResult(
        asset_key="training_set",
        check_name=NO_EMPTY_FIELDS,
        passed=empty == 0 and df.height > 0,
        metadata={"empty_examples": empty, "examples": df.height},
    )
    yield dg.AssetCheckResult(
        asset_key="training_set",
        check_name=MINIMUM_SIZE,
        passed=n_train >= config.min_train_examples,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"train_examples": n_train, "minimum": config.min_train_examples},
    )
