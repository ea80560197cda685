"""The array idioms of ``dedupe.arrays`` against NumPy's own and plain Python."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedupe.arrays import (
    Growing,
    gather_segments,
    pair_codes,
    pairs_of_codes,
    positions_in_segments,
    run_ids,
    run_starts,
    segment_starts,
    sort_order,
    sort_segments,
    sorted_unique,
)

# Keys that differ only in the low bits the packed sort drops, repeats, and full-width keys.
KEYS = (
    st.integers(0, 15).map(lambda low: (3 << 60) | low)
    | st.integers(0, 3)
    | st.integers(0, 2**64 - 1)
)


@given(st.lists(KEYS, max_size=80))
def test_sort_order_equals_a_stable_argsort(keys: list[int]) -> None:
    array = np.array(keys, dtype=np.uint64)
    order = sort_order(array)
    assert order.dtype == np.int64
    np.testing.assert_array_equal(order, np.argsort(array, kind="stable"))


def only_repeated(order: np.ndarray, *columns: np.ndarray) -> list[int]:
    """The rows of ``order`` whose columns equal another row's."""
    seen = [tuple(int(column[row]) for column in columns) for row in order.tolist()]
    return [row for row, value in zip(order.tolist(), seen, strict=True) if seen.count(value) > 1]


@given(st.lists(KEYS, max_size=80))
def test_sort_order_of_repeated_rows_only_drops_the_unique_keys(keys: list[int]) -> None:
    array = np.array(keys, dtype=np.uint64)
    expected = only_repeated(np.argsort(array, kind="stable"), array)
    assert sort_order(array, repeated_only=True).tolist() == expected


def test_sort_order_of_repeated_rows_when_low_bits_collide() -> None:
    """Keys equal in every low bit the counting pass looks at, unique or repeated."""
    keys = (np.arange(3_000, dtype=np.uint64) % np.uint64(1_100)) << np.uint64(40)
    expected = only_repeated(np.argsort(keys, kind="stable"), keys)
    assert sort_order(keys, repeated_only=True).tolist() == expected


@given(st.lists(st.lists(KEYS, max_size=20), max_size=12), st.sampled_from([0, 70, 300]))
def test_sort_segments_sorts_each_segment_in_place(segments: list[list[int]], long: int) -> None:
    """Segments of every padded width, including the largest value itself."""
    segments = [*segments, [2**64 - 1, 0, 2**64 - 1], list(range(long, 0, -1))]
    values = np.array([value for segment in segments for value in segment], dtype=np.uint64)
    counts = np.array([len(segment) for segment in segments], dtype=np.int64)
    expected = [value for segment in segments for value in sorted(segment)]
    assert sort_segments(values, counts).tolist() == expected


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), max_size=40))
def test_runs_of_sorted_rows(rows: list[tuple[int, int]]) -> None:
    rows = sorted(rows)
    first = np.array([a for a, _ in rows], dtype=np.int64)
    second = np.array([b for _, b in rows], dtype=np.int64)
    starts = run_starts(first, second)
    expected = [index == 0 or rows[index] != rows[index - 1] for index in range(len(rows))]
    assert starts.tolist() == expected
    ids = run_ids(starts).tolist()
    assert ids == [sorted(set(rows)).index(row) for row in rows]
    assert run_starts(first).tolist() == [
        index == 0 or rows[index][0] != rows[index - 1][0] for index in range(len(rows))
    ]


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=40))
def test_pairs_round_trip_through_codes(
    pairs: list[tuple[int, int]],
) -> None:
    array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    np.testing.assert_array_equal(pairs_of_codes(pair_codes(array, 7), 7), array)


@given(st.lists(st.integers(-5, 5) | st.integers(-(2**62), 2**62), max_size=50))
def test_sorted_unique_equals_np_unique(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    np.testing.assert_array_equal(sorted_unique(array), np.unique(array))


@given(st.lists(st.integers(0, 5), max_size=12), st.data())
def test_segments_of_a_flat_array(counts: list[int], data: st.DataObject) -> None:
    array = np.array(counts, dtype=np.int64)
    starts = [sum(counts[:index]) for index in range(len(counts))]
    assert segment_starts(array).tolist() == starts
    assert positions_in_segments(array).tolist() == [i for count in counts for i in range(count)]
    chosen = data.draw(st.lists(st.integers(0, len(counts) - 1), max_size=8)) if counts else []
    gathered = gather_segments(
        np.array([starts[i] for i in chosen], dtype=np.int64),
        np.array([counts[i] for i in chosen], dtype=np.int64),
    )
    assert gathered.tolist() == [starts[i] + k for i in chosen for k in range(counts[i])]


@given(st.lists(st.lists(st.integers(0, 99), max_size=700), max_size=8))
def test_a_growing_array_holds_everything_appended_in_order(parts: list[list[int]]) -> None:
    grown = Growing(np.array([7, 8], dtype=np.int64))
    for part in parts:
        grown.append(np.array(part, dtype=np.int64))
    expected = [7, 8, *(value for part in parts for value in part)]
    assert grown.values.tolist() == expected
    assert len(grown) == len(expected)


def test_a_growing_array_keeps_its_row_shape_and_never_writes_into_its_initial_array() -> None:
    initial = np.zeros((1, 2), dtype=np.uint64)
    grown = Growing(initial)
    grown.append(np.ones((3, 2), dtype=np.uint64))
    assert grown.values.tolist() == [[0, 0], [1, 1], [1, 1], [1, 1]]
    assert initial.tolist() == [[0, 0]]
