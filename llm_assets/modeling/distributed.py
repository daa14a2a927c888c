"""Data-parallel LoRA training through ``accelerate`` (DDP): one process per GPU.

``lora_adapter`` with ``num_processes > 1`` writes a spec, runs ``accelerate launch --multi_gpu --num_processes N
-m llm_assets.modeling.distributed SPEC`` and reads back the adapter folder and the result. On a machine without
GPUs the same path runs on CPU processes with the gloo backend (how the tests exercise it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from llm_assets.modeling.training import LoraTrainingConfig, TrainingResult
from llm_assets.settings import child_environment


def launch(spec: dict, num_processes: int, workdir: Path, on_line=None) -> TrainingResult:
    """Runs the distributed training described by ``spec`` and returns its result (the adapter is saved into
    ``spec['adapter_dir']`` by the main process)."""
    workdir.mkdir(parents=True, exist_ok=True)
    spec_path, result_path = workdir / "spec.json", workdir / "result.json"
    result_path.unlink(missing_ok=True)
    spec_path.write_text(json.dumps({**spec, "result_path": str(result_path)}))
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--multi_gpu",
        "--num_processes",
        str(num_processes),
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",  # the training loop applies its own autocast
        "--dynamo_backend",
        "no",
        "--main_process_ip",
        "127.0.0.1",
        "--main_process_port",
        str(port),
        "-m",
        "llm_assets.modeling.distributed",
        str(spec_path),
    ]
    env = child_environment(OMP_NUM_THREADS=str(max(1, (os.cpu_count() or 1) // num_processes)))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tail: list[str] = []
    for line in proc.stdout:
        tail = [*tail[-40:], line]
        if on_line and line.startswith("{"):
            on_line(line)
    if proc.wait() != 0 or not result_path.exists():
        raise RuntimeError("distributed training failed:\n" + "".join(tail))
    data = json.loads(result_path.read_text())
    data["loss_curve"] = [tuple(x) for x in data["loss_curve"]]
    return TrainingResult(**data)


def main() -> None:
    import llm_assets  # noqa: F401  (offline environment first)

    spec = json.loads(Path(sys.argv[1]).read_text())
    import torch
    from accelerate import Accelerator
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from llm_assets.modeling.training import train_lora

    accelerator = Accelerator(cpu=not torch.cuda.is_available())
    tokenizer = AutoTokenizer.from_pretrained(spec["base_model_path"])
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(spec["base_model_path"])
    config = LoraTrainingConfig(**spec["config"])

    def on_log(step: int, loss: float, tokens_per_s: float) -> None:
        if accelerator.is_main_process:
            print(json.dumps({"step": step, "loss": loss, "tokens_per_s": tokens_per_s}), flush=True)

    peft_model, result = train_lora(
        model,
        tokenizer,
        (spec["train_prompts"], spec["train_completions"]),
        (spec["validation_prompts"], spec["validation_completions"]),
        config,
        on_log=on_log,
        checkpoint_dir=Path(spec["checkpoint_dir"]) if spec.get("checkpoint_dir") else None,
        accelerator=accelerator,
        init_adapter_dir=spec.get("init_adapter_dir"),
    )
    if accelerator.is_main_process:
        peft_model.save_pretrained(spec["adapter_dir"])
        Path(spec["result_path"]).write_text(json.dumps(asdict(result)))
    accelerator.wait_for_everyone()
    accelerator.end_training()


if __name__ == "__main__":
    main()
