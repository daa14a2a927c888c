import json

from llm_assets.privacy.cli import main


def test_llm_anonymize_keeps_ids_and_order_across_formats(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(
        '{"id": "z9", "text": "Call Ingrid Novak at (312) 555-0147."}\n{"broken": true}\n'
        '{"id": "a1", "text": "Mail me: ingrid@web.de"}\n'
    )
    (tmp_path / "in" / "b.csv").write_text('id,text\nc1,"Card 4111 1111 1111 1111, thanks"\n')
    (tmp_path / "in" / "c.txt").write_text("Dear Mr. Kowalski, your parcel is here.")
    out = tmp_path / "out.jsonl"
    code = main([str(tmp_path / "in"), "-o", str(out), "--audit", str(tmp_path / "audit.jsonl")])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["z9", "a1", "c1", "c"]
    blob = out.read_text() + (tmp_path / "audit.jsonl").read_text()
    for raw in ("Ingrid", "555-0147", "ingrid@web.de", "4111", "Kowalski"):
        assert raw not in blob
    assert "your parcel is here" in rows[3]["text"]
    assert code == 2  # the broken line is reported, the rest written
