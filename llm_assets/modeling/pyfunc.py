"""The MLflow flavour of an adapter: a pyfunc that loads the base model, applies the LoRA adapter and generates.

Logging the adapter as a *logged model* is what makes it registrable; its files are the adapter folder only, the
base model is referenced by path in the model config.
"""

from __future__ import annotations

import mlflow.pyfunc


class LoraAdapterModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context) -> None:
        from peft import PeftModel
        from transformers import AutoModelForCausalLM, AutoTokenizer

        base_path = context.model_config["base_model_path"]
        self.tokenizer = AutoTokenizer.from_pretrained(base_path, local_files_only=True)
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        base = AutoModelForCausalLM.from_pretrained(base_path, local_files_only=True)
        self.model = PeftModel.from_pretrained(base, context.artifacts["adapter"]).merge_and_unload()
        self.max_new_tokens = int(context.model_config.get("max_new_tokens", 96))

    def predict(self, context, model_input, params=None):
        from llm_assets.core.lm import pick_device_and_dtype
        from llm_assets.core.scoring import generate

        prompts = (
            list(model_input["prompt"])
            if hasattr(model_input, "__getitem__") and not isinstance(model_input, list)
            else list(model_input)
        )
        device, dtype = pick_device_and_dtype("auto")
        self.model.to(device)
        texts, _, _ = generate(self.model, self.tokenizer, prompts, self.max_new_tokens, 8, device, dtype)
        return texts
