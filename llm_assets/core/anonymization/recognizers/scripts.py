"""Names in any script and in family-name-first order: 王伟, 佐藤 太郎, 김민준, Иван Петров, محمد علي, "WANG Wei".

- Space-delimited scripts (Cyrillic, Greek, Arabic, Hebrew, Devanagari, Bengali, Georgian, Armenian ...): runs of up
  to three words of one script that the name lists know as first or last names.
- Han, kana and Hangul, written without spaces: a family name from the name lists followed by a given name, or the
  characters before an honorific (様, さん, 先生, 女士, 씨, 님 ...) or after a name label (姓名, 氏名, 이름 ...).
- In a text written mostly in Latin letters, a short run of another script is a name or an address far more often
  than anything else: a run of two to four Han/Hangul/kana characters starting with a family name counts, and so
  does any word of another script that the name lists know.
- Latin family-name-first: an upper-case family name and a given name ("WANG Wei", "NGUYEN Thi Lan").
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.gazetteers import Gazetteers, fold
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding
from llm_assets.core.entities import PERSON

_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}ー々"
_CJK_RUN = re.compile(rf"[{_CJK}]+(?:[ \u3000][{_CJK}]+)?")
_OTHER_WORD = re.compile(r"[\p{L}\p{M}]+(?:['’\-][\p{L}\p{M}]+)*")
# (Japanese honours a thing or a role with お/ご before it, "お客様", "ご主人様", "お子さん": no name)
_HONORIFIC_AFTER = re.compile(
    rf"(?P<name>(?![おご]\p{{Han}})[{_CJK}]{{2,3}})(?:[ \u3000])?(?:様|さま|さん|氏|殿|先生|女士|小姐|先生|君|ちゃん|씨|님|고객님|선생님)"
)
_LABEL_BEFORE = re.compile(
    rf"(?:姓名|氏名|名前|お名前|名字|联系人|聯絡人|收件人|收货人|客户|客戶|이름|성명|고객명|担当者|ご担当)\s*[:：]?\s*"
    rf"(?P<name>[{_CJK}]{{2,4}}(?:[ \u3000][{_CJK}]{{1,3}})?)"
)
# "my name is" (not "I am": "我是一台机器" is "I am a machine")
_SELF_INTRO = re.compile(
    rf"(?:我叫|我的名字是|我的名字叫|私の名前は|名前は|제 이름은|내 이름은)\s*(?P<name>[{_CJK}]{{2,4}})"
)
_CAPS_FAMILY_FIRST = re.compile(
    r"(?<![\p{L}\p{N}])(?P<family>\p{Lu}{2,}(?:-\p{Lu}{2,})?)\s+(?P<given>\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+){0,2})(?![\p{L}])"
)


# jieba's parts of speech for proper nouns: people, places, organizations, other names, abbreviations (often of
# places: "北投"), and words it does not know
_PROPER_TAGS = frozenset({"nr", "nrfg", "nrt", "ns", "nt", "nz", "j", "x"})
EVERYDAY_HAN_ZIPF = 4.0  # a Chinese word this common is no name: 玩笑 4.1, 下午 5.0 (names: 李明 3.7, 陳志強 2.3)
SURE_WORD_ZIPF = 4.5  # jieba knows simplified characters best: a traditional 謝謝 (5.2) it guesses a name


@functools.lru_cache(maxsize=20_000)
def chinese_words(run: str) -> tuple[tuple[int, int, str, str], ...] | None:
    """A Han run cut into words by jieba, each (start, end, word, part-of-speech tag); None without jieba."""
    try:
        import jieba
        import jieba.posseg
    except ImportError:
        return None
    jieba.setLogLevel(60)  # its dictionary-loading messages
    out, pos = [], 0
    for w in jieba.posseg.cut(run, HMM=True):
        out.append((pos, pos + len(w.word), w.word, w.flag))
        pos += len(w.word)
    return tuple(out)


@functools.lru_cache(maxsize=50_000)
def chinese_zipf(word: str) -> float:
    """How common a word is in Chinese (wordfreq, which segments Chinese with jieba); 0 without jieba."""
    from wordfreq import zipf_frequency

    try:
        return zipf_frequency(word, "zh")
    except ImportError:
        return 0.0


@functools.lru_cache(maxsize=20_000)
def everyday_chinese(run: str) -> bool:
    """Whether a short run of Han characters is everyday Chinese (a joke, "afternoon", "thank you") rather than a
    name or a place: common in Chinese (wordfreq, segmented by jieba) and no word of it tagged as a proper noun by
    jieba's part-of-speech tagger. A run with kana or Hangul, or text without jieba installed, is not judged."""
    parts = [p for p in re.split(r"[ \u3000]", run) if p]
    if not parts or not all(re.fullmatch(r"\p{Han}+", p) for p in parts):
        return False
    for part in parts:
        words = chinese_words(part)
        if words is None or chinese_zipf(part) < EVERYDAY_HAN_ZIPF:
            return False
        if any(flag in _PROPER_TAGS and chinese_zipf(word) < SURE_WORD_ZIPF for _, _, word, flag in words):
            return False
    return True


# a speaker's or a field's label at a line's start, after a time stamp if any ("[00:01:53] Speaker 1: ")
_LINE_LABEL = re.compile(r"(?m)^(?:[\[(]?[\d:./ -]{4,24}[\])]?[ \t]*)?[^:\n]{1,40}:[ \t]")


# what ends a clause after a name said alone ("我叫许洋。"): after "my name is" the whole run is the name
_CLAUSE_END = re.compile(r"[ \t]*(?:[，,。.！!？?、；;]|$)", re.MULTILINE)


def _speaker_label(text: str, m: re.Match) -> bool:
    """Whether the label of ``_LABEL_BEFORE``'s match opens two lines or more of the text: a speaker's, in a
    conversation."""
    label = text[m.start() : m.start("name")].strip(" \t:：")
    line_start = text.rfind("\n", 0, m.start()) + 1
    if not label or not re.fullmatch(r"[\s\[\]\d:.,-]*", text[line_start : m.start()]):
        return False
    opens = re.compile(rf"(?m)^[ \t]*(?:\[[^\]\n]*\][ \t]*)?{re.escape(label)}[ \t]*[:：]")
    return len(opens.findall(text)) >= 2


def _without_speakers(text: str) -> str:
    """The text without the labels of speakers who talk on several lines (a form's keys stay: they are the text's)."""
    labels = [m.group(0).split("]")[-1].strip(" \t:") for m in _LINE_LABEL.finditer(text)]
    counts = {label: labels.count(label) for label in labels}
    return _LINE_LABEL.sub(
        lambda m: "" if counts.get(m.group(0).split("]")[-1].strip(" \t:"), 0) >= 2 else m.group(0), text
    )


_KANA_OR_HANGUL = re.compile(r"[\p{Hiragana}\p{Katakana}\p{Hangul}]")
_HAN_RUN = re.compile(r"\p{Han}+")
_NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})  # jieba's tags for a person's name
_ZH_TITLES = frozenset({"女士", "小姐", "先生", "太太", "老师", "夫人"})
# jieba's tags for pronouns, numerals, measure words, adverbs, prepositions, conjunctions, particles, verbs, adjectives
_FUNCTION_TAGS = frozenset({"r", "rz", "rr", "m", "mq", "q", "d", "p", "c", "u", "uj", "ul", "v", "a", "f", "t"})
CHINESE_NAME_MAX_ZIPF = 4.0  # a word this common is an everyday word jieba took for a name (谢谢 5.2, 令人 4.8)
# a word that opens with an everyday word is a compound of it ("银行卡": bank + card, which jieba tags as a name), not
# a family name and a given name: no name of 3,511 drawn by Faker's zh_CN provider opens with a word this common
CHINESE_COMPOUND_HEAD_ZIPF = 5.0


def _chinese_name_part(run: str, from_end: bool) -> tuple[int, int] | None:
    """The name at one end of a Han run next to a title or after a label: jieba's words from that end while they
    are names (or a lone character that is no function word), as (start, end) in the run; None when there is none
    (or without jieba: the whole run)."""
    words = chinese_words(run)
    if words is None:
        return 0, len(run)
    kept = []
    for start, end, word, flag in reversed(words) if from_end else words:
        name = flag in _NAME_TAGS and chinese_zipf(word) < CHINESE_NAME_MAX_ZIPF
        lone = len(word) == 1 and flag not in _FUNCTION_TAGS
        if not (name or lone):
            break
        kept.append((start, end))
    if not kept:
        return None
    return min(s for s, _ in kept), max(e for _, e in kept)


def _chinese_names(text: str, recognizer: str) -> Iterable:
    """Names in Chinese prose, found by jieba's part-of-speech tagger (a dictionary and a hidden Markov model for
    words it does not know): a word of two to four characters tagged as a person's name, and not an everyday word.
    Only in text without kana or Hangul (jieba reads Chinese, not Japanese or Korean)."""
    for m in _HAN_RUN.finditer(text):
        previous = None
        for start, end, word, flag in chinese_words(m.group(0)) or ():
            start, end = m.start() + start, m.start() + end
            if (
                flag in _NAME_TAGS
                and 2 <= len(word) <= 4
                and chinese_zipf(word) < CHINESE_NAME_MAX_ZIPF
                and not (len(word) >= 3 and chinese_zipf(word[:2]) >= CHINESE_COMPOUND_HEAD_ZIPF)
            ):
                yield finding(PERSON, start, end, 0.7, recognizer)
            elif (
                word in _ZH_TITLES
                and previous is not None
                and len(previous[0]) == 1
                and previous[1] not in _FUNCTION_TAGS
            ):
                # a family name alone before "Ms", "Mr" or "Miss": "罗女士", "伍小姐" (not "这位女士", "this lady")
                yield finding(PERSON, start - 1, start, 0.7, recognizer)
            previous = (word, flag)


_HANGUL = re.compile(r"\p{Hangul}")
# the particles a Korean noun takes (subject, topic, object, possessive, "to", "too", "with" ...) and the copula's
# forms; what may follow a name inside its word is a title, then one of them ("김민준씨가", "박서연입니다",
# "이지은이라고"); anything else makes it another word ("주문하신" is "ordered", not 주 + 문하)
KOREAN_PARTICLES = r"이|가|은|는|을|를|의|에게|에|한테|께|께서|도|만|랑|이랑|하고|와|과|이나|나|로|으로"
KOREAN_COPULAS = (
    r"입니다|이에요|예요|이예요|이고|이며|이야|야|이다|이라고|라고|이라는|라는|이요|요|인데요|인데|이었어요|였어요|"
    r"이거든요|거든요|이라서|라서|이세요"
)
_KOREAN_PARTICLE = re.compile(rf"(?:{KOREAN_PARTICLES})$")
_KOREAN_AFTER_NAME = re.compile(
    r"(?:씨|님|군|양|고객님|고객|회원님|선생님|기사님|과장님?|부장님?|대리님?|팀장님?|사원|주임|차장님?|실장님?|"
    rf"대표님?|매니저님?|이사님?)?(?:{KOREAN_PARTICLES}|{KOREAN_COPULAS})?"
)


def _word_rest(run: str, end: int) -> str:
    """The rest of the Korean word (up to a space) that ``end`` is inside."""
    stop = len(run)
    for sep in (" ", "\u3000"):
        k = run.find(sep, end)
        if k >= 0:
            stop = min(stop, k)
    return run[end:stop]


_KOREAN_TITLE = re.compile(r"(?:고객|회원)?(?:님|씨|선생님|사장님|기사님)(?:께|께서|이|은|는|을|의)?|고객")
_KOREAN_ROLE_BEFORE = re.compile(
    r"(?:담당자|담당|고객|고객명|상담원|상담사|이름|성명|성함|수령인|받는분|보내는분|대표|과장|부장|대리|팀장|사원|주임|차장|"
    r"실장|매니저|기사님|기사|님|씨|팀|[:：])$"
)
EVERYDAY_KOREAN_ZIPF = 4.0  # a word this common is no name: 배송 4.6, 택배 4.2 (given names: 서연 3.6, 민준 3.1)
EVERYDAY_KOREAN_ENDING_ZIPF = 4.5  # "given names" that are verb endings (세요 6.1) or particles


@functools.cache
def _frequencies(language: str) -> dict[str, float]:
    """wordfreq's Korean or Japanese words (MeCab-segmented morphemes), looked up as they are: its own lookup needs
    MeCab."""
    try:
        from wordfreq import get_frequency_dict

        return get_frequency_dict(language)
    except (ImportError, LookupError, ValueError):
        return {}


def _zipf(word: str, language: str) -> float:
    import math

    frequency = _frequencies(language).get(word, 0.0)
    return math.log10(frequency * 1e9) if frequency else 0.0


def korean_zipf(word: str) -> float:
    return _zipf(word, "ko")


def japanese_zipf(word: str) -> float:
    return _zipf(word, "ja")


def everyday_korean(candidate: str, given: str) -> bool:
    """Whether a family syllable and a given name the lists know are an everyday Korean word instead: the word (or
    the word before its particle) is common, or the "given name" is an ending or a particle."""
    stem = _KOREAN_PARTICLE.sub("", candidate)
    if stem in ("성함", "성명", "이름"):  # the words for "name" themselves ("성함 한 글자씩 불러주시겠어요?")
        return True
    return (
        max(korean_zipf(candidate), korean_zipf(stem) if len(stem) >= 2 else 0.0) >= EVERYDAY_KOREAN_ZIPF
        or korean_zipf(given) >= EVERYDAY_KOREAN_ENDING_ZIPF
    )


def east_asian(word: str) -> bool:
    """Written in a wide East Asian script (Han ideographs, kana, Hangul): its first letter is of full width, the
    Unicode property those scripts share (text is NFKC-normalized first, so full-width Latin is no longer wide)."""
    letter = next((ch for ch in word if ch.isalpha()), "")
    return bool(letter) and unicodedata.east_asian_width(letter) in ("W", "F")


def script_of(word: str) -> str:
    for ch in word:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            return name.split(" ")[0] if name else "?"
    return ""


class ScriptNameRecognizer(SpanRecognizer):
    ENTITIES = (PERSON,)

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.g = gazetteers
        # two-character family names the lists rank (Japanese mostly); Korean ones from the full names' first syllable
        self._cjk_family = {
            n for n, rank in gazetteers.last_names.items() if len(n) == 2 and _is_cjk(n) and rank <= 500
        }
        self._cjk_family |= set(gazetteers.hangul_family)

    def _known(self, word: str) -> bool:
        key = fold(word)
        return key in self.g.first_names or key in self.g.last_names

    def find(self, text: str) -> Iterable:
        # what the speakers say, not their labels: "Speaker 1:" and "Agent:" make no Korean call a Latin text
        said = _without_speakers(text)
        letters = [c for c in said if c.isalpha()]
        latin_share = sum("LATIN" in unicodedata.name(c, "") for c in letters) / max(1, len(letters))
        mostly_latin = latin_share >= 0.6
        yield from self._cjk(text, mostly_latin)
        yield from self._other_scripts(text, mostly_latin)
        for m in _CAPS_FAMILY_FIRST.finditer(text):
            family, given = m.group("family"), m.group("given").split()[0]
            if (
                fold(family) in self.g.last_names
                and (fold(given) in self.g.first_names or self.g.zipf(given) < 2.5)
                and self.g.zipf(family) < 4.0
            ):
                yield finding(PERSON, m.start(), m.end(), 0.8, self.name)

    def _cjk(self, text: str, mostly_latin: bool) -> Iterable:
        chinese = not _KANA_OR_HANGUL.search(text)
        for pattern in (_HONORIFIC_AFTER, _LABEL_BEFORE, _SELF_INTRO):
            for m in pattern.finditer(text):
                start, end = m.start("name"), m.end("name")
                if pattern is _LABEL_BEFORE and _speaker_label(text, m):
                    continue  # "担当者: はい" is the person in charge speaking, not a field naming them
                if re.fullmatch(r"[\p{Hiragana}ー]+", m.group("name")):
                    continue  # names are written in kanji or katakana; a word in hiragana is grammar ("はい")
                if _HANGUL.match(text, start) and (
                    _HANGUL.match(text, start - 1)
                    and start
                    or korean_zipf(m.group("name")) >= EVERYDAY_KOREAN_ENDING_ZIPF
                ):
                    continue  # a Korean name is a word of its own, and no everyday one ("고객님": "customer" + title)
                said_alone = (
                    pattern is _SELF_INTRO
                    and len(m.group("name")) <= 3
                    and _CLAUSE_END.match(text, end)
                    # "我叫外卖了" ("I ordered a takeaway"): a verb or a particle is no part of a name
                    and not any(flag in _FUNCTION_TAGS for *_, flag in chinese_words(m.group("name")) or ())
                )
                if chinese and re.fullmatch(r"\p{Han}+", m.group("name")) and not said_alone:
                    # Chinese runs on: of "谢谢伍" before 小姐 only "伍" is a name, "这位" ("this") before 女士 none
                    kept = _chinese_name_part(m.group("name"), from_end=pattern is _HONORIFIC_AFTER)
                    if kept is None:
                        continue
                    start, end = start + kept[0], start + kept[1]
                yield finding(PERSON, start, end, 0.85, self.name)
        for m in _CJK_RUN.finditer(text):
            run = m.group(0)
            compact = run.replace(" ", "").replace("\u3000", "")
            if (
                mostly_latin
                and 2 <= len(compact) <= 5
                and _among_latin(text, m.start(), m.end())
                and not everyday_chinese(run)
                and not _chinese_clause(run)
            ):
                # among Latin text a short run of Han, kana or Hangul is a name (or a place: either way it goes)
                yield finding(PERSON, m.start(), m.end(), 0.75, self.name)
            elif not mostly_latin:
                yield from self._in_cjk_prose(text, m.start(), run)
        if not mostly_latin and not _KANA_OR_HANGUL.search(text):
            yield from _chinese_names(text, self.name)

    def _in_cjk_prose(self, text: str, offset: int, run: str) -> Iterable:
        """Inside CJK prose: a family name followed by a given name the lists know ("김민준", "佐藤 太郎"). Korean
        separates its words by spaces, and a name opens its word ("박서연입니다"): a family syllable inside a word
        ("안녕하세요") starts none, and neither does an everyday word ("배송이", "delivery" + its particle; "안
        왔어요", "not" + "came")."""
        parts = re.split(r"[ \u3000]", run)
        if (
            len(parts) == 2
            and parts[0] in self._cjk_family
            and 1 <= len(parts[1]) <= 3
            and (not _HANGUL.search(run) or fold(parts[1]) in self.g.first_names)
        ):
            yield finding(PERSON, offset, offset + len(run), 0.75, self.name)
            return
        if len(parts) == 2 and parts[0] in self._cjk_family and _KOREAN_TITLE.fullmatch(parts[1]):
            yield finding(PERSON, offset, offset + len(parts[0]), 0.75, self.name)  # "김 고객님": the family name
            return
        for i in range(len(run) - 1):
            hangul = _HANGUL.match(run, i) is not None
            # inside a word only after a role or a label glued to it ("담당자김민준", a table's cells run together)
            if hangul and i and run[i - 1] not in " \u3000" and not _KOREAN_ROLE_BEFORE.search(run, 0, i):
                continue
            for size in (2, 1):
                family = run[i : i + size]
                if family not in self._cjk_family:
                    continue
                for given_len in (2, 3, 1):
                    given = run[i + size : i + size + given_len]
                    if len(given) != given_len or fold(given) not in self.g.first_names:
                        continue
                    if hangul and (
                        everyday_korean(run[i : i + size + given_len], given)
                        or not _KOREAN_AFTER_NAME.fullmatch(_word_rest(run, i + size + given_len))
                    ):
                        break
                    yield finding(PERSON, offset + i, offset + i + size + given_len, 0.7, self.name)
                    break

    def _other_scripts(self, text: str, mostly_latin: bool) -> Iterable:
        words = [
            w
            for w in _OTHER_WORD.finditer(text)
            if script_of(w.group(0)) not in ("LATIN", "") and not east_asian(w.group(0))
        ]
        i = 0
        while i < len(words):
            run = [words[i]]
            script = script_of(words[i].group(0))
            while (
                len(run) < 3
                and i + len(run) < len(words)
                and script_of(words[i + len(run)].group(0)) == script
                and text[run[-1].end() : words[i + len(run)].start()] in (" ", "\u00a0")
            ):
                run.append(words[i + len(run)])
            size = len(run)
            # a name the lists know, unless it is an everyday word of its language (the lists hold some of those)
            known = [self._known(w.group(0)) and zipf_of_script(w.group(0), script) < 4.5 for w in run]
            # inside prose of that script a name needs two known words (given + family); among Latin text one will
            # do, unless it is an everyday word of its language ("שלום" is a name and a greeting)
            rare = [k and zipf_of_script(w.group(0), script) < 4.0 for w, k in zip(run, known, strict=True)]
            # among Latin text, words of another script that are no everyday words of it are a name or a place
            # whatever the lists know (Georgian, Tamil, Bengali names are few there); a script without word
            # frequencies has only the run's shape to go by
            everyday = 4.5 if len(run) >= 2 else 3.5  # two or three such words together are a full name
            foreign = all(len(w.group(0)) >= 2 and zipf_of_script(w.group(0), script) < everyday for w in run) and (
                has_frequencies(script) or len(run) >= 2  # one Thai "word" is a phrase written without spaces
            )
            if (mostly_latin and (any(rare) or sum(known) >= 2 or foreign)) or (sum(known) >= 2 and len(run) >= 2):
                start, end = run[0].start(), run[-1].end()
                if not mostly_latin:  # trim words the lists do not know from the edges
                    while run and not self._known(run[0].group(0)):
                        run = run[1:]
                    while run and not self._known(run[-1].group(0)):
                        run = run[:-1]
                    start, end = run[0].start(), run[-1].end()
                yield finding(PERSON, start, end, 0.75, self.name)
            i += size


# the languages whose word frequencies say whether a word of a script is an everyday word (wordfreq's codes)
_SCRIPT_LANGUAGES = {"HEBREW": ("he",), "ARABIC": ("ar", "fa", "ur"), "CYRILLIC": ("ru", "uk", "bg", "mk"),
                     "GREEK": ("el",), "DEVANAGARI": ("hi",), "BENGALI": ("bn",), "TAMIL": ("ta",)}  # fmt: skip


def has_frequencies(script: str) -> bool:
    """Whether word frequencies tell apart an everyday word of this script and a name (not for Thai, Georgian...)."""
    return script in ("LATIN", "") or script in _SCRIPT_LANGUAGES


def word_zipf(gazetteers: Gazetteers, word: str) -> float:
    """How common a word is in its own language, in any script with word frequencies (English or the text's language
    for Latin words; the script's languages otherwise: a Greek greeting is an everyday word, not a name)."""
    script = script_of(word)
    if script in ("LATIN", ""):
        return gazetteers.zipf(word)
    if script == "HANGUL":  # (wordfreq reads Korean only through a tokenizer it does not ship: our own counts)
        stem = _KOREAN_PARTICLE.sub("", word) or word  # "이름은" is "이름" with its topic particle
        return max(gazetteers.zipf(word), korean_zipf(word), korean_zipf(stem))
    return max(gazetteers.zipf(word), zipf_of_script(word, script))


def zipf_of_script(word: str, script: str) -> float:
    from llm_assets.core.anonymization.gazetteers import zipf_in

    return max((zipf_in(word, lang) for lang in _SCRIPT_LANGUAGES.get(script, ())), default=0.0)


# after a speaker label ("ana (12:50): ", "<ana> "); a sentence's punctuation, in either script
_TURN_START = re.compile(r"(?:[:>\]）：][ \t\u3000]+|\t)")
_SENTENCE_MARK = re.compile(r"[.!?。！？，、…~]")


# a pronoun, an adverb, a preposition, a conjunction, a particle or a verb: a clause's words, no name's
_CLAUSE_TAGS = frozenset({"r", "rr", "rz", "d", "p", "c", "u", "uj", "ul", "v"})


def _chinese_clause(run: str) -> bool:
    """Whether a short run of Han characters is a clause ("你不诚实", "那也许是"): it opens with a common pronoun,
    or two of its words are common pronouns, adverbs, prepositions, conjunctions, particles or verbs (not
    "加古川市", whose first character is a verb too)."""
    if not re.fullmatch(r"\p{Han}+", run):
        return False
    words = [(word, flag) for _, _, word, flag in chinese_words(run) or () if chinese_zipf(word) >= 4.5]
    clause = [word for word, flag in words if flag in _CLAUSE_TAGS]
    return len(clause) >= 2 or bool(words and words[0][1] in ("r", "rr", "rz") and run.startswith(words[0][0]))


def _among_latin(text: str, start: int, end: int) -> bool:
    """Whether a run of Han, kana or Hangul in a mostly Latin text is taken as a name: yes, unless it stands in a
    conversation's turn that reads as a sentence ("chenmei (12:50): 你還好嗎?", a chat in Chinese between users
    with Latin handles); a line of its own ("北投路80號" in a signature) or a bare answer ("鄭金鳳") stays a name."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    turn_start = None
    for m in _TURN_START.finditer(text, line_start, start):
        turn_start = m.end()
    if turn_start is None:
        return True
    return not _SENTENCE_MARK.search(text[turn_start:line_end])


def _is_cjk(name: str) -> bool:
    return all(east_asian(c) for c in name)
