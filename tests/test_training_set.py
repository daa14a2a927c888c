"""Training examples: mapping by configuration, dedupe, splits disjoint by source document, a stable version."""

import json

import polars as pl
import pytest

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


@pytest.mark.slow
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


def _materialize_training_set(resources, instance, docs: pl.DataFrame):
    import dagster as dg

    from llm_assets.serving.assets import FEEDBACK_DOCUMENT_COLUMNS
    from llm_assets.training_data import assets as training_assets

    @dg.asset(name="anonymized_documents", io_manager_key="mem")
    def anonymized_documents() -> pl.DataFrame:
        return docs.filter(pl.col("doc_id") != "nolabel").with_columns(anonymizer_config=pl.lit("cfg"))

    @dg.asset(name="feedback_examples", io_manager_key="mem")
    def feedback_examples() -> pl.DataFrame:
        return pl.DataFrame(schema=FEEDBACK_DOCUMENT_COLUMNS)

    result = dg.materialize(
        [anonymized_documents, feedback_examples, training_assets.training_set],
        resources={**resources, "mem": dg.InMemoryIOManager()},
        instance=instance,
    )
    return result.output_for_node("training_set", "training_set")


@pytest.mark.slow
def test_a_past_version_rebuilds_byte_identical_and_diffs_list_what_changed(resources, instance, tmp_path, capsys):
    """Only the latest version stays in the training_set table; the store and the members ledger rebuild an older one
    to its recorded hash. A document removed from the store (as erasure does) makes the rebuild say so."""
    import hashlib

    from jobs import governance_cli as cli
    from llm_assets.core.lineage import MEMBERS
    from llm_assets.governance import snapshots

    v1_df = _materialize_training_set(resources, instance, _docs(60))
    v2_docs = _docs(80).filter(~pl.col("doc_id").is_in(["d0003", "d0004"]))
    v2_df = _materialize_training_set(resources, instance, v2_docs)
    v1, v2 = v1_df["version"][0], v2_df["version"][0]
    assert v1 != v2
    warehouse = resources["warehouse"]
    assert warehouse.select("train", "training_set", columns=["version"])["version"].unique().to_list() == [v2]

    rebuilt = snapshots.rebuild(warehouse, v1)
    assert rebuilt.identical and rebuilt.rebuilt_sha256 == snapshots.recorded_sha256(warehouse, v1)
    assert rebuilt.examples.sort("example_id").equals(v1_df.sort("example_id").select(rebuilt.examples.columns))
    out = tmp_path / "v1.jsonl"
    assert cli.main(["rebuild", "--version", v1, "--out", str(out)]) == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == rebuilt.recorded_sha256

    d = snapshots.diff(warehouse, v1, v2)
    assert d["documents_removed"] == ["d0003", "d0004"]
    assert d["documents_added"] == [f"d{i:04d}" for i in range(60, 80)]
    assert len(d["examples_added"]) == 20 and len(d["examples_removed"]) == 2
    assert sum(c["added"] for c in d["per_split"].values()) == 20
    capsys.readouterr()
    assert cli.main(["diff", "--from", v1, "--to", v2, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents_removed"] == ["d0003", "d0004"]
    assert cli.main(["diff", "--from", v1, "--to", v2]) == 0
    listing = capsys.readouterr().out
    print(listing)
    assert "documents: 60 -> 78 (+20 / -2)" in listing and "documents removed: d0003 d0004" in listing

    cost = snapshots.storage_cost(warehouse)
    assert cost["versions"] == 2 and cost["stored_examples"] == 80  # shared examples stored once
    assert cost["store_bytes"] < cost["full_copies_bytes"]

    with warehouse.unit_of_work() as con:  # what erasure does to the store
        assert warehouse.delete_in(con, "train", "training_examples", "doc_id", ["d0005"]) == 1
    broken = snapshots.rebuild(warehouse, v1)
    assert not broken.identical and broken.missing_examples == 1
    assert warehouse.select(*MEMBERS, equals={"doc_id": "d0005"}).height == 2  # ids stay: lineage still answers
    assert cli.main(["rebuild", "--version", v1]) == 1
