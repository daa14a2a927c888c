"""Offset ranges found by overlap without a scan of them all: a table pasted into a message has thousands of cells
and findings, and testing each finding against every cell (or each cell against every finding) made one such
document cost a time that grew with the square of its rows."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, Protocol, TypeVar


class _Span(Protocol):
    start: int
    end: int


T = TypeVar("T", bound=_Span)


class Spans(Generic[T]):
    """Items with ``start``/``end`` offsets; ``overlapping`` gives those that share a character with a range."""

    def __init__(self, items: Sequence[T]):
        self._items = list(items)
        self._order = sorted(range(len(self._items)), key=lambda i: self._items[i].start)
        self._starts = [self._items[i].start for i in self._order]
        self._ends = [self._items[i].end for i in self._order]
        self._reach = list(accumulate(self._ends, max))  # the furthest end of any item sorted at or before each

    def overlapping(self, start: int, end: int) -> list[T]:
        """The items with ``item.start < end`` and ``start < item.end``, in the order they were given."""
        found = []
        j = bisect_left(self._starts, end) - 1  # the last item that starts before ``end``
        while j >= 0 and self._reach[j] > start:
            if self._ends[j] > start:
                found.append(self._order[j])
            j -= 1
        return [self._items[i] for i in sorted(found)]

    def containing(self, start: int, end: int) -> list[T]:
        """The items that hold the whole range ``[start, end)``, in the order they were given."""
        candidates = self.overlapping(start, end) if start < end else self._items  # an empty range touches none
        return [s for s in candidates if s.start <= start and end <= s.end]
