"""One landing batch with every case a user, an uploader or an attacker produces: it ingests and anonymizes in one
successful run, every directory entry is accounted for, and nothing from outside the landing root reaches a table."""

import codecs
import gzip
import json
import os
import socket

import polars as pl
import pytest

from tests.helpers import ingest, table
from tests.landing_files import docx, multipart_email, pdf

pytestmark = pytest.mark.slow

SECRET = "sk_live_51HOSTILEoutsideTheLandingZone"
TICKET = {"category": "refund_request", "agent_reply": "Refund issued."}


def _line(message: str, **more) -> str:
    return json.dumps({"message": message, **TICKET, **more}, ensure_ascii=False)


def _build(root, outside) -> dict[str, tuple[str, str]]:
    """Writes the batch; returns path -> (outcome, reason) expected in the inventory."""
    b = root / "everything"
    b.mkdir(parents=True)
    secret_file = outside / "api_key.txt"
    secret_file.write_text(f"Customer: please use {SECRET} for the refund\n")
    expected: dict[str, tuple[str, str]] = {}

    def put(name: str, data: bytes, outcome: str = "kept", reason: str = "") -> None:
        (b / name).parent.mkdir(parents=True, exist_ok=True)
        (b / name).write_bytes(data)
        expected[name] = (outcome, reason)

    # formats and encodings users have
    # its content lands through alias.jsonl (a link inside the zone, read first): this copy is a duplicate
    put("good.jsonl", (_line("My kettle from order 4471 arrived broken.") + "\n").encode(), "quarantined", "duplicate")
    put("utf16_bom.txt", codecs.BOM_UTF16_LE + "Customer: Die Lieferung kam nicht an, Grüße\n".encode("utf-16-le"))
    put("utf16_nobom.txt", "Customer: Where is the parcel I sent back?\n".encode("utf-16-le"))
    put("utf32_bom.txt", "Customer: The lamp flickers since Monday.\n".encode("utf-32"))
    put("notes.md", b"# Refund please\n\nThe **blender** I bought [online](https://shop.example) is *broken*.\n")
    put("letter.pdf", pdf(["Dear support,", "the chair I ordered arrived with a cracked leg."]))
    put("scan.pdf", pdf(None), "quarantined", "no_text_layer")
    put("complaint.docx", docx(["Customer: The rug is the wrong colour."], [["Order", "5521"]], title="Wrong rug"))
    put(
        "reply.eml",
        multipart_email(
            "Wir haben die Rückerstattung veranlasst.\n\nOn Monday Bruno wrote:\n"
            "> Die Uhr ist kaputt, bitte erstatten.",
            "<p>Wir haben die <b>Rückerstattung</b> veranlasst.</p>",
            {"receipt.txt": (b"Customer: receipt for the broken watch, 89 EUR\n", "text/plain"),
             "photo.png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")},
        ),
    )  # fmt: skip
    put("html_only.eml", multipart_email(None, "<html><body><p>Die Tasse ist zerbrochen.</p></body></html>", {}))
    put(
        "page.html",
        b'<html><head><meta charset="iso-8859-1"><title>Beschwerde</title></head>'
        b"<body><p>Der K\xfchlschrank ist defekt.</p></body></html>",
    )
    put("gz.jsonl", gzip.compress((_line("compressed") + "\n").encode()), "quarantined", "binary")
    # inputs that broke whole batches before
    put("deep.json", b'{"message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "quarantined", "too_deep")
    put("deep_lines.jsonl", (_line("A fine ticket about a toaster.") + "\n").encode() + b"[" * 100_000 + b"\n")
    put("long.jsonl", (_line("The box was crushed. " * 60_000) + "\n").encode())  # 1.26 M characters
    # entries that are not data, by rule
    put(".hidden_ticket.jsonl", (_line("hidden") + "\n").encode(), "ignored", "hidden")
    put("draft.txt~", b"Customer: editor backup\n", "ignored", "editor_temp")
    put(".DS_Store", b"\x00\x00\x00\x01Bud1", "ignored", "os_metadata")
    put("__MACOSX/._good.jsonl", b"resource fork")
    expected.pop("__MACOSX/._good.jsonl")
    expected["__MACOSX"] = ("ignored", "os_metadata")  # the folder is not walked
    # what must never be read
    os.symlink(secret_file, b / "link_out.txt")
    expected["link_out.txt"] = ("quarantined", "outside_landing_zone")
    os.symlink(b / "loop_b", b / "loop_a")
    os.symlink(b / "loop_a", b / "loop_b")
    expected["loop_a"] = expected["loop_b"] = ("quarantined", "symlink_loop")
    os.symlink(b / "nowhere.txt", b / "dangling.txt")
    expected["dangling.txt"] = ("quarantined", "broken_link")
    os.link(secret_file, b / "hardlink.txt")
    expected["hardlink.txt"] = ("quarantined", "hard_link")
    os.mkfifo(b / "pipe.jsonl")
    expected["pipe.jsonl"] = ("quarantined", "not_a_regular_file")
    short = f"/tmp/llmp-{os.getpid()}.sock"  # socket paths are limited to ~100 characters: bind short, then move
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(short)
    sock.close()
    os.rename(short, b / "agent.sock")
    expected["agent.sock"] = ("quarantined", "not_a_regular_file")
    os.symlink(b / "good.jsonl", b / "alias.jsonl")  # a link inside the zone is read (and its content is a duplicate)
    expected["alias.jsonl"] = ("kept", "")
    return expected


@pytest.fixture
def everything(data_dir, instance, resources, tmp_path):
    from resources.anonymizer import PresidioAnonymizer
    from resources.landing import LandingZone

    outside = tmp_path / "outside"
    outside.mkdir()
    expected = _build(data_dir / "landing", outside)
    resources = {
        **resources,
        "landing_zone": LandingZone(path=str(data_dir / "landing"), settle_seconds=0),
        "anonymizer": PresidioAnonymizer(max_document_chars=1_000_000),
    }
    (result,) = ingest(instance, resources, ["everything"])
    return result, resources, expected


def test_every_entry_is_accounted_for_and_the_run_succeeds(everything):
    result, resources, expected = everything
    assert result.success
    inventory = table(resources, "raw", "landing_inventory")
    got = {r["path"]: (r["outcome"], r["reason"]) for r in inventory.iter_rows(named=True) if r["outcome"] != "walked"}
    for path, (outcome, reason) in expected.items():
        assert got.get(path) == (outcome, reason), (path, got.get(path))
    md = {
        m.asset_key.to_user_string(): m.metadata for m in result.asset_materializations_for_node("ingest_landing_batch")
    }
    books = md["landing_inventory"]
    assert books["entries_seen"].value == len(got) == len(expected)
    assert (
        books["entries_seen"].value == books["kept"].value + books["quarantined"].value + books["ignored_by_rule"].value
    )
    assert books["ignore_rules"].value == {"hidden": 1, "editor_temp": 1, "os_metadata": 2}


def test_formats_and_encodings_are_read(everything):
    _, resources, _ = everything
    raw = table(resources, "raw", "raw_documents")
    text = {p: "\n".join(raw.filter(pl.col("source_path") == p)["text"]) for p in set(raw["source_path"])}
    assert "Grüße" in text["utf16_bom.txt"] and "parcel I sent back" in text["utf16_nobom.txt"]
    assert "flickers" in text["utf32_bom.txt"]
    assert "The blender I bought online is broken." in text["notes.md"] and "**" not in text["notes.md"]
    assert "cracked leg" in text["letter.pdf"]
    assert "wrong colour" in text["complaint.docx"] and "Order | 5521" in text["complaint.docx"]
    assert "kaputt" in text["reply.eml"] and "receipt for the broken watch" in text["reply.eml#receipt.txt"]
    assert "Die Tasse ist zerbrochen." in text["html_only.eml"] and "<p>" not in text["html_only.eml"]
    assert "Kühlschrank" in text["page.html"]
    assert "toaster" in text["deep_lines.jsonl"]
    fields = json.loads(raw.filter(pl.col("source_path") == "reply.eml")["fields"][0])
    assert fields["attachments"] == "2" and "Rückerstattung" in fields["agent_reply"]
    quarantine = table(resources, "raw", "quarantined_documents")
    reasons = {(r["source_path"], r["reason"]) for r in quarantine.iter_rows(named=True)}
    assert ("reply.eml#photo.png", "unsupported_attachment") in reasons
    assert ("deep_lines.jsonl", "too_deep") in reasons
    assert ("good.jsonl", "duplicate") in reasons  # the link inside the zone was read first: same content, once


def test_nothing_from_outside_the_landing_root_reaches_any_table(everything):
    _, resources, _ = everything
    from resources.warehouse import frame

    with resources["warehouse"].connect() as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        blob = "\n".join(frame(con, f'select * from "{schema}"."{name}"').write_csv() for schema, name in tables)
    assert len(tables) >= 8
    assert SECRET not in blob and "api_key" not in blob


def test_a_long_ticket_is_held_back_by_the_anonymizer_and_the_batch_goes_on(everything):
    result, resources, _ = everything
    held = table(resources, "anon", "privacy_quarantine")
    raw = table(resources, "raw", "raw_documents")
    long_id = raw.filter(pl.col("source_path") == "long.jsonl")["doc_id"][0]
    assert held.filter(pl.col("doc_id") == long_id)["reason"].to_list() == ["too_long"]
    anon = table(resources, "anon", "anonymized_documents")
    assert anon.height == raw.height - held.height > 10
    assert [c.passed for c in result.get_asset_check_evaluations()] == [True]
