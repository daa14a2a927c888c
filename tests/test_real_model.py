"""One small end-to-end run on the real default model, SmolLM2-135M-Instruct, converted offline from its GGUF."""

import json
from pathlib import Path

import pytest

from resources.base_model import DEFAULT_MODEL, BaseModelResource
from tests.helpers import ingest, train

pytestmark = [pytest.mark.real_model, pytest.mark.slow]
MODEL_CACHE = Path(__file__).resolve().parent.parent / ".data" / "models"  # shared with `make demo`


def test_real_model_learns_the_task_end_to_end(landing, instance, resources):
    _, batches = landing
    resources = {**resources, "base_model": BaseModelResource(model=DEFAULT_MODEL, cache_dir=str(MODEL_CACHE))}
    ingest(instance, resources, batches)
    result = train(
        instance,
        resources,
        {
            "lora_adapter": {"config": {"max_steps": 8, "batch_size": 4, "log_every": 2, "max_validation_examples": 8}},
            "evaluation_report": {
                "config": {"max_examples": 4, "max_new_tokens": 24, "batch_size": 4, "memorization_prompts": 4}
            },
            "fairness_audit": {"config": {"probe_prompts": 2, "probe_groups": ["US/F", "NG/M", "CN/F", "DE/M"]}},
        },
    )
    assert result.success
    adapter = result.output_for_node("lora_adapter", "lora_adapter")
    config = json.loads(Path(adapter["adapter_dir"], "adapter_config.json").read_text())
    assert config["base_model_name_or_path"].endswith(DEFAULT_MODEL)
    assert adapter["training"]["trainable_params"] == 1_843_200  # r=16 on q/k/v/o of the 30 layers

    metrics = result.output_for_node("evaluation_report")["metrics"]
    # eight steps on completion tokens already make the reference answers far more likely than zero-shot
    assert metrics["candidate"]["perplexity"] < 0.8 * metrics["base"]["perplexity"]
    gens = Path(result.output_for_node("evaluation_report")["report_html"]).with_name("generations.jsonl")
    rows = [json.loads(line) for line in gens.read_text().splitlines()]
    assert len(rows) == 4 and all(r["base"] and r["candidate"] for r in rows)
    assert result.output_for_node("registered_model", "registered_model")["version"] == "1"
    memorization = result.output_for_node("evaluation_report")["memorization"]
    assert memorization["passed"] and memorization["canary_prompts"] >= 1  # the real model never gives a canary back
