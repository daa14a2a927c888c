"""Seeded generator of logistics / e-commerce support tickets and the landing batches they arrive in.

Each ticket carries a customer message full of PII (names, emails, phones, street addresses, order and tracking
numbers, sometimes a card number or a date of birth), a category and an agent reply. ``write_landing_batches`` spreads
them over several batch folders in three formats (JSONL, CSV, one-ticket-per-file ``.txt`` chat transcripts and
``.eml`` reply emails), so ingestion meets what a real landing zone holds.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from llm_assets.core import jsonl
from llm_assets.sample_corpus import scenarios
from llm_assets.sample_corpus import vocabulary as v
from llm_assets.sample_corpus.canaries import CANARY_VALUES, canary_records
from llm_assets.settings import default_path

CATEGORIES = [
    "shipment_status",
    "delivery_delay",
    "customs_paperwork",
    "damaged_goods",
    "refund_request",
    "billing_issue",
    "account_access",
]


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    created_at: str
    channel: str
    customer_name: str
    customer_email: str
    customer_phone: str
    subject: str
    message: str
    category: str
    agent_reply: str
    split_group: str = ""  # the message's paraphrase family: a split by this field holds whole families out


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return digits + str((10 - total % 10) % 10)


class _Person:
    def __init__(self, rng: random.Random):
        self.first = rng.choice(v.FIRST_NAMES)
        self.last = rng.choice(v.LAST_NAMES)
        self.name = f"{self.first} {self.last}"
        handle = rng.choice(
            [f"{self.first}.{self.last}", f"{self.first[0]}{self.last}", f"{self.first}{rng.randint(1, 99)}"]
        )
        handle = handle.lower().replace("'", "").replace("é", "e").replace("ü", "u")
        self.email = f"{handle}@{rng.choice(v.EMAIL_DOMAINS)}"
        area, mid, end = rng.randint(201, 989), rng.randint(200, 999), rng.randint(1000, 9999)
        self.phone = rng.choice(
            [f"({area}) {mid}-{end}", f"{area}-{mid}-{end}", f"+1 {area} {mid} {end}", f"{area}.{mid}.{end}"]
        )
        city, state, zip3 = rng.choice(v.CITIES)
        self.address = (
            f"{rng.randint(12, 9899)} {rng.choice(v.STREET_NAMES)} {rng.choice(v.STREET_TYPES)}, "
            f"{city}, {state} {zip3}{rng.randint(10, 99)}"
        )
        self.dob = (date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))).strftime("%m/%d/%Y")
        self.card = luhn_complete(rng.choice(["4", "51", "55", "37"]), 16, rng)
        if self.card.startswith("37"):
            self.card = luhn_complete("37", 15, rng)


def _ids(rng: random.Random) -> dict[str, str]:
    return {
        "order": f"ORD-{rng.randint(100000, 999999)}",
        "tracking": rng.choice([f"1Z{rng.randint(10**15, 10**16 - 1)}", f"TRK{rng.randint(10**9, 10**10 - 1)}"]),
        "product": rng.choice(v.PRODUCTS),
        "carrier": rng.choice(v.CARRIERS),
        "country": rng.choice(v.COUNTRIES),
        "days": str(rng.randint(3, 15)),
        "amount": f"{rng.randint(15, 900)}.{rng.randint(0, 99):02d}",
        "invoice": f"INV-{rng.randint(10000, 99999)}",
    }


_SIGNATURES = ["", "\n\nThanks,\n{name}", "\n\nBest regards,\n{name}\n{phone}", "\n\n-- {first}", "\n\nCheers, {name}"]


# A shifted distribution for drift demos: a product recall and a payment scam wave, with their own vocabulary.
SHIFTED_CATEGORIES = ["product_recall", "payment_fraud"]
_MESSAGES_SHIFTED = {
    "product_recall": [
        "I got a recall notice for the lithium battery in my e-scooter bought with order {order}. Is it safe to "
        "charge? The charger gets very hot. Please call {phone}.",
        "Your recall email says the power bank from order {order} may overheat and catch fire. How do I return it "
        "safely? I am at {address}.",
        "The firmware update for the e-bike battery recall failed twice. Serial number on order {order}. "
        "Email me at {email}.",
    ],
    "payment_fraud": [
        "I received a text message asking me to pay a customs fee through a link for parcel {tracking}. Is this "
        "phishing? I already entered my card {card}.",
        "Someone called from a fake support number and asked for my one-time passcode. Order {order}. My phone is "
        "{phone}. Is my account compromised?",
        "An email that looks like yours asked me to confirm my bank details for a redelivery fee. I never ordered "
        "anything. Contact {email}.",
    ],
}
_REPLIES_SHIFTED = {
    "product_recall": [
        "Hi {first}, thank you for checking. Please stop charging the battery from order {order} now. We will send "
        "a prepaid fire-safe return bag and refund the battery in full once it is collected.",
        "Hi {first}, the recall covers the battery in order {order}. Do not use it; a courier will collect it in a "
        "safety bag and a replacement ships once it reaches our recall centre.",
    ],
    "payment_fraud": [
        "Hi {first}, that message is a phishing scam, we never ask for fees by text. Please call your bank to block "
        "the card and reset your account password; I have flagged your account for extra protection.",
        "Hi {first}, we never ask for passcodes or bank details by phone or email. I have locked your account, "
        "reported the scam and sent you a secure link to set a new password.",
    ],
}


def generate_tickets(n: int, seed: int = 7, start: datetime | None = None, shifted: bool = False) -> list[Ticket]:
    """``n`` tickets, identical for the same ``seed``. ``shifted`` draws from the recall/scam distribution instead."""
    return [t for t, _ in _generate(n, seed, start, shifted)]


def planted_pii(n: int, seed: int = 7, shifted: bool = False) -> set[str]:
    """Every personal value ``generate_tickets(n, seed)`` planted, whether or not a ticket's text used it: full names
    and first names alone (greetings, signatures), e-mails, phones, street lines, cities and ZIP codes, birth dates,
    card numbers (for the leak scans of the tests). A last name only ever stands in the full name or the e-mail, and
    the two-letter state code is no value a whole-word scan can look for."""
    values: set[str] = set()
    for _, person in _generate(n, seed, None, shifted):
        street, city, state_zip = person.address.split(", ")
        values |= {person.name, person.first, person.email, person.phone, person.dob, person.card}
        values |= {street, city, state_zip.rsplit(" ", 1)[-1]}
    return values


def _generate(n: int, seed: int, start: datetime | None, shifted: bool) -> list[tuple[Ticket, _Person]]:
    rng = random.Random(seed)
    start = start or datetime(2026, 9, 1, 8, 0, 0)
    tickets: list[tuple[Ticket, _Person]] = []
    categories = SHIFTED_CATEGORIES if shifted else CATEGORIES
    for i in range(n):
        category = categories[i % len(categories)] if i < len(categories) else rng.choice(categories)
        person = _Person(rng)
        slots = {
            **_ids(rng),
            "name": person.name,
            "first": person.first,
            "email": person.email,
            "phone": person.phone,
            "address": person.address,
            "dob": person.dob,
            "card": person.card,
        }
        created = start + timedelta(minutes=37 * i + rng.randint(0, 30))
        if shifted:
            message = rng.choice(_MESSAGES_SHIFTED[category]).format(**slots)
            reply, family = rng.choice(_REPLIES_SHIFTED[category]).format(**slots), ""
            subject = rng.choice(["Safety question", "Suspicious message"])
        else:
            message, reply, family = scenarios.write_case(rng, category, slots, created)
            subject = rng.choice(scenarios.SUBJECTS[category])
        message += rng.choice(_SIGNATURES).format(**slots)
        tickets.append(
            (
                Ticket(
                    ticket_id=f"T-{seed:02d}{i:06d}",
                    created_at=created.isoformat(),
                    channel=rng.choice(v.CHANNELS),
                    customer_name=person.name,
                    customer_email=person.email,
                    customer_phone=person.phone,
                    subject=subject,
                    message=message,
                    category=category,
                    agent_reply=reply,
                    split_group=family,
                ),
                person,
            )
        )
    return tickets


def _write_jsonl(path: Path, tickets: list[Ticket]) -> None:
    records = []
    for t in tickets:
        record = asdict(t)
        customer = {k.removeprefix("customer_"): record.pop(k) for k in list(record) if k.startswith("customer_")}
        records.append({**record, "customer": customer})
    jsonl.write(path, records)


def _write_csv(path: Path, tickets: list[Ticket]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(asdict(tickets[0])))
        writer.writeheader()
        for t in tickets:
            writer.writerow(asdict(t))


def _write_transcript(path: Path, t: Ticket) -> None:
    path.write_text(
        f"Ticket: {t.ticket_id}\nDate: {t.created_at}\nChannel: chat\nCategory: {t.category}\n"
        + (f"Split-Group: {t.split_group}\n" if t.split_group else "")
        + f"Subject: {t.subject}\n\nCustomer: {t.message.replace(chr(10), ' ')}\nAgent: {t.agent_reply}\n",
        encoding="utf-8",
    )


def _write_eml(path: Path, t: Ticket) -> None:
    msg = EmailMessage()
    msg["From"] = "Support Team <support@parcelpoint.example>"
    msg["To"] = f"{t.customer_name} <{t.customer_email}>"
    msg["Subject"] = f"Re: {t.subject}"
    msg["Date"] = format_datetime(datetime.fromisoformat(t.created_at))
    msg["X-Ticket-Id"] = t.ticket_id
    msg["X-Ticket-Category"] = t.category
    if t.split_group:
        msg["X-Ticket-Split-Group"] = t.split_group
    quoted = "\n".join("> " + line for line in t.message.splitlines())
    msg.set_content(
        f"{t.agent_reply}\n\nOn {t.created_at[:10]}, {t.customer_name} <{t.customer_email}> wrote:\n{quoted}\n"
    )
    path.write_bytes(bytes(msg))


def write_landing_batches(
    landing_dir: str | Path,
    n_tickets: int = 600,
    n_batches: int = 3,
    seed: int = 7,
    include_bad_files: bool = True,
    shifted: bool = False,
    prefix: str = "batch",
    include_canaries: bool = True,
    canaries_file: str | Path | None = None,
) -> list[str]:
    """Writes ``n_batches`` batch folders under ``landing_dir`` and returns their names (the partition keys).

    Batches rotate formats: a JSONL file, a CSV file, and one ``.txt``/``.eml`` file per ticket. With
    ``include_bad_files`` a few broken inputs ride along (a malformed JSONL line, an empty file, a file that is not
    text, an unsupported format), as they do in real landing zones; ingestion must quarantine them and keep the rest.
    Planted canaries are registered in ``canaries_file`` (default: the data dir's ``secrets/canaries.json``, where
    the ``governance_keys`` resource reads them for the memorization probe).
    """
    landing = Path(landing_dir)
    tickets = generate_tickets(n_tickets, seed=seed, shifted=shifted)
    per_batch = -(-n_tickets // n_batches)
    names: list[str] = []
    for b in range(n_batches):
        chunk = tickets[b * per_batch : (b + 1) * per_batch]
        if not chunk:
            break
        name = f"{prefix}_{seed:02d}_{b + 1:03d}"
        batch_dir = landing / name
        batch_dir.mkdir(parents=True, exist_ok=True)
        third = max(1, len(chunk) // 3)
        _write_jsonl(batch_dir / "tickets.jsonl", chunk[:third])
        if include_canaries and b == 0 and not shifted:
            jsonl.write(batch_dir / "tickets.jsonl", canary_records(), append=True)
            register = Path(canaries_file or default_path("secrets", "canaries.json"))
            register.parent.mkdir(parents=True, exist_ok=True)
            register.write_text(json.dumps(CANARY_VALUES, indent=2), encoding="utf-8")
        _write_csv(batch_dir / "tickets.csv", chunk[third : 2 * third])
        for j, t in enumerate(chunk[2 * third :]):
            if j % 2:
                _write_eml(batch_dir / f"{t.ticket_id}.eml", t)
            else:
                _write_transcript(batch_dir / f"{t.ticket_id}.txt", t)
        if include_bad_files and b == 0:
            with (batch_dir / "tickets.jsonl").open("a", encoding="utf-8") as f:
                f.write('{"ticket_id": "T-broken", "message": "truncated line\n')
            (batch_dir / "empty_ticket.txt").write_text("   \n", encoding="utf-8")
            (batch_dir / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
            (batch_dir / "attachment.txt").write_bytes(bytes(range(256)) * 4)
        names.append(name)
    return names
