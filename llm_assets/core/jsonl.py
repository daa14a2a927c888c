"""JSON lines, the one encoder and decoder: one UTF-8 JSON value per line, non-ASCII kept as it is.

Writers: a training set's canonical bytes, the evaluation's generations, the redaction audit of ``llm-anonymize``,
the serving traffic log, the sample corpus. Readers: the landing zone's ``.jsonl`` files (a bad line is
quarantined, the rest kept) and the traffic log (a line cut by a crash is counted, the rest kept).
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def line(record: Any, *, sort_keys: bool = False) -> str:
    """One record as one line, newline included; values JSON cannot encode (dates, paths) as their ``str``."""
    return json.dumps(record, ensure_ascii=False, sort_keys=sort_keys, default=str) + "\n"


def dumps(records: Iterable[Any], *, sort_keys: bool = False) -> str:
    return "".join(line(r, sort_keys=sort_keys) for r in records)


def write(path: Path, records: Iterable[Any], *, append: bool = False, sort_keys: bool = False) -> None:
    with Path(path).open("a" if append else "w", encoding="utf-8") as f:
        for record in records:
            f.write(line(record, sort_keys=sort_keys))


@dataclass(frozen=True)
class Line:
    """One non-blank line: its value, or why it could not be read (``reason`` a quarantine reason code)."""

    number: int
    text: str
    value: Any = None
    reason: str | None = None
    detail: str = ""

    @property
    def is_object(self) -> bool:
        return self.reason is None and isinstance(self.value, dict)


def lines(text: str) -> Iterator[Line]:
    """Every non-blank line of ``text`` (a leading BOM dropped), numbered from 1, parsed or with its error."""
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            yield Line(number, raw, json.loads(raw))
        except json.JSONDecodeError as exc:
            yield Line(number, raw, reason="malformed_json", detail=f"{exc.msg} at column {exc.colno}")
        except RecursionError:
            yield Line(number, raw, reason="too_deep", detail="nested deeper than the JSON parser follows")


def read_objects(path: Path) -> tuple[list[dict], int]:
    """The objects of a JSON-lines file, and how many non-blank lines were not objects (cut, garbled, arrays)."""
    records, unreadable = [], 0
    for parsed in lines(Path(path).read_text(encoding="utf-8", errors="replace")):
        if parsed.is_object:
            records.append(parsed.value)
        else:
            unreadable += 1
    return records, unreadable
