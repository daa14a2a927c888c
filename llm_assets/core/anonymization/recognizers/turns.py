"""Answers given alone in a conversation: a turn of a chat log or a call transcript that holds nothing but a code, a
proper noun or an age ("80298", "GT-J-2431", "Vieja Croacia", "52 Jahre", "sesenta y cuatro años", "五十三年"), a
name spelled or digits read out one by one ("k i m", "åtta fem fem tre två", "七 一 八"), a full name written in
lower case ("omar brown") or in Han/kana (a given name the lists know after a family name) answers a question about
the person speaking, whether or not the question made it into the log.

A turn is the text after a speaker label (``nick:``, ``<nick>``, ``[10:02] Name:``, ``Name (10:02):``) on a line of a
text that has at least three such lines. A code starting with ``#`` names an order (kept); a sentence is no answer.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import regex as re

from llm_assets.core.anonymization import numerals
from llm_assets.core.anonymization.gazetteers import Gazetteers, current_language, fold, zipf_any
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, alternation, finding, phone_shaped
from llm_assets.core.anonymization.recognizers.handles import _AFTER_STAMP, _STAMP
from llm_assets.core.anonymization.recognizers.scripts import (
    EVERYDAY_KOREAN_ZIPF,
    KOREAN_COPULAS,
    chinese_zipf,
    east_asian,
    has_frequencies,
    japanese_zipf,
    korean_zipf,
    script_of,
    word_zipf,
)
from llm_assets.core.anonymization.recognizers.spoken import CJK_DIGITS, any_digit_words, spoken_symbol
from llm_assets.core.anonymization.recognizers.vocabulary import UNAMBIGUOUS_PREFIXES, YEARS
from llm_assets.core.anonymization.text import PARTICLES
from llm_assets.core.entities import DATE_OF_BIRTH, PERSON, USERNAME

# a label's character; an apostrophe only inside a word ("мар'яна:", "O'Brien:")
_LABEL_CHAR = r"(?:[^\s:<>\[\](){}\"'’]|(?<=\p{L})['’](?=\p{L}))"
_TURN = re.compile(
    # "Speaker 2:", "A:" (a letter or a number is a speaker's label too)
    rf"(?m)^[ \t]*{_STAMP}(?P<label><[^<>\s]{{2,32}}>|{_LABEL_CHAR}{{1,32}}(?:[ \t]{_LABEL_CHAR}{{1,32}}){{0,2}}"
    rf"(?:[ \t]\([^()\n:]{{1,32}}\))?{_AFTER_STAMP}[ \t]*:)[ \t]+(?P<turn>[^\n]+?)[ \t]*$"
)
_CODE = re.compile(r"(?=[^\s]*\d)[\p{L}\p{N}][\p{L}\p{N} ·./-]{2,18}[\p{L}\p{N}]")
_AGE_TURN = re.compile(
    rf"(?P<age>\d{{1,3}}|[\p{{L}}\p{{M}}'’ʼ-]+(?:[ \t][\p{{L}}\p{{M}}'’ʼ-]+){{0,3}})"
    rf"(?:[ \t]+(?:{YEARS})|(?<=[\d零〇一二三四五六七八九十百两兩])[ \t]?(?:{YEARS}))\.?"
)
_SPOKEN_TOKEN = re.compile(r"[\p{L}\p{M}\p{N}]+(?:['’ʼ][\p{L}\p{M}]+)*")
_SENTENCE = re.compile(
    r"(?<!(?:^|\s)\p{Ll}{1,4}(?=\.\s\p{Lu}))[.]\s|[!?]\s|\s(?:is|are|was|the|and|i|you|we|it|a|to|of)\s", re.IGNORECASE
)


# a phone number given alone, in any grouping ("+380-(50)-271-00-80", "0 925 950 749")
# an address given alone: a house number (12, 12a, 38/2, 7-1) among words of any script, a locality after a comma
_HOUSE_NUMBER = re.compile(r"(?<![\p{L}\p{N}])\d{1,5}(?:[\p{L}](?![\p{L}]))?(?:[/-]\d{1,5})?(?![\p{L}\p{N}])")
_ADDRESS_TURN = re.compile(r"[\p{L}\p{M}\p{N} .,'’/-]{4,90}")
# a street and its town as most countries write them, in any script: "Αντωνίου 14, Καστοριά",
# "вул. Садова 12, Житомир" (a street's name, its house number, a comma, a capitalized town)
_STREET_COMMA_TOWN = re.compile(
    r"(?P<street>(?:[\p{L}\p{M}'’-]+\.?[ \t]+){0,3}\p{Lu}[\p{L}\p{M}'’-]+)[ \t]+\d{1,5}[\p{L}]?(?:[/-]\d{1,5})?,"
    r"[ \t]*(?P<town>\p{Lu}[\p{L}\p{M}'’-]+(?:[ \t-]+[\p{L}\p{M}'’-]+){0,2})"
)
# a Korean city, county or district: two or more syllables and the unit ("수원시", "영통구", "양평군"); everyday
# words that end the same way are short ("다시", "친구") or, alone, end otherwise ("그래도", "그러면")
# a Chinese or Japanese city, county, ward, town or village: its name and the unit ("深圳市", "長生郡一宮町")
_CJK_DIVISION = re.compile(r"(?:\p{Han}{1,5}[省県县都道府郡])?\p{Han}{1,5}[市区區町村鎮镇]")
_KOREAN_DIVISION = re.compile(r"\p{Hangul}{2,5}(?:시|군|구|읍|면|동)")
# a registration plate given alone: letters, then digits ("HE 6895", "KA-4411")
# three digits, a space, two: how Sweden, Czechia, Slovakia and Greece write a postcode ("681 32")
_SPACED_POSTCODE = re.compile(r"\d{3} \d{2}")
_PLATE_TURN = re.compile(r"\p{Lu}{1,3}[ -]\d{2,5}(?:[ -]\p{Lu}{1,3})?")


# an e-mail's header lines, in the mail clients' languages: fields, never a conversation's turns
_MAIL_HEADER = re.compile(
    r"(?i:subject|from|to|cc|bcc|date|sent|reply-to|betreff|von|an|datum|gesendet|objet|de|à|envoyé|asunto|para|"
    r"enviado|oggetto|da|inviato|assunto|onderwerp|van|aan|verzonden|ämne|från|till|skickat|emne|fra|til|temat|od|"
    r"do|wysłano|předmět|komu|odesláno|konu|kimden|kime|subiect|către|тема|от|кому|отправлено|від|θέμα|από|προς|"
    r"件名|差出人|宛先|主题|主題|发件人|收件人|제목|보낸 사람|받는 사람|الموضوع|من|إلى|נושא|מאת|אל|विषय)"
)
# a field's name rather than a speaker: "order_id", "items.price" (a handle has digits: "analyst_1899")
_FIELD_LABEL = re.compile(r"[a-z]+(?:[._][a-z]+)+")
_QUANTITY = re.compile(r"\d+(?:[.,]\d+)? (?:[a-z]{1,3}|[A-Z][a-z]{1,2})\.?")  # a unit; "024 ODR" is a plate
_DATE_OR_AMOUNT = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)|\d[.,]\d{2}(?!\d)|[$€£¥₹]")


# the languages ``text2num`` 2.5 reads numbers said in words in (not Italian or Dutch)
ANY_LANGUAGE_EVERYDAY_ZIPF = 4.5
GRAMMAR_WORD_ZIPF = 5.75  # "go" 6.0, "on" 6.9, "am" 5.8; "per" 5.5, "john" 5.4


def _number_in_words(turn: str) -> str | None:
    """PHONE_NUMBER (7 to 15 digits) or REFERENCE_NUMBER (5 or 6) for a turn that is nothing but a number said in
    words, in groups of any size ("zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "null eins
    fünf sieben, zweiundvierzig"); None for anything else (a turn with a written digit is the other rules')."""
    if re.search(r"\d|[?!]", turn) or not 2 <= len(turn.split()) <= 24:
        return None
    from text_to_num import alpha2digit

    for language in numerals.TEXT2NUM_LANGUAGES:
        try:
            written = alpha2digit(turn, language)
        except (ValueError, KeyError, IndexError):
            continue
        if re.fullmatch(r"[\d\s,.;-]+", written):
            digits = sum(c.isdigit() for c in written)
            if 7 <= digits <= 15:
                return "PHONE_NUMBER"
            if digits >= 5:
                return "REFERENCE_NUMBER"
    return None


# a question about someone's age, in the languages the age rules read ("may I ask your age?", "wie alt sind Sie?")
_AGE_QUESTION = re.compile(
    r"(?i:\b(?:age|how old|wie alt|alter|quel âge|âge|edad|cuántos años|età|quanti anni|idade|quantos anos|"
    r"leeftijd|hoe oud|wiek|ile\b[^?\n]{0,20}\blat|ålder|hur gammal|возраст|сколько (?:вам |тебе )?лет|вік|"
    r"скільки (?:вам |тобі )?років|yaş|kaç yaşında|ηλικία|πόσο χρονών)\b)|كم عمر|العمر|גיל|בן כמה|בת כמה|उम्र|"
    r"อายุ|tuổi|umur|usia|年齢|何歳|年龄|年紀|多大|几岁|幾歲|나이|몇 살|"
    # the same questions where the word for "old" or "years" takes endings ("yaşındasınız", "χρονών είστε")
    r"(?i:kaç yaş|πόσων χρονών|kolik je vám let|kolik ti je|hány éves|câți ani|ce vârstă|hur gammal|hvor gammel|"
    r"kuinka vanha|ile ma pan lat|ile ma pani lat|ile masz lat|bao nhiêu tuổi|چند سال|سن شما|आपकी उम्र|कितने साल)"
)


# a question about the person's name or the name an account is under ("who am I speaking with?", "A chi è intestato
# l'account?"), and one about a vehicle's registration
_NAME_QUESTION = re.compile(
    r"(?i:who am i speaking (?:with|to)|your (?:full |first |last )?name|your first and (?:last|second) name|"
    r"may i (?:have|take) your name|"
    r"(?:whose|what) name|account holder|wie heißen sie|ihr name|mit wem spreche ich|auf wen|"
    r"votre nom|comment vous appelez|à qui ai-je|à quel nom|cómo se llama|su nombre|tu nombre|con quién hablo|"
    r"a nombre de quién|come si chiama|come ti chiami|il suo nome|a chi è intestat|qual é o seu nome|como se chama|"
    r"seu nome|em nome de quem|hoe heet u|hoe heet je|uw naam|op wiens naam|jak się pan nazywa|jak się pani "
    r"nazywa|jak masz na imię|imię i nazwisko|na kogo|vad heter du|ditt namn|vems namn|jak se jmenujete|vaše jméno|"
    r"na koho|cum vă numiți|cum te numești|numele complet|numele dumneavoastră|pe numele cui|hogy hívják|hogy "
    r"hívnak|a neve|kinek a nevére|adınız|isminiz|kimin adına|tên (?:của )?(?:anh|chị|bạn|quý khách)|"
    r"dengan siapa|siapa nama|atas nama siapa|как вас зовут|ваше имя|на кого|як вас звати|ваше ім|на кого|"
    # the surname asked for, or how to address the caller ("Прізвище та ім'я, будь ласка", "Як до вас звертатися?")
    r"ваше прізвище|прізвище та ім|прізвище, ім|ім'я та прізвище|ім’я та прізвище|як до вас звертатися|"
    r"як до вас можна звертатися|ваша фамилия|фамилия и имя|фамилию и имя|имя и фамилию|как к вам обращаться|"
    r"soyadınız|adınız ve soyadınız|adınızı ve soyadınızı|"
    r"πώς σας λένε|το όνομά σας|ما اسمك|מה שמך|اسم شما|आपका नाम|คุณชื่อ|"
    # "who am I speaking with", as agents ask it in each language
    r"who(?:'s| is) calling|who do i have on the line|who am i talking (?:with|to)|met wie spreek ik|wat is uw naam|"
    r"vem (?:pratar|talar) jag med|hvem (?:taler|snakker) jeg med|hva heter du|hvad hedder du|z kim rozmawiam|"
    r"z kim mam przyjemność|jak się nazywasz|s kým (?:mluvím|hovořím|hovorím|mám tu čest)|ako sa voláte|"
    r"cu cine vorbesc|cu cine am plăcerea|kiminle görüşüyorum|kiminle konuşuyorum|con chi parlo|"
    r"con chi ho il piacere|com quem (?:eu )?falo|com quem tenho o prazer|con quién tengo el gusto|"
    r"c'est de la part de qui|qui est à l'appareil|wie ist ihr name|wie war ihr name|mit wem habe ich|"
    r"как к вам обращаться|с кем я говорю|как ваше имя|як до вас звертатися|з ким я розмовляю|"
    r"με ποιον μιλ(?:άω|ώ)|πώς λέγεστε|ονοματεπώνυμο|مع مين|مع من أتحدث|اسمك|الاسم الكريم|"
    r"आपका (?:शुभ |पूरा )?नाम|नाम बताइए|किससे बात|עם מי אני מדבר|kivel beszélek|kenen kanssa puhun|mikä on nimesi|"
    # the full name asked for ("nama lengkap", "celé jméno", "שם מלא", "họ và tên", "ФИО")
    r"full name|fulde navn|fulla namn|fullständiga namn|fulle navn|koko nimi|koko nimesi|nimenne|celé jméno|"
    r"celého jména|teljes nev|nama lengkap|nama anda|họ tên|họ và tên|фио|полное имя|повне ім|שם מלא|השם המלא|"
    r"השם שלך|שמך)|"
    r"お名前|ご氏名|您贵姓|您貴姓|您的名字|你叫什么|怎么称呼|怎麼稱呼|姓名|성함|이름이"
)
PLATE_QUESTION = re.compile(
    r"(?i:plate|registration|\breg\b|kennzeichen|immatriculation|plaque|matr[ií]cula|targa|placa|kenteken|"
    r"rejestracyj|registreringsnummer|regnummer|rekisterinumero|značk|\bspz\b|înmatriculare|rendszám|plaka|"
    r"biển số|plat nomor|nomor polisi|госномер|номер машин|номер автомобил|номер автомобіл|номерний знак|πινακίδ|"
    r"κυκλοφορίας|"
    r"לוחית|מספר הרכב|لوحة|پلاک|नंबर प्लेट|ทะเบียน)|ナンバー|车牌|車牌|번호판|차량 번호"
)
# a registration plate's shape: groups of capitals and digits, both present, five to nine of them ("NF 174 BR",
# "4LCU788", "67-TYX-1")
_PLATE_SHAPE = re.compile(
    r"(?<![\p{L}\p{N}-])(?=[\p{Lu}\p{N} -]*\p{N})(?=[\p{N} -]*\p{Lu})[\p{Lu}\p{N}]{1,7}(?:[ -][\p{Lu}\p{N}]{1,4}){0,3}"
    r"(?![\p{L}\p{N}-])"
)
# the same in small letters: a token of letters and digits together, with a short group before or after it
_SMALL_PLATE = re.compile(
    r"(?<![\w-])(?:(?!(?:is|was|the|a|an|it|its|my|his|her|our|and|or|to|on|in|at|of|by)[ -])[a-z]{1,3}[ -])?"
    r"(?!\d{1,2}(?:am|pm|st|nd|rd|th)\b)(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{3,7}"
    r"(?:[ -](?!and\b|the\b)[a-z0-9]{2,4})?(?![\w-])"
)
_SEGMENT = re.compile(r"[^.!?]+[.!?]*")
# nobody says an underscore: small words joined by one in what a party says are a login typed or read out
# ("ruben_gal"; a mixed-case key "cus_LNLAYDNk4" is an identifier the other rules type), or joined by the word for it ("chiara underscore ferri", "guion bajo", "unterstrich")
_SPOKEN_HANDLE = re.compile(
    r"(?<![\w@./#:-])\p{Ll}[\p{Ll}\d]*(?:_[\p{Ll}\d]+)+(?![\w@]|\.\w)"
    r"|(?i:(?<![\p{L}])\p{L}[\p{L}\d]*(?:[ \t]+(?:underscore|under score|guion bajo|guión bajo|trait de soulignement|"
    r"tiret bas|unterstrich|trattino basso|sottolineato|underline|sublinhado|podkreślnik|liggande streck)[ \t]+"
    r"\p{L}[\p{L}\d]*)+)"
)
_NUMBER_AND_YEARS = re.compile(rf"(?<![\p{{L}}\p{{N}}])(?P<age>\d{{1,3}})[ \t]?(?:{YEARS})(?![\p{{L}}])", re.IGNORECASE)
# what a spoken answer may open with: hesitations, "yes", "it's" ("um yeah it's ...", "euh oui c'est ...")
_FILLERS = (
    r"um+|uh+|er+m?|euh|äh|eh+|ehm|ıı|yeah|yes|yep|ja|oui|sí|si|sim|tak|evet|ok(?:ay)?|so|well|sure|it's|it is|that's|"
    r"c'est"
)
# a postcode or a login given as the answer, after a filler ("9301.", "it's 46009", "It's washington1971, ...")
_ANSWER_LEAD = rf"(?i:(?:{_FILLERS}|es|é|è|to|je)[ ,]+)*"
_POSTCODE_ANSWER = re.compile(
    rf"{_ANSWER_LEAD}(?P<code>(?=[A-Za-z0-9 -]*\d)[A-Za-z0-9]{{2,5}}(?:[ -][A-Za-z0-9]{{2,4}})?)(?=[ \t]*(?:[.,!]|$))"
)
_LOGIN_ANSWER = re.compile(
    rf"{_ANSWER_LEAD}(?P<login>[\p{{L}}\p{{N}}][\p{{L}}\p{{N}}_.-]{{2,30}}[\p{{L}}\p{{N}}])(?=[ \t]*(?:[.,!]|$))"
)
# a copula glued to a value at the answer's end ("7255 8149です", "154-0024でございます")
_COPULA_END = re.compile(r"[ \t]*(?:です(?:ね|よ)?|でございます|だよ|だ)[ \t。.!！]*$")
# a word that opens an answer, and what follows it before the value ("yeah it's", "tak,", "espere...", "إيه،")
_LEAD = re.compile(r"[ \t]*(?P<word>[^\s,.…،、:;!?]+)(?:[ \t]*[,.…،、:;!?]+[ \t]*|[ \t]+)")
_NAME_WORD = re.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’-]*")
_LOGIN_TOKEN = re.compile(r"[\p{L}\p{N}][\p{L}\p{N}_.-]{2,30}[\p{L}\p{N}]")
# a Korean name spelled syllable by syllable, alone or before its explanation ("최, 성, 민. 성은 어질 성 자요")
_SPELLED_HANGUL = re.compile(
    r"(?:(?:음|어|네|예)[.…,]*[ \t]+)?(?P<name>\p{Hangul}(?:[ \t]*[,·][ \t]*\p{Hangul}){1,3})(?=[ \t]*(?:[.。!]|$))"
)
# a Korean answer: the name, then the copula ("네, 윤하람입니다", "저는 강태오예요", "윤하람")
_KOREAN_ANSWER = re.compile(
    # (after "yes", a hesitation or "wait a moment": "음... 신다은이요", "잠깐만요 강광수요")
    r"(?:(?:네|예|음|어|아|그|저기|잠깐만요|잠시만요|잠깐만|잠시만)[,.…]*[ \t]+){0,2}(?:저는[ \t]+|제 이름은[ \t]+)?"
    r"(?P<name>\p{Hangul}{2,4}?)"
    rf"(?:이라고 합니다|라고 합니다|이고요|{KOREAN_COPULAS})?(?=[ \t.,!?]|$)"
)
# the same typed or transcribed in small letters, after the fillers and the words that introduce it
_LOWER_LEADING_NAME = re.compile(
    rf"(?:(?:{_FILLERS}|my name's|my name is|i'm|this is|je m'appelle|me llamo|soy|mi chiamo|sono|meu nome é|sou|"
    r"ich bin|ich heiße|mein name ist|nazywam się|jestem|ik ben|mijn naam is|jag heter|jag är)[ ,.]+)*"
    r"(?P<name>\p{Ll}[\p{Ll}'’-]+(?:[ \t]\p{Ll}[\p{Ll}'’-]+){1,2})(?=[ \t,.!?]|$)"
)
_LEADING_NAME = re.compile(r"(?P<name>\p{Lu}[\p{L}\p{M}'’-]+(?:[ \t]\p{Lu}[\p{L}\p{M}'’-]+){1,3})(?=[ \t]*(?:[,.!]|$))")


# a question about a birth date, a postcode or a login (the answer's shape says the rest)
_BIRTH_QUESTION = re.compile(
    r"(?i:date of birth|birth ?date|\bdob\b|when were you born|geburtsdatum|geboren|date de naissance|"
    r"fecha de nacimiento|data di nascita|data de nascimento|geboortedatum|födelsedatum|fødselsdato|"
    r"data urodzenia|datum narození|data nașterii|doğum tarih|születési|дата рождения|дату рождения|"
    r"дата народження|ημερομηνία γέννησης|ημερομηνία γεννήσεως|تاريخ الميلاد|תאריך לידה|تاریخ تولد|जन्म तिथि|"
    r"जन्मतिथि|생년월일|생일|출생|生年月日|誕生日|出生日期|出生年月|生日)"
)
_POSTCODE_QUESTION = re.compile(
    r"(?i:post ?code|postal code|zip(?: code)?|plz|postleitzahl|code postal|código postal|codice postale|"
    r"avviamento postale|\bcap\b|kod pocztowy|postnummer|psč|poštovní|cod poștal|posta kodu|irányítószám|"
    r"индекс|ταχυδρομικός)|郵便番号|邮编|邮政编码|郵遞區號|우편번호"
)
_LOGIN_QUESTION = re.compile(
    r"(?i:user ?name|login|log-in|handle|benutzername|nom d'utilisateur|identifiant|usuario|nome utente|"
    r"nome de usuário|gebruikersnaam|användarnamn|nazwa użytkownika|kullanıcı adı|uživatelské jméno|"
    r"utilizador|nume de utilizator|brugernavn|brukernavn|käyttäjätunnus|felhasználónév|nickname|"
    r"имя пользователя|логин|ім'я користувача|ім’я користувача|όνομα χρήστη|اسم المستخدم|यूज़रनेम|यूजरनेम)|"
    r"ユーザー名|ユーザーID|用户名|用戶名|아이디|사용자 이름"
)


_NEXT_TURN_ONLY = frozenset({"birth", "postcode", "login"})


def asked(turn: str) -> frozenset[str]:
    """What a turn asks the other party for: ``age``, ``name``, ``plate``, ``birth``, ``postcode``, ``login``."""
    kinds = set()
    for kind, question in (
        ("age", _AGE_QUESTION),
        ("name", _NAME_QUESTION),
        ("plate", PLATE_QUESTION),
        ("birth", _BIRTH_QUESTION),
        ("postcode", _POSTCODE_QUESTION),
        ("login", _LOGIN_QUESTION),
    ):
        if question.search(turn):
            kinds.add(kind)
    return frozenset(kinds)


# before a date said as an answer: fillers and the words for "born" / "it is"
_DATE_LEAD = re.compile(
    rf"(?i:(?:{_FILLERS}|dat is|das ist|es el|é|è|is|born(?: on)?|geboren am|née? le|nací el|nacida? el|nato il|"
    r"nata il|nasci em|född(?: den)?|født|urodziłe[mś] się|urodziłam się|narodil(?:a)? jsem se|m-am născut (?:pe|la)|"
    r"doğdum)[ ,.]+)*"
)
_CLAUSE_END = re.compile(r"[.;!?]|,|\s(?:she's|he's|and|und|et|y|e|en|och|i|ve)\s")


def _spoken_date(turn: str) -> tuple[int, int] | None:
    """The date that a turn answering "your date of birth?" opens with, in digits or in words ("the fifteenth of
    march nineteen sixty-two", "zwanzigsten Dezember fünfundneunzig", "4. 4. 1953"): its first clause, two to
    nine words of which one at least is a number; None otherwise."""
    start = _DATE_LEAD.match(turn).end()
    rest = turn[start:]
    stop = _CLAUSE_END.search(rest, 1)
    clause = rest[: stop.start() if stop else len(rest)].rstrip()
    words = clause.split()
    if not 2 <= len(words) <= 9:
        return None
    if re.search(r"\d", clause) or any(says_number(w) for w in re.findall(r"[\p{L}-]+", clause)):
        return start, start + len(clause)
    return None


def _postcode_answer(turn: str) -> tuple[int, int] | None:
    code = _POSTCODE_ANSWER.match(_COPULA_END.sub("", turn))
    return code.span("code") if code else None


def says_number(word: str) -> bool:
    """A word that says a number (a year's part, a day, an ordinal) in a language the number readers know."""
    word = word.strip("-").casefold()
    if len(word) < 3:
        return False
    if any(re.search(r"\d", written) for written in written_numbers(word)):
        return True
    return any(numerals.value(word, language) for language in numerals.LANGUAGES) or numerals.is_ordinal(word)


def written_numbers(text: str) -> Iterable[str]:
    """``text`` with its numbers said in words written in digits, by ``text2num`` in each language it reads."""
    from text_to_num import alpha2digit

    for language in numerals.TEXT2NUM_LANGUAGES:
        try:
            yield alpha2digit(text, language)
        except (ValueError, KeyError, IndexError, TypeError):
            continue


def age_in_words(turn: str) -> bool:
    """A turn that is nothing but a number from 1 to 120, in digits or said in words ("thirty four", "soixante")."""
    return age_value(turn) is not None


def age_value(turn: str) -> int | None:
    """The number from 1 to 120 that ``turn`` is, in digits or said in words, or None."""
    turn = turn.strip(" .!")
    if turn.isdigit():
        return int(turn) if 0 < int(turn) <= 120 else None
    if re.search(r"\d", turn) or not 1 <= len(turn.split()) <= 4:
        return None
    for written in written_numbers(turn):
        written = written.strip(" .!")
        if written.isdigit() and 0 < int(written) <= 120:
            return int(written)
    # the languages text2num does not read, the text's own first (any of them for a long word)
    language = current_language()
    return numerals.spoken_number(turn, language if language in numerals.LANGUAGES else None)


def _answer_end(turn: str) -> str:
    """A short answer's final point is no sentence's end ("Anna Kowalska.", "Gdańsk.")."""
    return turn.removesuffix(".") if len(turn.split()) <= 3 else turn


@dataclass(frozen=True)
class Utterance:
    """One party's turn, however the transcript writes it: its label (the speaker, or "" where the format names
    none) and its text, as spans of the document (the same ``group`` / ``start`` / ``end`` as a match of ``_TURN``)."""

    spans: dict[str, tuple[int, int]]
    text: str

    def group(self, name: str | int = 0) -> str:
        start, end = self.spans["all" if name == 0 else name]
        return self.text[start:end]

    def start(self, name: str | int = 0) -> int:
        return self.spans["all" if name == 0 else name][0]

    def end(self, name: str | int = 0) -> int:
        return self.spans["all" if name == 0 else name][1]


# WebVTT's voice tag ("<v Callum Evans>Hi there, you're through to ...</v>")
_VTT_VOICE = re.compile(r"(?m)^[ \t]*<v(?:\.[\w.-]+)?[ \t]+(?P<label>[^>\n]{1,60})>(?P<turn>[^\n]*?)(?:</v>)?[ \t]*$")
# a subtitle cue's timing line (WebVTT "00:00:05.120 --> 00:00:09.800", SRT "00:00:05,120 --> ..."): its text follows
_CUE_TIMING = re.compile(
    r"(?m)^[ \t]*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}[ \t]+-->[ \t]+(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}[^\n]*$"
)
# a meeting tool's export: the speaker and a time on a line ("Maria Gonzalez  0:42", "Emma Hughes | Bank  0:01",
# "Speaker 1  00:00:24"), the words on the lines below
_CLOCK = r"(?:\d{1,2}:)?\d{1,2}:\d{2}"  # "0:42", "00:01:12"
_MEETING_SPEAKER = re.compile(
    rf"(?m)^[ \t]*(?P<label>[^\n:<>]{{1,80}}?)(?:[ \t]{{2,}}\(?{_CLOCK}\)?|[ \t]+[\[(]{_CLOCK}(?:[.,]\d{{1,3}})?[\])])[ \t]*$"
)
# a diarized export with the speaker and a time opening each line, the words after them ("spk_1 0:18  Thijs Smit",
# "Speaker 2 00:01:12 yes that's right"); a log's level is no speaker
_SPEAKER_TIME_LINE = re.compile(
    r"(?m)^[ \t]*(?P<label>(?!(?i:info|warn|warning|error|debug|trace|fatal|critical|notice)\b)"
    r"[^\s:<>\[\](){}\"'=|]{1,32}(?:[ \t][^\s:<>\[\](){}\"'=|\d]{1,32})?(?:[ \t]\d{1,2})?)"
    rf"[ \t]+[\[(]?{_CLOCK}(?:[.,]\d{{1,3}})?[\])]?[ \t]+(?P<turn>\S[^\n]*?)[ \t]*$"
)
# a speaker's label in brackets opening a line or a subtitle cue ("[Customer] yeah it's ...")
_BRACKET_TURN = re.compile(r"(?m)^[ \t]*(?P<label>\[(?!\d)[^\[\]\n]{1,32}\])[ \t]+(?P<turn>\S[^\n]*?)[ \t]*$")
# a speech-to-text service's segments as JSON: objects with a speaker and the words said
_JSON_SEGMENT = re.compile(r"\{[^{}]*\}")  # one segment per line, or pretty-printed over several
_JSON_SPEAKER = re.compile(r'"(?:speaker|speaker_label|speaker_id|channel|role)"[ \t]*:[ \t]*"?(?P<label>[^",}]{1,32})')
_JSON_TEXT = re.compile(r'"(?:text|transcript|utterance|content)"[ \t]*:[ \t]*"(?P<turn>(?:[^"\\\n]|\\.)*)"')


def utterances(text: str) -> list:
    """The turns of a conversation: "label: text" lines, else WebVTT voice tags, subtitle cues (the words under
    each timing line, a speaker's label inside them or none) or a meeting export's speaker-and-time lines. Fewer
    than three of a kind are no conversation."""
    found = list(_TURN.finditer(text))
    if len(found) >= 3:
        return found
    for parse in (
        _vtt_voices,
        _subtitle_cues,
        _meeting_turns,
        _speaker_time_lines,
        _bracket_turns,
        _json_segments,
        _lower_case_lines,
    ):
        turns = parse(text)
        if len(turns) >= 3:
            return turns
    return found


# a line of a speech-to-text export written in small letters without labels, one turn a line
_ASR_LINE = re.compile(r"[^\p{Lu}:\n]*\p{Ll}[^\p{Lu}:\n]*")
MIN_ASR_LINES = 6
ASR_LINE = "asr_line"  # the span key that marks such a turn: without punctuation, only answers tell a value there


def _lower_case_lines(text: str) -> list:
    """The lines of a text of six lines or more, every one in small letters and none a label's: an ASR export's
    turns, whose speakers it does not name."""
    lines = list(re.finditer(r"[^\n]+", text))
    if len(lines) < MIN_ASR_LINES or not all(_ASR_LINE.fullmatch(m.group(0)) for m in lines):
        return []
    turns = [t for t in (_utterance(text, (m.start(), m.start()), m.span()) for m in lines) if t is not None]
    for t in turns:
        t.spans[ASR_LINE] = t.spans["turn"]
    return turns


def _utterance(text: str, label: tuple[int, int], turn: tuple[int, int]) -> Utterance | None:
    start, end = turn
    while start < end and text[start] in " \t-–":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    if start >= end:
        return None
    return Utterance({"all": (min(label[0], start), end), "label": label, "turn": (start, end)}, text)


def _line_turns(pattern: re.Pattern, text: str) -> list:
    """The turns a pattern with ``label`` and ``turn`` groups finds, one a match."""
    turns = (_utterance(text, m.span("label"), m.span("turn")) for m in pattern.finditer(text))
    return [t for t in turns if t is not None]


def _vtt_voices(text: str) -> list:
    return _line_turns(_VTT_VOICE, text)


def _cue_text_end(text: str, start: int) -> int:
    """Where a cue's words end: at the first blank line (or the text's end)."""
    blank = re.compile(r"\n[ \t]*\n").search(text, start)
    return blank.start() if blank else len(text.rstrip())


def _subtitle_cues(text: str) -> list:
    out = []
    for m in _CUE_TIMING.finditer(text):
        start = m.end() + 1
        end = _cue_text_end(text, start)
        if start >= end:
            continue
        labelled = _TURN.match(text, start) or _BRACKET_TURN.match(text, start)
        voice = _VTT_VOICE.match(text, start)
        if labelled and labelled.start("turn") < end:
            turn = _utterance(text, labelled.span("label"), (labelled.start("turn"), end))
        elif voice:
            turn = _utterance(text, voice.span("label"), (voice.start("turn"), end))
        else:
            turn = _utterance(text, (start, start), (start, end))
        if turn is not None:
            out.append(turn)
    return out


def _speaker_time_lines(text: str) -> list:
    return _line_turns(_SPEAKER_TIME_LINE, text)


def _bracket_turns(text: str) -> list:
    return _line_turns(_BRACKET_TURN, text)


def _json_segments(text: str) -> list:
    out = []
    for m in _JSON_SEGMENT.finditer(text):
        speaker, said = _JSON_SPEAKER.search(m.group(0)), _JSON_TEXT.search(m.group(0))
        if speaker and said:
            base = m.start()
            turn = _utterance(
                text, (base + speaker.start("label"), base + speaker.end("label")),
                (base + said.start("turn"), base + said.end("turn")),
            )  # fmt: skip
            if turn is not None:
                out.append(turn)
    return out


def _meeting_turns(text: str) -> list:
    out = []
    for m in _MEETING_SPEAKER.finditer(text):
        start = m.end() + 1
        if start >= len(text) or not text[start:].strip():
            continue
        turn = _utterance(text, m.span("label"), (start, _cue_text_end(text, start)))
        if turn is not None:
            out.append(turn)
    return out


_STAMP_IN_LABEL = re.compile(r"[\[(][^\[\]()]*[\])]|\d{1,4}(?:[:./-]\d{1,4})+")


def _header_fields(text: str, turns: list) -> set[int]:
    """The lines of a header block among the turns: three or more labelled lines in a row, each label used once in
    the text (a call's "Call ID / Queue / Agent / Direction / Duration" above its conversation, whose parties speak
    on many lines)."""
    # a speaker's label without its time stamp ("ana (2024-06-22 15:46:58):" is ana's every time)
    labels = [_STAMP_IN_LABEL.sub("", m.group("label")).strip(" \t:").casefold() for m in turns]
    once = [labels.count(label) == 1 for label in labels]
    out: set[int] = set()
    k = 0
    while k < len(turns):
        j = k
        while (
            j + 1 < len(turns)
            and once[j]
            and once[j + 1]
            and text.count("\n", turns[j].end(), turns[j + 1].start()) <= 1
        ):
            j += 1
        if once[k] and j - k + 1 >= 3:
            out.update(range(k, j + 1))
        k = j + 1
    return out


# a Chinese street and its number or block alone: "辽阳路J座", "人民路88号", "中山大道3栋"
_HAN_STREET_TURN = re.compile(
    r"\p{Han}{1,8}(?:路|街|道|巷|弄|大道|胡同)(?:\d{1,5}|[A-Za-z]|[一二三四五六七八九十]{1,3})(?:号|號|座|栋|棟|幢|楼|樓)"
)


@functools.cache
def _prefixed_street() -> re.Pattern:
    """A turn that is a street alone, its designator first, a house number or "no number" after its name or none:
    "calle feria 12", "avenida san juan n° 67", "r. de gomes, 509", "boulevard evéquoz", "av. misiones n° 584"."""
    designators = alternation([*UNAMBIGUOUS_PREFIXES, "Boulevard", "Avenue"])
    # (words that are streets before a name and everyday words too: only with the house's number after the name)
    numbered = alternation(
        ["R.", "Av.", "Av", "Diagonal", "Viela", "Beco", "Ladeira", "Rambla", "Ronda", "Pasaje"]
        + ["ул.", "пр.", "просп.", "пер.", "бул.", "наб.", "ш.", "вул.", "пров."]
    )
    # (a house word before the number, a building's or flat's after it: "д. 962 стр. 4/6", "n° 67")
    unit = r"(?:[ \t,]+(?:стр|корп|кв|к|apto|apt|depto|piso)\.?[ \t]*\d{1,5}(?:/\d{1,4})?)*"
    number = rf"(?:,?[ \t]*(?:n[°ºo]\.?|д\.|дом)?[ \t]*\d{{1,5}}[\p{{L}}]?(?:/\d{{1,4}})?{unit}|,[ \t]*s/n)"
    name = r"[\p{L}\p{M}'’-]+(?:[ \t]+[\p{L}\p{M}'’.-]+){0,4}"
    return re.compile(rf"(?i:(?:{designators})\.?[ \t]+{name}{number}?|(?:{numbered})[ \t]*{name}{number})")


def _stamped(text: str, label_start: int) -> bool:
    """Whether a time stamp stands on the label's line before it ("[01:37] von:")."""
    return bool(re.search(r"\d:\d\d", text[text.rfind("\n", 0, label_start) + 1 : label_start]))


def speaker_key(label: str) -> str:
    """A turn's speaker without its time stamps and punctuation ("[00:01:22] 상담원:" -> "상담원", "Speaker B [65.86 -
    70.02]:" -> "speaker b")."""
    label = re.sub(
        r"[\[(][^\[\]()\n]*\d[^\[\]()\n]*[\])]|\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?|-->|[\[\]()<>:]", " ", label
    )
    return " ".join(label.split()).casefold()


class BareTurnRecognizer(SpanRecognizer):
    """See the module's docstring."""

    ENTITIES = ("REFERENCE_NUMBER", PERSON, "AGE", "PHONE_NUMBER", "STREET_ADDRESS", "LOCATION", "ZIP_CODE",
                "LICENSE_PLATE", DATE_OF_BIRTH, USERNAME)  # fmt: skip

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.g = gazetteers

    def _zipf(self, word: str) -> float:
        return word_zipf(self.g, word)

    def _address(self, turn: str) -> bool:
        """A house number and words, no sentence: a street and house given alone, in any script. Not when
        every word is an everyday word of its language ("2 more", "page 3") or the number is a year or an amount.
        A street's designator before its name says so without a number ("avenida da figueira, s/n")."""
        if _HAN_STREET_TURN.fullmatch(turn):
            return True
        shape = _STREET_COMMA_TOWN.fullmatch(turn)
        if shape:
            # a street and a town are names, not everyday words ("Page 3, Chapter two", "Terminal 2, Gate B")
            # (frequencies of Latin-script words are the most reliable: a town there is a rare word)
            town = re.findall(r"[\p{L}\p{M}'’-]{2,}", shape.group("town"))
            street = re.findall(r"[\p{L}\p{M}'’-]{2,}", shape.group("street"))
            rare_town = 3.5 if script_of(town[0]) == "LATIN" else 4.5
            if min(self._zipf(w) for w in town) < rare_town and any(self._zipf(w) < 5.0 for w in street):
                return True
        if not _ADDRESS_TURN.fullmatch(turn) or re.search(r"[.!?]\s|[.!?]$", turn):
            return False
        numbers = _HOUSE_NUMBER.findall(turn)
        words = [w for w in re.findall(r"[\p{L}\p{M}'’-]+", turn) if len(w) > 1 or not w.isascii()]
        if len(numbers) not in (1, 2) or not words or len(words) > 8:
            return False
        if any(len(n) == 4 and n.isdigit() and n.startswith(("19", "20")) for n in numbers):
            return False  # a year
        if not all(has_frequencies(script_of(w)) for w in words):
            # no frequencies to tell words from names ("ซื้อ 2 ชิ้น" is "buy two"): an address's own shape is needed,
            # two numbers, a number with a slash, or a locality after a comma
            return len(numbers) == 2 or any("/" in n for n in numbers) or "," in turn
        # a house and its flat with a slash, four digits or more, whatever the words ("69/3856 प्रधान": Hindi's
        # family names are frequent words)
        if any("/" in n and sum(c.isdigit() for c in n) >= 4 for n in numbers):
            return True
        return any(self._zipf(w) < 4.0 for w in words)

    def _rare(self, word: str) -> bool:
        """Not an everyday word of its language; in a script without frequencies, only a name the lists know."""
        if has_frequencies(script_of(word)):
            # nor of another common language: a short call's language is often guessed wrong ("Dziękuję" alone)
            return self._zipf(word) < 3.5 and zipf_any(word) < ANY_LANGUAGE_EVERYDAY_ZIPF
        return fold(word) in self.g.first_names or fold(word) in self.g.last_names

    @staticmethod
    def _spoken(turn: str) -> str | None:
        """PERSON for three or more letters spelled one by one, REFERENCE_NUMBER for three or more digits read out
        in any language the spoken rules know; None for anything else."""
        tokens = _SPOKEN_TOKEN.findall(turn)
        if len(tokens) < 3 or re.search(r"[^\p{L}\p{M}\p{N}'’ʼ ,-]", turn):
            return None
        if all(len(t) == 1 and t.isalpha() and not east_asian(t) for t in tokens):
            return PERSON
        digits = any_digit_words()
        symbols = [spoken_symbol(t, digits) for t in tokens]
        words = any(len(t) > 1 or east_asian(t) for t in tokens)  # "7 1 8" is written, not read out
        if words and all(s is not None and s.isdigit() for s in symbols):
            return "REFERENCE_NUMBER"
        return None

    def _cjk_name(self, turn: str) -> bool:
        """A Han/kana name given alone: a family name the lists rank before one to three characters ("菊地 満千子"),
        or one character before a given name the lists know ("劉麗華")."""
        parts = turn.split()
        compact = "".join(parts)
        if len(parts) > 2 or not 2 <= len(compact) <= 5 or not all(east_asian(c) for c in compact):
            return False
        family = parts[0] if len(parts) == 2 else compact[:2]
        if all(c in CJK_DIGITS for c in family):
            return False  # digits read out ("五 三"); a family name may open with one ("五十嵐", "三浦")
        if 0 < self.g.last_names.get(family, 0) <= 2000 and 1 <= len(compact) - len(family) <= 3:
            return True
        if len(compact) == 3 and compact[1:] in self.g.first_names:
            return True
        if not re.fullmatch(r"\p{Han}+", compact) or max(japanese_zipf(compact), chinese_zipf(compact)) >= 3.0:
            return False
        if len(parts) == 2 and len(compact) >= 3 and all(len(p) <= 3 for p in parts):
            # ideographs alone, a space between (a sentence has none): a family name, then a given name
            # ("大須賀 刹那"), unless the first part is an everyday word ("東京 大学")
            return max(japanese_zipf(family), chinese_zipf(family)) < 4.5
        # four ideographs, the first two a family name the lists know, less common ones too ("植田宗将")
        return len(compact) == 4 and 0 < self.g.last_names.get(family, 0) <= 6000

    def _lower_case_name(self, turn: str) -> bool:
        """A full name typed in lower case: a first name and a family name the lists rank, one of them no everyday
        word or both among the most common names ("omar brown", "per andersson"; not "rose garden")."""
        words = turn.split()
        if not 2 <= len(words) <= 4 or not all(w.isalpha() and w.islower() for w in words):
            return False
        first = self.g.first_names.get(fold(words[0]), 0)
        particles = len(words) >= 3 and all(w in PARTICLES for w in words[1:-1])
        if particles and 0 < first <= 2000 and self._zipf(words[0]) < 4.5 and self._zipf(words[-1]) < 2.5:
            return True  # a family name after its particle, one no list holds ("koen van goerle")
        if len(words) > 3:
            return False
        last = self.g.last_names.get(fold(words[-1]), 0)
        common_first = (0 < first <= 2000 and self._zipf(words[0]) < 4.5) or (
            0 < first <= 300 and self._zipf(words[0]) < 5.0
        )
        if len(words) == 2 and common_first and not last:
            # a common first name and a family name no list holds and no language uses every day ("milo giradello",
            # "faith macdwyer")
            return len(words[-1]) >= 4 and zipf_any(words[-1]) < 3.0
        if not (0 < first <= 2000 and 0 < last <= 6000):
            return False
        middle = words[1] if len(words) == 3 else ""
        listed = fold(middle) in self.g.first_names and self._zipf(middle) < 4.5
        if middle and not (particles or len(middle) == 1 or listed):
            return False  # "mark as read": a function word is no middle name
        zipfs = (self._zipf(words[0]), self._zipf(words[-1]))
        # (grammar words some name lists rank, "go on" of Go and On, are no name however common)
        return min(zipfs) < 3.5 or (first <= 500 and last <= 500 and max(zipfs) < GRAMMAR_WORD_ZIPF)

    def _place(self, turn: str) -> bool:
        """A town given alone: one the place lists know, capitalized, no everyday word unless a large city
        ("Olsztyn", "Nowy Targ"; not "Nice" or "Reading"), or Korean administrative units ("수원시 영통구")."""
        words = turn.split()
        if not 1 <= len(words) <= 3:
            return False
        if all(_KOREAN_DIVISION.fullmatch(w) for w in words) and (len(words) > 1 or words[0][-1] in "시군"):
            return True
        if self.g.cities_other_scripts.get(fold(turn), 0) or _CJK_DIVISION.fullmatch(turn):
            return True  # "Москва", "القاهرة", "北京市", "武蔵村山市": a city's name in its own script
        if not all(w[:1].isupper() and re.fullmatch(r"[\p{L}\p{M}'’.-]+", w) for w in words):
            return False
        population = self.g.places.get(fold(turn), 0)
        return population >= 1_000_000 or (population >= 5_000 and all(self._zipf(w) < 5.0 for w in words))

    def _full_name(self, turn: str, label: str) -> bool:
        """A full name given alone: the speaker's own label and more ("विजय: विजय त्रिवेदी"), or, in any script, a
        first name and a family name the lists rank ("עדן פלדמן"), no everyday word among them."""
        words = turn.split()
        if not 2 <= len(words) <= 4 or not all(re.fullmatch(r"[\p{L}\p{M}'’.-]+", w) for w in words):
            return False
        speaker = re.sub(r"[^\p{L}\p{M}]+", " ", label).split()
        everyday = any(self._zipf(w) >= 5.0 for w in words[1:])  # "Maria: Maria here" is no name
        if speaker and fold(words[0]) == fold(speaker[0]) and not everyday:
            return True
        first = self.g.first_names.get(fold(words[0]), 0)
        last = self.g.last_names.get(fold(words[-1]), 0)
        # a capital inside a turn marks a name wherever the language writes nouns in lower case: "Filip Szkoda"
        capitalized = all(w[:1].isupper() for w in words) and len(words) <= 3
        if capitalized and 0 < first <= 1000 and self._zipf(words[0]) < 4.5:
            return all(self._zipf(w) < 6.0 for w in words[1:])
        everyday = everyday or self._zipf(words[0]) >= 5.0
        return 0 < first <= 2000 and 0 < last <= 6000 and not everyday and script_of(turn) != "LATIN"

    def _answers(self, turn: str, start: int, wanted: frozenset[str]) -> Iterable:
        """The parts of a turn that answer what the other party just asked, each sentence of it on its own ("The
        account's under Keith Wood. 63.", "Cathy Warren, that's me.", "It's 4LCU788.")."""
        if "age" in wanted:
            for seg in _SEGMENT.finditer(turn):
                text = seg.group(0).strip()
                if age_in_words(text):
                    s = start + seg.start() + seg.group(0).index(text)
                    yield finding("AGE", s, s + len(text.rstrip(" .!")), 0.65, self.name)
            for age in _NUMBER_AND_YEARS.finditer(turn):
                if 0 < int(age.group("age")) <= 120:
                    yield finding("AGE", start + age.start("age"), start + age.end("age"), 0.65, self.name)
        if "plate" in wanted:
            # (a transcript in small letters writes the plate so too: "it's az21 sfl", "wr 704cz"; "mazda 3" is none)
            shapes = _SMALL_PLATE if turn == turn.lower() else _PLATE_SHAPE
            for plate in shapes.finditer(turn):
                value = plate.group(0)
                if 5 <= sum(c.isalnum() for c in value) <= 10 and not re.fullmatch(r"[\d -]+", value):
                    yield finding("LICENSE_PLATE", start + plate.start(), start + plate.end(), 0.7, self.name)
                    break
        if "birth" in wanted:
            span = self._after_lead(turn, _spoken_date)  # ("haan, the thirteenth of January nineteen seventy-three")
            if span:
                yield finding(DATE_OF_BIRTH, start + span[0], start + span[1], 0.65, self.name)
        if "postcode" in wanted:
            span = self._after_lead(turn, _postcode_answer)  # ("はい、154-0024です")
            if span:
                yield finding("ZIP_CODE", start + span[0], start + span[1], 0.65, self.name)
        if "login" in wanted:
            login = _LOGIN_ANSWER.match(turn)
            if login and re.search(r"\d|[_.]", login.group("login")):
                yield finding(USERNAME, start + login.start("login"), start + login.end("login"), 0.7, self.name)
            elif after := self._login_after_lead(turn):
                yield finding(USERNAME, start + after[0], start + after[1], 0.7, self.name)
        if "name" in wanted:
            korean = _KOREAN_ANSWER.match(turn)
            if (
                korean
                and korean.group("name")[0] in self.g.hangul_family
                and korean_zipf(korean.group("name")) < EVERYDAY_KOREAN_ZIPF
            ):
                yield finding(PERSON, start + korean.start("name"), start + korean.end("name"), 0.65, self.name)
            lower = _LOWER_LEADING_NAME.match(turn)
            if lower and self._lower_answer(lower.group("name")):
                yield finding(PERSON, start + lower.start("name"), start + lower.end("name"), 0.65, self.name)
            lead = _LEADING_NAME.match(turn)
            if lead:
                words = lead.group("name").split()
                listed = any(fold(w) in self.g.first_names or fold(w) in self.g.last_names for w in words)
                # a turn that is nothing but a full name, a first name the lists hold in it: common given names are
                # frequent words ("Олег Лисенко.", "Іван Шевчук.")
                full_name = (
                    len(words) >= 2
                    and lead.end("name") >= len(turn.rstrip(" .!"))
                    and any(fold(w) in self.g.first_names for w in words)
                    and all(self._zipf(w) < 6.0 for w in words)
                )
                if listed and (full_name or all(self._zipf(w) < 4.5 for w in words)):
                    yield finding(PERSON, start, start + lead.end("name"), 0.65, self.name)
            after = self._name_after_lead(turn)
            if after:
                yield finding(PERSON, start + after[0], start + after[1], 0.65, self.name)

    def _bare_turn(self, turn: str, start: int, label: str, after_lead: str = "") -> Iterable:
        """What a turn that is only a value is: a code, a phone number, an address, a place, a name (the conversation's
        shape rules). ``after_lead``: the value follows words an answer opens with, set off by a comma or dots
        (``punctuated``: any value) or only by a space (``spaced``: one of digits or spelled letters)."""
        spoken = self._spoken(turn) or _number_in_words(turn)  # before the sentence test: "k i m" holds an "i"
        if spoken:
            yield finding(spoken, start, start + len(turn), 0.6, self.name)
            return
        if not after_lead and _prefixed_street().fullmatch(turn):  # before the sentence test: "avenida g. brown"
            yield finding("STREET_ADDRESS", start, start + len(turn), 0.6, self.name)
            return
        if not turn or turn.startswith(("#", "@", "http")) or _SENTENCE.search(f" {_answer_end(turn)} "):
            return
        if _FIELD_LABEL.fullmatch(label.rstrip(": \t")) or _DATE_OR_AMOUNT.search(turn):
            return  # a form's field ("items.price: 209,91 kr"), a date or an amount: the date rules decide
        if _SPACED_POSTCODE.fullmatch(turn):
            yield finding("ZIP_CODE", start, start + len(turn), 0.6, self.name)
            return
        if _PLATE_TURN.fullmatch(turn):
            yield finding("REFERENCE_NUMBER", start, start + len(turn), 0.6, self.name)
            return
        if _CODE.fullmatch(turn) and not re.fullmatch(r"[\d:./ -]+[ap]?m?", turn.lower()) or turn.isdigit():
            if _QUANTITY.fullmatch(turn) and not _AGE_TURN.fullmatch(turn.lower()):
                return  # "2 kg", "3.5 Mb": an amount of something, not a reference ("71 ans" is an age)
            if len(turn) >= 4 and not re.fullmatch(r"\d{1,2}[:.]\d{2}", turn):
                yield finding("REFERENCE_NUMBER", start, start + len(turn), 0.6, self.name)
            return
        age = _AGE_TURN.fullmatch(turn.lower())
        if age and len(turn.split()) <= 5:
            yield finding("AGE", start, start + age.end("age"), 0.65, self.name)
            return
        if phone_shaped(turn, min_digits=8):
            yield finding("PHONE_NUMBER", start, start + len(turn), 0.6, self.name)
            return
        if after_lead == "spaced":
            return  # ("beaucoup de choses, comme ... 0 et 1": a sentence goes on after its first words)
        if self._address(turn):
            yield finding("STREET_ADDRESS", start, start + len(turn), 0.6, self.name)
            return
        if self._place(turn):
            yield finding("LOCATION", start, start + len(turn), 0.6, self.name)
            return
        if self._cjk_name(turn) or self._lower_case_name(turn) or self._full_name(turn, label):
            yield finding(PERSON, start, start + len(turn), 0.6, self.name)
            return
        if after_lead:
            return  # ("ok, DHL"): a word alone after the words an answer opens with is no proper noun by its rarity
        words = re.findall(r"[\p{L}\p{M}'’ʼ-]+", turn)
        if not words or len(words) > 4 or re.search(r"\d|[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]", turn):
            return  # (Chinese, Japanese and Korean words have no frequencies here to tell a name from a word)
        if not all(has_frequencies(script_of(w)) for w in words):
            # Thai and the like write a sentence without spaces and a full name with one: two or three words
            if 2 <= len(turn.split()) <= 3 and not re.search(r"[?!.,;:]", turn):
                yield finding(PERSON, start, start + len(turn), 0.6, self.name)
            return
        # a proper noun alone: capitalized (or of a script without case) and not everyday words of its language
        cased = all(w[0].isupper() or not w[0].islower() for w in words)
        rare = sum(self._rare(w) for w in words)
        if cased and rare and rare >= len(words) / 2:
            yield finding(PERSON, start, start + len(turn), 0.6, self.name)

    def _lead_word(self, word: str) -> bool:
        """A word an answer may open with before its value: an everyday word of the text's language or of a common
        one ("alltså", "espere", "je to", "إيه", "जी"), or a hesitation that holds one letter drawn out ("εεε")."""
        if not re.search(r"\p{L}", word):
            return False
        if re.fullmatch(r"[\p{Hiragana}ー]{1,4}", word):
            return True  # "えっと", "はい", "あの": no frequencies here for Japanese; a name is rarely kana alone
        return max(self._zipf(word), zipf_any(word)) >= 3.5 or bool(re.fullmatch(r"(\p{L})\1+", word.casefold()))

    def _after_lead(self, turn: str, find) -> tuple[int, int] | None:
        """The span ``find`` gives on the turn, else on what follows one or two words the answer opens with."""
        for lead_end in [0, *self._answer_starts(turn)[:2]]:
            span = find(turn[lead_end:])
            if span:
                return lead_end + span[0], lead_end + span[1]
        return None

    def _answer_starts(self, turn: str) -> list[int]:
        """Where the value of an answer may begin: after one, two or three words that open it (a hesitation, "yes",
        "it's", "wait...") and the commas or dots after them."""
        starts, pos = [], 0
        for _ in range(3):
            lead = _LEAD.match(turn, pos)
            if not lead or not self._lead_word(lead.group("word")):
                break
            pos = lead.end()
            starts.append(pos)
        return starts

    def _name_after_lead(self, turn: str) -> tuple[int, int] | None:
        """A name of one to three words that ends the answer, after the words it opens with ("tak, tomasz
        wiśniewska", "alltså astrid åkesson", "إيه، محمد العتيبي", "espere... Gonçalo Ferreira"); its span."""
        end = len(turn.rstrip(" \t.!,;…"))
        for start in self._answer_starts(turn):
            words = turn[start:end].split()
            if not 1 <= len(words) <= 3 or not all(_NAME_WORD.fullmatch(w) for w in words):
                continue
            listed = [fold(w) in self.g.first_names or fold(w) in self.g.last_names for w in words]
            if any(self._lead_word(w) and not known for w, known in zip(words, listed, strict=True)):
                continue  # ("yeah it's marguerite oyelaran": the name begins after "it's")
            if len(words) == 1 and not any(fold(w) in self.g.first_names for w in words):
                continue
            cased = words[0][0].lower() != words[0][0].upper()  # a script with capitals
            if cased and not (all(w[0].isupper() for w in words) or (all(w.islower() for w in words) and any(listed))):
                continue
            # a listed name may be a common word too ("Will", "محمد"): less so than any other word of the answer
            if all(self._zipf(w) < (5.5 if known else 4.5) for w, known in zip(words, listed, strict=True)) and (
                any(listed) or all(self._zipf(w) < 3.0 for w in words)
            ):
                return start, end
        return None

    def _login_after_lead(self, turn: str) -> tuple[int, int] | None:
        """A login that ends the answer after the words it opens with ("oui alors xtheomax", "jo, xveronikaprx"):
        one token with a digit, an underscore or a dot, or no word of any language."""
        end = len(turn.rstrip(" \t.!,;…"))
        for start in self._answer_starts(turn):
            token = turn[start:end]
            if not _LOGIN_TOKEN.fullmatch(token):
                continue
            if (
                re.search(r"\d|[_.]", token)
                or max(self._zipf(token), zipf_any(token)) < 1.5
                and not (fold(token) in self.g.first_names or fold(token) in self.g.last_names)
            ):
                return start, end
        return None

    def _spelled_korean_name(self, spelled: str) -> bool:
        """Two to four syllables said one by one, the first a family name ("이, 다, 은"; not "네, 네")."""
        syllables = re.findall(r"\p{Hangul}", spelled)
        return syllables[0] in self.g.hangul_family and len(set(syllables)) > 1

    def _lower_answer(self, name: str) -> bool:
        """Words in small letters that answer "your name?": a name the lists know among them, and no everyday word
        ("thabo naidoo", "lucy fletcher fletcher"; not "not sure", "the same one")."""
        words = name.split()
        listed = any(fold(w) in self.g.first_names or fold(w) in self.g.last_names for w in words)
        return listed and all(self._zipf(w) < 4.5 for w in words)

    def find(self, text: str) -> Iterable:
        turns = utterances(text)
        if len(turns) < 2:
            return
        # two turns are a question and its answer at most ("Bot: Your date of birth?" / "Caller: ..."): a turn's
        # shape alone says something only in a longer conversation
        # (an unpunctuated line of small letters is no bare answer by its shape: "za zamówienie 1 249 zł")
        answers_only = len(turns) == 2 or all(isinstance(t, Utterance) and ASR_LINE in t.spans for t in turns)
        asked_before: list[frozenset[str]] = [frozenset(), frozenset()]  # by the last two turns
        asked_by = ["", ""]  # their speakers
        header = _header_fields(text, turns)
        # (a time-stamped label that speaks three times or more is a speaker, though a mail header's word too: "von")
        speaking = Counter(speaker_key(m.group("label")) for m in turns if _stamped(text, m.start("label")))
        for k, m in enumerate(turns):
            label = m.group("label").strip(" \t>:")
            if k in header or (_MAIL_HEADER.fullmatch(label) and speaking[speaker_key(m.group("label"))] < 3):
                continue  # a call's header ("Direction: Inbound", "Queue: Billing"): fields, whose keys decide
            turn, start = m.group("turn"), m.start("turn")
            mention = re.match(r"@\S+\s+", turn)  # "@ana 52 Jahre": the answer after the mention
            if mention:
                turn, start = turn[mention.end() :], start + mention.end()
            # (a birth date, a postcode, a login is answered in the very next turn: the shape alone says too little)
            # (never what the speaker asked themselves: "고객번호 아시면 말씀해 주세요" after the caller's name answers nothing)
            for handle in _SPOKEN_HANDLE.finditer(turn):
                yield finding(USERNAME, start + handle.start(), start + handle.end(), 0.75, self.name)
            speaker = speaker_key(m.group("label"))
            wanted = (asked_before[0] - _NEXT_TURN_ONLY if not speaker or asked_by[0] != speaker else frozenset()) | (
                asked_before[1] if not speaker or asked_by[1] != speaker else frozenset()
            )
            asked_before, asked_by = [asked_before[1], asked(turn)], [asked_by[1], speaker]
            answers_age = "age" in asked_before[0]
            if wanted and not asked_before[1] - wanted:  # ("the reg is kp19 xwd" answers, though it says "reg")
                yield from self._answers(turn, start, wanted)
            if answers_only:
                continue
            if answers_age and age_in_words(turn):
                yield finding("AGE", start, start + len(turn.rstrip(" .!")), 0.65, self.name)
                continue
            spelled = _SPELLED_HANGUL.match(turn)
            if spelled and self._spelled_korean_name(spelled.group("name")):
                # "최, 성, 민. 성은 어질 성 자요.": a name spelled syllable by syllable, then explained
                yield finding(PERSON, start + spelled.start("name"), start + spelled.end("name"), 0.65, self.name)
                continue
            found = list(self._bare_turn(turn, start, m.group("label")))
            for lead_end in [] if found else self._answer_starts(turn)[:2]:
                # "allora, 5356 8564 ...", "jako, Masarykova 27, ...", "えっと、7255 8149です": the value after its lead
                rest = _COPULA_END.sub("", turn[lead_end:])
                punctuated = re.search(r"[,…:;、،.][ \t]*$", turn[:lead_end]) and len(rest.split()) <= 5
                lead = "punctuated" if punctuated else "spaced"  # ("Hola, quiero devolver el Kindle ..." goes on)
                found = list(self._bare_turn(rest, start + lead_end, m.group("label"), after_lead=lead))
                if found:
                    break
            yield from found
