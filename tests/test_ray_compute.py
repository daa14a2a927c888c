"""The ``ray`` compute backend on a real Ray cluster: a head and a second node on loopback, started and torn down by
the test. Ingestion, anonymization, the training set, a tiny training run and its evaluation go through the ``ray``
resource and through the ``local`` one, on the same landing batches under the same governance key: every table the
two runs wrote is identical byte for byte (timestamps and run ids aside), Ray Train's two workers trained the steps
that accelerate's two DDP processes trained, to the same losses and the same adapter weights, bit for bit, and the
evaluation's and the fairness probe's Ray tasks (two parts per model) gave the answers, figures, memorization probe
and flags that the local steps' threads gave."""

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

OPS = {
    "lora_adapter": {"config": {"max_steps": 2, "batch_size": 4, "log_every": 1, "num_processes": 2}},
    # each model's prompts in two parts: each part's answers on a one-thread engine of its own, here and on Ray
    "evaluation_report": {
        "config": {"max_examples": 6, "max_new_tokens": 12, "memorization_prompts": 2, "generation_parts": 2}
    },
    "fairness_audit": {
        "config": {
            "probe_prompts": 2,
            "probe_groups": ["NG/F", "DE/M", "CN/F"],
            "probe_max_new_tokens": 12,
            "generation_parts": 2,
        }
    },
}
TIMING = ("latency", "per_s")  # the evaluation's figures of time, not of answers
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
                "feedback_examples", "training_set", "lora_adapter", "evaluation_report", "fairness_audit"
            ).required_multi_asset_neighbors(),
            resources=resources,
            instance=instance,
            run_config=dg.RunConfig(ops=OPS),
        )
        assert result.success
        return (
            _content(resources),
            result.output_for_node("lora_adapter", "lora_adapter"),
            result.output_for_node("evaluation_report"),
            result.output_for_node("fairness_audit")["probe"],
        )


def _answers(evaluation: dict) -> dict:
    """What the evaluation found, without its timings: each model's figures, intervals, the probe's counts."""
    report = Path(evaluation["report_html"]).with_name("generations.jsonl").read_text()
    figures = {
        name: {k: v for k, v in metrics.items() if not any(t in k for t in TIMING)}
        for name, metrics in evaluation["metrics"].items()
    }
    return {"metrics": figures, "memorization": evaluation["memorization"], "generations": report}


def test_the_ray_backend_writes_what_the_local_one_writes(tmp_path, tiny_model_dir):
    root = tmp_path / "landing"
    batches = write_landing_batches(root, n_tickets=30, n_batches=1, seed=11, include_bad_files=True)
    key = tmp_path / "governance.key"
    local_dir, ray_dir = tmp_path / "local", tmp_path / "ray"
    local_dir.mkdir(), ray_dir.mkdir()
    local_tables, local_adapter, local_eval, local_probe = _run(
        resources_at(local_dir, tiny_model_dir, key_file=key, landing_dir=root, in_process=False),
        batches,
        local_dir / "home",
    )
    with loopback_cluster((2, 1)) as address:  # a task may hold as many threads as the local step uses
        on_ray = ComputeResource(backend="ray", ray_address=address, anonymization_actors=2)
        ray_tables, ray_adapter, ray_eval, ray_probe = _run(
            resources_at(ray_dir, tiny_model_dir, compute=on_ray, key_file=key, landing_dir=root, in_process=False),
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
    # the evaluation's two models answered in two parts each, as Ray tasks: the same answers, figures and probe
    assert set(local_eval["metrics"]) == {"base", "base_few_shot", "candidate"}
    assert _answers(ray_eval) == _answers(local_eval)
    assert local_probe["prompts"] == 2 and len(local_probe["groups"]) >= 2
    assert ray_probe == local_probe
