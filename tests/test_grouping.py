"""Grouping identical texts into distinct texts numbered in priority order, against dicts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.grouping import group_identical, position_mask, priority_keys
from dedupe.settings import Keep

# Few values, so first halves repeat often; some share their top bits but differ below.
HALVES = st.sampled_from([0, 1, 3, 2**40, 2**63, 2**63 + 1, 2**63 + 2**20, 2**64 - 1])


def token_count(first: int, second: int) -> int:
    """Copies have the same tokens: the count is a function of the content."""
    return 1 + (first ^ second) % 4


@pytest.mark.parametrize("keep", ["first", "longest"])
@given(rows=st.lists(st.tuples(HALVES, HALVES, st.booleans()), max_size=60))
def test_distinct_texts_are_numbered_in_priority_order(
    keep: Keep, rows: list[tuple[int, int, bool]]
) -> None:
    """First halves collide often, with and without the second, in full or in top bits."""
    content = np.array([[a, b] for a, b, _ in rows], dtype=np.uint64).reshape(-1, 2)
    counts = [0 if empty else token_count(a, b) for a, b, empty in rows]
    groups = group_identical(content, np.array(counts, dtype=np.int64), keep=keep)

    first_copy: dict[tuple[int, int], int] = {}
    for position, (a, b, empty) in enumerate(rows):
        if not empty:
            first_copy.setdefault((a, b), position)
    if keep == "first":
        expected = sorted(first_copy.values())
    else:
        expected = sorted(first_copy.values(), key=lambda position: (-counts[position], position))
    assert groups.first.tolist() == expected
    assert len(groups) == len(expected)
    for position, (a, b, empty) in enumerate(rows):
        group = groups.group_of[position]
        assert group == (-1 if empty else expected.index(first_copy[(a, b)]))


@pytest.mark.parametrize("keep", ["first", "longest"])
@given(st.lists(st.integers(0, 2**20), max_size=30), st.integers(1, 2**20))
def test_priority_keys_sort_by_policy_and_give_the_position_back(
    keep: Keep, counts: list[int], extra: int
) -> None:
    texts = len(counts) + extra
    positions = np.arange(len(counts), dtype=np.int64) * (extra // max(len(counts), 1) + 1)
    positions = positions[positions < texts]
    counts = counts[: len(positions)]
    keys = priority_keys(positions, np.array(counts, dtype=np.int64), keep=keep, texts=texts)
    assert (keys & position_mask(texts)).tolist() == positions.tolist()
    pairs = list(zip(positions.tolist(), counts, strict=True))
    if keep == "first":
        expected = sorted(pairs)
    else:
        expected = sorted(pairs, key=lambda pair: (-pair[1], pair[0]))
    assert [pairs[index] for index in np.argsort(keys).tolist()] == expected


def test_longest_counts_too_large_for_their_bits_tie_in_input_order() -> None:
    counts = np.array([5, 2**62, 2**61, 7], dtype=np.int64)
    keys = priority_keys(np.arange(4, dtype=np.int64), counts, keep="longest", texts=4)
    assert np.argsort(keys).tolist() == [1, 2, 3, 0]
