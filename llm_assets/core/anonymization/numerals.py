"""Numbers from 1 to 120 said in words, in languages ``text2num`` does not read: Dutch, Swedish, Norwegian, Danish,
Polish, Czech, Slovak, Romanian, Hungarian, Turkish, Italian, Greek, Finnish, Ukrainian and Korean ("vierendertig",
"trettiofyra", "dwadzieścia siedem", "cincizeci și opt", "hatvanhárom", "yirmi yedi", "cinquantotto").

Each language's numerals are written from its grammar: the words for the units, the teens, the tens and a hundred,
and how a compound joins them (glued, with a space, with a conjunction; tens first or units first). A compound is
read as a sum of at most one word of each rank, so "tre tre" is no number.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import regex as re

_UNITS, _TEENS, _TENS, _HUNDRED, _HUNDREDS = range(5)


@dataclass(frozen=True)
class _Numerals:
    """A language's numerals, space-separated in order, variants joined by "/": one to nine, ten to nineteen (or just
    ten, where a teen is ten and a unit: "on bir", "tizenkilenc"), twenty to ninety, a hundred; and the word a
    compound may put between its parts; two to nine hundred (read in the groups of a phone number: "pięćset
    szesnaście")."""

    units: str
    teens: str
    tens: str
    hundred: str
    joiner: str = ""
    hundreds: str = ""

    def words(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for rank, row, first, step in (
            (_UNITS, self.units, 1, 1),
            (_TEENS, self.teens, 10, 1),
            (_TENS, self.tens, 20, 10),
            (_HUNDRED, self.hundred, 100, 0),
            (_HUNDREDS, self.hundreds, 200, 100),
        ):
            entries = [row] if rank == _HUNDRED else row.split()
            for k, entry in enumerate(entries):
                for word in entry.split("/"):  # "_" is a space inside a numeral ("tři_sta")
                    out[_fold(word.replace("_", " "))] = (rank, first + k * step)
        return out


_NORDIC_TEENS = "ti elleve tolv tretten fjorten femten seksten sytten atten nitten"
_LEXICON: dict[str, _Numerals] = {
    "nl": _Numerals(
        "een twee drie vier vijf zes zeven acht negen",
        "tien elf twaalf dertien veertien vijftien zestien zeventien achttien negentien",
        "twintig dertig veertig vijftig zestig zeventig tachtig negentig",
        "honderd",
        "en",
        hundreds="tweehonderd driehonderd vierhonderd vijfhonderd zeshonderd zevenhonderd achthonderd negenhonderd",
    ),
    "sv": _Numerals(
        "en/ett två tre fyra fem sex sju åtta nio",
        "tio elva tolv tretton fjorton femton sexton sjutton arton nitton",
        "tjugo trettio fyrtio femtio sextio sjuttio åttio nittio",
        "hundra/etthundra",
        hundreds="tvåhundra trehundra fyrahundra femhundra sexhundra sjuhundra åttahundra niohundra",
    ),
    "nb": _Numerals(
        "en/ett to tre fire fem seks sju/syv åtte ni",
        _NORDIC_TEENS,
        "tjue/tyve tretti/tredve førti femti seksti sytti åtti nitti",
        "hundre",
        "og",
        hundreds=(
            "tohundre/to_hundre trehundre/tre_hundre firehundre/fire_hundre femhundre/fem_hundre "
            "sekshundre/seks_hundre sjuhundre/sju_hundre/syvhundre/syv_hundre åttehundre/åtte_hundre "
            "nihundre/ni_hundre"
        ),
    ),
    "da": _Numerals(
        "en/et to tre fire fem seks syv otte ni",
        _NORDIC_TEENS,
        "tyve tredive fyrre halvtreds tres halvfjerds firs halvfems",
        "hundrede",
        "og",
        hundreds=(
            "tohundrede/to_hundrede trehundrede/tre_hundrede firehundrede/fire_hundrede "
            "femhundrede/fem_hundrede sekshundrede/seks_hundrede syvhundrede/syv_hundrede "
            "ottehundrede/otte_hundrede nihundrede/ni_hundrede"
        ),
    ),
    "pl": _Numerals(
        "jeden/jedna dwa/dwie trzy cztery pięć sześć siedem osiem dziewięć",
        "dziesięć jedenaście dwanaście trzynaście czternaście piętnaście szesnaście siedemnaście osiemnaście "
        "dziewiętnaście",
        "dwadzieścia trzydzieści czterdzieści pięćdziesiąt sześćdziesiąt siedemdziesiąt osiemdziesiąt dziewięćdziesiąt",
        "sto",
        hundreds="dwieście trzysta czterysta pięćset sześćset siedemset osiemset dziewięćset",
    ),
    "cs": _Numerals(
        "jeden/jedna/jedno dva/dvě tři čtyři pět šest sedm osm devět",
        "deset jedenáct dvanáct třináct čtrnáct patnáct šestnáct sedmnáct osmnáct devatenáct",
        "dvacet třicet čtyřicet padesát šedesát sedmdesát osmdesát devadesát",
        "sto",
        "a",
        hundreds=(
            "dvěstě/dvě_stě třista/tři_sta čtyřista/čtyři_sta pětset/pět_set šestset/šest_set "
            "sedmset/sedm_set osmset/osm_set devětset/devět_set"
        ),
    ),
    "sk": _Numerals(
        "jeden/jedna dva/dve tri štyri päť šesť sedem osem deväť",
        "desať jedenásť dvanásť trinásť štrnásť pätnásť šestnásť sedemnásť osemnásť devätnásť",
        "dvadsať tridsať štyridsať päťdesiat šesťdesiat sedemdesiat osemdesiat deväťdesiat",
        "sto",
        hundreds="dvesto tristo štyristo päťsto šesťsto sedemsto osemsto deväťsto",
    ),
    "ro": _Numerals(
        "unu/unul/una doi/două trei patru cinci șase șapte opt nouă",
        "zece unsprezece doisprezece/douăsprezece treisprezece paisprezece cincisprezece șaisprezece "
        "șaptesprezece optsprezece nouăsprezece",
        "douăzeci treizeci patruzeci cincizeci șaizeci șaptezeci optzeci nouăzeci",
        "o sută",
        "și",
        hundreds="două_sute trei_sute patru_sute cinci_sute șase_sute șapte_sute opt_sute nouă_sute",
    ),
    "hu": _Numerals(
        "egy kettő/két három négy öt hat hét nyolc kilenc",
        "tíz/tizen",
        "húsz/huszon harminc negyven ötven hatvan hetven nyolcvan kilencven",
        "száz",
        hundreds="kétszáz háromszáz négyszáz ötszáz hatszáz hétszáz nyolcszáz kilencszáz",
    ),
    "tr": _Numerals(
        "bir iki üç dört beş altı yedi sekiz dokuz",
        "on",
        "yirmi otuz kırk elli altmış yetmiş seksen doksan",
        "yüz",
        hundreds=(
            "ikiyüz/iki_yüz üçyüz/üç_yüz dörtyüz/dört_yüz beşyüz/beş_yüz altıyüz/altı_yüz yediyüz/yedi_yüz "
            "sekizyüz/sekiz_yüz dokuzyüz/dokuz_yüz"
        ),
    ),
    # Italian drops the tens' last vowel before "uno" and "otto" ("ventuno", "cinquantotto")
    "it": _Numerals(
        "uno due tre/tré quattro cinque sei sette otto nove",
        "dieci undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove",
        "venti/vent trenta/trent quaranta/quarant cinquanta/cinquant sessanta/sessant settanta/settant "
        "ottanta/ottant novanta/novant",
        "cento",
        hundreds="duecento trecento quattrocento cinquecento seicento settecento ottocento novecento",
    ),
    "el": _Numerals(
        "ένα/ενός/μία δύο τρία/τρεις/τριών τέσσερα/τέσσερις/τεσσάρων πέντε έξι επτά/εφτά οκτώ/οχτώ εννέα/εννιά",
        "δέκα έντεκα δώδεκα",
        "είκοσι τριάντα σαράντα πενήντα εξήντα εβδομήντα ογδόντα ενενήντα",
        "εκατό",
        hundreds=(
            "διακόσια τριακόσια τετρακόσια πεντακόσια εξακόσια επτακόσια/εφτακόσια οκτακόσια/οχτακόσια "
            "εννιακόσια/εννεακόσια"
        ),
    ),
    "fi": _Numerals(
        "yksi kaksi kolme neljä viisi kuusi seitsemän kahdeksan yhdeksän",
        "kymmenen yksitoista kaksitoista kolmetoista neljätoista viisitoista kuusitoista seitsemäntoista "
        "kahdeksantoista yhdeksäntoista",
        "kaksikymmentä kolmekymmentä neljäkymmentä viisikymmentä kuusikymmentä seitsemänkymmentä "
        "kahdeksankymmentä yhdeksänkymmentä",
        "sata",
        hundreds="kaksisataa kolmesataa neljäsataa viisisataa kuusisataa seitsemänsataa kahdeksansataa yhdeksänsataa",
    ),
    "uk": _Numerals(
        "один/одна два/дві три чотири пʼять/п'ять шість сім вісім девʼять/дев'ять",
        "десять одинадцять дванадцять тринадцять чотирнадцять пʼятнадцять шістнадцять сімнадцять вісімнадцять "
        "девʼятнадцять",
        "двадцять тридцять сорок пʼятдесят шістдесят сімдесят вісімдесят девʼяносто",
        "сто",
        hundreds="двісті триста чотириста пʼятсот/п'ятсот шістсот сімсот вісімсот девʼятсот/дев'ятсот",
    ),
    # Korean counts ages in its native numerals ("서른두 살") and in the Sino-Korean ones ("삼십이 세"): both rows
    "ko": _Numerals(
        "일/하나/한 이/둘/두 삼/셋/세 사/넷/네 오/다섯 육/여섯 칠/일곱 팔/여덟 구/아홉",
        "십/열",
        "이십/스물/스무 삼십/서른 사십/마흔 오십/쉰 육십/예순 칠십/일흔 팔십/여든 구십/아흔",
        "백",
        hundreds="이백 삼백 사백 오백 육백 칠백 팔백 구백",
    ),
}
LANGUAGES = tuple(_LEXICON)
# the languages ``text2num`` reads numbers in, which the lexicon above leaves to it
TEXT2NUM_LANGUAGES = ("en", "fr", "de", "es", "pt", "ca", "ru")

# Ordinals, which a date said aloud is made of ("piętnastego marca osiemdziesiątego siódmego", "patnáctého března"):
# Polish and Czech inflect them, so each is a stem and the endings of its cases
_ORDINAL_STEMS = {
    "pl": (
        "pierwsz drug trzec czwart piąt szóst siódm ósm dziewiąt dziesiąt jedenast dwunast trzynast czternast "
        "piętnast szesnast siedemnast osiemnast dziewiętnast dwudziest trzydziest czterdziest pięćdziesiąt "
        "sześćdziesiąt siedemdziesiąt osiemdziesiąt dziewięćdziesiąt setn"
    ),
    "cs": (
        "prvn druh třet čtvrt pát šest sedm osm devát desát jedenáct dvanáct třináct čtrnáct patnáct šestnáct "
        "sedmnáct osmnáct devatenáct dvacát třicát čtyřicát padesát šedesát sedmdesát osmdesát devadesát"
    ),
    "uk": (
        "перш друг трет четверт п'ят шост сьом восьм дев'ят десят одинадцят дванадцят тринадцят чотирнадцят "
        "п'ятнадцят шістнадцят сімнадцят вісімнадцят дев'ятнадцят двадцят тридцят сороков п'ятдесят шістдесят "
        "сімдесят вісімдесят дев'яност сот"
    ),
    "ru": (
        "перв втор трет четверт пят шест седьм восьм девят десят одиннадцат двенадцат тринадцат четырнадцат "
        "пятнадцат шестнадцат семнадцат восемнадцат девятнадцат двадцат тридцат сороков пятидесят шестидесят "
        "семидесят восьмидесят девяност сот"
    ),
}
_ORDINAL_ENDINGS = {
    "pl": "y i ego iego ym im emu a ia ej iej ą ią e ie ych",
    "cs": "ý ého ém ému á é í ího ím ímu",
    "uk": "ий ій ого ього ому ьому им ім а я у ю ої ьої е є их іх",
    "ru": "ый ий ой ого его ьего ому ему ьему ым им ая яя ья ую юю ью ое ее ье ых их",
}
_ORDINAL = {
    language: re.compile(
        rf"(?:{'|'.join(sorted(stems.split(), key=len, reverse=True))})"
        rf"(?:{'|'.join(sorted(_ORDINAL_ENDINGS[language].split(), key=len, reverse=True))})"
    )
    for language, stems in _ORDINAL_STEMS.items()
}


def is_ordinal(word: str) -> bool:
    """Whether ``word`` is an ordinal in a language that inflects them ("piętnastego", "osiemdziesiątego", "pátého")."""
    folded = word.casefold()
    return any(pattern.fullmatch(folded) for pattern in _ORDINAL.values())


def _fold(text: str) -> str:
    """Case and marks folded (the Romanian comma and cedilla letters, apostrophes, accents all alike)."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'").replace("ʼ", "'"))
    # composed again: NFKD splits a Hangul syllable into letters, and "한" would be read inside "하나"
    return unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))


@functools.cache
def _words(language: str) -> tuple[dict[str, tuple[int, int]], tuple[str, ...], tuple[str, ...]]:
    """Each numeral's (rank, value), the numerals longest first, and the language's joiners."""
    numerals = _LEXICON[language]
    words = numerals.words()
    joiners = (_fold(numerals.joiner),) if numerals.joiner else ()
    return words, tuple(sorted(words, key=len, reverse=True)), joiners


def value(text: str, language: str) -> int | None:
    """The number ``text`` says in ``language`` (1 to 120), or None."""
    total = _compound(text, language)
    return total if total is not None and total <= 120 else None


def group_value(text: str, language: str) -> int | None:
    """The number ``text`` says in ``language`` from 1 to 999 (a group of a number read out: "pięćset szesnaście",
    "kırk beş"), or None."""
    return _compound(text, language)


def _compound(text: str, language: str) -> int | None:
    if language not in _LEXICON:
        return None
    folded = _fold(text.strip(" .!,"))
    atoms = _atoms(folded, *_words(language)) if folded else None
    if atoms is None:
        return None
    ranks = [_HUNDRED if rank == _HUNDREDS else rank for rank, _ in atoms]
    teen = next((v for rank, v in atoms if rank == _TEENS), None)
    # a teen goes with no tens, and with a unit only where the language says its teens so ("on bir", "tizenkilenc",
    # "δεκατρία": the bare ten, in a language whose row of teens is short)
    builds_teens = len(_LEXICON[language].teens.split()) < 10
    if _HUNDRED in ranks and ranks[0] != _HUNDRED:
        return None  # "tre hundra" is said "trehundra"
    if len(set(ranks)) != len(ranks) or (
        teen is not None
        and (_TENS in ranks or (_UNITS in ranks and not (teen == 10 and builds_teens and ranks[0] == _TEENS)))
    ):
        return None
    total = sum(v for _, v in atoms)
    return total if 0 < total <= 999 else None


def _atoms(
    folded: str, words: dict[str, tuple[int, int]], longest_first: tuple[str, ...], joiners: tuple[str, ...]
) -> list[tuple[int, int]] | None:
    """The numerals of a compound (longest first, backing off where the rest does not parse: "jedenačtyřicet" is
    "jeden a čtyřicet", not "jedenáct ..."); spaces, hyphens and joiners between them skipped."""

    def parse(pos: int, depth: int) -> list[tuple[int, int]] | None:
        while pos < len(folded) and folded[pos] in " -":
            pos += 1
        if pos == len(folded):
            return []
        if depth == 4:
            return None
        if depth:
            for j in joiners:
                if folded.startswith(j, pos) and (rest := parse_numeral(pos + len(j), depth)) is not None:
                    return rest
        return parse_numeral(pos, depth)

    def parse_numeral(pos: int, depth: int) -> list[tuple[int, int]] | None:
        while pos < len(folded) and folded[pos] in " -":
            pos += 1
        for w in longest_first:
            if folded.startswith(w, pos) and (rest := parse(pos + len(w), depth + 1)) is not None:
                return [words[w], *rest]
        return None

    return parse(0, 0) or None


def spoken_number(text: str, language: str | None = None) -> int | None:
    """The number ``text`` says in ``language``, or in any of the languages here when none is given (then only a
    word of six letters or more, which no short everyday word of another language is)."""
    if language is not None:
        return value(text, language)
    if len(re.sub(r"\W", "", text)) < 6:
        return None
    for lang in LANGUAGES:
        n = value(text, lang)
        if n is not None:
            return n
    return None


_CJK_DIGITS = dict(zip("〇零一二两兩三四五六七八九", (0, 0, 1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CJK_NUMBER = re.compile(
    r"(?:(?P<h>[一二两兩三四五六七八九])?百[零〇]?)?(?:(?P<t>[一二三四五六七八九])?(?P<ten>十))?(?P<u>[一二三四五六七八九])?"
)


def cjk_value(text: str) -> int | None:
    """A number from 1 to 999 in Chinese or Japanese numerals ("六十三", "二十一", "十五", "一百零五"), or None."""
    m = _CJK_NUMBER.fullmatch(text)
    if m is None or not text:
        return None
    hundreds = _CJK_DIGITS[m.group("h")] if m.group("h") else (1 if "百" in text else 0)
    tens = (_CJK_DIGITS[m.group("t")] if m.group("t") else 1) if m.group("ten") else 0
    total = hundreds * 100 + tens * 10 + (_CJK_DIGITS[m.group("u")] if m.group("u") else 0)
    return total or None
