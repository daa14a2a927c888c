"""Findings completed or corrected by their neighbours, after the recognizers: what one finding says about the words
beside it.

- A name goes on across the capitalized words beside it that are names too ("Tôi tên là Đặng Thu Hương", where a
  cue took two words; "Aici Romulus Dobre", where only the family name was found).
- A postcode standing between or right beside the parts of an address found around it is the address's postcode
  ("Rosenweg 130 in 90228 Nürnberg"); a town right after an address's street or postcode is its town, in any script
  and in small letters ("06236 대전광역시", "... calle Feria 12 sevilla", "31952 الخبر").
- A word next to a model number is a product's, not a person's ("Sony WH-1000XM5", "PlayStation 5 Slim", "JBL Flip
  6"); a camel-cased brand is no one's name ("PostNL", "FedEx"; not "McCarthy" or "DeShawn").
- A company that carries a parcel is no one's employer: a name right before a parcel's tracking words, after the
  word for a carrier, or whose last word is a carrier's ("Aras Kargo", "Magyar Posta") is an organization, which the
  policy keeps unless it employs someone.
"""

from __future__ import annotations

import regex as re
from presidio_analyzer import RecognizerResult

from llm_assets.core.anonymization import gazetteers
from llm_assets.core.anonymization.context import TRACKING_WORDS
from llm_assets.core.anonymization.recognizers.base import alternation
from llm_assets.core.anonymization.recognizers.vocabulary import YEARS
from llm_assets.core.entities import LOCATION, ORGANIZATION, PERSON

_NEXT_WORD = re.compile(r"[ \t]+(?P<w>\p{Lu}[\p{Ll}\p{M}'’-]*\p{Ll}[\p{Ll}\p{M}'’-]*)(?![\p{L}\p{M}\p{N}])")
_PREVIOUS_WORD = re.compile(r"(?<![\p{L}\p{M}\p{N}])(?P<w>\p{Lu}[\p{Ll}\p{M}'’-]*\p{Ll}[\p{Ll}\p{M}'’-]*)[ \t]+$")
# languages that write every syllable of a name capitalized and their everyday words in small letters: a capital
# inside a sentence is a name there whatever the word means ("Hương" is "fragrance")
_SYLLABIC_NAMES = frozenset({"vi"})
MAX_NAME_WORDS = 4
# first names this common in some country are a person's even beside a number ("Maria 12"); "Slim" (92nd) and
# "Flip" are not
COMMON_FIRST_NAME_RANK = 50

# a model number beside a word: "WH-1000XM5", "i5", "R50", or a generation's number ("PlayStation 5")
_MODEL_AFTER = re.compile(
    r"[ \t]+(?P<m>(?=[\p{L}\p{N}-]*\p{N})(?=[\p{N}-]*\p{L})[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*|\d{1,2})"
    rf"(?![\p{{L}}\p{{N}}]|[.,:/-]\d|[ \t]+(?i:{YEARS}|ani|tuổi|tahun)\b)"
)
_MODEL_BEFORE = re.compile(r"\p{Lu}[\p{L}]+[ \t]+\d{1,2}[ \t]+$")
# a name's own inner capital ("McCarthy", "DeShawn", "LaToya", "O'Neil"); any other is a brand's ("FedEx", "PostNL")
_NAME_PREFIXES = ("Mc", "Mac", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von", "Fitz", "St", "Al", "El", "Ben")
_INNER_CAPITAL = re.compile(r"^(?P<head>\p{Lu}[\p{Ll}]+)\p{Lu}")

# the word for a parcel's carrier before its name, and a parcel's tracking words after it
_CARRIER_BEFORE = re.compile(
    r"(?i:(?<![\p{L}])(?:carrier|courier|transportadora|transportista|transporteur|przewoźnik|przewoźnika|"
    r"kurier|firma kurierska|szállító|futárszolgálat|přepravce|přepravci|dopravce|kurýr|curier|curierul|"
    r"corriere|spedizioniere|vervoerder|bezorger|paketdienst|versanddienstleister|zusteller|transportör|"
    r"перевозчик|курьер|служба доставки|перевізник|кур'єр|đơn vị vận chuyển|kurir|ekspedisi)[ \t]*[:=]?[ \t]*)$"
)
_TRACKING_AFTER = re.compile(rf"^[^\n.!?;]{{0,24}}?(?<![\p{{L}}])(?i:{alternation(TRACKING_WORDS)})(?![\p{{L}}])")
# the last word of a carrier's name: "Aras Kargo", "Magyar Posta", "Orlen Paczka", "Trendyol Express", "Royal Mail"
_CARRIER_HEAD = re.compile(
    r"[ \t](?:Kargo|Cargo|Express|Posta|Poste|Postal|Paczka|Logistics|Logistik|Courier|Kurier|Mail|Parcel|Freight)$"
)
# (a year beside a town is a date's: "Berlin, 2024")
_POSTCODE = re.compile(
    r"(?<![\p{L}\p{N}-])(?:(?!(?:19|20)\d\d(?!\d))\d{4,5}|\d{3} \d{2}|\d{2}-\d{3}|\d{5}-\d{3})"
    r"(?![\p{L}\p{N}]|-[\p{L}\p{N}])"
)
_ADDRESS_PARTS = ("STREET_ADDRESS", LOCATION)
# up to three words right after a street or a postcode, nothing but spaces or a comma between
_WORDS_AFTER = re.compile(r"[ \t]*,?[ \t]*(?P<w>[\p{L}\p{M}'’.-]+(?:[ \t][\p{L}\p{M}'’.-]+){0,2})")


def _result(r: RecognizerResult, entity: str | None = None, start: int | None = None, end: int | None = None):
    return RecognizerResult(
        entity or r.entity_type,
        r.start if start is None else start,
        r.end if end is None else end,
        r.score,
        recognition_metadata=dict(r.recognition_metadata or {}),
    )


def refine(text: str, results: list[RecognizerResult], extend_names: bool = True) -> list[RecognizerResult]:
    """``results`` with the corrections of the module's docstring; ``extend_names`` off for a text whose capitals
    say nothing (the title-cased copy of a lower-case line)."""
    out = []
    for r in results:
        if r.entity_type == PERSON and _product_or_brand(text, r):
            continue
        if r.entity_type in (PERSON, LOCATION) and _carrier(text, r):
            r = _result(r, ORGANIZATION)
        elif r.entity_type == PERSON and extend_names:
            r = _extended(text, r, results)
        out.append(r)
    return out + _postcodes_beside_addresses(text, out)


def _name_word(word: str, language: str, g) -> bool:
    folded = gazetteers.fold(word)
    listed = folded in g.first_names or folded in g.last_names
    if language in _SYLLABIC_NAMES:
        return listed
    common = g.zipf(word)
    return (listed and common < 4.5) or (common < 3.2 and gazetteers.zipf_any(word) < 4.0)


def _extended(text: str, r: RecognizerResult, results: list[RecognizerResult]) -> RecognizerResult:
    g = gazetteers.load()
    language = gazetteers.current_language()
    others = [o for o in results if o.entity_type != PERSON]
    start, end = r.start, r.end
    words = len(text[start:end].split())

    def free(s: int, e: int) -> bool:
        return not any(o.start < e and s < o.end for o in others)

    while words < MAX_NAME_WORDS:
        m = _NEXT_WORD.match(text, end)
        if not m or not _name_word(m.group("w"), language, g) or not free(m.start("w"), m.end("w")):
            break
        end, words = m.end("w"), words + 1
    while words < MAX_NAME_WORDS:
        m = _PREVIOUS_WORD.search(text[max(0, start - 40) : start])
        if not m:
            break
        s = max(0, start - 40) + m.start("w")
        before = text[max(0, s - 2) : s]
        # a sentence's first word is capitalized whatever it is: only a name the lists know there
        opening = not before.strip() and (s == 0 or text[s - 1] == "\n") or re.search(r"[.!?:]\s*$", before)
        word = m.group("w")
        if opening and not (gazetteers.fold(word) in g.first_names and g.zipf(word) < 4.0):
            break
        if not _name_word(word, language, g) or not free(s, s + len(word)):
            break
        start, words = s, words + 1
    if (start, end) == (r.start, r.end):
        return r
    return _result(r, start=start, end=end)


def _product_or_brand(text: str, r: RecognizerResult) -> bool:
    if r.score >= 0.85:  # announced ("my name is ..."): a person whatever stands beside it
        return False
    span = text[r.start : r.end]
    if not re.search(r"[\p{Lu}\p{Ll}]", span):
        return False  # brands and models are told by capitals; a name in a script without them stays a name
    words = span.split()
    model = _MODEL_AFTER.match(text, r.end)
    if model and not model.group("m").isdigit():
        return True
    if model or _MODEL_BEFORE.search(text[max(0, r.start - 40) : r.start]):
        # a generation's number beside a person's first name is rather a count or an age ("Maria 12")
        g = gazetteers.load()
        return not any(0 < g.first_names.get(gazetteers.fold(w), 0) <= COMMON_FIRST_NAME_RANK for w in words)
    return bool(words) and all(_brand_word(w) for w in words)


def _brand_word(word: str) -> bool:
    m = _INNER_CAPITAL.match(word)
    return bool(m) and m.group("head") not in _NAME_PREFIXES


def _carrier(text: str, r: RecognizerResult) -> bool:
    span = text[r.start : r.end]
    if "\n" in span:
        return False
    return bool(
        _CARRIER_BEFORE.search(text[max(0, r.start - 40) : r.start])
        or _TRACKING_AFTER.match(text[r.end : r.end + 60])
        or _CARRIER_HEAD.search(span)
    )


def _postcodes_beside_addresses(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Postcodes right beside a street or a town found on the same line, nothing but spaces, a comma or "in"
    between."""
    parts = [r for r in results if r.entity_type in _ADDRESS_PARTS]
    if not parts:
        return []
    taken = [(r.start, r.end) for r in results]
    out = []
    for m in _POSTCODE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        after = any(
            p.end <= m.start()
            and (
                re.fullmatch(r"[ \t]*,?[ \t]*(?:in[ \t]+)?", text[p.end : m.start()])
                or _country_between(text[p.end : m.start()])
                # in brackets after its town: "moved from Tampa (32169)"
                or (re.fullmatch(r"[ \t]*\([ \t]*", text[p.end : m.start()]) and re.match(r"[ \t]*\)", text[m.end() :]))
            )
            for p in parts
        )
        before = any(m.end() <= p.start and re.fullmatch(r"[ \t]*,?[ \t]*", text[m.end() : p.start]) for p in parts)
        if after or before:
            out.append(
                RecognizerResult(
                    "ZIP_CODE", m.start(), m.end(), 0.6, recognition_metadata={"recognizer_name": "AddressPostcode"}
                )
            )
    return out


def _country_between(between: str) -> bool:
    """A town's country or state between it and its postcode: "Denver, USA, 80273", "Austin, TX 78701"."""
    m = re.fullmatch(r"[ \t]*,[ \t]*(?P<c>[\p{L}][\p{L}. ]{1,30}?)[ \t]*,?[ \t]*", between)
    if not m:
        return False
    g = gazetteers.load()
    name = m.group("c").strip(". ")
    return gazetteers.fold(name) in g.countries or name in g.us_states or name.replace(".", "") in ("USA", "UK", "US")


# what a postcode read out in words is taken for
_READ_OUT = frozenset({"ZIP_CODE", "PHONE_NUMBER", "REFERENCE_NUMBER"})


# the designators of a settlement before its name, in Russian and Ukrainian ("г. Казань", "ст. Хасан", "селище ...")
_SETTLEMENT = re.compile(
    r"[ \t]*,[ \t]*(?P<w>(?:г|гор|город|с|село|пос|посёлок|поселок|ст|станица|д|деревня|пгт|х|хутор|м|місто|смт|"
    r"селище|хутір)\.?[ \t]+\p{Lu}[\p{L}'’-]+(?:[ \t-]\p{Lu}[\p{L}'’-]+)?)"
)


def towns_after_addresses(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    """A town (a city or region of the place lists, never a country, no everyday word) right after a street or a
    postcode found on the line: the longest of its next one to three words that is one; then a second one after a
    comma (a district and its city: "..., Keçiören, Ankara": a word the lists do not know, between a street and a
    town they do, is the district). And the town a street follows after a comma ("Житомир, вулиця Миру, ..."). Run
    over a whole text's findings, from every pass (an address may be found across a mail client's wrapped lines)."""
    g = gazetteers.load()
    taken = [(r.start, r.end) for r in results]
    out = []

    def add(start: int, end: int) -> None:
        if not any(s < end and start < e for s, e in taken):
            out.append(
                RecognizerResult(LOCATION, start, end, 0.6, recognition_metadata={"recognizer_name": "AddressTown"})
            )
            taken.append((start, end))

    for p in results:
        if p.entity_type not in ("STREET_ADDRESS", "ZIP_CODE"):
            continue
        line_start = text.rfind("\n", 0, p.start) + 1
        before = _TOWN_BEFORE.search(text, line_start, p.start) if p.entity_type == "STREET_ADDRESS" else None
        # (not a street's own name after its number: "214 Broadway, Suite 926")
        if before and _known_town(before.group("w"), g) and not text[: before.start()].rstrip(" \t")[-1:].isdigit():
            add(before.start("w"), before.end("w"))
        pos, district = p.end, None
        if p.entity_type == "STREET_ADDRESS":
            # a postcode read out after the street ("U Školy 125, tři osm čtyři, osm čtyři Plzeň"): the town after it
            said = [q.end for q in results if q.entity_type in _READ_OUT and p.start < q.start <= p.end + 2]
            pos = max([pos, *said])
        for _ in range(2):
            m = _WORDS_AFTER.match(text, pos)
            town = _town_at_start(m.group("w"), g, p.entity_type == "ZIP_CODE") if m else None
            settled = _SETTLEMENT.match(text, pos) if town is None else None
            if settled:
                # a settlement's designator, then its name: "…, ст. Хасан", "…, селище Радивилів", "…, с. Зоряне"
                add(settled.start("w"), settled.end("w"))
                break
            if town is None:
                word = re.match(r"\p{Lu}[\p{L}\p{M}'’-]+", m.group("w")) if m and district is None else None
                if not word or not text.startswith(",", m.start("w") + word.end()):
                    break
                district, pos = (m.start("w"), m.start("w") + word.end()), m.start("w") + word.end()
                continue
            start = m.start("w")
            if district:
                add(*district)
            add(start, start + len(town))
            pos = start + len(town)
    return out


# a capitalized word and a comma right before a street ("Житомир, вулиця Миру, ...", "Харків, Соборна сорок п'ять")
_TOWN_BEFORE = re.compile(r"(?<![\p{L}\p{M}])(?P<w>\p{Lu}[\p{L}\p{M}'’-]+)[ \t]*,[ \t]*\Z")


def _known_town(town: str, g, after_postcode: bool = False) -> bool:
    key = gazetteers.fold(town)
    known = (key in g.places and key not in g.countries) or key in g.cities_other_scripts
    return known and not any(_everyday(w, g, after_postcode) for w in town.split())


def _town_at_start(words: str, g, after_postcode: bool = False) -> str | None:
    """The longest of the first one to three words that is a town the lists know, or None."""
    parts = words.split()
    for n in range(len(parts), 0, -1):
        town = " ".join(parts[:n]).rstrip(".")
        if _known_town(town, g, after_postcode):
            return town
    return None


def _everyday(word: str, g, after_postcode: bool = False) -> bool:
    """A word too common to be taken for a town by its place alone: a capitalized one only if it is among a
    language's commonest ("Como" is Spanish for "how"); in small letters, any frequent one ("como", "bath"), unless
    a postcode stands right before it, where a large town's name is frequent too ("kod 02-716 warszawa")."""
    if not re.search(r"[\p{Lu}\p{Ll}]", word):
        return False  # a script without capitals: the place lists decide
    lenient = word[0].isupper() or (after_postcode and g.word_zipf.get(word.casefold(), 0.0) < 4.5)
    return g.zipf(word) >= (6.0 if lenient else 5.0)
