"""Usernames and handles, by their syntax and position: ``@mentions``, the speaker labels of chat logs and exported
conversations, and the value after the words that announce a login ("my username is", "Benutzername:").

A speaker label is the token a chat client writes before each message — ``<nick>``, ``nick:`` after a timestamp,
``12/31/20, 9:41 PM - Name:`` — recognized by where it stands (line start, after an optional time stamp) and by
recurring, never by a list of clients. Role words ("Agent", "Customer", "Support") are ordinary words and stay.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.gazetteers import Gazetteers, fold
from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding
from llm_assets.core.entities import PERSON, USERNAME

_MENTION = re.compile(r"(?<![\w.@/+-])@(?P<h>[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]{0,38}[\p{L}\p{N}_])?)(?![\p{L}\p{N}_@])")
# an optional time stamp or date before the label: "[09:14]", "(10:02:11)", "2024-03-01 10:00", "12/31/20, 9:41 PM -"
_STAMP = r"(?:[\[(]?[\d/.:\-T ,]{4,24}(?:\s?[AaPp]\.?[Mm]\.?)?[\])]?[ \t]*(?:-[ \t]+)?)?"
# ... or after it: "nick (04:53:39):", "Name [10:01 AM]:", "Name, 9:41 PM:"
_AFTER_STAMP = (
    r"(?:[ \t]*,?[ \t]*[\[(]?(?:\d{2,4}[-/.]\d{1,2}[-/.]\d{1,4}[ \tT,]*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"
    r"(?:[ \t]?[AaPp]\.?[Mm]\.?)?[\])]?)?"
)
SPEAKER_LABEL = re.compile(
    rf"(?m)^[ \t]*{_STAMP}(?:<(?P<angle>[^<>\s]{{2,32}})>|(?P<colon>[^\s:<>\[\](){{}}\"']{{2,32}}|"
    rf"\p{{Lu}}[\p{{L}}'’-]+(?:[ \t]\p{{Lu}}[\p{{L}}'’.-]+){{1,2}}){_AFTER_STAMP}[ \t]*:(?=[ \t]|$))"
)
_ANNOUNCED = re.compile(
    r"(?i:\b(?:user[ -]?name|user[ -]?id|login(?:[ -]?(?:name|id))?|handle|nick(?:name)?|screen[ -]?name|"
    r"gamertag|account[ -]?name|benutzer(?:name|kennung)?|nom d'utilisateur|identifiant|usuario|nome utente|"
    r"gebruikersnaam|nazwa użytkownika|användarnamn|brugernavn|brukernavn|käyttäjätunnus)"
    r"(?:\s+(?:is|was|ist|est|es|è|é|is\s+just))?\s*[:=]?\s*)"
    r"[\"'“‘]?(?P<value>[\p{L}\p{N}_][\p{L}\p{N}_.@-]{1,38}[\p{L}\p{N}_])"
)
_SYMBOLS = re.compile(r"[\d_.]")
# a user name by its shape alone: words joined by underscores with a number ("noah_brown_6181", "jill_2059")
_SNAKE_HANDLE = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)*_\d{2,}(?![\w@]|\.[A-Za-z])")


class HandleRecognizer(SpanRecognizer):
    ENTITIES = (USERNAME, PERSON)

    def __init__(self, gazetteers: Gazetteers) -> None:
        super().__init__()
        self.g = gazetteers

    def find(self, text: str) -> Iterable:
        for m in _MENTION.finditer(text):
            yield finding(USERNAME, m.start("h") - 1, m.end("h"), 0.85, self.name)
        for m in _SNAKE_HANDLE.finditer(text):
            yield finding(USERNAME, m.start(), m.end(), 0.7, self.name)
        for m in _ANNOUNCED.finditer(text):
            value = m.group("value")
            if self.g.zipf(value) < 5.0 and value.lower() not in ("is", "was", "the", "my"):
                yield finding(USERNAME, m.start("value"), m.end("value"), 0.85, self.name)
        yield from self._labels(text)

    def _common(self, label: str) -> bool:
        words = label.replace("-", " ").replace("_", " ").split()
        return all(self.g.zipf(w) >= 3.5 for w in words)

    def _first_name(self, word: str) -> bool:
        return 0 < self.g.first_names.get(fold(word), 0) <= 1000 and self.g.zipf(word) < 6.0

    def _labels(self, text: str) -> Iterable:
        labels = []
        for m in SPEAKER_LABEL.finditer(text):
            group = "angle" if m.group("angle") else "colon"
            labels.append((m.start(group), m.end(group), m.group(group), group))
        if not labels:
            return
        recurring = Counter(label.casefold() for _, _, label, _ in labels)
        lines_with_labels = len(labels)
        for start, end, label, group in labels:
            if "@" in label or "://" in label or label.replace(".", "").isdigit():
                continue
            words = label.split()
            if len(words) > 1:  # "Anna Berg:" speaking on several lines of a conversation
                if recurring[label.casefold()] >= 2 and lines_with_labels >= 3 and not self._common(label):
                    yield finding(PERSON, start, end, 0.7, self.name)
                continue
            symbols = bool(_SYMBOLS.search(label))
            # in a log of three or more turns, a label that speaks once is a speaker too
            speaker = group == "angle" or symbols or recurring[label.casefold()] >= 2 or lines_with_labels >= 3
            if not speaker or (group == "colon" and label[0].isupper() and not symbols):
                continue  # "Note:", "Subject:", a capitalized single word: the name recognizers decide
            if not symbols and self._first_name(label):
                yield finding(PERSON, start, end, 0.75, self.name)  # "james:" speaking in a transcript
            elif symbols or not self._common(label):
                yield finding(USERNAME, start, end, 0.8 if symbols or group == "angle" else 0.65, self.name)
            # else a role word ("agent:", "caller:", "support:"), which stays
