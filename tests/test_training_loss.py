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
