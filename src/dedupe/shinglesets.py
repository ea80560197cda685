"""Stage 4, verification: exact shingle sets of texts by id, and the verifier contract.

A ``Verifier`` answers the exact Jaccard similarity of pairs of distinct-text ids. Two
kinds implement it: ``CorpusVerifier`` for a fixed corpus (it shingles the texts of the
pairs asked for, in blocks of bounded memory) and ``ShingleSets`` itself, a growing
store of sets for incremental runs. Both keep sets in CSR form: a flat ``uint64``
array of each text's sorted distinct shingle hashes, and an offset per text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Protocol

import numpy as np
import numpy.typing as npt

from dedupe.arrays import Growing, gather_segments, run_starts, segment_starts, sorted_unique
from dedupe.hashing import I64, U64
from dedupe.parallel import iterate_in_threads
from dedupe.shingle import shingle_many, unique_per_text
from dedupe.verify import F64, jaccard_pairs

BLOCK_TEXTS = 1_000_000
"""Texts per block of shingle sets for verification: about 0.5 GB for paragraphs of 60 words."""

SHINGLE_BATCH = 4_000
"""Texts shingled at once: bounds the memory of the sort in ``unique_per_text``."""


class Verifier(Protocol):
    """Exact Jaccard similarities of pairs of distinct-text ids: what verification needs."""

    def jaccard(self, pairs: I64) -> F64: ...


class ShingleSets:
    """The shingle sets of texts named by ascending ids; appending keeps the ids ascending.

    Arrays grow by doubling, so appending a batch is amortized O(batch) with no Python
    object per text: 8 bytes per distinct shingle, 16 per text (its id and offset).
    """

    def __init__(
        self, ids: I64 | None = None, values: U64 | None = None, counts: I64 | None = None
    ):
        counts = np.empty(0, np.int64) if counts is None else counts
        offsets = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        self._ids = Growing(np.empty(0, np.int64) if ids is None else ids)
        self._values = Growing(np.empty(0, np.uint64) if values is None else values)
        self._offsets = Growing(offsets)

    @classmethod
    def of_texts(
        cls,
        texts: Sequence[str],
        ids: I64,
        *,
        positions: I64,
        ngram: int,
        shingle: str = "word",
        workers: int = 1,
    ) -> ShingleSets:
        """Shingle ``texts[positions[i]]`` as text ``ids[i]`` (``ids`` ascending)."""
        chosen = positions.tolist()

        def sets_of(low: int) -> tuple[U64, I64]:
            batch = [texts[position] for position in chosen[low : low + SHINGLE_BATCH]]
            return unique_per_text(*shingle_many(batch, ngram=ngram, shingle=shingle))

        parts = list(
            iterate_in_threads(sets_of, range(0, len(chosen), SHINGLE_BATCH), workers=workers)
        )
        if not parts:
            return cls()
        values, counts = (np.concatenate(arrays) for arrays in zip(*parts, strict=True))
        return cls(ids, values, counts)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> I64:
        return self._ids.values

    @property
    def values(self) -> U64:
        """All shingle hashes, text after text."""
        return self._values.values

    @property
    def offsets(self) -> I64:
        """Text ``ids[i]``'s set is ``values[offsets[i]:offsets[i + 1]]``."""
        return self._offsets.values

    @property
    def counts(self) -> I64:
        return np.diff(self.offsets)

    def append(self, ids: I64, values: U64, counts: I64) -> None:
        """Append the CSR sets of texts ``ids``, all above the ids held so far."""
        if len(ids) != len(counts):
            raise ValueError(f"got {len(ids)} ids for {len(counts)} sets")
        if len(ids) and len(self) and ids[0] <= self.ids[-1]:
            raise ValueError("appended ids must be above the ids held")
        self._offsets.append(len(self._values) + np.cumsum(counts))
        self._ids.append(ids)
        self._values.append(values)

    def holds(self, ids: I64) -> npt.NDArray[np.bool_]:
        """Whether each id has a set here."""
        held = self.ids
        if not len(held):
            return np.zeros(ids.shape, dtype=bool)
        where = np.minimum(np.searchsorted(held, ids), len(held) - 1)
        found: npt.NDArray[np.bool_] = held[where] == ids
        return found

    def subset(self, ids: I64) -> ShingleSets:
        """The sets of some held ids (ascending, distinct)."""
        local = np.searchsorted(self.ids, ids)
        starts, ends = self.offsets[local], self.offsets[local + 1]
        counts = ends - starts
        return ShingleSets(ids, self.values[gather_segments(starts, counts)], counts)

    def joined(self, other: ShingleSets) -> ShingleSets:
        """The sets of both (their ids must not overlap), for pairs across the two."""
        ids = np.concatenate((self.ids, other.ids))
        order = np.argsort(ids, kind="stable")
        counts = np.concatenate((self.counts, other.counts))
        values = np.concatenate((self.values, other.values))
        gathered = values[gather_segments(segment_starts(counts)[order], counts[order])]
        return ShingleSets(ids[order], gathered, counts[order])

    def jaccard(self, pairs: I64, *, workers: int = 1) -> F64:
        """Exact Jaccard similarity of pairs of held ids."""
        local = np.searchsorted(self.ids, pairs)
        return jaccard_pairs(self.values, self.counts, local, workers=workers)


@dataclass(slots=True)
class CorpusVerifier:
    """A ``Verifier`` over a fixed corpus: distinct text ``d`` is ``texts[first[d]]``.

    The texts of the pairs asked for are cut, in id order, into blocks of
    ``block_texts``. Each block is shingled once; a pair reaching outside its lower
    block is verified with the sets of the partners outside it, up to ``block_texts`` of
    them at a time. Memory stays bounded (at most about two blocks of sets), and a text
    is shingled once plus once per block it has a partner in: not once per pair of
    blocks. The sets of the last block are kept, so later pairs among those texts are
    answered without shingling them again.
    """

    texts: Sequence[str]
    first: I64
    ngram: int
    workers: int = 1
    block_texts: int = BLOCK_TEXTS
    shingle: str = "word"
    _recent: ShingleSets | None = field(default=None, init=False, repr=False)

    def jaccard(self, pairs: I64) -> F64:
        """Exact Jaccard similarity of pairs of distinct-text ids."""
        result = np.empty(len(pairs), dtype=np.float64)
        if len(pairs) == 0:
            return result
        recent = self._recent
        if recent is not None and bool(recent.holds(pairs).all()):
            return recent.jaccard(pairs, workers=self.workers)
        ids = sorted_unique(pairs.ravel())
        ranks = np.searchsorted(ids, pairs)
        block = ranks.min(axis=1) // self.block_texts
        partner = ranks.max(axis=1)
        outside = partner >= (block + 1) * self.block_texts
        partner[~outside] = -1  # no set needed beyond the block's own
        order = np.lexsort((partner, block))
        # Within a block, pairs by partner; every ``block_texts`` distinct partners a part.
        new_partner = run_starts(block[order], partner[order]) & (partner[order] >= 0)
        part = np.zeros(len(order), dtype=np.int64)
        for rows in _runs(block[order]):
            seen = np.cumsum(new_partner[rows])  # distinct partners so far
            part[rows] = np.maximum(seen - 1, 0) // self.block_texts
        for rows in _runs(block[order], part):
            rows = order[rows]
            chosen = self._block_ids(ids, int(block[rows[0]]))
            if recent is None or not np.array_equal(recent.ids, chosen):
                recent = self._sets(chosen)
            partners = sorted_unique(partner[rows][outside[rows]])
            sets = recent.joined(self._sets(ids[partners])) if len(partners) else recent
            result[rows] = sets.jaccard(pairs[rows], workers=self.workers)
        self._recent = recent
        return result

    def _block_ids(self, ids: I64, block: int) -> I64:
        return ids[block * self.block_texts : (block + 1) * self.block_texts]

    def _sets(self, chosen: I64) -> ShingleSets:
        return ShingleSets.of_texts(
            self.texts,
            chosen,
            positions=self.first[chosen],
            ngram=self.ngram,
            shingle=self.shingle,
            workers=self.workers,
        )


def _runs(*columns: I64) -> list[I64]:
    """The index ranges of the runs of equal rows of sorted ``columns``."""
    bounds = [*np.flatnonzero(run_starts(*columns)).tolist(), len(columns[0])]
    return [np.arange(low, high) for low, high in pairwise(bounds)]
