"""Scores anonymized outputs against gold spans: verbatim leaks, token leaks, and utility (non-PII words kept)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from benchmarks.pii.corpus import HIGH_RISK, LabeledDoc
from llm_assets.core.entities import LOCATION, PERSON, TITLE

NUMERIC = {
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "US_SSN",
    "IBAN_CODE",
    "ZIP_CODE",
    "REFERENCE_NUMBER",
    "IP_ADDRESS",
    "DATE_OF_BIRTH",
    "AGE",
}
TOKEN_TYPES = {PERSON, "STREET_ADDRESS", "EMAIL_ADDRESS", "URL", LOCATION, TITLE}
NOT_IDENTIFYING = {
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "boulevard",
    "lane",
    "drive",
    "dr",
    "court",
    "way",
    "apt",
    "suite",
    "mr",
    "mrs",
    "ms",
    "prof",
    "https",
    "www",
    "linkedin",
    "com",
    "org",
    "net",
    "co",
    "uk",
    "de",
    "fr",
    "me",
    "gmail",
    "yahoo",
    "outlook",
    "proton",
    "icloud",
    "fastmail",
    "example",
    "company",
    "web",
    "orange",
    "head",
    "senior",
    "manager",
    "director",
    "officer",
    "chief",
    "lead",
    "coordinator",
    "supervisor",
    "operations",
    "customer",
    "success",
    "office",
    "logistics",
    "procurement",
    "warehouse",
    "purchasing",
    "financial",
    "straße",
}


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def verbatim_leak(value: str, entity: str, output: str) -> bool:
    """The value survives: as is for text values; for numbers, its characters in order whatever the separators."""
    if entity in NUMERIC:
        chars = [re.escape(c) for c in value if c.isalnum()]
        if not chars:
            return False
        pattern = r"(?<![A-Za-z0-9])" + r"[\s\-./()]*".join(chars) + r"(?![A-Za-z0-9])"
        return re.search(pattern, output, flags=re.IGNORECASE) is not None
    norm = re.escape(" ".join(value.split())).replace(r"\ ", r"\s+")
    return re.search(rf"(?<!\w){norm}(?!\w)", output, flags=re.IGNORECASE) is not None


def token_leak(value: str, entity: str, output: str, background: set[str]) -> bool:
    """Any identifying word of the value survives (a surname alone, a street name), not counting words that also
    occur outside PII in the original document."""
    if entity not in TOKEN_TYPES:
        return verbatim_leak(value, entity, output)
    out_words = set(_words(output))
    tokens = [w for w in _words(value) if len(w) >= 3 and w not in NOT_IDENTIFYING and w not in background]
    return any(w in out_words for w in tokens)


@dataclass
class EntityScore:
    total: int = 0
    verbatim: int = 0
    token: int = 0


@dataclass
class BenchmarkScore:
    by_entity: dict[str, EntityScore] = field(default_factory=lambda: defaultdict(EntityScore))
    docs: int = 0
    docs_with_leak: int = 0
    words_total: int = 0
    words_kept: int = 0
    lost_documents: int = 0
    leak_examples: list[tuple[str, str, str]] = field(default_factory=list)  # (doc_id, entity, layout): no values

    @property
    def values(self) -> int:
        return sum(s.total for s in self.by_entity.values())

    @property
    def verbatim_leak_rate(self) -> float:
        return sum(s.verbatim for s in self.by_entity.values()) / max(1, self.values)

    @property
    def token_leak_rate(self) -> float:
        return sum(s.token for s in self.by_entity.values()) / max(1, self.values)

    @property
    def high_risk_leaks(self) -> int:
        return sum(s.verbatim for e, s in self.by_entity.items() if e in HIGH_RISK)

    @property
    def utility(self) -> float:
        return self.words_kept / max(1, self.words_total)


def score(docs: list[LabeledDoc], outputs: list[str | None]) -> BenchmarkScore:
    result = BenchmarkScore()
    for doc, out in zip(docs, outputs, strict=True):
        result.docs += 1
        if out is None:
            result.lost_documents += 1
            continue
        mask = list(doc.text)
        for s in doc.spans:
            mask[s.start : s.end] = " " * (s.end - s.start)
        background_words = _words("".join(mask))
        background = set(background_words)
        leaked_here = False
        for s in doc.spans:
            e = result.by_entity[s.entity]
            e.total += 1
            v = verbatim_leak(s.value, s.entity, out)
            t = v or token_leak(s.value, s.entity, out, background)
            e.verbatim += v
            e.token += t
            if v:
                leaked_here = True
                result.leak_examples.append((doc.doc_id, s.entity, doc.layout))
        result.docs_with_leak += leaked_here
        kept = Counter(_words(out))
        for w, n in Counter(background_words).items():
            result.words_total += n
            result.words_kept += min(n, kept.get(w, 0))
    return result
