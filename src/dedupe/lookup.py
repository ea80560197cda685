"""Sorted runs of ``(key, id)`` that keep growing: which stored ids have a given key.

For a corpus known in advance a key column is sorted once (``dedupe.candidates``).
Here ids keep arriving, ascending, so each added batch becomes a *run*: its keys sorted
with the ids in the same order. A lookup binary-searches every run. When a run is not
smaller than half the one before it, the two are merged, so there are at most about
``log2(texts / batch)`` runs and each key is re-sorted ``log2`` times overall (the idea
of a log-structured merge tree). No Python object is kept per entry: 12 bytes each.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dedupe.arrays import gather_segments, sort_order
from dedupe.hashing import I64, U64

U32 = npt.NDArray[np.uint32]

MAX_ID = 2**32 - 1
"""Ids are stored as ``uint32``."""


class SortedRuns:
    """``(key, id)`` entries, searchable by key; ids are added in ascending order."""

    def __init__(self) -> None:
        self._runs: list[tuple[U64, U32]] = []

    def __len__(self) -> int:
        return sum(len(keys) for keys, _ in self._runs)

    def add(self, keys: U64, ids: I64) -> None:
        """Store entries; every id must be above the ids stored before."""
        if len(keys) != len(ids):
            raise ValueError(f"got {len(keys)} keys for {len(ids)} ids")
        if len(ids) == 0:
            return
        if int(ids.max()) > MAX_ID or int(ids.min()) < 0:
            raise ValueError(f"ids must be in [0, {MAX_ID}]")
        order = sort_order(keys)
        self._runs.append((keys[order], ids[order].astype(np.uint32)))
        while len(self._runs) > 1 and len(self._runs[-1][0]) * 2 > len(self._runs[-2][0]):
            newer, older = self._runs.pop(), self._runs.pop()
            self._runs.append(_merged(older, newer))

    def heads(self, keys: U64, *, head: int) -> I64:
        """``(query, id)`` rows: for each query key, its first ``head`` ids (ascending).

        Sorted by query, then id. Older runs hold smaller ids, so a key's first ids are
        taken from the runs in the order they were added.
        """
        wanted = np.full(len(keys), head, dtype=np.int64)
        queries: list[I64] = []
        found: list[I64] = []
        every_query = np.arange(len(keys), dtype=np.int64)
        for run_keys, run_ids in self._runs:
            low = np.searchsorted(run_keys, keys, side="left").astype(np.int64)
            high = np.searchsorted(run_keys, keys, side="right").astype(np.int64)
            taken = np.minimum(high - low, wanted)
            wanted -= taken
            if taken.any():
                queries.append(np.repeat(every_query, taken))
                found.append(run_ids[gather_segments(low, taken)].astype(np.int64))
        if not queries:
            return np.empty((0, 2), dtype=np.int64)
        pairs = np.stack((np.concatenate(queries), np.concatenate(found)), axis=1)
        return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]

    def merged(self) -> tuple[U64, U32]:
        """All runs as one: keys and ids sorted by key (then id)."""
        if not self._runs:
            return np.empty(0, np.uint64), np.empty(0, np.uint32)
        while len(self._runs) > 1:
            newer, older = self._runs.pop(), self._runs.pop()
            self._runs.append(_merged(older, newer))
        return self._runs[0]

    def restore(self, keys: U64, ids: U32) -> None:
        """Replace the contents with one run from ``merged`` (as saved to disk)."""
        if keys.shape != ids.shape or keys.ndim != 1:
            raise ValueError("keys and ids must be 1-d arrays of one shape")
        self._runs = [(keys, ids)] if len(keys) else []


def _merged(older: tuple[U64, U32], newer: tuple[U64, U32]) -> tuple[U64, U32]:
    """One run of two; equal keys keep the older (smaller) ids first."""
    keys = np.concatenate((older[0], newer[0]))
    ids = np.concatenate((older[1], newer[1]))
    order = sort_order(keys)  # stable: older entries come first among equal keys
    return keys[order], ids[order]
