"""Pipeline pieces that are not a stage of their own."""

from __future__ import annotations

import numpy as np

from dedupe.hashing import I64
from dedupe.pipeline import KnownSimilarities
from dedupe.verify import F64


class CountingFallback:
    """A ``Similarity`` that records the pairs it was asked for."""

    def __init__(self) -> None:
        self.asked: list[list[int]] = []

    def jaccard(self, pairs: I64) -> F64:
        self.asked.extend(pairs.tolist())
        return np.full(len(pairs), 0.5)


def test_known_pairs_are_answered_in_either_order_and_others_asked() -> None:
    fallback = CountingFallback()
    known = KnownSimilarities(fallback, np.array([[1, 4], [0, 2]]), np.array([0.9, 0.75]), count=5)
    asked = np.array([[4, 1], [0, 2], [2, 3], [1, 4]])
    assert known.jaccard(asked).tolist() == [0.9, 0.75, 0.5, 0.9]
    assert fallback.asked == [[2, 3]]


def test_nothing_known_asks_the_fallback_for_everything() -> None:
    fallback = CountingFallback()
    known = KnownSimilarities(fallback, np.empty((0, 2), np.int64), np.empty(0), count=3)
    assert known.jaccard(np.array([[0, 1]])).tolist() == [0.5]
    assert fallback.asked == [[0, 1]]
