"""One training measurement in its own process (so peak memory is its own), same model, examples, hyper-parameters
and token accounting (non-padding tokens fed to the model):

- ``own``: the project's trainer (``train_lora``);
- ``hf``: a plain peft + ``transformers.Trainer`` script (whole-sequence loss, random order);
- ``hf_best``: ``Trainer`` as a careful practitioner sets it up: completion-only labels (prompt positions -100),
  ``train_sampling_strategy="group_by_length"``, padding to the longest of each batch, bf16 where the project trainer
  uses it;
- ``trl``: TRL's ``SFTTrainer`` with its best CPU settings: prompt-completion data with ``completion_only_loss``,
  length grouping. Packing and padding-free batching are left off: without FlashAttention (CUDA only) they let
  examples attend to each other, a different computation, not a faster one.

Every run reports the completion-only loss on the same held-out validation examples, measured the same way after
training, so throughput is compared at known loss.

    python -m benchmarks.pipeline.train_worker own|hf|hf_best|trl SPEC.json OUT.json
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from llm_assets.settings import apply_offline_environment


def _load(spec: dict):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(spec["model"])
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return AutoModelForCausalLM.from_pretrained(spec["model"]), tok


def _precision() -> str:
    from llm_assets.core.lm import pick_device_and_dtype

    _, dtype = pick_device_and_dtype("auto")
    return "bf16" if dtype is not None else "fp32"


def validation_loss(model, tok, spec: dict) -> float:
    """Completion-only mean loss on the spec's validation examples, the same function for every trainer."""
    from llm_assets.core.lm import mean_loss, pick_device_and_dtype, tokenize_split

    device, dtype = pick_device_and_dtype("auto")
    encoded, _ = tokenize_split(
        tok, spec["validation_prompts"], spec["validation_completions"], spec["hparams"]["max_length"]
    )
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    return round(mean_loss(model.to(device), encoded, pad, device, dtype), 4)


def _train_counted(trainer_cls, tok, spec: dict, precision: str, **kwargs) -> dict:
    """Runs a (subclass of) ``transformers.Trainer`` that counts the non-padding tokens it feeds the model, and
    reports what every set-up reports."""
    counted = {"tokens": 0}

    class CountingTrainer(trainer_cls):
        def compute_loss(self, model, inputs, *args, **kw):
            counted["tokens"] += int(inputs["attention_mask"].sum())
            return super().compute_loss(model, inputs, *args, **kw)

    trainer = CountingTrainer(**kwargs)
    t0 = time.perf_counter()
    output = trainer.train()
    seconds = time.perf_counter() - t0
    return {
        "tokens": counted["tokens"],
        "seconds": round(seconds, 2),
        "steps": output.global_step,
        "final_loss": round(output.training_loss, 4),
        "precision": precision,
        "validation_loss": validation_loss(trainer.model, tok, spec),
    }


def run_own(spec: dict) -> dict:
    from llm_assets.modeling.training import LoraTrainingConfig, train_lora

    model, tok = _load(spec)
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
    )
    peft_model, result = train_lora(model, tok, (spec["prompts"], spec["completions"]), ([], []), config)
    return {
        "tokens": result.train_tokens,
        "seconds": result.seconds,
        "steps": result.steps,
        "final_loss": result.final_loss,
        "precision": result.precision,
        "validation_loss": validation_loss(peft_model, tok, spec),
    }


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


def run_hf_best(spec: dict) -> dict:
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
        args = TrainingArguments(**_common_args(h, out), remove_unused_columns=False)
        collator = DataCollatorForSeq2Seq(tok, padding="longest", label_pad_token_id=-100)

        def collate(rows):
            return collator([{k: v for k, v in r.items() if k != "length"} for r in rows])

        return _train_counted(
            Trainer, tok, spec, _precision(), model=model, args=args, train_dataset=dataset, data_collator=collate
        )


def run_trl(spec: dict) -> dict:
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
            max_length=h["max_length"],
            completion_only_loss=True,
            packing=False,
            padding_free=False,
            dataset_kwargs={"add_special_tokens": False},
        )
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


RUNNERS = {"own": run_own, "hf": run_hf, "hf_best": run_hf_best, "trl": run_trl}


def main() -> None:
    apply_offline_environment()
    kind, spec_path, out_path = sys.argv[1:4]
    spec = json.loads(Path(spec_path).read_text())
    result = RUNNERS[kind](spec)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["tokens_per_s"] = round(result["tokens"] / result["seconds"], 1)
    with open(out_path, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
