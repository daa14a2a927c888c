"""Words that recognizers of different kinds share, kept below them all so that none imports another for them."""

from __future__ import annotations

# the word for years of age after a number, in the languages of the largest markets
YEARS = (
    r"years?|yrs?|jahre?n?|ans?|años|anos|anni|jaar|lat|lata|år|vuotta|let|roků|ετών|έτη|χρονών|χρόνια|лет|года|год|років|роки|"
    r"рік|שנים|שנה|سنة|سنوات|عاما|عامًا|سال|साल|वर्ष|ปี|yaşında|yaş|歳|才|岁|歲|年|살|세"
)
# Designators that can only be an address when written before a name (the others also mean other things).
UNAMBIGUOUS_PREFIXES = set(
    "Rue Avenida Avda Calle Carrer Carretera Paseo Travesía Viale Piazza Piazzale Vicolo Contrada Lungomare Rua "
    "Travessa Praça Alameda Estrada Rodovia Chemin Impasse Allée Quai Ulica Ul Aleja Plac Osiedle Bulevardul Calea "
    "Piața Aleea Ulice Náměstí Třída Ulitsa Prospekt Odos Leoforos".split()
)
