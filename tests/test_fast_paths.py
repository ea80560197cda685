"""The vectorized kernels agree bit for bit with the slow references in ``reference.py``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import lsh, minhash
from dedupe.arrays import segment_starts
from dedupe.candidates import candidate_pairs
from dedupe.shingle import ngram_hashes, shingle_many, unique_per_text
from dedupe.tokens import char_token_hashes, token_hashes
from dedupe.verify import jaccard_pairs
from tests import reference

# Short and long words (over 8 and 16 bytes), punctuation, and non-ASCII text that
# takes the exact fallback (ligatures, sharp s, Greek, combining marks, emoji).
WORDS = st.sampled_from(
    [
        "a",
        "the",
        "Cat",
        "eightchr",
        "ninechars",
        "internationalization",
        "supercalifragilisticexpialidocious",
        "42",
        "x1y2z3",
        "ﬁne",
        "Straße",
        "ΣΟΦΊΑ",
        "cafe\u0301",
        "naïve",
        "日本語",
        "😀",
        "---",
        "it's",
        "“quoted”",
        "e.g.",
    ]
)
SEPARATORS = st.sampled_from([" ", "  ", "\n", "\t", ", ", ". ", "—", "\u00a0"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORDS, max_size=14))
    parts: list[str] = []
    for word in words:
        parts.extend((word, draw(SEPARATORS)))
    return "".join(parts)


BATCHES = st.lists(texts(), max_size=8)


def csr(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    flat = np.array([value for values in lists for value in values], dtype=np.uint64)
    return flat, np.array([len(values) for values in lists], dtype=np.int64)


def split(flat: np.ndarray, counts: np.ndarray) -> list[list[int]]:
    starts = segment_starts(counts)
    return [flat[s : s + c].tolist() for s, c in zip(starts, counts, strict=True)]


@given(BATCHES)
def test_token_hashes_match_reference(batch: list[str]) -> None:
    hashes, counts = token_hashes(batch)
    expected = [[reference.token_hash(token) for token in reference.tokens(t)] for t in batch]
    assert split(hashes, counts) == expected


@given(BATCHES, st.integers(1, 6))
def test_ngram_hashes_match_reference(batch: list[str], ngram: int) -> None:
    tokens, counts = token_hashes(batch)
    hashes, shingle_counts = ngram_hashes(tokens, counts, ngram=ngram)
    expected = [reference.shingle_hashes(text, ngram=ngram) for text in batch]
    assert split(hashes, shingle_counts) == expected


@given(BATCHES)
def test_character_hashes_match_reference(batch: list[str]) -> None:
    hashes, counts = char_token_hashes(batch)
    expected = [[reference.token_hash(char) for char in reference.characters(t)] for t in batch]
    assert split(hashes, counts) == expected


@given(BATCHES, st.integers(1, 8))
def test_character_ngram_hashes_match_reference(batch: list[str], ngram: int) -> None:
    hashes, counts = shingle_many(batch, ngram=ngram, shingle="char")
    expected = [reference.shingle_hashes(text, ngram=ngram, kind="char") for text in batch]
    assert split(hashes, counts) == expected


@settings(max_examples=40)
@given(
    st.lists(st.lists(st.integers(0, 2**64 - 1), max_size=30), max_size=6),
    st.integers(1, 40),
    st.integers(0, 2**32 - 1),
)
def test_signatures_match_reference(hash_lists: list[list[int]], num_perm: int, seed: int) -> None:
    flat, counts = csr(hash_lists)
    fast = minhash.signatures(flat, counts, num_perm=num_perm, seed=seed)
    expected = [reference.signature(hashes, num_perm=num_perm, seed=seed) for hashes in hash_lists]
    assert fast.tolist() == expected


def test_signatures_across_many_blocks() -> None:
    """Texts that straddle the permutation blocks still get the exact minima."""
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 3000, size=40).astype(np.int64)
    flat = rng.integers(0, 2**63, size=int(counts.sum()), dtype=np.uint64)
    fast = minhash.signatures(flat, counts, num_perm=64, seed=3)
    expected = [reference.signature(hashes, num_perm=64, seed=3) for hashes in split(flat, counts)]
    assert fast.tolist() == expected


@st.composite
def signature_batches(draw: st.DrawFn) -> tuple[np.ndarray, int, int]:
    """Signatures from a tiny value range, so that bands often collide."""
    bands = draw(st.integers(1, 6))
    rows = draw(st.integers(1, 4))
    texts_count = draw(st.integers(0, 25))
    values = draw(
        st.lists(
            st.integers(0, 2),
            min_size=texts_count * bands * rows,
            max_size=texts_count * bands * rows,
        )
    )
    signatures = np.array(values, dtype=np.uint32).reshape(texts_count, bands * rows)
    return signatures, bands, rows


@given(signature_batches())
def test_band_keys_and_candidates_match_reference(batch: tuple[np.ndarray, int, int]) -> None:
    signatures, bands, rows = batch
    keys = lsh.band_keys(signatures, bands=bands, rows=rows)
    expected_keys = [
        reference.band_keys(row, bands=bands, rows=rows) for row in signatures.tolist()
    ]
    assert keys.tolist() == expected_keys
    columns = (keys[:, band] for band in range(bands))
    pairs = candidate_pairs(columns, count=len(keys), head=3)
    assert [tuple(pair) for pair in pairs.tolist()] == reference.candidate_pairs(
        expected_keys, head=3
    )


@given(
    st.lists(st.frozensets(st.integers(0, 12), max_size=10), min_size=1, max_size=8),
    st.data(),
)
def test_jaccard_pairs_match_reference(sets: list[frozenset[int]], data: st.DataObject) -> None:
    indices = st.integers(0, len(sets) - 1)
    pairs = data.draw(st.lists(st.tuples(indices, indices), max_size=12))
    flat, counts = csr([sorted(values) for values in sets])
    unique, unique_counts = unique_per_text(flat, counts)
    fast = jaccard_pairs(unique, unique_counts, np.array(pairs, dtype=np.int64).reshape(-1, 2))
    expected = [reference.jaccard(set(sets[i]), set(sets[j])) for i, j in pairs]
    assert fast.tolist() == expected


# Full-width hashes, some differing only in the low bits that lookup keys drop.
WIDE_HASHES = st.integers(0, 2**64 - 1) | st.integers(0, 15).map(lambda low: (7 << 50) | low)


@given(
    st.lists(st.frozensets(WIDE_HASHES, max_size=12), min_size=1, max_size=8),
    st.data(),
)
def test_jaccard_pairs_of_wide_hashes_match_reference(
    sets: list[frozenset[int]], data: st.DataObject
) -> None:
    indices = st.integers(0, len(sets) - 1)
    pairs = data.draw(st.lists(st.tuples(indices, indices), max_size=12))
    flat, counts = csr([sorted(values) for values in sets])
    array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    expected = [reference.jaccard(set(sets[i]), set(sets[j])) for i, j in pairs]
    assert jaccard_pairs(flat, counts, array).tolist() == expected
    with pytest.MonkeyPatch.context() as patch:  # a chunk per pair or two
        patch.setattr("dedupe.arrays.PADDED_BLOCK_VALUES", 8)
        assert jaccard_pairs(flat, counts, array).tolist() == expected
