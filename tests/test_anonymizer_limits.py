"""The anonymizer's side of hostile input: what reaches the anonymized zone besides a document's text (passthrough
fields, field names) goes through the engine or has a declared harmless shape, a run of thousands of characters
without a space is replaced unanalysed, and the second look reads texts longer than spaCy's limit in pieces."""

import json

import pytest

from llm_assets.core.anonymization.engine import AnonymizationEngine
from llm_assets.privacy.assets import second_look


@pytest.fixture(scope="module")
def engine() -> AnonymizationEngine:
    return AnonymizationEngine()


def test_passthrough_fields_and_field_names_are_analysed_unless_harmless(engine):
    (res,) = engine.anonymize_serial(
        [
            {
                "text": "Please call back.",
                "priority": "Ingrid Novak",  # a name typed into a label field
                "category": "refund_request",
                "created_at": "2025-03-01T10:00:00Z",
                "ingrid.novak@web.example": "yes",  # a JSON key that is an e-mail address
                "Contact Person": "Tomasz Wrona",  # a header in capitals with spaces
                "channel": "email",
            }
        ]
    )
    blob = json.dumps(res.fields)
    for raw in ("Ingrid", "Novak", "ingrid.novak", "Tomasz", "Wrona"):
        assert raw not in blob, raw
    assert res.fields["category"] == "refund_request" and res.fields["channel"] == "email"
    assert res.fields["created_at"] == "2025-03-01T10:00:00Z" and "Contact Person" in res.fields
    assert {r.field for r in res.redactions} >= {"priority", "(field name)", "Contact Person"}


def test_a_huge_token_is_replaced_unanalysed_and_the_rest_still_anonymized(engine):
    blob = "QUJD" * 40_000  # 160,000 characters without a space: an inlined attachment
    (res,) = engine.anonymize_serial([{"text": f"Attachment: {blob}\nRegards, Farida Osei, +44 20 7946 0321"}])
    assert res.ok and blob not in res.fields["text"] and "Farida" not in res.fields["text"]
    assert res.fields["text"].startswith("Attachment: <UNANALYZED_1>\nRegards, ")
    assert {r.entity_type for r in res.redactions} >= {"UNANALYZED", "PERSON", "PHONE_NUMBER"}


def test_the_second_look_reads_a_text_over_spacy_s_limit_in_pieces(monkeypatch):
    from llm_assets.core.anonymization.residual import scanner

    # spaCy refuses texts over nlp.max_length (1,000,000 by default; lowered here to keep the test short)
    monkeypatch.setattr(scanner().analyzer.nlp_engine.nlp["en"], "max_length", 20_000)
    long_text = ("The parcel waited at the depot for a week. " * 1_000) + "Dear Marguerite Oyelaran, sorry."
    assert len(long_text) > 40_000
    rows = [
        {"text": long_text, "fields": "{}"},
        {"text": "A control document.", "fields": json.dumps({"note": "Call me on +44 20 7946 0321"})},
    ]
    found = second_look(rows)
    assert found[0] == ["text:PERSON"]  # the name at the very end was read
    assert found[1] == ["note:PHONE_NUMBER"]
