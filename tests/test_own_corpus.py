"""A corpus with its own column names comes in through a mapping: a CSV and a JSON-lines file whose columns are named
nothing like the pipeline's fields train the tiny model end to end; a mapping that names a column nobody landed
stops ingestion with a message that names the columns it did find."""

import csv
import json

import dagster as dg
import polars as pl
import pytest

from llm_assets.sample_corpus.generator import generate_tickets
from tests.helpers import ALL_ASSETS, batch_key, fields, ingest, table, train

pytestmark = pytest.mark.slow

# the corpus's own names (a helpdesk export): none of them is one the pipeline reads by default
COLUMNS = {
    "ticket_id": "case_no",
    "customer_name": "requester",
    "customer_email": "requester_mail",
    "subject": "title",
    "message": "customer_query",
    "category": "queue",
    "agent_reply": "resolution",
    "split_group": "thread",
}
MAPPING_YAML = (
    "message: customer_query\nsubject: title\nreply: resolution\nlabel: queue\ngroup: thread\n"
    "passthrough: [case_no, requester, requester_mail]\n"
)
# the helpdesk's own queue names: one a detector reads as a name when it sees a document alone; shared by many
# tickets, it is a category and reaches the training set whole
QUEUES = {"billing_issue": "Sales and Pre-Sales", "shipment_status": "Shipping & Tracking"}


def _land(root, n: int = 90) -> None:
    tickets = generate_tickets(n, seed=23)
    rows = [{COLUMNS[k]: getattr(t, k) for k in COLUMNS} | {"internal_note": "priority"} for t in tickets]
    for row in rows:
        row["queue"] = QUEUES.get(row["queue"], row["queue"])
    batch = root / "helpdesk_export"
    batch.mkdir(parents=True)
    half = len(rows) // 2
    with (batch / "cases.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[:half])
    (batch / "cases.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[half:]), encoding="utf-8")


def _with_mapping(resources, mapping_file) -> dict:
    from resources.landing import LandingZone

    landing = resources["landing_zone"]
    return {
        **resources,
        "landing_zone": LandingZone(path=landing.path, settle_seconds=0, mapping_file=str(mapping_file)),
    }


def test_a_mapped_csv_and_jsonl_train_the_tiny_model_end_to_end(data_dir, instance, resources):
    _land(data_dir / "landing")
    mapping = data_dir / "corpus_mapping.yaml"
    mapping.write_text(MAPPING_YAML, encoding="utf-8")
    mapped = _with_mapping(resources, mapping)
    (result,) = ingest(instance, mapped, ["helpdesk_export"])
    assert result.success
    md = result.asset_materializations_for_node("ingest_landing_batch")[0].metadata
    assert md["corpus_mapping"].value["message"] == "customer_query"

    raw = table(mapped, "raw", "raw_documents")
    assert raw.height == 90 and set(raw["source_format"]) == {"csv", "jsonl"}
    for row_fields in fields(raw):
        # renamed to the pipeline's fields; passthrough kept; the unlisted column left out
        assert {"subject", "agent_reply", "category", "split_group"} <= set(row_fields)
        assert "internal_note" not in row_fields and "queue" not in row_fields and "case_no" in row_fields

    trained = train(
        instance,
        mapped,
        {
            "lora_adapter": {"config": {"max_steps": 3, "batch_size": 4, "max_length": 768}},
            "evaluation_report": {"config": {"max_examples": 4, "max_new_tokens": 8, "batch_size": 4}},
            "training_set": {"config": {"validation_fraction": 0.1, "test_fraction": 0.15}},
            "registered_model": {"config": {"min_improvement_over_base": -100.0, "guard_metrics": []}},
        },
    )
    assert trained.success
    ts = table(mapped, "train", "training_set")
    labels = set(ts["label"])
    assert labels <= {QUEUES.get(t.category, t.category) for t in generate_tickets(90, seed=23)}
    assert {"Sales and Pre-Sales", "Shipping & Tracking"} <= labels
    assert all(c.startswith("Category: ") and "\nReply: " in c for c in ts["completion"])
    # held out whole: no thread straddles two splits
    threads = ts.join(
        table(mapped, "raw", "raw_documents").select("doc_id", pl.col("fields").str.json_path_match("$.split_group")),
        on="doc_id",
    )
    assert threads.group_by("fields").agg(pl.col("split").n_unique())["split"].max() == 1
    assert trained.output_for_node("registered_model", "registered_model")["version"] == "1"


def _ingestion_failure(instance, resources, mapping_file):
    """Ingests the helpdesk batch through ``mapping_file``; the one step failure's error (the run must fail)."""
    mapped = _with_mapping(resources, mapping_file)
    key = batch_key(mapped, "helpdesk_export")
    instance.add_dynamic_partitions("landing_batches", [key])
    result = dg.materialize(
        ALL_ASSETS,
        selection=dg.AssetSelection.groups("ingestion"),
        partition_key=key,
        resources=mapped,
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    return failure.step_failure_data.error


def test_a_mapping_that_names_a_missing_column_stops_ingestion_and_names_the_columns_found(
    data_dir, instance, resources
):
    _land(data_dir / "landing", n=12)
    mapping = data_dir / "corpus_mapping.yaml"
    mapping.write_text(MAPPING_YAML.replace("customer_query", "customer_qeury"), encoding="utf-8")
    message = _ingestion_failure(instance, resources, mapping).message
    assert "'customer_qeury' (the message)" in message and "none of the 2 table/JSON file(s)" in message
    for column in ("customer_query", "queue", "resolution", "title"):
        assert column in message
    for raw_value in generate_tickets(12, seed=23):
        assert raw_value.customer_email not in message and raw_value.message[:30] not in message


def test_a_mapping_file_that_is_no_yaml_stops_ingestion_with_a_failure_that_says_where(data_dir, instance, resources):
    _land(data_dir / "landing", n=4)
    mapping = data_dir / "corpus_mapping.yaml"
    mapping.write_text("message: customer_query\nsubject: [title\n", encoding="utf-8")
    error = _ingestion_failure(instance, resources, mapping)
    assert error.cls_name == "Failure" and "not a readable YAML mapping (ParserError at line 3" in error.message
    assert "customer_query" not in error.message


def test_the_mapping_error_never_echoes_a_headerless_files_first_row():
    from llm_assets.core.documents.mapping import FieldMapping, MappingCheck, MappingError

    check = MappingCheck(FieldMapping(message="customer_query"))
    check.saw("headerless.csv", ["Jane Doe", "Dr. Amal Haddad", "jane.doe@example.com", "+44 20 7946 0000", "42"])
    check.saw("tickets.jsonl", ["body", "queue_name"])
    with pytest.raises(MappingError) as raised:
        check.raise_if_wrong()
    message = str(raised.value)
    assert "Columns found: body, queue_name (and 5 not shown" in message
    assert not any(value in message for value in ("Jane", "Haddad", "jane.doe", "7946"))
