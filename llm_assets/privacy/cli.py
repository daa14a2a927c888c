"""``llm-anonymize INPUT -o OUTPUT``: try the pipeline's anonymizer on your own files.

INPUT is a file or a folder of files; each comes out in its own format, with its structure:

- **CSV / TSV** (``.csv``, ``.tsv``; the delimiter is sniffed): every cell is anonymized in its column, the header,
  delimiters, quoting and row count stay byte for byte; a column whose header names what it holds (``postcode``,
  ``customer_id``, ``user``) is replaced in every row, and so is a column most of whose values were found to be one
  entity.
- **JSON Lines / JSON** (``.jsonl``, ``.ndjson``, ``.json``): every string (and number) value is anonymized under its
  key; keys, nesting and layout stay.
- **text** (``.txt``, ``.md``, ``.log``, ``.eml`` read as text): one document; tables, JSON lines and ``key=value``
  pairs inside it are anonymized per field as well.

OUTPUT is a file for a file, a folder for a folder (same relative names). Files are read with the pipeline's decoder
(BOMs, UTF-16/32, a legacy 8-bit charset) and written as UTF-8. The engine and its configuration are the
``anonymizer`` resource of the pipeline's Definitions, nothing else. A record the pipeline would hold back (too long,
analysis failure or timeout, PII still found by the independent second look) is written with every value emptied
(CSV), every value null and ``"held_back": reason`` (JSON), or as the line ``[held back: reason]`` (text). Problems
are reported on stderr by file and line, never by content.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from llm_assets import settings
from llm_assets.core import jsonl

TABLE_SUFFIXES = (".csv", ".tsv")
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
TEXT_SUFFIXES = (".txt", ".text", ".md", ".log", ".eml")
SUFFIXES = TABLE_SUFFIXES + JSON_SUFFIXES + TEXT_SUFFIXES


@dataclass
class Slot:
    """One value of a file: where it sits, how it is written there, and the field it is analysed as."""

    start: int
    end: int
    value: str
    name: str
    quoting: str  # "csv-quoted", "csv", "json-string", "json-number", "text"


@dataclass
class Record:
    """The values of one row / line / document, anonymized together (one surrogate per value within it)."""

    label: str  # "file:line" for messages
    slots: list[Slot] = field(default_factory=list)
    held_back: str | None = None
    redactions: list = field(default_factory=list)


def read_text(path: Path) -> str:
    """The file's text as the pipeline decodes it (``core.decoding``)."""
    from llm_assets.core.decoding import decode

    decoded = decode(path.read_bytes(), per_line=path.suffix.lower() in TABLE_SUFFIXES + (".jsonl", ".ndjson"))
    if decoded is None:
        raise ValueError("binary content")
    return decoded[0].lstrip("\ufeff")


def table_records(path: Path, text: str, errors: list[str]) -> list[Record]:
    from llm_assets.core.anonymization.structure import csv_rows

    delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff(text)
    rows = csv_rows(text, delimiter)
    if not rows:
        errors.append(f"{path.name}: no header row")
        return []
    header_spans, *data = rows
    header = [text[s:e].strip().strip('"') for s, e, _ in header_spans]
    records = []
    for n, spans in enumerate(data, start=2):
        if len(spans) != len(header):
            errors.append(f"{path.name}:{n}: {len(spans)} fields, the header has {len(header)} (left as it is)")
            continue
        slots = []
        for name, (s, e, quoted) in zip(header, spans, strict=True):
            raw = text[s:e]
            value = raw.replace('""', '"') if quoted else raw
            slots.append(Slot(s, e, value, name or f"column {len(slots) + 1}", "csv-quoted" if quoted else "csv"))
        records.append(Record(f"{path.name}:{n}", slots))
    return records


def _sniff(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def json_records(path: Path, text: str, errors: list[str]) -> list[Record]:
    from llm_assets.core.anonymization.structure import json_values

    units: list[tuple[int, int, int]] = []  # (line number, start, end)
    if path.suffix.lower() == ".json":
        units.append((1, 0, len(text)))
    else:
        pos = 0
        for n, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                units.append((n, pos, pos + len(line)))
            pos += len(line) + 1
    records = []
    for n, start, end in units:
        try:
            json.loads(text[start:end])
        except (ValueError, RecursionError):
            errors.append(f"{path.name}:{n}: not JSON (left as it is)")
            continue
        slots, seen = [], Counter()
        for s, e, key, is_string in json_values(text, start, end):
            seen[key] += 1
            name = key if seen[key] == 1 else f"{key}#{seen[key]}"
            raw = text[s:e]
            value = json.loads(f'"{raw}"') if is_string else raw
            slots.append(Slot(s, e, value, name, "json-string" if is_string else "json-number"))
        records.append(Record(f"{path.name}:{n}", slots))
    return records


def text_records(path: Path, text: str) -> list[Record]:
    return [Record(path.name, [Slot(0, len(text), text, "text", "text")])]


def _encode(slot: Slot, new: str) -> str:
    if slot.quoting == "csv-quoted":
        return new.replace('"', '""')
    if slot.quoting == "csv":
        return new if not any(c in new for c in ',;\t|"\n') else '"' + new.replace('"', '""') + '"'
    if slot.quoting == "json-string":
        return json.dumps(new, ensure_ascii=False)[1:-1]
    if slot.quoting == "json-number":
        return new if new == slot.value else json.dumps(new, ensure_ascii=False)
    return new


def anonymize_records(records: list[Record], anonymizer, second_look: bool = True) -> list[dict[str, str]]:
    """Anonymizes each record's values as one document; returns the new values per record (held-back records get
    ``held_back`` set and no values); a label column's values that enough rows share are kept as categories."""
    from llm_assets.core.anonymization.categories import anonymize_keeping_categories, shared_categories

    docs = [{slot.name: slot.value for slot in r.slots} for r in records]
    settings = anonymizer.settings()
    categories = shared_categories(docs, settings.passthrough_fields, settings.category_min_documents)
    results = anonymize_keeping_categories(docs, categories, anonymizer.anonymize) if docs else []
    outputs: list[dict[str, str]] = []
    for record, res in zip(records, results, strict=True):
        record.held_back = res.failure
        record.redactions = list(res.redactions)
        outputs.append(dict(res.fields) if res.ok else {})
    if second_look:
        from llm_assets.core.anonymization.residual import scanner

        ok = [i for i, r in enumerate(records) if r.held_back is None]
        texts = ["\n".join(str(outputs[i].get(s.name, "")) for s in records[i].slots) for i in ok]
        for i, found in zip(ok, scanner().scan(texts), strict=True):
            if found:
                records[i].held_back = "residual_pii"
                outputs[i] = {}
    return outputs


def render(text: str, kind: str, records: list[Record], outputs: list[dict[str, str]]) -> str:
    """The file with each value replaced in place: everything between values stays byte for byte."""
    edits: list[tuple[int, int, str]] = []
    for record, values in zip(records, outputs, strict=True):
        if record.held_back and kind == "text":
            edits.append((0, len(text), f"[held back: {record.held_back}]\n"))
            continue
        for slot in record.slots:
            if record.held_back:
                new = "" if kind == "table" else None
                if new is None:  # JSON: the value becomes null
                    s = slot.start - (1 if slot.quoting == "json-string" else 0)
                    e = slot.end + (1 if slot.quoting == "json-string" else 0)
                    edits.append((s, e, "null"))
                    continue
                edits.append((slot.start, slot.end, new))
                continue
            new = values.get(slot.name, slot.value)
            if new != slot.value:
                edits.append((slot.start, slot.end, _encode(slot, new)))
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    if kind == "json":
        out = _mark_held_back(out, records)
    return out


def _mark_held_back(out: str, records: list[Record]) -> str:
    """A held-back JSON line also says why: ``"held_back": reason`` joins its object."""
    lines = out.split("\n")
    for record in records:
        if record.held_back and ":" in record.label:
            n = int(record.label.rsplit(":", 1)[1]) - 1
            if 0 <= n < len(lines) and lines[n].rstrip().endswith("}"):
                body = lines[n].rstrip()
                lines[n] = body[:-1] + f', "held_back": "{record.held_back}"' + "}"
    return "\n".join(lines)


def anonymize_file(path: Path, anonymizer, errors: list[str], second_look: bool = True) -> tuple[str, list[Record]]:
    text = read_text(path)
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        kind, records = "table", table_records(path, text, errors)
    elif suffix in JSON_SUFFIXES:
        kind, records = "json", json_records(path, text, errors)
    else:
        kind, records = "text", text_records(path, text)
    outputs = anonymize_records(records, anonymizer, second_look)
    return render(text, kind, records, outputs), records


def pipeline_anonymizer():
    """The ``anonymizer`` resource as the pipeline's Definitions configure it: the engine and configuration the asset
    uses (its secret resolved from the environment)."""
    from resources import anonymizer_resource, resolved

    return resolved({"anonymizer": anonymizer_resource()})["anonymizer"]


def anonymize_texts(texts: list[str], anonymizer=None) -> list:
    """Anonymizes plain texts exactly as ``llm-anonymize`` (and so the pipeline) does."""
    anonymizer = anonymizer or pipeline_anonymizer()
    return anonymizer.anonymize([{"text": t} for t in texts])


def _inputs(root: Path) -> list[tuple[Path, Path]]:
    if root.is_file():
        return [(root, Path(root.name))]
    return [(p, p.relative_to(root)) for p in sorted(root.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES]


def main(argv: list[str] | None = None) -> int:
    settings.apply_offline_environment()
    parser = argparse.ArgumentParser(
        prog="llm-anonymize", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("input", type=Path, help="a CSV/TSV, JSONL/JSON or text file, or a folder of them")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the anonymized file (or folder)")
    parser.add_argument("--audit", type=Path, help="also write one JSONL row per redaction (never the value)")
    parser.add_argument(
        "--no-second-look",
        action="store_true",
        help="skip the independent re-scan that holds back records still holding PII (the pipeline always runs it)",
    )
    args = parser.parse_args(argv)
    if not args.input.exists():
        parser.error(f"{args.input} does not exist")

    anonymizer = pipeline_anonymizer()
    errors: list[str] = []
    counts: Counter = Counter()
    held_back: Counter = Counter()
    audit_rows = []
    for path, relative in _inputs(args.input):
        target = args.output if args.input.is_file() else args.output / relative
        try:
            out, records = anonymize_file(path, anonymizer, errors, second_look=not args.no_second_look)
        except (OSError, ValueError) as exc:
            errors.append(f"{relative}: not read ({type(exc).__name__}: {exc})")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(out, encoding="utf-8")
        for record in records:
            held_back.update([record.held_back] if record.held_back else [])
            for r in record.redactions:
                counts[r.entity_type] += 1
                audit_rows.append(
                    {
                        "record": record.label,
                        "field": r.field,
                        "entity_type": r.entity_type,
                        "start": r.start,
                        "end": r.end,
                        "recognizer": r.recognizer,
                        "score": r.score,
                        "surrogate": r.surrogate,
                    }
                )
    if args.audit:
        args.audit.parent.mkdir(parents=True, exist_ok=True)
        jsonl.write(args.audit, audit_rows)
    print(f"anonymized with configuration {anonymizer.settings().config_hash()} -> {args.output}", file=sys.stderr)
    print("redactions: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()), file=sys.stderr)
    for reason, n in held_back.most_common():
        print(f"held back ({reason}): {n} record(s), written without their values", file=sys.stderr)
    for e in errors:
        print(f"skipped {e}", file=sys.stderr)
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
