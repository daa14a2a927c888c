"""Custom Presidio recognizers for what the default ones miss on support tickets.

Presidio ships no street-address or ZIP recognizer, scores plain US phone numbers below most thresholds, misses
several card formats and knows nothing of order, tracking or invoice numbers. Each recognizer here is a
``PatternRecognizer`` (regex + context words, optional checksum), so it is cheap and needs no NLP model.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

STREET_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|"
    r"Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Alley|Row|Strasse|Straße|Rue|Via|Calle"
)
US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|"
    "PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 12:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total % 10 == 0


class StreetAddressRecognizer(PatternRecognizer):
    """House number + street name + street type, with optional unit, city, state and ZIP."""

    def __init__(self) -> None:
        unit = r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|#)\.?\s*[\w-]+)?"
        city_state_zip = rf"(?:,\s*[A-Z][A-Za-z .'-]{{1,30}},?\s+(?:{US_STATES})\.?(?:\s+\d{{5}}(?:-\d{{4}})?)?)?"
        street = rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Z][A-Za-z'.-]*\s+){{1,4}}(?:{STREET_TYPES})\b\.?{unit}{city_state_zip}"
        po_box = r"\bP\.?\s?O\.?\s+Box\s+\d{1,7}\b"
        super().__init__(
            supported_entity="STREET_ADDRESS",
            name="StreetAddressRecognizer",
            patterns=[Pattern("us_street", street, 0.75), Pattern("po_box", po_box, 0.7)],
            context=["address", "live", "ship", "deliver", "street", "billing", "mailing"],
            global_regex_flags=re.MULTILINE,  # case-sensitive on purpose: street names are capitalized
        )


class ZipCodeRecognizer(PatternRecognizer):
    """US ZIP / ZIP+4 after a state code (strong), or after a ZIP context word (weak on its own)."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="ZIP_CODE",
            name="ZipCodeRecognizer",
            patterns=[
                Pattern("state_zip", rf"(?<=\b(?:{US_STATES})\s)\d{{5}}(?:-\d{{4}})?\b", 0.7),
                Pattern("zip_plus4", r"\b\d{5}-\d{4}\b", 0.5),
                Pattern("zip_bare", r"\b\d{5}\b", 0.2),
            ],
            context=["zip", "zipcode", "postal", "postcode", "zip code"],
            global_regex_flags=re.MULTILINE,
        )


class PhoneNumberPatternRecognizer(PatternRecognizer):
    """US and international phone formats that Presidio's phonenumbers-based recognizer under-scores or misses."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            name="PhoneNumberPatternRecognizer",
            patterns=[
                Pattern("us_parens", r"\(\d{3}\)\s?\d{3}[-.\s]\d{4}\b", 0.7),
                Pattern("us_sep", r"\b\d{3}[-.]\d{3}[-.]\d{4}\b", 0.6),
                Pattern("intl", r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,5}\b", 0.7),
                Pattern("us_spaces", r"\b\d{3}\s\d{3}\s\d{4}\b", 0.4),
            ],
            context=["phone", "call", "tel", "mobile", "cell", "reach", "number", "text me", "whatsapp"],
        )


class CardNumberRecognizer(PatternRecognizer):
    """12 to 19 digit card numbers in groups (Visa, Mastercard 2- and 5-series, Amex, Maestro, JCB...), Luhn-checked."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="CREDIT_CARD",
            name="CardNumberRecognizer",
            patterns=[Pattern("card", r"\b(?:\d[ -]?){11,18}\d\b", 0.6)],
            context=["card", "credit", "debit", "visa", "mastercard", "amex", "paid", "charged", "payment"],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = re.sub(r"\D", "", pattern_text)
        return 12 <= len(digits) <= 19 and luhn_valid(digits)


class ReferenceNumberRecognizer(PatternRecognizer):
    """Order, tracking, invoice, ticket and account numbers: by their known shapes, or by a context word before them."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="REFERENCE_NUMBER",
            name="ReferenceNumberRecognizer",
            patterns=[
                Pattern("prefixed", r"\b(?:ORD|INV|TRK|ACC|ACCT|CUST|RMA|T)-?\d{4,}\b", 0.9),
                Pattern("ups", r"\b1Z[0-9A-Z]{16}\b", 0.85),
                Pattern(
                    "by_context",
                    r"(?<=\b(?:order|tracking|invoice|account|customer|ticket|reference|ref|parcel|package|shipment)"
                    r"(?:\s(?:number|no\.?|id|#))?[\s:#]{1,3})(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{5,}\b",
                    0.6,
                ),
            ],
            global_regex_flags=re.MULTILINE | re.IGNORECASE,
        )


class NumericDateRecognizer(PatternRecognizer):
    """Full numeric dates (dates of birth above all); month names and 'in 5 days' stay, they identify nobody."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="DATE_OF_BIRTH",
            name="NumericDateRecognizer",
            patterns=[
                Pattern("mdy", r"\b(?:0?[1-9]|1[0-2])[/.-](?:0?[1-9]|[12]\d|3[01])[/.-](?:19|20)\d{2}\b", 0.6),
                Pattern("dmy", r"\b(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-](?:19|20)\d{2}\b", 0.6),
                Pattern("iso", r"\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b", 0.5),
            ],
            context=["birth", "born", "dob", "birthday"],
        )


class TitledNameRecognizer(PatternRecognizer):
    """Honorific + capitalized name (Mr. Smith, Dr. Ana Lima): the small spaCy model often misses lone surnames."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PERSON",
            name="TitledNameRecognizer",
            patterns=[
                Pattern(
                    "title_name",
                    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Herr|Frau)\.?\s+[A-Z][a-zA-Z'-]+(?:\s+[A-Z][a-zA-Z'-]+)?",
                    0.8,
                )
            ],
            global_regex_flags=re.MULTILINE,
        )


def find_known_values(text: str, known: dict[str, str]) -> list[RecognizerResult]:
    """Values the document itself declares as PII (its structured customer fields), found anywhere in its text.

    A ticket whose ``customer_name`` is "Olivia Smith" makes "Olivia Smith", "Olivia" and "Smith" PERSON wherever they
    appear in it (a signature, a greeting, a quoted reply), whatever the NER model thinks.
    """
    results = []
    for value, entity in known.items():
        if len(value) < 3:
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", text, flags=re.IGNORECASE):
            results.append(
                RecognizerResult(
                    entity,
                    m.start(),
                    m.end(),
                    0.95,
                    recognition_metadata={"recognizer_name": "KnownValues", "recognizer_identifier": "KnownValues"},
                )
            )
    return results


class SalutationNameRecognizer(PatternRecognizer):
    """Names right after a greeting or a closing ("Hi Sofia", "Cheers, Sofia Johnson", "-- Ana"): signatures and
    salutations are where the small NER model misses most names."""

    GREETINGS = r"Hi|Hello|Hey|Dear|Good morning|Good afternoon|Morning"
    CLOSINGS = r"Thanks|Thank you|Many thanks|Cheers|Regards|Best regards|Kind regards|Best|Sincerely|Yours|--|—"

    def __init__(self) -> None:
        name = r"[A-Z][a-zà-ÿ'-]+(?:[ \t]+[A-Z][a-zà-ÿ'-]+){0,2}"
        super().__init__(
            supported_entity="PERSON",
            name="SalutationNameRecognizer",
            patterns=[
                Pattern("greeting", rf"(?<=(?:^|[\s>])(?:{self.GREETINGS})[ \t]+){name}(?=\s*[,!.:\n]|$)", 0.7),
                Pattern("closing", rf"(?<=(?:^|[\s>])(?:{self.CLOSINGS})[,!.]?\s+){name}(?=\s*$|\s*\n)", 0.7),
            ],
            global_regex_flags=re.MULTILINE,  # case-sensitive: names are capitalized
        )

    NOT_NAMES = {
        "The",
        "Our",
        "Your",
        "All",
        "Team",
        "Support",
        "Customer",
        "Everyone",
        "Again",
        "Sir",
        "Madam",
        "Folks",
        "Guys",
        "Friends",
        "Regards",
        "Thanks",
        "Please",
        "Sorry",
        "Team.",
    }

    def invalidate_result(self, pattern_text: str) -> bool:
        return pattern_text.split()[0] in self.NOT_NAMES


def custom_recognizers() -> list[EntityRecognizer]:
    return [
        StreetAddressRecognizer(),
        ZipCodeRecognizer(),
        PhoneNumberPatternRecognizer(),
        CardNumberRecognizer(),
        ReferenceNumberRecognizer(),
        NumericDateRecognizer(),
        TitledNameRecognizer(),
        SalutationNameRecognizer(),
    ]
