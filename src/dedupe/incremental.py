"""The stage chain for texts that keep arriving: ``deduplicate`` and ``Index`` build on it.

Texts come batch by batch, in priority order (input order: ``keep="first"``). A batch
goes through the same stages as a fixed corpus: fingerprints (``fingerprint_batch``),
grouping of identical texts (within the batch, then against the stored contents),
candidates (``bucket_pairs`` over the batch and the stored heads of its buckets),
verification and ``assign`` with the stored representatives as leaders. So a run over
any batches gives the clusters of ``find_duplicates`` on all the texts at once.

Stored per distinct text: its content hash (16 B, and 12 B in the content lookup), its
representative and similarity (16 B), its band keys only for the buckets where it is
among the first ``BUCKET_HEAD`` (at most 12 B a band), and its shingle set (8 B per
distinct shingle) when it leads, or always with ``member_sets`` (an ``Index`` answers
queries about every text it holds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedupe.arrays import (
    Growing,
    gather_segments,
    pair_codes,
    pairs_of_codes,
    segment_starts,
    sorted_unique,
)
from dedupe.assign import assign
from dedupe.candidates import BUCKET_HEAD, count_bands, ranked_bucket_pairs
from dedupe.fingerprint import BatchStages
from dedupe.grouping import group_identical
from dedupe.hashing import I64, U64
from dedupe.lookup import SortedRuns
from dedupe.settings import Settings
from dedupe.shinglesets import ShingleSets
from dedupe.verify import F64


@dataclass(frozen=True, slots=True)
class Placed:
    """Where the texts of a batch went: per row its distinct text (-1 when empty)."""

    distinct: I64
    new: npt.NDArray[np.bool_]  # per row: the first occurrence of a distinct text not seen before


class Store:
    """Distinct texts seen so far, numbered from 0 in the order they were first seen."""

    def __init__(self, settings: Settings, *, member_sets: bool) -> None:
        self.settings = settings
        self.member_sets = member_sets
        self._content = Growing(np.empty((0, 2), dtype=np.uint64))
        self._representative = Growing(np.empty(0, dtype=np.int64))
        self._similarity = Growing(np.empty(0, dtype=np.float64))
        self.contents = SortedRuns()
        self.heads = [SortedRuns() for _ in range(settings.band_shape[0])]
        self.sets = ShingleSets()

    def __len__(self) -> int:
        return len(self._representative)

    @property
    def content(self) -> U64:
        """Per distinct text: its 128-bit content hash."""
        return self._content.values

    @property
    def representative(self) -> I64:
        """Per distinct text: its representative (itself when it leads)."""
        return self._representative.values

    @property
    def similarity(self) -> F64:
        """Per distinct text: its exact similarity to its representative."""
        return self._similarity.values

    def restore(self, content: U64, representative: I64, similarity: F64) -> None:
        """Set the distinct texts' arrays (as saved by an ``Index``); heads and sets apart."""
        self._content = Growing(content)
        self._representative = Growing(representative)
        self._similarity = Growing(similarity)
        self.contents = SortedRuns()
        self.contents.add(content[:, 0], np.arange(len(content), dtype=np.int64))

    def place(self, batch: BatchStages) -> Placed:
        """Add a batch: group, find candidates, verify and assign its new distinct texts."""
        fingerprints = batch.fingerprints
        values, counts = batch.shingle_sets()
        groups = group_identical(fingerprints.content, fingerprints.token_counts, keep="first")
        stored = self._stored_copies(fingerprints.content[groups.first])
        fresh = np.flatnonzero(stored < 0)
        ids = len(self) + np.arange(len(fresh), dtype=np.int64)
        distinct_ids = stored.copy()
        distinct_ids[fresh] = ids
        rows = groups.first[fresh]
        new_sets = ShingleSets(ids, *_select(values, counts, rows))
        keys = fingerprints.band_keys[rows]
        pairs, stored_heads = self._candidates(keys, ids)
        representative, similarity = self._assign(pairs, ids, new_sets)
        self._store(fingerprints.content[rows], keys, ids, stored_heads, new_sets, representative)
        self._representative.append(representative)
        self._similarity.append(similarity)
        distinct = np.full(len(groups.group_of), -1, dtype=np.int64)
        nonempty = groups.group_of >= 0
        distinct[nonempty] = distinct_ids[groups.group_of[nonempty]]
        new = np.zeros(len(distinct), dtype=bool)
        new[rows] = True
        return Placed(distinct, new)

    def query(self, batch: BatchStages) -> tuple[I64, I64, F64]:
        """Stored distinct texts near each text of the batch, all verified at once.

        Returns ``(rows, ids, similarities)`` sorted by row then id: text ``rows[i]`` of
        the batch is near stored text ``ids[i]`` with that exact similarity. Queries are
        not compared with each other, and nothing is stored.
        """
        fingerprints = batch.fingerprints
        values, counts = batch.shingle_sets()
        rows = np.flatnonzero(counts > 0)
        stored = len(self)
        query_ids = stored + np.arange(len(rows), dtype=np.int64)
        pairs, _ = self._candidates(fingerprints.band_keys[rows], query_ids)
        pairs = pairs[pairs[:, 0] < stored]
        earlier = sorted_unique(pairs[:, 0])
        earlier = earlier[self.sets.holds(earlier)]
        pairs = pairs[np.isin(pairs[:, 0], earlier)]
        sets = self.sets.subset(earlier).joined(
            ShingleSets(query_ids, *_select(values, counts, rows))
        )
        similarities = sets.jaccard(pairs)
        near = similarities >= self.settings.threshold
        found_rows, found_ids = pairs[near, 1] - stored, pairs[near, 0]
        found_similarities = similarities[near]
        copies = self._stored_copies(fingerprints.content[rows])
        copied = np.flatnonzero(copies >= 0)
        width = stored + 1
        missing = ~np.isin(copied * width + copies[copied], found_rows * width + found_ids)
        copied = copied[missing]
        found_rows = np.concatenate((found_rows, copied))
        found_ids = np.concatenate((found_ids, copies[copied]))
        found_similarities = np.concatenate((found_similarities, np.ones(len(copied))))
        order = np.lexsort((found_ids, found_rows))
        return rows[found_rows[order]], found_ids[order], found_similarities[order]

    def _stored_copies(self, content: U64) -> I64:
        """Per content hash, the stored distinct text with the same content, else -1."""
        result = np.full(len(content), -1, dtype=np.int64)
        if not len(self) or not len(content):
            return result
        pairs = self.contents.heads(content[:, 0], head=len(self))
        same = np.all(self.content[pairs[:, 1]] == content[pairs[:, 0]], axis=1)
        result[pairs[same, 0]] = pairs[same, 1]
        return result

    def _candidates(self, keys: U64, ids: I64) -> tuple[I64, list[I64]]:
        """Candidate ``(earlier, later)`` id pairs ending at ``ids``, and each band's ranks.

        Per band, the stored heads of the new texts' buckets go before the new texts, so
        ``bucket_pairs`` sees each bucket's texts in priority order and ranks the new
        ones after the stored ones.
        """
        found: list[I64] = []
        ranks: list[I64] = []
        for band, heads in enumerate(self.heads):
            column = keys[:, band]
            entries = heads.heads(column, head=BUCKET_HEAD)
            stored_ids, first = np.unique(entries[:, 1], return_index=True)
            row_ids = np.concatenate((stored_ids, ids))
            row_keys = np.concatenate((column[entries[first, 0]], column))
            rows, row_ranks = ranked_bucket_pairs(row_keys)
            pairs = row_ids[rows[rows[:, 1] >= len(stored_ids)]]  # the ones ending at a new text
            found.append(pair_codes(pairs, len(self) + len(ids)))
            ranks.append(row_ranks[len(stored_ids) :])
        codes, bands = count_bands(np.concatenate(found))
        shared = codes[bands >= self.settings.shared_bands]
        return pairs_of_codes(shared, len(self) + len(ids)), ranks

    def _assign(self, pairs: I64, ids: I64, new_sets: ShingleSets) -> tuple[I64, F64]:
        """Representatives of the new texts: stored representatives lead, new ones follow."""
        if not len(ids):
            return np.empty(0, np.int64), np.empty(0, np.float64)
        stored = pairs[:, 0] < ids[0]
        leads = ~stored
        leads[stored] = self.representative[pairs[stored, 0]] == pairs[stored, 0]
        pairs = pairs[leads]
        leaders = sorted_unique(pairs[:, 0][pairs[:, 0] < ids[0]])
        sets = self.sets.subset(leaders).joined(new_sets)
        similarities = sets.jaccard(pairs)
        near = similarities >= self.settings.threshold
        nodes = np.concatenate((leaders, ids))
        local = np.searchsorted(nodes, pairs[near])
        result = assign(len(nodes), local, similarities[near], leaders=len(leaders))
        return nodes[result.representative[len(leaders) :]], result.similarity[len(leaders) :]

    def _store(
        self,
        content: U64,
        keys: U64,
        ids: I64,
        ranks: list[I64],
        new_sets: ShingleSets,
        representative: I64,
    ) -> None:
        self._content.append(content)
        self.contents.add(content[:, 0], ids)
        for band, heads in enumerate(self.heads):
            within = ranks[band] < BUCKET_HEAD
            heads.add(keys[within, band], ids[within])
        kept = new_sets.subset(ids if self.member_sets else ids[representative == ids])
        self.sets.append(kept.ids, kept.values, kept.counts)


def _select(values: U64, counts: I64, rows: I64) -> tuple[U64, I64]:
    """The CSR sets of some rows."""
    starts = segment_starts(counts)[rows]
    return values[gather_segments(starts, counts[rows])], counts[rows]
