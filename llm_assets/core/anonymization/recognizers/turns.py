"""Answers given alone in a conversation: a turn of a chat log or a call transcript that holds nothing but a code, a
proper noun or an age ("80298", "GT-J-2431", "Vieja Croacia", "52 Jahre", "sesenta y cuatro años") answers a
question about the person speaking, whether or not the question made it into the log.

A turn is the text after a speaker label (``nick:``, ``<nick>``, ``[10:02] Name:``, ``Name (10:02):``) on a line of a
text that has at least three such lines. A code starting with ``#`` names an order (kept); a sentence is no answer.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.gazetteers import Gazetteers
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding
from llm_assets.core.anonymization.recognizers.handles import _AFTER_STAMP, _STAMP
from llm_assets.core.anonymization.recognizers.scripts import script_of, zipf_of_script
from llm_assets.core.entities import PERSON

_TURN = re.compile(
    rf"(?m)^[ \t]*{_STAMP}(?:<[^<>\s]{{2,32}}>|[^\s:<>\[\](){{}}\"']{{2,32}}(?:[ \t][^\s:<>\[\](){{}}\"']{{2,32}}){{0,2}}"
    rf"{_AFTER_STAMP}[ \t]*:)[ \t]+(?P<turn>[^\n]+?)[ \t]*$"
)
_CODE = re.compile(r"(?=[^\s]*\d)[\p{L}\p{N}][\p{L}\p{N} ·./-]{2,18}[\p{L}\p{N}]")
# the word for years of age after a number, in the languages of the largest markets
YEARS = (
    r"years?|yrs?|jahre?n?|ans?|años|anos|anni|jaar|lat|lata|år|vuotta|let|roků|ετών|χρονών|лет|года|год|років|роки|"
    r"рік|שנים|שנה|سنة|سنوات|عاما|عامًا|سال|साल|वर्ष|ปี|yaşında|yaş|歳|岁|歲|살|세"
)
_AGE_TURN = re.compile(
    rf"(?P<age>\d{{1,3}}|[\p{{L}}\p{{M}}'’ʼ-]+(?:[ \t][\p{{L}}\p{{M}}'’ʼ-]+){{0,3}})(?:[ \t]+(?:{YEARS})|(?<=\d)[ \t]?(?:{YEARS}))\.?"
)
_SENTENCE = re.compile(r"[.!?]\s|\s(?:is|are|was|the|and|i|you|we|it|a|to|of)\s", re.IGNORECASE)


class BareTurnRecognizer(SpanRecognizer):
    """See the module's docstring."""

    ENTITIES = ("REFERENCE_NUMBER", PERSON, "AGE")

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.g = gazetteers

    def _zipf(self, word: str) -> float:
        script = script_of(word)
        return self.g.zipf(word) if script in ("LATIN", "") else max(self.g.zipf(word), zipf_of_script(word, script))

    def find(self, text: str) -> Iterable:
        turns = list(_TURN.finditer(text))
        if len(turns) < 3:
            return
        for m in turns:
            turn, start = m.group("turn"), m.start("turn")
            mention = re.match(r"@\S+\s+", turn)  # "@ana 52 Jahre": the answer after the mention
            if mention:
                turn, start = turn[mention.end() :], start + mention.end()
            if not turn or turn.startswith(("#", "@", "http")) or _SENTENCE.search(f" {turn} "):
                continue
            if _CODE.fullmatch(turn) and not re.fullmatch(r"[\d:./ -]+[ap]?m?", turn.lower()) or turn.isdigit():
                if len(turn) >= 4 and not re.fullmatch(r"\d{1,2}[:.]\d{2}", turn):
                    yield finding("REFERENCE_NUMBER", start, start + len(turn), 0.6, self.name)
                continue
            age = _AGE_TURN.fullmatch(turn.lower())
            if age and len(turn.split()) <= 5:
                yield finding("AGE", start, start + age.end("age"), 0.65, self.name)
                continue
            words = re.findall(r"[\p{L}\p{M}'’ʼ-]+", turn)
            if not words or len(words) > 4 or re.search(r"\d|[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]", turn):
                continue  # (Chinese, Japanese and Korean words have no frequencies here to tell a name from a word)
            # a proper noun alone: capitalized (or of a script without case) and not everyday words of its language
            cased = all(w[0].isupper() or not w[0].isascii() for w in words)
            rare = sum(self._zipf(w) < 3.5 for w in words)
            if cased and rare and rare >= len(words) / 2:
                yield finding(PERSON, start, start + len(turn), 0.6, self.name)
