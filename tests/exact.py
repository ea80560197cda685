"""Slow, obviously-correct references for the incremental search: Python sets, all pairs."""

from __future__ import annotations

from dedupe.shingle import shingle_many


def shingle_set(text: str, *, ngram: int) -> frozenset[int]:
    """The text's shingle hashes as a Python set."""
    return frozenset(shingle_many([text], ngram=ngram)[0].tolist())


def jaccard(left: frozenset[int], right: frozenset[int]) -> float:
    """Exact Jaccard similarity; two empty sets have similarity 0 (they never match)."""
    union = len(left | right)
    return len(left & right) / union if union else 0.0
