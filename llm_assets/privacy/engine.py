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

import atexit
import contextlib
import hashlib
import hmac
import importlib.abc
import multiprocessing
import multiprocessing.pool
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from llm_assets.core.entities import LOCATION, ORGANIZATION, PERSON, TITLE


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
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig

from llm_assets.privacy import gazetteers  # noqa: E402
from llm_assets.privacy.recognizers import (  # noqa: E402
    CASE_SENSITIVE,
    REPLACED_PRESIDIO_RECOGNIZERS,
    project_recognizers,
)
from llm_assets.privacy.recognizers.ner import CleanSpacyRecognizer  # noqa: E402
from llm_assets.privacy.settings import CONTEXTUAL_ENTITIES, AnonymizerSettings, resolve_spacy_model  # noqa: E402
from llm_assets.privacy.text import case_variant, normalize  # noqa: E402

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
            "PHONE_NUMBER",
            "IP_ADDRESS",
            "URL",
            "STREET_ADDRESS",
            "US_DRIVER_LICENSE",
            PERSON,
            "AGE",
            "ZIP_CODE",
            ORGANIZATION,
            LOCATION,
            "NRP",
            TITLE,
            "DATE_TIME",
            "REFERENCE_NUMBER",
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
    if entity in ("PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "US_BANK_NUMBER", "REFERENCE_NUMBER"):
        return re.sub(r"[^0-9A-Za-z]", "", value).upper()
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


def resolve_overlaps(results: Iterable[RecognizerResult]) -> list[RecognizerResult]:
    """Merges overlapping findings into one span covering them all (never leave part of a value behind), typed after
    the strongest finding (score, then the more specific type, then length)."""

    def strength(r: RecognizerResult) -> tuple:
        return (round(r.score, 2), -TYPE_PRIORITY.get(r.entity_type, 50), r.end - r.start)

    results = list(results)
    # an age inside a longer "date" ("35 years old") is the age: the words around it stay
    ages = [r for r in results if r.entity_type == "AGE"]
    if ages:
        results = [
            r
            for r in results
            if r.entity_type != "DATE_TIME" or not any(a.start < r.end and r.start < a.end for a in ages)
        ]
    merged: list[tuple[int, int, RecognizerResult]] = []
    for r in sorted(results, key=lambda r: (r.start, -r.end)):
        if merged and r.start < merged[-1][1]:
            start, end, best = merged[-1]
            if strength(r) > strength(best):
                best = r
            merged[-1] = (start, max(end, r.end), best)
        else:
            merged.append((r.start, r.end, r))
    return [
        RecognizerResult(b.entity_type, s, e, b.score, recognition_metadata=b.recognition_metadata)
        for s, e, b in merged
    ]


def find_known_values(text: str, known: dict[str, str], score: float = 0.95) -> list[RecognizerResult]:
    """Values the document itself declares as PII (its structured customer fields, names found elsewhere in it),
    found anywhere in its text, in any case."""
    results = []
    lowered = text.lower()
    for value, entity in known.items():
        if len(value) < 3 or value.lower() not in lowered:
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", text, flags=re.IGNORECASE):
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
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=self.nlp_engine)
        ner_entities = next(r for r in registry.recognizers if r.name == "SpacyRecognizer").supported_entities
        for name in (*REPLACED_PRESIDIO_RECOGNIZERS, "SpacyRecognizer"):
            registry.remove_recognizer(name)
        registry.add_recognizer(
            CleanSpacyRecognizer(gz, supported_language="en", supported_entities=ner_entities, name="SpacyRecognizer")
        )
        for recognizer in project_recognizers(gz):
            registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(nlp_engine=self.nlp_engine, registry=registry, supported_languages=["en"])
        case_registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in registry.recognizers:
            if recognizer.name == "SpacyRecognizer" or recognizer.name in CASE_SENSITIVE:
                case_registry.add_recognizer(recognizer)
        self.case_analyzer = AnalyzerEngine(
            nlp_engine=self.nlp_engine, registry=case_registry, supported_languages=["en"]
        )
        self.anonymizer = AnonymizerEngine()
        self._allow = {a.lower() for a in self.settings.allow_list}
        self._entities = set(self.settings.entities) | {"StructuredField"}

    @property
    def config_hash(self) -> str:
        return self.settings.config_hash()

    # -- analysis ---------------------------------------------------------------------------------------------------

    def _analyze(self, text: str, nlp_artifacts, analyzer: AnalyzerEngine | None = None) -> list[RecognizerResult]:
        if nlp_artifacts.lemmas is not None and not any(nlp_artifacts.lemmas):
            nlp_artifacts.lemmas = [t.lower_ for t in nlp_artifacts.tokens]  # context words match lower-cased tokens
        found = (analyzer or self.analyzer).analyze(
            text,
            language="en",
            # kept types are still found: a company or a date must claim its span from a mistaken name or place
            entities=list(dict.fromkeys([*self.settings.entities, *CONTEXTUAL_ENTITIES])),
            score_threshold=self.settings.score_threshold,
            nlp_artifacts=nlp_artifacts,
        )
        return [r for r in found if text[r.start : r.end].strip(" .,;:").lower() not in self._allow]

    def analyze_texts(self, texts: Sequence[str], batch_size: int = 64) -> list[list[RecognizerResult]]:
        """Findings per text (before known values and overlaps are resolved), long texts in overlapping chunks."""
        pieces: list[tuple[int, int, str]] = []  # (text index, offset, piece)
        for i, text in enumerate(texts):
            pieces += [
                (i, off, piece) for off, piece in chunks(text, self.settings.chunk_chars, self.settings.chunk_overlap)
            ]
        artifacts = self._nlp([p for _, _, p in pieces], batch_size)
        found: list[list[RecognizerResult]] = [[] for _ in texts]
        variants = []
        for (i, off, piece), nlp_artifacts in zip(pieces, artifacts, strict=True):
            found[i] += [self._shift(r, off) for r in self._analyze(piece, nlp_artifacts)]
            variant = case_variant(piece)
            if variant is not None:
                variants.append((i, off, variant))
        # ALL CAPS and all-lower-case texts defeat NER and capitalization rules: a title-cased copy (same length,
        # offsets carry over) gets a second look by what depends on capitals.
        if variants:
            for (i, off, variant), nlp_artifacts in zip(
                variants, self._nlp([v for _, _, v in variants], batch_size), strict=True
            ):
                found[i] += [self._shift(r, off) for r in self._analyze(variant, nlp_artifacts, self.case_analyzer)]
        return found

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

    def anonymize_documents(
        self, documents: Sequence[dict[str, str]], batch_size: int = 64, n_process: int = 1
    ) -> list[AnonymizedDocument]:
        """Anonymizes every non-passthrough string field of each document (a ``{field: text}`` dict), in this
        process (``n_process`` > 1 spreads the documents over a worker pool, see ``anonymize_in_workers``)."""
        if n_process > 1 and len(documents) >= PARALLEL_MIN_DOCUMENTS and multiprocessing.parent_process() is None:
            return anonymize_in_workers(self.settings, documents, n_process, batch_size)
        return self.anonymize_serial(documents, batch_size)

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

    def _anonymize_batch(self, documents: Sequence[dict[str, str]], batch_size: int) -> list[AnonymizedDocument]:
        jobs: list[tuple[int, str, str]] = []
        for i, doc in enumerate(documents):
            for name, value in doc.items():
                if name not in self.settings.passthrough_fields and isinstance(value, str) and value.strip():
                    jobs.append((i, name, value))
        mappers = [SurrogateMapper(self.settings) for _ in documents]
        known = [self._known_values(doc) for doc in documents]
        out = [AnonymizedDocument(fields=dict(doc), redactions=[]) for doc in documents]
        # Structured PII fields first, so the customer's full name claims <PERSON_1> before any partial mention.
        jobs.sort(key=lambda j: (j[0], j[1] not in self.settings.pii_fields))
        free = [k for k, j in enumerate(jobs) if j[1] not in self.settings.pii_fields]
        analysed = dict(zip(free, self.analyze_texts([jobs[k][2] for k in free], batch_size), strict=True))
        found: list[list[RecognizerResult]] = []
        for k, (i, name, text) in enumerate(jobs):
            if name in self.settings.pii_fields:
                entity = self.settings.pii_fields[name]
                meta = {"recognizer_name": "StructuredField"}
                found.append([RecognizerResult(entity, 0, len(text), 1.0, recognition_metadata=meta)])
            else:
                results = (
                    analysed[k] + find_known_values(text, known[i]) + find_known_values(text, self.settings.deny_list)
                )
                found.append(self._policy(resolve_overlaps(results)))
        # A name found in one field of a document is that document's PII in every field
        # ("Cheers, Sofia Johnson" in the message makes "Hi Sofia" in the reply a redaction too).
        for (i, _, text), results in zip(jobs, found, strict=True):
            for r in results:
                if r.entity_type == "PERSON":
                    value = text[r.start : r.end].strip()
                    known[i].setdefault(value, PERSON)
                    for part in value.split():
                        if len(part) > 2 and part.lower() not in self._allow and part[0].isupper():
                            known[i].setdefault(part, PERSON)
        for (i, name, text), results in zip(jobs, found, strict=True):
            if name not in self.settings.pii_fields:
                # low score: where a recognizer found the span itself, its attribution stays in the audit
                results = self._policy(resolve_overlaps(results + find_known_values(text, known[i], score=0.51)))
            new_text, redactions = self._apply(text, results, mappers[i], name)
            out[i].fields[name] = new_text
            out[i].redactions.extend(redactions)
        return out

    def _policy(self, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """Spans of a type the policy keeps (organizations, dates) stay in the text."""
        return [r for r in results if r.entity_type in self._entities]

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


# -- the worker pool ------------------------------------------------------------------------------------------------

PARALLEL_MIN_DOCUMENTS = 200
MAX_POOLS = 2
_POOLS: dict[tuple[str, int], multiprocessing.pool.Pool] = {}
_WORKER_ENGINE: AnonymizationEngine | None = None


def _init_worker(settings: AnonymizerSettings) -> None:
    global _WORKER_ENGINE
    _WORKER_ENGINE = AnonymizationEngine(settings)


def _anonymize_chunk(args: tuple[list[dict[str, str]], int]) -> list[AnonymizedDocument]:
    documents, batch_size = args
    assert _WORKER_ENGINE is not None
    return _WORKER_ENGINE.anonymize_serial(documents, batch_size)


def _ping(_: int) -> bool:
    return _WORKER_ENGINE is not None


def _worker_pool(settings: AnonymizerSettings, n_process: int) -> multiprocessing.pool.Pool:
    """A pool of spawned workers per configuration, started once per process and warmed before use (each worker
    loads spaCy and the word lists, a few seconds), so time budgets count analysis only."""
    key = (settings.config_hash(), n_process)
    if key not in _POOLS:
        while len(_POOLS) >= MAX_POOLS:  # another configuration's workers make room (oldest first)
            _POOLS.pop(next(iter(_POOLS))).terminate()
        gazetteers.load()  # build the word lists once here, not in every worker at the same time
        # spawn, not fork: the parent may be a threaded Dagster process, and forking threads invites deadlocks
        ctx = multiprocessing.get_context("spawn")
        pool = ctx.Pool(n_process, initializer=_init_worker, initargs=(settings,))
        pool.map_async(_ping, range(n_process), chunksize=1).get(timeout=WORKER_START_S)
        _POOLS[key] = pool
    return _POOLS[key]


def _drop_pool(settings: AnonymizerSettings, n_process: int) -> None:
    pool = _POOLS.pop((settings.config_hash(), n_process), None)
    if pool is not None:
        pool.terminate()
        pool.join()


@atexit.register
def _close_pools() -> None:
    for pool in _POOLS.values():
        pool.terminate()
    _POOLS.clear()


WORKER_START_S = 180.0  # the most a fresh worker may take to load spaCy and the word lists


def anonymize_in_workers(
    settings: AnonymizerSettings,
    documents: Sequence[dict[str, str]],
    n_process: int,
    batch_size: int = 64,
    time_budget_s: float = 60.0,
    chunk_size: int = 16,
) -> list[AnonymizedDocument]:
    """Anonymizes in ``n_process`` spawned workers, in order, with a time budget per document. A chunk that runs past
    its budget (or whose worker dies) is retried one document at a time in a fresh pool; the document that exhausts
    its own budget is held back as ``analysis_timeout`` (``analysis_error`` if it kills its worker), the rest go on."""
    out: list[AnonymizedDocument | None] = [None] * len(documents)
    pending = [list(range(i, min(len(documents), i + chunk_size))) for i in range(0, len(documents), chunk_size)]
    while pending:
        pool = _worker_pool(settings, n_process)
        tasks = [
            (idx, pool.apply_async(_anonymize_chunk, (([documents[i] for i in idx], batch_size),))) for idx in pending
        ]
        pending = []
        # budgets run from submission: a chunk waits for those before it, shared among n_process workers
        started, queued = time.monotonic(), 0
        for n, (idx, task) in enumerate(tasks):
            deadline = started + time_budget_s * (queued / n_process + len(idx))
            queued += len(idx)
            try:
                for i, res in zip(idx, task.get(timeout=max(0.0, deadline - time.monotonic())), strict=True):
                    out[i] = res
                continue
            except multiprocessing.TimeoutError:
                reason = ("analysis_timeout", f"analysis ran past its budget of {time_budget_s:g} s")
                _drop_pool(settings, n_process)  # the stuck worker goes with it; what was queued runs again
                pending += [later for later, _ in tasks[n + 1 :]]
            except Exception as exc:  # noqa: BLE001  (a worker died or raised)
                reason = ("analysis_error", type(exc).__name__)
            if len(idx) == 1:
                out[idx[0]] = failed(*reason)
            else:
                pending += [[i] for i in idx]
            if reason[0] == "analysis_timeout":
                break
    return [o if o is not None else failed("analysis_error", "lost") for o in out]


_SURROGATE = re.compile(r"<[A-Z_]+_(?:\d+|[0-9a-f]{8})>")


def is_surrogate(text: str, r: RecognizerResult) -> bool:
    return any(m.start() <= r.start and r.end <= m.end() for m in _SURROGATE.finditer(text))
