"""Street addresses read out in a call, their numbers said in words: "ulica grunwaldzka sto trzydzieści dwa",
"вулиця Миру, будинок сто сорок три, квартира дев'яносто шість", "Zambak Sokak seksen dokuz numara, daire on bir",
"Соборна сорок п'ять, квартира тридцять сім", "매영로 십이길 오십 백팔동 천오백삼호". ``StreetAddressRecognizer``'s
patterns want the house number in digits; here a street word (before the name, or after it as in Turkish), or a
flat's word after the number, marks an address, and the number is any run of the language's number words."""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding
from llm_assets.core.anonymization.recognizers.spoken import WORD, number_word

# the street's word before its name (Polish, Czech, Ukrainian, Russian; with or without its abbreviation's point)
STREET_BEFORE = frozenset(
    "ulica ulicy ul aleja aleje al plac pl osiedle os ulice třída nám náměstí вулиця вулиці вул проспект просп "
    "провулок пров бульвар бульв площа узвіз улица ул переулок пер".split()
)
# ... and after it (Turkish)
STREET_AFTER = frozenset(
    "sokak sokağı sok sk cadde caddesi cad cd bulvar bulvarı blv mahalle mahallesi mah yolu".split()
)
# the kind of street after its name in English ("Old Mill Road"), and a street's compound ending in Dutch and German
STREET_KINDS = frozenset(
    "road street avenue lane drive way close court crescent place boulevard terrace grove gardens row square rd st "
    "ave ln dr blvd".split()
)
_NUMBER_GAP = re.compile(r"[ \t]*[-,]?[ \t]*")  # between a number's words: "twenty-nine eighteen"
# (what may follow the number: the end of what is said, a flat or a building's part, the town after "in")
_ADDRESS_END = re.compile(
    r"[ \t]*(?:[,.;!?\n)]|$)|[ \t]+(?i:huis|huisnummer|hausnummer|bus|hoog|in|te|hinterhaus|vorderhaus|"
    r"seitenflügel|wohnung|etage|stock|[a-d])(?![\p{L}])"
)
STREET_SUFFIXES = ("straat", "laan", "weg", "gracht", "plein", "kade", "straße", "strasse", "gasse", "allee", "ring")
HOUSE_WORDS = frozenset("numer nr dom numara no будинок буд д дом номер číslo čp".split())
FLAT_WORDS = frozenset("mieszkanie mieszkania m lokal lok квартира кв daire byt офіс офис".split())
_WRITTEN_FLAT = re.compile(r"(?:[/-]\d{1,5}\p{L}?)+(?![\p{L}\p{N}])")
_GAP = re.compile(r"[ \t]*[.,]?[ \t]*")  # between an address's words: spaces, an abbreviation's point, a comma

# Sino-Korean numbers ("백구십", "천오백삼"), a road's name ("들안로", "매영로 십이길"), the building's number, its
# block ("백팔동") and flat ("천오백삼호"); the district before it, if any ("대구 수성구")
_SINO = r"[영공일이삼사오육칠팔구십백천]+"
_SINO_NUMBER = r"[영공일이삼사오육칠팔구십백천]{2,}"  # a building's number: two syllables or more ("이" is "this" too)
KOREAN_SPOKEN_STREET = re.compile(
    rf"(?<![\p{{Hangul}}])(?:(?:\p{{Hangul}}{{2,3}}[ \t]+)?\p{{Hangul}}{{1,8}}(?:시|군|구)[ \t]+)?"
    # (the road's word is no noun with the particle "(으)로": "87,500원으로 이메일 ...", "카드로 이 건은 ...")
    rf"(?!\p{{Hangul}}*으로[ \t])\p{{Hangul}}{{1,10}}(?:로|길)(?:[ \t]+{_SINO}길)?"
    rf"[ \t]+{_SINO_NUMBER}(?![\p{{Hangul}}])(?:,?[ \t]+{_SINO}동)?(?:[ \t]+{_SINO}호)?"
)


class SpokenAddressRecognizer(SpanRecognizer):
    ENTITIES = ("STREET_ADDRESS",)

    def find(self, text: str) -> Iterable:
        from llm_assets.core.anonymization.gazetteers import current_language

        for m in KOREAN_SPOKEN_STREET.finditer(text):
            # the number after the road is said in Sino-Korean, not written: "테헤란로 123" is the written pattern's
            if not re.search(r"\d", m.group(0)):
                yield finding("STREET_ADDRESS", m.start(), m.end(), 0.7, self.name)
        words = list(WORD.finditer(text))
        if not words:
            return
        language = current_language()
        lows = [w.group(0).lower() for w in words]
        yield from self._number_first(text, words, lows, language)
        for k, low in enumerate(lows):
            if low in STREET_BEFORE:
                span = self._before(text, words, lows, k, language)
            elif low in STREET_AFTER:
                span = self._after(text, words, lows, k, language)
            elif low in FLAT_WORDS:
                span = self._flat_only(text, words, lows, k, language)
            else:
                continue
            if span:
                # a flat written after the house's number: "ul. krótka 35/36"
                flat = _WRITTEN_FLAT.match(text, span[1])
                yield finding("STREET_ADDRESS", span[0], flat.end() if flat else span[1], 0.7, self.name)

    def _number_first(self, text: str, words: list, lows: list[str], language: str) -> Iterable:
        """English order, the number before the name and the street's kind after it ("twenty-nine eighteen Old Mill
        Road"); Dutch and German order, a street's compound word before the number ("Beatrixstraat
        honderdvierenzestig")."""
        for k, low in enumerate(lows):
            if low in STREET_KINDS:
                # one to three name words before the kind, then the number's words before them
                for names in (1, 2, 3):
                    first = k - names
                    j = first
                    while (
                        j > 0
                        and number_word(lows[j - 1], language)
                        and _NUMBER_GAP.fullmatch(text, words[j - 1].end(), words[j].start())
                    ):
                        j -= 1
                    if j < first and first > 0 and all(self._near(text, words, i, i + 1) for i in range(first, k)):
                        # the street's name is a name: capitalized words ("on the Road" is no street)
                        named = all(words[i].group(0)[:1].isupper() for i in range(first, k + 1))
                        if named and not any(number_word(w, language) for w in lows[first:k]):
                            yield finding("STREET_ADDRESS", words[j].start(), words[k].end(), 0.7, self.name)
                            break
            elif low.endswith(STREET_SUFFIXES) and len(low) > 6 and k + 1 < len(lows):
                j = k
                while j + 1 < len(lows) and number_word(lows[j + 1], language) and self._near(text, words, j, j + 1):
                    j += 1
                # the number is last in what is said ("Hauptstraße zwei Tage später" is a count of days)
                if j > k and _ADDRESS_END.match(text, words[j].end()):
                    yield finding("STREET_ADDRESS", words[k].start(), words[j].end(), 0.7, self.name)

    @staticmethod
    def _near(text: str, words: list, a: int, b: int) -> bool:
        return _GAP.fullmatch(text, words[a].end(), words[b].start()) is not None

    def _number(self, text: str, words: list, lows: list, j: int, language: str) -> int:
        """The index after the run of number words (or digits) from ``j``; ``j`` when there is none."""

        k = j
        while k < len(words) and (k == j or self._near(text, words, k - 1, k)):
            tok = words[k].group(0)
            if not (tok.isdigit() and len(tok) <= 4) and not number_word(tok, language):
                break
            k += 1
        return k

    def _tail(self, text: str, words: list, lows: list, k: int, language: str) -> int:
        """From the house number's run ending before ``k``: the house word after it ("seksen dokuz numara") and the
        flat ("kw. dwanaście", "daire on bir"); the index after it all."""
        if k < len(words) and lows[k] in HOUSE_WORDS and self._near(text, words, k - 1, k):
            k += 1
        if k + 1 < len(words) and lows[k] in FLAT_WORDS and self._near(text, words, k - 1, k):
            end = self._number(text, words, lows, k + 1, language)
            if end > k + 1 and self._near(text, words, k, k + 1):
                return end
        return k

    def _house(self, text: str, words: list, lows: list, j: int, language: str) -> int | None:
        """The index after a house number (and its flat) from ``j``, or None."""
        if j < len(words) and lows[j] in HOUSE_WORDS:
            j += 1
        end = self._number(text, words, lows, j, language)
        if end == j or (j and not self._near(text, words, j - 1, j)):
            return None
        return self._tail(text, words, lows, end, language)

    def _before(self, text: str, words: list, lows: list, k: int, language: str) -> tuple[int, int] | None:
        from llm_assets.core.anonymization.gazetteers import zipf_in

        j, names = k + 1, 0
        while (
            j < len(words)
            and names < 3
            and self._near(text, words, j - 1, j)
            and words[j].group(0).isalpha()
            and lows[j] not in HOUSE_WORDS
            and not number_word(words[j].group(0), language)
        ):
            names, j = names + 1, j + 1
        if not names or any(zipf_in(lows[i], language) >= 5.0 for i in range(k + 1, j)):
            return None  # "na ulicy był korek, dwa razy": everyday words, no street's name
        # a number after a comma is the house's only with its word: "вулиця Миру, будинок сто сорок три"
        if "," in text[words[j - 1].end() : words[j].start() if j < len(words) else len(text)] and (
            j >= len(words) or lows[j] not in HOUSE_WORDS
        ):
            return None
        end = self._house(text, words, lows, j, language)
        return (words[k].start(), words[end - 1].end()) if end else None

    def _after(self, text: str, words: list, lows: list, k: int, language: str) -> tuple[int, int] | None:
        start, names = k, 0
        while start > 0 and names < 3 and self._near(text, words, start - 1, start):
            prev = words[start - 1].group(0)
            if not prev[:1].isupper() or not prev.isalpha():
                break
            start, names = start - 1, names + 1
        if not names:
            return None
        end = self._house(text, words, lows, k + 1, language)
        if end:
            return words[start].start(), words[end - 1].end()
        # a quarter named before its street: "Atatürk Mahallesi, Cumhuriyet Caddesi, numara ..."
        following = k + 1 < len(words) and self._near(text, words, k, k + 1)
        if lows[k].startswith("mah") and following and any(w in STREET_AFTER for w in lows[k + 2 : k + 5]):
            return words[start].start(), words[k].end()
        return None

    def _flat_only(self, text: str, words: list, lows: list, k: int, language: str) -> tuple[int, int] | None:
        """No street word: a capitalized name, a number in words, then the flat ("Соборна сорок п'ять, квартира
        тридцять сім")."""

        if k == 0 or not self._near(text, words, k - 1, k):
            return None
        i = k
        while i > 0 and self._near(text, words, i - 1, i) and number_word(words[i - 1].group(0), language):
            i -= 1
        if i == k:
            return None
        start, names = i, 0
        while start > 0 and names < 3 and self._near(text, words, start - 1, start):
            prev = words[start - 1].group(0)
            if not prev[:1].isupper() or not prev.isalpha() or lows[start - 1] in STREET_BEFORE | STREET_AFTER:
                break
            start, names = start - 1, names + 1
        end = self._number(text, words, lows, k + 1, language)
        if not names or end == k + 1:
            return None
        return words[start].start(), words[end - 1].end()
