"""The recognizers the engine registers, besides spaCy's named-entity recognizer: Presidio's own pattern and
checksum recognizers where they hold, and the project's where Presidio's defaults miss (see each module)."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from llm_assets.core.anonymization.gazetteers import Gazetteers
from llm_assets.core.anonymization.recognizers.addresses import StreetAddressRecognizer
from llm_assets.core.anonymization.recognizers.cjk_numbers import CjkDigitRecognizer
from llm_assets.core.anonymization.recognizers.handles import HandleRecognizer
from llm_assets.core.anonymization.recognizers.identity import AnnouncedIdentifierRecognizer, MultilingualAgeRecognizer
from llm_assets.core.anonymization.recognizers.introductions import IntroductionRecognizer
from llm_assets.core.anonymization.recognizers.letter_names import SpelledLetterNameRecognizer
from llm_assets.core.anonymization.recognizers.names import GazetteerNameRecognizer, StructuredNameRecognizer
from llm_assets.core.anonymization.recognizers.numbers import (
    AgeRecognizer,
    CardNumberRecognizer,
    DateTimeRecognizer,
    DomesticAccountRecognizer,
    DriverLicenceRecognizer,
    IdentifierRecognizer,
    luhn_valid,
    national_id_recognizers,
)
from llm_assets.core.anonymization.recognizers.organizations import OrganizationRecognizer
from llm_assets.core.anonymization.recognizers.patronymics import PatronymicNameRecognizer
from llm_assets.core.anonymization.recognizers.phones import PhoneNumberRecognizer
from llm_assets.core.anonymization.recognizers.places import PlaceRecognizer
from llm_assets.core.anonymization.recognizers.scripts import ScriptNameRecognizer
from llm_assets.core.anonymization.recognizers.spoken import SpokenSequenceRecognizer
from llm_assets.core.anonymization.recognizers.spoken_addresses import SpokenAddressRecognizer
from llm_assets.core.anonymization.recognizers.spoken_dates import SpokenBirthDateRecognizer
from llm_assets.core.anonymization.recognizers.titles import JobTitleRecognizer
from llm_assets.core.anonymization.recognizers.turns import BareTurnRecognizer
from llm_assets.core.anonymization.recognizers.web import (
    GluedIpRecognizer,
    ObfuscatedEmailRecognizer,
    SpokenEmailRecognizer,
)

# Presidio's predefined recognizers that the project's replace: libphonenumber matching per region (slow, and blind
# to national formats outside its eight regions), card numbers without issuer grouping (it types phone numbers as
# cards), and its date patterns.
REPLACED_PRESIDIO_RECOGNIZERS = ("PhoneRecognizer", "CreditCardRecognizer", "DateRecognizer")
# Recognizers that depend on capitalization: they also run on the title-cased copy of ALL CAPS / lower-case text.
CASE_SENSITIVE = (
    "StructuredNameRecognizer",
    "GazetteerNameRecognizer",
    "PlaceRecognizer",
    "StreetAddressRecognizer",
    "OrganizationRecognizer",
    "JobTitleRecognizer",
)


def project_recognizers(gazetteers: Gazetteers) -> list[EntityRecognizer]:
    return [
        PhoneNumberRecognizer(),
        CardNumberRecognizer(),
        DomesticAccountRecognizer(),
        IdentifierRecognizer(),
        DriverLicenceRecognizer(),
        AgeRecognizer(),
        DateTimeRecognizer(),
        ObfuscatedEmailRecognizer(),
        SpokenEmailRecognizer(),
        GluedIpRecognizer(),
        StreetAddressRecognizer(gazetteers),
        SpokenAddressRecognizer(),
        StructuredNameRecognizer(),
        PatronymicNameRecognizer(),
        GazetteerNameRecognizer(gazetteers),
        PlaceRecognizer(gazetteers),
        OrganizationRecognizer(),
        JobTitleRecognizer(gazetteers),
        HandleRecognizer(gazetteers),
        ScriptNameRecognizer(gazetteers),
        IntroductionRecognizer(gazetteers),
        SpokenSequenceRecognizer(),
        CjkDigitRecognizer(),
        SpelledLetterNameRecognizer(),
        SpokenBirthDateRecognizer(),
        BareTurnRecognizer(gazetteers),
        AnnouncedIdentifierRecognizer(),
        MultilingualAgeRecognizer(),
        *national_id_recognizers(),
    ]


__all__ = [
    "CASE_SENSITIVE",
    "REPLACED_PRESIDIO_RECOGNIZERS",
    "luhn_valid",
    "project_recognizers",
]
