"""After an erasure that tainted a model version, retrain on what is left (the gate decides about promotion)."""

import dagster as dg

from jobs import erasure_job, training_job
from llm_assets.governance.erasure import FALLBACK_TAG, RETRAIN_TAG, TOMBSTONE_TAG

RETRAIN_REASON_TAG = "llmp/retrain_reason"
# ahead of queued runs (Dagster's run queue orders by this tag): while it trains, the fallback answers
URGENT_PRIORITY = "10"


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[erasure_job],
    request_job=training_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a training_job run after each erasure_job that tainted a model version.",
)
def erasure_retrain_sensor(context: dg.RunStatusSensorContext):
    erasure = context.dagster_run.tags
    if erasure.get(RETRAIN_TAG) != "true":
        return dg.SkipReason(f"erasure run {context.dagster_run.run_id} tainted no model version")
    stone = erasure.get(TOMBSTONE_TAG, "")
    tags = {"llmp/trigger": "erasure", TOMBSTONE_TAG: stone, "init_from": "base"}
    fallback = erasure.get(FALLBACK_TAG)
    if fallback:
        tags |= {
            "dagster/priority": URGENT_PRIORITY,
            FALLBACK_TAG: fallback,
            RETRAIN_REASON_TAG: f"erasure {stone} removed the champion; the fallback v{fallback} answers until a "
            "retrain is promoted",
        }
    else:
        tags[RETRAIN_REASON_TAG] = f"erasure {stone} tainted a model version"
    # never a warm start after an erasure: the tainted champion's weights would carry the erased data
    return dg.RunRequest(
        run_key=f"erasure-{stone}",
        tags=tags,
        run_config={"ops": {"lora_adapter": {"config": {"init_from": "base"}}}},
    )
