"""The regression benchmark on the sample generator's own format (the headline is benchmarks/pii_dev, third-party)."""

from benchmarks.pii.corpus import HIGH_RISK, LabeledDoc, Span, generate_labeled
from benchmarks.pii.score import score, token_leak, verbatim_leak
from resources.anonymizer import PresidioAnonymizer


def test_scorer_counts_numbers_whatever_their_separators():
    assert verbatim_leak("4111 1111 1111 1111", "CREDIT_CARD", "card 4111-1111-1111-1111 ok")
    assert not verbatim_leak("4111 1111 1111 1111", "CREDIT_CARD", "card <CREDIT_CARD_1> ok")
    assert verbatim_leak("Ana Lima", "PERSON", "hi ana  lima")
    assert token_leak("Ana Lima", "PERSON", "dear Lima,", background=set())
    assert not token_leak("12 Maple Street", "STREET_ADDRESS", "on Street corner", background=set())


def test_scorer_utility_and_lost_documents():
    doc = LabeledDoc("d", "Call Ana Lima today please", [Span(5, 13, "PERSON", "Ana Lima")])
    s = score([doc, doc], ["Call <PERSON_1> today please", None])
    assert s.utility == 1.0 and s.lost_documents == 1 and s.verbatim_leak_rate == 0.0


def test_generator_gold_spans_match_the_text():
    for d in generate_labeled(21, seed=3):
        assert d.spans and all(d.text[s.start : s.end] == s.value for s in d.spans)


def test_engine_meets_the_bars_on_unseen_documents():
    docs = generate_labeled(140, seed=424242)
    out = [r.fields["text"] for r in PresidioAnonymizer().anonymize([{"text": d.text} for d in docs])]
    s = score(docs, out)
    assert s.lost_documents == 0
    assert s.high_risk_leaks == 0, {e: v.verbatim for e, v in s.by_entity.items() if e in HIGH_RISK}
    assert s.verbatim_leak_rate <= 0.02
    # this corpus counts carriers, brands and delivery dates as words to keep; the default policy redacts
    # organizations and dates (README: entity policy), which costs a few points here
    assert s.utility >= 0.90
