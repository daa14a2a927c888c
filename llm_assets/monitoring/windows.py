"""What both drift reports compare: a window of new inputs (named by a hash of its ids) against a reference, the
training split of the champion's training-set version."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from llm_assets.core import lineage
from resources.warehouse import DuckDBWarehouse


def window_id(ids: list[str]) -> str:
    """The window's name: the same inputs give the same name, whatever their order."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:12] if ids else "empty"


@dataclass(frozen=True)
class Reference:
    """A training-set version's members: its training split is the reference, all of it is what the model saw."""

    version: str | None
    members: pl.DataFrame  # version, doc_id, example_id, split, recorded_at

    @classmethod
    def of(cls, champion, warehouse: DuckDBWarehouse, latest_without_champion: bool = False) -> Reference:
        """The champion's training-set version (without a champion: the latest one, if asked, else none)."""
        if champion is not None:
            version = (champion.tags or {}).get("training_set_version")
        else:
            version = lineage.latest_training_set_version(warehouse) if latest_without_champion else None
        empty = lineage.version_members(warehouse, "") if not version else None
        return cls(version, empty if empty is not None else lineage.version_members(warehouse, version))

    @property
    def seen(self) -> set[str]:
        """Every document of the version, whatever its split."""
        return set(self.members["doc_id"].to_list())

    @property
    def built_at(self):
        return self.members["recorded_at"].max() if self.members.height else None

    def documents(self, anonymized_documents: pl.DataFrame) -> pl.DataFrame:
        train = self.members.filter(pl.col("split") == "train")["doc_id"].to_list()
        return anonymized_documents.filter(pl.col("doc_id").is_in(train))


def sample(reference: pl.DataFrame, limit: int) -> pl.DataFrame:
    """At most ``limit`` reference documents (a fixed sample, for speed)."""
    return reference.sample(limit, seed=0) if reference.height > limit else reference
