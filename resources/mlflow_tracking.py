"""A thin MLflow resource: tracking and registry on sqlite under the data directory, artifacts on local disk."""

from pathlib import Path
from urllib.parse import quote

import dagster as dg
from pydantic import Field

from llm_assets.settings import data_dir, default_mlflow_tracking_uri


class MLflowTracking(dg.ConfigurableResource):
    """Where runs, logged models and registered model versions are recorded."""

    tracking_uri: str = Field(
        default_factory=default_mlflow_tracking_uri,
        description="MLflow tracking URI: sqlite:///... (default) or postgresql://... for a shared server, given as "
        "dg.EnvVar('LLMP_MLFLOW_TRACKING_URI') when that variable is set.",
    )
    registry_uri: str = Field(default="", description="Model registry URI; empty = same as the tracking URI.")
    artifact_root: str = Field(
        default_factory=lambda: str(data_dir() / "mlflow" / "artifacts"), description="Artifact store folder."
    )
    experiment_name: str = Field(default="governed-llm-finetuning", description="MLflow experiment for training runs.")
    registered_model_name: str = Field(default="support-ticket-assistant", description="Registry model name.")
    champion_alias: str = Field(default="champion", description="Alias that points at the promoted version.")
    fallback_alias: str = Field(
        default="fallback",
        description="Alias of the fallback (the base model with the few-shot prompt, registered as "
        "'<registered_model_name>-fallback'): served while no champion is (after an erasure removed it).",
    )
    ui_url: str = Field(
        default="http://127.0.0.1:5000",
        description="Where the MLflow UI serves this store (`make mlflow-ui`): Dagster metadata links point here.",
    )
    dagster_ui_url: str = Field(
        default="http://127.0.0.1:3000",
        description="Where the Dagster UI serves (`make ui`): MLflow runs and versions link back to their Dagster run.",
    )

    def run_url(self, run_id: str) -> str:
        experiment_id = self.client().get_run(run_id).info.experiment_id
        return f"{self.ui_url.rstrip('/')}/#/experiments/{experiment_id}/runs/{run_id}"

    def artifact_url(self, run_id: str, path: str) -> str:
        """A file logged to a run, served as is by the MLflow server (an HTML report opens in the browser)."""
        return f"{self.ui_url.rstrip('/')}/get-artifact?path={quote(path)}&run_uuid={run_id}"

    def model_version_url(self, version: str) -> str:
        return f"{self.ui_url.rstrip('/')}/#/models/{quote(self.registered_model_name)}/versions/{version}"

    def dagster_run_url(self, run_id: str) -> str:
        return f"{self.dagster_ui_url.rstrip('/')}/runs/{run_id}"

    def setup(self):
        """Points the mlflow client library at this store and returns the experiment id."""
        import mlflow

        if self.tracking_uri.startswith("sqlite:///"):
            Path(self.tracking_uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        mlflow.set_tracking_uri(self.tracking_uri)
        mlflow.set_registry_uri(self.registry_uri or self.tracking_uri)
        experiment = mlflow.get_experiment_by_name(self.experiment_name)
        if experiment is not None:
            return experiment.experiment_id
        Path(self.artifact_root).mkdir(parents=True, exist_ok=True)
        return mlflow.create_experiment(self.experiment_name, artifact_location=Path(self.artifact_root).as_uri())

    def client(self):
        from mlflow import MlflowClient

        self.setup()
        return MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.registry_uri or self.tracking_uri)

    @property
    def fallback_model_name(self) -> str:
        return f"{self.registered_model_name}-fallback"

    def fallback_version(self):
        """The registered fallback version its alias points at, or None."""
        from mlflow.exceptions import MlflowException

        try:
            return self.client().get_model_version_by_alias(self.fallback_model_name, self.fallback_alias)
        except MlflowException:
            return None

    def champion_version(self):
        """The registered version the champion alias points at, or None."""
        from mlflow.exceptions import MlflowException

        client = self.client()
        try:
            return client.get_model_version_by_alias(self.registered_model_name, self.champion_alias)
        except MlflowException:
            return None
