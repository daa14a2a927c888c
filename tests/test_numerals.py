"""Numbers said in words in the languages text2num does not read (``core/anonymization/numerals.py``)."""

import pytest

from llm_assets.core.anonymization.numerals import group_value, spoken_number, value


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("zevenentwintig", "nl", 27),
        ("tweeëntwintig", "nl", 22),
        ("fyrtiotre", "sv", 43),
        ("syvogtyve", "da", 27),
        ("czterdzieści dwa", "pl", 42),
        ("jedenačtyřicet", "cs", 41),
        ("čtyřicet jedna", "cs", 41),
        ("șaizeci și doi", "ro", 62),
        ("şaizeci şi doi", "ro", 62),
        ("negyvenkilenc", "hu", 49),
        ("tizenhét", "hu", 17),
        ("otuz beş", "tr", 35),
        ("on bir", "tr", 11),
        ("quarantotto", "it", 48),
        ("trentatré", "it", 33),
        ("δεκατρία", "el", 13),
        ("viisikymmentäkaksi", "fi", 52),
        ("сорок два", "uk", 42),
        ("sto dwadzieścia", "pl", 120),
    ],
)
def test_a_number_said_in_words_is_read(text, language, number):
    assert value(text, language) == number


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("tre tre", "it"),  # two units
        ("tieneen", "nl"),  # Dutch says its teens in one word
        ("bir on", "tr"),  # the ten comes first
        ("trehundra", "sv"),  # three hundred: no age
        ("dwadzieścia kota", "pl"),  # a word that is no numeral
        ("hello", "nl"),
    ],
)
def test_what_is_no_number_is_not_read(text, language):
    assert value(text, language) is None


def test_any_language_reads_only_long_words():
    assert spoken_number("vierendertig") == 34
    assert spoken_number("sei") is None  # Italian six, and "you are": too short to guess the language from


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("sześćset dwa", "pl", 602),
        ("tři sta osmdesát", "cs", 380),
        ("altı yüz yirmi", "tr", 620),
        ("zevenhonderdeenendertig", "nl", 731),
        ("novecentodiciotto", "it", 918),
        ("kahdeksansataa", "fi", 800),
        ("dziewiętnaście", "pl", 19),
    ],
)
def test_a_group_of_a_number_read_out_reads_up_to_nine_hundred_and_ninety_nine(text, language, number):
    assert group_value(text, language) == number
    assert value(text, language) == (number if number <= 120 else None)  # an age stays below 121


def test_a_group_has_its_hundreds_first():
    assert group_value("dwa sześćset", "pl") is None
    assert group_value("pięćset pięćset", "pl") is None


def test_polish_and_czech_ordinals_in_any_case_are_numbers_and_other_words_are_not():
    from llm_assets.core.anonymization.numerals import is_ordinal

    for word in ("dwudziestego", "ósmego", "trzecia", "dvacátého", "pátý"):
        assert is_ordinal(word)
    for word in ("dobrego", "lipca", "zamówienie", "května"):
        assert not is_ordinal(word)
