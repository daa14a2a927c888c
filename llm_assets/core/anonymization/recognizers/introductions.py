"""Names by how people introduce themselves, in the languages of the largest support markets: an agent's "you are
speaking with Ana", "меня зовут Володимир", "معك ريم", "Anna vagyok", "担当の加奈です", "상담사 정웅입니다".

A cue says a name follows (or precedes) it; how sure it is decides what the word must be. After a sure cue ("my name
is", "me llamo", "اسمي") the next word is the name, capitalized where its script has capitals. After a loose one ("I'm",
"soy", "я", "أنا": "I'm sorry", "soy cliente") the word must also be a first name the name lists know, and no word
that the language uses every day unless the lists rank it as a name. The words of the cues are grammar (pronouns,
verbs of naming, of speaking, of serving), written from each language's grammar, not from any test material.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.gazetteers import Gazetteers, fold, zipf_any
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, alternation, finding
from llm_assets.core.anonymization.recognizers.names import GREETINGS
from llm_assets.core.anonymization.recognizers.scripts import everyday_chinese, japanese_zipf
from llm_assets.core.entities import PERSON


def _alternation(spec: str) -> str:
    return alternation(c.strip() for c in spec.split("|") if c.strip())


# "my name is", and the verbs of being called: the next word is a name
_SURE_BEFORE = _alternation(
    "my name is|my name's|her name is|her name's|his name is|his name's|the name is|the name's|her name was|"
    "his name was|the name was|"
    "you're speaking with|you are speaking with|you're speaking to|you are speaking to|"
    "me llamo|mi nombre es|le atiende|te atiende|le habla|"
    "meu nome é|me chamo|aqui é|aqui quem fala é|quem fala é|"
    "je m'appelle|je m’appelle|mon nom est|"
    "mi chiamo|il mio nome è|"
    "ich heiße|ich heisse|mein name ist|hier spricht|"
    "mijn naam is|ik heet|u spreekt met|je spreekt met|"
    "jag heter|mitt namn är|"
    "nazywam się|mam na imię|z tej strony|"
    "jmenuji se|jmenuju se|"
    "a nevem|"
    "mă numesc|ma numesc|numele meu este|numele meu e|"
    "benim adım|adım|"
    # the surname said as surely: Turkish surnames are often everyday words ("soyadım Bulut", "soyadım Kaya")
    "soyadım|benim soyadım|moje nazwisko to|moje nazwisko|моє прізвище|моя фамилия|my surname is|my last name is|"
    "mein nachname ist|mein familienname ist|"
    "меня зовут|моё имя|мое имя|с вами говорит|"
    "мене звати|моє ім'я|моє ім’я|"
    "με λένε|ονομάζομαι|το όνομά μου είναι|"
    "اسمي|معك|معاك|معكم|مسجل باسم|مسجلة باسم|"
    "קוראים לי|שמי|"
    "اسمم|اسم من|"
    "मेरा नाम|"
    "nama saya|"
    "tên tôi là|tên em là|tên mình là|tên là|"
    # "I am" where a capital after it can only be a name (nationalities and roles are written small)
    "soy|sou o|sou a|sou|je suis|ik ben|jag är|jestem|είμαι ο|είμαι η|είμαι|"
    "em là|tôi là|mình là|anh là|chị là|"
    # "you are speaking with"
    "está falando com|estás falando com|está hablando con|estás hablando con|du pratar med|ni pratar med|"
    "vorbiți cu|vorbiti cu|vorbești cu|sta parlando con|parla con|vous parlez avec|vous êtes en ligne avec|"
    "sie sprechen mit|rozmawia pan z|rozmawia pani z|rozmawiasz z|mluvíte s|вы говорите с|ви розмовляєте з|"
    "μιλάτε με|bạn đang nói chuyện với|anda berbicara dengan|ile görüşüyorsunuz"
)
# a form's words said aloud ("Nome Paola, cognome Manunta", "Förnamn Alva, efternamn Bergqvist", "Họ Đặng"): a name
# the lists know or a rare word follows ("Nombre Completo" is no one)
_FORM_BEFORE = _alternation(
    "first name|last name|surname|family name|given name|nombre|apellido|nome|cognome|sobrenome|prénom|vorname|"
    "nachname|voornaam|achternaam|imię|nazwisko|förnamn|efternamn|fornavn|etternavn|efternavn|etunimi|sukunimi|"
    "jméno|příjmení|prenume|numele de familie|keresztnév|keresztnevem|vezetéknév|vezetéknevem|soyadım|soyadı|"
    "soyad|họ|tên|nama depan|nama belakang"
)
# "I am", "this is", "here is": a name or anything else follows
_LOOSE_BEFORE = _alternation(
    # "sono", "sunt", "jsem" also make a past tense or "they are"; "saya" is "my" after a noun
    "i'm|i am|this is|habla|fala|ici|c'est|sono|qui è|qui parla|ich bin|hier ist|met|det är|mówi|jsem|sunt|aici|"
    "ben|я|это|це|saya|parla|"
    "أنا|انا|هنا|אני|כאן|מדבר|מדברת|من|मैं|dengan"
)
# an agent's title before the name: "оператор Ярина", "asesora Lucía"; a capitalized first name after it is the
# agent's, however often the language uses it as a word ("оператор Володимир")
_TITLE_BEFORE = _alternation(
    "operator|operatore|opérateur|operador|operadora|asesor|asesora|atendente|consultor|consultora|оператор|"
    "специалист|консультант|фахівець|менеджер|konsultant|konsultantka|doradca|doradczyni|operatorka|"
    "berater|beraterin|conseiller|conseillère|consulente|adviseur|medewerker|handläggare|poradce|poradkyně"
)
# "Anna vagyok", "سجاد هستم", "Ahmet ben": the name comes first
# (and a title after the name: "Tóth úr", "Ayşe Hanım", "Mehmet Bey")
_SURE_AFTER = _alternation(
    "vagyok|هستم|speaking|am apparat|u telefonu|na linii|úr|asszony|bey|hanım|xin nghe|falando|parlando|hablando|"
    "przy telefonie|al telefono|u aparátu"
)
# "Dylan here, how can I help": a name only sometimes ("over here", "click here"): the loose cues' test
_LOOSE_AFTER = _alternation("here|à votre écoute|a su disposición|al habla|à l'appareil|al telefono|am telefon")

_WORD = r"[\p{L}\p{M}][\p{L}\p{M}'’-]*"
# Hindi "मैं सुमन हूँ" ("I am Suman"): the copula after the name makes "I" sure
_HINDI = re.compile(r"(?<![\p{L}\p{M}])मैं[ \t]+(?P<name>[\p{L}\p{M}]+)[ \t]+(?:हूँ|हूं)")
# "मैं राहुल बोल रही हूँ" ("I, Rahul, am speaking")
_HINDI_SPEAKING = re.compile(r"(?<![\p{L}\p{M}])मैं[ \t]+(?P<name>[\p{L}\p{M}]+)[ \t]+बोल[ \t]+(?:रहा|रही)[ \t]+(?:हूँ|हूं)")
# Arabic names go on with a family's or a father's particle: "راما آل مقطة", "أحمد بن علي"
_ARABIC_FAMILY_ARTICLES = ("آل", "ال")  # "آل محمد": "the family of Muhammad", a family name
_ARABIC_PARTICLE = re.compile(r"[ \t]+(?:آل|بن|بنت|ابن|أبو|ابو|عبد)[ \t]+[\p{Arabic}]+")
# no colon after the cue: "Operator: Can I have ..." is a speaker's label, not an introduction; a name is words,
# never a code ("saya ORD-2024-...")
_BEFORE = re.compile(
    rf"(?i:(?<![\p{{L}}\p{{M}}])(?:(?P<sure>{_SURE_BEFORE})|(?P<form>{_FORM_BEFORE})(?:'s|[ \t]+(?:is|was))?|"
    rf"(?P<loose>{_LOOSE_BEFORE})|(?P<title>{_TITLE_BEFORE})))"
    r"[ \t]+"
    rf"(?P<name>{_WORD}(?:[ \t]+{_WORD})?)(?![\p{{N}}-])"
)
# "here is X from ...": an agent and the team they speak for ("saya Kuncara dari layanan pelanggan", "Tu Jan z obsługi
# klienta", "Itt Varga István")
_FROM_TEAM = re.compile(
    r"(?i:(?<![\p{L}\p{M}])(?:saya|tu|aici|this is|here is|hier ist|ici|c'est|qui è|aquí|aqui é|met|här är|tady je)"
    rf")[ \t]+(?P<name>{_WORD}(?:[ \t]+\p{{Lu}}[\p{{L}}\p{{M}}'’-]*)?)[ \t]+"
    r"(?i:dari|z|ze|from|de la|von|vom|de|du|da|del|della|van|från|fra|из|з)(?![\p{L}\p{M}])"
    r"|(?<![\p{L}\p{M}])(?i:itt)[ \t]+(?P<name2>\p{Lu}[\p{L}\p{M}'’-]+(?:[ \t]\p{Lu}[\p{L}\p{M}'’-]+)?)"
)
# someone addressed at a message's start, a comma after the name and the message going on in small letters
# ("Mehmet, aşağıdaki maile bakabilir misin?", "Φλώρα, ρίξε μια ματιά")
_VOCATIVE = re.compile(
    # (or an arrow, as a note on a forwarded message names whom it is for: "Zofia -> pls check")
    r"(?m)^[ \t>]*(?P<name>\p{Lu}[\p{Ll}\p{M}'’-]+)(?:[ \t]*,[ \t]+(?=\p{Ll})|[ \t]+(?:->|→|=>)[ \t]+)"
    # in scripts without capitals, a first name the lists know, a comma or a term of respect after it ("نیما جان،",
    # "मीनाक्षी जी,", "אריה,", "افتكار،")
    r"|(?m)^[ \t>]*(?P<uncased>[\p{Arabic}\p{Hebrew}\p{Devanagari}\p{Thai}\p{M}]{2,20})[ \t]*(?:جان|جی|जी)?[ \t]*[,،]"
)
_AFTER = re.compile(rf"(?P<name>{_WORD})[ \t]+(?i:(?P<sure>{_SURE_AFTER})|{_LOOSE_AFTER})(?![\p{{L}}\p{{M}}])")
# an agent answering with the business, then their name between commas, then "listening" / "go ahead" ("Швидка Пошта
# Плюс, Ірина, слухаю вас", "اتصالات النخيل، ريم، تفضل", "Energia Atlântica, Margarida, diga")
# (or opening the sentence, "Andrzej, słucham."; or with the business after the name, "Dzień dobry, Grzegorz, Fala
# Mobile, w czym mogę pomóc?")
_GREETING = re.compile(rf"(?i:{GREETINGS}|Bonsoir|Buongiorno|Buonasera|Hallå|Goedemiddag|Goedemorgen|Dzień dobry)")
_BETWEEN_COMMAS = re.compile(
    rf"(?:[,،]|[.!?:](?=[ \t])|^)[ \t]*(?P<name>{_WORD})"
    # the business after the name ("Lars på Tre", "Wendell at Vodafone", "Jonas von der Telekom")
    r"(?:[ \t]+(?i:at|from|with|på|från|hos|bei|von|von der|vom|de|de chez|chez|di|da|do|van|z|ze|из|от)"
    r"[ \t]+\p{Lu}[^,،\n.!?]{0,30}?)?"
    rf"[ \t]*[,،][ \t]*(?:\p{{Lu}}[^,،\n.!?]{{1,40}}[,،][ \t]*)?"
    r"(?i:слухаю|слушаю|تفضل|تفضلي|أتفضل|diga|dígame|mi dica|"
    r"je vous écoute|vă ascult|ascult|słucham|poslouchám|prosím|buyurun|ακούω|σας ακούω|sprechen sie|"
    r"how can i help|how may i help|what can i do|w czym mogę|jak mogę pomóc|wie kann ich|en quoi puis-je|"
    r"en qué puedo|come posso|como posso|hoe kan ik|hur kan jag|чем могу|чим можу|cu ce vă pot|jak vám mohu|"
    r"size nasıl|πώς μπορώ|"
    # (what the call is about: "vad gäller det", "was kann ich für Sie tun", "que puis-je faire", "waarmee kan ik")
    r"vad gäller det|vad kan jag hjälpa|was kann ich|que puis-je|waarmee kan ik|in cosa posso|em que posso|"
    r"en qué le puedo|hva gjelder det|hvad drejer det sig)(?![\p{L}\p{M}])",
    re.MULTILINE,
)

# Chinese, Japanese and Korean, written without spaces: an agent's title or "I am" before, a copula or "at your
# service" after ("客服婷婷为您服务", "担当の加奈です", "真綾が承ります", "상담사 정웅입니다")
_CJK_NAME = r"[\p{Han}\p{Katakana}\p{Hiragana}\p{Hangul}ー々]{1,4}?"
_CJK = [
    re.compile(r"(?:客服|专员|專員)(?P<name>\p{Han}{1,3}?)(?:为您|為您|很高兴|很高興|，|,|。|$)"),
    re.compile(r"我是(?!客服|专员|專員)(?P<name>\p{Han}{2,3})(?:，|,|。|$)"),
    re.compile(rf"(?:担当の|担当は|オペレーターの)(?P<name>{_CJK_NAME})(?:です|と申します|が承ります)"),
    re.compile(
        # (after the business's name and の: "ニトリの吉田と申します")
        r"(?:(?<=の)|(?<![\p{Han}\p{Katakana}\p{Hiragana}]))(?P<name>[\p{Han}\p{Katakana}ー]{2,4})(?:と申します|が承ります)"
    ),
    # an agent's greeting, the business, the agent's name: "사랑합니다 고객님, 하루마켓 한우진입니다."
    re.compile(
        r"(?:감사합니다|사랑합니다|안녕하십니까|안녕하세요|반갑습니다)[^.?!\n]{0,30}?[ \t]"
        r"(?P<name>(?=[김이박최정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하곽성차주우구민류나진지엄채원천방공현함변염])"
        r"\p{Hangul}{3})(?:입니다|이에요|예요)"
    ),
    # a romanized name introduced in Korean ("저는 Park Soyeon입니다": the copula is a space in the copy analysed)
    re.compile(
        r"(?:저는|제 이름은|이름은|성함은)[ \t]+(?P<name>\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+){0,2})(?=[ \t]*[.,!?]|[ \t]*$|[ \t]{2})",
        re.MULTILINE,
    ),
    # (also after the call: "상담원 양나래였습니다", "this was agent ...")
    re.compile(
        r"(?:상담사|상담원|담당자|저는)[ \t]?(?P<name>\p{Hangul}{2,3}?)(?:입니다|이에요|예요|라고|였습니다|이었습니다|였어요|이었어요)"
    ),
    # "我姓罗" ("my family name is Luo"); a family name alone before "Mr", "Ms", "Miss" at a clause's start ("常女士，")
    re.compile(r"我姓(?P<name>\p{Han}{1,2}?)(?=[，,。\s]|$|想|叫|的)"),
    re.compile(
        r"(?:(?<=^)|(?<=[\s:：，,。！!？?、]))(?![老小大各本该該这這那某])(?P<name>\p{Han})(?:先生|女士|小姐|太太)",
        re.MULTILINE,
    ),
]
# an agent answering in Japanese: the business's name, の, the agent's, humble "でございます" ("ひかり通販の拓海でございます")
_JAPANESE_ANSWERING = re.compile(
    r"(?:ありがとうございます|お待たせいたしました|お待たせしました)[、。,\s]*[^\n。]{1,30}の(?P<name>\p{Han}{1,3})でございます"
)
_CJK.append(_JAPANESE_ANSWERING)
# a full name in katakana, as a caller spells it for the agent: two words before the copula or a title ("ヤマダ タロウです");
# loanwords ("サポート センターです") are too common a word to be names
_KATAKANA_FULL_NAME = re.compile(
    r"(?<![\p{Katakana}ー])(?P<name>(?P<a>\p{Katakana}[\p{Katakana}ー]{1,6})[ \u3000・](?P<b>\p{Katakana}[\p{Katakana}ー]{1,6}))"
    r"(?:です|と申します|でございます|様|さま|さん)"
)
KATAKANA_NAME_MAX_ZIPF = 4.0  # コバヤシ 2.5, ナナ 3.8; サポート 4.6, センター 4.9, メール 5.1
_CHINESE_PATTERNS = frozenset([*_CJK[:2], _JAPANESE_ANSWERING])  # (tested against everyday words by jieba)
# Thai: "ชื่อ" ("name") before, or a greeting's polite particle before and "from" after ("สวัสดีค่ะ มารุด จากฝ่าย...")
_THAI = [
    re.compile(r"ชื่อ[ \t]+(?P<name>\p{Thai}{2,12})(?=[ \t]|$)"),
    re.compile(r"(?:ค่ะ|ครับ)[ \t]+(?P<name>\p{Thai}{2,12})[ \t]+จาก"),
]
_CASED = re.compile(r"[\p{Lu}\p{Ll}]")

# Someone addressed: a title before the name ("Panie Pacholik", "أستاذ حجار", "آقای رضایی", "κύριε Παππά") or
# thanks before it and a pause after ("Дякую, Богуслава!", "شكراً ميلاء!", "धन्यवाद विद्या जी!", "Cảm ơn anh Phúc,")
_TITLES = _alternation(
    "Panie|Pane|Paní|Pani|господин|госпожа|пане|пані|κύριε|κυρία|أستاذ|أستاذة|استاذ|استاذة|السيد|السيدة|"
    "آقای|خانم|אדון|גברת|श्री|श्रीमती|सुश्री|Bapak|Ibu|Pak|Bu|Sayın|Úr|"
    # the titles of Latin-script languages, written small inside a sentence ("gracias, señor Fernández")
    "señor|señora|señorita|don|doña|senhor|senhora|signor|signora|signore|monsieur|madame|mademoiselle|herr|frau|"
    "meneer|mevrouw|domnule|domnul|doamnă|doamna|doamne|pan|pani|paní|pane|anh|chị|ông|bà|"
    # the Polish and Czech titles in their other cases ("z panią Moniką Wróblewską", "panem Nowakiem", "paní Novákové")
    "panią|panem|panu|pana|panie|paním|panu|pánem|pánovi|"
    # a doctor's or a professor's title written small before the name ("com o doutor Santos", "doamna doctor Popescu")
    "doctor|doctora|doutor|doutora|dottore|dottoressa|docteur|doktor|doktorka|profesor|professor|professora"
)
_THANKS = _alternation(
    "thanks|thank you|спасибо|дякую|merci|danke|gracias|obrigado|obrigada|grazie|dank je|dank u|dziękuję|děkuji|"
    "tack|takk|kiitos|köszönöm|mulțumesc|teşekkürler|teşekkür ederim|ευχαριστώ|شكراً|شكرا|תודה|ممنون|مرسی|"
    "धन्यवाद|शुक्रिया|ขอบคุณค่ะ|ขอบคุณครับ|ขอบคุณ|cảm ơn|terima kasih"
)
_KIN_TERMS = r"(?:anh chị|anh|chị|em|ông|bà|bạn|kak|pak|bu|mas|mbak)"
_TITLED = re.compile(rf"(?<![\p{{L}}])(?:{_TITLES})[ \t]+(?P<name>{_WORD}(?:[ \t]+{_WORD})?)")
_THANKED = re.compile(
    rf"(?i:(?<![\p{{L}}])(?:{_THANKS}))[ \t]*[,،]?[ \t]+(?:(?P<kin>(?i:{_KIN_TERMS}))[ \t]+)?(?P<name>{_WORD})"
    r"(?=[ \t]*(?:(?P<respect>जी|ji\b)|[!,.?،]|$))"
)


class IntroductionRecognizer(SpanRecognizer):
    ENTITIES = (PERSON,)

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.g = gazetteers

    def _listed_or_rare(self, word: str) -> bool:
        folded = fold(word)
        listed = folded in self.g.first_names or folded in self.g.last_names
        return (listed and self.g.zipf(word) < 4.5) or self.g.zipf(word) < 3.5

    def _first_name(self, word: str) -> bool:
        return fold(word) in self.g.first_names

    def _name_word(self, word: str, sure: bool) -> bool:
        if len(word) < 2:
            return False
        cased = bool(_CASED.match(word))
        if cased and word.islower():
            # a call transcribed in small letters ("my name is michelle", "мене звати ганна", "ben emre buyurun"):
            # a first name the lists know that is no everyday word (after "I am" or "ben", a rare one)
            if sure:  # (or a word no list holds: "меня зовут андрон")
                return (self._first_name(word) and self.g.zipf(word) < 5.0) or self.g.zipf(word) < 2.0
            # (the lists' first two thousand, less common than "dylan" or "marcus" are as words, the first hundred
            # less common than "ömer" or "tom"; not "hope", "bill", "mark")
            rank, common = self.g.first_names.get(fold(word), 0), self.g.zipf(word)
            return 0 < rank <= 2000 and (common < 4.5 if rank > 100 else common < 5.0) and zipf_any(word) < 5.0
        if cased and (not word[0].isupper() or word.isupper()):
            return False  # small letters begin no name, capitals alone are an acronym or a code
        if sure:
            return not (cased and self.g.zipf(word) >= 5.5 and not self._first_name(word))
        # after "I'm" or "soy", a first name the lists rank, and no everyday word that is only sometimes a name
        rank = self.g.first_names.get(fold(word), 0)
        return bool(rank) and (self.g.zipf(word) < 4.5 or rank <= 300)

    def _titled_name(self, word: str) -> bool:
        """After an agent's title: a capitalized first name the lists hold, at any rank."""
        return (
            bool(_CASED.match(word)) and word[:1].isupper() and not word.isupper() and fold(word) in self.g.first_names
        )

    def find(self, text: str) -> Iterable:
        for m in _BEFORE.finditer(text):
            sure = m.group("sure") is not None or m.group("form") is not None
            parts = m.group("name").split()
            titled = m.group("title") is not None and self._titled_name(parts[0])
            if not titled and not self._name_word(parts[0], sure):
                continue
            if m.group("form") is not None and not self._listed_or_rare(parts[0]):
                continue
            yield finding(PERSON, m.start("name"), self._name_end(text, m), 0.85 if sure else 0.7, self.name)
        for m in _TITLED.finditer(text):
            first = m.group("name").split()[0]
            if self._name_word(first, sure=True) or first in _ARABIC_FAMILY_ARTICLES:
                yield finding(PERSON, m.start("name"), self._name_end(text, m), 0.8, self.name)
        for m in _THANKED.finditer(text):
            word = m.group("name")
            if not self._name_word(word, sure=True):
                continue
            # a kinship term before or "ji" after makes it someone; else a first name the lists know, or a rare
            # word ("شكراً جزيلاً" is "thanks a lot", "תודה רבה" too)
            rank = self.g.first_names.get(fold(word), 0)
            # (in a script without capitals a rare word may be a word with its clitics, "لصبرك" "for your
            # patience": there only an exclamation after it calls someone)
            called = bool(_CASED.match(word)) or text[m.end("name") : m.end("name") + 2].lstrip()[:1] == "!"
            if m.group("kin") or m.group("respect") or rank or (self.g.zipf(word) < 3.0 and called):
                yield finding(PERSON, m.start("name"), m.end("name"), 0.75, self.name)
        for m in _VOCATIVE.finditer(text):
            if m.group("uncased"):
                if fold(m.group("uncased")) in self.g.first_names:
                    yield finding(PERSON, m.start("uncased"), m.end("uncased"), 0.7, self.name)
                continue
            word = m.group("name")
            rank = self.g.first_names.get(fold(word), 0)
            common = self.g.zipf(word)
            if rank > 0 and (
                (rank <= 100 and common < 6.0) or (rank <= 2000 and common < 4.0 and zipf_any(word) < 4.5)
            ):
                yield finding(PERSON, m.start("name"), m.end("name"), 0.7, self.name)
        for m in _FROM_TEAM.finditer(text):
            group = "name" if m.group("name") else "name2"
            if self._name_word(m.group(group).split()[0], sure=True):
                yield finding(PERSON, m.start(group), m.end(group), 0.8, self.name)
        for m in _AFTER.finditer(text):
            if self._name_word(m.group("name"), sure=m.group("sure") is not None):
                yield finding(PERSON, m.start("name"), m.end("name"), 0.8, self.name)
        for m in _BETWEEN_COMMAS.finditer(text):
            name = m.group("name")
            # (a greeting the lists hold as a first name too is a greeting: "Bonjour, Camille de chez ...")
            if self._name_word(name, sure=True) and fold(name) in self.g.first_names and not _GREETING.fullmatch(name):
                yield finding(PERSON, m.start("name"), m.end("name"), 0.8, self.name)
        if not text.isascii():
            for m in _HINDI_SPEAKING.finditer(text):
                yield finding(PERSON, m.start("name"), m.end("name"), 0.8, self.name)
            for m in _HINDI.finditer(text):
                # "मैं देखती हूँ" is "I look": a verb's present participle before the same "हूँ"
                if not re.search(r"(?:ता|ती|ते|रहा|रही|रहे)$", m.group("name")):
                    yield finding(PERSON, m.start("name"), m.end("name"), 0.8, self.name)
            for m in _KATAKANA_FULL_NAME.finditer(text):
                if max(japanese_zipf(m.group("a")), japanese_zipf(m.group("b"))) < KATAKANA_NAME_MAX_ZIPF:
                    yield finding(PERSON, m.start("name"), m.end("name"), 0.8, self.name)
            for pattern in (*_CJK, *_THAI):
                for m in pattern.finditer(text):
                    # "我是学生" is "I am a student"; a family name or a Japanese given name may be any word
                    if pattern not in _CHINESE_PATTERNS or not everyday_chinese(m.group("name")):
                        yield finding(PERSON, m.start("name"), m.end("name"), 0.8, self.name)

    def _name_end(self, text: str, m: re.Match) -> int:
        """Where a name found by ``m`` ends: its first word, the family name after it (capitalized in cased scripts,
        or one the lists know; any word after an Arabic family's article), and the particles that go on with it."""
        parts = m.group("name").split()
        end = m.start("name") + len(parts[0])
        if len(parts) == 2 and (self._family(parts[1]) or parts[0] in _ARABIC_FAMILY_ARTICLES):
            end = m.end("name")
        while particle := _ARABIC_PARTICLE.match(text, end):
            end = particle.end()
        return end

    def _family(self, word: str) -> bool:
        if _CASED.match(word) and word.islower():
            return fold(word) in self.g.last_names and self.g.zipf(word) < 5.0
        if _CASED.match(word):
            return word[0].isupper() and (fold(word) in self.g.last_names or self.g.zipf(word) < 3.0)
        return fold(word) in self.g.last_names and self.g.zipf(word) < 4.0
