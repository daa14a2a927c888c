"""The DuckDB warehouse: a resource for SQL, and an IO manager that stores polars frames as tables.

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

    def query(self, sql: str, params: list | None = None) -> pl.DataFrame:
        with self.connect(read_only=False) as con:
            return frame(con, sql, params)

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

    def read(self, schema: str, table: str, where: str = "", params: list | None = None) -> pl.DataFrame | None:
        """Rows of ``schema.table`` (None when the table does not exist yet)."""
        with self.connect() as con:
            if not self.table_exists(con, schema, table):
                return None
            return frame(con, f'select * from "{schema}"."{table}" {where}', params)


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
