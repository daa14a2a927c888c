"""The served champion, for real: the CLI's server on loopback, the registered pyfunc, the traffic assets."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from llm_assets.sample_corpus import generate_tickets, write_landing_batches
from llm_assets.serving.server import fill_back, scrub
from resources.traffic import today
from tests.helpers import ALL_ASSETS, ingest, table, train

TINY = {
    "lora_adapter": {"config": {"max_steps": 2, "batch_size": 4, "max_length": 512}},
    "evaluation_report": {"config": {"max_examples": 4, "max_new_tokens": 8, "batch_size": 4}},
    "training_set": {"config": {"validation_fraction": 0.1, "test_fraction": 0.15}},
}
# written for this test; the values are what must never reach a log
TICKETS = [
    {
        "subject": "Refund for a broken kettle",
        "message": "Hi, I am Marguerite Okonkwo-Lindqvist and the kettle from order 88123 arrived broken. "
        "Please call me on +44 7700 900461 or write to m.okonkwo.l@fastpost.example.",
        "customer_name": "Marguerite Okonkwo-Lindqvist",
        "customer_email": "m.okonkwo.l@fastpost.example",
    },
    {
        "subject": "Parcel late",
        "message": "My parcel has not come. Tracking says Leeds depot since Monday. Reach me at 0161 496 0777. "
        "Thanks, Bartholomew Ferreira-Nakamura",
        "customer_phone": "0161 496 0777",
    },
]
RAW_VALUES = [
    "Marguerite",
    "Okonkwo",
    "m.okonkwo.l@fastpost.example",
    "7700 900461",
    "0161 496 0777",
    "Bartholomew",
    "Ferreira-Nakamura",
]


def _post(url: str, body: dict, timeout: float = 120) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _ingest_traffic(day: str, resources, instance) -> dg.ExecuteInProcessResult:
    """serving_job for one day, as traffic_sensor requests it."""
    return dg.materialize(
        ALL_ASSETS,
        selection=dg.AssetSelection.groups("serving"),
        partition_key=day,
        resources=resources,
        instance=instance,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(port: int, data_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "LLMP_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobs.cli", "serve", "--port", str(port), "--max-batch", "4"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parent.parent,
    )
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stdout.read().decode()[-3000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    proc.kill()
    raise AssertionError("server did not come up")


def test_placeholders_are_filled_for_the_caller_and_values_scrubbed_from_logs():
    originals = {"<PERSON_1>": "Ana Lima", "<EMAIL_ADDRESS_1>": "ana@x.example", "<PERSON_10>": "Bo Li"}
    assert fill_back("Dear <PERSON_1>, <PERSON_10> wrote to <EMAIL_ADDRESS_1>", originals) == (
        "Dear Ana Lima, Bo Li wrote to ana@x.example"
    )
    assert scrub("Ana Lima asked; mail ana@x.example", originals) == ("<PERSON_1> asked; mail <EMAIL_ADDRESS_1>", 2)


@pytest.mark.slow
def test_served_champion_answers_logs_anonymized_learns_from_feedback_and_swaps_without_dropping(
    instance, resources, data_dir, tiny_model_dir
):
    batches = write_landing_batches(data_dir / "landing", n_tickets=60, n_batches=1, seed=5)
    ingest(instance, resources, batches)
    assert train(instance, resources, TINY).success
    tracking = resources["mlflow_tracking"]
    client = tracking.client()
    name = tracking.registered_model_name
    client.set_registered_model_alias(name, tracking.champion_alias, "1")

    # the logged model: a signature, an input example, its code, the base model by name (here a local folder)
    import mlflow.artifacts
    import mlflow.models

    info = mlflow.models.get_model_info(f"models:/{name}/1")
    assert [c["name"] for c in info.signature.inputs.to_dict()] == ["subject", "message", "ticket_placeholders"]
    assert {c["name"] for c in info.signature.outputs.to_dict()} >= {"category", "reply", "format_ok"}
    model_dir = Path(mlflow.artifacts.download_artifacts(f"models:/{name}/1"))
    assert (model_dir / "code" / "prompting.py").exists() and (model_dir / "input_example.json").exists()
    # it loads and answers where the project is not importable: only its own code folder
    probe = (
        "import sys; sys.modules['llm_assets'] = None; sys.modules['resources'] = None\n"
        "import mlflow.pyfunc, pandas as pd\n"
        f"m = mlflow.pyfunc.load_model({str(model_dir)!r})\n"
        "out = m.predict(pd.DataFrame({'subject': ['Late'], 'message': ['Where is order <REFERENCE_NUMBER_1>?']}),"
        " params={'max_new_tokens': 4})\n"
        "print(list(out.columns), len(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    columns = "['category', 'reply', 'completion', 'new_tokens', 'format_ok', 'unknown_placeholders']"
    assert f"{columns} 1" in done.stdout, done.stderr[-2000:]

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = _start_server(port, data_dir)
    try:
        answers = []
        for ticket in TICKETS:
            status, body = _post(f"{url}/v1/tickets", ticket)
            assert status == 200, body
            assert body["model_version"] == "1" and body["alias"] == "champion"
            assert isinstance(body["category"], str) and isinstance(body["reply"], str)
            assert len(body["request_id"]) == 32 and body["latency_ms"] > 0
            answers.append(body)
        assert _post(f"{url}/v1/tickets", {"subject": "no message"})[0] == 422
        assert _post(f"{url}/v1/tickets", {"message": "Where is my order?", "order_id": 88123})[0] == 422
        assert _post(f"{url}/v1/tickets", {"message": "x" * 20_000})[0] == 413

        # a hot swap under concurrent requests: nothing fails, both versions answer
        results: list[tuple[int, str]] = []
        stop = threading.Event()

        more = [
            {"subject": t.subject, "message": t.message, "customer_name": t.customer_name}
            for t in generate_tickets(60, seed=23)
        ]

        def client_loop(i: int) -> None:
            k = i
            while not stop.is_set():
                status, body = _post(f"{url}/v1/tickets", more[k % len(more)])
                results.append((status, body.get("model_version", "")))
                k += 4

        clients = [threading.Thread(target=client_loop, args=(i,)) for i in range(4)]
        for c in clients:
            c.start()
        time.sleep(2)
        v2 = str(mlflow.register_model(client.get_model_version(name, "1").source, name).version)
        # registered by hand (the pipeline would tag it): it holds v1's adapter, trained on v1's training set
        for tag in ("training_set_version", "adapter_version"):
            client.set_model_version_tag(name, v2, tag, client.get_model_version(name, "1").tags[tag])
        client.set_registered_model_alias(name, tracking.champion_alias, v2)
        assert _post(f"{url}/admin/refresh", {})[1]["serving"]["champion"] == v2
        time.sleep(3)
        stop.set()
        for c in clients:
            c.join(timeout=120)
        assert results and all(status == 200 for status, _ in results), results
        assert {"1", v2} <= {v for _, v in results}

        # feedback: a correction naming the customer, a rating, a refused one
        correction = "Sorry Marguerite Okonkwo-Lindqvist, a refund for order 88123 is on its way to you."
        status, _ = _post(
            f"{url}/v1/feedback",
            {"request_id": answers[0]["request_id"], "rating": 2, "corrected_reply": correction, "category": "refund"},
        )
        assert status == 200
        assert _post(f"{url}/v1/feedback", {"request_id": answers[1]["request_id"], "rating": 5})[0] == 200
        assert _post(f"{url}/v1/feedback", {"request_id": "nope", "rating": 9})[0] == 422
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)

    traffic_files = "".join(p.read_text() for p in (data_dir / "serving" / "traffic").rglob("*.jsonl"))
    assert traffic_files and not [v for v in RAW_VALUES if v in traffic_files]

    day = today()
    logged = _ingest_traffic(day, resources, instance)
    assert logged.success
    checks = {c.check_name: c.passed for c in logged.get_asset_check_evaluations()}
    assert checks == {"no_raw_values_in_traffic": True}
    log = table(resources, "monitoring", "inference_log")
    assert log.height == len(results) + len(TICKETS)
    assert set(log["model_version"]) == {"1", v2} and (log["batch_id"] == day).all()
    assert (log["latency_ms"] > 0).all()
    feedback = table(resources, "monitoring", "user_feedback")
    assert sorted(feedback["rating"].to_list()) == [2, 5]
    blob = log.write_csv() + feedback.write_csv()
    assert not [v for v in RAW_VALUES if v in blob]

    # live traffic against the champion's training documents: drift, service levels, the comparison per version
    live = dg.materialize(
        ALL_ASSETS,
        selection=["live_traffic_report"],
        resources=resources,
        instance=instance,
        run_config=dg.RunConfig(ops={"live_traffic_report": {"config": {"min_window_requests": 4}}}),
    )
    assert live.success
    md = live.asset_materializations_for_node("live_traffic_report")[0].metadata
    assert md["window_requests"].value == log.height
    assert md["status"].value == "measured", md["distinct_tickets"].value
    assert 0.0 <= md["drift_share"].value <= 1.0 and md["latency_p95_s"].value > 0
    assert "| 1 | champion |" in md["by_model_version"].value and f"| {v2} | champion |" in md["by_model_version"].value
    assert [c.check_name for c in live.get_asset_check_evaluations()] == ["served_within_slo"]

    # the correction becomes a training example of the next training set, under the request's placeholders
    rebuilt = dg.materialize(
        ALL_ASSETS,
        selection=dg.AssetSelection.assets("feedback_examples", "training_set").required_multi_asset_neighbors(),
        resources=resources,
        instance=instance,
    )
    assert rebuilt.success
    examples = table(resources, "train", "feedback_examples")
    corrected = examples.filter(pl.col("kind") == "correction")
    assert corrected.height == 1 and corrected["source_request_id"][0] == answers[0]["request_id"]
    reply = json.loads(corrected["fields"][0])["agent_reply"]
    assert "Marguerite" not in reply and "<PERSON_" in reply and "refund" in reply
    training = table(resources, "train", "training_set")
    from_feedback = training.filter(pl.col("doc_id").str.starts_with("feedback-"))
    assert set(from_feedback["doc_id"]) <= {f"feedback-{a['request_id']}" for a in answers}
    assert from_feedback.filter(pl.col("completion").str.contains("<PERSON_")).height == 1
    members = table(resources, "train", "training_set_members")
    assert f"feedback-{answers[0]['request_id']}" in set(members["doc_id"])

    # erasing the customer reaches served traffic: every request that named her, the example her correction became,
    # and the model versions trained on it; a re-run of the day's ingestion does not bring them back
    from llm_assets.governance.erasure import erasure_job

    key = resources["governance_keys"].fingerprint(TICKETS[0]["customer_name"])
    named = log.filter(pl.col("pii_fingerprints").str.contains(key))
    assert named.height >= 1
    erased = (
        dg.Definitions(jobs=[erasure_job], resources=resources)
        .get_job_def("erasure_job")
        .execute_in_process(
            run_config={"ops": {"erase_data_subject": {"config": {"subject_keys": [key], "reason": "test"}}}},
            instance=instance,
        )
    )
    assert erased.success
    out = erased.output_for_node("erase_data_subject")
    assert out["rows_deleted"]["monitoring.inference_log"] == named.height
    assert out["rows_deleted"]["train.feedback_examples"] == 1
    again = _ingest_traffic(day, resources, instance)
    assert again.success
    left = table(resources, "monitoring", "inference_log")
    assert left.height == log.height - named.height
    assert not set(named["request_id"]) & set(left["request_id"])
    assert answers[0]["request_id"] not in set(table(resources, "monitoring", "user_feedback")["request_id"])


@pytest.mark.parametrize(
    "rating, corrected, kind", [(5, "", "endorsed"), (3, "", None), (1, "Better reply.", "correction")]
)
def test_feedback_policy_decides_what_becomes_an_example(rating, corrected, kind):
    from llm_assets.serving.assets import FEEDBACK_COLUMNS, REQUEST_COLUMNS, FeedbackPolicyConfig, feedback_documents

    request = {c: None for c in REQUEST_COLUMNS} | {
        "request_id": "a" * 32,
        "received_at": "2026-11-23T10:00:00",
        "subject": "Late",
        "message": "Where is <REFERENCE_NUMBER_1>?",
        "category": "shipping",
        "reply": "It is on its way.",
        "model_version": "3",
        "batch_id": "2026-11-23",
    }
    fb = {c: None for c in FEEDBACK_COLUMNS} | {
        "request_id": "a" * 32,
        "received_at": "2026-11-23T10:05:00",
        "rating": rating,
        "category": "",
        "corrected_reply": corrected,
        "batch_id": "2026-11-23",
    }
    docs, skipped = feedback_documents(
        pl.DataFrame([request], schema=REQUEST_COLUMNS | {"batch_id": pl.String}),
        pl.DataFrame([fb], schema=FEEDBACK_COLUMNS | {"batch_id": pl.String}),
        FeedbackPolicyConfig(),
    )
    assert docs["kind"].to_list() == ([kind] if kind else [])
    assert dict(skipped) == ({} if kind else {"rating_below_policy": 1})
    if kind:
        fields = json.loads(docs["fields"][0])
        assert fields["category"] == "shipping"
        assert fields["agent_reply"] == (corrected or "It is on its way.")


def test_live_traffic_sensor_retrains_on_decay_with_new_examples_and_reports_latency_only(instance):
    from resources.alerts import AlertChannels
    from resources.drift_policy import DriftPolicy
    from sensors.live_traffic import live_traffic_sensor

    def tick(metadata: dict):
        @dg.asset(name="live_traffic_report")
        def report() -> dg.MaterializeResult:  # a stand-in: only its metadata is read
            return dg.MaterializeResult(metadata=metadata)

        assert dg.materialize([report], instance=instance).success
        ctx = dg.build_sensor_context(
            instance=instance, resources={"drift_policy": DriftPolicy(), "alerts": AlertChannels()}
        )
        return live_traffic_sensor(ctx)

    slow = tick({"status": "measured", "window_id": "w1", "new_examples": 0, "latency_p95_s": 3.1, "quality_drop": 0.0})
    assert isinstance(slow, dg.SkipReason)
    assert "latency SLO breached: latency p95 (s) 3.10 ≥ 2.50" in slow.skip_message
    assert "0 new examples" not in slow.skip_message  # nothing to retrain on, nothing over: no drift
    decayed = tick({"status": "measured", "window_id": "w2", "new_examples": 25, "quality_drop": 0.12})
    assert isinstance(decayed, dg.RunRequest)
    assert (
        decayed.tags["trigger"] == "live_traffic"
        and "well-formed answers drop 12% ≥ 5%" in decayed.tags["retrain_reason"]
    )
    few = tick({"status": "measured", "window_id": "w3", "new_examples": 3, "drift_share": 0.9})
    assert isinstance(few, dg.SkipReason) and "3 new examples < 20 required" in few.skip_message


def test_canary_routes_its_share_to_the_challenger_and_never_serves_without_a_champion():
    from llm_assets.serving.server import ModelRouter, ServeConfig, Served
    from resources.mlflow_tracking import MLflowTracking

    router = ModelRouter(MLflowTracking(), ServeConfig(challenger_share=0.25))
    router._served = {"champion": Served("champion", "3", None), "challenger": Served("challenger", "4", None)}
    picks = [router.pick(f"{i:032x}").alias for i in range(2000)]
    assert 0.20 < picks.count("challenger") / len(picks) < 0.30
    assert router.pick("a" * 32).alias == router.pick("a" * 32).alias  # a request id always takes the same route
    del router._served["champion"]
    assert router.pick("b" * 32) is None
    off = ModelRouter(MLflowTracking(), ServeConfig())
    off._served = {"champion": Served("champion", "3", None), "challenger": Served("challenger", "4", None)}
    assert {off.pick(f"{i:032x}").alias for i in range(200)} == {"champion"}


def test_a_full_queue_refuses_at_once_instead_of_answering_late():
    import asyncio

    import pandas as pd

    from llm_assets.serving.server import ModelRouter, ServeConfig, Served, TicketService

    class SlowModel:
        def predict(self, df, params=None):
            time.sleep(0.3)
            return pd.DataFrame(
                [{"category": "x", "reply": "ok", "completion": "", "new_tokens": 1, "format_ok": True}] * len(df)
            )

    class Writer:
        def write(self, kind, record):
            pass

    class NoAnonymizer:
        def __call__(self, fields):
            from llm_assets.serving.server import AnonymizedTicket

            return AnonymizedTicket(fields, {}, [], {})

    from resources.mlflow_tracking import MLflowTracking

    config = ServeConfig(max_queue=2, max_batch=1, batch_wait_ms=0)
    router = ModelRouter(MLflowTracking(), config)
    router._served = {"champion": Served("champion", "1", SlowModel())}
    service = TicketService(config, router, NoAnonymizer(), Writer())

    async def burst():
        return await asyncio.gather(*(service.answer({"message": f"t{i}"}) for i in range(8)), return_exceptions=True)

    try:
        results = asyncio.run(burst())
    finally:
        service.close()
    refused = [r for r in results if isinstance(r, LookupError)]
    answered = [r for r in results if isinstance(r, dict)]
    assert refused and answered and len(refused) + len(answered) == 8
    assert all("busy" in str(r) for r in refused)


def test_the_servers_load_time_settings_reach_the_keys_the_model_logged(tmp_path):
    from llm_assets.serving.server import ModelRouter, ServeConfig
    from resources.mlflow_tracking import MLflowTracking

    # MLflow writes a models-from-code model's config under flavors.python_function.config
    (tmp_path / "MLmodel").write_text(
        "flavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n"
        "    config:\n      engine: openvino\n      engine_threads: 1\n      merge: true\n"
    )
    chosen = ModelRouter(MLflowTracking(), ServeConfig(engine="transformers", engine_threads=2))
    assert chosen._overrides(str(tmp_path)) == {"engine": "transformers", "engine_threads": 2, "merge": True}
    # auto keeps the logged engine; a key the model never logged (quantize) is not sent
    auto = ModelRouter(MLflowTracking(), ServeConfig())
    assert auto._overrides(str(tmp_path)) == {"engine_threads": 0, "merge": True}


@pytest.mark.slow
def test_an_erasure_that_removes_the_champion_never_takes_the_service_down(instance, resources, data_dir):
    """erase (a training-split subject) -> taint -> champion removed -> the fallback answers -> retrain -> promotion ->
    the new champion answers; four clients post tickets throughout and not one request fails."""
    from llm_assets.governance.erasure import erasure_job
    from sensors.erasure import erasure_retrain_sensor

    open_gate = {"registered_model": {"config": {"min_improvement_over_base": -100.0, "guard_metrics": []}}}
    batches = write_landing_batches(data_dir / "landing", n_tickets=60, n_batches=1, seed=7)
    ingest(instance, resources, batches)
    assert train(instance, resources, TINY | open_gate).success
    tracking = resources["mlflow_tracking"]
    assert str(tracking.champion_version().version) == "1"
    fallback = tracking.fallback_version()
    assert fallback is not None and tracking.client().get_model_version(tracking.fallback_model_name, "1")
    members = table(resources, "train", "training_set_members")
    train_doc = members.filter(pl.col("split") == "train")["doc_id"][0]

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = _start_server(port, data_dir)
    results: list[tuple[int, str, str]] = []
    stop = threading.Event()
    tickets = [{"subject": t.subject, "message": t.message} for t in generate_tickets(40, seed=31)]

    def client_loop(i: int) -> None:
        k = i
        while not stop.is_set():
            status, body = _post(f"{url}/v1/tickets", tickets[k % len(tickets)])
            results.append((status, body.get("alias", ""), body.get("model_version", "")))
            k += 4

    def answered_by(alias: str, version: str, timeout: float = 120) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if (200, alias, version) in results[-8:]:
                return
            time.sleep(0.5)
        raise AssertionError(f"no answer from {alias} v{version}: {results[-8:]}")

    clients = [threading.Thread(target=client_loop, args=(i,)) for i in range(4)]
    try:
        for c in clients:
            c.start()
        answered_by("champion", "1")
        erased = (
            dg.Definitions(jobs=[erasure_job], resources=resources)
            .get_job_def("erasure_job")
            .execute_in_process(
                run_config={"ops": {"erase_data_subject": {"config": {"doc_ids": [train_doc], "reason": "test"}}}},
                instance=instance,
            )
        )
        assert erased.success
        out = erased.output_for_node("erase_data_subject")
        assert out["tainted_versions"] == ["1"] and out["fallback_version"] == str(fallback.version)
        assert tracking.champion_version() is None
        status, body = _post(f"{url}/admin/refresh", {})
        assert status == 200 and body["serving"] == {"champion": None, "fallback": str(fallback.version)}, body
        answered_by("fallback", str(fallback.version))
        with urllib.request.urlopen(f"{url}/health", timeout=10) as resp:
            assert json.loads(resp.read())["status"] == "fallback"

        # the retrain the erasure asked for, as its sensor requests it, promoted through the open gate
        run = instance.get_run_by_id(erased.run_id)
        (event,) = instance.all_logs(erased.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)
        request = erasure_retrain_sensor(
            dg.build_run_status_sensor_context(
                sensor_name="erasure_retrain_sensor",
                dagster_instance=instance,
                dagster_run=run,
                dagster_event=event.dagster_event,
            )
        )
        assert request.tags["dagster/priority"] == "10"
        ops = TINY | open_gate | {"lora_adapter": {"config": {**TINY["lora_adapter"]["config"], "init_from": "base"}}}
        assert train(instance, resources, ops, tags=request.tags).success
        assert str(tracking.champion_version().version) == "2"
        assert _post(f"{url}/admin/refresh", {})[1]["serving"] == {"champion": "2"}
        answered_by("champion", "2")
    finally:
        stop.set()
        for c in clients:
            c.join(timeout=120)
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    assert results and all(status == 200 for status, _, _ in results), [r for r in results if r[0] != 200][:5]
    served = {(alias, version) for _, alias, version in results}
    assert {("champion", "1"), ("fallback", str(fallback.version)), ("champion", "2")} <= served

    # the chain in the governance report of the tainted version
    from llm_assets.governance.report import build_report

    text = build_report(resources["warehouse"], tracking.registered_model_name, "1", "2").markdown()
    assert f"fallback v{fallback.version} answers" in text and "v2 (promoted)" in text
