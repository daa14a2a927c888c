"""Two runs writing the same DuckDB tables at once, from two processes: no error, no lost or doubled row."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import table

pytestmark = pytest.mark.slow

WORKER = """
import sys
import dagster as dg
from llm_assets.definitions import defs  # noqa: F401  (the code location's offline environment)
from resources import build_resources
from llm_assets.core.partitions import landing_batch_key, landing_batches
from resources import resolved
from tests.helpers import ALL_ASSETS

resources = build_resources()
secret = resolved(resources)["governance_keys"].secret()
batches = [landing_batch_key(secret, b) for b in sys.argv[1:]]
with dg.DagsterInstance.ephemeral() as instance:
    instance.add_dynamic_partitions(landing_batches.name, batches)
    for batch in batches:
        result = dg.materialize(
            ALL_ASSETS,
            selection=dg.AssetSelection.groups("ingestion", "privacy"),
            partition_key=batch,
            resources=resources,
            instance=instance,
        )
        assert result.success, batch
print("ok", flush=True)
"""


def test_concurrent_runs_on_the_same_tables_neither_fail_nor_corrupt(landing, data_dir, resources):
    _, batches = landing
    env = {**os.environ, "LLMP_DATA_DIR": str(data_dir), "OMP_NUM_THREADS": "1"}
    root = Path(__file__).resolve().parent.parent
    # opposite orders: the two processes write the same partitions of the same tables at overlapping times
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, *order], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for order in (batches, list(reversed(batches)))
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0 and b"ok" in out, err.decode(errors="ignore")[-3000:]

    raw = table(resources, "raw", "raw_documents")
    anon = table(resources, "anon", "anonymized_documents")
    assert raw.height == 143 and raw["doc_id"].n_unique() == 143  # 140 tickets + 3 canaries, each once
    assert sorted(anon["doc_id"]) == sorted(raw["doc_id"])
    quarantine = table(resources, "raw", "quarantined_documents")
    assert quarantine.height == 4 and "duplicate" not in set(quarantine["reason"])
