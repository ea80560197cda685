"""Shingle sets of stored texts, kept for exact verification of later candidates.

Sets are stored in CSR form (a flat ``uint64`` array of sorted distinct shingle hashes
and an offset per text) in arrays that grow by doubling, so appending a batch is
amortized O(batch) and there is no Python object per text.

Memory per stored text: 8 bytes per distinct shingle plus an 8-byte offset (about
500 bytes for a paragraph of 60 words); while an array grows it briefly needs twice its
size.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

from dedupe.hashing import I64, U64, gather_segments
from dedupe.verify import F64, jaccard_pairs

T = TypeVar("T", bound=np.generic)


class ShingleStore:
    """Append-only CSR shingle sets, addressed by text id (order of addition)."""

    def __init__(self) -> None:
        self._values = np.empty(0, dtype=np.uint64)
        self._offsets = np.zeros(1, dtype=np.int64)
        self._value_count = 0
        self._text_count = 0

    def __len__(self) -> int:
        return self._text_count

    @property
    def values(self) -> U64:
        """All stored shingle hashes, text after text."""
        return self._values[: self._value_count]

    @property
    def offsets(self) -> I64:
        """Text ``i``'s set is ``values[offsets[i]:offsets[i + 1]]``."""
        return self._offsets[: self._text_count + 1]

    def append(self, sets: U64, counts: I64) -> None:
        """Append the CSR sets of a batch of texts (sorted, distinct per text)."""
        self._values = _fit(self._values, self._value_count + len(sets))
        self._values[self._value_count : self._value_count + len(sets)] = sets
        self._offsets = _fit(self._offsets, self._text_count + 1 + len(counts))
        ends = self._offsets[self._text_count] + np.cumsum(counts)
        self._offsets[self._text_count + 1 : self._text_count + 1 + len(counts)] = ends
        self._value_count += len(sets)
        self._text_count += len(counts)

    @classmethod
    def from_arrays(cls, values: U64, offsets: I64) -> ShingleStore:
        """A store holding exactly these arrays (as returned by ``values`` and ``offsets``)."""
        store = cls()
        store._values, store._offsets = values, offsets
        store._value_count, store._text_count = len(values), len(offsets) - 1
        return store

    def jaccard(self, sets: U64, counts: I64, pairs: I64) -> F64:
        """Exact Jaccard of ``(query, id)`` pairs: query sets (CSR) against stored texts."""
        if len(pairs) == 0:
            return np.empty(0, dtype=np.float64)
        ids, local = np.unique(pairs[:, 1], return_inverse=True)
        starts = self._offsets[ids]
        stored_counts = self._offsets[ids + 1] - starts
        combined = np.concatenate((self._values[gather_segments(starts, stored_counts)], sets))
        combined_counts = np.concatenate((stored_counts, counts))
        local_pairs = np.stack((pairs[:, 0] + len(ids), local.ravel()), axis=1)
        return jaccard_pairs(combined, combined_counts, local_pairs)


def _fit(array: npt.NDArray[T], size: int) -> npt.NDArray[T]:
    """``array`` itself if it holds ``size`` elements, else a copy with doubled capacity."""
    if size <= len(array):
        return array
    grown = np.empty(max(size, 2 * len(array), 1024), dtype=array.dtype)
    grown[: len(array)] = array
    return grown
