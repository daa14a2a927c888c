"""The one place the pipeline reads its environment, and where runtime state lives.

Every environment variable the project honours is listed in ``ENVIRONMENT``. Paths (data and cache directories) are
read when asked for; secrets and service URLs reach resources as ``dg.EnvVar`` (see ``env_or``), so Dagster resolves
them at run time and the UI shows the variable's name, never its value. Importing this module (or any module of the
package) changes nothing: the entry points (``definitions.py``, the CLIs, the test and benchmark harnesses) call
``apply_offline_environment()`` themselves.

Everything the pipeline writes (warehouse, MLflow store, adapters, reports, model cache, DAGSTER_HOME) sits under one
git-ignored data directory, ``$LLMP_DATA_DIR`` or ``./.data`` by default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DATA_DIR_ENV = "LLMP_DATA_DIR"
CACHE_DIR_ENV = "LLMP_CACHE_DIR"
LANDING_DIR_ENV = "LLMP_LANDING_DIR"
CORPUS_MAPPING_ENV = "LLMP_CORPUS_MAPPING"
MLFLOW_TRACKING_URI_ENV = "LLMP_MLFLOW_TRACKING_URI"
GOVERNANCE_KEY_ENV = "LLMP_GOVERNANCE_KEY"
PSEUDONYM_SALT_ENV = "LLMP_PSEUDONYM_SALT"
DAGSTER_POSTGRES_URL_ENV = "LLMP_DAGSTER_POSTGRES_URL"
K8S_GPUS_ENV = "LLMP_K8S_GPUS"
COMPUTE_ENV = "LLMP_COMPUTE"
RAY_ADDRESS_ENV = "LLMP_RAY_ADDRESS"
CODE_VERSION_ENV = "LLMP_CODE_VERSION"
REQUIRE_APPROVAL_ENV = "LLMP_REQUIRE_APPROVAL"
APPROVERS_ENV = "LLMP_APPROVERS"
ALERT_SMTP_HOST_ENV = "LLMP_ALERT_SMTP_HOST"
ALERT_SMTP_PORT_ENV = "LLMP_ALERT_SMTP_PORT"
ALERT_SMTP_PASSWORD_ENV = "LLMP_ALERT_SMTP_PASSWORD"
ALERT_EMAIL_TO_ENV = "LLMP_ALERT_EMAIL_TO"
ALERT_WEBHOOK_URL_ENV = "LLMP_ALERT_WEBHOOK_URL"
ALERT_WEBHOOK_TOKEN_ENV = "LLMP_ALERT_WEBHOOK_TOKEN"

ENVIRONMENT: dict[str, str] = {
    DATA_DIR_ENV: "data directory for everything the pipeline writes (default ./.data)",
    CACHE_DIR_ENV: "derived, rebuildable files such as word lists (default <data dir>/cache)",
    LANDING_DIR_ENV: "the landing zone, one sub-folder per batch (default <data dir>/landing)",
    CORPUS_MAPPING_ENV: "YAML file mapping the corpus's columns to message/subject/reply/label/group "
    "(default: corpus_mapping.yaml in the working directory, if there is one)",
    MLFLOW_TRACKING_URI_ENV: "MLflow tracking URI, e.g. postgresql://… for a shared server (default sqlite)",
    GOVERNANCE_KEY_ENV: "secret key of the subject index and PII fingerprints (default: a key file)",
    PSEUDONYM_SALT_ENV: "secret salt of the pseudonym operator (default: a salt file)",
    DAGSTER_POSTGRES_URL_ENV: "Dagster run/event storage on PostgreSQL (default sqlite in DAGSTER_HOME)",
    K8S_GPUS_ENV: "GPUs requested by the model steps on Kubernetes (default 0)",
    COMPUTE_ENV: "where the heavy steps run: local (this machine, the default) or ray (an existing Ray cluster)",
    RAY_ADDRESS_ENV: "the Ray cluster's address for LLMP_COMPUTE=ray: host:6379, ray://host:10001 or auto",
    CODE_VERSION_ENV: "code version recorded in lineage when the tree is not a git checkout",
    REQUIRE_APPROVAL_ENV: "1 = a candidate that passes the gate waits for a human approval (default 0)",
    APPROVERS_ENV: "comma-separated names allowed to approve, reject and roll back (default: anyone)",
    ALERT_SMTP_HOST_ENV: "SMTP server for alert e-mails (default: no e-mail)",
    ALERT_SMTP_PORT_ENV: "its port (default 25)",
    ALERT_SMTP_PASSWORD_ENV: "SMTP password (the user is the alerts resource's smtp_user; default: no login)",
    ALERT_EMAIL_TO_ENV: "comma-separated recipients of alert e-mails",
    ALERT_WEBHOOK_URL_ENV: "URL that receives each alert as a JSON POST (default: none)",
    ALERT_WEBHOOK_TOKEN_ENV: "bearer token sent to the webhook (default: none)",
}

# Set before presidio, transformers, mlflow or dagster are imported: each of them phones home otherwise.
OFFLINE_ENV = {
    "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "1",
    "DAGSTER_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_offline_environment() -> None:
    """Called by every entry point before the libraries that phone home are imported; keeps values already set."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def env_or(name: str, default: Any) -> Any:
    """Resource config for a secret or URL: ``dg.EnvVar(name)`` when the variable is set (resolved by Dagster at run
    time, shown by name in the UI), else ``default``."""
    if os.environ.get(name, "").strip():
        import dagster as dg

        return dg.EnvVar(name)
    return default


def env_text(name: str, default: str = "") -> str:
    """A plain setting (not a secret) from the environment."""
    return os.environ.get(name, default)


def env_list(name: str) -> list[str]:
    """A comma-separated setting as a list (empty items dropped)."""
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, "") or default)


def child_environment(**defaults: str) -> dict[str, str]:
    """The environment a worker process inherits, with ``defaults`` where a variable is not set."""
    return {**defaults, **os.environ}


def dagster_home() -> Path:
    """``$DAGSTER_HOME``, set to ``<data dir>/dagster_home`` when unset (Dagster reads the variable itself)."""
    return Path(os.environ.setdefault("DAGSTER_HOME", str(data_dir() / "dagster_home")))


def data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV, Path.cwd() / ".data")).resolve()


def cache_dir() -> Path:
    """Derived, rebuildable files (word lists): ``$LLMP_CACHE_DIR`` or ``<data dir>/cache``."""
    value = os.environ.get(CACHE_DIR_ENV)
    return Path(value).resolve() if value else data_dir() / "cache"


def landing_dir() -> Path:
    value = os.environ.get(LANDING_DIR_ENV)
    return Path(value).resolve() if value else data_dir() / "landing"


def corpus_mapping_file() -> str:
    """``$LLMP_CORPUS_MAPPING``, else ``./corpus_mapping.yaml`` if it exists, else '' (no mapping)."""
    value = os.environ.get(CORPUS_MAPPING_ENV)
    if value:
        return str(Path(value).resolve())
    beside = Path.cwd() / "corpus_mapping.yaml"
    return str(beside) if beside.is_file() else ""


def use_landing(path: Path) -> None:
    """This process and its children read ``path`` as the landing zone (``llm-pipeline run --landing``)."""
    os.environ[LANDING_DIR_ENV] = str(Path(path).resolve())


def use_corpus_mapping(path: Path) -> None:
    os.environ[CORPUS_MAPPING_ENV] = str(Path(path).resolve())


def default_path(*parts: str) -> str:
    return str(data_dir().joinpath(*parts))


def default_mlflow_tracking_uri() -> str:
    return f"sqlite:///{data_dir() / 'mlflow' / 'mlflow.db'}"


def k8s_gpus() -> int:
    return int(os.environ.get(K8S_GPUS_ENV, "0") or 0)


def compute_backend() -> str:
    return os.environ.get(COMPUTE_ENV, "").strip() or "local"


def ray_address() -> str:
    return os.environ.get(RAY_ADDRESS_ENV, "").strip() or "auto"


def code_version_override() -> str | None:
    return os.environ.get(CODE_VERSION_ENV) or None


def dagster_yaml() -> str:
    """The instance configuration ``make`` and the CLI write into ``$DAGSTER_HOME``: telemetry off, one model step at
    a time (concurrency pools), and run/event/schedule storage on PostgreSQL when ``$LLMP_DAGSTER_POSTGRES_URL`` is
    set (read from the environment at run time, never written into the file)."""
    text = "telemetry:\n  enabled: false\nconcurrency:\n  pools:\n    default_limit: 1\n"
    if os.environ.get(DAGSTER_POSTGRES_URL_ENV):
        text += f"storage:\n  postgres:\n    postgres_url:\n      env: {DAGSTER_POSTGRES_URL_ENV}\n"
    return text


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dagster_yaml())
