"""spaCy's named entities, cleaned before they count: a redaction should cover the name, not the sentence around it.

The statistical model's spans run over line breaks ("Anna Shah\\nKennel attendant"), take articles and possessives
with them ("the University of X", "Marco's"), call relative time a date ("next week", "this morning") and common
words or acronyms an organization ("SSN", "Country Club"). Each span is cut at line breaks and trimmed; then a date
must carry a year, a month, a weekday, or digits in a date's shape; a name, place or organization must be mostly
capitalized and not only common English words.
"""

from __future__ import annotations

import regex as re
from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from llm_assets.core.anonymization.gazetteers import COMMON_LANGUAGES, Gazetteers, current_language, fold, zipf_in
from llm_assets.core.anonymization.recognizers.names import GREETINGS, VALEDICTIONS, VALEDICTIONS_OTHER
from llm_assets.core.anonymization.recognizers.scripts import word_zipf
from llm_assets.core.anonymization.text import PARTICLES, WORD
from llm_assets.core.entities import LOCATION, ORGANIZATION, PERSON

_LEAD = re.compile(
    r"^(?:(?:the|a|an|during|in|on|at|since|by|of|from|to|and|this|that|these|those)\s+)+", re.IGNORECASE
)
_TRAIL = re.compile(r"(?:['’]s|['’]|[\s.,;:!?\"()]+)$")
_DATE_EVIDENCE = re.compile(
    r"\b(?:1\d{3}|20\d{2})\b|\d{1,2}[:/.-]\d{1,2}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b\d{1,2}(?:st|nd|rd|th)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(r"^\d+\+?\s*(?:years?|months?|weeks?|days?|hours?|minutes?)$", re.IGNORECASE)


_DIGIT_TOKEN = re.compile(r"\S*\d\S*(?:\s+(?:[AaPp]\.?[Mm]\.?))?\s*[-–—:|,]?\s*")


# an everyday word that the model took for a place stays unless a city this large has its name ("Nice", "Split")
COMMON_WORD_PLACE_MIN = 100_000


def _after_digits(text: str, start: int, end: int) -> tuple[int, int] | None:
    """ "12/31/20, 9:41 PM - Anna Berg" -> "Anna Berg": a name, place or group holds no digits; the model's span
    sometimes takes the time stamp before it."""
    last = None
    for m in _DIGIT_TOKEN.finditer(text, start, end):
        last = m
    if last is None:
        return start, end
    s = last.end()
    return (s, end) if end - s >= 2 and any(c.isalpha() for c in text[s:end]) else None


_SALUTATION = re.compile(rf"(?i:{VALEDICTIONS}|{VALEDICTIONS_OTHER}|{GREETINGS})")


class CleanSpacyRecognizer(SpacyRecognizer):
    def __init__(self, gazetteers: Gazetteers, **kwargs) -> None:
        super().__init__(**kwargs)
        self.g = gazetteers

    def analyze(self, text: str, entities, nlp_artifacts=None):
        out = []
        for r in super().analyze(text, entities, nlp_artifacts):
            pieces = self._pieces(text, r.start, r.end)
            if r.entity_type != "DATE_TIME":
                pieces = [p for p in (_after_digits(text, s, e) for s, e in pieces) if p]
            for start, end in pieces:
                if self._keep(r.entity_type, text[start:end]):
                    out.append(
                        RecognizerResult(
                            r.entity_type, start, end, r.score, recognition_metadata=dict(r.recognition_metadata)
                        )
                    )
        return out

    def _plausible_in_other_language(self, entity: str, core: list[str]) -> bool:
        """An English model reads another language's capitalized nouns and sentence starts as names ("Ihr Paket",
        "Mai zugestellt"): there a span counts only when each word is a name the lists know or a word that language
        does not use, and nationalities come from the place lists alone."""
        if entity == "NRP":
            return False
        for w in core:
            key = fold(w)
            name = self._listed_name(key)
            place = entity == "LOCATION" and key in self.g.places
            if not (name or place or self.g.zipf(w) < 2.5) or self.g.zipf(w) >= 5.0:
                return False
        return True

    def _listed_name(self, key: str) -> bool:
        """A first or family name the lists rank high enough to outweigh the word's other meanings."""
        return 0 < self.g.first_names.get(key, 0) <= 4000 or 0 < self.g.last_names.get(key, 0) <= 6000

    def _words_of_another_language(self, core: list[str]) -> bool:
        """A text guessed English may hold lines of another ("Hallo Team, die Lieferung kommt morgen"): words each
        common in one other language, none a name the lists know, are that language's words, not a name."""
        if any(self._listed_name(fold(w)) for w in core):
            return False
        folded = [w.casefold() for w in core]
        return any(all(zipf_in(w, lang) >= 4.0 for w in folded) for lang in COMMON_LANGUAGES if lang != "en")

    @staticmethod
    def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
        pieces = []
        pos = start
        # a line break or a label's colon ends an entity: "12:05): 5013" is a time stamp, then an answer
        for line in re.split(r"\n|: ", text[start:end]):
            s, e = pos, pos + len(line)
            pos = e + (1 if text[e : e + 1] == "\n" else 2)
            lead = _LEAD.match(text[s:e])
            if lead:
                s += lead.end()
            while e > s:
                trail = _TRAIL.search(text[s:e])
                if not trail or trail.start() == trail.end():
                    break
                e = s + trail.start()
            while s < e and not text[s].isalnum():
                s += 1
            if e > s:
                pieces.append((s, e))
        return pieces

    def _keep(self, entity: str, span: str) -> bool:
        if entity == "DATE_TIME":
            return bool(_DATE_EVIDENCE.search(span)) and not _DURATION.match(span)
        words = WORD.findall(span)
        core = [w for w in words if w not in PARTICLES]
        if not core:
            return False
        if entity == PERSON and _SALUTATION.fullmatch(span.strip(" ,.!:")):
            return False  # a valediction of another language than the one guessed: "Groeten," above a signature
        if current_language() != "en" and not self._plausible_in_other_language(entity, core):
            return False
        capitalized = [w for w in core if w[0].isupper() or w[0].isdigit()]
        if len(capitalized) < max(1, len(core) / 2):
            return False
        if len(core) > 6:
            return False
        if entity == ORGANIZATION and len(core) == 1 and core[0].isupper() and len(core[0]) <= 4:
            return False  # acronyms: SSN, IBAN, CEO
        # in the word's own language: the model takes the title-cased copy of a Greek greeting ("Γεια Σας") for a name
        common = all(word_zipf(self.g, w) >= 4.0 for w in core)
        known_name = any(0 < self.g.first_names.get(fold(w), 0) <= 500 for w in core)
        if entity == PERSON and common and not known_name:
            return False
        if entity == PERSON and current_language() == "en" and self._words_of_another_language(core):
            return False
        if entity == LOCATION and common and self.g.places.get(fold(" ".join(core)), 0) < COMMON_WORD_PLACE_MIN:
            return False  # "Thanks, see ...", "Добрый день!": everyday words, no town of that name worth the doubt
        return not (entity == ORGANIZATION and common)
