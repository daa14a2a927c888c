"""How bytes from outside become text, one way for the pipeline and every command line tool: the BOM first, then UTF-16
without a BOM, a declared charset, UTF-8, then Windows-1252 / Latin-1 (line by line for line-based formats)."""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(data: bytes) -> str | None:
    return next((enc for bom, enc in _BOMS if data.startswith(bom)), None)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: mostly-ASCII text has a zero in every second byte."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) > 0.8 * len(zeros):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if text and sum(c.isprintable() or c.isspace() for c in text) > 0.95 * len(text):
                return encoding
    return None


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and control / len(sample) > 0.05


def _legacy(chunk: bytes) -> str:
    try:
        return chunk.decode("cp1252")
    except UnicodeDecodeError:
        return chunk.decode("latin-1")


def decode(data: bytes, per_line: bool, declared: str | None = None) -> tuple[str, str] | None:
    """(text, encoding), or None when the bytes are binary. The BOM first, then a declared charset, then UTF-8,
    then Windows-1252 / Latin-1 (line by line for line-based formats)."""
    bom = bom_encoding(data)
    if bom:
        try:
            return data.decode(bom), bom.replace("-sig", "")
        except UnicodeDecodeError:
            pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16), utf16
    if looks_binary(data):
        return None
    if declared:
        try:
            # the codec's own name, not the declared spelling (a declaration is text from outside)
            return data.decode(declared), codecs.lookup(declared).name
        except (LookupError, UnicodeDecodeError, ValueError):
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if not per_line:
        return _legacy(data), "cp1252"
    lines, utf8_lines = [], 0
    for line in data.splitlines(keepends=True):
        try:
            lines.append(line.decode("utf-8"))
            utf8_lines += not line.isascii()
        except UnicodeDecodeError:
            lines.append(_legacy(line))
    return "".join(lines), "mixed" if utf8_lines else "cp1252"
