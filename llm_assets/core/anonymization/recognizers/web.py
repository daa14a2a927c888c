"""E-mail addresses written to dodge scrapers: "ana at example dot org", "ana[at]example[dot]org", "ana (at)
example.org". Plain ones are Presidio's ``EmailRecognizer``'s."""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding

_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+|\s*@\s*)"
_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
_OBFUSCATED = re.compile(
    rf"(?<![\w.+-])[\w+-]{{1,64}}(?:{_DOT}[\w+-]{{1,64}}){{0,3}}{_AT}[A-Za-z0-9-]{{1,63}}(?:{_DOT}[A-Za-z0-9-]{{1,63}})*{_DOT}[A-Za-z]{{2,12}}(?![\w])",
    re.IGNORECASE,
)


class ObfuscatedEmailRecognizer(SpanRecognizer):
    ENTITIES = ("EMAIL_ADDRESS",)

    def find(self, text: str) -> Iterable:
        for m in _OBFUSCATED.finditer(text):
            value = m.group(0)
            plain = re.fullmatch(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", value)
            spelled = re.search(r"(?i)[\[({<]\s*(?:at|dot)\s*[\])}>]|\s(?:at|dot)\s", value)
            # "meet at home.com"-like chance matches need a spelled-out dot as well as a spelled-out at
            if plain or (
                spelled and re.search(r"(?i)(?:[\[({<]\s*dot\s*[\])}>]|\sdot\s|[\[({<]\s*at\s*[\])}>])", value)
            ):
                yield finding("EMAIL_ADDRESS", m.start(), m.end(), 0.85 if not plain else 0.9, self.name)
