"""Helpers shared by the tests."""

from __future__ import annotations

import json
import re

import dagster as dg

from llm_assets.core.partitions import landing_batches
from llm_assets.definitions import defs
from llm_assets.governance.approvals import HUMAN_DECISIONS

ALL_ASSETS = list(defs.assets)


def batch_key(resources, folder: str | bytes) -> str:
    """The partition key of the landing folder ``folder`` under the resources' governance key (a keyed hash of the
    name: the name never travels as a key)."""
    from llm_assets.core.partitions import landing_batch_key

    return landing_batch_key(resources["governance_keys"].secret(), folder)


def ingest(instance, resources, batches: list[str]) -> list[dg.ExecuteInProcessResult]:
    """One ingestion + anonymization run per landing folder of ``batches`` (folder names), under its partition key
    (``batch_key``), as the landing sensor registers it."""
    keys = [batch_key(resources, b) for b in batches]
    known = set(instance.get_dynamic_partitions(landing_batches.name))
    instance.add_dynamic_partitions(landing_batches.name, [k for k in keys if k not in known])
    results = []
    for k in keys:
        results.append(
            dg.materialize(
                ALL_ASSETS,
                selection=dg.AssetSelection.groups("ingestion", "privacy"),
                partition_key=k,
                resources=resources,
                instance=instance,
            )
        )
    return results


def raw_pii_values(n_tickets: int, seed: int) -> set[str]:
    """Every personal value the sample generator planted with this size and seed (full names and first names alone,
    e-mails, phones, street lines, cities, ZIP codes, birth dates, card numbers: ``planted_pii``) and the canaries'
    (with their account id). Order, tracking and invoice numbers are transaction references, which the entity policy
    keeps. ``tests/test_planted_pii.py`` checks that every class is here."""
    from llm_assets.sample_corpus.canaries import CANARY_VALUES
    from llm_assets.sample_corpus.generator import planted_pii

    return {v.strip(".,()?!") for v in set(CANARY_VALUES.values()) | planted_pii(n_tickets, seed)}


def leaked(values: set[str], *texts: str) -> list[str]:
    """The values that stand in any of ``texts`` as whole words ("23248" is no leak inside "ORD-523248", nor
    "78787" inside the timestamp "1796298372.78787")."""
    blob = "\n".join(texts)
    whole = r"(?<![\w-])(?<!\d[.,]){}(?![\w-])(?![.,]\d)"
    return sorted(v for v in values if v in blob and re.search(whole.format(re.escape(v)), blob))


def table(resources, schema: str, name: str):
    with resources["warehouse"].connect() as con:
        from resources.warehouse import frame

        return frame(con, f"select * from {schema}.{name}")


def fields(df):
    return [json.loads(f) for f in df["fields"]]


def train(instance, resources, ops: dict, tags: dict | None = None) -> dg.ExecuteInProcessResult:
    """Materializes training_set -> registered_model -> governance_report on what has been ingested. The fairness
    probe runs small (2 prompts x 3 groups) unless ``ops`` configures it: its wiring is checked on every training run;
    the group table is checked in tests/test_fairness_probe.py, the full-size probe runs in ``make demo``."""
    # tiny models answer in one part, in the test's own process: spawning part workers costs more than the model
    # (the parts' processes are run by tests/test_answering.py and tests/test_ray_compute.py)
    defaults = {
        "fairness_audit": {"probe_prompts": 2, "probe_groups": ["NG/F", "DE/M", "CN/F"]},
        "evaluation_report": {},
    }
    ops = dict(ops)
    for op, config in defaults.items():
        given = ops.get(op, {}).get("config")
        ops[op] = {"config": {"generation_parts": 1, **(config if given is None else {}), **(given or {})}}
    return dg.materialize(
        ALL_ASSETS,
        selection=dg.AssetSelection.groups("training_data", "modeling", "governance") - HUMAN_DECISIONS,
        resources=resources,
        instance=instance,
        run_config=dg.RunConfig(ops=ops),
        tags=tags,
    )


def resources_at(data_dir, model_dir, compute=None, key_file=None, landing_dir=None, in_process: bool = True) -> dict:
    """The production resources, pointed at ``data_dir`` and the model in ``model_dir`` (local compute unless
    ``compute`` is given; the governance key in ``key_file``, default under ``data_dir``).

    ``in_process``: the anonymizer and the generation parts run in the test's own process, where the production
    defaults start worker processes per step (seconds each, more than a test's few documents cost). The workers
    themselves are run by tests/test_landing_cases.py, test_anonymizer.py, test_answering.py and
    test_ray_compute.py (which compares them with Ray)."""
    from resources.alerts import AlertChannels
    from resources.anonymizer import PresidioAnonymizer
    from resources.artifacts import ArtifactStore, JsonArtifactIOManager
    from resources.base_model import BaseModelResource
    from resources.compute import ComputeResource
    from resources.drift_policy import DriftPolicy
    from resources.governance import GovernanceKeys
    from resources.landing import LandingZone
    from resources.mlflow_tracking import MLflowTracking
    from resources.promotion_policy import PromotionPolicy
    from resources.traffic import TrafficLog
    from resources.warehouse import DuckDBWarehouse, WarehouseIOManager

    warehouse = DuckDBWarehouse(path=str(data_dir / "warehouse.duckdb"))
    return {
        "warehouse": warehouse,
        "warehouse_io_manager": WarehouseIOManager(warehouse=warehouse),
        "artifact_io_manager": JsonArtifactIOManager(root=str(data_dir / "artifacts" / "descriptors")),
        "landing_zone": LandingZone(path=str(landing_dir or data_dir / "landing"), settle_seconds=0),
        "anonymizer": PresidioAnonymizer(workers=0) if in_process else PresidioAnonymizer(),
        "base_model": BaseModelResource(model=str(model_dir), cache_dir=str(data_dir / "models")),
        "compute": compute or (ComputeResource(local_processes=1) if in_process else ComputeResource()),
        "mlflow_tracking": MLflowTracking(
            tracking_uri=f"sqlite:///{data_dir / 'mlflow' / 'mlflow.db'}",
            artifact_root=str(data_dir / "mlflow" / "artifacts"),
        ),
        "artifact_store": ArtifactStore(root=str(data_dir / "artifacts")),
        "governance_keys": GovernanceKeys(key_file=str(key_file or data_dir / "secrets" / "governance.key")),
        "drift_policy": DriftPolicy(),
        "traffic_log": TrafficLog(path=str(data_dir / "serving" / "traffic")),
        "promotion_policy": PromotionPolicy(),
        "alerts": AlertChannels(),
    }
