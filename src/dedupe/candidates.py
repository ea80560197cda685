"""Stage 3, candidates: pairs of distinct texts that share an LSH bucket, one kernel for all.

A *bucket* is a band and a band key; its texts are taken in priority order. A text is a
candidate with each text before it among the first ``BUCKET_HEAD`` texts of the bucket.
Two texts are candidates when some band makes them so. This rule is part of what a
cluster is (``tests/reference.py`` writes it out), and it bounds the cost of *hub*
buckets: ``k`` texts that share one band key without being near each other (paragraphs
sharing one sentence, at two rows a band) cost at most ``BUCKET_HEAD * k`` pairs
instead of ``k * (k - 1) / 2``. A near-duplicate pair shares a band in many buckets
(about ``bands * s ** rows``: 10 of 64 at 0.4 with the defaults), so it is missed
only when each of those buckets is a hub in which the earlier text comes too late;
docs/how-it-works.md has the measurements behind the value.

Every engine cuts its candidates with ``bucket_pairs``: the local and on-disk engines
over all distinct texts one band at a time, the incremental engine over a batch and the
stored heads of its buckets, the Dask engine over the records exchanged to each part.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

import numpy as np

from dedupe.arrays import gather_segments, run_ids, run_starts, sort_order, unique_pairs
from dedupe.hashing import I64, U64
from dedupe.parallel import map_in_threads

BUCKET_HEAD = 32
"""A text is a candidate with the texts before it among the first this many of a bucket."""


def bucket_pairs(keys: U64, *, head: int = BUCKET_HEAD) -> I64:
    """``(earlier, later)`` row pairs of rows with equal keys, under the bucket-head rule.

    Rows must be in priority order: row ``i`` comes before row ``j`` when ``i < j``.
    Each row is paired with the rows before it among the first ``head`` rows of its
    bucket. Returns an ``(m, 2)`` int64 array (not sorted, no repeats).
    """
    order, start_of = _buckets(keys)
    partners = np.minimum(np.arange(len(keys), dtype=np.int64) - start_of, head)
    earlier = order[gather_segments(start_of, partners)]
    later = np.repeat(order, partners)
    return np.stack((earlier, later), axis=1)


def bucket_ranks(keys: U64) -> I64:
    """Each row's rank in its bucket (rows in priority order): 0 for the bucket's first."""
    order, start_of = _buckets(keys)
    ranks = np.empty(len(keys), dtype=np.int64)
    ranks[order] = np.arange(len(keys), dtype=np.int64) - start_of
    return ranks


def _buckets(keys: U64) -> tuple[I64, I64]:
    """Rows sorted by (key, row), and where each sorted row's bucket starts."""
    order = sort_order(keys)
    starts = run_starts(keys[order])
    return order, np.flatnonzero(starts)[run_ids(starts)]


def candidate_pairs(
    band_columns: Iterable[U64], *, count: int, head: int = BUCKET_HEAD, workers: int = 1
) -> I64:
    """Unique candidate pairs of ``count`` distinct texts, given one band column at a time.

    Each column holds one band key per distinct text, in priority order. At most one
    column per worker thread is held at a time, so columns can come from disk; pairs
    found by several bands are merged whenever the new ones outnumber the merged ones.
    Returns ``(earlier, later)`` rows sorted by both columns.
    """
    merged = np.empty((0, 2), dtype=np.int64)
    pending: list[I64] = []

    def pairs_of(column: U64) -> I64:
        return bucket_pairs(column, head=head)

    columns = iter(band_columns)
    while chunk := list(islice(columns, workers)):
        pending.extend(map_in_threads(pairs_of, chunk, workers=workers))
        if sum(map(len, pending)) > len(merged):
            merged = unique_pairs(np.concatenate((merged, *pending)), count)
            pending = []
    return unique_pairs(np.concatenate((merged, *pending)), count)
