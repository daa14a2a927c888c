"""The training benchmark's set-ups run on the tiny model and account the same tokens (a wiring test: the
figures themselves come from `make bench`, never from a timed test)."""

from pathlib import Path

import pytest

from benchmarks.pipeline.train_worker import CUDA_ONLY, RUNNERS


@pytest.fixture(scope="module")
def spec(tiny_model_dir):
    prompts = [f"Where is parcel {i}? It was due on Monday." + " Please check." * (i % 4) for i in range(12)]
    completions = [f"Category: shipment_status\nReply: Parcel {i} is on its way." for i in range(12)]
    return {
        "model": str(tiny_model_dir),
        "prompts": prompts,
        "completions": completions,
        "validation_prompts": prompts[:4],
        "validation_completions": completions[:4],
        "eval_every": 1,
        "hparams": {
            "r": 4,
            "alpha": 8,
            "dropout": 0.0,
            "lr": 1e-3,
            "batch_size": 4,
            "max_length": 128,
            "warmup_ratio": 0.0,
            "seed": 1,
            "steps": 2,
        },
    }


@pytest.mark.slow
def test_every_setup_trains_the_same_steps_and_reports_validation_loss(spec):
    # the Liger set-ups need CUDA (Triton kernels): they run in the GPU bench, not here
    results = {kind: run(spec) for kind, run in RUNNERS.items() if kind not in CUDA_ONLY}
    for kind, r in results.items():
        assert r["steps"] == 2, kind
        assert r["tokens"] > 0 and r["validation_loss"] > 0, kind
        # validated after each step, outside the training time: the curve's times grow, the last is the final loss
        steps, times, losses = zip(*r["validation_curve"], strict=True)
        assert steps == (1, 2) and 0 < times[0] < times[1] <= r["seconds"] + 0.01, (kind, r)
        assert losses[-1] == r["validation_loss"], kind
    # same token accounting: each fed 2 batches of 4 of these examples, counted without padding
    from transformers import AutoTokenizer

    from llm_assets.core.prompting import encode_example

    tok = AutoTokenizer.from_pretrained(spec["model"])
    lengths = sorted(
        len(encode_example(tok, p, c, 128)[0]) for p, c in zip(spec["prompts"], spec["completions"], strict=True)
    )
    for kind in ("own", "own_unshared", "hf_best", "trl", "trl_padding_free"):
        assert sum(lengths[:8]) <= results[kind]["tokens"] <= sum(lengths[-8:]), (kind, results[kind]["tokens"])


def test_time_to_loss_reads_the_curve():
    from benchmarks.pipeline.run import time_to_loss

    curve = [[4, 10.0, 2.0], [8, 20.0, 1.5], [12, 30.0, 1.0]]
    assert time_to_loss(curve, 1.5) == 20.0
    assert time_to_loss(curve, 1.25) == 25.0  # halfway between the points that straddle it
    assert time_to_loss(curve, 3.0) == 10.0  # already there at the first measurement
    assert time_to_loss(curve, 0.5) is None


def test_constant_costs_tick_every_sensor_with_the_deployments_resources(tmp_path, monkeypatch):
    """The bench's last half: definitions load and a tick of each sensor, with the resources the deployment gives
    them (a sensor that gains a resource must not break the bench, as the drift sensor's alerts once did)."""
    import os

    from benchmarks.pipeline.run import constant_costs
    from llm_assets import settings

    data, home = tmp_path / "data", tmp_path / "dagster_home"
    (data / "landing").mkdir(parents=True)
    home.mkdir()
    (home / "dagster.yaml").write_text(settings.dagster_yaml())
    monkeypatch.setenv("LLMP_DATA_DIR", str(data))  # constant_costs sets both; monkeypatch restores them
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    result = constant_costs({**os.environ}, data)
    assert 0 < result["definitions_load_s"] < 60
    assert set(result["sensor_tick_ms"]) == {"landing_sensor", "drift_sensor"}
    assert all(v > 0 for v in result["sensor_tick_ms"].values())


def test_compare_reports_time_to_the_rounds_equal_loss_and_gpu_memory_when_measured():
    from benchmarks.pipeline.run import compare

    def run(tps, curve, gpu=None):
        r = {"tokens_per_s": tps, "peak_rss_mb": 1000.0, "seconds": curve[-1][1], "validation_curve": curve}
        r["validation_loss"] = curve[-1][2]
        return r | ({"peak_gpu_mb": gpu} if gpu else {})

    results = {
        "own": [run(100, [[1, 5.0, 2.0], [2, 10.0, 1.0]], gpu=500.0)],
        "hf_best": [run(120, [[1, 4.0, 2.0], [2, 8.0, 1.5]], gpu=1000.0)],
    }
    c = compare(results)
    # the round's equal loss is the worse final loss (1.5): own gets there halfway through its second interval
    assert c["target_validation_loss"] == [1.5]
    assert c["time_to_target_s"] == {"own": [7.5], "hf_best": [8.0]}
    assert c["time_to_target_vs"] == {"hf_best": round(8.0 / 7.5, 2)}
    assert c["throughput_vs"] == {"hf_best": round(100 / 120, 2)}
    assert c["peak_gpu_vs"] == {"hf_best": 0.5}
    del results["own"][0]["peak_gpu_mb"]  # a CPU run: no GPU memory, no ratio
    assert compare(results)["peak_gpu_vs"] == {}


@pytest.mark.slow
def test_the_comparison_warms_every_setup_up_then_runs_its_rounds(spec, monkeypatch):
    """The bench's training half end to end on the tiny model: an untimed warm-up of each set-up, then alternating
    rounds whose results ``compare`` turns into ratios."""
    import os

    from benchmarks.pipeline import run as bench

    launched = []

    def recording(cmd, env):
        launched.append((cmd[-3], Path(cmd[-2]).name, cmd[-1]))
        return real_run(cmd, env)

    real_run = bench._run
    monkeypatch.setattr(bench, "_run", recording)
    bench_spec = {**spec, "left_out_too_long": 0}
    t = bench.training({**os.environ}, bench_spec, spec["model"], rounds=2, kinds=("own", "hf_best"))
    assert [(kind, spec_file) for kind, spec_file, _ in launched] == [
        ("own", "warmup.json"),
        ("hf_best", "warmup.json"),
        *[(kind, "spec.json") for _ in range(2) for kind in ("own", "hf_best")],
    ]
    assert launched[0][2] == "/dev/null"  # the warm-up's result is discarded
    assert t["warmup"] and t["rounds"] == 2 and t["steps"] == 2 and t["examples"] == 12
    assert set(t["time_to_target_vs"]) == {"hf_best"} and t["time_to_target_vs"]["hf_best"] > 0
    launched.clear()
    cold = bench.training({**os.environ}, bench_spec, spec["model"], rounds=1, kinds=("own", "hf_best"), warmup=False)
    assert not cold["warmup"] and [spec_file for _, spec_file, _ in launched] == ["spec.json", "spec.json"]


def test_paired_gap_pairs_the_same_examples_on_both_splits():
    from benchmarks.pipeline.run import paired_gap

    ids = ["e1", "e2", "e3", "e4"]
    warm = {"example_id": ids, "new_slice": [2, 3], "rougeL": {"candidate": [0.5, 0.5, 0.2, 0.4]}}
    full = {
        "example_id": ids,
        "new_slice": [2, 3],
        "rougeL": {"candidate": [0.4, 0.6, 0.3, 0.4], "champion": [0.5, 0.5, 0.2, 0.4]},
    }
    gap = paired_gap(warm, full)
    assert gap["test"]["mean"] == round((0.1 - 0.1 - 0.1 + 0.0) / 4, 4) and gap["test"]["examples"] == 4
    assert gap["new_slice"]["mean"] == -0.05 and gap["new_slice"]["examples"] == 2
    lo, hi = gap["new_slice"]["ci95"]
    assert -0.1 <= lo <= -0.05 <= hi <= 0.0  # resampling the pairs (-0.1, 0.0)
    same = paired_gap(full, full, "champion")  # the champion against the full retrain, within one run
    assert same["test"]["mean"] == round((0.1 - 0.1 - 0.1) / 4, 4)
    assert paired_gap(warm, {**full, "example_id": ids[::-1]}) == {}  # different examples or order: no pairing
    assert paired_gap({}, full) == {}
