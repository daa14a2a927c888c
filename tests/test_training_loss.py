"""The trainer's completion-only loss equals the model's own loss on the same labels, at a fraction of the logits."""

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from llm_assets.core.lm import shared_prefix_length
from llm_assets.core.prompting import encode_example
from llm_assets.modeling.training import collate, completion_loss


def test_completion_loss_matches_the_full_logits_loss(tiny_model_dir):
    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir).eval()
    pairs = [
        ("Where is my parcel ORD-123456? It was due on Monday.", "Category: shipment_status\nReply: On its way."),
        ("Refund please.", "Category: refund_request\nReply: Your refund for the broken lamp is on its way to you."),
        ("My card was charged twice for the same order, please look into it quickly.", "Category: billing_issue"),
    ]
    examples = [encode_example(tok, p, c, 256) for p, c in pairs]
    ids, att, lab = collate(examples, tok.pad_token_id, torch.device("cpu"))
    with torch.no_grad():
        full = model(input_ids=ids, attention_mask=att, labels=lab).loss
        ours = completion_loss(model, ids, att, lab)
    assert torch.allclose(full, ours, atol=1e-5), (full, ours)


def test_shared_prefix_run_once_gives_the_same_loss_and_gradients(tiny_model_dir):
    """The batch's common leading tokens (chat template + instruction) run once, their keys and values repeated per
    example: the loss and every LoRA gradient match running each example whole."""
    from peft import LoraConfig, get_peft_model

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    lora = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    model = get_peft_model(base, lora).train()
    instruction = "Classify this support ticket and write the reply.\n\n"
    pairs = [
        (instruction + "Where is my parcel? It was due on Monday.", "Category: shipment_status\nReply: On its way."),
        (instruction + "Refund please.", "Category: refund_request\nReply: Your refund is on its way to you, sorry."),
        (instruction + "My card was charged twice for one order, please check.", "Category: billing_issue"),
    ]
    ids, att, lab = collate([encode_example(tok, p, c, 256) for p, c in pairs], tok.pad_token_id, torch.device("cpu"))
    shared = shared_prefix_length(ids, att, lab)
    first_completion = int((lab != -100).float().argmax(dim=1).min())
    assert 16 <= shared < first_completion  # the instruction is shared; the last prompt token never is
    results = []
    for min_shared in (0, 16):
        loss = completion_loss(model, ids, att, lab, min_shared_prefix=min_shared)
        loss.backward()
        grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.requires_grad}
        model.zero_grad()
        results.append((loss.detach(), grads))
    (whole, whole_grads), (once, once_grads) = results
    assert torch.allclose(whole, once, atol=1e-5), (whole, once)
    assert whole_grads.keys() == once_grads.keys() and whole_grads
    for name, grad in whole_grads.items():
        assert grad.abs().sum() > 0, name
        assert torch.allclose(grad, once_grads[name], rtol=1e-3, atol=1e-6), name


def test_shared_prefix_stops_where_the_tokens_differ_and_before_the_last_prompt_token(tiny_model_dir):
    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    examples = [encode_example(tok, p, "Reply: ok", 256) for p in ("alpha beta", "gamma delta")]
    ids, att, lab = collate(examples, tok.pad_token_id, torch.device("cpu"))
    a, b = examples[0][0], examples[1][0]
    common = next(i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
    assert shared_prefix_length(ids, att, lab) == common
    # the same prompt twice: everything but the token that predicts the completion's first token is shared
    examples = [encode_example(tok, "alpha beta", c, 256) for c in ("Reply: ok", "Reply: no")]
    prompt_tokens = examples[0][1].count(-100)
    ids, att, lab = collate(examples, tok.pad_token_id, torch.device("cpu"))
    assert shared_prefix_length(ids, att, lab) == prompt_tokens - 1


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


@pytest.mark.slow
def test_memory_stays_flat_over_a_long_run(tiny_model_dir):
    """Resident memory at the end of a multi-epoch run on the tiny model is what it was once training warmed up:
    nothing accumulates per step (loss tensors, graphs, cached batches)."""
    import gc

    from llm_assets.modeling.config import LoraTrainingConfig
    from llm_assets.modeling.training import train_lora
    from llm_assets.sample_corpus import generate_tickets

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    tickets = generate_tickets(160, seed=31)
    pairs = ([t.message for t in tickets], [f"Category: {t.category}\nReply: {t.agent_reply}" for t in tickets])
    config = LoraTrainingConfig(
        epochs=10.0, batch_size=4, max_length=256, log_every=20, checkpoint_every=0, precision="fp32"
    )
    samples: list[tuple[int, float]] = []

    def on_log(step: int, loss: float, tokens_per_s: float) -> None:
        gc.collect()
        samples.append((step, _rss_mb()))

    train_lora(model, tok, pairs, ([], []), config, on_log=on_log)
    assert samples[-1][0] == 400 and len(samples) == 20  # 10 epochs of 40 batches
    warmed = max(rss for step, rss in samples if step <= 100)
    late = max(rss for step, rss in samples if step > 300)
    assert late - warmed < 40, samples  # MB; a leak of 0.2 MB per step shows as ~60 (tried)


def test_the_prefix_is_shared_on_cpu_only_unless_asked_and_never_across_processes():
    import torch

    from llm_assets.modeling.config import LoraTrainingConfig
    from llm_assets.modeling.training import shared_prefix_tokens

    cpu, cuda = torch.device("cpu"), torch.device("cuda")
    default = LoraTrainingConfig()
    assert shared_prefix_tokens(default, cpu, distributed=False) == default.shared_prefix_min_tokens > 0
    assert shared_prefix_tokens(default, cuda, distributed=False) == 0
    asked = LoraTrainingConfig(shared_prefix_on_cuda=True, shared_prefix_min_tokens=24)
    assert shared_prefix_tokens(asked, cuda, distributed=False) == 24
    assert shared_prefix_tokens(asked, cpu, distributed=True) == 0
    assert shared_prefix_tokens(LoraTrainingConfig(shared_prefix_min_tokens=0), cpu, distributed=False) == 0


def test_measured_losses_share_the_prompt_prefix_and_equal_the_per_example_ones(tiny_model_dir, monkeypatch):
    """example_losses (evaluation, validation, drift perplexity) runs the prefix the set shares once on CPU: the
    same per-example sums and token counts as without it."""
    import llm_assets.core.lm as lm
    from llm_assets.core.prompting import encode_example

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    instruction = "Classify the support ticket and write the reply. Categories: billing, shipping, returns. "
    examples = [
        encode_example(tok, instruction + f"Parcel {i} is late" + " again" * i, f"Category: shipping {i}", 128)
        for i in range(6)
    ]
    ids, att, lab = lm.collate(examples[:3], tok.eos_token_id, torch.device("cpu"))
    assert lm.shared_prefix_length(ids, att, lab) >= lm.SHARED_PREFIX_MIN_TOKENS  # the batches do share a prefix
    shared = lm.example_losses(model, examples, tok.eos_token_id, "cpu", None, batch_size=3)
    monkeypatch.setattr(lm, "SHARED_PREFIX_MIN_TOKENS", 0)
    whole = lm.example_losses(model, examples, tok.eos_token_id, "cpu", None, batch_size=3)
    assert [n for _, n in shared] == [n for _, n in whole] and all(n > 0 for _, n in whole)
    assert [round(s, 4) for s, _ in shared] == [round(s, 4) for s, _ in whole]


def test_measured_losses_are_each_examples_own_in_any_batch_order(tiny_model_dir):
    """Batched by length, the LM head only at completion positions, the set's prefix once: each example's summed
    loss and token count are those of running it alone through the whole model, in the order given."""
    import llm_assets.core.lm as lm
    from llm_assets.core.prompting import encode_example

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir).eval()
    instruction = "Classify the support ticket and write the reply. Categories: billing, shipping, returns. "
    examples = [
        encode_example(tok, instruction + "Where is parcel" + " really" * (7 - i), f"Category: shipping {'x' * i}", 128)
        for i in range(7)
    ]
    measured = lm.example_losses(model, examples, tok.eos_token_id, "cpu", None, batch_size=3)
    for (ids, lab), (loss_sum, count) in zip(examples, measured, strict=True):
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([ids])).logits[0, :-1]
        target = torch.tensor(lab[1:])
        alone = torch.nn.functional.cross_entropy(logits, target, ignore_index=-100, reduction="sum")
        assert count == int((target != -100).sum()) > 0
        assert abs(loss_sum - float(alone)) < 1e-3 * max(1.0, float(alone))
