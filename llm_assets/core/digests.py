"""Content digests of artifacts: folders (adapters, base-model weights) and single files (exported models)."""

import hashlib
from pathlib import Path


def dir_sha256(path: Path) -> str:
    """sha256 over every file's relative path and bytes, in sorted order: equal folders, equal digests."""
    digest = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f.relative_to(path).as_posix().encode())
        _update(digest, f)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of one file's bytes, read in chunks (exported models are hundreds of MB)."""
    digest = hashlib.sha256()
    _update(digest, Path(path))
    return digest.hexdigest()


def _update(digest, f: Path) -> None:
    with f.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
