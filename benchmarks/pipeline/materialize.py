"""One Dagster run in a fresh process, as the daemon launches them: ``python -m benchmarks.pipeline.materialize
--groups ingestion privacy --partition batch_x [--config JSON] [--model-cache DIR]``. Prints its timing as JSON."""

from __future__ import annotations

import argparse
import json
import time

from llm_assets.settings import apply_offline_environment


def main() -> None:
    apply_offline_environment()
    t0 = time.perf_counter()
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", nargs="+", required=True)
    parser.add_argument("--partition")
    parser.add_argument("--config", default="{}")
    parser.add_argument("--model-cache")
    args = parser.parse_args()

    import dagster as dg

    from llm_assets.core.partitions import is_landing_batch_key, landing_batch_key, landing_batches
    from llm_assets.definitions import defs
    from llm_assets.governance.approvals import HUMAN_DECISIONS
    from resources import build_resources, resolved
    from resources.base_model import BaseModelResource

    resources = build_resources()
    if args.partition and not is_landing_batch_key(args.partition):  # a batch folder's name: its opaque key
        args.partition = landing_batch_key(resolved(resources)["governance_keys"].secret(), args.partition)
    if args.model_cache:
        resources["base_model"] = BaseModelResource(cache_dir=args.model_cache)
    imported = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        if args.partition and args.partition not in instance.get_dynamic_partitions(landing_batches.name):
            instance.add_dynamic_partitions(landing_batches.name, [args.partition])
        result = dg.materialize(
            list(defs.assets),
            selection=dg.AssetSelection.groups(*args.groups) - HUMAN_DECISIONS,  # people's decisions: not a run step
            partition_key=args.partition,
            resources=resources,
            instance=instance,
            run_config=dg.RunConfig(ops=json.loads(args.config)),
        )
        done = time.perf_counter()
        steps = {
            e.step_key: round(e.event_specific_data.duration_ms / 1000, 1)
            for e in result.all_events
            if e.event_type_value == "STEP_SUCCESS" and e.step_key
        }
        per_example = _per_example_rouge(result) if "evaluation_report" in steps else {}
    meta = {}
    for event in result.get_asset_materialization_events():
        m = event.event_specific_data.materialization
        for key in (
            "newly_anonymized",
            "reused_unchanged",
            "documents",
            "examples",
            "tokens_per_second",
            "steps",
            "train_seconds",
            "init_from",
            "init_reason",
            "data_epochs",
            "new_examples",
            "replay_examples",
            "answers_computed_vs_reused",
        ):
            if key in m.metadata:
                meta[f"{m.asset_key.to_user_string()}/{key}"] = m.metadata[key].value
        for key, value in m.metadata.items():  # candidate's and champion's quality, on the test split and new slice
            models = ("candidate/", "champion/", "new_window/candidate/", "new_window/champion/")
            if key.startswith(models) or key == "new_window_examples":
                meta[f"{m.asset_key.to_user_string()}/{key}"] = value.value
    print(
        json.dumps(
            {
                "success": result.success,
                "import_s": imported - t0,
                "run_s": done - imported,
                "step_s": steps,
                "metadata": meta,
                "per_example": per_example,
            }
        )
    )


def _per_example_rouge(result) -> dict:
    """Per test example, each model's ROUGE-L (scores only, no text) of the run's evaluation: the bench pairs two
    retrains' candidates example by example."""
    pe = result.output_for_node("evaluation_report")["per_example"]
    return {
        "example_id": pe["example_id"],
        "new_slice": pe["new_slice"],
        "rougeL": {model: scores["rougeL"] for model, scores in pe["scores"].items()},
    }


if __name__ == "__main__":
    main()
