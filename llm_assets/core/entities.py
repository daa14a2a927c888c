"""Entity types that identify someone on their own: one definition of "high risk", shared by the anonymizer's
defaults, the residual check, the benchmark's headline figure and the memorization probe."""

HIGH_RISK_ENTITIES: tuple[str, ...] = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "US_SSN",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "STREET_ADDRESS",
)

# Entity type names the anonymizer emits (Presidio's names): the label schema that the engine, the audit, reports and
# benchmarks share by import, never by copying the strings.
PERSON = "PERSON"
LOCATION = "LOCATION"
ORGANIZATION = "ORGANIZATION"
TITLE = "TITLE"
DATE_TIME = "DATE_TIME"
DATE_OF_BIRTH = "DATE_OF_BIRTH"
USERNAME = "USERNAME"
LICENSE_PLATE = "LICENSE_PLATE"
NATIONAL_ID = "NATIONAL_ID"
BANK_ACCOUNT = "BANK_ACCOUNT"
# order, tracking, invoice, SKU and ticket numbers: they identify a transaction, not a person (kept by default)
TRANSACTION_REFERENCE = "TRANSACTION_REFERENCE"
# a country, or a state, province or region (a first-level subdivision): a column of them is kept by default, as the
# HIPAA Safe Harbor method keeps states (units smaller than a state, cities and postcodes, are replaced)
REGION = "REGION"
UNANALYZED = "UNANALYZED"  # a run of thousands of characters without a space, replaced whole unanalysed
