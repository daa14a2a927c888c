"""The generation work of an evaluation or a probe, as plain data: each model's answer sets and probe prompts, cut
into parts (``split``: the configured number, fewer for a few prompts beside other models'), each part run by its own
engine: here in spawned processes (one per core), on the cluster as Ray tasks (``ComputeResource.generate``).

A part loads its model once (the torch model for the losses, the generation engine for the answers), answers its
share of each set in order on that one engine (zero-shot, then few-shot: the prefix cache they share is the same
whichever backend ran them) and generates its share of the probe's prompts last. An engine's answer depends on the
prompts queued with it, on what its prefix cache already holds and, above one thread, on the run (measured:
``/make bench-reproducible``), so what fixes the answers is the plan: the parts (``split``), queued whole, on engines
of a fixed thread count. The same plan gives the same answers in every run, on either backend, however many
workers ran it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import dagster as dg
from pydantic import Field


class GenerationPlan(dg.Config):
    """How a step's generation is cut up and run: the settings that, with the weights and prompts, fix its answers."""

    engine_threads: int = Field(
        default=1,
        description="Inference threads of each openvino engine (0 = every core). At one thread an engine gives the "
        "same answers from run to run (make bench-reproducible); above one, OpenVINO's kernels round differently "
        "from run to run. Parallelism comes from the parts instead: one engine per core.",
    )
    generation_parts: int = Field(
        default=2,
        description="Each model's prompts are cut into this many parts, each answered by its own engine: in processes "
        "of this machine (as many at once as there are cores) or as Ray tasks with the ray compute backend. Where "
        "several models answer, a part gets at least 8 prompts (fewer parts: each part loads its model). The parts "
        "fix the answers: the same value gives the same answers on either backend and any number of workers; raise "
        "it to spread one model over more cores.",
    )


@dataclass(frozen=True)
class AnswerSet:
    """One set of answers a model gives: its name in the report, the shots shown first, the test examples to
    answer (indices into the evaluation's prompts: those the answer cache does not hold)."""

    name: str
    shot_pairs: tuple = ()
    indices: tuple[int, ...] = ()


@dataclass(frozen=True)
class ModelTask:
    """Everything one model generates in an evaluation."""

    model: str  # base | candidate | champion
    adapter_dir: str | None
    sets: tuple[AnswerSet, ...] = ()
    probe_prompts: tuple[str, ...] = ()
    part: int = 0  # which of the model's parts (``split``)

    @property
    def needed(self) -> bool:
        return any(s.indices for s in self.sets) or bool(self.probe_prompts)


def _cut(items: tuple, parts: int) -> list[tuple]:
    """``items`` in ``parts`` consecutive runs, the first ones one longer where they do not divide evenly."""
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for k in range(parts):
        end = start + size + (k < extra)
        out.append(items[start:end])
        start = end
    return out


# Each part loads its model (the torch model and an engine: ~5 CPU-seconds on 2 cores) before it answers ~1.5 s per
# prompt, so where other models' parts keep the cores busy a part of a few prompts costs more than it saves: after a
# small batch of new documents the base model and the champion answer only the new test examples beside the
# candidate's whole split, and cutting those in two loaded each model twice for them.
MIN_PART_PROMPTS = 8


def work(task: ModelTask) -> int:
    """The prompts a task answers in its longest run (a set or the probe): what its parts share."""
    return max([len(s.indices) for s in task.sets] + [len(task.probe_prompts)])


def split(tasks: list[ModelTask], parts: int, min_per_part: int = 1) -> list[ModelTask]:
    """Each task with work, cut into ``parts`` tasks (fewer, where a part would get under ``min_per_part`` prompts):
    each takes a consecutive share of every set and of the probe's prompts (a part left with nothing to do is
    dropped). The cut is a function of the tasks alone, so the same tasks give the same parts on any backend."""
    out = []
    for task in tasks:
        n = max(1, min(parts, work(task) // max(1, min_per_part)))
        cut_sets = [_cut(s.indices, n) for s in task.sets]
        probes = _cut(task.probe_prompts, n)
        for k in range(n):
            sets = tuple(replace(s, indices=c[k]) for s, c in zip(task.sets, cut_sets, strict=True))
            part = replace(task, sets=sets, probe_prompts=probes[k], part=k)
            if part.needed:
                out.append(part)
    return out


@dataclass
class ModelAnswers:
    """A task's result: per answer set, its answers (in the set's index order), and the probe's generations."""

    sets: dict[str, list] = field(default_factory=dict)
    probe_texts: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds: loading, each set's losses and generation


def join(tasks: list[ModelTask], done: list[ModelAnswers]) -> dict[str, ModelAnswers]:
    """The parts' answers (``split``, in its order) put back together, per model."""
    out: dict[str, ModelAnswers] = {}
    for task, answers in zip(tasks, done, strict=True):
        whole = out.setdefault(task.model, ModelAnswers())
        for name, got in answers.sets.items():
            whole.sets.setdefault(name, []).extend(got)
        whole.probe_texts.extend(answers.probe_texts)
        for key, seconds in answers.timings.items():  # summed over the parts: CPU-bound work, one part per core
            whole.timings[key] = round(whole.timings.get(key, 0.0) + seconds, 2)
    return out


@dataclass(frozen=True)
class Settings:
    """The evaluation's generation settings (``EvaluationConfig``'s, as plain values)."""

    engine: str
    engine_threads: int  # each part's engine's; 0 = every core
    batch_size: int
    max_new_tokens: int
    precision: str  # the torch model's: auto, bf16 or fp32
    parts: int = 1  # per model (``split``)

    def plan(self) -> dict:
        """What fixes the answers besides the weights, the prompts and the budget (the answer cache keys on it)."""
        return {"engine_threads": self.engine_threads, "parts": self.parts} if self.engine != "transformers" else {}


@dataclass(frozen=True)
class Inputs:
    """What every task reads, as plain values (a Ray task gets a copy)."""

    settings: Settings
    base_model: dict  # the base model resource's fields
    base_model_class: type  # and its class (a task rebuilds it; this layer imports no resource)
    prompts: tuple[str, ...]
    refs: tuple[str, ...]
    max_length: int
    precision: str  # the engine's GGUF precision
    run_id: str
    # the torch threads of the losses (the CPUs the part holds, so they round alike in every process); 0 = the
    # process's own
    torch_threads: int = 0


def engine_cpus(settings: Settings) -> int:
    """The cores one part's engine uses: its threads, or every core of this machine (0)."""
    import os

    return settings.engine_threads or os.cpu_count() or 1


def run_task(task: ModelTask, inputs: Inputs) -> ModelAnswers:
    """Loads ``task``'s model and generates what it asks, in order."""
    import torch

    from llm_assets.core.scoring import answer_examples, generate_with

    config = inputs.settings
    threads = torch.get_num_threads()
    if inputs.torch_threads:
        torch.set_num_threads(inputs.torch_threads)
    base_model = inputs.base_model_class(**inputs.base_model)
    tokenizer = base_model.load_tokenizer()
    loaded = LoadedModel(config, base_model, task.adapter_dir, inputs.precision)
    out = ModelAnswers()
    clock = time.perf_counter()

    def lap(key: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        out.timings[key] = out.timings.get(key, 0.0) + now - clock
        clock = now

    try:
        for s in task.sets:
            if not s.indices:
                out.sets[s.name] = []
                continue
            model = loaded.torch()
            engine = loaded.engine() if config.engine != "transformers" else None
            lap("load_s")
            spent: dict[str, float] = {}
            out.sets[s.name] = answer_examples(
                model,
                tokenizer,
                [inputs.prompts[i] for i in s.indices],
                [inputs.refs[i] for i in s.indices],
                config.max_new_tokens,
                config.batch_size,
                inputs.max_length,
                config.precision,
                inputs.run_id,
                s.shot_pairs,
                engine=engine,
                timings=spent,
            )
            out.timings.update({f"{s.name}.{k}": v for k, v in spent.items()})
            clock = time.perf_counter()
        if task.probe_prompts:
            engine = loaded.engine()
            lap("load_s")
            out.probe_texts, _, _ = generate_with(engine, list(task.probe_prompts), config.max_new_tokens)
            lap("probe_s")
    finally:
        loaded.close()
        torch.set_num_threads(threads)  # run in the step's own process, the step goes on with its threads
    return out


class LoadedModel:
    """One model under evaluation, loaded as far as needed: the torch model (losses; transformers generation) and
    the generation engine, each on first use."""

    def __init__(self, config: Settings, base_model, adapter_dir: str | None, precision: str):
        self.config, self.base_model, self.adapter_dir, self.precision = config, base_model, adapter_dir, precision
        self._torch = self._engine = None

    def torch(self):
        from llm_assets.core.models import load_adapter_model

        if self._torch is None:
            self._torch = (
                load_adapter_model(self.base_model, self.adapter_dir)
                if self.adapter_dir
                else self.base_model.load_model()
            )
        return self._torch

    def engine(self):
        from llm_assets.core.gguf_export import load_engine

        if self._engine is None:
            transformers = self.config.engine == "transformers"
            self._engine = load_engine(
                self.config.engine,
                self.base_model,
                self.adapter_dir,
                precision=self.precision,
                threads=self.config.engine_threads,
                batch_size=self.config.batch_size,
                torch_precision=self.config.precision,
                model=self.torch() if transformers else None,
            )
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
        self._torch = self._engine = None
