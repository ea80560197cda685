"""Verification: the exact Jaccard similarity of candidate pairs, vectorized.

Works on CSR shingle *sets* (see ``shingle.unique_per_text``). For a chunk of pairs the
two sets of each pair are concatenated with the pair's number, sorted, and equal
neighbours counted: that is the intersection; the union follows from the set sizes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dedupe.hashing import I64, U64, gather_segments, segment_starts, sort_by_owner

F64 = npt.NDArray[np.float64]

_CHUNK_ELEMENTS = 1 << 20  # shingles sorted at once: bounds memory (~40 MB)


def jaccard_pairs(sets: U64, counts: I64, pairs: I64) -> F64:
    """Exact Jaccard similarity of each ``(i, j)`` row of ``pairs`` over CSR shingle sets.

    A pair where both sets are empty has similarity 0: empty texts never match.
    """
    result = np.zeros(len(pairs), dtype=np.float64)
    if len(pairs) == 0:
        return result
    starts = segment_starts(counts)
    sizes = counts[pairs[:, 0]] + counts[pairs[:, 1]]
    chunk_start = 0
    while chunk_start < len(pairs):
        budget = np.cumsum(sizes[chunk_start:])
        chunk_end = chunk_start + max(1, int(np.searchsorted(budget, _CHUNK_ELEMENTS)))
        chunk = pairs[chunk_start:chunk_end]
        intersections = _intersection_sizes(sets, starts, counts, chunk)
        unions = counts[chunk[:, 0]] + counts[chunk[:, 1]] - intersections
        nonempty = unions > 0
        result[chunk_start:chunk_end][nonempty] = intersections[nonempty] / unions[nonempty]
        chunk_start = chunk_end
    return result


def _intersection_sizes(sets: U64, starts: I64, counts: I64, pairs: I64) -> I64:
    left, right = pairs[:, 0], pairs[:, 1]
    values = np.concatenate(
        (
            sets[gather_segments(starts[left], counts[left])],
            sets[gather_segments(starts[right], counts[right])],
        )
    )
    pair_numbers = np.arange(len(pairs), dtype=np.int64)
    owners = np.concatenate(
        (np.repeat(pair_numbers, counts[left]), np.repeat(pair_numbers, counts[right]))
    )
    values, owners = sort_by_owner(values, owners)
    shared = (values[1:] == values[:-1]) & (owners[1:] == owners[:-1])
    return np.bincount(owners[1:][shared], minlength=len(pairs)).astype(np.int64)
