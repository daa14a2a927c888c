"""One training measurement in its own process (so peak memory is its own): the project's trainer or a plain
peft + ``transformers.Trainer`` script, same model, examples and hyper-parameters.

    python -m benchmarks.pipeline.train_worker own|hf SPEC.json OUT.json
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
    _, result = train_lora(model, tok, (spec["prompts"], spec["completions"]), ([], []), config)
    return {
        "tokens": result.train_tokens,
        "seconds": result.seconds,
        "steps": result.steps,
        "final_loss": result.final_loss,
        "precision": result.precision,
    }


def run_hf(spec: dict) -> dict:
    """What a plain script does: chat-formatted prompt + completion as one text, padded per batch by the LM
    collator, the Trainer's defaults otherwise (fp32 on CPU, random order, no length grouping)."""
    import tempfile

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import DataCollatorForLanguageModeling, Trainer, TrainingArguments

    from llm_assets.core.prompting import chat_prompt

    model, tok = _load(spec)
    h = spec["hparams"]
    texts = [chat_prompt(tok, p) + c + tok.eos_token for p, c in zip(spec["prompts"], spec["completions"], strict=True)]
    rows = [tok(t, truncation=True, max_length=h["max_length"], add_special_tokens=False) for t in texts]
    dataset = [{"input_ids": r["input_ids"], "attention_mask": r["attention_mask"]} for r in rows]
    model = get_peft_model(
        model,
        LoraConfig(
            r=h["r"],
            lora_alpha=h["alpha"],
            lora_dropout=h["dropout"],
            target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
            task_type="CAUSAL_LM",
        ),
    )
    counted = {"tokens": 0}

    class CountingTrainer(Trainer):
        def compute_loss(self, model, inputs, *args, **kwargs):
            counted["tokens"] += int(inputs["attention_mask"].sum())
            return super().compute_loss(model, inputs, *args, **kwargs)

    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out,
            per_device_train_batch_size=h["batch_size"],
            learning_rate=h["lr"],
            max_steps=h["steps"],
            warmup_steps=int(h["steps"] * h["warmup_ratio"]),
            lr_scheduler_type="linear",
            logging_steps=max(1, h["steps"] // 4),
            save_strategy="no",
            report_to=[],
            use_cpu=not torch.cuda.is_available(),
            seed=h["seed"],
            dataloader_num_workers=0,
            disable_tqdm=True,
        )
        trainer = CountingTrainer(
            model=model, args=args, train_dataset=dataset, data_collator=DataCollatorForLanguageModeling(tok, mlm=False)
        )
        t0 = time.perf_counter()
        output = trainer.train()
        seconds = time.perf_counter() - t0
    return {
        "tokens": counted["tokens"],
        "seconds": round(seconds, 2),
        "steps": output.global_step,
        "final_loss": round(output.training_loss, 4),
        "precision": "fp32",
    }


def main() -> None:
    apply_offline_environment()
    kind, spec_path, out_path = sys.argv[1:4]
    spec = json.loads(Path(spec_path).read_text())
    result = (run_own if kind == "own" else run_hf)(spec)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["tokens_per_s"] = round(result["tokens"] / result["seconds"], 1)
    with open(out_path, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
