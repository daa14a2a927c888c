"""Shared fixtures: a tiny Llama with its own tokenizer, a sample landing zone, resources in a temp data dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("LLMP_DATA_DIR", str(Path(__file__).resolve().parent.parent / ".data" / "test-default"))
# derived word lists are built once for every test (each test has its own data dir)
os.environ.setdefault("LLMP_CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".data" / "cache"))

if os.environ.get("PYTEST_XDIST_WORKER"):
    # make test runs two workers on two cores: one compute thread each (torch, OpenMP, and the subprocesses that
    # inherit it), instead of two each fighting over the same cores
    os.environ.setdefault("OMP_NUM_THREADS", "1")

from llm_assets.settings import apply_offline_environment  # noqa: E402

apply_offline_environment()  # before any ML library is imported

# rouge-score pulls in absl logging, whose handler holds the stderr of the moment it was created (pytest's capture
# buffer). A Dagster run that applies the instance's python_logs config shuts every logging handler down, and absl's
# closes that stream, so the next read of the capture fails. Pointing it at the real stderr (which it never closes)
# keeps the buffer open.
import sys  # noqa: E402

import absl.logging  # noqa: E402

absl.logging.get_absl_handler().python_handler.stream = sys.__stderr__

from llm_assets.sample_corpus import generate_tickets, write_landing_batches  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: trains, runs a Dagster job end to end, starts a server or a subprocess pipeline "
        '(the quick loop: pytest -m "not slow and not real_model")',
    )


CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A ~1M-parameter Llama and a BPE tokenizer trained on the sample corpus: real code paths, seconds to train."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    out = tmp_path_factory.mktemp("tiny-llama")
    texts = []
    for t in generate_tickets(400, seed=3):
        texts += [t.message, t.agent_reply, f"Category: {t.category}", t.subject]
    texts += ["<PERSON_1> <EMAIL_ADDRESS_1> <PHONE_NUMBER_1> <REFERENCE_NUMBER_1> <STREET_ADDRESS_1>"] * 20
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(
        texts,
        trainers.BpeTrainer(
            vocab_size=1000, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        ),
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|im_end|>",
        unk_token="<|endoftext|>",
    )
    tokenizer.chat_template = CHATML
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=1024,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    LlamaForCausalLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("LLMP_DATA_DIR", str(d))
    return d


@pytest.fixture
def landing(data_dir) -> tuple[Path, list[str]]:
    root = data_dir / "landing"
    names = write_landing_batches(root, n_tickets=140, n_batches=2, seed=11, include_bad_files=True)
    return root, names


@pytest.fixture
def resources(data_dir, tiny_model_dir):
    """The production resources, pointed at the temp data dir and the tiny model."""
    from tests.helpers import resources_at

    return resources_at(data_dir, tiny_model_dir)


@pytest.fixture
def instance(data_dir):
    import dagster as dg

    home = data_dir / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as inst:
        yield inst


@pytest.fixture
def alert_sinks():
    from tests.alert_sinks import start_sinks

    sinks, stop = start_sinks()
    yield sinks
    stop()
