"""Shared inputs of the pytest-benchmark hot-path benchmarks, built outside the timed calls."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from benchmarks.peers import settings
from benchmarks.workload import build_workload
from dedupe.candidates import candidate_pairs
from dedupe.fingerprint import fingerprint, fingerprint_batch
from dedupe.grouping import Groups, group_identical
from dedupe.hashing import I64, U32, U64
from dedupe.settings import Settings
from dedupe.shinglesets import CorpusVerifier

SIZES = (10_000, 100_000)


@dataclass(frozen=True)
class Inputs:
    """Each stage's input for one corpus size, computed once per session."""

    texts: list[str]
    settings: Settings
    tokens: U64
    token_counts: I64
    shingles: U64
    shingle_counts: I64
    signatures: U32
    band_keys: U64
    groups: Groups
    candidates: I64
    verifier: CorpusVerifier
    edges: I64


def rounds(size: int) -> int:
    """Few rounds for the big inputs, so that ``make bench`` stays within minutes."""
    return 3 if size >= 100_000 else 10


@pytest.fixture(scope="session", params=SIZES, ids=[f"{size // 1000}k" for size in SIZES])
def inputs(request: pytest.FixtureRequest) -> Inputs:
    texts = build_workload(request.param).texts
    chosen = settings()
    stages = fingerprint_batch(texts, chosen)  # every stage's input, made once
    fingerprints = fingerprint(texts, chosen)
    groups = group_identical(fingerprints.content, fingerprints.token_counts, keep=chosen.keep)
    keys = fingerprints.band_keys[groups.first]
    candidates = candidate_pairs(keys.T, count=len(groups), shared=chosen.shared_bands)
    sets = CorpusVerifier(texts, groups.first, chosen.ngram)
    edges = candidates[sets.jaccard(candidates) >= chosen.threshold]
    assert np.array_equal(stages.band_keys, fingerprints.band_keys)
    return Inputs(
        texts,
        chosen,
        stages.tokens,
        stages.token_counts,
        stages.shingles,
        stages.shingle_counts,
        stages.signatures,
        stages.band_keys,
        groups,
        candidates,
        sets,
        edges,
    )
