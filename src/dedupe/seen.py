"""Texts seen so far, for incremental near-duplicate search: band keys and shingle sets.

The incremental counterpart of ``pipeline.cluster_fingerprints``: a batch of new texts
is fingerprinted once (``prepare``), its LSH candidates among the stored texts come from
``BandLookup`` and are verified with exact Jaccard against ``ShingleStore``. Texts without
any token are stored (they keep their id) but never looked up: empty texts never match.

Memory per stored text: ``bands * 12`` bytes of band keys and ids, 8 bytes per distinct
shingle and an 8-byte offset: about 750 bytes for a paragraph of 60 words with the
default settings (21 bands).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedupe.hashing import I64, U64, gather_segments, segment_starts
from dedupe.lookup import BandLookup
from dedupe.pipeline import Fingerprints, fingerprint_with_shingles
from dedupe.settings import Settings
from dedupe.shingle import unique_per_text
from dedupe.shinglestore import ShingleStore
from dedupe.verify import F64


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch of texts, fingerprinted, with their shingle sets in CSR form."""

    fingerprints: Fingerprints
    sets: U64
    set_counts: I64

    def __len__(self) -> int:
        return len(self.set_counts)


def prepare(texts: Sequence[str], settings: Settings) -> Batch:
    """Fingerprint a batch of texts and compute their shingle sets."""
    fingerprints, shingles, counts = fingerprint_with_shingles(texts, settings)
    sets, set_counts = unique_per_text(shingles, counts)
    return Batch(fingerprints, sets, set_counts)


class Seen:
    """Stored texts, numbered from 0 in the order they were added."""

    def __init__(
        self,
        settings: Settings,
        *,
        lookup: BandLookup | None = None,
        sets: ShingleStore | None = None,
    ):
        bands, _ = settings.band_shape
        self.settings = settings
        self.lookup = lookup if lookup is not None else BandLookup(bands=bands)
        self.sets = sets if sets is not None else ShingleStore()

    def __len__(self) -> int:
        return len(self.sets)

    def add(self, batch: Batch, rows: I64) -> None:
        """Store the texts ``rows`` of ``batch``; they get the next ids, in that order."""
        ids = np.arange(len(self), len(self) + len(rows), dtype=np.int64)
        searchable = batch.set_counts[rows] > 0
        self.lookup.add(batch.fingerprints.band_keys[rows[searchable]], ids[searchable])
        sets, counts = _select(batch, rows)
        self.sets.append(sets, counts)

    def matches(self, batch: Batch, rows: I64) -> tuple[I64, F64]:
        """Verified near-duplicates among the stored texts of the texts ``rows`` of ``batch``.

        Returns ``(row, id)`` pairs sorted by row then id, and their exact Jaccard
        similarities, all at least the threshold.
        """
        candidates = self.lookup.find(batch.fingerprints.band_keys[rows])
        similarities = self.sets.jaccard(batch.sets, batch.set_counts, _rows_of(candidates, rows))
        near = similarities >= self.settings.threshold
        return _rows_of(candidates[near], rows), similarities[near]


def _rows_of(pairs: I64, rows: I64) -> I64:
    """Pairs ``(query, id)`` with the query number replaced by its batch row."""
    return np.stack((rows[pairs[:, 0]], pairs[:, 1]), axis=1) if len(pairs) else pairs


def _select(batch: Batch, rows: I64) -> tuple[U64, I64]:
    """The CSR sets of the texts ``rows`` of ``batch``."""
    starts = segment_starts(batch.set_counts)[rows]
    counts = batch.set_counts[rows]
    return batch.sets[gather_segments(starts, counts)], counts
