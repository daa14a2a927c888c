"""Property-based tests: generated hostile inputs (random bytes, deep nesting, huge fields, mixed encodings, link
tricks) never make a parser or a batch raise, every entry is accounted for, and nothing outside the root gets in."""

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_assets.ingestion.parsing import SUPPORTED_SUFFIXES, ParsedDocument, Quarantined, parse_bytes

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
        read = _read_batch("b", zone, warehouse, {}, b"k" * 32, ({}, {}))
        on_disk = sorted(p.name for p in batch.iterdir())
        assert sorted(r["path"] for r in read.inventory) == on_disk  # every entry, once
        assert all(r["outcome"] in ("read", "quarantined", "ignored") for r in read.inventory)
        blob = json.dumps([d.text for d in read.kept] + [d.fields for d in read.kept])
        assert SECRET not in blob
