"""Per-document features that drift is measured on: text, length, entity mix, category, and a local embedding."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import polars as pl

ENTITY_COLUMNS = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "REFERENCE_NUMBER",
    "CREDIT_CARD",
    "LOCATION",
)


def document_features(docs: pl.DataFrame, audit: pl.DataFrame) -> pd.DataFrame:
    """One row per anonymized document: ``text``, ``chars``, ``words``, ``category`` and ``n_<ENTITY>`` counts."""
    counts = (
        audit.filter(pl.col("doc_id").is_in(docs["doc_id"].implode()))
        .group_by("doc_id", "entity_type")
        .len()
        .pivot(on="entity_type", index="doc_id", values="len")
        if audit.height
        else pl.DataFrame({"doc_id": []}, schema={"doc_id": pl.String})
    )
    rows = []
    for row in docs.select("doc_id", "text", "fields").iter_rows(named=True):
        fields = json.loads(row["fields"])
        rows.append(
            {
                "doc_id": row["doc_id"],
                "text": row["text"],
                "chars": float(len(row["text"])),
                "words": float(len(row["text"].split())),
                "category": str(fields.get("category", "unknown")),
            }
        )
    frame = pl.DataFrame(
        rows,
        schema={
            "doc_id": pl.String,
            "text": pl.String,
            "chars": pl.Float64,
            "words": pl.Float64,
            "category": pl.String,
        },
    )
    frame = frame.join(counts, on="doc_id", how="left")
    for entity in ENTITY_COLUMNS:
        col = f"n_{entity}"
        frame = frame.with_columns(
            (pl.col(entity).cast(pl.Float64) if entity in frame.columns else pl.lit(0.0)).fill_null(0.0).alias(col)
        )
    keep = ["doc_id", "text", "chars", "words", "category", *[f"n_{e}" for e in ENTITY_COLUMNS]]
    return frame.select(keep).to_pandas()


def tfidf_svd_embeddings(reference: list[str], current: list[str], dims: int, seed: int = 0):
    """TF-IDF fitted on the reference, reduced by truncated SVD: a cheap local embedding, no model download."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=20000, sublinear_tf=True)
    ref = vectorizer.fit_transform(reference)
    dims = max(2, min(dims, ref.shape[1] - 1, ref.shape[0] - 1))
    svd = TruncatedSVD(n_components=dims, random_state=seed).fit(ref)
    return np.asarray(svd.transform(ref)), np.asarray(svd.transform(vectorizer.transform(current)))
