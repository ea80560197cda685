"""Detection quality on real text: recall of edited copies, false clusters, exactness, time.

    python -m benchmarks.quality [--sources 2000] [--json FILE] [--speed]

The corpus (``build_corpus``): real paragraphs of the Python installation (see
``realtext``), pairwise dissimilar (exact Jaccard of word sets below 0.3, checked by brute
force); a few thousand of them are *sources*, each with edited copies (``COPY_KINDS``:
0 to 30 % of words edited, a sentence added or dropped, and a surface change on every
copy), mixed with ten times as many *unrelated* paragraphs. Every text belongs to a
*family*: a source and its copies share one, each unrelated paragraph has its own.

For each method (dedupe settings, datasketch and rensa at their documented defaults) it
reports recall (a copy counts when it lands in its source's cluster) per copy kind and
per source length, false clusters (clusters joining two families), and time. For the
dedupe settings it also checks the result against brute force: every pair of texts whose
exact similarity (the engine's own shingle sets) reaches the threshold, found by a
sparse product over all pairs; the engine must report these pairs in one cluster
(``pair recall``) and never join texts that no chain of such pairs joins (``sound``).

``--speed`` also times word 5-grams at 0.8 and the defaults on 100k synthesized
paragraphs. Heavy: run it under the project's heavy-job lock.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

import dedupe
from benchmarks import edits, realtext
from dedupe.hashing import I64
from dedupe.settings import DEFAULT_NGRAM, DEFAULT_NUM_PERM, DEFAULT_THRESHOLD
from dedupe.shingle import shingle_many, unique_per_text
from dedupe.verify import F64

RATES = (0.0, 0.02, 0.05, 0.10, 0.20, 0.30)
COPY_KINDS = (*(f"{round(rate * 100)}%" for rate in RATES), "+sentence", "-sentence")
LENGTH_BUCKETS = ((20, 40), (40, 80), (80, 400))
"""Source lengths in words, ``[low, high)``; recall is reported per bucket."""
MAX_BASE_SIMILARITY = 0.3
UNRELATED_PER_SOURCE = 10
_PRODUCT_ENTRIES = 20_000_000
GRID = (
    (1, (0.7, 0.8)),
    (2, (0.5, 0.6)),
    (3, (0.35, 0.4, 0.45, 0.5)),
    (4, (0.35, 0.4)),
    (5, (0.3, 0.4, 0.5, 0.8)),
)
"""Word n-gram sizes and the thresholds compared for each."""

SOURCE = "source"
UNRELATED = "unrelated"

Labels = I64
"""A cluster label per text; texts in no cluster have labels of their own."""


@dataclass(frozen=True)
class Corpus:
    """Texts with what the benchmark knows about each."""

    texts: list[str]
    family: I64  # source number for a source and its copies; a family of its own otherwise
    kind: npt.NDArray[np.str_]  # SOURCE, UNRELATED or one of COPY_KINDS
    bucket: I64  # length bucket of the family's source, -1 for unrelated paragraphs
    edits: I64  # word edits made to a copy, 0 otherwise
    words: I64  # words of the source a copy was made from (its own for others)


def word_count(text: str) -> int:
    """Words separated by whitespace, as ``edits`` counts them."""
    return len(text.split())


def build_corpus(*, sources: int, seed: int) -> Corpus:
    """Sources spread evenly over ``LENGTH_BUCKETS``, their copies, and unrelated text."""
    paragraphs = realtext.real_paragraphs()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(paragraphs)).tolist()
    lengths = np.array([word_count(paragraphs[index]) for index in order])
    per_bucket = -(-sources // len(LENGTH_BUCKETS))
    picked: list[int] = []
    for low, high in LENGTH_BUCKETS:
        inside = np.flatnonzero((lengths >= low) & (lengths < high))
        picked.extend(inside[: per_bucket * 3 // 2].tolist())  # spares for the filter
    rest = np.setdiff1d(np.arange(len(order)), picked)
    spare_unrelated = sources * UNRELATED_PER_SOURCE * 3 // 2
    picked.extend(rng.permutation(rest)[:spare_unrelated].tolist())
    pool = [paragraphs[order[index]] for index in picked]
    keep = _dissimilar(pool)

    chosen_sources: list[str] = []
    for low, high in LENGTH_BUCKETS:
        kept_here = [
            text
            for text, kept in zip(pool, keep, strict=True)
            if kept and low <= word_count(text) < high
        ]
        chosen_sources.extend(kept_here[:per_bucket])
    chosen = set(chosen_sources)
    unrelated = [text for text, kept in zip(pool, keep, strict=True) if kept and text not in chosen]
    unrelated = unrelated[: len(chosen_sources) * UNRELATED_PER_SOURCE]
    outside = [paragraphs[order[index]] for index in np.setdiff1d(rest, picked).tolist()]
    return with_copies(
        chosen_sources,
        unrelated,
        rng=rng,
        vocabulary=realtext.vocabulary(),
        sentences=foreign_sentences(outside, pool),
    )


def foreign_sentences(outside: Sequence[str], inside: Sequence[str]) -> list[str]:
    """Sentences (of five words or more) of ``outside`` sharing no word 5-gram with ``inside``.

    Added sentences come from here, so a copy with a sentence added never contains a
    sentence, or a near copy of one, of another paragraph of the corpus.
    """
    candidates = list(
        dict.fromkeys(
            sentence
            for text in outside
            for sentence in edits.sentences(text)
            if len(sentence.split()) >= 5
        )
    )
    taken, _ = shingle_many(inside, ngram=5)
    hashes, counts = shingle_many(candidates, ngram=5)
    shared = np.isin(hashes, taken)
    owners = np.repeat(np.arange(len(candidates)), counts)
    clashing = np.bincount(owners[shared], minlength=len(candidates)) > 0
    return [sentence for sentence, clash in zip(candidates, clashing, strict=True) if not clash]


def _dissimilar(texts: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Keep mask such that no two kept texts reach ``MAX_BASE_SIMILARITY`` (word sets)."""
    pairs, _ = similar_pairs(texts, ngram=1, threshold=MAX_BASE_SIMILARITY)
    keep = np.ones(len(texts), dtype=bool)
    for first, second in pairs.tolist():
        if keep[first] and keep[second]:
            keep[second] = False
    return keep


def with_copies(
    sources: Sequence[str],
    unrelated: Sequence[str],
    *,
    rng: np.random.Generator,
    vocabulary: Sequence[str],
    sentences: Sequence[str],
) -> Corpus:
    """The corpus: sources, their copies (``COPY_KINDS``) and unrelated texts, shuffled."""
    rows: list[tuple[str, int, str, int, int, int]] = []
    for family, source in enumerate(sources):
        words = word_count(source)
        bucket = next(b for b, (low, high) in enumerate(LENGTH_BUCKETS) if low <= words < high)
        rows.append((source, family, SOURCE, bucket, 0, words))
        for rate, kind in zip(RATES, COPY_KINDS, strict=False):
            count = edits.edit_count(words, rate=rate, rng=rng)
            copy = edits.edit_words(source, edits=count, rng=rng, vocabulary=vocabulary)
            rows.append((edits.change_surface(copy, rng=rng), family, kind, bucket, count, words))
        added = edits.add_sentence(source, rng=rng, pool=sentences)
        rows.append((edits.change_surface(added, rng=rng), family, "+sentence", bucket, 0, words))
        dropped = edits.drop_sentence(source, rng=rng)
        if (
            len(edits.sentences(source)) > 1 and word_count(dropped) >= realtext.MIN_WORDS
        ):  # enough left to call it a paragraph
            rows.append(
                (edits.change_surface(dropped, rng=rng), family, "-sentence", bucket, 0, words)
            )
    for offset, text in enumerate(unrelated):
        rows.append((text, len(sources) + offset, UNRELATED, -1, 0, word_count(text)))
    shuffled = [rows[index] for index in rng.permutation(len(rows)).tolist()]
    columns = list(zip(*shuffled, strict=True))
    return Corpus(
        [str(text) for text in columns[0]],
        np.array(columns[1], dtype=np.int64),
        np.array(columns[2], dtype=np.str_),
        np.array(columns[3], dtype=np.int64),
        np.array(columns[4], dtype=np.int64),
        np.array(columns[5], dtype=np.int64),
    )


def similar_pairs(texts: Sequence[str], *, ngram: int, threshold: float) -> tuple[I64, F64]:
    """Brute force: every pair ``i < j`` whose exact Jaccard reaches ``threshold``.

    Uses the engine's shingle sets and a sparse product of the text-by-shingle matrix
    with its transpose, chunk by chunk, so every pair's intersection is counted.
    """
    import scipy.sparse

    hashes, counts = shingle_many(texts, ngram=ngram)
    sets, counts = unique_per_text(hashes, counts)
    _, columns = np.unique(sets, return_inverse=True)
    rows = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    shape = (len(counts), int(columns.max(initial=-1)) + 1)
    matrix = scipy.sparse.csr_matrix(
        (np.ones(len(columns), dtype=np.int32), (rows, columns.ravel())), shape=shape
    )
    transposed = matrix.T.tocsr()
    chunk = max(1, _PRODUCT_ENTRIES // max(1, len(counts)))  # bounds the memory of a product
    found_pairs: list[I64] = []
    found_similarities: list[F64] = []
    for low in range(0, len(counts), chunk):
        product = (matrix[low : low + chunk] @ transposed).tocoo()
        first = product.row.astype(np.int64) + low
        second = product.col.astype(np.int64)
        shared = product.data.astype(np.int64)
        similarity = shared / (counts[first] + counts[second] - shared)
        keep = (second > first) & (similarity >= threshold)
        found_pairs.append(np.stack((first[keep], second[keep]), axis=1))
        found_similarities.append(similarity[keep])
    if not found_pairs:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float64)
    pairs = np.concatenate(found_pairs)
    similarities = np.concatenate(found_similarities)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return pairs[order], similarities[order]


def labels_from_pairs(count: int, pairs: I64) -> Labels:
    """Cluster labels: connected components of ``pairs`` over ``count`` texts."""
    import scipy.sparse
    import scipy.sparse.csgraph

    edges = pairs.reshape(-1, 2).astype(np.int64)
    graph = scipy.sparse.coo_matrix(
        (np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(count, count)
    )
    _, labels = scipy.sparse.csgraph.connected_components(graph, directed=False)
    result: Labels = np.asarray(labels, dtype=np.int64)
    return result


def labels_from_clusters(count: int, clusters: Sequence[dedupe.Cluster[int]]) -> Labels:
    """Cluster labels from the engine's clusters (positions as keys)."""
    labels = np.arange(count, dtype=np.int64)
    for number, cluster in enumerate(clusters):
        labels[list(cluster.keys)] = count + number
    return labels


@dataclass
class Result:
    """One method's numbers on the corpus."""

    method: str
    seconds: float
    recall: dict[str, float]  # per copy kind
    recall_by_length: dict[str, dict[str, float]]  # bucket name -> copy kind -> recall
    clusters: int
    false_clusters: int  # clusters joining two families
    unrelated_joined: int  # of those, clusters with an unrelated paragraph
    exact: dict[str, Any] = field(default_factory=dict)  # brute-force check, dedupe only


def bucket_name(bucket: int) -> str:
    """``"20-39 words"`` for a bucket of ``LENGTH_BUCKETS``."""
    low, high = LENGTH_BUCKETS[bucket]
    return f"{low}-{high - 1} words"


def evaluate(corpus: Corpus, labels: Labels, *, method: str, seconds: float) -> Result:
    """Recall per copy kind and length, and false clusters, of one clustering."""
    source_of = np.full(int(corpus.family.max()) + 1, -1, dtype=np.int64)
    is_source = corpus.kind == SOURCE
    source_of[corpus.family[is_source]] = np.flatnonzero(is_source)
    is_copy = np.isin(corpus.kind, COPY_KINDS)
    found = np.zeros(len(corpus.texts), dtype=bool)
    copies = np.flatnonzero(is_copy)
    found[copies] = labels[copies] == labels[source_of[corpus.family[copies]]]

    def recall(mask: npt.NDArray[np.bool_]) -> dict[str, float]:
        return {
            kind: float(found[mask & (corpus.kind == kind)].mean())
            for kind in COPY_KINDS
            if (mask & (corpus.kind == kind)).any()
        }

    by_length = {
        bucket_name(bucket): recall(corpus.bucket == bucket)
        for bucket in range(len(LENGTH_BUCKETS))
    }
    clusters, false_clusters, unrelated_joined = count_false_clusters(
        labels, corpus.family, corpus.kind == UNRELATED
    )
    return Result(
        method,
        seconds,
        recall(is_copy),
        by_length,
        clusters,
        false_clusters,
        unrelated_joined,
    )


def count_false_clusters(
    labels: Labels, family: I64, unrelated: npt.NDArray[np.bool_]
) -> tuple[int, int, int]:
    """(clusters, clusters with members of two families, of those with an unrelated text)."""
    _, cluster, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    in_cluster = sizes[cluster] >= 2
    pairs = np.unique(np.stack((cluster[in_cluster], family[in_cluster]), axis=1), axis=0)
    families_per_cluster = np.bincount(pairs[:, 0], minlength=len(sizes))
    mixed = families_per_cluster >= 2
    with_unrelated = np.zeros(len(sizes), dtype=bool)
    with_unrelated[cluster[in_cluster & unrelated]] = True
    return int((sizes >= 2).sum()), int(mixed.sum()), int((mixed & with_unrelated).sum())


def exact_check(labels: Labels, pairs: I64) -> dict[str, Any]:
    """Compare a clustering with the truly similar ``pairs`` found by brute force."""
    truth = labels_from_pairs(len(labels), pairs)
    reported = labels[pairs[:, 0]] == labels[pairs[:, 1]] if len(pairs) else np.ones(0, bool)
    # Sound: each engine cluster lies inside one component of the true-similarity graph.
    _, cluster = np.unique(labels, return_inverse=True)
    components = np.unique(np.stack((cluster, truth), axis=1), axis=0)
    split = np.bincount(components[:, 0]) >= 2
    return {
        "similar_pairs": len(pairs),
        "pair_recall": float(reported.mean()) if len(pairs) else 1.0,
        "unsound_clusters": int(split.sum()),
    }


Runner = Callable[[list[str]], Labels]


def dedupe_runner(**options: Any) -> Runner:
    """Run ``dedupe.find_duplicates`` with ``options``."""

    def run(texts: list[str]) -> Labels:
        return labels_from_clusters(len(texts), dedupe.find_duplicates(texts, **options))

    return run


def datasketch_runner(texts: list[str]) -> Labels:
    """datasketch as its documentation shows it: word sets, ``MinHashLSH()`` defaults."""
    from datasketch import MinHash, MinHashLSH

    signatures = MinHash.bulk(
        [[word.encode("utf-8") for word in text.split()] for text in texts], num_perm=128
    )
    index = MinHashLSH()  # threshold=0.9, num_perm=128
    for key, signature in enumerate(signatures):
        index.insert(key, signature)
    pairs = [
        (key, other)
        for key, signature in enumerate(signatures)
        for other in index.query(signature)
        if other > key
    ]
    return labels_from_pairs(len(texts), np.array(pairs, dtype=np.int64))


def rensa_runner(texts: list[str]) -> Labels:
    """rensa as its README shows it: word lists, ``RMinHashDeduplicator(0.8, 128, LSH)``."""
    from rensa import RMinHashDeduplicator

    deduplicator = RMinHashDeduplicator(threshold=0.8, num_perm=128, use_lsh=True)
    kept = deduplicator.add_pairs((str(key), text.split()) for key, text in enumerate(texts))
    dropped = [key for key, keep in enumerate(kept) if not keep]
    matches = deduplicator.get_duplicate_sets([texts[key].split() for key in dropped])
    pairs = [
        (key, int(other)) for key, found in zip(dropped, matches, strict=True) for other in found
    ]
    return labels_from_pairs(len(texts), np.array(pairs, dtype=np.int64))


@dataclass(frozen=True)
class Method:
    """A named way to cluster; ``ngram``/``threshold`` set for dedupe (exact check)."""

    name: str
    run: Runner
    ngram: int | None = None
    threshold: float | None = None
    num_perm: int | None = None


def dedupe_method(*, ngram: int, threshold: float, num_perm: int = DEFAULT_NUM_PERM) -> Method:
    """A dedupe setting as a method named after its options."""
    name = f"dedupe word {ngram}-gram t={threshold:g} p={num_perm}"
    if (ngram, threshold, num_perm) == (DEFAULT_NGRAM, DEFAULT_THRESHOLD, DEFAULT_NUM_PERM):
        name += " (default)"
    run = dedupe_runner(ngram=ngram, threshold=threshold, num_perm=num_perm)
    return Method(name, run, ngram, threshold, num_perm)


def methods() -> list[Method]:
    """What the benchmark compares: a grid of dedupe settings, then the two peers."""
    grid = [
        dedupe_method(ngram=ngram, threshold=threshold)
        for ngram, thresholds in GRID
        for threshold in thresholds
    ]
    grid += [
        dedupe_method(ngram=DEFAULT_NGRAM, threshold=DEFAULT_THRESHOLD, num_perm=num_perm)
        for num_perm in (64, DEFAULT_NUM_PERM, 256)
    ]
    grid = list({method.name: method for method in grid}.values())
    return [
        *grid,
        Method("datasketch 2.x word sets t=0.9 p=128", datasketch_runner),
        Method("rensa 0.5 word lists t=0.8 p=128", rensa_runner),
    ]


def run_methods(corpus: Corpus, chosen: Sequence[Method]) -> list[Result]:
    """Time each method on the corpus, evaluate it, and check dedupe against brute force.

    Brute force runs once per n-gram size, at the lowest threshold of that size.
    """
    truth: dict[int, tuple[I64, F64]] = {}
    for ngram in sorted({method.ngram for method in chosen if method.ngram is not None}):
        lowest = min(m.threshold or 1.0 for m in chosen if m.ngram == ngram)
        truth[ngram] = similar_pairs(corpus.texts, ngram=ngram, threshold=lowest)
    results = []
    for method in chosen:
        start = time.perf_counter()
        labels = method.run(corpus.texts)
        seconds = time.perf_counter() - start
        result = evaluate(corpus, labels, method=method.name, seconds=seconds)
        if method.ngram is not None and method.threshold is not None:
            pairs, similarities = truth[method.ngram]
            result.exact = exact_check(labels, pairs[similarities >= method.threshold])
        print(f"  {method.name}: {seconds:.1f} s", file=sys.stderr, flush=True)
        results.append(result)
    return results


BASELINE = {"ngram": 5, "threshold": 0.8}
"""The usual MinHash setting: the speed reference (targets: at most 2x its time)."""


def meets_targets(result: Result) -> bool:
    """The recall targets of the defaults, and no unrelated paragraph joined."""
    recall = result.recall
    return (
        recall["0%"] == 1.0
        and min(recall["2%"], recall["5%"]) >= 0.99
        and recall["10%"] >= 0.9
        and result.unrelated_joined == 0
    )


def speed_run(options: dict[str, dict[str, Any]], *, count: int, seed: int) -> dict[str, float]:
    """Median of three timings of ``find_duplicates`` per named options, synthesized text."""
    texts = realtext.synthesize(count, seed=seed)
    medians: dict[str, float] = {}
    for name, settings in options.items():
        seconds = []
        for _ in range(3):
            start = time.perf_counter()
            dedupe.find_duplicates(texts, **settings)
            seconds.append(time.perf_counter() - start)
        medians[name] = float(np.median(seconds))
    return medians


def table(results: Sequence[Result]) -> str:
    """A Markdown table of the results: one row per method."""
    header = ["method", "s", *COPY_KINDS, "false clusters", "pair recall", "unsound"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for result in results:
        cells = [result.method, f"{result.seconds:.1f}"]
        cells += [f"{result.recall.get(kind, float('nan')):.3f}" for kind in COPY_KINDS]
        cells.append(f"{result.false_clusters} ({result.unrelated_joined} unrel.)")
        if result.exact:
            cells += [f"{result.exact['pair_recall']:.4f}", str(result.exact["unsound_clusters"])]
        else:
            cells += ["-", "-"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def length_table(result: Result) -> str:
    """A Markdown table of one method's recall per source length."""
    header = ["source length", *COPY_KINDS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for bucket, recall in result.recall_by_length.items():
        cells = [bucket] + [f"{recall.get(kind, float('nan')):.3f}" for kind in COPY_KINDS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the corpus, run every method, print the tables (and write JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=2000, help="source paragraphs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--speed", action="store_true", help="time 100k synthesized paragraphs")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    corpus = build_corpus(sources=args.sources, seed=args.seed)
    kinds, counts = np.unique(corpus.kind, return_counts=True)
    sizes = dict(zip(kinds.tolist(), counts.tolist(), strict=True))
    seconds = time.perf_counter() - start
    print(f"corpus: {len(corpus.texts)} texts {sizes}, built in {seconds:.0f} s", flush=True)
    copies = np.isin(corpus.kind, COPY_KINDS[1 : len(RATES)])
    rates = corpus.edits[copies] / corpus.words[copies]
    for kind in COPY_KINDS[1 : len(RATES)]:
        mean = rates[corpus.kind[copies] == kind].mean()
        print(f"  {kind} copies: mean edit rate {mean:.4f}")
    results = run_methods(corpus, methods())
    print(table(results))
    default = next(
        r
        for r in results
        if r.method == dedupe_method(ngram=DEFAULT_NGRAM, threshold=DEFAULT_THRESHOLD).name
    )
    print(f"\nrecall per source length, {default.method} (the defaults):")
    print(length_table(default))
    speed: dict[str, float] = {}
    if args.speed:
        speed = speed_run({"baseline": BASELINE, "defaults": {}}, count=100_000, seed=args.seed)
        print("\nspeed, 100k synthesized paragraphs, median of 3 (s, and x baseline):")
        for name, seconds in speed.items():
            print(f"  {name}: {seconds:.2f} s, {seconds / speed['baseline']:.2f}x")
    if args.json:
        payload = {"results": [vars(result) for result in results], "speed": speed}
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
