"""A value said over two turns of a call: one party gives part of it, the other says "okay" or "go on", and the
first goes on with the rest ("my mobile is oh two sixty-two." / "right..." / "and then twenty-five twenty sixty-one";
"longle a còng ..." / "Dạ." / "... outlook chấm com").

Numbers: where the recognizers found one half as a number (a phone, an account, an identifier), the other half — too
short to be anything alone — is the same number's, and takes its type. E-mail addresses: the two turns are read as
one text by the e-mail recognizers, and an address that crosses from one into the other is found in both.

The halves are the same party's turns with at most two short turns of the other party between them (a few words,
no number); one half closes its turn, the other opens its own (after a word or two: "and then", "poi", "다음은").
Where a transcript names no speakers, its lines are its turns if each opens with a time stamp or all are in small
letters without labels (an ASR export).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex as re
from presidio_analyzer import RecognizerResult

from llm_assets.core.anonymization.gazetteers import current_language
from llm_assets.core.anonymization.recognizers.base import finding
from llm_assets.core.anonymization.recognizers.scripts import EVERYDAY_KOREAN_ZIPF, korean_zipf
from llm_assets.core.anonymization.recognizers.signs import SPOKEN_AT
from llm_assets.core.anonymization.recognizers.spoken import (
    CJK_DIGITS,
    KOREAN_DIGITS,
    NUMBER_CUE,
    PHONE_CUE,
    TOKEN,
    digit_words,
    group_digits,
    number_word,
)
from llm_assets.core.anonymization.recognizers.turns import speaker_key, utterances
from llm_assets.core.anonymization.recognizers.web import ObfuscatedEmailRecognizer, SpokenEmailRecognizer
from llm_assets.core.entities import DATE_OF_BIRTH, DATE_TIME

# what a number is not, though said in number words: a date, a time, an age, an amount
_NOT_NUMBERS = frozenset({DATE_TIME, DATE_OF_BIRTH, "AGE", "MONEY", "AMOUNT"})
# the words that join a number's words: "quarenta e cinco", "sesenta y cuatro", "vingt et un", "ein und zwanzig"
_JOINERS = frozenset("and und et y e i en och og és".split())
_LEAD_WORDS = 2  # words a half may follow or be followed by in its turn ("and then ...", "... eso es")
_SHORT_TURN_WORDS = 4
MIN_HALF_DIGITS = 3
_MAX_BETWEEN = 2
# a transcriber's note in brackets: "[laughs]", "(overlap)", "[inaudible]"
_NOISE_TAG = re.compile(r"[\[(][^\[\]()\n]{1,30}[\])]")
_APART = re.compile(r"[^ \t,\-]")
# a line's time stamp, where the lines are the turns ("[00:55] ...", "00:01:12 ...")
_LINE_STAMP = re.compile(r"[ \t]*\[?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?\]?[ \t]+")


@dataclass(frozen=True)
class _Turn:
    speaker: str
    start: int
    end: int


def numbers_across_turns(text: str, results: Sequence[RecognizerResult]) -> list[RecognizerResult]:
    """Findings for the halves of numbers said over two turns, typed as the other half (see the module)."""
    numbers = [r for r in results if r.entity_type not in _NOT_NUMBERS and _digits(text[r.start : r.end]) >= 3]
    if not numbers and not NUMBER_CUE.search(text):
        return []
    turns = _conversation(text)
    out: list[RecognizerResult] = []
    for k, turn in enumerate(turns):
        inside = [r for r in numbers if turn.start <= r.start and r.end <= turn.end]
        if not inside:
            out += _unfound_halves(text, turns, k, results)
            continue
        closing = max(inside, key=lambda r: r.end)
        opening = min(inside, key=lambda r: r.start)
        for number, step, tail in ((closing, +1, (closing.end, turn.end)), (opening, -1, (turn.start, opening.start))):
            if _words(text[tail[0] : tail[1]]) > _LEAD_WORDS:
                continue
            for other in _partners(turns, k, text, step):
                half = _half(text, other, at_start=step > 0)
                if half:
                    if not _covered(half, results):
                        out.append(finding(number.entity_type, *half, number.score, "SplitNumberCompletion"))
                    break
    return out


# the word for "@" somewhere in the text: only then may an address be split
_AT_WORDS = "|".join(re.escape(w) for w in sorted(SPOKEN_AT, key=len, reverse=True))
_AT_SAID = re.compile(rf"(?<![\p{{L}}])(?:{_AT_WORDS})(?![\p{{L}}])", re.I)
# where a speaker breaks off or picks up again: an ellipsis, a dash, spaces
_TRAILING = re.compile(r"[\s.…,–—-]+$")
_LEADING = re.compile(r"^[\s.…,–—-]+")
_EMAIL_RECOGNIZERS = (ObfuscatedEmailRecognizer(), SpokenEmailRecognizer())


def emails_across_turns(text: str, results: Sequence[RecognizerResult]) -> list[RecognizerResult]:
    """Findings for the two parts of an e-mail address read out over two turns of one party (see the module)."""
    if not _AT_SAID.search(text):
        return []
    turns = _conversation(text)
    out: list[RecognizerResult] = []
    for k, turn in enumerate(turns):
        head = _TRAILING.sub("", text[turn.start : turn.end])
        if not head:
            continue
        for other in _partners(turns, k, text, +1):
            tail = text[other.start : other.end]
            skip = len(tail) - len(_LEADING.sub("", tail))
            joined = f"{head} {tail[skip:]}"
            for recognizer in _EMAIL_RECOGNIZERS:
                for r in recognizer.find(joined):
                    if not (r.start < len(head) < r.end - 1):
                        continue  # an address inside one turn: the recognizers found it there
                    cut = len(head) + 1  # where the second turn's text starts in the joined one
                    parts = (
                        (turn.start + r.start, turn.start + len(head)),
                        (other.start + skip, other.start + skip + r.end - cut),
                    )
                    for part in parts:
                        if not _covered(part, results):
                            out.append(finding("EMAIL_ADDRESS", *part, 0.8, "SplitEmailCompletion"))
    return out


def _unfound_halves(text: str, turns: list[_Turn], k: int, results: Sequence[RecognizerResult]) -> list:
    """Both halves of a number neither of which the recognizers found, each too short alone ("my mobile is three
    thirty-three, thirty-one..." / "go on" / "... fourteen three fifty-nine"): together seven digits or more, asked
    for or announced by a word for a phone or a number in the turn or the one before."""
    first = _half(text, turns[k], at_start=False)
    if first is None or _covered(first, results):
        return []
    # what the parties said, not their labels ("Caller:" is no word for calling)
    said = (text[turns[k - 1].start : turns[k - 1].end] if k else "") + " " + text[turns[k].start : first[0]]
    if not NUMBER_CUE.search(said):
        return []
    for other in _partners(turns, k, text, +1):
        second = _half(text, other, at_start=True)
        if second is None:
            continue
        rest = text[second[1] : other.end]
        if (
            _covered(second, results)
            or _words(_NOISE_TAG.sub(" ", rest)) > 0  # "... and forty five boxes": a quantity
            or _digits(text[first[0] : first[1]]) + _digits(text[second[0] : second[1]]) < 7
        ):
            return []
        entity = "PHONE_NUMBER" if PHONE_CUE.search(said) else "REFERENCE_NUMBER"
        return [finding(entity, *span, 0.7, "SplitNumberCompletion") for span in (first, second)]
    return []


def _conversation(text: str) -> list[_Turn]:
    """The turns of a text, where it has three or more (fewer are no conversation to split a value over)."""
    turns = _turns(text)
    return turns if len(turns) >= 3 else []


def _turns(text: str) -> list[_Turn]:
    found = utterances(text)
    if len(found) >= 3:
        return [_Turn(speaker_key(m.group("label")), m.start("turn"), m.end("turn")) for m in found]
    out = []
    for line in re.finditer(r"[^\n]+", text):
        stamp = _LINE_STAMP.match(line.group(0))
        if not stamp:
            return []  # lines without time stamps are a page's or a form's, not a speech-to-text export's
        if text[line.start() + stamp.end() : line.end()].strip():
            out.append(_Turn("", line.start() + stamp.end(), line.end()))
    return out


def _partners(turns: list[_Turn], k: int, text: str, step: int) -> list[_Turn]:
    """The turns that may say the rest of a number of turn ``k``, after it (``step`` +1) or before it (-1): the
    same party's next turn with only the other party's short turns between; where no one is named, the next line
    and the one after a short line."""
    speaker = turns[k].speaker
    out = []
    j = k + step
    while 0 <= j < len(turns) and len(out) < 2:
        turn = turns[j]
        if speaker and turn.speaker == speaker:
            return [turn]
        if not speaker:
            out.append(turn)
        said = text[turn.start : turn.end]
        if abs(j - k) > _MAX_BETWEEN or _words(said) > _SHORT_TURN_WORDS or _digits(said):
            break
        j += step
    return [] if speaker else out


def _half(text: str, turn: _Turn, at_start: bool) -> tuple[int, int] | None:
    """The number words opening the turn (``at_start``: after at most two other words, before at most two) or
    closing it: its span, or None where there is none of three digits or more."""
    tags = [m.span() for m in _NOISE_TAG.finditer(text, turn.start, turn.end)]
    tokens = [
        t
        for t in TOKEN.finditer(text, turn.start, turn.end)
        if t.group(0) not in ".," and not any(a <= t.start() < b for a, b in tags)
    ]
    language = current_language()
    digits = digit_words(language)
    order = tokens if at_start else tokens[::-1]
    skipped = 0
    while order and not _number(order[0].group(0), language, digits):
        skipped += 1
        if skipped > _LEAD_WORDS:
            return None
        order = order[1:]
    run: list = []
    for t in order:
        word = t.group(0)
        # the words of one number follow each other with spaces, commas or dashes ("70.63" or "10:45" is no half)
        if run:
            gap = (run[-1].end(), t.start()) if at_start else (t.end(), run[-1].start())
            if _APART.search(text, *gap):
                break
        if not (_number(word, language, digits) or word == "-" or word.lower() in _JOINERS):
            break
        run.append(t)
    while run and not _number(run[-1].group(0), language, digits):
        run.pop()
    # an opening half is most of its turn; a closing one ends a sentence of any length ("my mobile is ...") and
    # nothing follows it ("... for 10 seconds" is a quantity)
    if not run or (len(order) - len(run) > _LEAD_WORDS if at_start else skipped):
        return None
    first, last = (run[0], run[-1]) if at_start else (run[-1], run[0])
    span = (first.start(), last.end())
    return span if _digits(text[span[0] : span[1]]) >= MIN_HALF_DIGITS else None


def _number(word: str, language: str, digits: dict[str, str]) -> bool:
    if word.isdigit():
        return True
    if _digit_syllables(word):
        return True
    return word.isalpha() and (word.lower() in digits or number_word(word, language))


def _digits(said: str) -> int:
    """Digits in figures and number words in ``said`` (each word one: enough to tell a fragment from a number)."""
    language = current_language()
    digits = digit_words(language)
    count = 0
    for t in TOKEN.finditer(said):
        word = t.group(0)
        if word.isdigit() or _digit_syllables(word):
            count += len(word)
        elif word.isalpha() and word.lower() in digits:
            count += 1
        elif word.isalpha() and number_word(word, language):
            said_as = group_digits(word.lower(), language) or group_digits(word.lower(), "en")
            count += len(said_as) if said_as else 1  # "trentatré": two digits
    return count


def _digit_syllables(word: str) -> bool:
    """Han or Hangul digits read in a group ("사삼팔육칠육", "七三一三"): two or more, and no everyday word ("사이" is
    "between", "오일" "oil"; one syllable alone is a word as often: "이", "일")."""
    if len(word) < 2 or not all(c in CJK_DIGITS or c in KOREAN_DIGITS for c in word):
        return False
    return len(word) > 2 or korean_zipf(word) < EVERYDAY_KOREAN_ZIPF


def _words(said: str) -> int:
    return sum(1 for t in TOKEN.finditer(said) if t.group(0) not in ".,-")


def _covered(span: tuple[int, int], results: Sequence[RecognizerResult]) -> bool:
    return any(r.start <= span[0] and span[1] <= r.end for r in results)
