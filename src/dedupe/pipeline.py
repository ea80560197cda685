"""The pipeline on positions: texts in, clusters of positions with exact similarities out.

1. fingerprint, batch by batch: normalize, shingle, sign, cut into band keys, and a
   128-bit hash of each text's token sequence. Only these fixed-size arrays are kept, so
   memory per text is bounded whatever the batch size (``dedupe.ondisk`` spills them).
2. group identical texts (same tokens after normalization) by their content hash. The
   distinct texts are put in *canonical order*, sorted by content hash, so everything
   after this step is independent of input order.
3. candidate pairs of distinct texts from the band keys (LSH), one band at a time.
4. verify: recompute the shingle sets of the texts in candidate pairs only, a chunk of
   pairs at a time, and keep the pairs whose exact Jaccard similarity reaches the
   threshold.
5. cluster: connected components of the verified pairs, expanded back to every input
   position, members and clusters in input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Protocol

import numpy as np

from dedupe import lsh, minhash
from dedupe.cluster import connected_components
from dedupe.hashing import (
    I64,
    U32,
    U64,
    fmix64,
    gather_segments,
    odd_constants,
    positions_in_segments,
    segment_starts,
    sorted_unique,
)
from dedupe.parallel import iterate_in_threads, map_in_threads, resolve_workers
from dedupe.settings import Settings
from dedupe.shingle import ngram_hashes, shingle_many, unique_per_text
from dedupe.tokens import token_hashes
from dedupe.verify import F64, jaccard_pairs

BATCH_SIZE = 4_000
"""Texts fingerprinted at once: large enough to amortize NumPy calls, small enough for cache."""

VERIFY_CHUNK_TEXTS = 1_000_000
"""Texts per block of shingle sets for verification: about 0.5 GB for paragraphs of 60 words."""

_CONTENT_SALTS = (0xC0DE1, 0xC0DE2)
_NO_SHINGLES: U64 = np.empty(0, dtype=np.uint64)


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
    texts: Sequence[str],
    settings: Settings,
    *,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
) -> Fingerprints:
    """Fingerprint all texts, ``batch_size`` at a time, into arrays allocated once.

    Batches run on ``workers`` threads (default: every available core); each writes its
    own rows, so the result does not depend on the number of workers.
    """
    bands, _ = settings.band_shape
    result = Fingerprints(
        np.empty((len(texts), 2), np.uint64),
        np.empty(len(texts), np.int64),
        # Band-major: LSH reads one band of every text at a time.
        np.empty((bands, len(texts)), np.uint64).T,
    )

    def fill(low: int) -> None:
        part = fingerprint_batch(texts[low : low + batch_size], settings)
        high = low + len(part.token_counts)
        result.content[low:high] = part.content
        result.token_counts[low:high] = part.token_counts
        result.band_keys[low:high] = part.band_keys

    map_in_threads(fill, range(0, len(texts), batch_size), workers=resolve_workers(workers))
    return result


def fingerprint_batch(texts: Sequence[str], settings: Settings) -> Fingerprints:
    """Fingerprint one batch of texts with vectorized stages."""
    return fingerprint_with_shingles(texts, settings)[0]


def fingerprint_with_shingles(
    texts: Sequence[str], settings: Settings
) -> tuple[Fingerprints, U64, I64]:
    """``fingerprint_batch`` plus the texts' shingle hashes in CSR form (with repeats)."""
    stages = batch_stages(texts, settings)
    counts = stages.token_counts
    fingerprints = Fingerprints(content_hashes(stages.tokens, counts), counts, stages.band_keys)
    return fingerprints, stages.shingles, stages.shingle_counts


@dataclass(frozen=True, slots=True)
class BatchStages:
    """Every intermediate array of fingerprinting one batch, stage by stage."""

    tokens: U64  # flat token hashes
    token_counts: I64
    shingles: U64  # flat shingle hashes, with repeats
    shingle_counts: I64
    signatures: U32  # (texts, num_perm)
    band_keys: U64  # (texts, bands)


def batch_stages(texts: Sequence[str], settings: Settings) -> BatchStages:
    """Run the fingerprint stages on one batch and keep what each stage made."""
    bands, rows = settings.band_shape
    tokens, counts = token_hashes(texts)
    shingles, shingle_counts = ngram_hashes(tokens, counts, ngram=settings.ngram)
    signatures = minhash.signatures(
        shingles, shingle_counts, num_perm=settings.num_perm, seed=settings.seed
    )
    keys = lsh.band_keys(signatures, bands=bands, rows=rows)
    return BatchStages(tokens, counts, shingles, shingle_counts, signatures, keys)


def content_hashes(tokens: U64, counts: I64) -> U64:
    """A 128-bit hash of each text's token sequence (two independent 64-bit halves)."""
    result = np.zeros((len(counts), 2), dtype=np.uint64)
    nonempty = counts > 0
    if not nonempty.any():
        return result
    positions = positions_in_segments(counts)
    starts = segment_starts(counts)[nonempty]
    every_position = np.arange(int(counts.max()), dtype=np.uint64)
    for half, salt in enumerate(_CONTENT_SALTS):
        # One weight per position in a text, looked up rather than hashed per token.
        weight_of = fmix64(every_position + np.uint64(salt)) | np.uint64(1)
        sums = np.add.reduceat(tokens * weight_of[positions], starts)
        sums ^= counts[nonempty].astype(np.uint64) * odd_constants(1, salt=salt)[0]
        result[nonempty, half] = fmix64(sums)
    return result


def group_identical(fingerprints: Fingerprints) -> Groups:
    """Group texts with the same token sequence; order distinct texts by content hash."""
    return group_by_content(fingerprints.content, fingerprints.token_counts)


def group_by_content(content: U64, token_counts: I64) -> Groups:
    """``group_identical`` on the two fingerprint arrays it reads (band keys may be elsewhere)."""
    group_of = np.full(len(token_counts), -1, dtype=np.int64)
    nonempty = np.flatnonzero(token_counts > 0)
    if len(nonempty) < len(token_counts):
        content = content[nonempty]
    order, new_group = _content_order(content)
    group_of[nonempty[order]] = np.cumsum(new_group) - 1
    return Groups(representatives=nonempty[order[new_group]], group_of=group_of)


def _content_order(content: U64) -> tuple[I64, np.ndarray]:
    """Rows sorted by (first half, second half, row), and where a new content starts.

    The same order as a stable two-key ``np.lexsort``, which is slow on millions of rows:
    one ``np.sort`` of int64 words (top bits of the first half above the row number)
    does most of the work, and only rows whose top bits repeat (copies, in practice)
    are compared and sorted again exactly.
    """
    count = len(content)
    index_bits = max(1, (count - 1).bit_length())
    words = (content[:, 0] >> np.uint64(index_bits + 1)).view(np.int64) << index_bits
    words |= np.arange(count, dtype=np.int64)
    words.sort()
    order = words & ((1 << index_bits) - 1)
    top = words >> index_bits
    tied = top[1:] == top[:-1]
    new_group = np.ones(count, dtype=bool)
    new_group[1:] = ~tied
    repeats = np.zeros(count, dtype=bool)
    repeats[1:] = tied
    repeats[:-1] |= tied
    rows = np.flatnonzero(repeats)
    if len(rows):
        chosen = order[rows]
        chosen = chosen[np.lexsort((chosen, content[chosen, 1], content[chosen, 0]))]
        order[rows] = chosen
        after = np.flatnonzero(tied) + 1  # rows whose top bits equal the previous row's
        same = content[order[after]] == content[order[after - 1]]
        new_group[after] = ~(same[:, 0] & same[:, 1])
    return order, new_group


class ShingleSets:
    """Exact shingle sets of some distinct texts, computed once for verification."""

    def __init__(
        self,
        texts: Sequence[str],
        groups: Groups,
        distinct_ids: I64,
        *,
        ngram: int,
        workers: int = 1,
    ):
        self.ids = sorted_unique(distinct_ids)
        self.workers = workers
        positions = groups.representatives[self.ids].tolist()

        def sets_of(low: int) -> tuple[U64, I64]:  # batches bound the sort's memory
            chosen = [texts[position] for position in positions[low : low + BATCH_SIZE]]
            return unique_per_text(*shingle_many(chosen, ngram=ngram))

        batches = range(0, len(positions), BATCH_SIZE)
        parts = iterate_in_threads(sets_of, batches, workers=workers)
        self.sets, self.counts = concatenate_parts(parts, texts=len(positions))

    def jaccard(self, pairs: I64) -> F64:
        """Exact Jaccard similarity of pairs of distinct-text ids (all must be known)."""
        local = np.searchsorted(self.ids, pairs)
        return jaccard_pairs(self.sets, self.counts, local, workers=self.workers)

    def joined(self, other: ShingleSets) -> ShingleSets:
        """The sets of both (their ids must not overlap), for pairs across the two."""
        both = ShingleSets.__new__(ShingleSets)
        both.workers = self.workers
        order = np.argsort(np.concatenate((self.ids, other.ids)), kind="stable")
        counts = np.concatenate((self.counts, other.counts))
        starts = segment_starts(counts)
        values = np.concatenate((self.sets, other.sets))
        both.ids = np.concatenate((self.ids, other.ids))[order]
        both.counts = counts[order]
        both.sets = values[gather_segments(starts[order], both.counts)]
        return both


def concatenate_parts(parts: Iterable[tuple[U64, I64]], *, texts: int) -> tuple[U64, I64]:
    """Join CSR parts (values, counts per text) covering ``texts`` texts, as they come.

    Each part is copied into one output array and can be freed at once, instead of all
    of them being held until a final ``np.concatenate``: the peak is lower and the heap
    does not grow by every part. The output is sized from the values per text seen so
    far (with an eighth to spare) and grown the same way when a part does not fit.
    """
    counts = np.empty(texts, dtype=np.int64)
    values = _NO_SHINGLES
    used = done = 0
    for part_values, part_counts in parts:
        needed = used + len(part_values)
        if needed > len(values):
            estimate = needed * texts // max(done + len(part_counts), 1)
            grown = np.empty(max(needed, estimate + estimate // 8), dtype=np.uint64)
            grown[:used] = values[:used]
            values = grown
        values[used:needed] = part_values
        counts[done : done + len(part_counts)] = part_counts
        used, done = needed, done + len(part_counts)
    if done != texts:
        raise ValueError(f"the parts cover {done} texts, expected {texts}")
    return values[:used], counts


def find_clusters(
    texts: Sequence[str], settings: Settings, *, workers: int | None = None
) -> PositionClusters:
    """Run the whole pipeline on ``texts``; clusters of positions in input order.

    ``workers`` threads share the batch stages (default: every available core); the
    result is the same for any number.
    """
    workers = resolve_workers(workers)
    found = fingerprint(texts, settings, workers=workers)
    return cluster_fingerprints(texts, found, settings, workers=workers)


def cluster_fingerprints(
    texts: Sequence[str],
    fingerprints: Fingerprints,
    settings: Settings,
    *,
    workers: int | None = None,
) -> PositionClusters:
    """Steps 2 to 5 on fingerprints computed earlier (by batch, from a cache or a worker).

    ``texts`` is only read for the texts of candidate pairs, to verify them.
    """
    keys = fingerprints.band_keys
    columns = (keys[:, band] for band in range(keys.shape[1]))
    groups = group_identical(fingerprints)
    return cluster_groups(texts, groups, columns, settings, workers=workers)


def cluster_groups(
    texts: Sequence[str],
    groups: Groups,
    band_columns: Iterable[U64],
    settings: Settings,
    *,
    workers: int | None = None,
) -> PositionClusters:
    """Steps 3 to 5 with the band keys of all texts given one band (column) at a time.

    At most one column per worker thread is held at a time, so the band keys can come
    from disk.
    """
    workers = resolve_workers(workers)
    candidates = candidate_pairs_by_band(band_columns, groups.representatives, workers=workers)
    verifier = BlockVerifier(texts, groups, ngram=settings.ngram, workers=workers)
    similarities = verifier.jaccard(candidates)
    verified = similarities >= settings.threshold
    edges = candidates[verified]
    labels = connected_components(len(groups.representatives), edges)
    known = KnownSimilarities(verifier, edges, similarities[verified], len(groups.representatives))
    return _expand(groups, labels, known)


def candidate_pairs_by_band(
    band_columns: Iterable[U64], representatives: I64, *, workers: int = 1
) -> I64:
    """``lsh.candidate_pairs`` of the representatives' band keys, one band at a time.

    Equal to the all-bands call (a pair is a candidate when any band puts it in a
    bucket), but holds one column of keys per worker thread instead of a copy of all of
    them. Pairs found by several bands are merged whenever the new ones outnumber the
    merged ones, so repeats never pile up.
    """
    count = len(representatives)
    codes = np.empty(0, dtype=np.int64)
    pending: list[I64] = []

    def band_codes(column: U64) -> I64:
        return lsh.star_codes(column[representatives])

    columns = iter(band_columns)
    while chunk := list(islice(columns, workers)):
        pending.extend(map_in_threads(band_codes, chunk, workers=workers))
        if sum(map(len, pending)) > len(codes):
            codes = sorted_unique(np.concatenate((codes, *pending)))
            pending = []
    codes = sorted_unique(np.concatenate((codes, *pending)))
    return np.stack((codes // max(count, 1), codes % max(count, 1)), axis=1).astype(np.int64)


def verified_jaccard(
    texts: Sequence[str],
    groups: Groups,
    pairs: I64,
    *,
    ngram: int,
    chunk_texts: int = VERIFY_CHUNK_TEXTS,
    workers: int = 1,
) -> F64:
    """Exact Jaccard of pairs of distinct-text ids, with at most two blocks of texts shingled.

    The distinct texts of the pairs are cut into blocks of ``chunk_texts``; the pairs
    between blocks ``a <= b`` are verified with the shingle sets of those two blocks.
    With ``k`` blocks a block is shingled up to ``k`` times, so memory stays bounded
    whatever the number of pairs and texts, and a corpus that fits in one block is
    shingled once.
    """
    return _verify_in_blocks(texts, groups, pairs, ngram, chunk_texts, workers)[0]


def _verify_in_blocks(
    texts: Sequence[str], groups: Groups, pairs: I64, ngram: int, chunk_texts: int, workers: int
) -> tuple[F64, ShingleSets | None]:
    """``verified_jaccard``, and the shingle sets of the last block it built."""
    result = np.empty(len(pairs), dtype=np.float64)
    if len(pairs) == 0:
        return result, None
    ids = sorted_unique(pairs.ravel())
    blocks = np.searchsorted(ids, pairs) // chunk_texts
    low, high = blocks.min(axis=1), blocks.max(axis=1)
    order = np.lexsort((high, low))
    starts = np.flatnonzero(np.diff(low[order], prepend=-1) | np.diff(high[order], prepend=-1))
    first: ShingleSets | None = None
    for rows in np.split(order, starts[1:]):
        block_a, block_b = int(low[rows[0]]), int(high[rows[0]])
        if first is None or first.ids[0] != ids[block_a * chunk_texts]:
            first = _block_sets(texts, groups, ids, block_a, chunk_texts, ngram, workers)
        sets = first
        if block_b != block_a:
            second = _block_sets(texts, groups, ids, block_b, chunk_texts, ngram, workers)
            sets = first.joined(second)
        result[rows] = sets.jaccard(pairs[rows])
    return result, first


class Similarity(Protocol):
    """What ``_expand`` needs: exact Jaccard similarities of pairs of distinct-text ids."""

    def jaccard(self, pairs: I64) -> F64: ...


@dataclass(slots=True)
class BlockVerifier:
    """``verified_jaccard`` bound to its texts: a ``Similarity`` with bounded memory.

    It keeps the shingle sets of the last block it built (one block, within the memory
    bound), so later pairs among those texts, such as a cluster's members against its
    first member, are answered without shingling them again.
    """

    texts: Sequence[str]
    groups: Groups
    ngram: int
    workers: int = 1
    _recent: ShingleSets | None = field(default=None, init=False, repr=False)

    def jaccard(self, pairs: I64) -> F64:
        """Exact Jaccard similarity of pairs of distinct-text ids."""
        if self._recent is not None and _all_known(self._recent.ids, pairs):
            return self._recent.jaccard(pairs)
        result, self._recent = _verify_in_blocks(
            self.texts, self.groups, pairs, self.ngram, VERIFY_CHUNK_TEXTS, self.workers
        )
        return result


def _all_known(ids: I64, pairs: I64) -> bool:
    """Whether every id in ``pairs`` is in the sorted ``ids``."""
    where = np.minimum(np.searchsorted(ids, pairs), max(len(ids) - 1, 0))
    return len(ids) > 0 and bool(np.all(ids[where] == pairs))


class KnownSimilarities:
    """A ``Similarity`` that answers from pairs already verified, and asks ``fallback`` the rest.

    A cluster's members are reported against its first member; in a cluster of two
    distinct texts that pair was verified already, so only larger clusters need new
    Jaccard computations (and new shingling of their texts).
    """

    def __init__(self, fallback: Similarity, pairs: I64, similarities: F64, count: int):
        self._fallback = fallback
        self._count = max(count, 1)
        codes = _pair_codes(pairs, self._count)
        order = np.argsort(codes)
        self._codes, self._similarities = codes[order], similarities[order]

    def jaccard(self, pairs: I64) -> F64:
        """Exact Jaccard similarity of pairs of distinct-text ids, in either order."""
        codes = _pair_codes(pairs, self._count)
        where = np.minimum(np.searchsorted(self._codes, codes), max(len(self._codes) - 1, 0))
        found = (self._codes[where] == codes) if len(self._codes) else np.zeros(len(codes), bool)
        result = np.empty(len(pairs), dtype=np.float64)
        result[found] = self._similarities[where[found]]
        if not found.all():
            result[~found] = self._fallback.jaccard(pairs[~found])
        return result


def _pair_codes(pairs: I64, count: int) -> I64:
    """One int64 per unordered pair of ids below ``count``."""
    ordered = np.sort(pairs.reshape(-1, 2), axis=1)
    return ordered[:, 0] * count + ordered[:, 1]


def _block_sets(
    texts: Sequence[str], groups: Groups, ids: I64, block: int, size: int, ngram: int, workers: int
) -> ShingleSets:
    chosen = ids[block * size : (block + 1) * size]
    return ShingleSets(texts, groups, chosen, ngram=ngram, workers=workers)


def _expand(groups: Groups, labels: I64, shingle_sets: Similarity) -> PositionClusters:
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
