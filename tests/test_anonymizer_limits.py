"""The anonymizer's side of hostile input: what reaches the anonymized zone besides a document's text (passthrough
fields, field names) goes through the engine or has a declared harmless shape, a run of thousands of characters
without a space is replaced unanalysed, and the second look reads texts longer than spaCy's limit in pieces."""

import json
import re
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 12)), max_size=30),
    st.integers(0, 70),
    st.integers(0, 12),
)
@settings(max_examples=300, deadline=None)
def test_spans_find_exactly_what_a_scan_of_them_all_finds(items, start, width):
    from llm_assets.core.anonymization.spans import Spans

    spans = [SimpleNamespace(start=s, end=s + w, i=i) for i, (s, w) in enumerate(items)]
    index, end = Spans(spans), start + width
    assert index.overlapping(start, end) == [s for s in spans if s.start < end and start < s.end]
    assert index.containing(start, end) == [s for s in spans if s.start <= start and end <= s.end]


def _pasted_table(rows: int) -> str:
    people = [
        ("Aurelio Vantaggi", "a.vantaggi@post.example", "+1 415 555 01{:02d}"),
        ("Brigitta Loewenherz", "b.loewenherz@mail.example", "+1 212 555 02{:02d}"),
        ("Chidi Okonkwo-Reyes", "chidi.or@web.example", "+1 646 555 03{:02d}"),
    ]
    lines = ["ref,name,email,phone,amount"]
    for i in range(rows):
        name, mail, phone = people[i % 3]
        lines.append(f"R{7000 + i},{name},{i}{mail},{phone.format(i % 100)},{i * 3 % 97}.50")
    return "Hi, the export you asked for (phone numbers and e-mails of the callers):\n\n" + "\n".join(lines) + "\n"


def test_the_context_enhancer_scores_as_presidio_s_without_scanning_the_document_per_finding(engine, monkeypatch):
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    from llm_assets.core.anonymization.context_words import IndexedLemmaContextEnhancer

    text = _pasted_table(40)
    assert isinstance(engine.analyzer.context_aware_enhancer, IndexedLemmaContextEnhancer)
    assert isinstance(engine.case_analyzer.context_aware_enhancer, IndexedLemmaContextEnhancer)

    def findings(enhancer) -> list[tuple]:
        monkeypatch.setattr(engine.analyzer, "context_aware_enhancer", enhancer)
        found = engine.analyzer.analyze(text, language="en")
        return sorted((r.entity_type, r.start, r.end, round(r.score, 6)) for r in found)

    stock = findings(LemmaContextAwareEnhancer())
    assert any(score > 0.5 for *_, score in stock)  # context words raised some scores
    monkeypatch.setattr(LemmaContextAwareEnhancer, "_add_n_words", None)  # the per-finding scans: never called
    monkeypatch.setattr(LemmaContextAwareEnhancer, "_find_index_of_match_token", None)
    assert findings(IndexedLemmaContextEnhancer()) == stock
    # and through the whole engine, on a table of hundreds of rows
    monkeypatch.setattr(engine.analyzer, "context_aware_enhancer", IndexedLemmaContextEnhancer())
    (res,) = engine.anonymize_serial([{"text": _pasted_table(300)}])
    assert res.ok and res.fields["text"].count("\n") == _pasted_table(300).count("\n")
    assert "Loewenherz" not in res.fields["text"] and "post.example" not in res.fields["text"]


def test_a_register_seat_is_looked_for_around_the_finding_not_along_its_whole_line(monkeypatch):
    from llm_assets.core.anonymization import context

    line = "Visited " + ", ".join(f"Lyon on day {i}" for i in range(2000)) + ". Verdalis SAS, RCS Lyon 812 345 678"
    seat = line.rindex("Lyon")
    assert context.register_seat(line, seat, seat + 4)
    assert not context.register_seat(line, 8, 12)  # the first "Lyon": a town in prose
    read = []
    pattern = context._REGISTER_SEAT

    class Counting:
        def finditer(self, text, pos, endpos):
            read.append(endpos - pos)
            return pattern.finditer(text, pos, endpos)

    monkeypatch.setattr(context, "_REGISTER_SEAT", Counting())
    for m in re.finditer("Lyon", line):
        context.register_seat(line, m.start(), m.end())
    assert max(read) < 200 < len(line) // 100  # a window around each finding, never the 30,000-character line
