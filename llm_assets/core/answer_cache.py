"""Every evaluated model's answers, kept per test example by what determines them.

Greedy generation from the same weights on the same prompt with the same settings gives the same text, and the
teacher-forced loss of the same completion the same number, so each answer (generation, completion loss, latency) is
stored under (the model's weights, the in-context shots, the generation and scoring settings) and then (the prompt
and its reference). A later evaluation generates only what the store lacks: after a batch of new documents, the base
model (zero- and few-shot) and the champion answer the new test examples only, and the candidate answers everything.

Weights are named by content (``weights_digest``, ``adapter_digest``), never by path or version, so a key never
matches once anything it covers changes. One caveat, stated where the answers are reported: an answer generated in a
batch of other prompts can differ from one generated in another batch by float rounding of the padded matmuls (a
rare token flip in greedy decoding), so a reused answer is an answer that model gave to that prompt with those
settings, not necessarily the bit-identical text a whole-split run today would give.

A cache, not a source: each answer says the run that computed it, deleting the folder only costs time, a torn or
foreign file is a miss, and erasure drops everything (answers to prompts of erased documents).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from llm_assets.core.digests import dir_sha256

# Bumped whenever generation or the stored fields change what a cached answer would hold.
ANSWER_VERSION = "1"
LEGACY_FOLDER = "baseline_evaluations"  # whole-split base-model evaluations, before answers were kept per example
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors", "adapter_model.bin")
_DIGESTS: dict[tuple[str, float], str] = {}


@dataclass
class Answer:
    generation: str
    loss_sum: float  # completion tokens' summed cross-entropy (teacher-forced)
    loss_tokens: int  # 0 when the example did not fit max_length
    latency_s: float  # its generation batch's wall time
    generated_tokens: int
    batch_share_s: float  # latency_s / examples in its batch: what throughput adds up
    computed_in_run: str


def folder(artifact_store) -> Path:
    """Where the answers live: under the artifact store, beside the reports."""
    return artifact_store.path("cache", "answers")


def _memoized(path: Path, files: list[Path], compute) -> str:
    stamp = (str(path.resolve()), max((f.stat().st_mtime for f in files), default=0.0))
    if stamp not in _DIGESTS:
        _DIGESTS[stamp] = compute()
    return _DIGESTS[stamp]


def weights_digest(model_dir: str) -> str | None:
    """sha256 of a local model folder (memoized per folder and modification time); None for a hub id."""
    path = Path(model_dir)
    if not path.is_dir():
        return None
    return _memoized(path, [p for p in path.rglob("*") if p.is_file()], lambda: dir_sha256(path))


def adapter_digest(adapter_dir: str) -> str | None:
    """sha256 of what loading a LoRA adapter reads (its config and weights), not of the manifests beside them: the
    champion's folder from the registry and the candidate's folder it was hold the same adapter."""
    path = Path(adapter_dir)
    files = [path / name for name in ADAPTER_FILES if (path / name).is_file()]
    if len(files) < 2:
        return None

    def compute() -> str:
        digest = hashlib.sha256()
        for f in files:
            digest.update(f.name.encode())
            digest.update(f.read_bytes())
        return digest.hexdigest()

    return _memoized(path, files, compute)


def model_key(weights: list[str], shots: tuple, settings: dict) -> str:
    """The model as it answers: its weights' digests (base, then adapter), the in-context shots, the settings."""
    payload = {"version": ANSWER_VERSION, "weights": weights, "shots": [list(s) for s in shots], "settings": settings}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def example_key(prompt: str, reference: str) -> str:
    return hashlib.sha256(json.dumps([prompt, reference], ensure_ascii=False).encode()).hexdigest()[:32]


def load(folder: Path, key: str) -> dict[str, Answer]:
    path = folder / f"{key}.json"
    if not path.exists():
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return {k: Answer(**v) for k, v in record["answers"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):  # a torn or foreign file is a miss, never an error
        return {}


def save(folder: Path, key: str, answers: dict[str, Answer]) -> None:
    """Adds ``answers`` to the model's entry (what is already there stays unless answered again)."""
    folder.mkdir(parents=True, exist_ok=True)
    merged = {**load(folder, key), **answers}
    tmp = folder / f".{key}.tmp"
    payload = {"answers": {k: asdict(a) for k, a in merged.items()}}
    tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    tmp.replace(folder / f"{key}.json")


def clear(artifact_store) -> int:
    """Drops every model's answers (erasure does: they answered prompts of documents that may be gone), and the
    whole-split evaluations an earlier release kept; returns how many answers were dropped."""
    root = folder(artifact_store)
    entries = list(root.glob("*.json")) if root.is_dir() else []
    dropped = 0
    for f in entries:
        dropped += len(load(root, f.stem))
        f.unlink(missing_ok=True)
    shutil.rmtree(Path(artifact_store.root, "cache", LEGACY_FOLDER), ignore_errors=True)
    return dropped
