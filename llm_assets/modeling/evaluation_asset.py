"""``evaluation_report``: the tuned adapter against the base model and the champion on the held-out test split (and
the new slice the champion never saw), with the memorization probe."""

import math
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets.core import answer_cache, k8s, lineage
from llm_assets.core.answering import AnswerSet, GenerationPlan, Inputs, ModelAnswers, ModelTask, Settings
from llm_assets.core.fingerprints import find_known
from llm_assets.core.generation import DEFAULT_ENGINE, DEFAULT_PRECISION
from llm_assets.core.memorization import canary_fingerprints, probe, scanned_fingerprints
from llm_assets.core.metadata import tidy
from llm_assets.core.metrics import HEADLINE
from llm_assets.core.models import MODEL_POOL, champion_adapter_dir, split_rows
from llm_assets.core.rendering import markdown_table
from llm_assets.modeling.report import comparison_rows, new_slice_rows, write_report
from resources.artifacts import ArtifactStore
from resources.base_model import BaseModelResource
from resources.compute import ComputeResource
from resources.governance import GovernanceKeys
from resources.mlflow_tracking import MLflowTracking
from resources.warehouse import DuckDBWarehouse

MEMORIZATION_CHECK = "no_memorized_pii"
WITHHELD = "[withheld: this generation contained a raw-zone PII value]"


@dataclass(frozen=True)
class KnownValues:
    """The governance key, the keyed fingerprints of every redacted value and the canaries: what a generation must
    never give back."""

    key: bytes
    fingerprints: pl.DataFrame
    canaries: dict[str, str]


class EvaluationConfig(GenerationPlan):
    max_examples: int = Field(default=48, description="Test examples to evaluate (0 = the whole test split).")
    max_new_tokens: int = Field(
        default=0,
        description="Generation budget per answer, in tokens. 0 = from the data: the 95th percentile of the training "
        "split's reference completions (tokenized) plus 8, between 32 and 512, so long templated replies are not cut.",
    )
    batch_size: int = Field(default=8, description="Examples per generation batch.")
    compare_with_champion: bool = Field(default=True, description="Also evaluate the current champion, if any.")
    few_shot_examples: int = Field(
        default=3,
        description="The few-shot baseline: the base model shown this many solved training examples (of distinct "
        "labels, the same for every test prompt) before each test prompt. The gate compares the candidate with the "
        "better of zero-shot and few-shot. 0 = zero-shot baseline only.",
    )
    precision: str = Field(
        default="auto",
        description="auto (bf16 where supported), bf16 or fp32, for the torch model (losses; transformers).",
    )
    engine: str = Field(
        default=DEFAULT_ENGINE,
        description="What generates every answer and the memorization probe: openvino (the GGUF export the served "
        "model logs, continuous batching; see README, Performance and scale) or transformers (the reference path). "
        "Losses (perplexity) are always the torch model's.",
    )
    engine_precision: str = Field(
        default="",
        description="GGUF precision for the openvino engine (f16, q8_0, q4_0, q4_1); empty = the precision the "
        "candidate was exported at for serving (lora_adapter's served_precision), so the served file is the one "
        "evaluated.",
    )
    memorization_prompts: int = Field(
        default=16,
        description="Training-split prompts the memorization probe generates on (besides the canary documents' "
        "prompts and the test generations); 0 = probe the canaries and the test generations only.",
    )


@dataclass(frozen=True)
class EvaluationRecord:
    """One evaluation: the asset's value, its metadata and its memorization check derive from it."""

    value: dict
    paths: dict
    new_slice_size: int
    test_examples: int

    def metadata(self, tracking: MLflowTracking, artifact_store: ArtifactStore) -> dict:
        v, paths, run_id = self.value, self.paths, self.value["adapter"]["mlflow_run_id"]
        return {
            **_metadata(
                v["adapter"],
                v["metrics"],
                v["intervals"],
                v["new_window_metrics"],
                v["new_window_by_label"],
                self.new_slice_size,
                self.test_examples,
                v["memorization"],
                paths,
            ),
            "seconds": dg.MetadataValue.json(v.get("seconds", {})),
            "answers_computed_vs_reused": dg.MetadataValue.json(
                {n: f"{a['computed']} computed, {a['reused']} reused" for n, a in v["answers"].items()}
            ),
            "mlflow_run": dg.MetadataValue.url(tracking.run_url(run_id)),
            "report": dg.MetadataValue.url(artifact_store.report_url(paths["html"])),
            "report_in_mlflow": dg.MetadataValue.url(tracking.artifact_url(run_id, f"evaluation/{paths['html'].name}")),
        }

    def memorization_check(self) -> dg.AssetCheckResult:
        memorization = self.value["memorization"]
        return dg.AssetCheckResult(
            check_name=MEMORIZATION_CHECK,
            passed=memorization["passed"],
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                k: (dg.MetadataValue.json(v) if isinstance(v, dict) else v)
                for k, v in memorization.items()
                if k != "passed"
            },
        )


def evaluate(
    run,
    config: EvaluationConfig,
    lora_adapter: dict,
    training_set: pl.DataFrame,
    base_model: BaseModelResource,
    mlflow_tracking: MLflowTracking,
    artifact_store: ArtifactStore,
    warehouse: DuckDBWarehouse,
    governance_keys: GovernanceKeys,
    compute: ComputeResource,
) -> EvaluationRecord:
    """The candidate, the base model zero- and few-shot and the champion on the test split (and the new slice), the
    memorization probe, the report; ``run`` gives the log and the run id. The evaluation's record."""
    version = training_set["version"][0]
    if lora_adapter["training_set_version"] != version:
        raise dg.Failure(
            f"lineage mismatch: the adapter was trained on training set {lora_adapter['training_set_version']}, "
            f"the test split comes from {version}; re-materialize lora_adapter first"
        )
    test, new_slice, new_train_examples = _test_examples_with_new_slice(
        config, training_set, mlflow_tracking, warehouse
    )
    if config.max_new_tokens <= 0:
        budget = generation_budget(base_model.load_tokenizer(), split_rows(training_set, "train")["completion"])
        run.log.info(f"generation budget from the training completions' lengths: {budget} tokens")
        config = config.model_copy(update={"max_new_tokens": budget})
    # what the memorization probe and the withholding look for, read once
    known = KnownValues(governance_keys.secret(), lineage.pii_fingerprints(warehouse), governance_keys.canaries())
    shots = few_shot_examples(training_set, config.few_shot_examples)
    shots_info = {"k": len(shots), "example_ids": [s["example_id"] for s in shots]}
    cache_dir = answer_cache.folder(artifact_store)
    started = time.perf_counter()
    evaluations, answered, memorization, champion_info, timings = _evaluate_models(
        run, config, lora_adapter, training_set, test, base_model, mlflow_tracking, known, shots, cache_dir, compute
    )
    answers = {r.name: r.summary() for r in answered}
    new_window = _new_slice_metrics(evaluations, test, new_slice)
    intervals = {e.name: e.intervals for e in evaluations}
    by_label = _new_slice_by_label(evaluations, test, new_slice)
    per_example = _per_example(evaluations, test, new_slice)
    memorization["withheld_generations"] = _withhold_raw_values(evaluations, known)
    _save_answers(cache_dir, answered, evaluations)
    report_dir = artifact_store.path("reports", lora_adapter["adapter_version"])
    paths = write_report(
        report_dir,
        lora_adapter,
        version,
        evaluations,
        test,
        champion_info,
        memorization,
        new_window,
        len(new_slice),
        by_label,
        answers,
    )
    metrics = {e.name: e.metrics for e in evaluations}
    _log_to_mlflow(mlflow_tracking, lora_adapter["mlflow_run_id"], evaluations, new_window, memorization, report_dir)
    timings["evaluation_s"] = round(time.perf_counter() - started, 2)

    value = {
        "adapter": lora_adapter,
        "training_set_version": version,
        "test_examples": test.height,
        "max_new_tokens": config.max_new_tokens,
        "metrics": metrics,
        "intervals": intervals,
        "few_shot": shots_info,
        "answers": answers,
        "new_window_examples": len(new_slice),
        "new_window_metrics": new_window,
        "new_window_by_label": by_label,
        "per_example": per_example,
        "new_data": {"train_examples": new_train_examples, "test_examples": len(new_slice)},
        "champion": champion_info,
        "memorization": memorization,
        "seconds": timings,
        "report_markdown": str(paths["markdown"]),
        "report_html": str(paths["html"]),
    }
    return EvaluationRecord(value, paths, len(new_slice), test.height)


@dg.asset(
    group_name="modeling",
    io_manager_key="artifact_io_manager",
    pool=MODEL_POOL,
    op_tags=k8s.EVALUATION,
    # the memorization probe scans generations against the fingerprints; the new slice is what the champion's
    # training-set version did not hold
    deps=["pii_fingerprints", "training_set_members"],
    check_specs=[
        dg.AssetCheckSpec(
            MEMORIZATION_CHECK,
            asset="evaluation_report",
            description="The candidate generates no canary secret and no raw-zone PII value (matched by keyed "
            "fingerprint) on canary, training and test prompts. A failure also stops promotion.",
        )
    ],
    description="The tuned adapter vs the base model zero-shot and few-shot (and the current champion) on the "
    "held-out test split: perplexity, ROUGE-1/2/L, BLEU, category accuracy, format compliance, fact accuracy with "
    "bootstrap 95 % intervals, latency; plus the memorization probe.",
)
def evaluation_report(
    context: dg.AssetExecutionContext,
    config: EvaluationConfig,
    lora_adapter: dict,
    training_set: pl.DataFrame,
    base_model: BaseModelResource,
    mlflow_tracking: MLflowTracking,
    artifact_store: ArtifactStore,
    warehouse: DuckDBWarehouse,
    governance_keys: GovernanceKeys,
    compute: ComputeResource,
):
    record = evaluate(
        context,
        config,
        lora_adapter,
        training_set,
        base_model,
        mlflow_tracking,
        artifact_store,
        warehouse,
        governance_keys,
        compute,
    )
    yield dg.Output(record.value, metadata=record.metadata(mlflow_tracking, artifact_store))
    yield record.memorization_check()


def generation_budget(tokenizer, completions: pl.Series) -> int:
    """Tokens enough for nearly every reference completion (95th percentile, plus 8), between 32 and 512."""
    from llm_assets.core.scoring import percentile  # torch, through the loss helpers: not at definitions load

    lengths = [len(ids) for ids in tokenizer(completions.to_list(), add_special_tokens=False)["input_ids"]]
    if not lengths:
        return 80
    return max(32, min(512, math.ceil(percentile(lengths, 0.95)) + 8))


def _test_examples_with_new_slice(
    config: EvaluationConfig, training_set: pl.DataFrame, mlflow_tracking: MLflowTracking, warehouse: DuckDBWarehouse
) -> tuple[pl.DataFrame, list[int], int]:
    """The test examples to evaluate, the indices of the new slice among them (test documents the current champion
    was never trained on: new data since its training set, given up to half the budget) and how many training
    examples come from such documents."""
    test = split_rows(training_set, "test")
    champion_version = mlflow_tracking.champion_version()
    champion_set = (champion_version.tags or {}).get("training_set_version") if champion_version else None
    seen_by_champion = (
        set(lineage.version_members(warehouse, champion_set)["doc_id"].to_list()) if champion_set else set()
    )
    is_new = pl.col("doc_id").is_in(list(seen_by_champion)).not_()
    if config.max_examples:
        new_part = test.filter(is_new).head(config.max_examples // 2) if champion_set else test.head(0)
        test = pl.concat(
            [
                new_part,
                test.filter(~pl.col("example_id").is_in(new_part["example_id"].implode())).head(
                    config.max_examples - new_part.height
                ),
            ]
        )
    if test.height == 0:
        raise dg.Failure("the test split is empty")
    new_slice = [i for i, d in enumerate(test["doc_id"].to_list()) if champion_set and d not in seen_by_champion]
    train = split_rows(training_set, "train")
    new_train = train.filter(is_new).height if champion_set else 0
    return test, new_slice, new_train


@dataclass
class Answered:
    """One model's answers to the test examples: which were reused from the answer cache, which computed now."""

    name: str
    cache_key: str | None
    example_keys: list[str]
    answers: list
    computed: list[int]

    def summary(self) -> dict:
        computed = set(self.computed)
        runs = sorted({a.computed_in_run for i, a in enumerate(self.answers) if i not in computed})
        return {
            "key": self.cache_key,
            "examples": len(self.answers),
            "computed": len(self.computed),
            "reused": len(self.answers) - len(self.computed),
            "reused_from_runs": runs,
        }


class _Answering:
    """Each model's answers to the test prompts: from the answer cache when it holds them for those weights and
    settings, else generated now (``answering.run_task``: here, one model in memory at a time, or one Ray task per
    model on the cluster)."""

    def __init__(self, run, config: EvaluationConfig, lora_adapter: dict, test: pl.DataFrame, base_model, cache_dir):
        from llm_assets.core.lm import pick_device_and_dtype

        self.run, self.config, self.base_model, self.cache_dir = run, config, base_model, cache_dir
        self.prompts, self.refs = test["prompt"].to_list(), test["completion"].to_list()
        self.max_length = int(lora_adapter.get("max_length", 384))
        device, dtype = pick_device_and_dtype(config.precision)
        self.precision = engine_precision(config, lora_adapter)
        self.settings = {
            "max_new_tokens": config.max_new_tokens,
            "batch_size": config.batch_size,
            "max_length": self.max_length,
            "device": device.type,
            "dtype": str(dtype),
            # answers of another engine are other answers (the transformers path keeps its earlier keys)
            **(
                {"engine": config.engine, "engine_precision": self.precision} if config.engine != "transformers" else {}
            ),
            **self.generation().plan(),
        }
        self.example_keys = [answer_cache.example_key(p, r) for p, r in zip(self.prompts, self.refs, strict=True)]
        self.base_weights = answer_cache.weights_digest(base_model.local_path())
        self.planned: list[tuple[AnswerSet, str | None, dict]] = []  # each set, its cache key, what the cache holds

    def plan(self, name: str, adapter_dir: str | None, shot_pairs: tuple = ()) -> AnswerSet:
        """The set ``name``: the test examples the answer cache does not hold for these weights and settings."""
        weights = [self.base_weights] + ([answer_cache.adapter_digest(adapter_dir)] if adapter_dir else [])
        key = answer_cache.model_key(weights, shot_pairs, self.settings) if all(weights) else None
        cached = answer_cache.load(self.cache_dir, key) if key else {}
        missing = tuple(i for i, k in enumerate(self.example_keys) if k not in cached)
        n = len(self.prompts)
        if missing:
            self.run.log.info(
                f"{name}: answering {len(missing)} of {n} test examples with {self.config.engine} "
                f"({n - len(missing)} answered before with the same weights and settings)"
            )
        else:
            self.run.log.info(f"{name}: every test example answered before with the same weights and settings")
        answer_set = AnswerSet(name, shot_pairs, missing)
        self.planned.append((answer_set, key, cached))
        return answer_set

    def generation(self) -> Settings:
        c = self.config
        return Settings(
            c.engine, c.engine_threads, c.batch_size, c.max_new_tokens, c.precision, max(1, c.generation_parts)
        )

    def run_tasks(self, tasks: list[ModelTask], compute: ComputeResource) -> dict[str, ModelAnswers]:
        """Generates what the tasks ask (``ComputeResource.generate``: the configured parts, here or on Ray)."""
        inputs = Inputs(
            self.generation(),
            self.base_model.model_dump(),
            type(self.base_model),
            tuple(self.prompts),
            tuple(self.refs),
            self.max_length,
            self.precision,
            self.run.run_id,
        )
        return compute.generate(tasks, inputs, self.run.log)

    def answered(self, done: dict[str, ModelAnswers]) -> list[Answered]:
        """Every planned set, cached and fresh answers together, in test-example order."""
        fresh = {name: answers for d in done.values() for name, answers in d.sets.items()}
        out = []
        for answer_set, key, cached in self.planned:
            cached = {
                **cached,
                **{
                    self.example_keys[i]: a
                    for i, a in zip(answer_set.indices, fresh.get(answer_set.name, []), strict=True)
                },
            }
            answers = [cached[k] for k in self.example_keys]
            out.append(Answered(answer_set.name, key, self.example_keys, answers, list(answer_set.indices)))
        return out


def _evaluate_models(
    run,
    config: EvaluationConfig,
    lora_adapter: dict,
    training_set: pl.DataFrame,
    test: pl.DataFrame,
    base_model: BaseModelResource,
    mlflow_tracking: MLflowTracking,
    known: "KnownValues",
    shots: list[dict],
    cache_dir: Path,
    compute: ComputeResource,
) -> tuple[list, list[Answered], dict, dict | None, dict[str, float]]:
    """Base (zero-shot, then few-shot), candidate (exactly the adapter upstream produced) and champion on the same
    prompts, each answering only the test examples the answer cache does not hold for its weights (see
    ``answer_cache``); the memorization probe generates on the candidate, always loaded."""
    from llm_assets.core.scoring import score

    answering = _Answering(run, config, lora_adapter, test, base_model, cache_dir)
    base_sets = [answering.plan("base", None)]
    if shots:
        pairs = tuple((s["prompt"], s["completion"]) for s in shots)
        base_sets.append(answering.plan("base_few_shot", None, pairs))
    adapter_dir = lora_adapter["adapter_dir"]
    canary_prompts, train_prompts = _memorization_prompts(config, training_set, known)
    tasks = [
        ModelTask("base", None, tuple(base_sets)),
        ModelTask(
            "candidate",
            adapter_dir,
            (answering.plan("candidate", adapter_dir),),
            probe_prompts=(*canary_prompts, *train_prompts),
        ),
    ]
    champion_info = None
    champion = (
        champion_adapter_dir(mlflow_tracking, lora_adapter["mlflow_run_id"]) if config.compare_with_champion else None
    )
    if champion is not None:
        champion_dir, champion_version = champion
        tasks.append(ModelTask("champion", champion_dir, (answering.plan("champion", champion_dir),)))
        champion_info = {"version": str(champion_version.version), "run_id": champion_version.run_id}
    started = time.perf_counter()
    done = answering.run_tasks(tasks, compute)
    timings = {"generation_wall_s": round(time.perf_counter() - started, 2)}
    timings.update({f"{model}.{k}": v for model, d in done.items() for k, v in d.timings.items()})
    run.log.info(f"generation seconds (each part's summed per model): {timings}")
    results = answering.answered(done)
    candidate = next(r for r in results if r.name == "candidate")
    probe_texts = done["candidate"].probe_texts if "candidate" in done else []
    memorization = probe(
        lambda _prompts: probe_texts + [a.generation for a in candidate.answers],
        known.key,
        train_prompts,
        canary_prompts,
        known.fingerprints,
        known.canaries,
    ).as_dict()
    prompts, refs, labels = answering.prompts, answering.refs, test["label"].to_list()
    evaluations = [score(r.name, r.answers, prompts, refs, labels) for r in results]
    return evaluations, results, memorization, champion_info, timings


def engine_precision(config: EvaluationConfig, lora_adapter: dict) -> str:
    """The GGUF precision the openvino engine evaluates at: configured, else the candidate's served export's."""
    return config.engine_precision or (lora_adapter.get("engine") or {}).get("precision") or DEFAULT_PRECISION


def _save_answers(cache_dir: Path, results: list[Answered], evaluations) -> None:
    """Stores what was answered now, as reported: after withholding, so a raw value never reaches the cache."""
    for r, e in zip(results, evaluations, strict=True):
        if r.cache_key and r.computed:
            for i in r.computed:
                r.answers[i].generation = e.generations[i]
            answer_cache.save(cache_dir, r.cache_key, {r.example_keys[i]: r.answers[i] for i in r.computed})


def few_shot_examples(training_set: pl.DataFrame, k: int) -> list[dict]:
    """``k`` solved training examples of distinct labels (of the most frequent labels), the shortest prompt of each,
    in label order: what a practitioner would paste into a few-shot prompt. Training split only, never a test
    example."""
    train = split_rows(training_set, "train")
    if k <= 0 or train.height == 0:
        return []
    ranked = train.with_columns(pl.col("prompt").str.len_chars().alias("_len")).sort("_len", "example_id")
    order = train.group_by("label").len().sort(["len", "label"], descending=[True, False])["label"].to_list()
    picked = [ranked.filter(pl.col("label") == label).row(0, named=True) for label in order[:k]]
    if len(picked) < k:  # fewer labels than shots: fill with the next shortest examples
        taken = {r["example_id"] for r in picked}
        picked += [r for r in ranked.iter_rows(named=True) if r["example_id"] not in taken][: k - len(picked)]
    # shown in label order, not frequency order: new data that only reorders the counts keeps the same prompt (and
    # the base model's cached few-shot answers)
    picked.sort(key=lambda r: (r["label"], r["example_id"]))
    return [{key: r.get(key) for key in ("example_id", "doc_id", "prompt", "completion", "label")} for r in picked]


def _new_slice_metrics(evaluations, test: pl.DataFrame, new_slice: list[int]) -> dict[str, dict[str, float]]:
    """Each model's text metrics on the new slice: what the gate compares besides the whole test split."""
    from llm_assets.core.scoring import text_metrics

    if not new_slice:
        return {}
    refs, labels, prompts = test["completion"].to_list(), test["label"].to_list(), test["prompt"].to_list()
    return {
        e.name: {
            k: round(v, 4)
            for k, v in text_metrics(
                [e.generations[i] for i in new_slice],
                [refs[i] for i in new_slice],
                [labels[i] for i in new_slice],
                [prompts[i] for i in new_slice],
            ).items()
        }
        for e in evaluations
    }


def _per_example(evaluations, test: pl.DataFrame, new_slice: list[int]) -> dict:
    """Per test example, each model's scores (no text): the fairness audit's segments are built from these; which
    examples form the new slice (positions), for paired comparisons on it."""
    from llm_assets.core.scoring import per_example_scores

    refs, labels = test["completion"].to_list(), test["label"].to_list()
    return {
        "example_id": test["example_id"].to_list(),
        "doc_id": test["doc_id"].to_list(),
        "label": labels,
        "new_slice": new_slice,
        "scores": {
            e.name: per_example_scores(e.generations, refs, labels, test["prompt"].to_list()) for e in evaluations
        },
    }


def _new_slice_by_label(evaluations, test: pl.DataFrame, new_slice: list[int]) -> dict[str, dict]:
    """The new slice per label, with its example count: a new domain that the test split barely holds shows here."""
    from llm_assets.core.scoring import text_metrics

    refs, labels = test["completion"].to_list(), test["label"].to_list()
    groups: dict[str, list[int]] = {}
    for i in new_slice:
        groups.setdefault(labels[i] or "(none)", []).append(i)
    return {
        label: {
            "examples": len(idx),
            **{
                e.name: {
                    k: round(v, 4)
                    for k, v in text_metrics(
                        [e.generations[i] for i in idx], [refs[i] for i in idx], [labels[i] for i in idx]
                    ).items()
                    if k in ("rougeL", "category_accuracy")
                }
                for e in evaluations
            },
        }
        for label, idx in sorted(groups.items())
    }


def _withhold_raw_values(evaluations, known: "KnownValues") -> int:
    """A generation that gives back a raw value is never written anywhere (reports, MLflow): replaced in place."""
    prints = set(scanned_fingerprints(known.fingerprints)) | set(canary_fingerprints(known.key, known.canaries))
    withheld = 0
    for e in evaluations:
        for i, found in enumerate(find_known(known.key, e.generations, prints)):
            if found:
                e.generations[i] = WITHHELD
                withheld += 1
    return withheld


def _log_to_mlflow(
    mlflow_tracking: MLflowTracking, run_id: str, evaluations, new_window: dict, memorization: dict, report_dir
) -> None:
    import mlflow

    mlflow_tracking.setup()
    with mlflow.start_run(run_id=run_id):
        for e in evaluations:
            mlflow.log_metrics({f"test_{e.name}_{k}": v for k, v in e.metrics.items() if v == v})
            mlflow.log_metrics({f"new_{e.name}_{k}": v for k, v in new_window.get(e.name, {}).items() if v == v})
        mlflow.log_metrics(
            {f"memorization_{k}": memorization[k] for k in ("prompts", "canary_hits", "pii_hits", "canary_prompts")}
        )
        mlflow.log_artifacts(str(report_dir), artifact_path="evaluation")


def _metadata(
    lora_adapter: dict,
    metrics: dict,
    intervals: dict,
    new_window: dict,
    by_label: dict,
    new_slice_size: int,
    test_examples: int,
    memorization: dict,
    paths: dict,
) -> dict:
    names = list(metrics)
    table = markdown_table(["metric (95 % bootstrap interval)", *names], comparison_rows(metrics, intervals))
    return tidy(
        {
            "mlflow_run_id": lora_adapter["mlflow_run_id"],
            "adapter_version": lora_adapter["adapter_version"],
            "test_examples": test_examples,
            "memorization/passed": memorization["passed"],
            "memorization/canary_hits": memorization["canary_hits"],
            "memorization/pii_hits": memorization["pii_hits"],
            "new_window_examples": new_slice_size,
            "comparison": dg.MetadataValue.md(table),
            **(
                {
                    "new_window_comparison": dg.MetadataValue.md(
                        markdown_table(["metric (new slice)", *new_window], new_slice_rows(new_window))
                    )
                }
                if new_window
                else {}
            ),
            **(
                {
                    "new_window_by_label": dg.MetadataValue.md(
                        markdown_table(
                            ["label (new slice)", "examples", *[f"{n} rougeL" for n in names if n != "base"]],
                            [
                                [label, g["examples"], *[g[n]["rougeL"] for n in names if n != "base"]]
                                for label, g in by_label.items()
                            ],
                        )
                    )
                }
                if by_label
                else {}
            ),
            "report_file": dg.MetadataValue.path(str(paths["html"])),
            "report_markdown": dg.MetadataValue.path(str(paths["markdown"])),
            **{f"{n}/{k}": metrics[n][k] for n in names for k in HEADLINE if k in metrics[n]},
            **{f"new_window/{n}/{k}": new_window[n][k] for n in new_window for k in HEADLINE if k in new_window[n]},
        }
    )


def _memorization_prompts(
    config: EvaluationConfig, training_set: pl.DataFrame, known: KnownValues
) -> tuple[list[str], list[str]]:
    """What the memorization probe has the candidate generate on: the prompts of the canary documents, and the first
    ``memorization_prompts`` training prompts (the test generations are scanned too)."""
    canary_docs = (
        known.fingerprints.filter(pl.col("fingerprint").is_in(list(canary_fingerprints(known.key, known.canaries))))[
            "doc_id"
        ]
        .unique()
        .to_list()
    )
    canary_prompts = training_set.filter(pl.col("doc_id").is_in(canary_docs))["prompt"].to_list()
    train_prompts = (
        split_rows(training_set, "train").head(config.memorization_prompts)["prompt"].to_list()
        if config.memorization_prompts
        else []
    )
    return canary_prompts, train_prompts
