"""Organizations by their legal form (ISO 20275 entity-legal-form abbreviations) or by an institution word."""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding
from llm_assets.core.entities import ORGANIZATION

LEGAL_FORMS = (
    "Inc Incorporated Corp Corporation Co Company Ltd Limited LLC L.L.C. LLP LP PLC plc GmbH AG KG OHG e.V. SE S.A. "
    "SA S.p.A. SpA S.r.l. Srl S.L. SL SAS S.A.S. SARL S.A.R.L. B.V. BV N.V. NV AB ASA AS A/S ApS Oy Oyj Kft. Kft "
    "Zrt. Zrt Nyrt. s.r.o. a.s. v.o.s. k.s. d.o.o. d.d. Sp. Ltda S.A.C. Pty Pte Bhd Sdn GK KK K.K. Group Holdings "
    "Holding Partners Associates Sons Brothers Bros. Foundation Trust Bank Insurance Industries Enterprises Technologies Systems "
    "Solutions Consulting Services International Worldwide Global"
).split()
INSTITUTIONS = r"University|College|Institute|School|Hospital|Clinic|Bank|Ministry|Department|Agency|Council|Museum"


class OrganizationRecognizer(SpanRecognizer):
    """ "Manaksia Limited", "Žák v.o.s.", "Smith, Jones and Brown LLC", "Acme Widgets GmbH & Co. KG",
    "University of Leeds"."""

    ENTITIES = (ORGANIZATION,)
    _NAME = r"[A-ZÀ-ÖØ-Þ0-9][\w'’&.-]*"
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

    def find(self, text: str) -> Iterable:
        for pattern, score in self._PATTERNS:
            for m in pattern.finditer(text):
                span = m.group(0).rstrip(".")
                if span.endswith(("Co", "Inc", "Corp", "Ltd")) and m.group(0).endswith("."):
                    span += "."
                yield finding(ORGANIZATION, m.start(), m.start() + len(span), score, self.name)
