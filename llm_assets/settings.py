"""Where runtime state lives, and the environment that keeps every library offline.

Everything the pipeline writes (warehouse, MLflow store, adapters, reports, model cache, DAGSTER_HOME) sits under one
git-ignored data directory, ``$LLMP_DATA_DIR`` or ``./.data`` by default.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "LLMP_DATA_DIR"

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
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV, Path.cwd() / ".data")).resolve()


CACHE_DIR_ENV = "LLMP_CACHE_DIR"


def cache_dir() -> Path:
    """Derived, rebuildable files (word lists): ``$LLMP_CACHE_DIR`` or ``<data dir>/cache``."""
    value = os.environ.get(CACHE_DIR_ENV)
    return Path(value).resolve() if value else data_dir() / "cache"


def default_path(*parts: str) -> str:
    return str(data_dir().joinpath(*parts))


def dagster_yaml() -> str:
    """The instance configuration ``make`` and the CLI write into ``$DAGSTER_HOME``: telemetry off, one model step at
    a time (concurrency pools), and run/event/schedule storage on PostgreSQL when ``$LLMP_DAGSTER_POSTGRES_URL`` is
    set (read from the environment at run time, never written into the file)."""
    text = "telemetry:\n  enabled: false\nconcurrency:\n  pools:\n    default_limit: 1\n"
    if os.environ.get("LLMP_DAGSTER_POSTGRES_URL"):
        text += "storage:\n  postgres:\n    postgres_url:\n      env: LLMP_DAGSTER_POSTGRES_URL\n"
    return text


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dagster_yaml())
