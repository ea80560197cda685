"""Stage 3, candidates: pairs of distinct texts that share LSH buckets, one kernel for all.

A *bucket* is a band and a band key; its texts are taken in priority order. Within a
bucket, a text pairs with each text before it among the first ``BUCKET_HEAD`` texts of
the bucket. Two texts are *candidates* when at least ``shared`` bands pair them
(``Settings.shared_bands``: 2 at the defaults, 1 where two would cost recall). Both
rules are part of what a cluster is (``tests/reference.py`` writes them out) and both
bound the work on *hubs*: ``k`` texts that share one band key without being near each
other (paragraphs sharing one sentence, at two rows a band) cost at most
``BUCKET_HEAD * k`` pairs instead of ``k * (k - 1) / 2``, and such pairs rarely share a
second band. A near-duplicate pair shares many bands (about ``bands * s ** rows``: 10 of
64 at 0.4 with the defaults), so it is lost only when fewer than ``shared`` of them put
it in a bucket head; docs/how-it-works.md has the measurements behind both values.

Every engine cuts its candidates with ``bucket_pairs`` and counts bands with
``count_bands``: the local and on-disk engines over all distinct texts one band at a
time, the incremental engine over a batch and the stored heads of its buckets, the Dask
engine over the records exchanged to each part.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from pathlib import Path

import numpy as np

from dedupe.arrays import (
    gather_segments,
    pair_codes,
    pairs_of_codes,
    run_ids,
    run_starts,
    sort_order,
)
from dedupe.hashing import I64, U64
from dedupe.parallel import map_in_threads

BUCKET_HEAD = 8
"""A text is a candidate with the texts before it among the first this many of a bucket."""


def bucket_pairs(keys: U64, *, head: int = BUCKET_HEAD) -> I64:
    """``(earlier, later)`` row pairs of rows with equal keys, under the bucket-head rule.

    Rows must be in priority order: row ``i`` comes before row ``j`` when ``i < j``.
    Each row is paired with the rows before it among the first ``head`` rows of its
    bucket. Returns an ``(m, 2)`` int64 array (not sorted, no repeats).
    """
    return _pairs(*_cut(keys), head=head)


def ranked_bucket_pairs(keys: U64, *, head: int = BUCKET_HEAD) -> tuple[I64, I64]:
    """``bucket_pairs``, and each row's rank in its bucket (0 for the bucket's first).

    The incremental engine stores a text's band key only where its rank is below the
    head, so it needs both from one cut of the buckets.
    """
    order, ranks = _cut(keys)
    row_ranks = np.zeros(len(keys), dtype=np.int64)
    row_ranks[order] = ranks
    return _pairs(order, ranks, head=head), row_ranks


def _cut(keys: U64) -> tuple[I64, I64]:
    """The rows that share their key with another, by ``(key, row)``, and their ranks."""
    order = sort_order(keys, repeated_only=True)
    starts = run_starts(keys[order])
    ranks = np.arange(len(order), dtype=np.int64) - np.flatnonzero(starts)[run_ids(starts)]
    return order, ranks


def _pairs(order: I64, ranks: I64, *, head: int) -> I64:
    """Each cut row with the rows before it among the first ``head`` of its bucket."""
    partners = np.minimum(ranks, head)
    earlier = order[gather_segments(np.arange(len(order), dtype=np.int64) - ranks, partners)]
    return np.stack((earlier, np.repeat(order, partners)), axis=1)


_COUNT_BITS = 7
"""Low bits of a packed pair code that hold its band count (at most 127, more is capped)."""


def count_bands(codes: I64) -> tuple[I64, I64]:
    """Distinct pair codes and how many times each occurs (the bands that made it)."""
    return _summed(_packed(codes, np.ones(len(codes), dtype=np.int64)))


def _packed(codes: I64, counts: I64) -> I64:
    """The count (capped) packed below the code, so one value sort brings a pair's parts
    together: faster than an argsort and two gathers."""
    packed: I64 = (codes << _COUNT_BITS) | np.minimum(counts, (1 << _COUNT_BITS) - 1)
    return packed


def _summed(packed: I64) -> tuple[I64, I64]:
    """Distinct codes and summed counts of packed values (sorted here; sorted runs merge)."""
    packed.sort(kind="stable")
    codes = packed >> _COUNT_BITS
    starts = np.flatnonzero(run_starts(codes))
    if not len(starts):
        return codes, codes.copy()
    counts = np.add.reduceat(packed & ((1 << _COUNT_BITS) - 1), starts)
    return codes[starts], counts


def candidate_pairs(
    band_columns: Iterable[U64],
    *,
    count: int,
    shared: int = 1,
    head: int = BUCKET_HEAD,
    workers: int = 1,
    spill: Path | None = None,
) -> I64:
    """Candidate pairs of ``count`` distinct texts, given one band column at a time.

    Each column holds one band key per distinct text, in priority order. A pair is a
    candidate when at least ``shared`` bands pair it. At most one column per worker
    thread is held at a time, so columns can come from disk; pairs found by several
    bands are merged, with their band counts, whenever the new ones outnumber the
    merged ones. Returns ``(earlier, later)`` rows sorted by both columns.

    Most pairs meet in one band only, by chance, and their number grows with the square
    of the corpus (about 19 million at 2 million texts, for 0.2 million candidates).
    With ``spill``, a folder, each band's pairs go to ``SPILL_PARTS`` files by range of
    the earlier text instead and are counted one range at a time, so memory holds one
    range, not every pair.
    """

    def codes_of(column: U64) -> I64:
        codes: I64 = np.sort(pair_codes(bucket_pairs(column, head=head), count))
        return codes

    columns = iter(band_columns)
    chunks = iter(lambda: map_in_threads(codes_of, islice(columns, workers), workers=workers), [])
    if spill is not None:
        return pairs_of_codes(
            _counted_on_disk(chunks, count=count, shared=shared, folder=spill), count
        )
    merged = np.empty(0, dtype=np.int64)
    merged_counts = np.empty(0, dtype=np.int64)
    pending: list[I64] = []
    for chunk in chunks:
        # Sorted and packed: the merge's stable sort then merges runs.
        pending.extend(_packed(codes, np.ones(len(codes), dtype=np.int64)) for codes in chunk)
        if sum(map(len, pending)) > len(merged):
            merged, merged_counts = _merge(merged, merged_counts, pending)
            pending = []
    merged, merged_counts = _merge(merged, merged_counts, pending)
    return pairs_of_codes(merged[merged_counts >= shared], count)


SPILL_PARTS = 64
"""Files (ranges of the earlier text) that spilled pair codes are cut into."""


def _counted_on_disk(chunks: Iterable[list[I64]], *, count: int, shared: int, folder: Path) -> I64:
    """The sorted codes that at least ``shared`` bands made, counted a range at a time."""
    step = -(-max(count, 1) // SPILL_PARTS) * max(count, 1)  # codes per range
    bounds = np.arange(1, SPILL_PARTS, dtype=np.int64) * step
    paths = [folder / f"pairs-{part:03d}.i64" for part in range(SPILL_PARTS)]
    files = [path.open("xb") for path in paths]
    try:
        for chunk in chunks:
            for codes in chunk:
                for file, part in zip(
                    files, np.split(codes, np.searchsorted(codes, bounds)), strict=True
                ):
                    file.write(part.astype("<i8").tobytes())
    finally:
        for file in files:
            file.close()
    kept = []
    for path in paths:
        codes = np.fromfile(path, dtype="<i8").astype(np.int64)
        path.unlink()
        codes.sort()
        starts = np.flatnonzero(run_starts(codes))
        counts = np.diff(np.append(starts, len(codes)))
        kept.append(codes[starts[counts >= shared]])
    return np.concatenate(kept)


def _merge(codes: I64, counts: I64, pending: list[I64]) -> tuple[I64, I64]:
    """Add sorted packed pairs of some bands to the merged codes and counts."""
    return _summed(np.concatenate((_packed(codes, counts), *pending)))
