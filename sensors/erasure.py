"""After an erasure that tainted a model version, retrain on what is left (the gate decides about promotion)."""

import dagster as dg

from jobs import erasure_job, training_job
from llm_assets.governance.erasure import RETRAIN_TAG, TOMBSTONE_TAG


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[erasure_job],
    request_job=training_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a training_job run after each erasure_job that tainted a model version.",
)
def erasure_retrain_sensor(context: dg.RunStatusSensorContext):
    tags = context.dagster_run.tags
    if tags.get(RETRAIN_TAG) != "true":
        return dg.SkipReason(f"erasure run {context.dagster_run.run_id} tainted no model version")
    stone = tags.get(TOMBSTONE_TAG, "")
    # never a warm start after an erasure: the tainted champion's weights would carry the erased data
    return dg.RunRequest(
        run_key=f"erasure-{stone}",
        tags={"llmp/trigger": "erasure", TOMBSTONE_TAG: stone, "init_from": "base"},
        run_config={"ops": {"lora_adapter": {"config": {"init_from": "base"}}}},
    )
