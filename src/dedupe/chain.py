"""The stage chain on a fixed corpus: texts in, clusters of positions with exact similarities out.

1. ``fingerprint``: per text a content hash, a token count and band keys.
2. ``group_identical``: distinct texts, numbered in priority order (``settings.keep``).
3. ``candidate_pairs``: pairs of distinct texts that share buckets (bucket-head rule).
4. verification: exact Jaccard of each candidate pair (``CorpusVerifier``).
5. ``assign``: each distinct text joins the first representative it is near, else leads.
6. ``expand``: distinct texts back to input positions, clusters ordered by representative.

The local engine runs all six; the on-disk engine and the command line's scan enter at
step 2 with fingerprints they hold elsewhere; the incremental and Dask engines compose
the same stage functions in their own order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from dedupe.arrays import run_starts
from dedupe.assign import Assignment, assign
from dedupe.candidates import candidate_pairs
from dedupe.cluster import PositionClusters
from dedupe.fingerprint import Fingerprints, fingerprint
from dedupe.grouping import Groups, group_identical
from dedupe.hashing import I64, U64
from dedupe.parallel import resolve_workers
from dedupe.settings import Settings
from dedupe.shinglesets import CorpusVerifier


def find_clusters(
    texts: Sequence[str], settings: Settings, *, workers: int | None = None
) -> PositionClusters:
    """Run the whole chain on ``texts``; the result is the same for any number of ``workers``.

    The fingerprints live only until the candidates are cut (their band keys are the
    largest array of the run: 512 bytes a text at the defaults), so verification's
    shingle sets never share memory with them.
    """
    workers = resolve_workers(workers)
    groups, pairs = _candidates(fingerprint(texts, settings, workers=workers), settings, workers)
    return verified_clusters(texts, groups, pairs, settings, workers=workers)


def cluster_fingerprints(
    texts: Sequence[str], fingerprints: Fingerprints, settings: Settings, *, workers: int = 1
) -> PositionClusters:
    """Steps 2 to 6 on fingerprints computed earlier (by batch, from a cache or a worker).

    ``texts`` is only read for the texts of candidate pairs, to verify them.
    """
    groups, pairs = _candidates(fingerprints, settings, workers)
    return verified_clusters(texts, groups, pairs, settings, workers=workers)


def _candidates(fingerprints: Fingerprints, settings: Settings, workers: int) -> tuple[Groups, I64]:
    """Steps 2 and 3 on fingerprints: the distinct texts and their candidate pairs."""
    groups = group_identical(fingerprints.content, fingerprints.token_counts, keep=settings.keep)
    keys = fingerprints.band_keys
    columns = (keys[:, band] for band in range(keys.shape[1]))
    return groups, _distinct_candidates(groups, columns, settings, workers=workers)


def cluster_groups(
    texts: Sequence[str],
    groups: Groups,
    band_columns: Iterable[U64],
    settings: Settings,
    *,
    workers: int = 1,
    spill: Path | None = None,
) -> PositionClusters:
    """Steps 3 to 6 with the band keys of every input position given one band at a time
    (candidates counted in files of the folder ``spill``, when given)."""
    pairs = _distinct_candidates(groups, band_columns, settings, workers=workers, spill=spill)
    return verified_clusters(texts, groups, pairs, settings, workers=workers)


def _distinct_candidates(
    groups: Groups,
    band_columns: Iterable[U64],
    settings: Settings,
    *,
    workers: int,
    spill: Path | None = None,
) -> I64:
    """Step 3: candidate pairs of the distinct texts, from band columns of every position."""
    return candidate_pairs(
        (column[groups.first] for column in band_columns),
        count=len(groups),
        shared=settings.shared_bands,
        workers=workers,
        spill=spill,
    )


def verified_clusters(
    texts: Sequence[str], groups: Groups, pairs: I64, settings: Settings, *, workers: int = 1
) -> PositionClusters:
    """Steps 4 to 6: verify the candidate pairs, assign, expand to input positions."""
    verifier = CorpusVerifier(
        texts, groups.first, settings.ngram, workers=workers, shingle=settings.shingle
    )
    similarities = verifier.jaccard(pairs)
    near = similarities >= settings.threshold
    return expand(groups, assign(len(groups), pairs[near], similarities[near]))


def expand(groups: Groups, assignment: Assignment) -> PositionClusters:
    """Clusters of input positions from the assignment of distinct texts.

    Only clusters of at least two positions are kept (a representative with copies of
    itself is one). Copies of the representative have similarity 1.
    """
    positions = np.flatnonzero(groups.group_of >= 0)
    distinct = groups.group_of[positions]
    leader = assignment.representative[distinct]
    sizes = np.bincount(leader, minlength=len(groups))
    kept = sizes[leader] >= 2
    positions, distinct, leader = positions[kept], distinct[kept], leader[kept]
    leader_position = groups.first[leader]
    order = np.lexsort((positions, positions != leader_position, leader_position))
    positions, distinct, leader = positions[order], distinct[order], leader[order]
    offsets = np.append(np.flatnonzero(run_starts(leader)), len(positions)).astype(np.int64)
    similarities = np.where(distinct == leader, 1.0, assignment.similarity[distinct])
    return PositionClusters(positions, similarities, offsets)
