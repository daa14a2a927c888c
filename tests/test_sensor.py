"""The landing sensor registers settled batches as partitions and requests one ingestion run per new batch."""

import os
import time

import dagster as dg

from llm_assets.core.partitions import landing_batches
from resources.landing import LandingZone
from sensors.landing import landing_sensor


def test_new_batches_become_partitions_once(landing, instance):
    root, names = landing
    zone = LandingZone(path=str(root), settle_seconds=0)
    ctx = dg.build_sensor_context(instance=instance, resources={"landing_zone": zone})
    result = landing_sensor(ctx)
    assert sorted(r.partition_key for r in result.run_requests) == names
    assert result.dynamic_partitions_requests[0].partition_keys == names
    instance.add_dynamic_partitions(landing_batches.name, names)
    again = landing_sensor(dg.build_sensor_context(instance=instance, resources={"landing_zone": zone}))
    assert not again.run_requests


def test_a_batch_still_being_written_waits(landing, instance):
    root, names = landing
    now = time.time()
    for f in (root / names[0]).iterdir():
        os.utime(f, (now, now))
    zone = LandingZone(path=str(root), settle_seconds=60)
    assert names[0] not in zone.ready_batches()
