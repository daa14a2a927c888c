"""Custom Presidio recognizers for what the default ones miss on support tickets.

Presidio ships no street-address or ZIP recognizer, scores plain US phone numbers below most thresholds, misses
several card formats and knows nothing of order, tracking or invoice numbers. Each recognizer here is a
``PatternRecognizer`` (regex + context words, optional checksum), so it is cheap and needs no NLP model.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

STREET_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|"
    r"Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Alley|Row|Strasse|Straße|Rue|Via|Calle"
)
US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|"
    "PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 12:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total % 10 == 0


class StreetAddressRecognizer(PatternRecognizer):
    """House number + street name + street type, with optional unit, city, state and ZIP."""

    def __init__(self) -> None:
        unit = r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|#)\.?\s*[\w-]+)?"
        city_state_zip = rf"(?:,\s*[A-Z][A-Za-z .'-]{{1,30}},?\s+(?:{US_STATES})\.?(?:\s+\d{{5}}(?:-\d{{4}})?)?)?"
        street = rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Z][A-Za-z'.-]*\s+){{1,4}}(?:{STREET_TYPES})\b\.?{unit}{city_state_zip}"
        po_box = r"\bP\.?\s?O\.?\s+Box\s+\d{1,7}\b"
        continental = (
            r"\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|str\.|weg|gasse|platz|allee|laan|gracht|straat)\s+\d{1,4}[a-z]?\b"
        )
        super().__init__(
            supported_entity="STREET_ADDRESS",
            name="StreetAddressRecognizer",
            patterns=[
                Pattern("us_street", street, 0.75),
                Pattern("po_box", po_box, 0.7),
                Pattern("continental", continental, 0.7),
            ],
            context=["address", "live", "ship", "deliver", "street", "billing", "mailing"],
            global_regex_flags=re.MULTILINE,  # case-sensitive on purpose: street names are capitalized
        )


class ZipCodeRecognizer(PatternRecognizer):
    """US ZIP / ZIP+4 after a state code (strong), or after a ZIP context word (weak on its own)."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="ZIP_CODE",
            name="ZipCodeRecognizer",
            patterns=[
                Pattern("state_zip", rf"(?<=\b(?:{US_STATES})\s)\d{{5}}(?:-\d{{4}})?\b", 0.7),
                Pattern("zip_plus4", r"\b\d{5}-\d{4}\b", 0.5),
                Pattern("zip_bare", r"\b\d{5}\b", 0.2),
                Pattern(
                    "after_city", r"(?<=\b[A-Z][^\W\d_]{2,}(?:[ \t][A-Z][^\W\d_]+)?,?[ \t])\d{5}(?:-\d{4})?\b", 0.55
                ),
                Pattern("uk_postcode", r"(?i)\b[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}\b", 0.6),
                Pattern("ca_postcode", r"(?i)\b[A-Z]\d[A-Z][ \t]?\d[A-Z]\d\b", 0.6),
            ],
            context=["zip", "zipcode", "postal", "postcode", "zip code"],
            global_regex_flags=re.MULTILINE,
        )


class PhoneNumberPatternRecognizer(PatternRecognizer):
    """US and international phone formats that Presidio's phonenumbers-based recognizer under-scores or misses."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            name="PhoneNumberPatternRecognizer",
            patterns=[
                Pattern("us_parens", r"\(\d{3}\)\s?\d{3}[-.\s]\d{4}\b", 0.7),
                Pattern("us_sep", r"\b\d{3}[-.]\d{3}[-.]\d{4}\b", 0.6),
                Pattern("intl", r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,5}\b", 0.7),
                Pattern("us_spaces", r"\b\d{3}\s\d{3}\s\d{4}\b", 0.4),
            ],
            context=["phone", "call", "tel", "mobile", "cell", "reach", "number", "text me", "whatsapp"],
        )


class CardNumberRecognizer(PatternRecognizer):
    """12 to 19 digit card numbers in groups (Visa, Mastercard 2- and 5-series, Amex, Maestro, JCB...), Luhn-checked."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="CREDIT_CARD",
            name="CardNumberRecognizer",
            patterns=[Pattern("card", r"\b(?:\d[ -]?){11,18}\d\b", 0.6)],
            context=["card", "credit", "debit", "visa", "mastercard", "amex", "paid", "charged", "payment"],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = re.sub(r"\D", "", pattern_text)
        return 12 <= len(digits) <= 19 and luhn_valid(digits)


class ReferenceNumberRecognizer(PatternRecognizer):
    """Order, tracking, invoice, ticket and account numbers: by their known shapes, or by a context word before them."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="REFERENCE_NUMBER",
            name="ReferenceNumberRecognizer",
            patterns=[
                Pattern("prefixed", r"\b(?:ORD|INV|TRK|ACC|ACCT|CUST|RMA|T)-?\d{4,}\b", 0.9),
                Pattern("ups", r"\b1Z[0-9A-Z]{16}\b", 0.85),
                Pattern(
                    "by_context",
                    r"(?<=\b(?:order|tracking|invoice|account|customer|ticket|reference|ref|parcel|package|shipment)"
                    r"(?:\s(?:number|no\.?|id|#))?(?:\s+is)?[\s:#]{1,3})(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{5,}\b",
                    0.6,
                ),
            ],
            global_regex_flags=re.MULTILINE | re.IGNORECASE,
        )


class NumericDateRecognizer(PatternRecognizer):
    """Full numeric dates (dates of birth above all); month names and 'in 5 days' stay, they identify nobody."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="DATE_OF_BIRTH",
            name="NumericDateRecognizer",
            patterns=[
                Pattern("mdy", r"\b(?:0?[1-9]|1[0-2])[/.-](?:0?[1-9]|[12]\d|3[01])[/.-](?:19|20)\d{2}\b", 0.6),
                Pattern("dmy", r"\b(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-](?:19|20)\d{2}\b", 0.6),
                Pattern("iso", r"\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b", 0.5),
            ],
            context=["birth", "born", "dob", "birthday"],
        )


class TitledNameRecognizer(PatternRecognizer):
    """Honorific + capitalized name (Mr. Smith, Dr. Ana Lima): the small spaCy model often misses lone surnames."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PERSON",
            name="TitledNameRecognizer",
            patterns=[
                Pattern(
                    "title_name",
                    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Herr|Frau)\.?\s+[A-Z][a-zA-Z'-]+(?:\s+[A-Z][a-zA-Z'-]+)?",
                    0.8,
                )
            ],
            global_regex_flags=re.MULTILINE,
        )


def find_known_values(text: str, known: dict[str, str], score: float = 0.95) -> list[RecognizerResult]:
    """Values the document itself declares as PII (its structured customer fields), found anywhere in its text.

    A ticket whose ``customer_name`` is "Olivia Smith" makes "Olivia Smith", "Olivia" and "Smith" PERSON wherever they
    appear in it (a signature, a greeting, a quoted reply), whatever the NER model thinks.
    """
    results = []
    for value, entity in known.items():
        if len(value) < 3:
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", text, flags=re.IGNORECASE):
            results.append(
                RecognizerResult(
                    entity,
                    m.start(),
                    m.end(),
                    score,
                    recognition_metadata={"recognizer_name": "KnownValues", "recognizer_identifier": "KnownValues"},
                )
            )
    return results


class SalutationNameRecognizer(PatternRecognizer):
    """Names right after a greeting or a closing ("Hi Sofia", "Cheers, Sofia Johnson", "-- Ana"): signatures and
    salutations are where the small NER model misses most names."""

    GREETINGS = r"Hi|Hello|Hey|Dear|Good morning|Good afternoon|Morning|Thanks|Thank you"
    CLOSINGS = r"Thanks|Thank you|Many thanks|Cheers|Regards|Best regards|Kind regards|Best|Sincerely|Yours|--|—"

    def __init__(self) -> None:
        name = r"[A-Z][a-zà-ÿ'-]+(?:[ \t]+[A-Z][a-zà-ÿ'-]+){0,2}"
        super().__init__(
            supported_entity="PERSON",
            name="SalutationNameRecognizer",
            patterns=[
                Pattern("greeting", rf"(?<=(?:^|[\s>])(?:{self.GREETINGS})[ \t]+){name}(?=\s*[,!.:\n]|$)", 0.7),
                Pattern("closing", rf"(?<=(?:^|[\s>])(?:{self.CLOSINGS})[,!.]?\s+){name}(?=\s*$|\s*\n)", 0.7),
                Pattern(
                    "introduced",
                    rf"(?<=\b(?i:my name is|name:|account holder:?|account of|this is|customer:|contact:|signed by|"
                    rf"attn:?|attention:?|call|ask for|speak (?:to|with)|talk to|for the attention of)[ \t]+){name}",
                    0.7,
                ),
                Pattern("before_email", rf"(?<![\w@]){name}(?=[ \t]*<[^<>\s]+@[^<>\s]+>)", 0.75),
                Pattern("table_cell", rf"(?<=\|[ \t]*){name}(?=[ \t]*\|)", 0.55),
                Pattern("own_line", rf"(?<=\n\n|^>?[ \t]*\n?>[ \t]){name}(?=[ \t]*(?:\n|$))", 0.55),
            ],
            global_regex_flags=re.MULTILINE,  # case-sensitive: names are capitalized
        )

    NOT_NAMES = {
        "The",
        "Our",
        "Your",
        "All",
        "Team",
        "Support",
        "Customer",
        "Everyone",
        "Again",
        "Sir",
        "Madam",
        "Folks",
        "Guys",
        "Friends",
        "Regards",
        "Thanks",
        "Please",
        "Sorry",
        "Team.",
    }

    def invalidate_result(self, pattern_text: str) -> bool:
        return pattern_text.split()[0] in self.NOT_NAMES


class AgeRecognizer(PatternRecognizer):
    """Ages stated as such: "34 years old", "aged 34", "age: 34"."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="AGE",
            name="AgeRecognizer",
            patterns=[
                Pattern("years_old", r"\b\d{1,3}(?=[\s-]*(?:years?|yrs?)[\s-]*old\b)", 0.8),
                Pattern("aged", r"(?<=\b(?:aged|age)[:\s]{1,3})\d{1,3}\b", 0.7),
            ],
        )


class JobTitleRecognizer(PatternRecognizer):
    """Job titles ("Senior Procurement Manager", "Head of Logistics"): with a name and an employer they identify."""

    ROLES = (
        r"Manager|Director|Officer|Supervisor|Coordinator|Lead|Engineer|Analyst|Specialist|Administrator|"
        r"Consultant|Representative|President|Vice President|VP|Controller|Accountant|Clerk|Buyer|Planner|"
        r"Dispatcher|Foreman|Technician|Executive|Assistant|Secretary|Partner|Founder|Owner"
    )
    LEVELS = r"Senior|Junior|Chief|Principal|Deputy|Associate|Executive|Regional|Global|General|Lead|Head|Sr\.?|Jr\.?"

    def __init__(self) -> None:
        dept = r"(?:[A-Z][a-z]+[ \t]+){0,2}"
        super().__init__(
            supported_entity="TITLE",
            name="JobTitleRecognizer",
            patterns=[
                Pattern(
                    "role",
                    rf"\b(?:(?:{self.LEVELS})[ \t]+)*{dept}(?:{self.ROLES})\b(?:[ \t]+of[ \t]+[A-Z][a-z]+)?",
                    0.6,
                ),
                Pattern(
                    "head_of",
                    r"\b(?:Head|Director|VP|Vice President)[ \t]+of[ \t]+[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?",
                    0.7,
                ),
            ],
            global_regex_flags=re.MULTILINE,
        )


# A gazetteer of cities: spaCy's small model misses many, most of all in lower case and ALL CAPS text.
CITIES = (
    "New York|Los Angeles|Chicago|Houston|Phoenix|Philadelphia|San Antonio|San Diego|Dallas|San Jose|Austin|"
    "Jacksonville|Fort Worth|Columbus|Charlotte|San Francisco|Indianapolis|Seattle|Denver|Washington|Boston|El Paso|"
    "Nashville|Detroit|Oklahoma City|Portland|Las Vegas|Memphis|Louisville|Baltimore|Milwaukee|Albuquerque|Tucson|"
    "Fresno|Sacramento|Kansas City|Mesa|Atlanta|Omaha|Colorado Springs|Raleigh|Miami|Long Beach|Virginia Beach|"
    "Oakland|Minneapolis|Tulsa|Tampa|Arlington|New Orleans|Wichita|Cleveland|Bakersfield|Aurora|Anaheim|Honolulu|"
    "Santa Ana|Riverside|Corpus Christi|Lexington|Stockton|Henderson|Saint Paul|St\. Louis|Cincinnati|Pittsburgh|"
    "Greensboro|Anchorage|Plano|Lincoln|Orlando|Irvine|Newark|Toledo|Durham|Chula Vista|Fort Wayne|Jersey City|"
    "St\. Petersburg|Laredo|Madison|Chandler|Buffalo|Lubbock|Scottsdale|Reno|Glendale|Gilbert|Winston-Salem|"
    "North Las Vegas|Norfolk|Chesapeake|Garland|Irving|Hialeah|Fremont|Boise|Richmond|Baton Rouge|Spokane|"
    "Des Moines|Tacoma|San Bernardino|Modesto|Fontana|Santa Clarita|Birmingham|Oxnard|Fayetteville|Moreno Valley|"
    "Rochester|Glendale|Huntington Beach|Salt Lake City|Grand Rapids|Amarillo|Yonkers|Montgomery|Akron|Little Rock|"
    "Huntsville|Augusta|Columbus|Springfield|Albany|Syracuse|Hartford|Providence|Burlington|Savannah|Charleston|"
    "London|Manchester|Liverpool|Leeds|Sheffield|Bristol|Glasgow|Edinburgh|Cardiff|Belfast|Newcastle|Nottingham|"
    "Leicester|Southampton|Brighton|Oxford|Cambridge|Dublin|Cork|Paris|Lyon|Marseille|Toulouse|Nice|Nantes|"
    "Bordeaux|Lille|Strasbourg|Berlin|Hamburg|Munich|München|Cologne|Köln|Frankfurt|Stuttgart|Düsseldorf|Dortmund|"
    "Leipzig|Dresden|Hanover|Nuremberg|Bremen|Vienna|Wien|Graz|Salzburg|Zurich|Zürich|Geneva|Basel|Bern|Amsterdam|"
    "Rotterdam|The Hague|Utrecht|Eindhoven|Brussels|Antwerp|Ghent|Luxembourg|Copenhagen|Aarhus|Stockholm|"
    "Gothenburg|Malmö|Oslo|Bergen|Helsinki|Reykjavik|Madrid|Barcelona|Valencia|Seville|Bilbao|Malaga|Lisbon|Porto|"
    "Rome|Milan|Naples|Turin|Florence|Bologna|Venice|Genoa|Palermo|Athens|Thessaloniki|Warsaw|Kraków|Krakow|Wrocław|"
    "Gdańsk|Poznań|Prague|Brno|Budapest|Bratislava|Ljubljana|Zagreb|Belgrade|Bucharest|Sofia|Vilnius|Riga|Tallinn|"
    "Kyiv|Istanbul|Ankara|Toronto|Montreal|Vancouver|Calgary|Ottawa|Edmonton|Winnipeg|Quebec City|Halifax|"
    "Mexico City|Guadalajara|Monterrey|São Paulo|Sao Paulo|Rio de Janeiro|Buenos Aires|Santiago|Lima|Bogotá|Bogota|"
    "Tokyo|Osaka|Kyoto|Yokohama|Seoul|Busan|Beijing|Shanghai|Shenzhen|Hong Kong|Singapore|Bangkok|Mumbai|Delhi|"
    "Bangalore|Bengaluru|Chennai|Hyderabad|Kolkata|Sydney|Melbourne|Brisbane|Perth|Adelaide|Auckland|Wellington|"
    "Cape Town|Johannesburg|Nairobi|Lagos|Cairo|Dubai|Abu Dhabi|Doha|Tel Aviv"
)


class CityRecognizer(PatternRecognizer):
    """Cities from a gazetteer (any case), and capitalized places after "live in", "based in", "from"."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="LOCATION",
            name="CityRecognizer",
            patterns=[
                Pattern("gazetteer", rf"(?<![\w-])(?:{CITIES})(?![\w-])", 0.6),
                Pattern(
                    "live_in",
                    r"(?<=\b(?:live|living|lives|based|located|reside|residing)\s+in\s+)"
                    r"[A-Z][a-zà-ÿ]+(?:[ \t]+[A-Z][a-zà-ÿ]+)?",
                    0.6,
                ),
            ],
        )


def custom_recognizers() -> list[EntityRecognizer]:
    return [
        StreetAddressRecognizer(),
        ZipCodeRecognizer(),
        PhoneNumberPatternRecognizer(),
        CardNumberRecognizer(),
        ReferenceNumberRecognizer(),
        NumericDateRecognizer(),
        TitledNameRecognizer(),
        SalutationNameRecognizer(),
        AgeRecognizer(),
        JobTitleRecognizer(),
        CityRecognizer(),
    ]
