"""How an asset output that is a warehouse table is declared: its group, its schema (zone), its description and, for a
ledger, the keys its rows are upserted by (``resources.warehouse.WarehouseIOManager``)."""

from __future__ import annotations

import dagster as dg


def table_out(group: str, schema: str, description: str, ledger_keys: list[str] | None = None) -> dg.AssetOut:
    metadata: dict[str, object] = {"schema": schema}
    if ledger_keys:
        metadata["ledger_keys"] = ledger_keys
    return dg.AssetOut(
        group_name=group, io_manager_key="warehouse_io_manager", metadata=metadata, description=description
    )
