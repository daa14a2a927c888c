"""Security defaults: loopback-only servers, secrets from the environment or files outside git, clear errors."""

import re
import subprocess
from pathlib import Path

import dagster as dg
import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ui_servers_bind_to_loopback_by_default():
    makefile = (ROOT / "Makefile").read_text()

    def recipe(target: str) -> str:
        return re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)

    ui, reports, mlflow = recipe("ui"), recipe("reports"), recipe("mlflow-ui")
    assert "dagster dev -h 127.0.0.1" in ui and "http.server 3001 --bind 127.0.0.1" in ui
    assert "--bind 127.0.0.1" in reports and "--host 127.0.0.1" in mlflow
    assert "0.0.0.0" not in makefile


def test_secrets_and_runtime_state_stay_out_of_git():
    ignored = subprocess.run(
        ["git", "check-ignore", ".data/secrets/governance.key", ".data/warehouse.duckdb", "x.safetensors"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert len(ignored) == 3
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    code = "\n".join((ROOT / f).read_text(errors="ignore") for f in tracked.split() if f.endswith(".py"))
    assert not re.search(r"LLMP_PSEUDONYM_SALT\s*=\s*['\"]", code)  # never a salt set in code


def test_pseudonym_salt_comes_from_env_or_file_with_a_clear_error_otherwise(tmp_path, monkeypatch):
    from resources.anonymizer import PresidioAnonymizer

    monkeypatch.delenv("LLMP_PSEUDONYM_SALT", raising=False)
    salt_file = tmp_path / "pseudonym.salt"
    anonymizer = PresidioAnonymizer(default_operator="pseudonym", salt_file=str(salt_file))
    with pytest.raises(dg.DagsterInvalidConfigError, match="LLMP_PSEUDONYM_SALT.*pseudonym.salt"):
        anonymizer.settings()
    salt_file.write_text("a-long-enough-file-salt\n")
    assert anonymizer.settings().salt == "a-long-enough-file-salt"
    monkeypatch.setenv("LLMP_PSEUDONYM_SALT", "an-environment-salt-wins")
    from resources import build_resources, resolved

    configured = resolved(build_resources())["anonymizer"].model_copy(
        update={"default_operator": "pseudonym", "salt_file": str(salt_file)}
    )
    assert configured.settings().salt == "an-environment-salt-wins"  # the environment's salt wins over the file
    with pytest.raises(dg.DagsterInvalidConfigError, match="16"):
        anonymizer.model_copy(update={"pseudonym_salt": "short"}).settings()


def test_governance_key_is_created_private_once_and_validated(tmp_path, monkeypatch):
    from resources.governance import GovernanceKeys

    monkeypatch.delenv("LLMP_GOVERNANCE_KEY", raising=False)
    keys = GovernanceKeys(key_file=str(tmp_path / "secrets" / "governance.key"))
    first = keys.secret()
    assert (tmp_path / "secrets" / "governance.key").stat().st_mode & 0o077 == 0  # owner-only
    assert keys.secret() == first and len(first) == 64
    with pytest.raises(dg.DagsterInvalidConfigError, match="no governance key"):
        GovernanceKeys(key_file=str(tmp_path / "missing.key"), create_missing=False).secret()
    with pytest.raises(dg.DagsterInvalidConfigError, match="at least 32"):
        keys.model_copy(update={"key": "too-short"}).secret()


def test_missing_configuration_fails_with_a_message_that_says_what_to_do(tmp_path):
    from resources.base_model import BaseModelResource
    from resources.landing import LandingZone

    with pytest.raises(FileNotFoundError, match="landing batch 'nope' not found"):
        LandingZone(path=str(tmp_path)).entries("nope")
    with pytest.raises(FileNotFoundError, match=r"no-such-model does not exist: give a model folder, 'SmolLM2"):
        BaseModelResource(model=str(tmp_path / "no-such-model")).local_path()
    with pytest.raises(FileNotFoundError, match="not in the local Hugging Face cache and allow_hub_download is off"):
        BaseModelResource(model="no-such-org/no-such-model").local_path()
