"""Where the server writes its traffic and where ``inference_log`` reads it: JSON lines, one file per day and process.

The server never touches DuckDB (one writer: the Dagster step that ingests a day's files). Every line is already
anonymized: request and reply texts with placeholders, keyed fingerprints of the values that were replaced.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from pydantic import Field

from llm_assets.core import jsonl
from llm_assets.settings import default_path

KINDS = ("requests", "feedback")


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


class TrafficLog(dg.ConfigurableResource):
    """The served model's request and feedback logs (anonymized JSON lines)."""

    path: str = Field(default_factory=lambda: default_path("serving", "traffic"), description="Root of the logs.")

    def day_dir(self, kind: str, day: str) -> Path:
        if kind not in KINDS:
            raise ValueError(f"unknown traffic kind {kind!r}")
        return Path(self.path) / kind / f"date={day}"

    def days(self) -> list[str]:
        found = set()
        for kind in KINDS:
            root = Path(self.path) / kind
            if root.is_dir():
                found |= {p.name.removeprefix("date=") for p in root.glob("date=*") if p.is_dir()}
        return sorted(found)

    def read_day(self, kind: str, day: str) -> tuple[list[dict], int]:
        """The day's records, and how many lines could not be read (a line cut by a crash)."""
        records, unreadable = [], 0
        folder = self.day_dir(kind, day)
        for file in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
            objects, bad = jsonl.read_objects(file)
            records += objects
            unreadable += bad
        return records, unreadable

    def signature(self, day: str) -> str:
        """Changes whenever a line is appended to the day's logs (the sensor's cursor)."""
        sizes = []
        for kind in KINDS:
            folder = self.day_dir(kind, day)
            sizes += (
                [f"{kind}/{p.name}:{p.stat().st_size}" for p in sorted(folder.glob("*.jsonl"))]
                if folder.is_dir()
                else []
            )
        return ",".join(sizes)

    def writer(self) -> TrafficWriter:
        return TrafficWriter(Path(self.path))


class TrafficWriter:
    """Appends records, one line each, flushed at once: a crash loses at most the line being written."""

    def __init__(self, root: Path):
        self.root = root
        self._lock = threading.Lock()
        self._name = f"{socket.gethostname()}-{os.getpid()}.jsonl"

    def write(self, kind: str, record: dict) -> None:
        line = jsonl.line(record, sort_keys=True)
        folder = self.root / kind / f"date={today()}"
        with self._lock:
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / self._name, "a", encoding="utf-8") as f:
                f.write(line)
                f.flush()
