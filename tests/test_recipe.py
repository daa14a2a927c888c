"""The training recipe sized from the corpus, and the label-accuracy probe that says whether labels were learned."""

import pytest
import torch

from llm_assets.modeling.config import LoraTrainingConfig
from llm_assets.modeling.label_probe import LabelProbe, verdict
from llm_assets.modeling.recipe import apply, plan_recipe


def _completions(counts: dict[str, int]) -> list[str]:
    return [f"Category: {label}\nReply: ok." for label, n in counts.items() for _ in range(n)]


def test_auto_recipe_trains_until_the_rarest_label_is_seen_enough():
    balanced = plan_recipe(LoraTrainingConfig(), _completions({"a": 400, "b": 400}))
    skewed = plan_recipe(LoraTrainingConfig(), _completions({"a": 768, "b": 32}))
    # balanced: one epoch (100 steps of 8) already shows each label 400 times; skewed: 64 sightings of a 4 % label
    assert balanced.steps == 100 and balanced.capped_by == ""
    assert skewed.steps == 200 and skewed.rarest_label_seen == pytest.approx(64, abs=1)
    # longer than the reference run: a lower rate
    assert skewed.learning_rate == pytest.approx(1e-3 * (100 / 200) ** 0.5, rel=1e-4)
    assert balanced.learning_rate == pytest.approx(1e-3)


def test_auto_recipe_says_what_held_it_short():
    completions = _completions({"a": 790, "b": 10})
    budget = plan_recipe(LoraTrainingConfig(max_steps=50), completions)
    assert budget.steps == 50 and budget.capped_by == "max_steps"
    assert "held to that by max_steps" in budget.reason and "rarest label seen 5 times" in budget.reason
    epochs = plan_recipe(LoraTrainingConfig(max_auto_epochs=2.0), completions)
    assert epochs.steps == 200 and epochs.capped_by == "max_auto_epochs"
    trained = apply(LoraTrainingConfig(max_steps=50), budget)
    assert trained.max_steps == 50 and trained.epochs > budget.epochs


def test_fixed_recipe_and_unlabelled_corpora_train_as_configured():
    config = LoraTrainingConfig(recipe="fixed", epochs=2.0, learning_rate=5e-4)
    fixed = plan_recipe(config, _completions({"a": 790, "b": 10}))
    assert (fixed.steps, fixed.learning_rate) == (200, 5e-4) and apply(config, fixed) == config
    unlabelled = plan_recipe(LoraTrainingConfig(), ["just a reply"] * 80)
    assert unlabelled.steps == 10 and unlabelled.labels == 0  # one epoch: nothing to wait for
    with pytest.raises(ValueError, match="recipe must be one of"):
        plan_recipe(LoraTrainingConfig(recipe="longer"), ["x"])


class _SaysOneLabel(torch.nn.Module):
    """A 'model' whose greedy answer is always the same text."""

    def __init__(self, tokenizer, text: str):
        super().__init__()
        self.answer = tokenizer(text, add_special_tokens=False)["input_ids"]

    def generate(self, input_ids, attention_mask, max_new_tokens, **_):
        tail = torch.tensor([self.answer[:max_new_tokens]] * input_ids.shape[0])
        return torch.cat([input_ids, tail], dim=1)


def test_label_probe_scores_the_category_line(tiny_model_dir, monkeypatch):
    from transformers import AutoTokenizer

    from llm_assets.modeling import label_probe

    monkeypatch.setattr(label_probe, "SHARED_PREFIX_MIN_TOKENS", 10_000)  # the fake model only generates
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    labels = ["refund"] * 6 + ["shipment_status"] * 2
    validation = ([f"ticket {i}" for i in range(8)], _completions({"refund": 6, "shipment_status": 2}))
    probe = LabelProbe.build(tokenizer, validation, _completions({"refund": 3, "shipment_status": 9}), 8, 384)
    assert probe.labels == labels and probe.majority_share == 0.25  # the training split's majority is the rarer here
    model = _SaysOneLabel(tokenizer, "Category: Refund\nReply: sure")
    model.train()
    pad = tokenizer.pad_token_id
    assert probe.accuracy(model, tokenizer, pad, "cpu", None, batch_size=3) == 0.75
    assert model.training  # back in training mode
    assert probe.accuracy(_SaysOneLabel(tokenizer, "Reply: no category"), tokenizer, pad, "cpu", None) == 0.0
    assert LabelProbe.build(tokenizer, validation, ["Reply: no label"] * 4, 8, 384) is None


def test_verdict_reads_the_curve():
    assert verdict([(0, 0.1), (25, 0.5), (50, 0.8)], 0.3, 48)[0] is True
    learned, why = verdict([(0, 0.1), (25, 0.15), (50, 0.25)], 0.3, 48)
    assert not learned and "still rising" in why and "majority-class guess 0.30" in why
    assert "flat" in verdict([(0, 0.3), (25, 0.31), (50, 0.3)], 0.3, 48)[1]
    assert "then lost" in verdict([(0, 0.1), (25, 0.8), (50, 0.3)], 0.3, 48)[1]
    assert verdict([], 0.3, 48) == (False, "no label-accuracy probe (no labels, or no labelled validation example)")


def test_label_probe_runs_the_shared_prompt_prefix_once(tiny_model_dir, monkeypatch):
    """On CPU the prompts' common prefix is computed once and reused by every batch: the greedy category lines are
    the ones of the full prompts, batch by batch."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from llm_assets.modeling import label_probe

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    instruction = "Read the customer's ticket below, name its category on the first line and then write a short reply."
    tickets = ["my parcel never came", "refund please", "the app crashes when I log in to pay", "hi", "wrong size"]
    validation = ([f"{instruction}\n\n{t}" for t in tickets], _completions({"refund": 3, "shipment_status": 2}))
    probe = LabelProbe.build(tokenizer, validation, _completions({"refund": 3, "shipment_status": 3}), 8, 384)
    assert label_probe.common_prefix_length(probe.prompt_ids) >= label_probe.SHARED_PREFIX_MIN_TOKENS
    pad = tokenizer.pad_token_id
    shared = probe.answers(model, tokenizer, pad, "cpu", None, batch_size=2)
    monkeypatch.setattr(label_probe, "SHARED_PREFIX_MIN_TOKENS", 10_000)  # every prompt run whole
    assert probe.answers(model, tokenizer, pad, "cpu", None, batch_size=2) == shared
    assert probe.answers(model, tokenizer, pad, "cpu", None, batch_size=5) == shared
    assert label_probe.common_prefix_length([[1, 2, 3], [1, 2]]) == 1  # one token of the shortest left to run
