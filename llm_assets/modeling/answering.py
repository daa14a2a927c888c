"""The generation work of an evaluation, as plain data: each model's answer sets and probe prompts, run here one
model after another or, with the ``ray`` compute backend, one Ray task per model, all at once.

A task loads its model once (the torch model for the losses, the generation engine for the answers), answers its
sets in order on that one engine (zero-shot, then few-shot: the prefix cache they share is the same whichever
backend ran them) and generates the probe's prompts last, as the local evaluation always did. What a task returns
depends on its inputs and thread counts only (the engine queues a batch's prompts at once), so the figures are the
same wherever it ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


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

    @property
    def needed(self) -> bool:
        return any(s.indices for s in self.sets) or bool(self.probe_prompts)


@dataclass
class ModelAnswers:
    """A task's result: per answer set, its answers (in the set's index order), and the probe's generations."""

    sets: dict[str, list] = field(default_factory=dict)
    probe_texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Settings:
    """The evaluation's generation settings (``EvaluationConfig``'s, as plain values)."""

    engine: str
    engine_threads: int
    batch_size: int
    max_new_tokens: int
    precision: str  # the torch model's: auto, bf16 or fp32


@dataclass(frozen=True)
class Inputs:
    """What every task reads, as plain values (a Ray task gets a copy)."""

    settings: Settings
    base_model: dict  # BaseModelResource's fields
    prompts: tuple[str, ...]
    refs: tuple[str, ...]
    max_length: int
    precision: str  # the engine's GGUF precision
    run_id: str
    # on the cluster: the torch threads of the step that sent it, and the CPUs it holds (the engine's threads unless
    # configured); 0 = the process's defaults, as locally
    torch_threads: int = 0
    cpus: int = 0


def run_task(task: ModelTask, inputs: Inputs) -> ModelAnswers:
    """Loads ``task``'s model and generates what it asks, in order."""
    from llm_assets.core.scoring import answer_examples, generate_with
    from resources.base_model import BaseModelResource

    config = inputs.settings
    if inputs.torch_threads:
        import torch

        torch.set_num_threads(inputs.torch_threads)
    if inputs.cpus and not config.engine_threads:
        config = replace(config, engine_threads=inputs.cpus)
    base_model = BaseModelResource(**inputs.base_model)
    tokenizer = base_model.load_tokenizer()
    loaded = LoadedModel(config, base_model, task.adapter_dir, inputs.precision)
    out = ModelAnswers()
    try:
        for s in task.sets:
            if not s.indices:
                out.sets[s.name] = []
                continue
            out.sets[s.name] = answer_examples(
                loaded.torch(),
                tokenizer,
                [inputs.prompts[i] for i in s.indices],
                [inputs.refs[i] for i in s.indices],
                config.max_new_tokens,
                config.batch_size,
                inputs.max_length,
                config.precision,
                inputs.run_id,
                s.shot_pairs,
                engine=loaded.engine() if config.engine != "transformers" else None,
            )
        if task.probe_prompts:
            out.probe_texts, _, _ = generate_with(loaded.engine(), list(task.probe_prompts), config.max_new_tokens)
    finally:
        loaded.close()
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
