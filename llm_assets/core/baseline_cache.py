"""The base model's evaluations (zero-shot, few-shot), kept by what determines them.

Greedy generation from the same weights on the same prompts with the same settings gives the same text, so the base
model's scores on a test split are computed once per (base-model weights, test examples, shots, generation and
scoring settings) and reused by every later evaluation of that split: a warm retrain pays for its candidate and the
champion, not for the base model again. A cache, not a source: each entry says the run that computed it (its latency
figures are that run's), deleting the folder only costs time, and a key never matches once anything it covers changes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from llm_assets.core.digests import dir_sha256


def folder(artifact_store) -> Path:
    """Where the entries live: under the artifact store, beside the reports."""
    return artifact_store.path("cache", "baseline_evaluations")


# Bumped whenever scoring changes what a cached evaluation would hold.
SCORING_VERSION = "2"
_WEIGHTS_DIGESTS: dict[tuple[str, float], str] = {}


def weights_digest(model_dir: str) -> str | None:
    """sha256 of a local model folder (memoized per folder and modification time); None for a hub id."""
    path = Path(model_dir)
    if not path.is_dir():
        return None
    stamp = (str(path.resolve()), max(p.stat().st_mtime for p in path.rglob("*") if p.is_file()))
    if stamp not in _WEIGHTS_DIGESTS:
        _WEIGHTS_DIGESTS[stamp] = dir_sha256(path)
    return _WEIGHTS_DIGESTS[stamp]


def cache_key(weights: str, name: str, examples: dict[str, list[str]], settings: dict, shots: tuple) -> str:
    payload = {
        "scoring": SCORING_VERSION,
        "weights": weights,
        "name": name,
        "examples": examples,
        "settings": settings,
        "shots": [list(s) for s in shots],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def load(folder: Path, key: str):
    from llm_assets.core.scoring import ModelEvaluation

    path = folder / f"{key}.json"
    if not path.exists():
        return None, None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return ModelEvaluation(**record["evaluation"]), record["computed_in_run"]
    except (ValueError, KeyError, TypeError):  # a torn or foreign file is a miss, never an error
        return None, None


def save(folder: Path, key: str, evaluation, run_id: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{key}.tmp"
    tmp.write_text(json.dumps({"computed_in_run": run_id, "evaluation": asdict(evaluation)}), encoding="utf-8")
    tmp.replace(folder / f"{key}.json")


def clear(folder: Path) -> int:
    """Drops every entry (erasure does: an entry's generations answered prompts of documents that may be gone)."""
    entries = list(folder.glob("*.json")) if folder.is_dir() else []
    for f in entries:
        f.unlink(missing_ok=True)
    return len(entries)
