"""The clusters of a few texts of a corpus, without clustering the whole corpus.

The hook asks which clusters the paragraphs of the changed files are in, with the rest
of the corpus first in priority. Clustering everything costs the candidates of every
band of every text; but a text's place depends only on texts before it: it joins the
first representative before it with a verified edge, and whether that text leads
depends in turn only on the texts before *it*. So the stage chain is run on the
*closure* of the focus texts: their candidates before them (``bucket_pairs`` on the
buckets holding their band keys, ``count_bands`` for the shared-bands rule), verified
(``CorpusVerifier``), then the same for every text found near one of them, until no new
text appears; ``assign`` on that closure gives exactly the chain's representatives for
all of it. Each round costs one pass over each band column, not a sort of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dedupe.arrays import pair_codes, pairs_of_codes, sorted_unique
from dedupe.assign import assign
from dedupe.candidates import bucket_pairs, count_bands
from dedupe.cluster import PositionClusters
from dedupe.fingerprint import Fingerprints
from dedupe.grouping import group_identical
from dedupe.hashing import I64, U64
from dedupe.settings import Settings
from dedupe.shinglesets import CorpusVerifier
from dedupe.verify import F64


def focus_clusters(
    texts: Sequence[str],
    fingerprints: Fingerprints,
    settings: Settings,
    *,
    focus: I64,
    workers: int = 1,
) -> PositionClusters:
    """The chain's clusters cut to the ``focus`` positions, each with its representative.

    Every cluster holding a focus position as a member, or led by one and with focus
    members, as its representative then those members in input order; clusters in
    the order of their representative: ``cluster_fingerprints`` followed by keeping
    the focus members, without clustering the rest.
    """
    groups = group_identical(fingerprints.content, fingerprints.token_counts, keep=settings.keep)
    columns = [
        fingerprints.band_keys[:, band][groups.first] for band in range(settings.band_shape[0])
    ]
    verifier = CorpusVerifier(
        texts, groups.first, settings.ngram, workers=workers, shingle=settings.shingle
    )
    wanted = groups.group_of[focus]
    todo = sorted_unique(wanted[wanted >= 0])
    seen = todo
    found_edges: list[I64] = [np.empty((0, 2), np.int64)]
    found_similarities: list[F64] = [np.empty(0, np.float64)]
    while len(todo):
        pairs = _earlier_candidates(columns, todo, count=len(groups), shared=settings.shared_bands)
        similarities = verifier.jaccard(pairs)
        near = similarities >= settings.threshold
        found_edges.append(pairs[near])
        found_similarities.append(similarities[near])
        earlier = sorted_unique(pairs[near, 0])
        todo = earlier[~np.isin(earlier, seen)]
        seen = sorted_unique(np.concatenate((seen, todo)))
    edges = np.concatenate(found_edges)
    local = np.searchsorted(seen, edges)
    result = assign(len(seen), local, np.concatenate(found_similarities))
    representative = seen[result.representative]
    return _clusters(groups.first, groups.group_of, seen, representative, result.similarity, focus)


def _earlier_candidates(columns: list[U64], todo: I64, *, count: int, shared: int) -> I64:
    """Candidate ``(earlier, later)`` pairs of distinct texts whose later end is in ``todo``."""
    codes: list[I64] = []
    for column in columns:
        rows = np.flatnonzero(np.isin(column, column[todo]))
        pairs = rows[bucket_pairs(column[rows])]
        pairs = pairs[np.isin(pairs[:, 1], todo)]
        codes.append(pair_codes(pairs, count))
    distinct, bands = count_bands(np.concatenate(codes))
    return pairs_of_codes(distinct[bands >= shared], count)


def _clusters(
    first: I64,
    group_of: I64,
    seen: I64,
    representative: I64,
    similarity: F64,
    focus: I64,
) -> PositionClusters:
    """Clusters of the focus positions, from the representatives of the closure."""
    by_leader: dict[int, list[tuple[int, float]]] = {}
    for position in np.sort(focus).tolist():
        distinct = int(group_of[position])
        if distinct < 0:
            continue
        at = int(np.searchsorted(seen, distinct))
        leader = int(representative[at])
        members = by_leader.setdefault(leader, [])
        if position != int(first[leader]):
            members.append((position, 1.0 if distinct == leader else float(similarity[at])))
    positions: list[int] = []
    scores: list[float] = []
    offsets = [0]
    for leader in sorted(by_leader):
        members = by_leader[leader]
        if members:
            positions += [int(first[leader]), *(position for position, _ in members)]
            scores += [1.0, *(score for _, score in members)]
            offsets.append(len(positions))
    return PositionClusters(
        np.array(positions, dtype=np.int64),
        np.array(scores, dtype=np.float64),
        np.array(offsets, dtype=np.int64),
    )
