"""Organizations by their legal form (ISO 20275 entity-legal-form abbreviations) or by an institution word."""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.recognizers.base import HAN_SENTENCE_LEAD, SpanRecognizer, finding
from llm_assets.core.entities import ORGANIZATION

LEGAL_FORMS = (
    "Inc Incorporated Corp Corporation Co Company Ltd Limited LLC L.L.C. LLP LP PLC plc GmbH AG KG OHG e.V. SE S.A. "
    "SA S.p.A. SpA S.r.l. Srl S.L. SL SAS S.A.S. SARL S.A.R.L. B.V. BV N.V. NV AB ASA AS A/S ApS Oy Oyj Kft. Kft "
    "Zrt. Zrt Nyrt. s.r.o. a.s. v.o.s. k.s. d.o.o. d.d. Sp. Ltda S.A.C. Pty Pte Bhd Sdn GK KK K.K. Group Holdings "
    "Holding Partners Associates Sons Brothers Bros. Foundation Trust Bank Insurance Industries Enterprises Technologies Systems "
    "Solutions Consulting Services International Worldwide Global Lda Lda. S.L.U. A.Ş. Şti. Tbk Α.Ε. Ε.Π.Ε. Ο.Ε. "
    "Ι.Κ.Ε. ΑΕ ΕΠΕ ΙΚΕ"
).split()
# forms written before the name, the name often quoted: ООО «Кордиант», ТОВ "Світанок", Công ty TNHH Minh Phát
_PREFIX_FORMS = r"ООО|ОАО|ЗАО|ПАО|НАО|АО|ТОВ|ПрАТ|ПАТ|ТОО|ЕООД|ООД|ФОП|OOO|TOV"
_QUOTED = r"[«\"„“'](?P<name>[^»\"“”'\n]{2,60})[»\"“”']"
_WORD = r"\p{Lu}[\w&'’.-]*"
# written without spaces: 海鸿精密有限公司, 清水運輸有限会社, 株式会社パシフィックネット; 삼한물산 주식회사, (주)한빛
_CJK_NAME = r"[\p{Han}\p{Katakana}ー・&A-Za-z0-9]{2,14}"
_CJK_SUFFIX = r"股份有限公司|有限责任公司|有限責任公司|有限公司|株式会社|有限会社|合同会社|合資会社"
_UNSPACED = [
    re.compile(rf"{_CJK_NAME}(?:{_CJK_SUFFIX})"),
    re.compile(rf"(?:株式会社|有限会社|合同会社){_CJK_NAME}"),
    re.compile(r"(?:주식회사|\(주\)|㈜)[ \t]?\p{Hangul}{2,10}|\p{Hangul}{2,10}[ \t]?(?:주식회사|\(주\))"),
    re.compile(r"บริษัท[ \t]?[\p{Thai}A-Za-z0-9 .&-]{2,60}?[ \t]?จำกัด(?:[ \t]?\(มหาชน\))?"),
]
INSTITUTIONS = r"University|College|Institute|School|Hospital|Clinic|Bank|Ministry|Department|Agency|Council|Museum"


class OrganizationRecognizer(SpanRecognizer):
    """ "Manaksia Limited", "Žák v.o.s.", "Smith, Jones and Brown LLC", "Acme Widgets GmbH & Co. KG",
    "University of Leeds"."""

    ENTITIES = (ORGANIZATION,)
    _NAME = r"[\p{Lu}0-9][\w'’&.-]*"
    # as written, or in capitals ("CORONA CORPORATION"); never lower-cased ("as", "co" are words)
    _FORM = "|".join(
        sorted({re.escape(f) for f in LEGAL_FORMS} | {re.escape(f.upper()) for f in LEGAL_FORMS}, key=len, reverse=True)
    )
    _PATTERNS = [
        (
            re.compile(
                rf"(?<![\w-]){_NAME}(?:(?:,[ \t]+|[ \t]+(?:and|&|und|et|y|e)[ \t]+|[ \t-]+){_NAME}){{0,4}}"
                rf",?[ \t]+(?:{_FORM})(?:[ \t]+(?:&[ \t]+Co\.?(?:[ \t]+KG)?|z[ \t]o\.o\.|de[ \t]C\.V\.))?(?![\w])\.?"
            ),
            0.75,
        ),
        (re.compile(rf"\b(?:{INSTITUTIONS})[ \t]+(?:of|for)[ \t]+(?:the[ \t]+)?{_NAME}(?:[ \t]+{_NAME}){{0,3}}"), 0.65),
    ]

    _PREFIXED = [
        re.compile(rf"(?<![\w])(?:{_PREFIX_FORMS})[ \t]*{_QUOTED}"),
        re.compile(rf"(?<![\w])(?:{_PREFIX_FORMS})[ \t]+{_WORD}(?:[ \t]+{_WORD}){{0,3}}"),
        re.compile(
            rf"(?<![\w])(?:Công ty|Cty|CÔNG TY)[ \t]+(?:TNHH(?:[ \t]+MTV)?|Cổ phần|CP|cổ phần)(?:[ \t]+{_WORD}){{1,6}}"
        ),
        re.compile(rf"(?<![\w])PT\.?[ \t]+{_WORD}(?:[ \t]+{_WORD}){{1,4}}(?:[ \t]+Tbk\.?)?"),
    ]

    def find(self, text: str) -> Iterable:
        for pattern in self._PREFIXED:
            for m in pattern.finditer(text):
                yield finding(ORGANIZATION, m.start(), m.end(), 0.75, self.name)
        if not text.isascii():
            for pattern in _UNSPACED:
                for m in pattern.finditer(text):
                    lead = HAN_SENTENCE_LEAD.match(m.group(0))
                    start = m.start() + (lead.end() if lead and m.end() - m.start() - lead.end() > 5 else 0)
                    yield finding(ORGANIZATION, start, m.end(), 0.75, self.name)
        for pattern, score in self._PATTERNS:
            for m in pattern.finditer(text):
                span = m.group(0).rstrip(".")
                if span.endswith(("Co", "Inc", "Corp", "Ltd")) and m.group(0).endswith("."):
                    span += "."
                yield finding(ORGANIZATION, m.start(), m.start() + len(span), score, self.name)
