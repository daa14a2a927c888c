"""Usernames and handles, by their syntax and position: ``@mentions``, the speaker labels of chat logs and exported
conversations, and the value after the words that announce a login ("my username is", "Benutzername:").

A speaker label is the token a chat client writes before each message — ``<nick>``, ``nick:`` after a timestamp,
``12/31/20, 9:41 PM - Name:`` — recognized by where it stands (line start, after an optional time stamp) and by
recurring, never by a list of clients. Role words ("Agent", "Customer", "Support", "Kunde", "客服") stay: an everyday
English word that is no common first name, or one of the roles a support conversation names its parties by. A word
that is merely common in the text's own language is no role: names are common words there ("विजय", "הלל", "нестор").
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.gazetteers import Gazetteers, fold, zipf_any
from llm_assets.core.anonymization.recognizers.base import CUE_COPULA, SpanRecognizer, finding
from llm_assets.core.anonymization.recognizers.scripts import chinese_zipf, japanese_zipf, korean_zipf
from llm_assets.core.anonymization.text import SUPPORT_DESK
from llm_assets.core.entities import PERSON, USERNAME

_MENTION = re.compile(r"(?<![\w.@/+-])@(?P<h>[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]{0,38}[\p{L}\p{N}_])?)(?![\p{L}\p{N}_@])")
# an optional time stamp or date before the label: "[09:14]", "(10:02:11)", "2024-03-01 10:00", "12/31/20, 9:41 PM -"
_STAMP = r"(?:[\[(]?[\d/.:\-T ,]{4,24}(?:[ \t]*-->[ \t]*[\d:.,]{4,14})?(?:\s?[AaPp]\.?[Mm]\.?)?[\])]?[ \t]*(?:-[ \t]+)?)?"  # (a diarized transcript's span: "[00:00:25.825 --> 00:00:27.198] SPEAKER_01:")
# ... or after it: "nick (04:53:39):", "Name [10:01 AM]:", "Name, 9:41 PM:"
_AFTER_STAMP = (
    r"(?:[ \t]*,?[ \t]*[\[(]?(?:(?:\d{2,4}[-/.]\d{1,2}[-/.]\d{1,4}[ \tT,]*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"
    r"(?:[ \t]?[AaPp]\.?[Mm]\.?)?"
    # a diarized segment's start and end in seconds: "Speaker A [70.63 - 72.06]:"
    r"|\d{1,5}[.,]\d{1,3}[ \t]*[-–][ \t]*\d{1,5}[.,]\d{1,3})[\])]?)?"
)
_ONE_CJK = r"[\p{Han}\p{Hangul}\p{Katakana}\p{Hiragana}]"
# two or three words of a script without capitals ("प्रिया शर्मा:", "สมศักดิ์ ใจดี:", "ليلى حداد:")
_UNCASED_WORD = (
    r"[\p{Devanagari}\p{Bengali}\p{Thai}\p{Arabic}\p{Hebrew}\p{Hangul}\p{Han}\p{Hiragana}\p{Katakana}\p{M}]{2,20}"
)
_UNCASED_WORDS = rf"{_UNCASED_WORD}(?:[ \t]{_UNCASED_WORD}){{1,2}}"
SPEAKER_LABEL = re.compile(
    # (a Chinese, Japanese or Korean name may be one character: "<楠>", "[17:35] 翼:")
    # (a WebVTT cue's voice: "<v Callum Evans>", "<v.agent 민준>")
    rf"(?m)^[ \t]*{_STAMP}(?:<(?P<angle>[^<>\s]{{2,32}}|{_ONE_CJK})>|<v(?:\.[\w.-]+)?[ \t]+(?P<voice>[^<>\n]{{1,40}}?)[ \t]*>|(?P<colon>(?:[^\s:<>\[\](){{}}\"'’]|(?<=\p{{L}})['’](?=\p{{L}})){{2,32}}|{_ONE_CJK}|"
    rf"\p{{Lu}}[\p{{L}}'’-]+(?:[ \t]\p{{Lu}}[\p{{L}}'’.-]+){{1,2}}|{_UNCASED_WORDS}){_AFTER_STAMP}[ \t]*:(?=[ \t]|$))"
)
_ANNOUNCED = re.compile(
    r"(?i:\b(?:user[ -]?name|user[ -]?id|login(?:[ -]?(?:name|id))?|handle|nick(?:name)?|screen[ -]?name|"
    r"gamertag|account[ -]?name|benutzer(?:name|kennung)?|nom d'utilisateur|identifiant|usuario|nome utente|"
    r"gebruikersnaam|inlognaam|loginnaam|accountnaam|nazwa użytkownika|användarnamn|brugernavn|brukernavn|"
    r"käyttäjätunnus|utilizatorul|utilizator)"
    # "mitt användarnamn är ...", "utilizatorul meu este ...": a possessive, then the copula
    r"(?:\s+(?:meu|mea|mio|mine|min|mitt|mijn|mein|moj|mój|saya))?"
    r"(?:\s+(?:is|was|ist|est|es|è|é|är|er|on|jest|je|este|is\s+just))?\s*[:=]?\s*)"
    r"[\"'“‘]?(?P<value>[\p{L}\p{N}_][\p{L}\p{N}_.@-]{1,38}[\p{L}\p{N}_])"
)
# the same in languages of other scripts, their particles ("ユーザー名は", "我的用户名是", "아이디는", "мой логин"); a
# login is written in Latin letters, so the value ends where the script changes ("hanakohayashiです")
_ANNOUNCED_OTHER_SCRIPTS = re.compile(
    # (a word boundary where words are spaced: "Перевізник" holds "ник")
    r"(?i:(?<![\p{Latin}\p{Cyrillic}\p{Greek}\p{Arabic}\p{Hebrew}])(?:логин|имя пользователя|никнейм|ник|логін|ім'я користувача|ім’я користувача|όνομα χρήστη|"
    r"اسم المستخدم|يوزر|שם משתמש|שם המשתמש|نام کاربری|یوزرنیم|यूज़रनेम|यूजरनेम|उपयोगकर्ता नाम|ชื่อผู้ใช้|"
    r"tên đăng nhập|tên người dùng|tên tài khoản|nama pengguna|kullanıcı adı(?:m)?|uživatelské jméno|"
    r"felhasználónév|felhasználónevem|nume de utilizator|nome de usuário|nome de utilizador|"
    r"用户名|用戶名|帳號|帐号|账号|賬號|会员|會員|ユーザー名|ユーザーID|ログインID|マイページID|アカウント名|アカウント|"
    r"아이디|계정|사용자 이름|사용자명)"
    r"(?:[ \t]+(?:của tôi|của em|saya|μου))?"
    # words of the same script between the cue and the value ("اسم المستخدم حقي في التطبيق rshdal-hsyn"): a login is
    # written in Latin letters
    r"(?:[ \t]+[^\p{Latin}\d\s:=,.;!?،]{1,12}){0,4}?"
    rf"{CUE_COPULA}[ \t]*)"
    r"[\"'“‘「]?(?P<value>[A-Za-z0-9_][A-Za-z0-9_.@-]{1,38}[A-Za-z0-9_])(?![A-Za-z0-9_@])"
)
# the cue, a few words ("in the app", "w aplikacji", "i appen"), the copula, a login with a digit or a separator
_ANNOUNCED_LATER = re.compile(
    r"(?i:\b(?:user[ -]?name|login|benutzername|nom d'utilisateur|usuario|nome utente|gebruikersnaam|inlognaam|"
    r"nazwa użytkownika|användarnamn|brugernavn|brukernavn|käyttäjätunnus|utilizator|felhasználónév|"
    r"kullanıcı adı|uživatelské jméno|tên đăng nhập|nama pengguna)"
    # ("Inlognaam Mijn Kabelnet: ivandijk_zzp": the service's name, then a colon)
    r"(?:[ \t]+[\p{L}'’]{1,12}){1,3}?(?:[ \t]+(?:is|är|er|to|ist|est|es|è|é|jest|je|este|on|adalah|là|az)[ \t]*[:=]?"
    r"|[ \t]*:)[ \t]*)"
    r"(?P<value>(?=[\p{L}\p{N}_.-]*?(?:\d|[_.-][\p{L}\p{N}]))[\p{L}\p{N}][\p{L}\p{N}_.-]{1,38}[\p{L}\p{N}])"
    r"(?![\p{L}\p{N}_@])"
)
_SYMBOLS = re.compile(r"[\d_.]")
# a speaker's full name in small letters after a turn's time stamp ("[00:16] juan cruz: ...", "00:50 maria helena:")
_STAMPED_LOWER_LABEL = re.compile(
    r"(?m)^[ \t]*[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?[ \t]+"
    r"(?P<name>\p{Ll}[\p{Ll}\p{M}'’-]+(?:[ \t]\p{Ll}[\p{Ll}\p{M}'’-]+){1,2})[ \t]*:(?=[ \t]|$)"
)
# a party's role and its name in brackets, as call centres label turns: "AGENT (Thomas):", "Soporte (Noa):",
# "Suport clienți (Florica):"
_ROLE_WITH_NAME = re.compile(
    rf"(?m)^[ \t]*{_STAMP}[\p{{L}}][\p{{L}}\p{{M}}'’.-]*(?:[ \t][\p{{L}}\p{{M}}'’.-]+){{0,2}}[ \t]*"
    r"\((?P<name>[\p{L}\p{M}][\p{L}\p{M}'’-]+(?:[ \t][\p{L}\p{M}'’-]+)?)\)[ \t]*[:：]"
)
# the parties of a support conversation, as transcripts and chat exports label them, in the languages the engine reads
ROLE_WORDS = frozenset(
    """agent customer caller callee operator user bot chatbot assistant support client system admin administrator
    moderator host guest rep representative advisor adviser technician tech staff team helpdesk service me you
    sales billing reception desk shop store
    kunde kundin mitarbeiter berater beraterin anrufer kundendienst
    conseiller conseillère opérateur opératrice appelant utilisateur
    cliente agente operador operadora asesor asesora usuario atendente usuário
    operatore utente consulente klant medewerker beller gebruiker
    klient konsultant użytkownik kund handläggare användare medarbejder asiakas asiakaspalvelu
    müşteri temsilci operatör kullanıcı
    клиент оператор агент менеджер консультант пользователь абонент клієнт користувач
    عميل موظف وكيل مستخدم خدمة לקוח נציג משתמש שירות
    ग्राहक एजेंट प्रतिनिधि उपयोगकर्ता सहायता सेवा टीम सपोर्ट ลูกค้า พนักงาน เจ้าหน้าที่ ฝ่าย บริการ ทีม ซัพพอร์ต
    دعم الدعم فريق خدمة_العملاء תמיכה צוות
    客服 客户 顾客 用户 坐席 客服人员 お客様 顧客 担当 担当者 オペレーター 상담원 고객 상담사 사용자
    我 你 您 对方 對方 私 あなた 나 저 상대방
    chiamante llamante chamador dzwoniący uppringare opkalder innringer soittaja arayan звонящий абонентка
    发信者 來電者 来电者 来电人 発信者 着信者 受付 係員 案内係 발신자 통화자 volající apelant""".split()
)
# the labels speech-to-text gives the voices it tells apart ("SPEAKER_00", "spk_1", "Speaker 2"): nobody's name
_DIARIZED = re.compile(
    r"(?i:speaker|spk|spkr|sprecher|locuteur|hablante|parlante|falante|mówca|talare|voice)[ _-]?\d{1,2}"
)
# a user name by its shape alone: words joined by underscores with a number ("noah_brown_6181", "jill_2059",
# "ogawa_kaikei01")
_SNAKE_HANDLE = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)*_[a-z]*\d{2,}(?![\w@]|\.[A-Za-z])")


# a messenger export's sender line: the sender, a comma and the message's date and time in brackets, the message on
# the lines below (Telegram's copied messages: "beata_c86, [13.04.2024 18:02]")
_SENDER_LINE = re.compile(
    r"(?m)^[ \t]*(?P<name>[^\s,\[\]][^,\[\]\n]{0,40}?),[ \t]*"
    r"\[\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?[ \t]+\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?[AaPp][Mm])?\][ \t]*$"
)
# the header of a saved conversation, which names the other party: KakaoTalk's ("달빛소나타 님과 카카오톡 대화",
# "KakaoTalk Chats with Minji"), LINE's ("[LINE] Chat history with Minji"); never a sentence ("Talk with our team")
_CONVERSATION_WITH = re.compile(
    r"(?m)^[ \t]*(?:(?P<ko>[^\s\n][^\n]{0,30}?)[ \t]*님과[ \t]+카카오톡[ \t]+대화|"
    r"(?:\[LINE\][ \t]*Chat history with|KakaoTalk Chats with)[ \t]+(?P<en>[^\n]{1,30}?))[ \t]*$"
)


# a chat's header line: the sender and the message's time alone on a line, the message below it, as Teams
# ("[06/06/2024 16:50] Sabine"), Slack ("陽介  12:20", "Ana Lima  9:41 AM") and Telegram copies write it
_HEADER_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?[AaPp]\.?[Mm]\.?)?"
_HEADER_DATE = r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
_HEADER_SENDER = re.compile(
    rf"(?m)^[ \t]*(?:\[(?:{_HEADER_DATE}[ \t,]+)?{_HEADER_TIME}\][ \t]+(?P<after>[^\s\[\]:@<>][^\n\[\]:@<>]{{0,40}}?)"
    rf"|(?P<before>[^\s\d\[\]:@<>,][^\n\d\[\]:@<>,]{{0,40}}?)(?:,[ \t]*\[{_HEADER_DATE},?[ \t]+{_HEADER_TIME}\]"
    rf"|[ \t]{{1,4}}{_HEADER_TIME}))[ \t]*$"
)
_CJK_NAME = re.compile(r"[\p{Han}\p{Hangul}\p{Katakana}\p{Hiragana}]{2,4}")


def label_group(m: re.Match) -> str:
    """Which of ``SPEAKER_LABEL``'s groups holds the label: "angle" (a chat's nick), "voice" (a subtitle's), "colon"."""
    return "angle" if m.group("angle") else "voice" if m.group("voice") else "colon"


@functools.lru_cache(maxsize=256)
def role_labels(text: str) -> frozenset[tuple[int, int]]:
    """Spans of speaker labels that are roles ("kunde:", "agent:"): no recognizer's name or place there stands.
    Cached: the policy shapes a text's findings more than once."""
    spans = set()
    for m in SPEAKER_LABEL.finditer(text):
        group = label_group(m)
        if fold(m.group(group)) in ROLE_WORDS:
            spans.add((m.start(group), m.end(group)))
    return frozenset(spans)


class HandleRecognizer(SpanRecognizer):
    ENTITIES = (USERNAME, PERSON)

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.g = gazetteers

    def find(self, text: str) -> Iterable:
        for m in _MENTION.finditer(text):
            yield finding(USERNAME, m.start("h") - 1, m.end("h"), 0.85, self.name)
        for m in _SNAKE_HANDLE.finditer(text):
            if not _DIARIZED.fullmatch(m.group(0)):
                yield finding(USERNAME, m.start(), m.end(), 0.7, self.name)
        for m in _ANNOUNCED_OTHER_SCRIPTS.finditer(text) if not text.isascii() else ():
            yield finding(USERNAME, m.start("value"), m.end("value"), 0.85, self.name)
        for m in _ANNOUNCED_LATER.finditer(text):
            yield finding(USERNAME, m.start("value"), m.end("value"), 0.8, self.name)
        for m in _ANNOUNCED.finditer(text):
            value = m.group("value")
            if self.g.zipf(value) < 5.0 and value.lower() not in ("is", "was", "the", "my"):
                yield finding(USERNAME, m.start("value"), m.end("value"), 0.85, self.name)
        yield from self._labels(text)
        yield from self._lower_case_speakers(text)
        for m in _SENDER_LINE.finditer(text):
            # a handle ("beata_c86"); a sender that is a name is the name recognizers' and a business's stays
            if _SYMBOLS.search(m.group("name")) and not _DIARIZED.fullmatch(m.group("name")):
                yield finding(USERNAME, m.start("name"), m.end("name"), 0.8, self.name)
        yield from self._header_senders(text)
        for m in _CONVERSATION_WITH.finditer(text):
            # the party is also the sender of their messages below ("[달빛소나타] [오후 2:31] ...")
            name = m.group("ko") or m.group("en")
            for seen in re.finditer(rf"(?<![\p{{L}}\p{{N}}_]){re.escape(name)}(?![\p{{L}}\p{{N}}_])", text):
                yield finding(USERNAME, seen.start(), seen.end(), 0.8, self.name)
        for m in _ROLE_WITH_NAME.finditer(text):
            name = m.group("name")
            if self._named(name):
                yield finding(PERSON, m.start("name"), m.end("name"), 0.75, self.name)

    def _lower_case_speakers(self, text: str) -> Iterable:
        """Full names in small letters labelling the turns of a time-stamped log ("[00:16] juan cruz: ..."), on two
        lines or more: a first name and family names the lists know, no role among them."""
        found = [(m, m.group("name").split()) for m in _STAMPED_LOWER_LABEL.finditer(text)]
        recurring = Counter(m.group("name") for m, _ in found)
        for m, words in found:
            if recurring[m.group("name")] < 2 or any(fold(w) in ROLE_WORDS for w in words):
                continue
            first = self.g.first_names.get(fold(words[0]), 0)
            if 0 < first <= 2000 and all(fold(w) in self.g.first_names or fold(w) in self.g.last_names for w in words):
                yield finding(PERSON, m.start("name"), m.end("name"), 0.7, self.name)

    def _family_name_label(self, label: str) -> bool:
        """A chat speaker's label that is one of the commonest family names, though an English word too
        ("palmer", "baker"); not a role or a desk's word ("sales", "billing")."""
        key = fold(label)
        rank = self.g.last_names.get(key, 0)
        return key not in ROLE_WORDS and " " not in key and 0 < rank <= 200 and self.g.word_zipf.get(key, 0.0) < 4.5

    def _header_senders(self, text: str) -> Iterable:
        """The senders of a chat's header lines (two or more such lines): a name, unless a role, a desk or an
        everyday word ("[06/06/2024 16:50] Delivered" is a status); a handle is ``_SENDER_LINE``'s."""
        headers = list(_HEADER_SENDER.finditer(text))
        if len(headers) < 2:
            return
        for m in headers:
            group = "after" if m.group("after") else "before"
            name = m.group(group)
            if _SYMBOLS.search(name) or fold(name) in ROLE_WORDS or SUPPORT_DESK.search(name):
                continue
            if self._sender_named(name):
                yield finding(PERSON, m.start(group), m.end(group), 0.75, self.name)

    def _sender_named(self, name: str) -> bool:
        if _CJK_NAME.fullmatch(name):
            return max(korean_zipf(name), japanese_zipf(name), chinese_zipf(name)) < 4.0
        words = name.split()
        if not 1 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
            return False
        listed = [self.g.first_names.get(fold(w), 0) or self.g.last_names.get(fold(w), 0) for w in words]
        return all((rank and zipf_any(w) < 5.5) or zipf_any(w) < 3.5 for w, rank in zip(words, listed, strict=True))

    def _named(self, name: str) -> bool:
        """A name in a role's label ("Agent (Thomas):"): capitalized words, the first a first name the lists know
        or no everyday word."""
        words = name.split()
        first = words[0]
        if not first[:1].isupper() and re.match(r"[\p{Lu}\p{Ll}]", first):
            return False
        return bool(self.g.first_names.get(fold(first), 0)) or self.g.zipf(first) < 3.0

    def _common(self, label: str) -> bool:
        words = label.replace("-", " ").replace("_", " ").split()
        return all(self.g.zipf(w) >= 3.5 for w in words)

    def _role(self, label: str) -> bool:
        """A party's role rather than its name: a role word, or an everyday English word that no list holds as a
        common first name ("support", "billing"; not "bryant")."""
        key = fold(label)
        if key in ROLE_WORDS:
            return True
        english = self.g.word_zipf.get(key, 0.0)
        rank = self.g.first_names.get(key, 0)
        return english >= 3.5 and not (0 < rank <= 3500 and english < 4.0)

    def _first_name(self, word: str) -> bool:
        return 0 < self.g.first_names.get(fold(word), 0) <= 1000 and self.g.zipf(word) < 6.0

    def _speaker_name(self, label: str) -> bool:
        return self._first_name(label) and self.g.zipf(label) < 4.5 and not self._role(label)

    def _labels(self, text: str) -> Iterable:
        labels = []
        stamped: Counter = Counter()
        for m in SPEAKER_LABEL.finditer(text):
            group = label_group(m)
            labels.append((m.start(group), m.end(group), m.group(group), group))
            # a time stamp before or after the label ("20:06 Yến:", "Hồng (16:08):"): a chat's speaker, not a header
            around = text[m.start() : m.start(group)] + text[m.end(group) : m.end()]
            if re.search(r"\d[:.]\d\d", around):
                stamped[m.group(group).casefold()] += 1
        if not labels:
            return
        recurring = Counter(label.casefold() for _, _, label, _ in labels)
        lines_with_labels = len(labels)
        # two time-stamped parties, one of them no role: the other is a participant too, whatever its word means
        # ("[00:23] harmony:", "[00:24] merrill:" beside a caller's name)
        parties = [label for label, n in stamped.items() if n >= 2]
        counterpart = {
            label
            for label in parties
            if len(parties) == 2
            and lines_with_labels >= 3
            and fold(label) not in ROLE_WORDS
            and " " not in label
            and self.g.zipf(label) < 6.0
            and not self._role(next(p for p in parties if p != label))
        }
        for start, end, label, group in labels:
            if "@" in label or "://" in label or label.replace(".", "").isdigit() or _DIARIZED.fullmatch(label):
                continue
            words = label.split()
            # a time-stamped speaker of a chat is a participant whatever its words mean in its language ("Hồng" is
            # "pink" too): a name unless it names a role
            chat_speaker = (
                stamped[label.casefold()] >= 2
                and lines_with_labels >= 3
                and (not self._role(label) or self._family_name_label(label))
            )
            if len(words) > 1:  # "Anna Berg:" speaking on several lines of a conversation
                if any(fold(w) in ROLE_WORDS for w in words):
                    continue  # "ग्राहक सेवा:", "Customer Service:": a role
                if (
                    recurring[label.casefold()] >= 2
                    and lines_with_labels >= 3
                    and (chat_speaker or not self._common(label))
                ):
                    yield finding(PERSON, start, end, 0.7, self.name)
                continue
            cased_or_uncased_name = label[0].isupper() or (label[0].isalpha() and not label[0].islower())
            if chat_speaker and cased_or_uncased_name and not _SYMBOLS.search(label):
                yield finding(PERSON, start, end, 0.7, self.name)
                continue
            if chat_speaker and self._family_name_label(label):
                yield finding(PERSON, start, end, 0.7, self.name)  # "palmer:", a family name that is a word too
                continue
            if label.casefold() in counterpart and self._role(label) and not _SYMBOLS.search(label):
                listed = fold(label) in self.g.first_names or fold(label) in self.g.last_names
                yield finding(PERSON if listed else USERNAME, start, end, 0.7, self.name)
                continue
            symbols = bool(_SYMBOLS.search(label))
            # in a log of three or more turns, a label that speaks once is a speaker too
            speaker = group == "angle" or symbols or recurring[label.casefold()] >= 2 or lines_with_labels >= 3
            if not speaker:
                continue
            if group != "angle" and label[0].isupper() and not symbols:
                # "Note:", "Subject:": a capitalized word is a speaker's name in a conversation only when the lists
                # know it as a first name and it is no everyday word ("Joel:", "Mikołaj:"); else the name
                # recognizers decide
                if lines_with_labels >= 3 and self._speaker_name(label):
                    yield finding(PERSON, start, end, 0.7, self.name)
                continue
            if not symbols and self._first_name(label):
                yield finding(PERSON, start, end, 0.75, self.name)  # "james:" speaking in a transcript
            elif symbols or not self._role(label):
                yield finding(USERNAME, start, end, 0.8 if symbols or group == "angle" else 0.65, self.name)
            # else a role ("agent:", "caller:", "support:"), which stays
