"""A CSV and a JSON-lines file of tickets come out of ``anonymized_documents`` with the rows and columns they went in
with: one document per row, every column a field (the message column the text), each value replaced inside its field
by what its column says it is, transaction references and carriers kept."""

import json

import pytest

from tests.helpers import fields, ingest, table

pytestmark = pytest.mark.slow

HEADER = ["ticket_id", "customer", "email", "postcode", "order_id", "carrier", "message"]
ROWS = [
    ["T-1", "Ingrid Novak", "ingrid.novak@web.example", "10115", "ORD-448812", "DHL", "Parcel is late, please help."],
    ["T-2", "Adaeze Okonkwo", "adaeze@mail.example", "SW1A 2AA", "ORD-448813", "UPS", "Where is my order?"],
    ["T-3", "C-88231", "lena.f@post.example", "80331", "ORD-448814", "DPD", "Bitte Rechnung schicken."],
]
EVENTS = [
    {"user": "liu.yang", "ip": "192.168.4.20", "event": "refund", "order": "ORD-1", "message": "Refund asked."},
    {"user": "kim_minjun", "ip": "10.0.0.7", "event": "login", "order": "ORD-2", "message": "Cannot log in."},
]
RAW = ("Ingrid", "Novak", "ingrid.novak", "Adaeze", "Okonkwo", "10115", "SW1A", "80331", "C-88231", "lena.f@",
       "liu.yang", "kim_minjun", "192.168.4.20", "10.0.0.7")  # fmt: skip


def test_csv_and_json_lines_keep_rows_and_columns_through_the_pipeline(data_dir, instance, resources):
    batch = data_dir / "landing" / "structured"
    batch.mkdir(parents=True)
    lines = [";".join(HEADER)] + [";".join(f'"{c}"' if " " in c else c for c in row) for row in ROWS]
    (batch / "tickets.csv").write_text("\n".join(lines).replace(";", ",") + "\n")
    (batch / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in EVENTS))
    (result,) = ingest(instance, resources, ["structured"])
    assert result.success
    raw = table(resources, "raw", "raw_documents")
    anon = table(resources, "anon", "anonymized_documents").join(raw.select("doc_id", "source_path"), on="doc_id")
    assert anon.height == len(ROWS) + len(EVENTS)

    csv_docs = anon.filter(anon["source_path"].str.ends_with("tickets.csv"))
    by_ticket = {f["ticket_id"]: (f, text) for f, text in zip(fields(csv_docs), csv_docs["text"], strict=True)}
    assert sorted(by_ticket) == ["T-1", "T-2", "T-3"]
    for ticket_id, (row_fields, text) in by_ticket.items():
        assert sorted([*row_fields, "message"]) == sorted(HEADER)  # every column, none merged or dropped
        row = next(r for r in ROWS if r[0] == ticket_id)
        assert row_fields["order_id"] == row[4] and row_fields["carrier"] == row[5]
        assert row_fields["postcode"].startswith("<ZIP_CODE_") and row_fields["email"].startswith("<EMAIL_ADDRESS_")
        assert text == row[6]
    assert by_ticket["T-1"][0]["customer"].startswith("<PERSON_")
    assert by_ticket["T-3"][0]["customer"].startswith("<REFERENCE_NUMBER_")

    log_docs = anon.filter(anon["source_path"].str.ends_with("events.jsonl"))
    for event_fields in fields(log_docs):
        assert set(event_fields) == {"user", "ip", "event", "order"}
        assert event_fields["user"].startswith("<USERNAME_") and event_fields["ip"].startswith("<IP_ADDRESS_")
    assert sorted(f["order"] for f in fields(log_docs)) == ["ORD-1", "ORD-2"]

    blob = anon.write_csv() + table(resources, "anon", "redaction_audit").write_csv()
    assert not [v for v in RAW if v in blob]
