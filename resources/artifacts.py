"""Descriptors of large artifacts (adapter folders, reports) passed between assets as JSON, never pickles."""

import json
from pathlib import Path
from urllib.parse import quote

import dagster as dg
from pydantic import Field

from llm_assets.settings import default_path


class ArtifactStore(dg.ConfigurableResource):
    """Root folder of the pipeline's file artifacts: adapters, reports, caches."""

    root: str = Field(default_factory=lambda: default_path("artifacts"), description="Folder for file artifacts.")
    reports_url: str = Field(
        default="http://127.0.0.1:3001",
        description="Where the reports folder is served (`make ui` starts a static server on loopback, or "
        "`make reports`): Dagster metadata links to each HTML report there.",
    )

    def path(self, *parts: str) -> Path:
        p = Path(self.root).joinpath(*parts)
        p.mkdir(parents=True, exist_ok=True)
        return p

    def report_url(self, path: str | Path) -> str:
        """The URL of a file under ``<root>/reports`` on the static route."""
        relative = Path(path).resolve().relative_to(Path(self.root, "reports").resolve())
        return f"{self.reports_url.rstrip('/')}/{quote(relative.as_posix())}"


class JsonArtifactIOManager(dg.ConfigurableIOManager):
    """Stores an asset's value (a JSON-able dict that points at its files) as ``<root>/<asset key>.json``."""

    root: str = Field(default_factory=lambda: default_path("artifacts", "descriptors"))

    def _path(self, context: dg.OutputContext | dg.InputContext) -> Path:
        return Path(self.root, *context.asset_key.path).with_suffix(".json")

    def handle_output(self, context: dg.OutputContext, obj: dict) -> None:
        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str), encoding="utf-8")
        tmp.replace(path)

    def load_input(self, context: dg.InputContext) -> dict:
        path = self._path(context)
        if not path.exists():
            raise dg.DagsterInvariantViolationError(
                f"{context.asset_key.to_user_string()} has not been materialized (no {path.name})"
            )
        return json.loads(path.read_text(encoding="utf-8"))
