"""A landing batch of hostile files: every item is kept or quarantined with a reason, the books balance, and a
re-run gives identical row counts."""

import json
import os

import polars as pl
import pytest

from tests.helpers import ingest, table

pytestmark = pytest.mark.slow

GOOD = {"message": "My parcel ORD-123456 has not arrived.", "category": "delivery_delay", "agent_reply": "Sorry!"}


def _line(**over) -> str:
    return json.dumps({**GOOD, **over}, ensure_ascii=False)


def _write_hostile_batch(root) -> dict[str, str | None]:
    """Writes the batch; returns file -> expected quarantine reason (None: lands as documents)."""
    b = root / "hostile"
    b.mkdir(parents=True)
    expected: dict[str, str | None] = {}

    def put(name: str, data: bytes, reason: str | None) -> None:
        (b / name).parent.mkdir(parents=True, exist_ok=True)
        (b / name).write_bytes(data)
        expected[name] = reason

    put("good.jsonl", (_line(message="First good ticket about ORD-111111.") + "\n").encode(), None)
    put("z copy of good.jsonl", (_line(message="First good ticket about ORD-111111.") + "\n").encode(), "duplicate")
    put("random.bin.txt", bytes(range(256)) * 8, "binary")
    put("nul.jsonl", b'{"message": "x\x00\x00\x00"}\n' * 50, "binary")
    put("latin1.txt", "Customer: Le colis de Müller est arrivé abîmé, café renversé.\n".encode("latin-1"), None)
    put(
        "mixed.jsonl",
        (_line(message="Entrega retrasada, señor García.") + "\n").encode("utf-8")
        + (_line(message="Paket für Jürgen beschädigt.") + "\n").encode("latin-1"),
        None,
    )
    put("empty.txt", b"", "empty")
    put("whitespace.csv", b"  \n\t\n   ", "empty")
    put("huge.jsonl", (_line() + "\n").encode() * 6000, "oversized")
    put(
        "truncated.jsonl",
        (_line(message="A ticket before the cut.") + "\n" + _line(message="cut in the mid")[:40]).encode(),
        "malformed_json",
    )
    put("not_json.jsonl", b"this is not json at all\n[1, 2, 3]\n", "malformed_json")
    put(
        "columns.csv",
        b"message,category,agent_reply\n"
        b"Where is ORD-222222?,shipment_status,Checking now.\n"
        b"Missing a column,shipment_status\n"
        b"Too many,columns,here,really\n",
        "malformed_csv",
    )
    put("no_text_column.csv", b"subject,category\nhello,refund\n", "missing_text")
    put(
        "page.html",
        b"<html><head><title>Refund request</title><style>body{color:red}</style>"
        b"<script>var secret = 'DROP TABLE';</script></head><body><p>Please refund ORD-333333.</p>"
        b"<!-- internal note --><noscript>enable js</noscript><div>The box was crushed.</div></body></html>",
        None,
    )
    put("nested/deeper/ticket.txt", b"Customer: A ticket in a sub-folder about ORD-444444.\n", None)
    put("scan.pdf", b"%PDF-1.4\n", "malformed_pdf")
    put("growing.jsonl", (_line(message="Being written right now.") + "\n").encode(), "changed_while_reading")
    return expected


def test_hostile_batch_lands_with_every_item_accounted_for(data_dir, instance, resources, monkeypatch):
    from llm_assets.core.documents import inventory
    from resources.landing import LandingZone

    expected = _write_hostile_batch(data_dir / "landing")
    real_read, appended = inventory.os.read, []

    def read_while_appending(fd, n):
        data = real_read(fd, n)
        name = os.readlink(f"/proc/self/fd/{fd}")
        if data and name.endswith("growing.jsonl") and not appended:  # the uploader appends once, meanwhile
            appended.append(name)
            with open(name, "ab") as f:
                f.write(b'{"message": "one more line"}\n')
        return data

    monkeypatch.setattr(inventory.os, "read", read_while_appending)
    resources = {**resources, "landing_zone": LandingZone(path=str(data_dir / "landing"), max_file_bytes=200_000)}
    (result,) = ingest(instance, resources, ["hostile"])
    assert result.success

    raw = table(resources, "raw", "raw_documents")
    quarantine = table(resources, "raw", "quarantined_documents")
    for name, reason in expected.items():
        reasons = set(quarantine.filter(pl.col("source_path") == name)["reason"])
        kept = raw.filter(pl.col("source_path") == name).height
        if reason is None:
            assert kept >= 1 and not reasons, name
        else:
            assert reason in reasons, (name, reasons)

    # partially bad files keep their good records
    assert raw.filter(pl.col("source_path") == "truncated.jsonl").height == 1
    assert raw.filter(pl.col("source_path") == "columns.csv").height == 1
    assert quarantine.filter(pl.col("source_path") == "columns.csv").height == 2
    assert quarantine.filter(pl.col("source_path") == "not_json.jsonl").height == 2
    assert raw.filter(pl.col("source_path") == "mixed.jsonl").height == 2

    texts = {p: "\n".join(raw.filter(pl.col("source_path") == p)["text"]) for p in set(raw["source_path"])}
    assert "Müller" in texts["latin1.txt"] and "García" in texts["mixed.jsonl"] and "Jürgen" in texts["mixed.jsonl"]
    page = raw.filter(pl.col("source_path") == "page.html").row(0, named=True)
    assert "Please refund ORD-333333." in page["text"] and "crushed" in page["text"]
    assert "DROP TABLE" not in page["text"] and "color:red" not in page["text"] and "internal note" not in page["text"]
    assert json.loads(page["fields"])["subject"] == "Refund request"

    # nothing quarantined quotes content, and the books balance in the metadata
    assert not [d for d in quarantine["detail"].to_list() if "ORD-" in d or "Müller" in d]
    md = {
        m.asset_key.to_user_string(): m.metadata for m in result.asset_materializations_for_node("ingest_landing_batch")
    }["raw_documents"]
    assert md["records_in"].value == md["kept"].value + md["quarantined"].value == raw.height + quarantine.height
    books = {
        m.asset_key.to_user_string(): m.metadata for m in result.asset_materializations_for_node("ingest_landing_batch")
    }["landing_inventory"]
    assert books["entries_seen"].value == len(expected) == books["kept"].value + books["quarantined"].value
    assert md["by_encoding"].value.get("cp1252") == 1 and md["by_encoding"].value.get("mixed") == 2

    # a re-run replaces the partition's rows: identical counts (the grown file is now stable and lands)
    (again,) = ingest(instance, resources, ["hostile"])
    assert again.success
    raw2, quarantine2 = table(resources, "raw", "raw_documents"), table(resources, "raw", "quarantined_documents")
    (third,) = ingest(instance, resources, ["hostile"])
    raw3, quarantine3 = table(resources, "raw", "raw_documents"), table(resources, "raw", "quarantined_documents")
    assert (raw2.height, quarantine2.height) == (raw3.height, quarantine3.height)
    assert sorted(raw2["doc_id"]) == sorted(raw3["doc_id"])
    assert table(resources, "anon", "anonymized_documents").height == raw3.height
