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

import dataclasses
import itertools
import json
import re
from dataclasses import dataclass

import regex

from llm_assets.core.anonymization.text import reads_as_speech

DELIMITERS = (",", ";", "\t", "|")
MIN_TABLE_ROWS = 3  # rows of the same width, header included; two suffice when the first is clearly a header
MAX_CELL_CHARS = 400  # a "cell" longer than this is prose, not a table


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    key: str  # header or key ('' when the block has none)
    column: str  # the same for every cell of one column / key of one block
    # a flattened table's value: the headers it may stand under (its column is lost, its shape tells which)
    headers: tuple[str, ...] = ()
    # the values ran together with single spaces: their bounds are lost too, the cell holds them all
    loose: bool = False
    # the key was inferred (a flattened table's value aligned under one of its headers), not read
    aligned: bool = False
    # an aligned code (a value with a digit) of the shape most codes aligned under the same header have: the
    # column's values are alike ("HAT076", "HAT111", "HAT298"), so this one is no stray value of another column
    typical: bool = False
    # the value's end is a guess (key-value pairs run together with spaces): a finding may go on past it
    open_end: bool = False


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
        # (a label with its value, "Utente: Nome Paola", or a sentence's end is a conversation's line, not a header)
        c
        and len(c) <= 40
        and not re.search(r"\d{3}|[.!?]\s|[:：]\s|@", c)
        # (a sentence's end, not an abbreviation's point: "Giltigt t.o.m.", "Tel. Nr.")
        and not (c[-1] in ".!?" and " " in c and not re.search(r"(?<!\S)(?:\w{1,4}\.){1,3}$", c))
        and len(c.split()) <= 4
        and c[0] not in "-+"
        for c in cells
    )


def _all_field_names(text: str, row: list[tuple[int, int, bool]]) -> bool:
    """Every cell plainly a field name ("name,city,state,country"), which a row of words ("Ana Lima,Tacoma,WA")
    is not."""
    return all(_name_strength(text[s:e]) == 2 for s, e, _ in row)


def _tables(text: str, lines: list[_Line], taken: list[bool], labels: list[tuple[int, int]]) -> list[Cell]:
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
        header = _looks_like_header(text, rows[0]) and (
            not _looks_like_header(text, rows[1]) or (_all_field_names(text, rows[0]) > _all_field_names(text, rows[1]))
        )
        # a Markdown table's rule row ("|---|:--:|") is layout, not data
        rows = [r for r in rows if not all(re.fullmatch(r"\s*:?-{2,}:?\s*|", text[s:e].strip()) for s, e, _ in r)]
        names = [text[s:e].strip() for s, e, _ in (r[0] for r in rows)]
        if len(rows[0]) == 2 and len(set(names)) >= 3 and all(_looks_like_header(text, r[:1]) for r in rows):
            # two columns, the first one a label per row: a form or property sheet ("email<TAB>...")
            for label, row in zip(names, rows, strict=True):
                (ks, ke, _), (s, e, _) = row
                cells.append(Cell(s, e, label, f"kv:{label.lower()}"))
                labels.append((ks, ke))
            for k in range(i, nxt_line):
                taken[k] = True
            i = nxt_line
            continue
        keys = [text[s:e].strip() for s, e, _ in rows[0]] if header else [""] * len(rows[0])
        if header:
            labels += [(s, e) for s, e, _ in rows[0]]
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


# a reply's quote markers before a line ("> > | Name | Passnr |"): no cell of the table they quote
_QUOTE_MARKERS = re.compile(r"(?m)^[ \t]*>(?:[ \t]*>)*[ \t]?")


def _unquoted_tables(text: str, lines: list[_Line], taken: list[bool], labels: list[tuple[int, int]]) -> list[Cell]:
    """The tables of ``text``, those a reply quotes too: read with the quote markers as spaces (the same offsets), each
    cell without the spaces around its value."""
    if ">" not in text:
        return _tables(text, lines, taken, labels)
    plain = _QUOTE_MARKERS.sub(lambda m: " " * len(m.group(0)), text)
    cells = []
    for cell in _tables(plain, lines, taken, labels):
        start, end = cell.start, cell.end
        while start < end and plain[start] in " \t":
            start += 1
        while end > start and plain[end - 1] in " \t":
            end -= 1
        cells.append(
            dataclasses.replace(cell, start=start, end=end) if (start, end) != (cell.start, cell.end) else cell
        )
    return cells


# -- JSON --------------------------------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}\[\]:,]|\s+')


def json_keys(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the keys (inside their quotes) of the JSON text in ``[start, end)``."""
    return [(m.start() + 1, m.end() - 1) for m in _JSON_KEY.finditer(text, start, end)]


_JSON_KEY = re.compile(r'"(?:[^"\\\n]|\\.)*"(?=\s*:)')


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
        values = json_values(text, start, end)
    except ValueError:
        return None
    cells = []
    for s, e, key, is_string in values:
        # a log message holding its own pairs ("msg": "user=ana ip=10.0.0.7") gives a cell per pair
        pairs = list(_PAIR.finditer(text, s, e)) if is_string else []
        if pairs:
            cells += [_pair_cell(m, 0) for m in pairs]
        else:
            cells.append(Cell(s, e, key, f"{block}:{key}"))
    return cells


def _pair_cell(m: re.Match, offset: int) -> Cell:
    group = next(g for g in ("q", "s", "v") if m.group(g) is not None)
    key = m.group("key")
    return Cell(offset + m.start(group), offset + m.end(group), key, f"kv:{key.lower()}")


def _parses(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict | list)
    except ValueError:
        return False


def _json(text: str, lines: list[_Line], taken: list[bool], labels: list[tuple[int, int]]) -> list[Cell]:
    stripped = text.strip()
    if stripped[:1] in "{[" and _parses(stripped):
        start = text.index(stripped[0])
        cells = _json_cells(text, start, start + len(stripped), "j")
        if cells is not None:
            for k in range(len(taken)):
                taken[k] = True
            labels += json_keys(text, start, start + len(stripped))
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
            labels += json_keys(text, start, start + len(body))
    return cells


# -- key-value ---------------------------------------------------------------------------------------------------------

_PAIR = re.compile(
    r"(?<![\w.-])(?P<key>[A-Za-z_][\w.-]{0,40})=(?:\"(?P<q>[^\"\n]*)\"|'(?P<s>[^'\n]*)'|(?P<v>[^\s,;&\"']+))"
)
_STAMPED = re.compile(r"[\[(][ \t]*\d{1,2}$")
# (an abbreviation's point is none: "ul. Kwiatowa 15", "Str. 5", "St. Gallen"; a word of four letters or a number ends
# a sentence: "... 02-495 Warszawa. Mój PESEL ...", "DOB: 02/11/1979. Bought ...")
# (two syllables of Korean or Chinese are a word's end too: "보내 주세요.")
_SENTENCE_END = regex.compile(r"(?:(?:(?<=\w{4})|(?<=\d)|(?<=[\p{Hangul}\p{Han}]{2}))\.|[!?])(?=\s+\w)")
# "Name: Ana", and a dump's "Name = Ana" / "USER_NAME = ana_03" (key=value without spaces is a pair, above)
# (a key's letters keep their combining marks: Devanagari's and Thai's vowel signs, "पूरा नाम:")
# (Chinese, Japanese and Korean write the value right after a full-width colon: "身份证：3301...", NFKC ":")
_LABEL = regex.compile(
    r"^[ \t>*-]*(?P<key>[^\W\d_][\w\p{M}'’ ./()-]{0,38}?)(?:[ \t]*:|[ \t]+=)"
    r"(?:[ \t]+|(?<=[\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}ー][\w)]{0,4}:)(?=[^\s:/]))(?P<value>\S[^\n]*?)[ \t]*$"
)


def _pairs(text: str, lines: list[_Line], taken: list[bool], labels: list[tuple[int, int]]) -> list[Cell]:
    from llm_assets.core.anonymization.keys import classify_key

    cells = []
    labelled: list[tuple[int, re.Match]] = []
    for k, line in enumerate(lines):
        if taken[k]:
            continue
        body = text[line.start : line.end]
        found = list(_PAIR.finditer(body))
        cells += [c for c in (_pair_cell(m, line.start) for m in found) if c.end > c.start]
        labels += [(line.start + m.start("key"), line.start + m.end("key")) for m in found]
        if found:
            # "Content-Type: text/plain; charset=utf-8": the line's label names a field too
            m = _LABEL.match(body[: found[0].start()] + "x")
            if m and len(m.group("key").split()) <= 4:
                labels.append((line.start + m.start("key"), line.start + m.start("key") + len(m.group("key").strip())))
            continue
        m = _LABEL.match(body)
        if m and _STAMPED.search(m.group("key")):
            continue  # "ana (20:21:39): 76 years": a chat turn, its "label" a speaker cut at the time's colon
        if m and len(m.group("key").split()) <= 4 and "://" not in body[: m.end("key") + 3]:
            labelled.append((k, m))
    speakers = _speakers([(m.group("key").strip(), m.group("value")) for _, m in labelled])
    for k, m in labelled:
        key = m.group("key").strip()
        if key.casefold() in speakers:
            continue  # a conversation's turn: its label is a speaker and its text is free text
        start = lines[k].start
        # a typed label's value ends with its sentence: "DOB: 02/11/1979. Bought it on ..." labels the date only;
        # a label that says nothing of its value bounds it by the line ("Клиент: я живу по адресу Тверь, ул. ...":
        # an abbreviation's point is no end)
        end = m.end("value")
        stop = _SENTENCE_END.search(text[start : lines[k].end], m.start("value"), end)
        if stop and classify_key(key) is not None:
            end = stop.start()  # the point is the sentence's, not the value's
        cells.append(Cell(start + m.start("value"), start + end, key, f"kv:{key.lower()}"))
        # a role's label with a name in brackets ("Agente (Julia):"): the name is no part of the label
        named = re.match(r"(.+?)[ \t]*\([^()]+\)$", key)
        labels.append((start + m.start("key"), start + m.start("key") + len(named.group(1) if named else key)))
    return cells


def _speakers(lines: list[tuple[str, str]]) -> set[str]:
    """Labels that speak rather than name a field: they come back on several lines with sentences after them
    ("natosha: my printer is not printing"), while a form's labels name short values ("city: Leeds")."""
    from llm_assets.core.anonymization.keys import PERSON_OR_ID, classify_key
    from llm_assets.core.entities import USERNAME

    values: dict[str, list[str]] = {}
    for label, value in lines:
        values.setdefault(label.casefold(), []).append(value)
    out = set()
    for label, said in values.items():
        lengths = [len(v.split()) for v in said]
        prose = sum(lengths) / len(lengths) >= 3 or max(lengths) >= 5
        entity = classify_key(label)
        if entity is None and len(said) >= 2 and prose:
            out.add(label)
        elif entity in (PERSON_OR_ID, USERNAME) and any(reads_as_speech(v) for v in said):
            # "Customer: Hi, I wanted to ask about my order": a party of the conversation speaking (a form's
            # "Customer: Ana Lima" names someone in fewer words)
            out.add(label)
    if out:
        # in a conversation, a party that speaks once is a speaker too ("Mikołaj: Poproszę imię i nazwisko.")
        out |= {
            label
            for label, said in values.items()
            if classify_key(label) is None and len(label.split()) == 1 and all(reads_as_speech(v) for v in said)
        }
        # and a party whose short replies take turns with a speaker's lines ("agent: can I have your email" /
        # "customer: sure" / "agent: go on" / "customer: ok"): a form names each field once per record
        # (a party's name or role is a word: "Message-ID" or "items.name" repeat under a mail's or a record's
        # headers)
        order = [label.casefold() for label, _ in lines]
        for label in {o for o in order if o.isalpha()} - out:
            at = [k for k, other in enumerate(order) if other == label]
            if len(at) >= 2 and all(
                order[a + 1] in out and any(o in out for o in order[a + 1 : b]) for a, b in itertools.pairwise(at)
            ):
                out.add(label)
    return out


# -- flattened tables --------------------------------------------------------------------------------------------------

# a field name as tables and forms print it: "user_name", "items.item_id", "Postcode", "E-mail", "Date of birth"
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_.\- ][A-Za-z0-9]+){0,4}")
_PIPE = re.compile(r"[ \t]*\|[ \t]*")
MIN_FLAT_HEADERS = 4


def _name_strength(piece: str) -> int:
    """2: plainly a field name ("user_name", "items.item_id", a name ``classify_key`` knows); 1: could be one
    ("status", "origin"); 0: a value. A user name's trailing number ("rhythm_2063") makes it a value."""
    from llm_assets.core.anonymization.keys import classify_key

    piece = piece.strip()
    if not _FIELD_NAME.fullmatch(piece) or len(piece) > 40 or re.search(r"\d{3,}$", piece):
        return 0
    # a random key ("cus_OGexpF9WbUJqCp") mixes cases and digits; a field name does not
    random = bool(re.search(r"\d", piece) and re.search(r"[a-z]", piece) and re.search(r"[A-Z]", piece))
    if not random and ((re.search(r"[_.]", piece) and piece == piece.lower()) or classify_key(piece) is not None):
        return 2
    return 1 if not random and len(piece.split()) <= 3 and len(piece) <= 24 else 0


def _pieces(text: str, lines: list[_Line], taken: list[bool]) -> list[tuple[int, int, int]]:
    """(line index, start, end) of every piece: a line, or each "|"-separated piece of a line holding many."""
    out = []
    for k, line in enumerate(lines):
        if taken[k]:
            continue
        body = text[line.start : line.end]
        if body.count("|") >= MIN_FLAT_HEADERS:
            pos = line.start
            for part in _PIPE.split(body):
                start = text.index(part, pos) if part else pos
                if part.strip():
                    out.append((k, start, start + len(part)))
                pos = start + len(part)
        elif body.strip():
            lead = len(body) - len(body.lstrip())
            out.append((k, line.start + lead, line.start + len(body.rstrip())))
    return out


def _lower_case(piece: str) -> bool:
    return piece.strip() == piece.strip().lower()


def _flattened(text: str, lines: list[_Line], taken: list[bool], labels: list[tuple[int, int]]) -> list[Cell]:
    """Tables whose cells came out one after another (HTML stripped to text, a PDF's table): a run of field names
    followed by values, or field names and values alternating. Alternating, each value has its key; after a run of
    headers, a value's column is lost (empty cells vanish), so it carries every header it may stand under."""
    pieces = _pieces(text, lines, taken)
    strength = [_name_strength(text[s:e]) for _, s, e in pieces]
    names = [n == 2 for n in strength]
    cells: list[Cell] = []
    i, block = 0, 0
    while i < len(pieces):
        if not names[i]:
            i += 1
            continue
        # a run of field names (weak ones inside it count, trailing ones are values)
        # a capitalized weak name between lower-case field names is a value: "name / Eleonora Copeland / company"
        # alternates keys and values, it is no run of headers
        j = i
        plain_so_far = True
        while j < len(pieces) and strength[j]:
            piece_lower = _lower_case(text[pieces[j][1] : pieces[j][2]])
            if strength[j] == 1 and plain_so_far and not piece_lower:
                break
            plain_so_far = plain_so_far and (strength[j] == 1 or piece_lower)
            j += 1
        # trailing weak names ("origin", "destination") are headers when written like the run's plain field names
        # (lower case, snake case); otherwise they may be the first row's values
        lower = [_lower_case(text[s:e]) for _, s, e in pieces[i:j]]
        plain = all(lower[k - i] for k in range(i, j) if names[k])
        while j > i and not names[j - 1] and not (plain and lower[j - 1 - i]):
            j -= 1
        while j > i and not names[j - 1] and any(not lower[k - i] for k in range(i, j) if not names[k]):
            j -= 1
        if j - i >= MIN_FLAT_HEADERS:
            headers = tuple(text[s:e].strip() for _, s, e in pieces[i:j])
            labels += [(s, e) for _, s, e in pieces[i:j]]
            k = j
            while k < len(pieces) and not names[k] and not (k > j and pieces[k][0] > pieces[k - 1][0] + 1):
                _, s, e = pieces[k]
                cells.append(Cell(s, e, "", f"flat{block}", headers))
                k += 1
            block += 1
            i = k
            continue
        # "key / value / key / value": each name followed by one value
        pairs = 0
        k = i
        while k + 1 < len(pieces) and not names[k + 1]:
            # once the pattern holds, a weaker lower-case name goes on with it ("date", "manufacturer", "merchant")
            weak_key = pairs >= 3 and strength[k] == 1 and _lower_case(text[pieces[k][1] : pieces[k][2]])
            if not (names[k] or weak_key):
                break
            pairs += 1
            k += 2
        if pairs >= 3:
            for n in range(i, k, 2):
                key = text[pieces[n][1] : pieces[n][2]].strip()
                _, s, e = pieces[n + 1]
                cells.append(Cell(s, e, key, f"kv:{key.lower()}"))
                labels.append(pieces[n][1:])
            i = k
        else:
            i += 1
    cells += _space_joined(text, lines, taken, labels, block)
    for cell in cells:
        first = text.count("\n", 0, cell.start)
        taken[first] = True
    return cells + _space_pairs(text, lines, taken, labels)


def _space_joined(
    text: str, lines: list[_Line], taken: list[bool], labels: list[tuple[int, int]], block: int
) -> list[Cell]:
    """A table stripped with single spaces between cells: a line that starts with field names ("name user_name
    email ...") and goes on with the values of every row. One loose cell holds the values."""
    cells = []
    for k, line in enumerate(lines):
        if taken[k]:
            continue
        tokens = list(re.finditer(r"\S+", text[line.start : line.end]))
        strength = [_name_strength(t.group(0)) for t in tokens[:200]]
        n = 0
        while n < len(strength) and strength[n]:
            n += 1
        while n > 0 and strength[n - 1] != 2:  # trailing weak names ("origin", "destination") may be values
            n -= 1
        # a table's header is mostly plain field names; a sentence's words merely could be ("My username on the
        # site is anna.berg now.": two of seven)
        plain = sum(1 for x in strength[:n] if x == 2)
        if n >= MIN_FLAT_HEADERS and n < len(tokens) and 2 * plain >= n:
            headers = tuple(t.group(0) for t in tokens[:n])
            labels += [(line.start + t.start(), line.start + t.end()) for t in tokens[:n]]
            start = line.start + tokens[n].start()
            cells.append(Cell(start, line.end, "", f"flat{block + len(cells) + 1}", headers, loose=True))
            taken[k] = True
    return cells


_TOKEN = re.compile(r"\S+")
_JOINED_NAME = re.compile(r"(?<!\S)[a-z][a-z0-9]*[_.][a-z][a-z0-9_.]*(?!\S)")
_PLAIN_KEY = re.compile(r"[a-z][a-z0-9]*(?:[_.][a-z0-9]+)*")
MIN_SPACE_PAIRS = 3
_WORDY_KEYS = ("PERSON", "ORGANIZATION", "LOCATION", "STREET_ADDRESS", "PERSON_OR_ID", "CONTACT")
MAX_PAIR_VALUE_TOKENS = 6


def _space_pairs(text: str, lines: list[_Line], taken: list[bool], labels: list[tuple[int, int]]) -> list[Cell]:
    """Key-value pairs run together with single spaces, as a page's definition list comes out of an HTML stripper:
    "license_plate MTV-026 phone_number 07-5839947 name 陳志強 ...". Keys are field names written as programs write
    them (lower case, with ``_`` or ``.``, or a name ``classify_key`` knows); a run needs three such keys, each
    followed by one to six tokens. A value ends at the next key, or at a lower-case word that a field could be
    called ("status", "origin") after its first token, which then keys what follows it. The run's last value is
    its first token, and its end is left open: what goes on after it is the page's, not the field's. A name's,
    a place's or an address's value is never cut at such a word ("first_name ana maria")."""
    from llm_assets.core.anonymization.keys import classify_key

    cells: list[Cell] = []
    for k, line in enumerate(lines):
        if taken[k]:
            continue
        body = text[line.start : line.end]
        if len(_JOINED_NAME.findall(body)) < 2:
            continue  # a page's field names: at least two of them written as programs write them ("user_name")
        tokens = list(_TOKEN.finditer(text, line.start, line.end))[:400]
        plain = [bool(_PLAIN_KEY.fullmatch(t.group(0))) for t in tokens]
        strength = [_name_strength(t.group(0)) if p else 0 for p, t in zip(plain, tokens, strict=True)]
        runs: list[list[int]] = []
        for i in (i for i, s in enumerate(strength) if s == 2):
            if runs and 1 <= i - runs[-1][-1] - 1 <= MAX_PAIR_VALUE_TOKENS:
                runs[-1].append(i)
            else:
                runs.append([i])
        found: list[Cell] = []
        for run in (r for r in runs if len(r) >= MIN_SPACE_PAIRS):
            for n, i in enumerate(run):
                last = n + 1 == len(run)
                end = min(i + 2, len(tokens)) if last else run[n + 1]
                key, j = i, i + 1
                wordy = classify_key(tokens[i].group(0)) in _WORDY_KEYS
                while j < end:
                    first = j
                    j += 1
                    while j < end and (wordy or strength[j] != 1):
                        j += 1
                    name = tokens[key].group(0)
                    start, stop = tokens[first].start(), tokens[j - 1].end()
                    found.append(Cell(start, stop, name, f"kv:{name.lower()}", open_end=last))
                    labels.append(tokens[key].span())
                    key = j
                    j += 1
        cells += found
        if found:
            taken[k] = True
    return cells


@dataclass(frozen=True)
class Layout:
    cells: list[Cell]
    labels: list[tuple[int, int]]  # spans of headers and keys: names of fields, never values


def layout(text: str) -> Layout:
    """The cells of every table, JSON value and key-value pair in ``text``, in text order, and the spans of the
    headers and keys that name them."""
    if not text or ("\n" not in text and not any(c in text for c in "=:{[")):
        return Layout([], [])
    lines = _lines(text)
    taken = [False] * len(lines)
    labels: list[tuple[int, int]] = []
    cells = _json(text, lines, taken, labels)
    cells += _unquoted_tables(text, lines, taken, labels)
    cells += _flattened(text, lines, taken, labels)
    cells += _pairs(text, lines, taken, labels)
    return Layout(sorted(cells, key=lambda c: c.start), sorted(labels))
