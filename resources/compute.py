"""Where the heavy steps run: this machine (``local``, the default) or an existing Ray cluster (``ray``).

With ``ray``, ``anonymized_documents`` deals its documents in chunks to Ray actors that each hold one anonymization
engine, ``lora_adapter`` trains with Ray Train (``TorchTrainer``: one DDP group of ``num_processes`` workers) and
``evaluation_report``, ``fairness_audit`` and ``drift_report`` generate their answers as Ray tasks, a fixed number of
parts per model (locally: the same parts, in spawned processes).
The assets, their tables, lineage and hashes are the same whichever backend ran them (``tests/test_ray_compute.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import dagster as dg
from pydantic import Field

if TYPE_CHECKING:
    from llm_assets.core.answering import GenerationPlan, Inputs, ModelAnswers, ModelTask
    from resources.anonymizer import PresidioAnonymizer

BACKENDS = ("local", "ray")


def local_threads_per_process(num_processes: int) -> int:
    """The torch threads each local training process gets: torch's default in the step's own process, the cores
    shared out among accelerate's processes (``distributed.launch``)."""
    import os

    if num_processes <= 1:
        import torch

        return torch.get_num_threads()
    return max(1, (os.cpu_count() or 1) // num_processes)


class ComputeResource(dg.ConfigurableResource):
    """The engine of the heavy steps: local processes, or a Ray cluster that the platform team runs."""

    backend: str = Field(
        default="local",
        description="local: this machine (anonymizer worker processes, accelerate for DDP); ray: the Ray cluster at "
        "ray_address (default from LLMP_COMPUTE).",
    )
    ray_address: str = Field(
        default="auto",
        description="The Ray cluster: host:6379 from one of its machines, ray://host:10001 through Ray Client, or "
        "auto (default from LLMP_RAY_ADDRESS).",
    )
    anonymization_actors: int = Field(
        default=0,
        description="Ray actors that anonymize, each holding one engine (spaCy loaded once per actor); 0 = one per "
        "CPU of the cluster.",
    )
    cpus_per_actor: float = Field(default=1.0, description="CPUs Ray reserves for each anonymization actor.")
    cpus_per_training_worker: int = Field(
        default=0,
        description="CPUs Ray reserves for each training worker, and its torch threads; 0 = what the local step gives "
        "each process (this machine's cores / num_processes), so that the two backends round alike and train the "
        "same adapter (capped at the largest node).",
    )
    training_gpus: bool = Field(default=False, description="Train on the cluster's GPUs (one per worker).")
    local_processes: int = Field(
        default=0,
        description="Local backend: most processes that answer generation parts at once; 0 = one per engine's "
        "share of this machine's cores, 1 = one part after another in the step's own process (no process start-up: "
        "for small models and tests).",
    )
    storage_path: str = Field(
        default="",
        description="Where Ray Train keeps the adapter it reports (a folder every node sees, or s3://…); empty = "
        "the artifact store's ray/ folder (enough for a cluster on one machine).",
    )

    @property
    def on_ray(self) -> bool:
        if self.backend not in BACKENDS:
            raise dg.DagsterInvalidConfigError(
                f"compute backend must be one of {BACKENDS}, not {self.backend!r}", [], None
            )
        return self.backend == "ray"

    def connect(self) -> None:
        from llm_assets.core.ray_cluster import connect

        connect(self.ray_address)

    def describe(self) -> str:
        return f"ray ({self.ray_address})" if self.on_ray else "local"

    def training_worker_cpus(self, num_processes: int) -> int:
        """CPUs (and torch threads) of each Ray Train worker: as configured, else the local step's share of this
        machine, never more than the cluster's largest node holds (the workers would wait for ever)."""
        return self.task_cpus(self.cpus_per_training_worker or local_threads_per_process(num_processes))

    def task_cpus(self, wanted: int) -> int:
        """``wanted`` CPUs for a task, never more than the cluster's largest node holds."""
        from llm_assets.core.ray_cluster import largest_node_cpus

        self.connect()
        return max(1, min(wanted, int(largest_node_cpus()) or wanted))

    def run_all(self, fn: Callable, calls: list[tuple], cpus: int = 1) -> list:
        """``fn(*args)`` for each ``args`` in ``calls``, results in order: here in spawned processes, as many at once
        as this machine has ``cpus``-sized shares of its cores (one share: one after another, in this process), or
        on the cluster as Ray tasks of ``cpus`` CPUs each, all at once. ``fn`` and its arguments must pickle."""
        if not self.on_ray:
            import os

            workers = min(len(calls), max(1, (os.cpu_count() or 1) // max(1, cpus)))
            if self.local_processes > 0:
                workers = min(workers, self.local_processes)
            if workers <= 1:
                return [fn(*args) for args in calls]
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # processes, not threads: two OpenVINO engines in one process neither answered alike from run to run
            # nor ran faster than one (README, What fixes the answers). Spawn, not fork: the parent may be a threaded
            # Dagster process. Shut down here, not at exit: a step process kept waiting on idle workers for ever.
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                return list(pool.map(_call, [(fn, args) for args in calls]))
        import ray

        self.connect()
        remote = ray.remote(num_cpus=max(1, cpus), max_retries=0)(fn)
        return ray.get([remote.remote(*args) for args in calls])

    def generate(self, tasks: list[ModelTask], inputs: Inputs, log=None) -> dict[str, ModelAnswers]:
        """Each model's answers: its tasks cut into the configured parts (``answering.split``), each part on its own
        engine of the configured threads, in processes here or as Ray tasks."""
        import dataclasses

        from llm_assets.core.answering import MIN_PART_PROMPTS, engine_cpus, join, run_task, split, work

        # where several models share the cores, a model's few prompts are not cut into parts that each load it; a
        # model alone (a probe, a drift window) is cut as configured, its parts on otherwise idle cores
        several = sum(t.needed for t in tasks) > 1
        parts = split(tasks, inputs.settings.parts, MIN_PART_PROMPTS if several else 1)
        cpus = engine_cpus(inputs.settings)
        if self.on_ray:
            cpus = self.task_cpus(cpus)
            if not inputs.settings.engine_threads:  # every core of the node it lands on: the CPUs it holds there
                inputs = dataclasses.replace(inputs, settings=dataclasses.replace(inputs.settings, engine_threads=cpus))
        # the losses on as many torch threads as the part holds CPUs: the same rounding in every process
        inputs = dataclasses.replace(inputs, torch_threads=cpus)
        if log is not None:
            log.info(
                f"generating: {len(parts)} part(s) of {len({p.model for p in parts})} model(s) on {self.describe()}, "
                f"{cpus} engine thread(s) each"
            )
        # the longest parts first, so that no long part starts last while the other cores idle
        order = sorted(range(len(parts)), key=lambda i: -work(parts[i]))
        done = self.run_all(run_task, [(parts[i], inputs) for i in order], cpus=cpus)
        by_part = dict(zip(order, done, strict=True))
        return join(parts, [by_part[i] for i in range(len(parts))])

    def answer(
        self,
        plan: GenerationPlan,
        base_model,
        adapter_dir: str,
        prompts: list[str],
        max_new_tokens: int,
        *,
        engine: str,
        precision: str,
        max_length: int,
        run_id: str,
        log=None,
    ) -> list[str]:
        """One model's answers to ``prompts`` (a probe, a drift window), as ``plan`` cuts and runs them."""
        from llm_assets.core.answering import Inputs, ModelTask, Settings

        settings = Settings(engine, plan.engine_threads, 8, max_new_tokens, "auto", max(1, plan.generation_parts))
        inputs = Inputs(
            settings,
            base_model.model_dump(),
            type(base_model),
            prompts=(),
            refs=(),
            max_length=max_length,
            precision=precision,
            run_id=run_id,
        )
        task = ModelTask("model", adapter_dir, probe_prompts=tuple(prompts))
        return self.generate([task], inputs, log)["model"].probe_texts

    def anonymize(self, anonymizer: PresidioAnonymizer, documents: list[dict[str, str]]) -> list:
        """``anonymizer.anonymize`` here, or on the cluster's actors with the same chunks and time budgets."""
        if not self.on_ray:
            return anonymizer.anonymize(documents)
        from llm_assets.core.anonymization.workers import anonymize_in_workers
        from llm_assets.core.ray_cluster import RayChunkPool, cluster_cpus

        self.connect()
        actors = self.anonymization_actors or max(1, int(cluster_cpus() // self.cpus_per_actor))
        settings = anonymizer.settings()
        pool = RayChunkPool(settings, actors, self.cpus_per_actor)
        return anonymize_in_workers(
            settings, documents, actors, anonymizer.batch_size, anonymizer.time_budget_s, pool=pool
        )


def _call(fn_args: tuple):
    fn, args = fn_args
    return fn(*args)
