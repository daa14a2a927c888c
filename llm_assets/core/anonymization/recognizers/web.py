"""E-mail addresses written to dodge scrapers: "ana at example dot org", "ana[at]example[dot]org", "ana (at)
example.org". Plain ones are Presidio's ``EmailRecognizer``'s. IPv4 addresses glued to the words around them
("IPアドレスは163.34.45.150です", "ip地址是213.151.195.42吗"), which Presidio's word-bounded pattern passes by."""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, alternation, finding
from llm_assets.core.anonymization.recognizers.signs import SPOKEN_AT, SPOKEN_DOT, SPOKEN_JOIN
from llm_assets.core.anonymization.recognizers.spoken import KOREAN_DIGITS, WORD, number_word

_AT_WORD = alternation(SPOKEN_AT)
_DOT_WORD = alternation(SPOKEN_DOT)
_AT = rf"(?:\s*[\[({{<]\s*at\s*[\])}}>]\s*|\s+(?:{_AT_WORD})\s+|\s*@\s*)"
_DOT = rf"(?:\s*[\[({{<]\s*dot\s*[\])}}>]\s*|\s+(?:{_DOT_WORD})\s+|\.)"
# the local part: a word, or letters spelled one by one ("j o h n dot smith at ...")
_LOCAL = r"(?:(?:\w[ \t]){2,40}\w(?![\w])|[\w+-]{1,64})"
_JOIN = rf"(?:{_DOT}|\s+(?:{alternation(SPOKEN_JOIN)})\s+)"
_LABEL = r"(?:[\p{L}0-9-]{1,63}|(?:\p{L}[ \t]){1,10}\p{L}(?![\w]))"  # a domain's label, or spelled: "s f r"
_OBFUSCATED = re.compile(
    rf"(?<![\w.+-]){_LOCAL}(?:{_JOIN}[\w+-]{{1,64}}(?:[ \t][\w+-]{{1,20}})?){{0,3}}{_AT}{_LABEL}(?:{_DOT}{_LABEL})*"
    rf"{_DOT}(?:\p{{L}}{{2,12}}|\p{{L}}[ \t]\p{{L}}(?:[ \t]\p{{L}})?)(?![\w])",  # an ending spelled: "punto i t"
    re.IGNORECASE,
)
_SPELLED_AT = re.compile(rf"(?i)[\[({{<]\s*at\s*[\])}}>]|\s(?:{_AT_WORD})\s")
_SPELLED_DOT = re.compile(rf"(?i)[\[({{<]\s*dot\s*[\])}}>]|\s(?:{_DOT_WORD})\s")


def _prose(value: str) -> bool:
    """'or at the point of sale', 'met at noon point blank': a domain or an ending that is one of the commonest words,
    or an ending longer than an address's, is a sentence."""
    from llm_assets.core.anonymization.gazetteers import zipf_in

    at = _SPELLED_AT.search(value) or re.search(r"@", value)
    labels = re.findall(r"[\w-]+", value[at.end() :] if at else value)
    if labels and len(labels[-1]) > 4:
        return True  # a spoken address ends with a country's or a short generic ending: "com", "fr", "info"
    # the ending itself may be a common word ("it", "in", "me")
    return any(zipf_in(w.lower(), "en") >= 6.0 for w in labels[:-1] if w.lower() not in SPOKEN_DOT and len(w) > 1)


# what joins a number said in words ("soixante et onze", "setenta e três", "vierundzwanzig" needs none)
_NUMBER_JOINERS = frozenset("et e y und and en og és și i a".split())
_LEFT_WORD = re.compile(r"([\w'’-]+)[ \t,]*$")


def _spoken_local_start(text: str, start: int) -> int:
    """Where a spoken address begins when its local part holds a number said in words ("gregoire soixante et onze
    at sfr point fr", "l ponto silva setenta e três arroba ..."): the number's words before the match, the word
    they follow, and the pieces joined to it by a spoken dot, underscore or hyphen."""
    from llm_assets.core.anonymization.gazetteers import current_language, zipf_in

    language = current_language()

    def word_before(pos: int) -> re.Match | None:
        line_start = text.rfind("\n", 0, pos) + 1
        return _LEFT_WORD.search(text, line_start, pos)

    first = re.match(r"[\w'’-]+", text[start:])
    pos, numbers = start, int(bool(first) and number_word(first.group(0), language))
    while (w := word_before(pos)) and (
        number_word(w.group(1), language) or (numbers and w.group(1).lower() in _NUMBER_JOINERS)
    ):
        pos, numbers = w.start(1), numbers + number_word(w.group(1), language)
    if not numbers:
        return start

    def name_part(w: re.Match | None) -> bool:  # a letter or no everyday word ("is", "c'est", "it's")
        return w is not None and (len(w.group(1)) == 1 or zipf_in(w.group(1).lower(), language) < 3.5)

    # the words the number follows ("priya k"), and pieces joined to them by a spoken sign ("l ponto nogueira")
    for _ in range(4):
        w = word_before(pos)
        if w and w.group(1).lower() in SPOKEN_DOT + SPOKEN_JOIN and name_part(word_before(w.start(1))):
            w = word_before(w.start(1))
        if not name_part(w):
            break
        pos = w.start(1)
    return pos


class ObfuscatedEmailRecognizer(SpanRecognizer):
    ENTITIES = ("EMAIL_ADDRESS",)

    def find(self, text: str) -> Iterable:
        for m in _OBFUSCATED.finditer(text):
            value = m.group(0)
            plain = re.fullmatch(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", value)
            # "meet at home.com"-like chance matches need a spelled-out dot as well as a spelled-out at
            if plain or (_SPELLED_AT.search(value) and _SPELLED_DOT.search(value) and not _prose(value)):
                start = m.start() if plain else _spoken_local_start(text, m.start())
                yield finding("EMAIL_ADDRESS", start, m.end(), 0.85 if not plain else 0.9, self.name)


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_GLUED_IP = re.compile(rf"(?<![\d.]){_OCTET}(?:\.{_OCTET}){{3}}(?![\d]|\.\d)")
# the dot said in Korean, Chinese or Japanese between the octets: "92점35점204점29"
_SPOKEN_DOT_IP = re.compile(rf"(?<![\d.]){_OCTET}(?:[ \t]?(?:점|点|點|ドット)[ \t]?{_OCTET}){{3}}(?!\d)")


class GluedIpRecognizer(SpanRecognizer):
    ENTITIES = ("IP_ADDRESS",)

    def find(self, text: str) -> Iterable:
        for m in _GLUED_IP.finditer(text):
            before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
            # (a free-standing one is Presidio's; "v1.2.3.4" is a version)
            if any(c.isalpha() and not c.isascii() for c in before + after):
                yield finding("IP_ADDRESS", m.start(), m.end(), 0.8, self.name)
        for m in _SPOKEN_DOT_IP.finditer(text):
            yield finding("IP_ADDRESS", m.start(), m.end(), 0.8, self.name)


# Latin letters as Korean says them, in a spelled address ("에이 에이치 엔 점 ..."), and what it says for "_" and "-"
KOREAN_LETTER_NAMES = frozenset(
    "에이 비 씨 디 이 에프 지 쥐 에이치 아이 제이 케이 엘 엠 엔 오 피 큐 알 에스 티 유 브이 더블유 엑스 와이 제트".split()
)
_KOREAN_JOIN = frozenset("언더바 언더스코어 밑줄 하이픈 대시 마이너스".split())
_AT_WORDS = frozenset(w.lower() for w in SPOKEN_AT if " " not in w)
_DOT_WORDS = frozenset(w.lower() for w in SPOKEN_DOT)
_JOIN_WORDS = frozenset(w.lower() for w in SPOKEN_JOIN if " " not in w) | _KOREAN_JOIN
_SIGN_WORDS = _DOT_WORDS | _JOIN_WORDS
_WRITTEN_DOMAIN = re.compile(r"[ \t]+[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+")
_GLUED_KOREAN_ENDING = re.compile(r"닷\p{Hangul}{1,4}")  # "닷컴", "닷넷": the dot and the ending in one word
_SPOKEN_GAP = re.compile(r"[ \t,-]*")
_AMBIGUOUS_AT = frozenset({"at", "et"})  # everyday words too: the domain must then be one word


_HANDLE_WORD = re.compile(r"[A-Za-z]{2,}\d{1,6}")
# Japanese reads an address with katakana words and may run them together: "koji ドット kimura80 アットマーク
# ドコモドットエヌイードットジェーピー", "kimura716アットマークgmailドットコム"
_KANA_PART = r"(?:(?!ドット)[\p{Katakana}ーA-Za-z0-9])+"
_JAPANESE_SPOKEN_EMAIL = re.compile(
    # (possessive, from a token's start only: a long token never backtracks)
    r"(?<![A-Za-z0-9_.-])[A-Za-z0-9][A-Za-z0-9_.-]*+(?:[ \t]*(?:ドット|アンダーバー|アンダースコア|ハイフン)[ \t]*[A-Za-z0-9]++)*+"
    rf"[ \t]*(?:アットマーク|アット)[ \t]*{_KANA_PART}(?:[ \t]*ドット[ \t]*{_KANA_PART})+"
)


class SpokenEmailRecognizer(SpanRecognizer):
    """An e-mail address read out word by word in a call, whatever the local part is made of: letters or their
    names ("pe el", "에이 에이치"), digits and numbers said in words ("siedemdziesiąt sześć", "칠구"), a name, the
    words for "." and "_" ("kropka", "점", "언더바"); then the word for "@", the domain in one to three words ("o
    dwa", "지메일") and, after the word for ".", its ending (a word, or two letters' names: "pe el"; or Korean's
    "닷컴" in one word). ``ObfuscatedEmailRecognizer`` reads the written and the simply spelled forms."""

    ENTITIES = ("EMAIL_ADDRESS",)

    def find(self, text: str) -> Iterable:
        from llm_assets.core.anonymization.gazetteers import current_language

        if "ット" in text:
            for m in _JAPANESE_SPOKEN_EMAIL.finditer(text):
                yield finding("EMAIL_ADDRESS", m.start(), m.end(), 0.8, self.name)
        words = list(WORD.finditer(text))
        ats = [k for k, w in enumerate(words) if w.group(0).lower() in _AT_WORDS]
        if not ats:
            return
        language = current_language()
        for k in ats:
            if k == 0 or not self._adjacent(text, words[k - 1], words[k]):
                continue
            end = self._domain_end(text, words, k)
            start = self._local_start(text, words, k, language) if end else None
            if start is not None:
                yield finding("EMAIL_ADDRESS", start, end, 0.8, self.name)

    @staticmethod
    def _adjacent(text: str, a: re.Match, b: re.Match) -> bool:
        return _SPOKEN_GAP.fullmatch(text, a.end(), b.start()) is not None

    def _domain_end(self, text: str, words: list, k: int) -> int | None:
        """Where a spoken address ends: after its ending (or a domain written with its dots), or None."""
        written = _WRITTEN_DOMAIN.match(text, words[k].end())
        if written:
            return written.end()
        one_word = words[k].group(0).lower() in _AMBIGUOUS_AT
        j, domain = k + 1, 0
        while j < len(words) and domain <= 3 and self._adjacent(text, words[j - 1], words[j]):
            low = words[j].group(0).lower()
            if _GLUED_KOREAN_ENDING.fullmatch(low) and domain:
                return words[j].end()
            if low in _DOT_WORDS and domain:
                break
            domain += 1
            j += 1
        else:
            return None
        if (one_word and domain > 1) or j + 1 >= len(words) or not self._adjacent(text, words[j], words[j + 1]):
            return None
        ending = words[j + 1]
        if len(ending.group(0)) > 12 or not ending.group(0).isalpha():
            return None
        end = ending.end()
        # an ending spelled by its letters' names: "kropka pe el"
        nxt = words[j + 2] if j + 2 < len(words) else None
        if (
            len(ending.group(0)) <= 2
            and nxt is not None
            and len(nxt.group(0)) <= 2
            and self._adjacent(text, ending, nxt)
        ):
            end = nxt.end()
        elif len(ending.group(0)) > 4 and not one_word:
            return None  # an address ends with a country's or a short generic ending: "com", "pl", "info"
        return end

    def _local_start(self, text: str, words: list, k: int, language: str) -> int | None:
        """Where the local part begins: back over spelled symbols and numbers, and at most one name-like word (two,
        joined by a spoken dot or underscore: "lukasz kropka zajac")."""
        from llm_assets.core.anonymization.gazetteers import zipf_in

        start, names, joined = None, 0, False
        i = k - 1
        while i >= 0 and k - i <= 30:
            if i < k - 1 and not self._adjacent(text, words[i], words[i + 1]):
                break
            tok = words[i].group(0)
            low = tok.lower()
            hangul = bool(re.match(r"\p{Hangul}", tok))
            if low in _SIGN_WORDS:
                joined = True
            elif (
                low in KOREAN_LETTER_NAMES
                or (hangul and all(c in KOREAN_DIGITS for c in tok))
                or tok.isdigit()
                or (not hangul and len(tok) <= 2)
                or number_word(tok, language)
            ):
                pass
            elif (
                not hangul
                and (tok.isalpha() or _HANDLE_WORD.fullmatch(tok))
                and zipf_in(low, language) < 3.5
                and (names == 0 or joined)
            ):
                names += 1  # a name, or a handle of letters and digits ("yoon758")
                joined = False
            else:
                break
            start = words[i].start()
            i -= 1
        # never open on a spoken dot or underscore
        while start is not None and words[i + 1].group(0).lower() in _SIGN_WORDS and i + 1 < k - 1:
            i += 1
            start = words[i + 1].start()
        return start
