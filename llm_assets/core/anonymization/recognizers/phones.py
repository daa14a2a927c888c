"""Phone numbers in international and national formats, anchored on libphonenumber's metadata.

A candidate is any run of digit groups that a person could dial: an optional ``+``/``00`` country prefix, an optional
trunk or area code in parentheses, groups joined by a space, dot, hyphen or slash, an optional extension. Then:
- with a country prefix, libphonenumber parses it (valid or possible number for that country);
- written in groups (``0xxx xxx xxxx``, ``xx xxx xxx``, ``(xxx)xxx-xxxx``, ``xx.xx.xx.xx.xx``), the grouping itself
  is how phone numbers are written, not prices, dates or versions, which are excluded by shape;
- a bare run of digits is a phone when libphonenumber finds it valid in one of the most populous numbering plans,
  or when a phone word (call, mobile, fax, tel ...) stands next to it;
- a longer run without separators is a phone right after a phone's own label ("Tel 0612345678"), or with its ``+``
  when libphonenumber accepts it ("+4915112345678"); elsewhere it is left to the identifier recognizers.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.context import after_transaction_label, reference_kind
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, cue_pattern, finding, near

# The most populous numbering plans: where a bare run of digits is checked for validity (a parse costs ~0.6 ms;
# all 245 plans would cost ~160 ms a candidate). Grouped and prefixed numbers need no region.
BARE_NUMBER_REGIONS = "US IN CN BR ID PK NG BD RU MX JP PH DE GB FR IT ES TR".split()
PHONE_CUES = cue_pattern(
    "phone telephone tel tel. mobile mob cell cellphone fax call called calling reach text sms whatsapp signal "
    "number contact office desk landline hotline ring dial direct extension ext".split()
)
# a run of digits without separators right after a phone's own label ("Tel 0612345678", "Handy: 01761234567"): the
# candidates above hold at most six digits before a separator, so such a run was only ever a reference
_LABELLED_BARE = re.compile(
    r"(?i:(?<![\p{L}])(?:tel|tel\.|telephone|phone|mobile|mob|mob\.|cell|fax|handy|gsm|telefon|telefono|teléfono|"
    r"téléphone|portable|móvil|celular|whatsapp)(?:[ \t]*(?:no|nr|nº)\.?)?)[ \t]*[:.]?[ \t]*"
    r"(?P<number>\+?\d{8,15})(?![\w@]|[.,]\d|-\d)"
)
# the international format without separators ("+4915112345678"), as address books and CRMs store it
_E164 = re.compile(r"(?<![\w+@/.,-])\+[1-9]\d{7,14}(?![\w@]|[.,]\d|-\d)")
# Chinese, Japanese and Korean write a number right against the words around it ("我的电话是13812345678")
_CJK_CHAR = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
EAST_ASIAN_REGIONS = ("CN", "TW", "HK", "JP", "KR")
_CANDIDATE = re.compile(
    r"(?<![\w+@/.,-])"
    r"(?P<intl>\+|00(?=[1-9]))?"
    r"(?:\(\s?\d{1,5}\s?\)(?:\s?|[.\-])\d{1,8}|\d{1,6})"  # "(0963)-408026", "(06)-12345678" too
    # "0171 / 234 56 78", "+31(0)201234567" too
    r"(?:(?: ?/ ?|[ .\-/]|[ .\-/]?\(\s?\d{1,5}\s?\)[ .\-/]?)\d{1,10}){0,7}"
    r"(?P<ext>\s?(?:x|ext\.?|extension|#)\s?\d{1,6})?"
    r"(?![\w@]|[.,]\d|-\d)",
    re.IGNORECASE,
)
# a number written straight against Chinese, Japanese or Korean words, or after a label's colon
_CJK_BARE = re.compile(
    rf"(?<=[{_CJK_CHAR}:\s]|^)\+?\d(?:[\d-]|(?<=\d) (?=\d)){{6,17}}\d(?=[{_CJK_CHAR}]|[\s,.!?;)]|$)", re.MULTILINE
)
_DATE_LIKE = re.compile(
    r"^(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})|\d{4}[./-]\d{1,2}[./-]\d{1,2})$"  # 12/03/2020, 2020-03-12
)
_DATE_START = re.compile(r"^(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})(?:[ T]|$)")
_IP_LIKE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_DECIMAL = re.compile(r"^\d+[.,]\d{1,2}$")


@functools.cache
def _phonenumbers():
    import phonenumbers

    return phonenumbers


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


class PhoneNumberRecognizer(SpanRecognizer):
    ENTITIES = ("PHONE_NUMBER",)

    def find(self, text: str) -> Iterable:
        for m in _CANDIDATE.finditer(text):
            raw = m.group(0).rstrip(" .-/")
            start, end = m.start(), m.start() + len(raw)
            body = raw[: m.start("ext") - m.start()] if m.group("ext") else raw
            digits = _digits(body)
            if not 6 <= len(digits) <= 15 or _DATE_LIKE.match(body) or _IP_LIKE.match(body) or _DECIMAL.match(body):
                continue
            # a date and the hour of a time stamp ("2024-05-04 21" of "2024-05-04 21:42:44")
            if _DATE_START.match(body) or re.match(r":\d{2}", text[end : end + 3]):
                continue
            if text[max(0, start - 1) : start] in ("$", "€", "£", "¥") or re.match(r"\s?%", text[end : end + 2]):
                continue
            groups = [g for g in re.split(r"[ .\-/()]+", body.lstrip("+")) if g]
            score = self._score(body, digits, groups, bool(m.group("intl")))
            if score < 0.9 and after_transaction_label(text, start):
                continue  # "Order number 2024-88123": that order's number, however it is grouped
            if score and near(text, start, end, PHONE_CUES):
                score = min(0.95, score + 0.3)
            if score >= 0.35:
                yield finding("PHONE_NUMBER", start, end, score, "PhoneNumberRecognizer")
        # (above a transaction's context score: "Tel 0612345678" under "the invoice" is no invoice number)
        for m in _LABELLED_BARE.finditer(text):
            yield finding("PHONE_NUMBER", m.start("number"), m.end("number"), 0.9, "PhoneNumberRecognizer")
        for m in _E164.finditer(text):
            if self._score(m.group(0), _digits(m.group(0)), [m.group(0)], True) >= 0.8:
                yield finding("PHONE_NUMBER", m.start(), m.end(), 1.0, "PhoneNumberRecognizer")
        if re.search(f"[{_CJK_CHAR}]", text):
            for m in _CJK_BARE.finditer(text):
                # against Chinese, Japanese or Korean words: a number those countries dial, or not a phone; after
                # an order's or a parcel's word it is that order's number ("注文番号は 2024031512")
                if self._east_asian(_digits(m.group(0))) and reference_kind(text, m.start(), m.end()) != "transaction":
                    yield finding("PHONE_NUMBER", m.start(), m.end(), 0.7, "PhoneNumberRecognizer")

    @staticmethod
    def _east_asian(digits: str) -> bool:
        pn = _phonenumbers()
        for region in EAST_ASIAN_REGIONS:
            try:
                if pn.is_valid_number(pn.parse(digits, region)):
                    return True
            except pn.NumberParseException:
                continue
        return False

    @staticmethod
    def _score(body: str, digits: str, groups: list[str], international: bool) -> float:
        pn = _phonenumbers()
        if international:
            number = "+" + digits[2:] if body.startswith("00") else "+" + digits
            try:
                parsed = pn.parse(number, None)
            except pn.NumberParseException:
                return 0.45
            if pn.is_valid_number(parsed):
                return 0.95
            return 0.8 if pn.is_possible_number(parsed) else 0.5
        if len(groups) >= 2:
            # a year range, a four-digit year pair or a long number with thousands separators is not dialled
            if len(groups) == 2 and all(len(g) == 4 and g[:2] in ("19", "20") for g in groups):
                return 0.0
            if len(groups) == 3 and len(groups[0]) == 1 and all(len(g) == 3 for g in groups[1:]):
                return 0.4  # "1 234 567" reads as a quantity with thousands separators
            return 0.6 if len(digits) >= 7 else 0.45
        if not 7 <= len(digits) <= 12:
            return 0.3
        for region in BARE_NUMBER_REGIONS:
            try:
                if pn.is_valid_number(pn.parse(digits, region)):
                    return 0.5 if len(digits) >= 9 else 0.4
            except pn.NumberParseException:
                continue
        return 0.3
