"""One training measurement in its own process (so peak memory is its own), same model, examples, hyper-parameters
and token accounting (non-padding tokens fed to the model):

- ``own``: the project's trainer (``train_lora``); ``own_unshared``: the same with the shared prompt prefix off;
- ``hf``: a plain peft + ``transformers.Trainer`` script (whole-sequence loss, random order);
- ``hf_best``: ``Trainer`` as a careful practitioner sets it up: completion-only labels (prompt positions -100),
  ``train_sampling_strategy="group_by_length"``, padding to the longest of each batch, bf16 where the project trainer
  uses it;
- ``trl``: TRL's ``SFTTrainer`` on prompt-completion data with ``completion_only_loss``, length grouping;
- ``trl_padding_free``: the same with ``padding_free=True`` (the batch flattened into one sequence without padding;
  transformers builds the block-diagonal mask from the position ids, so examples do not attend to each other on
  SDPA either). Packing is left off: it changes how many examples a step sees;
- on CUDA only (Triton kernels), with the ``liger-kernel`` package: ``hf_best_liger`` and ``trl_liger``, the two
  above with ``use_liger_kernel=True`` (fused RMSNorm, RoPE, SwiGLU and linear + cross-entropy), and ``own_liger``,
  the project trainer on a model whose RMSNorm, RoPE and SwiGLU Liger has patched (its loss is its own).

Every run measures the completion-only loss on the same held-out validation examples with the same function at the
same steps (``eval_every``), outside its training time, so speed is compared at known loss and the time to reach a
given validation loss can be read off the curve.

    python -m benchmarks.pipeline.train_worker KIND SPEC.json OUT.json
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from llm_assets.settings import apply_offline_environment


def _load(spec: dict):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(spec["hparams"]["seed"])  # the LoRA initialisation of every set-up follows the round's seed

    tok = AutoTokenizer.from_pretrained(spec["model"])
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return AutoModelForCausalLM.from_pretrained(spec["model"]), tok


def _precision() -> str:
    from llm_assets.core.lm import pick_device_and_dtype

    _, dtype = pick_device_and_dtype("auto")
    return "bf16" if dtype is not None else "fp32"


class ValidationClock:
    """Completion-only validation loss at fixed steps, the same function on the same examples for every set-up, its
    own time kept out of the training time: ``curve`` holds (step, training seconds so far, validation loss)."""

    def __init__(self, tok, spec: dict):
        from llm_assets.core.lm import pick_device_and_dtype, tokenize_split

        self.device, self.dtype = pick_device_and_dtype("auto")
        self.encoded, _ = tokenize_split(
            tok, spec["validation_prompts"], spec["validation_completions"], spec["hparams"]["max_length"]
        )  # once: every measurement reuses it
        self.pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        steps, every = spec["hparams"]["steps"], spec.get("eval_every") or spec["hparams"]["steps"]
        self.at = {s for s in range(every, steps + 1, every)} | {steps}
        self.points: list[tuple[int, float, float, float]] = []  # step, wall clock, eval seconds, loss

    def maybe_measure(self, model, step: int) -> None:
        from llm_assets.core.lm import mean_loss

        if step not in self.at or any(p[0] == step for p in self.points):
            return
        entered = time.perf_counter()
        loss = round(mean_loss(model.to(self.device), self.encoded, self.pad, self.device, self.dtype), 4)
        model.train()
        self.points.append((step, entered, time.perf_counter() - entered, loss))

    @property
    def eval_seconds(self) -> float:
        return sum(p[2] for p in self.points)

    def curve(self, loop_started: float) -> list[tuple[int, float, float]]:
        out, spent = [], 0.0
        for step, entered, seconds, loss in sorted(self.points):
            out.append((step, round(entered - loop_started - spent, 4), loss))
            spent += seconds
        return out


def _report(tokens: int, steps: int, final_loss: float, precision: str, clock: ValidationClock, started, ended):
    seconds = ended - started - clock.eval_seconds
    curve = clock.curve(started)
    return {
        "tokens": tokens,
        "seconds": round(seconds, 2),
        "steps": steps,
        "final_loss": round(final_loss, 4),
        "precision": precision,
        "validation_curve": curve,
        "validation_loss": curve[-1][2],
    }


def _train_counted(trainer_cls, tok, spec: dict, precision: str, **kwargs) -> dict:
    """Runs a (subclass of) ``transformers.Trainer`` that counts the non-padding tokens it feeds the model and
    measures the validation loss at the clock's steps, and reports what every set-up reports."""
    from transformers import TrainerCallback

    counted = {"tokens": 0}
    clock = ValidationClock(tok, spec)

    class CountingTrainer(trainer_cls):
        def compute_loss(self, model, inputs, *args, **kw):
            mask = inputs.get("attention_mask")
            # padding-free batches carry no mask: every token of the flattened sequence is an example token
            counted["tokens"] += int(mask.sum()) if mask is not None else int(inputs["input_ids"].numel())
            return super().compute_loss(model, inputs, *args, **kw)

    class Validate(TrainerCallback):
        def on_step_end(self, args, state, control, model=None, **kw):
            clock.maybe_measure(model, state.global_step)

    trainer = CountingTrainer(**kwargs, callbacks=[Validate()])
    t0 = time.perf_counter()
    output = trainer.train()
    ended = time.perf_counter()
    return _report(counted["tokens"], output.global_step, output.training_loss, precision, clock, t0, ended)


def run_own(spec: dict, _patch=None, **overrides) -> dict:
    """``train_lora`` with the spec's hyper-parameters; ``overrides``: other ``LoraTrainingConfig`` fields;
    ``_patch``: applied to the loaded model before training."""
    from llm_assets.modeling.training import LoraTrainingConfig, train_lora

    model, tok = _load(spec)
    if _patch is not None:
        model = _patch(model)
    h = spec["hparams"]
    config = LoraTrainingConfig(
        r=h["r"],
        lora_alpha=h["alpha"],
        lora_dropout=h["dropout"],
        learning_rate=h["lr"],
        batch_size=h["batch_size"],
        max_steps=h["steps"],
        max_length=h["max_length"],
        warmup_ratio=h["warmup_ratio"],
        seed=h["seed"],
        checkpoint_every=0,
        max_validation_examples=0,
        log_every=spec.get("eval_every") or h["steps"],
        **overrides,
    )
    clock = ValidationClock(tok, spec)
    _, result = train_lora(
        model,
        tok,
        (spec["prompts"], spec["completions"]),
        ([], []),
        config,
        # the LoRA layers are injected into `model`: measuring it measures the adapter
        on_log=lambda step, loss, tps: clock.maybe_measure(model, step),
    )
    ended = time.perf_counter()
    # result.seconds is the training loop's time, validation included; the loop began that long before it returned
    started = ended - result.seconds
    return _report(result.train_tokens, result.steps, result.final_loss, result.precision, clock, started, ended)


def run_own_liger(spec: dict) -> dict:
    """The project trainer on a model with Liger's RMSNorm, RoPE and SwiGLU kernels (not its cross-entropy: the
    trainer applies the LM head to completion positions only and computes its own loss)."""
    from liger_kernel.transformers import apply_liger_kernel_to_llama

    def patch(model):
        apply_liger_kernel_to_llama(
            rope=True, rms_norm=True, swiglu=True, cross_entropy=False, fused_linear_cross_entropy=False, model=model
        )
        return model

    return run_own(spec, _patch=patch)


def run_own_unshared(spec: dict) -> dict:
    """The project trainer with the shared prompt prefix turned off: what that one change buys, and whether it
    changes learning."""
    return run_own(spec, shared_prefix_min_tokens=0)


def run_hf(spec: dict) -> dict:
    """What a plain script does: chat-formatted prompt + completion as one text, padded per batch by the LM
    collator, the Trainer's defaults otherwise (fp32 on CPU, random order, no length grouping)."""
    import tempfile

    from transformers import DataCollatorForLanguageModeling, Trainer, TrainingArguments

    from llm_assets.core.prompting import chat_prompt

    model, tok = _load(spec)
    h = spec["hparams"]
    texts = [chat_prompt(tok, p) + c + tok.eos_token for p, c in zip(spec["prompts"], spec["completions"], strict=True)]
    rows = [tok(t, truncation=True, max_length=h["max_length"], add_special_tokens=False) for t in texts]
    dataset = [{"input_ids": r["input_ids"], "attention_mask": r["attention_mask"]} for r in rows]
    model = _lora(model, h)
    with tempfile.TemporaryDirectory() as out:
        # the Trainer's defaults: fp32, random order
        args = TrainingArguments(**{**_common_args(h, out), "bf16": False, "train_sampling_strategy": "random"})
        return _train_counted(
            Trainer,
            tok,
            spec,
            "fp32",
            model=model,
            args=args,
            train_dataset=dataset,
            data_collator=DataCollatorForLanguageModeling(tok, mlm=False),
        )


def _lora(model, h: dict):
    from peft import LoraConfig, get_peft_model

    return get_peft_model(
        model,
        LoraConfig(
            r=h["r"],
            lora_alpha=h["alpha"],
            lora_dropout=h["dropout"],
            target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
            task_type="CAUSAL_LM",
        ),
    )


def _common_args(h: dict, out: str) -> dict:
    import torch

    return {
        "output_dir": out,
        "per_device_train_batch_size": h["batch_size"],
        "learning_rate": h["lr"],
        "max_steps": h["steps"],
        "warmup_steps": int(h["steps"] * h["warmup_ratio"]),
        "lr_scheduler_type": "linear",
        "logging_steps": max(1, h["steps"] // 4),
        "save_strategy": "no",
        "report_to": [],
        "use_cpu": not torch.cuda.is_available(),
        "seed": h["seed"],
        "dataloader_num_workers": 0,
        "disable_tqdm": True,
        "bf16": _precision() == "bf16",
        "train_sampling_strategy": "group_by_length",
    }


def run_hf_best(spec: dict, liger: bool = False) -> dict:
    """``Trainer`` with completion-only labels, length-grouped batches and the project's precision."""
    import tempfile

    from transformers import DataCollatorForSeq2Seq, Trainer, TrainingArguments

    from llm_assets.core.lm import tokenize_split

    model, tok = _load(spec)
    h = spec["hparams"]
    encoded, _ = tokenize_split(tok, spec["prompts"], spec["completions"], h["max_length"])
    dataset = [
        {"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels, "length": len(ids)}
        for ids, labels in encoded
    ]
    model = _lora(model, h)
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(**_common_args(h, out), remove_unused_columns=False, use_liger_kernel=liger)
        collator = DataCollatorForSeq2Seq(tok, padding="longest", label_pad_token_id=-100)

        def collate(rows):
            return collator([{k: v for k, v in r.items() if k != "length"} for r in rows])

        return _train_counted(
            Trainer, tok, spec, _precision(), model=model, args=args, train_dataset=dataset, data_collator=collate
        )


def run_trl(spec: dict, padding_free: bool = False, liger: bool = False) -> dict:
    """TRL's SFTTrainer on prompt-completion data, completion-only loss, length-grouped batches."""
    import tempfile

    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    from llm_assets.core.prompting import chat_prompt

    model, tok = _load(spec)
    h = spec["hparams"]
    dataset = Dataset.from_list(
        [
            {"prompt": chat_prompt(tok, p), "completion": c + tok.eos_token}
            for p, c in zip(spec["prompts"], spec["completions"], strict=True)
        ]
    )
    with tempfile.TemporaryDirectory() as out:
        args = SFTConfig(
            **_common_args(h, out),
            # padding-free does not truncate: the examples are checked to fit max_length below
            max_length=None if padding_free else h["max_length"],
            completion_only_loss=True,
            packing=False,
            padding_free=padding_free,
            use_liger_kernel=liger,
            dataset_kwargs={"add_special_tokens": False},
        )
        if padding_free:
            longest = max(
                len(tok(r["prompt"] + r["completion"], add_special_tokens=False)["input_ids"]) for r in dataset
            )
            if longest > h["max_length"]:
                raise ValueError(f"an example of {longest} tokens exceeds max_length: padding-free would not cut it")
        return _train_counted(
            SFTTrainer,
            tok,
            spec,
            _precision(),
            model=_lora(model, h),
            args=args,
            train_dataset=dataset,
            processing_class=tok,
        )


def run_trl_padding_free(spec: dict) -> dict:
    return run_trl(spec, padding_free=True)


RUNNERS = {
    "own": run_own,
    "own_unshared": run_own_unshared,
    "hf": run_hf,
    "hf_best": run_hf_best,
    "trl": run_trl,
    "trl_padding_free": run_trl_padding_free,
    "own_liger": run_own_liger,
    "hf_best_liger": lambda spec: run_hf_best(spec, liger=True),
    "trl_liger": lambda spec: run_trl(spec, liger=True),
}
CUDA_ONLY = {"own_liger", "hf_best_liger", "trl_liger"}  # Liger's kernels are Triton kernels


def main() -> None:
    apply_offline_environment()
    kind, spec_path, out_path = sys.argv[1:4]
    spec = json.loads(Path(spec_path).read_text())
    import torch

    if kind in CUDA_ONLY and not torch.cuda.is_available():
        sys.exit(f"{kind} needs CUDA")
    result = RUNNERS[kind](spec)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if torch.cuda.is_available():
        result["device"] = torch.cuda.get_device_name()
        result["peak_gpu_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    result["tokens_per_s"] = round(result["tokens"] / result["seconds"], 1)
    with open(out_path, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
