"""What core needs from the resources above it, as protocols: the resources (``resources/``) implement them, core
never imports them (the layers contract in pyproject.toml)."""

from __future__ import annotations

from typing import Any, Protocol

import polars as pl


class Warehouse(Protocol):
    """The tables' store (``resources.warehouse.DuckDBWarehouse``): what the lineage queries read and write."""

    def select(
        self,
        schema: str,
        table: str,
        *,
        columns: list[str] | None = None,
        equals: dict[str, Any] | None = None,
        is_in: dict[str, list] | None = None,
        con: Any = None,
        **more: Any,  # not_equal, order_by, descending, limit
    ) -> pl.DataFrame | None: ...

    def upsert(self, schema: str, table: str, df: pl.DataFrame, keys: list[str]) -> None: ...


class BaseModel(Protocol):
    """The base LLM (``resources.base_model.BaseModelResource``)."""

    model: str

    def local_path(self) -> str: ...

    def load_model(self) -> Any: ...


class ModelRegistry(Protocol):
    """The MLflow registry (``resources.mlflow_tracking.MLflowTracking``)."""

    registered_model_name: str
    champion_alias: str

    def setup(self) -> str: ...

    def client(self) -> Any: ...

    def champion_version(self) -> Any: ...
