"""The support cases of the sample corpus: what the customer writes, in which paraphrase family, and what the agent
answers for that case.

A reply depends on its message: it restates the case's facts (order number, product, carrier, amounts, dates) and
takes the action the case calls for (a refund past a lateness limit, a claim only with photos, duties above a value),
so a model cannot score by recalling one template per category. Categories share their vocabulary ("refund",
"customs", "charged", "delivered" each appear in several), so no single keyword decides the label.

Each category is written in ``FAMILIES`` paraphrase families. Family ``k`` is one way of writing, the same ``k`` for
every category; the ticket carries it as ``split_group`` so a training set split by that field holds whole families
out of training.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

FAMILIES = 5


@dataclass(frozen=True)
class Case:
    slots: dict[str, str]  # case-specific values the message and the reply are filled with
    action: str  # which reply the case calls for


def _date(d: datetime) -> str:
    return f"{d:%B} {d.day}"


def _money(rng: random.Random, lo: int, hi: int) -> str:
    return f"{rng.randint(lo, hi)}.{rng.randint(0, 99):02d}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _with_phrase(slots: dict[str, str], phrase: str) -> dict[str, str]:
    phrase = phrase.format(**slots)
    return {**slots, "phrase": phrase, "Phrase": _cap(phrase)}


def _shipment_status(rng: random.Random, slots: dict[str, str], created: datetime) -> Case:
    action = rng.choice(["not_collected", "in_transit", "delivered_missing"])
    slots = {**slots, "date": _date(created - timedelta(days=rng.randint(2, 9)))}
    phrases = {
        "not_collected": [
            "the tracking only says 'label created'",
            "tracking has shown 'label created' since {date}",
            "a label was made on {date} but nothing has been scanned since",
        ],
        "in_transit": [
            "tracking says it is in transit",
            "the last scan was at a {carrier} hub on {date}",
            "it has been 'in transit' with {carrier} since {date}",
        ],
        "delivered_missing": [
            "tracking says delivered but there is nothing at my door",
            "{carrier} marked it delivered on {date} and I never got it",
            "it shows as delivered, yet no parcel arrived",
        ],
    }
    return Case(_with_phrase(slots, rng.choice(phrases[action])), action)


def _delivery_delay(rng: random.Random, slots: dict[str, str], created: datetime) -> Case:
    days = rng.randint(2, 14)
    slots = {
        **slots,
        "days": str(days),
        "due": _date(created - timedelta(days=days)),
        "fee": _money(rng, 4, 19),
    }
    return Case(slots, "refund_shipping" if days >= 7 else "escalate")


def _customs(rng: random.Random, slots: dict[str, str], created: datetime) -> Case:
    value = rng.randint(40, 600)
    return Case({**slots, "value": f"{value}.00"}, "duties_due" if value >= 150 else "duty_free")


def _damaged(rng: random.Random, slots: dict[str, str], created: datetime) -> Case:
    photos = rng.random() < 0.6
    wish = rng.choice(["replacement", "refund"])
    slots = {
        **slots,
        "photos": rng.choice(
            ["I attached photos of the box and the item", "photos are attached", "see the pictures I added"]
            if photos
            else ["I have not taken pictures yet", "I threw the box away already", "I can describe the damage"]
        ),
        "wish": rng.choice(
            ["I would like a replacement", "please send me a new one", "can you replace it"]
            if wish == "replacement"
            else ["I want my money back (${amount})", "please refund the ${amount}", "I would rather have a refund"]
        ).format(**slots),
    }
    return Case(slots, wish if photos else "ask_photos")


def _refund(rng: random.Random, slots: dict[str, str], created: datetime) -> Case:
    returned = rng.random() < 0.5
    slots = {**slots, "date": _date(created - timedelta(days=rng.randint(3, 12)))}
    phrase = rng.choice(
        ["I sent it back on {date}", "the return reached your warehouse on {date}", "it went back with {carrier}"]
        if returned
        else ["I have not sent it back yet", "I still have it here", "it is still in its box at home"]
    )
    return Case({**slots, "return_phrase": phrase.format(**slots)}, "refund_issued" if returned else "return_label")


def _billing(rng: random.Random, slots: dict[str, str], created: datetime) -> Case:
    duplicate = rng.random() < 0.5
    phrase = rng.choice(
        ["I was charged twice, ${amount} each time", "the same ${amount} payment appears two times on my statement"]
        if duplicate
        else [
            "there is a charge of ${amount} I do not recognise",
            "invoice {invoice} shows an extra fee of ${amount}, maybe customs?",
        ]
    )
    return Case(_with_phrase(slots, phrase), "reverse_duplicate" if duplicate else "explain_fee")


def _account(rng: random.Random, slots: dict[str, str], created: datetime) -> Case:
    action = rng.choice(["unlock", "resend_reset", "secure_hacked"])
    slots = {**slots, "date": _date(created - timedelta(days=rng.randint(1, 6)))}
    phrases = {
        "unlock": ["my account is locked after too many attempts", "it says my account is temporarily blocked"],
        "resend_reset": [
            "the password reset email never arrives at {email}",
            "I requested a reset link to {email} three times and got nothing",
        ],
        "secure_hacked": [
            "someone changed my password and placed orders since {date}",
            "I think my account was hacked on {date}, there are orders I did not make",
        ],
    }
    return Case(_with_phrase(slots, rng.choice(phrases[action])), action)


CASES: dict[str, Callable[[random.Random, dict[str, str], datetime], Case]] = {
    "shipment_status": _shipment_status,
    "delivery_delay": _delivery_delay,
    "customs_paperwork": _customs,
    "damaged_goods": _damaged,
    "refund_request": _refund,
    "billing_issue": _billing,
    "account_access": _account,
}

# MESSAGES[category][k]: the message of paraphrase family k.
MESSAGES: dict[str, list[str]] = {
    "shipment_status": [
        "Hi, I ordered a {product} (order {order}) and {phrase}. Can you tell me where my package is? It should go "
        "to {address}.",
        "Where is my {product}?? Order {order}, {carrier} tracking {tracking}: {phrase}. Reach me at {phone}.",
        "Good morning. I would like an update on order {order}. According to {carrier}, {phrase}. The parcel "
        "contains a {product}.",
        "hey so my order {order}... {phrase}. tracking is {tracking}. whats happening with my {product}",
        "I am writing about tracking number {tracking} for my {product}. {Phrase}. Could you look into it? My email "
        "is {email}.",
    ],
    "delivery_delay": [
        "My {product} (order {order}) was supposed to arrive {days} days ago, on {due}, and it is still not here. "
        "Please call me on {phone}.",
        "Order {order} is now {days} days late. {carrier} keeps moving the delivery date. Should I just ask for a "
        "refund?",
        "Dear support, the delivery of my {product} has been delayed by {days} days. Tracking {tracking}. Is it stuck "
        "in customs? When will it arrive?",
        "still no {product}. {days} days past the promised date ({due}), order {order}. this is ridiculous",
        "I was promised delivery {days} days ago for order {order} via {carrier}. It has not come. I need it at "
        "{address}.",
    ],
    "customs_paperwork": [
        "I am shipping my {product} to {country} and the courier says customs paperwork is missing for order "
        "{order}. It cost ${value}. What forms do I need?",
        "Customs in {country} is holding my parcel ({tracking}). The {product} is worth ${value}. Will I be charged "
        "anything?",
        "Hello, order {order} goes to {country}. Do I need a commercial invoice for a ${value} {product}? My date "
        "of birth is {dob} if it is needed.",
        "parcel stuck at {country} customs, order {order}, they want papers. value ${value}, its a {product}. "
        "email {email}",
        "Could you tell me the import rules for sending a {product} (${value}) to {country}? Order {order}. A "
        "refund is not what I want, just the forms.",
    ],
    "damaged_goods": [
        "My {product} arrived broken, the box was crushed. Order {order}. {photos}. {wish}.",
        "The {product} from order {order} came damaged, one part is snapped off. {wish}. {photos}. Ship to {address}.",
        "Package {tracking} was delivered wet and the {product} inside does not turn on. {photos}. {wish}.",
        "received order {order} today - {product} is cracked. {wish}. {photos}",
        "I regret to say the {product} (order {order}) was damaged in transit. {photos}. {wish}. You can reach me "
        "at {email}.",
    ],
    "refund_request": [
        "I want a refund for the {product} from order {order} (${amount}). {return_phrase}.",
        "Please refund order {order}. The {product} is not what was described. {return_phrase}. Contact me at {phone}.",
        "Hello, I would like my ${amount} back for order {order}; the {product} does not fit my needs. "
        "{return_phrase}.",
        "refund pls. order {order}, {product}, paid ${amount}. {return_phrase}",
        "I changed my mind about the {product} (order {order}, card {card}). {return_phrase}. How do I get the "
        "${amount} refunded?",
    ],
    "billing_issue": [
        "{Phrase} for order {order}. Please fix this. Card {card}.",
        "Hello, I checked my bank statement: {phrase}. Order {order}, invoice {invoice}.",
        "Why is this? {Phrase}. It was for order {order}, delivered by {carrier}. My billing address is {address}.",
        "billing problem - {phrase}. order {order}. call me {phone}",
        "Dear team, regarding invoice {invoice} for order {order}: {phrase}. Could you explain or refund it?",
    ],
    "account_access": [
        "I cannot log in: {phrase}. My phone is {phone}.",
        "Help! {Phrase}. Username {email}.",
        "Good afternoon. I am unable to access my account; {phrase}. My date of birth is {dob}.",
        "cant get into my account, {phrase}",
        "Regarding my customer account: {phrase}. Please help me get back in, I live at {address}.",
    ],
}

# REPLIES[category][action]: the agent's answers for that case (one drawn per ticket).
REPLIES: dict[str, dict[str, list[str]]] = {
    "shipment_status": {
        "not_collected": [
            "Hi {first}, order {order} with your {product} is packed but {carrier} has not collected it yet. I have "
            "asked the warehouse to hand it over today; tracking {tracking} will update after the first scan.",
            "Hi {first}, your {product} (order {order}) is still waiting for {carrier} at our warehouse. I flagged "
            "it for today's pickup, so tracking {tracking} should move by tomorrow.",
        ],
        "in_transit": [
            "Hi {first}, your {product} (order {order}) is in transit with {carrier} and should arrive within 2 "
            "business days. Tracking {tracking} shows each scan.",
            "Hi {first}, order {order} is on its way with {carrier}; the {product} is expected within 2 business "
            "days. You can follow it with tracking {tracking}.",
        ],
        "delivered_missing": [
            "Hi {first}, I am sorry the {product} from order {order} is not at your door although {carrier} marked "
            "it delivered. I have opened a trace with {carrier}; if it is not found within 48 hours we ship a "
            "replacement.",
            "Hi {first}, {carrier} shows order {order} as delivered, so I have started a lost-parcel trace. If the "
            "{product} does not turn up within 48 hours, a replacement ships at no cost.",
        ],
    },
    "delivery_delay": {
        "refund_shipping": [
            "Hi {first}, order {order} is {days} days late, past our delivery guarantee. I have refunded the "
            "shipping fee of ${fee} and asked {carrier} to prioritise your {product}.",
            "Hi {first}, {days} days late is beyond our guarantee, so the ${fee} shipping fee for order {order} is "
            "refunded. {carrier} has been asked to deliver the {product} first.",
        ],
        "escalate": [
            "Hi {first}, sorry that order {order} is {days} days late. {carrier} reports a backlog at the regional "
            "hub; I have escalated it and your {product} should move within 2 days.",
            "Hi {first}, apologies for the {days}-day delay on order {order}. I have escalated it with {carrier}, "
            "who expect to deliver the {product} within 2 days.",
        ],
    },
    "customs_paperwork": {
        "duties_due": [
            "Hi {first}, the {product} in order {order} is declared at ${value}, above the duty-free limit for "
            "{country}, so import duties are due on delivery. I have attached the commercial invoice for the courier.",
            "Hi {first}, at ${value} the {product} (order {order}) is over the duty-free limit for {country}; the "
            "recipient pays duties on delivery. The commercial invoice is attached.",
        ],
        "duty_free": [
            "Hi {first}, the {product} in order {order} is declared at ${value}, under the duty-free limit for "
            "{country}, so no duties are due. I have sent the customs declaration to {carrier}.",
            "Hi {first}, good news: at ${value} the {product} (order {order}) stays under the duty-free limit for "
            "{country}. {carrier} has the customs declaration; nothing is owed.",
        ],
    },
    "damaged_goods": {
        "replacement": [
            "Hi {first}, thank you for the photos. I have opened a claim for order {order} and a new {product} "
            "ships today at no cost; no need to return the damaged one.",
            "Hi {first}, the photos confirm the damage. A replacement {product} for order {order} ships today, free "
            "of charge, and you can keep the broken one.",
        ],
        "refund": [
            "Hi {first}, thank you for the photos. I have refunded ${amount} for the damaged {product} from order "
            "{order}; it reaches your card within 5 business days.",
            "Hi {first}, the photos confirm the damage, so the ${amount} for the {product} (order {order}) is "
            "refunded to your card within 5 business days.",
        ],
        "ask_photos": [
            "Hi {first}, I am sorry the {product} from order {order} arrived damaged. Please reply with two photos "
            "of the item and the box so I can open the claim.",
            "Hi {first}, sorry about the damaged {product}. To open a claim for order {order} I need two photos, one "
            "of the item and one of the packaging.",
        ],
    },
    "refund_request": {
        "refund_issued": [
            "Hi {first}, we received your returned {product} and I have issued the refund of ${amount} for order "
            "{order}. It appears on your original payment method within 5 to 7 business days.",
            "Hi {first}, the {product} from order {order} is back with us and ${amount} has been refunded; banks "
            "take 5 to 7 business days to post it.",
        ],
        "return_label": [
            "Hi {first}, I have emailed you a prepaid return label for the {product} from order {order}. Once the "
            "parcel is scanned, the refund of ${amount} is issued within 2 days.",
            "Hi {first}, please send the {product} back with the prepaid label I just emailed for order {order}; "
            "the ${amount} is refunded within 2 days of the first scan.",
        ],
    },
    "billing_issue": {
        "reverse_duplicate": [
            "Hi {first}, you are right: order {order} was charged twice. I have reversed the duplicate charge of "
            "${amount}; it shows on your statement within 3 to 5 business days.",
            "Hi {first}, the second ${amount} charge on order {order} was our error and is reversed; expect the "
            "credit within 3 to 5 business days.",
        ],
        "explain_fee": [
            "Hi {first}, the ${amount} on invoice {invoice} is the import duty {carrier} paid for order {order}. I "
            "have emailed the customs receipt; reply if you want it disputed.",
            "Hi {first}, that ${amount} charge (invoice {invoice}) covers the customs duty {carrier} advanced on "
            "order {order}. The receipt is in your inbox.",
        ],
    },
    "account_access": {
        "unlock": [
            "Hi {first}, your account was locked after too many sign-in attempts. I have unlocked it, so you can "
            "sign in now; I recommend turning on two-step verification.",
            "Hi {first}, the lock came from repeated failed sign-ins. It is lifted now; two-step verification "
            "will stop it from happening again.",
        ],
        "resend_reset": [
            "Hi {first}, I have sent a new password reset link to {email}. It expires in 24 hours; please check "
            "your spam folder if it does not arrive.",
            "Hi {first}, a fresh reset link is on its way to {email} and works for 24 hours. If it is not in your "
            "inbox, look in spam.",
        ],
        "secure_hacked": [
            "Hi {first}, I have frozen your account, signed out every session and cancelled the orders placed "
            "since {date}. Use the secure link I sent to {email} to set a new password.",
            "Hi {first}, your account is frozen and the orders made since {date} are cancelled. A secure link to "
            "set a new password went to {email}.",
        ],
    },
}

SUBJECTS = {
    "shipment_status": ["Where is my order?", "Tracking not updating", "Order status"],
    "delivery_delay": ["Late delivery", "Delivery delayed again", "Still waiting for my package"],
    "customs_paperwork": ["Customs forms", "Parcel held at customs", "Import duties question"],
    "damaged_goods": ["Item arrived damaged", "Broken product", "Damaged package"],
    "refund_request": ["Refund not received", "Refund request", "Return and refund"],
    "billing_issue": ["Double charge", "Wrong invoice", "Unknown charge"],
    "account_access": ["Cannot log in", "Account locked", "Account hacked?"],
}


def write_case(rng: random.Random, category: str, slots: dict[str, str], created: datetime) -> tuple[str, str, str]:
    """(message, reply, paraphrase family) of one ticket of ``category``."""
    case = CASES[category](rng, slots, created)
    family = rng.randrange(FAMILIES)
    message = MESSAGES[category][family].format(**case.slots)
    reply = rng.choice(REPLIES[category][case.action]).format(**case.slots)
    return message, reply, f"family-{family + 1}"
