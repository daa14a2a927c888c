"""Watches the landing zone: each new, settled batch folder becomes a partition and gets an ingestion run."""

import dagster as dg

from jobs import ingestion_job
from llm_assets.core.partitions import landing_batches
from resources.landing import LandingZone


@dg.sensor(
    job=ingestion_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Registers each settled landing batch folder as a partition and requests its ingestion run.",
)
def landing_sensor(context: dg.SensorEvaluationContext, landing_zone: LandingZone) -> dg.SensorResult:
    known = set(context.instance.get_dynamic_partitions(landing_batches.name))
    new = [b for b in landing_zone.ready_batches() if b not in known]
    if not new:
        return dg.SensorResult(skip_reason=dg.SkipReason(f"no new batch ({len(known)} known)"))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"landing:{b}", partition_key=b, tags={"landing_batch": b}) for b in new],
        dynamic_partitions_requests=[landing_batches.build_add_request(new)],
    )
