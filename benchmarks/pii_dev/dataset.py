"""The independent PII dev set: sentences and multi-sentence documents that nobody on the team wrote.

Provenance (recorded in each split's manifest):
- **Contexts**: the 200+ sentence templates of Microsoft's `presidio-evaluator` (PyPI, MIT licence;
  ``presidio_evaluator/data_generator/raw_data/templates.txt``): support chats, bios, signatures, address blocks,
  song trivia and news lines written by the Presidio team for their own evaluations.
- **Values**: (a) the same package's records (``FakeNameGenerator.com_3000.csv``: people of many name sets and
  countries, with their national addresses and phone formats), and (b) `Faker` (PyPI, MIT licence) profiles drawn in
  16 locales (names, phones, addresses, postcodes, national IDs, companies, jobs in each locale's own format).
- **Labels**: the spans the generator reports for each value it inserted (``PresidioSentenceFaker``), mapped by its
  own table (``ENTITY_TYPE_MAPPING``); a locale's ``ssn`` is relabelled ``NATIONAL_ID`` outside ``en_US``.

Splits are frozen three ways: by template (``test_templates.txt`` lists the test templates by the hash of their text:
~30 % of them by a hash of the text, minus every template that holds a phrase of the detector's code, see
``yardstick.py``), by record (odd record numbers are ``test``) and by seed. The engine is tuned on ``dev`` only;
``test`` is run to report. Nothing in ``llm_assets/`` reads this module or its output.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import random
import re
import warnings
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path

# Latin-script locales whose Faker providers give national name, phone, address and ID formats.
LOCALES = (
    "en_US",
    "en_GB",
    "en_AU",
    "en_CA",
    "en_IE",
    "en_IN",
    "de_DE",
    "de_AT",
    "fr_FR",
    "es_ES",
    "it_IT",
    "nl_NL",
    "pt_BR",
    "pl_PL",
    "sv_SE",
    "da_DK",
    "no_NO",
    "fi_FI",
    "cs_CZ",
)
SPLITS = {
    # split: (sentences, documents, seed)
    "dev": (1000, 200, 20261123),
    "test": (1000, 200, 77003311),
}
TEST_TEMPLATE_SHARE = 0.3


@dataclass
class GoldSpan:
    type: str
    start: int
    end: int
    value: str


@dataclass
class Sample:
    id: str
    text: str
    kind: str  # "sentence" | "document"
    source: str  # "records" | "faker:<locale>"
    spans: list[GoldSpan] = field(default_factory=list)


_KEY = re.compile(r"\{\{\s*(\w+)")


def _hash(template: str) -> float:
    return int(hashlib.sha256(template.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def hash_split(templates: list[str]) -> dict[str, str]:
    """template -> split: ~30 % of templates (by hash) in ``test``; then, for each placeholder kind that only one
    split has, the lowest-hash template holding it moves over, so both splits cover every kind that two templates do."""
    split = {t: "test" if _hash(t) < TEST_TEMPLATE_SHARE else "dev" for t in templates}
    kinds = sorted({k for t in templates for k in _KEY.findall(t)})
    for kind in kinds:
        holders = sorted((t for t in templates if kind in _KEY.findall(t)), key=_hash)
        if len(holders) < 2:
            continue
        sides = {split[t] for t in holders}
        if len(sides) == 1:
            split[holders[0]] = "dev" if sides == {"test"} else "test"
    return split


def all_templates() -> list[str]:
    from presidio_evaluator.data_generator import presidio_templates_file_path

    lines = []
    for line in presidio_templates_file_path.read_text(encoding="utf-8").splitlines():
        # the file writes line breaks and commas escaped; a real text has them
        line = line.strip().replace("\\n", "\n").replace("\\,", ",")
        if line and "{{" in line:
            lines.append(line)
    return lines


def _templates(split: str) -> list[str]:
    from benchmarks.pii_dev.yardstick import frozen_test_templates, template_id

    frozen = frozen_test_templates()
    return [t for t in all_templates() if (template_id(t) in frozen) == (split == "test")]


def _faker_records(locale: str, n: int, seed: int) -> list[dict]:
    """Person records in one locale's formats, keyed by the generator's template names."""
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(seed)
    records = []
    for _ in range(n):
        first, last = fake.first_name(), fake.last_name()
        rec = {
            "person": f"{first} {last}",
            "name": f"{first} {last}",
            "first_name": first,
            "last_name": last,
            "email": fake.email(),
            "phone_number": fake.phone_number(),
            "address": fake.address(),
            "street_name": fake.street_name(),
            "building_number": fake.building_number(),
            "city": fake.city(),
            "country": fake.current_country() if locale != "en_US" else "United States",
            "postcode": fake.postcode(),
            "job": fake.job(),
            "organization": fake.company(),
            "iban": fake.iban(),
            "date_of_birth": fake.date_of_birth().strftime(fake.random_element(["%d/%m/%Y", "%Y-%m-%d", "%B %d, %Y"])),
        }
        if locale == "en_US":
            rec["zipcode"] = fake.zipcode()
        with contextlib.suppress(AttributeError):
            rec["ssn"] = fake.ssn()
        records.append(rec)
    return records


def _record_split(split: str) -> list[dict]:
    from presidio_evaluator.data_generator.faker_extensions.datasets import load_fake_person_df

    df = load_fake_person_df()
    keep = df["number"] % 2 == (1 if split == "test" else 0)
    return df[keep].to_dict(orient="records")


def _faker(locale: str, templates: list[str], records: list[dict] | None, seed: int):
    from presidio_evaluator.data_generator import PresidioSentenceFaker, presidio_additional_entity_providers
    from presidio_evaluator.data_generator.faker_extensions import HospitalProvider

    # the hospital provider queries Wikidata at construction: not offline, and no template here needs it
    providers = [p for p in presidio_additional_entity_providers if p is not HospitalProvider]
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return PresidioSentenceFaker(
            locale=locale,
            lower_case_ratio=0.05,
            sentence_templates=templates,
            entity_providers=providers,
            base_records=records,
            random_seed=seed,
        )


def _generate(faker, n: int) -> list:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return faker.generate_new_fake_sentences(n)


def _to_sample(sample_id: str, result, source: str, relabel_ssn: bool) -> Sample:
    spans = []
    for s in result.spans:
        kind = "NATIONAL_ID" if relabel_ssn and s.entity_type == "US_SSN" else s.entity_type
        value = result.full_text[s.start_position : s.end_position]
        if value.strip():
            spans.append(GoldSpan(kind, s.start_position, s.end_position, value))
    return Sample(sample_id, result.full_text, "sentence", source, sorted(spans, key=lambda g: g.start))


def build_split(split: str) -> list[Sample]:
    n_sentences, n_docs, seed = SPLITS[split]
    templates = _templates(split)
    rng = random.Random(seed)
    pool: list[Sample] = []
    # half the values from the package's records (international), half from Faker locales
    total = n_sentences + n_docs * 5
    per_source = {"records": total // 2}
    per_locale = (total - per_source["records"]) // len(LOCALES) + 1
    faker = _faker("en_US", templates, _record_split(split), seed)
    for i, r in enumerate(_generate(faker, per_source["records"])):
        pool.append(_to_sample(f"{split}-r{i}", r, "records", relabel_ssn=False))
    for k, locale in enumerate(LOCALES):
        records = _faker_records(locale, 200, seed + k)
        faker = _faker(locale, templates, records, seed + 1000 + k)
        for i, r in enumerate(_generate(faker, per_locale)):
            pool.append(_to_sample(f"{split}-{locale}-{i}", r, f"faker:{locale}", relabel_ssn=locale != "en_US"))
    rng.shuffle(pool)
    sentences = pool[:n_sentences]
    rest = pool[n_sentences:]
    documents = []
    for d in range(n_docs):
        size = rng.randint(3, 7)
        parts, rest = rest[:size], rest[size:]
        if not parts:
            break
        text, spans = "", []
        for j, part in enumerate(parts):
            sep = "" if j == 0 else rng.choice([" ", "\n", "\n\n"])
            offset = len(text) + len(sep)
            text += sep + part.text
            spans += [GoldSpan(s.type, s.start + offset, s.end + offset, s.value) for s in part.spans]
        documents.append(Sample(f"{split}-doc{d}", text, "document", parts[0].source, spans))
    return sentences + documents


def manifest(split: str, samples: list[Sample], path: Path) -> dict:
    n_sentences, n_docs, seed = SPLITS[split]
    return {
        "split": split,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "samples": len(samples),
        "sentences": sum(s.kind == "sentence" for s in samples),
        "documents": sum(s.kind == "document" for s in samples),
        "gold_values": sum(len(s.spans) for s in samples),
        "seed": seed,
        "locales": list(LOCALES),
        "templates": len(_templates(split)),
        "sources": {
            "contexts": "presidio-evaluator templates.txt (Microsoft, MIT licence), split by template hash",
            "values": "presidio-evaluator FakeNameGenerator.com_3000.csv records (MIT licence) and Faker locale "
            "providers (MIT licence)",
            "labels": "spans reported by presidio_evaluator.data_generator.PresidioSentenceFaker",
        },
        "versions": {p: version(p) for p in ("presidio-evaluator", "faker")},
    }


def load_or_build(split: str, folder: Path) -> list[Sample]:
    """The split from ``folder`` (built there deterministically at first use; git-ignored). The file name carries
    the frozen template list's hash, so a re-split builds anew instead of reading a stale split."""
    from benchmarks.pii_dev.yardstick import FROZEN

    version = hashlib.sha256(FROZEN.read_bytes()).hexdigest()[:8]
    path = folder / f"{split}-{version}.jsonl"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        samples = build_split(split)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            for s in samples:
                f.write(json.dumps(asdict(s), ensure_ascii=False) + "\n")
        tmp.replace(path)
        path.with_suffix(".manifest.json").write_text(json.dumps(manifest(split, samples, path), indent=2))
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        obj["spans"] = [GoldSpan(**s) for s in obj["spans"]]
        out.append(Sample(**obj))
    return out
