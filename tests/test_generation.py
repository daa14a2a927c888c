"""The generation engine: the GGUF export answers as transformers does, constrained decoding keeps a reply to its
request's placeholders, continuous batching gives every request its own answer, and deadlines drop late requests."""

import shutil
import time

import pytest

from llm_assets.core.generation import (
    DeadlineExceeded,
    placeholder_kind,
    placeholder_regex,
    repair_placeholders,
    trim_cut,
    unknown_placeholders,
)

PROMPTS = [
    "Where is my parcel <REFERENCE_NUMBER_1>? It was due on Monday.",
    "The kettle arrived broken, please refund <PERSON_1>.",
    "Hello, I was charged twice for order <REFERENCE_NUMBER_1>.",
    "My package went to the wrong address <STREET_ADDRESS_1>.",
    "Can I change the delivery date? Thanks, <PERSON_1>",
    "Customs fees for my order are too high.",
]
# what the engine's own numerics may change (u8 KV cache, int8 activations): compared exactly only where turned off
EXACT = {"KV_CACHE_PRECISION": "f32", "DYNAMIC_QUANTIZATION_GROUP_SIZE": "0"}


def test_a_reply_cut_inside_a_placeholder_loses_only_that_placeholder():
    assert trim_cut("Dear <PERSON_1>, your order <REF") == "Dear <PERSON_1>, your order"
    assert trim_cut("Dear <PERSON_1>, see you <") == "Dear <PERSON_1>, see you"
    assert trim_cut("Dear <PERSON_1>") == "Dear <PERSON_1>"


def test_unknown_placeholders_are_repaired_to_the_requests_own_or_removed():
    allowed = ["<PERSON_1>", "<REFERENCE_NUMBER_1>", "<EMAIL_ADDRESS_1>", "<EMAIL_ADDRESS_2>"]
    assert (
        placeholder_kind("<PERSON_2_1>") == "PERSON" and placeholder_kind("<REFERENCE_NUMBER_12>") == "REFERENCE_NUMBER"
    )
    text = "Dear <PERSON_2_1>, order <REFERENCE_NUMBER_2> ships today. Mail <EMAIL_ADDRESS_3> or <PHONE_NUMBER_1> ."
    repaired, unknown = repair_placeholders(text, allowed)
    assert unknown == ["<PERSON_2_1>", "<REFERENCE_NUMBER_2>", "<EMAIL_ADDRESS_3>", "<PHONE_NUMBER_1>"]
    # one person and one order in the ticket: those; two e-mail addresses: no guess; no phone: removed
    assert repaired == "Dear <PERSON_1>, order <REFERENCE_NUMBER_1> ships today. Mail or."
    assert unknown_placeholders(repaired, allowed) == []
    assert repair_placeholders("Dear <PERSON_1>, done.", allowed) == ("Dear <PERSON_1>, done.", [])


def test_a_reply_may_name_the_placeholders_of_every_field_of_its_ticket():
    from llm_assets.serving.ticket_model import SupportTicketModel

    row = {"subject": "Refund", "message": "Order <REFERENCE_NUMBER_1> lost.", "ticket_placeholders": "<PERSON_1>"}
    assert SupportTicketModel.allowed_placeholders(row) == ["<REFERENCE_NUMBER_1>", "<PERSON_1>"]


def test_the_constraint_language_admits_exactly_the_requests_placeholders():
    import re

    language = re.compile(placeholder_regex(["<PERSON_1>", "<REFERENCE_NUMBER_1>"]), re.DOTALL)
    assert language.fullmatch("Category: refund\nReply: Dear <PERSON_1>, order <REFERENCE_NUMBER_1> is refunded.")
    assert not language.fullmatch("Dear <PERSON_2>, thanks")
    assert not language.fullmatch("a <b> tag")
    assert re.fullmatch(placeholder_regex([]), "no placeholder at all\n", re.DOTALL)
    assert not re.fullmatch(placeholder_regex([]), "Dear <PERSON_1>")


@pytest.fixture(scope="module")
def varied_model(tiny_model_dir, tmp_path_factory):
    """The tiny Llama with weights drawn wide enough that greedy decoding writes varied text (the fixture's model
    repeats one token), rounded to fp16 so that an f16 export holds the same weights."""
    import torch
    from transformers import AutoModelForCausalLM

    out = tmp_path_factory.mktemp("varied-llama")
    shutil.copytree(tiny_model_dir, out, dirs_exist_ok=True)
    model = AutoModelForCausalLM.from_pretrained(out)
    torch.manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() == 2:
                p.copy_(torch.randn_like(p).mul(0.15).half().float())
    model.save_pretrained(out)
    return out


def _engines(model_dir, precision: str, tmp_path, properties=None):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from llm_assets.core.generation import OpenVINOEngine, TransformersEngine
    from llm_assets.core.gguf_export import write_gguf

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    reference = TransformersEngine(AutoModelForCausalLM.from_pretrained(model_dir), tokenizer, batch_size=1)
    path = write_gguf(model_dir, tmp_path / f"model-{precision}.gguf", precision)
    return reference, OpenVINOEngine(str(path), tokenizer, threads=1, precision=precision, properties=properties)


def test_the_gguf_export_answers_as_transformers_does(varied_model, tmp_path):
    reference, engine = _engines(varied_model, "f16", tmp_path, EXACT)
    try:
        expected = reference.generate(PROMPTS, 16)
        got = engine.generate(PROMPTS, 16)
    finally:
        engine.close()
    assert len({g.text for g in expected}) > 1  # the model writes different things for different prompts
    assert [g.text for g in got] == [g.text for g in expected]
    assert [g.tokens for g in got] == [g.tokens for g in expected]


def test_a_batch_computes_its_shared_prefix_once_in_whole_blocks_and_answers_the_same(varied_model, tmp_path):
    """Requests added together find nothing in the prefix cache: the prefix a batch shares (here three shots) is
    computed first, cut to whole KV blocks, and the answers stay those of the transformers path."""
    import os

    shots = tuple((p, "Refunded, thank you.") for p in PROMPTS[3:6])
    reference, engine = _engines(varied_model, "f16", tmp_path, EXACT)
    calls = []

    class Recording:
        def __init__(self, pipe):
            self.pipe = pipe

        def generate(self, inputs, configs, *args):
            calls.append([len(t.data[0]) for t in inputs])
            return self.pipe.generate(inputs, configs, *args)

        def __getattr__(self, name):
            return getattr(self.pipe, name)

    engine._pipe = Recording(engine._pipe)
    try:
        expected = reference.generate(PROMPTS[:3], 16, shots)
        got = engine.generate(PROMPTS[:3], 16, shots)
        shared = len(os.path.commonprefix([engine.encode(p, shots) for p in PROMPTS[:3]]))
    finally:
        engine.close()
    assert calls[0] == [shared // engine.KV_BLOCK * engine.KV_BLOCK] and calls[0][0] > 0
    assert len(calls) == 2 and len(calls[1]) == 3
    assert [g.text for g in got] == [g.text for g in expected]


def test_quantized_exports_load_and_answer(varied_model, tmp_path):
    from llm_assets.core.gguf_export import PRECISIONS

    for precision in PRECISIONS:
        reference, engine = _engines(varied_model, precision, tmp_path)
        try:
            got = engine.generate(PROMPTS[:2], 8)
        finally:
            engine.close()
        assert all(g.tokens > 0 for g in got), precision


@pytest.fixture(scope="module")
def bracket_model(varied_model, tmp_path_factory):
    """The varied model, made to favour tokens holding '<' (placeholders and pieces of them) whatever it reads: the
    final norm keeps one hidden dimension, on which those tokens' (tied) embeddings take the extremes."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = tmp_path_factory.mktemp("bracket-llama")
    shutil.copytree(varied_model, out, dirs_exist_ok=True)
    model = AutoModelForCausalLM.from_pretrained(out)
    tokenizer = AutoTokenizer.from_pretrained(out)
    special = set(tokenizer.added_tokens_decoder)  # control tokens decode to nothing in a reply
    brackets = [i for i in range(len(tokenizer)) if "<" in tokenizer.decode([i]) and i not in special]
    with torch.no_grad():
        model.model.norm.weight.zero_()
        model.model.norm.weight[0] = 1.0
        embed = model.get_input_embeddings().weight
        embed[:, 0] = 0.0
        half = len(brackets) // 2
        embed[brackets[:half], 0] = 8.0
        embed[brackets[half:], 0] = -8.0
    model.save_pretrained(out)
    return out


def test_constrained_decoding_keeps_a_reply_to_its_requests_placeholders(bracket_model, tmp_path):
    _, engine = _engines(bracket_model, "f16", tmp_path)
    try:
        free = engine.generate(PROMPTS, 24)
        bound = engine.generate(PROMPTS, 24, allowed_placeholders=[["<PERSON_1>"]] * len(PROMPTS))
    finally:
        engine.close()
    assert all("<" in g.text.replace("<PERSON_1>", "") for g in free)  # left alone, it writes other brackets
    for g in bound:
        assert g.tokens > 0 and "<" not in g.text.replace("<PERSON_1>", ""), g.text


def test_continuous_batching_answers_each_request_as_alone_and_drops_late_ones(varied_model, tmp_path):
    _, engine = _engines(varied_model, "f16", tmp_path, EXACT)
    try:
        alone = [engine.generate([p], 24)[0].text for p in PROMPTS[:4]]
        futures = []
        for p in PROMPTS[:4]:  # submitted together: they join one running batch (a step of the tiny model is ~1 ms)
            futures.append(engine.submit(p, 24))
        joined = [f.result(timeout=60) for f in futures]
        assert [g.text for g in joined] == alone
        assert max(g.batch_examples for g in joined) > 1

        # a deadline that has passed: dropped, never generated; the engine goes on
        with pytest.raises(DeadlineExceeded):
            engine.submit(PROMPTS[0], 24, deadline=time.perf_counter() - 1).result(timeout=60)
        assert engine.generate(PROMPTS[:1], 24)[0].text == alone[0]
    finally:
        engine.close()


def test_batches_from_two_threads_at_once_are_both_answered_as_alone(varied_model, tmp_path):
    """An idle engine runs a batch through the pipeline's own generate; a batch arriving meanwhile waits in the
    queue and is stepped once that run ends (nothing hangs, nothing is lost)."""
    from concurrent.futures import ThreadPoolExecutor

    _, engine = _engines(varied_model, "f16", tmp_path, EXACT)
    try:
        alone = [g.text for g in engine.generate(PROMPTS[:4], 24)]
        with ThreadPoolExecutor(2) as threads:
            first = threads.submit(engine.generate, PROMPTS[:2], 24)
            second = threads.submit(engine.generate, PROMPTS[2:4], 24)
            got = [g.text for g in first.result(timeout=120) + second.result(timeout=120)]
        assert engine.waiting() == 0
    finally:
        engine.close()
    assert got == alone


def test_a_prompt_that_breaks_the_engine_costs_only_its_own_answer(varied_model, tmp_path):
    _, engine = _engines(varied_model, "f16", tmp_path)
    real = engine.encode
    broken = PROMPTS[1]

    def encode(prompt, *args, **kwargs):  # where a batch's requests are made: every prompt is encoded first
        if prompt == broken:
            raise RuntimeError("prompt too long")
        return real(prompt, *args, **kwargs)

    engine.encode = encode
    try:
        got = engine.generate(PROMPTS[:3], 8)
    finally:
        engine.close()
    assert got[1].text == "" and got[1].finish == "error"
    assert got[0].tokens > 0 and got[2].tokens > 0
