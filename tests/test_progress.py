"""The command line's progress view: the training line counts against the steps the adapter planned."""

import io
from types import SimpleNamespace

from jobs.progress import ProgressView


def _message(text: str) -> SimpleNamespace:
    return SimpleNamespace(step_key="lora_adapter", dagster_event=None, user_message=text, timestamp=0.0)


def test_the_step_counter_follows_the_recipes_plan_not_the_max_steps_given():
    out = io.StringIO()
    view = ProgressView(instance=None, run_id="r", out=out, total_steps=150)
    view._show(_message("step 10: loss 2.5000, 900 tokens/s"))
    view._show(_message("training plan: no champion yet; 934 examples, 7 labels (64 optimizer steps)"))
    view._show(_message("step 20: loss 1.2500, 950 tokens/s"))
    first, second = out.getvalue().split("\r")[1:]
    assert "training step 10/150" in first and "training step 20/64: loss 1.250" in second
