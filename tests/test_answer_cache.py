"""The answer cache: what a model answered is found again only under the same weights and settings, and answers
computed in pieces score as one run."""

import json

import pytest

from llm_assets.core import answer_cache
from llm_assets.core.answer_cache import Answer


def _answer(text: str, run: str = "r1") -> Answer:
    return Answer(text, 1.5, 3, 0.2, 4, 0.1, run)


def test_an_adapter_is_named_by_its_weights_not_by_the_files_beside_them(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        (d / "adapter_config.json").write_text('{"r": 16}')
        (d / "adapter_model.safetensors").write_bytes(b"weights")
    (a / "lineage.json").write_text('{"run": "one"}')
    (b / "lineage.json").write_text('{"run": "two"}')
    assert answer_cache.adapter_digest(str(a)) == answer_cache.adapter_digest(str(b)) is not None
    (b / "adapter_model.safetensors").write_bytes(b"other weights")
    assert answer_cache.adapter_digest(str(a)) != answer_cache.adapter_digest(str(b))
    assert answer_cache.adapter_digest(str(tmp_path / "missing")) is None


def test_answers_are_merged_per_example_and_a_torn_file_is_a_miss(tmp_path):
    settings = {"max_new_tokens": 80, "batch_size": 8}
    key = answer_cache.model_key(["base"], (), settings)
    assert key != answer_cache.model_key(["base"], (("p", "c"),), settings)
    assert key != answer_cache.model_key(["base", "adapter"], (), settings)
    assert key != answer_cache.model_key(["base"], (), {**settings, "max_new_tokens": 40})
    one, two = answer_cache.example_key("p1", "c1"), answer_cache.example_key("p2", "c2")
    assert one != answer_cache.example_key("p1", "another reference")
    answer_cache.save(tmp_path, key, {one: _answer("first")})
    answer_cache.save(tmp_path, key, {two: _answer("second", "r2")})
    assert answer_cache.load(tmp_path, key) == {one: _answer("first"), two: _answer("second", "r2")}
    (tmp_path / f"{key}.json").write_text('{"answers": {"x": {"generation": 1}}')
    assert answer_cache.load(tmp_path, key) == {}
    (tmp_path / f"{key}.json").write_text(json.dumps({"answers": {one: {"unexpected": 1}}}))
    assert answer_cache.load(tmp_path, key) == {}


def test_answers_computed_in_pieces_score_as_one_run(tiny_model_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from llm_assets.core.scoring import answer_examples, score

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    prompts = [f"Ticket {i}: my order {i} has not arrived" for i in range(6)]
    refs = [f"Category: shipping\nReply: Order {i} is on its way." for i in range(6)]
    labels = ["shipping"] * 6

    def answers(idx):
        return answer_examples(
            model, tokenizer, [prompts[i] for i in idx], [refs[i] for i in idx], 8, 1, 128, "fp32", "run"
        )

    whole = answers(range(6))
    pieces = answers([0, 1, 2, 3]) + answers([4, 5])
    assert [a.generation for a in pieces] == [a.generation for a in whole]
    assert [a.loss_tokens for a in pieces] == [a.loss_tokens for a in whole] and all(a.loss_tokens for a in whole)
    assert [a.loss_sum for a in pieces] == pytest.approx([a.loss_sum for a in whole], rel=1e-5)
    a, b = score("m", whole, prompts, refs, labels), score("m", pieces, prompts, refs, labels)
    timing = ("latency_p50_s", "latency_p95_s", "generated_tokens_per_s")
    assert {k: v for k, v in a.metrics.items() if k not in timing} == pytest.approx(
        {k: v for k, v in b.metrics.items() if k not in timing}, abs=1e-4
    )
    assert a.metrics["examples"] == 6 and a.metrics["perplexity"] > 1.0
