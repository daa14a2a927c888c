"""Numbers read out digit by digit in Chinese and Japanese, where no space marks a word: Han digits ("九五五一四六六",
"八九零幺八九二三六三三八" with the 幺 Chinese says for one in a phone number), groups joined by の or a dash
("七三一三の六九〇〇の四九五〇"), full-width figures, and the katakana readings of the digits
("イチキューハチキューゼロキュー").

A quantity is written with 十, 百, 千, 万 between its digits, and a year has four: six digits or more one by one
are a number read out, an identifier or a phone, unless a unit follows (年, 円, 元 ...). Typed by the words before it
(an account, a card, an order) and by its shape.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, alternation, finding
from llm_assets.core.anonymization.recognizers.spoken import CJK_DIGITS
from llm_assets.core.entities import BANK_ACCOUNT, TRANSACTION_REFERENCE

_HAN_DIGITS = {**CJK_DIGITS, "幺": "1", **{chr(0xFF10 + d): str(d) for d in range(10)}}
# each digit's katakana reading (and the long vowels speech gives some: "キュー", "ゴー", "ニー")
_KATAKANA_DIGITS = {
    "ゼロ": "0", "レイ": "0", "マル": "0", "イチ": "1", "ニー": "2", "ニ": "2", "サン": "3", "ヨン": "4",
    "ゴー": "5", "ゴ": "5", "ロク": "6", "ナナ": "7", "シチ": "7", "ハチ": "8", "キュウ": "9", "キュー": "9", "ク": "9",
}  # fmt: skip
_HAN_RUN = re.compile(
    rf"(?<![{''.join(_HAN_DIGITS)}\d])[{''.join(_HAN_DIGITS)}\d]{{2,}}"
    rf"(?:[ \t]?[の\-－ー—][ \t]?[{''.join(_HAN_DIGITS)}\d]{{2,}}|[ \t][{''.join(_HAN_DIGITS)}]{{2,}})*"
)
_KATAKANA_DIGIT = re.compile(alternation(_KATAKANA_DIGITS))
# (a long vowel after a digit, "イチー", and "プラス" before a country code)
_KATAKANA_RUN = re.compile(rf"(?:プラス)?(?:(?:{_KATAKANA_DIGIT.pattern})ー?)+")
MIN_DIGITS = 6
# what follows a quantity's or a date's digits
_UNIT_AFTER = re.compile(r"[ \t]?[年月日時分秒円元块塊万萬億亿人名個个件回度歳岁才号號%％倍]")
_ACCOUNT_CUE = re.compile(r"口座|账号|帳號|账户|帳戶|卡号|銀行|银行")
_CARD_CUE = re.compile(r"カード|信用卡|银行卡|卡号")
_PHONE_CUE = re.compile(r"電話|携帯|ケータイ|連絡先|手机|手機|电话|联系方式|聯絡|回电|回電")
_ORDER_CUE = re.compile(r"注文|订单|訂單|快递|快遞|运单|運單|物流|追跡|伝票|お問い合わせ番号")
_CUE_WINDOW = 16


class CjkDigitRecognizer(SpanRecognizer):
    ENTITIES = ("PHONE_NUMBER", "REFERENCE_NUMBER", "CREDIT_CARD", BANK_ACCOUNT, TRANSACTION_REFERENCE)

    def find(self, text: str) -> Iterable:
        if not re.search(r"[\p{Han}\p{Hiragana}\p{Katakana}]", text):
            return
        for m in _HAN_RUN.finditer(text):
            written = "".join(_HAN_DIGITS.get(c, c) for c in m.group(0) if c in _HAN_DIGITS or c.isdigit())
            if not any(c in _HAN_DIGITS for c in m.group(0)):
                continue  # figures alone are the other recognizers'
            if len(written) >= MIN_DIGITS and not _UNIT_AFTER.match(text, m.end()):
                yield finding(self._type(text, m.start(), written), m.start(), m.end(), 0.8, self.name)
        for m in _KATAKANA_RUN.finditer(text):
            # whole katakana words only: "サンゴ" inside a longer word is no number
            if re.match(r"[\p{Katakana}ー]", text[m.end() : m.end() + 1]) or (
                m.start() and re.match(r"[\p{Katakana}ー]", text[m.start() - 1])
            ):
                continue
            written = "".join(_KATAKANA_DIGITS[d] for d in _KATAKANA_DIGIT.findall(m.group(0)))
            if len(written) >= MIN_DIGITS:
                yield finding(self._type(text, m.start(), written), m.start(), m.end(), 0.8, self.name)

    @staticmethod
    def _type(text: str, start: int, written: str) -> str:
        before = text[max(0, start - _CUE_WINDOW) : start]
        if _ORDER_CUE.search(before):
            return TRANSACTION_REFERENCE
        if _CARD_CUE.search(before) and len(written) >= 12:
            return "CREDIT_CARD"
        if _ACCOUNT_CUE.search(before):
            return BANK_ACCOUNT
        if _PHONE_CUE.search(before):
            return "PHONE_NUMBER"
        if len(written) >= 10 and written[0] in "01":
            return "PHONE_NUMBER"
        return "REFERENCE_NUMBER"
