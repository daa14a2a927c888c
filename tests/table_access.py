"""A warehouse that records which tables each asset step reads and writes, for the lineage-graph test.

Every statement that reaches DuckDB passes through here; the tables it names (``schema.table``, quoted or not, or
an ``information_schema`` probe's parameters) are booked under the Dagster step that runs it.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Iterator

import dagster as dg

from resources.warehouse import DuckDBWarehouse

SCHEMAS = ("raw", "anon", "train", "governance", "monitoring")
TABLE = re.compile(r'"?\b(' + "|".join(SCHEMAS) + r')"?\s*\.\s*"?([A-Za-z_][A-Za-z0-9_]*)"?')
WRITE = re.compile(r"^\s*(create|insert|delete|update|alter)\b", re.IGNORECASE)

# step name -> {"read": {(schema, table)}, "write": {...}}
ACCESS: dict[str, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: {"read": set(), "write": set()})


def _step() -> str:
    try:
        return dg.OpExecutionContext.get().op_def.name
    except Exception:  # outside a step (test set-up, sensors)
        return "<outside a step>"


def _book(sql: str, params) -> None:
    tables = [(m.group(1), m.group(2)) for m in TABLE.finditer(sql)]
    if "information_schema" in sql and params and len(params) >= 2 and params[0] in SCHEMAS:
        tables.append((str(params[0]), str(params[1])))
    if not tables:
        return
    entry = ACCESS[_step()]
    if WRITE.match(sql):
        entry["write"].add(tables[0])
        entry["read"].update(tables[1:])
    else:
        entry["read"].update(tables)


class _RecordingConnection:
    def __init__(self, con) -> None:
        self._con = con

    def execute(self, sql: str, params=None, *args, **kwargs):
        _book(sql, params)
        return self._con.execute(sql, params, *args, **kwargs)

    def sql(self, sql: str, *args, **kwargs):
        _book(sql, kwargs.get("params"))
        return self._con.sql(sql, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


class RecordingWarehouse(DuckDBWarehouse):
    @contextlib.contextmanager
    def connect(self, read_only: bool = False) -> Iterator:
        with super().connect(read_only=read_only) as con:
            yield _RecordingConnection(con)
