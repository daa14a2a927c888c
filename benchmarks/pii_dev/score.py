"""Leak, token leak and utility of anonymized outputs against gold spans, with 95 % Wilson intervals.

- **verbatim leak**: the gold value is still in the output as a whole (word-bounded), more often than the input holds
  it outside gold spans;
- **token leak**: any identifying word of the value (digits, or 3+ letters) is still in the output;
- **utility**: the share of the input's words outside every gold span that the output keeps.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from benchmarks.pii_dev.dataset import Sample
from llm_assets.core.entities import DATE_TIME, ORGANIZATION

HIGH_RISK = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "NATIONAL_ID", "IBAN_CODE", "IP_ADDRESS")
# kept by a documented configuration switch for corpora that need them; reported, not in the identifier goal
CONTEXTUAL = (ORGANIZATION, DATE_TIME)
_WORD = re.compile(r"\w+", re.UNICODE)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Tally:
    total: int = 0
    verbatim: int = 0
    token: int = 0

    def rate(self) -> float:
        return self.verbatim / self.total if self.total else float("nan")

    def ci(self) -> tuple[float, float]:
        return wilson(self.verbatim, self.total)


@dataclass
class Score:
    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    words_outside: int = 0
    words_kept: int = 0
    samples: int = 0
    samples_with_leak: int = 0
    leaked: list[tuple[str, str, str]] = field(default_factory=list)  # (sample id, type, value): dev inspection only

    def group(self, types) -> Tally:
        t = Tally()
        for name, tally in self.by_type.items():
            if name in types:
                t.total += tally.total
                t.verbatim += tally.verbatim
                t.token += tally.token
        return t

    def overall(self) -> Tally:
        return self.group(set(self.by_type))

    def identifiers(self) -> Tally:
        return self.group({t for t in self.by_type if t not in CONTEXTUAL})

    @property
    def utility(self) -> float:
        return self.words_kept / self.words_outside if self.words_outside else float("nan")


def _count(value: str, text: str) -> int:
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(p) for p in value.split()) + r"(?!\w)"
    return len(re.findall(pattern, text))


def _identifying_words(value: str) -> list[str]:
    return [w for w in _WORD.findall(value) if any(c.isdigit() for c in w) or len(w) >= 3]


def score(samples: list[Sample], outputs: list[str]) -> Score:
    s = Score()
    for sample, out in zip(samples, outputs, strict=True):
        text = sample.text
        mask = [False] * len(text)
        for g in sample.spans:
            for i in range(g.start, g.end):
                mask[i] = True
        outside = "".join(c if not m else " " for c, m in zip(text, mask, strict=True))
        out_words = Counter(_WORD.findall(out))
        in_words = Counter(_WORD.findall(outside))
        s.words_outside += sum(in_words.values())
        s.words_kept += sum(min(n, out_words[w]) for w, n in in_words.items())
        leak_here = False
        for g in sample.spans:
            value = g.value.strip()
            tally_type, tally_kind = s.by_type[g.type], s.by_kind[sample.kind]
            verbatim = _count(value, out) > _count(value, outside)
            token = any(out_words[w] > in_words[w] for w in _identifying_words(value))
            for tally in (tally_type, tally_kind):
                tally.total += 1
                tally.verbatim += verbatim
                tally.token += token or verbatim
            if verbatim:
                leak_here = True
                s.leaked.append((sample.id, g.type, value))
        s.samples += 1
        s.samples_with_leak += leak_here
    return s
