"""The signs of an e-mail address as they are said aloud: "@", "." and the "_" or "-" of a local part, in the languages
of the largest markets (a call transcript spells an address out in its own language: "jan kropka kowalski małpa gmail
kropka com")."""

from __future__ import annotations

SPOKEN_AT = (
    "at arobase arroba chiocciola klammeraffe małpa malpa собака собачка равлик snabel-a apenstaartje zavináč kukac "
    "παπάκι et ät 골뱅이 アットマーク アット 艾特 آت ات اَت שטרודל כרוכית एट ऐट แอท"
).split() + ["a còng", "a móc", "a rond", "at sign", "at the rate", "at the rate of", "ät-merkki"]
SPOKEN_DOT = (
    "dot point punkt punto ponto punt kropka точка крапка tečka pont nokta τελεία ντοτ 점 닷 ドット 点 دوت نقطة نقطه "
    "נקודה डॉट बिंदु ดอท จุด chấm titik punct piste"
).split()
# "_" and "-" in a spelled address's local part: "jose guion bajo ruiz", "priya underscore k"
SPOKEN_JOIN = [
    "underscore", "under score", "guion bajo", "guión bajo", "tiret bas", "unterstrich", "trattino basso",
    "podkreślnik", "podkreślenie", "podtržítko", "alt çizgi", "understreck", "laag streepje", "sublinhado",
    "underline", "dash", "hyphen", "tiret", "guion", "guión", "trattino", "bindestrich", "minus", "myślnik",
    "pomlčka", "streepje", "bindestreck", "hífen", "tire", "kısa çizgi",
]  # fmt: skip
