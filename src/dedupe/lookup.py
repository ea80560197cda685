"""Incremental LSH lookup: which stored texts share a band key with each query text.

``lsh.candidate_pairs`` sorts every key once, for a corpus known in advance. Here texts
keep arriving, so each added batch becomes a *run*: its keys sorted per band, with the
text ids in the same order. A query binary-searches every run. When a run is not
smaller than half the one before it, the two are merged, so there are at most about
``log2(texts / batch)`` runs and each key is re-sorted ``log2`` times overall (the idea
of a log-structured merge tree). No Python object is kept per text.

Memory per stored text: ``bands * 12`` bytes (a ``uint64`` key and a ``uint32`` id per
band).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dedupe.hashing import I64, U64, gather_segments, sorted_unique

U32 = npt.NDArray[np.uint32]

MAX_TEXTS = 2**32 - 1
"""Ids are stored as ``uint32``."""


class BandLookup:
    """Band keys of stored texts, searchable by band key."""

    def __init__(self, *, bands: int):
        self.bands = bands
        self._runs: list[tuple[U64, U32]] = []

    def __len__(self) -> int:
        return sum(keys.shape[1] for keys, _ in self._runs)

    def add(self, keys: U64, ids: I64) -> None:
        """Store texts ``ids`` with their band keys (shape ``(len(ids), bands)``)."""
        if keys.shape != (len(ids), self.bands):
            raise ValueError(f"keys must have shape ({len(ids)}, {self.bands}), got {keys.shape}")
        if len(ids) == 0:
            return
        if int(ids.max()) > MAX_TEXTS or int(ids.min()) < 0:
            raise ValueError(f"text ids must be in [0, {MAX_TEXTS}]")
        by_band = np.ascontiguousarray(keys.T)
        self._runs.append(
            _sorted_run(by_band, np.broadcast_to(ids.astype(np.uint32), keys.T.shape))
        )
        while len(self._runs) > 1 and self._runs[-1][0].shape[1] * 2 > self._runs[-2][0].shape[1]:
            newer, older = self._runs.pop(), self._runs.pop()
            self._runs.append(
                _sorted_run(np.hstack((older[0], newer[0])), np.hstack((older[1], newer[1])))
            )

    def find(self, keys: U64) -> I64:
        """Unique ``(query, id)`` pairs where query row ``keys[query]`` shares a band key.

        Sorted by query, then id.
        """
        codes: list[I64] = []
        queries = np.arange(len(keys), dtype=np.int64)
        for run_keys, run_ids in self._runs:
            for band in range(self.bands):
                low = np.searchsorted(run_keys[band], keys[:, band], side="left")
                high = np.searchsorted(run_keys[band], keys[:, band], side="right")
                counts = (high - low).astype(np.int64)
                if counts.any():
                    found = run_ids[band][gather_segments(low.astype(np.int64), counts)]
                    codes.append(np.repeat(queries, counts) * (MAX_TEXTS + 1) + found)
        if not codes:
            return np.empty((0, 2), dtype=np.int64)
        unique = sorted_unique(np.concatenate(codes))
        return np.stack((unique // (MAX_TEXTS + 1), unique % (MAX_TEXTS + 1)), axis=1)

    def merged(self) -> tuple[U64, U32]:
        """All runs as one: keys and ids of shape ``(bands, texts)``, sorted per band."""
        if not self._runs:
            return np.empty((self.bands, 0), np.uint64), np.empty((self.bands, 0), np.uint32)
        if len(self._runs) > 1:
            keys = np.hstack([run_keys for run_keys, _ in self._runs])
            ids = np.hstack([run_ids for _, run_ids in self._runs])
            self._runs = [_sorted_run(keys, ids)]
        return self._runs[0]

    def restore(self, keys: U64, ids: U32) -> None:
        """Replace the contents with one run from ``merged`` (as saved to disk)."""
        if keys.shape != ids.shape or keys.shape[0] != self.bands:
            raise ValueError(f"band keys and ids must have shape ({self.bands}, texts)")
        self._runs = [(keys, ids)] if keys.shape[1] else []


def _sorted_run(keys: U64, ids: U32) -> tuple[U64, U32]:
    """Sort each band (row) of ``keys`` with its ids; ties keep the older id first."""
    order = np.argsort(keys, axis=1, kind="stable")
    return np.take_along_axis(keys, order, axis=1), np.take_along_axis(ids, order, axis=1)
