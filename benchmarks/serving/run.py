"""Serving benchmark: the generation engine against the transformers path, side by side in one run.

1. The engines alone (the same prompts, 64-token replies, greedy, one request at a time): transformers fp32 with the
   LoRA merged (the reference path, torch's threads on every core), and OpenVINO GenAI on the GGUF export at f16,
   q8_0 (the default) and q4_0, with 1 and 2 inference threads. Rounds alternate; medians. ms per generated token,
   seconds per request, and the share of replies identical to the reference's.
2. The real server (``llm-pipeline serve`` on loopback, anonymization included), once per engine: 1, 4 and 8
   concurrent clients for a bounded time each; per-request latency p50/p95 as the client sees it, requests/s, errors,
   and the server's peak RSS. The transformers server runs at its best configuration (dynamic batching, max batch 4,
   a deadline long enough that it never refuses); the engine's with continuous batching and its default deadline.

The adapter is a freshly initialised LoRA on the default base model (its B matrices are zero, so it answers like the
base model): latency depends on the shapes and on how many tokens are generated, not on the trained values, and an
untuned base model tends to write until the limit (the worst case); the new-token counts are printed beside. Quality
parity of the engine on a trained model is ``benchmarks/serving/parity.py``.

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
SLO_P95_S = 2.0  # at 4 clients; 1 s at 1 client


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


def register_untrained_champion(data: Path) -> tuple[dict, str, Path]:
    """A LoRA adapter (default shape) on the default base model, logged with its GGUF export and registered as the
    champion. Returns the resources, the model URI and the adapter folder."""
    import mlflow
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from llm_assets.core.examples import TrainingSetConfig, instruction_for
    from llm_assets.modeling.adapter_asset import export_for_serving, log_served_model, served_engine_config
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
        **served_engine_config(),
    }
    engine = export_for_serving(res["base_model"], adapter_dir, data / "bench-engine", serving)
    tracking = res["mlflow_tracking"]
    experiment = tracking.setup()
    with mlflow.start_run(experiment_id=experiment, run_name="serving-bench"):
        uri = log_served_model(adapter_dir, serving, engine["dir"])
    version = mlflow.register_model(uri, tracking.registered_model_name).version
    tracking.client().set_registered_model_alias(tracking.registered_model_name, tracking.champion_alias, version)
    return res, f"models:/{tracking.registered_model_name}/{version}", adapter_dir


REFERENCE = "transformers fp32 merged"


def engines_alone(res: dict, adapter_dir: Path, tickets: list[dict], rounds: int) -> dict:
    """Seconds per single-prompt generation (64 new tokens at most) for each engine set-up, medians over rounds
    (set-ups alternate), and the share of replies identical to the reference path's."""
    from llm_assets.core.examples import TrainingSetConfig, instruction_for
    from llm_assets.core.gguf_export import load_engine
    from llm_assets.core.prompting import format_prompt
    from llm_assets.sample_corpus.generator import CATEGORIES

    instruction = instruction_for(TrainingSetConfig(), sorted(CATEGORIES))
    template = TrainingSetConfig().prompt_template
    prompts = [format_prompt(instruction, template, {**t, "text": t["message"]}) for t in tickets]
    base = res["base_model"]
    setups = {REFERENCE: ("transformers", "", 0)}
    for precision in ("f16", "q8_0", "q4_0"):
        for threads in (1, 2):
            setups[f"openvino {precision}, {threads} thread{'s' * (threads > 1)}"] = ("openvino", precision, threads)
    engines = {
        name: load_engine(engine, base, str(adapter_dir), precision=precision, threads=threads, batch_size=1)
        for name, (engine, precision, threads) in setups.items()
    }
    try:
        for engine in engines.values():  # untimed warm-up: first-call allocations, caches
            engine.generate(prompts[:1], 8)
        times: dict[str, list[float]] = {n: [] for n in engines}
        tokens: dict[str, list[int]] = {n: [] for n in engines}
        texts: dict[str, list[str]] = {n: [] for n in engines}
        for _ in range(rounds):
            for name, engine in engines.items():
                for prompt in prompts:
                    t0 = time.perf_counter()
                    (g,) = engine.generate([prompt], 64)
                    times[name].append(time.perf_counter() - t0)
                    tokens[name].append(g.tokens)
                    texts[name].append(g.text)
    finally:
        for engine in engines.values():
            engine.close()
    reference = statistics.median(times[REFERENCE])
    return {
        name: {
            "median_s": statistics.median(ts),
            "p95_s": _pct(ts, 0.95),
            "mean_new_tokens": statistics.mean(tokens[name]),
            "ms_per_token": 1000 * sum(ts) / max(1, sum(tokens[name])),
            "speedup": reference / statistics.median(ts),
            "identical_to_reference": statistics.mean(map(str.__eq__, texts[name], texts[REFERENCE])),
            "requests": len(ts),
        }
        for name, ts in times.items()
    }


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def _rss_mb(pid: int, field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
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


def _start(port: int, env: dict, engine: str, max_batch: int, deadline_s: float) -> subprocess.Popen:
    command = [sys.executable, "-m", "jobs.cli", "serve", "--port", str(port), "--engine", engine]
    command += ["--max-batch", str(max_batch), "--deadline-s", str(deadline_s)]
    proc = subprocess.Popen(
        command,
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


SERVERS = {  # each at its best: the reference with dynamic batching and no refusals, the engine as shipped
    "transformers": {"max_batch": 4, "deadline_s": 600.0},
    "openvino": {"max_batch": 4, "deadline_s": 10.0},
}


def server_load(env: dict, tickets: list[dict], seconds: float) -> dict:
    out: dict = {}
    port = 18431
    for engine, settings in SERVERS.items():
        proc = _start(port, env, engine, **settings)
        url = f"http://127.0.0.1:{port}"
        try:
            load(url, tickets, 1, 5)  # warm-up
            levels = [{**load(url, tickets, clients, seconds), **settings} for clients in (1, 4, 8)]
            out[engine] = {"levels": levels, "peak_rss_mb": _rss_mb(proc.pid, "VmHWM")}
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
        res, _, adapter_dir = register_untrained_champion(data)
        tickets = _tickets(args.tickets)
        alone = engines_alone(res, adapter_dir, tickets, args.rounds)
        served = server_load(env, tickets, args.seconds)

    print(f"\n== the engines alone: one prompt at a time, 64 new tokens at most, medians of {args.rounds} rounds ==")
    print(f"{'set-up':30} {'median s':>9} {'p95 s':>7} {'tokens':>7} {'ms/token':>9} {'speed-up':>9} {'same text':>9}")
    for name, r in alone.items():
        print(
            f"{name:30} {r['median_s']:9.3f} {r['p95_s']:7.3f} {r['mean_new_tokens']:7.1f} "
            f"{r['ms_per_token']:9.1f} {r['speedup']:8.2f}x {r['identical_to_reference']:9.0%}"
        )
    print(f"\n== the server on loopback (anonymization included), {args.seconds:.0f} s per level ==")
    print(f"{'engine':13} {'clients':>7} {'requests':>8} {'errors':>6} {'p50 s':>7} {'p95 s':>7} {'req/s':>6}")
    for engine, result in served.items():
        for r in result["levels"]:
            print(
                f"{engine:13} {r['clients']:7d} {r['requests']:8d} {r['errors']:6d} {r['p50_s']:7.2f} "
                f"{r['p95_s']:7.2f} {r['throughput_rps']:6.2f}"
            )
    for engine, result in served.items():
        print(f"{engine} server peak RSS {result['peak_rss_mb']:.0f} MB")
    by_clients = {r["clients"]: r for r in served["openvino"]["levels"]}
    for clients, goal in ((1, 1.0), (4, SLO_P95_S)):
        p95 = by_clients[clients]["p95_s"]
        print(
            f"engine p95 at {clients} client(s): {p95:.2f} s, goal < {goal:.0f} s {'met' if p95 < goal else 'NOT met'}"
        )
    if args.out:
        Path(args.out).write_text(json.dumps({"engines_alone": alone, "server": served}, indent=2))


if __name__ == "__main__":
    main()
