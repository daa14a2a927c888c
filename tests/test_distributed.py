"""Data-parallel training through accelerate (DDP): two CPU processes with gloo stand in for two GPUs."""

import pytest

from llm_assets.modeling.distributed import launch
from llm_assets.modeling.training import LoraTrainingConfig

pytestmark = pytest.mark.slow


def test_two_process_ddp_training_saves_one_adapter(tiny_model_dir, tmp_path):
    prompts = [f"Ticket {i}: where is order ORD-{100000 + i}?" for i in range(40)]
    completions = [f"Category: shipment_status\nReply: Order ORD-{100000 + i} ships today." for i in range(40)]
    config = LoraTrainingConfig(max_steps=4, batch_size=4, log_every=1, learning_rate=5e-3, num_processes=2)
    logged = []
    result = launch(
        {
            "train_prompts": prompts,
            "train_completions": completions,
            "validation_prompts": prompts[:4],
            "validation_completions": completions[:4],
            "config": config.model_dump(),
            "base_model_path": str(tiny_model_dir),
            "checkpoint_dir": str(tmp_path / "ckpt"),
            "adapter_dir": str(tmp_path / "adapter"),
        },
        2,
        tmp_path / "work",
        on_line=logged.append,
    )
    assert result.world_size == 2 and result.steps == 4 and len(result.loss_curve) == 4
    assert result.validation_loss is not None and result.train_tokens > 0
    assert (tmp_path / "adapter" / "adapter_config.json").exists()
    assert len(logged) == 4  # only the main process logs
