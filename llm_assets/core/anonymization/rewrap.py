"""Values that a mail client's wrapping broke across lines: a reply quotes "IBAN GB33 BUKB 2020 1555 5555" on one
line and "> 55, account holder ..." on the next, a hard-wrapped paragraph puts "+44 7700" and "900 123" on two.

A paragraph's wrapped lines are joined (each break and the next line's quote markers read as one space) and the
recognizers of values that hold spaces read the joined text again; a finding that crosses a join is mapped back to
the original, one part per line, so the lines and their quote markers stay as they were.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult

# a line's quote markers ("> ", ">> ", "> > ", "| ") and its content
_LINE = re.compile(r"(?P<prefix>[ \t]*(?:[>|][ \t]?)*)(?P<content>.*)")
# the recognizers of values written with spaces, which a wrap can break
RECOGNIZERS = ("IbanRecognizer", "CardNumberRecognizer", "PhoneNumberRecognizer", "AnnouncedIdentifierRecognizer")
# a line that opens a turn, a field or an item is no wrapped line's rest: "B: ...", "17:10 anna: ...", "- ..."
_OPENS = re.compile(r"[\w .'’-]{1,30}:[ \t]|\d{1,2}:\d{2}|[-*•][ \t]|\[")
# a wrapped line is long: a mail client wraps at 72-78 characters, a quoted one at fewer
WRAPPED_LINE_CHARS = 40


# a quoted number broken between two digits ("> Potete chiamarmi al 366 783" / "> 8500."): a client re-flowing a quote
# breaks a shorter line
QUOTED_DIGITS_CHARS = 15


def _digits_across(prefix: str, before: str, after: str) -> bool:
    return bool(prefix.strip()) and before[-1:].isdigit() and after[:1].isdigit()


def joined(text: str) -> tuple[str, list[int]] | None:
    """The text with each wrapped line joined to the next, and each character's offset in ``text``; None when no
    two lines join. Two lines join where they carry the same quote markers, the first is long and ends in a letter
    or digit, and the second goes on with one."""
    lines = [(m.start(), m) for m in re.finditer(r"[^\n]*", text) if m.start() == 0 or text[m.start() - 1] == "\n"]
    out: list[str] = []
    index: list[int] = []
    joins = 0
    previous = None
    for start, line in lines:
        parts = _LINE.fullmatch(line.group(0))
        prefix, content = parts.group("prefix"), parts.group("content")
        if (
            previous is not None
            and previous[0].strip() == prefix.strip()
            and len(previous[1].rstrip())
            >= (QUOTED_DIGITS_CHARS if _digits_across(prefix, previous[1], content) else WRAPPED_LINE_CHARS)
            and previous[1][-1:].isalnum()
            and content[:1].isalnum()
            and not _OPENS.match(content)
        ):
            out.append(" ")
            index.append(-1)  # the space stands for the line break and the quote markers
            joins += 1
            skip = len(prefix)
        else:
            if previous is not None:
                out.append("\n")
                index.append(start - 1)
            skip = 0
        out.append(line.group(0)[skip:])
        index.extend(range(start + skip, start + len(line.group(0))))
        previous = (prefix, content)
    return ("".join(out), index) if joins else None


def findings_across_lines(text: str, recognizers: Sequence[EntityRecognizer]) -> list[RecognizerResult]:
    """What ``recognizers`` find in the joined text that crosses a join, as parts of the original text, one a
    line."""
    rejoined = joined(text)
    if rejoined is None:
        return []
    flat, index = rejoined
    out: list[RecognizerResult] = []
    for recognizer in recognizers:
        for r in recognizer.analyze(flat, recognizer.supported_entities, None):
            if -1 not in index[r.start : r.end]:
                continue  # on one line: the first reading found it
            parts: list[list[int]] = [[]]
            for k in range(r.start, r.end):
                if index[k] < 0:
                    parts.append([])
                else:
                    parts[-1].append(index[k])
            values = [text[part[0] : part[-1] + 1] if part else "" for part in parts]
            if not all(any(c.isdigit() for c in v) for v in values):
                continue  # each line holds some of the value's digits: not a word that ran on
            for part, value in zip(parts, values, strict=True):
                if value.strip():
                    start = part[0] + len(value) - len(value.lstrip())
                    meta = r.recognition_metadata
                    out.append(RecognizerResult(r.entity_type, start, start + len(value.strip()), r.score, None, meta))
    return out
