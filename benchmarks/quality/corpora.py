"""The outside corpora of ``make bench-quality``: where each comes from, and how its landing folder is cut.

Nobody on the team wrote these; the sources are public and fetched by hand (this machine reaches no hub), then cut
deterministically into a corpus folder that ``benchmarks.quality.run --corpus`` takes:

    python -m benchmarks.quality.corpora --kind tickets --source SRC.csv --out /data/bueck-customer-support-tickets
    python -m benchmarks.quality.corpora --kind bitext  --source SRC.csv --out /data/bitext-customer-support

Each folder gets ``landing/batch-0001/data.csv`` (``--rows`` rows under the source's own column names),
``corpus_mapping.yaml`` (role -> source column) and ``sha256sums.txt`` (checked by the benchmark before and after
its run); the summary printed names the source's sha256, the rows read and the label counts.

Sources (``SOURCES``; the expected sha256 of what the cut writes lets a rebuilt folder be checked against ours):

- ``tickets``: Customer Support Tickets by Tobias Bueck / Softoft (Hugging Face ``Tobi-Bueck/customer-support-tickets``,
  ``dataset-tickets-multi-lang-4-20k.csv``, DOI 10.57967/hf/6184), CC BY-NC 4.0. Copy used: GitHub
  ``kishorekumar1111/Ticket-Hackthon`` at ``ddac65e0c3f4ae1b78efcf454263fbcad221bc47``,
  ``data/dataset-tickets-multi-lang-4-20k.csv`` (its first ~2 MB: 2,181 whole records; a spot check against a full
  copy agreed past record 2,000). Cut: the first 2,000 records with a body and an answer, in file order; English
  1,282, German 718; 10 queues (the rarest, General Inquiry, 24 rows).
- ``bitext``: Bitext customer-support training data, the publisher's repository
  ``bitext/customer-support-llm-chatbot-training-dataset`` at ``8b6ca3d9559a4a9abab94f7978fae67019215a82``,
  ``data/train/Bitext_Sample_Customer_Support_Training_Dataset.csv`` (the 4,514-row edition; the 27K file is over
  this environment's snapshot size limit), CDLA-Sharing-1.0. Cut: every row with an instruction and a response,
  shuffled with ``random.Random(7)``, the first 2,000; English; 27 intents (53-104 rows each).
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import json
import random
import sys
from pathlib import Path

csv.field_size_limit(sys.maxsize)

SOURCES = {
    "tickets": {
        "source_sha256": "1e4a80a76391bebbb83a98acb0df5dcd5432345a23115002e91a0ce19e589410",
        "data_csv_sha256": "93b1d9b63c562baefcc9472c6c14e5fc7effb67b5deda2d9421ee47fd31b2799",
        "licence": "CC BY-NC 4.0",
    },
    "bitext": {
        "source_sha256": "079b0cec48d34c319c9877b6d178390bf7187a7f7a604958e0ed5a096bba5af6",
        "data_csv_sha256": "dde7b990807d7d7643aafb90f0f2d3af6f57ecbd4c66da061b3b85d4c7716f17",
        "licence": "CDLA-Sharing-1.0",
    },
}

KINDS = {
    # columns kept (in this order) and the mapping onto the pipeline's roles
    "bitext": {
        "columns": ["instruction", "response", "intent", "category", "tags", "entity_type"],
        "mapping": {
            "message": "instruction",
            "reply": "response",
            "label": "intent",
            "passthrough": ["category", "tags", "entity_type"],
        },
        "required": ["instruction", "response"],
    },
    "tickets": {
        "columns": ["subject", "body", "answer", "type", "queue", "priority", "language"],
        "mapping": {
            "message": "body",
            "subject": "subject",
            "reply": "answer",
            "label": "queue",
            "passthrough": ["type", "priority", "language"],
        },
        "required": ["body", "answer"],
    },
}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _records(reader: csv.reader, header: list[str], required: list[str]):
    """(records read so far, the record, whether every required column has a value), in file order; a record with
    the wrong number of fields stops the cut."""
    idx_req = [header.index(c) for c in required]
    for read, rec in enumerate(reader, start=1):
        if len(rec) != len(header):
            raise SystemExit(f"record {read} has {len(rec)} fields, header has {len(header)}")
        yield read, rec, all(rec[i].strip() for i in idx_req)


def select_bitext(reader: csv.reader, header: list[str], required: list[str], rows: int, seed: int):
    records = list(_records(reader, header, required))
    read, eligible = len(records), [rec for _, rec, complete in records if complete]
    order = list(range(len(eligible)))
    random.Random(seed).shuffle(order)
    if len(order) < rows:
        raise SystemExit(f"only {len(order)} eligible rows, {rows} wanted")
    return [eligible[i] for i in order[:rows]], {"records_read": read, "eligible": len(eligible)}


def select_tickets(reader: csv.reader, header: list[str], required: list[str], rows: int):
    taken, read, skipped = [], 0, 0
    for position, rec, complete in _records(reader, header, required):
        read = position
        if not complete:
            skipped += 1
            continue
        taken.append(rec)
        if len(taken) == rows:
            break
    if len(taken) < rows:
        raise SystemExit(f"only {len(taken)} eligible rows, {rows} wanted")
    return taken, {"records_read": read, "skipped_empty_body_or_answer": skipped, "last_source_record_used": read}


def write_mapping(path: Path, mapping: dict) -> None:
    lines = []
    for key in ("message", "subject", "reply", "label", "group"):
        if mapping.get(key):
            lines.append(f"{key}: {mapping[key]}")
    if mapping.get("passthrough"):
        lines.append("passthrough: [" + ", ".join(mapping["passthrough"]) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kind", choices=sorted(KINDS), required=True)
    ap.add_argument("--source", type=Path, required=True, help="the source CSV (with header)")
    ap.add_argument("--out", type=Path, required=True, help="the corpus folder to write")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7, help="shuffle seed (bitext only)")
    ap.add_argument("--batch", default="batch-0001")
    args = ap.parse_args(argv)
    spec = KINDS[args.kind]

    with args.source.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        missing = [c for c in spec["columns"] if c not in header]
        if missing:
            raise SystemExit(f"source lacks columns {missing}; it has {header}")
        if args.kind == "bitext":
            picked, stats = select_bitext(reader, header, spec["required"], args.rows, args.seed)
        else:
            picked, stats = select_tickets(reader, header, spec["required"], args.rows)

    keep = [header.index(c) for c in spec["columns"]]
    batch_dir = args.out / "landing" / args.batch
    batch_dir.mkdir(parents=True, exist_ok=True)
    data = batch_dir / "data.csv"
    with data.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(spec["columns"])
        for rec in picked:
            w.writerow([rec[i] for i in keep])

    write_mapping(args.out / "corpus_mapping.yaml", spec["mapping"])

    files = sorted(p for p in (args.out / "landing").rglob("*") if p.is_file())
    (args.out / "sha256sums.txt").write_text(
        "".join(f"{sha256_file(p)}  {p.relative_to(args.out).as_posix()}\n" for p in files), encoding="utf-8"
    )

    label_col = spec["mapping"]["label"]
    li = spec["columns"].index(label_col)
    labels = collections.Counter(r[keep[li]] for r in picked)
    summary = {
        "kind": args.kind,
        "source": str(args.source),
        "source_sha256": sha256_file(args.source),
        "source_header": header,
        "kept_columns": spec["columns"],
        "rows_written": len(picked),
        **stats,
        "seed": args.seed if args.kind == "bitext" else None,
        "label_column": label_col,
        "label_count": len(labels),
        "labels": dict(labels.most_common()),
        "data_csv_sha256": sha256_file(data),
        "python": sys.version.split()[0],
        "same_as_recorded": sha256_file(data) == SOURCES[args.kind]["data_csv_sha256"],
    }
    if "language" in spec["columns"]:
        lg = spec["columns"].index("language")
        summary["languages"] = dict(collections.Counter(r[keep[lg]] for r in picked).most_common())
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
