"""The shape of the graph users see in the UI: asset keys, groups, lineage order, checks, jobs, sensors."""

import json

import dagster as dg

from llm_assets.definitions import defs

EXPECTED_ASSETS = {
    "raw_documents": "ingestion",
    "quarantined_documents": "ingestion",
    "subject_index": "ingestion",
    "landing_inventory": "ingestion",
    "landing_batch_names": "ingestion",
    "anonymized_documents": "privacy",
    "redaction_audit": "privacy",
    "pii_fingerprints": "privacy",
    "privacy_quarantine": "privacy",
    "privacy_checks": "privacy",
    "training_set": "training_data",
    "training_set_members": "training_data",
    "training_examples": "training_data",
    "training_set_versions": "training_data",
    "lora_adapter": "modeling",
    "adapters": "modeling",
    "evaluation_report": "modeling",
    "registered_model": "modeling",
    "model_versions": "modeling",
    "fallback_model": "modeling",
    "governance_report": "governance",
    "fairness_audit": "governance",
    "model_approvals": "governance",
    "champion_rollbacks": "governance",
    "tombstones": "governance",
    "tombstone_subjects": "governance",
    "erased_documents": "governance",
    "taints": "governance",
    "erased_evaluation_data": "governance",
    "drift_report": "monitoring",
    "inference_log": "serving",
    "user_feedback": "serving",
    "feedback_examples": "training_data",
    "live_traffic_report": "monitoring",
}
RAW_ZONE = {"raw_documents", "quarantined_documents", "subject_index", "landing_inventory", "landing_batch_names"}
# the raw-zone tables that hold content (the quarantine and the inventory hold reasons and counts)
RAW_CONTENT = {"raw_documents", "subject_index"}


def _graph():
    return defs.resolve_asset_graph()


def test_asset_keys_and_groups_are_pinned():
    graph = _graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == set(EXPECTED_ASSETS)
    for key, group in EXPECTED_ASSETS.items():
        assert graph.get(dg.AssetKey(key)).group_name == group, key


def test_lineage_runs_in_the_documented_order():
    graph = _graph()
    assert {k.to_user_string() for k in graph.get(dg.AssetKey("drift_report")).parent_keys} == {
        "anonymized_documents",
        "redaction_audit",
        "registered_model",
        "training_set_members",
    }
    chain = [
        "raw_documents",
        "anonymized_documents",
        "training_set",
        "lora_adapter",
        "evaluation_report",
        "registered_model",
    ]
    for upstream, downstream in zip(chain, chain[1:], strict=False):
        parents = {k.to_user_string() for k in graph.get(dg.AssetKey(downstream)).parent_keys}
        assert upstream in parents, f"{downstream} must read {upstream}"
    assert {k.to_user_string() for k in graph.get(dg.AssetKey("evaluation_report")).parent_keys} == {
        "lora_adapter",
        "training_set",
        "pii_fingerprints",
        "training_set_members",
    }


def test_checks_are_attached_and_the_gates_block():
    specs = {
        (spec.asset_key.to_user_string(), spec.name): spec
        for a in defs.assets
        if isinstance(a, dg.AssetsDefinition)
        for spec in a.check_specs
    }
    assert specs[("anonymized_documents", "no_residual_high_risk_pii")].blocking
    assert specs[("training_set", "splits_disjoint_by_document")].blocking
    assert specs[("training_set", "no_empty_fields")].blocking
    assert not specs[("training_set", "minimum_size")].blocking
    assert ("evaluation_report", "no_memorized_pii") in specs
    assert ("governance_report", "report_holds_no_raw_pii") in specs
    assert not specs[("fairness_audit", "no_flagged_segment")].blocking  # the gate decides (block_on_fairness)
    assert specs[("inference_log", "no_raw_values_in_traffic")].blocking


def test_only_anonymization_reads_the_raw_zone():
    graph = _graph()
    readers = {
        k.to_user_string()
        for k in graph.get_all_asset_keys()
        if RAW_CONTENT & {p.to_user_string() for p in graph.get(k).parent_keys}
    }
    assert readers == {
        "anonymized_documents",
        "redaction_audit",
        "pii_fingerprints",
        "privacy_quarantine",
        "privacy_checks",
    }
    for key in graph.get_all_asset_keys():
        if graph.get(key).group_name in ("training_data", "modeling", "monitoring", "governance", "serving"):
            assert not RAW_CONTENT & {p.to_user_string() for p in graph.get(key).parent_keys}, key


def test_jobs_sensors_and_resources():
    for name in (
        "ingestion_job",
        "training_job",
        "full_pipeline_job",
        "erasure_job",
        "serving_job",
        "approval_job",
        "rollback_job",
    ):
        assert defs.resolve_job_def(name) is not None
    for name in (
        "landing_sensor",
        "drift_sensor",
        "erasure_retrain_sensor",
        "traffic_sensor",
        "live_traffic_sensor",
        "run_failure_alert_sensor",
    ):
        assert defs.resolve_sensor_def(name) is not None
    training = {k.to_user_string() for k in defs.resolve_job_def("training_job").asset_layer.executable_asset_keys}
    assert training == {
        "feedback_examples",
        "training_set",
        "training_set_members",
        "training_examples",
        "training_set_versions",
        "lora_adapter",
        "adapters",
        "evaluation_report",
        "fairness_audit",
        "registered_model",
        "model_versions",
        "fallback_model",
        "governance_report",
    }
    assert {
        "warehouse_io_manager",
        "artifact_io_manager",
        "anonymizer",
        "base_model",
        "mlflow_tracking",
        "alerts",
        "promotion_policy",
    } <= set(defs.resources)
    # people's decisions never run inside a training run
    assert not {"model_approvals", "champion_rollbacks"} & training


def test_hyperparameters_are_typed_and_described():
    from llm_assets.modeling.training import LoraTrainingConfig

    fields = LoraTrainingConfig.model_fields
    for name in (
        "r",
        "lora_alpha",
        "lora_dropout",
        "target_modules",
        "learning_rate",
        "epochs",
        "batch_size",
        "gradient_accumulation_steps",
        "max_steps",
        "max_length",
        "seed",
    ):
        assert fields[name].description, name


def test_every_asset_carries_kubernetes_requests_and_model_steps_share_a_pool():
    graph = _graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if not node.is_executable:  # ledgers the erasure job writes
            continue
        tag = node.assets_def.op.tags["dagster-k8s/config"]  # stored as JSON, as dagster-k8s reads it
        spec = (json.loads(tag) if isinstance(tag, str) else tag)["container_config"]["resources"]
        assert {"cpu", "memory"} <= set(spec["requests"]), key
    pools = {k: defs.resolve_assets_def(k).op.pool for k in ("lora_adapter", "evaluation_report", "drift_report")}
    assert set(pools.values()) == {"model_compute"}


def test_loading_the_definitions_imports_no_ml_library():
    """The webserver, the daemon and every run process load the definitions: torch, transformers, Presidio and
    spaCy are imported by the steps that use them, not there (that took the load from ~7 s to ~1.3 s)."""
    import subprocess
    import sys

    code = (
        "import sys, llm_assets.definitions; "
        "print(sorted(m for m in ('torch', 'transformers', 'peft', 'presidio_analyzer', 'spacy', 'evidently') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_importing_the_package_changes_no_environment_and_secrets_arrive_as_env_vars(monkeypatch, tmp_path):
    """Only entry points set the offline environment; secrets and service URLs reach resources as dg.EnvVar, so the
    Definitions hold the variable's name and a run resolves its value."""
    import os
    import subprocess
    import sys

    from llm_assets.settings import OFFLINE_ENV

    clean = {k: v for k, v in os.environ.items() if k not in OFFLINE_ENV}
    code = (
        "import os, llm_assets, llm_assets.settings, llm_assets.core.lineage, llm_assets.core.metrics, resources; "
        f"print(sorted(k for k in {sorted(OFFLINE_ENV)!r} if k in os.environ))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=clean).stdout
    assert out.strip() == "[]"

    from resources import build_resources, resolved
    from resources.governance import GovernanceKeys

    secret = "k" * 40
    monkeypatch.setenv("LLMP_GOVERNANCE_KEY", secret)
    monkeypatch.setenv("LLMP_MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    built = build_resources()
    assert isinstance(built["governance_keys"].key, dg.EnvVar)
    assert isinstance(built["mlflow_tracking"].tracking_uri, dg.EnvVar)
    assert secret not in repr(built["governance_keys"])
    assert resolved(built)["governance_keys"].secret() == secret.encode()

    @dg.asset
    def key_length(governance_keys: GovernanceKeys) -> int:
        return len(governance_keys.secret())

    result = dg.materialize([key_length], resources={"governance_keys": built["governance_keys"]})
    assert result.output_for_node("key_length") == len(secret)

    monkeypatch.delenv("LLMP_GOVERNANCE_KEY")
    assert build_resources()["governance_keys"].key == ""


def test_sql_lives_only_in_the_warehouse_module():
    """Assets, libraries, sensors and jobs call the warehouse's named operations; DuckDB idioms and SQL text stay in
    resources/warehouse.py, so another backend is one module."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sql = re.compile(
        r"\.execute\(|\.sql\(|\.register\(|\bselect\s+[\w*\"., ]+\s+from\s|\bdelete\s+from\s|\binsert\s+into\s",
        re.IGNORECASE,
    )
    offenders = [
        f"{path.relative_to(root)}:{i}"
        for folder in ("llm_assets", "sensors", "jobs")
        for path in (root / folder).rglob("*.py")
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if sql.search(line)
    ]
    assert offenders == []
