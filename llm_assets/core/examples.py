"""Prompt/completion examples from anonymized documents: templates, length filters, exact and near dedupe, and the
split of each source document. Used by ``training_set`` and by ``drift_report`` (the champion scored on new data)."""

import hashlib
import json
import re
import string
from collections import Counter
from typing import Literal

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets.core import jsonl
from llm_assets.core.prompting import format_prompt

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
    max_completion_chars: int = Field(
        default=1200, description="Longer completions are cut or dropped, as long_completions says."
    )
    long_completions: Literal["truncate", "drop"] = Field(
        default="truncate",
        description="A completion over max_completion_chars: 'truncate' cuts it after its last whole sentence that "
        "fits (long templated replies keep their opening steps), 'drop' leaves the example out.",
    )
    validation_fraction: float = Field(default=0.1, description="Share of split units in the validation split.")
    test_fraction: float = Field(default=0.1, description="Share of split units in the held-out test split.")
    split_seed: int = Field(default=13, description="Seed of the unit-to-split assignment.")
    split_group_field: str = Field(
        default="split_group",
        description="Documents with the same value in this field (a thread, a customer, a template or paraphrase "
        "family) are one split unit and land in the same split, so near-copies never straddle train and test. "
        "Documents without the field are their own unit. '' = split by document only.",
    )
    min_train_examples: int = Field(default=1000, description="Below this many training examples the size check warns.")
    max_feedback_share: float = Field(
        default=0.25,
        description="At most this many served-traffic feedback examples per landed document (the most recent kept): "
        "users' corrections steer the model, they do not replace the corpus. 0 = none.",
    )


def template_fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


_SURROGATE_NUM = re.compile(r"<([A-Z_]+?)_(?:\d+|[0-9a-f]{8})>")


_SENTENCE_END = re.compile(r"[.!?。！？](?=[\s\"')\]]|$)|\n")


def cut_at_sentence(text: str, limit: int) -> str:
    """``text`` up to its last sentence end (or line break) within ``limit`` characters; at a word boundary when no
    sentence ends there, past the first half of the limit."""
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    cut = ends[-1] if ends and ends[-1] > limit // 2 else head.rfind(" ")
    return head[: cut if cut > limit // 2 else limit].rstrip()


def normalized_key(prompt: str, completion: str) -> str:
    """Near-duplicate key: case, whitespace, punctuation, digits and surrogate numbering do not count."""
    text = _SURROGATE_NUM.sub(r"<\1>", f"{prompt} \u241e {completion}").lower()
    text = re.sub(r"\d", "0", text)
    text = re.sub(r"[^\w<>\u241e]+", " ", text)
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def instruction_for(config: TrainingSetConfig, labels: list[str]) -> str:
    """The task instruction as the examples carry it: ``{labels}`` replaced by the sorted label values."""
    return config.instruction.replace("{labels}", ", ".join(sorted(set(labels))))


def _unit_position(unit: str, seed: int) -> float:
    return int(hashlib.sha256(f"{seed}:{unit}".encode()).hexdigest()[:12], 16) / float(16**12)


def split_of(doc_id: str, seed: int, validation_fraction: float, test_fraction: float) -> str:
    """A unit's split from its hashed position alone: stable when other units come and go."""
    u = _unit_position(doc_id, seed)
    if u < test_fraction:
        return "test"
    if u < test_fraction + validation_fraction:
        return "validation"
    return "train"


def split_units(units: list[str], seed: int, validation_fraction: float, test_fraction: float) -> dict[str, str]:
    """Each distinct unit's split. Named groups (``group:<value>``) are few and large (a handful of paraphrase
    families): the hashed thresholds can leave the test or validation split without any of them, and the groups
    would then never be measured held out. So when at least three named groups exist and none fell into test (or
    validation), the group with the lowest position goes there. Single documents keep their hashed split."""
    distinct = sorted(set(units), key=lambda u: _unit_position(u, seed))
    splits = {u: split_of(u, seed, validation_fraction, test_fraction) for u in distinct}
    groups = [u for u in distinct if u.startswith("group:")]
    if len(groups) >= 3:
        for wanted, fraction in (("test", test_fraction), ("validation", validation_fraction)):
            if fraction > 0 and all(splits[g] != wanted for g in groups):
                free = next((g for g in groups if splits[g] == "train"), None)
                if free is not None:
                    splits[free] = wanted
    return splits


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
        group = str(fields.get(config.split_group_field, "")).strip() if config.split_group_field else ""
        label = str(fields.get(config.label_field, "")).strip() if config.label_field else ""
        docs.append((row, values, label, f"group:{group}" if group else row["doc_id"]))

    instruction = instruction_for(config, [label for _, _, label, _ in docs if label])
    split = split_units(
        [unit for *_, unit in docs], config.split_seed, config.validation_fraction, config.test_fraction
    )
    examples, exact, near = [], set(), set()
    for row, values, label, unit in docs:
        try:
            prompt = format_prompt(instruction, config.prompt_template, values)
            completion = config.completion_template.format(**values).strip()
        except (KeyError, IndexError, ValueError) as exc:
            dropped[f"template_error_{type(exc).__name__}"] += 1
            continue
        if not config.min_prompt_chars <= len(prompt) <= config.max_prompt_chars + len(instruction):
            dropped["prompt_length"] += 1
            continue
        if len(completion) > config.max_completion_chars and config.long_completions == "truncate":
            completion = cut_at_sentence(completion, config.max_completion_chars)
            dropped["truncated_completion (kept)"] += 1
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
                "split": split[unit],
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


def canonical_bytes(df: pl.DataFrame) -> bytes:
    """A training-set version as bytes that do not depend on row order or storage: JSON lines of the example columns
    in ``EXAMPLE_SCHEMA`` order, sorted by example id. Their sha256 is the version's recorded content hash; a rebuild
    from the warehouse must give the same bytes."""
    rows = df.select([pl.col(c).cast(t) for c, t in EXAMPLE_SCHEMA.items()]).sort("example_id").iter_rows()
    return jsonl.dumps(list(r) for r in rows).encode()


def content_sha256(df: pl.DataFrame) -> str:
    return hashlib.sha256(canonical_bytes(df)).hexdigest()
