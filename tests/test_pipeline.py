"""Pipeline pieces that are not a stage of their own."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.hashing import I64
from dedupe.pipeline import KnownSimilarities, concatenate_parts, group_by_content
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


# Few values, so first halves repeat often; some share their top bits but differ below.
HALVES = st.sampled_from([0, 1, 3, 2**40, 2**63, 2**63 + 1, 2**63 + 2**20, 2**64 - 1])


@given(rows=st.lists(st.tuples(HALVES, HALVES, st.integers(0, 2)), min_size=0, max_size=60))
def test_grouping_orders_distinct_texts_by_content_hash_first_copy_leading(
    rows: list[tuple[int, int, int]],
) -> None:
    """First halves collide often, with and without the second, in full or in top bits."""
    content = np.array([[a, b] for a, b, _ in rows], dtype=np.uint64).reshape(-1, 2)
    counts = np.array([tokens for _, _, tokens in rows], dtype=np.int64)
    groups = group_by_content(content, counts)

    first_copy: dict[tuple[int, int], int] = {}
    for position, (a, b, tokens) in enumerate(rows):
        if tokens:
            first_copy.setdefault((a, b), position)
    expected = [first_copy[key] for key in sorted(first_copy)]
    assert groups.representatives.tolist() == expected
    for position, (a, b, tokens) in enumerate(rows):
        group = groups.group_of[position]
        assert group == (expected.index(first_copy[(a, b)]) if tokens else -1)


@given(st.lists(st.lists(st.integers(0, 9), max_size=30), min_size=1, max_size=12))
def test_parts_are_concatenated_as_np_concatenate_does(sizes: list[list[int]]) -> None:
    """Uneven parts make the output grow more than once."""
    parts = []
    for number, part_counts in enumerate(sizes):
        counts = np.array(part_counts, dtype=np.int64)
        parts.append((np.full(int(counts.sum()), number, dtype=np.uint64), counts))
    values, counts = concatenate_parts(iter(parts), texts=sum(map(len, sizes)))
    np.testing.assert_array_equal(values, np.concatenate([part[0] for part in parts]))
    np.testing.assert_array_equal(counts, np.concatenate([part[1] for part in parts]))


def test_parts_that_do_not_cover_the_texts_are_refused() -> None:
    part = (np.arange(3, dtype=np.uint64), np.array([1, 2]))
    with pytest.raises(ValueError, match="cover 2 texts, expected 3"):
        concatenate_parts([part], texts=3)
