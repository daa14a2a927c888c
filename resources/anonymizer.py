"""The anonymizer as a resource: its configuration is what the Launchpad and the audit trail see."""

import dagster as dg
from pydantic import Field

from llm_assets.core.anonymization.settings import (
    DATE_POLICIES,
    DEFAULT_PASSTHROUGH_FIELDS,
    DEFAULT_PII_FIELDS,
    OPERATORS,
    ORGANIZATION_POLICIES,
    PRIMARY_SPACY_MODEL,
    REFERENCE_POLICIES,
    REGION_POLICIES,
    AnonymizerSettings,
    policy_entities,
)
from llm_assets.settings import PSEUDONYM_SALT_ENV, default_path
from resources.secrets import load_secret

_ENGINES: dict = {}


def _engine(settings: AnonymizerSettings):
    """One engine per configuration and process: building one loads spaCy and the word lists (seconds). Presidio is
    imported here, not when the definitions load."""
    from llm_assets.core.anonymization.engine import AnonymizationEngine

    key = settings.config_hash()
    if key not in _ENGINES:
        _ENGINES[key] = AnonymizationEngine(settings)
    return _ENGINES[key]


class PresidioAnonymizer(dg.ConfigurableResource):
    """Presidio analyzer + anonymizer over an offline spaCy pipeline, with the project's recognizers.

    The entity policy: everything that identifies a person is replaced; whether a date, an organization or a
    reference number does is decided by its context (``dates``, ``organizations``, ``transaction_references``)."""

    entities: list[str] = Field(
        default_factory=list,
        description="Entity types to find and replace; empty = the default policy (see dates, organizations, "
        "transaction_references, regions).",
    )
    dates: str = Field(
        default="birth_dates",
        description=f"Which dates are replaced, one of {DATE_POLICIES}: birth_dates = only dates of birth (a "
        "delivery or order date is the ticket's meaning, a birth date identifies); all; none.",
    )
    organizations: str = Field(
        default="employers",
        description=f"Which organizations are replaced, one of {ORGANIZATION_POLICIES}: employers = one someone "
        "works for, studies at or owns (carriers, brands and shops stay); all; none.",
    )
    transaction_references: str = Field(
        default="keep",
        description=f"Order, tracking, invoice, SKU and ticket numbers, one of {REFERENCE_POLICIES}: keep (they "
        "identify a transaction, not a person) or placeholder (<TRANSACTION_REFERENCE_1>). Customer, account and "
        "member ids are personal identifiers and always replaced.",
    )
    regions: str = Field(
        default="keep",
        description=f"Columns and keys of countries, states and provinces, one of {REGION_POLICIES}: keep (as the "
        "HIPAA Safe Harbor method keeps states; cities, streets and postcodes are always replaced) or placeholder.",
    )
    score_threshold: float = Field(default=0.5, description="Minimum recognizer score for a finding to be redacted.")
    default_operator: str = Field(
        default="placeholder",
        description=f"How a finding is replaced, one of {OPERATORS}: placeholder = <TYPE_n>, consistent within a "
        "document; pseudonym = <TYPE_hash>, a keyed hash consistent across the corpus (needs the salt).",
    )
    operators: dict[str, str] = Field(default_factory=dict, description="Per entity type overrides of the operator.")
    allow_list: list[str] = Field(
        default_factory=list, description="Terms never redacted (your domain's words that the detectors take for PII)."
    )
    deny_list: dict[str, str] = Field(default_factory=dict, description="Terms always redacted: term -> entity type.")
    pii_fields: dict[str, str] = Field(
        default=dict(DEFAULT_PII_FIELDS),
        description="Structured fields that are PII by definition (field -> entity type); their values are also "
        "searched for in the document's free text.",
    )
    passthrough_fields: list[str] = Field(
        default=list(DEFAULT_PASSTHROUGH_FIELDS),
        description="Label fields (category, channel, priority...): a value shaped like a label or a timestamp is "
        "copied unchanged, any other is analysed like text unless enough documents share it (below).",
    )
    category_min_documents: int = Field(
        default=10,
        description="A passthrough field's value that at least this many documents of a run share is a category "
        "(it cannot single out one of them) and is copied unchanged, e.g. a queue 'Sales and Pre-Sales'; rarer "
        "values are analysed. 0 = never.",
    )
    spacy_model: str = Field(
        default=PRIMARY_SPACY_MODEL, description="spaCy pipeline (installed package name or folder) for the NER."
    )
    workers: int = Field(
        default=2,
        description="Worker processes for the analysis (one per core); 0 = in the step's own process, without the "
        "hard time budget.",
    )
    batch_size: int = Field(default=64, description="Texts per spaCy batch.")
    chunk_chars: int = Field(
        default=20_000, description="Texts longer than this are analysed in overlapping chunks of this size."
    )
    max_document_chars: int = Field(
        default=2_000_000, description="Documents longer than this are held back unanalysed (reason too_long)."
    )
    time_budget_s: float = Field(
        default=60.0, description="Analysis time per document; a document past it is held back (analysis_timeout)."
    )
    pseudonym_salt: str = Field(
        default="",
        description="Secret salt of the pseudonym operator, given as dg.EnvVar('LLMP_PSEUDONYM_SALT') when that "
        "variable is set; empty = the salt file.",
    )
    salt_file: str = Field(
        default_factory=lambda: default_path("secrets", "pseudonym.salt"),
        description="File holding the salt when the environment variable is unset (keep it outside git).",
    )

    def salt(self) -> str:
        return load_secret(self.pseudonym_salt, self.salt_file)

    def settings(self) -> AnonymizerSettings:
        ops = dict(self.operators)
        for op in [self.default_operator, *ops.values()]:
            if op not in OPERATORS:
                raise dg.DagsterInvalidConfigError(f"unknown operator {op!r}; choose from {OPERATORS}", [], None)
        salt = self.salt()
        if "pseudonym" in [self.default_operator, *ops.values()] and len(salt) < 16:
            raise dg.DagsterInvalidConfigError(
                "the pseudonym operator needs a secret salt of 16+ characters: set the environment variable "
                f"{PSEUDONYM_SALT_ENV} or write it to {self.salt_file} (outside git)",
                [],
                None,
            )
        try:
            policy = policy_entities(self.dates, self.organizations, self.transaction_references, self.regions)
        except ValueError as exc:
            raise dg.DagsterInvalidConfigError(str(exc), [], None) from exc
        return AnonymizerSettings(
            entities=tuple(self.entities) or policy,
            score_threshold=self.score_threshold,
            operators=ops,
            default_operator=self.default_operator,
            allow_list=tuple(self.allow_list),
            deny_list=dict(self.deny_list),
            pii_fields=dict(self.pii_fields),
            passthrough_fields=tuple(self.passthrough_fields),
            category_min_documents=self.category_min_documents,
            spacy_model=self.spacy_model,
            salt=salt,
            chunk_chars=self.chunk_chars,
            max_chars=self.max_document_chars,
            organization_policy=self.organizations,
        )

    def engine(self):
        return _engine(self.settings())

    def anonymize(self, documents: list[dict[str, str]]) -> list:
        """Anonymizes ``{field: text}`` documents with this configuration, in worker processes with a time budget
        per document. A document that cannot be analysed comes back with ``failure`` set (and no fields)."""
        from llm_assets.core.anonymization.workers import anonymize_in_workers

        settings = self.settings()
        if self.workers <= 0:  # in this process, without a hard time budget
            return _engine(settings).anonymize_serial(documents, batch_size=self.batch_size)
        return anonymize_in_workers(settings, documents, self.workers, self.batch_size, self.time_budget_s)
