"""Hostile input, round two: one landing batch holding every input that used to fail a whole batch or carry a raw
value out of the raw zone by its name, ingested and anonymized in one successful run.

- names that are not text: a file name with a Latin-1 byte, a JSON string holding a lone surrogate escape;
- names that are data: the batch folder, file names, an e-mail attachment's name, a JSON key and a CSV header that
  hold a person's name or e-mail address;
- books that must balance: a file that grows between the listing and the read, a .docx zip bomb padded with stored
  random bytes, a duplicate file, a path longer than PATH_MAX.

Then a leak scan of Dagster's run storage (the instance's sqlite files, the event log, run tags) and of every
warehouse table outside the raw zone, for the values planted in names.
"""

import io
import json
import os
import random
import zipfile

import polars as pl
import pytest

from llm_assets.core.partitions import is_landing_batch_key
from tests.helpers import batch_key, ingest, table
from tests.landing_files import docx, multipart_email

pytestmark = pytest.mark.slow

FOLDER = "Ingrid Novak ingrid.novak@web.example"
LATIN1_NAME = b"r\xe9clamation Marchetti.txt"  # not UTF-8: the byte \xe9 alone
# planted in names only, never in a body: anywhere outside the raw zone they can only have come through a name
PLANTED = {
    "folder name": ["Ingrid", "Novak", "ingrid.novak@web.example"],
    "file name": ["Marchetti", "Okonkwo", "adaeze.o@mail.example"],
    "attachment name": ["Wojcik"],
    "JSON key": ["Zeynep", "Kaya"],
    "CSV header": ["Fischer"],
}
TICKET = {"category": "delivery_delay", "agent_reply": "We are sorry, a new parcel is on its way."}
LONG_DIR = "d" * 200  # 22 levels of it: the files at the bottom lie past PATH_MAX (4,096 bytes)
LONG_LEVELS = 22
LONG_FILES = 10


def _line(message: str, **more) -> bytes:
    return (json.dumps({"message": message, **TICKET, **more}) + "\n").encode()


def _padded_docx_bomb() -> bytes:
    """A valid .docx whose document.xml inflates 30 MB from ~30 KB, padded with 1 MB of stored random bytes so the
    whole archive inflates only ~30x (under the plain bomb's 50x)."""
    base = zipfile.ZipFile(io.BytesIO(docx(["Customer: placeholder"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            data = base.read(info)
            if info.filename == "word/document.xml":
                text = data.decode()
                data = text.replace("placeholder", "A" * 30_000_000).encode()
            z.writestr(info.filename, data)
        z.writestr(zipfile.ZipInfo("word/media/padding.bin"), random.Random(1).randbytes(1_000_000))  # stored
    return out.getvalue()


def _build(root) -> dict[str, tuple[str, str]]:
    """Writes the batch; returns inventory path -> (outcome, reason)."""
    b = root / FOLDER
    b.mkdir(parents=True)
    expected: dict[str, tuple[str, str]] = {}

    def put(name: str, data: bytes, outcome: str = "kept", reason: str = "") -> None:
        (b / name).write_bytes(data)
        expected[name] = (outcome, reason)

    (b / os.fsdecode(LATIN1_NAME)).write_bytes(b"Customer: The parcel never came, please check.\n")
    expected["r\\xe9clamation Marchetti.txt"] = ("kept", "")
    put("surrogate.jsonl", b'{"message": "Half an emoji \\ud83d in my ticket", "category": "other"}\n')
    put("Okonkwo adaeze.o@mail.example.jsonl", _line("The blender stopped working.", **{"Zeynep Kaya": "vip"}))
    put("headers.csv", b"message,category,Lena Fischer\nThe lamp arrived broken.,refund_request,yes\n")
    put(
        "mail.eml",
        multipart_email(
            "Customer: The kettle leaks since Monday.", None,
            {"Tomasz Wojcik invoice.txt": (b"Customer: invoice for the kettle, 35 EUR\n", "text/plain")},
        ),
    )  # fmt: skip
    put("growing.jsonl", _line("Written while we read it."), "quarantined", "changed_while_reading")
    put("bomb.docx", _padded_docx_bomb(), "quarantined", "oversized")
    put("original.jsonl", _line("The wardrobe doors do not close."))
    put("original_copy.jsonl", _line("The wardrobe doors do not close."), "quarantined", "duplicate")
    # a path longer than PATH_MAX: folders are opened relative to their parent, so nothing is too long to list
    fd = os.open(b, os.O_RDONLY)
    rel = ""
    for _ in range(LONG_LEVELS):
        os.mkdir(LONG_DIR, dir_fd=fd)
        child = os.open(LONG_DIR, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
        rel += ("/" if rel else "") + LONG_DIR
        too_long = len(os.fsencode(b)) + 1 + len(rel) + 1 > os.pathconf(b, "PC_PATH_MAX")
        expected[rel] = ("quarantined", "path_too_long") if too_long else ("walked", "")
    for n in range(LONG_FILES):
        f = os.open(f"deep{n}.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(f, f"Customer: deep ticket {n}\n".encode())
        os.close(f)
        expected[f"{rel}/deep{n}.txt"] = ("quarantined", "path_too_long")
    os.close(fd)
    return expected


def _disk_entries(top) -> int:
    """Every entry below ``top`` as the file system lists it (through descriptors: past PATH_MAX too)."""
    return sum(len(dirs) + len(files) for _, dirs, files, _ in os.fwalk(os.fsencode(top)))


@pytest.fixture
def hostile_names(data_dir, instance, resources, monkeypatch):
    from llm_assets.ingestion import assets

    expected = _build(data_dir / "landing")
    listed = assets.walk

    def walk_while_uploading(*args, **kwargs):
        for entry in listed(*args, **kwargs):
            if entry.rel_path == "growing.jsonl":  # the uploader appends between the listing and the read
                with open(entry.real_path, "ab") as f:
                    f.write(_line("one more line"))
            yield entry

    monkeypatch.setattr(assets, "walk", walk_while_uploading)
    (result,) = ingest(instance, resources, [FOLDER])
    return result, expected


def _check_outcomes_and_books(result, expected, resources, data_dir) -> None:
    key = batch_key(resources, FOLDER)
    assert is_landing_batch_key(key) and result.dagster_run.tags["dagster/partition"] == key

    inventory = table(resources, "raw", "landing_inventory")
    got = {r["path"]: (r["outcome"], r["reason"]) for r in inventory.iter_rows(named=True)}
    for path, outcome in expected.items():
        assert got.get(path) == outcome, (path, got.get(path))
    assert inventory.filter(pl.col("path") == "r\\xe9clamation Marchetti.txt")["escaped_values"].to_list() == [1]
    assert inventory.filter(pl.col("path") == "surrogate.jsonl")["escaped_values"].to_list() == [1]

    md = {
        m.asset_key.to_user_string(): m.metadata for m in result.asset_materializations_for_node("ingest_landing_batch")
    }
    books = md["landing_inventory"]
    seen = books["entries_seen"].value
    assert seen == books["kept"].value + books["quarantined"].value + books["ignored_by_rule"].value
    assert seen + books["folders_walked"].value == _disk_entries(data_dir / "landing" / FOLDER)  # every entry
    assert books["escaped_values"].value >= 2

    # the inventory agrees with the tables: documents kept = raw rows, records quarantined = quarantine rows
    raw = table(resources, "raw", "raw_documents")
    quarantine = table(resources, "raw", "quarantined_documents")
    assert inventory["documents"].sum() == raw.height and inventory["quarantined_records"].sum() == quarantine.height
    for path, (outcome, _) in expected.items():
        rows = raw.filter(pl.col("source_path").str.starts_with(path)).height
        assert (rows > 0) == (outcome == "kept"), path
    reasons = {(r["source_path"], r["reason"]) for r in quarantine.iter_rows(named=True)}
    assert ("original_copy.jsonl", "duplicate") in reasons and ("bomb.docx", "oversized") in reasons

    # the values that were not text are escaped, visibly; the readable folder name is in the raw zone only
    text = dict(zip(raw["source_path"], raw["text"], strict=True))
    assert text["surrogate.jsonl"] == "Half an emoji \\ud83d in my ticket"
    assert "never came" in text["r\\xe9clamation Marchetti.txt"]
    assert "invoice for the kettle" in text["mail.eml#Tomasz Wojcik invoice.txt"]
    names = table(resources, "raw", "landing_batch_names")
    assert names.select("batch_id", "folder_name").rows() == [(key, FOLDER)]
    assert set(raw["batch_id"]) == {key}
    anon = table(resources, "anon", "anonymized_documents")
    assert anon.height == raw.height and set(anon["batch_id"]) == {key}


def _dagster_storage_blob(instance, data_dir) -> str:
    parts = []
    for run in instance.get_runs():
        parts.append(json.dumps(run.tags))
        for entry in instance.all_logs(run.run_id):
            parts.append(entry.user_message or "")
            if entry.dagster_event is not None:
                parts.append(repr(entry.dagster_event.event_specific_data))
    parts += instance.get_dynamic_partitions("landing_batches")
    for f in (data_dir / "dagster_home").rglob("*"):  # run and event storage (sqlite), captured compute logs
        if f.is_file():
            parts.append(f.read_bytes().decode("utf-8", errors="ignore"))
    return "\n".join(parts)


def _outside_raw_zone_blob(resources) -> str:
    from resources.warehouse import frame

    with resources["warehouse"].connect() as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        return "\n".join(
            frame(con, f'select * from "{s}"."{t}"').write_csv() for s, t in tables if s not in ("raw", "main")
        )


def _check_no_name_leaves_the_raw_zone(instance, resources, data_dir) -> None:
    """Folder name, file names, the attachment's name, the JSON key and the CSV header: in the raw zone (planted for
    real), nowhere in Dagster's run storage, event log and tags, nor in any table outside the raw zone."""
    dagster = _dagster_storage_blob(instance, data_dir)
    assert len(dagster) > 10_000 and batch_key(resources, FOLDER) in dagster  # the scan sees the runs
    warehouse = _outside_raw_zone_blob(resources)
    assert "The wardrobe doors do not close." in warehouse  # ... and the anonymized documents
    raw = "\n".join(table(resources, "raw", t).write_csv() for t in ("landing_inventory", "raw_documents"))
    leaks = []
    for where, values in PLANTED.items():
        for value in values:
            assert value in raw or value in FOLDER, value  # planted for real
            leaks += [(where, value, "Dagster storage")] if value in dagster else []
            leaks += [(where, value, "outside the raw zone")] if value in warehouse else []
    assert leaks == []


def test_one_run_takes_every_hostile_name_the_books_balance_and_no_name_leaves_the_raw_zone(
    hostile_names, instance, resources, data_dir
):
    result, expected = hostile_names
    assert result.success
    _check_outcomes_and_books(result, expected, resources, data_dir)
    _check_no_name_leaves_the_raw_zone(instance, resources, data_dir)
