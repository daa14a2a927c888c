"""The DuckDB warehouse: the pipeline's one data-access layer, and an IO manager that stores polars frames as tables.

Assets and libraries never write SQL: they call named operations (``select`` with filters, ``delete_in``,
``write_rows``, ``upsert``, ``replace_rows``) and do their aggregations in polars. Every DuckDB idiom (arrow
registration, ``insert … by name``, ``create or replace``, lock retries) lives in this module, so another backend is
one module.

Tables live in schemas named by each asset's ``schema`` metadata (``raw`` for the raw zone, ``anon`` for the
anonymized zone, ``train`` for training data). Partitioned assets carry their partition key in ``batch_id``:
re-materializing a partition replaces its rows, never duplicates them.
"""

import contextlib
import random
import time
from collections.abc import Iterator

import dagster as dg
import duckdb
import polars as pl
from pydantic import Field

from llm_assets.settings import default_path

PARTITION_COLUMN = "batch_id"


def _connect(path: str, timeout_s: float, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """DuckDB allows one writing process per file: another run's step may hold it for a moment, so wait for it."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.2 + random.random() * 0.3)


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """A query's result as a polars DataFrame (DuckDB 2 wants results consumed whole)."""
    return pl.from_arrow(con.sql(sql, params=params or None).to_arrow_table())


class DuckDBWarehouse(dg.ConfigurableResource):
    """The DuckDB database that holds every table of the pipeline."""

    path: str = Field(default_factory=lambda: default_path("warehouse.duckdb"), description="DuckDB database file.")
    lock_timeout_s: float = Field(default=120.0, description="How long to wait for another process's write lock.")

    @contextlib.contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        from pathlib import Path

        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = _connect(self.path, self.lock_timeout_s, read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    def table_exists(self, con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
        return bool(
            con.execute(
                "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchall()[0][0]
        )

    @staticmethod
    def _add_missing_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str, df: pl.DataFrame) -> None:
        """Schema evolution: columns that ``_incoming`` has and the table lacks are added (existing rows get NULL)."""
        existing = {r[0] for r in con.execute(f'describe "{schema}"."{table}"').fetchall()}
        for name, dtype in zip(df.columns, con.execute("describe _incoming").fetchall(), strict=True):
            if name not in existing:
                con.execute(f'alter table "{schema}"."{table}" add column "{name}" {dtype[1]}')

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside one transaction: every operation given it commits together, or none does."""
        with self.connect() as con, self.transaction(con):
            yield con

    @staticmethod
    @contextlib.contextmanager
    def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        con.execute("begin transaction")
        try:
            yield
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise

    def write_rows(
        self,
        con: duckdb.DuckDBPyConnection,
        schema: str,
        table: str,
        df: pl.DataFrame,
        delete_where: str | None = None,
        params: list | None = None,
        replace_table: bool = False,
    ) -> None:
        """Writes ``df`` into ``schema.table`` (alias ``t``) within the caller's transaction: creates the table if
        missing (or replaces it whole), else adds new columns, deletes the rows matching ``delete_where`` (which may
        refer to the incoming rows as ``_incoming``) and inserts."""
        con.execute(f'create schema if not exists "{schema}"')
        con.register("_incoming", df.to_arrow())
        try:
            if replace_table:
                con.execute(f'create or replace table "{schema}"."{table}" as select * from _incoming')
            elif not self.table_exists(con, schema, table):
                con.execute(f'create table "{schema}"."{table}" as select * from _incoming')
            else:
                self._add_missing_columns(con, schema, table, df)
                if delete_where:
                    con.execute(f'delete from "{schema}"."{table}" t where {delete_where}', params or None)
                con.execute(f'insert into "{schema}"."{table}" by name select * from _incoming')
        finally:
            con.unregister("_incoming")

    def replace_rows(
        self, con: duckdb.DuckDBPyConnection, schema: str, table: str, df: pl.DataFrame, partitions: list[str] | None
    ) -> None:
        """Writes ``df`` into ``schema.table``: the whole table, or only the rows of ``partitions``."""
        with self.transaction(con):
            self.write_rows(
                con,
                schema,
                table,
                df,
                delete_where=f'"{PARTITION_COLUMN}" in ({", ".join("?" for _ in partitions or [])})',
                params=partitions,
                replace_table=partitions is None,
            )

    def upsert(self, schema: str, table: str, df: pl.DataFrame, keys: list[str]) -> None:
        """Inserts ``df`` into ``schema.table`` (created if missing), replacing rows with the same ``keys``."""
        match = " and ".join(f't."{k}" is not distinct from i."{k}"' for k in keys)
        with self.connect() as con, self.transaction(con):
            self.write_rows(con, schema, table, df, delete_where=f"exists (select 1 from _incoming i where {match})")

    @staticmethod
    @contextlib.contextmanager
    def _filters(
        con: duckdb.DuckDBPyConnection,
        equals: dict[str, object] | None,
        is_in: dict[str, list] | None,
        not_equal: dict[str, object] | None,
    ) -> Iterator[tuple[str, list]]:
        """A where clause (and its parameters) from named filters; value lists are registered as arrow tables."""
        clauses, params, registered = [], [], []
        for column, value in (equals or {}).items():
            clauses.append(f'"{column}" is not distinct from ?')
            params.append(value)
        for column, value in (not_equal or {}).items():
            clauses.append(f'"{column}" is distinct from ?')
            params.append(value)
        try:
            for i, (column, values) in enumerate((is_in or {}).items()):
                name = f"_in_{i}"
                con.register(name, pl.DataFrame({"v": [str(v) for v in values]}, schema={"v": pl.String}).to_arrow())
                registered.append(name)
                clauses.append(f'cast("{column}" as varchar) in (select v from {name})')
            yield (" where " + " and ".join(clauses) if clauses else ""), params
        finally:
            for name in registered:
                con.unregister(name)

    def select(
        self,
        schema: str,
        table: str,
        *,
        columns: list[str] | None = None,
        equals: dict[str, object] | None = None,
        is_in: dict[str, list] | None = None,
        not_equal: dict[str, object] | None = None,
        order_by: list[str] | None = None,
        descending: bool = False,
        limit: int | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> pl.DataFrame | None:
        """Rows of ``schema.table`` that match every filter (``equals``/``not_equal``: column -> value, ``is_in``:
        column -> values), or None while the table does not exist. ``con`` joins the caller's transaction."""
        with contextlib.ExitStack() as stack:
            if con is None:
                con = stack.enter_context(self.connect())
            if not self.table_exists(con, schema, table):
                return None
            cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
            where, params = stack.enter_context(self._filters(con, equals, is_in, not_equal))
            order = ""
            if order_by:
                order = " order by " + ", ".join(f'"{c}"' + (" desc" if descending else "") for c in order_by)
            tail = f" limit {int(limit)}" if limit is not None else ""
            return frame(con, f'select {cols} from "{schema}"."{table}"{where}{order}{tail}', params)

    def delete_in(
        self, con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str, values: list
    ) -> int | None:
        """Deletes the rows whose ``column`` is one of ``values`` within the caller's transaction; the count deleted
        (None when the table does not exist)."""
        if not self.table_exists(con, schema, table):
            return None
        with self._filters(con, None, {column: values}, None) as (where, params):
            return int(con.execute(f'delete from "{schema}"."{table}"{where}', params or None).fetchall()[0][0])


class WarehouseIOManager(dg.ConfigurableIOManager):
    """Stores polars DataFrames as DuckDB tables named after the asset key.

    An output whose metadata names ``ledger_keys`` is a ledger: its rows are upserted by those keys and the table
    keeps every earlier row (the history of versions, checks and decisions), partitioned or not.
    """

    warehouse: DuckDBWarehouse

    @staticmethod
    def _location(context: dg.OutputContext | dg.InputContext) -> tuple[str, str]:
        metadata = context.definition_metadata or {}
        if isinstance(context, dg.InputContext) and context.upstream_output is not None:
            metadata = context.upstream_output.definition_metadata or metadata
        schema = str(metadata.get("schema", "main"))
        return schema, context.asset_key.path[-1]

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame) -> None:
        if obj is None:
            return
        schema, table = self._location(context)
        ledger_keys = (context.definition_metadata or {}).get("ledger_keys")
        if ledger_keys:
            if obj.height:
                self.warehouse.upsert(schema, table, obj, list(ledger_keys))
            context.add_output_metadata({"table": f"{schema}.{table}", "rows_recorded": obj.height})
            return
        partitions = list(context.asset_partition_keys) if context.has_asset_partitions else None
        if partitions is not None and PARTITION_COLUMN not in obj.columns:
            raise dg.DagsterInvariantViolationError(f"partitioned table {schema}.{table} needs a {PARTITION_COLUMN}")
        with self.warehouse.connect() as con:
            self.warehouse.replace_rows(con, schema, table, obj, partitions)
        context.add_output_metadata({"table": f"{schema}.{table}", "dagster/row_count": obj.height})

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        schema, table = self._location(context)
        with self.warehouse.connect() as con:
            if not self.warehouse.table_exists(con, schema, table):
                raise dg.DagsterInvariantViolationError(
                    f"table {schema}.{table} does not exist: materialize {context.asset_key.to_user_string()} first"
                )
            if context.has_asset_partitions and not (
                context.upstream_output and (context.upstream_output.definition_metadata or {}).get("ledger_keys")
            ):
                keys = list(context.asset_partition_keys)
                placeholders = ", ".join("?" for _ in keys) or "null"
                return frame(
                    con, f'select * from "{schema}"."{table}" where "{PARTITION_COLUMN}" in ({placeholders})', keys
                )
            return frame(con, f'select * from "{schema}"."{table}"')
