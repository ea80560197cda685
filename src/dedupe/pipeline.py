"""The pipeline on positions: texts in, clusters of positions with exact similarities out.

1. fingerprint, batch by batch: normalize, shingle, sign, cut into band keys, and a
   128-bit hash of each text's token sequence. Only these fixed-size arrays are kept, so
   memory per text is bounded whatever the batch size.
2. group identical texts (same tokens after normalization) by their content hash. The
   distinct texts are put in *canonical order*, sorted by content hash, so everything
   after this step is independent of input order.
3. candidate pairs of distinct texts from the band keys (LSH).
4. verify: recompute the shingle sets of the texts in candidate pairs only and keep the
   pairs whose exact Jaccard similarity reaches the threshold.
5. cluster: connected components of the verified pairs, expanded back to every input
   position, members and clusters in input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedupe import lsh, minhash
from dedupe.cluster import connected_components
from dedupe.hashing import (
    I64,
    U64,
    fmix64,
    odd_constants,
    positions_in_segments,
    segment_starts,
    sorted_unique,
)
from dedupe.settings import Settings
from dedupe.shingle import ngram_hashes, shingle_many, unique_per_text
from dedupe.tokens import token_hashes
from dedupe.verify import F64, jaccard_pairs

BATCH_SIZE = 25_000
"""Texts fingerprinted at once: large enough to amortize NumPy calls, small enough for cache."""

_CONTENT_SALTS = (0xC0DE1, 0xC0DE2)
_NO_SHINGLES: U64 = np.empty(0, dtype=np.uint64)
_NO_COUNTS: I64 = np.empty(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """What the pipeline keeps per text: content hash, token count and LSH band keys."""

    content: U64  # (texts, 2): 128-bit hash of the normalized token sequence
    token_counts: I64  # (texts,): 0 for a text with no token
    band_keys: U64  # (texts, bands)


@dataclass(frozen=True, slots=True)
class Groups:
    """Identical texts grouped: distinct texts in canonical order."""

    representatives: I64  # input position of each distinct text's first occurrence
    group_of: I64  # per input position: its distinct text, or -1 for an empty text


@dataclass(frozen=True, slots=True)
class PositionClusters:
    """Clusters as positions: ``members[offsets[c]:offsets[c+1]]`` is cluster ``c``."""

    members: I64
    similarities: F64
    offsets: I64


def fingerprint(
    texts: Sequence[str], settings: Settings, *, batch_size: int = BATCH_SIZE
) -> Fingerprints:
    """Fingerprint all texts, ``batch_size`` at a time."""
    parts = [
        fingerprint_batch(texts[low : low + batch_size], settings)
        for low in range(0, len(texts), batch_size)
    ]
    if not parts:
        bands, _ = settings.band_shape
        return Fingerprints(
            np.empty((0, 2), np.uint64), np.empty(0, np.int64), np.empty((0, bands), np.uint64)
        )
    return Fingerprints(
        np.concatenate([part.content for part in parts]),
        np.concatenate([part.token_counts for part in parts]),
        np.concatenate([part.band_keys for part in parts]),
    )


def fingerprint_batch(texts: Sequence[str], settings: Settings) -> Fingerprints:
    """Fingerprint one batch of texts with vectorized stages."""
    bands, rows = settings.band_shape
    tokens, counts = token_hashes(texts)
    shingles, shingle_counts = ngram_hashes(tokens, counts, ngram=settings.ngram)
    signatures = minhash.signatures(
        shingles, shingle_counts, num_perm=settings.num_perm, seed=settings.seed
    )
    keys = lsh.band_keys(signatures, bands=bands, rows=rows)
    return Fingerprints(content_hashes(tokens, counts), counts, keys)


def content_hashes(tokens: U64, counts: I64) -> U64:
    """A 128-bit hash of each text's token sequence (two independent 64-bit halves)."""
    result = np.zeros((len(counts), 2), dtype=np.uint64)
    nonempty = counts > 0
    if not nonempty.any():
        return result
    positions = positions_in_segments(counts).astype(np.uint64)
    starts = segment_starts(counts)[nonempty]
    for half, salt in enumerate(_CONTENT_SALTS):
        weights = fmix64(positions + np.uint64(salt)) | np.uint64(1)
        sums = np.add.reduceat(tokens * weights, starts)
        sums ^= counts[nonempty].astype(np.uint64) * odd_constants(1, salt=salt)[0]
        result[nonempty, half] = fmix64(sums)
    return result


def group_identical(fingerprints: Fingerprints) -> Groups:
    """Group texts with the same token sequence; order distinct texts by content hash."""
    group_of = np.full(len(fingerprints.token_counts), -1, dtype=np.int64)
    nonempty = np.flatnonzero(fingerprints.token_counts > 0)
    content = fingerprints.content[nonempty]
    order = nonempty[np.lexsort((content[:, 1], content[:, 0]))]  # stable: first occurrence leads
    ordered = fingerprints.content[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    group_of[order] = np.cumsum(new_group) - 1
    return Groups(representatives=order[new_group], group_of=group_of)


class ShingleSets:
    """Exact shingle sets of some distinct texts, computed once for verification."""

    def __init__(self, texts: Sequence[str], groups: Groups, distinct_ids: I64, *, ngram: int):
        self.ids = sorted_unique(distinct_ids)
        positions = groups.representatives[self.ids].tolist()
        parts = []
        for low in range(0, len(positions), BATCH_SIZE):  # batches bound the sort's memory
            chosen = [texts[position] for position in positions[low : low + BATCH_SIZE]]
            parts.append(unique_per_text(*shingle_many(chosen, ngram=ngram)))
        self.sets = np.concatenate([sets for sets, _ in parts]) if parts else _NO_SHINGLES
        self.counts = np.concatenate([counts for _, counts in parts]) if parts else _NO_COUNTS

    def jaccard(self, pairs: I64) -> F64:
        """Exact Jaccard similarity of pairs of distinct-text ids (all must be known)."""
        local = np.searchsorted(self.ids, pairs)
        return jaccard_pairs(self.sets, self.counts, local)


def find_clusters(texts: Sequence[str], settings: Settings) -> PositionClusters:
    """Run the whole pipeline on ``texts``; clusters of positions in input order."""
    return cluster_fingerprints(texts, fingerprint(texts, settings), settings)


def cluster_fingerprints(
    texts: Sequence[str], fingerprints: Fingerprints, settings: Settings
) -> PositionClusters:
    """Steps 2 to 5 on fingerprints computed earlier (by batch, from a cache or a worker).

    ``texts`` is only read for the texts of candidate pairs, to verify them.
    """
    groups = group_identical(fingerprints)
    candidates = lsh.candidate_pairs(fingerprints.band_keys[groups.representatives])
    shingle_sets = ShingleSets(texts, groups, candidates.ravel(), ngram=settings.ngram)
    similarities = shingle_sets.jaccard(candidates)
    edges = candidates[similarities >= settings.threshold]
    labels = connected_components(len(groups.representatives), edges)
    return _expand(groups, labels, shingle_sets)


def _expand(groups: Groups, labels: I64, shingle_sets: ShingleSets) -> PositionClusters:
    """Turn components of distinct texts into clusters of input positions."""
    positions = np.flatnonzero(groups.group_of >= 0)
    component = labels[groups.group_of[positions]]
    sizes = np.bincount(component, minlength=len(labels))
    keep = sizes[component] >= 2
    positions, component = positions[keep], component[keep]
    # A component's first member is its smallest position; sort clusters by it.
    first_position = np.full(len(labels), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_position, component, positions)
    order = np.lexsort((positions, first_position[component]))
    positions, component = positions[order], component[order]
    new_cluster = np.ones(len(positions), dtype=bool)
    new_cluster[1:] = component[1:] != component[:-1]
    offsets = np.append(np.flatnonzero(new_cluster), len(positions)).astype(np.int64)

    distinct = groups.group_of[positions]
    first_distinct = distinct[np.repeat(offsets[:-1], np.diff(offsets))]
    similarities = np.ones(len(positions), dtype=np.float64)
    differs = distinct != first_distinct
    if differs.any():
        pairs = np.stack((first_distinct[differs], distinct[differs]), axis=1)
        similarities[differs] = shingle_sets.jaccard(pairs)
    return PositionClusters(positions, similarities, offsets)
