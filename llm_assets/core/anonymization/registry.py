"""Presidio's recognizer registry, answering in one order in every process."""

from __future__ import annotations

from presidio_analyzer import RecognizerRegistry


class StableRegistry(RecognizerRegistry):
    """``RecognizerRegistry`` whose ``get_recognizers`` lists the recognizers in the order they were added.

    Presidio's gathers them in a ``set`` (hashed by object address), and the order it returns decides which of two
    recognizers' equal findings ``remove_duplicates`` keeps: two processes (a worker pool and Ray actors, or two
    runs) audited one span under two recognizer names."""

    def get_recognizers(self, *args, **kwargs):
        position = {id(r): i for i, r in enumerate(self.recognizers)}
        found = super().get_recognizers(*args, **kwargs)
        return sorted(found, key=lambda r: (position.get(id(r), len(position)), r.name))
