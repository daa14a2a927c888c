"""Text helpers shared by the recognizers: normalization, words with offsets, capitalized runs, case variants."""

from __future__ import annotations

import contextlib
import contextvars
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import regex

# Invisible format characters (zero-width space/joiners, word joiner, BOM, soft hyphen, bidi marks) split a value
# for a regex while a reader, and a language model, still sees it whole: they go before analysis.
_INVISIBLE_RE = regex.compile(r"\p{Cf}")


def cue_pattern(words: Iterable[str]) -> regex.Pattern:
    """Any of ``words`` as a whole word, case-insensitive."""
    alternatives = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    return regex.compile(r"(?<!\w)(?:" + "|".join(regex.escape(w) for w in alternatives) + r")(?!\w)", regex.IGNORECASE)


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters, ligatures, non-breaking spaces become plain ones), invisible characters
    removed, line endings unified. What the anonymized zone stores, and what every offset refers to."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE_RE.sub("", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Korean writes its particles and endings onto the word before them, a number or a Latin name too ("47205요",
# "Haeun Shin이고요", "010-3636-9260입니다"): to the patterns the value then runs on into a word. The copy the
# recognizers read has them as spaces (the same length, so every offset holds); the text itself keeps them.
_PARTICLES_AFTER = (
    r"(?:이었습니다|였습니다|이었어요|였어요|이에요|입니다|이고요|인데요|이거든요|이요|예요|고요|으로요|으로|이랑|하고|요|로|랑|"
    r"은|는|을|를|이|가|에|도|만)"
)
_GLUED_PARTICLE = regex.compile(
    rf"(?:(?<=[0-9A-Za-z)]){_PARTICLES_AFTER}"
    # after three or more digits read out in Sino-Korean ("영오칠일영요"): an ending without a digit's syllable
    r"|(?<=(?<![\p{Hangul}])[공영일이삼사오육칠팔구]{3,})(?:입니다|인데요|예요|에요|고요|요|에|으로|로))(?![\p{Hangul}])"
)


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit of another script as its ASCII digit (same length): Arabic-Indic,
    Persian, Devanagari and the others ("١٢١٥٤٩٣٤١٠" is a national ID to the patterns that read 0-9)."""
    if text.isascii() or not _OTHER_DIGIT.search(text):
        return text
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(0))), text)


_OTHER_DIGIT = regex.compile(r"(?![0-9])\p{Nd}")


def unglue_particles(text: str) -> str:
    """``text`` with the Korean particles glued to a number or a Latin word as spaces (same length)."""
    if not HANGUL.search(text):
        return text
    return _GLUED_PARTICLE.sub(lambda m: " " * len(m.group(0)), text)


HANGUL = regex.compile(r"\p{Hangul}")

# Chinese and Japanese write a number or a code straight after the particle or copula before it and before the one
# after it ("身份证号是110105195008026375。", "番号は300258880372です", "写着pdza745012502156000"): to a pattern's
# word boundaries the value then runs on into the words. The copy the recognizers read has such a function character
# on either side of a run of five digits or more as a space, as for Korean particles; the text itself keeps it. A
# noun glued to the number stays ("发票95123950", "法人番号6869034080999"): it is the label the context rules read.
_CJK_FUNCTION = r"\p{Hiragana}是为為叫在着著了的到和及或吗嗎呢吧啊呀哦"
_CJK_FUNCTION_CHAR = regex.compile(rf"[{_CJK_FUNCTION}]")
# a run of Latin letters, digits and inner separators, read once from left to right (linear on a long token)
_LATIN_RUN = regex.compile(r"[0-9A-Za-z][0-9A-Za-z./-]*+")


def unglue_cjk(text: str) -> str:
    """``text`` with a Chinese or Japanese particle or copula glued to a run of five digits or more as a space (same
    length)."""
    if not regex.search(r"[\p{Han}\p{Hiragana}]", text):
        return text
    chars = list(text)
    for m in _LATIN_RUN.finditer(text):
        run = m.group(0).rstrip("./-")
        if sum(c.isdigit() for c in run) < 5:
            continue
        for i in (m.start() - 1, m.start() + len(run)):
            if 0 <= i < len(chars) and _CJK_FUNCTION_CHAR.fullmatch(chars[i]):
                chars[i] = " "
    return "".join(chars)


# words with inner hyphens ("Jean-Luc") and a one-letter prefix's apostrophe ("O'Neil", "d'Ávila"); clitics ("'s",
# "'m") stay outside
WORD = re.compile(
    r"[^\W_](?:(?<=\b[^\W\d_])['’](?!(?:s|m|re|ll|ve|d|t)\b)(?=[^\W_])|[\w]|-(?=[^\W_]))*", re.UNICODE | re.IGNORECASE
)
# lower-case words that sit inside names of people and places ("Ludwig van Beethoven", "Rocca de' Giorgi")
PARTICLES = frozenset(
    "van von der den de del della di da das dos du la le les lo al el bin ibn ben y e zu ter ten af av st".split()
)


def reads_as_speech(value: str) -> bool:
    """Whether what follows a label reads as someone speaking rather than as a name: five words or more, a sentence's
    end, or two words in small letters that are no name particles ("oui, j'ai quarante-huit ans")."""
    words = value.split()
    if len(words) >= 5 or (len(words) >= 2 and value.rstrip()[-1:] in ".?!"):
        return True
    # scripts written without spaces: a clause is many letters, or has a comma or a full stop of its own
    unspaced = regex.findall(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]", value)
    if len(unspaced) >= 6 or (unspaced and regex.search(r"[，。！？、]", value)):
        return True
    small = [w for w in words if w[:1].islower() and w.strip(",;") not in PARTICLES]
    return len(small) >= 2


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str

    @property
    def capitalized(self) -> bool:
        t = self.text
        return t[0].isupper() and (len(t) == 1 or not t[1:].isupper() or len(t) <= 2)


def words(text: str) -> list[Word]:
    return [Word(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def gap(text: str, a: Word, b: Word) -> str:
    return text[a.end : b.start]


def capitalized_runs(text: str, ws: list[Word] | None = None, max_len: int = 6) -> list[list[Word]]:
    """Maximal runs of capitalized words on one line, joined by single spaces, hyphens, apostrophes or an initial's
    period ("Jean-Luc", "S. Myller", "O'Neil"), with name particles inside ("Rocca de' Giorgi")."""
    ws = words(text) if ws is None else ws
    runs: list[list[Word]] = []
    current: list[Word] = []
    for w in ws:
        if current:
            between = gap(text, current[-1], w)
            joined = between in (" ", ". ", "' ", "’ ") or (between == "." and len(current[-1].text) == 1)
            if joined and (w.capitalized or (w.text in PARTICLES and len(current) < max_len)):
                current.append(w)
                continue
            runs.append(current)
            current = []
        if w.capitalized:
            current = [w]
    if current:
        runs.append(current)
    # particles cannot end a run
    out = []
    for run in runs:
        while run and run[-1].text in PARTICLES:
            run = run[:-1]
        if run:
            out.append(run)
    return out


def line_of(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, (len(text) if end < 0 else end)


def before(text: str, pos: int, chars: int = 40) -> str:
    return text[max(0, pos - chars) : pos]


def mostly_capitalized(text: str) -> bool:
    """Every word capitalized: a heading, a title-cased copy of a lower-case text, or a line of names."""
    ws = [w for w in WORD.findall(text) if w[0].isalpha()]
    return len(ws) >= 4 and sum(w[0].isupper() for w in ws) >= 0.9 * len(ws)


def case_variant(text: str) -> tuple[str, list[tuple[int, int]]] | None:
    """A copy of ``text`` in which every line written in ALL CAPS or all lower case is title-cased (same length, so
    offsets carry over), with the spans of the lines it changed; None when no line needs it. Named-entity models and
    capitalization rules need the capitals to see names; a line with ordinary casing ("The webhook fired twice.")
    keeps its own, so a pasted lower-case chat in a well-written e-mail gets its second look and the e-mail does not."""
    out, changed, pos = [], [], 0
    for line in text.split("\n"):
        letters = [c for c in line if c.isalpha()]
        variant = line
        if len(letters) >= 8:
            upper = sum(c.isupper() for c in letters) / len(letters)
            if upper == 0 or upper >= 0.85:
                titled = line.title()
                if len(titled) == len(line):
                    variant = titled
                    changed.append((pos, pos + len(line)))
        out.append(variant)
        pos += len(line) + 1
    return ("\n".join(out), changed) if changed else None


# The lines of the text under analysis that its case variant title-cased, set by the engine for that second look:
# there capitals say nothing, even where the other lines of a chat or a form keep theirs.
_TITLE_CASED: contextvars.ContextVar[tuple[tuple[int, int], ...]] = contextvars.ContextVar("title_cased", default=())


@contextlib.contextmanager
def title_cased_lines(lines: Iterable[tuple[int, int]]) -> Iterator[None]:
    token = _TITLE_CASED.set(tuple(lines))
    try:
        yield
    finally:
        _TITLE_CASED.reset(token)


def title_cased_at(pos: int) -> bool:
    """Whether ``pos`` lies on a line that the case variant title-cased."""
    return any(s <= pos < e for s, e in _TITLE_CASED.get())


# a shop's support desk named in an agent's signature ("Служба підтримки ГаджетПро", "Sepetim Müşteri Hizmetleri"):
# the company answering, no customer's employer, and no person's name on the line after a valediction
SUPPORT_DESK = regex.compile(
    r"(?i:customer (?:service|support|care)|support team|help ?desk|kundenservice|kundendienst|service client|"
    r"servicio al cliente|atención al cliente|assistenza clienti|atendimento ao cliente|klantenservice|"
    r"obsługa klienta|biuro obsługi|kundtjänst|kundeservice|asiakaspalvelu|zákaznick|ügyfélszolgálat|"
    r"relații clienți|müşteri hizmetleri|служба підтримки|служба поддержки|εξυπηρέτηση πελατών|chăm sóc khách hàng|"
    r"layanan pelanggan)|خدمة عملاء|خدمة العملاء|שירות הלקוחות|שירות לקוחות|پشتیبانی|ग्राहक सेवा|ฝ่ายบริการลูกค้า|"
    r"客服|客戶服務|客户服务|カスタマー|サポート|고객센터|고객지원"
)
