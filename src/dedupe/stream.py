"""``deduplicate``: drop near-duplicates from a stream of texts, keeping first occurrences.

Texts are read ``batch_size`` at a time. A text is yielded unless it is a verified
near-duplicate (LSH candidate with exact Jaccard at least ``threshold``) of a text
already yielded, from an earlier batch or earlier in its own batch; texts are yielded in
input order as each batch is decided. Only the yielded texts are remembered (their band
keys and shingle sets, see ``dedupe.seen``): about 750 bytes per kept paragraph of 60
words with the default settings, plus the current batch.

How this differs from ``find_duplicates``: clusters there are *connected components*,
so with A~B and B~C but not A~C, A, B and C form one cluster whose first member is A.
Here B is dropped (near A), and C is compared with the texts kept, A only, so C is kept.
The texts yielded are exactly the greedy choice in input order: keep a text when no kept
text before it is a near-duplicate of it. When every cluster of ``find_duplicates`` has
all its members near-duplicates of one another, both keep the same texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from dedupe.batches import text_batches
from dedupe.hashing import I64, U64, gather_segments, sorted_unique
from dedupe.inputs import check_texts
from dedupe.pipeline import BATCH_SIZE, group_by_content
from dedupe.seen import Batch, Seen, prepare
from dedupe.settings import Options, Settings, settings_from
from dedupe.verify import jaccard_pairs

if TYPE_CHECKING:
    from typing_extensions import Unpack

_UNDECIDED, _KEPT, _DROPPED = 0, 1, 2


def deduplicate(
    texts: Iterable[str],
    *,
    batch_size: int = BATCH_SIZE,
    **options: Unpack[Options],
) -> Iterator[str]:
    """Yield the texts that are not near-duplicates of a text yielded before them.

    Settings are checked at the call, not at the first ``next``.

    >>> list(deduplicate(["a b c d e f", "x y z", "A b, c d e f!"]))
    ['a b c d e f', 'x y z']
    """
    check_texts(texts, keyed=False)
    settings = settings_from(options)
    return _deduplicate(text_batches(texts, batch_size=batch_size), settings)


def _deduplicate(chunks: Iterator[list[str]], settings: Settings) -> Iterator[str]:
    seen = Seen(settings)
    for chunk in chunks:
        batch = prepare(chunk, settings)
        keep = _decide(batch, seen)
        seen.add(batch, np.flatnonzero(keep & (batch.set_counts > 0)))
        for row in np.flatnonzero(keep).tolist():
            yield chunk[row]


def _decide(batch: Batch, seen: Seen) -> npt.NDArray[np.bool_]:
    """Which texts of the batch to keep, given the texts kept before it."""
    # Empty texts never match anything, so they are always kept.
    keep: npt.NDArray[np.bool_] = batch.set_counts == 0
    fingerprints = batch.fingerprints
    # A later copy of a text in the same batch is dropped whatever happens to the first.
    firsts = np.sort(
        group_by_content(fingerprints.content, fingerprints.token_counts).representatives
    )
    matched, _ = seen.matches(batch, firsts)
    open_rows = firsts[~np.isin(firsts, matched[:, 0])]
    pairs = _pairs_in_buckets(fingerprints.band_keys, open_rows)
    near = pairs[jaccard_pairs(batch.sets, batch.set_counts, pairs) >= seen.settings.threshold]
    keep[_greedy(open_rows, near, size=len(batch))] = True
    return keep


def _pairs_in_buckets(band_keys: U64, rows: I64) -> I64:
    """Unique ``(earlier, later)`` row pairs that share a band key, over all bands.

    Every pair of a bucket, not a star: the greedy choice needs each later text compared
    with every earlier one it might follow. A bucket of ``k`` texts costs ``k * (k - 1) / 2``
    pairs, which the grouping of identical texts keeps small in practice.
    """
    codes: list[I64] = []
    for band in range(band_keys.shape[1]):
        keys = band_keys[rows, band]
        order = np.argsort(keys, kind="stable")  # rows are sorted, so ties stay in row order
        ordered, members = keys[order], rows[order]
        starts_run = np.ones(len(rows), dtype=bool)
        starts_run[1:] = ordered[1:] != ordered[:-1]
        run_start = np.flatnonzero(starts_run)[np.cumsum(starts_run) - 1]
        rank = np.arange(len(rows), dtype=np.int64) - run_start
        earlier = members[gather_segments(run_start, rank)]
        later = np.repeat(members, rank)
        codes.append(earlier * (len(band_keys) + 1) + later)
    if not codes:
        return np.empty((0, 2), dtype=np.int64)
    unique = sorted_unique(np.concatenate(codes))
    return np.stack((unique // (len(band_keys) + 1), unique % (len(band_keys) + 1)), axis=1)


def _greedy(rows: I64, edges: I64, *, size: int) -> I64:
    """The rows kept by the greedy choice in row order, over ``(earlier, later)`` edges.

    Each round keeps the undecided rows with no undecided or kept earlier neighbour and
    drops those with a kept earlier neighbour; the first undecided row is always decided,
    so the rounds end.
    """
    status = np.full(size, _DROPPED, dtype=np.int8)
    status[rows] = _UNDECIDED
    undecided = rows
    while len(undecided):
        live = edges[status[edges[:, 1]] == _UNDECIDED]
        earlier_status = status[live[:, 0]]
        blocked = live[earlier_status == _UNDECIDED, 1]
        status[live[earlier_status == _KEPT, 1]] = _DROPPED
        free = undecided[(status[undecided] == _UNDECIDED) & ~np.isin(undecided, blocked)]
        status[free] = _KEPT
        undecided = undecided[status[undecided] == _UNDECIDED]
    kept: I64 = rows[status[rows] == _KEPT]
    return kept
