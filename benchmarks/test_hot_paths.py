"""pytest-benchmark of each hot path and of the whole pipeline, at 10k and 100k paragraphs.

Run with ``make bench``. Inputs come from the ``inputs`` fixture (built outside the timed
calls); each benchmark checks its result so that a broken stage cannot look fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
from pytest_benchmark.fixture import BenchmarkFixture

import dedupe
from benchmarks.conftest import Inputs, rounds
from dedupe import lsh, minhash
from dedupe.assign import assign
from dedupe.candidates import candidate_pairs
from dedupe.fingerprint import fingerprint
from dedupe.shingle import ngram_hashes, unique_per_text
from dedupe.tokens import token_hashes

T = TypeVar("T")


def run(benchmark: BenchmarkFixture, inputs: Inputs, function: Callable[[], T]) -> T:
    size = len(inputs.texts)
    result: T = benchmark.pedantic(  # type: ignore[no-untyped-call]
        function, rounds=rounds(size), iterations=1
    )
    return result


def test_tokenize(benchmark: BenchmarkFixture, inputs: Inputs) -> None:
    tokens, counts = run(benchmark, inputs, lambda: token_hashes(inputs.texts))
    assert len(counts) == len(inputs.texts)
    assert len(tokens) == int(counts.sum()) > 0


def test_shingle(benchmark: BenchmarkFixture, inputs: Inputs) -> None:
    ngram = inputs.settings.ngram
    shingles, counts = run(
        benchmark, inputs, lambda: ngram_hashes(inputs.tokens, inputs.token_counts, ngram=ngram)
    )
    assert len(shingles) == int(counts.sum()) > 0


def test_signatures(benchmark: BenchmarkFixture, inputs: Inputs) -> None:
    chosen = inputs.settings
    signatures = run(
        benchmark,
        inputs,
        lambda: minhash.signatures(
            inputs.shingles, inputs.shingle_counts, num_perm=chosen.num_perm, seed=chosen.seed
        ),
    )
    assert signatures.shape == (len(inputs.texts), chosen.num_perm)


def test_band_keys(benchmark: BenchmarkFixture, inputs: Inputs) -> None:
    bands, rows = inputs.settings.band_shape
    keys = run(benchmark, inputs, lambda: lsh.band_keys(inputs.signatures, bands=bands, rows=rows))
    assert keys.shape == (len(inputs.texts), bands)


def test_candidate_pairs(benchmark: BenchmarkFixture, inputs: Inputs) -> None:
    keys = inputs.band_keys[inputs.groups.first]
    shared = inputs.settings.shared_bands
    pairs = run(benchmark, inputs, lambda: candidate_pairs(keys.T, count=len(keys), shared=shared))
    assert len(pairs) >= len(inputs.edges) > 0


def test_unique_shingle_sets(benchmark: BenchmarkFixture, inputs: Inputs) -> None:
    sets, counts = run(
        benchmark, inputs, lambda: unique_per_text(inputs.shingles, inputs.shingle_counts)
    )
    assert len(sets) == int(counts.sum()) <= len(inputs.shingles)


def test_verify(benchmark: BenchmarkFixture, inputs: Inputs) -> None:
    similarities = run(benchmark, inputs, lambda: inputs.verifier.jaccard(inputs.candidates))
    assert int((similarities >= inputs.settings.threshold).sum()) == len(inputs.edges)


def test_cluster(benchmark: BenchmarkFixture, inputs: Inputs) -> None:
    count = len(inputs.groups)
    similarities = np.ones(len(inputs.edges))
    found = run(benchmark, inputs, lambda: assign(count, inputs.edges, similarities))
    assert (found.representative[inputs.edges[:, 1]] <= inputs.edges[:, 1]).all()


def test_fingerprint(benchmark: BenchmarkFixture, inputs: Inputs) -> None:
    fingerprints = run(benchmark, inputs, lambda: fingerprint(inputs.texts, inputs.settings))
    assert (fingerprints.band_keys == inputs.band_keys).all()


def test_end_to_end(benchmark: BenchmarkFixture, inputs: Inputs) -> None:
    clusters = run(benchmark, inputs, lambda: dedupe.find_duplicates(inputs.texts))
    clustered = sum(len(cluster) for cluster in clusters)
    assert clustered >= len(np.unique(inputs.edges)) > 0
