"""A corpus's own column names, mapped once onto the fields the pipeline reads.

A company's tickets come with their own columns (``body``, ``customer_query``, ``resolution``, ``queue``...). The
mapping says which column is the message, the subject, the reply, the label and the group held out whole, and which
other columns pass through; each table or JSON record is renamed by it before it becomes a document, so the training
set's templates (``{text}``, ``{subject}``, ``{agent_reply}``, ``{category}``) and the split by ``split_group`` work
unchanged. Documents of the other formats (e-mail, transcripts, HTML, PDF...) already carry these fields.

A mapped column that no table or JSON record of the run holds is an error of the mapping, not of the data: the run
stops at ingestion and says which columns it did find (``MappingError``), instead of landing zero examples.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# the pipeline's field for each role, what the training set's templates and split read
ROLES = {
    "message": "message",
    "subject": "subject",
    "reply": "agent_reply",
    "label": "category",
    "group": "split_group",
}
STRUCTURED_FORMATS = {"jsonl", "json", "csv", "tsv"}
# a column named like data rather than like a header (a headerless file's first row) is not echoed in an error;
# nor are words each capitalised as a name is ("Jane Doe"): a header spelt that way ("Customer Name") is hidden too
_HEADER_LIKE = re.compile(r"^[A-Za-z_][A-Za-z_ .\-/]{0,39}$")
_NAME_LIKE = re.compile(r"^[A-Z][a-z]+(?:[ .\-]+[A-Z][a-z]*)+\.?$")


def header_like(column: str) -> bool:
    return bool(_HEADER_LIKE.match(column)) and not _NAME_LIKE.match(column)


class MappingError(ValueError):
    """The mapping names a column that no table or JSON record holds."""


@dataclass(frozen=True)
class FieldMapping:
    """Source column for each role ('' = the pipeline's own field name); ``passthrough``: the other columns kept
    (empty = all of them)."""

    message: str = ""
    subject: str = ""
    reply: str = ""
    label: str = ""
    group: str = ""
    passthrough: tuple[str, ...] = ()

    @classmethod
    def from_yaml(cls, path: Path) -> FieldMapping:
        import yaml

        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            # where, not what: the file names the corpus's columns, which stay out of the event log
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            raise MappingError(f"{path}: not a readable YAML mapping ({type(exc).__name__}{where})") from None
        if not isinstance(data, dict):
            raise MappingError(f"{path}: expected a mapping of role: column, got {type(data).__name__}")
        unknown = sorted(set(data) - set(ROLES) - {"passthrough"})
        if unknown:
            raise MappingError(f"{path}: unknown key(s) {unknown}; the keys are {sorted(ROLES)} and 'passthrough'")
        passthrough = data.get("passthrough") or []
        return cls(**{k: str(data[k] or "") for k in ROLES if k in data}, passthrough=tuple(map(str, passthrough)))

    @property
    def is_identity(self) -> bool:
        return not any(self.columns())

    def columns(self) -> dict[str, str]:
        """role -> source column, for the roles this mapping sets."""
        return {role: getattr(self, role) for role in ROLES if getattr(self, role)}

    def apply(self, fields: dict[str, str]) -> dict[str, str]:
        """A record's fields under the pipeline's names: mapped columns renamed (a mapped column wins over a column
        that already has the pipeline's name), the rest kept, or only ``passthrough`` ones when it is set."""
        mapped = {ROLES[role]: fields[col] for role, col in self.columns().items() if col in fields}
        sources = set(self.columns().values())
        rest = {k: v for k, v in fields.items() if k not in sources and k not in mapped}
        if self.passthrough:
            rest = {k: v for k, v in rest.items() if k in self.passthrough}
        return {**rest, **mapped}


@dataclass
class MappingCheck:
    """What the structured records of a run held: the columns seen, and how many records, per file."""

    mapping: FieldMapping
    columns_seen: dict[str, set[str]] = field(default_factory=dict)

    def saw(self, rel_path: str, columns: list[str]) -> None:
        self.columns_seen.setdefault(rel_path, set()).update(columns)

    def problems(self) -> list[str]:
        """One sentence per mapped column that no structured record held (none when no table or JSON landed)."""
        if not self.columns_seen:
            return []
        found = set().union(*self.columns_seen.values())
        files = len(self.columns_seen)
        out = []
        for role, column in self.mapping.columns().items():
            if column not in found:
                out.append(f"column {column!r} (the {role}) is in none of the {files} table/JSON file(s) landed")
        out += [
            f"passthrough column {c!r} is in none of the {files} table/JSON file(s) landed"
            for c in self.mapping.passthrough
            if c not in found
        ]
        return out

    def raise_if_wrong(self) -> None:
        problems = self.problems()
        if problems:
            found = set().union(*self.columns_seen.values())
            shown = sorted(c for c in found if header_like(c))
            hidden = len(found) - len(shown)
            raise MappingError(
                "corpus mapping does not fit what landed: "
                + "; ".join(problems)
                + f". Columns found: {', '.join(shown) or 'none'}"
                + (f" (and {hidden} not shown: they look like values or names, not column names)" if hidden else "")
                + ". Fix the mapping (corpus_mapping.yaml, --mapping, or landing_zone.mapping in the Launchpad)."
            )


_ACTIVE: contextvars.ContextVar[MappingCheck | None] = contextvars.ContextVar("field_mapping", default=None)


@contextlib.contextmanager
def mapping_applied(mapping: FieldMapping) -> Iterator[MappingCheck]:
    """Structured records parsed inside the block are renamed by ``mapping``; the check collects their columns."""
    check = MappingCheck(mapping)
    token = _ACTIVE.set(check)
    try:
        yield check
    finally:
        _ACTIVE.reset(token)


def map_record(rel_path: str, fmt: str, fields: dict[str, str]) -> dict[str, str]:
    """A structured record's fields under the active mapping (as they are when none is active or the format is not
    a table or JSON)."""
    check = _ACTIVE.get()
    if check is None or fmt not in STRUCTURED_FORMATS:
        return fields
    check.saw(rel_path, list(fields))
    return check.mapping.apply(fields)
