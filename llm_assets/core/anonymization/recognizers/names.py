"""People's names beyond what a small NER model finds: by name lists, by the words around them, and by where
e-mails and letters put them (headers, greetings, signatures, credits, field labels)."""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.gazetteers import Gazetteers, current_language, fold, zipf_any
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding
from llm_assets.core.anonymization.recognizers.numbers import WEEKDAYS
from llm_assets.core.anonymization.recognizers.scripts import (
    EVERYDAY_KOREAN_ZIPF,
    everyday_chinese,
    japanese_zipf,
    korean_zipf,
)
from llm_assets.core.anonymization.recognizers.spoken_dates import is_month_word
from llm_assets.core.anonymization.text import (
    PARTICLES,
    SUPPORT_DESK,
    Word,
    capitalized_runs,
    mostly_capitalized,
    reads_as_speech,
    title_cased_at,
    words,
)
from llm_assets.core.entities import PERSON

HONORIFICS = (
    "Mr Mrs Ms Miss Mx Dr Prof Sir Dame Lady Lord Rev Revd Fr Sr Sra Srta Herr Frau Mme Mlle Dott Ing Mag Hr Fru Pan "
    "Pani Pana Panu Panem Panią Panie Sig Signor Signora Señor Señora Senhor Senhora Monsieur Madame Mister Missus Doctor Professor Captain Capt "
    "Col Gen Lt Sgt Hon Judge Justice Rabbi Imam Father Sister Brother Mrs. Ms. Doutor Doutora Dottore Dottoressa "
    "Doktor Doamna Domnul Doamnei Domnului Kyrios Kyria"
).split()
_HONORIFIC = r"(?:" + "|".join(sorted({re.escape(h.rstrip(".")) for h in HONORIFICS}, key=len, reverse=True)) + r")"
# a capitalized word of the Latin script, its extended letters too ("Łukasz", "Wiśniewską", "Şahin", "Dvořák")
_UPPER, _LOWER = r"(?:(?=\p{Latin})\p{Lu})", r"(?:(?=\p{Latin})[\p{Ll}\p{M}])"
_NAME_WORD = rf"{_UPPER}(?:{_LOWER}|['’\-]|{_UPPER}(?={_LOWER}))+"
_INITIAL = r"[A-Z]\.?"
NAME_RUN = rf"{_NAME_WORD}(?:[ \t]+(?:(?:{'|'.join(sorted(PARTICLES))})[ \t]+)?(?:{_NAME_WORD}|{_INITIAL})){{0,3}}"
# Words that put a name right after them ("Hi Ana", "name is Ana", "call me Ana", "my daughter Ana").
# A greeting's name is on its own line ("Hi Ana,"); a word on the next line begins the message ("Hi,\nYou are ...").
NAME_CUES = re.compile(
    r"(?i:\b(?:hi|hello|hey|dear|greetings)\.?[ \t]*[:,]?[ \t]*\Z)|"
    r"(?i:\b(?:thanks|thank you|cheers|name is|name's|name was|named|called|call me|calls me|"
    r"i'm|i am|this is|ask for|speak to|speak with|talk to|attn|attention|signed|sincerely|regards|"
    r"directed by|written by|starring|featuring|feat\.?|guardian|partner|husband|wife|son|daughter|mother|"
    r"father|brother|sister|friend|colleague|boss|kid|child|founders|given|told|tell|asked|ask|thank|"
    r"meet|met)\s*[:,]?\s*)$|"
    # (an abbreviation's point: "Dr. Ana"; after "Thanks." a capital opens the next sentence: "Thanks. Can you ...")
    r"(?i:\b(?:mr|mrs|ms|miss|dr|prof)\.?\s*[:,]?\s*)$"
)
# Weaker: words that often stand before a name, and as often before anything else.
LEAD_CUES = re.compile(
    r"(?i:\b(?:it's|it is|under|with|by|from|to|for|and|saw|see|listed|manager|agent|customer|client|patient|"
    r"of|about|between|cc)\s*[:,]?\s*)$"
)
TRAIL_CUES = re.compile(
    r"^(?:'s\b|’s\b|\s*,\s*(?:the|a|an|our|my|who)\b|\s+(?:said|says|wrote|writes|replied|asked|told|shouted|"
    r"explained|called|emailed|is|was|will|has|had|can|could|would|just|also|spent|began|listed|lives|lived|"
    r"shouted|so)\b|\s*:)"
)
VALEDICTIONS = (
    "Best regards|Kind regards|Warm regards|Warmest regards|Regards|Best wishes|All the best|Best|Thanks again|"
    "Many thanks|Thanks|Thank you|Cheers|Sincerely|Yours sincerely|Yours truly|Yours faithfully|Sincerely yours|"
    "Respectfully|Cordially|Take care|Talk soon|Love|Warmly|BR|Rgds|Mit freundlichen Grüßen|Viele Grüße|"
    "Cordialement|Bien à vous|Saludos|Atentamente|Cordiali saluti|Met vriendelijke groet|Med vänlig hälsning|"
    "Venlig hilsen|Med vennlig hilsen|Pozdrawiam|S pozdravem|Ystävällisin terveisin|Un saludo|Un cordial saludo|"
    "Saludos cordiales|Un abrazo|Atte|Atenciosamente|Abraços|Um abraço|Cumprimentos|Distinti saluti|Un saluto|"
    "Cari saluti|Met vriendelijke groeten|Hartelijke groet|Groeten|Groetjes|Liebe Grüße|Beste Grüße|Herzliche Grüße|"
    "Freundliche Grüße|Schöne Grüße|Bien cordialement|Salutations|Amitiés|Hälsningar|Mvh|Hilsen|Z poważaniem|"
    "Pozdrowienia|--|—"
)
GREETINGS = r"Hi|Hello|Hey|Dear|Good morning|Good afternoon|Good evening|Greetings|Hallo|Hej|Hola|Bonjour|Ciao|Olá"
FIELD_LABELS = (
    r"Name|Full name|Customer|Customer name|Contact|Contact person|Attn|Attention|Account holder|Cardholder|"
    r"Card holder|Patient|Employee|Passenger|Recipient|Sender|Signed|Signature|Directed by|Written by|Produced by|"
    r"Author|Owner|Guardian|Beneficiary|Requester|Reported by|Assigned to"
)


# valedictions of more languages, and a name in any script on the line after ("З повагою,\nОрися Артюшенко")
VALEDICTIONS_OTHER = (
    r"Saygılarımla|İyi çalışmalar|Sevgiler|З повагою|С уважением|С наилучшими пожеланиями|Με εκτίμηση|Φιλικά|"
    r"مع التحية|مع خالص التحية|تحياتي|با احترام|با تشکر|باسپاس|בברכה|בתודה|सादर|धन्यवाद सहित|ขอแสดงความนับถือ|"
    r"Trân trọng|Thân mến|Hormat saya|Salam hangat|Salam|Üdvözlettel|Tisztelettel|Cu stimă|Cu respect|"
    r"Med vänliga hälsningar|Vänliga hälsningar|S přátelským pozdravem|敬上|此致|謹啟|よろしくお願いいたします|"
    r"よろしくお願いします|감사합니다|드림"
)
_ANY_SCRIPT_NAME = r"[\p{L}\p{M}][\p{L}\p{M}'’.-]*(?:[ \t]+[\p{L}\p{M}][\p{L}\p{M}'’.-]*){0,3}"
# Chinese, Japanese and Korean close a mail with a sentence ("何卒よろしくお願いいたします。", "잘 부탁드립니다.",
# "祝好，"), often after a word or two, and sign with a given name alone on the next line ("由美", "하은")
CJK_VALEDICTIONS = (
    r"よろしくお願いいたします|よろしくお願い致します|よろしくお願いします|宜しくお願いいたします|宜しくお願い致します|"
    r"よろしくお願い申し上げます|ご確認ください|失礼いたします|"
    r"부탁드립니다|부탁드려요|감사합니다|고맙습니다|수고하세요|수고하십시오|드림|올림|"
    r"祝好|此致|敬礼|谢谢|謝謝|顺祝商祺|祝商祺|敬上|--"
)
_CJK_SIGNATURE_NAME = (
    r"[\p{Han}\p{Katakana}\p{Hiragana}\p{Hangul}々ー]{1,4}(?:[ \u3000][\p{Han}\p{Katakana}\p{Hangul}々ー]{1,3})?"
)
# a desk or a team signing: "お客様窓口", "人力资源部", "고객센터", "営業課"
_CJK_DESK = re.compile(r"(?:部|課|科|窓口|係|室|组|組|团队|團隊|センター|チーム|센터|팀|부서|사무국|事務局)$")
# an agent's title after their name below a desk's line
_CJK_AGENT_TITLES = "매니저|팀장|대리|과장|상담사|상담원|担当|担当者|主管|经理|經理|专员|專員"


def _everyday_cjk(name: str, text: str) -> bool:
    """Whether a short line in Chinese, Japanese or Korean is an everyday word rather than a given name: hiragana
    (grammar), a common Korean or Japanese word ("以上", "了解") that the name lists do not hold, everyday Chinese;
    False for any other script."""
    from llm_assets.core.anonymization.gazetteers import load

    compact = name.replace(" ", "").replace("\u3000", "")
    if re.search(r"[\p{Hiragana}\p{Katakana}]", text) and re.fullmatch(r"[\p{Han}\p{Katakana}々ー]+", compact):
        g = load()
        return compact not in g.first_names and compact not in g.last_names and japanese_zipf(compact) >= 4.0
    if re.fullmatch(r"[\p{Hiragana}ー]+", compact):
        return True
    if re.fullmatch(r"\p{Hangul}+", compact):
        return len(compact) == 1 or korean_zipf(compact) >= EVERYDAY_KOREAN_ZIPF
    if re.fullmatch(r"\p{Han}+", compact):
        return everyday_chinese(compact)
    return False


def _everyday_words(name: str, min_zipf: float = 5.0) -> bool:
    """Everyday words, no name: each very common in English (or the text's language) and no first name the lists
    rank high ("Yes", "Okay")."""
    from llm_assets.core.anonymization.gazetteers import load

    g = load()
    return all(g.zipf(w) >= min_zipf and not 0 < g.first_names.get(fold(w), 0) <= 2000 for w in name.split())


# a greeting addresses a group as often as a person ("Hallo Team,", "Hi Team,", "Dear Customer,"): the words are
# common ones, a notch below a labelled field's bar since nothing but the greeting asks for a name there
_GROUP_ZIPF = 4.5


_KINSHIP = "|".join(
    (
        "husband wife son daughter mother father mum mom dad brother sister partner grandmother grandfather mąż męża "
        "mężem żona żony żoną syn syna synem córka córki córką mama mamy mamą tata taty tatą ojciec ojca matka matki "
        "brat brata siostra siostry partnera partnerki babci dziadka ehemann ehefrau sohn tochter mutter vater bruder "
        "schwester mari femme fils fille mère père frère sœur marido esposa hijo hija madre padre hermano hermana "
        "marito moglie figlio figlia fratello sorella filho filha mãe pai irmão irmã vrouw zoon dochter moeder vader "
        "broer zus"
    ).split()
)


_FIELD_PATTERN = re.compile(rf"(?m)^[ \t>]*(?i:{FIELD_LABELS})[ \t]*:[ \t]*(?P<name>{NAME_RUN})")
_GREETING_PATTERN = re.compile(
    rf"(?:^|(?<=[\n.!?]))[ \t>]*(?i:{GREETINGS})[ \t,]+(?:{_HONORIFIC}\.?[ \t]+)?(?P<name>{NAME_RUN})"
    rf"[ \t]*(?=[,!:\n]|$)"
)


class StructuredNameRecognizer(SpanRecognizer):
    """Names where correspondence puts them: ``From:``/``To:``/``Cc:`` display names, ``Name <email>``, greetings
    ("Dear Ms. Ana Lima,"), the line after a valediction ("Best regards,\\nAna Lima"), quoted-reply attributions
    ("On Monday, Ana Lima wrote:"), labelled fields ("Name: Ana Lima", "Directed by: ..."), honorific + name."""

    ENTITIES = (PERSON,)

    _PATTERNS = [
        (
            re.compile(
                r"(?im)^[ \t>]*(?:from|to|cc|bcc|reply-to|sender|von|an|de|à|para|da)[ \t]*:[ \t]*\"?"
                r"(?P<name>[^\"<>\n@,;]{2,60}?)\"?[ \t]*<[^<>\n]+>"
            ),
            0.9,
        ),
        (re.compile(rf"(?m)^[ \t>]*(?i:from|sender|von|de)[ \t]*:[ \t]*(?P<name>{NAME_RUN})[ \t]*$"), 0.8),
        (re.compile(rf"(?P<name>{NAME_RUN})[ \t]*<[^<>\s]+@[^<>\s]+>"), 0.8),
        # the same in the scripts NAME_RUN does not read ("Від: Марта Голобородько <...>", "كتب بهجة آل بن لافي <...>")
        (
            re.compile(
                r"(?P<name>(?=[^\p{Latin}\d])[\p{L}\p{M}][\p{L}\p{M}'’.-]*(?:[ \t]+[\p{L}\p{M}][\p{L}\p{M}'’.-]*){0,3})"
                r"[ \t]*<[^<>\s]+@[^<>\s]+>"
            ),
            0.8,
        ),
        (_GREETING_PATTERN, 0.8),
        (
            re.compile(
                rf"(?m)^[ \t>]*(?i:{VALEDICTIONS})[ \t]*[,!.]?[ \t]*\n(?:[ \t>]*\n)?[ \t>]*(?P<name>{NAME_RUN})[ \t]*$"
            ),
            0.85,
        ),
        (re.compile(rf"(?m)^[ \t>]*(?i:{VALEDICTIONS})[ \t]*,[ \t]*(?P<name>{NAME_RUN})[ \t]*$"), 0.8),
        (
            re.compile(
                rf"(?m)^[ \t>]*(?i:{VALEDICTIONS_OTHER})[ \t]*[,،!.]?[ \t]*\n[ \t>]*(?P<name>{_ANY_SCRIPT_NAME})[ \t]*$"
            ),
            0.85,
        ),
        (
            re.compile(
                rf"(?m)^[ \t>]*[^\n]{{0,12}}?(?:{CJK_VALEDICTIONS})[ \t]*[,，。.!！]?[ \t]*\n(?:[ \t>]*\n)?[ \t>]*"
                rf"(?P<name>{_CJK_SIGNATURE_NAME})(?:[ \t]*[(（][^()（）\n]{{1,8}}[)）])?[ \t]*$"
            ),
            0.8,
        ),
        # a desk's line, then its agent's name and title: "누리텔레콤 해지방어팀\n서지안 매니저", "…センター\n山田"
        (
            re.compile(
                rf"(?m)^[ \t>]*[^\n]{{0,30}}?{_CJK_DESK.pattern}[ \t]*\n[ \t>]*"
                rf"(?P<name>{_CJK_SIGNATURE_NAME}?)(?:[ \t]*(?:{_CJK_AGENT_TITLES}))?[ \t]*$"
            ),
            0.75,
        ),
        (
            re.compile(rf"(?i:\bon\b)[^\n]{{0,80}}?,[ \t]*(?P<name>{NAME_RUN})[ \t]*(?:<[^>\n]+>[ \t]*)?(?i:wrote):"),
            0.85,
        ),
        (_FIELD_PATTERN, 0.8),
        (re.compile(rf"(?P<name>\b{_HONORIFIC}\.?[ \t]+{NAME_RUN})"), 0.85),
        # a relative named after a comma: "on behalf of my husband, Tom Reilly", "w imieniu męża, Michała Kowalczyka"
        (re.compile(rf"(?<![\p{{L}}])(?i:{_KINSHIP})[ \t]*,[ \t]*(?P<name>{NAME_RUN})"), 0.75),
    ]

    _FIELD = _FIELD_PATTERN

    def find(self, text: str) -> Iterable:
        for pattern, score in self._PATTERNS:
            for m in pattern.finditer(text):
                name = m.group("name").strip()
                if (
                    not name
                    or not any(c.isalpha() for c in name)
                    or SUPPORT_DESK.search(name)
                    or _CJK_DESK.search(name)
                ):
                    continue  # a support desk signing ("Kundenservice" under a valediction) is no person
                if _everyday_cjk(name, text):
                    continue  # a chat's "谢谢 / 好的", "감사합니다 / 네": a reply, no signature
                line_end = text.find("\n", m.start("name"))
                line_end = len(text) if line_end < 0 else line_end
                if pattern is self._FIELD and (
                    reads_as_speech(text[m.start("name") : line_end]) or _everyday_words(name)
                ):
                    continue  # "Customer: Hi, I wanted to ask about ...", "Customer: Yes.": a party speaking
                if pattern is _GREETING_PATTERN and _everyday_words(name, _GROUP_ZIPF):
                    continue
                start = m.start("name") + m.group("name").index(name)
                yield finding(PERSON, start, start + len(name), score, self.name)


_CAMEL_CASE = re.compile(r"\p{Ll}{2,}\p{Lu}")
_NAME_PREFIX = re.compile(r"(?:Mac|Fitz|Van|Von|Ter|Ten|Del|Della|Dos|Das|Ben|Abu|Al)\p{Lu}")


_NOUNS_CAPITALIZED = frozenset({"de", "lb"})
# languages whose names come family name first in Latin letters
_FAMILY_NAME_FIRST = frozenset({"hu"})
# (Turkish's weekdays only beside a month here: alone, "Cuma" and "Pazar" are names and words as often)
_WEEKDAY = re.compile(rf"(?i:{WEEKDAYS}|pazartesi|salı|çarşamba|perşembe|cuma|cumartesi|pazar)")


_DAY_BEFORE = re.compile(r"(?<![\d.,])[0-3]?\d(?:st|nd|rd|th)?\.?[ \t]+$")
_DAY_AFTER = re.compile(r"\.?,?[ \t]+(?:[0-3]?\d(?:st|nd|rd|th)?|(?:1[89]|20)\d\d)(?![\d.,:]\d)")
# first names this common in the name lists' ranking ("Katarzyna" 6, "Tobias" 23; the lists' noise: "Konto" 790,
# "Kropka" 1383) start a name in a title-cased copy without a cue
_STRICT_FIRST_RANK = 500


class GazetteerNameRecognizer(SpanRecognizer):
    """Capitalized words that name lists know as first and last names ("Inessa Samoylova", "Atso S. Myller"),
    weighed against how common each word is in English, and single names where the words around them say so
    ("call me Inessa", "Popović's novel"). Works on a title-cased copy of lower-case or ALL CAPS text too."""

    ENTITIES = (PERSON,)

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.g = gazetteers

    def _first(self, w: str) -> int:
        return self.g.first_names.get(fold(w), 0)

    def _last(self, w: str) -> int:
        return self.g.last_names.get(fold(w), 0)

    def _unknown(self, w: str) -> bool:
        return len(w) >= 3 and self.g.zipf(w) < 2.0 and w.replace("-", "").replace("'", "").isalpha()

    def _namish(self, w: Word) -> bool:
        t = w.text
        if _CAMEL_CASE.search(t) and not _NAME_PREFIX.match(t):
            return False  # a product's or a brand's word ("SmartMeter Hub", "PayPal"), not "MacLeod" or "FitzGerald"
        return len(t) == 1 or bool(self._first(t) or self._last(t) or self._unknown(t))

    _LIST = re.compile(
        r"(?<![\w-])(\p{Lu}[\p{L}'’-]+)((?:,[ \t]+\p{Lu}[\p{L}'’-]+)+),?[ \t]+(?:and|&)[ \t]+(\p{Lu}[\p{L}'’-]+)(?![\w-])"
    )

    def find(self, text: str) -> Iterable:
        ws = words(text)
        # where every word is capitalized, capitals say nothing: single words need a cue
        strict_text = mostly_capitalized(text)
        for run in capitalized_runs(text, ws):
            self._strict = strict_text or title_cased_at(run[0].start)
            yield from self._in_run(text, run)
        yield from self._lists(text)

    def _lists(self, text: str) -> Iterable:
        """ "Lorenzen, Brooks and Parker": in a list of single capitalized words that name lists know, one rare
        surname makes them all names."""
        for m in self._LIST.finditer(text):
            items = [(m.start(1), m.end(1))]
            pos = m.start(2)
            for part in re.finditer(r"\p{Lu}[\p{L}'’-]+", m.group(2)):
                items.append((pos + part.start(), pos + part.end()))
            items.append((m.start(3), m.end(3)))
            names = [text[s:e] for s, e in items]
            if not all(self._first(n) or self._last(n) or self._unknown(n) for n in names):
                continue
            if any(self.g.zipf(n) < 3.0 for n in names):
                for s, e in items:
                    yield finding(PERSON, s, e, 0.6, self.name)

    def _in_run(self, text: str, run: list[Word]) -> Iterable:
        n = len(run)
        i = 0
        while i < n:
            matched = False
            for j in range(min(n, i + 4), i, -1):
                window = run[i:j]
                score = self._score(text, window)
                if score:
                    yield finding(PERSON, window[0].start, window[-1].end, score, self.name)
                    i = j
                    matched = True
                    break
            if not matched:
                i += 1

    def _listed_mid_sentence(self, text: str, core: list[Word], window: list[Word]) -> bool:
        """A first and a last name from the lists, capitalized inside a sentence of normally cased text: a name
        there though its words are everyday ones in its language ("u telefonu Tomáš Pokorný", Hungarian's family
        name first: "a fiamról van szó, Nagy László"), where capitals are no heading's and no German noun's."""
        if self._strict or current_language() in _NOUNS_CAPITALIZED:
            return False
        if re.search(r"(?:^|[.!?:\n\"“>]\s*)$", text[max(0, window[0].start - 3) : window[0].start]):
            return False  # a sentence's first word is capitalized whatever it is
        if any(w.text.isupper() for w in core):
            return False  # an abbreviation ("PO Box") is no name's word
        if current_language() == "vi":
            # every syllable of a Vietnamese name is a word too ("Lê Thành Long"): a family name the lists rank,
            # then one to three capitalized syllables
            return 2 <= len(core) <= 4 and 0 < self._last(core[0].text) <= 1000
        if len(core) != 2:
            return False
        a, b = core[0].text, core[1].text
        paired = (0 < self._first(a) <= 1000 and 0 < self._last(b) <= 2000) or (
            current_language() in _FAMILY_NAME_FIRST and 0 < self._last(a) <= 2000 and 0 < self._first(b) <= 1000
        )
        if not paired or is_month_word(a) or is_month_word(b) or _WEEKDAY.fullmatch(b):
            return False  # "15 Mart Cuma": a date's month and weekday
        # a name's words are everyday words in Hungarian ("Nagy" is "big"); elsewhere not the most common ones
        # ("You Only Live Once")
        return max(self.g.zipf(a), self.g.zipf(b)) < (6.5 if current_language() in _FAMILY_NAME_FIRST else 5.5)

    def _score(self, text: str, window: list[Word]) -> float:
        # a particle inside a name, capitalized or not ("Matteo De Luca", "Rafael dos Santos")
        core = [window[0], *(w for w in window[1:] if w.text.casefold() not in PARTICLES)]
        if window[0].text in PARTICLES:
            return 0.0
        first, last = core[0].text, core[-1].text
        left = text[max(0, window[0].start - 40) : window[0].start]
        cue = NAME_CUES.search(left) is not None
        lead = cue or LEAD_CUES.search(left) is not None
        trail = TRAIL_CUES.match(text[window[-1].end : window[-1].end + 25]) is not None
        # a single word that is also a town's name is a person only with a cue or as a known first name
        place_pop = self.g.places.get(fold(" ".join(w.text for w in window)), 0) if len(core) < 2 else 0
        if place_pop and not cue and not (0 < self._first(first) <= 3000 and place_pop < 100_000):
            return 0.0
        if len(core) >= 2:
            if not all(self._namish(w) for w in core) or len(last) == 1:
                return 0.0
            f_rank, l_rank = self._first(first), self._last(last)
            if any(self.g.zipf(w.text) >= 5.0 for w in core) and not self._listed_mid_sentence(text, core, window):
                return 0.0
            # where capitals say nothing, two rare or unknown words are as often a phrase ("odblokowałam konto",
            # "kropka pe"): without a cue only a common first name starts a name, and one that is also an everyday
            # word ("spring semsesters") only before a listed surname
            if (
                self._strict
                and not cue
                and not (0 < f_rank <= _STRICT_FIRST_RANK and (l_rank or self.g.zipf(first) < 4.5))
            ):
                return 0.0
            if f_rank and (l_rank or self._unknown(last)):
                return 0.85 if f_rank <= 1500 and self.g.zipf(first) < 4.5 else 0.7
            if (self._unknown(first) and l_rank) or (self._unknown(first) and self._unknown(last) and (lead or trail)):
                return 0.65
            return 0.0
        word = first
        if len(word) < 3:
            return 0.0
        if is_month_word(word) and (_DAY_BEFORE.search(left) or _DAY_AFTER.match(text, window[-1].end)):
            return 0.0  # a date's month beside its day ("from 17 Mar", "Jun 8", "Mar 2024"), whatever name it also is
        known = self._first(word) or self._last(word)
        z = self.g.zipf(word)
        sentence_start = re.search(r"(?:^|[.!?:\n\"“]\s*)$", text[max(0, window[0].start - 3) : window[0].start])
        # a cue is English: in a title-cased copy of another language's line its word means something else
        # ("met wie" is Dutch for "with whom")
        if cue and (known or self._unknown(word) or z < 4.5) and not (self._strict and zipf_any(word) >= 5.0):
            return 0.75
        if known and z < 3.0 and not self._strict:
            return 0.7 if (lead or trail) else 0.55
        # German capitalizes every noun: a capital inside its sentence says less ("nach dem Tarif")
        everyday = 3.0 if current_language() in _NOUNS_CAPITALIZED else 4.5
        if (
            not self._strict
            and not sentence_start
            and 0 < self._first(word) <= 3000
            and z < everyday
            and self.g.places.get(fold(word), 0) < 100_000
        ):
            return 0.6  # a first name inside a sentence: "Has Ingrid signed the form yet?"
        # where capitals say nothing (a title-cased copy), a weak cue before an unknown word or a surname is more
        # often an everyday word, a brand or a typo ("with Dpd", "mi Konto"): only a first name counts there
        evidence = 0 < self._first(word) <= _STRICT_FIRST_RANK if self._strict else known or self._unknown(word)
        if (lead or trail) and evidence and (z < 4.5 or not known):
            return 0.6
        return 0.0
