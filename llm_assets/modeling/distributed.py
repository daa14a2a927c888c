"""Data-parallel LoRA training (DDP): through ``accelerate launch`` on this machine, or Ray Train on a cluster.

``lora_adapter`` with ``num_processes > 1`` writes a spec, runs ``accelerate launch --multi_gpu --num_processes N
-m llm_assets.modeling.distributed SPEC`` and reads back the adapter folder and the result. On a machine without
GPUs the same path runs on CPU processes with the gloo backend (how the tests exercise it). With the ``ray`` compute
backend, ``train_on_ray`` runs the same loop (``train_from_spec``) in Ray Train's workers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from llm_assets.modeling.training import LoraTrainingConfig, TrainingResult, save_adapter
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
    data["label_curve"] = [tuple(x) for x in data.get("label_curve", [])]
    return TrainingResult(**data)


def accelerator():
    """This process's place in the DDP group that accelerate or Ray Train set up."""
    import torch
    from accelerate import Accelerator

    return Accelerator(cpu=not torch.cuda.is_available())


def train_from_spec(spec: dict, accelerator, on_log=None):
    """One process of the DDP group (``accelerator``; None: a group of one, trained as in the step's own process):
    loads the base model and trains on its share of the spec's examples. Gives the adapter model and the result."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from llm_assets.modeling.training import train_lora

    tokenizer = AutoTokenizer.from_pretrained(spec["base_model_path"])
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(spec["base_model_path"])
    peft_model, result = train_lora(
        model,
        tokenizer,
        (spec["train_prompts"], spec["train_completions"]),
        (spec["validation_prompts"], spec["validation_completions"]),
        LoraTrainingConfig(**spec["config"]),
        on_log=on_log,
        checkpoint_dir=Path(spec["checkpoint_dir"]) if spec.get("checkpoint_dir") else None,
        accelerator=accelerator,
        init_adapter_dir=spec.get("init_adapter_dir"),
    )
    return peft_model, result


def main() -> None:
    import llm_assets  # noqa: F401  (offline environment first)

    spec = json.loads(Path(sys.argv[1]).read_text())
    place = accelerator()

    def on_log(step: int, loss: float, tokens_per_s: float) -> None:
        if place.is_main_process:
            print(json.dumps({"step": step, "loss": loss, "tokens_per_s": tokens_per_s}), flush=True)

    peft_model, result = train_from_spec(spec, place, on_log)
    if place.is_main_process:
        save_adapter(peft_model, spec["adapter_dir"])
        Path(spec["result_path"]).write_text(json.dumps(asdict(result)))
    place.wait_for_everyone()
    place.end_training()


def train_on_ray(
    spec: dict, num_workers: int, storage_path: str, name: str, cpus_per_worker: int = 1, use_gpu: bool = False
) -> TrainingResult:
    """The same training on the connected Ray cluster: Ray Train's ``TorchTrainer`` starts ``num_workers`` workers in
    one DDP group (gloo on CPU, NCCL on GPUs), each runs ``train_from_spec`` with ``cpus_per_worker`` torch threads
    (with the world size, what fixes the float rounding: the local step's share gives the local adapter, bit for
    bit); the main worker reports the adapter as a Ray Train checkpoint under ``storage_path``, copied here into
    ``spec['adapter_dir']``."""
    from ray.train import RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer

    trainer = TorchTrainer(
        _ray_train_worker,
        train_loop_config={**spec, "threads": cpus_per_worker},
        scaling_config=ScalingConfig(
            num_workers=max(1, num_workers), use_gpu=use_gpu, resources_per_worker={"CPU": cpus_per_worker}
        ),
        run_config=RunConfig(name=name, storage_path=storage_path),
    )
    fitted = trainer.fit()
    if fitted.checkpoint is None:
        raise RuntimeError(f"Ray Train reported no adapter: {fitted.error!r}")
    fitted.checkpoint.to_directory(spec["adapter_dir"])
    data = json.loads(fitted.metrics["result"])
    data["loss_curve"] = [tuple(x) for x in data["loss_curve"]]
    data["label_curve"] = [tuple(x) for x in data.get("label_curve", [])]
    return TrainingResult(**data)


def _ray_train_worker(spec: dict) -> None:
    import tempfile

    import ray.train
    import torch
    from ray.train import Checkpoint

    import llm_assets  # noqa: F401  (offline environment first)

    torch.set_num_threads(max(1, int(spec["threads"])))
    # one worker trains as the step does in its own process (no DDP wrapper, so the shared prompt prefix stays on):
    # the same adapter, bit for bit
    place = accelerator() if ray.train.get_context().get_world_size() > 1 else None
    peft_model, result = train_from_spec(spec, place)
    metrics = {"result": json.dumps(asdict(result))}
    with tempfile.TemporaryDirectory() as out:
        checkpoint = None
        if place is None or place.is_main_process:
            save_adapter(peft_model, out)
            checkpoint = Checkpoint.from_directory(out)
        ray.train.report(metrics, checkpoint=checkpoint)


if __name__ == "__main__":
    main()
