"""Training examples: mapping by configuration, dedupe, splits disjoint by source document, a stable version."""

import json

import polars as pl

from llm_assets.core.examples import TrainingSetConfig, build_examples, normalized_key


def _word(i: int) -> str:
    return "".join(chr(97 + (i // 26**k) % 26) for k in range(3))


def _docs(n: int, dup_every: int = 0) -> pl.DataFrame:
    rows = []
    for i in range(n):
        body = f"My parcel {_word(i)} is late, where is it? <PERSON_1>"
        if dup_every and i % dup_every == 0 and i:
            body = f"my parcel {_word(i - 1).upper()} is late where is it?? <PERSON_2>"  # same ticket, another doc
        rows.append(
            {
                "doc_id": f"d{i:04d}",
                "batch_id": "b1",
                "text": body,
                "fields": json.dumps(
                    {
                        "category": ["delay", "refund"][(i - 1 if dup_every and i % dup_every == 0 and i else i) % 2],
                        "agent_reply": "Sorry, checking.",
                        "subject": "Late",
                    }
                ),
            }
        )
    rows.append({"doc_id": "nolabel", "batch_id": "b1", "text": "no reply here", "fields": json.dumps({})})
    return pl.DataFrame(rows)


def test_examples_follow_the_configured_mapping():
    df, dropped = build_examples(_docs(30), TrainingSetConfig())
    assert dropped["missing_fields"] == 1
    row = df.row(0, named=True)
    assert row["prompt"].startswith("Classify this support ticket as one of: delay, refund.")
    assert row["completion"].startswith("Category: ") and "\nReply: Sorry" in row["completion"]
    custom = TrainingSetConfig(prompt_template="{text}", completion_template="{agent_reply}", label_field="")
    df2, _ = build_examples(_docs(30), custom)
    assert df2["completion"][0].startswith("Sorry") and set(df2["label"]) == {""}


def test_exact_and_near_duplicates_are_dropped():
    df, dropped = build_examples(_docs(40, dup_every=4), TrainingSetConfig())
    assert dropped["exact_duplicate"] + dropped["near_duplicate"] >= 9
    assert df["example_id"].n_unique() == df.height
    assert normalized_key("Hello <PERSON_1>, order 12", "ok") == normalized_key("hello  <PERSON_7> order 99!", "ok")


def test_splits_are_disjoint_by_document_and_deterministic():
    config = TrainingSetConfig(validation_fraction=0.2, test_fraction=0.2)
    df, _ = build_examples(_docs(300), config)
    per_doc = df.group_by("doc_id").agg(pl.col("split").n_unique())
    assert per_doc["split"].max() == 1
    sizes = df["split"].value_counts()
    assert set(sizes["split"]) == {"train", "validation", "test"}
    again, _ = build_examples(_docs(300), config)
    assert again["version"][0] == df["version"][0]
    assert again.sort("example_id")["split"].to_list() == df.sort("example_id")["split"].to_list()
    other, _ = build_examples(_docs(301), config)
    assert other["version"][0] != df["version"][0]


def test_a_document_in_two_splits_fails_the_blocking_check_and_stops_downstream(monkeypatch, resources, instance):
    """The check is not true by construction: fed a set where one document crosses splits, it fails and blocks."""
    import dagster as dg

    from llm_assets.training_data import assets as training_assets

    real_build = training_assets.build_examples

    def crossing_build(docs, config):
        df, dropped = real_build(docs, config)
        test_doc = df.filter(pl.col("split") == "test")["doc_id"][0]
        first_train = df.filter(pl.col("split") == "train")["example_id"][0]
        return df.with_columns(
            pl.when(pl.col("example_id") == first_train).then(pl.lit(test_doc)).otherwise("doc_id").alias("doc_id")
        ), dropped

    monkeypatch.setattr(training_assets, "build_examples", crossing_build)

    @dg.asset(name="anonymized_documents", io_manager_key="mem")
    def anonymized_documents() -> pl.DataFrame:
        return _docs(60).filter(pl.col("doc_id") != "nolabel").with_columns(anonymizer_config=pl.lit("cfg"))

    @dg.asset(name="feedback_examples", io_manager_key="mem")
    def feedback_examples() -> pl.DataFrame:
        from llm_assets.serving.assets import FEEDBACK_DOCUMENT_COLUMNS

        return pl.DataFrame(schema=FEEDBACK_DOCUMENT_COLUMNS)

    reached = []

    @dg.asset(deps=["training_set"])
    def downstream() -> None:
        reached.append(True)

    result = dg.materialize(
        [anonymized_documents, feedback_examples, training_assets.training_set, downstream],
        resources={**resources, "mem": dg.InMemoryIOManager()},
        instance=instance,
        raise_on_error=False,
    )
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert not checks["splits_disjoint_by_document"].passed
    assert checks["splits_disjoint_by_document"].metadata["documents_in_several_splits"].value == 1
    assert reached == []  # blocking: nothing downstream ran on the leaking set
