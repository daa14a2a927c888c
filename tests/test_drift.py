"""Drift closes the loop: real drift_report materializations drive drift_sensor, for a control and a shifted batch."""

import json
import time

import dagster as dg
import pytest
from mlflow import MlflowClient

from llm_assets.modeling.config import LoraTrainingConfig
from llm_assets.sample_corpus import write_landing_batches
from resources.alerts import AlertChannels
from resources.drift_policy import DriftPolicy
from sensors.drift import decide, drift_sensor
from tests.helpers import ALL_ASSETS, ingest, train

TINY = {
    "lora_adapter": {"config": {"max_steps": 3, "batch_size": 4, "max_length": 768}},
    "evaluation_report": {"config": {"max_examples": 8, "max_new_tokens": 8, "batch_size": 8}},
}
DRIFT = {"drift_report": {"config": {"perplexity_examples": 16, "rouge_examples": 0, "max_length": 768}}}


def _metadata(**kw):
    base = {
        "status": "measured",
        "window_id": "w1",
        "new_examples": 50,
        "drift_share": 0.0,
        "embedding_drift": 0.5,
        "oldest_untrained_at": time.time() - 60,
    }
    return {**base, **kw}


def test_decision_rules():
    policy, now = DriftPolicy(), time.time()
    calm = decide(_metadata(), policy, {}, now)
    # a skip states every score against its threshold
    assert (
        not calm.retrain
        and calm.reason == "no drift in window w1: drift share 0.00 < 0.50; embedding drift 0.50 < 0.70"
    )
    drifted = decide(_metadata(drift_share=0.6), policy, {}, now)
    assert drifted.retrain and drifted.tags["drift_window"] == "w1" and drifted.reason == "drift share 0.60 ≥ 0.50"
    assert not decide(_metadata(drift_share=0.6), policy, {"windows": ["w1"]}, now).retrain  # one run per window
    few = decide(_metadata(drift_share=0.6, new_examples=3), policy, {}, now)
    assert not few.retrain and "3 new examples < 20 required" in few.reason
    cooling = decide(_metadata(drift_share=0.6), policy, {"last_request": now - 600}, now)
    assert not cooling.retrain and "0.2 h ago < cooldown 6 h" in cooling.reason
    assert "no reference training set" in decide(_metadata(status="no_reference"), policy, {}, now).reason
    assert decide(_metadata(perplexity_degradation=0.2), policy, {}, now).retrain  # quality decay alone
    stale = _metadata(new_examples=2, oldest_untrained_at=now - 49 * 3600)
    assert decide(stale, policy, {}, now).retrain  # folded into a retrain within 48 h


def _tick(instance, cursor=None):
    ctx = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"drift_policy": DriftPolicy(), "alerts": AlertChannels()}
    )
    result = drift_sensor(ctx)
    return result, ctx.cursor


def _measure(instance, resources):
    result = dg.materialize(
        ALL_ASSETS,
        selection=["drift_report"],
        resources=resources,
        instance=instance,
        run_config=dg.RunConfig(ops=DRIFT),
    )
    assert result.success
    (check,) = result.get_asset_check_evaluations()
    assert check.check_name == "champion_quality_within_tolerance"
    return result.output_for_node("drift_report")


@pytest.mark.slow
def test_control_batch_does_not_retrain_and_shifted_batch_retrains_once(landing, instance, resources):
    root, batches = landing
    ingest(instance, resources, batches)
    promote = {"registered_model": {"config": {"min_improvement_over_base": -100.0, "guard_metrics": []}}}
    first = train(instance, resources, {**TINY, **promote})
    assert first.output_for_node("registered_model", "registered_model")["promoted"]
    # 3 steps x 4 examples of the training split: the registry records how much of its data v1 trained on
    first_adapter = first.output_for_node("lora_adapter", "lora_adapter")
    trained = first_adapter["training"]
    v1_epochs = round(trained["epochs_run"] * trained["train_examples"] / first_adapter["new_examples"], 3)
    assert first_adapter["data_epochs"] == v1_epochs and 0 < v1_epochs < LoraTrainingConfig().min_champion_epochs
    client = MlflowClient(tracking_uri=resources["mlflow_tracking"].tracking_uri)
    assert client.get_model_version("support-ticket-assistant", "1").tags["data_epochs"] == str(v1_epochs)

    (control,) = write_landing_batches(
        root, n_tickets=60, n_batches=1, seed=12, include_bad_files=False, prefix="control"
    )
    ingest(instance, resources, [control])
    report = _measure(instance, resources)
    assert report["status"] == "measured" and report["window_documents"] == 60
    assert report["drift_share"] < 0.5 and report["embedding_drift"] < DriftPolicy().embedding_drift_threshold
    assert "perplexity_degradation" in report
    control_text = report["columns"]["text"]["score"]
    result, cursor = _tick(instance)
    assert isinstance(result, dg.SkipReason), result

    # the shift dominates the window (two thirds of it): recall and scam tickets in categories never seen
    (shifted,) = write_landing_batches(
        root, n_tickets=120, n_batches=1, seed=13, include_bad_files=False, shifted=True, prefix="shifted"
    )
    ingest(instance, resources, [shifted])
    report = _measure(instance, resources)
    assert report["window_documents"] == 180  # everything since the champion's training set: control + shifted
    assert report["drift_share"] >= DriftPolicy().drift_share_threshold and report["columns"]["category"]["drifted"]
    assert report["columns"]["text"]["drifted"]
    assert report["columns"]["text"]["score"] > control_text
    request, cursor = _tick(instance, cursor)
    assert isinstance(request, dg.RunRequest), request
    assert request.tags["drift_window"] == report["window_id"] and request.tags["retrain_reason"]
    again, _ = _tick(instance, cursor)
    assert isinstance(again, dg.SkipReason)  # exactly one run for this window, not one per tick
    assert report["window_id"] in json.loads(cursor)["windows"]

    # the sensor asks for a warm start: the champion's adapter continues on the new examples plus a replay sample
    assert request.tags["init_from"] == "champion"
    warm = {**TINY["lora_adapter"]["config"], **request.run_config["ops"]["lora_adapter"]["config"]}
    # the tiny champion trained a fraction of an epoch, which the default minimum refuses (tests/test_continual.py)
    warm["min_champion_epochs"] = 0.0
    # The tiny model's quality is noise, so the gate is set where its answer is known: the new domain must be
    # represented by more test examples than an 8-example evaluation can hold. The retrain must be refused on that
    # ground alone (every other gate is open), and the champion alias must stay on version 1.
    open_gate_but_new_slice = {
        "min_improvement_over_base": -100.0,
        "guard_metrics": [],
        "max_regression_vs_champion": 100.0,
        "min_new_slice_examples": 9,
    }
    retrain = train(
        instance,
        resources,
        {**TINY, "lora_adapter": {"config": warm}, "registered_model": {"config": open_gate_but_new_slice}},
        tags=request.tags,
    )
    assert retrain.success
    adapter = retrain.output_for_node("lora_adapter", "lora_adapter")
    assert adapter["init_from"] == "champion" and adapter["parent_model_version"] == "1", adapter["init_reason"]
    assert adapter["new_examples"] > 0 and adapter["replay_examples"] > 0
    defaults = LoraTrainingConfig()  # a warm start continues at a lower rate than a fresh adapter's
    assert adapter["effective_learning_rate"] == pytest.approx(defaults.learning_rate * defaults.warm_start_lr_scale)
    # its lineage's training: its own passes over new + replayed examples, but never more than v1 gave the rest
    run_epochs = adapter["training"]["epochs_run"] * adapter["training"]["train_examples"]
    run_epochs /= adapter["new_examples"] + adapter["replay_examples"]
    assert adapter["data_epochs"] == min(round(run_epochs, 3), v1_epochs)
    evaluation = retrain.output_for_node("evaluation_report")
    assert 0 < evaluation["new_window_examples"] <= 8
    new_positions = evaluation["per_example"]["new_slice"]  # which test examples the champion never saw
    assert len(new_positions) == evaluation["new_window_examples"] and max(new_positions) < evaluation["test_examples"]
    assert set(evaluation["new_window_metrics"]) == {"base", "base_few_shot", "candidate", "champion"}
    assert evaluation["new_data"]["train_examples"] > 0
    assert sum(g["examples"] for g in evaluation["new_window_by_label"].values()) == evaluation["new_window_examples"]
    registered = retrain.output_for_node("registered_model", "registered_model")
    assert registered["version"] == "2" and not registered["promoted"]
    assert "under-represented" in registered["reason"] and "< 9 required" in registered["reason"], registered["reason"]
    assert str(client.get_model_version_by_alias("support-ticket-assistant", "champion").version) == "1"
    tags = client.get_model_version("support-ticket-assistant", "2").tags
    assert tags["promotion_decision"] == "not_promoted" and tags["promotion_reason"] == registered["reason"]
