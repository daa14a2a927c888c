"""The landing zone: a folder where each sub-folder is one batch of raw documents (one Dagster partition)."""

import os
import time
from pathlib import Path

import dagster as dg
from pydantic import Field

from llm_assets.core.documents.inventory import Entry, walk
from llm_assets.settings import default_path


class LandingZone(dg.ConfigurableResource):
    """Raw zone input: ``<path>/<batch>/<files>``. Only this folder and the raw tables ever hold raw PII."""

    path: str = Field(default_factory=lambda: default_path("landing"), description="Landing directory.")
    max_file_bytes: int = Field(default=20_000_000, description="Files larger than this are quarantined unread.")
    settle_seconds: float = Field(
        default=5.0, description="A batch is ready once none of its files changed for this long (still uploading)."
    )
    allow_hard_links: bool = Field(
        default=False,
        description="Read files that have several hard links. Off: such a file's other names may lie outside the "
        "landing zone, so it is quarantined (reason hard_link).",
    )

    def batch_dir(self, batch: str) -> Path:
        return Path(self.path) / batch

    def entries(self, batch: str) -> list[Entry]:
        """Every entry of the batch folder: to read, quarantined or ignored by a rule (see core/documents/inventory)."""
        d = self.batch_dir(batch)
        if not d.is_dir():
            raise FileNotFoundError(f"landing batch {batch!r} not found under {self.path}")
        return list(walk(d, Path(self.path), self.allow_hard_links))

    def ready_batches(self, now: float | None = None) -> list[str]:
        root = Path(self.path)
        if not root.is_dir():
            return []
        now = time.time() if now is None else now
        ready = []
        for d in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()):
            if d.name.startswith((".", "_")):
                continue
            entries = list(walk(d, root))
            mtimes = []
            for e in (e for e in entries if e.outcome == "read" and e.real_path is not None):
                try:
                    mtimes.append(os.stat(e.real_path).st_mtime)
                except OSError:
                    continue
            # a batch of nothing but unreadable entries is ingested too: its entries must be accounted for
            if entries and all(now - m >= self.settle_seconds for m in mtimes):
                ready.append(d.name)
        return ready
