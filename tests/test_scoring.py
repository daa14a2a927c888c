"""Parsing a completion into (category, reply): a base model's phrasing must not count as a wrong answer."""

import pytest

from llm_assets.core.prompting import parse_completion


@pytest.mark.parametrize(
    ("text", "category", "reply"),
    [
        ("Category: refund_request\nReply: Sure, done.", "refund_request", "Sure, done."),
        ("Category: Shipment Status\nReply: It is on its way.", "shipment_status", "It is on its way."),
        ("category: <delivery-delay>\nreply: Sorry!", "delivery_delay", "Sorry!"),
        ("**Category:** Refund.\n**Reply:** We refunded you.", "refund", "We refunded you."),
        ("Category = Account Access Reply: Reset it here.", "account_access", "Reset it here."),
        ("Thanks for writing, we will look into it.", "", "Thanks for writing, we will look into it."),
        ("Category:\nReply: nothing chosen", "", "nothing chosen"),
    ],
)
def test_parse_completion_reads_the_label_however_it_is_written(text, category, reply):
    assert parse_completion(text) == (category, reply)


LABELS = {"shipment_status", "refund_request", "damaged_goods"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Category: refund_request\nReply: done", "refund_request"),
        ("Category: Refund\nReply: done", "refund_request"),  # part of exactly one label
        ("Category: Shipment Status update\nReply: on its way", "shipment_status"),  # holds exactly one label
        ("I would file this under damaged goods.\nReply: sorry", "damaged_goods"),  # no Category line
        ("Category: status\nReply: x", "shipment_status"),
        ("Category: request\nReply: x", "refund_request"),
        ("Category: goods or refund\nReply: x", "goods_or_refund"),  # two labels fit: left as written (wrong)
        ("Hello, how can I help?", ""),
    ],
)
def test_the_label_is_read_leniently_and_the_format_scored_apart(text, expected):
    from llm_assets.core.scoring import format_ok, resolve_label

    assert resolve_label(parse_completion(text)[0], text, LABELS) == expected
    assert format_ok(text) == text.lower().startswith("category:")


def test_fact_accuracy_counts_what_a_reply_takes_from_its_message_not_its_template():
    """Facts are learnt from the pairs: tokens a label's replies restate when (and only when) their message holds
    them. A reply that always writes the same template scores on ROUGE, not on facts."""
    from llm_assets.core.scoring import FactModel, text_metrics

    products = ["kettle", "desk lamp", "yoga mat", "blender", "scooter", "router"]
    prompts, refs, labels = [], [], []
    for i, product in enumerate(products * 2):
        amount, order = f"${20 + 7 * i}.50", f"<ORDER_{i % 4 + 1}>"
        prompts.append(f"Classify. Ticket: my {product} from order {order} was charged {amount} twice, please help")
        refs.append(f"Category: billing_issue\nReply: Hello, we refunded {amount} for the {product} on {order}.")
        labels.append("billing_issue")
    model = FactModel.fit(prompts, [r.split("Reply: ")[1] for r in refs], labels)
    first = model.facts_of_pair[0]
    assert {"kettle", "$20.50", "<ORDER_1>"} <= first
    assert not first & {"refunded", "hello", "the", "for", "classify"}  # template and instruction words
    template = [refs[0]] * len(refs)
    scores = text_metrics(refs, refs, labels, prompts), text_metrics(template, refs, labels, prompts)
    assert scores[0]["fact_accuracy"] == 1.0 and scores[0]["fact_examples"] == len(refs)
    assert scores[1]["fact_accuracy"] < 0.25 < scores[1]["rougeL"]
    # the template names <ORDER_1> to tickets of other orders: a placeholder the server could not fill, a format error
    assert scores[1]["category_accuracy"] == 1.0 and scores[1]["format_rate"] == 0.25


def test_bootstrap_intervals_hold_the_estimate_and_narrow_with_more_examples():
    from llm_assets.core.scoring import bootstrap_interval, metric_intervals

    small = [1.0, 0.0] * 10
    lo, hi = bootstrap_interval(small)
    assert lo < 0.5 < hi and hi - lo > 0.3
    lo_big, hi_big = bootstrap_interval(small * 10)
    assert lo < lo_big < 0.5 < hi_big < hi
    assert bootstrap_interval([0.7] * 5) == [0.7, 0.7]
    refs = [f"Category: refund_request\nReply: refund {i} sent today" for i in range(12)]
    gens = refs[:6] + ["Category: refund_request\nReply: nothing"] * 6
    intervals = metric_intervals(gens, refs, ["refund_request"] * 12)
    assert intervals["category_accuracy"] == [1.0, 1.0] and intervals["format_rate"] == [1.0, 1.0]
    assert intervals["rougeL"][0] < intervals["rougeL"][1] and intervals["bleu"][0] < intervals["bleu"][1]


def test_bleu_of_a_resample_from_sentence_statistics_is_sacrebleus_corpus_bleu():
    """The BLEU bootstrap sums each sentence's statistics: every resample, repeats included, scores as
    sacrebleu.corpus_bleu of those sentences."""
    import random

    import sacrebleu

    from llm_assets.core.scoring import corpus_bleu_of

    refs = [f"Your refund of {i * 7} EUR for order {i} was sent to the card ending {i:04d} today." for i in range(20)]
    gens = [r if i % 3 == 0 else r.replace("sent", "issued").split(" today")[0] for i, r in enumerate(refs)]
    gens[4] = ""  # an empty answer counts too
    bleu = corpus_bleu_of(gens, refs)
    rng = random.Random(3)
    for idx in [list(range(20)), [0, 0, 1], [4], *[rng.choices(range(20), k=20) for _ in range(5)]]:
        expected = sacrebleu.corpus_bleu([gens[i] for i in idx], [[refs[i] for i in idx]]).score
        assert abs(bleu(idx) - expected) < 1e-9


def test_few_shot_prompts_show_solved_examples_as_earlier_turns():
    from llm_assets.core.prompting import chat_prompt

    class Plain:
        chat_template = None

    shots = (("Ticket one", "Category: a\nReply: one"), ("Ticket two", "Category: b\nReply: two"))
    text = chat_prompt(Plain(), "Ticket three", shots)
    assert text.index("Ticket one") < text.index("Reply: one") < text.index("Ticket two") < text.index("Ticket three")
    assert text.endswith("### Assistant\n") and chat_prompt(Plain(), "Ticket three").count("### User") == 1


def test_a_reply_naming_a_placeholder_the_ticket_does_not_hold_is_a_format_error():
    from llm_assets.core.scoring import format_ok, per_example_scores

    prompt = "Subject: Refund\nMy order ORD-1 for <LOCATION_1> never came."
    reference = "Category: refund_request\nReply: Hi <PERSON_1>, the refund for ORD-1 is on its way."
    assert format_ok("Category: refund_request\nReply: Hi <PERSON_1>, sent to <LOCATION_1>.", prompt, reference)
    assert not format_ok("Category: refund_request\nReply: Hi <PERSON_2_1>, done.", prompt, reference)
    assert not format_ok("Category: refund_request\nReply: Hi <PERSON_1>, done.", prompt)  # no reference: unknown
    per = per_example_scores(["Category: refund_request\nReply: Dear <EMAIL_ADDRESS_1>"], [reference], ["r"], [prompt])
    assert per["format_ok"] == [False]
