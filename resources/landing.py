"""The landing zone: a folder where each sub-folder is one batch of raw documents (one Dagster partition)."""

import time
from pathlib import Path

import dagster as dg
from pydantic import Field

from llm_assets.settings import default_path


class LandingZone(dg.ConfigurableResource):
    """Raw zone input: ``<path>/<batch>/<files>``. Only this folder and the raw tables ever hold raw PII."""

    path: str = Field(default_factory=lambda: default_path("landing"), description="Landing directory.")
    max_file_bytes: int = Field(default=20_000_000, description="Files larger than this are quarantined unread.")
    settle_seconds: float = Field(
        default=5.0, description="A batch is ready once none of its files changed for this long (still uploading)."
    )

    def batch_dir(self, batch: str) -> Path:
        return Path(self.path) / batch

    def ready_batches(self, now: float | None = None) -> list[str]:
        root = Path(self.path)
        if not root.is_dir():
            return []
        now = time.time() if now is None else now
        ready = []
        for d in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
            files = [f for f in d.rglob("*") if f.is_file()]
            if files and all(now - f.stat().st_mtime >= self.settle_seconds for f in files):
                ready.append(d.name)
        return ready

    def files(self, batch: str) -> list[Path]:
        d = self.batch_dir(batch)
        if not d.is_dir():
            raise FileNotFoundError(f"landing batch {batch!r} not found under {self.path}")
        return sorted(f for f in d.rglob("*") if f.is_file() and not f.name.startswith("."))
