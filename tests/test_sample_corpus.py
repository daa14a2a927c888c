import json
import re

from llm_assets.privacy.recognizers import luhn_valid
from llm_assets.sample_corpus import CATEGORIES, generate_tickets, write_landing_batches


def test_generator_is_deterministic_and_covers_every_category():
    a, b = generate_tickets(50, seed=5), generate_tickets(50, seed=5)
    assert a == b
    assert a != generate_tickets(50, seed=6)
    assert {t.category for t in a} == set(CATEGORIES)


def test_tickets_carry_pii_that_anonymization_must_remove():
    tickets = generate_tickets(200, seed=1)
    assert all(t.customer_name and "@" in t.customer_email for t in tickets)
    messages = " ".join(t.message for t in tickets)
    assert re.search(r"ORD-\d{6}", messages)
    assert re.search(r"\d+ \w+ (Street|St\.|Avenue|Ave|Road|Rd\.|Boulevard|Lane|Drive|Dr\.|Court|Way)", messages)
    cards = re.findall(r"\b\d{15,16}\b", messages)
    assert cards and all(luhn_valid(c) for c in cards)


def test_landing_batches_in_several_formats(tmp_path):
    names = write_landing_batches(tmp_path, n_tickets=60, n_batches=2, seed=2, include_bad_files=False)
    assert names == ["batch_02_001", "batch_02_002"]
    suffixes = {p.suffix for p in tmp_path.rglob("*") if p.is_file()}
    assert {".jsonl", ".csv", ".txt", ".eml"} <= suffixes
    first = json.loads((tmp_path / names[0] / "tickets.jsonl").read_text().splitlines()[0])
    assert set(first["customer"]) == {"name", "email", "phone"}
