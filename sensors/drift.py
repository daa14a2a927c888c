"""Retrains when the arriving documents drift away from the champion's training data, or the champion decays.

Reads the latest ``drift_report`` materialization's metadata only: no heavy import, no model load, so a tick costs
an event-log query. A cursor keeps it from storming: one run per distinct window, a cooldown, a minimum of new
examples.
"""

import json
import time
from dataclasses import dataclass

import dagster as dg

from jobs import training_job
from resources.alerts import Alert, AlertChannels
from resources.drift_policy import STATUS_TEXT, DriftPolicy

DRIFT_REPORT = dg.AssetKey("drift_report")


@dataclass
class Decision:
    retrain: bool
    reason: str
    tags: dict[str, str]


def decide(metadata: dict, policy: DriftPolicy, cursor: dict, now: float, signals: list | None = None) -> Decision:
    """Pure decision from a drift report's metadata values, the policy and the sensor's cursor (``signals``: the
    scores to act on, by default ``policy.signals`` of a measured report)."""
    status = metadata.get("status", "")
    window = str(metadata.get("window_id", ""))
    new_examples = int(metadata.get("new_examples", 0))
    if window in cursor.get("windows", []):
        return Decision(False, f"window {window} already requested a retrain", {})
    if signals is None:
        signals = policy.signals(metadata) if status == "measured" else []
    triggers = [s.describe() for s in signals if s.exceeded]
    oldest = float(metadata.get("oldest_untrained_at") or 0.0)
    stale = oldest > 0 and new_examples > 0 and now - oldest >= policy.max_staleness_hours * 3600 * 0.9
    if stale:
        triggers.append(
            f"new data waiting {(now - oldest) / 3600:.0f} h ≥ {policy.max_staleness_hours:g} h staleness limit"
        )
    if not triggers:
        scores = "; ".join(s.describe() for s in signals) or STATUS_TEXT.get(status, status)
        return Decision(False, f"no drift in window {window}: {scores}", {})
    if new_examples < policy.min_new_examples and not stale:
        return Decision(
            False,
            f"drift ({'; '.join(triggers)}) but {new_examples} new examples < {policy.min_new_examples} required",
            {},
        )
    since = now - float(cursor.get("last_request", 0.0))
    if since < policy.cooldown_hours * 3600 and not stale:
        return Decision(
            False,
            f"drift ({'; '.join(triggers)}) but the last retrain was requested {since / 3600:.1f} h ago "
            f"< cooldown {policy.cooldown_hours:g} h",
            {},
        )
    tags = {
        "retrain_reason": "; ".join(triggers)[:250],
        "drift_window": window,
        "drift_new_examples": str(new_examples),
        "drift_reference_version": str(metadata.get("reference_version", "")),
        **{
            f"drift_{k}": f"{float(metadata[k]):.4f}"
            for k in ("drift_share", "embedding_drift", "perplexity_degradation", "quality_drop", "latency_p95_s")
            if k in metadata
        },
    }
    return Decision(True, tags["retrain_reason"], tags)


@dg.sensor(
    job=training_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests the training job when drift_report shows drift or decay (see the drift_policy resource).",
)
def drift_sensor(context: dg.SensorEvaluationContext, drift_policy: DriftPolicy, alerts: AlertChannels):
    event = context.instance.get_latest_materialization_event(DRIFT_REPORT)
    if event is None or event.asset_materialization is None:
        return dg.SkipReason("drift_report has never been materialized")
    metadata = {k: v.value for k, v in event.asset_materialization.metadata.items()}
    cursor = json.loads(context.cursor) if context.cursor else {}
    now = time.time()
    decision = decide(metadata, drift_policy, cursor, now)
    if not decision.retrain:
        return dg.SkipReason(decision.reason)
    return retrain_request(context, drift_policy, alerts, decision, cursor, str(metadata["window_id"]), now, "drift")


def retrain_request(
    context: dg.SensorEvaluationContext,
    policy: DriftPolicy,
    alerts: AlertChannels,
    decision: Decision,
    cursor: dict,
    window_id: str,
    now: float,
    trigger: str,
) -> dg.RunRequest:
    """The training_job run a drift decision asks for; the cursor remembers the window and the time."""
    cursor = {"windows": (cursor.get("windows", []) + [window_id])[-100:], "last_request": now}
    context.update_cursor(json.dumps(cursor))
    context.log.info(f"requesting a retrain ({trigger}): {decision.reason}")
    init_from = "champion" if policy.warm_start else "base"
    alerts.send(
        Alert(
            "retrain_requested",
            f"retrain requested by {trigger}",
            {
                "trigger": trigger,
                "reason": decision.reason,
                "window_id": window_id,
                "init_from": init_from,
                **{k: v for k, v in decision.tags.items() if k.startswith("drift_")},
            },
        ),
        context.log,
    )
    return dg.RunRequest(
        run_key=f"{trigger}:{window_id}",
        tags={**decision.tags, "trigger": trigger, "init_from": init_from},
        run_config={"ops": {"lora_adapter": {"config": {"init_from": init_from}}}},
    )
