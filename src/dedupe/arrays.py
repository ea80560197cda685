"""Small array idioms every stage uses: run starts, pair codes and one packed sort.

Each is written once here and named for what it does, so a stage reads as its idea
rather than as index arithmetic.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

from dedupe.hashing import I64, U64

Mask = npt.NDArray[np.bool_]
T = TypeVar("T", bound=np.generic)


def run_starts(*columns: npt.NDArray[np.generic]) -> Mask:
    """Where a run of equal rows begins in sorted ``columns`` (True at row 0 and at changes)."""
    starts = np.ones(len(columns[0]), dtype=bool)
    if len(starts) > 1:
        changed = columns[0][1:] != columns[0][:-1]
        for column in columns[1:]:
            changed |= column[1:] != column[:-1]
        starts[1:] = changed if changed.ndim == 1 else changed.any(axis=1)
    return starts


def in_runs(*columns: npt.NDArray[np.generic]) -> Mask:
    """Which rows of sorted ``columns`` belong to a run of at least two equal rows."""
    repeated = ~run_starts(*columns)
    repeated[:-1] |= repeated[1:]
    return repeated


def run_ids(starts: Mask) -> I64:
    """The number of each row's run, from ``run_starts``."""
    ids: I64 = np.cumsum(starts) - 1
    return ids


def pair_codes(pairs: I64, count: int) -> I64:
    """One int64 per ``(a, b)`` row with both below ``count``: ``a * count + b``."""
    codes: I64 = pairs[:, 0] * max(count, 1) + pairs[:, 1]
    return codes


def pairs_of_codes(codes: I64, count: int) -> I64:
    """The ``(a, b)`` rows of ``pair_codes``, as an ``(m, 2)`` int64 array."""
    count = max(count, 1)
    return np.stack((codes // count, codes % count), axis=1).astype(np.int64)


def sorted_unique(values: I64) -> I64:
    """The distinct values, sorted: ``np.unique`` without its import of ``numpy.ma``.

    ``np.unique`` imports the masked-array module on first use (about 15 ms), which
    counts for the command line's start-up on small inputs.
    """
    ordered = np.sort(values)
    return ordered[run_starts(ordered)]


def sort_order(keys: U64, *, repeated_only: bool = False) -> I64:
    """Indices that sort rows by ``(key, index)``: a stable ``argsort``, several times faster.

    ``argsort`` on 64-bit keys is several times slower than one ``np.sort`` of int64
    words, so each word packs as many top bits of the key as fit above the row index,
    which is read back as the order (narrow keys, such as 32-bit band keys, fit whole).
    Rows whose words tie on the top bits but whose full keys are out of order (rare:
    hash keys almost never share their top bits) are sorted again exactly.

    With ``repeated_only`` only the rows that share their key with another row are
    returned: what cutting buckets needs, where most keys are unique. Keys must then be
    hashes (well mixed low bits): a count of their low bits rules out most unique rows
    before anything is sorted.
    """
    if repeated_only:
        rows = _maybe_repeated(keys)
        return rows[_sort_order(keys[rows], repeated_only=True)]
    return _sort_order(keys, repeated_only=False)


_REPEAT_TABLE_BITS = (10, 24)
"""Bounds of the low key bits counted to rule out unique keys (a table of 8 KiB to 128 MiB)."""


def _maybe_repeated(keys: U64) -> I64:
    """Ascending rows whose key's low bits are shared with another row: a superset of the
    rows with a repeated key, found in one counting pass (about ten times faster than a
    sort). The table has four slots per key, so about a quarter of unique keys remain."""
    low, high = _REPEAT_TABLE_BITS
    bits = min(high, max(low, (4 * len(keys)).bit_length()))
    slots = (keys & np.uint64((1 << bits) - 1)).astype(np.intp)
    rows: I64 = np.flatnonzero(np.bincount(slots, minlength=1 << bits)[slots] > 1)
    return rows


def _sort_order(keys: U64, *, repeated_only: bool) -> I64:
    count = len(keys)
    if count == 0:
        return np.empty(0, dtype=np.int64)
    index_bits = max(1, (count - 1).bit_length())
    width = max(1, int(keys.max()).bit_length())  # 32 for band keys: they pack whole
    key_bits = min(width, 63 - index_bits)  # at least 23 for any array that fits in memory
    words = (keys >> np.uint64(width - key_bits)).view(np.int64) << index_bits
    words |= np.arange(count, dtype=np.int64)
    words.sort()
    group = words >> index_bits
    if repeated_only:
        repeated = in_runs(group)
        words, group = words[repeated], group[repeated]
    order: I64 = words & ((1 << index_bits) - 1)
    ordered = keys[order]
    unordered = (group[1:] == group[:-1]) & (ordered[1:] < ordered[:-1])
    if unordered.any():
        rows = np.flatnonzero(np.isin(group, group[1:][unordered]))  # whole tied groups
        exact = np.lexsort((order[rows], ordered[rows], group[rows]))
        order[rows], ordered[rows] = order[rows][exact], ordered[rows][exact]
    if repeated_only:
        order = order[in_runs(group, ordered)]  # tied words, but also the same key
    return order


def sort_segments(values: U64, counts: I64) -> U64:
    """Each segment of a flat (CSR) array sorted on its own; segments keep their places.

    Segments become padded rows (``padded_rows``) sorted along rows: NumPy sorts short
    rows with sorting networks, tens of times faster per element than one flat sort.
    """
    result = np.empty_like(values)
    starts = segment_starts(counts)
    for rows, width in padded_blocks(counts):
        flat = gather_segments(starts[rows], counts[rows])
        padded = padded_rows(values[flat], counts[rows], width=width)
        padded.sort(axis=1)
        result[flat] = padded.ravel()[padded_cells(counts[rows], width=width)]
    return result


PADDED_BLOCK_VALUES = 1 << 18
"""Cells of padded rows handled at once: temporaries of a few MiB that stay in cache."""


def padded_blocks(lengths: I64) -> list[tuple[I64, int]]:
    """Rows grouped by the power-of-two width (at least 8) that holds their ``lengths``,
    in blocks of about ``PADDED_BLOCK_VALUES`` cells: ``(rows, width)`` pairs."""
    exponents = np.frexp(np.maximum(lengths - 1, 7).astype(np.float64))[1]
    widths = np.left_shift(1, exponents.astype(np.int64))
    blocks: list[tuple[I64, int]] = []
    for width in sorted_unique(widths).tolist():
        rows = np.flatnonzero(widths == width)
        step = max(1, PADDED_BLOCK_VALUES // width)
        blocks.extend((rows[low : low + step], width) for low in range(0, len(rows), step))
    return blocks


def padded_cells(lengths: I64, *, width: int) -> I64:
    """Flat indices of the first ``lengths[i]`` cells of each row ``i`` of width ``width``."""
    return gather_segments(np.arange(len(lengths), dtype=np.int64) * width, lengths)


def padded_rows(values: U64, lengths: I64, *, width: int) -> U64:
    """Consecutive segments of ``values`` as the rows of a ``(rows, width)`` array, padded
    with the largest ``uint64``: sorted, a row's first ``length`` values are exactly its
    segment's, sorted, whatever those values are."""
    padded = np.full(len(lengths) * width, np.iinfo(np.uint64).max, dtype=np.uint64)
    padded[padded_cells(lengths, width=width)] = values
    return padded.reshape(len(lengths), width)


def segment_starts(counts: I64) -> I64:
    """Start offset of each segment of a flat (CSR) array whose segment lengths are ``counts``."""
    starts = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=starts[1:])
    return starts


def positions_in_segments(counts: I64) -> I64:
    """For each element of the flat array, its position inside its own segment."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(segment_starts(counts), counts)


def gather_segments(starts: I64, counts: I64) -> I64:
    """Flat indices of the segments ``[start, start + count)``, concatenated in order."""
    offsets = np.repeat(starts - segment_starts(counts), counts)
    return np.arange(int(counts.sum()), dtype=np.int64) + offsets


class Growing(Generic[T]):
    """An array that grows at its end, doubling its capacity: appending is amortized O(added).

    ``values`` is a view of what was appended (its rows, for a 2-d array); it stays valid
    until the next ``append``.
    """

    def __init__(self, initial: npt.NDArray[T]) -> None:
        self._array = initial
        self._used = len(initial)

    def __len__(self) -> int:
        return self._used

    @property
    def values(self) -> npt.NDArray[T]:
        return self._array[: self._used]

    def append(self, rows: npt.NDArray[T]) -> None:
        """Add ``rows`` (of the same dtype and row shape) at the end."""
        needed = self._used + len(rows)
        if needed > len(self._array):
            grown = np.empty(
                (max(needed, 2 * len(self._array), 1024), *self._array.shape[1:]),
                dtype=self._array.dtype,
            )
            grown[: self._used] = self._array[: self._used]
            self._array = grown
        self._array[self._used : needed] = rows
        self._used = needed
