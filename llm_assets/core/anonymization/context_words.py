"""Presidio's context enhancer with its per-finding scans indexed: the same scores in linear time.

``LemmaContextAwareEnhancer`` looks for each finding's token by walking the document's tokens from the start, and
collects its context words by walking the lemmas while testing each one against the document's keyword *list*. A
table pasted into a message holds hundreds of findings between long runs of punctuation and digits that are no
keywords, so each finding walked most of the document at a cost that grows with its length: a 200-row table took
half a minute, a 400-row one minutes, one document holding a worker that long. Here the token a finding starts in is
found by bisection over the tokens' end offsets and the context words are read from the positions of the lemmas
that are keywords, both computed once per document (the last document's are kept; a lookup checks it holds the same
objects, so concurrent callers at worst compute them again).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer


class IndexedLemmaContextEnhancer(LemmaContextAwareEnhancer):
    """``LemmaContextAwareEnhancer`` (same parameters, same results) with indexed lookups."""

    _tokens: tuple | None = None  # (tokens_indices, token end offsets), or None where an empty token forbids bisection
    _keywords: tuple | None = None  # (lemmas, keywords, lower-case lemmas, positions of keyword lemmas)

    def _find_index_of_match_token(self, word: str, start: int, tokens, tokens_indices: list[int]) -> int:
        held = self._tokens
        if held is None or held[0] is not tokens_indices:
            ends = [i + len(t) for i, t in zip(tokens_indices, tokens, strict=True)]
            held = (tokens_indices, ends if all(len(t) for t in tokens) else None)
            self._tokens = held
        ends = held[1]
        if ends is None:  # the scan's condition is monotone over offsets only when every token has a length
            return LemmaContextAwareEnhancer._find_index_of_match_token(word, start, tokens, tokens_indices)
        # the scan stops at the first token that starts at ``start`` or ends after it: the first end after it
        i = bisect_right(ends, start)
        if i == len(ends):
            raise ValueError(f"Did not find word '{word}' in the list of tokens although it is expected to be found")
        return i

    def _keyword_positions(self, lemmas: list[str], keywords: list[str]) -> tuple[list[str], list[int]]:
        held = self._keywords
        if held is None or held[0] is not lemmas or held[1] is not keywords:
            wanted = set(keywords)
            lowered = [lemma.lower() for lemma in lemmas]
            held = (lemmas, keywords, lowered, [i for i, lemma in enumerate(lowered) if lemma in wanted])
            self._keywords = held
        return held[2], held[3]

    def _add_n_words_backward(self, index: int, n_words: int, lemmas: list[str], keywords: list[str]) -> list[str]:
        if not 0 <= index < len(lemmas):
            return []
        lowered, positions = self._keyword_positions(lemmas, keywords)
        end = bisect_right(positions, index)  # keyword lemmas at or before ``index``, nearest first
        return [lowered[i] for i in reversed(positions[max(0, end - (n_words + 1)) : end])]

    def _add_n_words_forward(self, index: int, n_words: int, lemmas: list[str], keywords: list[str]) -> list[str]:
        if not 0 <= index < len(lemmas):
            return []
        lowered, positions = self._keyword_positions(lemmas, keywords)
        begin = bisect_left(positions, index)  # keyword lemmas at or after ``index``, nearest first
        return [lowered[i] for i in positions[begin : begin + n_words + 1]]
