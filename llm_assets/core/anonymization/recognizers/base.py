"""What every recognizer of the engine shares: a Presidio ``EntityRecognizer`` that finds spans with its own code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult

from llm_assets.core.anonymization.text import cue_pattern

__all__ = ["CUE_COPULA", "HAN_SENTENCE_LEAD", "SpanRecognizer", "alternation", "cue_pattern", "finding", "near"]

# the words a Chinese sentence may run into a name with, no space between ("我住在平和路...", "我在海鸿精密有限公司工作"):
# pronouns, verbs of dwelling, sending and going, prepositions
HAN_SENTENCE_LEAD = re.compile(r"^[我你您他她它们們住在到送寄往于於是的为為从從去来來和与與至]+")


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words or phrases, longest first (so "a còng" wins over "at")."""
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


# what may stand between a cue word and its value in the languages the cues are written in: a particle or a copula
# ("ユーザー名は...", "车牌是...", "아이디는...", "tên đăng nhập là ...", ": ")
CUE_COPULA = r"(?:[ \t]*(?:は|是|为|為|는|은|이|:|：|=|-|—|là|adalah|es|é|est|ist|este|är|on|είναι|هو|هي|הוא|است|है))?"


def finding(entity: str, start: int, end: int, score: float, recognizer: str) -> RecognizerResult:
    return RecognizerResult(
        entity,
        start,
        end,
        round(min(score, 1.0), 3),
        # the analyzer adds the recognizer's id, which its context enhancement matches findings by
        recognition_metadata={"recognizer_name": recognizer},
    )


def near(text: str, start: int, end: int, cues: re.Pattern, before: int = 40, after: int = 25) -> bool:
    """Whether a cue word appears shortly before the span or right after it (same line or the label of the line)."""
    left = text[max(0, start - before) : start]
    right = text[end : end + after]
    return bool(cues.search(left) or cues.match(right.lstrip(" -–:(")))


class SpanRecognizer(EntityRecognizer):
    """A recognizer whose ``find`` yields findings from the text alone (no NLP artifacts needed)."""

    ENTITIES: Sequence[str] = ()

    def __init__(self, name: str | None = None) -> None:
        super().__init__(
            supported_entities=list(self.ENTITIES), name=name or type(self).__name__, supported_language="en"
        )

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        wanted = set(entities or self.ENTITIES)
        return [r for r in self.find(text) if r.entity_type in wanted]

    def find(self, text: str) -> Iterable[RecognizerResult]:
        raise NotImplementedError


# a phone number given alone (a chat turn, a signature line): digits with the separators phones are written with
_PHONE_SHAPE = re.compile(r"\(?\+?[\d(][\d ()./-]{6,24}\d")  # "(+971) 354544091" too


def phone_shaped(text: str, min_digits: int) -> bool:
    """The whole text has a phone number's shape and at least ``min_digits`` digits (a date has eight at most)."""
    return bool(_PHONE_SHAPE.fullmatch(text)) and sum(c.isdigit() for c in text) >= min_digits
