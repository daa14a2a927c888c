"""Context decides, not type: the words around a date, an organization or a reference number say whether it is about
a person.

- a **date** is personal when it is a birth date ("born", "DOB", "Geburtsdatum" ...): a delivery or order date is not;
- an **organization** is personal when it is someone's employer, school or own business ("I work at", "founder
  of", the company line of a signature): a carrier, a brand or a shop the customer bought from is not;
- a **number** after "order", "tracking", "invoice", "SKU", "ticket" ... is a transaction reference; after
  "customer", "account", "member", "user" ... a personal identifier.

Each function reads a window of the text around a span; the engine's policy step retypes or drops findings with them.
"""

from __future__ import annotations

import unicodedata

import regex as re

from llm_assets.core.anonymization.text import cue_pattern
from llm_assets.core.fingerprints import EMAIL

_BIRTH = re.compile(
    r"(?i:\bborn\b|\bbirth|\bd\.?o\.?b\b|\bb\.\s*$|\bgeb(?:oren|\.)|geburts|\bné(?:e)?\b|naissance|\bnacid[oa]\b|"
    r"nacimiento|\bnat[oa]\b|nascit|\bnascid[oa]\b|nasciment|\burodzon|urodzeni|\bfödd\b|född|\bfødt\b|syntyn|"
    r"narozen|narodil|geboortedatum|生年月日|出生|생년월일|生日|誕生|"
    r"родил(?:ся|ась)|рождения|народи(?:вся|лася)|народження|γεννήθηκα|γέννησης|ولدت|مواليد|الميلاد|נולדתי|נולד|"
    r"לידה|متولد|تولد|जन्म|पैदा|เกิด|sinh ngày|ngày sinh|sinh năm|lahir|doğdum|doğum|născut|nașterii|születtem|"
    r"született|születési)"
)
# the same cue after the date: "1975. 10. 21. születtem", "1980年5月3日生まれ", "12.03.1987 (DOB)"
_BIRTH_AFTER = re.compile(
    r"\s*[(\[,-]?\s*(?i:born|birth|dob|d\.o\.b|geb|születtem|született|doğdum|doğumlu|生まれ|生|출생|에 태어|"
    r"tarihinde doğdum|родил|народи)"
)
_EMPLOYER_BEFORE = re.compile(
    r"(?i:\b(?:work(?:s|ed|ing)?|job|position|role|intern(?:ing|ship)?|employed|hired|career|contract(?:ed|or)?)"
    r"\s+(?:at|for|with|by|in)\s+(?:the\s+)?$|\bemploy(?:er|ee\s+of|ed\s+by)\s*:?\s*(?:the\s+)?$|"
    r"\b(?:my|our|his|her|their)\s+(?:company|employer|business|firm|shop|practice|startup|agency|workplace)\s*"
    r"(?:is|was|called|named|,|:)?\s*$|\b(?:own(?:s|ed)?|run(?:s)?|founder\s+of|founded|co-?founded|ceo\s+of|"
    r"director\s+(?:of|at)|manager\s+(?:of|at)|owner\s+of|partner\s+at|joined|studie[sd]\s+at|study(?:ing)?\s+at|"
    r"student\s+at|graduated\s+from|teach(?:es|ing)?\s+at|colleague\s+at|"
    r"arbeite(?:t|n)?\s+(?:bei|für)|arbeitgeber\s*:?|travaille\s+(?:chez|pour|à)|employeur\s*:?|"
    r"trabaj[oa]\s+(?:en|para)|empleador\s*:?|lavoro\s+(?:presso|per|da)|trabalho\s+(?:na|no|em|para)|"
    r"werk(?:t)?\s+(?:bij|voor)|werkgever\s*:?|pracuj[eę]\s+w|jobbar\s+(?:på|hos)|arbejder\s+(?:hos|på)|"
    r"работа(?:ю|ет|ем|ла|л)\s+в|працю(?:ю|є)\s+в|làm\s+việc\s+(?:tại|ở|cho)|bekerja\s+(?:di|pada|untuk)|"
    r"εργάζ(?:ομαι|εται)\s+στην?)\s*\(?\s*$)"  # (the company in brackets after the word: "Arbeitgeber (… GmbH)")
)
# a parcel's tracking words (compounds and phrases too: "Trackingnummer", "spårningsnummer", "nyomkövetési szám"):
# what they number is a transaction's, and a name right before them is its carrier's (``completion.py``)
TRACKING_WORDS = (
    "tracking trackingnummer tracking-nummer sendungsnummer suivi seguimiento rastreio rastreamento tracciamento "
    "spårningsnummer sporingsnummer seurantakoodi seurantanumero śledzenia sledovací nyomkövetési követési "
    "urmărire urmărirea awb takip resi трек отслеживания відстеження εντοπισμού παρακολούθησης".split()
    + ["track & trace", "track and trace", "vận đơn", "numer przesyłki", "číslo zásilky"]
)
_TRANSACTION_CUE = cue_pattern(
    "order orders ordered purchase invoice tracking shipment shipping parcel package delivery consignment waybill "
    "awb sku item product article model serial return rma ticket case incident transaction payment charge refund "
    "booking reservation confirmation receipt bestellung bestellnummer sendung sendungsnummer rechnung auftrag "
    "commande colis facture suivi pedido envío envio factura seguimiento ordine spedizione fattura encomenda "
    "bestelling zending factuur zamówienie przesyłka faktura fakturę faktury fakturze fakturą fakturu faktuře "
    "objednávku objednávce zásilku facturii facturile talep talebi बिल शिकायत "
    # the same words in more of the largest markets' languages: an order's, a parcel's, an invoice's number
    "rastreio rastreamento fatura pacote tracciamento pacco prenotazione paquete guía reserva envoi réservation "
    "paket lieferung buchung retoure auftragsnummer rechnungsnummer bestelnummer pakket boeking zamówienia "
    "przesyłki paczka paczki beställning försändelse ordernummer kollinummer ordre bestilling pakke forsendelse "
    "tilaus tilausnumero lähetys paketti lasku objednávka objednávky zásilka zásilky balík rendelés csomag számla "
    "comanda comandă colet livrare sipariş siparişi siparişim kargo gönderi заказ заказа заказу посылка посылки "
    "накладная отправление отправления трек замовлення посилка посилки накладна відправлення παραγγελία "
    "παραγγελίας δέμα δέματος αποστολή τιμολόγιο طلب الطلب طلبي شحنة الشحنة طرد فاتورة הזמנה ההזמנה משלוח "
    "המשלוח חבילה חשבונית ऑर्डर पार्सल शिपमेंट ट्रैकिंग pesanan resi faktur pengiriman đơn vận "
    "rendelésszám rendelésszáma awb-ul izleme "
    # a claim's, a support case's or a quote's reference: the case, not the person ("your claim reference is ...")
    "reference ref claim quote task schadennummer vorgang vorgangsnummer referenz aktenzeichen sinistre dossier "
    "référence siniestro expediente referencia incidencia sinistro pratica segnalazione riferimento protocolo "
    "processo referentie zaaknummer melding szkody zgłoszenie zgłoszenia ärende ärendenummer skadenummer tiket "
    "požadavek hlášení referință dosar tichet обращение обращения заявка заявки звернення αίτημα υπόθεση".split()
    + TRACKING_WORDS
)
# the same words after the number, where the language puts them last: "4125368980 numaralı sipariş", "a 4022939966
# számú rendelés"
_TRANSACTION_AFTER = re.compile(
    r"[ \t]*(?:numaralı|nolu|no'lu|numarali|számú|sz\.)[ \t]+(?i:sipariş\w*|kargo\w*|gönderi\w*|fatura\w*|"
    r"rendelés\w*|csomag\w*|számla\w*|küldemény\w*|kayıt\w*|kaydı\w*|talep\w*|başvuru\w*)"
)
# the same in scripts written without spaces, where a number follows the word directly ("订单号123456")
_TRANSACTION_CUE_UNSPACED = re.compile(
    "|".join(
        "订单 訂單 运单 運單 快递单 物流单 单号 單號 包裹 发票 發票 追踪 追蹤 "
        "注文 追跡 伝票 お問い合わせ番号 荷物 請求書 "
        "주문 송장 운송장 택배 배송 영수증 접수 예약 반품 교환 환불 결제 청구서 문의번호 คำสั่งซื้อ พัสดุ ใบแจ้งหนี้ "
        "予約 受付 預約 预约 预订 受理".split()
    )
)
# a customer's or member's number in scripts written without spaces ("고객번호 540-4257-0000", "会員番号12345")
_PERSONAL_CUE_UNSPACED = re.compile(
    "|".join(("고객번호", "회원번호", "고객 번호", "회원 번호", "会員番号", "お客様番号", "客户号", "会员号", "会員ID"))
)
_PERSONAL_CUE = cue_pattern(
    [
        *"customer client account acct member membership subscriber user username login patient employee student "
        "policyholder loyalty passport licence license ssn kunde kundennummer konto client compte cliente cuenta "
        "socio utente conto klant lidnummer klient".split(),
        "policy number",
        "social security",
        "customer reference",
        "client reference",
        "account reference",
        "member reference",
    ]
)
# reference prefixes that name the transaction they number ("ORD-4471", "INV/2024/0098", "RMA 5521"), and a service
# desk's tickets ("INC0012345", "SR-83905258", "REQ-2291", "CLM-2025-071230": incident, service request, claim)
_TRANSACTION_PREFIX = re.compile(
    r"^(?i:ord|order|inv|trk|sku|rma|po|so|awb|shp|ship|tkt|case|cs|ret|rtn|bk|res|inc|sr|req|ritm|chg|prb|clm|sc|wo)"
    r"[-_#/ .:]?\d"
)
# a SaaS object id: a short type prefix, an underscore, a random key ("cus_Q8xZ2mKf93", "acct_1Hk...")
SAAS_ID = re.compile(
    r"(?<![\w-])(?P<prefix>[a-z]{2,6})_(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{8,40}(?![\w-])"
)
# a key of random letters alone ("cus_DDGAUwyorrRwMf"): long, both cases, no word's shape (words have one capital
# at most per part: "get_UserDetails" is code, not a key)
SAAS_LETTER_KEY = re.compile(
    r"(?<![\w-])(?P<prefix>[a-z]{2,6})_(?=(?:[A-Za-z]*[A-Z]){4})(?=[A-Za-z]*[a-z])[A-Za-z]{12,40}(?![\w-])"
)
SAAS_PERSONAL_PREFIXES = frozenset(
    "cus cust customer acct acc account usr user uid mem member cli client sub subscriber prof profile pat patient "
    "emp employee con contact ppl person guest".split()
)


def window(text: str, start: int, end: int, before: int = 40, after: int = 0) -> tuple[str, str]:
    return text[max(0, start - before) : start], text[end : end + after]


def birth_cues(text: str):
    """Each word for a birth or a birth date in ``text`` ("born", "DOB", "data urodzenia", "дату народження")."""
    return _BIRTH.finditer(text)


def is_birth_date(text: str, start: int, end: int, key: str = "") -> bool:
    """A birth cue right before the date (nothing but a few words and no other number between them: "born on 3 May
    1987 and ordered on 4 May" has one birth date), in its field's key, or right after it ("12.03.1987 (DOB)")."""
    if key and _BIRTH.search(key):
        return True
    left = text[max(0, start - 45) : start]
    cues = list(_BIRTH.finditer(left))
    if cues:
        between = left[cues[-1].end() :]
        if len(between) <= 25 and not re.search(r"\d", between) and "\n" not in between.strip(" \t:"):
            return True
    return bool(_BIRTH_AFTER.match(text[end : end + 25]))


# a full date this many years back is someone's birth date far more often than an order's or a delivery's
BIRTH_YEARS_BACK = 16
_YEAR = re.compile(r"(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)")
_YEAR_2 = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-](\d{2})$")


def is_old_full_date(span: str, this_year: int) -> bool:
    """A date with a day and a month, whose year lies ``BIRTH_YEARS_BACK`` years back or more."""
    digits = re.findall(r"\d+", span)
    m = _YEAR.search(span)
    if m:
        year = int(m.group(1))
    else:
        short = _YEAR_2.match(span.strip())
        if not short:
            return False
        yy = int(short.group(1))
        year = 2000 + yy if 2000 + yy <= this_year else 1900 + yy
    # (a month's word of three letters, or of two in a script without capitals: "1 मई 1981")
    has_day_month = len(digits) >= 3 or (len(digits) >= 2 and re.search(r"[^\W\d_]{3,}|[^\W\d_A-Za-z]{2}", span))
    return bool(has_day_month) and 1900 <= year <= this_year - BIRTH_YEARS_BACK


# said after the company, in languages that put the verb last: "我在...工作", "...に勤めています", "...에서 일합니다"
_EMPLOYER_AFTER = re.compile(
    r"[ \t]*(?:工作|上班|任职|任職|就职|就職|に勤め|で働|に勤務|에서[ \t]?일|에[ \t]?다니|에서[ \t]?근무)"
)


def is_employer(text: str, start: int, end: int, near_person_lines: set[int] | None = None) -> bool:
    left, _ = window(text, start, end, before=60)
    if _EMPLOYER_BEFORE.search(left) or _EMPLOYER_AFTER.match(text, end):
        return True
    # a title or a name right before: "Senior Buyer at Hallberg Logistics", "Ana Lima, Hallberg Logistics"
    if re.search(r"(?i:\b(?:at|@)\s*$)", left) and near_person_lines is not None:
        line = text.count("\n", 0, start)
        return line in near_person_lines
    # the company line of a signature: on its own line next to a line holding a name or a title
    if near_person_lines:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        alone = not text[line_start:start].strip(" \t,|-–>") and not text[end:line_end].strip(" \t,.|-–")
        line = text.count("\n", 0, start)
        if alone and ({line - 1, line - 2, line + 1} & near_person_lines):
            return True
    return False


# the word for "number" between an order's word and its number ("order number", "주문번호", "注文番号"; "numer
# zamówienia" has it first), and a label's colon or particle
_LABEL_TAIL = re.compile(
    r"[ \t]*[:#：=]?[ \t]*(?:는|은|이|は|是|(?i:is|ist|est|es|é|è|är|er|je|jest|to|είναι|это|це))?[ \t]*$"
)
_NUMBER_WORD_TAIL = re.compile(
    r"(?i:[ \t]*(?:number|no\.?|nr\.?|num\.?|nummer|numéro|numero|número|numer|číslo|szám|номер|αριθμός|"
    r"번호|番号|号|號))?" + _LABEL_TAIL.pattern
)


def after_transaction_label(text: str, start: int) -> bool:
    """Whether an order's, a parcel's or an invoice's word labels the number at ``start`` ("Order number 2024-88123",
    "주문번호 2024-88123", "Bestellnummer: 2024-88123"): right before it, with at most the word for "number"."""
    left = text[max(0, start - 48) : start]
    cuts = {left[: m.start()] for m in (_NUMBER_WORD_TAIL.search(left), _LABEL_TAIL.search(left)) if m}
    for cut in cuts:
        cut = cut.rstrip(" \t")
        for cue in (_TRANSACTION_CUE, _TRANSACTION_CUE_UNSPACED):
            if any(m.end() == len(cut) for m in cue.finditer(cut)):
                return True
    return False


# the words with which a business answers its own line: the name after them is the business's, which identifies no
# customer (the agent's name comes with "this is", "my name is", "speaking")
_ANSWERING = re.compile(
    r"(?i:thank(?:s| you) for calling|you(?:'re| are) through to|you(?:'ve| have) reached|welcome to|"
    r"merci d'avoir appelé|bienvenue (?:chez|à)|gracias por llamar a|bienvenid[oa] a|willkommen bei|"
    r"grazie per aver chiamato|benvenut[oi] (?:in|da|a)|obrigad[oa] por ligar (?:para|à|ao)|bem-vind[oa] à|"
    r"bedankt voor het bellen met|welkom bij|tack för att du ringer|dziękujemy za telefon do|witamy w)"
    r"[ \t]+(?:the[ \t]+)?"
    r"(?P<later>(?:\p{Lu}[\p{L}\p{M}'’-]*[ \t]+|(?:&|and|of|de|du|des|y|e|und|van|der)[ \t]+){0,5})$"
)


def answering_business(text: str, start: int, later_words: bool = False) -> bool:
    """Whether the name at ``start`` follows the words with which a business answers ("Thank you for calling
    Brightsmile Dental", "you're through to Lekker Mobile", "Willkommen bei Stadtwerke Rosental"); with
    ``later_words``, also a later word of the business's capitalized name (the places in "... Fenwick & Hale": a
    person's name after the business's, "... Brightcart Maria Lopez speaking", is no part of it)."""
    m = _ANSWERING.search(text[max(0, start - 80) : start])
    return m is not None and (later_words or not m.group("later"))


# an agent's words after their name, when it follows the business's: "... Brightcart Maria Lopez speaking"
_AGENT_AFTER = re.compile(
    r"[ \t,]*(?i:speaking|here|am apparat|am telefon|al habla|à l'appareil|falando|parlando|hablando|al telefono|"
    r"u telefonu|przy telefonie)(?![\p{L}\p{M}])"
)


def agent_after_business(text: str, start: int, end: int, first_names) -> int | None:
    """Where the agent's name begins inside a name found right after a business's answering words and before the
    agent's "speaking" ("Thank you for calling Brightcart Maria Lopez speaking": "Maria Lopez"): the first later word
    that ``first_names`` (folded) holds; None where no such cue or word is."""
    if not _AGENT_AFTER.match(text, end):
        return None
    words = list(re.finditer(r"[^\s,]+", text[start:end]))
    for word in words[1:]:
        if word.group().casefold() in first_names:
            return start + word.start()
    return None


# a shared mailbox's local part: the business's own address ("support@", "kundenservice@", "info@")
_ROLE_WORDS = (
    r"support|info|service|services|help|helpdesk|servicedesk|contact|care|customercare|customerservice|hello|"
    r"team|noreply|no-reply|kundenservice|kundendienst|kundtjanst|kundeservice|klantenservice|sav|assistance|"
    r"soporte|atencion|atendimento|assistenza|obsluga|podpora|destek|suport|servicio|billing|orders|sales|"
    r"customers?|clientes?|clienti|client|klant|kunden?|relation|servizio|claims|schade|sinistri|siniestros|"
    r"reclamaciones|do-not-reply|donotreply|no_reply|nao-?responda|no-?responder|ne-?pas-?repondre|"
    r"niet-?beantwoorden|center|centre|desk|office"
)
# a role's mailbox, its words alone, run together or joined ("noreply-support", "atencioncliente", "relation.client")
_ROLE_MAILBOX = re.compile(rf"(?i:(?:{_ROLE_WORDS})(?:(?:{_ROLE_WORDS})|[._+-]\w+)?)")


def _letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c))


def _domain_name(domain: str) -> str:
    """A mail domain's name: its longest label before the ending ("mail.cobaltwireless.co.uk": "cobaltwireless")."""
    labels = domain.casefold().split(".")
    return max(labels[:-1] or labels, key=len)


def business_domains(text: str) -> set[str]:
    """The names of the domains a document's business writes from: one with a shared mailbox ("info@cobaltwireless
    .com"), or one that two people of the document write from; each as its name's letters ("cobaltwireless")."""
    locals_by_domain: dict[str, set[str]] = {}
    for address in EMAIL.findall(text):
        local, domain = address.casefold().rsplit("@", 1)
        locals_by_domain.setdefault(_domain_name(domain), set()).add(local)
    return {
        name
        for name, local_parts in locals_by_domain.items()
        if len(name) >= 5 and (len(local_parts) >= 2 or any(_ROLE_MAILBOX.fullmatch(p) for p in local_parts))
    }


def names_business(value: str, domains: set[str], whole: bool = False) -> bool:
    """Whether ``value`` ("Cobalt Wireless", "Sieć Orzeł") is the name a business domain spells ("cobaltwireless",
    "siecorze"): one begins the other, five letters at least; with ``whole`` (a name taken for a person's, a mailbox's
    display name), two words or more that spell the domain's name exactly."""
    letters = _letters(value)
    if whole:
        return len(value.split()) >= 2 and letters in domains
    return len(letters) >= 5 and any(d.startswith(letters) or letters.startswith(d) for d in domains)


_PURPOSE = re.compile(
    r"(?i:\b(?:for|für|pour|para|per|voor|dla|för)(?:[ \t]+(?:the|my|your|this|a|die|den|le|la|el|il|o))?[ \t]+)$"
)


def reference_kind(text: str, start: int, end: int) -> str:
    """'transaction', 'personal' or '' (no cue) for an identifier-shaped token."""
    token = text[start:end]
    saas = SAAS_ID.fullmatch(token) or SAAS_LETTER_KEY.fullmatch(token)
    if saas:
        return "personal" if saas.group("prefix") in SAAS_PERSONAL_PREFIXES else "transaction"
    left, _ = window(text, start, end, before=32)
    # the nearest cue wins: "order for customer 4471" is the customer's
    personal = [m.end() for m in _PERSONAL_CUE.finditer(left)]
    personal += [m.end() for m in _PERSONAL_CUE_UNSPACED.finditer(left)]
    base = start - len(left)

    def purpose(m: re.Match) -> bool:
        """A question's purpose names no number of its own ("Which IBAN do we use for a refund? - It's ..."; "for
        your order 7781234" does)."""
        return bool(_PURPOSE.search(text[max(0, base + m.start() - 20) : base + m.start()])) and bool(
            re.search(r"[?.!\n]", left[m.end() :])
        )

    cues = [(m.end(), "transaction") for m in _TRANSACTION_CUE.finditer(left) if not purpose(m)]
    cues += [(m.end(), "transaction") for m in _TRANSACTION_CUE_UNSPACED.finditer(left)]
    # (a personal phrase ending where a transaction word does wins: "customer reference 4471" is the customer's)
    cues += [(end, "z-personal") for end in personal]
    if cues:
        return max(cues)[1].removeprefix("z-")
    if _TRANSACTION_AFTER.match(text, end):
        return "transaction"
    if _TRANSACTION_PREFIX.match(token) or text[max(0, start - 1) : start] == "#":
        return "transaction"  # "#W1075114", "#48213": the number sign marks an order's or a ticket's number
    return ""


# A company's register or tax number in a legal footer or a signature ("Tchibo AG, Registergericht: Amtsgericht Köln,
# HRA 95274", "RCS Paris 651 571 733", "KvK 47877618", "法人番号 7156857396311"): the company's, which identifies
# no person, and kept. Registers of businesses count alone; a tax number that a sole trader has too (VAT, P.IVA, NIP,
# ABN, 사업자등록번호) counts only beside a company's legal form on the same line. Abbreviations match in capitals only.
_BUSINESS_REGISTER = (
    r"HRB|HRA|KRS|CNPJ|CIF|RCS|SIREN|SIRET|KvK|FN|REA|"
    r"(?i:Handelsregister|Firmenbuch|Registro[ \t]+Mercantil|Companies[ \t]+House|organisationsnummer|"
    r"org\.?[ \t]?nr\.?|(?:company|registered|registration)[ \t]+(?:number|no\.?|nr\.?)|"
    r"company[ \t]+registration(?:[ \t]+(?:number|no\.?))?)|"
    r"法人番号|统一社会信用代码|統一社會信用代碼"
)
_TAX_NUMBER = (
    r"VAT(?:[ \t]+(?i:reg(?:istration)?\.?|number|no\.?|ID))?|USt-?IdNr\.?|UID(?:-Nr\.?)?|TVA|BTW(?:-?nummer)?|"
    r"P\.?[ \t]?IVA|C\.F\.|NIF|NIPC|NIP|REGON|ABN|ACN|CIN|GSTIN|EIN|"
    r"(?i:Partita[ \t]+IVA|Tax[ \t]+ID|(?:n\.?[º°o][ \t]*)?(?:de[ \t]+)?Contribuinte(?:[ \t]+n\.?[º°o]\.?)?)|"
    r"사업자[ \t]?등록[ \t]?번호|税号|纳税人识别号"
)
_REGISTER_TAIL = (
    r"(?:[ \t]*(?i:n\.?[ \t]?[º°o]\.?|no\.?|nr\.?|number|nummer|numéro|número|numero))?[ \t]*[:：#.]?[ \t]*"
    # the register's town ("RCS Paris 651 571 733", "HRB Köln 40699") or a second label ("registration no. ABN ...")
    r"(?:\p{Lu}\p{Ll}+[ \t]+|(?:ABN|ACN|CIN|HRB|HRA)[ \t]+)?"
)
_REGISTER_LABEL = rf"(?<![\p{{L}}])(?:(?P<register>{_BUSINESS_REGISTER})|(?P<tax>{_TAX_NUMBER})){_REGISTER_TAIL}"
_REGISTER_BEFORE = re.compile(rf"{_REGISTER_LABEL}$")
_REGISTER_OPENING = re.compile(rf"{_REGISTER_LABEL}(?=\d)")
_LEGAL_FORM_ON_LINE = re.compile(
    r"(?<![\p{L}])(?:GmbH|AG|SE|KG|S\.?A\.?S?|SARL|S\.r\.l\.|Srl|S\.p\.A\.|SpA|S\.L\.U?\.?|B\.V\.|BV|N\.V\.|NV|Ltd\.?|"
    r"Ltda\.?|Limited|LLC|Inc\.?|plc|PLC|AB|ASA|A/S|ApS|Oyj?|Lda\.?|Sp\.[ \t]?z[ \t]?o\.?[ \t]?o\.?|s\.r\.o\.|a\.s\.|"
    r"d\.o\.o\.)(?![\p{L}])|株式会社|有限会社|合同会社|有限公司|\(주\)|㈜|주식회사"
)


def company_register_number(text: str, start: int, end: int) -> bool:
    """Whether the number at ``start:end`` (its label may open the span: "HRA 95274") is a company's register or tax
    number: right after a business register's label, or a tax number's beside a legal form on the same line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    opening = _REGISTER_OPENING.match(text, start, end)
    labels = [m for m in (opening, _REGISTER_BEFORE.search(text, max(line_start, start - 60), start)) if m]
    number = text[opening.end() if opening else start : end]
    if not labels or not re.search(r"\d", number):
        return False
    registers = [m.group("register") for m in labels if m.group("register")]
    if not registers:
        return bool(_LEGAL_FORM_ON_LINE.search(text, line_start, line_end if line_end >= 0 else len(text)))
    # a Swedish sole trader's "org.nr" is their personal number: a legal person's has a third digit of 2 or more
    register = re.sub(r"[\s.]", "", registers[0].casefold())
    digits = re.sub(r"\D", "", number)
    return not (register in ("orgnr", "organisationsnummer") and len(digits) == 10 and digits[2] < "2")


# A business register's seat, named with the register in a legal footer ("Registergericht: Amtsgericht Bonn", "RCS
# Lyon 812 345 678", "KvK Utrecht 30123456", "Registro Imprese di Torino n. …", "Sitz der Gesellschaft: Bonn"): the
# court's or chamber's town, no one's address, and the register's own words are no name.
_SEAT_LABEL = (
    r"(?:Registergericht|Handelsregister|Sitz[ \t]+der[ \t]+Gesellschaft|Sitz)[ \t]*:?[ \t]*(?:Amtsgericht[ \t]+)?|"
    r"Amtsgericht[ \t]+|(?:RCS|R\.C\.S\.|KvK|HRB|HRA)[ \t]+|"
    r"(?i:Registro[ \t]+(?:delle[ \t]+)?Imprese(?:[ \t]+di)?|Registro[ \t]+Mercantil[ \t]+de|"
    r"Tribunal[ \t]+de[ \t]+commerce[ \t]+de|Kamer[ \t]+van[ \t]+Koophandel)[ \t]+"
)
_REGISTER_SEAT = re.compile(rf"(?<![\p{{L}}])(?:{_SEAT_LABEL})(?P<town>\p{{Lu}}[\p{{L}}-]+)")
_SEAT_REACH = 80  # the longest register label ("Sitz der Gesellschaft: Amtsgericht ") and its town, with room
# the register's number after the town, its abbreviation between ("Amtsgericht Köln, HRB 55123", "di Torino n. 0987")
_SEAT_NUMBER = re.compile(r"[ \t,]*(?:(?:HRB|HRA|n\.?)[ \t]*)?[:#]?[ \t]*\d")


def register_seat(text: str, start: int, end: int) -> bool:
    """Whether ``start:end`` lies in a business register's name and seat ("Amtsgericht Bonn", "RCS Lyon", "Registro
    Imprese di Torino") on a line that holds a company's legal form or the register's number right after the town."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    # only around the finding (a register's words and town are a few dozen characters): a long line read whole for
    # each of its findings cost a time that grew with the square of its length
    for m in _REGISTER_SEAT.finditer(text, max(line_start, start - _SEAT_REACH), min(line_end, end + _SEAT_REACH)):
        if m.start() <= start and end <= m.end():
            numbered = _SEAT_NUMBER.match(text, m.end(), line_end) is not None
            return numbered or bool(_LEGAL_FORM_ON_LINE.search(text, line_start, line_end))
    return False


_MAILBOX_AFTER = re.compile(r"[\"']?[ \t]*<(?P<local>[^@\s<>]+)@(?P<domain>[^\s<>]+)>")


def names_its_mailbox(text: str, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` is the display name of a business's shared mailbox that spells it ("Tchibo
    <service@tchibo.de>", "bol.com <contact@bolcom.nl>", "Home Depot <noreply-support@homedepot.com>"): the business
    the mail goes to or comes from, not a person (an agent's own name before a role mailbox spells no domain)."""
    m = _MAILBOX_AFTER.match(text, end)
    if m is None or not _ROLE_MAILBOX.fullmatch(m.group("local")):
        return False
    return names_business(text[start:end], {_domain_name(m.group("domain"))})
