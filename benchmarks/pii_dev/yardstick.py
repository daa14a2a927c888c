"""A clean yardstick: the test split shares no phrase with the detector it measures, and stays as it was frozen.

- ``detector_phrases()``: every run of two or more words in the string literals, comments and docstrings of
  ``llm_assets/core/anonymization/`` (regular expressions are split at their operators), except runs made only of
  English stop words (spaCy's list): the cues, examples and quoted sentences the detector was written with.
- ``template_matches()``: the test templates that contain one of those phrases. When the split was frozen, every such
  template went to ``dev``; ``tests/test_yardstick.py`` keeps it so for every later change of the detector.
- ``frozen_test_templates()``: the test templates, by the hash of their text, as listed in ``test_templates.txt``
  (written once by ``python -m benchmarks.pii_dev.yardstick --freeze``); a template the package adds later goes to
  ``dev``.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import io
import re
import tokenize
from functools import cache
from pathlib import Path

DETECTOR = Path(__file__).resolve().parents[2] / "llm_assets" / "core" / "anonymization"
FROZEN = Path(__file__).resolve().parent / "test_templates.txt"
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# a regular expression's operators, classes and escapes, and sentence punctuation, end a phrase
_BREAK = re.compile(r"\\[a-zA-Z]|[|()\[\]{}?*+^$\\<>=:;,.!\"“”`#/\n\t]|\{\{[^}]*\}\}")


def template_id(template: str) -> str:
    return hashlib.sha256(template.encode("utf-8")).hexdigest()[:16]


def _texts(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            out.append(tok.string)
        elif tok.type == tokenize.STRING:
            try:
                value = ast.literal_eval(tok.string)
            except (ValueError, SyntaxError):
                continue
            if isinstance(value, str):
                out.append(value)
    return out


def phrases(text: str, stop_words: frozenset[str]) -> set[str]:
    """Every run of 2+ words within a piece of ``text`` (pieces end at punctuation and regex operators), except runs
    of stop words alone."""
    out = set()
    for piece in _BREAK.split(text):
        words = [w.lower().replace("’", "'") for w in _WORD.findall(piece)]
        for n in range(2, len(words) + 1):
            for i in range(len(words) - n + 1):
                run = words[i : i + n]
                if any(w not in stop_words for w in run):
                    out.add(" ".join(run))
    return out


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def detector_phrases() -> dict[str, str]:
    """phrase -> the detector module it comes from."""
    out: dict[str, str] = {}
    for path in sorted(DETECTOR.rglob("*.py")):
        for text in _texts(path):
            for phrase in phrases(text, _stop_words()):
                out.setdefault(phrase, str(path.relative_to(DETECTOR.parent.parent)))
    return out


def template_matches(templates: list[str], detector: dict[str, str] | None = None) -> dict[str, list[str]]:
    """template -> the detector phrases it contains (templates without any are left out)."""
    detector = detector_phrases() if detector is None else detector
    out: dict[str, list[str]] = {}
    for template in templates:
        found = [p for p in phrases(template, _stop_words()) if p in detector]
        if found:
            out[template] = sorted(found)
    return out


def frozen_test_templates() -> frozenset[str]:
    return frozenset(line.strip() for line in FROZEN.read_text().splitlines() if line.strip() and line[0] != "#")


def freeze(templates: list[str], hashed_test: set[str]) -> list[str]:
    """The test split at freezing: the hash split's test templates minus those holding a detector phrase."""
    moved = template_matches([t for t in templates if t in hashed_test])
    return sorted(template_id(t) for t in templates if t in hashed_test and t not in moved)


def main() -> None:
    from benchmarks.pii_dev.dataset import all_templates, hash_split

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--freeze", action="store_true", help=f"write {FROZEN.name} (once; it is then committed)")
    args = parser.parse_args()
    templates = all_templates()
    hashed_test = {t for t, split in hash_split(templates).items() if split == "test"}
    if args.freeze:
        ids = freeze(templates, hashed_test)
        header = "# presidio-evaluator test templates (sha256[:16] of the text), frozen; see yardstick.py\n"
        FROZEN.write_text(header + "\n".join(ids) + "\n")
        print(f"{len(ids)} of {len(hashed_test)} hash-split test templates frozen as test")
    frozen = frozen_test_templates()
    test = [t for t in templates if template_id(t) in frozen]
    print(f"test templates: {len(test)}; holding a detector phrase: {len(template_matches(test))}")


if __name__ == "__main__":
    main()
