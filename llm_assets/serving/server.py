"""The served champion: a small ASGI app (Starlette under uvicorn) in front of the registered MLflow pyfunc.

A ticket is anonymized with the pipeline's own engine and configuration before the model sees it; placeholders in
the reply are filled back with the request's own values for the caller only. What is logged (the inference log,
feedback) holds placeholders and keyed fingerprints, never a raw value. A watcher follows the ``champion`` (and,
with a canary share, the ``challenger``) alias and swaps models without dropping requests: a request keeps the model
it was routed to until it is answered. With the openvino engine (the default) a request joins the engine's running
batch at its next step (continuous batching); with the transformers engine requests are batched dynamically: the
generation worker takes whatever is queued (up to ``max_batch``, waiting at most ``batch_wait_ms`` for company).
Every request carries a deadline (``deadline_s`` after it arrived): one not answered by then is dropped and refused
(504), never answered minutes late.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import queue
import re
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from llm_assets.core.fingerprints import fingerprint, word_count
from llm_assets.core.generation import DeadlineExceeded, placeholders

log = logging.getLogger("llm_assets.serving")

REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")
TICKET_TEXT_FIELDS = ("subject", "message")


class ServeConfig(BaseModel):
    """How the server runs (``llm-pipeline serve`` flags)."""

    host: str = Field(default="127.0.0.1", description="Interface to bind: loopback unless you put it behind a proxy.")
    port: int = Field(default=8080, description="TCP port.")
    max_batch: int = Field(default=4, description="Most requests generated together (dynamic batching).")
    batch_wait_ms: float = Field(default=5.0, description="How long the first queued request waits for company.")
    max_new_tokens: int = Field(default=64, description="Reply length limit, in tokens.")
    max_message_chars: int = Field(default=8000, description="Longer tickets are refused (413).")
    max_queue: int = Field(
        default=32, description="Tickets waiting for generation beyond which new ones are refused at once (503)."
    )
    poll_seconds: float = Field(default=10.0, description="How often the alias watcher asks MLflow for changes.")
    challenger_share: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Share of requests routed to the challenger alias (canary); 0 = off."
    )
    challenger_alias: str = Field(default="challenger", description="Registry alias of the canary model.")
    engine: str = Field(
        default="auto",
        description="'auto' (the engine the model was logged with: openvino for versions with a GGUF export), "
        "'openvino' or 'transformers' (the reference path).",
    )
    engine_threads: int = Field(default=0, description="Inference threads of the openvino engine (0 = every core).")
    deadline_s: float = Field(
        default=10.0, gt=0, description="A request not answered this long after it arrived is dropped (504)."
    )
    merge: bool = Field(default=True, description="transformers: merge the LoRA weights into the base model at load.")
    quantize: str = Field(default="none", description="transformers: 'none' or 'int8' (dynamic int8 linear layers).")
    remember_requests: int = Field(
        default=10_000, description="Recent requests whose values anonymize a corrected reply sent as feedback."
    )


@dataclass
class Served:
    alias: str
    version: str
    model: object  # mlflow.pyfunc.PyFuncModel
    model_name: str = ""  # the registered model (the fallback has its own)
    loaded_at: float = field(default_factory=time.time)
    inflight: int = 0  # requests routed to it and not answered yet
    retired: bool = False  # swapped out: closed once its last request is answered

    @property
    def python_model(self):
        unwrap = getattr(self.model, "unwrap_python_model", None)
        try:
            return unwrap() if unwrap else None
        except Exception:  # noqa: BLE001  (a model without a Python implementation)
            return None

    @property
    def engine(self) -> str:
        return str(getattr(self.python_model, "engine_name", "transformers"))

    @property
    def continuous_batching(self) -> bool:
        return bool(getattr(self.python_model, "continuous_batching", False))

    def close(self) -> None:
        close = getattr(self.python_model, "close", None)
        if close:
            try:
                close()
            except Exception:  # noqa: BLE001
                log.exception("closing v%s failed", self.version)


class ModelRouter:
    """The loaded model per alias, swapped atomically when the registry alias moves."""

    def __init__(self, mlflow_tracking, config: ServeConfig, on_fallback=None):
        self.tracking = mlflow_tracking
        self.config = config
        self.on_fallback = on_fallback  # called with the fallback version when it starts answering (an alert)
        self._served: dict[str, Served] = {}
        self._lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self.swaps = 0

    def aliases(self) -> list[str]:
        wanted = [self.tracking.champion_alias]
        if self.config.challenger_share > 0:
            wanted.append(self.config.challenger_alias)
        return wanted

    @staticmethod
    def _alias_version(client, model_name: str, alias: str) -> str | None:
        from mlflow.exceptions import MlflowException

        try:
            return str(client.get_model_version_by_alias(model_name, alias).version)
        except MlflowException:
            return None

    def refresh(self) -> dict[str, str | None]:
        """Loads what each alias points at now (outside the lock), then swaps. An alias that disappeared (an erasure
        demoted its version) stops being served; while the champion's is gone, the fallback answers, loaded before
        the champion is let go, and let go once a champion is loaded again."""
        with self._refresh_lock:
            client = self.tracking.client()
            name, champion_alias = self.tracking.registered_model_name, self.tracking.champion_alias
            wanted = {alias: self._alias_version(client, name, alias) for alias in self.aliases()}
            fallback_alias = self.tracking.fallback_alias
            if wanted[champion_alias] is None:
                fallback_name = self.tracking.fallback_model_name
                was = self._served.get(fallback_alias)
                now = self._sync(
                    fallback_alias, fallback_name, self._alias_version(client, fallback_name, fallback_alias)
                )
                if now is not None and (was is None or was.version != now.version):
                    log.warning("no champion: the fallback %s v%s answers", fallback_name, now.version)
                    if self.on_fallback is not None:
                        self.on_fallback(now.version)
            for alias, version in wanted.items():
                self._sync(alias, name, version)
            if self._served.get(champion_alias) is not None and fallback_alias in self._served:
                self._sync(fallback_alias, "", None)
                log.info("a champion is served again: the fallback is let go")
            return {alias: (s.version if (s := self._served.get(alias)) else None) for alias in self._aliases_shown()}

    def _aliases_shown(self) -> list[str]:
        return self.aliases() + ([self.tracking.fallback_alias] if self.tracking.fallback_alias in self._served else [])

    def _sync(self, alias: str, model_name: str, version: str | None) -> Served | None:
        """Serves ``model_name`` ``version`` under ``alias`` (None: stops serving the alias); what it serves now."""
        import mlflow.pyfunc

        current = self._served.get(alias)
        if version is None:
            if current is not None:
                with self._lock:
                    self._served.pop(alias, None)
                self._retire(current)
                log.warning("alias %s removed: no longer served", alias)
            return None
        if current is not None and current.version == version and current.model_name == model_name:
            return current
        uri = f"models:/{model_name}/{version}"
        try:
            model = mlflow.pyfunc.load_model(uri, model_config=self._overrides(uri))
        except Exception:  # keep serving what was loaded
            log.exception("could not load %s (alias %s)", uri, alias)
            return current
        with self._lock:
            self._served[alias] = served = Served(alias, version, model, model_name)
            self.swaps += 1
        if current is not None:
            self._retire(current)
        log.info("serving %s %s v%s (%s engine)", alias, model_name, version, served.engine)
        return served

    def _overrides(self, uri: str) -> dict:
        """The server's load-time settings, for the keys the model logged (a version logged before the engine
        existed has no engine keys, and MLflow takes no others)."""
        from mlflow.models import Model

        wanted = {
            "merge": self.config.merge,
            "quantize": self.config.quantize,
            "engine_threads": self.config.engine_threads,
            **({"engine": self.config.engine} if self.config.engine != "auto" else {}),
        }
        try:
            flavor = Model.load(uri).flavors.get("python_function", {})
            logged = flavor.get("config") or flavor.get("model_config") or {}  # MLmodel stores it as "config"
        except Exception:  # noqa: BLE001  (load_model reports what is wrong with the model)
            logged = {}
        return {k: v for k, v in wanted.items() if k in logged}

    def _retire(self, served: Served) -> None:
        """A swapped-out model is closed once the requests routed to it are answered (none is dropped)."""
        with self._lock:
            served.retired = True
            idle = served.inflight == 0
        if idle:
            served.close()

    def release(self, served: Served) -> None:
        """A request routed to ``served`` is answered (or failed)."""
        with self._lock:
            served.inflight -= 1
            close = served.retired and served.inflight == 0
        if close:
            served.close()

    def pick(self, request_id: str) -> Served | None:
        """The model a request is routed to; it stays loaded until ``release``."""
        with self._lock:
            champion = self._served.get(self.tracking.champion_alias)
            fallback = self._served.get(self.tracking.fallback_alias)
            challenger = self._served.get(self.config.challenger_alias) if self.config.challenger_share > 0 else None
            picked = champion
            # a canary runs beside a champion, never instead of one (no champion: nothing is served)
            if challenger is not None and champion is not None:
                u = int(hashlib.sha256(request_id.encode()).hexdigest()[:8], 16) / 16**8
                if u < self.config.challenger_share:
                    picked = challenger
            if picked is None:  # governance removed the champion: the base model with the few-shot prompt answers
                picked = fallback
            if picked is not None:
                picked.inflight += 1
            return picked

    def status(self) -> dict[str, str]:
        with self._lock:
            return {alias: s.version for alias, s in self._served.items()}


@dataclass
class _Job:
    served: Served
    row: dict
    max_new_tokens: int
    future: Future
    deadline: float | None = None  # time.perf_counter() value
    queued_at: float = field(default_factory=time.perf_counter)


class Batcher:
    """One generation thread: the model uses every core for one batch; concurrent requests join the next batch."""

    def __init__(self, max_batch: int, wait_ms: float):
        self.max_batch = max(1, max_batch)
        self.wait_s = max(0.0, wait_ms) / 1000
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="generation", daemon=True)
        self._thread.start()

    def waiting(self) -> int:
        return self._queue.qsize()

    def submit(self, served: Served, row: dict, max_new_tokens: int, deadline: float | None = None) -> Future:
        job = _Job(served, row, max_new_tokens, Future(), deadline)
        self._queue.put(job)
        return job.future

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _gather(self, first: _Job) -> list[_Job]:
        jobs = [first]
        deadline = time.perf_counter() + self.wait_s
        while len(jobs) < self.max_batch:
            try:
                job = self._queue.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                break
            if job is None:
                self._queue.put(None)
                break
            jobs.append(job)
        return jobs

    def _loop(self) -> None:
        import pandas as pd

        while (first := self._queue.get()) is not None:
            groups: dict[tuple[int, int], list[_Job]] = {}
            now = time.perf_counter()
            for job in self._gather(first):
                if job.deadline is not None and now >= job.deadline:  # too late to start: refused, not generated
                    job.future.set_exception(DeadlineExceeded(f"waited {now - job.queued_at:.2f} s in the queue"))
                    continue
                groups.setdefault((id(job.served), job.max_new_tokens), []).append(job)
            for jobs in groups.values():
                started = time.perf_counter()
                try:
                    out = jobs[0].served.model.predict(
                        pd.DataFrame([j.row for j in jobs]), params={"max_new_tokens": jobs[0].max_new_tokens}
                    )
                except Exception as exc:  # noqa: BLE001  (answered as a 500 to each request of the batch)
                    for j in jobs:
                        j.future.set_exception(exc)
                    continue
                generate_s = time.perf_counter() - started
                for j, row in zip(jobs, out.to_dict("records"), strict=True):
                    j.future.set_result(
                        {**row, "generate_s": generate_s, "queue_s": started - j.queued_at, "batch_size": len(jobs)}
                    )


@dataclass
class AnonymizedTicket:
    fields: dict[str, str]  # anonymized subject, message (+ other fields sent)
    originals: dict[str, str]  # surrogate -> the request's value: fills the reply for the caller, never logged
    fingerprints: list[dict]  # keyed fingerprints of the replaced values: the leak scan's evidence
    entity_counts: dict[str, int]


class TicketAnonymizer:
    """The pipeline's engine (same configuration as anonymize_documents), one call at a time."""

    def __init__(self, anonymizer, key: bytes):
        from llm_assets.core.anonymization.text import normalize

        self._normalize = normalize
        self._engine = anonymizer.engine()
        self._key = key
        self._lock = threading.Lock()

    def fingerprints(self, values: dict[str, str]) -> list[dict]:
        """surrogate -> value pairs as fingerprint records (entity type read from the placeholder)."""
        return [
            {
                "entity_type": s.strip("<>").rsplit("_", 1)[0],
                "fingerprint": fingerprint(self._key, v),
                "words": word_count(v),
            }
            for s, v in values.items()
        ]

    def __call__(self, fields: dict[str, str]) -> AnonymizedTicket:
        doc = {"text" if k == "message" else k: v for k, v in fields.items()}
        with self._lock:
            result = self._engine.anonymize_serial([doc])[0]
        if not result.ok:
            raise ValueError(result.failure or "analysis_error")
        normalized = {k: self._normalize(v) for k, v in doc.items() if isinstance(v, str)}
        originals: dict[str, str] = {}
        prints: dict[str, dict] = {}
        counts: dict[str, int] = {}
        for r in result.redactions:
            value = normalized.get(r.field, "")[r.start : r.end]
            if not value.strip():
                continue
            originals.setdefault(r.surrogate, value)
            counts[r.entity_type] = counts.get(r.entity_type, 0) + 1
            fp = fingerprint(self._key, value)
            prints[fp] = {"entity_type": r.entity_type, "fingerprint": fp, "words": word_count(value)}
        out = {("message" if k == "text" else k): v for k, v in result.fields.items()}
        return AnonymizedTicket(out, originals, list(prints.values()), counts)


def fill_back(text: str, originals: dict[str, str]) -> str:
    for surrogate in sorted(originals, key=len, reverse=True):
        text = text.replace(surrogate, originals[surrogate])
    return text


def scrub(text: str, originals: dict[str, str]) -> tuple[str, int]:
    """The request's own values put back as placeholders wherever they appear in text bound for a log (a model that
    echoes a value it was never shown is impossible; a value the engine missed in one field but found in another is
    not)."""
    hits = 0
    for surrogate, value in sorted(originals.items(), key=lambda kv: len(kv[1]), reverse=True):
        if len(value) >= 3 and value in text:
            hits += text.count(value)
            text = text.replace(value, surrogate)
    return text, hits


class TicketService:
    """What the HTTP layer calls: answer a ticket, take feedback. Independent of the web framework (and tested so)."""

    def __init__(self, config: ServeConfig, router: ModelRouter, anonymize: TicketAnonymizer, writer):
        self.config = config
        self.router = router
        self.anonymize = anonymize
        self.writer = writer
        self.batcher = Batcher(config.max_batch, config.batch_wait_ms)
        self.counters = {
            "answered": 0,
            "refused_busy": 0,
            "dropped_deadline": 0,
            "replies_with_unknown_placeholders": 0,
            "unknown_placeholders_repaired": 0,
        }
        self._recent: OrderedDict[str, dict] = OrderedDict()
        self._recent_lock = threading.Lock()

    def close(self) -> None:
        self.batcher.close()

    def _remember(self, request_id: str, info: dict) -> None:
        with self._recent_lock:
            self._recent[request_id] = info
            while len(self._recent) > self.config.remember_requests:
                self._recent.popitem(last=False)

    def _recalled(self, request_id: str) -> dict | None:
        with self._recent_lock:
            return self._recent.get(request_id)

    async def answer(self, ticket: dict) -> dict:
        received = time.perf_counter()
        deadline = received + self.config.deadline_s
        request_id = uuid.uuid4().hex
        served = self.router.pick(request_id)
        if served is None:
            raise LookupError("no model behind the champion alias and no fallback registered")
        try:
            return await self._answer(ticket, request_id, served, received, deadline)
        finally:
            self.router.release(served)

    async def _answer(self, ticket: dict, request_id: str, served: Served, received: float, deadline: float) -> dict:
        fields = {k: str(v) for k, v in ticket.items() if isinstance(v, str) and v.strip()}
        anon = await asyncio.to_thread(self.anonymize, fields)
        anonymized_s = time.perf_counter() - received
        row = {
            "subject": anon.fields.get("subject", ""),
            "message": anon.fields.get("message", ""),
            # a reply may name what the customer fields hold ("Hi <PERSON_1>"): filled back below
            "ticket_placeholders": " ".join(placeholders(*anon.fields.values())),
        }
        model = served.python_model if served.continuous_batching else None
        waiting = model.waiting() if model is not None else self.batcher.waiting()
        if waiting >= self.config.max_queue:
            # refusing at once beats answering after minutes: the client can retry or fall back to a person
            self.counters["refused_busy"] += 1
            raise LookupError(f"busy: {waiting} tickets waiting")
        if model is not None:  # continuous batching: joins the engine's running batch
            future = model.submit(row, self.config.max_new_tokens, deadline=deadline)
        else:
            future = self.batcher.submit(served, row, self.config.max_new_tokens, deadline)
        try:
            result = await asyncio.wrap_future(future)
        except DeadlineExceeded as exc:
            self.counters["dropped_deadline"] += 1
            raise TimeoutError(f"deadline: {exc}") from exc
        latency_s = time.perf_counter() - received
        unknown = int(result.get("unknown_placeholders", 0) or 0)
        self.counters["answered"] += 1
        self.counters["unknown_placeholders_repaired"] += unknown
        self.counters["replies_with_unknown_placeholders"] += bool(unknown)
        reply_logged, hits_reply = scrub(result["reply"], anon.originals)
        completion_logged, hits_completion = scrub(result["completion"], anon.originals)
        subject_logged, hits_subject = scrub(row["subject"], anon.originals)
        message_logged, hits_message = scrub(row["message"], anon.originals)
        self.writer.write(
            "requests",
            {
                "request_id": request_id,
                "received_at": datetime.now(UTC).isoformat(),
                "model_name": served.model_name or self.router.tracking.registered_model_name,
                "model_version": served.version,
                "alias": served.alias,
                "subject": subject_logged,
                "message": message_logged,
                "category": result["category"],
                "reply": reply_logged,
                "completion": completion_logged,
                "format_ok": bool(result["format_ok"]),
                "new_tokens": int(result["new_tokens"]),
                "latency_ms": round(latency_s * 1000, 2),
                "anonymize_ms": round(anonymized_s * 1000, 2),
                "queue_ms": round(result["queue_s"] * 1000, 2),
                "generate_ms": round(result["generate_s"] * 1000, 2),
                "batch_size": int(result["batch_size"]),
                "engine": served.engine,
                # placeholders the model wrote that the ticket did not hold: repaired before the reply left
                "unknown_placeholders": unknown,
                "fields_sent": sorted(fields),
                "entity_counts": anon.entity_counts,
                "pii_fingerprints": anon.fingerprints,
                "scrubbed_values": hits_reply + hits_completion + hits_subject + hits_message,
            },
        )
        self._remember(request_id, {"originals": anon.originals, "version": served.version, "alias": served.alias})
        return {
            "request_id": request_id,
            "category": result["category"],
            "reply": fill_back(result["reply"], anon.originals),
            "model_version": served.version,
            "alias": served.alias,
            "latency_ms": round(latency_s * 1000, 2),
        }

    async def feedback(self, request_id: str, rating: int, corrected_reply: str = "", category: str = "") -> dict:
        if not REQUEST_ID.match(request_id):
            raise ValueError("request_id must be the 32 hex characters the answer carried")
        if not 1 <= int(rating) <= 5:
            raise ValueError("rating must be 1 to 5")
        recalled = self._recalled(request_id) or {}
        record = {
            "request_id": request_id,
            "received_at": datetime.now(UTC).isoformat(),
            "rating": int(rating),
            "category": category.strip()[:64],
            "corrected_reply": "",
            "pii_fingerprints": [],
            "request_known": bool(recalled),
        }
        if corrected_reply.strip():
            originals = recalled.get("originals", {})
            # the request's own values get the request's placeholders (the correction then reads like the prompt);
            # the engine finds the rest
            text, _ = scrub(corrected_reply, originals)
            anon = await asyncio.to_thread(self.anonymize, {"message": text})
            record["corrected_reply"] = anon.fields["message"]
            record["pii_fingerprints"] = self.anonymize.fingerprints(originals) + anon.fingerprints
        self.writer.write("feedback", record)
        return {"request_id": request_id, "recorded": True}


class TicketRequest(BaseModel):
    """POST /v1/tickets: a non-empty ``message``; every other field (subject, customer_name, ...) text or null. A
    number is refused, never dropped: it could be an order id the caller expects to be used."""

    model_config = ConfigDict(extra="allow")

    message: str = Field(min_length=1, pattern=r"\S", strict=True)
    subject: str | None = Field(default=None, strict=True)

    @model_validator(mode="after")
    def _other_fields_are_text(self) -> TicketRequest:
        not_text = sorted(k for k, v in (self.model_extra or {}).items() if v is not None and not isinstance(v, str))
        if not_text:
            raise ValueError(f"fields must be strings: {', '.join(not_text)[:200]}")
        return self

    def fields(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if isinstance(v, str)}


class FeedbackRequest(BaseModel):
    """POST /v1/feedback: the answer's request id, a rating 1 to 5, optionally a corrected reply and category."""

    request_id: str = Field(pattern=REQUEST_ID.pattern, strict=True)
    rating: int = Field(ge=1, le=5, strict=True)
    corrected_reply: str | None = Field(default=None, strict=True)
    category: str | None = Field(default=None, strict=True)


def _first_error(exc: ValidationError) -> str:
    """The first problem, named by its field (the values sent are never echoed: they may hold personal data)."""
    error = exc.errors(include_input=False, include_url=False)[0]
    where = ".".join(str(p) for p in error.get("loc", ())) or "request"
    return f"{where}: {error.get('msg', 'invalid')}"[:300]


def _lifespan(service: TicketService, refresh_in_background: bool):
    """Loads the models at start-up, then a watcher follows the aliases until shutdown closes the service."""
    from contextlib import asynccontextmanager

    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(service.config.poll_seconds):
            try:
                service.router.refresh()
            except Exception:  # the registry being briefly unreachable must not kill the watcher
                log.exception("alias refresh failed")

    @asynccontextmanager
    async def lifespan(app):
        await asyncio.to_thread(service.router.refresh)
        watcher = threading.Thread(target=watch, name="alias-watcher", daemon=True)
        if refresh_in_background:
            watcher.start()
        yield
        stop.set()
        service.close()

    return lifespan


def create_app(service: TicketService, refresh_in_background: bool = True):
    """The HTTP layer: POST /v1/tickets, POST /v1/feedback, GET /health, POST /admin/refresh."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def read_json(request: Request) -> dict:
        body = await request.body()
        if len(body) > 4 * service.config.max_message_chars + 4096:
            raise OverflowError
        import json

        return json.loads(body)

    async def tickets(request: Request):
        try:
            ticket = TicketRequest.model_validate(await read_json(request))
        except OverflowError:
            return JSONResponse({"error": "request too large"}, status_code=413)
        except ValidationError as exc:
            return JSONResponse({"error": _first_error(exc)}, status_code=422)
        except ValueError as exc:
            return JSONResponse({"error": f"invalid JSON: {type(exc).__name__}"}, status_code=400)
        fields = ticket.fields()
        if sum(len(v) for v in fields.values()) > service.config.max_message_chars:
            return JSONResponse({"error": "ticket too long"}, status_code=413)
        try:
            return JSONResponse(await service.answer(fields))
        except LookupError as exc:
            return JSONResponse({"error": str(exc)}, status_code=503)
        except TimeoutError as exc:  # dropped at its deadline, never answered late
            return JSONResponse({"error": str(exc)}, status_code=504)
        except ValueError as exc:  # the engine could not analyse it: never sent to the model unanonymized
            return JSONResponse({"error": f"could not anonymize the ticket ({exc})"}, status_code=422)

    async def feedback(request: Request):
        try:
            data = FeedbackRequest.model_validate(await read_json(request))
            result = await service.feedback(
                data.request_id, data.rating, data.corrected_reply or "", data.category or ""
            )
        except OverflowError:
            return JSONResponse({"error": "request too large"}, status_code=413)
        except ValidationError as exc:
            return JSONResponse({"error": _first_error(exc)}, status_code=422)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        return JSONResponse(result)

    async def health(request: Request):
        served = service.router.status()
        fallback = service.router.tracking.fallback_alias in served
        status = ("fallback" if fallback else "ok") if served else "no_model"
        return JSONResponse(
            {"status": status, "serving": served, "counters": dict(service.counters)},
            status_code=200 if served else 503,
        )

    async def refresh(request: Request):
        return JSONResponse({"serving": await asyncio.to_thread(service.router.refresh)})

    return Starlette(
        routes=[
            Route("/v1/tickets", tickets, methods=["POST"]),
            Route("/v1/feedback", feedback, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
            Route("/admin/refresh", refresh, methods=["POST"]),
        ],
        lifespan=_lifespan(service, refresh_in_background),
    )


def build_service(config: ServeConfig, resources: dict) -> TicketService:
    """The service from the pipeline's resources (resolved): same anonymizer, registry and governance key."""
    alerts = resources.get("alerts")

    def on_fallback(version: str) -> None:
        if alerts is None:
            return
        from resources.alerts import Alert

        name = resources["mlflow_tracking"].fallback_model_name
        facts = {"fallback_model": name, "fallback_version": version}
        alerts.send(
            Alert("serving_fallback", f"no champion: {name} v{version} answers", facts, severity="warning"), log
        )

    router = ModelRouter(resources["mlflow_tracking"], config, on_fallback)
    anonymize = TicketAnonymizer(resources["anonymizer"], resources["governance_keys"].secret())
    return TicketService(config, router, anonymize, resources["traffic_log"].writer())


def serve(config: ServeConfig, resources: dict) -> None:
    import uvicorn

    app = create_app(build_service(config, resources))
    uvicorn.run(app, host=config.host, port=config.port, log_level="info", access_log=False)
