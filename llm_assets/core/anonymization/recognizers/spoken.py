"""Values read out in a call: digits and letters spoken one by one ("oh seven seven double oh nine ..."), spelled
names and e-mail addresses ("j o h n dot smith at ..."), spoken postcodes ("s w one a two a a"), and numbers read in
groups ("zéro six, douze, trente-quatre ...", "pięćset szesnaście, pięćset piętnaście ...").

A run of spoken symbols is normalized to its written form (digit words in six languages, "double"/"triple",
single letters, "dot", "at", "dash", "underscore"), the written form is typed by its shape and the words before the
run ("postcode", "phone", "card", "account"), and the finding covers the spoken run in the original text: offsets
are never shifted, the transcript keeps its words.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import regex as re
from text_to_num import alpha2digit

from llm_assets.core.anonymization import numerals
from llm_assets.core.anonymization.gazetteers import current_language, language_scope
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, cue_pattern, finding
from llm_assets.core.anonymization.recognizers.scripts import KOREAN_COPULAS, KOREAN_PARTICLES
from llm_assets.core.anonymization.recognizers.signs import SPOKEN_DOT
from llm_assets.core.entities import BANK_ACCOUNT, PERSON, TRANSACTION_REFERENCE

# 0 to 9 as each language says them (written for this module; several spellings where usage varies)
DIGITS_BY_LANGUAGE: dict[str, str] = {
    "en": "zero one two three four five six seven eight nine",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve",
    "it": "zero uno due tre quattro cinque sei sette otto nove",
    "pt": "zero um dois três quatro cinco seis sete oito nove",
    "nl": "nul een twee drie vier vijf zes zeven acht negen",
    "sv": "noll ett två tre fyra fem sex sju åtta nio",
    "da": "nul en to tre fire fem seks syv otte ni",
    "nb": "null en to tre fire fem seks sju åtte ni",
    "fi": "nolla yksi kaksi kolme neljä viisi kuusi seitsemän kahdeksan yhdeksän",
    "pl": "zero jeden dwa trzy cztery pięć sześć siedem osiem dziewięć",
    "cs": "nula jedna dva tři čtyři pět šest sedm osm devět",
    "ro": "zero unu doi trei patru cinci șase șapte opt nouă",
    "hu": "nulla egy kettő három négy öt hat hét nyolc kilenc",
    "tr": "sıfır bir iki üç dört beş altı yedi sekiz dokuz",
    "id": "nol satu dua tiga empat lima enam tujuh delapan sembilan",
    "vi": "không một hai ba bốn năm sáu bảy tám chín",
    "ru": "ноль один два три четыре пять шесть семь восемь девять",
    "uk": "нуль один два три чотири п'ять шість сім вісім дев'ять",
    "bg": "нула едно две три четири пет шест седем осем девет",
    "el": "μηδέν ένα δύο τρία τέσσερα πέντε έξι επτά οκτώ εννέα",
    "he": "אפס אחת שתיים שלוש ארבע חמש שש שבע שמונה תשע",
    "ar": "صفر واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة",
    "fa": "صفر یک دو سه چهار پنج شش هفت هشت نه",
    "hi": "शून्य एक दो तीन चार पाँच छह सात आठ नौ",
    "th": "ศูนย์ หนึ่ง สอง สาม สี่ ห้า หก เจ็ด แปด เก้า",
    "ko": "영 일 이 삼 사 오 육 칠 팔 구",
    "zh": "零 一 二 三 四 五 六 七 八 九",
    "ja": "零 一 二 三 四 五 六 七 八 九",
}
# other spellings and the usual stand-ins (oh, nought, zwo, the apostrophes of Ukrainian, Hebrew's masculine forms)
VARIANTS: dict[str, dict[str, str]] = {
    "en": {"oh": "0", "o": "0", "nought": "0"},
    # Hindi read in Latin letters in an Indian call ("chhah chhah nau do do")
    "hi-latn": {"shunya": "0", "ek": "1", "do": "2", "teen": "3", "tin": "3", "chaar": "4", "char": "4",
                "paanch": "5", "panch": "5", "chhah": "6", "chhe": "6", "cheh": "6", "saat": "7", "aath": "8",
                "nau": "9", "nao": "9"},
    "de": {"zwo": "2"},
    "uk": {"пʼять": "5", "девʼять": "9", "п’ять": "5", "дев’ять": "9"},
    "he": {"אחד": "1", "שניים": "2", "שתים": "2", "שלושה": "3", "ארבעה": "4", "חמישה": "5", "שישה": "6", "שבעה": "7",
           "שמונה": "8", "תשעה": "9"},
    "hi": {"पांच": "5", "छः": "6"},
    "ko": {"공": "0"},
    "zh": {"〇": "0", "两": "2", "兩": "2"},
    "ja": {"ゼロ": "0", "〇": "0"},
    # the spoken forms of Arabic's digits, in the Gulf and Egypt too ("اثنين", "اتنين", "تلاتة", "تمانية")
    "ar": {"اثنين": "2", "إثنين": "2", "اتنين": "2", "تلاتة": "3", "ثلاث": "3", "اربعة": "4", "أربع": "4",
           "خمس": "5", "ست": "6", "سبع": "7", "تمانية": "8", "ثمان": "8", "تسع": "9"},
    "nb": {"syv": "7", "åtte": "8"},
    "sv": {"en": "1"},
    "nl": {"één": "1"},
}  # fmt: skip
# Sino-Korean digit syllables, read one per digit and grouped without spaces
KOREAN_DIGITS = {"영": "0", "공": "0", "일": "1", "이": "2", "삼": "3", "사": "4", "오": "5", "육": "6", "륙": "6",
                 "칠": "7", "팔": "8", "구": "9"}  # fmt: skip
CJK_DIGITS = {"零": "0", "〇": "0", "一": "1", "二": "2", "两": "2", "兩": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}  # fmt: skip


@functools.cache
def any_digit_words() -> dict[str, str]:
    """word -> digit in every language above (a turn of nothing but such words is a number read out, whatever the
    text's guessed language)."""
    out: dict[str, str] = {}
    for language in DIGITS_BY_LANGUAGE:
        for word, digit in digit_words(language).items():
            out.setdefault(word, digit)
    return out


def digit_words(language: str) -> dict[str, str]:
    """word -> digit for English and ``language``."""
    out: dict[str, str] = {}
    for lang in dict.fromkeys(["en", language, *(["ja", "zh"] if language in ("ja", "zh") else []), "hi-latn"]):
        for value, word in enumerate(DIGITS_BY_LANGUAGE.get(lang, "").split()):
            out.setdefault(word, str(value))
        out.update(VARIANTS.get(lang, {}))
    return out


# the spelling alphabet of radio and call centres: a letter read as its code word ("lima tango six eight")
SPELLING_ALPHABET = {w: w[0].upper() for w in (
    "alpha alfa bravo charlie delta echo foxtrot golf hotel india juliet juliett kilo lima mike november oscar papa "
    "quebec romeo sierra tango uniform victor whiskey whisky xray yankee zulu"
).split()}  # fmt: skip
REPEAT = {"double": 2, "triple": 3, "doppel": 2, "doppelt": 2, "doble": 2, "doppio": 2, "dubbel": 2, "dubbele": 2,
          "dubbla": 2, "dobbel": 2, "dobbelt": 2, "tripel": 3, "trippel": 3}  # fmt: skip
# what is said for the punctuation of an e-mail or an identifier; a run of them joins two symbols ("full stop")
JOINERS = {"dot": ".", "point": ".", "period": ".", "stop": ".", "punkt": ".", "punto": ".", "ponto": ".",
           "at": "@", "dash": "-", "hyphen": "-", "minus": "-", "underscore": "_", "slash": "/", "full": ""}  # fmt: skip
JOINERS.update({word: "." for word in SPOKEN_DOT if " " not in word})  # "kropka", "tečka", "nokta"
# a word as calls are read here (with an apostrophe inside: "п'ять", "l'un"), and a token: a word or a sign
WORD = re.compile(r"[\p{L}\p{M}\p{N}]+(?:['’ʼ][\p{L}\p{M}]+)*")
TOKEN = re.compile(rf"{WORD.pattern}|[-.,]")
MIN_SYMBOLS = 5
CUES = {
    BANK_ACCOUNT: cue_pattern("sort code account iban bsb routing konto compte cuenta conto rekening".split()),
    # (and in the engine's other languages: "kod pocztowy", "code postal", "PSČ", "posta kodu")
    "ZIP_CODE": cue_pattern(
        [
            *"postcode post code postal code zip zipcode plz postleitzahl postnummer postinumero psč".split(),
            "code postal",
            "código postal",
            "codigo postal",
            "kod pocztowy",
            "kodu pocztowego",
            "posta kodu",
            "irányítószám",
            "cod poștal",
            # the word alone in a call ("kod czterdzieści cztery trzysta ...", "індекс десять нуль ...")
            "kod",
            "індекс",
            "индекс",
            "우편번호",
        ]
    ),  # fmt: skip
    "PHONE_NUMBER": cue_pattern("phone number mobile cell telephone tel landline call back ring handy".split()),
    "CREDIT_CARD": cue_pattern("card credit debit visa mastercard amex".split()),
    "EMAIL_ADDRESS": cue_pattern("email e-mail mail address".split()),
    PERSON: cue_pattern("name surname spelled spell spelt first last".split()),
    TRANSACTION_REFERENCE: cue_pattern("order tracking invoice ticket case parcel shipment".split()),
}


def text_between(a, b) -> str:
    return a.string[a.end() : b.start()]


_SAME_LINE = re.compile(r"[ \t,\-、，،]*")  # (the comma of Chinese and Japanese, of Arabic)
_LINE_BREAK = re.compile(r"[ \t,]*\n[ \t]*")


def joined(a, b, language: str) -> bool:
    """Whether tokens ``a`` and ``b`` can be parts of one value said aloud: on one line, or across one line break
    that a subtitle cue or a wrapped paragraph puts inside an utterance ("... nine seven one\nseven."), where the next
    line opens with a number said in words (a timing line, a cue's number or a speaker's label opens with none)."""
    between = text_between(a, b)
    if _SAME_LINE.fullmatch(between):
        return True
    word = b.group(0)
    return (
        _LINE_BREAK.fullmatch(between) is not None and word.isalpha() and len(word) > 1 and number_word(word, language)
    )


def spoken_symbol(tok: str, digits: dict[str, str]) -> str | None:
    low = tok.lower()
    if low in digits:
        return digits[low]
    if len(tok) == 1 and tok.isalnum():
        return tok.upper() if tok.isalpha() else tok
    if low in SPELLING_ALPHABET:
        return SPELLING_ALPHABET[low]
    if len(tok) >= 3 and all(c in CJK_DIGITS for c in tok):  # digits read without spaces: 七一八
        return "".join(CJK_DIGITS[c] for c in tok)
    if len(tok) >= 3 and all(c in KOREAN_DIGITS for c in tok):  # a Korean phone read in groups: 공일공 일이삼사
        return "".join(KOREAN_DIGITS[c] for c in tok)
    if len(tok) >= 4 and "\u3040" <= tok[0] <= "\u309f":
        return kana_digits(tok)
    return None


# Japanese digits written in kana as they are read, glued in groups: "ぜろはちぜろ、さんさんいちよん"
KANA_DIGITS = {"ぜろ": "0", "れい": "0", "まる": "0", "いち": "1", "にい": "2", "に": "2", "さん": "3", "よん": "4",
               "ごう": "5", "ご": "5", "ろく": "6", "なな": "7", "しち": "7", "はち": "8", "きゅう": "9"}  # fmt: skip
_KANA_DIGIT_RUN = re.compile(rf"(?:{'|'.join(sorted(KANA_DIGITS, key=len, reverse=True))}){{3,}}")
_KANA_COPULA = re.compile(r"(?:です|でした|で|になります|だ)$")


def kana_digits(tok: str) -> str | None:
    """The digits a run of three or more kana readings says ("ななきゅうぜろご" -> "7905"), the copula after the
    last one allowed; None for anything else."""
    body = _KANA_COPULA.sub("", tok)
    if not _KANA_DIGIT_RUN.fullmatch(body):
        return None
    return "".join(KANA_DIGITS[m] for m in re.findall("|".join(sorted(KANA_DIGITS, key=len, reverse=True)), body))


# a name spelled with a word for each letter, three letters or more: "c as in charlie a as in alpha r as in romeo",
# "s jak stefan z jak zygmunt", "n som i niklas", "d wie dora"
_AS_IN = (
    r"as in|like in|like|for|jak|som i|som|wie|comme|como|come|als|als in|zoals|jako|ca în|ca|mint|gibi|как|як|"
    r"de|di|von|van|para|per|"
    r"כמו|مثل|ού"
)
# a letter spelled with its word, inside a run of digits and letters: "... nove zero P come Palermo uno uno ..."
_AS_IN_WORD = re.compile(rf"(?i:[ \t,]+(?:{_AS_IN})[ \t]+\p{{L}}+)")
_SPELLED_WITH_WORDS = re.compile(
    rf"(?i:(?<![\p{{L}}\p{{N}}])\p{{L}}[ \t,]+(?:{_AS_IN})[ \t]+\p{{L}}+"
    rf"(?:[ \t,-]+\p{{L}}[ \t,]+(?:{_AS_IN})[ \t]+\p{{L}}+){{2,}})"
)


# Korean glues the copula or a particle to a value's last word: "... 사 오입니다" ("... four five, it is")
_KOREAN_TAIL = re.compile(rf"(?:{KOREAN_COPULAS}|{KOREAN_PARTICLES}|번|번이에요|번입니다)")


def _korean_last_digit(token: str) -> int:
    """1 when ``token`` is a Korean digit with the copula or a particle glued to it ("오입니다"), else 0."""
    return int(len(token) > 1 and token[0] in KOREAN_DIGITS and _KOREAN_TAIL.fullmatch(token[1:]) is not None)


# a number is being asked for or given: the words for a phone or a number, and for calling, in the engine's languages
# (stems: "telefonu", "Handynummer", "τηλέφωνο")
# the words for a phone and for calling (back), in the engine's languages (stems: "telefonu", "Handynummer", "τηλέφωνο";
# "llamada", "chiamarmi", "rappeler", "zurückrufen", "ligar", "zadzwonić", "zavolat", "terugbellen")
_PHONE_WORDS = (
    r"phone|telephone|mobile|cell|call|ring|whatsapp|handy|telef|teléf|téléph|portable|cellulare|celular|móvil|movil|"
    r"komórk|komork|puhelin|tlf|mobil|τηλ|κινητ|телеф|мобіл|моб|"
    r"llam|chiam|appel|rappel|anruf|zurückruf|ligar|ligue|dzwoni|zadzwo|zavolej|zavolat|terugbel|bellen|ringa|"
    r"arayabil|arayın"
)
PHONE_CUE = re.compile(rf"(?i)(?<!\w)(?:{_PHONE_WORDS})\w*")
# a number is being asked for or given: those, the words for a number, and for an account
NUMBER_CUE = re.compile(
    rf"(?i)(?<!\w)(?:{_PHONE_WORDS}|number|reach|contact|nummer|rufnummer|numéro|numero|número|numer|číslo|cislo|"
    r"szám|număr|numara|αριθμ|номер|sort code|account|iban|bsb|routing|konto|compte|cuenta|conto|rekening|ulaş)\w*"
)
# an enumeration goes on with "and" and another number ("twelve, twenty-four, thirty-six and forty-eight cups"): the
# groups before it are quantities, not an identifier read out
_LIST_GOES_ON = re.compile(
    r"(?i)[ \t]*,?[ \t]*(?:and|und|et|y|e|i|и|і|та|ve|en|och|og|és|a|oraz|oder|or|lub|albo)[ \t]+"
    r"(?P<next>[\p{L}\p{N}]+)"
)
_GROUP_WORDS = 7  # tokens one group may span: "soixante - dix - huit", "cincuenta y cuatro"


@functools.lru_cache(maxsize=65536)
def group_digits(words: str, language: str) -> str | None:
    """The digits a group of number words says, at most three ("cinquante-six" -> "56", "pięćset szesnaście" ->
    "516", "zéro six" -> "06"), or None."""
    if language in numerals.TEXT2NUM_LANGUAGES:
        try:
            out = alpha2digit(words, language).replace(" ", "")
        except (ValueError, IndexError, KeyError):
            return None
        return out if out.isdigit() and len(out) <= 3 else None
    n = numerals.group_value(words, language)
    return str(n) if n is not None else None


def number_word(word: str, language: str) -> bool:
    """Whether ``word`` is a digit or a number said in ``language`` or English ("soixante", "setenta", "nittio")."""
    low = word.lower()
    return low in digit_words(language) or any(group_digits(low, lang) for lang in dict.fromkeys((language, "en")))


@functools.cache
def _languages_of_digit_words() -> dict[str, frozenset[str]]:
    """digit word -> the languages that say a digit so (English's stand-ins and Hindi's Latin spellings left out)."""
    out: dict[str, set[str]] = {}
    for language, words in DIGITS_BY_LANGUAGE.items():
        for word in words.split():
            out.setdefault(word, set()).add(language)
        for word in VARIANTS.get(language, {}):
            out.setdefault(word, set()).add(language)
    return {w: frozenset(langs) for w, langs in out.items()}


def _digit_language(tokens: list) -> str | None:
    """The language whose digit words a text says most, where six or more are that language's alone."""
    own: dict[str, int] = {}
    languages = _languages_of_digit_words()
    for t in tokens:
        said = languages.get(t.group(0).lower())
        if said and len(said) == 1:
            (language,) = said
            own[language] = own.get(language, 0) + 1
    if not own:
        return None
    language, count = max(own.items(), key=lambda item: item[1])
    return language if count >= 6 else None


_CLOCK_MINUTES = re.compile(r":[0-5]\d(?!\d)")


class SpokenSequenceRecognizer(SpanRecognizer):
    ENTITIES = (BANK_ACCOUNT, "PHONE_NUMBER", "ZIP_CODE", "CREDIT_CARD", "EMAIL_ADDRESS", "IP_ADDRESS", PERSON,
                "REFERENCE_NUMBER", TRANSACTION_REFERENCE)  # fmt: skip

    def find(self, text: str) -> Iterable:
        for m in _SPELLED_WITH_WORDS.finditer(text):
            yield finding(PERSON, m.start(), m.end(), 0.8, self.name)
        yield from self._spelled_with_initials(text)
        # the "s" of "it's" is no spelled letter
        tokens = [t for t in TOKEN.finditer(text) if not (t.start() and text[t.start() - 1] in "'’")]
        guessed = current_language()
        # a short transcript's language is often guessed wrong ("sex fyra noll sju" is no Danish): the digits are
        # also read in the language whose digit words the text says most
        for language in dict.fromkeys((guessed, _digit_language(tokens) or guessed)):
            with language_scope(language):
                yield from self._digits_in(text, tokens, language)

    def _digits_in(self, text: str, tokens: list, language: str) -> Iterable:
        digits = digit_words(language)
        yield from self._grouped(text, tokens, digits, language)
        i = 0
        while i < len(tokens):
            run, written, j = self._run(tokens, i, digits, language)
            if run:
                entity = self.value_type(text, tokens[i].start(), written)
                if entity:
                    end = tokens[run - 1].end()
                    glued = _korean_last_digit(tokens[run].group(0)) if run < len(tokens) else 0
                    if glued and text_between(tokens[run - 1], tokens[run]) == " ":
                        end = tokens[run].start() + glued
                    yield finding(entity, tokens[i].start(), max(end, tokens[run - 1].end()), 0.8, self.name)
                i = run
            else:
                i = j

    def _grouped(self, text: str, tokens: list, digit_map: dict[str, str], language: str) -> Iterable:
        """A number read in groups of words ("zero six, twelve, thirty-four, fifty-six", "plus czterdzieści osiem,
        pięćset szesnaście, ..."): seven digits or more, at least one group a number above nine, after a word for a
        phone or a number (or opening with "plus" or a zero)."""
        languages = tuple(dict.fromkeys((language, "en")))
        i = 0
        while i < len(tokens):
            groups: list[tuple[str, bool]] = []
            figures = 0  # groups written in figures: an ASR mixing them with words ("nul zes 97 zeven drie 97")
            dots: list[int] = []  # where a spoken "dot" falls between groups: an IP address's octets
            j = i
            while j < len(tokens):
                if groups:  # groups follow each other with spaces, commas, dashes or a dot, on one line
                    k, dot = j, False
                    while k < len(tokens) and (
                        tokens[k].group(0) in ",-" or (not dot and JOINERS.get(tokens[k].group(0).lower()) == ".")
                    ):
                        dot = dot or tokens[k].group(0) not in ",-"
                        k += 1
                    if k == len(tokens) or any(not joined(tokens[m - 1], tokens[m], language) for m in range(j, k + 1)):
                        break
                    if dot:
                        dots.append(len(groups))
                    j = k
                if _CLOCK_MINUTES.match(text, tokens[j].end()) and tokens[j].group(0).isdigit():
                    break  # the hour of a time of day ("15 lut 2024 o 14:14"): no digit of a number read out
                group, k = self.read_group(text, tokens, j, digit_map, languages)
                figures += tokens[j].group(0).isdigit()
                if group is None:
                    break
                groups.append(group)
                j = k
            written = "".join(digits for digits, _ in groups)
            start = tokens[i].start()
            if dots:
                octets = [
                    "".join(g for g, _ in groups[a:b]) for a, b in zip([0, *dots], [*dots, len(groups)], strict=True)
                ]
                # (a spoken dot the run ends on leaves an empty last part: "one dot two dot three dot then")
                if len(octets) == 4 and all(o and len(o) <= 3 and int(o) <= 255 for o in octets):
                    yield finding("IP_ADDRESS", start, tokens[j - 1].end(), 0.8, self.name)
                    i = j
                    continue
            elif (
                len(groups) >= 2
                and len(written) >= 4
                and (any(word for _, word in groups) or 0 < figures < len(groups))
            ):
                lead = text[max(0, start - 6) : start].rstrip()
                opened = len(written) >= 7 and (
                    written[0] == "0" or lead.endswith("+") or lead.lower().endswith("plus")
                )
                cued = NUMBER_CUE.search(text[max(0, start - 80) : start])
                # a sort code has six digits ("twenty, thirty-two, fifteen"), a phone seven or more, a postcode four
                # to six after its word ("kod pocztowy? - osiemdziesiąt jeden, trzysta dwadzieścia")
                postcode = 4 <= len(written) <= 6 and CUES["ZIP_CODE"].search(text[max(0, start - 60) : start])
                if postcode:
                    yield finding("ZIP_CODE", start, tokens[j - 1].end(), 0.75, self.name)
                    i = j
                    continue
                bank = len(written) == 6 and cued and CUES[BANK_ACCOUNT].search(cued.group(0))
                # three groups or more of six digits or more: an identifier read out, whatever was asked before it
                # (the question may be turns away: "siedemdziesiąt pięć, dwanaście, dwanaście, sześćdziesiąt trzy")
                goes_on = _LIST_GOES_ON.match(text, tokens[j - 1].end())
                enumeration = goes_on is not None and (
                    goes_on.group("next").isdigit() or number_word(goes_on.group("next"), language)
                )
                read_out = len(groups) >= 3 and len(written) >= 6 and not enumeration
                if opened or (cued and len(written) >= 7) or bank or read_out:
                    if lead.endswith("+") or lead.lower().endswith("plus"):
                        start = len(text[:start].rstrip()) - (1 if lead.endswith("+") else 4)
                    entity = self.value_type(text, tokens[i].start(), written) or "PHONE_NUMBER"
                    if read_out and not (opened or cued or bank) and entity == "PHONE_NUMBER" and len(written) < 7:
                        entity = "REFERENCE_NUMBER"
                    yield finding(entity, start, tokens[j - 1].end(), 0.8, self.name)
                    i = j
                    continue
            i += 1

    @staticmethod
    def read_group(
        text: str, tokens: list, j: int, digit_map: dict[str, str], languages: tuple[str, ...]
    ) -> tuple[tuple[str, bool] | None, int]:
        """The longest group of number words from token ``j``: (its digits, whether it is a number above nine said
        in words), and the index after it."""

        def number_word(m: int) -> bool:
            tok = tokens[m].group(0)
            return tok.lower() in digit_map or any(group_digits(tok, lang) for lang in languages)

        tok = tokens[j].group(0)
        if tok.isdigit() and len(tok) <= 4:
            return (tok, False), j + 1
        if not number_word(j):
            return None, j
        end = j + 1  # the group's words follow each other with spaces or hyphens ("trente-quatre")
        while (
            end < min(len(tokens), j + _GROUP_WORDS)
            and tokens[end].group(0) not in ",."
            and re.fullmatch(r"[ \t\-]*", text_between(tokens[end - 1], tokens[end]))
        ):
            end += 1
        for k in range(end, j + 1, -1):
            if not number_word(k - 1):
                continue
            words = text[tokens[j].start() : tokens[k - 1].end()]
            for language in languages:
                digits = group_digits(words, language)
                if digits is not None:
                    return (digits, True), k
        if tok.lower() in digit_map:
            return (digit_map[tok.lower()], False), j + 1
        for language in languages:
            digits = group_digits(tok, language)
            if digits is not None:
                return (digits, len(digits) > 1), j + 1
        return None, j

    def _spelled_with_initials(self, text: str) -> Iterable:
        """Three or more letters each followed by a word that begins with it, on one line ("ş şırnak a adana h
        hatay", "k kars o ordu ç çanakkale"): a name spelled letter by letter."""
        for line in re.finditer(r"[^\n]+", text):
            words = list(re.finditer(r"[\p{L}\p{M}]+", line.group(0)))
            k = 0
            while k + 1 < len(words):
                j = k
                while (
                    j + 1 < len(words)
                    and len(words[j].group(0)) == 1
                    and len(words[j + 1].group(0)) > 2
                    and words[j + 1].group(0)[:1].casefold() == words[j].group(0).casefold()
                ):
                    j += 2
                if (j - k) // 2 >= 3:
                    start, end = line.start() + words[k].start(), line.start() + words[j - 1].end()
                    yield finding(PERSON, start, end, 0.75, self.name)
                    k = j
                else:
                    k += 1

    @staticmethod
    def _run(tokens: list, i: int, digit_map: dict[str, str], language: str = "en") -> tuple[int, str, int]:
        """(end index of the run or 0, its written form, next index to try)."""
        written, symbols, digits, j = "", 0, 0, i
        repeat = 1
        languages = tuple(dict.fromkeys((language, "en")))

        def symbol(tok: str) -> str | None:
            sym = spoken_symbol(tok, digit_map)
            if sym is None and digits >= 3 and repeat == 1:
                # a run of digits may go on in a number's words: "... one dot forty-five", "... oh nine, twelve"
                sym = next(filter(None, (group_digits(tok, lang) for lang in languages)), None)
                return sym if sym and len(sym) > 1 else None
            return sym

        while j < len(tokens):
            tok = tokens[j].group(0)
            # spoken symbols follow each other with spaces (or a comma, a dash): "12/31" or "9:41" is written; a
            # line break only where a number word opens the next line ("... zero sześć\nA: Dzięki": the next turn's
            # speaker "A" is no spelled letter)
            if j > i and not joined(tokens[j - 1], tokens[j], language):
                break
            low = tok.lower()
            if low in REPEAT:
                repeat = REPEAT[low]
                j += 1
                continue
            sym = symbol(tok)
            if sym is not None:
                written += sym * repeat
                symbols += 1
                digits += sum(c.isdigit() for c in sym) * repeat
                repeat = 1
                j += 1
                if (
                    len(tok) == 1
                    and tok.isalpha()
                    and (word := _AS_IN_WORD.match(tokens[j - 1].string, tokens[j - 1].end()))
                ):
                    while j < len(tokens) and tokens[j].end() <= word.end():
                        j += 1  # the letter's word is part of the letter
                continue
            if symbols and (low in JOINERS or tok in ",-."):
                # a run of joiners ("full stop", "hyphen - minus") between two symbols
                k = j
                while k < len(tokens) and (tokens[k].group(0).lower() in JOINERS or tokens[k].group(0) in ",-."):
                    k += 1
                if k - j <= 3 and k < len(tokens) and symbol(tokens[k].group(0)) is not None:
                    written += "".join(JOINERS.get(t.group(0).lower(), "") for t in tokens[j:k])
                    j = k
                    continue
            break
        # a spoken value: enough symbols, not a sentence's ordinary "a" or "i" or a single number word; letters
        # joined by hyphens are spelled however few ("N-A-I-R", "F-E-M-I")
        hyphened = j - i >= 5 and written.isalpha() and all(t.group(0) == "-" for t in tokens[i + 1 : j : 2])
        if (
            (symbols >= MIN_SYMBOLS and (digits >= 3 or sum(c.isalpha() for c in written) >= 3))
            or digits >= 4
            or hyphened
        ):
            end = j
            while end > i and ((low := tokens[end - 1].group(0).lower()) in JOINERS or low in REPEAT or low in ",-."):
                end -= 1
            return end, written, end
        return 0, "", max(j, i + 1)

    @staticmethod
    def value_type(text: str, start: int, written: str) -> str | None:
        left = text[max(0, start - 50) : start]
        for entity, cue in CUES.items():
            if cue.search(left):
                if entity == "EMAIL_ADDRESS" and "@" not in written and not written.isalpha():
                    continue
                return entity
        compact = written.replace("-", "").replace(".", "")
        if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", written):
            return "IP_ADDRESS"
        if "@" in written:
            return "EMAIL_ADDRESS"
        if compact.isdigit():
            return "PHONE_NUMBER" if len(compact) >= 7 else "REFERENCE_NUMBER"
        if compact.isalpha():
            return PERSON
        return "REFERENCE_NUMBER"
