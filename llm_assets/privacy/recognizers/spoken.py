"""Values read out in a call: digits and letters spoken one by one ("oh seven seven double oh nine ..."), spelled
names and e-mail addresses ("j o h n dot smith at ..."), spoken postcodes ("s w one a two a a").

A run of spoken symbols is normalized to its written form (digit words in six languages, "double"/"triple",
single letters, "dot", "at", "dash", "underscore"), the written form is typed by its shape and the words before the
run ("postcode", "phone", "card", "account"), and the finding covers the spoken run in the original text: offsets
are never shifted, the transcript keeps its words.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.entities import PERSON, TRANSACTION_REFERENCE
from llm_assets.privacy.recognizers.base import SpanRecognizer, cue_pattern, finding

DIGIT_WORDS: dict[str, str] = {}
for _digits in (
    "zero one two three four five six seven eight nine",  # English
    "null eins zwei drei vier fünf sechs sieben acht neun",  # German
    "zéro un deux trois quatre cinq six sept huit neuf",  # French
    "cero uno dos tres cuatro cinco seis siete ocho nueve",  # Spanish
    "zero uno due tre quattro cinque sei sette otto nove",  # Italian
    "nul een twee drie vier vijf zes zeven acht negen",  # Dutch
):
    for _value, _word in enumerate(_digits.split()):
        DIGIT_WORDS.setdefault(_word, str(_value))
DIGIT_WORDS.update({"oh": "0", "o": "0", "nought": "0", "zwo": "2", "um": "1", "dois": "2", "três": "3", "tres": "3"})
REPEAT = {"double": 2, "triple": 3, "doppel": 2, "doble": 2, "doppio": 2}
JOINERS = {"dot": ".", "point": ".", "punkt": ".", "punto": ".", "at": "@", "dash": "-", "hyphen": "-",
           "minus": "-", "underscore": "_", "slash": "/"}  # fmt: skip
TENS = {"ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
        "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90", "hundred": "00"}  # fmt: skip
_TOKEN = re.compile(r"[\p{L}\p{N}]+|[-.,]")
MIN_SYMBOLS = 5
CUES = {
    "ZIP_CODE": cue_pattern("postcode post code postal code zip zipcode plz postleitzahl".split()),
    "PHONE_NUMBER": cue_pattern("phone number mobile cell telephone tel landline call back ring handy".split()),
    "CREDIT_CARD": cue_pattern("card credit debit visa mastercard amex".split()),
    "EMAIL_ADDRESS": cue_pattern("email e-mail mail address".split()),
    PERSON: cue_pattern("name surname spelled spell spelt first last".split()),
    TRANSACTION_REFERENCE: cue_pattern("order tracking invoice ticket case parcel shipment".split()),
}


def text_between(a, b) -> str:
    return a.string[a.end() : b.start()]


def _symbol(tok: str) -> str | None:
    low = tok.lower()
    if low in DIGIT_WORDS:
        return DIGIT_WORDS[low]
    if low in TENS:
        return TENS[low]
    if len(tok) == 1 and tok.isalnum():
        return tok.upper() if tok.isalpha() else tok
    return None


class SpokenSequenceRecognizer(SpanRecognizer):
    ENTITIES = ("PHONE_NUMBER", "ZIP_CODE", "CREDIT_CARD", "EMAIL_ADDRESS", PERSON, "REFERENCE_NUMBER",
                TRANSACTION_REFERENCE)  # fmt: skip

    def find(self, text: str) -> Iterable:
        # the "s" of "it's" is no spelled letter
        tokens = [t for t in _TOKEN.finditer(text) if not (t.start() and text[t.start() - 1] in "'’")]
        i = 0
        while i < len(tokens):
            run, written, j = self._run(tokens, i)
            if run:
                entity = self._type(text, tokens[i].start(), written)
                if entity:
                    yield finding(entity, tokens[i].start(), tokens[run - 1].end(), 0.8, self.name)
                i = run
            else:
                i = j

    @staticmethod
    def _run(tokens: list, i: int) -> tuple[int, str, int]:
        """(end index of the run or 0, its written form, next index to try)."""
        written, symbols, digits, j = "", 0, 0, i
        repeat = 1
        while j < len(tokens):
            tok = tokens[j].group(0)
            # spoken symbols follow each other with spaces (or a comma, a dash): "12/31" or "9:41" is written
            if j > i and not re.fullmatch(r"[\s,\-]*", text_between(tokens[j - 1], tokens[j])):
                break
            low = tok.lower()
            if low in REPEAT:
                repeat = REPEAT[low]
                j += 1
                continue
            sym = _symbol(tok)
            if sym is not None:
                written += sym * repeat
                symbols += 1
                digits += sym.isdigit()
                repeat = 1
                j += 1
                continue
            if low in JOINERS and symbols and j + 1 < len(tokens) and _symbol(tokens[j + 1].group(0)) is not None:
                written += JOINERS[low]
                j += 1
                continue
            if tok in ",-" and symbols:
                j += 1
                continue
            break
        # a spoken value: enough symbols, not a sentence's ordinary "a" or "i" or a single number word
        if symbols >= MIN_SYMBOLS and (digits >= 3 or sum(c.isalpha() for c in written) >= 3):
            end = j
            while end > i and _symbol(tokens[end - 1].group(0)) is None:
                end -= 1
            return end, written, end
        return 0, "", max(j, i + 1)

    @staticmethod
    def _type(text: str, start: int, written: str) -> str | None:
        left = text[max(0, start - 50) : start]
        for entity, cue in CUES.items():
            if cue.search(left):
                if entity == "EMAIL_ADDRESS" and "@" not in written and not written.isalpha():
                    continue
                return entity
        compact = written.replace("-", "").replace(".", "")
        if "@" in written:
            return "EMAIL_ADDRESS"
        if compact.isdigit():
            return "PHONE_NUMBER" if len(compact) >= 7 else "REFERENCE_NUMBER"
        if compact.isalpha():
            return PERSON
        return "REFERENCE_NUMBER"
