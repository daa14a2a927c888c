"""The anonymization engine, one test per class of leak: every input here was written for the test (none comes
from a benchmark or the sample-corpus generator), and each asserts that the value is gone and what the rest keeps."""

from dataclasses import asdict

import pytest
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from llm_assets.core.anonymization.engine import AnonymizationEngine, AnonymizerSettings, chunks, resolve_overlaps
from llm_assets.core.anonymization.recognizers import luhn_valid
from llm_assets.core.anonymization.residual import PHONE_REGIONS, DigitRunPhoneRecognizer, ResidualScanner
from llm_assets.sample_corpus import generate_tickets


@pytest.fixture(scope="module")
def engine() -> AnonymizationEngine:
    return AnonymizationEngine()


def anonymize(engine, text: str) -> tuple[str, list]:
    (res,) = engine.anonymize_serial([{"text": text}])
    return res.fields["text"], res.redactions


def types_of(redactions) -> set[str]:
    return {r.entity_type for r in redactions}


@pytest.mark.parametrize(
    "number",
    [
        "482 9917",  # a 7-digit local number with a space
        "0161 496 0734",  # UK geographic with trunk 0
        "07700 900 461",  # UK mobile with trunk 0
        "612 345 678",  # Spanish grouping
        "06 12 34 56 78",  # French pairs
        "030 12345678",  # German area code
        "0412 345 678",  # Australian mobile
        "(555) 014-2231",
        "+49 151 23456789",  # German mobile, international
        "0049 30 901820",  # international prefix 00
        "+41 (0)44 668 18 00",
        "555.014.2231 ext. 42",
        "+33-(6)-12-34-56-78",  # area code in parentheses between hyphens
        "+44 (20) 7946-0958",
    ],
)
def test_phone_numbers_in_national_and_international_formats(engine, number):
    text, redactions = anonymize(engine, f"Ring me on {number} after six.")
    assert number not in text and number.split()[-1] not in text, text
    assert "PHONE_NUMBER" in types_of(redactions)
    assert text.startswith("Ring me on <PHONE_NUMBER_1>")


def test_a_mobile_number_is_typed_as_a_phone_not_a_card_or_nhs_number(engine):
    _, redactions = anonymize(engine, "Mein Handy: +49 157 33221144, bitte zurückrufen.")
    assert types_of(redactions) == {"PHONE_NUMBER"}


def test_amounts_dates_versions_and_years_are_not_phones(engine):
    text, redactions = anonymize(engine, "Firmware 2.14.3 cost $129.99 in 2023 and weighs 1 250 grams.")
    assert "PHONE_NUMBER" not in types_of(redactions)
    assert "2.14.3" in text and "129.99" in text


def test_signature_after_a_valediction_and_header_display_names(engine):
    mail = (
        'From: "Okonkwo, Adaeze" <a.okonkwo@fastpost.example>\n'
        "To: Support <help@shop.example>\n\n"
        "The replacement kettle never came.\n\n"
        "Best regards,\nAdaeze Okonkwo\nLogistics Coordinator"
    )
    text, redactions = anonymize(engine, mail)
    for value in ("Okonkwo", "Adaeze", "a.okonkwo", "Logistics Coordinator"):
        assert value not in text, value
    assert "The replacement kettle never came." in text and "Best regards," in text
    assert {"PERSON", "EMAIL_ADDRESS"} <= types_of(redactions)


def test_greeting_and_single_names_with_a_cue(engine):
    text, _ = anonymize(engine, "Dear Ms. Thornquist,\nmy colleague Ilse called me twice. Please ask for Radomir.")
    for value in ("Thornquist", "Ilse", "Radomir"):
        assert value not in text, value
    assert "called me twice" in text


def test_a_list_of_surnames(engine):
    text, _ = anonymize(engine, "The shop was founded by Vasquez, Lindqvist and Bell in a garage.")
    for value in ("Vasquez", "Lindqvist", "Bell"):
        assert value not in text, value
    assert "in a garage" in text


@pytest.mark.parametrize(
    "address",
    [
        "14 Larkspur Crescent",
        "221 Juniper Quadrant, Apt 5",
        "Mühlenweg 17",
        "Kastanjegatan 4",
        "Rua das Flores 88",
        "ul. Słoneczna 12",
        "7, rue du Moulin",
        "PO Box 7734",
    ],
)
def test_street_addresses_in_many_languages(engine, address):
    text, redactions = anonymize(engine, f"Please ship the order to {address} by Friday.")
    assert address not in text and address.split()[-1].strip(",") not in text, text
    assert "STREET_ADDRESS" in types_of(redactions)


def test_an_address_block_goes_whole(engine):
    block = "Hilde Brekke\nGrønnegata 31\nLeilighet 4\n9008 Tromsø\nNorway"
    text, _ = anonymize(engine, block)
    for value in ("Hilde", "Grønnegata", "9008", "Tromsø", "Norway"):
        assert value not in text, value


@pytest.mark.parametrize(
    ("signature", "values"),
    [
        ("Regards,\nसुनीता अय्यर\n+91 98450 12763\n17/3 मल्लेश्वरम\n560003 बेंगलुरु", ("560003", "बेंगलुरु", "17/3")),
        ("Best,\nИнна Белова\n+7 (812) 407-19-33\n190121 Санкт-Петербург", ("190121", "Санкт-Петербург")),
        ("谢谢\n周海燕\n+86 571 8702 2214\n310013 杭州市", ("310013", "杭州市")),
        ("Regards,\nWanchai Srisuk\n+66 2 713 4480\n10110 กรุงเทพมหานคร", ("10110", "กรุงเทพมหานคร")),
    ],
)
def test_a_signatures_postcode_line_goes_in_any_script(engine, signature, values):
    """The postcode-and-town line under a phone line is an address whether or not its script has capitals, and
    six-digit postcodes (India, Russia, China) are postcodes."""
    text, _ = anonymize(engine, signature)
    for value in values:
        assert value not in text, (value, text)


def test_a_six_digit_postcode_under_its_key_goes_and_a_date_line_makes_no_address(engine):
    text, _ = anonymize(engine, "order status: shipped\npostcode: 400071\nweight: 2 kg")
    assert "400071" not in text and "order status: shipped" in text and "weight: 2 kg" in text
    kept = "Delivered 27.05.2024\n3 parcels left at the door"
    assert anonymize(engine, kept)[0] == kept


def test_obfuscated_email_and_zero_width_characters(engine):
    text, redactions = anonymize(
        engine, "Write to lena dot vogt at posteo dot de or to ma\u200brek.z@mailbox.example instead."
    )
    for value in ("vogt", "posteo", "marek", "mailbox", "rek.z"):
        assert value not in text, value
    assert "EMAIL_ADDRESS" in types_of(redactions)
    assert "\u200b" not in text and text.startswith("Write to <") and text.endswith("> instead.")


@pytest.mark.parametrize(
    ("sentence", "value", "entity"),
    [
        ("She is a proud Icelander and a practising Buddhist.", "Icelander", "NRP"),
        ("I cooked a great peruvian stew.", "peruvian", "NRP"),
        ("My grandmother turned 94 last week.", "94", "AGE"),
        ("Patient, a 37-year-old, reports pain.", "37", "AGE"),
        ("Our new office is in Kraljevo, near the river.", "Kraljevo", "LOCATION"),
        ("My zip code is 60614, please update it.", "60614", "ZIP_CODE"),
        ("Driver's license number D4412-77190 expired.", "D4412-77190", "US_DRIVER_LICENSE"),
        ("I work as a Senior Quantity Surveyor in Leeds.", "Quantity Surveyor", "TITLE"),
        pytest.param(
            "My NI number is AB 12 34 56 C.",  # a valid prefix: HMRC's example prefix "QQ" is never issued
            "AB 12 34 56 C",
            "UK_NINO",
            marks=pytest.mark.xfail(
                strict=True,
                reason="Presidio's NINO finding scores 0.5 (no context word raises it in this engine) and loses the "
                "merged span to a phone reading of '12 34 56' (0.75): gone, but typed PHONE_NUMBER",
            ),
        ),
    ],
)
def test_identifiers_beyond_presidio_defaults(engine, sentence, value, entity):
    text, redactions = anonymize(engine, sentence)
    assert value not in text, text
    assert entity in types_of(redactions), [(r.entity_type, sentence[r.start : r.end]) for r in redactions]


def test_a_national_insurance_number_goes_whole(engine):
    text, redactions = anonymize(engine, "My NI number is AB 12 34 56 C, or AB123456C without spaces.")
    for part in ("AB", "12 34 56", "56 C", "123456"):
        assert part not in text, text
    assert len(redactions) == 2, redactions


def test_an_employer_and_a_birth_date_go_a_carrier_and_a_delivery_date_stay(engine):
    sentence = "I joined Hallberg Logistics GmbH on 3 March 2021; the parcel went with Brightway Freight on 4 May."
    text, redactions = anonymize(engine, sentence)
    assert "Hallberg" not in text and "3 March 2021" in text
    assert "Brightway Freight" in text and "4 May" in text
    assert types_of(redactions) == {"ORGANIZATION"}
    born, redactions = anonymize(engine, "She was born on 3 March 1987 and ordered on 4 May.")
    assert "1987" not in born and "4 May" in born and types_of(redactions) == {"DATE_OF_BIRTH"}
    every = AnonymizationEngine(AnonymizerSettings.for_policy(dates="all", organizations="all"))
    (res,) = every.anonymize_serial([{"text": sentence}])
    assert "Brightway" not in res.fields["text"] and "4 May" not in res.fields["text"]
    none = AnonymizationEngine(AnonymizerSettings.for_policy(dates="none", organizations="none"))
    (res,) = none.anonymize_serial([{"text": sentence + " Born 3 March 1987."}])
    assert "Hallberg Logistics GmbH" in res.fields["text"] and "3 March 1987" in res.fields["text"]


def test_relative_time_and_common_capitalized_words_stay(engine):
    text, _ = anonymize(engine, "Next week the Country Club opens again; the SSN field was empty this morning.")
    for kept in ("Next week", "Country Club", "SSN", "this morning"):
        assert kept in text, kept


def test_ages_keep_their_unit_words(engine):
    text, _ = anonymize(engine, "He is 41 years old.")
    assert text == "He is <AGE_1> years old."


def test_all_caps_and_lower_case_texts_get_a_second_look(engine):
    upper = "MY NAME IS BRONWEN TALIESIN AND I LIVE IN ABERYSTWYTH. MY ACCOUNT IS LOCKED."
    lower = "hello, this is bronwen taliesin from aberystwyth. my account is locked."
    out = [d.fields["text"] for d in engine.anonymize_serial([{"text": upper}, {"text": lower}])]
    assert "BRONWEN" not in out[0] and "ABERYSTWYTH" not in out[0] and "MY ACCOUNT IS" in out[0]
    assert "bronwen" not in out[1] and "aberystwyth" not in out[1] and "account is locked" in out[1]


def test_same_person_same_placeholder_within_a_document(engine):
    doc = {
        "customer_name": "Ingrid Novak",
        "message": "Hello, this is Ingrid Novak. Please call 312-555-0199.\n\nThanks,\nIngrid",
        "agent_reply": "Hi Ingrid, we will call you at 312-555-0199.",
    }
    (res,) = engine.anonymize_serial([doc])
    name = res.fields["customer_name"]
    assert name == "<PERSON_1>"
    assert res.fields["message"].count(name) == 2 and name in res.fields["agent_reply"]
    assert {r.surrogate for r in res.redactions if r.entity_type == "PHONE_NUMBER"} == {"<PHONE_NUMBER_1>"}


def test_pseudonyms_are_consistent_across_documents_and_keyed_by_the_salt():
    doc = {"message": "My email is ana.lima@example.org, write to me.", "customer_name": "Ana Lima"}
    a = AnonymizationEngine(AnonymizerSettings(default_operator="pseudonym", salt="s1"))
    b = AnonymizationEngine(AnonymizerSettings(default_operator="pseudonym", salt="s2"))
    one, two = a.anonymize_serial([doc, dict(doc)])
    assert one.fields["message"] == two.fields["message"] and "ana.lima" not in one.fields["message"]
    (other,) = b.anonymize_serial([doc])
    assert other.fields["message"] != one.fields["message"]
    assert a.config_hash != b.config_hash and "s1" not in a.config_hash


def test_allow_list_keeps_configured_domain_terms():
    e = AnonymizationEngine(AnonymizerSettings(allow_list=("Parcelwise",)))
    (res,) = e.anonymize_serial([{"text": "Parcelwise lost the box Tomasz Wierzbicki sent."}])
    assert res.fields["text"].startswith("Parcelwise lost the box") and "Wierzbicki" not in res.fields["text"]


def test_sample_tickets_lose_every_customer_value_and_the_audit_holds_none(engine):
    tickets = generate_tickets(40, seed=21)
    out = engine.anonymize_serial([asdict(t) for t in tickets])
    for t, res in zip(tickets, out, strict=True):
        blob = " ".join(res.fields.values())
        for value in (t.customer_name, t.customer_email, t.customer_phone, *t.customer_name.split()):
            assert value not in blob, value
        for r in res.redactions:
            assert t.customer_name not in str(asdict(r)) and t.customer_email not in r.surrogate
        assert res.fields["category"] == t.category  # passthrough fields stay


def test_a_label_many_documents_share_is_a_category_and_a_rare_one_is_analysed(engine):
    from llm_assets.core.anonymization.categories import anonymize_keeping_categories, shared_categories

    queues = ["Sales and Pre-Sales"] * 4 + ["Billing"] * 4 + ["Ingrid Solberg"]
    docs = [{"text": f"Order {i} never came. Best, Tomasz Wrona", "category": q} for i, q in enumerate(queues)]
    categories = shared_categories(docs, ["category"], min_documents=4)
    assert categories == {"category": frozenset({"Sales and Pre-Sales", "Billing"})}
    out = anonymize_keeping_categories(docs, categories, engine.anonymize_serial)
    assert [r.fields["category"] for r in out[:8]] == queues[:8]
    assert "Solberg" not in out[8].fields["category"]
    assert all("Wrona" not in r.fields["text"] and "category" not in {x.field for x in r.redactions} for r in out[:8])
    assert shared_categories(docs, ["category"], min_documents=0) == {}


def test_long_texts_are_chunked_and_entities_at_a_border_survive_whole():
    e = AnonymizationEngine(AnonymizerSettings(chunk_chars=400, chunk_overlap=80))
    filler = "The parcel is still on its way to the depot. " * 8
    text = filler + "Contact ferdinand.aalto@kotiposti.example today. " + filler * 2
    (res,) = e.anonymize_serial([{"text": text}])
    assert "ferdinand" not in res.fields["text"] and "<EMAIL_ADDRESS_1>" in res.fields["text"]
    pieces = chunks(text, 400, 80)
    assert len(pieces) > 2 and all(text[off : off + len(p)] == p for off, p in pieces)
    assert pieces[-1][0] + len(pieces[-1][1]) == len(text)


def test_a_document_past_the_size_limit_is_held_back_and_the_rest_goes_on():
    e = AnonymizationEngine(AnonymizerSettings(max_chars=1000))
    out = e.anonymize_serial([{"text": "Call Ana Lima."}, {"text": "x " * 600}, {"text": "Mail bo@x.example"}])
    assert [o.failure for o in out] == [None, "too_long", None]
    assert out[1].fields == {} and "<PERSON_1>" in out[0].fields["text"]


def test_a_document_that_breaks_a_recognizer_is_held_back_alone(engine, monkeypatch):
    from llm_assets.core.anonymization.recognizers.phones import PhoneNumberRecognizer

    real = PhoneNumberRecognizer.find

    def fragile(self, text):
        if "explode" in text:
            raise RecursionError("a library gave up on this text")
        return real(self, text)

    monkeypatch.setattr(PhoneNumberRecognizer, "find", fragile)
    out = engine.anonymize_serial([{"text": "Call 0161 496 0734"}, {"text": "please explode"}, {"text": "ok"}])
    assert [o.failure for o in out] == [None, "analysis_error", None]
    assert out[1].detail == "RecursionError" and "<PHONE_NUMBER_1>" in out[0].fields["text"]


@pytest.mark.slow  # starts a pool of worker processes, each loading the engine
def test_worker_pool_matches_serial_and_holds_back_documents_past_their_time_budget(engine):
    from llm_assets.core.anonymization.workers import anonymize_in_workers

    docs = [asdict(t) for t in generate_tickets(30, seed=5)]
    assert [d.fields for d in anonymize_in_workers(engine.settings, docs, 2)] == [
        d.fields for d in engine.anonymize_serial(docs)
    ]
    slow = anonymize_in_workers(engine.settings, docs[:2], 1, time_budget_s=1e-6)
    assert [d.failure for d in slow] == ["analysis_timeout", "analysis_timeout"]


def test_overlapping_findings_merge_into_one_span_typed_by_the_strongest():
    from presidio_analyzer import RecognizerResult

    merged = resolve_overlaps(
        [RecognizerResult("LOCATION", 0, 10, 0.6), RecognizerResult("STREET_ADDRESS", 5, 20, 0.8)]
    )
    assert [(r.entity_type, r.start, r.end) for r in merged] == [("STREET_ADDRESS", 0, 20)]
    age_in_date = resolve_overlaps([RecognizerResult("DATE_TIME", 0, 12, 0.85), RecognizerResult("AGE", 0, 2, 0.9)])
    assert [(r.entity_type, r.end) for r in age_in_date] == [("AGE", 2)]


def test_card_checksum():
    assert luhn_valid("4111111111111111") and luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112")


def test_second_look_is_independent_and_ignores_surrogates():
    scanner = ResidualScanner()
    found = scanner.scan(
        [
            "reach me at bob.hale@example.com",
            "reach me at <EMAIL_ADDRESS_1> or <PHONE_NUMBER_2>, <PERSON_1>",
            "Dear Mr. Fenwick, your card 4111 1111 1111 1111 is blocked.",
            "Call me at +33 1 42 68 53 00 tomorrow.",
            "The parcel left the depot on time.",
        ]
    )
    assert found[0] == ["EMAIL_ADDRESS"] and found[1] == [] and found[4] == []
    assert {"PERSON", "CREDIT_CARD"} <= set(found[2]) and found[3] == ["PHONE_NUMBER"]
    # it shares no code with the engine's recognizers: Presidio's own, over the small spaCy pipeline
    recognizers = {r.name: r for r in scanner.analyzer.registry.recognizers}
    assert isinstance(recognizers["DigitRunPhoneRecognizer"], PhoneRecognizer) and "CreditCardRecognizer" in recognizers
    assert "PhoneNumberRecognizer" not in recognizers


def test_second_look_reads_phone_numbers_as_presidio_does_around_long_digit_runs():
    """The second look hands libphonenumber only the windows around runs of seven digits or more: on a text with
    numbers of every length, dates and times around them, it finds what Presidio's recognizer over the whole text
    finds, once the numbers the policy rejects (fewer than seven digits) are left out."""
    text = (
        "Ticket 2024-11-12 15:27:00 +0000, ref 48213. Ring +44 20 7946 0958 or (415) 555-0199 ext. 12 before 5pm;\n"
        "invoice 88412 of 03/04/2025 for 1,249.00 EUR. Fax 0049 30 1234567, unit 7, floor 12; code 123456.\n"
        "Mobil: 0171 2345678 · Tel. 01 42 68 53 00 · 9876543 · 12345"
    )
    whole = PhoneRecognizer(supported_regions=PHONE_REGIONS).analyze(text, ["PHONE_NUMBER"])
    expected = {(r.start, r.end) for r in whole if sum(c.isdigit() for c in text[r.start : r.end]) >= 7}
    windowed = DigitRunPhoneRecognizer(supported_regions=PHONE_REGIONS).analyze(text, ["PHONE_NUMBER"])
    assert len(expected) >= 5 and {(r.start, r.end) for r in windowed} >= expected


def test_second_look_follows_the_policy_on_numbers_named_as_a_transaction_s():
    """A bare ten-digit number that a word right before it names ("cancel purchase 3707955617") is a reference the
    engine keeps by policy; the second look used to take it for a phone number and held back 2.6 % of an outside
    corpus. The same digits without such a word, or with a phone cue nearer, are still found."""
    found = ResidualScanner().scan(
        [
            "i bought something cancel purchase 3707955617",
            "my order number is 3707955617",
            "please ring 3707955617",
            "order placed, my phone: 4155550123",
        ]
    )
    assert found == [[], [], ["PHONE_NUMBER"], ["PHONE_NUMBER"]]


def test_the_registry_lists_recognizers_in_the_order_they_were_added():
    """Presidio's registry gathers them in a set hashed by object address, and that order decides which of two equal
    findings survives its de-duplication: the audit named one span's recognizer differently in two processes."""
    from presidio_analyzer import Pattern, PatternRecognizer

    from llm_assets.core.anonymization.registry import StableRegistry

    def recognizers():  # forty alike: a set of forty objects hashed by address lists them in another order
        return [
            PatternRecognizer("ORDER_ID", name=f"R{i:02d}", patterns=[Pattern("order", r"\bA\d{4}\b", 0.6)])
            for i in range(40)
        ]

    stable = StableRegistry(supported_languages=["en"])
    for r in recognizers():
        stable.add_recognizer(r)
    names = [f"R{i:02d}" for i in range(40)]
    assert [r.name for r in stable.get_recognizers("en", entities=["ORDER_ID"])] == names


def test_a_name_spreads_by_its_rare_parts_not_into_labels_or_everyday_words(engine):
    """A name found in the message marks its parts elsewhere in the document, but an everyday word inside it does
    not ('Sales' is also a family name), and a label field is never rewritten by what the message held."""
    doc = {
        "message": "Hello, this is Maria Sales from the accounts team.",
        "agent_reply": "Hi Maria, our sales team will call you back today.",
        "category": "Sales Team",
    }
    (res,) = engine.anonymize_serial([doc])
    assert "Maria" not in res.fields["message"] and "Maria" not in res.fields["agent_reply"]
    assert "our sales team will call you back today." in res.fields["agent_reply"]
    assert res.fields["category"] == "Sales Team"
