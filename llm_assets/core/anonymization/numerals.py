"""Numbers from 1 to 120 said in words, in languages ``text2num`` does not read: Dutch, Swedish, Norwegian, Danish,
Polish, Czech, Slovak, Romanian, Hungarian, Turkish, Italian, Greek, Finnish and Ukrainian ("vierendertig",
"trettiofyra", "dwadzieścia siedem", "cincizeci și opt", "hatvanhárom", "yirmi yedi", "cinquantotto").

Each language's numerals are written from its grammar: the words for the units, the teens, the tens and a hundred,
and how a compound joins them (glued, with a space, with a conjunction; tens first or units first). A compound is
read as a sum of at most one word of each rank, so "tre tre" is no number.
"""

from __future__ import annotations

import functools
import unicodedata

import regex as re

# per language: (value, words) for each rank; the words a compound may have between its parts
_UNITS, _TEENS, _TENS, _HUNDRED, _JOINERS = range(5)
_LEXICON: dict[str, tuple[dict[int, str], ...]] = {
    "nl": (
        {1: "een", 2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven", 8: "acht", 9: "negen"},
        {
            10: "tien",
            11: "elf",
            12: "twaalf",
            13: "dertien",
            14: "veertien",
            15: "vijftien",
            16: "zestien",
            17: "zeventien",
            18: "achttien",
            19: "negentien",
        },
        {
            20: "twintig",
            30: "dertig",
            40: "veertig",
            50: "vijftig",
            60: "zestig",
            70: "zeventig",
            80: "tachtig",
            90: "negentig",
        },
        {100: "honderd"},
        {0: "en"},
    ),
    "sv": (
        {1: "en ett", 2: "två", 3: "tre", 4: "fyra", 5: "fem", 6: "sex", 7: "sju", 8: "åtta", 9: "nio"},
        {
            10: "tio",
            11: "elva",
            12: "tolv",
            13: "tretton",
            14: "fjorton",
            15: "femton",
            16: "sexton",
            17: "sjutton",
            18: "arton",
            19: "nitton",
        },
        {
            20: "tjugo",
            30: "trettio",
            40: "fyrtio",
            50: "femtio",
            60: "sextio",
            70: "sjuttio",
            80: "åttio",
            90: "nittio",
        },
        {100: "hundra etthundra"},
        {},
    ),
    "nb": (
        {1: "en ett", 2: "to", 3: "tre", 4: "fire", 5: "fem", 6: "seks", 7: "sju syv", 8: "åtte", 9: "ni"},
        {
            10: "ti",
            11: "elleve",
            12: "tolv",
            13: "tretten",
            14: "fjorten",
            15: "femten",
            16: "seksten",
            17: "sytten",
            18: "atten",
            19: "nitten",
        },
        {
            20: "tjue tyve",
            30: "tretti tredve",
            40: "førti",
            50: "femti",
            60: "seksti",
            70: "sytti",
            80: "åtti",
            90: "nitti",
        },
        {100: "hundre"},
        {0: "og"},
    ),
    "da": (
        {1: "en et", 2: "to", 3: "tre", 4: "fire", 5: "fem", 6: "seks", 7: "syv", 8: "otte", 9: "ni"},
        {
            10: "ti",
            11: "elleve",
            12: "tolv",
            13: "tretten",
            14: "fjorten",
            15: "femten",
            16: "seksten",
            17: "sytten",
            18: "atten",
            19: "nitten",
        },
        {
            20: "tyve",
            30: "tredive",
            40: "fyrre",
            50: "halvtreds",
            60: "tres",
            70: "halvfjerds",
            80: "firs",
            90: "halvfems",
        },
        {100: "hundrede"},
        {0: "og"},
    ),
    "pl": (
        {
            1: "jeden jedna",
            2: "dwa dwie",
            3: "trzy",
            4: "cztery",
            5: "pięć",
            6: "sześć",
            7: "siedem",
            8: "osiem",
            9: "dziewięć",
        },
        {
            10: "dziesięć",
            11: "jedenaście",
            12: "dwanaście",
            13: "trzynaście",
            14: "czternaście",
            15: "piętnaście",
            16: "szesnaście",
            17: "siedemnaście",
            18: "osiemnaście",
            19: "dziewiętnaście",
        },
        {
            20: "dwadzieścia",
            30: "trzydzieści",
            40: "czterdzieści",
            50: "pięćdziesiąt",
            60: "sześćdziesiąt",
            70: "siedemdziesiąt",
            80: "osiemdziesiąt",
            90: "dziewięćdziesiąt",
        },
        {100: "sto"},
        {},
    ),
    "cs": (
        {
            1: "jeden jedna jedno",
            2: "dva dvě",
            3: "tři",
            4: "čtyři",
            5: "pět",
            6: "šest",
            7: "sedm",
            8: "osm",
            9: "devět",
        },
        {
            10: "deset",
            11: "jedenáct",
            12: "dvanáct",
            13: "třináct",
            14: "čtrnáct",
            15: "patnáct",
            16: "šestnáct",
            17: "sedmnáct",
            18: "osmnáct",
            19: "devatenáct",
        },
        {
            20: "dvacet",
            30: "třicet",
            40: "čtyřicet",
            50: "padesát",
            60: "šedesát",
            70: "sedmdesát",
            80: "osmdesát",
            90: "devadesát",
        },
        {100: "sto"},
        {0: "a"},
    ),
    "sk": (
        {1: "jeden jedna", 2: "dva dve", 3: "tri", 4: "štyri", 5: "päť", 6: "šesť", 7: "sedem", 8: "osem", 9: "deväť"},
        {
            10: "desať",
            11: "jedenásť",
            12: "dvanásť",
            13: "trinásť",
            14: "štrnásť",
            15: "pätnásť",
            16: "šestnásť",
            17: "sedemnásť",
            18: "osemnásť",
            19: "devätnásť",
        },
        {
            20: "dvadsať",
            30: "tridsať",
            40: "štyridsať",
            50: "päťdesiat",
            60: "šesťdesiat",
            70: "sedemdesiat",
            80: "osemdesiat",
            90: "deväťdesiat",
        },
        {100: "sto"},
        {},
    ),
    "ro": (
        {
            1: "unu unul una",
            2: "doi două",
            3: "trei",
            4: "patru",
            5: "cinci",
            6: "șase",
            7: "șapte",
            8: "opt",
            9: "nouă",
        },
        {
            10: "zece",
            11: "unsprezece",
            12: "doisprezece douăsprezece",
            13: "treisprezece",
            14: "paisprezece",
            15: "cincisprezece",
            16: "șaisprezece",
            17: "șaptesprezece",
            18: "optsprezece",
            19: "nouăsprezece",
        },
        {
            20: "douăzeci",
            30: "treizeci",
            40: "patruzeci",
            50: "cincizeci",
            60: "șaizeci",
            70: "șaptezeci",
            80: "optzeci",
            90: "nouăzeci",
        },
        {100: "o sută"},
        {0: "și"},
    ),
    "hu": (
        {1: "egy", 2: "kettő két", 3: "három", 4: "négy", 5: "öt", 6: "hat", 7: "hét", 8: "nyolc", 9: "kilenc"},
        {10: "tíz tizen", 20: "húsz huszon"},
        {30: "harminc", 40: "negyven", 50: "ötven", 60: "hatvan", 70: "hetven", 80: "nyolcvan", 90: "kilencven"},
        {100: "száz"},
        {},
    ),
    "tr": (
        {1: "bir", 2: "iki", 3: "üç", 4: "dört", 5: "beş", 6: "altı", 7: "yedi", 8: "sekiz", 9: "dokuz"},
        {10: "on"},
        {20: "yirmi", 30: "otuz", 40: "kırk", 50: "elli", 60: "altmış", 70: "yetmiş", 80: "seksen", 90: "doksan"},
        {100: "yüz"},
        {},
    ),
    # Italian drops the tens' last vowel before "uno" and "otto" ("ventuno", "cinquantotto")
    "it": (
        {1: "uno", 2: "due", 3: "tre tré", 4: "quattro", 5: "cinque", 6: "sei", 7: "sette", 8: "otto", 9: "nove"},
        {
            10: "dieci",
            11: "undici",
            12: "dodici",
            13: "tredici",
            14: "quattordici",
            15: "quindici",
            16: "sedici",
            17: "diciassette",
            18: "diciotto",
            19: "diciannove",
        },
        {
            20: "venti vent",
            30: "trenta trent",
            40: "quaranta quarant",
            50: "cinquanta cinquant",
            60: "sessanta sessant",
            70: "settanta settant",
            80: "ottanta ottant",
            90: "novanta novant",
        },
        {100: "cento"},
        {},
    ),
    "el": (
        {
            1: "ένα ενός μία",
            2: "δύο",
            3: "τρία τρεις τριών",
            4: "τέσσερα τέσσερις τεσσάρων",
            5: "πέντε",
            6: "έξι",
            7: "επτά εφτά",
            8: "οκτώ οχτώ",
            9: "εννέα εννιά",
        },
        {10: "δέκα", 11: "έντεκα", 12: "δώδεκα"},
        {
            20: "είκοσι",
            30: "τριάντα",
            40: "σαράντα",
            50: "πενήντα",
            60: "εξήντα",
            70: "εβδομήντα",
            80: "ογδόντα",
            90: "ενενήντα",
        },
        {100: "εκατό"},
        {},
    ),
    "fi": (
        {
            1: "yksi",
            2: "kaksi",
            3: "kolme",
            4: "neljä",
            5: "viisi",
            6: "kuusi",
            7: "seitsemän",
            8: "kahdeksan",
            9: "yhdeksän",
        },
        {
            10: "kymmenen",
            11: "yksitoista",
            12: "kaksitoista",
            13: "kolmetoista",
            14: "neljätoista",
            15: "viisitoista",
            16: "kuusitoista",
            17: "seitsemäntoista",
            18: "kahdeksantoista",
            19: "yhdeksäntoista",
        },
        {
            20: "kaksikymmentä",
            30: "kolmekymmentä",
            40: "neljäkymmentä",
            50: "viisikymmentä",
            60: "kuusikymmentä",
            70: "seitsemänkymmentä",
            80: "kahdeksankymmentä",
            90: "yhdeksänkymmentä",
        },
        {100: "sata"},
        {},
    ),
    "uk": (
        {
            1: "один одна",
            2: "два дві",
            3: "три",
            4: "чотири",
            5: "пʼять п'ять",
            6: "шість",
            7: "сім",
            8: "вісім",
            9: "девʼять дев'ять",
        },
        {
            10: "десять",
            11: "одинадцять",
            12: "дванадцять",
            13: "тринадцять",
            14: "чотирнадцять",
            15: "пʼятнадцять",
            16: "шістнадцять",
            17: "сімнадцять",
            18: "вісімнадцять",
            19: "девʼятнадцять",
        },
        {
            20: "двадцять",
            30: "тридцять",
            40: "сорок",
            50: "пʼятдесят",
            60: "шістдесят",
            70: "сімдесят",
            80: "вісімдесят",
            90: "девʼяносто",
        },
        {100: "сто"},
        {},
    ),
}
LANGUAGES = tuple(_LEXICON)


def _fold(text: str) -> str:
    """Case and marks folded (the Romanian comma and cedilla letters, apostrophes, accents all alike)."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'").replace("ʼ", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


@functools.cache
def _words(language: str) -> tuple[dict[str, tuple[int, int]], tuple[str, ...], tuple[str, ...]]:
    """Each numeral's (rank, value), the numerals longest first, and the language's joiners."""
    lexicon = _LEXICON[language]
    words: dict[str, tuple[int, int]] = {}
    for rank in (_UNITS, _TEENS, _TENS, _HUNDRED):
        for number, spelled in lexicon[rank].items():
            for w in [spelled] if rank == _HUNDRED else spelled.split():
                words[_fold(w)] = (rank, number)
    joiners = tuple(sorted((_fold(j) for j in lexicon[_JOINERS].values()), key=len, reverse=True))
    return words, tuple(sorted(words, key=len, reverse=True)), joiners


def value(text: str, language: str) -> int | None:
    """The number ``text`` says in ``language`` (1 to 120), or None."""
    if language not in _LEXICON:
        return None
    folded = _fold(text.strip(" .!,"))
    atoms = _atoms(folded, *_words(language)) if folded else None
    if atoms is None:
        return None
    ranks = [rank for rank, _ in atoms]
    if len(set(ranks)) != len(ranks) or (_TEENS in ranks and (_UNITS in ranks or _TENS in ranks) and language != "hu"):
        return None
    total = sum(v for _, v in atoms)
    return total if 0 < total <= 120 else None


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
