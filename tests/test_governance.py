"""Governance: record-level lineage, zones, the auditor's report, erasure that propagates, memorization."""

import json
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from mlflow import MlflowClient

from llm_assets.core import lineage
from llm_assets.core.fingerprints import candidate_fingerprints, fingerprint, normalize_identifier
from llm_assets.core.memorization import probe
from llm_assets.governance.erasure import erasure_job
from llm_assets.modeling.gate import PromotionConfig, promotion_decision
from llm_assets.sample_corpus import generate_tickets
from llm_assets.sample_corpus.canaries import CANARY_CARD, CANARY_EMAIL, CANARY_PHONE, CANARY_VALUES
from sensors.erasure import erasure_retrain_sensor
from tests.helpers import batch_key, ingest, leaked, raw_pii_values, table, train

KEY = b"k" * 32
TINY = {
    "lora_adapter": {"config": {"max_steps": 4, "batch_size": 4, "max_length": 768, "learning_rate": 5e-3}},
    "evaluation_report": {"config": {"max_examples": 6, "max_new_tokens": 12, "batch_size": 6}},
    "training_set": {"config": {"validation_fraction": 0.1, "test_fraction": 0.15}},
    "registered_model": {"config": {"min_improvement_over_base": -100.0, "guard_metrics": []}},
}


def test_fingerprints_match_an_identifier_whatever_its_formatting():
    assert normalize_identifier("(628) 555-0179") == normalize_identifier("628.555.0179") == "#6285550179"
    assert normalize_identifier("  Ann  SMITH. ") == "ann smith"
    assert fingerprint(KEY, "Ann.Smith@Example.com") == fingerprint(KEY, "ann.smith@example.com")
    assert fingerprint(KEY, "x") != fingerprint(b"j" * 32, "x")  # keyed: useless without the key
    text = f"Sure! Call 628-555-0179 or mail {CANARY_EMAIL}, card {CANARY_CARD.replace(' ', '-')}."
    found = candidate_fingerprints(KEY, text)
    for value in (CANARY_PHONE, CANARY_EMAIL, CANARY_CARD):
        assert fingerprint(KEY, value) in found, value
    assert fingerprint(KEY, "Ysolde Marchetti-Vang") not in found


def test_memorization_probe_counts_canaries_and_raw_values_and_blocks_promotion():
    fingerprints = pl.DataFrame(
        {
            "doc_id": ["d1", "d1", "d2"],
            "entity_type": ["PERSON", "EMAIL_ADDRESS", "PERSON"],
            "fingerprint": [
                fingerprint(KEY, "Nadia Okafor"),
                fingerprint(KEY, "n.okafor@mail.example"),
                fingerprint(KEY, "Nadia"),
            ],
            "words": [2, 1, 1],
        }
    )
    leaky = probe(
        lambda prompts: [f"Reply: thanks Nadia Okafor, we wrote to {CANARY_EMAIL}" for _ in prompts],
        KEY,
        ["p1", "p2"],
        ["canary prompt"],
        fingerprints,
        CANARY_VALUES,
    )
    assert not leaky.passed and leaky.canary_hits == 3 and leaky.pii_hits == 3 and leaky.prompts == 3
    assert leaky.hits_by_type == {"CANARY_EMAIL": 3, "PERSON": 3}
    clean = probe(
        lambda prompts: ["Reply: thanks <PERSON_1>, Nadia will call"] * len(prompts), KEY, ["p"], [], fingerprints
    )
    assert clean.passed  # a lone first name is not a leak
    metrics = {
        "base": {"rougeL": 0.1, "category_accuracy": 0.0},
        "candidate": {"rougeL": 0.9, "category_accuracy": 1.0},
    }
    promote, reason = promotion_decision(metrics, PromotionConfig(), None, leaky.as_dict())
    assert not promote and "memorization" in reason
    assert promotion_decision(metrics, PromotionConfig(), None, clean.as_dict())[0]


def _run(instance, resources, batches):
    ingest(instance, resources, batches)
    result = train(instance, resources, TINY)
    assert result.success
    return result


@pytest.mark.slow
def test_lineage_report_and_cli_answer_the_auditors_questions(landing, instance, resources, capsys, data_dir):
    from jobs.governance_cli import main as governance

    _, batches = landing
    result = _run(instance, resources, batches)
    warehouse = resources["warehouse"]

    mv = lineage.model_version(warehouse, "support-ticket-assistant", "1")
    adapter = result.output_for_node("lora_adapter", "lora_adapter")
    assert mv["mlflow_run_id"] == adapter["mlflow_run_id"]
    assert mv["training_dagster_run_id"] == result.run_id == mv["registration_dagster_run_id"]
    assert len(mv["code_version"].removesuffix("-dirty")) == 40  # a git commit
    assert table(resources, "governance", "adapters")["training_set_version"].to_list() == [mv["training_set_version"]]
    ts = table(resources, "train", "training_set")
    anon_configs = set(table(resources, "anon", "anonymized_documents")["anonymizer_config"])
    assert set(ts["anonymizer_config"]) == anon_configs and len(anon_configs) == 1

    # the champion's training documents, exactly: the doc_ids of the training split of the training-set table
    assert governance(["trained-on", "--champion", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    expected = sorted(set(ts.filter(pl.col("split") == "train")["doc_id"]))
    assert listed["doc_ids"] == expected and listed["version"] == "1"

    # a training document influenced exactly version 1, in its train split; a test document only as test data
    test_doc = ts.filter(pl.col("split") == "test")["doc_id"][0]
    assert governance(["influenced", "--doc-id", expected[0], "--doc-id", test_doc, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["versions"]
    assert {(r["version"], r["split"], r["documents"]) for r in rows} == {("1", "train", 1), ("1", "test", 1)}

    # by data subject: the canary customer's documents, found through the keyed index, not stored anywhere in clear
    assert governance(["influenced", "--email", CANARY_EMAIL, "--json"]) == 0
    canary = json.loads(capsys.readouterr().out)
    assert len(canary["documents"]) == 3

    # the report of every registered version, readable without Dagster, without a raw value
    (report_eval,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "report_holds_no_raw_pii"]
    assert report_eval.passed
    assert governance(["report", "--version", "1", "--print"]) == 0
    report = capsys.readouterr().out
    for heading in ("Provenance", "Data sources", "Anonymization", "Training set", "Evaluation", "Memorization check"):
        assert f"## {heading}" in report
    assert mv["mlflow_run_id"] in report and "no_residual_high_risk_pii" in report and "| EMAIL_ADDRESS |" in report
    html = next((data_dir / "artifacts" / "reports" / "governance").rglob("governance_report.html")).read_text()
    assert not leaked(raw_pii_values(140, seed=11), report, html)

    # the memorization check ran on the canary documents' prompts and found nothing
    (mem,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "no_memorized_pii"]
    assert mem.passed and mem.metadata["canary_prompts"].value >= 1 and mem.metadata["prompts"].value > 6


def _erase(instance, resources, config: dict) -> dg.ExecuteInProcessResult:
    job = dg.Definitions(jobs=[erasure_job], resources=resources).get_job_def("erasure_job")
    return job.execute_in_process(run_config={"ops": {"erase_data_subject": {"config": config}}}, instance=instance)


@pytest.mark.slow
def test_erasure_removes_a_subject_everywhere_taints_demotes_retrains_and_survives_reingestion(
    landing, instance, resources
):
    _, batches = landing
    _run(instance, resources, batches)
    warehouse = resources["warehouse"]
    keys = resources["governance_keys"]
    members = table(resources, "train", "training_set_members")
    train_docs = set(members.filter(pl.col("split") == "train")["doc_id"])
    index = table(resources, "raw", "subject_index")
    # a real customer of the sample corpus whose ticket is in the champion's training split
    subject = next(
        t
        for t in generate_tickets(140, seed=11)
        if set(index.filter(pl.col("subject_key") == keys.fingerprint(t.customer_email))["doc_id"]) & train_docs
    )
    key = keys.fingerprint(subject.customer_email)
    docs = set(lineage.docs_of_subject(warehouse, [key])["doc_id"])
    assert docs

    # and one of the documents the fallback shows as a solved example: the fallback is rebuilt without it
    tracking = resources["mlflow_tracking"]
    before = lineage.read(warehouse, "fallback_model").row(0, named=True)
    shot_doc = json.loads(before["shot_doc_ids"])[0]
    docs.add(shot_doc)

    config = {"subject_keys": [key], "doc_ids": [shot_doc], "reason": "GDPR art. 17, request 42"}
    result = _erase(instance, resources, config)
    assert result.success
    out = result.output_for_node("erase_data_subject")
    assert out["documents_erased"] == len(docs) and out["tainted_versions"] == ["1"]
    fallback = tracking.fallback_version()
    assert fallback is not None and out["fallback_version"] == str(fallback.version) != before["version"]
    assert out["fallback_shots_dropped"] == 1 and fallback.tags["replaces_version"] == before["version"]
    rebuilt = lineage.read(warehouse, "fallback_model").filter(pl.col("version") == str(fallback.version))
    assert shot_doc not in json.loads(rebuilt["shot_doc_ids"][0]) and rebuilt["shots"][0] == before["shots"] - 1
    assert out["champion_action"] == f"v1 demoted, no champion: the fallback v{fallback.version} answers"
    taint = table(resources, "governance", "taints").row(0, named=True)
    assert taint["splits"] == "train" and taint["taint_on"] == "train"
    assert taint["fallback_version"] == out["fallback_version"]

    for schema, name in lineage_tables():
        df = table(resources, schema, name)
        assert not set(df["doc_id"]) & docs, f"{schema}.{name}"
    raw_blob = table(resources, "raw", "raw_documents").write_csv()
    assert subject.customer_email not in raw_blob and subject.customer_phone not in raw_blob
    stones = table(resources, "governance", "tombstones")
    assert stones.height == 1 and stones["reason"][0] == "GDPR art. 17, request 42"
    assert subject.customer_email not in json.dumps(stones.to_dicts(), default=str)
    assert set(table(resources, "governance", "erased_documents")["doc_id"]) == docs

    client = MlflowClient(tracking_uri=resources["mlflow_tracking"].tracking_uri)
    tags = client.get_model_version("support-ticket-assistant", "1").tags
    assert tags["tainted"] == "true" and tags["tainted_by"] == out["tombstone_id"]
    assert resources["mlflow_tracking"].champion_version() is None

    # the retrain request
    run = instance.get_run_by_id(result.run_id)
    (event,) = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)
    context = dg.build_run_status_sensor_context(
        sensor_name="erasure_retrain_sensor",
        dagster_instance=instance,
        dagster_run=run,
        dagster_event=event.dagster_event,
    )
    request = erasure_retrain_sensor(context)
    assert isinstance(request, dg.RunRequest) and request.tags["llmp/trigger"] == "erasure"
    # the fallback answers until a retrain is promoted: that retrain goes ahead of the queue, and says why
    assert request.tags["dagster/priority"] == "10" and "fallback" in request.tags["llmp/retrain_reason"]
    assert request.run_config["ops"]["lora_adapter"]["config"]["init_from"] == "base"  # never a warm start here

    # re-ingesting the very same landing batches does not bring the subject back
    ingest(instance, resources, batches)
    raw = table(resources, "raw", "raw_documents")
    assert not set(raw["doc_id"]) & docs and subject.customer_email not in raw.write_csv()
    quarantine = table(resources, "raw", "quarantined_documents")
    erased_rows = quarantine.filter(pl.col("reason") == "erased")
    assert set(erased_rows["content_sha256"]) == docs
    assert all(d.startswith("tombstone ts-") for d in erased_rows["detail"])
    assert not set(table(resources, "anon", "anonymized_documents")["doc_id"]) & docs


@pytest.mark.slow
def test_a_subject_only_in_evaluation_splits_keeps_the_champion_and_marks_its_figures(landing, instance, resources):
    """Validation and test documents never entered the weights: the champion stays, its figures are marked as
    computed with erased data; with taint_on=any_split the same erasure would taint it."""
    _, batches = landing
    _run(instance, resources, batches)
    members = table(resources, "train", "training_set_members")
    held_out = members.filter(pl.col("split").is_in(["validation", "test"]))
    doc = held_out.filter(~pl.col("doc_id").is_in(members.filter(pl.col("split") == "train")["doc_id"]))["doc_id"][0]
    split = held_out.filter(pl.col("doc_id") == doc)["split"][0]

    result = _erase(instance, resources, {"doc_ids": [doc], "reason": "GDPR art. 17, request 43"})
    assert result.success
    out = result.output_for_node("erase_data_subject")
    assert out["tainted_versions"] == [] and out["champion_action"] == "none" and not out["retrain_requested"]
    assert [(e["version"], e["split"], e["documents"]) for e in out["evaluated_with_erased_data"]] == [("1", split, 1)]
    assert str(resources["mlflow_tracking"].champion_version().version) == "1"
    client = MlflowClient(tracking_uri=resources["mlflow_tracking"].tracking_uri)
    tags = client.get_model_version("support-ticket-assistant", "1").tags
    assert "tainted" not in tags and tags["computed_with_erased_data"] == out["tombstone_id"]
    exposed = table(resources, "governance", "erased_evaluation_data")
    assert exposed.height == 1 and exposed["split"][0] == split
    assert not lineage.read(resources["warehouse"], "taints").height

    # the report and the model card say so
    from llm_assets.governance.model_card import build_model_card
    from llm_assets.governance.report import build_report

    report = build_report(resources["warehouse"], "support-ticket-assistant", "1", "1")
    text = report.markdown()
    assert "Figures computed with erased data: YES" in text and out["tombstone_id"] in text
    assert report.summary["figures_computed_with_erased_data"] and not report.summary["tainted"]
    card, figures = build_model_card(resources["warehouse"], "support-ticket-assistant", "1")
    assert "Figures computed with erased data" in card and figures["computed_with_erased_data"][0]["split"] == split


def lineage_tables():
    from llm_assets.governance.erasure import ERASABLE_TABLES

    return ERASABLE_TABLES


@pytest.mark.slow
def test_a_tainted_champion_rolls_back_to_the_newest_untainted_version(landing, instance, resources):
    """v1 trained on batch 1 only, v2 on both batches; erasing a subject of batch 2 taints v2 alone, and the
    champion goes back to v1."""
    _, batches = landing
    ingest(instance, resources, batches[:1])
    assert train(instance, resources, TINY).success
    ingest(instance, resources, batches[1:])
    assert train(
        instance,
        resources,
        {
            **TINY,
            "registered_model": {
                "config": {
                    "min_improvement_over_base": -100.0,
                    "guard_metrics": [],
                    "max_regression_vs_champion": 100.0,
                    "min_new_slice_examples": 1,  # a 6-example test split holds at most 3 new ones
                }
            },
        },
    ).success
    assert str(resources["mlflow_tracking"].champion_version().version) == "2"
    members = table(resources, "train", "training_set_members")
    v2_set = lineage.model_version(resources["warehouse"], "support-ticket-assistant", "2")["training_set_version"]
    raw = table(resources, "raw", "raw_documents")
    batch2 = raw.filter(pl.col("batch_id") == batch_key(resources, batches[1])).select("doc_id")
    batch2_train = (
        members.filter((pl.col("version") == v2_set) & (pl.col("split") == "train"))
        .join(batch2, on="doc_id")["doc_id"]
        .to_list()
    )
    result = _erase(instance, resources, {"doc_ids": batch2_train[:1], "reason": "test", "champion_policy": "rollback"})
    out = result.output_for_node("erase_data_subject")
    assert out["tainted_versions"] == ["2"] and out["champion_action"] == "rolled back from v2 to v1"
    assert str(resources["mlflow_tracking"].champion_version().version) == "1"


@pytest.mark.slow
def test_governance_staff_erase_from_the_command_line(landing, instance, resources, data_dir, capsys, monkeypatch):
    from jobs.governance_cli import main as governance

    _, batches = landing
    _run(instance, resources, batches)
    monkeypatch.setenv("DAGSTER_HOME", str(data_dir / "dagster_home"))
    canary_docs = set(
        lineage.docs_of_subject(resources["warehouse"], [resources["governance_keys"].fingerprint(CANARY_EMAIL)])[
            "doc_id"
        ]
    )
    assert len(canary_docs) == 3

    # TINY's gate is open, so version 1 is the champion; the fixture's split puts canary documents in its training
    # or validation split: the erasure (taint_on any_split) must taint it and, with --champion-policy keep, flag it
    # in place.
    champion = resources["mlflow_tracking"].champion_version()
    assert champion is not None and str(champion.version) == "1"
    v1_set = lineage.model_version(resources["warehouse"], "support-ticket-assistant", "1")["training_set_version"]
    assert canary_docs & set(lineage.docs_of_training_set(resources["warehouse"], v1_set, ("train", "validation")))
    answers = Path(resources["artifact_store"].root) / "cache" / "answers"
    models = list(answers.glob("*.json"))
    cached = sum(len(json.loads(f.read_text())["answers"]) for f in models)
    # any_split: the policy that also counts validation / test documents (the default counts the training split only)
    erase = ["erase", "--email", CANARY_EMAIL, "--reason", "canary drill", "--champion-policy", "keep"]
    assert governance([*erase, "--taint-on", "any_split"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["documents_erased"] == 3
    assert out["tainted_versions"] == ["1"] and out["champion_action"] == "kept (flagged)"
    # the models' cached answers (base zero-/few-shot, the candidate) covered test prompts: dropped with the documents
    assert len(models) == 3 and out["cached_answers_dropped"] == cached > 0
    assert not list(answers.glob("*.json"))
    assert not set(table(resources, "anon", "anonymized_documents")["doc_id"]) & canary_docs
    assert governance(["tombstones"]) == 0
    listing = capsys.readouterr().out
    assert out["tombstone_id"] in listing and "canary drill" in listing and CANARY_EMAIL not in listing
    assert governance(["versions"]) == 0
    versions = capsys.readouterr().out
    assert "TAINTED" in versions
    # the erasure run is in the instance, with its config holding only keyed hashes
    runs = [r for r in dg.DagsterInstance.get().get_runs() if r.job_name == "erasure_job"]
    assert len(runs) == 1 and CANARY_EMAIL not in json.dumps(runs[0].run_config)
