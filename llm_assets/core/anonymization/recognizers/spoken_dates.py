"""A date of birth said in words after the question for it, wherever the answer stands: the next line of a plain
transcript without speakers, a later segment of a JSON export, or after "yes, yes" in the same turn ("для перевірки
назвіть дату народження" ... "тринадцятого квітня тисяча дев'ятсот сімдесят п'ятого року"). The turn reader
(``turns``) takes the answer that opens the very next turn; this one reads the words themselves: a run of ordinals,
numbers, month names and the words for a thousand and a year, soon after a birth cue."""

from __future__ import annotations

import functools
from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization import numerals
from llm_assets.core.anonymization.context import birth_cues
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding
from llm_assets.core.anonymization.recognizers.turns import says_number
from llm_assets.core.entities import DATE_OF_BIRTH

# month names as the languages the engine reads say them in a date (nominative and genitive where they differ)
_MONTHS = frozenset(
    """january february march april may june july august september october november december
    januar februar märz april mai juni juli august september oktober november dezember
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
    gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre
    janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro
    januari februari maart april mei juni juli augustus september oktober november december
    stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia
    styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień
    ledna února března dubna května června července srpna září října listopadu prosince
    ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık
    січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня
    січень лютий березень квітень травень червень липень серпень вересень жовтень листопад грудень
    января февраля марта апреля мая июня июля августа сентября октября ноября декабря""".split()
)
# and as they are cut short ("17 Mar", "8 Jun", "15 lut 2024", "3 gru"): their first three letters
_MONTH_ABBREVIATIONS = frozenset(m[:3] for m in _MONTHS) | {"sept"}


def is_month_word(word: str) -> bool:
    low = word.casefold().rstrip(".")
    return low in _MONTHS or low in _MONTH_ABBREVIATIONS


# a thousand (the year's first word) and the word for a year after it ("... шостого року", "... roku")
_YEAR_WORDS = frozenset(
    """thousand tausend mille mil mila duizend tysiąc tysiąca tisíc tisíce bin тисяча тисячі тысяча тысячи
    року рік roku rok года год yılı yili""".split()
)
_WORD = re.compile(r"[\p{L}\p{M}]+(?:['’ʼ][\p{L}\p{M}]+)*")
_GAP = re.compile(r"[ \t,-]*")
_REACH = 240  # characters after the cue the answer may start in (a question, its speaker, a JSON segment's fields)


@functools.lru_cache(maxsize=65536)
def _date_word(word: str) -> str | None:
    """ "month", "year", "number" (a number, an ordinal) or None."""
    low = word.casefold().replace("’", "'").replace("ʼ", "'")
    if low in _MONTHS:
        return "month"
    if low in _YEAR_WORDS:
        return "year"
    # a number or an ordinal (the turn reader's test), or a year's hundreds ("дев'ятсот", "dokuz yüz")
    if says_number(low) or (len(low) >= 2 and any(numerals.group_value(low, lang) for lang in numerals.LANGUAGES)):
        return "number"
    # an ordinal made of its number and an ending ("sextonde", "zwanzigste"), a year glued round its hundred
    # ("nittonhundrasjuttiotvå", "neunzehnhundertneunzig")
    if any(low.endswith(e) and len(low) > len(e) + 2 and says_number(low[: -len(e)]) for e in _ORDINAL_ENDINGS):
        return "number"
    for hundred in _HUNDREDS:
        head, found, tail = low.partition(hundred)
        if found and says_number(head) and (not tail or says_number(tail)):
            return "number"
    return None


_ORDINAL_ENDINGS = ("nde", "de", "ste", "te", "e")
_HUNDREDS = ("hundra", "hundrede", "hundre", "hundert", "honderd", "hundred")
# the little words between a date's words: "el doce de octubre de mil novecientos ochenta y cinco", "the third of May"
_JOINERS = frozenset("de del y e et und och og i en of the di do da den der am el le la".split())


class SpokenBirthDateRecognizer(SpanRecognizer):
    ENTITIES = (DATE_OF_BIRTH,)

    def find(self, text: str) -> Iterable:
        taken = -1
        for cue in birth_cues(text):
            if cue.end() <= taken:
                continue
            window_end = min(len(text), cue.end() + _REACH)
            words = list(_WORD.finditer(text, cue.end(), window_end))
            i = 0
            while i < len(words):
                run = [words[i]]
                kinds = [_date_word(words[i].group(0))]
                if kinds[0] is None:
                    i += 1
                    continue
                j = i + 1
                while j < len(words) and _GAP.fullmatch(text, run[-1].end(), words[j].start()):
                    kind = _date_word(words[j].group(0))
                    if (
                        kind is None
                        and words[j].group(0).casefold() in _JOINERS
                        and j + 1 < len(words)
                        and _GAP.fullmatch(text, words[j].end(), words[j + 1].start())
                        and _date_word(words[j + 1].group(0))
                    ):
                        kind = "joiner"
                    if kind is None:
                        break
                    run.append(words[j])
                    kinds.append(kind)
                    j += 1
                numbers = kinds.count("number")
                if numbers >= 2 and ("month" in kinds or numbers + kinds.count("year") >= 4) and len(run) <= 12:
                    yield finding(DATE_OF_BIRTH, run[0].start(), run[-1].end(), 0.7, self.name)
                    taken = run[-1].end()
                    break
                i = j
