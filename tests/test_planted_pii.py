"""What the no-leak tests look for (``tests.helpers.raw_pii_values``): a value of every class of personal data the
sample generator plants, so that a class dropped from ``planted_pii`` fails here instead of making every leak scan
pass by finding nothing."""

import re

from llm_assets.core.anonymization.recognizers import luhn_valid
from llm_assets.sample_corpus import generate_tickets
from llm_assets.sample_corpus import vocabulary as v
from llm_assets.sample_corpus.canaries import CANARY_VALUES
from llm_assets.sample_corpus.generator import _generate
from tests.helpers import raw_pii_values

_STREET_TYPES = "|".join(re.escape(t.rstrip(".")) for t in v.STREET_TYPES)
_CITIES = {city for city, _, _ in v.CITIES}
_NAME_WORD = r"[A-Z][^\W\d_]*(?:['-][A-Z]?[^\W\d_]+)*"  # "Chloé", "O'Brien", "Marchetti-Vang"

# class -> whether a value (as raw_pii_values gives it: edge punctuation stripped) is one of that class
CLASSES = {
    "full name": lambda x: re.fullmatch(rf"{_NAME_WORD} {_NAME_WORD}", x),
    "first name alone": lambda x: x in v.FIRST_NAMES,
    "e-mail": lambda x: re.fullmatch(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", x),
    "phone": lambda x: re.fullmatch(r"(?:\+1 )?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}", x),
    "street line": lambda x: re.fullmatch(rf"\d+ [A-Z][\w' ]* (?:{_STREET_TYPES})\.?", x),
    "city": lambda x: x in _CITIES,
    "ZIP code": lambda x: re.fullmatch(r"\d{5}", x),
    "birth date": lambda x: re.fullmatch(r"(?:0[1-9]|1[0-2])/\d\d/(?:19|20)\d\d", x),
    "card number": lambda x: re.fullmatch(r"\d{4}(?: ?\d{3,4}){3}|\d{15,16}", x) and luhn_valid(x),
    "account id": lambda x: re.fullmatch(r"ACCT-\d+-[A-Z]+", x),
}
# every attribute of the generator's customer; a new one must be planted in planted_pii and get a class above
PERSON_ATTRIBUTES = {"first", "last", "name", "email", "phone", "address", "dob", "card"}


def test_the_leak_scan_holds_a_value_of_every_planted_class_and_nothing_unclassified():
    values = raw_pii_values(140, seed=11)
    texts = "\n".join(
        f"{t.customer_name} {t.customer_email} {t.customer_phone}\n{t.message}\n{t.agent_reply}"
        for t in generate_tickets(140, seed=11)
    )
    for name, is_of_class in CLASSES.items():
        members = {x for x in values if is_of_class(x)}
        assert members, f"no {name} among the values the leak scans look for"
        if name != "account id":  # the canary's, planted by the landing writer, not in generated tickets
            assert any(x in texts for x in members), f"no {name} the scans look for stands in the generated tickets"
    assert not [x for x in values if not any(is_of_class(x) for is_of_class in CLASSES.values())]
    assert {c.strip(".,()?!") for c in CANARY_VALUES.values()} <= values


def test_every_attribute_of_a_generated_customer_is_looked_for():
    values = raw_pii_values(20, seed=5)
    for _, person in _generate(20, 5, None, False):
        assert set(vars(person)) == PERSON_ATTRIBUTES, "a new planted attribute: add it to planted_pii and CLASSES"
        street, city, state_zip = person.address.split(", ")
        expected = {person.name, person.first, person.email, person.phone, person.dob, person.card}
        expected |= {street, city, state_zip.split()[-1]}
        assert {x.strip(".,()?!") for x in expected} <= values, person.name
