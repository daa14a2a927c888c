"""Numbers that identify: payment cards, identity and reference numbers, driver's licences, ages, dates."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable

import regex as re
from stdnum import iban, luhn

from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, cue_pattern, finding, near
from llm_assets.core.anonymization.recognizers.vocabulary import YEARS


def luhn_valid(number: str) -> bool:
    """A payment-card length (12 digits or more) whose Luhn check digit holds (python-stdnum)."""
    digits = "".join(c for c in number if c.isdigit())
    return len(digits) >= 12 and luhn.is_valid(digits)


# How issuers print card numbers: contiguous, in fours, or 4-6-5 / 4-6-4 (Amex, Diners).
_CARD_GROUPINGS = {(4, 6, 5), (4, 6, 4), (4, 4, 5), (4, 4, 4)}
_CARD = re.compile(r"(?<![\w+.,/-])\d(?:[ -]?\d){11,18}(?![\w]|[.,/-]\d)")


ODD_GROUPED_CARD_DIGITS = 15


def card_grouping_ok(raw: str) -> bool:
    groups = [len(g) for g in re.split(r"[ -]", raw) if g]
    if len(groups) == 1:
        return True
    if tuple(groups) in _CARD_GROUPINGS:
        return True
    return all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4


class CardNumberRecognizer(SpanRecognizer):
    """12 to 19 digit payment card numbers (every issuer prefix, Maestro to 19-digit Visa), Luhn-checked, printed as
    issuers print them. A number written after ``+`` or grouped like a phone number is left to the phone recognizer."""

    ENTITIES = ("CREDIT_CARD",)
    CUES = cue_pattern(
        "card credit debit visa mastercard amex maestro jcb discover diners cc paid charged karta karty kartą kartu "
        "carte tarjeta carta cartão kaart kort kart kartı kartu карта картка κάρτα".split()
    )
    # written without spaces: "카드번호는", "신한카드고요", "卡号", "カード番号"
    CUES_UNSPACED = re.compile(r"카드|卡号|银行卡|信用卡|カード")

    def find(self, text: str) -> Iterable:
        for m in _CARD.finditer(text):
            raw = m.group(0)
            digits = re.sub(r"\D", "", raw)
            if not 12 <= len(digits) <= 19 or digits[0] not in "1234569":
                continue
            if luhn_valid(digits):
                cued = near(text, m.start(), m.end(), self.CUES) or near(text, m.start(), m.end(), self.CUES_UNSPACED)
                # a number read out is grouped by the speaker's pauses ("48 6717 193 7488 859"), not by the issuer:
                # long enough, its check digit is the card's sign (a dashed number is written: "532-2202647-7748509"
                # is an order's)
                said = "-" not in raw and len(digits) >= ODD_GROUPED_CARD_DIGITS
                if not card_grouping_ok(raw) and not (cued or said):
                    continue
                if digits[0] == "9" and not cued:
                    continue  # domestic schemes (Korea's 94.., Türkiye's Troy 9792): only where a card is named
                score = 0.9 if cued or len(digits) >= 15 else 0.75
                yield finding("CREDIT_CARD", m.start(), m.end(), score, self.name)


# Poland's and Hungary's domestic account numbers carry their IBAN's check digits ("86 6428 7221 4034 3138 9184
# 8035"): the number with the country's letters before it is a valid IBAN, whatever the words around it
_DOMESTIC_ACCOUNT = re.compile(r"(?<![\w+.,/-])\d{2}(?:[ -]?\d{4}){6}(?![\w]|[.,/-]\d)")


class DomesticAccountRecognizer(SpanRecognizer):
    """A Polish (NRB) or Hungarian account number in its domestic form: 26 digits that make a valid IBAN with the
    country's letters (python-stdnum's IBAN check)."""

    ENTITIES = ("BANK_ACCOUNT",)

    def find(self, text: str) -> Iterable:
        for m in _DOMESTIC_ACCOUNT.finditer(text):
            digits = re.sub(r"\D", "", m.group(0))
            if any(iban.is_valid(country + digits) for country in ("PL", "HU")):
                yield finding("BANK_ACCOUNT", m.start(), m.end(), 0.85, self.name)


ID_CUES = cue_pattern(
    [
        *"id no no. nr nr. number num # account acct order ticket reference ref invoice policy member customer client "
        "case claim booking confirmation tracking parcel package shipment licence license passport serial badge "
        "employee patient student voucher contract iban routing sort insurance tax vat ssn nin personal".split(),
        "social security",
        "identity card",
    ]
)
_ID_TOKEN = re.compile(r"(?<![\w@/.:-])[A-Za-z0-9](?:[A-Za-z0-9]|[./-](?=[A-Za-z0-9])){4,40}(?![\w@]|[./-]\w)")
# a date, or the date and hour of an ISO timestamp cut at its colon ("2024-07-09T07")
_DATE_LIKE = re.compile(r"^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}(?:T\d{1,2})?)$")
_AMOUNT = re.compile(r"^\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?$|^\d+[.,]\d{1,2}$")


class IdentifierRecognizer(SpanRecognizer):
    """Account, order, ticket, membership, national and other identity numbers by shape: a token of 5+ digits
    (possibly with letters and ``-``, ``.``, ``/`` inside), not a date, an amount, an IP address or a version. Long
    ones stand alone; short, all-digit ones need an identifier word nearby ("order", "account", "#", "no." ...)."""

    ENTITIES = ("REFERENCE_NUMBER",)

    def find(self, text: str) -> Iterable:
        for m in _ID_TOKEN.finditer(text):
            token = m.group(0)
            digits = sum(c.isdigit() for c in token)
            letters = sum(c.isalpha() for c in token)
            if digits < 5 or _DATE_LIKE.match(token) or _AMOUNT.match(token) or token.count(".") >= 3:
                continue
            if letters and digits < 5:
                continue
            if re.fullmatch(r"(?:19|20)\d{2}", token):
                continue
            if letters == 0 and digits <= 6:
                score = 0.3
            elif digits >= 7 or (letters and digits >= 5):
                score = 0.55
            else:
                score = 0.4
            if near(text, m.start(), m.end(), ID_CUES, before=30, after=0):
                score += 0.3
            if score >= 0.35:
                yield finding("REFERENCE_NUMBER", m.start(), m.end(), score, self.name)


class DriverLicenceRecognizer(SpanRecognizer):
    """A licence number right after the words that introduce one (any state's or country's format)."""

    ENTITIES = ("US_DRIVER_LICENSE",)
    _AFTER_CUE = re.compile(
        r"(?i:driver'?s?|driving|drivers)\s+(?i:licen[cs]e|permit)(?:\s+(?i:number|no\.?|nr\.?|#|id))?"
        r"(?:\s+(?i:is|was))?\s*[:#]?\s*(?P<value>[A-Za-z0-9](?:[A-Za-z0-9 -]{3,18}[A-Za-z0-9]))"
        r"|(?<!\w)(?i:DL|lic(?:ense|ence)?\.?)\s*(?:(?i:no\.?|number|#))?\s*[:#]\s*(?P<value2>[A-Za-z0-9][A-Za-z0-9-]{3,18})"
    )

    def find(self, text: str) -> Iterable:
        for m in self._AFTER_CUE.finditer(text):
            group = "value" if m.group("value") else "value2"
            value = m.group(group)
            # keep the first token run that carries digits ("is A1234567 and ..." -> "A1234567")
            token = re.match(r"[A-Za-z0-9-]+(?: [A-Za-z0-9-]+)*?(?=$|[ ,.;]|\s(?:and|or|but|is)\b)", value)
            value = token.group(0) if token else value
            if sum(c.isdigit() for c in value) >= 3:
                start = m.start(group)
                yield finding("US_DRIVER_LICENSE", start, start + len(value), 0.85, self.name)


_UNITS_WORDS = "one|two|three|four|five|six|seven|eight|nine"
_ENGLISH_NUMBER = (
    rf"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:{_UNITS_WORDS}))?|"
    r"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred|a hundred|"
    rf"{_UNITS_WORDS}"
)


class AgeRecognizer(SpanRecognizer):
    """Ages as English states them: "34 years old", "a 34-year-old", "34 y/o", "aged 34", "at the age of 34",
    "she is 34." ("turned 34" is the multilingual recognizer's: a turning verb's number is an age by what follows)."""

    ENTITIES = ("AGE",)
    _NUM = r"(?P<n>\d{1,3}(?:[.,]\d)?)"
    _PATTERNS = [
        # "years" alone is a period ("2 years warranty", "a 3-year contract"): an age says "old" or "of age"
        re.compile(rf"(?<![\w.,]){_NUM}(?=\s*-?\s*(?:(?i:years?|yrs?)[\s-]*(?i:old|of age)|(?i:yo|y/o|y\.o\.))(?!\w))"),
        re.compile(rf"(?<![\w.,]){_NUM}(?=[\s-]*(?i:year|yr)[\s-]*(?i:old))"),
        re.compile(rf"(?i:\bage[ds]?|\baged|\bage of|\bage:)\s*{_NUM}(?![\w.,]\d|\s*%)"),
        re.compile(
            rf"(?i:\b(?:i|he|she|they|you|we|who)\s*(?:am|is|was|were|are|'m|'s|'re))\s+{_NUM}"
            r"(?=\s*(?:[.,;!?)]|$|\s(?:and|but|when|now|today|this|next|last)\b))"
        ),
        # the same in words, and as chats type it ("shes ninety now", "He's fifty now.", "im 43")
        re.compile(
            # (not "we are ten now": a group counts itself)
            rf"(?i:\b(?:i|he|she|you|who)\s*(?:am|is|was|were|are|'m|'s|'re|’m|’s|’re)|\b(?:im|hes|shes))\s+"
            rf"(?P<n>{_ENGLISH_NUMBER})"
            r"(?=\s*(?:[.,;!?)]|$|\s(?:and|but|when|now|today|this|next|last|already|soon|tomorrow)\b))"
        ),
        # "she'll be 65 in May", "he will be 40 next week": an age to come
        re.compile(
            rf"(?i:\b(?:i|he|she|they|you|we)(?:'ll|\s+will)\s+be)\s+{_NUM}"
            r"(?=\s*(?:[.,;!?)]|$|\s(?:in|on|next|this|soon|tomorrow)\b))"
        ),
        # the same in the languages that state an age with "to be" and a number alone: "ich bin 34 und ...", "ik ben
        # 34.", "hon är 7, ...", "jeg er 34"
        re.compile(
            rf"(?i:\b(?:ich bin|er ist|sie ist|ik ben|hij is|zij is|ze is|jag är|han är|hon är|jeg er|han er|hun er))"
            rf"\s+{_NUM}"
            # (not an ordinal: "ich bin 2. in der Schlange")
            r"(?!\.\s*\p{Ll})(?=\s*(?:[.,;!?)]|$|\s(?:und|aber|jetzt|en|maar|nu|och|men|og)\b))"
        ),
    ]

    def find(self, text: str) -> Iterable:
        for pattern in self._PATTERNS:
            for m in pattern.finditer(text):
                value = m.group("n")
                if not value[0].isdigit() or float(value.replace(",", ".")) <= 130:
                    yield finding("AGE", m.start("n"), m.end("n"), 0.9, self.name)
        if "(" in text:
            this_year = datetime.date.today().year
            for m in _age_after_date().finditer(text):
                # the age the date gives, today or in a document up to 15 years old
                if int(m.group("n")) >= 5 and 0 <= this_year - int(m.group("year")) - int(m.group("n")) <= 15:
                    yield finding("AGE", m.start("n"), m.end("n"), 0.85, self.name)


@functools.cache
def _age_after_date() -> re.Pattern:
    """An age in brackets right after a full date, in any language: "12/03/1961 (64 anos)", "3 мая 1958 (67 лет)"."""
    return re.compile(
        r"(?<![\w./-])\d{1,2}(?:[./-]\d{1,2}[./-]|\.?[ \t]+\p{L}[\p{L}\p{M}.]{1,11}[ \t]+)(?P<year>(?:19|20)\d\d)"
        rf"[ \t]*\([ \t]*(?P<n>\d{{1,3}})[ \t]*(?i:{YEARS})\.?[ \t]*\)"
    )


_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
WEEKDAYS = (
    "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|"
    "Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|"
    "domenica|segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|maandag|dinsdag|woensdag|donderdag|"
    "vrijdag|zaterdag|zondag|måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|mandag|tirsdag|lørdag|søndag|"
    "poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela|pondělí|úterý|středa|čtvrtek|pátek|neděle|"
    "maanantai|tiistai|keskiviikko|torstai|perjantai|lauantai|sunnuntai"
)


class DateTimeRecognizer(SpanRecognizer):
    """Dates and times: numeric (12/03/1987, 1987-03-12, 12.03.87), with a month name (March 12, 1987; 12 March;
    Mar 1987), weekdays, times of day, and years in a date's place ("in 1987", "since 2003")."""

    ENTITIES = ("DATE_TIME",)
    _PATTERNS = [
        # the date of an e-mail header: "Fri, 11 Apr 2025 05:04:00 +0000"
        (
            re.compile(
                rf"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s+\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}"
                r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[+-]\d{4}|GMT|UTC|Z))?)?"
            ),
            0.85,
        ),
        # (Hebrew joins its prepositions with a hyphen: "ב-10/01/1994", "on 10/01/1994")
        (re.compile(r"(?:(?<![\w./-])|(?<=\p{Hebrew}-))\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?![\w/-]|\.\d)"), 0.75),
        # day and month with their points and a space, as Czech, Slovak, Polish and German write them: "4. 4. 1953"
        (re.compile(r"(?<![\w.])[0-3]?\d\.[ \t][01]?\d\.[ \t]?(?:1[89]|20)\d{2}(?![\w])"), 0.75),
        # Hungarian year first, each part with its point: "1975. 10. 21."
        (re.compile(r"(?<![\w.])(?:1[89]|20)\d{2}\.[ \t]?[01]?\d\.[ \t]?[0-3]?\d\.(?![\w])"), 0.75),
        # in any language and script: day, month word, year ("8. november 1976", "16 лютого 1988 р.", "15 เมษายน
        # ค.ศ. 1994", "6 de dezembro de 1981"), month word, day, year ("november 5, 1968"), and the East Asian year-month-day
        (
            re.compile(
                # (a month of two letters in a script without capitals: "1 मई 1981")
                r"(?<![\w.])\d{1,2}\.?[ \t]+(?:del?[ \t]+)?(?:\p{L}[\p{L}\p{M}]{2,11}|\p{Lo}[\p{Lo}\p{M}])\.?"
                r"(?:[ \t]+\p{L}[\p{L}.]{0,4}\.)?"
                r"(?:[ \t]+de)?,?[ \t]+(?:1[89]|20)\d{2}(?![\w])(?:[ \t]?(?:р\.|г\.|r\.))?"
            ),
            0.6,
        ),
        (
            re.compile(
                r"(?<![\w])\p{L}[\p{L}\p{M}]{2,11}\.?[ \t]+\d{1,2}(?:st|nd|rd|th)?,?[ \t]+(?:1[89]|20)\d{2}(?!\w)"
            ),
            0.6,
        ),
        (re.compile(r"(?:1[89]|20)\d{2}[ \t]?[年년][ \t]?\d{1,2}[ \t]?[月월][ \t]?\d{1,2}[ \t]?[日일]"), 0.8),
        (re.compile(r"(?<![\w./-])\d{4}[./-]\d{1,2}[./-]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?(?![\w/-])"), 0.8),
        (
            re.compile(
                rf"\b(?:(?:{WEEKDAYS}),?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:{_MONTHS})\.?"
                rf"(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?\b"
            ),
            0.6,
        ),
        (re.compile(rf"(?<!\w)(?i:{WEEKDAYS})(?!\w)"), 0.55),
        (re.compile(r"(?<![\w:.])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s?[AaPp]\.?[Mm]\.?)?(?![\w:])"), 0.6),
        (
            re.compile(
                r"(?<=\b(?:in|since|from|until|till|by|of|year|born|founded|during|before|after|circa|c\.)\s)"
                r"(?:1[5-9]\d{2}|20\d{2})(?![\w%])",
                re.IGNORECASE,
            ),
            0.6,
        ),
    ]

    def find(self, text: str) -> Iterable:
        for pattern, score in self._PATTERNS:
            for m in pattern.finditer(text):
                token = m.group(0)
                # a bare month-name match on a lone "May"/"March" needs a day or a year next to it
                if re.fullmatch(rf"(?:{_MONTHS})\.?", token) and not re.search(r"\d", text[m.end() : m.end() + 6]):
                    continue
                yield finding("DATE_TIME", m.start(), m.end(), score, self.name)


def national_id_recognizers() -> list:
    """Presidio's own national identity number recognizers, registered for English text (their defaults name each
    country's language): NINO, SIN, PESEL, HETU, personnummer, codice fiscale, NIF/NIE, Aadhaar, PAN, NRIC/FIN, TFN,
    T.C. Kimlik, RRN, TNIN, NIN, South African ID, Steuer-ID, Rentenversicherungsnummer, UK passport and licence."""
    from presidio_analyzer import predefined_recognizers as p

    classes = [
        p.UkNinoRecognizer,
        p.CaSinRecognizer,
        p.PlPeselRecognizer,
        p.FiPersonalIdentityCodeRecognizer,
        p.SePersonnummerRecognizer,
        p.ItFiscalCodeRecognizer,
        p.EsNifRecognizer,
        p.EsNieRecognizer,
        p.InAadhaarRecognizer,
        p.InPanRecognizer,
        p.SgFinRecognizer,
        p.AuTfnRecognizer,
        p.TrNationalIdRecognizer,
        p.KrRrnRecognizer,
        p.ThTninRecognizer,
        p.NgNinRecognizer,
        p.ZaIdNumberRecognizer,
        p.DeTaxIdRecognizer,
        p.DeSocialSecurityRecognizer,
        p.UkPassportRecognizer,
        p.UkDrivingLicenceRecognizer,
    ]
    return [c(supported_language="en") for c in classes]
