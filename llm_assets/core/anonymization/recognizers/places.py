"""Places (cities, regions, countries) and nationalities, religions and political groups (NRP).

Places come from the GeoNames and ISO 3166 lists (see ``gazetteers``) and, for places no list knows (new
developments, villages, invented test data), from the words that introduce a place: "moved here from X",
"lives in X", "flew to X", "based in X", "X, <US state>".
"""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.gazetteers import Gazetteers, fold
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding
from llm_assets.core.anonymization.recognizers.scripts import korean_zipf
from llm_assets.core.anonymization.text import HANGUL, capitalized_runs, mostly_capitalized, title_cased_at, words
from llm_assets.core.entities import LOCATION

# World religions and their adherents, and the usual names of political leanings (capitalized uses only).
# continental and regional origins, named as nationalities are
ORIGINS = (
    "Asian Asians African Africans European Europeans Latin Latino Latinos Latina Latinas Latinx Hispanic Hispanics "
    "Arab Arabs Arabic Caribbean Slavic Nordic Scandinavian Scandinavians Balkan Celtic Anglo Aboriginal Indigenous "
    "Romani Roma Kurdish Kurds Berber Tamil Punjabi Bengali Pashtun Uyghur Tibetan Basque Catalan Flemish Walloon "
    "Maori Inuit Sami"
).split()
RELIGIONS = (
    "Christian Christians Christianity Catholic Catholics Catholicism Protestant Protestants Orthodox Evangelical "
    "Evangelicals Baptist Baptists Methodist Methodists Lutheran Lutherans Anglican Anglicans Presbyterian Pentecostal "
    "Mormon Mormons Quaker Quakers Adventist Muslim Muslims Islam Islamic Sunni Shia Shiite Sufi Jewish Jew Jews "
    "Judaism Hindu Hindus Hinduism Buddhist Buddhists Buddhism Sikh Sikhs Sikhism Jain Jains Jainism Taoist Taoism "
    "Shinto Zoroastrian Bahai Baháʼí Rastafarian Wiccan Pagan Pagans Atheist Atheists Agnostic Agnostics"
).split()
POLITICAL = (
    "Democrat Democrats Democratic Republican Republicans Conservative Conservatives Tory Tories Labour Liberal "
    "Liberals Libertarian Libertarians Socialist Socialists Communist Communists Marxist Marxists Green Greens "
    "Nationalist Nationalists Populist Social Democrat Social Democrats Christian Democrat Christian Democrats"
).split()
# lower-case words that are demonyms and, more often, something else
HOMOGRAPHS = frozenset({"polish", "green", "greens", "liberal", "liberals", "conservative", "conservatives", "jersey"})
_MONTHS = frozenset("january february march april may june july august september october november december".split())
_WEEKDAYS = frozenset("mon tue wed thu fri sat sun".split())
_DATE_AFTER = re.compile(r",?[ \t]+[0-3]?\d\b")
_VOICE_TAG_OPEN = re.compile(r"<v(?:\.[\w.-]+)?[ \t]+[^<>\n]*$")
PLACE_LEAD = re.compile(
    r"(?i:\b(?:in|from|to|at|near|around|outside|visit|visiting|visited|moved|move|moving|relocated|live|lives|lived|"
    r"living|based|born|raised|grew up|located|situated|travel|travelling|traveling|flew|fly|flying|drove|trip|"
    r"arrived|arriving|headquartered|home city|hometown|city of|town of|village of|university of)\s+(?:to\s+|in\s+|"
    r"at\s+|from\s+)?(?:the\s+)?)$"
)

# the same in the other languages the engine reads: where someone lives or comes from ("mieszkam w Białymstoku",
# "u nas w Wieliczce", "ich wohne in Radebeul", "j'habite à Montauban", "я живу в Твери"); the town may be
# inflected, so no list needs to know it
RESIDENCE_LEAD = re.compile(
    r"(?i:(?<![\p{L}])(?:mieszkam|mieszkamy|mieszka|jestem|jesteśmy|u nas|pochodzę|przeprowadziłe[mś] się|"
    r"przeprowadziłam się|ich wohne|wir wohnen|wohne|bei uns|ich komme|ich bin|j'habite|on habite|nous habitons|"
    r"je vis|je suis|chez nous|vivo|vivimos|soy|estoy|aquí|abito|vivo|sono|qui|da noi|moro|moramos|sou|"
    r"ik woon|wij wonen|we wonen|bij ons|ik kom|jag bor|vi bor|här|bydlím|bydlíme|jsem|u nás|locuiesc|stau|sunt|"
    r"я живу|живу|мы живём|мы живем|у нас|я из|я з|ми живемо|ζω|μένω|είμαι)"
    r"\s+(?:w|we|na|z|ze|do|in|aus|à|au|en|a|di|em|no|na|uit|i|v|ve|în|din|в|у|із|з|από|στη|στην|στο|σε)\s+)$"
)

# Slavic locatives back to the town's own name: "w Krakowie" (Kraków), "w Białymstoku" (Białystok), "w Kielcach"
# (Kielce), "w Wieliczce" (Wieliczka), "w Poznaniu" (Poznań), "w Łodzi" (Łódź), "в Москве" (Москва)
_LOCATIVE_ENDINGS = (
    ("ymstoku", "ystok"), ("owie", "ów"), ("owie", "ow"), ("ie", ""), ("ie", "a"), ("ie", "o"),
    ("ce", "ka"), ("dze", "ga"), ("rze", "ra"), ("le", "la"), ("iu", "ń"), ("niu", "ń"), ("u", ""), ("ach", "e"),
    ("ach", "y"), ("ach", "a"), ("odzi", "ódź"), ("i", "ia"), ("y", ""), ("i", "ь"), ("e", "a"), ("е", "а"), ("е", ""), ("і", "а"), ("і", ""),
)  # fmt: skip


def inflected_place(g: Gazetteers, word: str) -> bool:
    """Whether ``word`` is a town the place lists know, in a locative case of a Slavic language."""
    key = fold(word)
    for ending, base in _LOCATIVE_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 3 and key[: len(key) - len(ending)] + base in g.places:
            return True
    return False


# the score of a place no list knows, found by the words before it (a lower-case copy's check keeps it)
LEAD_PLACE_SCORE = 0.61

# Nationality nouns that English does not build from the adjective with "-s" (a Dane, the Swedes, a Scotswoman).
NATIONALITY_NOUNS = (
    "Dane Danes Swede Swedes Finn Finns Pole Poles Turk Turks Scot Scots Scotsman Scotsmen Scotswoman Scotswomen Brit "
    "Brits Briton Britons Spaniard Spaniards Kurd Kurds Icelander Icelanders Greenlander Greenlanders Faroese "
    "Luxembourger Luxembourgers Netherlander Netherlanders Filipino Filipinos Filipina Filipinas Thai Thais Lao "
    "Laotians Swiss Welsh Irish Dutch French English Cornish Manx Arab Arabs Kiwi Kiwis Aussie Aussies Yank Yankee "
    "Yankees Québécois Quebecer Quebecers Basques Catalans Slovak Slovaks Czech Czechs Serb Serbs Croat Croats "
    "Bosniak Bosniaks Slovene Slovenes Uzbek Uzbeks Kazakh Kazakhs Tajik Tajiks Tatar Tatars Afghan Afghans Pakistani "
    "Pakistanis Bangladeshi Bangladeshis Nepali Nepalis Sri Lankan Sri Lankans Chechen Chechens Roma Sinti"
).split()


def _derived_demonyms(g: Gazetteers) -> set[str]:
    """Nationality adjectives English builds from a one-word country name (Argentina -> Argentinian, Malta -> Maltese,
    Oman -> Omani), for the spellings a demonym list does not give; only rare words, never a common one."""
    out = set()
    for country in g.countries:
        if " " in country or len(country) < 4:
            continue
        stem = country[:-1] if country[-1] in "aey" else country
        for form in (
            country + "n",
            country + "ian",
            stem + "ian",
            stem + "an",
            stem + "ese",
            country + "i",
            stem + "i",
        ):
            if g.zipf(form) < 3.0 and form not in g.places:
                out.add(form)
    return out


def _forms(demonym: str) -> set[str]:
    """German -> Germans; French -> Frenchman, Frenchwomen; Englishman -> Englishmen; Chinese stays."""
    out = {demonym}
    if demonym.endswith("man"):
        out |= {demonym[:-3] + "men", demonym[:-3] + "woman", demonym[:-3] + "women"}
    elif demonym.endswith(("sh", "ch")):
        out |= {demonym + suffix for suffix in ("man", "men", "woman", "women", "people")}
    elif not demonym.endswith(("s", "ese", "x")):
        out.add(demonym + "s")
    return out


class PlaceRecognizer(SpanRecognizer):
    ENTITIES = (LOCATION, "NRP")

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.g = gazetteers
        nrp = {f for d in gazetteers.demonyms for f in _forms(d)}
        nrp |= {f for d in _derived_demonyms(gazetteers) for f in _forms(d)}
        nrp |= {fold(w) for w in RELIGIONS + POLITICAL + ORIGINS + NATIONALITY_NOUNS}
        for d in list(gazetteers.demonyms):
            nrp |= {f"{d}-{x}" for x in ("american", "born")}
        self.nrp = frozenset(nrp)

    def find(self, text: str) -> Iterable:
        ws = words(text)
        self._strict = mostly_capitalized(text)
        yield from self._labelled(text)
        yield from self._korean_residence(text)
        yield from self._lower_after_residence(text)
        yield from self._turkish_residence(text)
        yield from self._upper_and_lower(text, ws)
        for run in capitalized_runs(text, ws, max_len=5):
            n = len(run)
            i = 0
            while i < n:
                for j in range(min(n, i + 4), i, -1):
                    span = text[run[i].start : run[j - 1].end]
                    hit = self._classify(text, span, run[i].start, run[j - 1].end)
                    if hit:
                        yield finding(hit[0], run[i].start, run[j - 1].end, hit[1], self.name)
                        i = j
                        break
                else:
                    i += 1

    # a town in small letters after the words for living somewhere, in a text that is not all in small letters (that
    # one is read again title-cased): "Klient: mieszkam w gdyni, ul. ...", "mieszkam w wieliczce"
    _RESIDENCE_THEN_WORD = re.compile(RESIDENCE_LEAD.pattern.removesuffix("$") + r"(?P<w>\p{Ll}[\p{L}\p{M}'’-]{2,})")

    def _lower_after_residence(self, text: str) -> Iterable:
        for m in self._RESIDENCE_THEN_WORD.finditer(text):
            key = fold(m.group("w"))
            known = self.g.places.get(key, 0) and self.g.zipf(key) < 4.0 and key not in self.g.countries
            if known or inflected_place(self.g, key):
                yield finding(LOCATION, m.start("w"), m.end("w"), LEAD_PLACE_SCORE, self.name)

    # Turkish writes a proper noun's case ending after an apostrophe: the place before a verb of living or calling
    # from ("Kadıköy'de oturuyorum", "İzmir'den arıyorum")
    _TURKISH_RESIDENCE = re.compile(
        r"(?<![\p{L}])(?P<place>\p{Lu}[\p{L}\p{M}]+(?:[ \t]\p{Lu}[\p{L}\p{M}]+)?)['’](?:de|da|te|ta|den|dan|ten|tan)"
        r"[ \t]+(?:oturuyorum|oturuyoruz|oturuyor|yaşıyorum|yaşıyoruz|yaşıyor|ikamet ediyorum|kalıyorum|kalıyoruz|"
        r"arıyorum|arıyoruz|geliyorum|taşındım|taşındık)(?![\p{L}])"
    )

    def _turkish_residence(self, text: str) -> Iterable:
        for m in self._TURKISH_RESIDENCE.finditer(text):
            yield finding(LOCATION, m.start("place"), m.end("place"), LEAD_PLACE_SCORE, self.name)

    # "저 역삼동 사는데요", "일산에 살고 있어요", "지금 수원시에서 삽니다": the place before the verb for living
    _KOREAN_RESIDENCE = re.compile(
        r"(?<![\p{Hangul}])(?P<place>\p{Hangul}{2,6}?)(?:에서|에)?[ \t]+(?:사는데|살아요|살고|삽니다|살거든요|살아서|거주)"
    )

    def _korean_residence(self, text: str) -> Iterable:
        if not HANGUL.search(text):
            return
        for m in self._KOREAN_RESIDENCE.finditer(text):
            place = m.group("place")
            division = place[-1] in "동구시군읍면리도" and len(place) >= 2
            if self.g.cities_other_scripts.get(fold(place), 0) or division or korean_zipf(place) < 3.5:
                yield finding(LOCATION, m.start("place"), m.end("place"), 0.65, self.name)

    _LABELLED = re.compile(
        r"(?im)^[ \t>]*(?:where|location|city|town|place|venue|country|state|region|province|hometown|birthplace)"
        r"[ \t]*:[ \t]*(?P<place>\p{Lu}[\p{L}'’.-]*(?:[ \t]+\p{Lu}[\p{L}'’.-]*){0,3})"
    )

    def _labelled(self, text: str) -> Iterable:
        """ "Where: SPRING FLAT Country Club", "City: Olten": a field that holds a place."""
        for m in self._LABELLED.finditer(text):
            place = m.group("place")
            words_ = place.split()
            # stop before the venue's own words ("... Country Club")
            while len(words_) > 1 and not words_[-1].isupper() and words_[0].isupper():
                words_.pop()
            value = " ".join(words_)
            yield finding(LOCATION, m.start("place"), m.start("place") + len(value), 0.7, self.name)

    def _upper_and_lower(self, text: str, ws) -> Iterable:
        """ALL CAPS place names (address blocks print the town in capitals: "SAUMUR", "SPRING FLAT") and lower-case
        nationalities ("great ecuadorean food")."""
        i = 0
        while i < len(ws):
            w = ws[i]
            line_start = text.rfind("\n", 0, w.start) + 1
            label = not text[line_start : w.start].strip() and text[w.end : w.end + 1] == ":"
            if w.text.isupper() and len(w.text) > 2 and not label:
                j = i + 1
                while j < len(ws) and j - i < 3 and ws[j].text.isupper() and text[ws[j - 1].end : ws[j].start] == " ":
                    j += 1
                for k in range(j, i, -1):
                    key = fold(text[w.start : ws[k - 1].end])
                    if self.g.places.get(key, 0) and (k - i > 1 or self.g.zipf(key) < 4.0):
                        yield finding(LOCATION, w.start, ws[k - 1].end, 0.7, self.name)
                        i = k - 1
                        break
            elif w.text.islower() and w.text in self.nrp and w.text not in HOMOGRAPHS:
                yield finding("NRP", w.start, w.end, 0.6, self.name)
            i += 1

    def _classify(self, text: str, span: str, start: int, end: int) -> tuple[str, float] | None:
        key = fold(span)
        single = " " not in key
        line_start = text.rfind("\n", 0, start) + 1
        if single and not text[line_start:start].strip() and text[end : end + 1] == ":":
            return None  # a speaker or field label ("Caller:", "Agent:"), not a town of that name
        if _VOICE_TAG_OPEN.search(text, line_start, start) and text[end : end + 1] == ">":
            return None  # a subtitle's speaker ("<v Caller>", "<v.agent Caller>") is someone, never a place
        if key in self.nrp:
            return ("NRP", 0.8)
        if single and key in _MONTHS:
            return None  # "in May", "until March": a month, whatever town shares its name
        if single and key in _WEEKDAYS and _DATE_AFTER.match(text, end):
            return None  # "Date: Mon, 30 Sep 2024": a weekday before its date
        before = text[max(0, start - 40) : start]
        lead = PLACE_LEAD.search(before) is not None or RESIDENCE_LEAD.search(before) is not None
        population = self.g.places.get(key, 0)
        if population:
            z = max(self.g.zipf(w) for w in key.split())
            if key in self.g.countries:
                return (LOCATION, 0.85)
            if population >= 10**9:  # a region: not when it is an everyday word ("Tak", Polish "yes", a Thai province)
                return None if single and z >= 5.5 and not lead else (LOCATION, 0.85)
            if single and (z >= 4.0 or (self._strict and z >= 3.0)) and not lead:
                return None  # a common word that is also some town's name ("Nice", "Reading", "Order")
            if lead or population >= 100_000:
                return (LOCATION, 0.8)
            if z < 3.0 and not (single and title_cased_at(start)):
                return (LOCATION, 0.6)  # not a small town's name alone in a lower-case line: "con seur", "mam taryfa"
            return None
        if lead and single and inflected_place(self.g, key):
            return (LOCATION, LEAD_PLACE_SCORE)  # "mieszkam w Krakowie": a known town, in its locative
        if lead:
            # a place no list knows: "moved here from Port Samuel", "lives in Malcolm Ville", "arrived at New Scott"
            parts = key.split()
            if self.g.zipf(parts[-1]) < 4.5 and not key.isdigit() and len(parts) <= 3:
                return (LOCATION, LEAD_PLACE_SCORE)
        return None
