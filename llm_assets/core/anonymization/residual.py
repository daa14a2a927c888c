"""The second look at anonymized text: a detector that shares nothing with the engine that anonymized it.

The engine finds PII with spaCy's medium English pipeline and the project's recognizers; a re-scan with the same
recognizers could hardly disagree with them. This scan uses Presidio's own defaults instead: its recognizers
(libphonenumber matching in 37 numbering plans, Presidio's card, e-mail, IBAN, IP and SSN patterns) over spaCy's
*small* English pipeline, plus a capitalized-name rule that needs a cue ("Dear", "Mr.", "my name is", a signature's
valediction). What counts is the engine's policy, though: a number the words right before it name as a
transaction's ("order 3707955617", "invoice no. 88412") is a reference, not a phone number, for both
(``context.reference_kind``). A document it flags is held back from the anonymized zone (reason ``residual_pii``);
only types and counts are reported, never the text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from llm_assets.core.anonymization.context import reference_kind
from llm_assets.core.anonymization.context_words import IndexedLemmaContextEnhancer
from llm_assets.core.anonymization.settings import HIGH_RISK_ENTITIES, SECOND_LOOK_SPACY_MODEL, resolve_spacy_model
from llm_assets.core.entities import PERSON

# The 30 most populous numbering plans and the EU's largest: where Presidio's libphonenumber matcher looks.
PHONE_REGIONS = (
    "US CN IN ID PK NG BR BD RU MX JP PH EG VN TR IR DE TH GB FR IT ZA KE CO KR ES AR PL CA UA NL BE SE CH AT PT"
).split()
PHONE_THRESHOLD = 0.4
PIECE_CHARS = 100_000
PIECE_OVERLAP = 500
BATCH_SIZE = 64
UNUSED_PIPES = ("parser", "ner")
# names come from the cue rule: the small model's PERSON spans are too often a product, a band, or German nouns
SCANNED = (*[e for e in HIGH_RISK_ENTITIES if e != "STREET_ADDRESS"], "US_BANK_NUMBER")
_SURROGATE = re.compile(r"<[A-Z_]+_(?:\d+|[0-9a-f]{8})>")
_NAME = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]+(?:[ \t]+[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]+){0,2}"
CONTEXT_NAME = re.compile(
    rf"(?:\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?[ \t]+|\b(?:Dear|Hi|Hello)[ \t]+|\b(?i:my name is|I am called|call me)[ \t]+|"
    rf"(?m:^(?:Best regards|Kind regards|Regards|Sincerely|Thanks|Cheers),?[ \t]*\n[ \t]*))(?P<name>{_NAME})"
)


@dataclass(frozen=True)
class Residue:
    field: str
    entity_type: str


class ResidualScanner:
    def __init__(self, spacy_model: str = SECOND_LOOK_SPACY_MODEL) -> None:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        from llm_assets.core.anonymization.registry import StableRegistry

        nlp = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": resolve_spacy_model(spacy_model)}],
            }
        ).create_engine()
        registry = StableRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
        registry.remove_recognizer("PhoneRecognizer")
        registry.add_recognizer(DigitRunPhoneRecognizer(supported_regions=PHONE_REGIONS))
        self.analyzer = AnalyzerEngine(
            nlp_engine=nlp,
            registry=registry,
            supported_languages=["en"],
            context_aware_enhancer=IndexedLemmaContextEnhancer(),
        )
        # Presidio's pattern recognizers read tokens and lemmas (context words); the parser and the NER feed only
        # its spaCy recognizer, whose types are not scanned here
        for pipe in UNUSED_PIPES:
            if pipe in nlp.nlp["en"].pipe_names:
                nlp.nlp["en"].disable_pipe(pipe)

    def scan(self, texts: list[str], threshold: float = 0.5) -> list[list[str]]:
        """For each text, the types of PII the second look still finds in it (outside surrogates). Long texts are
        read in overlapping pieces, as the engine reads them (spaCy refuses texts over its ``max_length``); all
        pieces go through spaCy in batches."""
        size = min(PIECE_CHARS, self.max_length // 2)
        pieces: list[tuple[str, int]] = []
        for i, text in enumerate(texts):
            for start in range(0, max(1, len(text)), size - PIECE_OVERLAP):
                pieces.append((text[start : start + size], i))
                if start + size >= len(text):
                    break
        found: list[set[str]] = [set() for _ in texts]
        parsed = self.analyzer.nlp_engine.process_batch(pieces, "en", batch_size=BATCH_SIZE, as_tuples=True)
        for piece, artifacts, i in parsed:
            found[i] |= self._scan_piece(piece, threshold, artifacts)
        return [sorted(f) for f in found]

    @property
    def max_length(self) -> int:
        """The longest text the spaCy pipeline takes in one piece."""
        return self.analyzer.nlp_engine.nlp["en"].max_length

    def _scan_piece(self, text: str, threshold: float, artifacts) -> set[str]:
        found = set()
        results = self.analyzer.analyze(
            text, language="en", entities=list(SCANNED), score_threshold=0.0, nlp_artifacts=artifacts
        )
        for r in results:
            # Presidio scores a libphonenumber-valid number 0.4 before context: valid is enough here
            if r.score < (PHONE_THRESHOLD if r.entity_type == "PHONE_NUMBER" else threshold):
                continue
            span = text[r.start : r.end]
            if _inside_surrogate(text, r.start, r.end) or not span.strip():
                continue
            if r.entity_type == "PHONE_NUMBER" and (
                _part_of_identifier(text, r.start, r.end) or _named_transaction(text, r.start, r.end)
            ):
                continue
            found.add(r.entity_type)
        for m in CONTEXT_NAME.finditer(text):
            if not _inside_surrogate(text, m.start("name"), m.end("name")):
                found.add(PERSON)
        return found


# digits with at most three separators between them: a phone number's digits are one such run
_DIGIT_RUN = re.compile(r"\d(?:[^\w\n]{0,3}\d)*")
MIN_PHONE_DIGITS = 7
WINDOW_MARGIN = 40


class DigitRunPhoneRecognizer(PhoneRecognizer):
    """Presidio's libphonenumber recognizer, run only around runs of at least seven digits. libphonenumber tries
    every digit group of a text in each of the 37 numbering plans; the groups too short to be a phone number here
    (``_part_of_identifier``) were most of the second look's time. Each window keeps 40 characters either side, so
    the matcher's checks of the characters around a number read the same text."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list:
        results = []
        for start, end in _phone_windows(text):
            for r in super().analyze(text[start:end], entities, nlp_artifacts):
                r.start, r.end = r.start + start, r.end + start
                results.append(r)
        return EntityRecognizer.remove_duplicates(results)


def _phone_windows(text: str) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for m in _DIGIT_RUN.finditer(text):
        if sum(c.isdigit() for c in m.group()) < MIN_PHONE_DIGITS:
            continue
        start, end = max(0, m.start() - WINDOW_MARGIN), min(len(text), m.end() + WINDOW_MARGIN)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


_GLUED = re.compile(r"[A-Za-z][-#/]?$")


def _part_of_identifier(text: str, start: int, end: int) -> bool:
    """Digits glued to letters ("ORD-353695", "TRK8636917440") or fewer than seven of them are an order or tracking
    reference's, not a phone number (libphonenumber accepts six-digit numbers of small numbering plans)."""
    digits = sum(c.isdigit() for c in text[start:end])
    glued = bool(_GLUED.search(text[max(0, start - 2) : start])) or text[end : end + 1].isalpha()
    return digits < MIN_PHONE_DIGITS or glued


NAMING_WINDOW = 20  # characters before the number where the word that names it must stand


def _named_transaction(text: str, start: int, end: int) -> bool:
    """The words right before the number name it as a transaction's reference ("purchase 3707955617")."""
    offset = max(0, start - NAMING_WINDOW)
    return reference_kind(text[offset:end], start - offset, end - offset) == "transaction"


def _inside_surrogate(text: str, start: int, end: int) -> bool:
    return any(
        m.start() <= start and end <= m.end() or (start < m.end() and m.start() < end)
        for m in _SURROGATE.finditer(text)
    )


@functools.cache
def scanner() -> ResidualScanner:
    return ResidualScanner()
