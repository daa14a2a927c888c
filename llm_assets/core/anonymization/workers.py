"""Anonymization over a pool of workers, each holding one engine, with a time budget per document.

The chunking, the budgets and what happens to a chunk that runs past its budget or loses its worker are the same
whichever pool runs the chunks: local spawned processes (``ProcessChunkPool``, the default) or the actors of a Ray
cluster (``llm_assets.core.ray_cluster.RayChunkPool``). A pool offers ``submit`` (a chunk; gives back a function
that waits for its result with a timeout, raising ``TimeoutError``), ``reset`` (its workers are stuck: start fresh
ones) and ``shutdown`` (the run is over).
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.pool
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from llm_assets.core.anonymization import gazetteers
from llm_assets.core.anonymization.engine import AnonymizationEngine, AnonymizedDocument, failed
from llm_assets.core.anonymization.settings import AnonymizerSettings

WORKER_START_S = 180.0  # the most a fresh worker may take to load spaCy and the word lists
MAX_POOLS = 2


class ChunkPool(Protocol):
    workers: int

    def submit(self, documents: Sequence[dict[str, str]], batch_size: int) -> Callable[[float], list]: ...

    def reset(self) -> None: ...

    def shutdown(self) -> None: ...


class EngineHost:
    """One engine in one worker (a spawned process's global, or a Ray actor)."""

    def __init__(self, settings: AnonymizerSettings) -> None:
        self.engine = AnonymizationEngine(settings)

    def ping(self) -> bool:
        return True

    def anonymize(self, documents: list[dict[str, str]], batch_size: int) -> list[AnonymizedDocument]:
        return self.engine.anonymize_serial(documents, batch_size)


_POOLS: dict[tuple[str, int], multiprocessing.pool.Pool] = {}
_HOST: EngineHost | None = None


def _init_worker(settings: AnonymizerSettings) -> None:
    global _HOST
    _HOST = EngineHost(settings)


def _anonymize_chunk(args: tuple[list[dict[str, str]], int]) -> list[AnonymizedDocument]:
    assert _HOST is not None
    return _HOST.anonymize(*args)


def _ping(_: int) -> bool:
    return _HOST is not None


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


@atexit.register
def _close_pools() -> None:
    for pool in _POOLS.values():
        pool.terminate()
    _POOLS.clear()


class ProcessChunkPool:
    """Spawned processes on this machine, kept for the next run of the same configuration."""

    def __init__(self, settings: AnonymizerSettings, n_process: int) -> None:
        self.settings, self.workers = settings, n_process

    def submit(self, documents: Sequence[dict[str, str]], batch_size: int) -> Callable[[float], list]:
        task = _worker_pool(self.settings, self.workers).apply_async(_anonymize_chunk, ((list(documents), batch_size),))

        def result(timeout: float) -> list[AnonymizedDocument]:
            try:
                return task.get(timeout=timeout)
            except multiprocessing.TimeoutError as exc:
                raise TimeoutError from exc

        return result

    def reset(self) -> None:
        pool = _POOLS.pop((self.settings.config_hash(), self.workers), None)
        if pool is not None:
            pool.terminate()
            pool.join()

    def shutdown(self) -> None:
        """The processes stay for the next run (they are terminated when this process exits)."""


def anonymize_in_workers(
    settings: AnonymizerSettings,
    documents: Sequence[dict[str, str]],
    n_process: int,
    batch_size: int = 64,
    time_budget_s: float = 60.0,
    chunk_size: int = 16,
    pool: ChunkPool | None = None,
) -> list[AnonymizedDocument]:
    """Anonymizes in ``n_process`` workers (``pool``'s, or spawned processes), in order, with a time budget per
    document. A chunk that runs past its budget (or whose worker dies) is retried one document at a time with fresh
    workers; the document that exhausts its own budget is held back as ``analysis_timeout`` (``analysis_error`` if it
    kills its worker), the rest go on."""
    pool = pool or ProcessChunkPool(settings, n_process)
    out: list[AnonymizedDocument | None] = [None] * len(documents)
    pending = [list(range(i, min(len(documents), i + chunk_size))) for i in range(0, len(documents), chunk_size)]
    try:
        while pending:
            tasks = [(idx, pool.submit([documents[i] for i in idx], batch_size)) for idx in pending]
            pending = []
            # budgets run from submission: a chunk waits for those before it, shared among the workers
            started, queued = time.monotonic(), 0
            for n, (idx, result) in enumerate(tasks):
                deadline = started + time_budget_s * (queued / pool.workers + len(idx))
                queued += len(idx)
                try:
                    for i, res in zip(idx, result(max(0.0, deadline - time.monotonic())), strict=True):
                        out[i] = res
                    continue
                except TimeoutError:
                    reason = ("analysis_timeout", f"analysis ran past its budget of {time_budget_s:g} s")
                    pool.reset()  # the stuck worker goes with the others; what was queued runs again
                    pending += [later for later, _ in tasks[n + 1 :]]
                except Exception as exc:  # noqa: BLE001  (a worker died or raised)
                    reason = ("analysis_error", type(exc).__name__)
                if len(idx) == 1:
                    out[idx[0]] = failed(*reason)
                else:
                    pending += [[i] for i in idx]
                if reason[0] == "analysis_timeout":
                    break
    finally:
        pool.shutdown()
    return [o if o is not None else failed("analysis_error", "lost") for o in out]
