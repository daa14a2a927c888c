"""A labeled PII corpus: seeded documents with the exact character spans of every PII value (gold spans).

Layouts that break default recognizers on purpose: signatures, bullet lists, quoted e-mail chains, markdown tables,
ALL CAPS and lower-case text, international phone, postcode, card and IBAN formats, lone surnames, job titles.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

from llm_assets.core.entities import LOCATION, PERSON, TITLE
from llm_assets.sample_corpus import vocabulary as v
from llm_assets.sample_corpus.generator import luhn_complete

HIGH_RISK = ("EMAIL_ADDRESS", "PHONE_NUMBER", "US_SSN", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "STREET_ADDRESS")

# Values drawn for the benchmark deliberately go beyond the sample corpus's vocabulary.
EXTRA_FIRST = [
    "Siobhan",
    "Dmitri",
    "Ayodele",
    "Keiko",
    "Bartholomew",
    "Ximena",
    "Ruairi",
    "Svetlana",
    "Tariq",
    "Imogen",
    "Joaquín",
    "Wilhelmina",
    "Chidi",
    "Astrid",
    "Ngozi",
    "Paolo",
    "Henrik",
    "Yara",
    "Eamon",
    "Beatriz",
]
EXTRA_LAST = [
    "Okonkwo",
    "Vasquez-Ruiz",
    "Fitzgerald",
    "Nakamura",
    "Abernathy",
    "Petrov",
    "Lindqvist",
    "Achterberg",
    "Castellanos",
    "Whitfield",
    "Kovačević",
    "Oyelaran",
    "Delacroix",
    "Brennan",
    "Szymański",
    "Hargreaves",
]
CITIES = [
    "Springfield",
    "Portland",
    "Austin",
    "Denver",
    "Columbus",
    "Raleigh",
    "Madison",
    "Tucson",
    "Boise",
    "Albany",
    "Manchester",
    "Leeds",
    "Hamburg",
    "Lyon",
    "Rotterdam",
    "Gothenburg",
    "Kraków",
    "Porto",
    "Bologna",
    "Graz",
]
JOB_TITLES = [
    "Head of Logistics",
    "Senior Procurement Manager",
    "Warehouse Supervisor",
    "Chief Financial Officer",
    "Operations Director",
    "Customer Success Lead",
    "Office Manager",
    "Purchasing Coordinator",
]
HONORIFICS = ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof."]
UK_POSTCODES = ["SW1A 1AA", "M1 1AE", "LS1 4AP", "EC2V 7HH", "B33 8TH", "CR2 6XH"]
CA_POSTCODES = ["K1A 0B1", "M5V 3L9", "H2X 1Y4", "V6B 4Y8"]
FILLER = [
    "The parcel was handed to {carrier} on Tuesday and the tracking page still shows no movement.",
    "Our team reviewed the shipment history and found a delay at the sorting centre.",
    "The {product} was packed in a double-walled box with extra padding.",
    "Customs clearance for shipments to {country} usually takes two to four business days.",
    "Please keep the original packaging until the claim is resolved.",
    "We offer free returns within thirty days of delivery.",
    "The invoice lists the shipping fee, the import duty and the handling charge separately.",
    "Refunds go back to the original payment method within five business days.",
]


@dataclass
class Span:
    start: int
    end: int
    entity: str
    value: str


@dataclass
class LabeledDoc:
    doc_id: str
    text: str
    spans: list[Span] = field(default_factory=list)
    layout: str = ""


def _group(digits: str, sizes: list[int], sep: str = " ") -> str:
    out, i = [], 0
    for s in sizes:
        out.append(digits[i : i + s])
        i += s
    if i < len(digits):
        out.append(digits[i:])
    return sep.join(p for p in out if p)


def _iban(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(numeric) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


class ValueFactory:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def first(self) -> str:
        return self.rng.choice(v.FIRST_NAMES + EXTRA_FIRST)

    def last(self) -> str:
        return self.rng.choice(v.LAST_NAMES + EXTRA_LAST)

    def email(self, first: str, last: str) -> str:
        clean = lambda s: "".join(c for c in s.lower() if c in string.ascii_lowercase)  # noqa: E731
        user = self.rng.choice(
            [
                f"{clean(first)}.{clean(last)}",
                f"{clean(first)[0]}{clean(last)}",
                f"{clean(first)}{self.rng.randint(1, 999)}",
            ]
        )
        return f"{user}@{self.rng.choice(v.EMAIL_DOMAINS + ['company.co.uk', 'web.de', 'orange.fr'])}"

    def phone(self) -> str:
        r = self.rng
        a, m, e = r.randint(201, 989), r.randint(200, 999), r.randint(1000, 9999)
        return r.choice(
            [
                f"({a}) {m}-{e}",
                f"{a}-{m}-{e}",
                f"{a}.{m}.{e}",
                f"+1 {a} {m} {e}",
                f"+1-{a}-{m}-{e}",
                f"+44 20 {r.randint(7000, 8999)} {r.randint(1000, 9999)}",
                f"+44 7{r.randint(100, 999)} {r.randint(100000, 999999)}",
                f"+49 30 {r.randint(1000000, 99999999)}",
                f"+33 1 {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}",
                f"+81 3-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}",
                f"+55 11 9{r.randint(1000, 9999)}-{r.randint(1000, 9999)}",
                f"+61 2 {r.randint(1000, 9999)} {r.randint(1000, 9999)}",
            ]
        )

    def card(self) -> str:
        r = self.rng
        kind = r.choice(["visa16", "visa19", "mc5", "mc2", "amex", "maestro12", "jcb15", "jcb16", "discover"])
        if kind == "visa16":
            return _group(luhn_complete("4", 16, r), [4, 4, 4, 4], r.choice([" ", "-", ""]))
        if kind == "visa19":
            return _group(luhn_complete("4", 19, r), [4, 4, 4, 4, 3], " ")
        if kind == "mc5":
            return _group(luhn_complete(f"5{r.randint(1, 5)}", 16, r), [4, 4, 4, 4], r.choice([" ", "-"]))
        if kind == "mc2":
            return _group(luhn_complete(f"22{r.randint(21, 99)}", 16, r), [4, 4, 4, 4], " ")
        if kind == "amex":
            return _group(luhn_complete(r.choice(["34", "37"]), 15, r), [4, 6, 5], " ")
        if kind == "maestro12":
            return _group(luhn_complete("6759", 12, r), [4, 4, 4], " ")
        if kind == "jcb15":
            return _group(luhn_complete("1800", 15, r), [4, 6, 5], " ")
        if kind == "jcb16":
            return _group(luhn_complete("35", 16, r), [4, 4, 4, 4], " ")
        return _group(luhn_complete("6011", 16, r), [4, 4, 4, 4], " ")

    def iban(self) -> str:
        r = self.rng
        country = r.choice(["DE", "GB", "FR", "NL", "ES"])
        digits = lambda n: "".join(str(r.randrange(10)) for _ in range(n))  # noqa: E731
        bban = {
            "DE": digits(18),
            "GB": "WEST" + digits(14),
            "FR": digits(23),
            "NL": "ABNA" + digits(10),
            "ES": digits(20),
        }[country]
        return _iban(country, bban)

    def ssn(self) -> str:
        r = self.rng
        return f"{r.randint(100, 665):03d}-{r.randint(10, 99):02d}-{r.randint(1000, 9999):04d}"

    def ip(self) -> str:
        r = self.rng
        if r.random() < 0.75:
            return f"{r.randint(11, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        return ":".join(f"{r.randint(0, 65535):x}" for _ in range(8))

    def street(self) -> str:
        r = self.rng
        if r.random() < 0.8:
            unit = r.choice(["", "", f", Apt {r.randint(1, 40)}", f", Suite {r.randint(100, 900)}"])
            return f"{r.randint(12, 9899)} {r.choice(v.STREET_NAMES)} {r.choice(v.STREET_TYPES)}{unit}"
        return f"{r.choice(['Haupt', 'Linden', 'Garten', 'Schiller'])}straße {r.randint(1, 120)}"

    def zip(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"{r.randint(10000, 99950)}",
                f"{r.randint(10000, 99950)}-{r.randint(1000, 9999)}",
                r.choice(UK_POSTCODES),
                r.choice(CA_POSTCODES),
            ]
        )

    def dob(self) -> str:
        r = self.rng
        y, m, d = r.randint(1940, 2005), r.randint(1, 12), r.randint(1, 28)
        return r.choice([f"{m:02d}/{d:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{d:02d}.{m:02d}.{y}"])

    def reference(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"ORD-{r.randint(100000, 999999)}",
                f"1Z{r.randint(10**15, 10**16 - 1)}",
                f"ACC-{r.randint(10000000, 99999999)}",
                f"{r.randint(10**9, 10**10 - 1)}",
            ]
        )


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.pos = 0

    def text(self, s: str) -> _Builder:
        self.parts.append(s)
        self.pos += len(s)
        return self

    def pii(self, entity: str, value: str) -> _Builder:
        self.spans.append(Span(self.pos, self.pos + len(value), entity, value))
        return self.text(value)

    def build(self) -> tuple[str, list[Span]]:
        return "".join(self.parts), self.spans


def _filler(rng: random.Random, n: int) -> str:
    return " ".join(
        rng.choice(FILLER).format(
            carrier=rng.choice(v.CARRIERS), product=rng.choice(v.PRODUCTS), country=rng.choice(v.COUNTRIES)
        )
        for _ in range(n)
    )


def _person(f: ValueFactory):
    first, last = f.first(), f.last()
    return first, last, f.email(first, last)


def layout_signature(rng, f: ValueFactory, b: _Builder) -> None:
    first, last, email = _person(f)
    b.text("Hello team,\n\n").text(_filler(rng, 2)).text(" My order number is ").text(f.reference())
    b.text(".\n\n").text(rng.choice(["Best regards,", "Kind regards,", "Thanks,", "Cheers,"])).text("\n")
    b.pii(PERSON, f"{first} {last}").text("\n").pii(TITLE, rng.choice(JOB_TITLES)).text("\n")
    b.text("Tel: ").pii("PHONE_NUMBER", f.phone()).text("\n").pii("EMAIL_ADDRESS", email).text("\n")


def layout_bullets(rng, f: ValueFactory, b: _Builder) -> None:
    first, last, email = _person(f)
    b.text("Please update the customer record:\n")
    b.text("- Name: ").pii(PERSON, f"{first} {last}").text("\n")
    b.text("- Email: ").pii("EMAIL_ADDRESS", email).text("\n")
    b.text("- Phone: ").pii("PHONE_NUMBER", f.phone()).text("\n")
    b.text("- Address: ").pii("STREET_ADDRESS", f.street()).text(", ").pii(LOCATION, rng.choice(CITIES))
    b.text(" ").pii("ZIP_CODE", f.zip()).text("\n")
    b.text("- Date of birth: ").pii("DATE_OF_BIRTH", f.dob()).text("\n")
    b.text("- Card on file: ").pii("CREDIT_CARD", f.card()).text("\n").text(_filler(rng, 1))


def layout_quoted(rng, f: ValueFactory, b: _Builder) -> None:
    first, last, email = _person(f)
    agent_first = f.first()
    b.text("Thanks ").pii(PERSON, first).text(", I have passed this to the warehouse. ").text(_filler(rng, 1))
    b.text("\n\n").pii(PERSON, agent_first).text("\n\nOn Monday, ").pii(PERSON, f"{first} {last}")
    b.text(" <").pii("EMAIL_ADDRESS", email).text("> wrote:\n> My parcel ")
    # an order or tracking number identifies a transaction, not a person: kept by the entity policy, a word to keep
    b.text(f.reference()).text(" never arrived at ").pii("STREET_ADDRESS", f.street())
    b.text(".\n> You can call me on ").pii("PHONE_NUMBER", f.phone()).text(".\n> ").pii(PERSON, last).text("\n")


def layout_table(rng, f: ValueFactory, b: _Builder) -> None:
    b.text("Escalations for today:\n\n| customer | email | phone | IP |\n|---|---|---|---|\n")
    for _ in range(rng.randint(2, 3)):
        first, last, email = _person(f)
        b.text("| ").pii(PERSON, f"{first} {last}").text(" | ").pii("EMAIL_ADDRESS", email).text(" | ")
        b.pii("PHONE_NUMBER", f.phone()).text(" | ").pii("IP_ADDRESS", f.ip()).text(" |\n")
    b.text("\n").text(_filler(rng, 1))


def layout_narrative(rng, f: ValueFactory, b: _Builder) -> None:
    first, last, _ = _person(f)
    b.text("My name is ").pii(PERSON, f"{first} {last}").text(", I am ").pii("AGE", str(rng.randint(19, 88)))
    b.text(" years old and I live in ").pii(LOCATION, rng.choice(CITIES)).text(". ").text(_filler(rng, 1))
    b.text(" For the insurance claim my social security number is ").pii("US_SSN", f.ssn())
    b.text(" and my date of birth is ").pii("DATE_OF_BIRTH", f.dob()).text(". Please ask for ")
    b.pii(PERSON, f"{rng.choice(HONORIFICS)} {f.last()}").text(" at the depot.")


def layout_banking(rng, f: ValueFactory, b: _Builder) -> None:
    first, last, email = _person(f)
    b.text(_filler(rng, 1)).text(" Please send the refund to IBAN ").pii("IBAN_CODE", f.iban())
    b.text(", account holder ").pii(PERSON, f"{first} {last}").text(". I paid with card ")
    b.pii("CREDIT_CARD", f.card()).text(" and the confirmation went to ").pii("EMAIL_ADDRESS", email).text(".")
    b.text(" My profile: ").pii(
        "URL", f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{rng.randint(10, 99)}"
    )


def layout_it(rng, f: ValueFactory, b: _Builder) -> None:
    first, last, email = _person(f)
    b.text("Login alert: someone signed in to the account of ").pii(PERSON, f"{first} {last}")
    b.text(" from ").pii("IP_ADDRESS", f.ip()).text(". The recovery address is ").pii("EMAIL_ADDRESS", email)
    b.text(" and the recovery phone ").pii("PHONE_NUMBER", f.phone()).text(". ").text(_filler(rng, 1))
    b.text(" Shipping address on file: ").pii("STREET_ADDRESS", f.street()).text(", ")
    b.pii(LOCATION, rng.choice(CITIES)).text(".")


LAYOUTS = [layout_signature, layout_bullets, layout_quoted, layout_table, layout_narrative, layout_banking, layout_it]


def generate_labeled(n: int, seed: int = 1234) -> list[LabeledDoc]:
    """``n`` labeled documents; about one in eight ALL CAPS and one in eight lower case."""
    rng = random.Random(seed)
    f = ValueFactory(rng)
    docs = []
    for i in range(n):
        layout = LAYOUTS[i % len(LAYOUTS)]
        b = _Builder()
        layout(rng, f, b)
        text, spans = b.build()
        case = rng.random()
        name = layout.__name__.removeprefix("layout_")
        if case < 0.125 and len(text.upper()) == len(text):
            text, name = text.upper(), name + "+upper"
        elif case < 0.25 and len(text.lower()) == len(text):
            text, name = text.lower(), name + "+lower"
        spans = [Span(s.start, s.end, s.entity, text[s.start : s.end]) for s in spans]
        docs.append(LabeledDoc(doc_id=f"pii-{seed}-{i:05d}", text=text, spans=spans, layout=name))
    return docs
