"""The trainer's completion-only loss equals the model's own loss on the same labels, at a fraction of the logits."""

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

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


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


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
