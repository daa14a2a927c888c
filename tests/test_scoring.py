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
