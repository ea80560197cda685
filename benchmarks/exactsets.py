"""Exact Jaccard similarity with Python sets, to check what an engine reports.

Deliberately slow and independent of the engine's own verification: the sets are the
engine's shingle hashes (``dedupe.shingle.shingle_many``), or plain word sets for the
peers, and the similarity is computed with ``frozenset`` operations.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

import numpy as np

from dedupe.shingle import shingle_many, unique_per_text

T = TypeVar("T", bound=Hashable)

_BATCH = 10_000


def shingle_sets(texts: Sequence[str], *, ngram: int) -> list[frozenset[int]]:
    """Each text's set of shingle hashes, as ``dedupe`` shingles it (normalized)."""
    sets: list[frozenset[int]] = []
    for low in range(0, len(texts), _BATCH):
        hashes, counts = unique_per_text(*shingle_many(texts[low : low + _BATCH], ngram=ngram))
        bounds = np.cumsum(counts)[:-1]
        sets.extend(frozenset(part.tolist()) for part in np.split(hashes, bounds))
    return sets


def word_sets(texts: Sequence[str]) -> list[frozenset[str]]:
    """Each text's set of whitespace-separated words, not normalized (what the peers get)."""
    return [frozenset(text.split()) for text in texts]


def jaccard(left: frozenset[T], right: frozenset[T]) -> float:
    """Exact Jaccard similarity; 0.0 when either set is empty (such texts never match)."""
    if not left or not right:
        return 0.0
    shared = len(left & right)
    return shared / (len(left) + len(right) - shared)
