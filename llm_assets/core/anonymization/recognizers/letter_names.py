"""Values spelled in a call with the names of the letters as a language says them: a surname letter by letter
("ka, u, re, te", "ка, ел, и, ем, е, ен, ка, о"), a number plate in letters and numbers ("ka te te, czternaście igrek
zero", "otuz beş, je a, on sekiz"), and a Korean name spelled syllable by syllable with a word for each
("강아지 할 때 강, 미소 할 때 미, ..."). Single letters and the radio alphabet are ``spoken``'s; this module reads the
letters' names, which in most languages are also short everyday words ("te", "de", "ne", "це"), so a run counts
only when it holds a name no sentence uses and has the shape of a spelling: letters set apart by commas, or a block
of letters beside a number read out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import regex as re

from llm_assets.core.anonymization.gazetteers import current_language
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding
from llm_assets.core.anonymization.recognizers.spoken import TOKEN, SpokenSequenceRecognizer, digit_words
from llm_assets.core.anonymization.recognizers.turns import PLATE_QUESTION
from llm_assets.core.entities import LICENSE_PLATE, PERSON

# The alphabet's letter names, written for this module from each language's usual names (several where usage
# varies: Turkish "ka" beside "ke"); a letter that is its own name ("a", "o") is a single letter already.
_NAMES: dict[str, str] = {
    "pl": "a be ce cie de e ef gie ha i jot ka el em en o pe ku er es te u wu fau iks igrek zet żet",
    "cs": "á bé cé čé dé ďé é ef gé há chá í jé ká el em en ó pé kvé er eř es eš té ťé ú vé iks ypsilon zet žet",
    "tr": "be ce çe de fe ge he je ka ke le me ne pe re se şe te ve ye ze",
    "uk": "бе ве ге ґе де же зе йот ка ел ем ен пе ер ес те еф ха це че ша ща",
    "ru": "бэ вэ гэ дэ жэ зэ ка эль эл эм эн пэ эр эс тэ эф ха цэ че чэ ша ща",
    "de": "be ce ze de ef ge ha jot ka el em en pe ku er es te vau we ix ypsilon zett",
    "fr": "bé cé dé effe gé ache ji ka elle emme enne pé ku erre esse té vé ixe zède",
    "es": "be ce de efe ge hache jota ka ele eme ene eñe pe cu erre ese te uve equis ye zeta",
    "it": "bi ci di effe gi acca cappa elle emme enne pi cu erre esse ti vu vi ics ipsilon zeta",
    "pt": "bê cê dê efe gê agá jota capa ele eme ene pê quê erre esse tê vê xis ípsilon zê",
    "nl": "bee cee dee ef gee ha jee ka el em en pee kuu er es tee vee wee iks ypsilon zet",
}
# names of two words: Turkish "yumuşak ge" (ğ), "i grec", "doppia vu", "uve doble", Ukrainian "м'який знак"
_TWO_WORD_NAMES: dict[str, tuple[str, ...]] = {
    "tr": ("yumuşak ge",),
    "fr": ("i grec", "double vé"),
    "es": ("i griega", "uve doble"),
    "it": ("doppia vu", "i lunga"),
    "pt": ("dáblio",),
    "cs": ("dvojité vé",),
    "uk": ("м'який знак", "мʼякий знак"),
    "ru": ("мягкий знак", "твёрдый знак"),
}
# letter names that are also everyday words of their language (a conjunction, a pronoun, a particle): they are
# letters inside a spelling, never its evidence
_EVERYDAY: dict[str, frozenset[str]] = {
    "pl": frozenset("a i o u w z e te cie ku ha".split()),
    "cs": frozenset("a i o u v s z k".split()),
    "tr": frozenset("a o ne ve de he ye se me".split()),
    "uk": frozenset("а і и у о е є я ю в з ж же це те ха де ге".split()),
    "ru": frozenset("а и у о е я в с к ка ха че".split()),
    "de": frozenset("a e i o u es er ha".split()),
    "fr": frozenset("a e i o u y elle".split()),
    "es": frozenset("a e i o u y de te ese ye".split()),
    "it": frozenset("a e i o u di ci ti vi".split()),
    "pt": frozenset("a e i o u ele esse dê quê capa".split()),
    "nl": frozenset("a e i o u en er ha".split()),
}
# tokens before a letter name that a spelling may start at (a plate's numbers first: 'otuz beş, je a ...')
_REACH_BACK = 12
_SPELLING_SEPARATOR = re.compile(r"[ \t]*[,\-][ \t]*")
# a Korean name spelled syllable by syllable with a word that begins with it: "강아지 할 때 강, 미소 할 때 미"
_KOREAN_AS_IN = r"\p{Hangul}{1,6}[ \t]*(?:할[ \t]*때|의)[ \t]+\p{Hangul}"
_KOREAN_SPELLED = re.compile(rf"(?<!\p{{Hangul}}){_KOREAN_AS_IN}(?:[ \t]*,?[ \t]*{_KOREAN_AS_IN}){{2,}}")


class _Item(NamedTuple):
    """A letter (its name) or a number (its digits) read in a spelling, and the separator before it ("," or "")."""

    kind: str  # "L" or "N"
    value: str
    start: int
    end: int
    sep: str


class SpelledLetterNameRecognizer(SpanRecognizer):
    ENTITIES = (PERSON, LICENSE_PLATE, "REFERENCE_NUMBER")

    def find(self, text: str) -> Iterable:
        for m in _KOREAN_SPELLED.finditer(text):
            yield finding(PERSON, m.start(), m.end(), 0.75, self.name)
        language = current_language()
        names = set(_NAMES.get(language, "").split())
        if not names:
            return
        everyday = _EVERYDAY.get(language, frozenset())
        two_words = _TWO_WORD_NAMES.get(language, ())
        digit_map = digit_words(language)
        languages = tuple(dict.fromkeys((language, "en")))
        tokens = [t for t in TOKEN.finditer(text) if t.group(0) not in "."]
        # a spelling holds a letter name no sentence uses: runs are read only from a few tokens before one
        evidence = [
            k
            for k, t in enumerate(tokens)
            if ((low := t.group(0).lower()) in names and low not in everyday)
            or (k + 1 < len(tokens) and f"{low} {tokens[k + 1].group(0).lower()}" in two_words)
        ]
        starts = sorted({i for k in evidence for i in range(max(0, k - _REACH_BACK), k + 1)})
        done = 0
        for i in starts:
            if i < done:
                continue
            items, j = self._run(text, tokens, i, names, two_words, digit_map, languages)
            hit = self._value(text, items, everyday)
            if hit:
                yield hit
                done = max(j, i + 1)

    @staticmethod
    def _run(text, tokens, i, names, two_words, digit_map, languages) -> tuple[list[_Item], int]:
        """The letters and numbers read from token ``i`` on one line (a comma or a dash between them, or spaces),
        and the index after them."""
        items: list[_Item] = []
        j = i
        while j < len(tokens):
            sep = ""
            if items:
                gap = text[items[-1].end : tokens[j].start()]
                if tokens[j].group(0) in ",-":
                    if j + 1 >= len(tokens):
                        break
                    gap = text[items[-1].end : tokens[j + 1].start()]
                    if not _SPELLING_SEPARATOR.fullmatch(gap):
                        break
                    sep, j = ",", j + 1
                elif not re.fullmatch(r"[ \t]+", gap):
                    break
            tok = tokens[j].group(0)
            low = tok.lower()
            pair = f"{low} {tokens[j + 1].group(0).lower()}" if j + 1 < len(tokens) else ""
            if pair in two_words and re.fullmatch(r"[ \t]+", text[tokens[j].end() : tokens[j + 1].start()]):
                items.append(_Item("L", pair, tokens[j].start(), tokens[j + 1].end(), sep))
                j += 2
                continue
            if low in names or (len(tok) == 1 and tok.isalpha()):
                items.append(_Item("L", low, tokens[j].start(), tokens[j].end(), sep))
                j += 1
                continue
            group, k = SpokenSequenceRecognizer.read_group(text, tokens, j, digit_map, languages)
            if group is None:
                break
            items.append(_Item("N", group[0], tokens[j].start(), tokens[k - 1].end(), sep))
            j = k
        return items, j

    def _value(self, text: str, items: list[_Item], everyday: frozenset[str]):
        """A spelling among ``items``: letters set apart by commas (a name), or a block of letters beside numbers
        (a plate, an identifier); None otherwise."""

        def evidence(item: _Item) -> bool:
            return item.kind == "L" and len(item.value) > 1 and item.value not in everyday

        # a single letter joined by a space at the end is the next sentence's word ("... te, a potem")
        while items and items[-1].kind == "L" and len(items[-1].value) == 1 and items[-1].sep != ",":
            items = items[:-1]
        if not items or not any(evidence(it) for it in items):
            return None
        letters = [it for it in items if it.kind == "L"]
        digits = "".join(it.value for it in items if it.kind == "N")
        start, end = items[0].start, items[-1].end
        if len(letters) == len(items) >= 3 and sum(it.sep == "," for it in items[1:]) >= len(items) - 2:
            written = "".join(it.value[:1] for it in letters)
            entity = SpokenSequenceRecognizer.value_type(text, start, written) or PERSON
            return finding(entity, start, end, 0.75, self.name)
        blocks, run = [], []
        for it in items:
            if it.kind == "L":
                run.append(it)
            else:
                blocks.append(run)
                run = []
        blocks.append(run)
        block = any(len(b) >= 2 and any(evidence(it) for it in b) for b in blocks)
        if letters and digits and block and len(digits) >= 2 and len(letters) + len(digits) >= 5:
            cued = PLATE_QUESTION.search(text[max(0, start - 200) : start])  # the plate's words before it
            return finding(LICENSE_PLATE if cued else "REFERENCE_NUMBER", start, end, 0.75, self.name)
        return None
