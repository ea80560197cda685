"""The systems under comparison, each as timed stages over the same workload.

Every system gets the same paragraphs and the same settings: word 5-grams after
lower-casing, 128 permutations, threshold 0.8, and the bands and rows ``dedupe`` derives
(21 x 6) where the peer allows it. Each ``run_*`` function returns the seconds spent
per stage and the found pairs of near-duplicates, so recall is measured the same way
for all. Peers are imported lazily: they are benchmark dependencies, not the library's.

- ``dedupe``: the library's own stages, one thread, and end to end ``find_duplicates``,
  at the peers' settings (``dedupe``) and at the library's defaults (``dedupe-defaults``:
  3-grams, threshold 0.4, 64 bands of 2 rows).
- ``datasketch``: its fastest documented path, ``MinHash.bulk`` with an xxhash
  ``hashfunc`` (32-bit, as the ``affine32`` scheme expects), a ``MinHashLSH`` filled in
  an ``insertion_session`` and queried per sketch, candidates kept when their estimated
  Jaccard reaches the threshold.
- ``rensa``: full-set R-MinHash sketches built in one call (``RMinHash.from_token_sets``),
  ``RMinHashLSH.insert_many`` and ``query_all``, candidates kept when their estimated
  Jaccard reaches the threshold. Its LSH needs bands dividing ``num_perm``: 32 x 4 is
  the closest shape whose recall at the threshold is at least ours.
- ``gaoya``: ``MinHashStringIndex`` with its own word tokenizer and 5-grams in Rust
  (``analyzer="word"``, ``lowercase=True``), 21 bands x 6 rows (126 hashes of 32 bits),
  ``par_bulk_insert_docs`` and ``par_bulk_query`` on all cores; the query keeps the
  documents whose estimated Jaccard reaches the threshold.
- ``fastsketchlsh``: ``FastSimilaritySketch.batch`` (C++/SIMD, OpenMP on all cores) over
  the same word 5-grams as rensa, its ``LSH`` (32 x 4, the bands must divide the sketch
  size) filled with ``insert`` and queried in one ``query(..., format="csr")``,
  candidates kept when ``estimate_jaccard`` reaches the threshold.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import numpy as np

from benchmarks.workload import NGRAM, NUM_PERM, THRESHOLD
from dedupe import lsh
from dedupe.hashing import I64
from dedupe.settings import Settings

SEED = 1
DIVISOR_BANDS = 32
"""Bands for the peers whose LSH needs them to divide ``num_perm`` (32 x 4, see above)."""

T = TypeVar("T")
Stages = dict[str, float]


@contextmanager
def timed(stages: Stages, name: str) -> Iterator[None]:
    """Add the wall time of the block to ``stages[name]``."""
    start = time.perf_counter()
    yield
    stages[name] = stages.get(name, 0.0) + time.perf_counter() - start


def settings() -> Settings:
    """The settings every system is given (bands and rows derived by ``dedupe``)."""
    return Settings(threshold=THRESHOLD, num_perm=NUM_PERM, ngram=NGRAM, seed=SEED)


def run_dedupe(texts: list[str], chosen: Settings | None = None) -> tuple[Stages, I64]:
    """``dedupe`` stage by stage, exactly as ``chain.find_clusters`` on one thread.

    ``chosen`` defaults to the peers' ``settings()``. Returns ``(member,
    representative)`` position pairs of every cluster.
    """
    from dedupe import minhash
    from dedupe.assign import assign
    from dedupe.candidates import candidate_pairs
    from dedupe.chain import expand
    from dedupe.fingerprint import BATCH_SIZE, Fingerprints, concatenate, content_hashes
    from dedupe.grouping import group_identical
    from dedupe.shingle import ngram_hashes
    from dedupe.shinglesets import CorpusVerifier
    from dedupe.tokens import token_hashes

    chosen = chosen or settings()
    bands, rows = chosen.band_shape
    stages: Stages = {}
    parts = []
    for low in range(0, len(texts), BATCH_SIZE):
        batch = texts[low : low + BATCH_SIZE]
        with timed(stages, "tokens+shingles"):
            tokens, counts = token_hashes(batch)
            shingles, shingle_counts = ngram_hashes(tokens, counts, ngram=chosen.ngram)
            content = content_hashes(tokens, counts)
        with timed(stages, "signatures"):
            signatures = minhash.signatures(
                shingles, shingle_counts, num_perm=chosen.num_perm, seed=chosen.seed
            )
        with timed(stages, "lsh"):
            keys = lsh.band_keys(signatures, bands=bands, rows=rows)
        parts.append(Fingerprints(content, counts, keys))
    fingerprints = concatenate(parts, bands=bands)
    with timed(stages, "lsh"):
        groups = group_identical(fingerprints.content, fingerprints.token_counts, keep=chosen.keep)
        columns = (fingerprints.band_keys[groups.first, band] for band in range(bands))
        candidates = candidate_pairs(columns, count=len(groups), shared=chosen.shared_bands)
    with timed(stages, "verify"):
        similarities = CorpusVerifier(texts, groups.first, chosen.ngram).jaccard(candidates)
        near = similarities >= chosen.threshold
    with timed(stages, "cluster"):
        found = expand(groups, assign(len(groups), candidates[near], similarities[near]))
    sizes = np.diff(found.offsets)
    leaders = np.repeat(found.members[found.offsets[:-1]], sizes)
    pairs = np.stack((found.members, leaders), axis=1)
    return stages, pairs[pairs[:, 0] != pairs[:, 1]].astype(np.int64)


def end_to_end_dedupe(texts: list[str], chosen: Settings | None = None) -> I64:
    """The public API, for the end-to-end time: pairs (first member, member) of clusters.

    ``chosen`` defaults to the peers' ``settings()``; its seed is the library's default.
    """
    import dedupe

    chosen = chosen or settings()
    clusters = dedupe.find_duplicates(
        texts, threshold=chosen.threshold, num_perm=chosen.num_perm, ngram=chosen.ngram
    )
    pairs = [(cluster.keys[0], key) for cluster in clusters for key in cluster.keys[1:]]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def word_ngrams(text: str) -> list[str]:
    """The peers' shingles: word 5-grams after lower-casing (short texts: one n-gram)."""
    words = text.lower().split()
    if len(words) < NGRAM:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)]


def run_datasketch(texts: list[str]) -> tuple[Stages, I64]:
    """datasketch's fastest documented path (see the module docstring)."""
    import xxhash
    from datasketch import MinHash, MinHashLSH

    bands, rows = settings().band_shape
    stages: Stages = {}
    with timed(stages, "tokens+shingles"):
        shingles = [[gram.encode("utf-8") for gram in word_ngrams(text)] for text in texts]
    with timed(stages, "signatures"):
        sketches = MinHash.bulk(
            shingles, num_perm=NUM_PERM, seed=SEED, hashfunc=xxhash.xxh32_intdigest
        )
    with timed(stages, "lsh"):
        index = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, params=(bands, rows))
        with index.insertion_session() as session:
            for key, sketch in enumerate(sketches):
                session.insert(key, sketch, check_duplication=False)
        candidates = _pairs_from_neighbours(index.query(sketch) for sketch in sketches)
    with timed(stages, "verify"):
        found = _estimated_pairs(candidates, lambda i, j: sketches[i].jaccard(sketches[j]))
    with timed(stages, "cluster"):
        _union_find(len(texts), found)
    return stages, found


def run_rensa(texts: list[str]) -> tuple[Stages, I64]:
    """rensa's fastest documented path for candidate pairs (see the module docstring)."""
    from rensa import RMinHash, RMinHashLSH

    stages: Stages = {}
    with timed(stages, "tokens+shingles"):
        shingles = [word_ngrams(text) for text in texts]
    with timed(stages, "signatures"):
        sketches = RMinHash.from_token_sets(shingles, num_perm=NUM_PERM, seed=SEED)
    with timed(stages, "lsh"):
        index = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=DIVISOR_BANDS)
        index.insert_many(sketches)
        candidates = _pairs_from_neighbours(index.query_all(sketches))
    with timed(stages, "verify"):
        found = _estimated_pairs(candidates, lambda i, j: sketches[i].jaccard(sketches[j]))
    with timed(stages, "cluster"):
        _union_find(len(texts), found)
    return stages, found


def run_gaoya(texts: list[str]) -> tuple[Stages, I64]:
    """gaoya's bulk string index with its own tokenizer (see the module docstring).

    Tokenizing, shingling, hashing and inserting are one call (column "signatures"); the
    query hashes every text again and filters by estimated Jaccard (column "lsh").
    """
    from gaoya.minhash import MinHashStringIndex

    bands, rows = settings().band_shape
    stages: Stages = {}
    with timed(stages, "signatures"):
        index = MinHashStringIndex(
            hash_size=32,
            jaccard_threshold=THRESHOLD,
            num_bands=bands,
            band_size=rows,
            analyzer="word",
            lowercase=True,
            ngram_range=(NGRAM, NGRAM),
            id_container="vec",
        )
        index.par_bulk_insert_docs(list(range(len(texts))), texts)
    with timed(stages, "lsh"):
        found = _pairs_from_neighbours(index.par_bulk_query(texts))
    with timed(stages, "cluster"):
        pairs = np.array(found, dtype=np.int64).reshape(-1, 2)
        _union_find(len(texts), pairs)
    return stages, pairs


def run_fastsketchlsh(texts: list[str]) -> tuple[Stages, I64]:
    """FastSketchLSH's batch sketches and LSH on all cores (see the module docstring)."""
    from FastSketchLSH import LSH, FastSimilaritySketch, estimate_jaccard

    stages: Stages = {}
    with timed(stages, "tokens+shingles"):
        # Its sketcher refuses an empty set; an empty text gets the empty shingle.
        shingles = [word_ngrams(text) or [""] for text in texts]
    with timed(stages, "signatures"):
        sketches = FastSimilaritySketch(size=NUM_PERM, seed=SEED).batch(shingles, num_threads=0)
    with timed(stages, "lsh"):
        index = LSH(num_perm=NUM_PERM, num_bands=DIVISOR_BANDS)
        index.insert(sketches)
        flat, offsets = index.query(sketches, format="csr")
        owners = np.repeat(np.arange(len(texts)), np.diff(offsets.astype(np.int64)))
        others = flat.astype(np.int64)
        later = others > owners
        candidates = list(zip(owners[later].tolist(), others[later].tolist(), strict=True))
    with timed(stages, "verify"):
        found = _estimated_pairs(
            candidates, lambda i, j: estimate_jaccard(sketches[i], sketches[j])
        )
    with timed(stages, "cluster"):
        _union_find(len(texts), found)
    return stages, found


def _pairs_from_neighbours(neighbours: Any) -> list[tuple[int, int]]:
    return [(key, other) for key, keys in enumerate(neighbours) for other in keys if other > key]


def _estimated_pairs(
    candidates: list[tuple[int, int]], similarity: Callable[[int, int], float]
) -> I64:
    kept = [(i, j) for i, j in candidates if similarity(i, j) >= THRESHOLD]
    return np.array(kept, dtype=np.int64).reshape(-1, 2)


def _union_find(count: int, pairs: I64) -> list[int]:
    """What a peer's user writes to group pairs: union-find with path halving."""
    parent = list(range(count))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in pairs.tolist():
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return [root(node) for node in range(count)]


def recall(count: int, found: I64, truth: I64) -> float:
    """Share of the true pairs whose two texts end up in the same cluster."""
    if len(truth) == 0:
        return 1.0
    labels = np.array(_union_find(count, found))
    return float(np.mean(labels[truth[:, 0]] == labels[truth[:, 1]]))


@dataclass(frozen=True)
class System:
    """A system under comparison: its instrumented run and where it comes from."""

    run: Callable[[list[str]], tuple[Stages, I64]]
    module: str  # imported before the timed calls; when missing, the system is not installed
    distribution: str  # whose version the results name
    end_to_end: Callable[[list[str]], object] | None = None  # timed instead of ``run``


SYSTEMS: dict[str, System] = {
    "dedupe": System(run_dedupe, "dedupe", "paragraph-dedupe", end_to_end_dedupe),
    "dedupe-defaults": System(
        partial(run_dedupe, chosen=Settings()),
        "dedupe",
        "paragraph-dedupe",
        partial(end_to_end_dedupe, chosen=Settings()),
    ),
    "gaoya": System(run_gaoya, "gaoya", "gaoya"),
    "fastsketchlsh": System(run_fastsketchlsh, "FastSketchLSH", "fastsketchlsh"),
    "rensa": System(run_rensa, "rensa", "rensa"),
    "datasketch": System(run_datasketch, "datasketch", "datasketch"),
}
"""Every system, in the order of the table; ``dedupe`` runs at the peers' settings."""
