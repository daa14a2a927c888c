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


def default_path(*parts: str) -> str:
    return str(data_dir().joinpath(*parts))
