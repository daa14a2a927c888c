"""One way a resource gets a secret: the configured value (an environment variable Dagster resolves at run time) or,
when it is unset, a file under the data directory (mode 600, outside git), created once when asked."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_secret(configured: str, file: str, create_missing: bool = False) -> str:
    """``configured`` when set; else the content of ``file``; a missing file is created with 32 random bytes as hex
    when ``create_missing`` (atomically: two processes starting at once agree on one value), else ''."""
    value = configured.strip()
    if value:
        return value
    path = Path(file)
    if not path.is_file() and create_missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip() if path.is_file() else ""
