"""Verification: the exact Jaccard similarity of candidate pairs, vectorized.

Works on CSR shingle *sets* (see ``shingle.unique_per_text``): each text's hashes sorted
and distinct. Every element gets a key, its text's number in the high bits above the
top bits of its hash, so the keys of consecutive texts form one sorted array. The
intersection of a pair ``(i, j)`` is then a lookup: each hash of ``i`` is searched under
``j``'s number with ``np.searchsorted`` and counted when the full 64-bit hash is there.
No sort per pair; the keys' few collisions of top bits are walked past exactly.

Pairs are taken in the order of the text searched, a chunk at a time, and each chunk
builds the keys of just the texts it searches, right before its lookups: they stay in
cache, and a key array for all texts (over 100 MB at a million paragraphs) is never
built.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import numpy.typing as npt

from dedupe.arrays import gather_segments, run_starts, segment_starts
from dedupe.hashing import I64, U64
from dedupe.parallel import map_in_threads

F64 = npt.NDArray[np.float64]

_CHUNK_ELEMENTS = 1 << 18  # hashes of a chunk's pairs: temporaries of a few MB


def jaccard_pairs(sets: U64, counts: I64, pairs: I64, *, workers: int = 1) -> F64:
    """Exact Jaccard similarity of each ``(i, j)`` row of ``pairs`` over CSR shingle sets.

    A pair where both sets are empty has similarity 0: empty texts never match. Chunks
    of pairs run on ``workers`` threads; each fills its own slice of the result.
    """
    result = np.zeros(len(pairs), dtype=np.float64)
    if len(pairs) == 0:
        return result
    starts = segment_starts(counts)
    # Look up the smaller set's hashes in the larger set, in the larger set's order.
    smaller_first = counts[pairs[:, 0]] <= counts[pairs[:, 1]]
    probed = np.where(smaller_first, pairs[:, 0], pairs[:, 1])
    searched = np.where(smaller_first, pairs[:, 1], pairs[:, 0])
    order = np.lexsort((probed, searched))
    probed, searched = probed[order], searched[order]
    ordered = np.zeros(len(pairs), dtype=np.float64)

    def fill(chunk: tuple[int, int]) -> None:
        low, high = chunk
        intersections = _intersection_sizes(
            sets, counts, starts, probed[low:high], searched[low:high]
        )
        unions = counts[probed[low:high]] + counts[searched[low:high]] - intersections
        nonempty = unions > 0
        ordered[low:high][nonempty] = intersections[nonempty] / unions[nonempty]

    sizes = np.cumsum(counts[probed] + counts[searched])
    map_in_threads(fill, _chunks(sizes), workers=workers)
    result[order] = ordered
    return result


def _chunks(sizes: I64) -> list[tuple[int, int]]:
    """Ranges of pairs of about ``_CHUNK_ELEMENTS`` hashes (cumulative ``sizes``), at least one
    pair each."""
    bounds = [0]
    while bounds[-1] < len(sizes):
        done = int(sizes[bounds[-1] - 1]) if bounds[-1] else 0
        end = int(np.searchsorted(sizes, done + _CHUNK_ELEMENTS, side="right"))
        bounds.append(min(len(sizes), max(end, bounds[-1] + 1)))
    return list(pairwise(bounds))


def _intersection_sizes(sets: U64, counts: I64, starts: I64, probed: I64, searched: I64) -> I64:
    """``|set(probed[k]) & set(searched[k])|`` for each ``k`` (``searched`` ascending)."""
    new_text = run_starts(searched)
    texts = searched[new_text]
    rank = np.cumsum(new_text) - 1  # of each pair's searched text among ``texts``
    value_bits = 63 - max(1, (len(texts) - 1).bit_length())
    text_counts = counts[texts]
    found_values = sets[gather_segments(starts[texts], text_counts)]
    if len(found_values) == 0:  # every searched set is empty
        return np.zeros(len(probed), dtype=np.int64)
    # Keys of the searched texts' hashes: sorted, as each set is sorted.
    ranks = np.arange(len(texts), dtype=np.int64)
    keys = _keys(np.repeat(ranks, text_counts), found_values, value_bits)
    lengths = counts[probed]
    values = sets[gather_segments(starts[probed], lengths)]
    queries = _keys(np.repeat(rank, lengths), values, value_bits)
    where = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
    # Equal keys but a different hash: a set holding several hashes with the same top
    # bits (sorted, so walk forward until the key changes or the hash matches).
    pending = np.flatnonzero((keys[where] == queries) & (found_values[where] != values))
    while len(pending):
        step = where[pending] + 1
        inside = step < len(keys)
        pending, step = pending[inside], step[inside]
        same_key = keys[step] == queries[pending]
        pending, step = pending[same_key], step[same_key]
        where[pending] = step
        pending = pending[found_values[step] != values[pending]]
    found = (keys[where] == queries) & (found_values[where] == values)
    pair_of = np.repeat(np.arange(len(probed), dtype=np.int64), lengths)
    return np.bincount(pair_of[found], minlength=len(probed)).astype(np.int64)


def _keys(owners: I64, values: U64, value_bits: int) -> I64:
    """``(owner << value_bits) | top value_bits of the hash``, sortable as int64."""
    keys: I64 = (values >> np.uint64(64 - value_bits)).view(np.int64)
    keys |= owners << value_bits
    return keys
