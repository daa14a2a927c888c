"""Crash safety: a training killed with SIGKILL and launched again resumes from its last checkpoint."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

WORKER = """
import json, sys, time
from pathlib import Path
import llm_assets  # offline environment
from transformers import AutoModelForCausalLM, AutoTokenizer
from llm_assets.modeling.training import LoraTrainingConfig, train_lora

model_dir, ckpt, slow, out = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])
prompts = [f"Ticket {i}: where is order ORD-{100000 + i}?" for i in range(48)]
completions = [f"Category: shipment_status\\nReply: Order ORD-{100000 + i} ships today." for i in range(48)]
config = LoraTrainingConfig(
    max_steps=12, batch_size=4, checkpoint_every=2, log_every=1, learning_rate=5e-3, lora_dropout=0.1, precision="fp32"
)
logged = []

def on_log(step, loss, tps):
    logged.append(step)
    print(f"step {step}", flush=True)
    time.sleep(slow)

model = AutoModelForCausalLM.from_pretrained(model_dir)
tok = AutoTokenizer.from_pretrained(model_dir)
_, result = train_lora(model, tok, (prompts, completions), ([], []), config, on_log=on_log, checkpoint_dir=ckpt)
out.write_text(json.dumps({"logged": logged, "steps": result.steps, "resumed_from_step": result.resumed_from_step,
                           "curve": result.loss_curve}))
"""


def _launch(tiny_model_dir, ckpt: Path, slow: float, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(tiny_model_dir), str(ckpt), str(slow), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )


def _checkpoint_step(ckpt: Path) -> int:
    import torch

    return int(torch.load(ckpt / "checkpoint.pt", weights_only=False)["step"])


def test_sigkill_mid_training_then_relaunch_continues_the_step_count(tiny_model_dir, tmp_path):
    ckpt, out = tmp_path / "ckpt", tmp_path / "out.json"
    proc = _launch(tiny_model_dir, ckpt, slow=0.4, out=out)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("step ") and int(line.split()[1]) >= 5:
            break
    os.kill(proc.pid, signal.SIGKILL)  # no clean-up, no atexit: as an OOM killer or a lost node would
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL and not out.exists()
    saved = _checkpoint_step(ckpt)
    assert 4 <= saved < 12

    relaunch = _launch(tiny_model_dir, ckpt, slow=0.0, out=out)
    relaunch.communicate(timeout=300)
    assert relaunch.returncode == 0
    resumed = json.loads(out.read_text())
    assert resumed["resumed_from_step"] == saved
    assert resumed["logged"] == list(range(saved + 1, 13))  # the count continues, no step is run twice
    assert resumed["steps"] == 12 and len(resumed["curve"]) == 12
    assert not ckpt.exists()  # a finished training leaves no stale checkpoint behind

    # and the resumed run ends where an uninterrupted one does (same data order, optimizer state and RNG)
    out2 = tmp_path / "straight.json"
    straight = _launch(tiny_model_dir, tmp_path / "ckpt2", slow=0.0, out=out2)
    straight.communicate(timeout=300)
    reference = json.loads(out2.read_text())
    assert reference["resumed_from_step"] == 0
    for (s1, l1), (s2, l2) in zip(resumed["curve"], reference["curve"], strict=True):
        assert s1 == s2 and abs(l1 - l2) < 1e-4, (s1, l1, l2)
