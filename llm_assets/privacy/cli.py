"""``llm-anonymize INPUT -o OUTPUT``: try the pipeline's anonymizer on samples.

INPUT is a JSONL file (``{"id", "text"}`` per line), a CSV file (a ``text`` column, ``id`` optional), a plain-text file
(one document) or a folder of such files. OUTPUT is JSONL ``{"id", "text"}`` with the same ids in the same order. The
engine and its configuration are the ``anonymizer`` resource of the pipeline's Definitions, nothing else. Bad lines
are reported on stderr (by line number, never by content) and the rest is still written. A document the pipeline
would hold back (too long, analysis failure or timeout, PII still found by the independent second look) is written
as ``{"id", "text": null, "held_back": reason}``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from llm_assets import settings

SUFFIXES = (".jsonl", ".ndjson", ".csv", ".txt")


def read_documents(path: Path, errors: list[str]) -> Iterator[tuple[str, str]]:
    if path.is_dir():
        for child in sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES):
            yield from read_documents(child, errors)
        return
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                text = obj["text"]
            except (json.JSONDecodeError, KeyError, TypeError):
                errors.append(f"{path.name}:{n}: not a JSON object with a 'text' field")
                continue
            yield str(obj.get("id", f"{path.stem}:{n}")), str(text)
    elif suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or "text" not in reader.fieldnames:
                errors.append(f"{path.name}: no 'text' column")
                return
            for n, row in enumerate(reader, start=2):
                yield str(row.get("id") or f"{path.stem}:{n}"), row["text"] or ""
    else:
        yield path.stem, path.read_text(encoding="utf-8")


def pipeline_anonymizer():
    """The ``anonymizer`` resource of the pipeline's Definitions: the engine and configuration the asset uses."""
    from llm_assets.definitions import defs

    return defs.resources["anonymizer"]


def anonymize_texts(texts: list[str], anonymizer=None) -> list:
    """Anonymizes plain texts exactly as ``llm-anonymize`` (and so the pipeline) does."""
    anonymizer = anonymizer or pipeline_anonymizer()
    return anonymizer.anonymize([{"text": t} for t in texts])


def main(argv: list[str] | None = None) -> int:
    settings.apply_offline_environment()
    parser = argparse.ArgumentParser(
        prog="llm-anonymize", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("input", type=Path, help="JSONL, CSV or text file, or a folder of them")
    parser.add_argument("-o", "--output", type=Path, required=True, help="anonymized JSONL to write")
    parser.add_argument("--audit", type=Path, help="also write one JSONL row per redaction (never the value)")
    parser.add_argument(
        "--no-second-look",
        action="store_true",
        help="skip the independent re-scan that holds back documents still holding PII (the pipeline always runs it)",
    )
    args = parser.parse_args(argv)
    if not args.input.exists():
        parser.error(f"{args.input} does not exist")

    anonymizer = pipeline_anonymizer()
    errors: list[str] = []
    docs = list(read_documents(args.input, errors))
    results = anonymize_texts([text for _, text in docs], anonymizer)
    held_back: Counter = Counter()
    reasons: list[str | None] = [res.failure for res in results]
    if not args.no_second_look:
        from llm_assets.privacy.residual import scanner

        ok = [i for i, res in enumerate(results) if res.ok]
        for i, found in zip(ok, scanner().scan([results[i].fields["text"] for i in ok]), strict=True):
            if found:
                reasons[i] = "residual_pii"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as out:
        for (doc_id, _), res, reason in zip(docs, results, reasons, strict=True):
            if reason:  # held back: never written, as the pipeline never lets it into the anonymized zone
                held_back[reason] += 1
                out.write(json.dumps({"id": doc_id, "text": None, "held_back": reason}) + "\n")
            else:
                out.write(json.dumps({"id": doc_id, "text": res.fields["text"]}, ensure_ascii=False) + "\n")
    if args.audit:
        with args.audit.open("w", encoding="utf-8") as audit:
            for (doc_id, _), res in zip(docs, results, strict=True):
                for r in res.redactions:
                    row = {
                        "id": doc_id,
                        "entity_type": r.entity_type,
                        "start": r.start,
                        "end": r.end,
                        "recognizer": r.recognizer,
                        "score": r.score,
                        "surrogate": r.surrogate,
                    }
                    audit.write(json.dumps(row) + "\n")
    counts = Counter(r.entity_type for res in results for r in res.redactions)
    print(
        f"{len(docs)} document(s) anonymized with configuration {anonymizer.settings().config_hash()} -> {args.output}",
        file=sys.stderr,
    )
    print("redactions: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()), file=sys.stderr)
    for reason, n in held_back.most_common():
        print(f"held back ({reason}): {n} document(s), written with text null", file=sys.stderr)
    for e in errors:
        print(f"skipped {e}", file=sys.stderr)
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
