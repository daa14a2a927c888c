"""The training benchmark's four set-ups run on the tiny model and account the same tokens (a wiring test: the
figures themselves come from `make bench`, never from a timed test)."""

import pytest

from benchmarks.pipeline.train_worker import RUNNERS


@pytest.fixture(scope="module")
def spec(tiny_model_dir):
    prompts = [f"Where is parcel {i}? It was due on Monday." + " Please check." * (i % 4) for i in range(12)]
    completions = [f"Category: shipment_status\nReply: Parcel {i} is on its way." for i in range(12)]
    return {
        "model": str(tiny_model_dir),
        "prompts": prompts,
        "completions": completions,
        "validation_prompts": prompts[:4],
        "validation_completions": completions[:4],
        "hparams": {
            "r": 4,
            "alpha": 8,
            "dropout": 0.0,
            "lr": 1e-3,
            "batch_size": 4,
            "max_length": 128,
            "warmup_ratio": 0.0,
            "seed": 1,
            "steps": 2,
        },
    }


def test_every_setup_trains_the_same_steps_and_reports_validation_loss(spec):
    results = {kind: run(spec) for kind, run in RUNNERS.items()}
    for kind, r in results.items():
        assert r["steps"] == 2, kind
        assert r["tokens"] > 0 and r["validation_loss"] > 0, kind
    # same token accounting: each fed 2 batches of 4 of these examples, counted without padding
    from transformers import AutoTokenizer

    from llm_assets.core.prompting import encode_example

    tok = AutoTokenizer.from_pretrained(spec["model"])
    lengths = sorted(
        len(encode_example(tok, p, c, 128)[0]) for p, c in zip(spec["prompts"], spec["completions"], strict=True)
    )
    for kind in ("own", "hf_best", "trl"):
        assert sum(lengths[:8]) <= results[kind]["tokens"] <= sum(lengths[-8:]), (kind, results[kind]["tokens"])
