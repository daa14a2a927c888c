"""The served model's MLflow form: what ``llm_assets/serving/ticket_model.py`` loads, logged from code with its
signature, its code paths and its artifacts (the LoRA adapter, the engine's GGUF file and tokenizer); and the
fallback, the base model with the few-shot prompt, registered under its own name and ``fallback`` alias."""

from __future__ import annotations

import tempfile
from pathlib import Path

PIP_REQUIREMENTS = ["torch==2.13.0", "transformers==5.23.0", "peft==0.21.2", "pandas<3", "openvino-genai==2026.4.1.0"]
SERVED_MODEL_CODE = Path(__file__).resolve().parent.parent / "serving" / "ticket_model.py"
PROMPTING_CODE = Path(__file__).resolve().parent / "prompting.py"
GENERATION_CODE = Path(__file__).resolve().parent / "generation.py"

# the served model's columns: (name, MLflow type, required)
# ticket_placeholders: the placeholders of the ticket's other fields (the customer's name and e-mail), which a reply
# may name and the server fills back; space-separated, filled by the server
SERVED_INPUT = [("subject", "string", False), ("message", "string", True), ("ticket_placeholders", "string", False)]
SERVED_OUTPUT = [
    ("category", "string", True),
    ("reply", "string", True),
    ("completion", "string", True),
    ("new_tokens", "long", True),
    ("format_ok", "boolean", True),
    # placeholders the model wrote that the request did not hold (each repaired before the reply leaves)
    ("unknown_placeholders", "long", True),
]
INPUT_EXAMPLE = {
    "subject": ["Where is my parcel?"],
    "message": ["Hello, my order <REFERENCE_NUMBER_1> has not arrived yet. Regards, <PERSON_1>"],
}
FALLBACK_ROLE_TAG = "llmp/role"


def log_served_model(adapter_dir: Path | None, serving: dict, engine_dir: Path | None = None) -> str:
    """The adapter (none for the fallback: the base model alone) and the engine's GGUF file with its tokenizer
    (``engine_dir``) as the served pyfunc (models from code) in the active MLflow run; its model URI."""
    import mlflow
    import pandas as pd
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, ParamSchema, ParamSpec, Schema

    def schema(cols: list[tuple[str, str, bool]]) -> Schema:
        return Schema([ColSpec(kind, name, required=required) for name, kind, required in cols])

    artifacts = {"adapter": str(adapter_dir)} if adapter_dir else {}
    if engine_dir:
        artifacts["engine"] = str(engine_dir)
    info = mlflow.pyfunc.log_model(
        name="adapter" if adapter_dir else "fallback",
        python_model=str(SERVED_MODEL_CODE),
        code_paths=[str(PROMPTING_CODE), str(GENERATION_CODE)],
        artifacts=artifacts,
        model_config=serving,
        signature=ModelSignature(
            inputs=schema(SERVED_INPUT),
            outputs=schema(SERVED_OUTPUT),
            params=ParamSchema([ParamSpec("max_new_tokens", "long", 64)]),
        ),
        # MLflow loads the logged model and answers this example before the run ends: a short answer keeps it cheap
        input_example=(pd.DataFrame(INPUT_EXAMPLE), {"max_new_tokens": 4}),
        pip_requirements=PIP_REQUIREMENTS,
    )
    return info.model_uri


def register_fallback(tracking, serving: dict, engine_dir: Path | None, tags: dict[str, str], why: str) -> str:
    """Logs the base model with ``serving['shots']`` as a served model, registers it under the fallback name and
    points the ``fallback`` alias at it; the new version."""
    import mlflow

    experiment_id = tracking.setup()
    client = tracking.client()
    with mlflow.start_run(experiment_id=experiment_id, run_name="fallback-model") as run:
        mlflow.set_tags({FALLBACK_ROLE_TAG: "fallback", "llmp/why": why})
        uri = log_served_model(None, serving, engine_dir)
    version = str(mlflow.register_model(uri, tracking.fallback_model_name).version)
    for key, value in {**tags, FALLBACK_ROLE_TAG: "fallback", "mlflow_run_id": run.info.run_id}.items():
        client.set_model_version_tag(tracking.fallback_model_name, version, key, str(value))
    client.set_registered_model_alias(tracking.fallback_model_name, tracking.fallback_alias, version)
    return version


def logged_config(model_uri: str) -> dict:
    """The model config a served model was logged with (MLmodel's python_function flavor)."""
    from mlflow.models import Model

    flavor = Model.load(model_uri).flavors.get("python_function", {})
    return dict(flavor.get("config") or flavor.get("model_config") or {})


def fallback_without_documents(tracking, doc_ids: set[str], why: str) -> tuple[str | None, int]:
    """When the fallback's in-context shots hold any of ``doc_ids`` (an erasure), a new fallback version without
    those shots (the same base model file): (its version, shots dropped); (None, 0) when nothing needed changing
    or there is no fallback."""
    import mlflow.artifacts

    current = tracking.fallback_version()
    if current is None:
        return None, 0
    uri = f"models:/{tracking.fallback_model_name}/{current.version}"
    config = logged_config(uri)
    shot_docs = list(config.get("shot_doc_ids") or [])
    keep = [i for i, d in enumerate(shot_docs) if d not in doc_ids]
    if len(keep) == len(shot_docs):
        return None, 0
    for key in ("shots", "shot_doc_ids", "shot_example_ids"):
        config[key] = [list(config.get(key) or [])[i] for i in keep if i < len(config.get(key) or [])]
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=tmp))
        engine = next((p for p in local.rglob("engine") if p.is_dir()), None)
        tags = {k: v for k, v in current.tags.items() if k not in {"mlflow_run_id"}}
        tags["replaces_version"] = str(current.version)
        tags["content_key"] = f"{tags.get('content_key', '')}-without-{len(shot_docs) - len(keep)}"
        version = register_fallback(tracking, config, engine, tags, why)
    return version, len(shot_docs) - len(keep)


def fallback_ledger_row(tracking, version: str) -> dict:
    """The ``fallback_model`` ledger's row for a registered fallback version: what it is and which training
    documents its shots are (erasure reads them)."""
    from datetime import UTC, datetime

    mv = tracking.client().get_model_version(tracking.fallback_model_name, version)
    config = logged_config(f"models:/{tracking.fallback_model_name}/{version}")
    return {
        "model_name": tracking.fallback_model_name,
        "version": str(version),
        "content_key": mv.tags.get("content_key", ""),
        "base_model": mv.tags.get("base_model", config.get("base_model", "")),
        "engine_sha256": mv.tags.get("engine_sha256", ""),
        "training_set_version": mv.tags.get("training_set_version", ""),
        "replaces_version": mv.tags.get("replaces_version", ""),
        "why": mv.tags.get("llmp/why", ""),
        "shots": len(config.get("shots") or []),
        "shot_example_ids": list(config.get("shot_example_ids") or []),
        "shot_doc_ids": list(config.get("shot_doc_ids") or []),
        "registered_at": datetime.fromtimestamp(mv.creation_timestamp / 1000, UTC),
    }
