"""The ``ray`` compute backend on a real Ray cluster: a head and a second node on loopback, started and torn down by
the test. Ingestion, anonymization, the training set and a tiny training run go through the ``ray`` resource and
through the ``local`` one, on the same landing batches under the same governance key: every table the two runs wrote
is identical byte for byte (timestamps and run ids aside), and Ray Train's two workers trained the steps that
accelerate's two DDP processes trained, to the same losses and the same adapter weights, bit for bit."""

import hashlib
from pathlib import Path

import dagster as dg
import pytest

from llm_assets.core.digests import file_sha256
from llm_assets.core.ray_cluster import loopback_cluster
from llm_assets.sample_corpus import write_landing_batches
from resources.compute import ComputeResource
from tests.helpers import ALL_ASSETS, ingest, resources_at, table

pytestmark = pytest.mark.slow

TRAINING = {"lora_adapter": {"config": {"max_steps": 2, "batch_size": 4, "log_every": 1, "num_processes": 2}}}
# the columns that name a run or its time are left out (the adapter folder's hash covers its lineage.json, which
# names the run: its weights and config are compared file by file instead)
VOLATILE = ("run_id", "_at", "adapter_version", "adapter_sha256")


def _content(resources) -> dict[str, str]:
    """A hash per table of the warehouse, of its rows sorted, without the columns that name a run or a time."""
    with resources["warehouse"].connect() as con:
        names = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    out = {}
    for schema, name in sorted(names):
        df = table(resources, schema, name)
        df = df.select([c for c in df.columns if not any(v in c for v in VOLATILE)])
        df = df.select([c for c in df.columns if not str(df[c].dtype).startswith("Datetime")])
        out[f"{schema}.{name}"] = hashlib.sha256(df.sort(df.columns).write_csv().encode()).hexdigest()
    return out


def _run(resources, batches, home):
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        ingest(instance, resources, batches)
        result = dg.materialize(
            ALL_ASSETS,
            selection=dg.AssetSelection.assets(
                "feedback_examples", "training_set", "lora_adapter"
            ).required_multi_asset_neighbors(),
            resources=resources,
            instance=instance,
            run_config=dg.RunConfig(ops=TRAINING),
        )
        assert result.success
        return _content(resources), result.output_for_node("lora_adapter", "lora_adapter")


def test_the_ray_backend_writes_what_the_local_one_writes(tmp_path, tiny_model_dir):
    root = tmp_path / "landing"
    batches = write_landing_batches(root, n_tickets=30, n_batches=1, seed=11, include_bad_files=True)
    key = tmp_path / "governance.key"
    local_dir, ray_dir = tmp_path / "local", tmp_path / "ray"
    local_dir.mkdir(), ray_dir.mkdir()
    local_tables, local_adapter = _run(
        resources_at(local_dir, tiny_model_dir, key_file=key, landing_dir=root), batches, local_dir / "home"
    )
    with loopback_cluster((1, 1)) as address:
        on_ray = ComputeResource(backend="ray", ray_address=address, anonymization_actors=2)
        ray_tables, ray_adapter = _run(
            resources_at(ray_dir, tiny_model_dir, compute=on_ray, key_file=key, landing_dir=root),
            batches,
            ray_dir / "home",
        )
    assert "anon.anonymized_documents" in local_tables and "anon.redaction_audit" in local_tables
    differ = sorted(name for name in local_tables if ray_tables.get(name) != local_tables[name])
    assert not differ and set(ray_tables) == set(local_tables), differ

    local_training, ray_training = local_adapter["training"], ray_adapter["training"]
    assert ray_training["world_size"] == local_training["world_size"] == 2
    assert ray_training["steps"] == local_training["steps"] == 2
    for figure in ("final_loss", "validation_loss", "train_examples", "train_tokens", "epochs_run"):
        assert ray_training[figure] == pytest.approx(local_training[figure], rel=1e-6), figure
    assert ray_adapter["training_set_version"] == local_adapter["training_set_version"]
    for name in ("adapter_model.safetensors", "adapter_config.json"):
        assert file_sha256(Path(ray_adapter["adapter_dir"], name)) == file_sha256(
            Path(local_adapter["adapter_dir"], name)
        )
