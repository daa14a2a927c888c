"""The landing sensor registers settled batches as partitions and requests one ingestion run per new batch."""

import os
import time

import dagster as dg

from llm_assets.core.partitions import landing_batches
from resources.landing import LandingZone
from sensors.landing import landing_sensor
from tests.helpers import batch_key


def test_new_batches_become_partitions_once(landing, instance, resources):
    root, names = landing
    zone = LandingZone(path=str(root), settle_seconds=0)
    sensor_resources = {"landing_zone": zone, "governance_keys": resources["governance_keys"]}
    ctx = dg.build_sensor_context(instance=instance, resources=sensor_resources)
    result = landing_sensor(ctx)
    keys = [batch_key(resources, n) for n in names]  # opaque: the folder's name is never the partition key
    assert sorted(r.partition_key for r in result.run_requests) == sorted(keys)
    assert sorted(result.dynamic_partitions_requests[0].partition_keys) == sorted(keys)
    for request in result.run_requests:
        assert not [n for n in names if n in repr(request)]  # nor in the run key or the tags
    instance.add_dynamic_partitions(landing_batches.name, keys)
    again = landing_sensor(dg.build_sensor_context(instance=instance, resources=sensor_resources))
    assert not again.run_requests


def test_a_batch_still_being_written_waits(landing, instance):
    root, names = landing
    now = time.time()
    for f in (root / names[0]).iterdir():
        os.utime(f, (now, now))
    zone = LandingZone(path=str(root), settle_seconds=60)
    assert names[0] not in zone.ready_batches()
