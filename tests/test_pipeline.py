"""The whole graph on real components (Presidio, DuckDB, peft, MLflow) with a tiny Llama built in a fixture."""

import json
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from mlflow import MlflowClient

from llm_assets.core.scoring import text_metrics
from tests.helpers import ALL_ASSETS, batch_key, fields, ingest, leaked, raw_pii_values, table, train

TINY_TRAINING = {"max_steps": 4, "batch_size": 4, "max_length": 768, "log_every": 1, "learning_rate": 5e-3}
TINY_EVAL = {"max_examples": 6, "max_new_tokens": 12, "batch_size": 6}


def _train(instance, resources, promotion: dict | None = None, training: dict | None = None):
    ops = {
        "lora_adapter": {"config": {**TINY_TRAINING, **(training or {})}},
        "evaluation_report": {"config": TINY_EVAL},
        "training_set": {"config": {"validation_fraction": 0.1, "test_fraction": 0.15}},
    }
    if promotion:
        ops["registered_model"] = {"config": promotion}
    return train(instance, resources, ops)


@pytest.mark.slow
def test_ingestion_keeps_good_documents_quarantines_bad_ones_and_leaks_nothing(landing, instance, resources):
    _, batches = landing
    results = ingest(instance, resources, batches)
    assert all(r.success for r in results)

    raw = table(resources, "raw", "raw_documents")
    quarantine = table(resources, "raw", "quarantined_documents")
    assert raw.height == 143  # every generated ticket arrived, and the 3 canary tickets
    reasons = dict(zip(quarantine["source_path"], quarantine["reason"], strict=True))
    assert reasons["empty_ticket.txt"] == "empty" and reasons["scan.pdf"] == "malformed_pdf"
    assert reasons["attachment.txt"] == "binary" and reasons["tickets.jsonl"] == "malformed_json"

    first = results[0].asset_materializations_for_node("ingest_landing_batch")
    md = {m.asset_key.to_user_string(): m.metadata for m in first}
    assert md["raw_documents"]["records_in"].value == md["raw_documents"]["kept"].value + 4

    anon = table(resources, "anon", "anonymized_documents")
    assert anon.height == raw.height and set(anon["doc_id"]) == set(raw["doc_id"])
    corpus = "\n".join(anon["text"].to_list() + anon["fields"].to_list())
    assert leaked(raw_pii_values(140, seed=11), corpus) == []

    audit = table(resources, "anon", "redaction_audit")
    assert audit.height > 5 * anon.height
    assert set(audit.columns) >= {"doc_id", "entity_type", "start", "end", "recognizer", "score", "operator"}
    audit_blob = audit.write_csv()
    assert not leaked(raw_pii_values(140, seed=11), audit_blob)

    checks = results[0].get_asset_check_evaluations()
    assert [(c.check_name, c.passed) for c in checks] == [("no_residual_high_risk_pii", True)]

    # re-materializing a partition replaces its rows; unchanged documents are not analyzed again
    again = ingest(instance, resources, batches[:1])[0]
    anon_md = {
        m.asset_key.to_user_string(): m.metadata
        for m in again.get_asset_materialization_events()
        for m in [m.event_specific_data.materialization]
    }["anonymized_documents"]
    assert anon_md["newly_anonymized"].value == 0 and anon_md["reused_unchanged"].value == 73
    assert table(resources, "raw", "raw_documents").height == 143
    assert table(resources, "anon", "anonymized_documents").height == 143
    assert table(resources, "anon", "redaction_audit").height == audit.height


@pytest.mark.slow
def test_train_evaluate_register_and_promote(landing, instance, resources, tiny_model_dir):
    _, batches = landing
    ingest(instance, resources, batches)

    first = _train(instance, resources, promotion={"min_improvement_over_base": -100.0, "guard_metrics": []})
    assert first.success
    ts = table(resources, "train", "training_set")
    per_doc = ts.group_by("doc_id").agg(pl.col("split").n_unique())
    assert per_doc["split"].max() == 1 and ts.filter(pl.col("split") == "test").height > 0
    checks = {c.check_name: c.passed for c in first.get_asset_check_evaluations()}
    assert checks["splits_disjoint_by_document"] and checks["no_empty_fields"] and not checks["minimum_size"]

    adapter = first.output_for_node("lora_adapter", "lora_adapter")
    adapter_dir = Path(adapter["adapter_dir"])
    assert (adapter_dir / "adapter_config.json").exists() and (adapter_dir / "adapter_model.safetensors").exists()
    assert not list(adapter_dir.rglob("*.pkl")) and not list(adapter_dir.rglob("*.bin"))
    assert adapter["training_set_version"] == ts["version"][0]
    assert json.loads((adapter_dir / "adapter_config.json").read_text())["r"] == 16

    client = MlflowClient(tracking_uri=resources["mlflow_tracking"].tracking_uri)
    run = client.get_run(adapter["mlflow_run_id"])
    assert run.data.tags["dagster_run_id"] == first.run_id
    assert run.data.params["max_steps"] == "4" and run.data.params["training_set_version"] == ts["version"][0]
    losses = client.get_metric_history(run.info.run_id, "train_loss")
    assert sorted(m.step for m in losses) == [1, 2, 3, 4], [(m.step, m.value) for m in losses]
    label_curve = client.get_metric_history(run.info.run_id, "validation_label_accuracy")
    assert sorted(m.step for m in label_curve) == [0, 4]  # before the first step and after the last
    assert run.data.params["recipe_used"] == "auto" and run.data.params["planned_steps"] == "4"
    assert run.data.params["recipe_capped_by"] in {"max_steps", "none"}

    report = first.output_for_node("evaluation_report")
    assert report["adapter"]["adapter_dir"] == adapter["adapter_dir"]  # evaluates exactly what upstream produced
    assert set(report["metrics"]) == {"base", "base_few_shot", "candidate"}
    # the few-shot baseline is shown training examples of distinct labels, never a test example
    shots = ts.filter(pl.col("example_id").is_in(report["few_shot"]["example_ids"]))
    assert report["few_shot"]["k"] == 3 and set(shots["split"]) == {"train"} and shots["label"].n_unique() == 3
    gens = [
        json.loads(line) for line in Path(report["report_html"]).with_name("generations.jsonl").read_text().splitlines()
    ]
    assert len(gens) == report["test_examples"] == 6, (len(gens), report["test_examples"], gens[:1])
    for name in ("base", "base_few_shot", "candidate"):
        recomputed = text_metrics(
            [g[name] for g in gens],
            [g["reference"] for g in gens],
            [g["label"] for g in gens],
            [g["prompt"] for g in gens],
        )
        for key in ("rougeL", "fact_accuracy", "category_accuracy", "format_rate"):
            assert recomputed[key] == pytest.approx(report["metrics"][name][key], abs=1e-4, nan_ok=True), key
        assert report["metrics"][name]["perplexity"] > 1.0
        low, high = report["intervals"][name]["rougeL"]
        assert low <= report["metrics"][name]["rougeL"] <= high
    assert "<table>" in Path(report["report_html"]).read_text()
    # where the step's time went: per model, loading, each set's losses and generation, the probe
    seconds = report["seconds"]
    assert {"base.base.losses_s", "base.base_few_shot.generate_s", "candidate.probe_s", "evaluation_s"} <= set(seconds)
    assert 0 < seconds["generation_wall_s"] <= seconds["evaluation_s"]

    _links_not_text(first, resources, report, run)

    reg = first.output_for_node("registered_model", "registered_model")
    assert reg["version"] == "1" and reg["promoted"] and reg["champion_version"] == "1"
    mv = client.get_model_version_by_alias("support-ticket-assistant", "champion")
    assert str(mv.version) == "1" and mv.tags["promotion_decision"] == "promoted"
    assert mv.tags["training_set_version"] == ts["version"][0]

    # a second model against a gate it cannot pass: the champion joins the comparison and the alias stays put
    # (another seed: the same seed on the same data trains the same adapter, whose answers would all be reused)
    second = _train(instance, resources, promotion={"min_improvement_over_base": 100.0}, training={"seed": 7})
    assert second.success
    report2 = second.output_for_node("evaluation_report")
    assert set(report2["metrics"]) == {"base", "base_few_shot", "candidate", "champion"}
    # the same test split, weights and settings: the base model's answers are reused, identical, not recomputed, and
    # so are the champion's, which it gave as the first run's candidate; only the new candidate answers
    n = report["test_examples"]
    assert {m: (a["computed"], a["reused"]) for m, a in report["answers"].items()} == {
        "base": (n, 0),
        "base_few_shot": (n, 0),
        "candidate": (n, 0),
    }
    assert {m: (a["computed"], a["reused"], a["reused_from_runs"]) for m, a in report2["answers"].items()} == {
        "base": (0, n, [first.run_id]),
        "base_few_shot": (0, n, [first.run_id]),
        "candidate": (n, 0, []),
        "champion": (0, n, [first.run_id]),
    }
    assert report2["answers"]["champion"]["key"] == report["answers"]["candidate"]["key"]
    markdown2 = Path(report2["report_markdown"]).read_text()
    assert f"champion: 0 computed in this run, {n} reused from run(s) {first.run_id}" in markdown2
    for name in ("base", "base_few_shot"):
        assert report2["metrics"][name] == report["metrics"][name]
    assert report2["metrics"]["champion"] == report["metrics"]["candidate"]
    gens2 = [
        json.loads(line)
        for line in Path(report2["report_html"]).with_name("generations.jsonl").read_text().splitlines()
    ]
    assert [g["base"] for g in gens2] == [g["base"] for g in gens]
    assert [g["champion"] for g in gens2] == [g["candidate"] for g in gens]
    reg2 = second.output_for_node("registered_model", "registered_model")
    assert reg2["version"] == "2" and not reg2["promoted"] and "does not beat the base model" in reg2["reason"]
    assert str(client.get_model_version_by_alias("support-ticket-assistant", "champion").version) == "1"
    assert client.get_model_version("support-ticket-assistant", "2").tags["promotion_decision"] == "not_promoted"


def _links_not_text(result, resources, report: dict, run) -> None:
    """Metadata links to MLflow and to the served reports; MLflow links back to the Dagster run; floats rounded."""
    import threading
    import urllib.request
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    tracking, store = resources["mlflow_tracking"], resources["artifact_store"]
    meta = {
        m.asset_key.to_user_string(): m.metadata
        for e in result.get_asset_materialization_events()
        for m in [e.event_specific_data.materialization]
    }
    run_url = f"{tracking.ui_url}/#/experiments/{run.info.experiment_id}/runs/{run.info.run_id}"
    assert meta["lora_adapter"]["mlflow_run"].value == meta["evaluation_report"]["mlflow_run"].value == run_url
    assert run.data.tags["dagster_run_url"] == f"{tracking.dagster_ui_url}/runs/{result.run_id}"
    in_mlflow = meta["evaluation_report"]["report_in_mlflow"].value
    assert in_mlflow.endswith(f"?path=evaluation/evaluation.html&run_uuid={run.info.run_id}")
    logged = MlflowClient(tracking_uri=tracking.tracking_uri).list_artifacts(run.info.run_id, "evaluation")
    assert "evaluation/evaluation.html" in {a.path for a in logged}
    floats = [v.value for v in meta["lora_adapter"].values() if isinstance(v.value, float) and v.value == v.value]
    assert floats and all(v == round(v, 4) for v in floats)

    # the report link resolves on the reports' static route (what `make ui` serves)
    handler = partial(SimpleHTTPRequestHandler, directory=str(Path(store.root) / "reports"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        served = store.model_copy(update={"reports_url": f"http://127.0.0.1:{server.server_port}"})
        url = meta["evaluation_report"]["report"].value
        assert url == store.report_url(report["report_html"])
        with urllib.request.urlopen(served.report_url(report["report_html"]), timeout=10) as response:
            assert response.read().decode() == Path(report["report_html"]).read_text()
    finally:
        server.shutdown()


def test_the_gate_compares_with_the_better_baseline_and_few_shot_uses_training_examples_only():
    from llm_assets.modeling.evaluation_asset import few_shot_examples
    from llm_assets.modeling.gate import PromotionConfig, promotion_decision

    cfg = PromotionConfig(min_improvement_over_base=0.02)
    zero, few = {"rougeL": 0.10, "category_accuracy": 0.2}, {"rougeL": 0.33, "category_accuracy": 0.6}
    candidate = {"rougeL": 0.34, "category_accuracy": 0.9}
    assert promotion_decision({"base": zero, "candidate": candidate}, cfg)[0]  # beats zero-shot by far ...
    ok, reason = promotion_decision({"base": zero, "base_few_shot": few, "candidate": candidate}, cfg)
    assert not ok and "few-shot 0.3300" in reason  # ... but not few-shot by the margin
    ok, reason = promotion_decision(
        {"base": zero, "base_few_shot": few, "candidate": {"rougeL": 0.40, "category_accuracy": 0.5}}, cfg
    )
    assert not ok and "category_accuracy 0.5000 is worse than the base model's few-shot 0.6000" in reason
    assert promotion_decision({"base": zero, "base_few_shot": few, "candidate": {**candidate, "rougeL": 0.36}}, cfg)[0]

    ts = pl.DataFrame(
        {
            "example_id": [f"e{i}" for i in range(8)],
            "split": ["train", "train", "train", "train", "test", "validation", "train", "train"],
            "label": ["a", "a", "b", "c", "a", "b", "a", "b"],
            "prompt": ["long prompt a", "a", "bb", "cc", "x", "b", "aa", "b prompt"],
            "completion": ["ca"] * 8,
        }
    )
    shots = few_shot_examples(ts, 2)
    assert [s["example_id"] for s in shots] == ["e1", "e2"]  # the two commonest labels, shortest prompt each
    assert [s["example_id"] for s in few_shot_examples(ts, 4)] == ["e1", "e6", "e2", "e3"]  # 3 labels + shortest
    # more b than a now: the same two shots, shown in the same (label) order, so the same few-shot prompt
    more_b = pl.concat([ts, ts.filter(pl.col("label") == "b").with_columns(pl.col("example_id") + "x")])
    assert [s["example_id"] for s in few_shot_examples(more_b, 2)] == ["e1", "e2"]
    assert few_shot_examples(ts, 0) == [] and all(s["example_id"] not in ("e4", "e5") for s in few_shot_examples(ts, 6))


def test_promotion_gate():
    from llm_assets.modeling.gate import PromotionConfig, promotion_decision

    cfg = PromotionConfig(min_improvement_over_base=0.02)
    base = {"rougeL": 0.10, "category_accuracy": 0.1}
    assert promotion_decision({"base": base, "candidate": {"rougeL": 0.30, "category_accuracy": 0.9}}, cfg)[0]
    assert not promotion_decision({"base": base, "candidate": {"rougeL": 0.11, "category_accuracy": 0.9}}, cfg)[0]
    assert not promotion_decision({"base": base, "candidate": {"rougeL": 0.30, "category_accuracy": 0.0}}, cfg)[0]
    ok, reason = promotion_decision(
        {
            "base": base,
            "candidate": {"rougeL": 0.30, "category_accuracy": 0.9},
            "champion": {"rougeL": 0.35, "category_accuracy": 0.9},
        },
        cfg,
    )
    assert not ok and "champion" in reason
    # new data the test split barely holds: not promoted on old-domain metrics, whatever they say
    better = {
        "base": base,
        "candidate": {"rougeL": 0.40, "category_accuracy": 0.9},
        "champion": {"rougeL": 0.35, "category_accuracy": 0.9},
    }
    ok, reason = promotion_decision(better, cfg, None, None, {"train_examples": 30, "test_examples": 2})
    assert not ok and "under-represented" in reason and "2 test example(s)" in reason
    assert promotion_decision(better, cfg, None, None, {"train_examples": 30, "test_examples": 4})[0]
    assert promotion_decision(better, cfg, None, None, {"train_examples": 0, "test_examples": 0})[0]  # nothing new


@pytest.mark.slow
def test_training_reads_only_the_anonymized_zone(landing, instance, resources):
    _, batches = landing
    ingest(instance, resources, batches)
    result = dg.materialize(
        ALL_ASSETS,
        selection=dg.AssetSelection.assets("feedback_examples", "training_set").required_multi_asset_neighbors(),
        resources=resources,
        instance=instance,
    )
    assert result.success
    ts = table(resources, "train", "training_set")
    blob = "\n".join(ts["prompt"].to_list() + ts["completion"].to_list())
    assert not leaked(raw_pii_values(140, seed=11), blob)
    names = [
        f["customer_name"] for f in fields(table(resources, "anon", "anonymized_documents")) if "customer_name" in f
    ]
    assert names and all(n.startswith("<PERSON_") for n in names)


@pytest.mark.slow
def test_residual_pii_blocks_training(landing, instance, resources):
    """An anonymizer configured to leave e-mails alone: the blocking check fails, naming doc ids and types only,
    and the training set is not built from that corpus."""
    from resources.anonymizer import PresidioAnonymizer

    _, batches = landing
    from llm_assets.core.anonymization.settings import policy_entities

    leaky = PresidioAnonymizer(
        entities=[e for e in policy_entities() if e not in ("EMAIL_ADDRESS", "URL")],
        pii_fields={"customer_name": "PERSON", "customer_phone": "PHONE_NUMBER"},
    )
    resources = {**resources, "anonymizer": leaky}
    instance.add_dynamic_partitions("landing_batches", [batch_key(resources, batches[0])])
    result = dg.materialize(
        ALL_ASSETS,
        selection=dg.AssetSelection.groups("ingestion", "privacy", "training_data"),
        partition_key=batch_key(resources, batches[0]),
        resources=resources,
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "no_residual_high_risk_pii"]
    assert not check.passed
    findings = check.metadata["findings"].value
    assert "EMAIL_ADDRESS" in findings and "@" not in findings
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "anonymized_documents" in materialized and "training_set" not in materialized


@pytest.mark.slow
def test_realistic_residues_are_held_back_and_the_batch_goes_on(data_dir, instance, resources):
    """A field the configuration passes through ("notes") is copied unchanged only while its value looks like a label:
    a callback number written as one token is, and the second look finds it; those two tickets are held back in
    privacy_quarantine, the check passes (2 of 41 is under max_residual_share=0.1) and the training set never sees
    them. A note in words ("replies to kit.moreau@...") is no label: the engine anonymizes it, the ticket stays."""
    from resources.anonymizer import PresidioAnonymizer

    batch = data_dir / "landing" / "notes"
    batch.mkdir(parents=True)
    rows = [
        {
            "message": f"Parcel {i} arrived late, the box was dented.",
            "category": "delivery_delay",
            "agent_reply": "Sorry, a voucher is on its way.",
            "notes": "no callback needed",
        }
        for i in range(38)
    ]
    rows.append({**rows[0], "message": "Box dented again.", "notes": "callback:+442081234567"})
    rows.append({**rows[0], "message": "Still dented.", "notes": "02081234999"})
    rows.append(
        {**rows[0], "message": "Still no box.", "notes": "customer asked for replies to kit.moreau@laposte.net"}
    )
    (batch / "tickets.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    permissive = PresidioAnonymizer(passthrough_fields=[*PresidioAnonymizer().passthrough_fields, "notes"])
    resources = {**resources, "anonymizer": permissive}
    instance.add_dynamic_partitions("landing_batches", [batch_key(resources, "notes")])
    result = dg.materialize(
        ALL_ASSETS,
        selection=dg.AssetSelection.groups("ingestion", "privacy"),
        partition_key=batch_key(resources, "notes"),
        resources=resources,
        instance=instance,
        run_config=dg.RunConfig(ops={"anonymize_documents": {"config": {"max_residual_share": 0.1}}}),
    )
    assert result.success
    (check,) = result.get_asset_check_evaluations()
    assert check.passed and check.metadata["documents_held_back"].value == 2
    held = table(resources, "anon", "privacy_quarantine")
    assert held["reason"].to_list() == ["residual_pii", "residual_pii"]
    assert {d.split("second look found ")[1] for d in held["detail"]} == {"PHONE_NUMBER"}
    anon = table(resources, "anon", "anonymized_documents")
    assert anon.height == 39 and not set(anon["doc_id"]) & set(held["doc_id"])
    blob = anon.write_csv() + held.write_csv()
    assert "8123" not in blob and "1234999" not in blob and "laposte" not in blob


@pytest.mark.slow
def test_a_document_landing_twice_is_kept_once(data_dir, instance, resources):
    root = data_dir / "landing"
    ticket = "Ticket: T-1\nCategory: refund_request\n\nCustomer: Please refund order ORD-123456.\nAgent: Done.\n"
    for batch in ("b1", "b2"):
        (root / batch).mkdir(parents=True)
        (root / batch / f"copy-{batch}.txt").write_text(ticket)
        (root / batch / f"other-{batch}.txt").write_text(ticket.replace("T-1", f"T-{batch}"))
    ingest(instance, resources, ["b1", "b2"])
    raw = table(resources, "raw", "raw_documents")
    quarantine = table(resources, "raw", "quarantined_documents")
    assert raw.height == 3 and raw["doc_id"].n_unique() == 3
    assert quarantine.select("source_path", "reason").rows() == [("copy-b2.txt", "duplicate")]
    assert f"already ingested in batch {batch_key(resources, 'b1')}" in quarantine["detail"][0]


def _leak_scan_blob(instance, resources, data_dir) -> str:
    """Everything a run leaves outside the raw zone: event log (messages + metadata), the instance's storage and
    captured compute logs, MLflow params / tags / metric names / artifacts and its database, registry tags, reports,
    descriptors, adapter folders."""
    parts = []
    for run in instance.get_runs():
        for entry in instance.all_logs(run.run_id):
            parts.append(entry.user_message or "")
            if entry.dagster_event is not None:
                parts.append(repr(entry.dagster_event.event_specific_data))
    client = MlflowClient(tracking_uri=resources["mlflow_tracking"].tracking_uri)
    for exp in client.search_experiments():
        for run in client.search_runs([exp.experiment_id]):
            parts += [json.dumps(run.data.params), json.dumps(run.data.tags), json.dumps(list(run.data.metrics))]
    for mv in client.search_model_versions():
        parts.append(json.dumps(mv.tags))
    for root in (data_dir / "mlflow" / "artifacts", data_dir / "artifacts"):
        for f in root.rglob("*"):
            if f.is_file() and f.suffix in (".json", ".md", ".html", ".jsonl", ".txt", ".yaml", ".MLmodel", ""):
                parts.append(f.read_text(errors="ignore"))
    # the instance's own files: run/event storage (sqlite) and captured compute logs (stdout/stderr of each step)
    for f in (data_dir / "dagster_home").rglob("*"):
        if f.is_file():
            parts.append(f.read_bytes().decode("utf-8", errors="ignore"))
    # the MLflow tracking database itself
    parts.append((data_dir / "mlflow" / "mlflow.db").read_bytes().decode("utf-8", errors="ignore"))
    return "\n".join(parts)


@pytest.mark.slow
def test_no_raw_pii_outside_the_raw_zone_after_a_full_run(landing, instance, resources, data_dir, capfd):
    _, batches = landing
    ingest(instance, resources, batches)
    assert _train(instance, resources).success
    out, err = capfd.readouterr()  # everything the run printed: Dagster's console logs, library output
    assert "STEP_SUCCESS" in out + err
    blob = _leak_scan_blob(instance, resources, data_dir) + out + err
    assert len(blob) > 10_000  # the scan saw the event log, MLflow and the reports
    assert list((data_dir / "dagster_home").rglob("compute_logs/*.err"))  # ... and the captured step output
    values = raw_pii_values(140, seed=11)
    raw_zone = table(resources, "raw", "raw_documents").write_csv()
    assert sum(v in raw_zone for v in values) > 200  # the values searched for are real: the raw zone holds them
    assert leaked(values, blob) == []


def test_evaluation_report_shows_the_new_slice_the_gate_compared(tmp_path):
    from llm_assets.core.scoring import ModelEvaluation
    from llm_assets.modeling.report import write_report

    test = pl.DataFrame(
        {"example_id": ["e1"], "label": ["billing"], "prompt": ["Ticket"], "completion": ["Category: billing"]}
    )
    evaluations = [
        ModelEvaluation(n, {"rougeL": r}, ["Category: billing"], {"rougeL": [r - 0.05, r + 0.05]})
        for n, r in (("base", 0.1), ("candidate", 0.5))
    ]
    new_window = {"candidate": {"rougeL": 0.41, "category_accuracy": 0.75}, "champion": {"rougeL": 0.12}}
    adapter = {"adapter_version": "v1", "base_model": "tiny", "mlflow_run_id": "r1"}
    by_label = {"billing": {"examples": 8, "candidate": {"rougeL": 0.41, "category_accuracy": 0.75}}}
    paths = write_report(tmp_path, adapter, "ts1", evaluations, test, None, None, new_window, 8, by_label)
    page = paths["html"].read_text()
    assert "New slice (8 test examples from documents the champion never saw)" in page
    assert "<td>0.4100</td><td>0.1200</td>" in page and "<td>0.7500</td><td>–</td>" in page
    assert "New slice (8 test examples" in paths["markdown"].read_text()
    assert "<td>0.5000 [0.4500, 0.5500]</td>" in page  # the candidate's ROUGE-L with its bootstrap interval
    assert "<h3>New slice per label</h3>" in page and "<td>billing</td><td>8</td><td>0.4100</td><td>0.7500</td>" in page
    assert json.loads(paths["html"].with_name("metrics.json").read_text())["new_window_metrics"] == new_window
    (tmp_path / "none").mkdir()
    no_slice = write_report(tmp_path / "none", adapter, "ts1", evaluations, test, None)
    assert "New slice" not in no_slice["html"].read_text()
