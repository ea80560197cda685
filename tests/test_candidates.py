"""Candidate pairs under the bucket-head rule, against dict buckets in plain Python."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dedupe.candidates import BUCKET_HEAD, bucket_pairs, candidate_pairs, ranked_bucket_pairs


def brute_bucket_pairs(keys: list[int], *, head: int) -> set[tuple[int, int]]:
    """Rows bucketed by key in a dict, in row order: each row with the earlier of the head."""
    buckets: dict[int, list[int]] = {}
    for row, key in enumerate(keys):
        buckets.setdefault(key, []).append(row)
    return {
        (earlier, later)
        for members in buckets.values()
        for rank, later in enumerate(members)
        for earlier in members[: min(rank, head)]
    }


def brute_candidate_pairs(
    rows: list[list[int]], *, head: int, shared: int = 1
) -> list[tuple[int, int]]:
    """Per band, ``brute_bucket_pairs`` of its column; the pairs of ``shared`` bands, sorted."""
    bands: dict[tuple[int, int], int] = {}
    for band in range(len(rows[0]) if rows else 0):
        for pair in brute_bucket_pairs([row[band] for row in rows], head=head):
            bands[pair] = bands.get(pair, 0) + 1
    return sorted(pair for pair, count in bands.items() if count >= shared)


def as_set(pairs: np.ndarray) -> set[tuple[int, int]]:
    found = [(int(a), int(b)) for a, b in pairs.tolist()]
    assert len(found) == len(set(found)), "no pair is repeated"
    return set(found)


# Keys that differ only in the low bits the packed sort drops, and full-width ones.
NEAR_KEYS = st.integers(0, 7).map(lambda low: (5 << 40) | low) | st.integers(0, 2**64 - 1)


def test_each_text_pairs_with_the_earlier_texts_of_its_bucket() -> None:
    keys = np.array([5, 7, 5, 5, 7, 9], dtype=np.uint64)
    assert as_set(bucket_pairs(keys)) == {(0, 2), (0, 3), (2, 3), (1, 4)}


def test_only_the_first_head_texts_of_a_bucket_are_partners() -> None:
    keys = np.zeros(6, dtype=np.uint64)
    pairs = as_set(bucket_pairs(keys, head=2))
    assert pairs == {(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (0, 4), (1, 4), (0, 5), (1, 5)}


def test_keys_differing_only_in_low_bits_are_still_separate_buckets() -> None:
    """Buckets are equal keys, not keys that are merely close (8 and 9 share all high bits)."""
    keys = np.array([8, 9, 8, 9, 40], dtype=np.uint64)
    assert as_set(bucket_pairs(keys)) == {(0, 2), (1, 3)}


def test_a_hub_bucket_costs_at_most_head_pairs_per_text() -> None:
    count = 1_000
    pairs = bucket_pairs(np.full(count, 42, dtype=np.uint64))
    head = BUCKET_HEAD
    assert len(pairs) == head * (head - 1) // 2 + (count - head) * head
    assert np.all(pairs[:, 0] < pairs[:, 1])
    assert int(pairs[:, 0].max()) == head - 1


@given(
    st.lists(st.integers(0, 6) | NEAR_KEYS, max_size=80),
    st.integers(1, 5) | st.just(BUCKET_HEAD),
)
def test_bucket_pairs_equal_dict_buckets(keys: list[int], head: int) -> None:
    found = bucket_pairs(np.array(keys, dtype=np.uint64), head=head)
    assert found.dtype == np.int64
    assert found.shape[1:] == (2,)
    assert as_set(found) == brute_bucket_pairs(keys, head=head)


@given(st.lists(st.integers(0, 4) | NEAR_KEYS, max_size=60))
def test_bucket_ranks_count_the_earlier_texts_of_the_bucket(keys: list[int]) -> None:
    expected = [keys[:row].count(key) for row, key in enumerate(keys)]
    assert ranked_bucket_pairs(np.array(keys, dtype=np.uint64))[1].tolist() == expected


@pytest.mark.parametrize("workers", [1, 3])
@given(
    keys=hnp.arrays(
        np.uint64, st.tuples(st.integers(0, 40), st.integers(1, 5)), elements=st.integers(0, 3)
    ),
    head=st.integers(1, 4),
    shared=st.integers(1, 3),
    spilled=st.booleans(),
)
def test_candidates_one_band_at_a_time_equal_dict_buckets_of_all_bands(
    keys: np.ndarray, head: int, shared: int, spilled: bool, workers: int
) -> None:
    """Few key values, so pairs repeat across bands and are merged more than once, in
    memory or counted in files by range of the earlier text."""
    columns = (keys[:, band] for band in range(keys.shape[1]))
    with tempfile.TemporaryDirectory() as folder:
        found = candidate_pairs(
            columns,
            count=len(keys),
            head=head,
            shared=shared,
            workers=workers,
            spill=Path(folder) if spilled else None,
        )
        assert list(Path(folder).iterdir()) == []
    assert [tuple(pair) for pair in found.tolist()] == brute_candidate_pairs(
        keys.tolist(), head=head, shared=shared
    )


def test_a_pair_that_met_in_one_band_only_is_not_a_candidate_when_two_are_asked() -> None:
    columns = [np.array([1, 1, 2], np.uint64), np.array([3, 4, 4], np.uint64)]
    assert candidate_pairs(columns, count=3, shared=1).tolist() == [[0, 1], [1, 2]]
    assert candidate_pairs(columns, count=3, shared=2).tolist() == []
    both = [np.array([1, 1, 2], np.uint64), np.array([3, 3, 4], np.uint64)]
    assert candidate_pairs(both, count=3, shared=2).tolist() == [[0, 1]]


def test_no_texts_or_no_bands_give_no_candidates() -> None:
    assert candidate_pairs([], count=0).shape == (0, 2)
    assert candidate_pairs([np.empty(0, np.uint64)] * 3, count=0).shape == (0, 2)
    assert bucket_pairs(np.empty(0, np.uint64)).shape == (0, 2)
