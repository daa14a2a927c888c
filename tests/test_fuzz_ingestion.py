"""Property-based tests: generated hostile inputs (random bytes, deep nesting, huge fields, mixed encodings, link
tricks) never make a parser or a batch raise, every entry is accounted for, and nothing outside the root gets in."""

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_assets.core.documents.parsing import SUPPORTED_SUFFIXES, ParsedDocument, Quarantined, parse_bytes

FORMATS = sorted(set(SUPPORTED_SUFFIXES.values()))
SECRET = "OUTSIDE-SECRET-7f3a"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)


def _check(items) -> None:
    assert items, "every input yields at least one document or one quarantine row"
    for item in items:
        assert isinstance(item, ParsedDocument | Quarantined)
        if isinstance(item, Quarantined):
            assert item.reason and len(item.detail) < 300


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4000), fmt=st.sampled_from(FORMATS))
def test_random_bytes_never_break_a_parser(data, fmt):
    _check(list(parse_bytes(data, f"fuzz.{fmt}", fmt)))


@settings(max_examples=100, deadline=None)
@given(
    value=json_values, depth=st.integers(0, 3000), encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-32"])
)
def test_generated_json_deep_nesting_and_encodings(value, depth, encoding):
    record = {"message": "a ticket", "payload": value}
    for _ in range(depth):
        record = {"nested": record, "message": "deeper"}
    try:
        text = json.dumps(record, ensure_ascii=False)
    except RecursionError:
        return
    for fmt in ("json", "jsonl"):
        data = text.encode(encoding, errors="replace")
        _check(list(parse_bytes(data, f"fuzz.{fmt}", fmt)))


@settings(max_examples=60, deadline=None)
@given(field=st.text(min_size=0, max_size=200_000), sep=st.sampled_from([",", "\t", ";"]), crlf=st.booleans())
def test_huge_and_odd_csv_fields(field, sep, crlf):
    nl = "\r\n" if crlf else "\n"
    data = f'message{sep}category{nl}"{field.replace(chr(34), chr(34) * 2)}"{sep}refund{nl}'.encode("utf-8", "replace")
    _check(list(parse_bytes(data, "fuzz.csv", "csv")))


entry_kinds = st.sampled_from(
    ["bytes", "ticket", "link_out", "link_in", "loop", "hardlink", "dangling", "fifo", "hidden"]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.tuples(entry_kinds, st.binary(max_size=600)), min_size=1, max_size=12))
def test_a_generated_batch_is_read_without_escaping_the_root(plan):
    from llm_assets.ingestion.assets import _read_batch
    from resources.landing import LandingZone
    from resources.warehouse import DuckDBWarehouse

    with tempfile.TemporaryDirectory() as tmp:
        root, outside = Path(tmp) / "landing", Path(tmp) / "outside"
        batch = root / "b"
        batch.mkdir(parents=True)
        outside.mkdir()
        secret = outside / "secret.txt"
        secret.write_text(f"Customer: {SECRET}\n")
        for n, (kind, data) in enumerate(plan):
            path = batch / (f".h{n}.txt" if kind == "hidden" else f"e{n}.{'jsonl' if kind == 'ticket' else 'txt'}")
            if kind in ("bytes", "hidden"):
                path.write_bytes(data)
            elif kind == "ticket":
                path.write_text(json.dumps({"message": data.decode("latin-1") or "x"}) + "\n")
            elif kind == "link_out":
                os.symlink(secret, path)
            elif kind == "link_in":
                (batch / f"target{n}.txt").write_bytes(data or b"Customer: linked\n")
                os.symlink(batch / f"target{n}.txt", path)
            elif kind == "loop":
                os.symlink(path, path)
            elif kind == "hardlink":
                os.link(secret, path)
            elif kind == "dangling":
                os.symlink(batch / "missing", path)
            elif kind == "fifo":
                os.mkfifo(path)
        zone = LandingZone(path=str(root), settle_seconds=0)
        warehouse = DuckDBWarehouse(path=str(Path(tmp) / "w.duckdb"))
        read = _read_batch("b", batch, zone, warehouse, {}, b"k" * 32, ({}, {}))
        on_disk = sorted(p.name for p in batch.iterdir())
        assert sorted(r["path"] for r in read.inventory) == on_disk  # every entry, once
        assert all(r["outcome"] in ("read", "quarantined", "ignored") for r in read.inventory)
        blob = json.dumps([d.text for d in read.kept] + [d.fields for d in read.kept])
        assert SECRET not in blob


# -- names and structure -----------------------------------------------------------------------------------------------

PLANTED_NAME = "Planted Name 7q"
# any bytes a file system takes in a name (no "/" and no NUL), sometimes around a planted value
raw_names = st.binary(min_size=1, max_size=30).filter(
    lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b"..")
)
planted_names = st.tuples(raw_names, st.booleans(), raw_names).map(
    lambda t: t[0] + (f" {PLANTED_NAME} ".encode() if t[1] else b"") + t[2]
)
# any text, lone surrogates included (JSON carries them as \ud83d escapes)
any_text = st.text(alphabet=st.characters(blacklist_categories=()), max_size=30)
record_plans = st.dictionaries(any_text, any_text, max_size=6).map(lambda d: {"message": "a ticket", **d})
structure = st.sampled_from(["txt", "jsonl", "csv", "folder"])


def _top(kind: str, name: bytes) -> bytes:
    return name if kind == "folder" else name + b"." + kind.encode()


def _write_named(batch: bytes, kind: str, name: bytes, record: dict, data: bytes) -> list[bytes]:
    """Writes one entry named ``name`` (bytes) of ``kind``; returns the entries' paths relative to the batch."""
    if kind == "folder":
        folder = os.path.join(batch, name)
        os.mkdir(folder)
        with open(os.path.join(folder, b"inner-" + name[:20] + b".txt"), "wb") as f:
            f.write(data or b"Customer: inside a folder\n")
        return [name, name + b"/inner-" + name[:20] + b".txt"]
    path = os.path.join(batch, name + b"." + kind.encode())
    with open(path, "wb") as f:
        if kind == "jsonl":
            f.write(json.dumps(record).encode() + b"\n")  # ensure_ascii: lone surrogates as \ud83d escapes
        elif kind == "csv":
            header, row = list(record), list(record.values())
            buf = io.StringIO()
            csv.writer(buf).writerows([header, row])
            f.write(buf.getvalue().encode("utf-8", "surrogatepass"))  # lone surrogates as bytes UTF-8 refuses
        else:
            f.write(data)
    return [name + b"." + kind.encode()]


def _valid(value) -> bool:
    """A value every sink takes: strings that encode as UTF-8, containers of them."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_valid(k) and _valid(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_valid(v) for v in value)
    return True


@settings(max_examples=40, deadline=None)
@given(
    folder=planted_names,
    plan=st.lists(st.tuples(structure, planted_names, record_plans, st.binary(max_size=200)), min_size=1, max_size=6),
)
def test_generated_names_keys_and_headers_are_read_as_valid_text(folder, plan):
    """File and folder names of any bytes, JSON keys and values and CSV headers of any text (lone surrogates too):
    no exception escapes, every entry is accounted for under its name as valid text, every row builds into the
    tables' frames, and the keyed references hold no name."""
    import polars as pl

    from llm_assets.core.documents.text import name_text
    from llm_assets.ingestion.assets import INVENTORY_SCHEMA, QUARANTINE_SCHEMA, RAW_SCHEMA, _read_batch
    from resources.landing import LandingZone
    from resources.warehouse import DuckDBWarehouse

    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(os.fsencode(tmp), b"landing")
        batch = os.path.join(root, folder)
        os.makedirs(batch)
        on_disk: set[bytes] = set()
        for kind, name, record, data in plan:
            if _top(kind, name) in {p.split(b"/")[0] for p in on_disk} or _top(kind, name) in (b".", b".."):
                continue  # a name generated twice, or one no file can have
            on_disk.update(_write_named(batch, kind, name, record, data))
        zone = LandingZone(path=os.fsdecode(root), settle_seconds=0)
        warehouse = DuckDBWarehouse(path=str(Path(tmp) / "w.duckdb"))
        read = _read_batch("lb-" + "0" * 20, Path(os.fsdecode(batch)), zone, warehouse, {}, b"k" * 32, ({}, {}))

        listed = {r["path"]: r for r in read.inventory}
        for rel in on_disk:  # every entry, under its name as valid text (a folder an ignore rule skips: not walked)
            parts = rel.split(b"/")
            if len(parts) == 2 and listed.get(name_text(parts[0])[0], {}).get("outcome") == "ignored":
                continue
            assert "/".join(name_text(p)[0] for p in parts) in listed, rel
        assert all(r["outcome"] in ("read", "quarantined", "ignored", "walked") for r in read.inventory)
        rows = [*read.inventory, *(vars(q) for q in read.bad), *(vars(d) for d in read.kept)]
        assert _valid(rows)
        pl.DataFrame(read.inventory, schema={k: v for k, v in INVENTORY_SCHEMA.items() if k != "listed_at"})
        pl.DataFrame([{k: v for k, v in vars(q).items() if k in QUARANTINE_SCHEMA} for q in read.bad])
        pl.DataFrame([{"text": d.text, "fields": json.dumps(d.fields, ensure_ascii=False)} for d in read.kept])
        assert set(RAW_SCHEMA) >= {"text", "fields"}
        assert not [r for r in read.path_refs.values() if PLANTED_NAME in r]


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    folder=planted_names,
    plan=st.lists(st.tuples(structure, planted_names, record_plans, st.binary(max_size=200)), min_size=1, max_size=4),
)
@pytest.mark.slow
def test_a_generated_batch_ingests_in_one_run_and_no_name_reaches_dagster(folder, plan, resources):
    """Whole ingestion runs on generated names: the run succeeds, the books balance, and the planted name (in the
    folder's and the files' names) is nowhere in the run's storage, event log or tags."""
    import dagster as dg

    from llm_assets.core.partitions import landing_batch_key, landing_batches
    from resources.landing import LandingZone
    from resources.warehouse import DuckDBWarehouse, WarehouseIOManager
    from tests.helpers import ALL_ASSETS

    folder = b"batch " + PLANTED_NAME.encode() + b" " + folder  # the folder's name always holds it
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(os.fsencode(tmp), b"landing")
        batch = os.path.join(root, folder)
        os.makedirs(batch)
        on_disk: set[bytes] = set()
        for kind, name, record, data in plan:
            if _top(kind, name) not in {p.split(b"/")[0] for p in on_disk} | {b".", b".."}:
                on_disk.update(_write_named(batch, kind, name, record, data))
        warehouse = DuckDBWarehouse(path=str(Path(tmp) / "w.duckdb"))
        run_resources = {
            **resources,
            "warehouse": warehouse,
            "warehouse_io_manager": WarehouseIOManager(warehouse=warehouse),
            "landing_zone": LandingZone(path=os.fsdecode(root), settle_seconds=0),
        }
        key = landing_batch_key(resources["governance_keys"].secret(), folder)
        (Path(tmp) / "home").mkdir()
        with dg.instance_for_test(temp_dir=str(Path(tmp) / "home")) as instance:
            instance.add_dynamic_partitions(landing_batches.name, [key])
            result = dg.materialize(
                ALL_ASSETS,
                selection=dg.AssetSelection.groups("ingestion"),
                partition_key=key,
                resources=run_resources,
                instance=instance,
            )
            assert result.success
            events = result.asset_materializations_for_node("ingest_landing_batch")
            books = {m.asset_key.to_user_string(): m.metadata for m in events}["landing_inventory"]
            seen = books["entries_seen"].value
            assert seen == books["kept"].value + books["quarantined"].value + books["ignored_by_rule"].value
            storage = [json.dumps(result.dagster_run.tags)]
            for entry in instance.all_logs(result.run_id):
                storage.append(entry.user_message or "")
                if entry.dagster_event is not None:
                    storage.append(repr(entry.dagster_event.event_specific_data))
            for f in (Path(tmp) / "home").rglob("*"):
                if f.is_file():
                    storage.append(f.read_bytes().decode("utf-8", errors="ignore"))
            blob = "\n".join(storage)
            assert key in blob and PLANTED_NAME not in blob
