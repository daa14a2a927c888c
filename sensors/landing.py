"""Watches the landing zone: each new, settled batch folder becomes a partition and gets an ingestion run.

A folder's name is data (it may name a customer): the partition key, the run key and the run's tags carry its opaque
key (``landing_batch_key``: a keyed hash of the name), never the name; the skip reason carries counts only.
"""

import dagster as dg

from jobs import ingestion_job
from llm_assets.core.partitions import landing_batch_key, landing_batches
from resources.governance import GovernanceKeys
from resources.landing import LandingZone


@dg.sensor(
    job=ingestion_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Registers each settled landing batch folder as a partition (its key a keyed hash of the folder "
    "name) and requests its ingestion run.",
)
def landing_sensor(
    context: dg.SensorEvaluationContext, landing_zone: LandingZone, governance_keys: GovernanceKeys
) -> dg.SensorResult:
    known = set(context.instance.get_dynamic_partitions(landing_batches.name))
    secret = governance_keys.secret()
    ready = [landing_batch_key(secret, name) for name in landing_zone.ready_batches()]
    new = list(dict.fromkeys(k for k in ready if k not in known))
    if not new:
        return dg.SensorResult(skip_reason=dg.SkipReason(f"no new batch ({len(known)} known)"))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"landing:{k}", partition_key=k, tags={"landing_batch": k}) for k in new],
        dynamic_partitions_requests=[landing_batches.build_add_request(new)],
    )
