"""What a field, column or key name says its values are: ``postcode`` holds postcodes even where "10115" alone could
be anything, ``order_id`` holds transaction references, ``product_name`` holds no person.

A name is split into words (``customerEmail``, ``customer_email``, ``Customer E-mail`` -> customer, email) and read
from its last word back: the head noun decides ("name" is a person, "user name" a username, "file name" nothing), its
modifiers refine it ("customer id" is an identifier, "order id" a transaction reference). The vocabulary covers
English and the languages of the largest European and Latin American markets; names it does not know classify as
``None`` and their values are analysed as free text.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import regex

from llm_assets.core.entities import (
    BANK_ACCOUNT,
    DATE_OF_BIRTH,
    LICENSE_PLATE,
    LOCATION,
    NATIONAL_ID,
    ORGANIZATION,
    PERSON,
    REGION,
    TITLE,
    TRANSACTION_REFERENCE,
    USERNAME,
)


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


# head nouns -> entity type (multi-word heads are joined with "_" after the split)
_HEADS: dict[str, str] = {}
for _entity, _spec in {
    "EMAIL_ADDRESS": "email e_mail mail mailaddress emailaddress courriel correo posta 이메일 메일 メール "
    "メールアドレス 邮箱 电子邮件 电子邮箱 ईमेल",
    "PHONE_NUMBER": "phone telephone tel mobile cell cellphone fax handy telefon telefone telefono teléfono "
    "téléphone telefoon msisdn whatsapp tlf puhelin telefonu komórka komórki 전화 전화번호 연락처 휴대폰 핸드폰 "
    "휴대전화 휴대폰번호 電話 電話番号 携帯 携帯電話 电话 电话号码 手机 手机号 手机号码 联系电话 मोबाइल फ़ोन फोन "
    "телефон тел моб мобільний мобильный الجوال الهاتف جوال هاتف טלפון נייד تلفن موبایل τηλέφωνο κινητό "
    "telefonnummer mobilnummer",
    PERSON: "display_name firstname lastname surname forename fullname givenname familyname middlename vorname "
    "nachname prénom prenom nom nombre apellido apellidos cognome nome sobrenome voornaam achternaam imię imie "
    "nazwisko förnamn efternavn etternavn sukunimi etunimi 姓名 氏名 名前 이름 姓 名 "
    # the same in more of the languages the engine reads: "Ονοματεπώνυμο", "Ad Soyad", "ПІБ", "ФИО", "Họ tên"
    "ονοματεπώνυμο όνομα επώνυμο піб фио фіо имя ім'я прізвище фамилия ad_soyad adı_soyadı soyadı isim "
    "họ_tên họ_và_tên nama_lengkap ชื่อ นามสกุล ชื่อ_นามสกุล שם שם_מלא الاسم الاسم_الكامل نام نام_خانوادگی नाम "
    "jméno příjmení jmeno prijmeni név teljes_név vezetéknév keresztnév nume prenume nume_complet efternamn "
    "namn navn naam "
    # Korean, Japanese and Chinese compounds are written as one word: "고객명" (customer name), "収件人" (recipient)
    "고객명 성명 성함 예금주 수령인 받는분 보내는분 신청인 氏名 お名前 姓名 收件人 收货人 联系人 客户姓名 पूरा_नाम",
    USERNAME: "user username user_name login userid user_id uid handle nick nickname screenname screen_name benutzer "
    "benutzername utilisateur usuario utente gebruiker gebruikersnaam account_name accountname nazwa_użytkownika "
    "아이디 ユーザー名 用户名 账号名",
    "ZIP_CODE": "zip zipcode postcode postalcode postal_code post_code plz postleitzahl cp cap cep codigo_postal "
    "código_postal code_postal postnummer postinumero kod_pocztowy postcode_zip 우편번호 郵便番号 邮编 邮政编码 "
    "पिन_कोड पिनकोड",
    "STREET_ADDRESS": "address addr street adresse anschrift strasse straße rue calle direccion dirección indirizzo "
    "endereco endereço adres ulica gatuadress address_line address1 address2 line1 line2 street_address "
    "adres_zamieszkania 주소 배송지 住所 地址 收货地址 पता "
    # the same in the other scripts the engine reads: "Адрес", "Адреса", "العنوان", "כתובת", "نشانی", "Διεύθυνση"
    "адрес адреса адрес_доставки адреса_доставки العنوان عنوان כתובת نشانی آدرس διεύθυνση ที่อยู่ adresa cím "
    "adresă địa_chỉ alamat 联系地址 ご住所 お届け先",
    LOCATION: "city town ort stadt ville ciudad città citta cidade plaats miasto stad kaupunki municipality county "
    "district suburb neighbourhood neighborhood miejscowość 도시 지역 거주지 城市 शहर",
    REGION: "country state region province land pays país paese bundesland estado provincia regione provincie "
    "country_name state_name",
    ORGANIZATION: "company employer organization organisation firma empresa entreprise azienda werkgever arbeitgeber "
    "workplace pracodawca 회사 회사명 직장 勤務先 会社名 公司 工作单位 कंपनी",
    TITLE: "job_title jobtitle job occupation position profession beruf métier puesto",
    "URL": "website url homepage web web_site",
    TRANSACTION_REFERENCE: "order tracking tracking_number awb invoice sku waybill 주문번호 운송장번호 송장번호 "
    "注文番号 订单号 运单号 快递单号",
    "REFERENCE_NUMBER": "kundennummer kundennr customer_number account_number "
    # a customer's number or code in more languages ("Κωδ. πελάτη", "Номер клієнта", "Müşteri No")
    "κωδ_πελάτη κωδικός_πελάτη αριθμός_πελάτη номер_клієнта номер_клиента müşteri_no müşteri_numarası numer_klienta "
    "číslo_zákazníka ügyfélszám mã_khách_hàng nomor_pelanggan رقم_العميل מספר_לקוח شماره_مشتری kundnummer "
    "kundenr asiakasnumero 고객번호 회원번호 会員番号 お客様番号 客户号 会员号",
    DATE_OF_BIRTH: "dob birthdate birth_date date_birth birthday date_of_birth geburtsdatum geburtstag "
    "date_de_naissance fecha_de_nacimiento data_di_nascita data_de_nascimento geboortedatum data_urodzenia "
    "födelsedatum 생년월일 生年月日 出生日期 जन्म_तिथि जन्मतिथि",
    "AGE": "age alter âge edad età eta idade leeftijd wiek ålder ikä 나이 年齢 年龄 उम्र",
    LICENSE_PLATE: "plate reg vrm vehicle licenseplate license_plate licence_plate number_plate numberplate "
    "registration vehicle_registration reg_number kennzeichen immatriculation plaque matricula matrícula targa "
    "placa kenteken rejestracja registreringsnummer rejestracyjny 차량번호 자동차번호 车牌 车牌号 ナンバープレート "
    "nummerplade nummerplate rendszám spz rekisterinumero înmatriculare plaka πινακίδα госномер",
    "IP_ADDRESS": "ip ip_address ipaddress remote_addr remote_ip client_ip src_ip source_ip ipv4 ipv6",
    "CREDIT_CARD": "card card_number cardnumber credit_card creditcard cc_number pan 信用卡 信用卡号 银行卡 "
    "クレジットカード カード番号 신용카드 카드번호",
    "IBAN_CODE": "iban",
    BANK_ACCOUNT: "bban bank_account account_no sort_code routing_number routing aba bsb swift bic konta "
    "numer_konta 계좌 계좌번호 口座番号 银行账号 银行卡号 खाता_संख्या",
    NATIONAL_ID: "ssn social_security national_id nationalid nin nino tax_id taxid tin steuer_id steuernummer "
    "passport passport_number reisepass passeport pasaporte passaporto passaporte paszport dni nie nif cpf rg pesel "
    "bsn personnummer codice_fiscale aadhaar id_card idcard driver_license drivers_license driving_licence "
    "licence_number license_number führerschein permis_de_conduire dowodu_osobistego dowód_osobisty nip regon "
    "주민등록번호 주민번호 여권번호 운전면허번호 マイナンバー 身份证 身份证号 身份证号码 护照号 आधार आधार_नंबर पैन "
    "passnr passnummer pass_nr paspoort paspoortnummer passaportnummer 旅券番号 パスポート番号 护照号码 "
    "驾驶证 驾驶证号 驾照 驾驶执照 運転免許証 運転免許証番号 免許証番号 운전면허 운전면허증 社保卡号 医保卡号 "
    "taj taj_szám tajszám adóazonosító_jel adóazonosító személyi_szám rodné_číslo rč cnp snils снилс инн рнокпп "
    "henkilötunnus hetu cpr cpr_nummer amka αφμ cccd nik teudat_zehut",
}.items():
    for _w in _spec.split():
        _HEADS[_w] = _entity

# identifier heads: what they identify comes from the modifier before them
_ID_HEADS = _words("id number no nr num code ref reference key")
_PERSONAL_OWNERS = _words(
    "method wallet customer client account member membership subscriber user patient employee student contact buyer "
    "holder policyholder kunde kunden cliente client_id loyalty profile person guest passenger tenant"
)
_TRANSACTION_OWNERS = _words(
    "order tracking invoice sku item product shipment parcel package delivery return rma ticket case transaction "
    "payment booking reservation flight itinerary confirmation receipt purchase waybill consignment bestellung "
    "bestell sendung rechnung commande facture pedido factura ordine fattura encomenda bestelling zamówienie article "
    "zamówienia faktury przesyłki "
    "artikel part model serial batch "
    # a call's, a claim's, a support case's: the system's own references ("Call ID", "Gesprek-ID", "ID llamada")
    "call conversation interaction session recording claim incident quote task llamada chamada gesprek samtals "
    "samtal appel anruf chiamata połączenia hovoru apelului звонка дзвінка κλήσης"
)
# "name" is a person's only when nothing else owns it
_NAME_OWNERS_NOT_PERSON = _words(
    "product file host domain company business brand item event plan carrier store shop city country street "
    "project app application device server table column field model category group team queue service package "
    "bank org organization organisation vendor supplier merchant"
)
_NAME_OWNERS_PERSON = _words(
    "customer client contact full first last given family middle sender recipient receiver holder cardholder "
    "account_holder agent owner author requester reporter assignee patient employee guest passenger buyer"
)
_USER_OWNERS = _words("user account login screen")


# names that hold a person or an identifier of one, whichever the value shows ("customer": "Ana Lima" or "C-1042")
PERSON_OR_ID = "PERSON_OR_ID"
# a contact: an e-mail, a phone number or a name
CONTACT = "CONTACT"
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def resolve(entity: str, value: str) -> str:
    """The entity of one value under a name that leaves it open (``PERSON_OR_ID``, ``CONTACT``)."""
    if entity not in (PERSON_OR_ID, CONTACT):
        return entity
    digits = sum(c.isdigit() for c in value)
    if entity == CONTACT and _EMAIL_SHAPE.match(value.strip()):
        return "EMAIL_ADDRESS"
    if entity == CONTACT and digits >= 6:
        return "PHONE_NUMBER"
    return "REFERENCE_NUMBER" if digits else PERSON


def split_key(key: str) -> list[str]:
    """``customerEmail`` / ``Customer E-mail`` / ``customer_email`` -> ["customer", "email"]."""
    key = unicodedata.normalize("NFKC", key)
    key = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key)
    # a word keeps its combining marks: Devanagari's and Thai's vowel signs are no separators ("पूरा नाम")
    words = [w for w in regex.split(r"[^\p{L}\p{M}\p{N}]+", key.casefold()) if w and not w.isdigit()]
    return [w for w in words if w not in ("the", "of", "de", "du", "des", "di", "da", "do", "der", "des", "von")]


# fields whose values identify no one, though a recognizer may take them for something: technical ones shaped like
# e-mail addresses or URLs (a mail's Message-ID, a browser's User-Agent), and the shops, carriers, brands and products
# of a transaction (a merchant called "Sunny Delight", a product called "Tea Kettle"): what is found in them stays
KEEP = "KEEP"
_KEEP_KEYS = _words(
    "message_id in_reply_to references content_type content_transfer_encoding content_disposition mime_version "
    "user_agent http_method method http_status_code status_code http_version x_mailer boundary "
    "merchant vendor seller shop store retailer carrier courier shipper brand manufacturer maker supplier "
    "product product_name item item_name items_name article_name model description sku_name plan plan_name"
)
_PRODUCT_OWNERS = _words("item items product products article articles sku plan model line_item")
# a last word that describes an attribute of the value, not the value: "email_verified", "phone_type"
_ATTRIBUTES = _words(
    "verified type status count enabled flag format length valid confirmed optin consent provider domain prefix "
    "hash hashed masked country_code visible public_key"
)
# the kinds that a word anywhere in a name gives away ("ipv4_public", "email_primary", "phone_home")
_STRONG = {"EMAIL_ADDRESS", "PHONE_NUMBER", "IP_ADDRESS", "IBAN_CODE", "CREDIT_CARD", NATIONAL_ID, DATE_OF_BIRTH,
           "ZIP_CODE", LICENSE_PLATE, USERNAME, "STREET_ADDRESS"}  # fmt: skip


_CJK_KEY = regex.compile(r"[\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}ー]+")


def classify_key(key: str) -> str | None:
    """The entity type a field named ``key`` holds (``KEEP`` for fields whose values stay), or None when the
    name does not say."""
    words = split_key(key)
    if not words:
        return None
    joined = "_".join(words)
    if joined in _HEADS:
        return _HEADS[joined]
    if len(words) == 1 and _CJK_KEY.fullmatch(joined):
        # Chinese, Japanese and Korean join a key's words: the longest known key it opens with ("驾驶证档案编号")
        for n in range(len(joined) - 1, 1, -1):
            if _CJK_KEY.fullmatch(joined[:n]) and joined[:n] in _HEADS:
                return _HEADS[joined[:n]]
    if joined in _KEEP_KEYS:
        return KEEP
    if words[-1] in ("name", "title", "label") and set(words[:-1]) & _PRODUCT_OWNERS:
        return KEEP
    if words[-1] in _ATTRIBUTES:
        return None
    # the longest known head at the end: "billing street address" -> street_address, "date of birth" -> date_birth
    for n in range(min(3, len(words)), 0, -1):
        head = "_".join(words[-n:])
        if head in _HEADS:
            owners = set(words[:-n])
            entity = _HEADS[head]
            if entity in (PERSON, USERNAME) and owners & _NAME_OWNERS_NOT_PERSON:
                return None
            return entity
    head, owners = words[-1], set(words[:-1])
    if head == "name":
        if owners & _USER_OWNERS:
            return USERNAME
        if owners & {"company", "business", "employer", "organization", "organisation", "firm"}:
            return ORGANIZATION
        if owners & _NAME_OWNERS_NOT_PERSON:
            return None
        return PERSON if not owners or owners & _NAME_OWNERS_PERSON else None
    if joined in _PERSON_OR_ID_KEYS:
        return PERSON_OR_ID
    if joined in ("contact", "contact_info", "kontakt"):
        return CONTACT
    owners_after = set(words[1:]) if words[0] in _ID_HEADS else set()
    if owners_after & _TRANSACTION_OWNERS and not owners_after & _PERSONAL_OWNERS:
        return TRANSACTION_REFERENCE  # the owner after the id, as Romance and Greek put it ("ID llamada")
    if head in _ID_HEADS:
        # "phone_number", "passport_no", "license_number": the owner is the kind; "order_id" a transaction's
        for owner in reversed(words[:-1]):
            if owner in _HEADS and _HEADS[owner] in _STRONG | {"REFERENCE_NUMBER"}:
                return _HEADS[owner]
        # the nearest owner decides: "payment_method_id" is a customer's card, "customer_order_id" an order
        for owner in reversed(words[:-1]):
            if owner in _PERSONAL_OWNERS:
                return "REFERENCE_NUMBER"
            if owner in _TRANSACTION_OWNERS:
                return TRANSACTION_REFERENCE
        if "birth" in owners:
            return DATE_OF_BIRTH
    if "birth" in words and head in ("date", "day", "place"):
        return DATE_OF_BIRTH if head != "place" else LOCATION
    if head in _WHEN_WORDS:
        return None  # when something happened to it: "registration date", "plate expiry", "phone since"
    strong = [_HEADS[w] for w in reversed(words) if w in _HEADS and _HEADS[w] in _STRONG]
    return strong[0] if strong else None


_WHEN_WORDS = _words("date datum day time timestamp datetime since until expiry expires expiration year month fecha")


_PERSON_OR_ID_KEYS = _words(
    "customer client member subscriber patient account_holder holder owner requester reporter assignee recipient "
    "sender passenger guest kunde cliente"
)


# -- the shape of a value whose column is lost ------------------------------------------------------------------------

_SHAPES: list[tuple[str, re.Pattern]] = [
    ("EMAIL_ADDRESS", re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")),
    ("IP_ADDRESS", re.compile(r"\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}")),
    ("IBAN_CODE", re.compile(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{2,4}){3,8}")),
    ("CREDIT_CARD", re.compile(r"\d{4}(?:[ -]?\d{2,6}){2,4}")),
    ("PHONE_NUMBER", re.compile(r"\+?[\d ()./-]{7,22}")),
    (DATE_OF_BIRTH, re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\.? \w+ \d{4}|\w+ \d{1,2}, \d{4}")),
    ("REFERENCE_NUMBER", re.compile(r"[a-z]{2,6}_[A-Za-z0-9]{6,}")),
    (NATIONAL_ID, re.compile(r"(?=(?:\D*\d){5})[A-Z0-9][A-Z0-9 ./-]{4,20}")),
    ("ZIP_CODE", re.compile(r"(?=.*\d)[A-Z0-9]{2,7}(?:[ -][A-Z0-9]{2,4})?")),  # 6 digits: RU, IN, CN; Eircodes
    # letters of any script: Cyrillic plates ("У633ЕВ 89") mix them with Latin ones
    (LICENSE_PLATE, re.compile(r"(?=.*\d)(?=.*[^\W\d_])[^\W_]{1,4}(?:[ ·.-]?[^\W_]{1,5}){0,3}")),
    ("AGE", re.compile(r"1[01]\d|120|\d{1,2}")),
    ("STREET_ADDRESS", re.compile(r"(?=.*\d)(?=.*[^\W\d_]{3}).{5,80}")),
    (USERNAME, re.compile(r"[\w.-]{3,32}")),
]
_WORDY = (PERSON, ORGANIZATION, LOCATION, "STREET_ADDRESS", TITLE)


def shape_of(value: str, candidates: list[str], zipf, is_name=lambda word: False) -> str | None:
    """The first of ``candidates`` (entity types, in order of the headers) whose shape ``value`` has: the type of a
    flattened table's value. Words fit a name, a place or an organization when one is rare (``zipf`` < 3.0) or each
    is a name the lists know (``is_name``); everyday words ("pending", "Tablet", "Desk Lamp") fit none of them."""
    value = value.strip()
    if not value:
        return None
    for entity in candidates:
        shape = next((p for e, p in _SHAPES if e == entity), None)
        if shape is not None and shape.fullmatch(value):
            if entity == USERNAME and (
                " " in value
                or re.fullmatch(r"(?=.*[A-Z])[A-Z0-9]+", value)
                or (zipf(value) >= 3.0 and not re.search(r"[\d_.]", value))
            ):
                continue  # words, or a code in capitals ("LAS", "HAT261", "80BXW8"): a handle has small letters
            return entity
    words = re.findall(r"[^\W\d_]+", value)
    if len(words) == 1 and words[0].isupper() and len(words[0]) <= 3:
        return None  # "LAS", "TX", "USA": codes, not names
    if words and not re.search(r"\d", value) and len(words) <= 6:
        wordy = [e for e in candidates if e in _WORDY]
        if wordy and (any(zipf(w) < 3.0 for w in words) or all(is_name(w) and zipf(w) < 5.0 for w in words)):
            return wordy[0]
    return None


# shapes that a value under its header must have; a value of another shape belongs to another column
_STRICT = ("EMAIL_ADDRESS", "IP_ADDRESS", "IBAN_CODE", "CREDIT_CARD", "PHONE_NUMBER", DATE_OF_BIRTH, "ZIP_CODE")
_CONTACTS = ("EMAIL_ADDRESS", "IP_ADDRESS", "IBAN_CODE")
_SKIP_COST = 0.25  # an empty cell that vanished when the table was flattened
_ROW_COST = 4.0  # a new row
MAX_ALIGN_STEPS = 3_000_000


def _fit(value: str, entity: str | None, zipf, is_name) -> float:
    """How well a value fits under a header that announces ``entity``: its shape for the strict types, word rarity
    for names and places, and for a header that announces nothing personal, that the value looks like no contact."""
    if entity in (PERSON_OR_ID, CONTACT):
        entity = resolve(entity, value)
    fits = shape_of(value, [entity], zipf, is_name) == entity if entity else False
    contact = shape_of(value, list(_CONTACTS), zipf, is_name)
    if contact and contact != entity:
        return -4.0  # an e-mail, IP or IBAN stands under its own header, never under another one
    if entity in _STRICT:
        return 1.0 if fits else -1.5
    if entity in _WORDY or entity in (USERNAME, "REFERENCE_NUMBER", NATIONAL_ID, LICENSE_PLATE, BANK_ACCOUNT, "AGE"):
        return 0.5 if fits else -1.0
    return 0.0


def align(values: list[str], headers: tuple[str, ...], zipf, is_name) -> list[int] | None:
    """The header each value of a flattened table stands under (an index into ``headers``), or None when the
    table is too large to align. Values come row after row in header order, but empty cells left no trace: the
    most likely path (Viterbi) scores each value's fit under each header (``_fit``) against skipped cells and new
    rows."""
    n = len(headers)
    if not values or not n or len(values) * n * n > MAX_ALIGN_STEPS:
        return None
    entities = [classify_key(h) for h in headers]
    kinds = list(dict.fromkeys(entities))  # a value's fit depends on the header's type only
    by_kind = np.array([[_fit(v.strip(), e, zipf, is_name) for e in kinds] for v in values]).reshape(len(values), -1)
    fits = by_kind[:, [kinds.index(e) for e in entities]]
    g, h = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")  # transition from header g to header h
    step = np.where(h > g, -_SKIP_COST * (h - g - 1), -_ROW_COST - _SKIP_COST * h)
    score = fits[0] - _SKIP_COST * np.arange(n)
    back = []
    for k in range(1, len(values)):
        total = score[:, None] + step
        prev = total.argmax(axis=0)
        score = total[prev, np.arange(n)] + fits[k]
        back.append(prev)
    best = int(score.argmax())
    path = [best]
    for prev in reversed(back):
        best = int(prev[best])
        path.append(best)
    return path[::-1]
