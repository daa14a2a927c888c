"""Turns the bytes of one landing file into documents, or quarantine rows that say why not.

A document is ``text`` (the free text a model learns from) plus ``fields`` (whatever structure the format carries:
subject, category, agent reply, customer contact...). Nothing raises out of here for a bad input: a parser that
breaks on a file (any exception, a recursion limit) leaves the records it read and one quarantine row with a reason
code; the detail never quotes the content.

Formats: JSON Lines, JSON, CSV/TSV, plain text (chat transcripts), Markdown, e-mail (multipart, attachments parsed
by the same rules), HTML, PDF text layers, Word (.docx); README's "Landing formats" table says what each becomes.

Text encodings: UTF-8 (with or without BOM), UTF-16 and UTF-32 by BOM, UTF-16 without BOM by its zero bytes,
charsets declared by e-mail parts and HTML, else Windows-1252 / Latin-1 (line by line for line formats, so a file
that mixes encodings keeps its UTF-8 lines).
"""

from __future__ import annotations

import codecs
import csv
import email
import email.policy
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

import lxml.etree
import lxml.html

from llm_assets.core import jsonl
from llm_assets.core.decoding import bom_encoding, decode, looks_binary  # noqa: F401  (looks_binary: re-exported)
from llm_assets.core.documents.inventory import ChangedWhileReading, FileTooLarge, NotRegularFile, read_regular
from llm_assets.core.documents.mapping import map_record
from llm_assets.core.documents.text import valid, valid_fields, valid_text

SUPPORTED_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "txt",
    ".text": "txt",
    ".md": "markdown",
    ".markdown": "markdown",
    ".eml": "eml",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
TEXT_FIELDS = ("message", "text", "body", "content", "description")
MAX_NESTING = 32  # deeper JSON objects are kept as one JSON string field
MAX_PDF_PAGES = 2000
MAX_ATTACHMENT_DEPTH = 2
MAX_FIELDS = 1000  # a record with more fields is quarantined (too_many_fields)
MAX_FIELD_NAME_CHARS = 1000  # a longer field name (a JSON key, a CSV header) quarantines its record
MAX_NAME_CHARS = 255  # an attachment's file name is cut to this (a file system's NAME_MAX)
# a .docx unpacks to at most this (the sum of its members' declared sizes, which is also all zipfile will inflate),
# and no member may inflate more than MAX_ZIP_RATIO times once over 1 MB: a bomb padded with stored random bytes
# keeps the whole archive's ratio low, its bomb member's stays high
MAX_DOCX_UNPACKED = 200_000_000
MAX_ZIP_RATIO = 200


@dataclass
class ParsedDocument:
    source_path: str
    source_format: str
    record_no: int
    text: str
    fields: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"  # how the bytes were decoded; not part of the content hash
    escaped: int = 0  # values (text, field names and values) that held lone surrogates, escaped as \uXXXX

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


Bad = Callable[..., Quarantined]
Item = ParsedDocument | Quarantined


def format_of(name: str) -> str | None:
    return SUPPORTED_SUFFIXES.get(Path(name).suffix.lower())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- decoding ----------------------------------------------------------------------------------------------------------

# -- entry points ------------------------------------------------------------------------------------------------------


def _label(name: str) -> str:
    """The format column of an input: its format, or its suffix (valid text, cut short) when unsupported."""
    return format_of(name) or valid(Path(name).suffix.lower().lstrip("."))[:16]


def parse_file(
    path: Path, rel_path: str, max_bytes: int, expected: tuple[int, int, int, int] | None = None
) -> Iterator[Item]:
    """Reads one regular file (safely: no links, no FIFOs, a size limit, the same file the listing saw) and parses
    it."""
    fmt = format_of(path.name)
    label = _label(path.name)
    try:
        data, _ = read_regular(path, max_bytes, expected)
    except FileTooLarge as exc:
        yield Quarantined(rel_path, label, None, "oversized", str(exc), "")
        return
    except ChangedWhileReading as exc:
        yield Quarantined(rel_path, label, None, "changed_while_reading", str(exc), "")
        return
    except NotRegularFile as exc:
        yield Quarantined(rel_path, label, None, "not_a_regular_file", str(exc), "")
        return
    except OSError as exc:  # vanished, permissions, a link swapped in (ELOOP)
        yield Quarantined(rel_path, label, None, "unreadable", type(exc).__name__, "")
        return
    yield from parse_bytes(data, rel_path, fmt, label)


def parse_bytes(
    data: bytes, rel_path: str, fmt: str | None, label: str | None = None, depth: int = 0
) -> Iterator[Item]:
    label = label or _label(rel_path)
    sha = _sha(data)

    def bad(reason: str, detail: str, record_no: int | None = None, content: bytes | None = None) -> Quarantined:
        return Quarantined(rel_path, label, record_no, reason, detail, _sha(content) if content is not None else sha)

    if fmt is None:
        yield bad("unsupported_format", f"suffix {label!r} is not a supported one")
        return
    if not data.strip():
        yield bad("empty", "file is empty or whitespace only")
        return
    parser = PARSERS[fmt]
    yielded = 0
    try:
        for item in parser(data, rel_path, fmt, bad, depth):
            yielded += 1
            yield _valid_item(item)
        if not yielded:
            yield bad("no_records", "the file parses but holds no record (a header, blank rows, an empty list)")
    except RecursionError:
        yield bad("too_deep", "nested deeper than a parser can follow")
    except MemoryError:
        yield bad("too_large_to_parse", "the parser ran out of memory")
    except Exception as exc:  # noqa: BLE001  (one broken file never stops a batch)
        yield bad("parse_error", f"{type(exc).__name__} in the {fmt} parser")


def _valid_item(item: Item) -> Item:
    """Every string of a row valid text, whatever a parser let through (names, details, formats)."""
    item.source_path = valid(item.source_path)
    item.source_format = valid(item.source_format)
    if isinstance(item, Quarantined):
        item.detail = valid(item.detail)
    else:
        item.text, n = valid_text(item.text)
        item.fields, m = valid_fields(item.fields)
        item.escaped += n + m
    return item


# -- structured formats ------------------------------------------------------------------------------------------------


def _flatten(record: dict, prefix: str = "", depth: int = 0) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and depth < MAX_NESTING:
            out.update(_flatten(value, f"{name}_", depth + 1))
        elif value is None:
            continue
        elif isinstance(value, dict | list):
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


def _record(rel_path: str, fmt: str, record_no: int, fields: dict[str, str], bad: Bad, encoding: str = "utf-8") -> Item:
    """A document from a record's fields, its text from the first text field; every key and value made valid text
    (lone surrogates escaped and counted); a record past the limits on fields is quarantined, never truncated."""
    if len(fields) > MAX_FIELDS:
        return bad("too_many_fields", f"{len(fields)} fields, more than {MAX_FIELDS}", record_no)
    longest = max((len(str(k)) for k in fields), default=0)
    if longest > MAX_FIELD_NAME_CHARS:
        return bad("field_name_too_long", f"a field name of {longest} characters", record_no)
    fields, escaped = valid_fields(fields)
    fields = map_record(rel_path, fmt, fields)
    split = _split_text(fields)
    if split is None:
        return bad(
            "missing_text",
            f"record has none of the text fields {list(TEXT_FIELDS)} (after the corpus mapping, if any)",
            record_no,
            json.dumps(fields, sort_keys=True).encode(),
        )
    text, rest = split
    return ParsedDocument(rel_path, fmt, record_no, text.strip(), rest, encoding, escaped)


def _text_or_binary(
    data: bytes, bad: Bad, per_line: bool, declared: str | None = None
) -> tuple[str, str] | Quarantined:
    decoded = decode(data, per_line, declared)
    return decoded if decoded is not None else bad("binary", "file holds binary data, not text")


def _parse_jsonl(data: bytes, rel_path: str, fmt: str, bad: Bad, depth: int) -> Iterator[Item]:
    decoded = _text_or_binary(data, bad, per_line=True)
    if isinstance(decoded, Quarantined):
        yield decoded
        return
    text, encoding = decoded
    for parsed in jsonl.lines(text):
        if parsed.reason is not None:
            yield bad(parsed.reason, f"line {parsed.number}: {parsed.detail}", parsed.number, parsed.text.encode())
        elif not isinstance(parsed.value, dict):
            kind = type(parsed.value).__name__
            yield bad("malformed_json", f"line {parsed.number}: expected an object, got {kind}", parsed.number,
                      parsed.text.encode())  # fmt: skip
        else:
            yield _record(rel_path, fmt, parsed.number, _flatten(parsed.value), bad, encoding)


def _parse_json(data: bytes, rel_path: str, fmt: str, bad: Bad, depth: int) -> Iterator[Item]:
    decoded = _text_or_binary(data, bad, per_line=False)
    if isinstance(decoded, Quarantined):
        yield decoded
        return
    text, encoding = decoded
    try:
        obj = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        yield bad("malformed_json", f"{exc.msg} at line {exc.lineno}")
        return
    except RecursionError:
        yield bad("too_deep", "nested deeper than the JSON parser follows")
        return
    records = obj if isinstance(obj, list) else [obj]
    for i, rec in enumerate(records, start=1):
        if isinstance(rec, dict):
            yield _record(rel_path, fmt, i, _flatten(rec), bad, encoding)
        else:
            yield bad("malformed_json", f"item {i}: expected an object", i, json.dumps(rec)[:10000].encode())


def _parse_csv(data: bytes, rel_path: str, fmt: str, bad: Bad, depth: int) -> Iterator[Item]:
    decoded = _text_or_binary(data, bad, per_line=True)
    if isinstance(decoded, Quarantined):
        yield decoded
        return
    text, encoding = decoded
    csv.field_size_limit(64 * 1024 * 1024)
    try:
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter="\t" if fmt == "tsv" else ",")
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        yield bad("malformed_csv", f"cannot read a header row: {type(exc).__name__}")
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
            yield bad("malformed_csv", f"row {row_no}: {type(exc).__name__}", row_no)
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
        fields = {h: c for h, c in zip(header, row, strict=True) if c != ""}
        yield _record(rel_path, fmt, row_no, fields, bad, encoding)


# -- text formats ------------------------------------------------------------------------------------------------------

_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z _-]{0,40}):\s*(.*)$")
_TURN = re.compile(r"^(Customer|Agent|User|Assistant)\s*:\s*(.*)$", re.IGNORECASE)


def transcript_fields(text: str) -> dict[str, str]:
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
    return fields


def _parse_txt(data: bytes, rel_path: str, fmt: str, bad: Bad, depth: int) -> Iterator[Item]:
    decoded = _text_or_binary(data, bad, per_line=True)
    if isinstance(decoded, Quarantined):
        yield decoded
        return
    text, encoding = decoded
    yield _record(rel_path, fmt, 1, transcript_fields(text.lstrip("\ufeff")), bad, encoding)


def _parse_markdown(data: bytes, rel_path: str, fmt: str, bad: Bad, depth: int) -> Iterator[Item]:
    from markdown_it import MarkdownIt

    decoded = _text_or_binary(data, bad, per_line=False)
    if isinstance(decoded, Quarantined):
        yield decoded
        return
    text, encoding = decoded
    text = re.sub(r"\A---\n.*?\n---\n", "", text.lstrip("\ufeff"), flags=re.DOTALL)  # YAML front matter
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    visible, title = html_text(rendered)
    fields = {"message": visible}
    heading = re.search(r"^#\s+(.+)$", text, flags=re.MULTILINE)
    if heading:
        fields["subject"] = heading.group(1).strip()
    yield _record(rel_path, fmt, 1, fields, bad, encoding)


def _html_css() -> dict:
    """inscriptis' strict CSS profile, with the elements a browser does not show by default hidden as well."""
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.html_properties import Display
    from inscriptis.model.html_element import HtmlElement

    css = dict(CSS_PROFILES["strict"])
    for tag in ("noscript", "template", "title"):
        css[tag] = HtmlElement(display=Display.none)
    return css


def html_text(markup: str) -> tuple[str, str]:
    """(visible text, title) of an HTML document, laid out by inscriptis (blocks on their own lines, table cells in
    columns, scripts, styles and comments dropped); blank lines and trailing blanks removed."""
    from inscriptis import Inscriptis
    from inscriptis.model.config import ParserConfig

    if not markup.strip():
        return "", ""
    doc = lxml.html.document_fromstring(markup)
    title = " ".join((doc.findtext(".//title") or "").split())
    text = Inscriptis(doc, ParserConfig(css=_html_css())).get_text()
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip()), title


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _parse_html(data: bytes, rel_path: str, fmt: str, bad: Bad, depth: int) -> Iterator[Item]:
    declared = _META_CHARSET.search(data[:4096])
    decoded = _text_or_binary(data, bad, per_line=False, declared=declared.group(1).decode() if declared else None)
    if isinstance(decoded, Quarantined):
        yield decoded
        return
    text, encoding = decoded
    try:
        visible, title = html_text(text.lstrip("\ufeff"))
    except (ValueError, lxml.etree.ParserError) as exc:  # lxml refuses a few hopeless documents
        yield bad("malformed_html", type(exc).__name__)
        return
    fields = {"message": visible}
    if title:
        fields["subject"] = title
    yield _record(rel_path, fmt, 1, fields, bad, encoding)


# -- e-mail ------------------------------------------------------------------------------------------------------------

_QUOTE_INTRO = re.compile(r"^On .{0,200}wrote:\s*$", re.MULTILINE)


_TICKET_HEADER = re.compile(r"[^0-9a-z]+")


def _parse_eml(data: bytes, rel_path: str, fmt: str, bad: Bad, depth: int) -> Iterator[Item]:
    """A support e-mail: the agent's reply on top, the customer's message quoted below it (or a customer's message
    alone). Attachments are parsed by the same rules as landing files, or quarantined."""
    if looks_binary(data) and not bom_encoding(data):
        yield bad("binary", "file holds binary data, not an e-mail")
        return
    msg = email.message_from_bytes(data.removeprefix(codecs.BOM_UTF8), policy=email.policy.default)
    if not msg.keys():
        yield bad("malformed_email", "no RFC 822 headers found")
        return
    part = msg.get_body(preferencelist=("plain", "html")) if msg.is_multipart() else msg
    try:
        content = part.get_content() if part is not None else ""
    except (LookupError, ValueError, AttributeError) as exc:
        yield bad("malformed_email", f"cannot decode the body: {type(exc).__name__}")
        return
    if not isinstance(content, str):
        content = decode(content, per_line=False)[0] if decode(content, per_line=False) else ""
    if part is not None and part.get_content_type() == "text/html":
        content = html_text(content)[0]
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
    # helpdesk exports carry ticket fields as X-Ticket-<Name> headers: X-Ticket-Split-Group -> split_group
    for header, value in msg.items():
        name = header.lower()
        if name.startswith("x-ticket-") and len(name) > 9 and str(value).strip():
            fields[_TICKET_HEADER.sub("_", name[9:]).strip("_")] = str(value).strip()
    m = _QUOTE_INTRO.search(content)
    if m:
        fields["agent_reply"] = content[: m.start()].strip()
        quoted = content[m.end() :].strip().splitlines()
        fields["message"] = "\n".join(re.sub(r"^>\s?", "", line) for line in quoted).strip()
    else:
        fields["message"] = content.strip()
    attachments = list(msg.iter_attachments()) if msg.is_multipart() else []
    if attachments:
        fields["attachments"] = str(len(attachments))
    yield _record(rel_path, fmt, 1, fields, bad)
    for n, attachment in enumerate(attachments, start=1):
        filename = valid(str(attachment.get_filename() or f"attachment-{n}"))
        filename = Path(filename.replace("\\", "/")).name[:MAX_NAME_CHARS] or f"attachment-{n}"
        inner = f"{rel_path}#{filename}"
        payload = attachment.get_payload(decode=True) or b""
        inner_fmt = format_of(filename)
        if depth >= MAX_ATTACHMENT_DEPTH:
            yield Quarantined(
                inner, inner_fmt or "", n, "attachment_too_deep", "attachments nest too deep", _sha(payload)
            )
        elif inner_fmt is None:
            kind = valid(attachment.get_content_type())[:80]
            yield Quarantined(inner, _label(filename), n, "unsupported_attachment", f"attachment type {kind}",
                              _sha(payload))  # fmt: skip
        else:
            yield from parse_bytes(payload, inner, inner_fmt, depth=depth + 1)


# -- documents ---------------------------------------------------------------------------------------------------------


def _parse_pdf(data: bytes, rel_path: str, fmt: str, bad: Bad, depth: int) -> Iterator[Item]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            yield bad("encrypted", "the PDF needs a password")
            return
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            yield bad("oversized", f"{len(pages)} pages exceeds the limit of {MAX_PDF_PAGES}")
            return
        text = "\n".join((page.extract_text() or "").strip() for page in pages).strip()
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        yield bad("malformed_pdf", type(exc).__name__)
        return
    if not text:
        yield bad("no_text_layer", "no extractable text (a scan needs OCR, which this pipeline does not run)")
        return
    fields = {"message": text}
    if title and str(title).strip():
        fields["subject"] = str(title).strip()
    yield _record(rel_path, fmt, 1, fields, bad)


def _parse_docx(data: bytes, rel_path: str, fmt: str, bad: Bad, depth: int) -> Iterator[Item]:
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
        unpacked = sum(i.file_size for i in members)
        bomb = next(
            (i for i in members if i.file_size > 1_000_000 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1)),
            None,
        )
        if unpacked > min(MAX_DOCX_UNPACKED, 50 * max(len(data), 1_000_000)) or bomb is not None:
            # a zip bomb, not a letter: the declared sizes are what zipfile inflates at most (its read cap)
            yield bad("oversized", f"unpacks to {unpacked} bytes" + (f", one member {bomb.file_size}" if bomb else ""))
            return
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        yield bad("malformed_docx", type(exc).__name__)
        return
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                lines.append(" | ".join(cells))
    fields = transcript_fields("\n".join(lines))
    title = document.core_properties.title
    if title and title.strip():
        fields.setdefault("subject", title.strip())
    yield _record(rel_path, fmt, 1, fields, bad)


PARSERS: dict[str, Callable[..., Iterator[Item]]] = {
    "jsonl": _parse_jsonl,
    "json": _parse_json,
    "csv": _parse_csv,
    "tsv": _parse_csv,
    "txt": _parse_txt,
    "markdown": _parse_markdown,
    "eml": _parse_eml,
    "html": _parse_html,
    "pdf": _parse_pdf,
    "docx": _parse_docx,
}
