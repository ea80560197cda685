"""Recall at the threshold: pairs at or above it are found, nothing below it is reported."""

from __future__ import annotations

import numpy as np

import dedupe
from dedupe.normalize import tokens

THRESHOLD = 0.8
NGRAM = 5


def shingle_set(text: str) -> set[tuple[str, ...]]:
    words = tokens(text)
    if len(words) < NGRAM:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)}


def jaccard(left: str, right: str) -> float:
    a, b = shingle_set(left), shingle_set(right)
    return len(a & b) / len(a | b) if a | b else 0.0


def generated_pairs(count: int, *, seed: int) -> list[tuple[str, str, float]]:
    """Pairs whose exact Jaccard is at or above the threshold, many of them right at it."""
    rng = np.random.default_rng(seed)
    vocabulary = [f"v{index}" for index in range(50_000)]
    pairs: list[tuple[str, str, float]] = []
    while len(pairs) < count:
        # One substitution away from the ends changes 5 of the N - 4 five-grams:
        # J = (N - 9) / (N + 1), exactly 0.8 at N = 49 and rising with N.
        length = int(rng.integers(49, 130))
        words = [vocabulary[i] for i in rng.integers(len(vocabulary), size=length)]
        edited = list(words)
        position = int(rng.integers(NGRAM, length - NGRAM))
        edited[position] = vocabulary[int(rng.integers(len(vocabulary)))]
        left, right = " ".join(words), " ".join(edited)
        similarity = jaccard(left, right)
        if similarity >= THRESHOLD:
            pairs.append((left, right, similarity))
    return pairs


def test_at_least_99_percent_of_pairs_at_or_above_threshold_are_reported() -> None:
    pairs = generated_pairs(1500, seed=20261121)
    near_threshold = sum(similarity < 0.85 for _, _, similarity in pairs)
    assert near_threshold >= 200, "the generator must exercise pairs close to the threshold"
    texts = [text for left, right, _ in pairs for text in (left, right)]
    clusters = dedupe.find_duplicates(texts, threshold=THRESHOLD, ngram=NGRAM)

    found = {cluster.keys for cluster in clusters if len(cluster) == 2}
    recall = sum((2 * index, 2 * index + 1) in found for index in range(len(pairs))) / len(pairs)
    assert recall >= 0.99
    for cluster in clusters:
        for member in cluster.members[1:]:
            exact = jaccard(texts[cluster.representative.key], texts[member.key])
            assert member.similarity == exact
            assert member.similarity >= THRESHOLD
