"""Valid text at the boundary: every value that enters from outside (file and folder names, JSON strings and keys,
CSV headers, e-mail headers, PDF text) is made a valid Unicode string before it reaches a row.

Python strings can hold what UTF-8 cannot encode: lone surrogates (a JSON ``"\\ud83d"``, a PDF's broken ToUnicode
map) and the ``surrogateescape`` stand-ins of undecodable bytes (a file name written in Latin-1, an e-mail header in
raw 8-bit). Arrow, DuckDB and Dagster refuse them, and one such value used to fail a whole batch. Here they are
escaped, visibly and countably: an undecodable byte of a name becomes ``\\xe9``, a lone surrogate ``\\ud83d``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(value: str) -> tuple[str, int]:
    """(``value`` with every lone surrogate escaped as ``\\uXXXX``, how many were escaped)."""
    if not _SURROGATE.search(value):
        return value, 0
    escaped = 0

    def sub(m: re.Match) -> str:
        nonlocal escaped
        escaped += 1
        return f"\\u{ord(m.group(0)):04x}"

    return _SURROGATE.sub(sub, value), escaped


def valid(value: str) -> str:
    return valid_text(value)[0]


def name_text(name: str | bytes) -> tuple[str, bool]:
    """A file or folder name as valid text: its bytes decoded as UTF-8, each byte that is not UTF-8 written as
    ``\\xNN``; and whether any was."""
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="backslashreplace"), True


def valid_fields(fields: dict) -> tuple[dict[str, str], int]:
    """Keys and values of a record's fields as valid text, and how many of them had to be escaped."""
    out: dict[str, str] = {}
    escaped = 0
    for key, value in fields.items():
        k, nk = valid_text(str(key))
        v, nv = valid_text(value) if isinstance(value, str) else (value, 0)
        escaped += bool(nk) + bool(nv)
        out[k] = v
    return out, escaped


def path_ref(secret: bytes, batch_key: str, rel_path: str) -> str:
    """A keyed reference to a file of a batch, for places outside the raw zone (Dagster metadata): ``f-`` + 16 hex
    of HMAC-SHA256 under the governance key. The raw zone's inventory and quarantine rows carry it beside the path,
    so the data owner can look it up; nobody else can tell the name from it."""
    message = b"landing-path\x00" + batch_key.encode() + b"\x00" + rel_path.encode("utf-8", "backslashreplace")
    return "f-" + hmac.new(secret, message, hashlib.sha256).hexdigest()[:16]
