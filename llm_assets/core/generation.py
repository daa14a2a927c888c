"""One generation interface for everything that makes a model write: the served model, the evaluation (base model
zero- and few-shot, candidate, champion), the memorization probe, the fairness probe and drift's ROUGE-L.

Two engines behind it, chosen by configuration (``engine``):

- ``openvino`` (default): OpenVINO GenAI's continuous-batching pipeline on a GGUF file of the model (the LoRA merged
  into the base weights, at ``q8_0`` by default; written by ``llm_assets.core.gguf_export``). Made for CPU inference:
  compressed weights, a paged KV cache, continuous batching (a request joins the running batch at the next step),
  prefix caching (the instruction every prompt shares is computed once), and constrained decoding (a reply can only
  name the request's own placeholders). Needs neither torch nor the base model at serving time.
- ``transformers``: ``model.generate`` on the torch model, greedy and left-padded in batches: the reference path, and
  what training uses.

Both take the same prompts (the pipeline's prompt, the chat template applied here with the Hugging Face tokenizer, so
both see the same token ids) and return the same ``Generated`` records. The served model carries this file in its
MLflow code paths: it imports nothing from the project (``prompting`` comes from the same code folder).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import os
import re
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass

try:
    from llm_assets.core.prompting import chat_prompt
except ImportError:  # loaded from the model's own code folder, on a machine without the project
    from prompting import chat_prompt  # type: ignore[no-redef]

_log = logging.getLogger(__name__)

ENGINES = ("openvino", "transformers")
DEFAULT_ENGINE = "openvino"
# chosen by the parity table in README (Performance and scale): q8_0 keeps quality within the transformers path's
# intervals at 0.66x its decoding time of fp16
DEFAULT_PRECISION = "q8_0"
Shots = tuple[tuple[str, str], ...]

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*>")
_CUT_PLACEHOLDER = re.compile(r"<[A-Z0-9_]*$")  # a reply cut by max_new_tokens inside a placeholder
_INDEX_SUFFIX = re.compile(r"(_\d+)+$")


@dataclass(frozen=True)
class Generated:
    text: str
    latency_s: float  # submitted -> answered (for a batch call: its batch's wall time)
    tokens: int
    batch_examples: int  # requests generated alongside (the batch, or the running requests when it joined)
    queue_s: float = 0.0  # submitted -> started
    finish: str = "stop"  # stop (end of text) | length (max_new_tokens) | error (generation failed: empty text)
    share_s: float | None = None  # its share of the call's wall time (throughput); None = latency / batch

    @property
    def busy_share_s(self) -> float:
        return self.share_s if self.share_s is not None else self.latency_s / max(1, self.batch_examples)


class DeadlineExceeded(TimeoutError):
    """The request's deadline passed before it was answered: it was dropped, not answered late."""


# --- placeholders -------------------------------------------------------------------------------------------------


def placeholders(*texts: str) -> list[str]:
    """The surrogates (``<PERSON_1>``) the texts hold, in order of first appearance."""
    return list(dict.fromkeys(p for t in texts for p in PLACEHOLDER.findall(t or "")))


def unknown_placeholders(text: str, allowed) -> list[str]:
    """Placeholders in ``text`` that are not among ``allowed``: values the server cannot fill back."""
    allowed = set(allowed)
    return [p for p in PLACEHOLDER.findall(text or "") if p not in allowed]


def placeholder_kind(placeholder: str) -> str:
    """``<PERSON_2_1>`` -> ``PERSON``: the entity type, without the per-document indices."""
    return _INDEX_SUFFIX.sub("", placeholder.strip("<>"))


def trim_cut(text: str) -> str:
    """A reply cut by the token budget loses the placeholder it was writing (``... <PER``), not the rest."""
    return _CUT_PLACEHOLDER.sub("", text).rstrip()


def placeholder_regex(allowed) -> str:
    """A regular language for constrained decoding: any text, where ``<`` may only open one of ``allowed``."""
    names = sorted({p.strip("<>") for p in allowed if PLACEHOLDER.fullmatch(p)})
    return r"([^<]|<(" + "|".join(names) + r")>)*" if names else r"[^<]*"


def repair_placeholders(text: str, allowed) -> tuple[str, list[str]]:
    """Every placeholder ``text`` holds that is not ``allowed`` replaced by the request's one placeholder of the same
    entity type (``<PERSON_2_1>`` -> ``<PERSON_1>`` when the request names one person), else removed. Returns the text
    and the placeholders it repaired."""
    unknown = unknown_placeholders(text, allowed)
    if not unknown:
        return text, []
    for p in dict.fromkeys(unknown):
        same = [a for a in allowed if placeholder_kind(a) == placeholder_kind(p)]
        text = text.replace(p, same[0] if len(same) == 1 else "")
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r" +([,.;:!?])", r"\1", text)
    return text.strip(), unknown


# --- engines -------------------------------------------------------------------------------------------------------


class Engine:
    """What serving and evaluation call. ``generate`` answers a list of prompts (greedy); ``submit`` answers one,
    joining whatever runs (continuous batching where the engine has it)."""

    name = "engine"
    continuous_batching = False

    def settings(self) -> dict:
        """What determines the engine's output besides the weights: part of the evaluation's answer-cache key."""
        return {"engine": self.name}

    def generate(
        self,
        prompts: list[str],
        max_new_tokens: int,
        shots: Shots = (),
        allowed_placeholders: list[list[str] | None] | None = None,
    ) -> list[Generated]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class TransformersEngine(Engine):
    """``model.generate`` in batches of ``batch_size`` (greedy, left-padded, similar lengths together). No
    constrained decoding: ``allowed_placeholders`` is not enforced here (the served model repairs afterwards)."""

    name = "transformers"

    def __init__(self, model, tokenizer, batch_size: int = 8, device=None, dtype=None, use_cache: bool = True):
        import torch

        self.model = model
        self.tokenizer = tokenizer
        self.batch_size = max(1, batch_size)
        self.device = torch.device(device) if device is not None else next(model.parameters()).device
        self.dtype = dtype
        self.use_cache = use_cache

    def generate(self, prompts, max_new_tokens, shots=(), allowed_placeholders=None) -> list[Generated]:
        import torch

        model, tokenizer, device, dtype = self.model, self.tokenizer, self.device, self.dtype
        model.eval()
        tokenizer.padding_side = "left"
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))  # similar lengths share a batch
        results: dict[int, Generated] = {}
        batches = [order[s : s + self.batch_size] for s in range(0, len(order), self.batch_size)]
        while batches:
            idx = batches.pop(0)
            enc = tokenizer(
                [chat_prompt(tokenizer, prompts[i], shots) for i in idx],
                return_tensors="pt",
                padding=True,
                add_special_tokens=False,
            ).to(device)
            t0 = time.perf_counter()
            try:
                with torch.inference_mode(), torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
                    out = model.generate(
                        **enc,
                        max_new_tokens=max_new_tokens,
                        do_sample=False,
                        use_cache=self.use_cache,
                        pad_token_id=pad_id,
                        eos_token_id=tokenizer.eos_token_id,
                    )
            except (RuntimeError, ValueError, IndexError):
                # one example that breaks generation (a length limit, a tokenizer corner) is that example's problem
                if len(idx) > 1:
                    batches[:0] = [[i] for i in idx]
                else:
                    results[idx[0]] = Generated("", time.perf_counter() - t0, 0, 1)
                continue
            elapsed = time.perf_counter() - t0
            gen = out[:, enc["input_ids"].shape[1] :]
            for row, i in enumerate(idx):
                tokens = gen[row]
                stop = (tokens == tokenizer.eos_token_id).nonzero()
                n = int(stop[0]) if len(stop) else len(tokens)
                text = tokenizer.decode(tokens[:n], skip_special_tokens=True).strip()
                text = text if len(stop) else trim_cut(text)
                results[i] = Generated(text, elapsed, n, len(idx), finish="stop" if len(stop) else "length")
        return [results[i] for i in range(len(prompts))]


@dataclass
class _Job:
    ids: list[int]
    config: object  # openvino_genai.GenerationConfig
    future: Future
    deadline: float | None
    submitted: float
    started: float = 0.0
    handle: object = None
    batch: int = 1


class OpenVINOEngine(Engine):
    """OpenVINO GenAI's ``ContinuousBatchingPipeline`` on a GGUF file.

    Requests join the running batch at the next step. The stepping runs inside the pipeline's own ``generate`` loop,
    which releases the GIL (its ``step`` binding does not): a driver thread starts that loop with an anchor request
    whenever work arrives; at the anchor's first token (its streamer) the waiting requests join and the anchor stops.
    A watcher thread adds later requests to the running loop, resolves each when it finishes, and drops it when its
    deadline passes. Anonymization and HTTP keep running meanwhile.
    """

    name = "openvino"
    continuous_batching = True
    _IDLE, _STARTING, _RUNNING, _DRAINING, _BATCH = "idle", "starting", "running", "draining", "batch"
    # the CPU plugin's KV block (tokens): a shared prefix is cached in whole blocks only; a partly filled last block
    # was restored wrongly (other answers than without the cache, measured on the tiny model at f32)
    KV_BLOCK = 32

    def __init__(
        self,
        model_file: str,
        tokenizer,
        threads: int = 1,
        prefix_caching: bool = True,
        max_running: int = 32,
        precision: str = "",
        properties: dict | None = None,
    ):
        import openvino as ov
        import openvino_genai as ovg

        self._ov, self._ovg = ov, ovg
        self.tokenizer = tokenizer
        self.model_file = str(model_file)
        self.precision = precision
        self.threads = threads
        self.prefix_caching = prefix_caching
        scheduler = ovg.SchedulerConfig()
        scheduler.enable_prefix_caching = prefix_caching
        scheduler.max_num_seqs = max(1, max_running)
        # no pinning: OpenVINO pins an engine's threads to the first cores, so one-thread engines in parallel
        # processes (the evaluation's parts) all ran on core 0 (two of them: half the speed each, the other core idle)
        # f32 arithmetic (the weights keep their GGUF precision): on a CPU with bf16 instructions (AVX512_BF16, AMX)
        # OpenVINO would compute in bf16 by default, and the same champion would answer differently from one machine
        # to the next (parity is measured at f32; a bf16 run also requires a bf16 KV cache)
        props = {
            "ENABLE_CPU_PINNING": False,
            "INFERENCE_PRECISION_HINT": "f32",
            **({"INFERENCE_NUM_THREADS": int(threads)} if threads else {}),
        }
        self._pipe = ovg.ContinuousBatchingPipeline(self.model_file, scheduler, "CPU", {**props, **(properties or {})})
        self.eos_token_id = tokenizer.eos_token_id
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._state = self._IDLE
        self._pending: list[_Job] = []
        self._active: list[_Job] = []
        self._work = threading.Condition(self._lock)
        self._wake_driver = threading.Event()
        self._closed = False
        anchor = ovg.GenerationConfig()  # stopped by its streamer at its first token
        anchor.max_new_tokens = 16
        anchor.ignore_eos = True
        anchor.do_sample = False
        self._anchor = (ov.Tensor(_int64([[self.eos_token_id]])), anchor)
        self._driver = threading.Thread(target=self._drive, name="openvino-driver", daemon=True)
        self._watcher = threading.Thread(target=self._watch, name="openvino-watcher", daemon=True)
        self._driver.start()
        self._watcher.start()

    def settings(self) -> dict:
        return {"engine": self.name, "precision": self.precision}

    def encode(self, prompt: str, shots: Shots = ()) -> list[int]:
        return self.tokenizer(chat_prompt(self.tokenizer, prompt, shots), add_special_tokens=False)["input_ids"]

    def _config(self, max_new_tokens: int, allowed: list[str] | None):
        config = self._ovg.GenerationConfig()
        config.max_new_tokens = int(max_new_tokens)
        config.do_sample = False
        config.eos_token_id = self.eos_token_id
        if allowed is not None:
            config.structured_output_config = self._ovg.StructuredOutputConfig(regex=placeholder_regex(allowed))
        return config

    def submit_ids(
        self, ids: list[int], max_new_tokens: int, allowed: list[str] | None = None, deadline: float | None = None
    ) -> Future:
        """One request (prompt token ids); its future gives a ``Generated`` or raises ``DeadlineExceeded`` once
        ``deadline`` (a ``time.perf_counter()`` value) has passed."""
        return self._enqueue([_Job(list(ids), self._config(max_new_tokens, allowed), Future(), deadline, 0.0)])[0]

    def _enqueue(self, jobs: list[_Job]) -> list[Future]:
        """Queues ``jobs`` at once: they join the running batch at the same step."""
        with self._work:
            if self._closed:
                raise RuntimeError("the engine is closed")
            now = time.perf_counter()
            for job in jobs:
                job.submitted = now
            self._pending.extend(jobs)
            self._work.notify_all()
        return [job.future for job in jobs]

    def submit(
        self,
        prompt: str,
        max_new_tokens: int,
        shots: Shots = (),
        allowed: list[str] | None = None,
        deadline: float | None = None,
    ) -> Future:
        return self.submit_ids(self.encode(prompt, shots), max_new_tokens, allowed, deadline)

    def waiting(self) -> int:
        """Requests submitted and not answered yet (queued or running)."""
        with self._lock:
            return len(self._pending) + len(self._active)

    def generate(self, prompts, max_new_tokens, shots=(), allowed_placeholders=None) -> list[Generated]:
        """Every prompt at once. On an idle engine they go straight to the pipeline's own ``generate`` (no anchor,
        no threads), so the batches it steps, and so its float rounding, depend on the prompts alone: the same
        prompts give the same answers in every run, whatever the machine's load. On a busy engine (a server's
        running batch) they join that batch, as requests do."""
        allowed = allowed_placeholders or [None] * len(prompts)
        started = time.perf_counter()
        jobs: list[_Job | None] = []
        for p, a in zip(prompts, allowed, strict=True):
            try:
                jobs.append(_Job(self.encode(p, shots), self._config(max_new_tokens, a), Future(), None, started))
            except Exception:  # noqa: BLE001  (retried alone below)
                jobs.append(None)
        queued = [j for j in jobs if j is not None]
        if not self._run_alone_on_pipeline(queued):
            self._enqueue(queued)
        done = []
        for p, a, j in zip(prompts, allowed, jobs, strict=True):
            try:
                done.append(j.future.result() if j is not None else self._alone(p, max_new_tokens, shots, a))
            except Exception:  # noqa: BLE001  (a failed run fails all its batch: each is retried alone)
                done.append(self._alone(p, max_new_tokens, shots, a))
        share = (time.perf_counter() - started) / max(1, len(done))
        return [dataclasses.replace(d, share_s=share) for d in done]

    def _run_alone_on_pipeline(self, jobs: list[_Job]) -> bool:
        """Runs ``jobs`` through the pipeline's ``generate`` if nothing else is in flight, holding the driver and the
        watcher off meanwhile; False (nothing run) when the engine is busy. A run that fails sets its exception on
        every job's future (the caller retries each alone)."""
        with self._work:
            if self._closed:
                raise RuntimeError("the engine is closed")
            if self._state != self._IDLE or self._pending or self._active:
                return False
            self._state = self._BATCH
        try:
            if jobs:
                self._compute_shared_prefix(jobs)
                now = time.perf_counter()
                results = self._pipe.generate(
                    [self._ov.Tensor(_int64([j.ids])) for j in jobs], [j.config for j in jobs]
                )
                for job, result in zip(jobs, results, strict=True):
                    job.started, job.batch = now, len(jobs)
                    ids = list(result.m_generation_ids[0]) if result.m_generation_ids else []
                    job.future.set_result(self._answer(job, ids))
        except Exception as exc:  # noqa: BLE001
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(exc)
        finally:
            with self._work:
                self._state = self._IDLE
                if self._pending:
                    self._wake_driver.set()
                self._work.notify_all()
        return True

    def _compute_shared_prefix(self, jobs: list[_Job]) -> None:
        """Puts the prompt prefix the jobs share (shots, instruction) into the prefix cache before they start. The
        pipeline looks a request's prefix up when it is added, and requests added together find nothing cached: each
        would compute the shared prefix again (a three-shot evaluation set took 4.3x the time)."""
        if not self.prefix_caching or len(jobs) < 2:
            return
        shared = os.path.commonprefix([j.ids for j in jobs])
        # short of every whole prompt (identical prompts share all of it), in whole blocks
        usable = min(len(shared), min(len(j.ids) for j in jobs) - 1)
        shared = shared[: max(0, usable) // self.KV_BLOCK * self.KV_BLOCK]
        if not shared:
            return
        # a speed-up only: if it fails, the batch still runs, computing the prefix per request
        try:
            self._pipe.generate([self._ov.Tensor(_int64([shared]))], [self._config(1, None)])
        except Exception as exc:  # noqa: BLE001 - any engine error costs only the cache warm-up
            _log.warning("shared-prefix warm-up failed (%s); the batch computes it per request", type(exc).__name__)

    def _alone(self, prompt: str, max_new_tokens: int, shots: Shots, allowed) -> Generated:
        """One prompt on its own; one that breaks generation (a length limit, a tokenizer corner) is that prompt's
        problem: an empty answer, as the transformers path gives."""
        t0 = time.perf_counter()
        try:
            return self.submit(prompt, max_new_tokens, shots, allowed).result()
        except Exception:  # noqa: BLE001
            return Generated("", time.perf_counter() - t0, 0, 1, finish="error")

    def close(self) -> None:
        with self._work:
            self._closed = True
            self._work.notify_all()
        self._wake_driver.set()
        self._watcher.join(timeout=60)
        self._driver.join(timeout=60)

    # the driver: runs the pipeline's generate loop (GIL released) while there is work
    def _drive(self) -> None:
        engine = self

        class Anchor(self._ovg.StreamerBase):
            """Streams the anchor request's tokens: at its first one the loop is running, so the waiting requests
            join it here, and the anchor stops."""

            def write(self, token):
                engine._add_pending(running=True)
                return engine._ovg.StreamingStatus.STOP

            def end(self):
                pass

        streamer = Anchor()
        while True:
            self._wake_driver.wait()
            self._wake_driver.clear()
            if self._closed:
                return
            with self._lock:
                if self._state != self._IDLE or not self._pending or self._pipe.has_non_finished_requests():
                    continue
                self._state = self._STARTING
            try:
                self._pipe.generate([self._anchor[0]], [self._anchor[1]], streamer)
                # requests added after the loop's last check are stepped here (rare)
                while True:
                    with self._lock:
                        if not self._pipe.has_non_finished_requests():
                            self._state = self._IDLE
                            if self._pending:
                                self._wake_driver.set()
                            break
                        self._state = self._DRAINING
                    self._pipe.step()
            except Exception as exc:  # noqa: BLE001  (every request in flight learns why)
                with self._work:
                    self._state = self._IDLE
                    failed, self._active = self._active, []
                    self._work.notify_all()
                for job in failed:
                    if not job.future.done():
                        job.future.set_exception(exc)

    def _add_pending(self, running: bool = False) -> None:
        """Adds the waiting requests to the running loop (from the anchor's streamer, or the watcher once running)."""
        with self._work:
            if running:
                self._state = self._RUNNING
            if self._state in (self._IDLE, self._STARTING, self._BATCH):
                return
            now = time.perf_counter()
            for job in self._pending:
                if job.deadline is not None and now >= job.deadline:
                    continue  # the watcher answers it
                job.handle = self._pipe.add_request(next(self._ids), self._ov.Tensor(_int64([job.ids])), job.config)
                job.started = now
                job.batch = len(self._active) + 1
                self._active.append(job)
            self._pending = [j for j in self._pending if j.handle is None]
            self._work.notify_all()

    # the watcher: adds requests to the running loop, answers finished ones, drops late ones
    def _watch(self) -> None:
        status = self._ovg.GenerationStatus
        while True:
            with self._work:
                while not (self._pending or self._active or self._closed):
                    self._work.wait()
                if self._closed and not (self._pending or self._active):
                    return
                now = time.perf_counter()
                late = [j for j in self._pending if j.deadline is not None and now >= j.deadline]
                self._pending = [j for j in self._pending if j not in late]
                if self._pending and self._state == self._IDLE:
                    self._wake_driver.set()
                running = self._state in (self._RUNNING, self._DRAINING)
            if running:
                self._add_pending()
            with self._lock:
                active = list(self._active)
            for job in late:
                job.future.set_exception(DeadlineExceeded(f"waited {now - job.submitted:.2f} s, not started"))
            done = []
            for job in active:
                state = job.handle.get_status()
                if state == status.RUNNING:
                    if job.deadline is not None and now >= job.deadline:
                        job.handle.cancel()
                        job.future.set_exception(DeadlineExceeded(f"not answered within {now - job.submitted:.2f} s"))
                        done.append(job)
                    continue
                done.append(job)
                try:
                    if state == status.FINISHED:
                        job.future.set_result(self._result(job))
                    else:
                        job.future.set_exception(RuntimeError(f"generation ended as {state.name}"))
                except Exception as exc:  # noqa: BLE001
                    if not job.future.done():
                        job.future.set_exception(exc)
            if done:
                with self._lock:
                    self._active = [j for j in self._active if j not in done]
            time.sleep(0.002)

    def _result(self, job: _Job) -> Generated:
        outputs = job.handle.read_all()
        return self._answer(job, list(outputs[0].generated_ids) if outputs else [])

    def _answer(self, job: _Job, ids: list[int]) -> Generated:
        stopped = self.eos_token_id in ids
        if stopped:
            ids = ids[: ids.index(self.eos_token_id)]
        text = self.tokenizer.decode(ids, skip_special_tokens=True).strip()
        finish = "stop" if stopped or len(ids) < job.config.max_new_tokens else "length"
        finished = time.perf_counter()
        return Generated(
            text if finish == "stop" else trim_cut(text),
            finished - job.submitted,
            len(ids),
            job.batch,
            queue_s=job.started - job.submitted,
            finish=finish,
        )


def _int64(rows):
    import numpy as np

    return np.array(rows, dtype=np.int64)


def openvino_available() -> bool:
    try:
        import openvino_genai  # noqa: F401
    except ImportError:
        return False
    return True
