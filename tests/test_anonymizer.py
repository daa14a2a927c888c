"""The anonymization engine: custom recognizers, surrogate consistency, nothing raw in the output or audit."""

from dataclasses import asdict

import pytest

from llm_assets.privacy.engine import AnonymizationEngine, AnonymizerSettings
from llm_assets.privacy.recognizers import (
    AgeRecognizer,
    CardNumberRecognizer,
    CityRecognizer,
    JobTitleRecognizer,
    NumericDateRecognizer,
    PhoneNumberPatternRecognizer,
    ReferenceNumberRecognizer,
    SalutationNameRecognizer,
    StreetAddressRecognizer,
    TitledNameRecognizer,
    ZipCodeRecognizer,
    luhn_valid,
)
from llm_assets.sample_corpus import generate_tickets


@pytest.fixture(scope="module")
def engine() -> AnonymizationEngine:
    return AnonymizationEngine()


def _hits(recognizer, text, threshold=0.5):
    """Spans the recognizer reports at or above the engine's default threshold (context boosts aside)."""
    found = recognizer.analyze(text, recognizer.supported_entities, None)
    return [text[r.start : r.end] for r in found if r.score >= threshold]


@pytest.mark.parametrize(
    ("recognizer", "positive", "negative"),
    [
        (
            StreetAddressRecognizer(),
            "Ship it to 4821 Maple Avenue, Austin, TX 78701 please",
            "We shipped 3 boxes on Monday",
        ),
        (ZipCodeRecognizer(), "Boise, ID 83702", "the order total was 12345 points"),
        (PhoneNumberPatternRecognizer(), "call me at (312) 555-0147 today", "version 2.3.4 of the app"),
        (CardNumberRecognizer(), "card 5105 1051 0510 5100 was charged", "card 5105 1051 0510 5101 was charged"),
        (ReferenceNumberRecognizer(), "my order ORD-482913 and tracking 1Z9999W99999999999", "see page 12"),
        (ReferenceNumberRecognizer(), "my order number is 5550123456", "we ship 1000 parcels a day"),
        (ZipCodeRecognizer(), "post it to SW1A 1AA please", "the SW1A line is closed"),
        (StreetAddressRecognizer(), "Lieferung an Lindenstraße 12 bitte", "Lindenstraße is long"),
        (AgeRecognizer(), "I am 34 years old", "it took 34 days"),
        (TitledNameRecognizer(), "Please ask Dr. Okafor to sign", "see the dr. tomorrow"),
        (NumericDateRecognizer(), "born 04/12/1978, please verify", "version 4.12 shipped in 1978"),
        (JobTitleRecognizer(), "Anna, Senior Procurement Manager at Acme", "the manager said no"),
        (CityRecognizer(), "I live in Gothenburg now", "I live in a flat"),
        (SalutationNameRecognizer(), "Thanks Diego, I have passed this on", "Thanks, we have passed this on"),
        (SalutationNameRecognizer(), "On Monday, Ana Lima <ana@example.org> wrote:", "On Monday, we wrote:"),
        (SalutationNameRecognizer(), "My name is Rafael Bianchi and", "My name is on the parcel"),
    ],
)
def test_custom_recognizers_positive_and_negative(recognizer, positive, negative):
    assert _hits(recognizer, positive), positive
    assert not _hits(recognizer, negative), negative


def test_card_checksum():
    assert luhn_valid("4111111111111111") and luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112")


def test_no_raw_pii_survives_and_audit_holds_no_values(engine):
    tickets = generate_tickets(80, seed=21)
    docs = [asdict(t) for t in tickets]
    out = engine.anonymize_documents(docs)
    for t, res in zip(tickets, out, strict=True):
        blob = " ".join(res.fields.values())
        for value in (t.customer_name, t.customer_email, t.customer_phone, *t.customer_name.split()):
            assert value not in blob, value
        for r in res.redactions:
            assert r.surrogate.startswith("<") and t.customer_email not in r.surrogate
            assert t.customer_name not in str(asdict(r))
        assert res.fields["category"] == t.category  # passthrough fields stay
    findings = engine.scan([o.fields["message"] + " " + o.fields["agent_reply"] for o in out])
    assert all(not f for f in findings)


def test_same_person_same_placeholder_within_a_document(engine):
    doc = {
        "customer_name": "Ingrid Novak",
        "message": "Hello, this is Ingrid Novak. Please call 312-555-0199.\n\nThanks,\nIngrid",
        "agent_reply": "Hi Ingrid, we will call you at 312-555-0199.",
    }
    (res,) = engine.anonymize_documents([doc])
    name = res.fields["customer_name"]
    assert name == "<PERSON_1>"
    assert res.fields["message"].count(name) == 2 and name in res.fields["agent_reply"]
    phones = {r.surrogate for r in res.redactions if r.entity_type == "PHONE_NUMBER"}
    assert phones == {"<PHONE_NUMBER_1>"}


def test_pseudonyms_are_consistent_across_documents_and_keyed_by_the_salt():
    doc = {"message": "My email is ana.lima@example.org, write to me.", "customer_name": "Ana Lima"}
    a = AnonymizationEngine(AnonymizerSettings(default_operator="pseudonym", salt="s1"))
    b = AnonymizationEngine(AnonymizerSettings(default_operator="pseudonym", salt="s2"))
    one, two = a.anonymize_documents([doc, dict(doc)])
    assert one.fields["message"] == two.fields["message"] and "ana.lima" not in one.fields["message"]
    (other,) = b.anonymize_documents([doc])
    assert other.fields["message"] != one.fields["message"]
    assert a.config_hash != b.config_hash and "s1" not in a.config_hash


def test_residual_scan_names_types_and_ignores_surrogates(engine):
    findings = engine.scan(["reach me at bob@example.com", "reach me at <EMAIL_ADDRESS_1> or <PHONE_NUMBER_2>"])
    assert [r.entity_type for r in findings[0]] == ["EMAIL_ADDRESS"]
    assert findings[1] == []


def test_allow_list_keeps_domain_terms(engine):
    (res,) = engine.anonymize_documents([{"message": "UPS says the parcel left Germany, FedEx has it now."}])
    assert "UPS" in res.fields["message"] and "Germany" in res.fields["message"] and "FedEx" in res.fields["message"]


def test_all_caps_and_lower_case_documents_get_a_second_look(engine):
    upper = "MY NAME IS INGRID NOVAK AND I LIVE IN LEEDS. MY ACCOUNT IS LOCKED."
    lower = "hello, this is ingrid novak from leeds. my account is locked."
    out = [d.fields["text"] for d in engine.anonymize_documents([{"text": upper}, {"text": lower}])]
    assert "INGRID" not in out[0] and "LEEDS" not in out[0] and "MY ACCOUNT IS" in out[0]
    assert "ingrid" not in out[1] and "leeds" not in out[1] and "account is locked" in out[1]


def test_parallel_workers_give_the_serial_result(engine):
    docs = [asdict(t) for t in generate_tickets(220, seed=5)]
    serial = engine.anonymize_documents(docs)
    parallel = engine.anonymize_documents(docs, n_process=2)
    assert [d.fields for d in parallel] == [d.fields for d in serial]
