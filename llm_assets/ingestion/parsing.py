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
import html
import html.parser
import io
import json
import os
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
    ".html": "html",
    ".htm": "html",
}
TEXT_FIELDS = ("message", "text", "body", "content", "description")


@dataclass
class ParsedDocument:
    source_path: str
    source_format: str
    record_no: int
    text: str
    fields: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"  # how the bytes were decoded; not part of the content hash

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


class ChangedWhileReading(OSError):
    """The file's size or modification time moved while it was read: still being written."""


def _read_bytes(path: Path) -> bytes:
    return path.read_bytes()


def _read_stable(path: Path) -> bytes:
    before = os.stat(path)
    data = _read_bytes(path)
    after = os.stat(path)
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        raise ChangedWhileReading(f"{before.st_size} -> {after.st_size} bytes while reading")
    return data


def decode(data: bytes, per_line: bool) -> tuple[str, str]:
    """(text, encoding): UTF-8 when it is; else Windows-1252 / Latin-1, line by line for line-based formats so a file
    that mixes encodings keeps its UTF-8 lines intact."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass

    def legacy(chunk: bytes) -> str:
        try:
            return chunk.decode("cp1252")
        except UnicodeDecodeError:
            return chunk.decode("latin-1")

    if not per_line:
        return legacy(data), "cp1252"
    lines, utf8_lines = [], 0
    for line in data.splitlines(keepends=True):
        try:
            lines.append(line.decode("utf-8"))
            utf8_lines += not line.isascii()
        except UnicodeDecodeError:
            lines.append(legacy(line))
    return "".join(lines).removeprefix("\ufeff"), "mixed" if utf8_lines else "cp1252"


def parse_file(path: Path, rel_path: str, max_bytes: int) -> Iterator[ParsedDocument | Quarantined]:
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if path.stat().st_size > max_bytes:  # never read a huge file into memory
        yield Quarantined(
            rel_path,
            fmt or path.suffix.lower().lstrip("."),
            None,
            "oversized",
            f"{path.stat().st_size} bytes exceeds the limit of {max_bytes}",
            "",
        )
        return
    try:
        data = _read_stable(path)
    except ChangedWhileReading as exc:
        yield Quarantined(rel_path, fmt or path.suffix.lower().lstrip("."), None, "changed_while_reading", str(exc), "")
        return
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
    text, encoding = decode(data, per_line=fmt in ("jsonl", "csv", "txt"))
    parser = {
        "jsonl": _parse_jsonl,
        "json": _parse_json,
        "csv": _parse_csv,
        "txt": _parse_txt,
        "eml": _parse_eml,
        "html": _parse_html,
    }[fmt]
    for item in parser(text, rel_path, fmt, bad):
        if isinstance(item, ParsedDocument):
            item.encoding = encoding
        yield item


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


class _HtmlText(html.parser.HTMLParser):
    """Visible text of an HTML page: scripts, styles, templates and comments dropped, blocks on their own lines."""

    SKIP = {"script", "style", "noscript", "template", "head"}
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def _parse_html(text: str, rel_path: str, fmt: str, bad) -> Iterator[ParsedDocument | Quarantined]:
    """A web form or ticket page exported as HTML: its visible text; the title becomes the subject."""
    parser = _HtmlText()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser raises these on hopeless markup
        yield bad("malformed_html", type(exc).__name__)
        return
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    fields = {"message": "\n".join(line for line in lines if line)}
    title = " ".join("".join(parser.title).split())
    if title:
        fields["subject"] = title
    yield _record(rel_path, fmt, 1, fields, bad)
