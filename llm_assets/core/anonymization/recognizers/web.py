"""E-mail addresses written to dodge scrapers: "ana at example dot org", "ana[at]example[dot]org", "ana (at)
example.org". Plain ones are Presidio's ``EmailRecognizer``'s."""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, alternation, finding

# "@" and "." as they are said aloud in the languages of the largest markets (a call transcript spells an address
# out in its own language: "jan kropka kowalski małpa gmail kropka com")
SPOKEN_AT = (
    "at arobase arroba chiocciola klammeraffe małpa malpa собака собачка равлик snabel-a apenstaartje zavináč kukac "
    "παπάκι et 골뱅이 アットマーク アット 艾特 آت ات اَت שטרודל כרוכית एट ऐट แอท"
).split() + ["a còng", "a móc"]
SPOKEN_DOT = (
    "dot point punkt punto ponto punt kropka точка крапка tečka pont nokta τελεία ντοτ 점 닷 ドット 点 دوت نقطة نقطه "
    "נקודה डॉट बिंदु ดอท จุด chấm titik"
).split()
# "_" and "-" in a spelled address's local part: "jose guion bajo ruiz", "k punkt weber", "priya underscore k"
SPOKEN_JOIN = [
    "underscore", "under score", "guion bajo", "guión bajo", "tiret bas", "unterstrich", "trattino basso",
    "podkreślnik", "podkreślenie", "podtržítko", "alt çizgi", "understreck", "laag streepje", "sublinhado",
    "underline", "dash", "hyphen", "tiret", "guion", "guión", "trattino", "bindestrich", "minus", "myślnik",
    "pomlčka", "streepje", "bindestreck", "hífen", "tire", "kısa çizgi",
]  # fmt: skip
_AT_WORD = alternation(SPOKEN_AT)
_DOT_WORD = alternation(SPOKEN_DOT)
_AT = rf"(?:\s*[\[({{<]\s*at\s*[\])}}>]\s*|\s+(?:{_AT_WORD})\s+|\s*@\s*)"
_DOT = rf"(?:\s*[\[({{<]\s*dot\s*[\])}}>]\s*|\s+(?:{_DOT_WORD})\s+|\.)"
# the local part: a word, or letters spelled one by one ("j o h n dot smith at ...")
_LOCAL = r"(?:(?:\w[ \t]){2,40}\w(?![\w])|[\w+-]{1,64})"
_JOIN = rf"(?:{_DOT}|\s+(?:{alternation(SPOKEN_JOIN)})\s+)"
_OBFUSCATED = re.compile(
    rf"(?<![\w.+-]){_LOCAL}(?:{_JOIN}[\w+-]{{1,64}}(?:[ \t][\w+-]{{1,20}})?){{0,3}}{_AT}[\p{{L}}0-9-]{{1,63}}(?:{_DOT}[\p{{L}}0-9-]{{1,63}})*"
    rf"{_DOT}(?:\p{{L}}{{2,12}}|\p{{L}}[ \t]\p{{L}}(?:[ \t]\p{{L}})?)(?![\w])",  # an ending spelled: "punto i t"
    re.IGNORECASE,
)
_SPELLED_AT = re.compile(rf"(?i)[\[({{<]\s*at\s*[\])}}>]|\s(?:{_AT_WORD})\s")
_SPELLED_DOT = re.compile(rf"(?i)[\[({{<]\s*dot\s*[\])}}>]|\s(?:{_DOT_WORD})\s")


def _prose(value: str) -> bool:
    """'or at the point of sale', 'met at noon point blank': a domain or an ending that is one of the commonest words,
    or an ending longer than an address's, is a sentence."""
    from llm_assets.core.anonymization.gazetteers import zipf_in

    at = _SPELLED_AT.search(value) or re.search(r"@", value)
    labels = re.findall(r"[\w-]+", value[at.end() :] if at else value)
    if labels and len(labels[-1]) > 4:
        return True  # a spoken address ends with a country's or a short generic ending: "com", "fr", "info"
    # the ending itself may be a common word ("it", "in", "me")
    return any(zipf_in(w.lower(), "en") >= 6.0 for w in labels[:-1] if w.lower() not in SPOKEN_DOT and len(w) > 1)


class ObfuscatedEmailRecognizer(SpanRecognizer):
    ENTITIES = ("EMAIL_ADDRESS",)

    def find(self, text: str) -> Iterable:
        for m in _OBFUSCATED.finditer(text):
            value = m.group(0)
            plain = re.fullmatch(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", value)
            # "meet at home.com"-like chance matches need a spelled-out dot as well as a spelled-out at
            if plain or (_SPELLED_AT.search(value) and _SPELLED_DOT.search(value) and not _prose(value)):
                yield finding("EMAIL_ADDRESS", m.start(), m.end(), 0.85 if not plain else 0.9, self.name)
