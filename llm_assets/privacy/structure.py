"""Where a text is a table, a JSON log or key-value lines: the cells its values sit in.

A redaction must stay inside its field (a CSV row keeps its delimiters and quoting, a JSON line stays valid JSON), and
a column's header or a key says what a value is where the value alone is ambiguous ("10115" under ``postcode``).
``layout`` finds, without changing the text:

- **tables**: runs of lines that parse as CSV/TSV (``,`` ``;`` tab ``|``) into the same number of fields, with the
  first row as header when it reads like one (RFC 4180 quoting, quoted delimiters and line breaks included);
- **JSON**: lines (or the whole text) that are JSON objects or arrays: every string and number value, under its key;
- **key-value pairs**: ``key=value`` (logs, query strings) and ``Label: value`` lines (forms, headers).

Each value becomes a ``Cell`` with its character span (inside quotes), its key and a column id shared by the cells of
one column or key of one block. Offsets refer to the text as given.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t", "|")
MIN_TABLE_ROWS = 3  # rows of the same width, header included; two suffice when the first is clearly a header
MAX_CELL_CHARS = 400  # a "cell" longer than this is prose, not a table


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    key: str  # header or key ('' when the block has none)
    column: str  # the same for every cell of one column / key of one block


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # without the line break


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(pos, pos + len(raw)))
        pos += len(raw) + 1
    return out


# -- CSV ---------------------------------------------------------------------------------------------------------------


def _csv_row(text: str, pos: int, end: int, delimiter: str) -> tuple[list[tuple[int, int, bool]], int] | None:
    """One CSV record from ``pos``: the value spans (inside quotes, with whether they were quoted) and where the next
    record starts; None when the quoting is broken. A quoted field may hold delimiters, doubled quotes, line breaks."""
    spans: list[tuple[int, int, bool]] = []
    i = pos
    while True:
        if i < end and text[i] == '"':
            j = i + 1
            while True:
                q = text.find('"', j, end)
                if q < 0:
                    return None
                if q + 1 < end and text[q + 1] == '"':
                    j = q + 2
                    continue
                break
            spans.append((i + 1, q, True))
            i = q + 1
            while i < end and text[i] in " \r":
                i += 1
            if i < end and text[i] not in (delimiter, "\n"):
                return None
        else:
            j = i
            while j < end and text[j] not in (delimiter, "\n"):
                j += 1
            s, e = i, j
            while e > s and text[e - 1] == "\r":
                e -= 1
            spans.append((s, e, False))
            i = j
        if i >= end or text[i] == "\n":
            return spans, i + 1
        i += 1  # the delimiter


def csv_rows(text: str, delimiter: str) -> list[list[tuple[int, int, bool]]]:
    """Every record of a CSV text, as value spans; stops at the first record whose quoting is broken."""
    rows, pos = [], 0
    while pos < len(text):
        parsed = _csv_row(text, pos, len(text), delimiter)
        if parsed is None:
            break
        spans, pos = parsed
        if any(e > s for s, e, _ in spans) or len(spans) > 1:
            rows.append(spans)
    return rows


def _looks_like_header(text: str, row: list[tuple[int, int, bool]]) -> bool:
    cells = [text[s:e].strip() for s, e, _ in row]
    if len(cells) > 2 and not cells[0] and not cells[-1]:  # a Markdown row: "| a | b |"
        cells = cells[1:-1]
    return all(
        c and len(c) <= 40 and not re.search(r"\d{3}|[.!?]\s|@", c) and len(c.split()) <= 4 and c[0] not in "-+"
        for c in cells
    )


def _tables(text: str, lines: list[_Line], taken: list[bool]) -> list[Cell]:
    cells: list[Cell] = []
    n = len(lines)
    i = 0
    block = 0
    while i < n:
        best: tuple[int, str, list[list[tuple[int, int, bool]]], int] | None = None  # (size, delimiter, rows, next)
        if taken[i] or not text[lines[i].start : lines[i].end].strip():
            i += 1
            continue
        for delimiter in DELIMITERS:
            if delimiter not in text[lines[i].start : lines[i].end]:
                continue
            rows: list[list[tuple[int, int, bool]]] = []
            pos, line_idx = lines[i].start, i
            width = None
            while line_idx < n and not taken[line_idx]:
                parsed = _csv_row(text, pos, len(text), delimiter)
                if parsed is None:
                    break
                spans, nxt = parsed
                if width is None:
                    width = len(spans)
                if len(spans) != width or width < 2 or any(e - s > MAX_CELL_CHARS for s, e, _ in spans):
                    break
                rows.append(spans)
                pos = nxt
                while line_idx < n and lines[line_idx].start < nxt:
                    line_idx += 1
                if pos > len(text):
                    break
            headed = _looks_like_header(text, rows[0]) if rows else False
            # two comma-separated "columns" are mostly prose with a comma: a table of two needs its header
            wide = (width or 0) >= 3 or delimiter != "," or headed
            enough = wide and (len(rows) >= MIN_TABLE_ROWS or (len(rows) == 2 and (width or 0) >= 3 and headed))
            if enough and (best is None or len(rows) > best[0]):
                best = (len(rows), delimiter, rows, line_idx)
        if best is None:
            i += 1
            continue
        _, delimiter, rows, nxt_line = best
        header = _looks_like_header(text, rows[0]) and not _looks_like_header(text, rows[1])
        # a Markdown table's rule row ("|---|:--:|") is layout, not data
        rows = [r for r in rows if not all(re.fullmatch(r"\s*:?-{2,}:?\s*|", text[s:e]) for s, e, _ in r)]
        keys = [text[s:e].strip() for s, e, _ in rows[0]] if header else [""] * len(rows[0])
        for r, spans in enumerate(rows):
            if header and r == 0:
                continue
            for c, (s, e, _) in enumerate(spans):
                cells.append(Cell(s, e, keys[c], f"t{block}:{c}"))
        for k in range(i, nxt_line):
            taken[k] = True
        block += 1
        i = nxt_line
    return cells


# -- JSON --------------------------------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}\[\]:,]|\s+')


def json_values(text: str, start: int, end: int) -> list[tuple[int, int, str, bool]]:
    """Every string and number value of the JSON text in ``[start, end)`` (which parses): its span (inside the
    quotes for a string), the key it stands under (the enclosing key for array items) and whether it is a string.
    Raises ValueError where the lexer cannot follow the text."""
    values: list[tuple[int, int, str, bool]] = []
    stack: list[list] = []  # per container: [kind, current key, expecting key]
    pos = start
    last_string: tuple[int, int] | None = None
    while pos < end:
        m = _JSON_TOKEN.match(text, pos, end)
        if m is None:
            raise ValueError(f"unexpected character at {pos}")
        tok = m.group(0)
        pos = m.end()
        if tok.isspace():
            continue
        if tok in "{[":
            stack.append(["obj" if tok == "{" else "arr", stack[-1][1] if stack else "", tok == "{"])
        elif tok in "}]":
            if not stack:
                raise ValueError("unbalanced")
            stack.pop()
        elif tok == ":":
            if not stack or last_string is None:
                raise ValueError("a colon without a key")
            s, e = last_string
            stack[-1][1] = json.loads(text[s - 1 : e + 1])
            stack[-1][2] = False
        elif tok == ",":
            if stack and stack[-1][0] == "obj":
                stack[-1][2] = True
        elif stack and stack[-1][0] == "obj" and stack[-1][2] and tok.startswith('"'):
            last_string = (m.start() + 1, m.end() - 1)  # a key: its value follows the colon
        else:
            key = str(stack[-1][1]) if stack else ""
            if tok.startswith('"'):
                values.append((m.start() + 1, m.end() - 1, key, True))
            elif tok not in ("true", "false", "null"):
                values.append((m.start(), m.end(), key, False))
    return values


def _json_cells(text: str, start: int, end: int, block: str) -> list[Cell] | None:
    try:
        return [Cell(s, e, key, f"{block}:{key}") for s, e, key, _ in json_values(text, start, end)]
    except ValueError:
        return None


def _parses(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict | list)
    except ValueError:
        return False


def _json(text: str, lines: list[_Line], taken: list[bool]) -> list[Cell]:
    stripped = text.strip()
    if stripped[:1] in "{[" and _parses(stripped):
        start = text.index(stripped[0])
        cells = _json_cells(text, start, start + len(stripped), "j")
        if cells is not None:
            for k in range(len(taken)):
                taken[k] = True
            return cells
    cells = []
    for k, line in enumerate(lines):
        body = text[line.start : line.end].strip()
        if taken[k] or not (body.startswith("{") and body.endswith("}")) or not _parses(body):
            continue
        start = text.index("{", line.start)
        found = _json_cells(text, start, start + len(body), "jl")  # one column per key across JSON lines
        if found is not None:
            cells += found
            taken[k] = True
    return cells


# -- key-value ---------------------------------------------------------------------------------------------------------

_PAIR = re.compile(
    r"(?<![\w.-])(?P<key>[A-Za-z_][\w.-]{0,40})=(?:\"(?P<q>[^\"\n]*)\"|'(?P<s>[^'\n]*)'|(?P<v>[^\s,;&\"']+))"
)
_SENTENCE_END = re.compile(r"[.!?](?=\s+\w)")
_LABEL = re.compile(r"^[ \t>*-]*(?P<key>[^\W\d_][\w'’ ./()-]{0,38}?)[ \t]*:[ \t]+(?P<value>\S[^\n]*?)[ \t]*$")


def _pairs(text: str, lines: list[_Line], taken: list[bool]) -> list[Cell]:
    cells = []
    for k, line in enumerate(lines):
        if taken[k]:
            continue
        body = text[line.start : line.end]
        found = list(_PAIR.finditer(body))
        for m in found:
            group = next(g for g in ("q", "s", "v") if m.group(g) is not None)
            if m.start(group) < m.end(group):
                key = m.group("key")
                cells.append(Cell(line.start + m.start(group), line.start + m.end(group), key, f"kv:{key.lower()}"))
        if found:
            continue
        m = _LABEL.match(body)
        if m and len(m.group("key").split()) <= 4 and "://" not in body[: m.end("key") + 3]:
            key = m.group("key").strip()
            # the label's value ends with its sentence: "DOB: 02/11/1979. Bought it on ..." labels the date only
            end = m.end("value")
            stop = _SENTENCE_END.search(body, m.start("value"), end)
            if stop:
                end = stop.start() + 1
            cells.append(Cell(line.start + m.start("value"), line.start + end, key, f"kv:{key.lower()}"))
    return cells


def layout(text: str) -> list[Cell]:
    """The cells of every table, JSON value and key-value pair in ``text``, in text order."""
    if not text or ("\n" not in text and not any(c in text for c in "=:{[")):
        return []
    lines = _lines(text)
    taken = [False] * len(lines)
    cells = _json(text, lines, taken)
    cells += _tables(text, lines, taken)
    cells += _pairs(text, lines, taken)
    return sorted(cells, key=lambda c: c.start)
