"""Past training-set versions, rebuilt from the warehouse: the members ledger (which example of which document in
which split, per version) joined with the content-addressed example store. Also the diff of two versions."""

from dataclasses import dataclass, field

import polars as pl

from llm_assets.core import lineage
from llm_assets.core.examples import EXAMPLE_SCHEMA, canonical_bytes, content_sha256
from resources.warehouse import DuckDBWarehouse

EXAMPLE_STORE = ("train", "training_examples")


@dataclass
class Rebuild:
    version: str
    examples: pl.DataFrame
    recorded_sha256: str | None
    rebuilt_sha256: str
    missing_examples: int = 0
    erased_documents: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return self.recorded_sha256 is not None and self.rebuilt_sha256 == self.recorded_sha256

    def canonical_bytes(self) -> bytes:
        return canonical_bytes(self.examples)

    def summary(self) -> dict:
        return {
            "version": self.version,
            "examples": self.examples.height,
            "recorded_sha256": self.recorded_sha256,
            "rebuilt_sha256": self.rebuilt_sha256,
            "identical": self.identical,
            "missing_examples": self.missing_examples,
            "erased_documents": len(self.erased_documents),
        }


def recorded_sha256(warehouse: DuckDBWarehouse, version: str) -> str | None:
    row = lineage.read(warehouse, "training_set_versions", equals={"version": version})
    if not row.height or "content_sha256" not in row.columns:
        return None
    return row["content_sha256"][0]


def members(warehouse: DuckDBWarehouse, version: str) -> pl.DataFrame:
    df = warehouse.select(*lineage.MEMBERS, equals={"version": version})
    if df is None or not df.height:
        raise LookupError(f"training-set version {version} is not in the members ledger")
    if "label" not in df.columns or df["label"].null_count() == df.height and df.height:
        raise LookupError(f"training-set version {version} was recorded before the example store: not rebuildable")
    return df


def rebuild(warehouse: DuckDBWarehouse, version: str) -> Rebuild:
    """The version's examples as ``training_set`` wrote them. Examples of documents erased since are missing (the
    rebuild then differs from the recorded hash and says how many and why)."""
    m = members(warehouse, version)
    store = warehouse.select(*EXAMPLE_STORE, is_in={"example_id": m["example_id"].unique().to_list()})
    if store is None:
        store = pl.DataFrame(
            schema={"example_id": pl.String, "doc_id": pl.String, "prompt": pl.String, "completion": pl.String}
        )
    joined = m.join(store, on=["example_id", "doc_id"], how="left")
    missing = joined.filter(pl.col("prompt").is_null())
    erased_docs, _ = lineage.erased(warehouse)
    df = joined.filter(pl.col("prompt").is_not_null()).select([pl.col(c).cast(t) for c, t in EXAMPLE_SCHEMA.items()])
    return Rebuild(
        version=version,
        examples=df.sort("example_id"),
        recorded_sha256=recorded_sha256(warehouse, version),
        rebuilt_sha256=content_sha256(df),
        missing_examples=missing.height,
        erased_documents=sorted(set(missing["doc_id"].to_list()) & set(erased_docs)),
    )


def diff(warehouse: DuckDBWarehouse, old: str, new: str) -> dict:
    """Documents and examples added to and removed from ``old`` to make ``new`` (from the members ledger: it holds
    ids only, so a diff works for erased documents too), and examples that changed split."""
    a = members(warehouse, old).select("doc_id", "example_id", "split")
    b = members(warehouse, new).select("doc_id", "example_id", "split")
    docs_a, docs_b = set(a["doc_id"].to_list()), set(b["doc_id"].to_list())
    ex_a, ex_b = set(a["example_id"].to_list()), set(b["example_id"].to_list())
    moved = a.join(b, on="example_id", suffix="_new").filter(pl.col("split") != pl.col("split_new"))
    per_split = {
        s: {
            "added": len(
                set(b.filter(pl.col("split") == s)["example_id"]) - set(a.filter(pl.col("split") == s)["example_id"])
            ),
            "removed": len(
                set(a.filter(pl.col("split") == s)["example_id"]) - set(b.filter(pl.col("split") == s)["example_id"])
            ),
        }
        for s in ("train", "validation", "test")
    }
    return {
        "from": old,
        "to": new,
        "documents": {"from": len(docs_a), "to": len(docs_b)},
        "examples": {"from": len(ex_a), "to": len(ex_b)},
        "documents_added": sorted(docs_b - docs_a),
        "documents_removed": sorted(docs_a - docs_b),
        "examples_added": sorted(ex_b - ex_a),
        "examples_removed": sorted(ex_a - ex_b),
        "examples_moved_split": moved.height,
        "per_split": per_split,
    }


def storage_cost(warehouse: DuckDBWarehouse) -> dict:
    """Text bytes held by the example store vs what one full copy per version would hold."""
    store = warehouse.select(*EXAMPLE_STORE, columns=["example_id", "doc_id", "prompt", "completion"])
    m = warehouse.select(*lineage.MEMBERS, columns=["version", "example_id", "doc_id"])
    if store is None or m is None:
        return {"versions": 0, "store_bytes": 0, "full_copies_bytes": 0}
    sized = store.with_columns(
        (pl.col("prompt").str.len_bytes() + pl.col("completion").str.len_bytes()).alias("bytes")
    ).select("example_id", "doc_id", "bytes")
    copies = m.join(sized, on=["example_id", "doc_id"], how="inner")
    return {
        "versions": m["version"].n_unique(),
        "stored_examples": store.height,
        "member_rows": m.height,
        "store_bytes": int(sized["bytes"].sum() or 0),
        "full_copies_bytes": int(copies["bytes"].sum() or 0),
    }
