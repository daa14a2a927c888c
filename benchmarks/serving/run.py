"""Serving benchmark: per-request latency of the served champion, measured side by side in one run.

1. The model alone (the registered pyfunc, one ticket at a time): merged LoRA weights vs the unmerged adapter, dynamic
   int8 linear layers, and without the KV cache; same tickets, rounds alternating, medians.
2. The real server (``llm-pipeline serve`` on loopback, anonymization included): 1, 4 and 8 concurrent clients for a
   bounded time each; per-request latency p50/p95 as the client sees it, throughput, errors, and the server's RSS
   before and after (flat memory); at 4 clients, dynamic batching (max batch 4) against none (max batch 1).

The adapter is a freshly initialised LoRA on the default base model (its B matrices are zero, so it answers like the
base model): latency depends on the shapes and on how many tokens are generated, not on the trained values, and an
untuned base model tends to write until the limit (the worst case); the new-token counts are printed beside.

    python -m benchmarks.serving.run [--seconds 20] [--rounds 3] [--out serving.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SLO_P95_S = 2.0


def _tickets(n: int) -> list[dict]:
    from llm_assets.sample_corpus import generate_tickets

    return [
        {
            "subject": t.subject,
            "message": t.message,
            "customer_name": t.customer_name,
            "customer_email": t.customer_email,
        }
        for t in generate_tickets(n, seed=101)
    ]


def register_untrained_champion(data: Path) -> tuple[dict, str]:
    """A LoRA adapter (default shape) on the default base model, logged and registered as the champion."""
    import mlflow
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from llm_assets.core.examples import TrainingSetConfig, instruction_for
    from llm_assets.modeling.adapter_asset import log_served_model
    from llm_assets.modeling.config import LoraTrainingConfig
    from llm_assets.sample_corpus.generator import CATEGORIES
    from resources import build_resources, resolved

    res = resolved(build_resources())
    base = res["base_model"].local_path()
    cfg = LoraTrainingConfig()
    model = get_peft_model(
        AutoModelForCausalLM.from_pretrained(base),
        LoraConfig(r=cfg.r, lora_alpha=cfg.lora_alpha, target_modules=list(cfg.target_modules), task_type="CAUSAL_LM"),
    )
    adapter_dir = data / "bench-adapter"
    model.save_pretrained(adapter_dir)
    labels = sorted(CATEGORIES)
    serving = {
        "base_model": res["base_model"].model,
        "instruction": instruction_for(TrainingSetConfig(), labels),
        "prompt_template": TrainingSetConfig().prompt_template,
        "labels": labels,
        "max_new_tokens": 64,
        "merge": True,
        "quantize": "none",
        "use_cache": True,
    }
    tracking = res["mlflow_tracking"]
    experiment = tracking.setup()
    with mlflow.start_run(experiment_id=experiment, run_name="serving-bench"):
        uri = log_served_model(adapter_dir, serving)
    version = mlflow.register_model(uri, tracking.registered_model_name).version
    tracking.client().set_registered_model_alias(tracking.registered_model_name, tracking.champion_alias, version)
    return res, f"models:/{tracking.registered_model_name}/{version}"


def model_alone(uri: str, tickets: list[dict], rounds: int) -> dict:
    """Seconds per single-ticket predict() for each variant, medians over rounds (variants alternate)."""
    import mlflow.pyfunc
    import pandas as pd

    variants = {
        "merged fp32 (served default)": {"merge": True, "quantize": "none"},
        "unmerged adapter fp32": {"merge": False, "quantize": "none"},
        "merged int8 (dynamic)": {"merge": True, "quantize": "int8"},
        "merged fp32, no KV cache": {"merge": True, "quantize": "none", "use_cache": False},
    }
    models = {name: mlflow.pyfunc.load_model(uri, model_config=cfg) for name, cfg in variants.items()}
    rows = [pd.DataFrame([{"subject": t["subject"], "message": t["message"]}]) for t in tickets]
    times: dict[str, list[float]] = {n: [] for n in variants}
    tokens: dict[str, list[int]] = {n: [] for n in variants}
    models[next(iter(models))].predict(rows[0])  # warm-up
    for _ in range(rounds):
        for name, model in models.items():
            few = rows[:2] if "no KV cache" in name else rows  # minutes otherwise; the point is the ratio
            for row in few:
                t0 = time.perf_counter()
                out = model.predict(row)
                times[name].append(time.perf_counter() - t0)
                tokens[name].append(int(out["new_tokens"][0]))
    default = statistics.median(times["merged fp32 (served default)"])
    return {
        name: {
            "median_s": statistics.median(ts),
            "p95_s": _pct(ts, 0.95),
            "mean_new_tokens": statistics.mean(tokens[name]),
            "ms_per_token": 1000 * statistics.median(ts) / max(1, statistics.mean(tokens[name])),
            "vs_default": statistics.median(ts) / default,
            "requests": len(ts),
        }
        for name, ts in times.items()
    }


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _post(url: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}
    except OSError:
        return 0, {}


def _start(port: int, env: dict, max_batch: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobs.cli", "serve", "--port", str(port), "--max-batch", str(max_batch)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    sys.exit("the server did not come up")


def load(url: str, tickets: list[dict], clients: int, seconds: float) -> dict:
    """``clients`` closed-loop clients for ``seconds``: latency as each client measures it."""
    latencies: list[float] = []
    server_ms: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(i: int) -> None:
        nonlocal errors
        k = i
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            status, body = _post(f"{url}/v1/tickets", tickets[k % len(tickets)])
            elapsed = time.perf_counter() - t0
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                    server_ms.append(body["latency_ms"])
                else:
                    errors += 1
            k += clients

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "p50_s": statistics.median(latencies) if latencies else float("nan"),
        "p95_s": _pct(latencies, 0.95) if latencies else float("nan"),
        "throughput_rps": len(latencies) / wall,
    }


def server_load(env: dict, tickets: list[dict], seconds: float) -> dict:
    out: dict = {"levels": [], "batching": []}
    port = 18431
    for max_batch in (4, 1):
        proc = _start(port, env, max_batch)
        url = f"http://127.0.0.1:{port}"
        try:
            load(url, tickets, 1, 5)  # warm-up
            rss_before = _rss_mb(proc.pid)
            levels = (1, 4, 8) if max_batch == 4 else (4,)
            for clients in levels:
                result = {**load(url, tickets, clients, seconds), "max_batch": max_batch}
                (out["levels"] if max_batch == 4 else out["batching"]).append(result)
                if max_batch == 4 and clients == 4:
                    out["batching"].append(result)
            if max_batch == 4:
                out["rss_mb_before"], out["rss_mb_after"] = rss_before, _rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        port += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="load per concurrency level (3 levels + 1)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the model-alone comparison")
    parser.add_argument("--tickets", type=int, default=8, help="distinct tickets per round")
    parser.add_argument("--out", help="also write the results as JSON here")
    args = parser.parse_args()

    from llm_assets.settings import apply_offline_environment

    apply_offline_environment()
    with tempfile.TemporaryDirectory(prefix="serving-bench-") as tmp:
        data = Path(tmp)
        shared_models = str(ROOT / ".data" / "models")
        env = {**os.environ, "LLMP_DATA_DIR": str(data)}
        os.environ["LLMP_DATA_DIR"] = str(data)
        # the converted default model is reused from the project's data dir when it is there
        if Path(shared_models).is_dir():
            (data / "models").symlink_to(shared_models)
        _, uri = register_untrained_champion(data)
        tickets = _tickets(args.tickets)
        alone = model_alone(uri, tickets, args.rounds)
        served = server_load(env, tickets, args.seconds)

    print("\n== the model alone: one ticket per predict(), medians of", args.rounds, "rounds ==")
    print(f"{'variant':34} {'median s':>9} {'p95 s':>7} {'new tokens':>10} {'ms/token':>9} {'vs default':>10}")
    for name, r in alone.items():
        print(
            f"{name:34} {r['median_s']:9.3f} {r['p95_s']:7.3f} {r['mean_new_tokens']:10.1f} "
            f"{r['ms_per_token']:9.1f} {r['vs_default']:9.2f}x"
        )
    print(f"\n== the server on loopback (anonymization included), {args.seconds:.0f} s per level ==")
    print(f"{'clients':>7} {'max batch':>9} {'requests':>8} {'errors':>6} {'p50 s':>7} {'p95 s':>7} {'req/s':>6}")
    for r in served["levels"] + [b for b in served["batching"] if b["max_batch"] == 1]:
        print(
            f"{r['clients']:7d} {r['max_batch']:9d} {r['requests']:8d} {r['errors']:6d} {r['p50_s']:7.2f} "
            f"{r['p95_s']:7.2f} {r['throughput_rps']:6.2f}"
        )
    single = served["levels"][0]
    verdict = "met" if single["p95_s"] < SLO_P95_S else "NOT met"
    print(f"single client p95 {single['p95_s']:.2f} s: goal < {SLO_P95_S:.0f} s {verdict}")
    print(f"server RSS {served['rss_mb_before']:.0f} MB before the load, {served['rss_mb_after']:.0f} MB after")
    if args.out:
        Path(args.out).write_text(json.dumps({"model_alone": alone, "server": served}, indent=2))


if __name__ == "__main__":
    main()
