"""Verification: the exact Jaccard similarity of candidate pairs, vectorized.

Works on CSR shingle *sets* (see ``shingle.unique_per_text``): each text's hashes sorted
and distinct. Every element gets a key, its text's number in the high bits above the
top bits of its hash, so the keys of all sets form one sorted array. The intersection
of a pair ``(i, j)`` is then a lookup: each hash of ``j`` is searched under ``i``'s
number with ``np.searchsorted`` and counted when the full 64-bit hash is there. No
sort per pair; the keys' few collisions of top bits are walked past exactly.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import numpy.typing as npt

from dedupe.hashing import I64, U64, gather_segments, segment_starts
from dedupe.parallel import map_in_threads

F64 = npt.NDArray[np.float64]

_CHUNK_ELEMENTS = 1 << 18  # hashes looked up at once: temporaries of a few MB
_KEY_TEXTS = 1 << 14  # texts whose keys are built at once


def jaccard_pairs(sets: U64, counts: I64, pairs: I64, *, workers: int = 1) -> F64:
    """Exact Jaccard similarity of each ``(i, j)`` row of ``pairs`` over CSR shingle sets.

    A pair where both sets are empty has similarity 0: empty texts never match. Chunks
    of pairs run on ``workers`` threads; each fills its own slice of the result.
    """
    result = np.zeros(len(pairs), dtype=np.float64)
    if len(pairs) == 0:
        return result
    lookup = _SetLookup(sets, counts)
    # Look up the smaller set's hashes in the larger set.
    smaller_first = counts[pairs[:, 0]] <= counts[pairs[:, 1]]
    probed = np.where(smaller_first, pairs[:, 0], pairs[:, 1])
    searched = np.where(smaller_first, pairs[:, 1], pairs[:, 0])
    order = np.lexsort((probed, searched))
    probed, searched = probed[order], searched[order]
    ordered = np.zeros(len(pairs), dtype=np.float64)
    sizes = np.cumsum(counts[probed])
    # Chunk boundaries: about _CHUNK_ELEMENTS lookups each, at least one pair.
    bounds = [0]
    while bounds[-1] < len(pairs):
        done = int(sizes[bounds[-1] - 1]) if bounds[-1] else 0
        end = int(np.searchsorted(sizes, done + _CHUNK_ELEMENTS, side="right"))
        bounds.append(min(len(pairs), max(end, bounds[-1] + 1)))

    def fill(chunk: tuple[int, int]) -> None:
        low, high = chunk
        intersections = lookup.intersection_sizes(probed[low:high], searched[low:high])
        unions = counts[probed[low:high]] + counts[searched[low:high]] - intersections
        nonempty = unions > 0
        ordered[low:high][nonempty] = intersections[nonempty] / unions[nonempty]

    map_in_threads(fill, pairwise(bounds), workers=workers)
    result[order] = ordered
    return result


class _SetLookup:
    """Sorted keys ``(text << value_bits) | top bits of hash`` over all sets, for lookups."""

    def __init__(self, sets: U64, counts: I64):
        self.sets, self.counts = sets, counts
        self.starts = segment_starts(counts)
        self.value_bits = 63 - max(1, (len(counts) - 1).bit_length())
        self.keys = np.empty(len(sets), dtype=np.int64)
        # A run of texts at a time: the temporaries stay small, only the keys are new.
        for low in range(0, len(counts), _KEY_TEXTS):
            texts = np.arange(low, min(low + _KEY_TEXTS, len(counts)), dtype=np.int64)
            begin = int(self.starts[low])
            end = begin + int(counts[texts].sum())
            self.keys[begin:end] = self._keys(np.repeat(texts, counts[texts]), sets[begin:end])

    def _keys(self, owners: I64, values: U64) -> I64:
        keys: I64 = (values >> np.uint64(64 - self.value_bits)).view(np.int64)
        keys |= owners << self.value_bits
        return keys

    def intersection_sizes(self, probed: I64, searched: I64) -> I64:
        """``|set(probed[k]) & set(searched[k])|`` for each ``k``."""
        lengths = self.counts[probed]
        values = self.sets[gather_segments(self.starts[probed], lengths)]
        queries = self._keys(np.repeat(searched, lengths), values)
        where = np.searchsorted(self.keys, queries)
        where = np.minimum(where, len(self.keys) - 1)
        # Equal keys but a different hash: a set holding several hashes with the same
        # top bits (sorted, so walk forward until the key changes or the hash matches).
        pending = np.flatnonzero((self.keys[where] == queries) & (self.sets[where] != values))
        while len(pending):
            step = where[pending] + 1
            inside = step < len(self.keys)
            pending, step = pending[inside], step[inside]
            same_key = self.keys[step] == queries[pending]
            pending, step = pending[same_key], step[same_key]
            where[pending] = step
            pending = pending[self.sets[step] != values[pending]]
        found = (self.keys[where] == queries) & (self.sets[where] == values)
        pair_of = np.repeat(np.arange(len(probed), dtype=np.int64), lengths)
        return np.bincount(pair_of[found], minlength=len(probed)).astype(np.int64)
