"""Continual fine-tuning: a warm start continues the champion's adapter on new plus replayed examples, falls back to
a full retrain whenever continuing would be wrong, and an erasure taints every version warm-started from a tainted
one."""

from __future__ import annotations

import json
from types import SimpleNamespace

import polars as pl
import pytest

from llm_assets.core import lineage
from llm_assets.modeling.config import LoraTrainingConfig
from llm_assets.modeling.warm_start import plan_training, run_config
from resources.warehouse import DuckDBWarehouse


def _training_set(n_old: int, n_new: int) -> pl.DataFrame:
    rows = [
        {
            "doc_id": f"{kind}{i}",
            "example_id": f"e-{kind}{i}",
            "split": "train",
            "prompt": f"p {kind}{i}",
            "completion": f"c {kind}{i}",
            "version": "ts2",
        }
        for kind, n in (("old", n_old), ("new", n_new))
        for i in range(n)
    ]
    rows.append(
        {
            "doc_id": "val0",
            "example_id": "e-val0",
            "split": "validation",
            "prompt": "p",
            "completion": "c",
            "version": "ts2",
        }
    )
    return pl.DataFrame(rows)


class _Tracking:
    registered_model_name = "assistant"

    def __init__(self, champion):
        self._champion = champion

    def champion_version(self):
        return self._champion


@pytest.fixture
def setup(tmp_path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    members = pl.DataFrame(
        {
            "version": "ts1",
            "doc_id": [f"old{i}" for i in range(30)],
            "example_id": "x",
            "split": "train",
            "recorded_at": lineage.now(),
        }
    )
    warehouse.upsert("train", "training_set_members", members, ["version", "doc_id"])
    adapter_dir = tmp_path / "adapter"
    adapter_dir.mkdir()
    (adapter_dir / "adapter_config.json").write_text(
        json.dumps({"r": 16, "lora_alpha": 32, "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"]})
    )
    champion = SimpleNamespace(
        version="1",
        run_id="run1",
        name="assistant",
        tags={
            "adapter_dir": str(adapter_dir),
            "training_set_version": "ts1",
            "adapter_version": "ts1-aaaa",
            "data_epochs": "1.0",
        },
    )
    return warehouse, _Tracking(champion)


def test_a_warm_start_trains_on_the_new_examples_and_a_replay_sample(setup):
    warehouse, tracking = setup
    plan = plan_training(
        LoraTrainingConfig(init_from="champion", replay_ratio=0.5), _training_set(30, 8), tracking, warehouse
    )
    assert plan.init_from == "champion" and plan.parent == {"model_version": "1", "adapter_version": "ts1-aaaa"}
    assert (plan.new_examples, plan.replay_examples) == (8, 4)
    trained = plan.pairs["train_prompts"]
    assert len(trained) == 12 and sum(p.startswith("p new") for p in trained) == 8
    assert plan.pairs["validation_prompts"] == ["p"]  # validation stays whole
    base = plan_training(LoraTrainingConfig(), _training_set(30, 8), tracking, warehouse)
    assert base.init_from == "base" and len(base.pairs["train_prompts"]) == 38 and base.parent_adapter_dir is None


def test_a_warm_start_falls_back_to_a_full_retrain_with_the_reason(setup):
    warehouse, tracking = setup
    config = LoraTrainingConfig(init_from="champion")
    assert "no champion" in plan_training(config, _training_set(30, 8), _Tracking(None), warehouse).reason
    nothing_new = plan_training(config, _training_set(30, 0), tracking, warehouse)
    assert nothing_new.init_from == "base" and "nothing new" in nothing_new.reason
    other_shape = plan_training(
        LoraTrainingConfig(init_from="champion", r=8), _training_set(30, 8), tracking, warehouse
    )
    assert other_shape.init_from == "base" and "r 16 vs 8" in other_shape.reason
    warehouse.upsert(
        "governance",
        "taints",
        pl.DataFrame([{"model_name": "assistant", "version": "1", "tombstone_id": "ts-1", "documents": 1}]),
        ["model_name", "version", "tombstone_id"],
    )
    tainted = plan_training(config, _training_set(30, 8), tracking, warehouse)
    assert tainted.init_from == "base" and "tainted by erasure ts-1" in tainted.reason
    assert len(tainted.pairs["train_prompts"]) == 38


def test_a_warm_start_continues_only_a_champion_trained_long_enough_and_inherits_its_training(setup):
    warehouse, tracking = setup
    config = LoraTrainingConfig(init_from="champion", replay_ratio=0.5)
    plan = plan_training(config, _training_set(30, 8), tracking, warehouse)
    assert plan.init_from == "champion" and plan.parent_data_epochs == 1.0
    # 2 passes over the 12 new + replayed examples; the 30 earlier ones keep the one pass they had in the champion
    assert plan.data_epochs(24) == 1.0
    assert plan.data_epochs(6) == 0.5  # a short warm start shortens the lineage
    fresh = plan_training(LoraTrainingConfig(), _training_set(30, 8), tracking, warehouse)
    assert fresh.data_epochs(19) == 0.5  # 19 examples seen of 38

    tracking._champion.tags["data_epochs"] = "0.23"  # a demo-length champion: 50 steps of ~1,700 examples
    short = plan_training(config, _training_set(30, 8), tracking, warehouse)
    assert short.init_from == "base" and len(short.pairs["train_prompts"]) == 38
    assert "trained 0.23 epochs of its data (min_champion_epochs 0.5)" in short.reason
    anyway = plan_training(
        config.model_copy(update={"min_champion_epochs": 0.2}), _training_set(30, 8), tracking, warehouse
    )
    assert anyway.init_from == "champion" and anyway.data_epochs(24) == 0.23

    tracking._champion.tags["data_epochs"] = "nan"  # not a number: as good as not recorded
    assert (
        "does not record how much it trained" in plan_training(config, _training_set(30, 8), tracking, warehouse).reason
    )
    del tracking._champion.tags["data_epochs"]  # registered before versions recorded it
    unknown = plan_training(config, _training_set(30, 8), tracking, warehouse)
    assert unknown.init_from == "base" and "does not record how much it trained" in unknown.reason
    always = plan_training(
        config.model_copy(update={"min_champion_epochs": 0.0}), _training_set(30, 8), tracking, warehouse
    )
    assert always.init_from == "champion" and always.data_epochs(24) is None  # unknown stays unknown


def test_a_warm_start_continues_at_a_lower_learning_rate(setup):
    warehouse, tracking = setup
    config = LoraTrainingConfig(init_from="champion", learning_rate=1e-3)
    warm = plan_training(config, _training_set(30, 8), tracking, warehouse)
    assert warm.init_from == "champion" and config.warm_start_lr_scale < 1
    assert run_config(config, warm).learning_rate == pytest.approx(1e-3 * config.warm_start_lr_scale)
    assert run_config(config, warm).model_dump(exclude={"learning_rate"}) == config.model_dump(
        exclude={"learning_rate"}
    )
    same_rate = config.model_copy(update={"warm_start_lr_scale": 1.0})
    assert run_config(same_rate, warm).learning_rate == 1e-3
    fresh = plan_training(LoraTrainingConfig(), _training_set(30, 8), tracking, warehouse)
    assert run_config(LoraTrainingConfig(), fresh).learning_rate == 1e-3  # a fresh adapter: the configured rate


def test_versions_warm_started_from_a_tainted_one_inherit_the_taint(tmp_path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    versions = pl.DataFrame(
        {"model_name": "m", "version": ["1", "2", "3", "4"], "adapter_version": ["a1", "a2", "a3", "a4"]}
    )
    # 2 continues 1, 3 continues 2, 4 is a fresh adapter
    adapters = pl.DataFrame({"adapter_version": ["a1", "a2", "a3", "a4"], "parent_model_version": ["", "1", "2", ""]})
    warehouse.upsert("governance", "model_versions", versions, ["model_name", "version"])
    warehouse.upsert("governance", "adapters", adapters, ["adapter_version"])
    assert lineage.warm_start_descendants(warehouse, "m", {"1"}) == {"2": "1", "3": "1"}
    assert lineage.warm_start_descendants(warehouse, "m", {"2"}) == {"3": "2"}
    assert lineage.warm_start_descendants(warehouse, "m", {"4"}) == {}


@pytest.mark.slow
def test_train_lora_continues_from_the_given_adapter(tiny_model_dir, tmp_path):
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from llm_assets.modeling.training import train_lora

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    pairs = (["Where is my parcel?"] * 4, ["Category: shipment_status\nReply: On its way."] * 4)
    config = LoraTrainingConfig(max_steps=2, batch_size=2, max_length=128, precision="fp32", checkpoint_every=0)
    parent, _ = train_lora(AutoModelForCausalLM.from_pretrained(tiny_model_dir), tok, pairs, pairs, config)
    parent.save_pretrained(tmp_path / "parent")
    frozen = config.model_copy(update={"learning_rate": 0.0, "max_steps": 1})
    child, _ = train_lora(
        AutoModelForCausalLM.from_pretrained(tiny_model_dir),
        tok,
        pairs,
        pairs,
        frozen,
        init_adapter_dir=str(tmp_path / "parent"),
    )
    child.save_pretrained(tmp_path / "child")
    a = load_file(str(tmp_path / "parent" / "adapter_model.safetensors"))
    b = load_file(str(tmp_path / "child" / "adapter_model.safetensors"))
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)  # started from the parent, lr 0: unchanged
    fresh, _ = train_lora(AutoModelForCausalLM.from_pretrained(tiny_model_dir), tok, pairs, pairs, frozen)
    fresh.save_pretrained(tmp_path / "fresh")
    c = load_file(str(tmp_path / "fresh" / "adapter_model.safetensors"))
    assert any(not (a[k] == c[k]).all() for k in a)  # a fresh LoRA init is not the parent
