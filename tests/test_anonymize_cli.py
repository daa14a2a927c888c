"""``llm-anonymize``: each file comes out in its own format with its structure (columns, rows, delimiters and quoting
of a CSV; keys and layout of JSON lines), values replaced in place."""

import csv
import io
import json
import re

from llm_assets.privacy.cli import main

TICKETS_CSV = (
    "ticket_id;customer;e-mail;postcode;order_id;carrier;message\n"
    'T-1001;Ingrid Novak;ingrid.novak@web.example;10115;ORD-448812;DHL;"Parcel ORD-448812 is late; call me on '
    '(312) 555-0147. Thanks, Ingrid"\n'
    'T-1002;"Okonkwo, Adaeze";adaeze@mail.example;SW1A 2AA;ORD-448813;UPS;"Where is my order? It was due on '
    '3 May."\n'
    "T-1003;C-88231;lena.f@post.example;80331;ORD-448814;DPD;Bitte die Rechnung schicken.\n"
)
EVENTS_JSONL = (
    '{"ts": "2024-03-01T10:00:00Z", "user": "liu.yang", "event": "login", "ip": "192.168.4.20", '
    '"meta": {"zip": 10115, "note": "escalated by Ingrid Novak"}}\n'
    '{"ts": "2024-03-01T10:02:11Z", "user": "kim_minjun", "event": "refund", "order": "ORD-448812", '
    '"ip": "10.0.0.7", "meta": {"zip": 80331, "note": "ok"}}\n'
)
RAW = ("Ingrid", "Novak", "ingrid.novak", "555-0147", "Okonkwo", "Adaeze", "10115", "SW1A", "80331", "C-88231",
       "lena.f@", "liu.yang", "kim_minjun", "192.168.4.20", "10.0.0.7")  # fmt: skip


def _skeleton(text: str, delimiter: str) -> list[list[int]]:
    """The shape of a CSV: per row, the number of fields."""
    return [len(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def test_a_csv_keeps_its_columns_rows_delimiters_and_quoting(tmp_path):
    src = tmp_path / "tickets.csv"
    src.write_text(TICKETS_CSV)
    out = tmp_path / "tickets.anon.csv"
    assert main([str(src), "-o", str(out), "--audit", str(tmp_path / "audit.jsonl")]) == 0
    text = out.read_text()
    assert text.splitlines()[0] == TICKETS_CSV.splitlines()[0]
    assert _skeleton(text, ";") == _skeleton(TICKETS_CSV, ";")
    # everything between values is byte for byte the input's: the quotes of row 2's name and messages stay
    assert re.sub(r'[^;"\n]', "", text) == re.sub(r'[^;"\n]', "", TICKETS_CSV)
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    for raw in RAW:
        assert raw not in text + (tmp_path / "audit.jsonl").read_text(), raw
    # a transaction reference, a carrier, a delivery date and the row's own id are not personal
    assert [r["order_id"] for r in rows] == ["ORD-448812", "ORD-448813", "ORD-448814"]
    assert [r["carrier"] for r in rows] == ["DHL", "UPS", "DPD"]
    assert "3 May" in rows[1]["message"] and "ORD-448812" in rows[0]["message"]
    # the header says what a column holds: the name, and the customer number in the same column
    assert rows[0]["customer"].startswith("<PERSON_") and rows[2]["customer"].startswith("<REFERENCE_NUMBER_")
    assert all(r["postcode"].startswith("<ZIP_CODE_") for r in rows)


def test_json_lines_keep_their_keys_nesting_and_layout(tmp_path):
    src = tmp_path / "events.jsonl"
    src.write_text(EVENTS_JSONL)
    out = tmp_path / "events.anon.jsonl"
    assert main([str(src), "-o", str(out)]) == 0
    lines = out.read_text().splitlines()
    before = [json.loads(line) for line in EVENTS_JSONL.splitlines()]
    after = [json.loads(line) for line in lines]

    def keys(obj, prefix=""):
        return sorted(
            k
            for key, v in obj.items()
            for k in ([prefix + key] + (keys(v, f"{prefix}{key}.") if isinstance(v, dict) else []))
        )

    assert [keys(o) for o in after] == [keys(o) for o in before]
    for raw in ("liu.yang", "kim_minjun", "192.168.4.20", "10.0.0.7", "10115", "80331", "Ingrid", "Novak"):
        assert raw not in out.read_text(), raw
    assert after[0]["ts"] == before[0]["ts"] and after[1]["order"] == "ORD-448812"
    assert after[0]["event"] == "login" and after[1]["meta"]["note"] == "ok"
    assert after[0]["user"].startswith("<USERNAME_") and after[0]["meta"]["zip"].startswith("<ZIP_CODE_")


def test_a_folder_comes_out_as_a_folder_and_bad_lines_are_reported(tmp_path, capsys):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.jsonl").write_text('{"id": "z9", "text": "Mail me: ingrid@web.example"}\n{broken\n')
    (tmp_path / "in" / "sub" / "c.txt").write_text("Dear Mr. Kowalski, your parcel is here.")
    out = tmp_path / "out"
    code = main([str(tmp_path / "in"), "-o", str(out)])
    assert code == 2  # the broken line is reported (by line number, not content) and left as it is
    assert "a.jsonl:2" in capsys.readouterr().err
    first = json.loads((out / "a.jsonl").read_text().splitlines()[0])
    assert first["id"] == "z9" and "ingrid@" not in first["text"]
    letter = (out / "sub" / "c.txt").read_text()
    assert "Kowalski" not in letter and letter.endswith("your parcel is here.")
