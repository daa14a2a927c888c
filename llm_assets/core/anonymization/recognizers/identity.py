"""Identifiers announced by the words before them, in the languages of the largest markets: passport, identity card
and driving-licence numbers of any alphanumeric format, licence plates, bank branch / agency / sort codes and the
account numbers beside them, SaaS customer ids ("cus_Q8xZ2mKf93"), and ages as people state them.

A value's format varies by country and issuer; what is stable is how a person introduces it. Each recognizer takes
the token run after its cue that carries a digit (plates, ids) and leaves prose alone.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization import numerals
from llm_assets.core.anonymization.context import SAAS_ID, SAAS_LETTER_KEY, SAAS_PERSONAL_PREFIXES
from llm_assets.core.anonymization.recognizers.base import CUE_COPULA, SpanRecognizer, finding
from llm_assets.core.anonymization.recognizers.turns import age_in_words, age_value
from llm_assets.core.entities import BANK_ACCOUNT, LICENSE_PLATE, NATIONAL_ID, TRANSACTION_REFERENCE

_SEP = (
    r"[:#=]?\s*(?:(?i:is|was|ist|lautet|est|es|è|é|är|er|jest|wynosi|je|no\.?|nr\.?|number|nummer|numéro|número|numero)"
    r"\s*[:#]?\s*){0,2}"
)
_VALUE = r"(?P<value>(?=[\p{L}\p{N}\- ·./]*\p{N})[\p{Lu}\p{N}](?:[\p{Lu}\p{N}]|[ \-·./](?=[\p{Lu}\p{N}])){3,%d})"
_ID_CUES = (
    r"passport|passeport|pasaporte|passaporto|passaporte|reisepass(?:nummer|-nr\.?)?|passnummer|paspoort(?:nummer)?|"
    r"paszport(?:u)?|numer paszportu|cestovní pas|číslo pasu|pasaport(?: numarası)?|pass(?:nummer|nr)|"
    r"id card|identity card|national id|id number|identity number|personalausweis(?:nummer)?|ausweis(?:nummer)?|"
    r"občanský průkaz|občanského průkazu|číslo op|rodné číslo|kimlik(?: numarası| no)?|tc kimlik(?: no)?|"
    r"numer dowodu(?: osobistego)?|dowodu osobistego|identiteitskaart|id-kaart|legitimatie|"
    r"carte d'identité|documento de identidad|dni|nif|cédula|cedula|carta d'identità|"
    r"carteira de identidade|cpf|bsn|pesel|dowód osobisty|personnummer|henkilötunnus|"
    r"tax id|tax number|steuer-?id|steuernummer|codice fiscale|ssn|social security number|"
    r"паспорт|护照|여권|パスポート"
)
_LICENCE_CUES = (
    r"driver'?s?\s+licen[cs]e|driving\s+licen[cs]e|licen[cs]e\s+(?:no|number|#)|führerschein(?:nummer)?|"
    r"permis de conduire|licencia de conducir|carné de conducir|patente(?: di guida)?|carteira de motorista|cnh|"
    r"rijbewijs(?:nummer)?|prawo jazdy|prawa jazdy|körkort(?:snummer)?|kørekort|førerkort|ajokortti|"
    r"řidičský průkaz|řidičského průkazu|řidičák|ehliyet(?: numarası| no)?|sürücü belgesi|"
    r"numéro de permis|número de carné|número do cnh|numero di patente"
)
_PLATE_CUES = (
    r"licen[cs]e plate|number plate|plate(?: number)?|registration(?: number| no\.?)?|reg(?:istration)?\.? (?:no|number)|"
    r"(?<=\b(?:the|my|his|her|your|car|vehicle)\s)reg|"
    r"car reg|vehicle reg(?:istration)?|kennzeichen|nummernschild|immatriculation|plaque|matr[ií]cula|targa|"
    r"placa|kenteken|rejestracja|numer rejestracyjny|registreringsnummer|rekisterinumero|车牌|번호판|ナンバー|"
    r"nummerplade|nummerplate|nummerskilt|rendszám|spz|registrační značk\w*|înmatriculare|plaka|πινακίδα|"
    r"госномер|номерной знак|номерний знак|biển số|plat nomor|nomor polisi|לוחית רישוי|מספר רכב|차량번호|차량 번호"
)
_BANK_CUES = (
    r"sort code|routing(?: number)?|aba|bsb|transit(?: number)?|branch(?: code| number)?|ag[eê]ncia|agencia|"
    r"sucursal|filiale|bankleitzahl|blz|ifsc|clabe|bic|swift|"
    r"account(?: number| no\.?)?|bank account|conta(?: corrente)?|cuenta|konto(?:nummer)?|compte|conto|rekening"
    r"(?:nummer)?|"
    # "Nr rachunku", "číslo účtu", "hesap numarası", "kontonummer", "numéro de compte"
    r"rachunek|rachunku|nr rachunku|numer rachunku|numer konta|číslo účtu|účet|účtu|hesap(?: numarası| no)?|"
    r"kontonr|bankkonto|clearingnummer|numéro de compte|número de cuenta|numero di conto|número da conta|"
    r"ifsc"
)


# the plate's words in languages of other scripts, and the particles after them ("車牌是", "차량 번호는", "госномер")
_PLATE_CUES_OTHER_SCRIPTS = (
    r"госномер|гос\.?[ \t]?номер|номер машины|номер автомобиля|номер машини|номерний знак|номер авто|"
    r"αριθμός κυκλοφορίας|πινακίδα|πινακίδες|لوحة السيارة|رقم اللوحة|رقم السيارة|לוחית רישוי|מספר הרכב|מספר רכב|"
    r"پلاک|پلاک ماشین|नंबर प्लेट|गाड़ी का नंबर|गाड़ी नंबर|ป้ายทะเบียน|ทะเบียนรถ|biển số xe|biển số|"
    r"plat nomor|nomor polisi|plaka|rendszám|rendszáma|număr de înmatriculare|numărul de înmatriculare|"
    r"tablica rejestracyjna|registrační značka|spz|車牌號碼|车牌号码|車牌號|车牌号|車牌|车牌|車のナンバー|"
    r"ナンバープレート|ナンバー|차량 번호|차량번호|번호판"
)
# a plate in any script: letters (of one to three characters: Arabic, Hangul, Cyrillic series) and digit groups,
# at least one digit, up to 16 characters; a particle glued to the end ("4790예요", "74-63です") is no part of it
_ANY_PLATE = (
    r"(?P<value>(?:\p{L}{1,3}[ \t\-·.]){0,3}\p{L}{0,3}\p{N}[\p{N}\p{Lu}]*(?:[ \t\-·.]?(?:\p{N}+|\p{Lu}{1,3}|[\p{L}]{1,3}(?=[ \t]\p{N})))"
    r"{0,4})"
)


def _cued(cues: str, longest: int = 20) -> re.Pattern:
    return re.compile(rf"(?i:\b(?:{cues}))\b\s*{_SEP}{_VALUE % (longest - 1)}")


# the vehicle itself, where a ticket says which car collects a parcel ("vehicle CWK-0885", "bil WUY 879", "auto PO
# 44277", "на машині, номер ІХ 4317 НР", "السيارة س م م 8846"): a plate of letters and digits follows (Korean "차"
# opens longer words too: "차량번호" is the plate's own cue, below)
_VEHICLE_CUES = (
    r"vehicle|car|auto|bil|samochód|samochodem|pojazd|vůz|vozidlo|autem|mașina|mașină|autó|autóval|araç|araba|"
    r"xe|mobil|fahrzeug|wagen|coche|carro|voiture|veicolo|машина|машині|машиной|автомобиль|автомобіль|αυτοκίνητο|"
    r"سيارة|السيارة|ماشین|गाड़ी|รถ|車|车|차"
)
_VEHICLE_PLATE = re.compile(
    rf"(?i:(?<![\p{{L}}])(?:{_VEHICLE_CUES}))(?!\p{{Hangul}})(?:[ \t,]+(?i:номер|number|no\.?|nr\.?|رقم|num[eé]ro))?[ \t:]*"
    r"(?P<value>(?=[\p{L}\p{N} -]*\p{N})(?=[\p{N} -]*\p{L})(?:\p{L}{1,3}[ -]){0,3}[\p{Lu}\p{N}\p{Lo}]{1,7}"
    r"(?:[ -][\p{Lu}\p{N}\p{Lo}]{1,4}){0,3})(?![\p{L}\p{N}])"
)
# a customer's number, announced in the languages of other scripts ("Номер клієнта К-9551472", "رقم العميل C٦٧٥٥")
_CUSTOMER_NUMBER = re.compile(
    r"(?i:номер клієнта|номер клиента|клиентский номер|رقم العميل|מספר לקוח|شماره مشتری|ग्राहक संख्या|ग्राहक आईडी|"
    r"หมายเลขลูกค้า|รหัสลูกค้า|mã khách hàng|müşteri numarası|müşteri no|numer klienta|kundnummer|číslo zákazníka|"
    r"ügyfélszám|ügyfélazonosító|număr client|numărul de client|nomor pelanggan|αριθμός πελάτη|顧客番号|お客様番号|"
    r"客户编号|客戶編號|会员号|會員號|고객 번호|고객번호)"
    rf"{CUE_COPULA}[ \t]*[:=#]?[ \t]*(?P<value>[\p{{L}}\p{{N}}][\p{{L}}\p{{N}}-]{{3,20}})(?![\p{{L}}\p{{N}}])"
)


class AnnouncedIdentifierRecognizer(SpanRecognizer):
    ENTITIES = (NATIONAL_ID, "US_DRIVER_LICENSE", LICENSE_PLATE, BANK_ACCOUNT, "REFERENCE_NUMBER",
                TRANSACTION_REFERENCE)  # fmt: skip
    _PATTERNS = [
        (_cued(_ID_CUES), NATIONAL_ID, 0.8),
        (_cued(_LICENCE_CUES), "US_DRIVER_LICENSE", 0.85),
        (_cued(_PLATE_CUES), LICENSE_PLATE, 0.8),
        (
            re.compile(rf"(?i:{_PLATE_CUES_OTHER_SCRIPTS}){CUE_COPULA}[ \t]*{_ANY_PLATE}"),
            LICENSE_PLATE,
            0.8,
        ),
        (_cued(_BANK_CUES, longest=34), BANK_ACCOUNT, 0.75),  # an IBAN's length: "61 1090 1014 0000 0712 1981 2874"
    ]
    # a plate of the Chinese mainland: province character, letter, five or six characters
    _CN_PLATE = re.compile(r"(?<![\p{L}\p{N}])\p{Han}[A-Z][·\s]?[A-Z0-9]{5,6}(?![\p{L}\p{N}])")
    # Russia's: a letter, three digits, two letters of the twelve that look Latin too, the region ("Т412ОК93")
    _RU_PLATE = re.compile(r"(?<![\p{L}\p{N}])[АВЕКМНОРСТУХ]\d{3}[АВЕКМНОРСТУХ]{2}[ \t]?\d{2,3}(?![\p{L}\p{N}])")
    # a plate's word, a few words, a colon, the plate: "Kennzeichen meines Autos für den Parkplatz: LA-TB 481"
    _PLATE_AFTER_WORDS = re.compile(
        rf"(?i:\b(?:{_PLATE_CUES}))\b(?:[ \t]+[\p{{L}}'’]{{1,15}}){{1,5}}[ \t]*:[ \t]*"
        r"(?P<value>(?=[\p{L}\p{N} -]{4,12}(?![\p{L}\p{N}]))(?=[^\n]{0,12}\p{N})(?=[^\n]{0,12}\p{Lu})"
        r"[\p{Lu}\p{N}]{1,4}(?:[ -][\p{Lu}\p{N}]{1,4}){1,3})(?![\p{L}\p{N}])"
    )
    # Korea's: two or three digits, the use's syllable, four digits ("38누 7401", "123가4567")
    _KR_PLATE = re.compile(
        r"(?<![\p{L}\p{N}])\d{2,3}[가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주하허호배][ \t]?\d{4}(?![\p{N}])"
    )
    # Japan's: the office's name, the class's number, a kana, the number with its hyphen or its dots for missing
    # digits ("品川 300 さ 12-34", "神戸 045 す ・967")
    _JP_PLATE = re.compile(
        r"(?<![\p{L}\p{N}])\p{Han}{1,4}[ \t]?\d{2,3}[ \t]?\p{Hiragana}[ \t]?(?:\d{1,2}-\d{2}|[・･]{0,3}[ \t]?\d{1,4})(?![\p{N}])"
    )

    def find(self, text: str) -> Iterable:
        for pattern, entity, score in self._PATTERNS:
            for m in pattern.finditer(text):
                value = m.group("value").rstrip(" .-/")
                # stop at the first word that is plainly prose ("A1234567 and ...")
                value = re.split(r"\s(?=(?i:and|or|but|is|was|for|in|on|at|with|und|et|y|e)\b)", value)[0]
                if sum(c.isdigit() for c in value) < 2 or len(value) < 4:
                    continue
                yield finding(entity, m.start("value"), m.start("value") + len(value), score, self.name)
        for plate in (self._CN_PLATE, self._KR_PLATE, self._JP_PLATE, self._RU_PLATE):
            for m in plate.finditer(text):
                yield finding(LICENSE_PLATE, m.start(), m.end(), 0.7, self.name)
        for m in self._PLATE_AFTER_WORDS.finditer(text):
            yield finding(LICENSE_PLATE, m.start("value"), m.end("value"), 0.75, self.name)
        for m in _VEHICLE_PLATE.finditer(text):
            value = m.group("value").rstrip(" -")
            alnum = sum(c.isalnum() for c in value)
            if 4 <= alnum <= 10 and not re.fullmatch(r"(?:19|20)\d\d", value):
                yield finding(LICENSE_PLATE, m.start("value"), m.start("value") + len(value), 0.7, self.name)
        for m in _CUSTOMER_NUMBER.finditer(text):
            if any(c.isdigit() for c in m.group("value")):
                yield finding("REFERENCE_NUMBER", m.start("value"), m.end("value"), 0.75, self.name)
        for m in SAAS_ID.finditer(text):
            entity = "REFERENCE_NUMBER" if m.group("prefix") in SAAS_PERSONAL_PREFIXES else TRANSACTION_REFERENCE
            yield finding(entity, m.start(), m.end(), 0.75, self.name)
        for m in SAAS_LETTER_KEY.finditer(text):
            if m.group("prefix") in SAAS_PERSONAL_PREFIXES:  # a customer's key; other objects' keys stay
                yield finding("REFERENCE_NUMBER", m.start(), m.end(), 0.75, self.name)


# "<n> years" after a verb of being / having (or a dative: "мне 34 года") or followed by "old"
_YEARS = (
    r"(?:years?|yrs?|jahre?n?|ans?|años|anos|anni|jaar|lat|lata|år|vuotta|let|roků|ετών|χρονών|лет|года|год|років|"
    r"роки|рік|ani|tahun)"
)
_OLD = r"(?:old|alt|de edad|d'âge|di età|de idade|oud|gammal|gammel|vanha|starý|stara|stary)"
_IAM = (
    r"(?:i am|i'm|im|he is|she is|he's|she's|they are|ich bin|er ist|sie ist|j'ai|il a|elle a|tengo|tiene|"
    r"ho|ha|tenho|tem|ik ben|hij is|zij is|mam|ma|jag är|hon är|han är|jeg er|hun er|han er|olen|on|je mi|je mu|"
    r"je jí|am|are|мне|ему|ей|мені|йому|їй|saya|aku|dia)"
)
# a relative or a customer, then "of <n> years": "mi abuela de 88 años", "minha filha de 15 anos", "mio padre, di 79
# anni"; a dative relative, then the number: "моему отцу 85 лет", "моїй мамі 69 років"
_KIN_ROMANCE = (
    r"(?:madre|padre|hij[oa]s?|abuel[oa]s?|herman[oa]s?|espos[oa]|marido|mujer|niñ[oa]s?|bebé|señor[a]?|cliente|"
    r"mãe|pai|filh[oa]s?|av[óô]|irmã|irmão|menin[oa]|figli[oa]?|nonn[oa]|fratello|sorella|marito|moglie|"
    r"bambin[oa]|ragazz[oa]|signor[a]?)"
)
_KIN_DATIVE = (
    r"(?:отцу|папе|маме|матери|сыну|дочери|дочке|бабушке|дедушке|мужу|жене|брату|сестре|батькові|батьку|татові|"
    r"мамі|матері|синові|сину|доньці|бабусі|дідусеві|дідусю|чоловікові|дружині|братові|сестрі)"
)
_KIN_GERMANIC = (
    r"(?:father|mother|dad|mum|mom|son|daughter|grandmother|grandfather|grandma|grandpa|husband|wife|brother|sister|"
    r"child|kid|vater|mutter|papa|mama|sohn|tochter|oma|opa|großmutter|großvater|mann|frau|bruder|schwester|kind|"
    r"enkel|enkelin|vader|moeder|zoon|dochter|oma|opa|man|vrouw|broer|zus|kind|kleinzoon|kleindochter)"
)
# words that name a person's age, before the number ("Ηλικία: 48", "عمري 34", "อายุ 34 ปี", "berumur 34")
_AGE_LABEL = (
    r"(?:alter|âge|edad|età|idade|leeftijd|wiek|ålder|alder|ikä|věk|vârst[aă]|возраст|вік|yaş|ηλικία|"
    r"العمر|عمري|عمره|عمرها|عمرك|גיל|בגיל|उम्र|आयु|อายุ|umur|usia|berumur|berusia|年齢|年龄|年紀|年纪|나이(?:는|가)?)"
)
# units that only ever measure a person's age ("34 yaşındayım", "Olen 34-vuotias", "34 tuổi", "34 χρονών")
_AGE_UNIT = r"(?:(?:yaş(?:ında|ındayım|ındaki|lı)?|-?vuotias|tuổi|χρονών)(?![\w])|歳|岁|歲|살(?![아았])|세(?!요))"
# "she's ninety-one.", "so you're forty.", "i'm seventy-four": a number alone after someone's "is", ending its clause
_IS_AGE = re.compile(
    r"(?i:\b(?:i'm|i am|you're|you are|she's|she is|he's|he is|they're|mum's|mom's|dad's)[ \t]+)"
    r"(?P<n>\p{L}+(?:[ -]\p{L}+)?)(?=[ \t]*(?:[.,;!?]|$|\n|(?i:now|and|this|next|last)\b))"
)
_AGE_PATTERNS = [
    re.compile(rf"(?i:\b{_IAM})\s+(?P<n>\d{{1,3}})\s+(?:de\s+)?(?i:{_YEARS})\b"),
    re.compile(rf"(?<![\w.,])(?P<n>\d{{1,3}})\s*-?\s*(?i:{_YEARS})[\s-]+(?i:{_OLD})\b"),
    # (Thai and Chinese write no space before the word: "ผมอายุ 34")
    re.compile(rf"(?i:(?<![\p{{Latin}}\p{{Cyrillic}}\p{{Greek}}])(?:{_AGE_LABEL})\s*[:=：]?\s*)(?P<n>\d{{1,3}})(?!\d)"),
    re.compile(r"(?i:\b(?:âgée?|agée?|im alter von|a la edad de|all'età di|com|aged?)\s+(?:de\s+)?)(?P<n>\d{1,3})\b"),
    re.compile(rf"(?<![\d.,])(?P<n>\d{{1,3}})\s?(?i:{_AGE_UNIT})"),
    re.compile(rf"(?i:\b{_KIN_ROMANCE},?\s+(?:de|di|da|do)\s+)(?P<n>\d{{1,3}})\s+(?:años|anos|anni)\b"),
    re.compile(rf"(?i:\b{_KIN_DATIVE}\s+(?:уже\s+|вже\s+)?)(?P<n>\d{{1,3}})\s+(?:лет|года|год|років|роки|рік)\b"),
    # a relative (or a customer) who is <n>: "my son is 12", "mein Vater ist 81", "mijn moeder van 71 jaar"
    re.compile(
        rf"(?i:\b{_KIN_GERMANIC}\s+(?:is|ist|van|von|was|war|turned|wird|wordt)\s+(?:now\s+|jetzt\s+|nu\s+|schon\s+)?)"
        r"(?P<n>\d{1,3})(?![\d.,:%]|\s*(?:%|€|\$|£|euro|dollars?|pounds?|kg|km|minutes?|minuten|stunden|hours?|days?|tage))"
    ),
    re.compile(rf"(?<![\d.,])(?P<n>\d{{1,3}})-?(?i:jährige[nrsm]?\s+{_KIN_GERMANIC})\b"),
    # Hebrew "son / daughter of <n>" is how an age is said; Hindi "<n> years of"; Hungarian "<n> years I am"
    re.compile(r"(?<![\w])(?:בן|בת)\s+(?P<n>\d{1,3})(?!\d)"),
    re.compile(r"(?<![\d.,])(?P<n>\d{1,3})\s+(?:साल|वर्ष)\s+(?:का|की|के)(?![\w])"),
    re.compile(r"(?i:(?<![\d.,])(?P<n>\d{1,3})\s+éves\s+(?:vagyok|vagy|volt|lett|múlt|lesz)\b)"),
    # Hungarian "<n> years" after a relative named in the same sentence ("a fiamról van szó, ..., 14 éves")
    re.compile(
        r"(?i:(?<![\p{L}])(?:fi[aáu]|lány|apá|anyá|apu|anyu|férj|feleség|gyerek|unoká|nagymam|nagypap)[\p{L}]*"
        r"[^.\n]{0,60}?(?<![\d.,])(?P<n>\d{1,3})\s+éves(?![\p{L}]))"
    ),
    # Swedish, Danish, Norwegian "he is <n> years" ("han är 67 år", "min mor er 81 år"): a person, then the verb
    re.compile(
        r"(?i:(?<![\p{L}])(?:jag|han|hon|hen|jeg|hun|mamma|pappa|mor|far|farmor|mormor|farfar|morfar|sonen|"
        r"dottern|datteren|sønnen|barnet)\s+(?:är|er|blir|bliver|fyller|fyldte|fyllde)[ \t]+(?:nu[ \t]+)?)"
        r"(?P<n>\d{1,3})[ \t]+år(?![\p{L}])"
    ),
]


# the same, the age said in words ("I'm forty-two years old", "tengo cuarenta y dos años", "мне сорок пять лет"): a
# run of up to four words, read as a number by ``text2num`` in the languages it knows
# (a Korean number opens its word: of "살이세요" no "이" is an age)
_WORD_RUN = r"(?<!\p{Hangul})(?P<n>\p{L}+(?:[ \t-]+\p{L}+){0,4}?)"
_AGE_WORD_PATTERNS = [re.compile(p.pattern.replace(r"(?P<n>\d{1,3})", _WORD_RUN), p.flags) for p in _AGE_PATTERNS]
# the words every one of those patterns holds besides the number: the word patterns run only around them
_AGE_CUES = re.compile(
    rf"(?<![\p{{L}}])(?i:{_YEARS}|{_OLD}|{_AGE_LABEL}|{_AGE_UNIT}|{_KIN_ROMANCE}|{_KIN_DATIVE}|{_KIN_GERMANIC}|"
    r"âgée?|agée?|im alter|a la edad|all'età|aged?|jährige[nrsm]?|בן|בת|साल|वर्ष|éves)(?![\p{L}])"
    # Korean glues its particles and endings to the cue ("살이에요", "세입니다", "나이는")
    r"|살(?![아았])|세(?!요)|나이"
)
_AGE_WINDOW = 60
_WORD = re.compile(r"\p{L}+")


def _age_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The words of a match that say an age: the longest run from the match's start (a cue before it: "Alter:
    dreiundvierzig", "my mother is eighty-one"), up to five words joined by spaces or hyphens; else the longest
    run ending where the match ends (a cue after it: "... forty two years old")."""
    stops, pos = [], start
    for w in _WORD.finditer(text, start, min(len(text), start + 80)):
        if w.start() > pos and not re.fullmatch(r"[ \t-]+", text[pos : w.start()]):
            break
        stops.append(w.end())
        pos = w.end()
        if len(stops) == 5:
            break
    for stop in reversed(stops):
        if stop >= end and age_in_words(text[start:stop]):
            return start, stop
    for w in _WORD.finditer(text, start, end):
        if age_in_words(text[w.start() : end]):
            return w.start(), end
    return None


def _adult_age(words: str) -> bool:
    """A number from 13 to 110 said in English words (below that, "I'm one", "you're two" are no ages)."""
    from text_to_num import alpha2digit

    try:
        written = alpha2digit(words.replace("-", " "), "en").replace(" ", "")
    except (ValueError, KeyError, IndexError, TypeError):
        return False
    return written.isdigit() and 13 <= int(written) <= 110


# Turning or becoming an age, the verb before the number ("he turned seventy-one in May", "je vais avoir 67 ans",
# "il mese prossimo faccio ventinove anni", "ik word volgende maand vierenvijftig", "jag fyller 40 i maj", "kończę 50
# lat"): the number is an age where a word for years follows it, or where the clause ends or a time word follows a
# number from 13 up ("ich werde 5 Minuten warten", "il y a dix ans", "turned 2 days late" stay)
_TURNING = re.compile(
    r"(?i:(?<![\p{L}'’])(?:turn(?:s|ed|ing)?|(?:vais|va|vas|allons|vont|viens[ \t]+d['’])[ \t]*avoir|aurai|aura|"
    r"cumplo|cumplí|cumplir|cumpliré|cumple|cumplió|compio|compie|compiuto|compirò|faccio|faço|fiz|fazer|completo|"
    r"completei|werde|wird|wurde|word|wordt|fyller|fyllde|blir|kończę|kończy|skończył(?:em|am|a)?)"
    r"(?:[ \t]+(?:just|only|soon|already|net|binnenkort|volgende[ \t]+maand|dit[ \t]+jaar|gerade|bald|schon|"
    r"nächsten[ \t]+monat|dieses[ \t]+jahr|bientôt|ya|pronto|já|snart|i[ \t]+år|już|niedługo))?[ \t]+)"
)
_AFTER_TURNING = re.compile(
    rf"[ \t]*(?:(?P<unit>(?i:{_YEARS})(?![\p{{L}}]))|[.,;:!?)\n]|$|"
    r"(?P<when>(?i:last|next|this|in|on|yesterday|today|tomorrow|le|la|el|il|im|am|i|w|op|den|nächste[nm]?|"
    r"letzte[nm]?|volgende|vorige|idag|igår|imorgon)(?![\p{L}])))"
)
# an age in Chinese or Japanese numerals before its unit ("我今年六十三岁", "下个月就满二十一岁了", "四十五歳です")
_CJK_AGE = re.compile(r"(?P<n>[一二两兩三四五六七八九十百]{1,5})(?=[ \t]?(?:岁|歲|歳))")


def _turning_age(text: str, start: int) -> tuple[int, int] | None:
    """The span of the age said at ``start`` after a turning verb, in digits or in words, or None."""
    digits = re.match(r"\d{1,3}(?![\d.,:]\d)", text[start : start + 4])
    if digits:
        span, value = (start, start + digits.end()), int(digits.group(0))
    else:
        span = _age_words(text, start, start + 1)
        value = age_value(text[span[0] : span[1]]) if span else None
        if span is None or value is None:
            return None
    after = _AFTER_TURNING.match(text, span[1])
    if after is None or not 0 < value <= 120:
        return None
    # a child's age needs its unit or the day it is turned ("is turning eleven next Saturday"); a small number
    # before a stop is anything turned ("it turned 2.")
    if value < 13 and after.group("unit") is None and not after.group("when"):
        return None
    return span


class MultilingualAgeRecognizer(SpanRecognizer):
    ENTITIES = ("AGE",)

    def find(self, text: str) -> Iterable:
        for pattern in _AGE_PATTERNS:
            for m in pattern.finditer(text):
                if int(m.group("n")) <= 120:
                    yield finding("AGE", m.start("n"), m.end("n"), 0.85, self.name)
        for m in _TURNING.finditer(text):
            span = _turning_age(text, m.end())
            if span:
                yield finding("AGE", span[0], span[1], 0.8, self.name)
        for m in _CJK_AGE.finditer(text):
            value = numerals.cjk_value(m.group("n"))
            if value is not None and 0 < value <= 120:
                yield finding("AGE", m.start("n"), m.end("n"), 0.85, self.name)
        for m in _IS_AGE.finditer(text):
            n = m.group("n")
            if age_in_words(n) and _adult_age(n):
                yield finding("AGE", m.start("n"), m.end("n"), 0.7, self.name)
        windows: list[list[int]] = []
        for cue in _AGE_CUES.finditer(text):
            start, end = max(0, cue.start() - _AGE_WINDOW), min(len(text), cue.end() + _AGE_WINDOW)
            if windows and start <= windows[-1][1]:
                windows[-1][1] = end
            else:
                windows.append([start, end])
        seen = set()
        for start, end in windows:
            for pattern in _AGE_WORD_PATTERNS:
                for m in pattern.finditer(text, start, end):
                    span = _age_words(text, m.start("n"), m.end("n"))
                    if span and span not in seen:
                        seen.add(span)
                        yield finding("AGE", span[0], span[1], 0.8, self.name)
