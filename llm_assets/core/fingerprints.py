"""Keyed fingerprints of personal identifiers: how the pipeline finds a data subject, or a leaked value, without
keeping the value anywhere outside the raw zone.

A fingerprint is an HMAC-SHA256 of the normalized value under the governance key (never stored in the warehouse).
Phone, card and other digit-heavy values are normalized to their digits, so ``(555) 010-4477`` and ``555.010.4477``
are the same identifier; everything else to case-folded, single-spaced text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Iterable

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
DIGIT_RUN = re.compile(r"\+?\d[\d \t().\-]{5,}\d")
_EDGE = " .,;:!?\"'`()[]{}<>*_|/\\"

# structured fields that name the person a document is about, by identifier kind
SUBJECT_FIELDS: dict[str, tuple[str, ...]] = {
    "email": ("customer_email", "email", "from_email", "to_email"),
    "customer_id": ("customer_id", "account_id", "user_id", "client_id", "customer_account"),
    "name": ("customer_name", "name", "from_name", "to_name"),
    "phone": ("customer_phone", "phone"),
}
SUBJECT_KINDS = tuple(SUBJECT_FIELDS)


def normalize_identifier(value: str) -> str:
    v = unicodedata.normalize("NFKC", value).casefold()
    v = re.sub(r"\s+", " ", v).strip(_EDGE)
    letters_digits = re.sub(r"\W", "", v)
    digits = re.sub(r"\D", "", v)
    if len(digits) >= 7 and len(digits) >= 0.7 * len(letters_digits):
        return "#" + digits
    return v


def fingerprint(key: bytes, value: str) -> str:
    """32 hex characters of HMAC-SHA256 over the normalized value."""
    return hmac.new(key, normalize_identifier(value).encode(), hashlib.sha256).hexdigest()[:32]


def subject_identifiers(text: str, fields: dict[str, str]) -> set[tuple[str, str]]:
    """(kind, value) of each identifier of a data subject in a document: structured fields by name, and every email
    address in any field or in the text."""
    found: set[tuple[str, str]] = set()
    for kind, names in SUBJECT_FIELDS.items():
        for name in names:
            value = fields.get(name)
            if isinstance(value, str) and value.strip():
                found.add((kind, value.strip()))
    for value in [text, *(v for v in fields.values() if isinstance(v, str))]:
        for m in EMAIL.finditer(value or ""):
            found.add(("email", m.group(0)))
    return {(k, v) for k, v in found if normalize_identifier(v)}


def subject_rows(key: bytes, doc_id: str, batch_id: str, text: str, fields_json: str) -> list[dict]:
    fields = json.loads(fields_json) if fields_json else {}
    return [
        {"doc_id": doc_id, "batch_id": batch_id, "kind": kind, "subject_key": fingerprint(key, value)}
        for kind, value in sorted(subject_identifiers(text, fields))
    ]


def word_count(value: str) -> int:
    norm = normalize_identifier(value)
    return 1 if norm.startswith("#") else len(norm.split(" "))


def candidate_fingerprints(key: bytes, text: str, max_words: int = 4) -> set[str]:
    """Fingerprints of every span of ``text`` that could be an identifier: word n-grams up to ``max_words`` and every
    run of 7+ digits inside a digit-heavy stretch (so a leaked number is found whatever its formatting)."""
    out: set[str] = set()
    words = [w.strip(_EDGE) for w in text.split()]
    words = [w for w in words if w]
    for n in range(1, max_words + 1):
        for i in range(len(words) - n + 1):
            out.add(fingerprint(key, " ".join(words[i : i + n])))
    for m in DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        for length in range(7, min(len(digits), 19) + 1):
            for i in range(len(digits) - length + 1):
                out.add(fingerprint(key, digits[i : i + length]))
    return out


def find_known(key: bytes, texts: Iterable[str], known: set[str], max_words: int = 4) -> list[set[str]]:
    """For each text, the known fingerprints it contains."""
    return [candidate_fingerprints(key, t, max_words) & known for t in texts]
