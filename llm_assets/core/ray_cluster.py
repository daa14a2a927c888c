"""Ray as the engine of the heavy steps: the connection to an existing cluster, and anonymization on its actors.

The cluster's nodes run the project's own environment (the same image or virtual environment: Ray ships functions
and classes by reference to their modules, not the modules themselves), and see the same model and data paths as the
step that drives them (a shared volume on Kubernetes). Nothing here starts a cluster: ``ray start`` or KubeRay does.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from llm_assets.core.anonymization.engine import AnonymizedDocument
from llm_assets.core.anonymization.settings import AnonymizerSettings
from llm_assets.core.anonymization.workers import WORKER_START_S, EngineHost
from llm_assets.settings import child_environment

NAMESPACE = "llm-pipeline"


def connect(address: str) -> None:
    """Joins the Ray cluster at ``address`` (``host:6379`` from a machine of the cluster, ``ray://host:10001``
    through Ray Client, ``auto`` for the one this machine belongs to), once per process."""
    import ray

    if not ray.is_initialized():
        ray.init(address=address or "auto", namespace=NAMESPACE, log_to_driver=False, configure_logging=False)


def cluster_cpus() -> float:
    import ray

    return float(ray.cluster_resources().get("CPU", 0.0))


def largest_node_cpus() -> float:
    import ray

    return max((float(n["Resources"].get("CPU", 0.0)) for n in ray.nodes() if n["Alive"]), default=0.0)


class RayChunkPool:
    """``anonymize_in_workers``'s pool on Ray: ``actors`` actors, each holding one anonymization engine (spaCy and
    the word lists loaded once per actor), chunks dealt to them in turn. ``reset`` kills them (a chunk ran past its
    budget); the next chunk starts fresh ones. ``shutdown`` gives their CPUs back to the cluster at the end of a run."""

    def __init__(
        self, settings: AnonymizerSettings, actors: int, cpus_per_actor: float = 1.0, keep_alive: bool = False
    ) -> None:
        self.settings, self.workers, self.cpus, self.keep_alive = settings, max(1, actors), cpus_per_actor, keep_alive
        self._actors: list = []
        self._turn = itertools.count()

    def start(self) -> None:
        """Starts the actors (each loads its engine) and waits until they answer."""
        import ray

        if self._actors:
            return

        host = ray.remote(num_cpus=self.cpus, max_restarts=0)(EngineHost)
        self._actors = [host.remote(self.settings) for _ in range(self.workers)]
        ray.get([a.ping.remote() for a in self._actors], timeout=WORKER_START_S)

    def submit(self, documents: Sequence[dict[str, str]], batch_size: int) -> Callable[[float], list]:
        import ray
        from ray.exceptions import GetTimeoutError

        self.start()
        ref = self._actors[next(self._turn) % self.workers].anonymize.remote(list(documents), batch_size)

        def result(timeout: float) -> list[AnonymizedDocument]:
            try:
                return ray.get(ref, timeout=timeout)
            except GetTimeoutError as exc:
                raise TimeoutError(str(exc)) from exc

        return result

    def reset(self) -> None:
        import ray

        for actor in self._actors:
            ray.kill(actor)
        self._actors = []

    def shutdown(self) -> None:
        """The run is over: the actors go, unless the pool was made to be kept (``keep_alive``, a benchmark's)."""
        if not self.keep_alive:
            self.reset()


@contextlib.contextmanager
def loopback_cluster(node_cpus: Sequence[int] = (1, 1), object_store_mb: int = 256, start_s: float = 120.0):
    """A Ray cluster of ``len(node_cpus)`` nodes on this machine (a head and workers, each ``ray start --block`` in
    its own session), for the tests, the benchmark and trying the ``ray`` backend; gives its address, stops every
    process it started on exit. A real deployment's cluster is KubeRay's or the platform team's (README)."""
    import ray

    ray_bin = str(Path(sys.executable).with_name("ray"))
    env = child_environment(RAY_USAGE_STATS_ENABLED="0")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address, nodes = f"127.0.0.1:{port}", []
    status = [ray_bin, "status", f"--address={address}"]
    common = ["--block", "--node-ip-address=127.0.0.1", f"--object-store-memory={object_store_mb * 2**20}"]
    try:
        for i, cpus in enumerate(node_cpus):
            where = ["--head", f"--port={port}", "--include-dashboard=false"] if i == 0 else [f"--address={address}"]
            nodes.append(
                subprocess.Popen(
                    [ray_bin, "start", *where, *common, f"--num-cpus={cpus}"],
                    env=env,
                    start_new_session=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            if i == 0:
                _wait(lambda: subprocess.run(status, env=env, capture_output=True).returncode == 0, start_s)
        connect(address)
        _wait(lambda: sum(n["Alive"] for n in ray.nodes()) == len(node_cpus), start_s)
        yield address
    finally:
        if ray.is_initialized():
            ray.shutdown()
        for node in reversed(nodes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(node.pid, signal.SIGTERM)
        for node in reversed(nodes):
            try:
                node.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(node.pid, signal.SIGKILL)
                node.wait()


def _wait(ready: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the Ray cluster did not come up in {timeout_s:g} s")
        time.sleep(0.5)
