"""East Slavic full names by their patronymic: "Бондаренко Софія Петрівна", "ковальчук людмила миколаївна", "Олег
Іванович", "Ivan Petrovych Shevchenko". A patronymic's suffix marks the words beside it as a name in any case and in
either order (a form's or a call's surname-first order), where a first-name list may not know the given name."""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from llm_assets.core.anonymization.recognizers.base import SpanRecognizer, finding
from llm_assets.core.entities import PERSON

_PATRONYMIC = (
    r"[\p{Cyrillic}'’ʼ]{2,}(?:ович|евич|євич|йович|івна|ївна|овна|евна|ьовна)"
    r"|[\p{Latin}]{2,}(?:ovych|evych|ovich|evich|ivna|yivna|ovna|evna)"
)
_NAME_WORD = r"[\p{L}'’ʼ-]{2,20}"
PATRONYMIC_NAME = re.compile(
    rf"(?i)(?<![\p{{L}}\p{{N}}])(?P<before>(?:{_NAME_WORD}[ \t]+){{1,2}})(?P<patronymic>{_PATRONYMIC})"
    rf"(?P<after>[ \t]+{_NAME_WORD})?(?![\p{{L}}\p{{N}}])"
)


class PatronymicNameRecognizer(SpanRecognizer):
    """The patronymic and the one or two words before it written as it is (capitalized, or all in small letters as
    a speech-to-text transcript writes them: "мене звати Олег Іванович", "ковальчук людмила миколаївна"); a
    capitalized surname right after a capitalized one ("Ivan Petrovych Shevchenko"), never a label ("... Петрівна
    Лінія:"). Word frequencies cannot tell a given name from a verb here (names are frequent words), the case can."""

    ENTITIES = (PERSON,)

    def find(self, text: str) -> Iterable:
        from llm_assets.core.anonymization.gazetteers import current_language, zipf_in

        language = current_language()
        for m in PATRONYMIC_NAME.finditer(text):
            upper = m.group("patronymic")[:1].isupper()
            words = [w for w in re.finditer(_NAME_WORD, m.group("before"))]
            while words and (words[0].group(0)[:1].isupper() != upper):
                words.pop(0)
            # in small letters, the farther word only when it is no function word ("мене звати олег іванович")
            if len(words) == 2 and not upper and zipf_in(words[0].group(0).lower(), language) >= 5.5:
                words.pop(0)
            if not words or any(w.group(0)[:1].isupper() != upper for w in words):
                continue
            start, end = m.start("before") + words[0].start(), m.end("patronymic")
            after = m.group("after")
            if after and upper and after.strip()[:1].isupper() and not text[m.end("after") :].startswith(":"):
                end = m.end("after")
            yield finding(PERSON, start, end, 0.8, self.name)
