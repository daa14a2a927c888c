"""Governance staff in the loop: a fairness audit that flags and can block, human approval and rejection, rollback as
a job, alerts that reach an SMTP server and a webhook, and a model card whose figures are the tables'."""

import json

import dagster as dg
import numpy as np
import polars as pl
import pytest
from mlflow import MlflowClient

from llm_assets.core import lineage
from llm_assets.governance import fairness
from llm_assets.governance.approvals import APPROVALS, ROLLBACKS, approval_job, rollback_job
from llm_assets.governance.model_card import card_figures
from llm_assets.modeling.gate import PromotionConfig, promotion_decision
from resources.promotion_policy import PromotionPolicy
from tests.helpers import ingest, leaked, raw_pii_values, table, train

NAME = "support-ticket-assistant"
TINY = {
    "lora_adapter": {"config": {"max_steps": 2, "batch_size": 4, "max_length": 512, "learning_rate": 5e-3}},
    "evaluation_report": {"config": {"max_examples": 6, "max_new_tokens": 8, "batch_size": 6}},
    "fairness_audit": {"config": {"probe_prompts": 2, "probe_groups": ["NG/F", "DE/M", "CN/F"]}},
    "training_set": {"config": {"validation_fraction": 0.1, "test_fraction": 0.15}},
    "registered_model": {
        "config": {"min_improvement_over_base": -100.0, "guard_metrics": [], "max_regression_vs_champion": 100.0,
                   "min_new_slice_examples": 0}
    },
}  # fmt: skip


def _scores(degraded: str | None) -> pl.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for i in range(120):
        category = ["refund", "delivery", "billing"][i % 3]
        good = category != degraded
        rows.append(
            {
                "category": category,
                "channel": ["email", "chat"][i % 2],
                "language": "script:latin",
                "length": "short (<200 chars)",
                "rougeL": float(np.clip(rng.normal(0.7 if good else 0.3, 0.05), 0, 1)),
                "category_correct": float(good or rng.random() < 0.3),
                "format_ok": 1.0,
            }
        )
    return pl.DataFrame(rows)


def test_a_degraded_segment_is_flagged_and_blocks_only_when_configured():
    quality, overall = fairness.segment_quality(_scores("refund"), ("rougeL", "category_correct"), 0.1, 5)
    flagged = {(q["segment"], q["value"], q["metric"]) for q in quality if q["flagged"]}
    assert flagged == {("category", "refund", "rougeL"), ("category", "refund", "category_correct")}
    refund = next(q for q in quality if q["value"] == "refund" and q["metric"] == "rougeL")
    assert refund["examples"] == 40 and refund["ci_high"] < overall["rougeL"] and refund["ci_low"] > 0.25
    even, _ = fairness.segment_quality(_scores(None), ("rougeL",), 0.1, 5)
    assert not any(q["flagged"] for q in even)  # noise alone never flags
    tiny, _ = fairness.segment_quality(_scores("refund").head(6), ("rougeL",), 0.1, 5)
    assert not any(q["flagged"] for q in tiny)  # 2 refund examples < min_segment_examples

    metrics = {"base": {"rougeL": 0.1}, "candidate": {"rougeL": 0.6}}
    audit = {"flags": ["rougeL low for category=refund (0.3 vs 0.57)"]}
    assert promotion_decision(metrics, PromotionConfig(guard_metrics=[]), fairness=audit)[0]
    blocked, reason = promotion_decision(
        metrics, PromotionConfig(guard_metrics=[], block_on_fairness=True), fairness=audit
    )
    assert not blocked and "fairness audit flagged 1 issue(s): rougeL low for category=refund" in reason

    corpus = pl.DataFrame(
        {"doc_id": [f"d{i}" for i in range(100)], "category": ["a"] * 80 + ["b"] * 20, "channel": ["email"] * 100,
         "language": ["script:latin"] * 90 + ["script:cyrillic"] * 10, "length": ["short"] * 100}
    )  # fmt: skip
    kept = [f"d{i}" for i in range(80)] + ["d80", "d81"]  # b kept at 2 of 20; no Cyrillic document kept
    rep = {(r["segment"], r["value"]): r for r in fairness.representation(corpus, kept, 0.5)}
    assert rep[("category", "b")]["under_represented"] and rep[("language", "script:cyrillic")]["under_represented"]
    assert not rep[("category", "a")]["under_represented"]
    assert fairness.script_of("Привет, где мой заказ?") == "cyrillic" and fairness.script_of("Where is it?") == "latin"


def test_probe_flips_are_counted_per_group():
    rates = fairness.flip_rates(
        {"A": ["refund", "refund", "billing"], "B": ["refund", "refund", "billing"], "C": ["refund", "delivery", "x"]},
        {"A": ["sorry", "ok", "yes"], "B": ["sorry", "ok", "yes"], "C": ["sorry", "no", "maybe"]},
    )
    assert rates["A"]["category_flips"] == 0 and rates["C"]["category_flips"] == 2
    assert rates["C"]["flip_rate"] == pytest.approx(0.6667, abs=1e-4)
    assert rates["A"]["reply_similarity"] > rates["C"]["reply_similarity"]


def _assets():
    from llm_assets.definitions import defs

    return list(defs.assets)


def _job(resources, job):
    return dg.Definitions(assets=_assets(), jobs=[job], resources=resources).resolve_job_def(job.name)


def _failure(result) -> str:
    return next(e.step_failure_data.error.message for e in result.all_events if e.is_step_failure)


@pytest.mark.slow
def test_approval_rejection_rollback_alerts_and_model_card(
    landing, instance, resources, alert_sinks, data_dir, monkeypatch, capsys
):
    from jobs.governance_cli import main as governance
    from sensors.alerts import run_failure_alert_sensor

    _, batches = landing
    resources = {
        **resources,
        "alerts": alert_sinks.channels(quarantine_spike_share=0.0),
        "promotion_policy": PromotionPolicy(require_approval=True, approvers=["ann.auditor", "bob.lead"]),
    }
    # the CLI builds its resources from the environment: the same policy and channels
    monkeypatch.setenv("DAGSTER_HOME", str(data_dir / "dagster_home"))
    monkeypatch.setenv("LLMP_REQUIRE_APPROVAL", "1")
    monkeypatch.setenv("LLMP_APPROVERS", "ann.auditor,bob.lead")
    monkeypatch.setenv("LLMP_ALERT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LLMP_ALERT_SMTP_PORT", str(alert_sinks.smtp_port))
    monkeypatch.setenv("LLMP_ALERT_EMAIL_TO", "governance@example.test")
    monkeypatch.setenv("LLMP_ALERT_WEBHOOK_URL", alert_sinks.webhook_url)
    monkeypatch.setenv("LLMP_ALERT_WEBHOOK_TOKEN", "sink-token")
    from resources import build_resources, resolved

    assert resolved(build_resources())["promotion_policy"].require_approval

    ingest(instance, resources, batches[:1])
    mail, post = alert_sinks.wait_for("quarantine_spike")  # the landing batch holds bad files; threshold 0 here
    assert post["facts"]["quarantined"] >= 1 and "reason/" in json.dumps(post["facts"])

    # v1 and v2 pass the gate and wait: no champion moves
    for _ in range(2):
        assert train(instance, resources, TINY).success
    client = MlflowClient(resources["mlflow_tracking"].tracking_uri)
    assert resources["mlflow_tracking"].champion_version() is None
    decisions = lineage.effective_decisions(resources["warehouse"], NAME)
    assert decisions == {"1": "pending_approval", "2": "pending_approval"}
    assert client.get_model_version(NAME, "1").tags["approval_status"] == "pending"
    mail, post = alert_sinks.wait_for("approval_needed")
    assert post["facts"]["version"] == "1" and mail["Subject"].startswith("[llm-pipeline] WARNING approval_needed")

    # the audit ran on the candidate and is in the ledger
    fair = json.loads(lineage.model_version(resources["warehouse"], NAME, "1")["fairness"])
    assert fair["probe"]["prompts"] == 2 and set(fair["probe"]["groups"]) == {"NG/F", "DE/M", "CN/F"}
    assert {r["segment"] for r in fair["representation"]} == set(fairness.SEGMENT_COLUMNS)

    # an approver outside the list is refused; an approval by the job makes v1 champion
    refused = _job(resources, approval_job).execute_in_process(
        run_config={"ops": {APPROVALS: {"config": {"version": "1", "decision": "approve", "approver": "mallory"}}}},
        instance=instance,
        raise_on_error=False,
    )
    assert not refused.success and "not among the configured approvers" in _failure(refused)
    ok = _job(resources, approval_job).execute_in_process(
        run_config={"ops": {APPROVALS: {"config": {"version": "1", "decision": "approve", "approver": "ann.auditor",
                                                     "note": "eval and fairness reviewed"}}}},
        instance=instance,
    )  # fmt: skip
    assert ok.success and str(resources["mlflow_tracking"].champion_version().version) == "1"
    assert client.get_model_version(NAME, "1").tags["approval_by"] == "ann.auditor"
    _, post = alert_sinks.wait_for("promotion")
    assert post["facts"]["approver"] == "ann.auditor" and post["facts"]["champion_after"] == "1"

    # v2 was compared with no champion: approving it now is stale; the CLI refuses, then rejects it
    assert governance(["approve", "--version", "2", "--approver", "bob.lead"]) == 1
    assert "champion moved since the gate compared" in capsys.readouterr().err
    assert governance(["reject", "--version", "2", "--approver", "bob.lead", "--note", "superseded"]) == 0
    assert "v2 rejected by bob.lead" in capsys.readouterr().out
    _, post = alert_sinks.wait_for("rejection")
    assert post["facts"]["version"] == "2" and post["facts"]["decision"] == "rejected"
    assert governance(["approve", "--version", "2", "--approver", "bob.lead"]) == 1  # decided once
    assert "already rejected by bob.lead" in capsys.readouterr().err

    # v3 (compared with v1) is approved from the CLI; a rollback to the rejected v2 is refused, to v1 accepted
    assert train(instance, resources, TINY).success
    assert governance(["approve", "--version", "3", "--approver", "ann.auditor", "--note", "ok"]) == 0
    assert str(resources["mlflow_tracking"].champion_version().version) == "3"
    rollback = _job(resources, rollback_job)
    bad = rollback.execute_in_process(
        run_config={"ops": {ROLLBACKS: {"config": {"version": "2", "requested_by": "bob.lead", "reason": "x"}}}},
        instance=instance,
        raise_on_error=False,
    )
    assert not bad.success and "never champion" in _failure(bad)
    assert governance(["rollback", "--version", "1", "--by", "bob.lead", "--reason", "complaints about v3"]) == 0
    assert str(resources["mlflow_tracking"].champion_version().version) == "1"
    _, post = alert_sinks.wait_for("rollback")
    assert post["facts"]["from_version"] == "3" and post["facts"]["to_version"] == "1"
    assert client.get_model_version(NAME, "1").tags["rollback_by"] == "bob.lead"

    # an erasure taints v3: the alert goes out, and v3 can no longer be rolled back to
    members = table(resources, "train", "training_set_members")
    v3_set = lineage.model_version(resources["warehouse"], NAME, "3")["training_set_version"]
    doc = members.filter((pl.col("version") == v3_set) & (pl.col("split") == "train"))["doc_id"][0]
    assert governance(["erase", "--doc-id", doc, "--reason", "request 77", "--no-retrain"]) == 0
    capsys.readouterr()
    _, post = alert_sinks.wait_for("erasure")
    assert post["facts"]["documents_erased"] == 1 and "3" in post["facts"]["tainted_versions"]
    assert governance(["rollback", "--version", "3", "--by", "bob.lead", "--reason", "try"]) == 1
    assert "tainted by an erasure" in capsys.readouterr().err

    # a failed run: the failure sensor names the job and the failed checks, never the error text
    @dg.asset(check_specs=[dg.AssetCheckSpec("rows_present", asset="broken_table", blocking=True)])
    def broken_table():
        yield dg.Output(1)
        yield dg.AssetCheckResult(check_name="rows_present", passed=False)

    @dg.asset(deps=[broken_table])
    def after_broken() -> None:
        raise AssertionError("never reached")

    failed = dg.materialize([broken_table, after_broken], instance=instance, raise_on_error=False)
    assert not failed.success
    run = instance.get_run_by_id(failed.run_id)
    failure_event = next(e for e in failed.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    ctx = dg.build_run_status_sensor_context(
        sensor_name="run_failure_alert_sensor",
        dagster_event=failure_event,
        dagster_instance=instance,
        dagster_run=run,
        resources={"alerts": resources["alerts"]},
    ).for_run_failure()
    run_failure_alert_sensor(ctx)
    _, post = alert_sinks.wait_for("check_failed")
    assert post["facts"]["failed_checks"] == "broken_table:rows_present (blocking)"
    assert post["severity"] == "critical"

    # the model card of v1: attached to the version, its figures are the tables'
    figures = card_figures(resources["warehouse"], NAME, "1")
    mv = lineage.model_version(resources["warehouse"], NAME, "1")
    ts = lineage.read(resources["warehouse"], "training_set_versions", equals={"version": mv["training_set_version"]})
    assert figures["test_examples"] == mv["test_examples"] == 6
    assert figures["metrics"]["candidate"]["rougeL"] == json.loads(mv["metrics"])["candidate"]["rougeL"]
    assert figures["training_set_sha256"] == ts["content_sha256"][0] and figures["examples"] == ts["examples"][0]
    assert figures["human_decision"]["approver"] == "ann.auditor"
    assert figures["init_from"] == "base" and figures["data_epochs"] == mv["data_epochs"] > 0
    assert figures["rollbacks_to"][0]["from_version"] == "3"
    description = client.get_model_version(NAME, "1").description
    assert description.startswith(f"# Model card: {NAME} v1") and "approved by ann.auditor" in description
    assert f"{figures['metrics']['candidate']['rougeL']}" in description
    assert f"A fresh adapter on the training split: {figures['data_epochs']:g} passes over its data" in description
    assert "Champion again by rollback from v3 by bob.lead" in description

    # the report shows the decision; nothing that left by alert holds a raw value of the corpus
    assert governance(["report", "--version", "2", "--print"]) == 0
    report = capsys.readouterr().out
    assert "Human decision: rejected by bob.lead" in report and "Fairness and representation" in report
    v2_epochs = lineage.model_version(resources["warehouse"], NAME, "2")["data_epochs"]
    assert f"Training received: {v2_epochs:g} passes over its data" in report
    sent = alert_sinks.everything()
    assert not leaked({v for v in raw_pii_values(140, 11) if len(v) > 4}, sent)
    kinds_mail, kinds_hook = alert_sinks.kinds()
    expected = {"quarantine_spike", "approval_needed", "promotion", "rejection", "rollback", "erasure", "check_failed"}
    assert expected <= set(kinds_mail) and expected <= set(kinds_hook)
    assert all(h.get("Authorization") == "Bearer sink-token" for h, _ in alert_sinks.posts)
