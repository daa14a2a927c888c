"""``fairness_audit``: representation, quality per segment and the counterfactual probe of every candidate, before
the gate (which can refuse a flagged candidate, see ``PromotionConfig.block_on_fairness``)."""

import hashlib
import json
import os
from pathlib import Path

import dagster as dg
import polars as pl
from pydantic import Field

from llm_assets.core import k8s
from llm_assets.core.answering import GenerationPlan
from llm_assets.core.generation import DEFAULT_ENGINE
from llm_assets.core.rendering import Document, Section, render
from llm_assets.governance import fairness
from resources.anonymizer import PresidioAnonymizer
from resources.artifacts import ArtifactStore
from resources.base_model import BaseModelResource
from resources.compute import ComputeResource
from resources.mlflow_tracking import MLflowTracking

FAIRNESS_CHECK = "no_flagged_segment"
QUALITY_METRICS = ("rougeL", "category_correct", "format_ok")


class FairnessConfig(GenerationPlan):
    min_share_ratio: float = Field(
        default=0.5,
        description="A segment whose share of the training split is below this multiple of its share of the landed "
        "corpus is under-represented.",
    )
    quality_margin: float = Field(
        default=0.1,
        description="A segment is flagged when its mean trails the overall figure by more than this and its "
        "bootstrap 95 % interval lies wholly below the overall figure.",
    )
    min_segment_examples: int = Field(default=5, description="Smaller segments are reported, never flagged.")
    probe_prompts: int = Field(
        default=6, description="Test prompts in the counterfactual probe (each answered once per group); 0 = off."
    )
    probe_groups: list[str] = Field(
        default_factory=lambda: [f"{c}/{g}" for c, g in fairness.PROBE_GROUPS],
        description="Origin/gender groups of the probe (country code/F|M).",
    )
    probe_max_new_tokens: int = Field(default=48, description="Generation budget per probe answer.")
    engine: str = Field(
        default=DEFAULT_ENGINE,
        description="What generates the probe's answers: openvino (the candidate's GGUF export, as served) or "
        "transformers (the reference path).",
    )
    max_flip_rate: float = Field(
        default=0.1, description="A group whose category flips on more than this share of probe prompts is flagged."
    )


def _segment_scores(evaluation_report: dict, segments: pl.DataFrame) -> pl.DataFrame:
    per = evaluation_report.get("per_example") or {}
    scores = (per.get("scores") or {}).get("candidate")
    if not scores:
        return pl.DataFrame()
    df = pl.DataFrame(
        {
            "doc_id": per["doc_id"],
            "rougeL": scores["rougeL"],
            "category_correct": [None if v is None else float(v) for v in scores["category_correct"]],
            "format_ok": [float(v) for v in scores["format_ok"]],
        },
        schema={"doc_id": pl.String, "rougeL": pl.Float64, "category_correct": pl.Float64, "format_ok": pl.Float64},
    )
    return df.join(segments, on="doc_id", how="left").with_columns(
        [pl.col(c).fill_null("(unknown)") for c in fairness.SEGMENT_COLUMNS]
    )


def anonymized_signatures(texts: list[str], anonymizer: PresidioAnonymizer, folder: Path) -> list[str | None]:
    """``texts`` as the pipeline's anonymizer writes them (None where it could not analyse one). The probe's
    signatures are fixed and the anonymizer takes seconds to start, so what it wrote is kept per anonymizer
    configuration (``config_hash``: settings, salt digest and engine version), each text under its digest; a failed
    analysis is not kept. A cache: a torn or missing file is a miss."""
    path = folder / f"{anonymizer.settings().config_hash()}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}
    keys = [hashlib.sha256(t.encode()).hexdigest()[:32] for t in texts]
    missing = {k: t for k, t in zip(keys, texts, strict=True) if not isinstance(kept.get(k), str)}
    if missing:
        # one call: the analyzer's pipeline runs them as one batch
        results = anonymizer.engine().anonymize_serial([{"text": t} for t in missing.values()])
        fresh = {k: r.fields["text"] for k, r in zip(missing, results, strict=True) if r.ok}
        kept |= fresh
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(kept, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    return [kept.get(k) for k in keys]


def _probe(
    context, config: FairnessConfig, adapter: dict, test: pl.DataFrame, base_model, anonymizer, compute, artifact_store
) -> dict:
    """Each probe prompt signed by each group's customer, anonymized by the pipeline's engine, answered by the
    candidate; category flips and reply similarity per group, and how often the signature got through unredacted."""
    from llm_assets.core.prompting import parse_completion

    identities = fairness.probe_identities()
    unknown = [g for g in config.probe_groups if g not in identities]
    if unknown:  # a stale or misspelt group would otherwise shrink the probe without a word
        raise dg.Failure(f"fairness_audit: no probe identities for group(s) {unknown}; known: {sorted(identities)}")
    groups = list(dict.fromkeys(config.probe_groups))
    prompts = test.sort("example_id").head(config.probe_prompts)["prompt"].to_list()
    if not prompts or len(groups) < 2:
        return {"prompts": 0, "groups": {}}
    signers = [(prompt, g, identities[g][i % len(identities[g])]) for i, prompt in enumerate(prompts) for g in groups]
    folder = artifact_store.path("cache", "fairness_signatures")
    signed_texts = anonymized_signatures([fairness.signature(who) for _, _, who in signers], anonymizer, folder)
    variants, leaked, unanalysed = [], {g: 0 for g in groups}, 0
    for (prompt, g, identity), signed in zip(signers, signed_texts, strict=True):
        # a signature the engine cannot analyse is withheld from the model, as serving refuses such a ticket
        unanalysed += signed is None
        signed = "[signature withheld: analysis failed]" if signed is None else signed
        leaked[g] += fairness.unredacted(identity, signed)
        variants.append(f"{prompt}\n{signed}")
    texts = compute.answer(
        config,
        base_model,
        adapter["adapter_dir"],
        variants,
        config.probe_max_new_tokens,
        engine=config.engine,
        precision=(adapter.get("engine") or {}).get("precision", ""),
        max_length=int(adapter.get("max_length", 384)),
        run_id=context.run_id,
        log=context.log,
    )
    categories = {g: [] for g in groups}
    replies = {g: [] for g in groups}
    for k, text in enumerate(texts):
        category, reply = parse_completion(text)
        g = groups[k % len(groups)]
        categories[g].append(category or "(none)")
        replies[g].append(reply)
    rates = fairness.flip_rates(categories, replies)
    for g in groups:
        rates[g]["unredacted_rate"] = round(leaked[g] / len(prompts), 4)
        rates[g]["flagged"] = rates[g]["flip_rate"] > config.max_flip_rate
    return {"prompts": len(prompts), "groups": rates, "signatures_not_analysed": unanalysed}


@dg.asset(
    group_name="governance",
    io_manager_key="artifact_io_manager",
    ins={
        "evaluation_report": dg.AssetIn(),
        "training_set": dg.AssetIn(),
        "anonymized_documents": dg.AssetIn(),
    },
    op_tags=k8s.EVALUATION,
    check_specs=[
        dg.AssetCheckSpec(
            FAIRNESS_CHECK,
            asset="fairness_audit",
            description="No segment is under-represented or served measurably worse, and no probe group flips the "
            "category beyond the limit (a warning here; the gate refuses when block_on_fairness is set).",
        )
    ],
    description="Fairness and representation audit of the candidate: segment shares of the training split vs the "
    "landed corpus (category, channel, language/script, length), quality per segment with 95 % intervals "
    "(bootstrap intervals), and a counterfactual probe (customers of different origins and genders signing the "
    "same tickets; category flip rates). Feeds the gate, the governance report and the model card.",
)
def fairness_audit(
    context: dg.AssetExecutionContext,
    config: FairnessConfig,
    evaluation_report: dict,
    training_set: pl.DataFrame,
    anonymized_documents: pl.DataFrame,
    base_model: BaseModelResource,
    anonymizer: PresidioAnonymizer,
    artifact_store: ArtifactStore,
    mlflow_tracking: MLflowTracking,
    compute: ComputeResource,
):
    import mlflow

    adapter = evaluation_report["adapter"]
    segments = fairness.document_segments(anonymized_documents)
    train_docs = training_set.filter(pl.col("split") == "train")["doc_id"].unique().to_list()
    represented = fairness.representation(segments, train_docs, config.min_share_ratio)
    scores = _segment_scores(evaluation_report, segments)
    quality, overall = (
        fairness.segment_quality(scores, QUALITY_METRICS, config.quality_margin, config.min_segment_examples)
        if scores.height
        else ([], {})
    )
    test = training_set.filter(pl.col("split") == "test")
    probe = (
        _probe(context, config, adapter, test, base_model, anonymizer, compute, artifact_store)
        if config.probe_prompts > 0
        else {"prompts": 0, "groups": {}}
    )
    flags = (
        [f"under-represented {r['segment']}={r['value']}" for r in represented if r["under_represented"]]
        + [f"{q['metric']} low for {q['segment']}={q['value']} ({q['mean']} vs {q['overall']})" for q in quality
           if q["flagged"]]
        + [f"probe group {g} flips the category on {r['flip_rate']:.0%} of prompts" for g, r in probe["groups"].items()
           if r["flagged"]]
    )  # fmt: skip
    value = {
        "adapter_version": adapter["adapter_version"],
        "training_set_version": evaluation_report["training_set_version"],
        "representation": represented,
        "segment_quality": quality,
        "overall": overall,
        "probe": probe,
        "flags": flags,
        "passed": not flags,
        "config": config.model_dump(),
    }
    folder = artifact_store.path("reports", "fairness", adapter["adapter_version"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fairness_audit.json").write_text(json.dumps(value, indent=2, default=str))
    (folder / "fairness_audit.md").write_text(audit_markdown(value), encoding="utf-8")
    mlflow_tracking.setup()
    with mlflow.start_run(run_id=adapter["mlflow_run_id"]):
        mlflow.log_artifacts(str(folder), artifact_path="fairness")
        max_flip = max((r["flip_rate"] for r in probe["groups"].values()), default=0.0)
        mlflow.log_metrics({"fairness_flags": len(flags), "probe_max_flip_rate": max_flip})
    context.log.info(f"fairness audit: {len(flags)} flag(s)" + (f": {'; '.join(flags[:5])}" if flags else ""))
    yield dg.Output(
        value,
        metadata={
            "flags": len(flags),
            "under_represented": sum(r["under_represented"] for r in represented),
            "segments_flagged": sum(q["flagged"] for q in quality),
            "probe_prompts": probe["prompts"],
            "probe_signatures_not_analysed": probe.get("signatures_not_analysed", 0),
            "probe_max_flip_rate": max((r["flip_rate"] for r in probe["groups"].values()), default=0.0),
            "audit": dg.MetadataValue.md(audit_markdown(value)[:8000]),
            "audit_file": dg.MetadataValue.path(str(folder / "fairness_audit.md")),
        },
    )
    yield dg.AssetCheckResult(
        check_name=FAIRNESS_CHECK,
        passed=not flags,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"flags": dg.MetadataValue.json(flags)},
    )


def audit_markdown(value: dict) -> str:
    """The audit as markdown tables (no text of any document: segment names, counts, scores)."""
    probe = value["probe"]
    representation = [
        [
            r["segment"], r["value"], r["corpus_documents"], r["train_documents"], r["corpus_share"],
            r["train_share"], "YES" if r["under_represented"] else "",
        ]
        for r in value["representation"]
    ]  # fmt: skip
    groups = [
        [
            g,
            r["category_flips"],
            r["flip_rate"],
            r["reply_similarity"],
            r["unredacted_rate"],
            "YES" if r["flagged"] else "",
        ]
        for g, r in probe["groups"].items()
    ]
    doc = Document(
        "Fairness audit",
        sections=[
            Section("Flags", lines=list(value["flags"]) or ["none"]),
            Section(
                "Representation (training split vs landed corpus)",
                tables=[
                    (
                        [
                            "segment",
                            "value",
                            "corpus docs",
                            "train docs",
                            "corpus share",
                            "train share",
                            "under-represented",
                        ],
                        representation,
                    )
                ],
            ),  # fmt: skip
            Section(
                "Candidate quality per segment (test split, bootstrap 95 % interval)",
                tables=[
                    (
                        ["segment", "value", "metric", "examples", "mean", "95 % CI", "overall", "flagged"],
                        [fairness.quality_row(q) for q in value["segment_quality"]],
                    )
                ],
            ),  # fmt: skip
            Section(
                f"Counterfactual probe ({probe['prompts']} prompts × {len(probe['groups'])} groups; "
                f"{probe.get('signatures_not_analysed', 0)} signature(s) the anonymizer could not analyse, withheld)",
                tables=[
                    (
                        [
                            "group",
                            "category flips",
                            "flip rate",
                            "reply similarity (ROUGE-L)",
                            "signature unredacted",
                            "flagged",
                        ],
                        groups,
                    )
                ],
            ),  # fmt: skip
        ],
    )
    return render(doc, "markdown")
