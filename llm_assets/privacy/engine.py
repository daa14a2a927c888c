"""The project's anonymization engine: Presidio analyzer + anonymizer, offline, with consistent surrogates.

Used by the ``anonymized_documents`` asset and by anything else that must anonymize exactly as the pipeline does.
Within a document the same value always gets the same surrogate (``<PERSON_1>`` in the message, the reply and the
structured fields alike); with the ``pseudonym`` operator and a secret salt the surrogate is a keyed hash, the same
across the whole corpus. Raw values never leave this module: redactions are reported by type, offsets, recognizer
and surrogate only.
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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass


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

from llm_assets.privacy.recognizers import custom_recognizers, find_known_values  # noqa: E402
from llm_assets.privacy.settings import (  # noqa: E402, F401  (re-exported)
    CASE_SENSITIVE_RECOGNIZERS,
    DEFAULT_ALLOW_LIST,
    DEFAULT_ENTITIES,
    DEFAULT_PASSTHROUGH_FIELDS,
    DEFAULT_PII_FIELDS,
    HIGH_RISK_ENTITIES,
    OPERATORS,
    SLOW_REDUNDANT_RECOGNIZERS,
    SPACY_UNUSED,
    AnonymizerSettings,
)


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


def _normalize(entity: str, value: str) -> str:
    if entity in ("PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "US_BANK_NUMBER"):
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
        key = (entity, _normalize(entity, value))
        if key in self._by_value:
            return self._by_value[key]
        if entity == "PERSON" and " " not in key[1] and key[1] in self._person_tokens:
            return self._person_tokens[key[1]]  # "Olivia" after "Olivia Smith" is the same person
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


def _resolve_overlaps(results: Iterable[RecognizerResult]) -> list[RecognizerResult]:
    """Merges overlapping findings into one span covering them all (never leave part of a value behind), typed
    after the strongest finding (score, then length)."""
    merged: list[tuple[int, int, RecognizerResult]] = []
    for r in sorted(results, key=lambda r: (r.start, -r.end)):
        if merged and r.start < merged[-1][1]:
            start, end, best = merged[-1]
            if (r.score, r.end - r.start) > (best.score, best.end - best.start):
                best = r
            merged[-1] = (start, max(end, r.end), best)
        else:
            merged.append((r.start, r.end, r))
    return [
        RecognizerResult(b.entity_type, s, e, b.score, recognition_metadata=b.recognition_metadata)
        for s, e, b in merged
    ]


class AnonymizationEngine:
    def __init__(self, settings: AnonymizerSettings | None = None):
        self.settings = settings or AnonymizerSettings()
        provider = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": self.settings.spacy_model}],
                "ner_model_configuration": {
                    "labels_to_ignore": [
                        "CARDINAL",
                        "ORDINAL",
                        "QUANTITY",
                        "MONEY",
                        "PERCENT",
                        "TIME",
                        "DATE",
                        "PRODUCT",
                        "WORK_OF_ART",
                        "LAW",
                        "LANGUAGE",
                        "EVENT",
                        "ORG",
                        "NORP",
                        "FAC",
                    ],
                },
            }
        )
        self.nlp_engine = provider.create_engine()
        # Presidio reads tokens, lemmas and entities only: the parser, and the tagger chain that feeds the lemmatizer,
        # are most of spaCy's time. Without a lemmatizer, context words match on the lower-cased token instead.
        for pipe in self.settings.spacy_disable:
            if pipe in self.nlp_engine.nlp["en"].pipe_names:
                self.nlp_engine.nlp["en"].disable_pipe(pipe)
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=self.nlp_engine)
        for name in SLOW_REDUNDANT_RECOGNIZERS:
            registry.remove_recognizer(name)
        for recognizer in custom_recognizers():
            registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(nlp_engine=self.nlp_engine, registry=registry, supported_languages=["en"])
        # The second look at ALL CAPS / lower-case texts needs only what depends on capitalization: the NER and the
        # case-sensitive patterns; the others already ran on the original text.
        case_registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in registry.recognizers:
            if recognizer.name == "SpacyRecognizer" or recognizer.name in CASE_SENSITIVE_RECOGNIZERS:
                case_registry.add_recognizer(recognizer)
        self.case_analyzer = AnalyzerEngine(
            nlp_engine=self.nlp_engine, registry=case_registry, supported_languages=["en"]
        )
        self.anonymizer = AnonymizerEngine()
        self._allow = {a.lower() for a in self.settings.allow_list}

    @property
    def config_hash(self) -> str:
        return self.settings.config_hash()

    def _analyze(
        self, text: str, nlp_artifacts, known: dict[str, str], analyzer: AnalyzerEngine | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts.lemmas and not any(nlp_artifacts.lemmas):
            nlp_artifacts.lemmas = [t.lower_ for t in nlp_artifacts.tokens]
        found = (analyzer or self.analyzer).analyze(
            text,
            language="en",
            entities=list(self.settings.entities),
            score_threshold=self.settings.score_threshold,
            nlp_artifacts=nlp_artifacts,
        )
        found = [r for r in found if text[r.start : r.end].strip(" .,;:").lower() not in self._allow]
        found += find_known_values(text, known)
        found += find_known_values(text, self.settings.deny_list)
        return _resolve_overlaps(found)

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
                        known.setdefault(part, "PERSON")
        return known

    def anonymize_documents(
        self, documents: Sequence[dict[str, str]], batch_size: int = 64, n_process: int = 1
    ) -> list[AnonymizedDocument]:
        """Anonymizes every non-passthrough string field of each document (a ``{field: text}`` dict).

        With ``n_process`` > 1 and enough documents, contiguous chunks go to worker processes that each hold their
        own engine (the whole per-document work runs in parallel, not only spaCy); the order is kept.
        """
        # (never from inside a worker: a script without a __main__ guard is re-run there by spawn)
        if n_process > 1 and len(documents) >= PARALLEL_MIN_DOCUMENTS and multiprocessing.parent_process() is None:
            pool = _worker_pool(self.settings, n_process)
            size = max(16, -(-len(documents) // (n_process * 4)))
            chunks = [list(documents[i : i + size]) for i in range(0, len(documents), size)]
            return [doc for part in pool.imap(_anonymize_chunk, [(c, batch_size) for c in chunks]) for doc in part]
        return self._anonymize_serial(documents, batch_size)

    def _anonymize_serial(self, documents: Sequence[dict[str, str]], batch_size: int) -> list[AnonymizedDocument]:
        """spaCy runs once over all texts through ``nlp.pipe``; the pattern recognizers and the anonymizer per text."""
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
        artifacts = self.nlp_engine.process_batch([j[2] for j in jobs], language="en", batch_size=batch_size)
        found: list[list[RecognizerResult]] = []
        for (i, name, text), (_, nlp_artifacts) in zip(jobs, artifacts, strict=True):
            if name in self.settings.pii_fields:
                entity = self.settings.pii_fields[name]
                found.append(
                    [
                        RecognizerResult(
                            entity, 0, len(text), 1.0, recognition_metadata={"recognizer_name": "StructuredField"}
                        )
                    ]
                )
            else:
                found.append(self._analyze(text, nlp_artifacts, known[i]))
        # ALL CAPS and all-lower-case texts defeat NER and capitalization-based patterns: analyze a title-cased
        # copy too (same length, so offsets carry over) and keep the findings of both.
        variants = [
            (k, _case_variant(jobs[k][2])) for k in range(len(jobs)) if jobs[k][1] not in self.settings.pii_fields
        ]
        variants = [(k, v) for k, v in variants if v is not None]
        if variants:
            variant_artifacts = self.nlp_engine.process_batch(
                [v for _, v in variants],
                language="en",
                batch_size=batch_size,
            )
            for (k, variant), (_, nlp_artifacts) in zip(variants, variant_artifacts, strict=True):
                more = self._analyze(variant, nlp_artifacts, known[jobs[k][0]], analyzer=self.case_analyzer)
                found[k] = _resolve_overlaps(found[k] + more)
        # Second pass: a name found in one field of a document is that document's PII in every field
        # ("Cheers, Sofia Johnson" in the message makes "Hi Sofia" in the reply a redaction too).
        for (i, _, text), results in zip(jobs, found, strict=True):
            for r in results:
                if r.entity_type == "PERSON":
                    value = text[r.start : r.end].strip()
                    known[i].setdefault(value, "PERSON")
                    for part in value.split():
                        if len(part) > 2 and part.lower() not in self._allow:
                            known[i].setdefault(part, "PERSON")
        for (i, name, text), results in zip(jobs, found, strict=True):
            if name not in self.settings.pii_fields:
                # low score: where a recognizer found the span itself, its attribution stays in the audit
                results = _resolve_overlaps(results + find_known_values(text, known[i], score=0.51))
            new_text, redactions = self._apply(text, results, mappers[i], name)
            out[i].fields[name] = new_text
            out[i].redactions.extend(redactions)
        return out

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

    def scan(
        self, texts: Sequence[str], entities: Sequence[str] = HIGH_RISK_ENTITIES, score_threshold: float = 0.5
    ) -> list[list[RecognizerResult]]:
        """Finds PII of ``entities`` in already-anonymized texts (surrogates such as ``<PHONE_NUMBER_1>`` are ignored).

        Only the pattern and checksum recognizers run, without context boosts: a finding here stands on its own.
        """
        recognizers = [
            r
            for r in self.analyzer.registry.get_recognizers(language="en", entities=list(entities))
            if not getattr(r, "is_nlp_recognizer", False) and r.name != "SpacyRecognizer"
        ]
        findings = []
        for text in texts:
            results = [
                res
                for rec in recognizers
                for res in (rec.analyze(text, list(entities), None) or [])
                if res.score >= score_threshold and res.entity_type in entities
            ]
            findings.append([r for r in results if not _is_surrogate(text, r)])
        return findings


PARALLEL_MIN_DOCUMENTS = 200
_POOLS: dict[tuple[str, int], multiprocessing.pool.Pool] = {}
_WORKER_ENGINE: AnonymizationEngine | None = None


def _init_worker(settings: AnonymizerSettings) -> None:
    global _WORKER_ENGINE
    _WORKER_ENGINE = AnonymizationEngine(settings)


def _anonymize_chunk(args: tuple[list[dict[str, str]], int]) -> list[AnonymizedDocument]:
    documents, batch_size = args
    assert _WORKER_ENGINE is not None
    return _WORKER_ENGINE._anonymize_serial(documents, batch_size)


def _worker_pool(settings: AnonymizerSettings, n_process: int) -> multiprocessing.pool.Pool:
    """A pool of spawned workers per configuration, started once per process (each loads spaCy, a few seconds)."""
    key = (settings.config_hash(), n_process)
    if key not in _POOLS:
        # spawn, not fork: the parent may be a threaded Dagster process, and forking threads invites deadlocks
        ctx = multiprocessing.get_context("spawn")
        _POOLS[key] = ctx.Pool(n_process, initializer=_init_worker, initargs=(settings,))
    return _POOLS[key]


@atexit.register
def _close_pools() -> None:
    for pool in _POOLS.values():
        pool.terminate()
    _POOLS.clear()


def _case_variant(text: str) -> str | None:
    """A title-cased copy of a text written in ALL CAPS or all lower case, or None for ordinary text."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 12:
        return None
    upper = sum(c.isupper() for c in letters) / len(letters)
    if 0.03 < upper < 0.9:
        return None
    variant = text.title()
    return variant if len(variant) == len(text) else None


_SURROGATE = re.compile(r"<[A-Z_]+_(?:\d+|[0-9a-f]{8})>")


def _is_surrogate(text: str, r: RecognizerResult) -> bool:
    return any(m.start() <= r.start and r.end <= m.end() for m in _SURROGATE.finditer(text))
