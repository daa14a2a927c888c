"""``fallback_model``: the base model with the few-shot prompt (the gate's own baseline), registered as a served model
under ``<registered_model_name>-fallback`` with the ``fallback`` alias. The server answers from it while no champion
is (an erasure removed the champion and no untainted earlier version exists), so governance never takes the service
down. The asset is its ledger: one row per fallback version registered."""

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets.core import k8s, lineage
from llm_assets.core.digests import file_sha256
from llm_assets.core.fingerprints import find_known
from llm_assets.core.generation import DEFAULT_PRECISION
from llm_assets.core.gguf_export import exported_model
from llm_assets.core.memorization import scanned_fingerprints
from llm_assets.core.models import MODEL_POOL
from llm_assets.core.served_model import fallback_ledger_row, register_fallback
from llm_assets.modeling.adapter_asset import export_for_serving, serving_config
from llm_assets.modeling.evaluation_asset import few_shot_examples
from resources.base_model import BaseModelResource
from resources.governance import GovernanceKeys
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse


class FallbackConfig(dg.Config):
    few_shot_examples: int = Field(
        default=3,
        description="Solved training examples shown before each ticket (distinct labels, chosen as the evaluation's "
        "few-shot baseline chooses them). 0 = the base model zero-shot.",
    )
    precision: str = Field(default=DEFAULT_PRECISION, description="GGUF precision of the base model's served file.")


@dataclass(frozen=True)
class FallbackRecord:
    row: dict  # the ledger row (``served_model.fallback_ledger_row``)
    reused: bool  # the registered fallback already had this content: nothing registered


def build_fallback(
    training_set: pl.DataFrame,
    base_model: BaseModelResource,
    tracking: MLflowTracking,
    warehouse: DuckDBWarehouse,
    config: FallbackConfig,
    key: bytes,
    dagster_run_id: str = "",
) -> FallbackRecord:
    """Registers the fallback for this training set's prompt format and shots, unless the current one is the same.
    A shot that holds a raw-zone value the anonymizer missed (by keyed fingerprint) is left out: the shots travel in
    the logged model's configuration."""
    shots = few_shot_examples(training_set, config.few_shot_examples)
    known = set(scanned_fingerprints(lineage.pii_fingerprints(warehouse)))
    if known:
        hits = find_known(key, [f"{s['prompt']}\n{s['completion']}" for s in shots], known)
        shots = [s for s, found in zip(shots, hits, strict=True) if not found]
    serving = serving_config(training_set, warehouse, base_model, "openvino", config.precision)
    serving |= {
        "shots": [[s["prompt"], s["completion"]] for s in shots],
        "shot_doc_ids": [str(s["doc_id"]) for s in shots],
        "shot_example_ids": [str(s["example_id"]) for s in shots],
    }
    # the content is known from the exported file's digest: the engine folder (with the tokenizer, whose first load
    # costs seconds of imports) is written only when a new version is registered
    source = exported_model(base_model.local_path(), None, serving["engine_precision"], base_model.cache_dir)
    engine_sha256 = file_sha256(source)
    content_key = hashlib.sha256(
        json.dumps({"engine": engine_sha256, "serving": serving}, sort_keys=True).encode()
    ).hexdigest()[:16]
    current = tracking.fallback_version()
    reused = current is not None and current.tags.get("content_key") == content_key
    if reused:
        version = str(current.version)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            engine = export_for_serving(base_model, None, Path(tmp) / "engine", serving)
            tags = {
                "content_key": content_key,
                "base_model": base_model.model,
                "engine_sha256": engine["sha256"],
                "training_set_version": str(training_set["version"][0]),
                "dagster_run_id": dagster_run_id,
            }
            version = register_fallback(tracking, serving, engine["dir"], tags, "base model with the few-shot prompt")
    return FallbackRecord(fallback_ledger_row(tracking, version), reused)


@dg.asset(
    group_name="modeling",
    io_manager_key="warehouse_io_manager",
    metadata={"schema": lineage.SCHEMA, "ledger_keys": ["model_name", "version"]},
    # the shots are checked against the raw zone's fingerprints before they are logged with the model
    deps=["training_set_versions", "pii_fingerprints"],
    pool=MODEL_POOL,
    op_tags=k8s.EVALUATION,
    description="The fallback served model: the base model with the few-shot prompt (the gate's baseline), "
    "registered as '<registered_model_name>-fallback' with the 'fallback' alias; the server answers from it while no "
    "champion is. Ledger: one row per fallback version (its shots' documents, for erasure).",
)
def fallback_model(
    context: dg.AssetExecutionContext,
    config: FallbackConfig,
    training_set: pl.DataFrame,
    base_model: BaseModelResource,
    mlflow_tracking: MLflowTracking,
    warehouse: DuckDBWarehouse,
    governance_keys: GovernanceKeys,
) -> dg.Output:
    record = build_fallback(
        training_set, base_model, mlflow_tracking, warehouse, config, governance_keys.secret(), context.run_id
    )
    row = record.row
    context.log.info(
        f"fallback {row['model_name']} v{row['version']} ({'unchanged' if record.reused else 'registered'}, "
        f"{row['shots']} shots)"
    )
    return dg.Output(
        lineage.ledger_rows([row]),
        metadata={
            "fallback_model": row["model_name"],
            "fallback_version": row["version"],
            "registered_now": not record.reused,
            "shots": row["shots"],
            "shot_example_ids": dg.MetadataValue.json(row["shot_example_ids"]),
            "engine_sha256": row["engine_sha256"],
            "model_version_url": dg.MetadataValue.url(
                f"{mlflow_tracking.ui_url.rstrip('/')}/#/models/{row['model_name']}/versions/{row['version']}"
            ),
        },
    )
