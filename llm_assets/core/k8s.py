"""What each step needs from a cluster: Kubernetes resource requests as op tags.

``dagster-k8s`` reads the ``dagster-k8s/config`` tag of each op: with ``K8sRunLauncher`` (one pod per run) or
``k8s_job_executor`` (one pod per step), runs launched from the UI, by sensors or by backfills get the same requests,
because the tags belong to the asset definitions. ``LLMP_K8S_GPUS`` (default 0) adds ``nvidia.com/gpu`` to the model
steps.
"""

from __future__ import annotations

from llm_assets.settings import k8s_gpus


def k8s_tags(cpu: str, memory: str, gpus: int = 0) -> dict:
    requests: dict[str, str] = {"cpu": cpu, "memory": memory}
    limits: dict[str, str] = {"memory": memory}
    if gpus:
        requests["nvidia.com/gpu"] = limits["nvidia.com/gpu"] = str(gpus)
    return {"dagster-k8s/config": {"container_config": {"resources": {"requests": requests, "limits": limits}}}}


_GPUS = k8s_gpus()

INGESTION = k8s_tags(cpu="1", memory="2Gi")
ANONYMIZATION = k8s_tags(cpu="4", memory="6Gi")  # spaCy workers, one per core
TRAINING_DATA = k8s_tags(cpu="1", memory="2Gi")
TRAINING = k8s_tags(cpu="8", memory="16Gi", gpus=_GPUS)
EVALUATION = k8s_tags(cpu="4", memory="12Gi", gpus=_GPUS)
MONITORING = k8s_tags(cpu="2", memory="6Gi")
LIGHT = k8s_tags(cpu="500m", memory="1Gi")
