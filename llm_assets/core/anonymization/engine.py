"""The project's anonymization engine: Presidio analyzer + anonymizer, offline, with consistent surrogates.

Used by the ``anonymized_documents`` asset and by ``llm-anonymize``, through the ``anonymizer`` resource. Within a
document the same value always gets the same surrogate (``<PERSON_1>`` in the message, the reply and the structured
fields alike); with the ``pseudonym`` operator and a secret salt the surrogate is a keyed hash, the same across the
corpus. Raw values never leave this module: redactions are reported by type, offsets (in the normalized text),
recognizer and surrogate.

Each document is its own unit of failure: a text over ``max_chars`` is held back as ``too_long``, one that breaks a
library as ``analysis_error``; long texts are analysed in overlapping chunks; the worker pool
(``anonymize_in_workers``) holds a time budget per document and holds back ``analysis_timeout`` documents.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import functools
import hashlib
import hmac
import importlib.abc
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from llm_assets.core.entities import (
    BANK_ACCOUNT,
    DATE_OF_BIRTH,
    DATE_TIME,
    HIGH_RISK_ENTITIES,
    LICENSE_PLATE,
    LOCATION,
    NATIONAL_ID,
    ORGANIZATION,
    PERSON,
    REGION,
    TITLE,
    TRANSACTION_REFERENCE,
    UNANALYZED,
    USERNAME,
)


class _NoTransformers(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "transformers" or name.startswith("transformers."):
            raise ImportError("transformers is not needed by the spaCy NER engine")
        return None


@contextlib.contextmanager
def _without_transformers() -> Iterator[None]:
    """Presidio imports ``transformers.pipeline`` (torch and all, ~5 s per process) only for its optional Hugging
    Face NER engine, which this project does not use; every ingestion run would pay it. Where transformers is not
    loaded yet, Presidio sees it as absent (as it handles), and the import stays free for anyone after."""
    if "transformers" in sys.modules:
        yield
        return
    finder = _NoTransformers()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


with _without_transformers():
    from presidio_analyzer import AnalyzerEngine, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig

from llm_assets.core.anonymization import completion, context, gazetteers, rewrap, split_values  # noqa: E402
from llm_assets.core.anonymization.context_words import IndexedLemmaContextEnhancer  # noqa: E402
from llm_assets.core.anonymization.keys import KEEP, align, classify_key, resolve, shape_of  # noqa: E402
from llm_assets.core.anonymization.recognizers import (  # noqa: E402
    CASE_SENSITIVE,
    REPLACED_PRESIDIO_RECOGNIZERS,
    project_recognizers,
)
from llm_assets.core.anonymization.recognizers.handles import role_labels  # noqa: E402
from llm_assets.core.anonymization.recognizers.names import HONORIFICS  # noqa: E402
from llm_assets.core.anonymization.recognizers.ner import COMMON_WORD_PLACE_MIN, CleanSpacyRecognizer  # noqa: E402
from llm_assets.core.anonymization.recognizers.places import LEAD_PLACE_SCORE, inflected_place  # noqa: E402
from llm_assets.core.anonymization.registry import StableRegistry  # noqa: E402
from llm_assets.core.anonymization.settings import CONTEXTUAL_ENTITIES, AnonymizerSettings, resolve_spacy_model  # noqa: E402
from llm_assets.core.anonymization.spans import Spans  # noqa: E402
from llm_assets.core.anonymization.structure import Cell, Layout, layout  # noqa: E402
from llm_assets.core.anonymization.text import (  # noqa: E402
    PARTICLES,
    SUPPORT_DESK,
    ascii_digits,
    case_variant,
    normalize,
    title_cased_lines,
    unglue_cjk,
    unglue_particles,
)

HONORIFIC_WORDS = frozenset(h.rstrip(".").lower() for h in HONORIFICS)

# spaCy labels -> Presidio entity types; the rest (numbers, money, products, works of art, laws...) are not PII.
NER_MAPPING = {
    "PERSON": PERSON,
    "PER": PERSON,
    "NORP": "NRP",
    "GPE": LOCATION,
    "LOC": LOCATION,
    "FAC": LOCATION,
    "ORG": ORGANIZATION,
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
}
NER_IGNORED = ["CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE",
               "EVENT"]  # fmt: skip
NER_SCORE = 0.7
# Only the NER runs: Presidio reads tokens and entities, and the tagger/parser chain is most of spaCy's time.
SPACY_UNUSED = ("parser", "tagger", "attribute_ruler", "lemmatizer", "tok2vec", "senter")
# When overlapping findings of different types tie on score, the more specific type names the merged span.
TYPE_PRIORITY = {
    t: i
    for i, t in enumerate(
        [
            "EMAIL_ADDRESS",
            "CREDIT_CARD",
            "IBAN_CODE",
            "US_SSN",
            NATIONAL_ID,
            BANK_ACCOUNT,
            "PHONE_NUMBER",
            "IP_ADDRESS",
            "URL",
            "STREET_ADDRESS",
            "US_DRIVER_LICENSE",
            LICENSE_PLATE,
            USERNAME,
            PERSON,
            DATE_OF_BIRTH,
            "AGE",
            "ZIP_CODE",
            ORGANIZATION,
            LOCATION,
            "NRP",
            TITLE,
            DATE_TIME,
            "REFERENCE_NUMBER",
            TRANSACTION_REFERENCE,
        ]
    )
}


@dataclass(frozen=True)
class Redaction:
    field: str
    entity_type: str
    start: int
    end: int
    recognizer: str
    score: float
    operator: str
    surrogate: str


@dataclass
class AnonymizedDocument:
    fields: dict[str, str]
    redactions: list[Redaction]
    failure: str | None = None  # reason code when the document was held back: too_long, analysis_error, ...
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.failure is None


def failed(reason: str, detail: str) -> AnonymizedDocument:
    return AnonymizedDocument(fields={}, redactions=[], failure=reason, detail=detail)


def _normalize_key(entity: str, value: str) -> str:
    if entity in (
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "US_SSN",
        "IBAN_CODE",
        "US_BANK_NUMBER",
        "REFERENCE_NUMBER",
        NATIONAL_ID,
        BANK_ACCOUNT,
        LICENSE_PLATE,
        TRANSACTION_REFERENCE,
    ):
        # letters and digits of any script: numbers read out in words ("four eight", "영오칠일영") differ by them
        return re.sub(r"[\W_]", "", value).upper()
    return re.sub(r"\s+", " ", value.strip().strip(".,;:")).lower()


class SurrogateMapper:
    """Gives each distinct value of a document one surrogate, reused wherever the value appears again."""

    def __init__(self, settings: AnonymizerSettings):
        self._settings = settings
        self._by_value: dict[tuple[str, str], str] = {}
        self._counters: dict[str, int] = {}
        self._person_tokens: dict[str, str] = {}

    def surrogate(self, entity: str, value: str) -> str:
        key = (entity, _normalize_key(entity, value))
        if key in self._by_value:
            return self._by_value[key]
        if entity == PERSON and " " not in key[1] and key[1] in self._person_tokens:
            return self._person_tokens[key[1]]  # a lone first name after the full name is the same person
        op = self._settings.operator_for(entity)
        if op == "pseudonym":
            digest = hmac.new(self._settings.salt.encode(), f"{entity}|{key[1]}".encode(), hashlib.sha256).hexdigest()
            surrogate = f"<{entity}_{digest[:8]}>"
        elif op == "redact":
            surrogate = ""
        elif op == "mask":
            surrogate = "*" * len(value)
        else:
            self._counters[entity] = self._counters.get(entity, 0) + 1
            surrogate = f"<{entity}_{self._counters[entity]}>"
        self._by_value[key] = surrogate
        if entity == "PERSON":
            for token in key[1].split(" "):
                if len(token) > 2:
                    self._person_tokens.setdefault(token, surrogate)
        return surrogate


def _strength(r: RecognizerResult) -> tuple:
    return (round(r.score, 2), -TYPE_PRIORITY.get(r.entity_type, 50), r.end - r.start)


def _merged(members: list[RecognizerResult]) -> RecognizerResult:
    best = max(members, key=_strength)
    start, stop = min(m.start for m in members), max(m.end for m in members)
    return RecognizerResult(best.entity_type, start, stop, best.score, recognition_metadata=best.recognition_metadata)


def _claims(contextual: RecognizerResult, cluster: list[RecognizerResult]) -> bool:
    """Whether a date, company or transaction reference takes the span of a personal reading: only a weaker guess
    that lies inside it and says less ("12 March" is no name "March", "Hallberg Logistics GmbH" no surname
    "Hallberg"); on the same words the personal reading stands unless the contextual one is much surer (privacy
    first where two models disagree), and an address, IP or phone number is never part of a date or a company."""
    personal = _merged(cluster)
    if not (contextual.start <= personal.start and personal.end <= contextual.end):
        return False
    if _strength(contextual) <= _strength(personal) or any(m.entity_type in HIGH_RISK_ENTITIES for m in cluster):
        return False
    if any(m.recognition_metadata.get("recognizer_name") == "HandleRecognizer" for m in cluster):
        return False  # a speaker's label after its time stamp ("[01:56] ishani:") is no part of the time
    longer = (contextual.end - contextual.start) > (personal.end - personal.start)
    return longer or contextual.score >= personal.score + 0.15


def resolve_overlaps(results: Iterable[RecognizerResult]) -> list[RecognizerResult]:
    """Merges overlapping findings into one span covering them all (never leave part of a value behind), typed after
    the strongest finding (score, then the more specific type, then length). A finding of a type kept by context
    (a date, an organization, a transaction reference) never widens a personal value's span ("12/31/20, 9:41 PM -
    Anna Berg" stays a date and a name) and claims one only as ``_claims`` says."""
    results = list(results)
    # an age inside a longer "date" ("35 years old") is the age: the words around it stay
    ages = [r for r in results if r.entity_type == "AGE"]
    if ages:
        results = [
            r
            for r in results
            if r.entity_type != DATE_TIME or not any(a.start < r.end and r.start < a.end for a in ages)
        ]
    personal = _clusters([r for r in results if r.entity_type not in CONTEXTUAL_ENTITIES])
    bounds = Spans([_Bounds(min(m.start for m in c), max(m.end for m in c), k) for k, c in enumerate(personal)])
    claimed: set[int] = set()
    out = []
    for members in _clusters([r for r in results if r.entity_type in CONTEXTUAL_ENTITIES]):
        contextual = _merged(members)
        overlapping = [b.index for b in bounds.overlapping(contextual.start, contextual.end) if b.index not in claimed]
        if all(_claims(contextual, personal[k]) for k in overlapping):
            claimed.update(overlapping)
            out.append(contextual)
    out += [_merged(members) for k, members in enumerate(personal) if k not in claimed]
    return sorted(out, key=lambda r: r.start)


@dataclass(frozen=True)
class _Bounds:
    """Where a cluster of personal findings starts and ends, and which cluster it is."""

    start: int
    end: int
    index: int


def _clusters(results: list[RecognizerResult]) -> list[list[RecognizerResult]]:
    clusters: list[list[RecognizerResult]] = []
    end = -1
    for r in sorted(results, key=lambda r: (r.start, -r.end)):
        if clusters and r.start < end:
            clusters[-1].append(r)
            end = max(end, r.end)
        else:
            clusters.append([r])
            end = r.end
    return clusters


# identifying values that a document may repeat verbatim elsewhere (a signature under a form, a reply's quote); not
# a birth date: the same date is a log's timestamp or a delivery's elsewhere
_SPREADING = frozenset(
    {
        "ZIP_CODE",
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
        "STREET_ADDRESS",
        "USERNAME",
        "IBAN_CODE",
        "CREDIT_CARD",
        "LICENSE_PLATE",
        BANK_ACCOUNT,
        NATIONAL_ID,
        "REFERENCE_NUMBER",
        "US_SSN",
        "IP_ADDRESS",
    }
)


# types whose values have a shape of their own, never a register's number
_NOT_A_REGISTER_NUMBER = frozenset(
    {PERSON, ORGANIZATION, LOCATION, TITLE, "EMAIL_ADDRESS", "URL", "IP_ADDRESS", "IBAN_CODE", "CREDIT_CARD", "AGE"}
)


# Presidio's national numbers found by a checksum or a shape alone (no context word needed)
_CHECKSUM_ONLY_IDS = frozenset(
    {
        "SE_PERSONNUMMER",
        "PL_PESEL",
        "UK_NHS",
        "IN_AADHAAR",
        "MEDICAL_LICENSE",
        "FI_PERSONAL_IDENTITY_CODE",
        "ES_NIF",
        "DE_TAX_ID",
        "AU_TFN",
    }
)


_DECLARED_BOUNDARY = re.compile(r"""boundary=["']?(?P<b>[0-9A-Za-z'()+_,./:=?-]{6,70}?)["';\s]""")
# a boundary line as mail programs write it when no header declares it: "--===============6045530461327140596=="
_BOUNDARY_LINE = re.compile(r"(?m)^[ \t>]*--(?P<b>={3,}[0-9A-Za-z_.]{6,40}={1,3})(?:--)?[ \t]*$")


def _mime_boundaries(text: str) -> list[tuple[int, int]]:
    """Where the multipart boundaries of a raw mail stand: structure, however much their digits look like an id."""
    if "--" not in text:
        return []
    marks = {m.group("b") for m in _DECLARED_BOUNDARY.finditer(text)}
    marks |= {m.group("b") for m in _BOUNDARY_LINE.finditer(text)}
    return [(m.start(), m.end()) for b in marks for m in re.finditer(re.escape(b), text)]


def _without_ids_inside_cards(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """A number a checksum alone calls an ID, read off the first groups of a card number that passes its own check
    ("6259 0706 2288" of "6259 0706 2288 4417" as an Aadhaar): the card's, not an ID."""
    cards = [r for r in results if r.entity_type == "CREDIT_CARD"]
    if not cards:
        return results
    return [
        r
        for r in results
        if not (
            r.entity_type in _CHECKSUM_ONLY_IDS
            and any(c.start <= r.start and r.end <= c.end and r.end - r.start < c.end - c.start for c in cards)
        )
    ]


def _spreads(value: str) -> bool:
    """Whether a found value is distinctive enough to be found again wherever it is repeated: five digits or more,
    or digits and letters together ("S8Y 9V1", "HE 6895"); not a short number (a year, a count, a house number)."""
    digits = sum(c.isdigit() for c in value)
    letters = sum(c.isalpha() for c in value)
    return len(value) >= 5 and (digits >= 5 or (digits >= 2 and letters >= 1))


EVERYDAY_NAME_ZIPF = 5.5  # 'can' 6.5, 'will' 6.5, 'may' 6.0; 'david' 5.1, 'john' 5.4
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n][\"“”'’)\]]?)[ \t]*$")


def find_known_values(text: str, known: dict[str, str], score: float = 0.95) -> list[RecognizerResult]:
    """Values the document itself declares as PII (its structured customer fields, names found elsewhere in it),
    found anywhere in its text, in any case."""
    results = []
    lowered = text.lower()
    for value, entity in known.items():
        if len(value) < 3 or value.lower() not in lowered:
            continue
        everyday = entity == PERSON and " " not in value and gazetteers.load().zipf(value) >= EVERYDAY_NAME_ZIPF
        for m in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", text, flags=re.IGNORECASE):
            if everyday and (m.group(0) != value or _SENTENCE_START.search(text, max(0, m.start() - 4), m.start())):
                # a name that is also an everyday word ("Can", "Will", "Grace") is found again as written and
                # inside a sentence ("Hi Can"), not as the word ("how can I help", "Can you see ...")
                continue
            results.append(
                RecognizerResult(
                    entity,
                    m.start(),
                    m.end(),
                    score,
                    recognition_metadata={"recognizer_name": "KnownValues", "recognizer_identifier": "KnownValues"},
                )
            )
    return results


def chunks(text: str, size: int, overlap: int) -> list[tuple[int, str]]:
    """(offset, piece) covering ``text`` with overlapping windows cut at whitespace: an entity across a cut is whole
    in one of the two pieces."""
    if len(text) <= size:
        return [(0, text)]
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind(" ", start + size // 2, end)
            end = cut if cut > 0 else end
        out.append((start, text[start:end]))
        if end >= len(text):
            break
        back = text.rfind(" ", end - overlap, end)
        start = back + 1 if back > start else end - overlap
    return out


class AnonymizationEngine:
    def __init__(self, settings: AnonymizerSettings | None = None):
        self.settings = settings or AnonymizerSettings()
        provider = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": resolve_spacy_model(self.settings.spacy_model)}],
                "ner_model_configuration": {
                    "model_to_presidio_entity_mapping": NER_MAPPING,
                    "labels_to_ignore": NER_IGNORED,
                    "low_score_entity_names": [],
                    # below the pattern recognizers' structured findings: where spans overlap, an address with a
                    # house number or an e-mail outranks the model's guess at the type
                    "default_score": NER_SCORE,
                },
            }
        )
        self.nlp_engine = provider.create_engine()
        nlp = self.nlp_engine.nlp["en"]
        for pipe in SPACY_UNUSED:
            if pipe in nlp.pipe_names:
                nlp.disable_pipe(pipe)
        # chunks keep every text far below spaCy's limit; the limit stays as a guard
        nlp.max_length = max(nlp.max_length, self.settings.chunk_chars * 2)
        gz = gazetteers.load()
        gazetteers.guess_language("warm the language model up once per process")
        registry = StableRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=self.nlp_engine)
        ner_entities = next(r for r in registry.recognizers if r.name == "SpacyRecognizer").supported_entities
        for name in (*REPLACED_PRESIDIO_RECOGNIZERS, "SpacyRecognizer"):
            registry.remove_recognizer(name)
        registry.add_recognizer(
            CleanSpacyRecognizer(gz, supported_language="en", supported_entities=ner_entities, name="SpacyRecognizer")
        )
        for recognizer in project_recognizers(gz):
            registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(
            nlp_engine=self.nlp_engine,
            registry=registry,
            supported_languages=["en"],
            context_aware_enhancer=IndexedLemmaContextEnhancer(),
        )
        case_registry = StableRegistry(supported_languages=["en"])
        for recognizer in registry.recognizers:
            if recognizer.name == "SpacyRecognizer" or recognizer.name in CASE_SENSITIVE:
                case_registry.add_recognizer(recognizer)
        self.case_analyzer = AnalyzerEngine(
            nlp_engine=self.nlp_engine,
            registry=case_registry,
            supported_languages=["en"],
            context_aware_enhancer=IndexedLemmaContextEnhancer(),
        )
        self._rewrap_recognizers = [r for r in registry.recognizers if r.name in rewrap.RECOGNIZERS]
        self.anonymizer = AnonymizerEngine()
        self._allow = {a.lower() for a in self.settings.allow_list}
        self._entities = set(self.settings.entities)
        self._supported: dict[AnalyzerEngine, set[str]] = {}

    @property
    def config_hash(self) -> str:
        return self.settings.config_hash()

    # -- analysis ---------------------------------------------------------------------------------------------------

    def _analyze(self, text: str, nlp_artifacts, analyzer: AnalyzerEngine | None = None) -> list[RecognizerResult]:
        if nlp_artifacts.lemmas is not None and not any(nlp_artifacts.lemmas):
            nlp_artifacts.lemmas = [t.lower_ for t in nlp_artifacts.tokens]  # context words match lower-cased tokens
        analyzer = analyzer or self.analyzer
        found = analyzer.analyze(
            text,
            language="en",
            # kept types are still found: a company or a date must claim its span from a mistaken name or place
            entities=self._analyzed_entities(analyzer),
            score_threshold=self.settings.score_threshold,
            nlp_artifacts=nlp_artifacts,
        )
        found = [r for r in found if text[r.start : r.end].strip(" .,;:").lower() not in self._allow]
        # on the title-cased copy of a lower-case line capitals say nothing: names are not extended there
        return completion.refine(text, found, extend_names=analyzer is self.analyzer)

    def _analyzed_entities(self, analyzer: AnalyzerEngine) -> list[str]:
        """The policy's types and the contextual ones, among those some recognizer finds (a birth date is a date
        the policy step retypes by its context)."""
        if analyzer not in self._supported:
            self._supported[analyzer] = set(analyzer.get_supported_entities(language="en"))
        wanted = dict.fromkeys([*self.settings.entities, *CONTEXTUAL_ENTITIES])
        return [e for e in wanted if e in self._supported[analyzer]]

    def analyze_texts(self, texts: Sequence[str], batch_size: int = 64) -> list[list[RecognizerResult]]:
        """Findings per text (before known values and overlaps are resolved), long texts in overlapping chunks."""
        texts = [unglue_cjk(unglue_particles(ascii_digits(t))) for t in texts]
        pieces: list[tuple[int, int, str]] = []  # (text index, offset, piece)
        found: list[list[RecognizerResult]] = [[] for _ in texts]
        for i, text in enumerate(texts):
            long_tokens = _long_tokens(text)
            found[i] += long_tokens
            # the text between runs too long to analyse, each read in overlapping chunks
            bounds = [0, *(b for r in long_tokens for b in (r.start, r.end)), len(text)]
            for seg_start, seg_end in zip(bounds[::2], bounds[1::2], strict=True):
                segment = text[seg_start:seg_end]
                if segment.strip():
                    pieces += [
                        (i, seg_start + off, piece)
                        for off, piece in chunks(segment, self.settings.chunk_chars, self.settings.chunk_overlap)
                    ]
        artifacts = self._nlp([p for _, _, p in pieces], batch_size)
        variants = []
        languages = [gazetteers.guess_language(t) for t in texts]
        wanted = set(self._analyzed_entities(self.analyzer))
        for i, text in enumerate(texts):  # a value a mail client's wrapping broke across lines
            with gazetteers.language_scope(languages[i]):
                found[i] += [
                    r
                    for r in rewrap.findings_across_lines(text, self._rewrap_recognizers)
                    if r.entity_type in wanted and r.score >= self.settings.score_threshold
                ]
        for (i, off, piece), nlp_artifacts in zip(pieces, artifacts, strict=True):
            with gazetteers.language_scope(languages[i]):
                found[i] += [self._shift(r, off) for r in self._analyze(piece, nlp_artifacts)]
            variant = case_variant(piece)
            if variant is not None:
                variants.append((i, off, variant))
        # ALL CAPS and all-lower-case texts defeat NER and capitalization rules: a title-cased copy (same length,
        # offsets carry over) gets a second look by what depends on capitals.
        if variants:
            for (i, off, variant), nlp_artifacts in zip(
                variants, self._nlp([v for _, _, (v, _) in variants], batch_size), strict=True
            ):
                variant, lines = variant
                with gazetteers.language_scope(languages[i]), title_cased_lines(lines):
                    results = self._analyze(variant, nlp_artifacts, self.case_analyzer)
                # only what lies on the lines the copy changed: the others had their look in the first pass
                results = [r for r in results if any(s <= r.start and r.end <= e for s, e in lines)]
                found[i] += [self._shift(r, off) for r in self._plausible_lower_case(variant, results)]
        for i, text in enumerate(texts):
            with gazetteers.language_scope(languages[i]):
                found[i] += completion.towns_after_addresses(text, found[i])
                found[i] += split_values.numbers_across_turns(text, found[i])
                found[i] += split_values.emails_across_turns(text, found[i])
        return found

    def _plausible_lower_case(self, variant: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """Findings on the title-cased copy of a lower-case or ALL CAPS text: capitals there say nothing, so a name
        is cut to its leading words that the name lists know or that are rare ("Dr. Davis At The Depot" -> "Dr.
        Davis"), and a place, organization or title must hold a rare word; function words ("You", "To", "See") and
        everyday words ("Cancel", "Assist") never make one."""
        g = gazetteers.load()
        out = []
        for r in results:
            if r.entity_type == "STREET_ADDRESS" and not re.search(r"\d", variant[r.start : r.end]):
                continue  # "Another Usb Port": without a number, capitals made it an address
            if r.entity_type not in (PERSON, LOCATION, ORGANIZATION, "NRP", TITLE):
                out.append(r)
                continue
            tokens = [
                m for m in re.finditer(r"[^\W\d_]+", variant[r.start : r.end]) if m.group(0).lower() not in PARTICLES
            ]
            lead = 0
            while lead < len(tokens) and tokens[lead].group(0).lower() in HONORIFIC_WORDS:
                lead += 1
            kept = []
            for m in tokens[lead:]:
                w = m.group(0)
                listed = gazetteers.fold(w) in g.first_names or gazetteers.fold(w) in g.last_names
                # an everyday word of any large language is no name in a lower-case line ("como", "wie", "para"),
                # unless the name lists know it (then only the line's own language counts: "ana", "per")
                common = g.zipf(w) if listed and r.entity_type == PERSON else max(g.zipf(w), gazetteers.zipf_any(w))
                if common >= 6.0 or not (common < 3.5 or (r.entity_type == PERSON and listed and common < 5.0)):
                    break
                kept.append(m)
            if r.entity_type == PERSON:
                if not kept or min(g.zipf(m.group(0)) for m in kept) >= 5.0:
                    continue
                # one everyday word after a weak cue ("to Cancel", "for Edit") is no name
                if len(kept) == 1 and not lead and r.score < 0.75 and g.zipf(kept[0].group(0)) >= 3.0:
                    continue
                end = r.start + kept[-1].end()
                out.append(RecognizerResult(PERSON, r.start, end, r.score, recognition_metadata=r.recognition_metadata))
                continue
            span = variant[r.start : r.end]
            known_place = r.entity_type == LOCATION and gazetteers.fold(span) in g.places
            token_words = [m.group(0) for m in tokens]
            if (
                r.entity_type == LOCATION
                and r.score == LEAD_PLACE_SCORE
                and all(max(g.zipf(w), gazetteers.zipf_any(w)) < 3.5 or inflected_place(g, w) for w in token_words)
            ):
                out.append(r)  # "ja jestem w białymstoku": the words before it say it is a place, inflected or not
                continue
            common = [m for m in tokens if max(g.zipf(m.group(0)), gazetteers.zipf_any(m.group(0))) >= 4.0]
            if known_place and not common or (kept and len(kept) == len(tokens)):
                out.append(r)
        return out

    def _nlp(self, texts: list[str], batch_size: int) -> list:
        if not texts:
            return []
        return [a for _, a in self.nlp_engine.process_batch(texts, language="en", batch_size=batch_size)]

    @staticmethod
    def _shift(r: RecognizerResult, offset: int) -> RecognizerResult:
        if offset:
            r.start += offset
            r.end += offset
        return r

    # -- documents --------------------------------------------------------------------------------------------------

    def anonymize_serial(self, documents: Sequence[dict[str, str]], batch_size: int = 64) -> list[AnonymizedDocument]:
        """spaCy runs over all texts at once; a batch that breaks falls back to one document at a time, so only the
        document that breaks a library is held back."""
        prepared: list[dict[str, str] | AnonymizedDocument] = [self._prepare(d) for d in documents]
        todo = [i for i, d in enumerate(prepared) if not isinstance(d, AnonymizedDocument)]
        out: list[AnonymizedDocument | None] = [d if isinstance(d, AnonymizedDocument) else None for d in prepared]
        try:
            results = self._anonymize_batch([prepared[i] for i in todo], batch_size)
        except Exception:  # noqa: BLE001  (isolate the document at fault below)
            results = []
            for i in todo:
                try:
                    results += self._anonymize_batch([prepared[i]], batch_size)
                except Exception as exc:  # noqa: BLE001
                    results.append(failed("analysis_error", type(exc).__name__))
        for i, res in zip(todo, results, strict=True):
            out[i] = res
        return [o for o in out if o is not None]

    def _prepare(self, doc: dict[str, str]) -> dict[str, str] | AnonymizedDocument:
        size = sum(len(v) for v in doc.values() if isinstance(v, str))
        if size > self.settings.max_chars:
            return failed("too_long", f"{size} characters exceeds the analysis limit of {self.settings.max_chars}")
        return {k: normalize(v) if isinstance(v, str) else v for k, v in doc.items()}

    def _field_entity(self, name: str, value: str) -> str | None:
        """The entity a whole field holds by its name (``customer_email``, ``postcode``, ``dob``), for short
        single-line values; longer values are free text and analysed as such."""
        if name in self.settings.pii_fields:
            return self.settings.pii_fields[name]
        if name.startswith(KEY_PREFIX) or len(value) > FIELD_VALUE_MAX_CHARS or "\n" in value.strip():
            return None
        entity = classify_key(name)
        return resolve(entity, value) if entity else None

    def _copied(self, name: str, value: str) -> bool:
        """A passthrough field is copied unchanged only while its value has a label's or a timestamp's shape; any
        other value (a name typed into "priority") is analysed like every field."""
        if classify_key(name) == KEEP and len(value) <= FIELD_VALUE_MAX_CHARS:
            return True  # a Message-ID, a User-Agent: no one's identifier, though shaped like an e-mail or a URL
        return name in self.settings.passthrough_fields and bool(PASSTHROUGH_SHAPE.fullmatch(value.strip()))

    def _anonymize_batch(self, documents: Sequence[dict[str, str]], batch_size: int) -> list[AnonymizedDocument]:
        jobs: list[tuple[int, str, str]] = []
        for i, doc in enumerate(documents):
            for name, value in doc.items():
                if isinstance(value, str) and value.strip() and not self._copied(name, value):
                    jobs.append((i, name, value))
            # a field's name came from outside too (a JSON key, a CSV header): one that is not plainly a column
            # name is analysed as a text of its own
            for name in doc:
                if not FIELD_NAME_SHAPE.fullmatch(name) and classify_key(name) is None:
                    jobs.append((i, KEY_PREFIX + name, name))
        mappers = [SurrogateMapper(self.settings) for _ in documents]
        known = [self._known_values(doc) for doc in documents]
        out = [AnonymizedDocument(fields=dict(doc), redactions=[]) for doc in documents]
        by_key = {(i, name): self._field_entity(name, value) for i, name, value in jobs}
        # Fields that are PII by their name first, so the customer's full name claims <PERSON_1> before any mention.
        jobs.sort(key=lambda j: (j[0], by_key[(j[0], j[1])] is None))
        free = [k for k, (i, name, _) in enumerate(jobs) if by_key[(i, name)] is None]
        analysed = dict(zip(free, self.analyze_texts([jobs[k][2] for k in free], batch_size), strict=True))
        found: list[list[RecognizerResult]] = []
        for k, (i, name, text) in enumerate(jobs):
            entity = by_key[(i, name)]
            if entity is not None:
                meta = {"recognizer_name": "StructuredField"}
                whole = [RecognizerResult(entity, 0, len(text), 1.0, recognition_metadata=meta)]
                found.append(self._policy(text, whole, key=name))
            else:
                results = (
                    analysed[k] + find_known_values(text, known[i]) + find_known_values(text, self.settings.deny_list)
                )
                found.append(self._policy(text, self._shape(text, results)))
        _vote_columns(jobs, found, by_key)
        # A name found in one field of a document is that document's PII in every field
        # ("Cheers, Sofia Johnson" in the message makes "Hi Sofia" in the reply a redaction too).
        for (i, _, text), results in zip(jobs, found, strict=True):
            for r in results:
                value = text[r.start : r.end].strip()
                if r.entity_type in _SPREADING and _spreads(value):
                    # a postcode, a phone or an id found once goes wherever the document repeats it ("postcode:
                    # 215397" above, "215397 Ясногорск" in the signature below)
                    known[i].setdefault(value, r.entity_type)
                if r.entity_type == PERSON:
                    value = text[r.start : r.end].strip()
                    known[i].setdefault(value, PERSON)
                    for part in value.split():
                        # a name's parts mark it elsewhere ("Hi Sofia", "> brennan") when they are rare words or names
                        # the lists know; an everyday word that a detector took into a name ("Customer Support",
                        # "Service Desk") does not, or every "customer" and "support" of the document would go
                        part = part.strip(".,;:!?'\"()")
                        if len(part) > 2 and part.lower() not in self._allow and _names_someone(part):
                            known[i].setdefault(part, PERSON)
        renamed: list[dict[str, str]] = [{} for _ in documents]
        for (i, name, text), results in zip(jobs, found, strict=True):
            # a passthrough field (a label, a channel) is analysed on its own: names found in the message do not
            # spread into "Customer Service" or "Technical Support"
            if by_key[(i, name)] is None and name not in self.settings.passthrough_fields:
                # low score: where a recognizer found the span itself, its attribution stays in the audit
                results = self._policy(text, self._shape(text, results + find_known_values(text, known[i], 0.51)))
            is_key = name.startswith(KEY_PREFIX)
            if is_key:  # a name is a label: only what identifies someone counts there, not a title or a place
                results = [r for r in results if r.entity_type in KEY_ENTITIES]
            new_text, redactions = self._apply(text, results, mappers[i], KEY_FIELD if is_key else name)
            out[i].redactions.extend(redactions)
            if is_key:
                if new_text != text:
                    renamed[i][text] = new_text
            else:
                out[i].fields[name] = new_text
        for doc, names in zip(out, renamed, strict=True):
            if names:
                doc.fields = {names.get(k, k): v for k, v in doc.fields.items()}
        return out

    # -- structure and policy ---------------------------------------------------------------------------------------

    def _shape(self, text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """Findings fitted to the text's words and fields: a finding never ends inside a word ("charge.failed" is no
        URL), never crosses a table cell, JSON value or key-value pair, never stands on a header or key; a column
        or key that names its values (``postcode``, ``user=``) makes each of its values a finding, and so does a
        column most of whose values were found to be one entity; in a column of kept values (a merchant, a product,
        a Message-ID, an order number) nothing is taken."""
        results = [r for r in (_to_word_boundaries(text, r) for r in results) if r is not None]
        results = [r for r in (_off_speaker_colon(text, r) for r in results) if r is not None]
        results = _without_ids_inside_cards(results)
        boundaries = _mime_boundaries(text)
        if boundaries:
            results = [r for r in results if not any(s < r.end and r.start < e for s, e in boundaries)]
        roles = role_labels(text)
        results = [
            r
            for r in results
            if (r.start, r.end) not in roles
            and not _field_path(text, r)
            and not _number_label(text, r)
            and not _airport_code(text, r)
        ]
        lay, cells = _structure(text)
        if not lay.cells and not lay.labels:
            return resolve_overlaps(results)
        cell_spans = Spans(cells)
        results = [r for r in _clip_to_cells(text, results, cells) if not _code_in_cell(text, r, cell_spans)]
        results = _clip_to_cells(text, resolve_overlaps(results + _cell_findings(text, cells, results)), cells)
        kept = Spans([c for c in cells if c.key and self._kept_key(c.key)])
        return [
            r
            for r in (_off_labels(text, r, lay.labels) for r in results)
            if r is not None and not any(_kept_in(text, r, c) for c in kept.containing(r.start, r.end))
        ]

    def _kept_key(self, key: str) -> bool:
        entity = classify_key(key)
        return entity == KEEP or (entity in (TRANSACTION_REFERENCE, REGION) and entity not in self._entities)

    def _policy(self, text: str, results: list[RecognizerResult], key: str = "") -> list[RecognizerResult]:
        """Context decides whether a date, an organization or a reference is about a person (``context.py``);
        then the types the policy keeps (``settings.entities``) stay in the text."""
        results = results + _signature_companies(text, results)
        results = results + _postal_addresses(text, results)
        person_lines = {text.count("\n", 0, r.start) for r in results if r.entity_type in (PERSON, TITLE)}
        people = [r for r in results if r.entity_type == PERSON]
        # "thank you for calling Brightcart": the business that answers, not a person's, wherever the document names
        # it again (its agent's signature, a call summary's header)
        business = {
            text[r.start : r.end].casefold()
            for r in results
            if r.entity_type in (PERSON, ORGANIZATION, LOCATION) and context.answering_business(text, r.start)
        }
        organization_starts = {r.start for r in results if r.entity_type == ORGANIZATION}
        # names the document gives as names (a mail's sender, a signature under its valediction), found again alone
        named = {
            text[r.start : r.end].casefold()
            for r in results
            if r.entity_type == PERSON
            and r.score >= 0.85
            and (r.recognition_metadata or {}).get("recognizer_name") not in _GUESSING_RECOGNIZERS
        }
        domains = context.business_domains(text) if "@" in text else set()
        # a number a cue names as an order's once is that order's wherever the document repeats it ("[FAC-26177]")
        kinds = {
            (r.start, r.end): context.reference_kind(text, r.start, r.end)
            for r in results
            if r.entity_type in ("REFERENCE_NUMBER", "CREDIT_CARD", *_CHECKSUM_ONLY_IDS)
        }
        transactions = {
            text[r.start : r.end]
            for r in results
            if r.entity_type == "REFERENCE_NUMBER" and kinds[(r.start, r.end)] == "transaction"
        }
        out = []
        for r in results:
            entity = r.entity_type
            meta = r.recognition_metadata or {}
            if entity == PERSON and context.answering_business(text, r.start):
                agent = context.agent_after_business(text, r.start, r.end, gazetteers.load().first_names)
                if agent is not None:  # the business's name, then its agent's: the agent's goes
                    r = RecognizerResult(PERSON, agent, r.end, r.score, recognition_metadata=r.recognition_metadata)
            if (
                entity in (PERSON, ORGANIZATION, LOCATION)
                and (
                    context.answering_business(text, r.start, later_words=entity != PERSON)
                    # the business the document's shared mailbox or its staff write from: the data's controller
                    or (domains and context.names_business(text[r.start : r.end], domains, whole=entity == PERSON))
                    or (entity == ORGANIZATION and text[r.start : r.end].casefold() in business)
                )
            ):
                continue
            if entity in (PERSON, LOCATION) and _greeting_line(text, r, named):
                continue
            if entity in (PERSON, ORGANIZATION, LOCATION, "URL") and context.names_its_mailbox(text, r.start, r.end):
                continue  # "To: Tchibo <service@tchibo.de>": the business's mailbox, named
            if entity in (PERSON, ORGANIZATION, LOCATION) and context.register_seat(text, r.start, r.end):
                continue  # "Registergericht: Amtsgericht Bonn", "RCS Lyon": a business register and its town
            by_name = meta.get("recognizer_name") in ("StructuredField", "StructuredKey", "FlattenedColumn")
            if (
                entity not in _NOT_A_REGISTER_NUMBER
                and not by_name
                and context.company_register_number(text, r.start, r.end)
            ):
                continue  # a company's register or tax number in its footer ("KvK 47877618"): the company's
            cell_key = key or meta.get("key", "")
            if entity == DATE_TIME and (
                context.is_birth_date(text, r.start, r.end, cell_key)
                or context.is_old_full_date(text[r.start : r.end], THIS_YEAR)
            ):
                entity = DATE_OF_BIRTH
            elif (
                entity == ORGANIZATION
                and self.settings.organization_policy == "employers"
                and not by_name
                and meta.get("recognizer_name") != "SignatureCompany"  # found as the block after a name's
                and not context.is_employer(text, r.start, r.end, person_lines)
                and not _beside_person(text, r, people)
            ):
                continue
            elif entity in _CHECKSUM_ONLY_IDS and not by_name and kinds[(r.start, r.end)] == "transaction":
                # a foreign national number read off a checksum alone, right after an order's or a parcel's word
                # ("numer zamówienia to 4412309876" passes the Swedish personnummer's check): that order's number
                entity = TRANSACTION_REFERENCE
            elif entity == "PHONE_NUMBER" and r.score < 0.9 and text[max(0, r.start - 1) : r.start] == "#":
                entity = TRANSACTION_REFERENCE  # "the number's #837250": a number sign marks an order, not a phone
            elif (
                entity in ("REFERENCE_NUMBER", "CREDIT_CARD")
                and not by_name
                and meta.get("recognizer_name") != "BareTurnRecognizer"  # an answer about the speaker, not an order
                and not re.search(r"\s", text[r.start : r.end])
            ):
                kind = kinds[(r.start, r.end)]
                carrier = re.match(r"[ \t]*\([ \t]*", text[r.end : r.end + 4])
                if not kind and carrier and (r.end + carrier.end()) in organization_starts:
                    kind = "transaction"  # "JJD8449792962388902 (Royal Mail)": a carrier's parcel number
                if not kind and text[r.start : r.end] in transactions:
                    kind = "transaction"
                if kind == "transaction" and (entity == "REFERENCE_NUMBER" or r.score < 0.9):
                    entity = TRANSACTION_REFERENCE
                elif kind == "personal" and entity == "REFERENCE_NUMBER":
                    r.score = max(r.score, 0.6)
            if entity not in self._entities and entity != UNANALYZED:
                continue
            if entity != r.entity_type:
                r = RecognizerResult(entity, r.start, r.end, r.score, recognition_metadata=r.recognition_metadata)
            out.append(r)
        return out

    def _known_values(self, fields: dict[str, str]) -> dict[str, str]:
        known: dict[str, str] = {}
        for name, entity in self.settings.pii_fields.items():
            value = (fields.get(name) or "").strip()
            if not value:
                continue
            known[value] = entity
            if entity == "PERSON":
                for part in value.split():
                    if len(part) > 2 and part.lower() not in self._allow:
                        known.setdefault(part, PERSON)
        return known

    def _apply(
        self, text: str, results: list[RecognizerResult], mapper: SurrogateMapper, field_name: str
    ) -> tuple[str, list[Redaction]]:
        if not results:
            return text, []
        surrogates = [mapper.surrogate(r.entity_type, text[r.start : r.end]) for r in results]
        # One custom operator per finding: the anonymizer applies them right to left, offsets stay valid.
        typed = [RecognizerResult(f"S{k}", r.start, r.end, r.score) for k, r in enumerate(results)]
        operators = {
            f"S{k}": OperatorConfig("custom", {"lambda": (lambda _x, s=s: s)}) for k, s in enumerate(surrogates)
        }
        new_text = self.anonymizer.anonymize(text=text, analyzer_results=typed, operators=operators).text
        redactions = [
            Redaction(
                field=field_name,
                entity_type=r.entity_type,
                start=r.start,
                end=r.end,
                recognizer=str((r.recognition_metadata or {}).get("recognizer_name", "unknown")),
                score=round(float(r.score), 4),
                operator=self.settings.operator_for(r.entity_type),
                surrogate=s,
            )
            for r, s in zip(results, surrogates, strict=True)
        ]
        return new_text, redactions


FIELD_VALUE_MAX_CHARS = 200


# an everyday word is a name's part to look for elsewhere only if some country ranks it among its top names ("Smith",
# "Young", "Grace"); the lists also hold "Sales" (84th) and "Service" (4,544th) as family names
_COMMON_NAME_RANK = 50


_LABEL_COLON = re.compile(r"[:：][ \t]")
_WORDY_TYPES = (PERSON, LOCATION, ORGANIZATION, TITLE, "NRP")


_BESIDE = re.compile(r"[ \t]*[,、，/|–-]?[ \t]*")


def _beside_person(text: str, org: RecognizerResult, people: list[RecognizerResult]) -> bool:
    """A company written right beside a person's name, nothing but a comma or a space between ("Марк Морщакова, ООО
    «Кордиант»", "삼한물산 주식회사 김민준"): a signature's or a business card's, the person's employer."""
    return any(
        (p.end <= org.start and _BESIDE.fullmatch(text[p.end : org.start]))
        or (org.end <= p.start and _BESIDE.fullmatch(text[org.end : p.start]))
        for p in people
    )


def _off_speaker_colon(text: str, r: RecognizerResult) -> RecognizerResult | None:
    """A name, place or company never holds a label's colon ("Caller: Pauline Smith" is a speaker and a name): the
    finding keeps its longest stretch between colons."""
    if r.entity_type not in _WORDY_TYPES:
        return r
    span = text[r.start : r.end]
    if not _LABEL_COLON.search(span):
        return r
    pieces, pos = [], 0
    for m in _LABEL_COLON.finditer(span):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(span)))
    start, end = max(pieces, key=lambda p: len(span[p[0] : p[1]].strip()))
    piece = span[start:end]
    lead, tail = len(piece) - len(piece.lstrip()), len(piece.rstrip())
    if not piece.strip():
        return None
    begin, finish = r.start + start + lead, r.start + start + tail
    return RecognizerResult(r.entity_type, begin, finish, r.score, recognition_metadata=r.recognition_metadata)


def _names_someone(part: str) -> bool:
    g = gazetteers.load()
    key = part.strip(".,;:!?'\"()").casefold()
    rank = min(g.first_names.get(key, 10**9), g.last_names.get(key, 10**9))
    return g.zipf(key) < 4.5 or rank <= _COMMON_NAME_RANK


THIS_YEAR = datetime.date.today().year
# a passthrough value that looks like a label ("refund_request", "high", "en", "email") or a timestamp
PASSTHROUGH_SHAPE = re.compile(
    r"[a-z0-9][a-z0-9_.:/+-]{0,39}|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)
# a field name that is plainly a column name (lower-case snake case); others (a header "Anna Berg", a key that is an
# e-mail address) are analysed as short texts of their own
FIELD_NAME_SHAPE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+){0,7}")
KEY_PREFIX = "\x00key:"
KEY_ENTITIES = frozenset({*HIGH_RISK_ENTITIES, PERSON, USERNAME, NATIONAL_ID, BANK_ACCOUNT, "REFERENCE_NUMBER"})
KEY_FIELD = "(field name)"
# A run of this many characters without a space (an encoded attachment, a pasted hash dump) is never analysed: it is
# replaced whole (it may encode anything) and left out of the analysis, whose patterns would spend minutes on it.
LONG_TOKEN_CHARS = 2000
_LONG_TOKEN = re.compile(rf"\S{{{LONG_TOKEN_CHARS},}}")


def _long_tokens(text: str) -> list[RecognizerResult]:
    return [
        RecognizerResult(UNANALYZED, m.start(), m.end(), 1.0, recognition_metadata={"recognizer_name": "LongToken"})
        for m in _LONG_TOKEN.finditer(text)
    ]


# types whose span must end where the word ends (or not be taken): a URL or an e-mail inside a longer token is none
_WHOLE_TOKEN_TYPES = ("URL", "EMAIL_ADDRESS", "IP_ADDRESS")
# a column vote needs this many values, and this share of them found to be one entity
COLUMN_MIN_VALUES = 3
COLUMN_SHARE = 0.6


_DOTTED_NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*)+")


def _field_path(text: str, r: RecognizerResult) -> bool:
    """A "URL" that is a field's dotted path ("items.name", "fulfillments.tracking_id"): no scheme, lower-case
    snake-case parts, and an underscore in it (no host name has one) or in another path of the same prefix in the
    text ("items.name" beside "items.item_id")."""
    if r.entity_type != "URL":
        return False
    value = text[r.start : r.end]
    if not _DOTTED_NAME.fullmatch(value):
        return False
    prefix = re.escape(value.split(".", 1)[0])
    return "_" in value or re.search(rf"(?<![\w.]){prefix}\.[a-z0-9]*_[a-z0-9_]*", text) is not None


_SHORT_DOTTED = re.compile(r"[^\W\d_]{1,4}\.[^\W\d_]{1,3}\.?")
_NUMBER_NEXT = re.compile(r"\.?[ \t]*:?[ \t]*\d")


def _number_label(text: str, r: RecognizerResult) -> bool:
    """A "URL" that is a label abbreviated with a dot right before its number ("org.nr 556677-8899", "Reg.No: 4411"):
    two short words, and a number where a host name would be followed by a path or nothing."""
    if r.entity_type != "URL" or not _SHORT_DOTTED.fullmatch(text[r.start : r.end]):
        return False
    return _NUMBER_NEXT.match(text, r.end) is not None


# an airport's three capitals (IATA) on a route or after a word of air travel: business text of a travel desk, no
# person and no one's whereabouts
_CODE_JOIN = r"[ \t]*(?:-|–|—|→|->|>|/|to|nach|à|a|para|naar|till|do|в)[ \t]*"
_ROUTE_AFTER = re.compile(_CODE_JOIN + r"[A-Z]{3}(?![\w])")
_ROUTE_BEFORE = re.compile(r"(?<![\w])[A-Z]{3}" + _CODE_JOIN + r"$")
_AIR_TRAVEL = re.compile(
    r"(?i:\b(?:flights?|fly|flying|flew|airports?|departs?|departing|departure|arrives?|arriving|arrival|layover|"
    r"stopover|connecting|route|boarding|terminal|itinerary|airline|vuelos?|aeropuerto|flug|flughafen|vol|aéroport|"
    r"volo|aeroporto|voo|vlucht|luchthaven|lot|lotnisko|flyg|flygplats|рейс|аэропорт|аеропорт)\b)"
)


def _airport_code(text: str, r: RecognizerResult) -> bool:
    """A "place" or "name" that is three capitals on a route ("ORD to PHL", "JFK–DFW") or shortly after or right
    before a word of air travel ("flight from ORD", "JFK airport"): an airport's code."""
    if r.entity_type not in (LOCATION, PERSON, ORGANIZATION) or not re.fullmatch(r"[A-Z]{3}", text[r.start : r.end]):
        return False
    before = text[max(0, r.start - 40) : r.start]
    if _ROUTE_AFTER.match(text, r.end) or _ROUTE_BEFORE.search(before):
        return True
    return _AIR_TRAVEL.search(before) is not None or _AIR_TRAVEL.match(text[r.end : r.end + 16].lstrip()) is not None


def _word_char(c: str) -> bool:
    # Han, kana and Hangul are written without spaces: a word boundary can fall between any two of them
    return c.isalnum() and not ("\u2e80" <= c <= "\ud7ff" or "\uf900" <= c <= "\ufaff")


def _to_word_boundaries(text: str, r: RecognizerResult) -> RecognizerResult | None:
    start, end = r.start, r.end
    inside_left = 0 < start < len(text) and _word_char(text[start - 1]) and _word_char(text[start])
    inside_right = 0 < end < len(text) and _word_char(text[end - 1]) and _word_char(text[end])
    if not (inside_left or inside_right):
        return r
    if r.entity_type in _WHOLE_TOKEN_TYPES:
        return None
    while inside_left and start > 0 and _word_char(text[start - 1]):
        start -= 1
    while inside_right and end < len(text) and _word_char(text[end]):
        end += 1
    return RecognizerResult(r.entity_type, start, end, r.score, recognition_metadata=r.recognition_metadata)


def _covers(cell: Cell, text: str, results: list[RecognizerResult]) -> str | None:
    """The entity whose findings cover most of a cell's value, or None."""
    value = text[cell.start : cell.end]
    size = len(value.strip())
    if not size:
        return None
    best, best_cover = None, 0
    for r in results:
        cover = min(r.end, cell.end) - max(r.start, cell.start)
        if cover > best_cover:
            best, best_cover = r.entity_type, cover
    return best if best_cover >= 0.8 * size else None


_AGE_NUMBER = re.compile(r"(?<!\d)\d{1,3}(?!\d)")


def _cell_findings(text: str, cells: list[Cell], results: list[RecognizerResult]) -> list[RecognizerResult]:
    extra = []
    found = Spans(results)
    columns: dict[str, list[Cell]] = {}
    for cell in cells:
        columns.setdefault(cell.column, []).append(cell)
    for column, members in columns.items():
        if members[0].headers:
            extra += _flattened_findings(text, members, results)
            continue
        entity = classify_key(members[0].key) if members[0].key else None
        if entity == KEEP:
            continue
        recognizer = "StructuredKey"
        # a vote needs a column of values (tables, JSON); "Label: value" lines are prose under a label
        if entity is None and not column.startswith("kv:"):
            votes = [
                _covers(c, text, found.overlapping(c.start, c.end)) for c in members if text[c.start : c.end].strip()
            ]
            top = max(set(votes) - {None}, key=votes.count, default=None)
            if top is not None and len(votes) >= COLUMN_MIN_VALUES and votes.count(top) >= COLUMN_SHARE * len(votes):
                entity, recognizer = top, "ColumnVote"
        if entity is None:
            continue
        for c in members:
            value = text[c.start : c.end]
            if value.strip() and not (entity == PERSON and _code_name(value.strip())):
                lead = len(value) - len(value.lstrip())
                tail = len(value.rstrip())
                meta = {"recognizer_name": recognizer, "key": c.key}
                typed = resolve(entity, value)
                if typed == LICENSE_PLATE and not any(ch.isdigit() for ch in value):
                    continue  # a plate has a number: "Kennzeichen des Tages: Geduld" is a motto under a plate's word
                number = _AGE_NUMBER.search(value) if typed == "AGE" else None
                if number:  # "Age: 25 years", "उम्र: 25 साल": the number is the age, its unit stays
                    lead, tail = number.span()
                extra.append(RecognizerResult(typed, c.start + lead, c.start + tail, 0.9, recognition_metadata=meta))
    return extra


def _code_name(value: str) -> bool:
    """A program's name for something, not a person's: everyday words joined by underscores ("get_order_details",
    "find_user_id_by_email" under a log's ``name`` key). A handle made of a name ("olivia_lopez") is not one."""
    parts = value.split("_")
    if len(parts) < 2 or not re.fullmatch(r"[a-z]+(?:_[a-z]+)+", value):
        return False
    g = gazetteers.load()
    first = {i for i, p in enumerate(parts) if g.first_names.get(p, 10**9) <= 1000}
    last = {i for i, p in enumerate(parts) if g.last_names.get(p, 10**9) <= 2000}
    if first and last and len(first | last) >= 2:
        return False  # a first name and a family name: "mary_jones" is someone's handle
    # (the name lists hold "details" and "cancel" too: a word this common is a word first)
    return all(g.zipf(p) >= 4.0 or (g.zipf(p) >= 3.5 and not _is_name(p)) for p in parts if len(p) > 2)


def _flattened_findings(text: str, cells: list[Cell], results: list[RecognizerResult]) -> list[RecognizerResult]:
    """A flattened table's values, each typed by its shape among what its headers announce (``keys.shape_of``),
    unless a recognizer already covers it."""
    g = gazetteers.load()
    candidates = []
    for header in cells[0].headers:
        entity = classify_key(header)
        # an age only under its own header: elsewhere a small number is a quantity, a price, a count
        if entity and entity not in (KEEP, TRANSACTION_REFERENCE, REGION, "AGE") and entity not in candidates:
            candidates.append(resolve(entity, "x") if entity in ("PERSON_OR_ID", "CONTACT") else entity)
    extra = []
    found = Spans(results)
    for c in cells:
        if c.loose:
            extra += _loose_findings(text, c, candidates, results, g)
            continue
        if _covers(c, text, found.overlapping(c.start, c.end)):
            continue
        value = text[c.start : c.end]
        entity = classify_key(c.key) if c.aligned else None
        if entity and entity not in (KEEP, TRANSACTION_REFERENCE, REGION):
            entity = resolve(entity, value)
            if shape_of(value, [entity], g.zipf, _is_name) == entity:
                meta = {"recognizer_name": "FlattenedColumn", "key": c.key}
                extra.append(RecognizerResult(entity, c.start, c.end, 0.85, recognition_metadata=meta))
                continue
        entity = shape_of(value, candidates, g.zipf, _is_name)
        if entity:
            meta = {"recognizer_name": "FlattenedTable"}
            extra.append(RecognizerResult(entity, c.start, c.end, 0.8, recognition_metadata=meta))
    return extra


_LOOSE_PIECE = re.compile(r"\S+")


def _is_name(word: str) -> bool:
    g = gazetteers.load()
    key = gazetteers.fold(word)
    return key in g.first_names or key in g.last_names


def _loose_findings(text: str, cell: Cell, candidates: list[str], results: list[RecognizerResult], g) -> list:
    """Values run together with spaces: each token is typed by its shape among the headers' types, and a run of
    tokens that are rare words (or words of another script than Latin) is a name, a place or an organization when
    the headers announce one."""
    taken = [(r.start, r.end) for r in results if cell.start <= r.start < cell.end]
    tokens = [m for m in _LOOSE_PIECE.finditer(text, cell.start, cell.end)]
    wordy = [e for e in candidates if e in (PERSON, ORGANIZATION, LOCATION, "STREET_ADDRESS")]
    out, run = [], []

    def close_run():
        if run and wordy:
            meta = {"recognizer_name": "FlattenedTable"}
            out.append(RecognizerResult(wordy[0], run[0].start(), run[-1].end(), 0.7, recognition_metadata=meta))
        run.clear()

    for m in tokens:
        if any(s < m.end() and m.start() < e for s, e in taken):
            close_run()
            continue
        token = m.group(0).strip(",;")
        letters = re.sub(r"[^\w]", "", token)
        z = g.zipf(letters)
        rare = (
            letters.isalpha()
            and not token.islower()
            and not _CODE.fullmatch(token)  # an airport's, a state's or a currency's code
            and (z < 3.0 or not letters.isascii() or (_is_name(letters) and z < 4.5))
        )
        if rare or (run and letters.isalpha() and not letters.isascii() and g.zipf(letters) < 4.0):
            run.append(m)
            continue
        close_run()
        entity = shape_of(token, [e for e in candidates if e not in wordy], g.zipf, _is_name)
        if entity:
            meta = {"recognizer_name": "FlattenedTable"}
            out.append(RecognizerResult(entity, m.start(), m.start() + len(token), 0.7, recognition_metadata=meta))
    close_run()
    return out


_SEGMENT_BREAK = re.compile(r"\n| \| ")  # a line, or a block of a page flattened with " | " between blocks


# who reads a word alone at a line's start as a name or a place by its capital and the lists alone
_GUESSING_RECOGNIZERS = frozenset({"SpacyRecognizer", "GazetteerNameRecognizer", "PlaceRecognizer", "KnownValues"})
# a mail's subject, its reply and forward marks: "Subject: Fwd: Guten Morgen!"
_SUBJECT_PREFIX = re.compile(
    r"[ \t>]*(?i:subject|betreff|objet|asunto|oggetto|assunto|onderwerp|ämne|emne|temat|konu)[ \t]*:[ \t]*"
    r"(?:(?i:re|fwd?|aw|wg|tr|sv|vs|odp|ynt)[ \t]*:[ \t]*)*"
)
# first names this common stay names alone on a line, even where they are words too ("Maria", "Jan", "Anna")
_LINE_NAME_RANK = 300


def _greeting_line(text: str, r: RecognizerResult, named: set[str] = frozenset()) -> bool:
    """A line (or a mail's subject) that opens with everyday words of some common language, alone or before a comma
    or a stop ("Hej", "Hallå", "Guten Morgen", "Salut, ..."), though a mail quotes it in another language than the
    text's: a greeting, not a name or a place, unless a common first name or a large town."""
    if (r.recognition_metadata or {}).get("recognizer_name") not in _GUESSING_RECOGNIZERS:
        return False
    if text[r.start : r.end].casefold() in named:
        return False
    line_start = text.rfind("\n", 0, r.start) + 1
    if text[line_start : r.start].strip(" \t>") and not _SUBJECT_PREFIX.fullmatch(text, line_start, r.start):
        return False
    g = gazetteers.load()
    rest = re.match(
        r"[ \t]*(?:[,.!?]|(?P<words>[^\W\d_]+(?:[ \t]+[^\W\d_]+){0,2})[ \t]*[,.!?]?[ \t]*$|$)", text[r.end :], re.M
    )
    if not rest:
        return False
    words = text[r.start : r.end].split() + (rest.group("words") or "").split()
    if not words or any(max(g.zipf(w), gazetteers.zipf_any(w)) < 4.5 for w in words):
        return False
    if any(0 < g.first_names.get(gazetteers.fold(w), 0) <= _LINE_NAME_RANK for w in words):
        return False
    return g.places.get(gazetteers.fold(text[r.start : r.end]), 0) < COMMON_WORD_PLACE_MIN


def _segments(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _SEGMENT_BREAK.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def _whole_segments(text: str, results: list[RecognizerResult]) -> tuple[list[tuple[int, int]], dict[int, str]]:
    """The text's segments, and which of them one finding covers whole (its type)."""
    segments = _segments(text)
    starts = [s for s, _ in segments]
    whole = {}
    for r in results:
        n = bisect.bisect_right(starts, r.start) - 1
        seg_start, seg_end = segments[n]
        if text[seg_start : r.start].strip(" \t>-–") == "" and text[r.end : seg_end].strip(" \t,.") == "":
            whole[n] = r.entity_type
    return segments, whole


# a postcode and a town alone on a line ("968990 明市", "6822259 אטרש", "087611 मुंबई"): 4 to 10 digits as countries
# write them, then up to four words
_POSTCODE_TOWN = re.compile(r"[ \t>]*(?P<code>\d{4,10})[ \t]+(?P<town>[^\W\d_][^\n\d@:;.?!]{0,40}?)[ \t]*")
_STREET_LINE = re.compile(r"[ \t>]*(?=[^\n]*[^\W\d_])(?=[^\n]*(?<!\d)\d{1,5}(?!\d))[^\n@:;?!]{3,60}?[ \t]*")
_POSTAL_BLOCK_LINES = 5
# a postcode alone in a block, as countries write them: "309 53", "71264", "463544"
_BLOCK_POSTCODE = re.compile(r"\d{3}[ ]?\d{2}|\d{4,6}")
# a town's name alone in a block: one to three capitalized words (or words of a script without capitals)
_TOWN_BLOCK = re.compile(r"(?:[^\W\d_][\w'’.-]*)(?:[ -][^\W\d_][\w'’.-]*){0,2}")
# a street and its number alone, the number after the name or before it: "Niekpad 418", "Popular 605", "12 Elm Row"
_STREET_WORDS = r"[^\W\d_][^\W\d]*(?:[ \t]+[^\W\d_][^\W\d]*){0,3}"
_LAST_STREET = re.compile(rf"[ \t>]*(?:{_STREET_WORDS}[ \t]+\d{{1,5}}[a-zA-Z]?|\d{{1,5}}[ \t]+{_STREET_WORDS})[ \t]*")


def _town_words(town: str, g: gazetteers.Gazetteers) -> bool:
    """Up to four words that may be a town: a place the lists know, or a word no common language uses every day."""
    words = town.split()
    if not 1 <= len(words) <= 4:
        return False
    return gazetteers.fold(town) in g.places or any(max(g.zipf(w), gazetteers.zipf_any(w)) < 4.0 for w in words)


def _postal_addresses(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Postal addresses the recognizers missed, by where they stand, in any script: a postcode and town on the line
    (or flattened block) right after a street found whole; in a flattened table's row, a postcode block then a town
    block; in a block below a line that is a name alone (a signature, a letter's address), a line that is a postcode
    and a town with the street on the line above it, or, closing a block whose other lines hold a phone, a company or
    the like, a street and its number alone ("Niekpad 418")."""
    segments, whole = _whole_segments(text, results)
    g = gazetteers.load()
    meta = {"recognizer_name": "PostalBlock"}
    out: list[RecognizerResult] = []

    def free(start: int, end: int) -> bool:
        return not any(r.start < end and start < r.end for r in results + out)

    def street_at(k: int) -> None:
        seg_start, seg_end = segments[k]
        street = _STREET_LINE.fullmatch(text[seg_start:seg_end])
        if street and sum(c.isalpha() for c in street.group(0)) >= 5:
            body = text[seg_start:seg_end].strip(" \t>")
            start = seg_start + text[seg_start:seg_end].index(body)
            if free(start, start + len(body)):
                out.append(RecognizerResult("STREET_ADDRESS", start, start + len(body), 0.6, recognition_metadata=meta))

    def postal_at(k: int) -> bool:
        seg_start, seg_end = segments[k]
        m = _POSTCODE_TOWN.fullmatch(text[seg_start:seg_end])
        if not m or not _town_words(m.group("town"), g) or re.fullmatch(r"(?:19|20)\d\d", m.group("code")):
            return False
        code = (seg_start + m.start("code"), seg_start + m.end("code"))
        town = (seg_start + m.start("town"), seg_start + m.end("town"))
        if free(*code):
            out.append(RecognizerResult("ZIP_CODE", *code, 0.6, recognition_metadata=meta))
        if free(*town):
            out.append(RecognizerResult(LOCATION, *town, 0.6, recognition_metadata=meta))
        return True

    # a postcode and town right below (or after " | ") a street found whole: "вул. Шевченка, 12 | 299447 Срібне"
    for n, entity in list(whole.items()):
        if entity == "STREET_ADDRESS" and n + 1 < len(segments) and n + 1 not in whole:
            postal_at(n + 1)
    # a flattened table's row of someone's values: a block that is a postcode, or ends with one found, then a block
    # that is a town ("… | <phone> | 309 53 | Καβάλα | …")
    postcode_ends = {r.end for r in results if r.entity_type == "ZIP_CODE"}
    for k in range(1, len(segments) - 1):
        seg_start, seg_end = segments[k]
        town_start, town_end = segments[k + 1]
        if text[seg_end:town_start] != " | " or not (k - 1 in whole or k in whole):
            continue
        code = _BLOCK_POSTCODE.fullmatch(text, seg_start, seg_end)
        ends_with_code = seg_end in postcode_ends
        town = text[town_start:town_end].strip()
        known = gazetteers.fold(town) in g.places or gazetteers.fold(town) in g.cities_other_scripts
        if not (code or ends_with_code) or not _TOWN_BLOCK.fullmatch(town) or not known or town.isupper():
            continue  # (a town the lists know: "MCO", "reservation_id" after a number are an airport and a key)
        if code and free(seg_start, seg_end):
            out.append(RecognizerResult("ZIP_CODE", seg_start, seg_end, 0.6, recognition_metadata=meta))
        start = town_start + text[town_start:town_end].index(town)
        if free(start, start + len(town)):
            out.append(RecognizerResult(LOCATION, start, start + len(town), 0.6, recognition_metadata=meta))
    for n, entity in whole.items():
        if entity != PERSON:
            continue
        last = None
        for k in range(n + 1, min(n + 1 + _POSTAL_BLOCK_LINES, len(segments))):
            seg_start, seg_end = segments[k]
            line = text[seg_start:seg_end]
            if not line.strip(" \t>"):
                break
            last = k
            if not postal_at(k):
                continue
            if k - 1 > n:
                street_at(k - 1)
            last = None
            break
        # the block's other lines are a contact's: something found fills each of them whole
        if (
            last is not None
            and last > n + 1
            and whole.get(last) is None
            and _LAST_STREET.fullmatch(text[slice(*segments[last])])
            and all(k in whole for k in range(n + 1, last))
        ):
            street_at(last)
    return out


def _signature_companies(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    """The company line of a signature: right below a line that is a name alone (a title line may come between), a
    short line of capitalized words, no digits, nothing found in it, not everyday words ("Corsair Memory",
    "Blanc"). An employer, so an organization the policy replaces. A page flattened with " | " between its blocks
    has its signature's lines as blocks ("Franklin Martin | AECOM | +1-562-...")."""
    segments, whole = _whole_segments(text, results)
    g = gazetteers.load()
    out = []
    cells: list[Cell] | None = None
    for n, entity in whole.items():
        if entity != PERSON:
            continue
        k = n + 1 if whole.get(n + 1) != TITLE else n + 2
        if k >= len(segments) or k in whole:
            continue
        seg_start, seg_end = segments[k]
        line = text[seg_start:seg_end]
        body = line.strip(" \t>")
        # (words of scripts with combining marks whole: "भट्टाचार्य-जेटली" is two)
        words = [w for w in re.split(r"[\s\-–/,&.]+", body) if re.search(r"[^\W\d_]", w)]
        if (
            not body
            or re.search(r"\d|@|:|https?|[?!？！。]", body)  # a question or a sentence is no company
            or not 1 <= len(words) <= 6
            or not body[0].isupper()
            and body[0].isascii()
        ):
            continue
        if any(r.start < seg_end and seg_start < r.end for r in results):
            continue
        if all(g.zipf(w) >= 4.5 for w in words) or SUPPORT_DESK.search(body):
            continue  # "Customer Service", "Best Regards"; a shop's support desk signing for the shop
        start = seg_start + line.index(body)
        if cells is None:
            cells = _structure(text)[0].cells
        if any(c.start <= start < c.end for c in cells):
            continue  # a table's cell below a name ("DUB" under "Ottilie Brannagh"): its column says what it is
        meta = {"recognizer_name": "SignatureCompany"}
        out.append(RecognizerResult(ORGANIZATION, start, start + len(body), 0.6, recognition_metadata=meta))
    return out


def _vote_columns(
    jobs: list[tuple[int, str, str]], found: list[list[RecognizerResult]], by_key: dict[tuple[int, str], str | None]
) -> None:
    """Across the documents of a batch (the rows of a table, the lines of a log), a field that the name does not
    classify but whose values were mostly found to be one entity (``ref`` holding names) is that entity in every
    document, also where a value alone looked harmless."""
    votes: dict[str, list[tuple[int, str | None]]] = {}
    for k, (i, name, text) in enumerate(jobs):
        if by_key[(i, name)] is None and len(text) <= FIELD_VALUE_MAX_CHARS and "\n" not in text.strip():
            whole = Cell(0, len(text), name, name)
            votes.setdefault(name, []).append((k, _covers(whole, text, found[k])))
    for members in votes.values():
        types = [t for _, t in members]
        top = max(set(types) - {None}, key=types.count, default=None)
        if top is None or len(types) < COLUMN_MIN_VALUES or types.count(top) < COLUMN_SHARE * len(types):
            continue
        for k, covered in members:
            if covered != top:
                text = jobs[k][2]
                lead, tail = len(text) - len(text.lstrip()), len(text.rstrip())
                meta = {"recognizer_name": "ColumnVote", "key": jobs[k][1]}
                found[k] = [RecognizerResult(top, lead, tail, 0.9, recognition_metadata=meta)]


# what a recognizer takes for a name, place or handle in a table's cell, where the cell's own column can say better
_WEAK_IN_CELLS = (PERSON, LOCATION, ORGANIZATION, TITLE, "NRP", "STREET_ADDRESS", USERNAME)
# recognizers that type a code by its shape alone (no checksum, no context word)
_SHAPE_ONLY_RECOGNIZERS = ("IdentifierRecognizer", "FlattenedTable", "StreetAddressRecognizer")
_CODE = re.compile(r"[A-Z]{2,3}")


@functools.lru_cache(maxsize=256)
def _structure(text: str) -> tuple[Layout, list[Cell]]:
    """The text's layout and its cells with flattened tables aligned: computed once per text, though the policy
    looks at a text several times (its findings, then its known values, then signature companies). Read only."""
    lay = layout(text)
    return lay, _aligned(text, lay.cells)


def _aligned(text: str, cells: list[Cell]) -> list[Cell]:
    """A flattened table's cells, each with the header it most likely stands under (``keys.align``) as its key;
    they keep every header too, so that a value is still typed by its shape among all of them."""
    columns: dict[str, list[Cell]] = {}
    for c in cells:
        if c.headers and not c.loose:
            columns.setdefault(c.column, []).append(c)
    if not columns:
        return cells
    g = gazetteers.load()
    keyed: dict[int, Cell] = {}
    for members in columns.values():
        values = [text[c.start : c.end].strip() for c in members]
        path = align(values, members[0].headers, g.zipf, _is_name) or []
        usual = _usual_code_shapes(values, path)
        for c, h, v in zip(members, path, values, strict=False):
            typical = usual.get(h) == _code_shape(v)
            keyed[id(c)] = Cell(c.start, c.end, c.headers[h], c.column, c.headers, aligned=True, typical=typical)
    return [keyed.get(id(c), c) for c in cells]


TYPICAL_MIN_VALUES = 3  # codes of one shape under a header before that shape is the column's own
TYPICAL_SHARE = 0.6


def _code_shape(value: str) -> tuple | None:
    """A code's shape: its length and the kinds of characters it mixes (digits, capitals, small letters, others);
    None for a value without a digit (words have no shape of their own)."""
    if not any(ch.isdigit() for ch in value):
        return None
    kinds = {"9" if ch.isdigit() else "A" if ch.isupper() else "a" if ch.islower() else ch for ch in value}
    return len(value), frozenset(kinds)


def _usual_code_shapes(values: list[str], path: list[int]) -> dict[int, tuple]:
    """For each header, the shape most codes aligned under it share, when enough of them do."""
    shapes: dict[int, list] = {}
    for v, h in zip(values, path, strict=False):
        shapes.setdefault(h, []).append(_code_shape(v))
    usual = {}
    for h, found in shapes.items():
        codes = [s for s in found if s is not None]
        top = max(set(codes), key=codes.count, default=None)
        alike = codes.count(top) if top is not None else 0
        if alike >= TYPICAL_MIN_VALUES and alike >= TYPICAL_SHARE * len(found):
            usual[h] = top
    return usual


def _code_in_cell(text: str, r: RecognizerResult, cells: Spans[Cell]) -> bool:
    """A cell that holds nothing but a two- or three-letter capital code (an airport, a state, a currency) is no
    name, place or handle, whatever a recognizer made of it (a company may be called so)."""
    return (
        r.entity_type in _WEAK_IN_CELLS
        and r.entity_type != ORGANIZATION
        and any(_CODE.fullmatch(text[c.start : c.end].strip()) for c in cells.containing(r.start, r.end))
    )


def _kept_in(text: str, r: RecognizerResult, cell: Cell) -> bool:
    """Whether a finding falls in a cell whose column keeps its values. Where the column was only inferred (a
    flattened table's alignment), only a product's or a shop's column drops a finding, only a name, place, title,
    handle or street, and only when every word of the value is an everyday word ("Tea Kettle", "Makeup Kit"): a rare
    word may be a name that the alignment put in the wrong column."""
    if not (cell.start <= r.start and r.end <= cell.end):
        return False
    entity = classify_key(cell.key)
    if entity == REGION:
        # a region column keeps its places, whatever a recognizer took them for ("Georgia" a person, "Texas" a
        # company), but not a number, a handle or an address typed into it
        return r.entity_type in (LOCATION, "NRP", PERSON, ORGANIZATION, TITLE)
    if not cell.aligned:
        return True
    if (
        cell.typical
        and entity in (KEEP, TRANSACTION_REFERENCE)
        and (r.recognition_metadata or {}).get("recognizer_name") in _SHAPE_ONLY_RECOGNIZERS
    ):
        # a code like the others under an order's, an item's or a flight's header: what only its shape made "an
        # identifier", "a postcode" or "a street" is that column's code; a checksum's or a contact's finding stays
        return True
    if entity != KEEP or r.entity_type in (ORGANIZATION, "NRP"):
        return False  # only a product's or a shop's column, and never a company, on an inference
    words = re.findall(r"[^\W\d_]+", text[cell.start : cell.end])
    g = gazetteers.load()
    return r.entity_type in _WEAK_IN_CELLS and bool(words) and all(g.zipf(w) >= 3.0 for w in words)


def _off_labels(text: str, r: RecognizerResult, labels: list[tuple[int, int]]) -> RecognizerResult | None:
    """A finding without the headers and keys it touches (a quoted JSON key read as a URL, "Content-Type" as a
    name): the longest stretch left outside them, or None when no letter or digit is left."""
    touched = [(s, e) for s, e in labels if s < r.end and r.start < e]
    if not touched:
        return r
    pieces, pos = [], r.start
    for s, e in sorted(touched):
        pieces.append((pos, max(pos, s)))
        pos = max(pos, e)
    pieces.append((pos, max(pos, r.end)))
    start, end = max(pieces, key=lambda p: p[1] - p[0])
    while start < end and not _word_char(text[start]):
        start += 1
    while end > start and not _word_char(text[end - 1]):
        end -= 1
    if end <= start:
        return None
    return RecognizerResult(r.entity_type, start, end, r.score, recognition_metadata=r.recognition_metadata)


def _clip_to_cells(text: str, results: list[RecognizerResult], cells: list[Cell]) -> list[RecognizerResult]:
    """Every finding that touches a cell is cut to the cells it covers: delimiters, quotes and keys stay."""
    out = []
    bounding = Spans([c for c in cells if not c.open_end])  # a value whose end is a guess bounds no finding
    for r in results:
        touched = bounding.overlapping(r.start, r.end)
        if not touched:
            out.append(r)
            continue
        crossing = len(touched) > 1 or not (touched[0].start <= r.start and r.end <= touched[0].end)
        for c in touched:
            start, end = max(r.start, c.start), min(r.end, c.end)
            if crossing and r.entity_type in _WHOLE_TOKEN_TYPES and "@" not in text[start:end]:
                continue  # "Hebe|compiled_2034|ana@x.org" read as one e-mail: only its own cell holds one
            if end > start:
                meta = dict(r.recognition_metadata or {})
                if c.key:
                    meta.setdefault("key", c.key)
                out.append(RecognizerResult(r.entity_type, start, end, r.score, recognition_metadata=meta))
        last = max(touched, key=lambda c: c.end)
        rest = text[last.end : r.end]
        if last.column.startswith("kv:") and rest.startswith("\n") and rest.strip():
            # an address under a key goes on below its line ("Address: Hauptstraße 14" / "10115 Berlin"), where
            # no cell bounds it: the lines below stay found
            start = last.end + len(rest) - len(rest.lstrip())
            out.append(
                RecognizerResult(r.entity_type, start, r.end, r.score, recognition_metadata=r.recognition_metadata)
            )
    return out


_SURROGATE = re.compile(r"<[A-Z_]+_(?:\d+|[0-9a-f]{8})>")


def is_surrogate(text: str, r: RecognizerResult) -> bool:
    return any(m.start() <= r.start and r.end <= m.end() for m in _SURROGATE.finditer(text))
