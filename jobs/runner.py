"""Running the project's jobs from a command line, in this process, on the project's Dagster instance (the run shows
in the UI): what ``llm-pipeline`` and ``llm-governance`` share."""

from __future__ import annotations

from llm_assets import settings


def instance():
    """The project's Dagster instance (``$DAGSTER_HOME``, by default under the data directory; created on first use)."""
    from dagster import DagsterInstance

    home = settings.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    yaml = home / "dagster.yaml"
    if not yaml.exists():
        yaml.write_text(settings.dagster_yaml())
    return DagsterInstance.get()


def resolve(job, resources: dict | None = None):
    """``job`` over the project's assets, with resources built now (the CLI's environment, not the import-time one)."""
    import dagster as dg

    from jobs.catalog import ASSETS
    from resources import build_resources

    resources = resources or build_resources()  # the job resolves its dg.EnvVar values itself
    return dg.Definitions(assets=ASSETS, jobs=[job], resources=resources).resolve_job_def(job.name)


def run_job(job, run_config: dict, resources: dict | None = None):
    """Runs ``job`` in this process on the project's instance; its result."""
    with instance() as dagster_instance:
        return resolve(job, resources).execute_in_process(
            run_config=run_config, instance=dagster_instance, raise_on_error=False
        )
