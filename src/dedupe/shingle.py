"""Shingling: paragraphs to sets of 64-bit word or character n-gram hashes, per batch.

Token hashes come from ``tokens`` (normalized, tokenized and hashed on bytes); n-gram
hashes are combined from the token-hash array with shifted multiply-adds and a 64-bit
finalizer, with no Python call per shingle.

A text with fewer than ``ngram`` tokens (but at least one) gets a single shingle made of
all its tokens; a text with no token gets no shingle at all and so never matches.

Results are in CSR form: a flat ``uint64`` array of hashes and the count per text, in
token order (duplicates within a text are kept; ``unique_per_text`` removes them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dedupe.arrays import gather_segments, run_starts, segment_starts, sort_segments
from dedupe.hashing import I64, U64, fmix64, odd_constants
from dedupe.tokens import char_token_hashes, token_hashes

# One multiplier per position in an n-gram; a separate one marks short texts.
_MAX_NGRAM = 64
_POSITION_MULTIPLIERS = odd_constants(_MAX_NGRAM + 1, salt=0x5A17)
_SHORT_TEXT_MARK = _POSITION_MULTIPLIERS[_MAX_NGRAM]


def ngram_hashes(tokens: U64, counts: I64, *, ngram: int) -> tuple[U64, I64]:
    """Combine token hashes into n-gram hashes; return (flat hashes, shingles per text)."""
    if not 1 <= ngram <= _MAX_NGRAM:
        raise ValueError(f"ngram must be in [1, {_MAX_NGRAM}], got {ngram}")
    starts = segment_starts(counts)
    long_texts = counts >= ngram
    short_texts = (counts > 0) & ~long_texts
    shingle_counts = np.where(long_texts, counts - ngram + 1, short_texts.astype(np.int64))
    out = np.empty(int(shingle_counts.sum()), dtype=np.uint64)

    if long_texts.any():
        # A window at every token position; it counts when it ends inside its own text,
        # so the last ngram - 1 windows of each text are dropped by one boolean mask.
        window_count = len(tokens) - ngram + 1
        combined = tokens[:window_count] * _POSITION_MULTIPLIERS[0]
        for offset in range(1, ngram):
            combined += tokens[offset : offset + window_count] * _POSITION_MULTIPLIERS[offset]
        inside = np.ones(window_count, dtype=bool)
        ends = starts + counts
        for back in range(1, ngram):
            last = ends - back
            inside[last[(last >= 0) & (last < window_count)]] = False
        if short_texts.any():
            from_short = np.zeros(len(out), dtype=bool)
            from_short[segment_starts(shingle_counts)[short_texts]] = True
            out[~from_short] = combined[inside]
        else:
            out = combined[inside]

    if short_texts.any():
        short_counts = counts[short_texts]
        take = gather_segments(starts[short_texts], short_counts)
        position = take - np.repeat(starts[short_texts], short_counts)
        weighted = tokens[take] * _POSITION_MULTIPLIERS[position]
        sums = np.add.reduceat(weighted, segment_starts(short_counts))
        sums += short_counts.astype(np.uint64) * _SHORT_TEXT_MARK
        out[segment_starts(shingle_counts)[short_texts]] = sums

    return fmix64(out), shingle_counts


def shingle_many(texts: Sequence[str], *, ngram: int, shingle: str = "word") -> tuple[U64, I64]:
    """Shingle hashes of texts (normalized here), in CSR form: word or character n-grams."""
    tokens, counts = tokenize(texts, shingle=shingle)
    return ngram_hashes(tokens, counts, ngram=ngram)


def tokenize(texts: Sequence[str], *, shingle: str) -> tuple[U64, I64]:
    """The token hashes that ``shingle`` n-grams are made of: words or characters."""
    return char_token_hashes(texts) if shingle == "char" else token_hashes(texts)


def unique_per_text(hashes: U64, counts: I64) -> tuple[U64, I64]:
    """Sort each text's shingles and drop repeats: CSR shingle *sets*."""
    if len(hashes) == 0:
        return hashes, counts
    ordered = sort_segments(hashes, counts)
    keep = run_starts(ordered)
    keep[segment_starts(counts)[counts > 0]] = True  # a text's first shingle is always new
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    return ordered[keep], np.bincount(owner[keep], minlength=len(counts)).astype(np.int64)
