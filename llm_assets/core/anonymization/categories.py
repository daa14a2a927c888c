"""Categories: the values of a label field that many documents share are kept as they are.

A label column ("queue", "category", "priority") holds a handful of values repeated across the corpus. The engine
sees one document at a time, so a label such as "Sales and Pre-Sales" or "Technical Support" is only a short text to
it, and a short capitalised text may read as a name. Across the corpus the question is simpler: a value that at least
``min_documents`` different documents carry cannot single out one of them (k-anonymity), so it is a category and is
copied unchanged; a rarer value (a name typed into the field) is analysed like any text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llm_assets.core.anonymization.engine import AnonymizedDocument

# a category is one short line without an address sign: a value shaped like contact data is analysed wherever it is
MAX_CATEGORY_CHARS = 60


def shared_categories(
    documents: Sequence[Mapping[str, object]], fields: Iterable[str], min_documents: int
) -> dict[str, frozenset[str]]:
    """For each of ``fields``, the values that at least ``min_documents`` documents hold (0 = none kept)."""
    if min_documents <= 0:
        return {}
    holders: dict[str, dict[str, int]] = {name: defaultdict(int) for name in fields}
    for doc in documents:
        for name, counts in holders.items():
            value = doc.get(name)
            if isinstance(value, str) and _category_shaped(value):
                counts[value] += 1
    kept = {name: frozenset(v for v, n in counts.items() if n >= min_documents) for name, counts in holders.items()}
    return {name: values for name, values in kept.items() if values}


def _category_shaped(value: str) -> bool:
    text = value.strip()
    return 0 < len(text) <= MAX_CATEGORY_CHARS and "\n" not in text and "@" not in text


def anonymize_keeping_categories(
    documents: list[dict[str, str]],
    categories: Mapping[str, frozenset[str]],
    run: Callable[[list[dict[str, str]]], list[AnonymizedDocument]],
) -> list[AnonymizedDocument]:
    """``run`` over the documents without their category values, which come back into each anonymized document
    unchanged (a held-back document stays held back)."""
    if not categories:
        return run(documents)
    stripped, kept = [], []
    for doc in documents:
        own = {k: v for k, v in doc.items() if isinstance(v, str) and v in categories.get(k, ())}
        stripped.append({k: v for k, v in doc.items() if k not in own})
        kept.append(own)
    results = run(stripped)
    for res, own in zip(results, kept, strict=True):
        if res.ok:
            res.fields = {**res.fields, **own}
    return results
