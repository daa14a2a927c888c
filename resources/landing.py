"""The landing zone: a folder where each sub-folder is one batch of raw documents (one Dagster partition)."""

import os
import time
from pathlib import Path

import dagster as dg
from pydantic import Field

from llm_assets.core.documents.inventory import Entry, walk
from llm_assets.core.documents.mapping import FieldMapping
from llm_assets.settings import corpus_mapping_file, landing_dir


class CorpusMapping(dg.Config):
    """Which of the corpus's own columns (tables, JSON) plays which part; '' keeps the pipeline's own field name."""

    message: str = Field(default="", description="Column holding the customer's message (the prompt's text).")
    subject: str = Field(default="", description="Column holding the subject line (optional).")
    reply: str = Field(default="", description="Column holding the agent's reply (what the model learns to write).")
    label: str = Field(default="", description="Column holding the class label (the category the model names).")
    group: str = Field(
        default="", description="Column whose equal values are held out whole (a thread, a customer, a template)."
    )
    passthrough: list[str] = Field(default=[], description="Other columns to keep as fields; empty keeps every column.")


class LandingZone(dg.ConfigurableResource):
    """Raw zone input: ``<path>/<batch>/<files>``. Only this folder and the raw tables ever hold raw PII."""

    path: str = Field(default_factory=lambda: str(landing_dir()), description="Landing directory.")
    mapping: CorpusMapping = Field(
        default_factory=CorpusMapping,
        description="The corpus's column names for message, subject, reply, label and group (see mapping_file).",
    )
    mapping_file: str = Field(
        default_factory=corpus_mapping_file,
        description="A YAML file of the same keys (role: column); the fields of `mapping` that are set win over it. "
        "Default: $LLMP_CORPUS_MAPPING, else corpus_mapping.yaml beside workspace.yaml if there is one.",
    )
    max_file_bytes: int = Field(default=20_000_000, description="Files larger than this are quarantined unread.")
    settle_seconds: float = Field(
        default=5.0, description="A batch is ready once none of its files changed for this long (still uploading)."
    )
    allow_hard_links: bool = Field(
        default=False,
        description="Read files that have several hard links. Off: such a file's other names may lie outside the "
        "landing zone, so it is quarantined (reason hard_link).",
    )

    def field_mapping(self) -> FieldMapping:
        base = FieldMapping.from_yaml(Path(self.mapping_file)) if self.mapping_file else FieldMapping()
        inline = {k: v for k, v in self.mapping.model_dump().items() if v}
        if "passthrough" in inline:
            inline["passthrough"] = tuple(inline["passthrough"])
        return FieldMapping(**{**base.__dict__, **inline})

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
