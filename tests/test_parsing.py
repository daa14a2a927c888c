"""Every landing format parses into text + fields; every bad input becomes a quarantine row with a reason."""

from llm_assets.core.documents.parsing import ParsedDocument, Quarantined, parse_file
from llm_assets.sample_corpus import write_landing_batches


def _parse(path, max_bytes=10_000_000):
    return list(parse_file(path, path.name, max_bytes))


def test_each_format_yields_message_category_and_reply(tmp_path):
    (name,) = write_landing_batches(
        tmp_path, n_tickets=12, n_batches=1, seed=4, include_bad_files=False, include_canaries=False
    )
    docs = [d for p in sorted((tmp_path / name).iterdir()) for d in _parse(p)]
    assert len(docs) == 12 and all(isinstance(d, ParsedDocument) for d in docs)
    for d in docs:
        assert d.text and d.fields["category"] and d.fields["agent_reply"], d.source_format
    assert {d.source_format for d in docs} == {"jsonl", "csv", "txt", "eml"}
    eml = next(d for d in docs if d.source_format == "eml")
    assert "@" in eml.fields["customer_email"] and not eml.text.startswith(">")
    assert len({d.doc_id for d in docs}) == 12


def test_bad_inputs_are_quarantined_with_reasons(tmp_path):
    cases = {
        "empty.txt": b"  \n\t ",
        "binary.txt": bytes(range(256)),
        "latin1.txt": "Caf\xe9 cr\xe8me".encode("latin-1"),
        "doc.pdf": b"%PDF-1.4",
        "doc.xlsx": b"PK\x03\x04 a spreadsheet",
        "big.txt": b"x" * 200,
        "bad.csv": b"message,category\nhello there,a,extra\n",
        "nomessage.csv": b"subject,category\nhi,refund\n",
        "broken.eml": b"just some words without headers",
    }
    expected = {
        "empty.txt": "empty",
        "binary.txt": "binary",
        "doc.pdf": "malformed_pdf",
        "doc.xlsx": "unsupported_format",
        "big.txt": "oversized",
        "bad.csv": "malformed_csv",
        "nomessage.csv": "missing_text",
        "broken.eml": "malformed_email",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    for name, reason in expected.items():
        out = _parse(tmp_path / name, max_bytes=100 if name == "big.txt" else 10_000_000)
        assert len(out) == 1 and isinstance(out[0], Quarantined), name
        assert out[0].reason == reason, (name, out[0].reason)
        assert "Caf" not in out[0].detail and "hello" not in out[0].detail  # never the content
    (latin1,) = _parse(tmp_path / "latin1.txt")
    assert latin1.text == "Café crème" and latin1.encoding == "cp1252"  # legacy encodings land, decoded


def test_a_malformed_jsonl_line_does_not_sink_the_file(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_text(
        '{"message": "first ticket", "category": "a"}\n{"message": "bro\n{"message": "third", "category": "b"}\n'
    )
    out = _parse(p)
    assert [type(o).__name__ for o in out] == ["ParsedDocument", "Quarantined", "ParsedDocument"]
    assert out[1].reason == "malformed_json" and out[1].record_no == 2


def test_a_jsonl_line_that_is_not_an_object_or_nests_too_deep_is_quarantined_alone(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_text('\ufeff{"message": "kept one", "category": "a"}\n\n[1, 2]\n' + "[" * 100_000 + "\n")
    out = _parse(p)
    assert [type(o).__name__ for o in out] == ["ParsedDocument", "Quarantined", "Quarantined"]
    assert (out[1].reason, out[1].record_no) == ("malformed_json", 3)
    assert "expected an object, got list" in out[1].detail
    assert (out[2].reason, out[2].record_no) == ("too_deep", 4)


def test_html_keeps_visible_text_in_reading_order_and_table_cells_apart(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(
        "<html><head><title>Order  question</title><style>p{color:red}</style><script>var k = 'x';</script></head>"
        "<body><!-- note --><p>Hello <b>Ana</b> Lima,</p><noscript>turn on js</noscript><template>tpl</template>"
        "<table><tr><th>item</th><th>qty</th></tr><tr><td>kettle lid</td><td>2</td></tr></table>"
        "<ul><li>first</li><li>second</li></ul>one<br>two</body></html>",
        encoding="utf-8",
    )
    (doc,) = _parse(p)
    lines = doc.text.splitlines()
    assert "Hello Ana Lima," in lines and "one" in lines and "two" in lines  # inline tags join, <br> breaks
    assert doc.fields["subject"] == "Order question"
    for hidden in ("color:red", "var k", "note", "turn on js", "tpl", "Order  question"):
        assert hidden not in doc.text
    row = next(line for line in lines if "kettle lid" in line)
    assert row.split("  ")[0].strip() == "kettle lid" and row.split()[-1] == "2"  # cells stay apart
    assert lines.index(row) > lines.index("Hello Ana Lima,") and any("first" in line for line in lines)
