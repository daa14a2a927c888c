"""Watches the served model's traffic logs: a day whose files grew gets its ``inference_log`` partition re-run."""

import hashlib

import dagster as dg

from jobs import serving_job
from resources.traffic import TrafficLog


@dg.sensor(
    job=serving_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests the inference_log partition of each of the last two days whose traffic logs grew.",
)
def traffic_sensor(context: dg.SensorEvaluationContext, traffic_log: TrafficLog) -> dg.SensorResult:
    requests = []
    for day in traffic_log.days()[-2:]:
        signature = traffic_log.signature(day)
        if signature:
            digest = hashlib.sha256(signature.encode()).hexdigest()[:16]
            requests.append(dg.RunRequest(run_key=f"traffic:{day}:{digest}", partition_key=day))
    if not requests:
        return dg.SensorResult(skip_reason=dg.SkipReason("no served traffic logged"))
    # run keys dedupe: a day whose files did not change since its last run is not run again
    return dg.SensorResult(run_requests=requests)
