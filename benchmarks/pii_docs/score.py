"""Leaks and utility of anonymised documents against the gold values, per kind of document.

- **verbatim leak**: a gold value (counted once per document and value) still stands whole in the output more often
  than the input holds it outside gold spans (``dataset.occurrences``: whitespace-tolerant, script-aware bounds);
  95 % Wilson interval (``benchmarks.pii_dev.score.wilson``);
- **high-risk leak**: the same over e-mail addresses, phone, card, IBAN, national-ID (passport, licence), bank
  account, IP address and medical-record values;
- **word utility**: the share of the input's words outside every gold span that the output keeps (Han and kana count
  one word per character), pooled over documents, with a bootstrap 95 % interval over documents. On the negatives
  (lower-cased chat lines without personal data) every word is a word to keep.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import regex

from benchmarks.pii_dev.score import Tally, wilson
from benchmarks.pii_docs.dataset import KINDS, NEGATIVE, Doc, occurrences

HIGH_RISK = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "NATIONAL_ID",
    "BANK_ACCOUNT",
    "IP_ADDRESS",
    "MEDICAL_RECORD",
)
_WORD = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]|[^\W\p{Han}\p{Hiragana}\p{Katakana}]+")
BOOTSTRAP = 1000


def words(text: str) -> Counter:
    return Counter(_WORD.findall(text))


@dataclass
class DocScore:
    id: str
    kind: str
    lang: str
    script: str
    values: list[tuple[str, str, bool]]  # (type, value, leaked)
    words_outside: int
    words_kept: int
    dropped: Counter  # words to keep that the output lost (dev inspection only)
    failed: bool = False


def score_doc(doc: Doc, out: str | None) -> DocScore:
    text = doc.text
    chars = list(text)
    for g in doc.spans:
        chars[g.start : g.end] = " " * (g.end - g.start)
    outside = "".join(chars)
    output = out or ""
    out_words, in_words = words(output), words(outside)
    kept = sum(min(n, out_words[w]) for w, n in in_words.items())
    dropped = Counter({w: n - out_words[w] for w, n in in_words.items() if out_words[w] < n})
    values = []
    for kind, value in dict.fromkeys((g.type, g.value.strip()) for g in doc.spans):
        leaked = len(occurrences(value, output)) > len(occurrences(value, outside))
        values.append((kind, value, leaked))
    return DocScore(doc.id, doc.kind, doc.lang, doc.script, values, sum(in_words.values()), kept, dropped, out is None)


@dataclass
class Group:
    docs: list[DocScore] = field(default_factory=list)

    def tally(self, types=None) -> Tally:
        t = Tally()
        for d in self.docs:
            for kind, _, leaked in d.values:
                if types is None or kind in types:
                    t.total += 1
                    t.verbatim += leaked
        return t

    def by_type(self) -> dict[str, Tally]:
        out: dict[str, Tally] = defaultdict(Tally)
        for d in self.docs:
            for kind, _, leaked in d.values:
                out[kind].total += 1
                out[kind].verbatim += leaked
        return dict(out)

    @property
    def utility(self) -> float:
        n = sum(d.words_outside for d in self.docs)
        return sum(d.words_kept for d in self.docs) / n if n else float("nan")

    def utility_ci(self, seed: int = 0) -> tuple[float, float]:
        if not self.docs:
            return (float("nan"), float("nan"))
        rng = random.Random(seed)
        pairs = [(d.words_kept, d.words_outside) for d in self.docs]
        stats = []
        for _ in range(BOOTSTRAP):
            sample = rng.choices(pairs, k=len(pairs))
            n = sum(o for _, o in sample)
            stats.append(sum(k for k, _ in sample) / n if n else float("nan"))
        stats.sort()
        return stats[int(0.025 * BOOTSTRAP)], stats[int(0.975 * BOOTSTRAP) - 1]

    @property
    def failed(self) -> int:
        return sum(d.failed for d in self.docs)


@dataclass
class Report:
    docs: list[DocScore]

    def group(self, kind: str | None = None, where=None) -> Group:
        return Group(
            [
                d
                for d in self.docs
                if (kind is None and d.kind != NEGATIVE or d.kind == kind) and (where is None or where(d))
            ]
        )

    def rows(self) -> list[tuple[str, Group]]:
        """(label, group) of the table: each kind, the script / language slices, overall, the negatives."""
        out = [(k, self.group(k)) for k in KINDS]
        out += [
            ("non-Latin script", self.group(where=lambda d: d.script != "Latin")),
            ("non-English", self.group(where=lambda d: d.lang != "en")),
            ("overall", self.group()),
            ("negatives", self.group(NEGATIVE)),
        ]
        return out


def score(docs: list[Doc], outputs: list[str | None]) -> Report:
    return Report([score_doc(d, o) for d, o in zip(docs, outputs, strict=True)])


def cell(t: Tally) -> dict:
    lo, hi = t.ci()
    return {"values": t.total, "leaked": t.verbatim, "leak": t.rate(), "ci95": [lo, hi]}


def summary(report: Report) -> dict:
    out: dict = {}
    for label, g in report.rows():
        lo, hi = g.utility_ci()
        out[label] = {
            "documents": len(g.docs),
            "failed": g.failed,
            "leak": cell(g.tally()),
            "high_risk": cell(g.tally(HIGH_RISK)),
            "person": cell(g.tally({"PERSON"})),
            "utility": g.utility,
            "utility_ci95": [lo, hi],
        }
    out["by_type"] = {k: cell(v) for k, v in sorted(report.group().by_type().items())}
    return out


__all__ = ["HIGH_RISK", "Report", "Group", "DocScore", "score", "score_doc", "summary", "wilson", "words"]
