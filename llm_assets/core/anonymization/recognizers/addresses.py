"""Street addresses and postcodes, international: the way addresses are written, not a list of streets.

A street is a name next to a house number and a street designator in one of ~20 languages: a designator word after
the name (Maple *Avenue*, Linzer *Strasse*), before it (*Rue* de la Paix, *Avenida* Noruega, *ulica* Zielona), or
fused into it (Herma-Matthäi-*Ring*, Jente*singel*, Runeberg*intie*). Post boxes and military addresses follow their
postal formats. A street line pulls in the unit, city, region, postcode and country lines that follow it, so an
address block goes as one. Postcodes are recognized by the national formats that are distinctive on their own (UK,
Canada, the Netherlands, Portugal, Poland, Brazil, ZIP+4), and by any country's format next to a city, a US state
or a word that announces one.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.gazetteers import Gazetteers, fold
from llm_assets.core.anonymization.recognizers.base import (
    CUE_COPULA,
    HAN_SENTENCE_LEAD,
    SpanRecognizer,
    alternation,
    cue_pattern,
    finding,
    near,
    phone_shaped,
)
from llm_assets.core.anonymization.recognizers.handles import SPEAKER_LABEL
from llm_assets.core.anonymization.recognizers.names import GREETINGS, VALEDICTIONS
from llm_assets.core.anonymization.recognizers.vocabulary import UNAMBIGUOUS_PREFIXES
from llm_assets.core.entities import PERSON

# Designators written after the street's name, as a word of their own (USPS Publication 28 suffixes and their
# British, Irish, Australian and continental counterparts).
SUFFIX_WORDS = (
    "Street Streets St Avenue Ave Av Road Roads Rd Boulevard Blvd Lane Ln Drive Drives Dr Court Courts Ct Way Ways "
    "Place Pl Terrace Ter Parkway Parkways Pkwy Highway Hwy Circle Circles Cir Square Squares Sq Trail Trl Alley Aly "
    "Row Crescent Cres Close Grove Groves Gardens Gdns Garden Mews Walk Walks Rise Hill Hills View Views Park Parks "
    "Green Greens Loop Path Pike Run Pass Passage Crossing Xing Point Points Pt Heights Hts Ridge Ridges Plaza Plz "
    "Center Centers Ctr Centre Junction Junctions Jct Expressway Expy Freeway Fwy Turnpike Tpke Causeway Cswy Cove "
    "Coves Cv Creek Crk Estate Estates Est Falls Fall Ferry Field Fields Flat Flats Ford Fords Forest Fork Forks Fort "
    "Ft Gateway Glen Glens Harbor Harbors Harbour Haven Island Islands Isle Key Keys Knoll Knolls Lake Lakes Landing "
    "Lodge Manor Manors Meadow Meadows Mill Mills Mission Mount Mt Mountain Mountains Orchard Oval Overpass Pines Pine "
    "Plains Plain Port Ports Prairie Ramp Ranch Rapid Rapids Rest Route Rte Shoal Shoals Shore Shores Spring Springs "
    "Spur Spurs Station Sta Stravenue Stream Summit Trace Track Tunnel Underpass Union Unions Valley Valleys Viaduct "
    "Village Villages Ville Vista Wall Well Wells Wharf Quay Embankment Parade Esplanade Promenade Arcade Broadway Wynd "
    "Yard Burg Burgs Bypass Bluff Bluffs Bottom Branch Bridge Brook Brooks Camp Canyon Cape Cliff Cliffs Club Common "
    "Commons Corner Corners Course Curve Dale Dam Divide Extension Extensions Forge Forges Hollow Inlet Land Light "
    "Lights Loaf Lock Locks Motorway Neck Radial Skyway Throughway Trafficway Trailer Tunnel "
    "Quadrant Circuit Concourse Crest Brae Chase Croft Dene Drove Paddock Approach "
    "Strasse Straße Str Weg Gasse Platz Allee Ring Damm Ufer Steig Chaussee Markt Allé Vej Gade Plads Utca Út Tér "
    "Körút Sor Laan Straat Gracht Singel Plein Kade Dijk Gatan Vägen Väg Gata Gate Veien Vegen Katu Tie Kuja"
).split()
# Designators written before the name.
PREFIX_WORDS = (
    "Rue Avenue Av Avenida Avda Calle Carrer Camino Carretera Paseo Plaza Pasaje Ronda Travesía Via Viale Piazza "
    "Piazzale Corso Largo Vicolo Strada Borgo Contrada Lungomare Rua Travessa Praça Alameda Estrada Rodovia Boulevard "
    "Bd Chemin Impasse Allée Place Quai Cours Route Sentier Ulica Ul Aleja Al Plac Osiedle Os Bulevardul Bulevard Calea "
    "Piața Aleea Strada Str Šetalište Trg Ulice Náměstí Třída Na Pod Nad U V Ve Ulitsa Prospekt Odos Leoforos"
).split()
# Designators fused to the name's end in one word.
FUSED_SUFFIXES = (
    "straße strasse str. weg gasse platz allee ring damm ufer steig pfad chaussee markt graben laan straat gracht "
    "singel plein kade dijk steeg vej gade stræde plads allé gatan vägen väg gränd torget stigen gången backen veien "
    "vegen gata gate tie katu kuja polku väylä tori kaari rinne utca út körút tér ulice třída náměstí nábřeží ulica "
    "cesta iela gatvė tänav caddesi sokak sokağı bulvarı yolu"
).split()
UNIT = (
    r"(?:,?[ \t]*(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Fl\.?|Room|Rm\.?|Studio|Building|Bldg\.?|Piso|"
    r"Appartamento|App\.?|Interno|Int\.?|Scala|Étage|Etage|Bus|Box|Dept\.?|#|No\.?|Nr\.?|Nº)[ \t]*[A-Za-z]?\d{1,5}"
    r"[A-Za-z]?(?![\w]))"
)
UNIT_ALONE = (
    r"(?<![\w])(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Studio|Piso|Appartamento|Interno|Wohnung|Whg\.?)[ \t]*#?[ \t]*"
    r"[A-Za-z]?\d{1,5}[A-Za-z]?(?![\w])"
)
NUM = r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
NAME = r"\p{Lu}[\w'’.-]*"
PARTICLE = (
    r"(?:de|del|de la|de las|de los|des|da|das|do|dos|di|dei|degli|della|delle|van|von|der|den|am|an|im|la|le|les|"
    r"du|of|the)"
)
NAME_RUN = rf"{NAME}(?:[ \t]+(?:{PARTICLE}[ \t]+)?{NAME}){{0,4}}"
ADDRESS_CUES = cue_pattern(
    [
        "address",
        "addresses",
        "live at",
        "lives at",
        "lived at",
        "live on",
        "lives on",
        "located at",
        "located on",
        "send to",
        "sent to",
        "ship to",
        "deliver to",
        "meet me at",
        "moved to",
        "corner of",
        "drops you off at",
        "stop at",
        "return to",
        "offices are",
        "office is at",
        "is at",
        "street",
    ]
)
# Postcodes whose shape names them on its own.
DISTINCTIVE_POSTCODE = (
    r"(?:[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}"  # United Kingdom
    r"|[A-CEGHJ-NPR-TVXY]\d[A-CEGHJ-NPR-TV-Z][ \t]?\d[A-CEGHJ-NPR-TV-Z]\d"  # Canada
    r"|\d{4}[ \t]?[A-Z]{2}(?![A-Za-z])"  # the Netherlands
    r"|\d{4}-\d{3}|\d{5}-\d{3}|\d{2}-\d{3}|\d{5}-\d{4}"  # Portugal, Brazil, Poland, US ZIP+4
    r"|[A-Z]\d{2}[ \t]?[A-Z0-9]{4})"  # Ireland (Eircode)
)
# four to six digits: six are the postcodes of Russia, India, China, Kazakhstan, Singapore, Vietnam, Romania...
ANY_POSTCODE = rf"(?:{DISTINCTIVE_POSTCODE}|(?:[A-Z]{{1,2}}-)?\d{{4,6}}|\d{{3}}[ \t]\d{{2}})"
POSTCODE_CUES = cue_pattern(["zip", "zip code", "zipcode", "postcode", "post code", "postal code", "plz", "cep"])
# Words that announce an address; what follows them up to the end of the clause is one if it holds a number.
ADDRESS_INTRO = re.compile(
    r"(?i:\b(?:address(?:es)?|addr\.?)(?:\s+(?:is|was))?\s*[:\-]\s*|"
    r"\b(?:address(?:es)?|addr\.?)\s+(?:is|was)\s+|"
    r"\b(?:live|lives|lived|living|located|situated|reside|resides|stay|staying)\s+(?:at|on)\s+|"
    r"\b(?:meet(?:\s+me)?|drops?\s+(?:you|me|us)\s+off|stop|taxi|sent|send(?:\s+it)?|ship(?:\s+it)?|"
    r"deliver(?:\s+it)?|return(?:\s+it)?|mail(?:\s+it)?|post(?:\s+it)?|moved|move|arrived)\s+(?:at|to)\s+|"
    r"\b(?:is|are|was|were)\s+(?:at|on)\s+(?=\p{Lu}|\d+[a-z]?[ \t]+\p{Lu}))"
    r"(?P<addr>(?=[\p{Lu}\d])[^\n.;!?]{3,90}?)(?=\.\s|[.;!?]?$|[.;!?]?\n|,\s+(?:and|but|please|thanks)\b|\s+(?:for|after|in case)\b)"
)


ZIP_AFTER_CUE = re.compile(
    r"(?i:\b(?:zip|zip code|zipcode|postcode|post code|postal code)(?:\s+is)?\s*[:#]?\s*)"
    r"(?P<code>[A-Za-z0-9][A-Za-z0-9 -]{1,9}[A-Za-z0-9])(?![\w])"
)


# An address announced in other languages ("я живу по адресу ...", "ik woon op ...", "μένω στην ...", "عنواني ..."):
# the clause after it, when it holds a number; it ends at a sentence's end (not an abbreviation's point: "наб.",
# "ul."), a " / ", a question, a semicolon or the line's end
_ADDRESS_WORDS = (
    "по адресу|мой адрес|адрес доставки|живу в|живу на|за адресою|моя адреса|живу у|мешкаю|"
    r"mi dirección es|mi direccion es|vivo en|dirección de envío|meu endereço é|moro na|moro no|moro em|"
    r"endereço de entrega|mon adresse est|j'habite au|j'habite à|j’habite au|j’habite à|adresse de livraison|"
    r"il mio indirizzo è|abito in|abito a|indirizzo di consegna|meine adresse ist|ich wohne in|ich wohne am|"
    r"ich wohne an der|lieferadresse|mijn adres is|ik woon op|ik woon aan|ik woon in|bezorgadres|mój adres to|"
    r"mieszkam na|mieszkam przy|mieszkam w|adres dostawy|moje adresa je|bydlím na|bydlím v|bydlím ve|na adrese|"
    r"min adress är|jag bor på|jag bor i|min adresse er|jeg bor på|jeg bor i|osoitteeni on|a címem|címem|lakom|"
    r"adresa mea este|adresa mea e|locuiesc pe|locuiesc în|locuiesc la|adresim|oturuyorum|μένω στην|μένω στο|"
    r"μένω σε|η διεύθυνσή μου είναι|عنواني|أسكن في|اسكن في|أقيم في|הכתובת שלי|אני גר ב|אני גרה ב|آدرسم|آدرس من|"
    r"मेरा पता|alamat saya|saya tinggal di|địa chỉ của tôi là|địa chỉ của em là|địa chỉ nhà tôi là|tôi ở|em ở|"
    r"ที่อยู่|บ้านเลขที่|bydlím na adrese|ich wohne in der|ich wohne in dem"
)
# Streets of other scripts and of languages whose designators the lists above lack: the designator, the name, the
# house number (and the Slavic "д."/"буд." before it, the block, building and flat after it)
_NUM_ANY = r"[\d٠-٩۰-۹]{1,5}[\p{L}]?(?:[/-][\d٠-٩۰-۹]{1,4})?"
_CYRILLIC_STREET = (
    r"(?:ул|улица|пр-т|просп|проспект|пер|переулок|наб|набережная|бул|бульв|бульвар|ш|шоссе|пл|площадь|алл|аллея|"
    r"туп|тупик|пр-д|проезд|мкр|микрорайон|вул|вулиця|пров|провулок|майдан|площа|шосе|сквер|узвіз|бульвар)"
)
_OTHER_STREETS = [
    rf"(?<![\p{{L}}])(?i:{_CYRILLIC_STREET})\.?[ \t]+(?:\p{{Lu}}[\p{{L}}'’.-]*|\d{{1,3}}-[йяе])"
    rf"(?:[ \t]+(?:\p{{Lu}}[\p{{L}}'’.-]*|\d{{1,3}}-[йяе]|\p{{Ll}}{{1,3}}\.?)){{0,3}},?[ \t]*"
    rf"(?:(?:д|дом|буд|будинок|№)\.?[ \t]*)?{_NUM_ANY}"
    rf"(?:,?[ \t]*(?:к|корп|стр|кв|квартира|оф|офис)\.?[ \t]*\d{{1,5}}(?:/\d{{1,3}})?){{0,3}}",
    rf"(?<![\p{{L}}])(?:οδός|οδό|οδού|οδ\.|λεωφόρος|λεωφόρου|λεωφ\.|πλατεία|πλ\.)[ \t]+\p{{Lu}}[\p{{L}}.-]*"
    rf"(?:[ \t]+\p{{Lu}}[\p{{L}}.-]*){{0,3}},?[ \t]+{_NUM_ANY}",
    rf"(?<![\p{{L}}])(?:شارع|طريق|ش\.)[ \t]+\p{{Arabic}}+(?:[ \t]+\p{{Arabic}}+){{0,3}},?[ \t]+{_NUM_ANY}",
    rf"(?<![\p{{L}}])(?:خیابان|کوچه|بلوار|بزرگراه)[ \t]+\p{{Arabic}}+(?:[ \t،,]+(?!کد)\p{{Arabic}}+){{0,5}}"
    rf"[ \t،,]+(?:پلاک[ \t]*)?{_NUM_ANY}",
    rf"(?<![\p{{L}}])(?:רחוב|רח['׳]|שדרות|שד['׳]|דרך|סמטת)[ \t]*\p{{Hebrew}}+(?:[ \t]+\p{{Hebrew}}+){{0,2}}[ \t]+{_NUM_ANY}",
    rf"(?<![\d/]){_NUM_ANY}[ \t]+(?:หมู่(?:ที่)?[ \t]*\d{{1,3}}[ \t]+)?(?:ถ\.|ถนน|ซ\.|ซอย)[ \t]*\p{{Thai}}+",
    rf"(?<![\d/]){_NUM_ANY},?[ \t]+(?:(?:Ngõ|ngõ|Ngách|ngách|Hẻm|hẻm|Kiệt|kiệt)[ \t]+\d{{1,4}}[ \t,]+)*"
    rf"(?:Đường|đường|Phố|phố|Đại lộ)[ \t]+(?:số[ \t]+\d{{1,4}}|\p{{Lu}}\p{{Ll}}*(?:[ \t]+\p{{Lu}}\p{{Ll}}*){{0,3}})",
    rf"(?<![\p{{L}}])(?:Jl\.|Jln\.|Jalan|Gg\.|Gang)[ \t]*\p{{Lu}}[\p{{L}}.-]*(?:[ \t]+\p{{Lu}}[\p{{L}}.-]*){{0,3}}"
    rf",?[ \t]+(?:No\.?|Nomor)[ \t]*{_NUM_ANY}",
    rf"(?<![\p{{L}}])\p{{Lu}}[\p{{L}}'’.-]*(?:[ \t]+\p{{Lu}}[\p{{L}}'’.-]*){{0,3}}[ \t]+(?:Cad|Sok|Blv|Bulv)\.?"
    rf"(?:[ \t]+No[:.]?)?[ \t]*{_NUM_ANY}",
]
# The word for a postcode in other languages, and what it is written with ("邮编122433", "индекс 939782", "Τ.Κ. 63264")
_POSTCODE_WORDS = (
    r"邮编|郵編|邮政编码|郵遞區號|郵便番号|〒|우편번호|почтовый индекс|индекс|поштовий індекс|індекс|Τ\.Κ\.|ΤΚ|"
    r"ταχυδρομικός κώδικας|الرمز البريدي|الرمز البريدى|מיקוד|کد پستی|पिन कोड|पिनकोड|รหัสไปรษณีย์|"
    r"mã bưu điện|mã bưu chính|kode pos|posta kodu|irányítószám|PSČ|cod poștal|cod postal|kod pocztowy|"
    r"postnummer|postinumero|código postal|codigo postal|code postal|codice postale"
)
_POSTCODE_AFTER_WORD = re.compile(
    # in any case ("Posta kodu 34710", "Kod pocztowy"), but Italy's CAP in capitals only ("cap" is a word)
    rf"(?:(?i:{_POSTCODE_WORDS})|CAP){CUE_COPULA}[ \t]*"
    r"(?P<code>\d{3}(?:[ \t-]?\d{2,4})?)(?!\d)"
)


# a time-stamped turn, whatever its speaker's label: "[00:08] B: ..."
_STAMPED_TURN = re.compile(
    r"[ \t>]*[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?[ \t]+[^\s:]{1,32}(?:[ \t][^\s:]{1,32}){0,2}:[ \t]"
)


# A letter of a script without case (Han, Kana, Hangul, Thai, Hebrew, Arabic, Devanagari ...): no capital marks a name.
def _uncased(ch: str) -> bool:
    return ch.isalpha() and not ch.isupper() and not ch.islower()


# A signature's contact line opens with the word for its phone ("Tel: 01202 054806", "Тел. +380 ...", "Τηλ. +30 ...")
_CONTACT_LABEL = re.compile(
    r"^(?i:tel|tél|tlf|telf|phone|telephone|téléphone|telefon|telefone|teléfono|telefono|mobile|mob|mobil|móvil|"
    r"cell|cel|handy|fax|gsm|тел|телефон|моб|τηλ|κιν|هاتف|جوال|טל|फ़ोन|फोन|मोबाइल|電話|电话|手机|携帯|전화|휴대폰)(?![\p{L}])"
    r"\.?[ \t]*(?:\([^)]{1,12}\))?[ \t]*[:：.]?[ \t]*"
)
# A line of a block's greeting or sign-off ("Best,", "Kind regards"): never part of an address block under it.
_SALUTATION_LINE = re.compile(rf"(?i:{VALEDICTIONS}|{GREETINGS})[ \t]*[,!.:]?")
# A house number written without spaces into a script that has none ("北投路80號", "武东三条1100号").
_UNSPACED_HOUSE_NUMBER = re.compile(r"(?<=[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}])\d{1,5}(?=[\p{Han}\p{Thai}]|$)")
_HAN_DIGITS = r"(?:\d{1,5}|[一二三四五六七八九十百]{1,4})"
_HAN_STREET = (
    rf"(?:\p{{Han}}{{2,3}}[省市縣县區区鎮镇鄉乡])*\p{{Han}}{{1,4}}(?:[东西南北中東]?(?:路|街|大道|大街))(?:{_HAN_DIGITS}段)?(?:{_HAN_DIGITS}(?:巷|弄|衖))*"
    rf"\d{{1,5}}(?:-\d{{1,4}})?[號号](?:之\d{{1,3}})?(?:\d{{1,3}}[樓楼层F]|\d{{1,4}}室)*"
)
_JAPANESE_BLOCK = (
    rf"(?:\p{{Han}}{{1,6}}[都道府県市区町村])*\p{{Han}}{{1,6}}{_HAN_DIGITS}丁目(?:\d{{1,4}}(?:番地?|-)\d{{1,4}}号?)?"
    r"|(?<=[\p{Han}])\d{1,4}番地?(?:\d{1,4}号?)?"
)
# a Korean road-name address: its province, city and district words if any, then the road (a name, digits, "번길"
# or "길": "개포39길", "세종대로 110번길") and the building's number ("489-67")
_KOREAN_STREET = (
    r"(?<![\p{Hangul}])(?:\p{Hangul}{1,8}(?:특별시|광역시|특별자치시|특별자치도|도|시|군|구|읍|면)[ \t]+){0,3}"
    r"\p{Hangul}{1,8}\d{0,4}(?:로|길)[ \t]?\d{1,4}(?:번길[ \t]?\d{1,4})?(?:-\d{1,4})?(?![\d])"
)
# A postal line's code beside its town when the line is in an address block: three digits (Taiwan, Iceland) to seven
# (Israel); the block decides, so a number alone on a line never is one.
_BLOCK_POSTCODE = re.compile(r"(?<![\w./,-])\d{3,8}(?![\w./,-])")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_FIELD_ASSIGNMENT = re.compile(r"[\w.-]{1,40}[ \t]*=[ \t]")
_DATE_LINE = re.compile(r"(?<![\w.])\d{1,2}\.?[ \t]+(?:\p{L}+\.?[ \t]+){1,3}(?:19|20)\d{2}(?!\d)")


# designators written in small letters at the start of an address ("площа Аеродромний 2-й", "calle Mayor 5")
_LOWER_DESIGNATORS = (
    r"ул|улица|пр-т|просп|проспект|пер|переулок|наб|набережная|бул|бульвар|ш|шоссе|пл|площадь|алл|аллея|вул|вулиця|"
    r"пров|провулок|майдан|площа|шосе|сквер|парк|узвіз|οδός|οδό|οδού|λεωφόρος|calle|avenida|rua|avenida|travessa|"
    r"via|viale|piazza|corso|rue|avenue|boulevard|ulica|ul|aleja|al|ulice|náměstí|strada|bulevardul|calea|"
    r"đường|phố|ngõ|hẻm|jalan|jl"
)
# ... or at a comma before two words in small letters: prose again ("..., mi usuario es ...", "..., jmenuji se ...")
_ADDRESS_INTRO_OTHER = re.compile(
    rf"(?i:(?<![\p{{L}}])(?:{alternation(_ADDRESS_WORDS.split('|'))}))[ \t]*[:：]?[ \t]*"
    rf"(?P<addr>(?=[\p{{Lu}}\p{{N}}]|[^\p{{Lu}}\p{{Ll}}\s]|(?i:{_LOWER_DESIGNATORS})\.?[ \t])[\p{{L}}\p{{N}}][^\n;!?/]{{2,90}}?)"
    r"(?=(?<=[\p{L}\p{M}]{5})\.(?:\s|$)|[;!?]|\s/\s|[ \t]*$|[ \t]*\n|"
    # (a clause after the comma: ", to daleko", ", paczka ZAM-1 z InPost"; not a flat's ", piso 3")
    r",[ \t]+\p{Ll}[\p{L}\p{M}]*[ \t]+\p{Ll}|,[ \t]+\p{Ll}[\p{L}\p{M}]{3,}[ \t]+(?![\p{N}]))"
)


def _labelled(line: str) -> bool:
    """A line that opens with a label (a chat's speaker, with or without a time stamp, or a form's field name, by
    the label pattern of ``handles``): it holds one field or one turn, never a line of a multi-line address block.
    A turn that is an address is the turn recognizer's; a form's field is typed by its key (``structure``); an
    address inside the line is still found by the single-line patterns."""
    return bool(SPEAKER_LABEL.match(line))


def _after_label(text: str, start: int, end: int) -> int:
    cut = text.rfind(": ", start, end)
    if cut >= 2 and text[cut - 2 : cut].lower() in ("no", "nr"):
        return start  # a house number's own colon: "Atatürk Cad. No: 12"
    return start if cut < 0 else cut + 2


_TOWN_SENTENCE_END = re.compile(r"(?<=\w{4})\.(?=[ \t])")


def _town_end(text: str, start: int, end: int) -> int:
    """Where a town's name ends: at its sentence's end ("02-495 Warszawa. Mój PESEL ..." names Warszawa only), not at
    an abbreviation's point ("9000 St. Gallen")."""
    stop = _TOWN_SENTENCE_END.search(text, start, end)
    return stop.start() if stop else end


class StreetAddressRecognizer(SpanRecognizer):
    ENTITIES = ("STREET_ADDRESS", "ZIP_CODE", PERSON)

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.g = gazetteers
        suffix = rf"(?:{alternation(SUFFIX_WORDS)})\.?(?![\w])"
        prefix = rf"(?:{alternation(PREFIX_WORDS)})\.?"
        fused = rf"[A-ZÀ-ÖØ-Þ][\w'’-]*?(?:{alternation(FUSED_SUFFIXES)})"
        flags = re.UNICODE
        self.patterns: list[tuple[re.Pattern, float]] = [
            # 12 Maple Avenue, 69981 11 Botley Road
            (re.compile(rf"(?<![\w.,/-])(?:{NUM}[ \t]+)?{NUM},?[ \t]+{NAME_RUN}[ \t]+{suffix}{UNIT}*", flags), 0.8),
            # Linzer Strasse 69, Skaffer Allé 474, Ligetfalvai utca 27.
            (
                re.compile(
                    rf"(?<![\w-])(?:{NAME}[ \t]+){{1,3}}(?i:{alternation(SUFFIX_WORDS)})\.?,?[ \t]+{NUM}(?![\w]){UNIT}*",
                    flags,
                ),
                0.75,
            ),
            # Herma-Matthäi-Ring 1915, Jentesingel 391, Runebergintie 7; 3 Jagtvej, 182 Puuskakatu
            (re.compile(rf"(?<![\w-])(?:{NAME}[ \t]+){{0,2}}{fused}\.?,?[ \t]+{NUM}(?![\w]){UNIT}*", flags), 0.75),
            (re.compile(rf"(?<![\w.,/-]){NUM},?[ \t]+(?:{NAME}[ \t]+){{0,2}}{fused}\.?(?![\w]){UNIT}*", flags), 0.75),
            # Apt. 320, Suite 304: a unit is part of an address wherever it stands
            (re.compile(UNIT_ALONE, flags), 0.6),
            # 7, boulevard Paulette Gosselin; Avenida Noruega 42; Na Pomezí 4; aleja Zielona 690
            (
                re.compile(
                    rf"(?<![\w-])(?:{NUM},?[ \t]+)?(?i:{prefix})[ \t]+(?:{PARTICLE}[ \t]+)?{NAME_RUN},?[ \t]*{NUM}"
                    rf"(?![\w]){UNIT}*",
                    flags,
                ),
                0.75,
            ),
            (
                re.compile(rf"(?<![\w-]){NUM},?[ \t]+(?i:{prefix})[ \t]+(?:{PARTICLE}[ \t]+)?{NAME_RUN}{UNIT}*", flags),
                0.75,
            ),
            # written without spaces, largest unit first: 平和路9段589號, 中山北路二段45巷3弄7號5樓, 南京西路1266号,
            # 銀座4丁目5番2号, 테헤란로 123 / 세종대로 110번길 5
            (re.compile(_JAPANESE_BLOCK), 0.75),
            (re.compile(_KOREAN_STREET), 0.75),
            # post boxes and military addresses
            (
                re.compile(
                    r"\b(?:P\.?[ \t]?O\.?[ \t]?Box|Post[ \t]Office[ \t]Box|Postfach|Apartado(?:[ \t]de[ \t]Correos)?|"
                    r"Caixa[ \t]Postal|Casella[ \t]Postale|Boîte[ \t]Postale|B\.?P\.?)[ \t]*#?[ \t]*\d{1,7}\b",
                    re.IGNORECASE,
                ),
                0.8,
            ),
            (re.compile(r"\b(?:PSC|CMR|Unit)[ \t]+\d{1,5},?[ \t]+Box[ \t]+\d{1,5}\b"), 0.8),
            (re.compile(r"\b(?:APO|FPO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+\d{5}\b"), 0.8),
            (re.compile(r"\bUS(?:NS|NV|S|CGC)[ \t]+[A-Z][a-z]+\b"), 0.7),
        ]
        self.han_street = re.compile(_HAN_STREET)
        # each pattern runs only where its script or its designator word is in the text
        gates = [
            r"[\p{Cyrillic}]", r"[\p{Greek}]", r"[\p{Arabic}]", r"[\p{Arabic}]", r"[\p{Hebrew}]", r"[\p{Thai}]",
            r"(?i:ngõ|ngách|hẻm|kiệt|đường|phố|đại lộ)", r"(?:Jl|Jln|Jalan|Gg|Gang)\b", r"\b(?:Cad|Sok|Blv|Bulv)\b",
        ]  # fmt: skip
        self.other_streets = [(re.compile(p), re.compile(g)) for p, g in zip(_OTHER_STREETS, gates, strict=True)]
        self.unambiguous = re.compile(
            rf"(?<![\w-])(?i:{alternation(UNAMBIGUOUS_PREFIXES)})[ \t]+(?:{PARTICLE}[ \t]+)?{NAME_RUN}", flags
        )
        self.named_street = re.compile(rf"(?<![\w-]){NAME_RUN}[ \t]+(?:{suffix}|(?i:street|road|avenue|lane)\b)", flags)
        self.corner = re.compile(
            rf"(?i:corner[ \t]+of)[ \t]+(?P<a>{NAME_RUN}(?:[ \t]+{suffix})?)[ \t]+(?:and|&)[ \t]+(?P<b>{NAME_RUN}(?:[ \t]+{suffix})?)",
            flags,
        )
        self.postcode_city = re.compile(
            rf"(?:(?<=^)|(?<=[\n,]))[ \t]*(?:>+[ \t]*)*(?P<code>{ANY_POSTCODE}),?[ \t]+(?P<city>{NAME}(?:[ \t-]+(?:[a-zà-ÿ]{{1,4}}[ \t-]+)?{NAME}){{0,4}})",
            flags | re.MULTILINE,
        )
        # a street's name and number, its postcode and town on one line without commas, in any script that has
        # capitals: "Κτησιφώντος 163 10825 Καρδίτσα", "Lienboulevard 432 7023 Godveerdegem"
        self.street_code_town = re.compile(
            rf"(?<![\w-])\p{{Lu}}[\p{{L}}'’.-]+[ \t]+\d{{1,4}}[A-Za-z]?,?[ \t]+(?P<code>{DISTINCTIVE_POSTCODE}|\d{{4,6}}|\d{{3}}[ \t]\d{{2}})"
            r"[ \t]+(?P<city>\p{Lu}[\p{L}'’-]+(?:[ \t-]+\p{Lu}[\p{L}'’-]+){0,2})",
            flags,
        )
        # "Altoona 16602", "Iceland 70897", "South Glendachester 04307"
        self.place_code = re.compile(
            rf"(?P<city>\p{{Lu}}[\w'’.-]*(?:[ \t-]+\p{{Lu}}[\w'’.-]*){{0,3}}),?[ \t]+(?P<code>{DISTINCTIVE_POSTCODE}|\d{{4,6}}|\d{{3}}[ \t]\d{{2}})(?![\w-])",
            flags,
        )
        self.state_zip = re.compile(
            rf"(?P<city>{NAME}(?:[ \t]+{NAME}){{0,3}}),?[ \t\n]+(?P<state>[A-Z]{{2}})[ \t\n]+(?P<zip>\d{{5}}(?:-\d{{4}})?)\b",
            flags,
        )
        self.zip_after_state = re.compile(r"\b(?P<state>[A-Z]{2}),?[ \t](?P<zip>\d{5}(?:-\d{4})?)\b")
        self.distinctive = re.compile(rf"(?<![\w-]){DISTINCTIVE_POSTCODE}(?![\w-])")
        self.any_postcode = re.compile(rf"(?<![\w-]){ANY_POSTCODE}(?![\w-])")
        self.suffix_re = re.compile(rf"\b{suffix}", flags)

    def find(self, text: str) -> Iterable:
        spans: list[tuple[int, int, float]] = []
        if any(c.isdigit() for c in text):  # every pattern of the list wants a house, box or unit number
            for pattern, score in self.patterns:
                spans += [(m.start(), m.end(), score) for m in pattern.finditer(text)]
        for pattern, needed in self.other_streets:
            if needed.search(text):
                spans += [(m.start(), m.end(), 0.75) for m in pattern.finditer(text)]
        for m in self.han_street.finditer(text):
            lead = HAN_SENTENCE_LEAD.match(m.group(0))
            cut = lead.end() if lead else 0
            while cut and re.search(r"[东西南北中東]?[路街]", m.group(0)).start() - cut < 2:
                cut -= 1  # "和平路": the street's own name may start with such a character
            spans.append((m.start() + cut, m.end(), 0.75))
        for m in self.unambiguous.finditer(text):
            spans.append((m.start(), m.end(), 0.6))
        for m in ADDRESS_INTRO.finditer(text):
            if re.search(r"\d", m.group("addr")):
                spans.append((m.start("addr"), m.end("addr"), 0.65))
        for m in _ADDRESS_INTRO_OTHER.finditer(text):
            if re.search(r"\d", m.group("addr")):
                spans.append((m.start("addr"), m.end("addr"), 0.65))
        for m in self.place_code.finditer(text):
            if self._is_place_or_unknown(m.group("city")) and not re.fullmatch(r"(?:19|20)\d{2}", m.group("code")):
                spans.append((m.start("city"), m.end("code"), 0.6))
        for m in self.street_code_town.finditer(text):
            # a town's name is no everyday word, nor is the street's ("Room 12 10000 Euros" is none)
            street, city = m.group(0).split()[0], m.group("city").split()
            if self.g.zipf(street) < 4.5 and all(self.g.zipf(w) < 4.5 for w in city):
                spans.append((m.start(), m.end(), 0.7))
        for m in self.named_street.finditer(text):
            first = m.group(0).split()[0]
            strong = near(text, m.start(), m.end(), ADDRESS_CUES, before=25, after=0)
            if self.g.zipf(first) < 4.5 or strong:
                spans.append((m.start(), m.end(), 0.65 if strong else 0.5))
        for m in self.corner.finditer(text):
            spans += [(m.start("a"), m.end("a"), 0.75), (m.start("b"), m.end("b"), 0.75)]
        street_ends = {e for _, e, _ in spans}
        for m in self.postcode_city.finditer(text):
            # right after a street found on the line, a postcode and a word are its town, however well known
            after_street = any(m.start() - 2 <= e <= m.start() for e in street_ends)
            city_end = _town_end(text, m.start("city"), m.end("city"))
            town = text[m.start("city") : city_end]
            if after_street and _YEAR.fullmatch(m.group("code")) and not self._is_place_or_unknown(town):
                continue  # a year and an everyday word opening the next line: "2024 Annual report"
            if after_street or self._is_place_or_unknown(town):
                spans.append((m.start("code"), city_end, 0.65))
        for m in self.state_zip.finditer(text):
            if m.group("state") in self.g.us_states:
                spans.append((m.start("city"), m.end("zip"), 0.75))
        # an address never holds a label's colon: "10:06 lilac_91: 58/3 ..." starts after the speaker
        spans = [(_after_label(text, s, e), e, sc) for s, e, sc in spans]
        spans = [(s, e, sc) for s, e, sc in spans if text[s:e].strip()]
        for start, end, score in self._extend_blocks(text, spans):
            yield finding("STREET_ADDRESS", start, end, score, self.name)
        blocks, heads = self._address_blocks(text)
        for start, end in blocks:
            yield finding("STREET_ADDRESS", start, end, 0.7, self.name)
        for start, end in heads:
            yield finding(PERSON, start, end, 0.6, self.name)
        yield from self._postcodes(text)

    def _is_place_or_unknown(self, name: str) -> bool:
        key = fold(name)
        return key in self.g.places or key in self.g.countries or any(self.g.zipf(w) < 3.0 for w in key.split())

    def _line_is_address_part(self, line: str) -> bool:
        s = line.strip().strip(">").strip(" ,.")
        if not s or len(s) > 60:
            return False
        key = fold(s)
        if re.fullmatch(UNIT.lstrip(",?").replace("(?:,?[ \\t]*", "(?:"), s):
            return True
        if re.fullmatch(rf"{ANY_POSTCODE}", s) or key in self.g.places or key in self.g.countries:
            return True
        if s in self.g.us_states:
            return True
        # "Reykjavík", "Iceland 70897", "South Glendachester, VA 04307", "H-6000 Zalaegerszeg"
        parts = re.split(r"[ ,]+", s)
        known = [p for p in parts if re.fullmatch(ANY_POSTCODE, p) or p in self.g.us_states or fold(p) in self.g.places]
        return bool(known) and len(parts) <= 5 and all(p[:1].isupper() or p[:1].isdigit() or p == "-" for p in parts)

    def _line_kind(self, line: str) -> str | None:
        """What an address block's line is: street, unit, postal, country, state, place; None for anything else."""
        s = re.sub(r"^[^\w(+]+", "", line).strip(" ,.")
        if not s or len(s) > 70 or s.endswith(("?", "!")) or _SALUTATION_LINE.fullmatch(s):
            return None
        if SPEAKER_LABEL.match(line) or _STAMPED_TURN.match(line):
            return None  # a conversation's turn ("[00:08] B: 57/8889 ..."): the turn recognizers read what is said
        words_ = s.replace(",", " ").split()
        if re.fullmatch(UNIT_ALONE.replace("(?<![\\w])", ""), s):
            return "unit"
        if phone_shaped(_CONTACT_LABEL.sub("", s), min_digits=9):
            return "contact"  # a signature's phone line: it holds the block together, the phone recognizer takes it
        key = fold(s)
        if key in self.g.countries:
            return "country"
        if s in self.g.us_states or (key in self.g.places and self.g.places[key] >= 10**9 and len(words_) <= 3):
            return "state"
        # not a part of a dotted or slashed number: "27.05.2024" holds no postcode
        has_code = any(re.fullmatch(ANY_POSTCODE, w) for w in words_) or re.search(
            rf"(?<![\w./,-]){ANY_POSTCODE}(?![\w-]|[./,]\d)", s
        )
        # capitalised, or in a script without case (Thai, Devanagari, Han, Arabic: no capital marks a name there)
        caps = all(not w[:1].islower() or len(w) <= 4 and w.islower() for w in words_)
        if _DATE_LINE.search(s) or _FIELD_ASSIGNMENT.match(s):
            return None  # "4. März 1960", "18 de mayo de 1957": a year is no postcode; "CITY = Utica" is a form's
        named = [w for w in words_ if not _BLOCK_POSTCODE.fullmatch(w) and re.search(r"[\p{L}\p{M}]{2}", w)]
        # word frequency says little about a name in a script without case (a street named for Herzl, a town called
        # "streets"): there the block's shape alone decides
        rare_name = any(_uncased(w[:1]) or self.g.zipf(w) < 4.0 or fold(w) in self.g.places for w in named)
        if has_code and caps and len(words_) <= 6 and (rare_name or not _YEAR.search(s)):
            return "postal"  # "2024 Annual Report" is a title
        if (
            len(words_) <= 5
            and any(_BLOCK_POSTCODE.fullmatch(w) for w in words_)
            and len(named) + 1 == len(words_)
            and all(w[:1].isupper() or _uncased(w[:1]) for w in named)
            and rare_name
            and not _YEAR.search(s)
        ):
            return "postal"  # "969 北竿縣", "7186255 כפר מסריק", "28561432 da Cruz" is not: lower-case "da"
        # a house number beside a street's name: a designator or a rare capitalized word ("2 boxes", "12 Items" are not)
        house = re.search(rf"(?:^|\s){NUM}(?:$|\s)", s) or _UNSPACED_HOUSE_NUMBER.search(s)
        street_name = self.suffix_re.search(s) or any(
            _uncased(w[:1]) or (w[:1].isupper() and self.g.zipf(w) < 4.5)
            for w in re.findall(r"[\p{L}\p{M}][\p{L}\p{M}'’-]+", s)
        )
        if len(words_) <= 6 and house and street_name:
            return "street"
        if (
            len(words_) <= 4
            and all(w[:1].isupper() for w in words_)
            and (key in self.g.places or all(self.g.zipf(w) < 3.5 for w in key.split()))
        ):
            return "place"
        return None

    def _address_blocks(self, text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Multi-line address blocks: consecutive street / unit / place / postal / state / country lines, at least
        two, anchored by one that only an address has (a unit, a postcode, a state, a country, a house number);
        and the name that heads a block as a letter's or a signature's does (``_head``)."""
        lines, pos = [], 0
        for raw in text.split("\n"):
            lines.append((pos, pos + len(raw), raw))
            pos += len(raw) + 1
        kinds = [None if _labelled(raw) else self._line_kind(raw) for _, _, raw in lines]
        for k in range(1, len(lines) - 1):
            # a short capitalized line between two address lines is the town ("Lie", "Store Merløse")
            s = re.sub(r"^[^\w(+]+", "", lines[k][2]).strip(" ,.")
            if kinds[k] is None and kinds[k - 1] and kinds[k + 1] and 0 < len(s.split()) <= 4 and s[:1].isupper():
                kinds[k] = "place"
        out: list[tuple[int, int]] = []
        heads: list[tuple[int, int]] = []
        i = 0
        while i < len(lines):
            if kinds[i] is None:
                i += 1
                continue
            j = i
            while True:
                if j + 1 < len(lines) and kinds[j + 1] is not None:
                    j += 1
                elif j + 2 < len(lines) and not lines[j + 1][2].strip() and kinds[j + 2] is not None:
                    j += 2  # one blank line inside a block
                else:
                    break
            block = kinds[i : j + 1]
            if (
                sum(k is not None for k in block) >= 2
                and any(k in ("unit", "postal", "country", "state", "street") for k in block)
                and any(k not in ("place", None) for k in block)
            ):
                for k in range(i, j + 1):
                    if kinds[k] == "contact":
                        continue
                    start, end, raw = lines[k]
                    stripped = re.sub(r"^[^\w(+]+", "", raw).strip(" \t,.")
                    if stripped:
                        offset = raw.index(stripped)
                        out.append((start + offset, start + offset + len(stripped)))
                if (head := self._head(lines, i)) is not None:
                    heads.append(head)
            i = j + 1
        return out, heads

    def _head(self, lines: list[tuple[int, int, str]], first: int) -> tuple[int, int] | None:
        """The name over an address block: the first line of its paragraph (a blank line or the text's start above
        it), at most two lines above the block (a company's line may stand between), one to four words of letters
        only, capitalized where the script has case ("Isis Moens", "張秀珍", "רות שורץ")."""
        for k in (first - 1, first - 2):
            if k < 0 or not lines[k][2].strip(" \t>"):
                return None
            if k == 0 or not lines[k - 1][2].strip(" \t>"):
                start, _, raw = lines[k]
                name = raw.strip(" \t>")
                words_ = name.split()
                if not 1 <= len(words_) <= 4 or _SALUTATION_LINE.fullmatch(name) or _labelled(raw):
                    return None
                if not all(re.fullmatch(r"[\p{L}\p{M}][\p{L}\p{M}'’.-]*", w) for w in words_):
                    return None
                if not all(w[:1].isupper() or _uncased(w[:1]) for w in words_):
                    return None
                if any(self.g.zipf(w) >= 4.5 for w in words_):
                    return None  # "Order Summary", "Head Office": a heading, not a name
                offset = raw.index(name)
                return start + offset, start + offset + len(name)
        return None

    def _extend_blocks(self, text: str, spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
        """A street line takes the unit / city / region / postcode / country lines right after it."""
        out = []
        for start, end, score in spans:
            pos = end
            while True:
                nl = text.find("\n", pos)
                if nl < 0 or text[pos:nl].strip(" ,.\t"):
                    break
                next_end = text.find("\n", nl + 1)
                next_end = len(text) if next_end < 0 else next_end
                if not self._line_is_address_part(text[nl + 1 : next_end]):
                    break
                pos = next_end
            end = pos if pos > end else end
            # ", INSKIP", ", Springfield, IL 62704", ", Iceland": the town, region and country after a street
            while True:
                m = re.match(
                    r",[ \t]*(\p{Lu}[\p{L}'’.-]*(?:[ \t]+\p{Lu}[\p{L}'’.-]*){0,3}(?:[ \t]+\d{4,5})?)(?![\w])",
                    text[end:],
                )
                if not m or not self._is_place_or_unknown(m.group(1).rstrip("0123456789 ")):
                    break
                end += m.end()
            out.append((start, end, score))
        return out

    def _postcodes(self, text: str) -> Iterable:
        for m in self.zip_after_state.finditer(text):
            if m.group("state") in self.g.us_states:  # "Springfield, IL 62704", "San Jose, CA, 95154"
                yield finding("ZIP_CODE", m.start("zip"), m.end("zip"), 0.7, self.name)
        for m in self.distinctive.finditer(text):
            yield finding("ZIP_CODE", m.start(), m.end(), 0.55, self.name)
        for m in self.any_postcode.finditer(text):
            if near(text, m.start(), m.end(), POSTCODE_CUES, before=20, after=0):
                yield finding("ZIP_CODE", m.start(), m.end(), 0.8, self.name)
        for m in _POSTCODE_AFTER_WORD.finditer(text):
            yield finding("ZIP_CODE", m.start("code"), m.end("code"), 0.8, self.name)
        for m in ZIP_AFTER_CUE.finditer(text):
            code = m.group("code")
            if re.search(r"\d", code):
                yield finding("ZIP_CODE", m.start("code"), m.end("code"), 0.8, self.name)
