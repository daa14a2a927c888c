"""Retrains when live traffic drifts away from the champion's training data or its answers decay.

Reads the latest ``live_traffic_report`` materialization's metadata (no model, no warehouse) and applies the same
decision as ``drift_sensor`` (one window per request, a cooldown, a minimum of new examples: users' corrections the
champion never trained on). A latency breach is reported in the skip reason and the report's check: retraining does
not make a model faster.
"""

import json
import time

import dagster as dg

from jobs import training_job
from resources.alerts import AlertChannels
from resources.drift_policy import DriftPolicy
from sensors.drift import decide, retrain_request

LIVE_REPORT = dg.AssetKey("live_traffic_report")


@dg.sensor(
    job=training_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests the training job when live_traffic_report shows input drift or a drop of well-formed "
    "answers (see the drift_policy resource); reports latency breaches.",
)
def live_traffic_sensor(context: dg.SensorEvaluationContext, drift_policy: DriftPolicy, alerts: AlertChannels):
    event = context.instance.get_latest_materialization_event(LIVE_REPORT)
    if event is None or event.asset_materialization is None:
        return dg.SkipReason("live_traffic_report has never been materialized")
    metadata = {k: v.value for k, v in event.asset_materialization.metadata.items()}
    signals = drift_policy.live_signals(metadata)
    latency = [s.describe() for s in signals if s.name == "latency_p95_s" and s.exceeded]
    actionable = [s for s in signals if s.name != "latency_p95_s"]
    cursor = json.loads(context.cursor) if context.cursor else {}
    now = time.time()
    decision = decide(metadata, drift_policy, cursor, now, signals=actionable)
    if not decision.retrain:
        breach = f"; latency SLO breached: {latency[0]} (not a retraining matter)" if latency else ""
        return dg.SkipReason(decision.reason.replace("no drift in window", "no live drift in window") + breach)
    return retrain_request(
        context, drift_policy, alerts, decision, cursor, str(metadata["window_id"]), now, "live_traffic"
    )
