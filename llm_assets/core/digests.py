"""Content digests of artifact folders (adapters, base-model weights)."""

import hashlib
from pathlib import Path


def dir_sha256(path: Path) -> str:
    """sha256 over every file's relative path and bytes, in sorted order: equal folders, equal digests."""
    digest = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f.relative_to(path).as_posix().encode())
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()
