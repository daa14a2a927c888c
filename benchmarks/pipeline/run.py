"""Pipeline benchmark, everything measured side by side in one run on the same inputs:

1. training: the ``lora_adapter`` trainer vs ``transformers.Trainer`` set up as a careful practitioner would
   (completion-only labels, length grouping) and TRL's ``SFTTrainer`` (completion-only loss; length grouping, or
   padding-free), optionally a plain ``Trainer`` script: same model, examples, hyper-parameters and token accounting,
   each in its own process for a clean peak RSS, rounds alternating, medians; the validation loss on the same
   held-out examples every quarter of the run, outside the training time, gives the time each needs to reach the
   same loss (see ``train_worker.py``);
2. the incremental cost: a full materialization (ingestion + anonymization of every batch, then the training run as
   `make demo` configures it: training set, LoRA steps, evaluation, registration, governance report), then a new
   batch of 1 % more documents, the re-run of everything upstream of training, and the retrain that folds it in two
   ways from the same state: a warm start from the champion (new + replayed examples) and a full retrain from the
   base; wall time from "landed" to "registered" and the candidates' quality on the test split and the new slice;
   every run in a fresh process, as the daemon launches them;
3. what the UI and the daemon pay constantly: loading the definitions, and a sensor tick.

    python -m benchmarks.pipeline.run [--tickets 3000] [--train-steps 16] [--rounds 3] [--out bench.json]
    python -m benchmarks.pipeline.run --only-training --tickets 600 [--rounds 3]
    python -m benchmarks.pipeline.run --only-incremental
    python -m benchmarks.pipeline.run --write-training-spec spec.json [--retrains-in WORKDIR] --train-steps 120
    python -m benchmarks.pipeline.run --training-spec spec.json --kinds own hf_best trl ...   (e.g. on a GPU)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HPARAMS = {
    "r": 16,
    "alpha": 32,
    "dropout": 0.05,
    "lr": 1e-3,
    "batch_size": 8,
    "max_length": 384,
    "warmup_ratio": 0.05,
    "seed": 42,
}


def _run(cmd: list[str], env: dict) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-4000:]}")
    return wall, proc.stdout


def _materialize(
    env: dict,
    groups: list[str],
    partition: str | None = None,
    config: dict | None = None,
    model_cache: str | None = None,
) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.pipeline.materialize", "--groups", *groups]
    if partition:
        cmd += ["--partition", partition]
    if config:
        cmd += ["--config", json.dumps(config)]
    if model_cache:
        cmd += ["--model-cache", model_cache]
    wall, out = _run(cmd, env)
    info = json.loads(out.strip().splitlines()[-1])
    if not info["success"]:
        sys.exit(f"run failed: {groups} {partition}")
    return {"wall_s": round(wall, 2), **info}


def _restore_answers(data: Path, snapshot: Path) -> int:
    """Puts the answer cache back as it was after the champion's training run: each retrain below starts from what
    production would have (the base model's and the champion's answers to the earlier test examples), and neither
    profits from answers the other computed. Returns how many answers the restored cache holds."""
    import shutil

    from llm_assets.core import answer_cache
    from resources.artifacts import ArtifactStore

    # the runs' artifact store: the default under LLMP_DATA_DIR, which only their processes have set to `data`
    folder = answer_cache.folder(ArtifactStore(root=str(data / "artifacts")))
    if not snapshot.exists():
        shutil.copytree(folder, snapshot)
    shutil.rmtree(folder)
    shutil.copytree(snapshot, folder)
    return sum(len(answer_cache.load(folder, f.stem)) for f in folder.glob("*.json"))


def _quality(run: dict, model: str = "candidate") -> dict:
    m = run["metadata"]
    return {
        "test_rougeL": m.get(f"evaluation_report/{model}/rougeL"),
        "test_fact_accuracy": m.get(f"evaluation_report/{model}/fact_accuracy"),
        "new_slice_rougeL": m.get(f"evaluation_report/new_window/{model}/rougeL"),
        "new_slice_fact_accuracy": m.get(f"evaluation_report/new_window/{model}/fact_accuracy"),
        "new_slice_examples": m.get("evaluation_report/new_window_examples"),
    }


def incremental(env: dict, data: Path, tickets: int, model_cache: str, full_epoch: bool = False) -> dict:
    """As production runs it: the landing sensor launches one ingestion run per batch, then one training run
    (training set, adapter, evaluation, registration, governance report). After a 1 % batch, what has to run again
    upstream of training is that batch's ingestion run, plus the training-set step of the next training run; then
    the retrain that folds it in, two ways from the same state: a warm start from the champion (new + replayed
    examples) and a full retrain from the base model. Both are held for approval so that neither becomes the
    champion the other is measured against (same champion, same new slice), and both start from the same answer
    cache (restored before each)."""
    from jobs.cli import DEMO_RUN_CONFIG  # here, not at the top: the training comparison runs without polars/duckdb
    from llm_assets.sample_corpus import write_landing_batches

    batches = write_landing_batches(data / "landing", n_tickets=tickets, n_batches=3, seed=7)
    ingestion = [_materialize(env, ["ingestion", "privacy"], b) for b in batches]
    # the training run as `make demo` configures it (DEMO_RUN_CONFIG: steps, test examples, probes)
    training_config = json.loads(json.dumps(DEMO_RUN_CONFIG))
    if full_epoch:  # the champion trained as long as the full retrain it will be compared with
        training_config["lora_adapter"]["config"]["max_steps"] = -1
    training = _materialize(
        env, ["training_data", "modeling", "governance"], config=training_config, model_cache=model_cache
    )
    (new,) = write_landing_batches(
        data / "landing",
        n_tickets=max(1, tickets // 100),
        n_batches=1,
        seed=8,
        prefix="new",
        include_bad_files=False,
        include_canaries=False,
    )
    new_ingestion = _materialize(env, ["ingestion", "privacy"], new)
    new_training_set = _materialize(env, ["training_data"])  # a step of the next training run: its in-run time
    unchanged = _materialize(env, ["ingestion", "privacy"], batches[0])  # re-run of an unchanged batch
    full_upstream = sum(r["wall_s"] for r in ingestion)
    full_run = full_upstream + training["wall_s"]
    incr_up = new_ingestion["wall_s"] + new_training_set["run_s"]
    return {
        "documents": tickets,
        "new_documents": max(1, tickets // 100),
        "ingestion_runs_s": [r["wall_s"] for r in ingestion],
        "training_run_s": training["wall_s"],
        "full_run_s": round(full_run, 1),
        "full_upstream_s": round(full_upstream, 1),
        "new_batch_ingestion_run_s": new_ingestion["wall_s"],
        "new_batch_ingestion_import_s": round(new_ingestion["import_s"], 2),
        "training_set_step_s": round(new_training_set["run_s"], 2),
        "incremental_upstream_s": round(incr_up, 1),
        "incremental_vs_full_run": round(incr_up / full_run, 4),
        "incremental_vs_full_upstream": round(incr_up / full_upstream, 4),
        "unchanged_batch_rerun_s": unchanged["wall_s"],
        "unchanged_batch_first_run_s": ingestion[0]["wall_s"],
        "unchanged_batch_reused": unchanged["metadata"].get("anonymized_documents/reused_unchanged"),
        "new_batch_anonymized": new_ingestion["metadata"].get("anonymized_documents/newly_anonymized"),
        **retrains(env, data, model_cache, new_ingestion["wall_s"], full_epoch),
    }


def retrains(env: dict, data: Path, model_cache: str, landed_s: float, full_epoch: bool = False) -> dict:
    """After the 1 % batch, the retrain that folds it in, two ways from the same state: warm start from the champion
    and full retrain from the base, both held for approval and both starting from the same answer cache; ``landed_s``
    is the new batch's ingestion run (landed -> registered = it + the retrain run). ``full_epoch``: the full retrain
    trains the product's default epoch instead of the demo's 50 steps (the warm start is the same either way)."""
    from jobs.cli import DEMO_RUN_CONFIG

    held = json.loads(json.dumps(DEMO_RUN_CONFIG))
    held["registered_model"] = {"config": {"require_approval": True}}
    warm_config = json.loads(json.dumps(held))
    warm_config["lora_adapter"]["config"]["init_from"] = "champion"
    # A demo-length champion (50 steps, ~0.2 epoch) is below the product's min_champion_epochs, which would turn the
    # warm start into a second full retrain: the bench measures the warm start whatever the champion, and records
    # how much training each candidate's lineage had (data_epochs)
    warm_config["lora_adapter"]["config"]["min_champion_epochs"] = 0.0
    if full_epoch:  # the full retrain at the product's default length (one epoch) instead of the demo's step cap
        held["lora_adapter"]["config"]["max_steps"] = -1
    snapshot = data / "answers-after-first-training"
    cached = _restore_answers(data, snapshot)
    warm = _materialize(env, ["training_data", "modeling", "governance"], config=warm_config, model_cache=model_cache)
    _restore_answers(data, snapshot)
    full = _materialize(env, ["training_data", "modeling", "governance"], config=held, model_cache=model_cache)
    return {
        # the full retrain's step cap (-1: one epoch, the product's default), for whoever reads the JSON later
        "full_retrain_max_steps": held["lora_adapter"]["config"]["max_steps"],
        "warm_retrain_run_s": warm["wall_s"],
        "warm_retrain_init_from": warm["metadata"].get("lora_adapter/init_from"),
        "warm_retrain_init_reason": warm["metadata"].get("lora_adapter/init_reason"),
        "warm_retrain_data_epochs": warm["metadata"].get("lora_adapter/data_epochs"),
        "full_retrain_data_epochs": full["metadata"].get("lora_adapter/data_epochs"),
        "warm_retrain_steps": warm["metadata"].get("lora_adapter/steps"),
        "warm_retrain_train_s": warm["metadata"].get("lora_adapter/train_seconds"),
        "warm_retrain_examples": [
            warm["metadata"].get("lora_adapter/new_examples"),
            warm["metadata"].get("lora_adapter/replay_examples"),
        ],
        "warm_retrain_step_s": warm["step_s"],
        "cached_answers_at_retrain": cached,
        "warm_retrain_answers": warm["metadata"].get("evaluation_report/answers_computed_vs_reused"),
        "full_retrain_answers": full["metadata"].get("evaluation_report/answers_computed_vs_reused"),
        "full_retrain_run_s": full["wall_s"],
        "full_retrain_step_s": full["step_s"],
        "full_retrain_steps": full["metadata"].get("lora_adapter/steps"),
        "full_retrain_train_s": full["metadata"].get("lora_adapter/train_seconds"),
        # landed -> registered: the new batch's ingestion run, then the retrain run
        "landed_to_registered_warm_s": round(landed_s + warm["wall_s"], 1),
        "landed_to_registered_full_s": round(landed_s + full["wall_s"], 1),
        "warm_vs_full_retrain": round((landed_s + warm["wall_s"]) / (landed_s + full["wall_s"]), 4),
        "champion_quality": _quality(full, "champion"),  # the model both started from or were gated against
        "warm_quality": _quality(warm),
        "full_quality": _quality(full),
        # paired by test example, with bootstrap 95 % intervals: is the gap larger than the split resolves? The
        # champion against the full retrain (one recipe, 1 % different data) shows what two trainings differ by
        "warm_minus_full_rougeL": paired_gap(warm["per_example"], full["per_example"]),
        "champion_minus_full_rougeL": paired_gap(full["per_example"], full["per_example"], "champion"),
    }


def paired_gap(a: dict, b: dict, model_a: str = "candidate", model_b: str = "candidate") -> dict:
    """Mean per-example ROUGE-L of ``model_a`` in run ``a`` minus ``model_b`` in run ``b`` (``per_example`` of the
    bench's materializations), on the test split and on the new slice, with paired bootstrap 95 % intervals; empty
    unless both runs scored the same examples in the same order."""
    from llm_assets.core.scoring import bootstrap_interval

    if not a or not b or a["example_id"] != b["example_id"]:
        return {}
    out = {}
    for split, rows in (("test", range(len(a["example_id"]))), ("new_slice", a["new_slice"])):
        diffs = [a["rougeL"][model_a][i] - b["rougeL"][model_b][i] for i in rows]
        if diffs:
            out[split] = {
                "mean": round(statistics.fmean(diffs), 4),
                "ci95": bootstrap_interval(diffs),
                "examples": len(diffs),
            }
    return out


def constant_costs(env: dict, data: Path) -> dict:
    import dagster as dg

    code = "import time; t = time.perf_counter(); import llm_assets.definitions; print(time.perf_counter() - t)"
    loads = [float(_run([sys.executable, "-c", code], env)[1].strip()) for _ in range(3)]
    os.environ.update({k: env[k] for k in ("LLMP_DATA_DIR", "DAGSTER_HOME")})
    from resources import build_resources
    from resources.landing import LandingZone
    from sensors import drift_sensor, landing_sensor

    # the resources the deployment gives every sensor (the drift sensor also alerts), the bench's landing folder
    deployed = {**build_resources(), "landing_zone": LandingZone(path=str(data / "landing"))}
    ticks = {}
    with dg.DagsterInstance.get() as instance:
        for name, sensor in (("landing_sensor", landing_sensor), ("drift_sensor", drift_sensor)):
            required = sensor.required_resource_keys
            resources = {k: v for k, v in deployed.items() if k in required}
            times = []
            for _ in range(20):
                context = dg.build_sensor_context(instance=instance, resources=resources)
                t0 = time.perf_counter()
                sensor(context)
                times.append(time.perf_counter() - t0)
            ticks[name] = round(statistics.mean(times) * 1000, 1)
    return {"definitions_load_s": round(statistics.median(loads), 2), "sensor_tick_ms": ticks}


KINDS = ("own", "own_unshared", "hf", "hf_best", "trl", "trl_padding_free", "own_liger", "hf_best_liger", "trl_liger")
# TRL padding-free is the slowest set-up on CPU (82 vs 118 tokens/s padded, 2026-11-24): opt-in with --kinds
DEFAULT_KINDS = ("own", "hf_best", "trl")
BASELINES = {
    "hf": "plain Trainer (whole-sequence loss, random order)",
    "hf_best": "Trainer, completion-only labels + group_by_length",
    "trl": "TRL SFTTrainer, completion_only_loss + group_by_length",
    "trl_padding_free": "TRL SFTTrainer, completion_only_loss + padding_free",
    "hf_best_liger": "Trainer, completion-only labels + group_by_length + Liger kernels",
    "trl_liger": "TRL SFTTrainer, completion_only_loss + group_by_length + Liger kernels",
}


def _fitting(model_dir: str, rows: list[tuple], max_length: int) -> tuple[list[tuple], int]:
    """Examples whose prompt and completion fit ``max_length`` whole, and how many did not: every set-up then sees
    the same tokens (one would skip, another truncate, a padding-free one keep a longer example)."""
    from transformers import AutoTokenizer

    from llm_assets.core.prompting import encode_example

    tok = AutoTokenizer.from_pretrained(model_dir)
    kept = [
        r
        for r in rows
        if (e := encode_example(tok, r[0], r[1], max_length)) is not None
        and e[1][-1] == tok.eos_token_id  # the completion was not cut
    ]
    return kept, len(rows) - len(kept)


def time_to_loss(curve: list[list[float]], target: float) -> float | None:
    """Training seconds until the validation loss first reaches ``target``, linear between measured points (the first
    point's time when it already has); None when the run never reaches it."""
    previous = None
    for _, seconds, loss in curve:
        if loss <= target:
            if previous is None or previous[1] == loss:
                return seconds
            s0, l0 = previous
            return round(s0 + (seconds - s0) * (l0 - target) / (l0 - loss), 2)
        previous = (seconds, loss)
    return None


def training_spec(data: Path, model_dir: str, steps: int, validation_examples: int = 48) -> dict:
    """What every set-up trains on: the training set's train and validation examples (those that fit whole), the
    hyper-parameters, where the validation loss is measured. ``model`` is filled in where it runs."""
    import duckdb

    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    rows = con.sql(
        "select prompt, completion, split from train.training_set where split in ('train', 'validation') "
        "order by example_id"
    ).fetchall()
    con.close()
    rows, too_long = _fitting(model_dir, rows, HPARAMS["max_length"])
    train = [r for r in rows if r[2] == "train"]
    validation = [r for r in rows if r[2] == "validation"][:validation_examples]
    return {
        "model": None,
        "prompts": [r[0] for r in train],
        "completions": [r[1] for r in train],
        "validation_prompts": [r[0] for r in validation],
        "validation_completions": [r[1] for r in validation],
        "hparams": {**HPARAMS, "steps": steps},
        "eval_every": max(1, steps // 4),
        "left_out_too_long": too_long,
    }


def training(
    env: dict, spec: dict, model_dir: str, rounds: int, kinds: tuple[str, ...] = DEFAULT_KINDS, warmup: bool = True
) -> dict:
    """The project trainer against standard set-ups, each in its own process, rounds alternating; medians. With
    ``warmup``, every set-up first runs 2 untimed steps: the first process on a fresh machine pays one-off costs
    (weights into the page cache; on a GPU, the driver's and kernels' first use: 13 s for the first 10 steps on an
    H100 against 3.6-5 s later) that would otherwise land in round 1 of whichever set-up runs first."""
    spec = {**spec, "model": model_dir}
    with tempfile.TemporaryDirectory() as tmp:
        results: dict[str, list[dict]] = {k: [] for k in kinds}
        if warmup:
            spec_path = Path(tmp, "warmup.json")
            short = {**spec["hparams"], "steps": min(2, spec["hparams"]["steps"])}
            spec_path.write_text(json.dumps({**spec, "hparams": short, "eval_every": short["steps"]}))
            for kind in kinds:
                _run([sys.executable, "-m", "benchmarks.pipeline.train_worker", kind, str(spec_path), "/dev/null"], env)
            print(f"   warm-up: {len(kinds)} set-ups, {short['steps']} steps each, discarded", flush=True)
        for round_ in range(rounds):
            # a new seed each round (LoRA init, data order, dropout), the same for every set-up within it: the
            # medians then average over data orders instead of repeating one
            spec_path = Path(tmp, "spec.json")
            spec_path.write_text(json.dumps({**spec, "hparams": {**spec["hparams"], "seed": HPARAMS["seed"] + round_}}))
            for kind in kinds:
                out = Path(tmp, f"{kind}.json")
                _run([sys.executable, "-m", "benchmarks.pipeline.train_worker", kind, str(spec_path), str(out)], env)
                results[kind].append(json.loads(out.read_text()))
                print(f"   round {round_ + 1}, {kind}: {results[kind][-1]['tokens_per_s']:.0f} tokens/s", flush=True)
    return {
        "examples": len(spec["prompts"]),
        "left_out_too_long": spec["left_out_too_long"],
        "validation_examples": len(spec["validation_prompts"]),
        "steps": spec["hparams"]["steps"],
        "eval_every": spec["eval_every"],
        "warmup": warmup,
        **compare(results),
    }


def compare(results: dict[str, list[dict]]) -> dict:
    """Medians, throughput ratios and time to equal loss from every set-up's rounds (``results[kind][round]``)."""
    kinds = list(results)
    rounds = len(results[kinds[0]])
    median = {
        k: {
            m: statistics.median(r[m] for r in results[k])
            for m in ("tokens_per_s", "peak_rss_mb", "peak_gpu_mb", "validation_loss", "seconds")
            if all(m in r for r in results[k])
        }
        for k in kinds
    }
    baselines = [k for k in BASELINES if k in kinds]
    best = max(baselines, key=lambda k: median[k]["tokens_per_s"])
    # per round (one seed for every set-up; each orders its batches its own way): the loss every set-up reaches by
    # its last step, i.e. the highest final validation loss of the round, and how long each takes to get there
    to_target: dict[str, list[float]] = {k: [] for k in kinds}
    targets = []
    for r in range(rounds):
        target = max(results[k][r]["validation_loss"] for k in kinds)
        targets.append(target)
        for k in kinds:
            to_target[k].append(time_to_loss(results[k][r]["validation_curve"], target))
    time_vs = {
        k: round(statistics.median(b / o for b, o in zip(to_target[k], to_target["own"], strict=True)), 2)
        for k in baselines
    }
    fastest_baseline = min(baselines, key=lambda k: time_vs[k]) if baselines else None
    return {
        "rounds": rounds,
        "runs": results,
        "median": median,
        "best_baseline": best,
        "throughput_vs": {k: round(median["own"]["tokens_per_s"] / median[k]["tokens_per_s"], 2) for k in baselines},
        "peak_rss_vs": {k: round(median["own"]["peak_rss_mb"] / median[k]["peak_rss_mb"], 2) for k in baselines},
        # on CUDA the memory that limits the batch is the GPU's
        "peak_gpu_vs": {
            k: round(median["own"]["peak_gpu_mb"] / median[k]["peak_gpu_mb"], 2)
            for k in baselines
            if "peak_gpu_mb" in median["own"] and "peak_gpu_mb" in median[k]
        },
        "target_validation_loss": targets,
        "time_to_target_s": to_target,
        "fastest_baseline_to_target": fastest_baseline,
        "time_to_target_vs": time_vs,
    }


def _print_training(t: dict) -> None:
    first = t["runs"]["own"][0]
    where = f"{first['device']}, " if "device" in first else ""
    print(
        f"1. training ({where}{first['precision']}), {t['steps']} steps x {HPARAMS['batch_size']} on {t['examples']} "
        f"examples ({t['left_out_too_long']} left out: longer than max_length), medians of {t['rounds']} rounds "
        f"(validation loss on {t['validation_examples']} held-out examples, same function, every {t['eval_every']} "
        "steps, outside the training time):"
    )
    own, best = t["median"]["own"], t["best_baseline"]
    targets = ", ".join(f"{x:.4f}" for x in t["target_validation_loss"])
    print(f"   equal loss, per round: the highest final validation loss of the round ({targets})")
    gpu = "peak_gpu_mb" in own

    def reach(k: str) -> str:
        return "/".join(f"{x:.0f}" if x is not None else "never" for x in t["time_to_target_s"][k]) + " s"

    def memory(m: dict) -> str:
        return f"peak GPU memory {m['peak_gpu_mb']:.0f} MB" if gpu else f"peak RSS {m['peak_rss_mb']:.0f} MB"

    print(
        f"   project trainer: {own['tokens_per_s']:.0f} tokens/s, validation loss {own['validation_loss']:.4f}, "
        f"to equal loss in {reach('own')}, {memory(own)}"
    )
    for variant, what in (("own_unshared", "without the shared prompt prefix"), ("own_liger", "with Liger kernels")):
        if variant in t["median"]:
            u = t["median"][variant]
            print(
                f"   project trainer {what}: {u['tokens_per_s']:.0f} tokens/s, validation loss "
                f"{u['validation_loss']:.4f}, to equal loss in {reach(variant)}, {memory(u)} -> the default trainer "
                f"{own['tokens_per_s'] / u['tokens_per_s']:.2f}x its throughput"
            )
    for k, label in BASELINES.items():
        if k not in t["median"]:
            continue
        m = t["median"][k]
        ratio = t["peak_gpu_vs"][k] if gpu else t["peak_rss_vs"][k]
        print(
            f"   {label}: {m['tokens_per_s']:.0f} tokens/s, validation loss {m['validation_loss']:.4f}, "
            f"to equal loss in {reach(k)}, {memory(m)} -> project trainer {t['throughput_vs'][k]:.2f}x throughput, "
            f"{t['time_to_target_vs'][k]:.2f}x faster to equal loss (median of the rounds' ratios), "
            f"{ratio:.2f}x peak memory"
        )
    print(f"   strongest baseline by throughput: {BASELINES[best]} ({t['throughput_vs'][best]:.2f}x)")
    fastest = t["fastest_baseline_to_target"]
    if fastest:
        print(f"   fastest baseline to equal loss: {BASELINES[fastest]} ({t['time_to_target_vs'][fastest]:.2f}x)")


def _print_retrain(i: dict) -> None:
    w, f = i["warm_quality"], i["full_quality"]

    def q(x: dict) -> str:
        return (
            f"ROUGE-L test {x['test_rougeL']}, new slice {x['new_slice_rougeL']} ({x['new_slice_examples']} examples); "
            f"fact accuracy test {x['test_fact_accuracy']}, new slice {x['new_slice_fact_accuracy']}"
        )

    print(
        f"   1 % landed -> new version registered: warm start from the champion ({i['warm_retrain_examples'][0]} new "
        f"+ {i['warm_retrain_examples'][1]} replayed examples, {i['warm_retrain_steps']} steps, training "
        f"{i['warm_retrain_train_s']} s) {i['landed_to_registered_warm_s']:.0f} s vs full retrain from the base "
        f"({i['full_retrain_steps']} steps, training {i['full_retrain_train_s']} s) "
        f"{i['landed_to_registered_full_s']:.0f} s = {i['warm_vs_full_retrain']:.2f}x"
    )
    for name, steps in (("warm start", i["warm_retrain_step_s"]), ("full retrain", i["full_retrain_step_s"])):
        slowest = sorted(steps.items(), key=lambda kv: -kv[1])[:5]
        print(f"   {name}, slowest steps: " + ", ".join(f"{k} {v:.0f} s" for k, v in slowest))
    print(f"   answers computed vs reused: warm {i['warm_retrain_answers']}, full {i['full_retrain_answers']}")
    print(f"   champion (both started from or were gated against it): {q(i['champion_quality'])}")
    print(f"   warm start: {q(w)}")
    print(f"   full retrain: {q(f)}")
    for name, key in (
        ("warm minus full", "warm_minus_full_rougeL"),
        ("champion minus full", "champion_minus_full_rougeL"),
    ):
        paired = ", ".join(
            f"{split} {g['mean']:+.4f} [{g['ci95'][0]:+.4f}, {g['ci95'][1]:+.4f}] ({g['examples']} examples)"
            for split, g in i.get(key, {}).items()
        )
        print(f"   {name}, ROUGE-L per example, paired (95 % interval): {paired or 'not measured'}")


def _one_batch_training_set(env: dict, data: Path, tickets: int) -> None:
    """A training set built from ``tickets`` sample documents landed as one batch (for the training comparison)."""
    from llm_assets.sample_corpus import write_landing_batches

    (batch,) = write_landing_batches(data / "landing", n_tickets=tickets, n_batches=1, seed=7)
    _materialize(env, ["ingestion", "privacy"], batch)
    _materialize(env, ["training_data"])


def _compare_training(env: dict, spec: dict, model_dir: str, args: argparse.Namespace) -> None:
    t = training(env, spec, model_dir, args.rounds, tuple(args.kinds), warmup=not args.no_warmup)
    print("\n== Training benchmark (same machine, same run) ==")
    _print_training(t)
    if args.out:
        Path(args.out).write_text(json.dumps({"training": t}, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=3000, help="documents of the full corpus (3 batches)")
    parser.add_argument("--train-steps", type=int, default=16, help="optimizer steps per training measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of the training comparison")
    parser.add_argument(
        "--no-warmup", action="store_true", help="no untimed 2-step run of each set-up before the training rounds"
    )
    parser.add_argument(
        "--only-training",
        action="store_true",
        help="only the training comparison (on a training set built from --tickets documents in one batch)",
    )
    parser.add_argument(
        "--only-incremental",
        action="store_true",
        help="only the incremental and constant costs (the training comparison left out)",
    )
    parser.add_argument("--validation-examples", type=int, default=48, help="held-out examples of the loss curve")
    parser.add_argument(
        "--kinds", nargs="+", default=list(DEFAULT_KINDS), choices=KINDS, help="set-ups of the training comparison"
    )
    parser.add_argument(
        "--retrains-in",
        metavar="WORKDIR",
        help="only the two retrains (warm start vs full retrain), again, on the state an earlier bench left in WORKDIR "
        "(after its 1 %% batch; the answer cache restored to its snapshot); with --landed-s, that bench's new-batch "
        "ingestion run",
    )
    parser.add_argument("--landed-s", type=float, default=0.0, help="with --retrains-in (required there)")
    parser.add_argument(
        "--full-retrain-epoch",
        action="store_true",
        help="full trainings run one epoch (the product's default) instead of the demo's 50 steps: the champion's "
        "first training and the full retrain; with --retrains-in only the full retrain (the champion is the earlier "
        "bench's, and a warm start inherits its training length)",
    )
    parser.add_argument(
        "--write-training-spec",
        metavar="SPEC",
        help="only write what the training comparison trains on (examples, hyper-parameters) to SPEC, from the "
        "training set of --retrains-in's work dir or else of --tickets documents, and stop: to run the comparison on "
        "another machine (a GPU) with --training-spec",
    )
    parser.add_argument(
        "--training-spec", metavar="SPEC", help="only the training comparison, on the examples written to SPEC"
    )
    parser.add_argument("--out", help="also write the results as JSON here")
    args = parser.parse_args()

    from llm_assets import settings
    from resources.base_model import BaseModelResource

    started = time.perf_counter()
    work = Path(args.retrains_in) if args.retrains_in else Path(tempfile.mkdtemp(prefix="llmp-bench-"))
    data, home = work / "data", work / "dagster_home"
    retrains_state = (data / "answers-after-first-training").is_dir() and args.landed_s
    if args.retrains_in and not args.write_training_spec and not retrains_state:
        sys.exit(
            "--retrains-in needs a work dir whose bench got as far as the retrains (its answer-cache snapshot) "
            "and --landed-s, that bench's new_batch_ingestion_run_s"
        )
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "LLMP_DATA_DIR": str(data), "DAGSTER_HOME": str(home)}
    env.pop("LLMP_DAGSTER_POSTGRES_URL", None)
    (home / "dagster.yaml").write_text(settings.dagster_yaml())
    model_cache = str(ROOT / ".data" / "models")  # converted once, shared with `make demo`
    model_dir = BaseModelResource(cache_dir=model_cache).local_path()

    if args.training_spec:
        _compare_training(env, json.loads(Path(args.training_spec).read_text()), model_dir, args)
        return
    if args.write_training_spec:
        if not args.retrains_in:
            _one_batch_training_set(env, data, args.tickets)
        spec = training_spec(data, model_dir, args.train_steps, args.validation_examples)
        Path(args.write_training_spec).write_text(json.dumps(spec))
        print(f"{len(spec['prompts'])} training examples, {args.train_steps} steps -> {args.write_training_spec}")
        return

    print(f"working in {work}", flush=True)
    if args.retrains_in:
        r = retrains(env, data, model_cache, args.landed_s, args.full_retrain_epoch)
        print(json.dumps(r, indent=1))
        print("\n== Retrains (same machine, same run) ==")
        _print_retrain(r)
        if args.out:
            Path(args.out).write_text(json.dumps({"retrains": r}, indent=2))
        return
    if args.only_training:
        _one_batch_training_set(env, data, args.tickets)
        spec = training_spec(data, model_dir, args.train_steps, args.validation_examples)
        _compare_training(env, spec, model_dir, args)
        return
    results = {"incremental": incremental(env, data, args.tickets, model_cache, args.full_retrain_epoch)}
    print(json.dumps(results["incremental"], indent=1), flush=True)
    results["constant"] = constant_costs(env, data)
    print(json.dumps(results["constant"], indent=1), flush=True)
    if not args.only_incremental:
        spec = training_spec(data, model_dir, args.train_steps, args.validation_examples)
        results["training"] = training(env, spec, model_dir, args.rounds, tuple(args.kinds), warmup=not args.no_warmup)
    results["bench_minutes"] = round((time.perf_counter() - started) / 60, 1)

    i, c = results["incremental"], results["constant"]
    print("\n== Pipeline benchmark (same machine, same run) ==")
    if "training" in results:
        _print_training(results["training"])
    print(
        f"2. incremental: full run {i['full_run_s']:.0f} s (3 ingestion runs {i['full_upstream_s']:.0f} s for "
        f"{i['documents']} documents + the demo's training run {i['training_run_s']:.0f} s); 1 % new documents "
        f"({i['new_documents']}): ingestion run {i['new_batch_ingestion_run_s']:.1f} s (of which imports "
        f"{i['new_batch_ingestion_import_s']:.1f} s) + training-set step {i['training_set_step_s']:.1f} s = "
        f"{i['incremental_upstream_s']:.1f} s = {100 * i['incremental_vs_full_run']:.1f} % of the full run, "
        f"{100 * i['incremental_vs_full_upstream']:.1f} % of the full ingestion; "
        f"an unchanged batch re-runs in {i['unchanged_batch_rerun_s']:.1f} s vs {i['unchanged_batch_first_run_s']:.1f}"
        f" s ({i['unchanged_batch_reused']} documents reused, none re-anonymized)"
    )
    _print_retrain(i)
    print(
        f"3. definitions load {c['definitions_load_s']:.2f} s; sensor tick: "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in c["sensor_tick_ms"].items())
    )
    print(f"benchmark took {results['bench_minutes']} min")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
