"""Job titles: with a name and an employer they single a person out ("Senior Procurement Manager at ...")."""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.gazetteers import Gazetteers, fold
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding
from llm_assets.core.anonymization.text import words
from llm_assets.core.entities import TITLE

# Where a single occupational word is someone's job rather than a role in the conversation.
ROLE_LEAD = re.compile(
    r"(?i:\b(?:work(?:s|ed|ing)? as(?: (?:a|an|the))?|employed as(?: (?:a|an))?|hired as(?: (?:a|an))?|"
    r"job as(?: (?:a|an))?|position as|promoted to|i'm (?:a|an)|i am (?:a|an)|title:|position:|job title:|"
    r"occupation:|role:)\s+)$"
)
APPOSITION = re.compile(r"(?i:,\s+(?:the|our|their|his|her|a|an)\s+)$")


class JobTitleRecognizer(SpanRecognizer):
    """Titles from a 74k-title list (``find-job-titles``), also in list order ("Engineer, biomedical") and with a
    qualifier ("Research scientist (life sciences)"); a bare occupational word ("surgeon") where the words before it
    make it a job, or alone on a signature line."""

    ENTITIES = (TITLE,)

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.g = gazetteers
        # a title ends with one of these words, or with an occupational head: only windows ending there are looked up
        self.enders = frozenset(t.split()[-1] for t in gazetteers.job_titles) | gazetteers.job_heads
        self.starters = frozenset(t.split()[0] for t in gazetteers.job_titles) | gazetteers.job_heads

    def find(self, text: str) -> Iterable:
        ws = words(text)
        folded = [fold(w.text) for w in ws]
        if not any(f in self.enders for f in folded):
            return
        n = len(ws)
        i = 0
        while i < n:
            hit = None
            if folded[i] not in self.starters:
                i += 1
                continue
            for j in range(min(n, i + 6), i, -1):
                if folded[j - 1] not in self.enders and not (j - i >= 2 and folded[i] in self.g.job_heads):
                    continue
                if any("\n" in text[ws[k].end : ws[k + 1].start] for k in range(i, j - 1)):
                    continue
                phrase = fold(text[ws[i].start : ws[j - 1].end])
                single = j - i == 1
                if not single and (phrase in self.g.job_titles or self._inverted(text, ws, i, j)):
                    hit = (j, 0.65)
                    break
                if single and phrase in self.g.job_heads and self._role_here(text, ws[i].start, ws[i].end):
                    hit = (j, 0.6)
                    break
            if hit is None:
                hit = self._generic(text, ws, folded, i)
            if hit:
                j, score = hit
                end = ws[j - 1].end
                tail = re.match(r"[ \t]*(?:,[ \t]*[a-z][\w -]{2,30}(?=[\n.;]|$)|\([^()\n]{2,40}\))", text[end:])
                if tail:
                    end += len(tail.group(0))
                yield finding(TITLE, ws[i].start, end, score, self.name)
                i = j
            else:
                i += 1

    def _generic(self, text: str, ws, folded: list[str], i: int) -> tuple[int, float] | None:
        """A title no list holds ("Trade union research officer"): up to four words ending in an occupational
        noun, where a job is expected (after "work as", "I'm a", or alone on a signature-like line)."""
        line_start = text.rfind("\n", 0, ws[i].start) + 1
        at_line_start = not text[line_start : ws[i].start].strip(" \t>?*-•|}")
        cue = ROLE_LEAD.search(text[max(0, ws[i].start - 30) : ws[i].start]) is not None
        if not (cue or at_line_start):
            return None
        for j in range(min(len(ws), i + 4), i, -1):
            if folded[j - 1] not in self.g.job_heads or any(
                "\n" in text[ws[k].end : ws[k + 1].start] for k in range(i, j - 1)
            ):
                continue
            if not all(w.text.isalpha() for w in ws[i:j]):
                continue
            if at_line_start and not cue:
                line_end = text.find("\n", ws[j - 1].end)
                rest = text[ws[j - 1].end : len(text) if line_end < 0 else line_end]
                if rest.strip() and not re.fullmatch(r"\s*,\s*[\w ()-]{2,40}", rest):
                    return None  # the line goes on: a sentence, not a title line
            return (j, 0.6)
        return None

    def _inverted(self, text: str, ws, i: int, j: int) -> bool:
        """ "Engineer, biomedical" is how lists write "biomedical engineer"."""
        if j - i < 2 or text[ws[i].end : ws[i + 1].start] != ", ":
            return False
        head = fold(ws[i].text)
        qualifier = fold(text[ws[i + 1].start : ws[j - 1].end])
        return head in self.g.job_heads and f"{qualifier} {head}" in self.g.job_titles

    def _role_here(self, text: str, start: int, end: int) -> bool:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : len(text) if line_end < 0 else line_end].strip(" \t>,")
        if line and fold(line) == fold(text[start:end]) and text[start].isupper():
            return True  # a title alone on its line (signature blocks)
        left = text[max(0, start - 30) : start]
        if APPOSITION.search(left) and text[end : end + 1] == ",":
            return True  # "Ana Lima, the surgeon, said"
        return ROLE_LEAD.search(left) is not None
