"""One renderer for every report a person reads (the evaluation report, the governance report, the model card, the
fairness audit) and every table in asset metadata: a ``Document`` of
sections — lines, tables, preformatted blocks, subsections — written as markdown or HTML by Jinja2 templates, so
both forms of a report always say the same thing and HTML is escaped by the template engine, not by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import jinja2


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    tables: list[tuple[list[str], list[list]]] = field(default_factory=list)  # (headers, rows)
    blocks: list[tuple[str, str]] = field(default_factory=list)  # (caption, preformatted text)
    subsections: list[Section] = field(default_factory=list)


@dataclass
class Document:
    title: str
    intro: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def cell(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _md_cell(value: object) -> str:
    return cell(value).replace("|", "\\|").replace("\n", " ")


_MARKDOWN_TABLE = """\
{%- macro table(headers, rows) -%}
| {{ headers | map("md_cell") | join(" | ") }} |
|{% for h in headers %}---|{% endfor %}
{%- for row in rows %}
| {{ row | map("md_cell") | join(" | ") }} |
{%- endfor %}
{%- endmacro -%}
"""

_MARKDOWN = (
    _MARKDOWN_TABLE
    + """\
{%- macro section(s, level) -%}
{{ "#" * level }} {{ s.title }}
{% for line in s.lines %}
- {{ line }}
{%- endfor %}
{%- for headers, rows in s.tables %}

{% if rows -%}
{{ table(headers, rows) }}
{% else -%}
_none_
{% endif -%}
{%- endfor %}
{%- for caption, text in s.blocks %}

**{{ caption }}**

```
{{ text }}
```
{%- endfor %}
{% for sub in s.subsections %}
{{ section(sub, level + 1) }}
{%- endfor %}
{%- endmacro -%}
# {{ doc.title }}
{% for line in doc.intro %}
- {{ line }}
{%- endfor %}
{% for s in doc.sections %}
{{ section(s, 2) }}
{%- endfor %}
"""
)

_HTML = """\
{%- macro section(s, level) -%}
<h{{ level }}>{{ s.title }}</h{{ level }}>
{%- if s.lines %}<ul>{% for line in s.lines %}<li>{{ line }}</li>{% endfor %}</ul>{% endif %}
{%- for headers, rows in s.tables %}
{%- if rows %}<table><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr>
{%- for row in rows %}<tr>{% for v in row %}<td>{{ v | cell }}</td>{% endfor %}</tr>{% endfor %}</table>
{%- else %}<p><i>none</i></p>{% endif %}
{%- endfor %}
{%- for caption, text in s.blocks %}<p><b>{{ caption }}</b></p><pre>{{ text }}</pre>{% endfor %}
{%- for sub in s.subsections %}{{ section(sub, level + 1) }}{% endfor %}
{%- endmacro -%}
<!doctype html><html><head><meta charset="utf-8"><title>{{ doc.title }}</title>
<style>body{font-family:sans-serif;max-width:64em;margin:auto}td,th{border:1px solid #ccc;padding:4px 8px;
text-align:left}table{border-collapse:collapse;margin:8px 0}pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}
</style></head><body><h1>{{ doc.title }}</h1>
{%- if doc.intro %}<ul>{% for line in doc.intro %}<li>{{ line }}</li>{% endfor %}</ul>{% endif %}
{%- for s in doc.sections %}{{ section(s, 2) }}{% endfor %}
</body></html>
"""


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=autoescape, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["cell"] = cell
    env.filters["md_cell"] = _md_cell
    return env


_TEMPLATES = {
    "markdown": _environment(autoescape=False).from_string(_MARKDOWN),
    "html": _environment(autoescape=True).from_string(_HTML),
    "markdown_table": _environment(autoescape=False).from_string(_MARKDOWN_TABLE + "{{ table(headers, rows) }}"),
}


def render(doc: Document, form: str) -> str:
    """``doc`` as ``markdown`` or ``html``."""
    return _TEMPLATES[form].render(doc=doc)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """One markdown table (no trailing newline), as the reports write theirs: for metadata shown in the Dagster UI."""
    return _TEMPLATES["markdown_table"].render(headers=list(headers), rows=[list(r) for r in rows])
