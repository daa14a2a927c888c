"""The lineage graph tells the truth: every table an asset step queries is its own output or a declared upstream."""

import dagster as dg
import pytest

from llm_assets.definitions import defs
from resources.traffic import today
from resources.warehouse import WarehouseIOManager
from tests import table_access
from tests.helpers import ALL_ASSETS, ingest, train
from tests.table_access import RecordingWarehouse

pytestmark = pytest.mark.slow

TINY = {
    "lora_adapter": {"config": {"max_steps": 2, "batch_size": 4, "max_length": 512, "log_every": 1}},
    "evaluation_report": {"config": {"max_examples": 4, "max_new_tokens": 8, "batch_size": 4}},
    "registered_model": {"config": {"min_improvement_over_base": -100.0, "guard_metrics": []}},
}


def _tables_by_node() -> tuple[dict[str, set], dict[str, set], dict[tuple[str, str], str]]:
    """(node -> tables it outputs, node -> tables it may read, table -> asset key) from the Definitions."""
    graph = defs.resolve_asset_graph()
    table_of = {}
    for key in graph.get_all_asset_keys():
        schema = graph.get(key).metadata.get("schema")
        if schema:
            table_of[key] = (str(schema), key.path[-1])
    owns, may_read = {}, {}
    for assets_def in graph.assets_defs:
        if not assets_def.is_executable:
            continue
        node = assets_def.node_def.name
        owns[node] = {table_of[k] for k in assets_def.keys if k in table_of}
        upstream = {d for k in assets_def.keys for d in graph.get(k).parent_keys}
        may_read[node] = owns[node] | {table_of[k] for k in upstream if k in table_of}
    return owns, may_read, {t: k.to_user_string() for k, t in table_of.items()}


def test_every_table_an_asset_reads_or_writes_is_a_declared_edge(landing, instance, resources):
    warehouse = RecordingWarehouse(path=resources["warehouse"].path)
    resources = {
        **resources,
        "warehouse": warehouse,
        "warehouse_io_manager": WarehouseIOManager(warehouse=warehouse),
    }
    table_access.ACCESS.clear()
    _, batches = landing
    assert all(r.success for r in ingest(instance, resources, batches))
    # a day of served traffic (none logged: the tables exist, empty) that feedback_examples then reads
    serving = dg.materialize(
        ALL_ASSETS,
        selection=dg.AssetSelection.groups("serving"),
        partition_key=today(),
        resources=resources,
        instance=instance,
    )
    assert serving.success
    assert train(instance, resources, TINY).success
    # with a champion: a warm start and the evaluation read its training set's members (and the taints)
    # (the tiny champion trained a fraction of an epoch: min_champion_epochs 0 lets the warm start run)
    warm_config = {**TINY["lora_adapter"]["config"], "init_from": "champion", "min_champion_epochs": 0.0}
    warm = {**TINY, "lora_adapter": {"config": warm_config}}
    assert train(instance, resources, warm).success
    drift = dg.materialize(
        ALL_ASSETS,
        selection=["drift_report", "live_traffic_report"],
        resources=resources,
        instance=instance,
        raise_on_error=True,
    )
    assert drift.success

    owns, may_read, asset_of = _tables_by_node()
    seen = {node: access for node, access in table_access.ACCESS.items() if node in owns}
    # every step of the graph ran and touched the warehouse, but people's decisions (approval_job, rollback_job: run
    # in tests/test_human_governance.py, their reads not traced here)
    assert set(seen) == set(owns) - {"model_approvals", "champion_rollbacks"}
    undeclared_reads = {
        node: sorted(f"{s}.{t}" for s, t in access["read"] - may_read[node]) for node, access in seen.items()
    }
    undeclared_writes = {
        node: sorted(f"{s}.{t}" for s, t in access["write"] - owns[node]) for node, access in seen.items()
    }
    assert {n: r for n, r in undeclared_reads.items() if r} == {}
    assert {n: w for n, w in undeclared_writes.items() if w} == {}
    # only ingestion and anonymization read the raw zone's content; training, evaluation, registration, the reports
    # and drift never do (the quarantine's and the inventory's rows hold reasons and counts, never content)
    raw_content = {("raw", "raw_documents"), ("raw", "subject_index")}
    readers = {node for node, access in seen.items() if access["read"] & raw_content}
    assert readers == {"ingest_landing_batch", "anonymize_documents"}
    # every table that exists in the warehouse is some asset's
    with warehouse.connect() as con:
        existing = {
            (s, t)
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables where table_schema <> 'main'"
            ).fetchall()
        }
    assert existing - set(asset_of) == set()
