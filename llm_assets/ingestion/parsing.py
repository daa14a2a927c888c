"""Turns the files of one landing batch into documents, or quarantine rows that say why not.

A document is ``text`` (the free text a model learns from) plus ``fields`` (whatever structure the format carries:
subject, category, agent reply, customer contact...). Nothing raises out of here for a bad input: each bad file or
record becomes a :class:`Quarantined` with a reason code and a detail that never quotes the content.
"""

from __future__ import annotations

import csv
import email
import email.policy
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

SUPPORTED_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".txt": "txt",
    ".eml": "eml",
}
TEXT_FIELDS = ("message", "text", "body", "content", "description")


@dataclass
class ParsedDocument:
    source_path: str
    source_format: str
    record_no: int
    text: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        """Content hash: the same ticket landing twice, under any file name, gets the same id."""
        canonical = json.dumps({"text": self.text, "fields": self.fields}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


@dataclass
class Quarantined:
    source_path: str
    source_format: str
    record_no: int | None
    reason: str
    detail: str
    content_sha256: str


def _flatten(record: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}_"))
        elif value is None:
            continue
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = str(value)
    return out


def _split_text(fields: dict[str, str]) -> tuple[str, dict[str, str]] | None:
    for name in TEXT_FIELDS:
        if fields.get(name, "").strip():
            rest = {k: v for k, v in fields.items() if k != name}
            return fields[name], rest
    return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return True
    sample = data[:8192]
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and control / len(sample) > 0.05


def parse_file(path: Path, rel_path: str, max_bytes: int) -> Iterator[ParsedDocument | Quarantined]:
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    data = path.read_bytes()
    sha = _sha(data)

    def bad(reason: str, detail: str, record_no: int | None = None, content: bytes | None = None) -> Quarantined:
        return Quarantined(
            rel_path,
            fmt or path.suffix.lower().lstrip("."),
            record_no,
            reason,
            detail,
            _sha(content) if content is not None else sha,
        )

    if fmt is None:
        yield bad("unsupported_format", f"suffix {path.suffix!r} is not one of {sorted(set(SUPPORTED_SUFFIXES))}")
        return
    if len(data) > max_bytes:
        yield bad("oversized", f"{len(data)} bytes exceeds the limit of {max_bytes}")
        return
    if not data.strip():
        yield bad("empty", "file is empty or whitespace only")
        return
    if _looks_binary(data):
        yield bad("binary", "file holds binary data, not text")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield bad("undecodable", f"not valid UTF-8 at byte {exc.start}")
        return

    parser = {"jsonl": _parse_jsonl, "json": _parse_json, "csv": _parse_csv, "txt": _parse_txt, "eml": _parse_eml}[fmt]
    yield from parser(text, rel_path, fmt, bad)


def _record(rel_path: str, fmt: str, record_no: int, fields: dict[str, str], bad) -> ParsedDocument | Quarantined:
    split = _split_text(fields)
    if split is None:
        return bad(
            "missing_text",
            f"record has none of the text fields {list(TEXT_FIELDS)}",
            record_no,
            json.dumps(fields, sort_keys=True).encode(),
        )
    text, rest = split
    return ParsedDocument(rel_path, fmt, record_no, text.strip(), rest)


def _parse_jsonl(text: str, rel_path: str, fmt: str, bad) -> Iterator[ParsedDocument | Quarantined]:
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield bad("malformed_json", f"line {line_no}: {exc.msg} at column {exc.colno}", line_no, line.encode())
            continue
        if not isinstance(obj, dict):
            yield bad(
                "malformed_json",
                f"line {line_no}: expected an object, got {type(obj).__name__}",
                line_no,
                line.encode(),
            )
            continue
        yield _record(rel_path, fmt, line_no, _flatten(obj), bad)


def _parse_json(text: str, rel_path: str, fmt: str, bad) -> Iterator[ParsedDocument | Quarantined]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        yield bad("malformed_json", f"{exc.msg} at line {exc.lineno}")
        return
    records = obj if isinstance(obj, list) else [obj]
    for i, rec in enumerate(records, start=1):
        if isinstance(rec, dict):
            yield _record(rel_path, fmt, i, _flatten(rec), bad)
        else:
            yield bad("malformed_json", f"item {i}: expected an object", i, json.dumps(rec).encode())


def _parse_csv(text: str, rel_path: str, fmt: str, bad) -> Iterator[ParsedDocument | Quarantined]:
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        yield bad("malformed_csv", f"cannot read a header row: {exc}")
        return
    header = [h.strip() for h in header]
    row_no = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_no += 1
            yield bad("malformed_csv", f"row {row_no}: {exc}", row_no)
            continue
        row_no += 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield bad(
                "malformed_csv",
                f"row {row_no}: {len(row)} columns, header has {len(header)}",
                row_no,
                ",".join(row).encode(),
            )
            continue
        yield _record(rel_path, fmt, row_no, {h: c for h, c in zip(header, row, strict=True) if c != ""}, bad)


_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z _-]{0,40}):\s*(.*)$")
_TURN = re.compile(r"^(Customer|Agent|User|Assistant)\s*:\s*(.*)$", re.IGNORECASE)


def _parse_txt(text: str, rel_path: str, fmt: str, bad) -> Iterator[ParsedDocument | Quarantined]:
    """A chat transcript (``Key: value`` header lines, a blank line, ``Customer:``/``Agent:`` turns) or free text."""
    head, sep, body = text.partition("\n\n")
    fields: dict[str, str] = {}
    if sep and all(_HEADER_LINE.match(line) for line in head.splitlines() if line.strip()):
        for line in head.splitlines():
            m = _HEADER_LINE.match(line)
            if m:
                fields[m.group(1).strip().lower().replace(" ", "_").replace("-", "_")] = m.group(2).strip()
    else:
        body = text
    customer, agent = [], []
    current = None
    for line in body.splitlines():
        m = _TURN.match(line)
        if m:
            current = customer if m.group(1).lower() in ("customer", "user") else agent
            current.append(m.group(2))
        elif current is not None:
            current.append(line)
    if customer:
        fields["message"] = "\n".join(customer).strip()
        if agent:
            fields["agent_reply"] = "\n".join(agent).strip()
    else:
        fields["message"] = body.strip()
    yield _record(rel_path, fmt, 1, fields, bad)


_QUOTE_INTRO = re.compile(r"^On .{0,200}wrote:\s*$", re.MULTILINE)


def _parse_eml(text: str, rel_path: str, fmt: str, bad) -> Iterator[ParsedDocument | Quarantined]:
    """A support reply email: the agent's reply on top, the customer's message quoted below it."""
    msg = email.message_from_string(text, policy=email.policy.default)
    if not msg.keys():
        yield bad("malformed_email", "no RFC 822 headers found")
        return
    part = msg.get_body(preferencelist=("plain",)) if msg.is_multipart() else msg
    try:
        content = part.get_content() if part is not None else ""
    except (LookupError, ValueError) as exc:
        yield bad("malformed_email", f"cannot decode the body: {type(exc).__name__}")
        return
    fields: dict[str, str] = {}
    name, addr = parseaddr(str(msg.get("To", "")))
    if name:
        fields["customer_name"] = name
    if addr:
        fields["customer_email"] = addr
    if msg.get("Subject"):
        fields["subject"] = re.sub(r"^(re|fwd?):\s*", "", str(msg["Subject"]), flags=re.IGNORECASE)
    if msg.get("Date"):
        fields["created_at"] = str(msg["Date"])
    for header, key in (("X-Ticket-Id", "ticket_id"), ("X-Ticket-Category", "category")):
        if msg.get(header):
            fields[key] = str(msg[header])
    m = _QUOTE_INTRO.search(content)
    if m:
        fields["agent_reply"] = content[: m.start()].strip()
        quoted = content[m.end() :].strip().splitlines()
        fields["message"] = "\n".join(re.sub(r"^>\s?", "", line) for line in quoted).strip()
    else:
        fields["message"] = content.strip()
    yield _record(rel_path, fmt, 1, fields, bad)
