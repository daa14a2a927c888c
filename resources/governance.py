"""The governance key: the secret behind the keyed hashes of the subject index and of the PII fingerprints.

The canary secrets the memorization probe looks for are configured here too (a file outside git).

The key comes from ``LLMP_GOVERNANCE_KEY`` (passed as ``dg.EnvVar`` by ``resources.build_resources``) or from a key
file outside git; a missing file is created once, readable by its owner only. Losing the key makes the index useless
for erasure, so back it up with the warehouse.
"""

import json
from pathlib import Path

import dagster as dg
from pydantic import Field

from llm_assets.core.fingerprints import fingerprint
from llm_assets.settings import GOVERNANCE_KEY_ENV, default_path
from resources.secrets import load_secret


class GovernanceKeys(dg.ConfigurableResource):
    """Holds the key of the subject index and the PII fingerprints (never written to the warehouse or MLflow)."""

    key: str = Field(
        default="",
        description="The key (hex, 32+ characters), given as dg.EnvVar('LLMP_GOVERNANCE_KEY') when that variable is "
        "set; empty = the key file.",
    )
    key_file: str = Field(
        default_factory=lambda: default_path("secrets", "governance.key"),
        description="Key file used when the environment variable is unset; created (mode 600) on first use.",
    )
    create_missing: bool = Field(default=True, description="Create the key file if neither source has a key.")
    canaries_file: str = Field(
        default_factory=lambda: default_path("secrets", "canaries.json"),
        description="JSON object {kind: value} of canary secrets planted in the raw zone: the memorization probe "
        "fails a model that generates any of them. Missing = no canaries (raw-zone values are probed either way).",
    )

    def canaries(self) -> dict[str, str]:
        path = Path(self.canaries_file)
        if not path.exists():
            return {}
        values = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in values.items()}

    def secret(self) -> bytes:
        if self.key.strip() and len(self.key.strip()) < 32:
            raise dg.DagsterInvalidConfigError(
                f'{GOVERNANCE_KEY_ENV} must hold at least 32 characters (e.g. `python -c "import secrets; '
                f'print(secrets.token_hex(32))"`)',
                [],
                None,
            )
        value = load_secret(self.key, self.key_file, create_missing=self.create_missing)
        if not value:
            raise dg.DagsterInvalidConfigError(
                f"no governance key: set {GOVERNANCE_KEY_ENV} or create {self.key_file} (32+ random hex characters)",
                [],
                None,
            )
        return value.encode()

    def fingerprint(self, value: str) -> str:
        return fingerprint(self.secret(), value)
