"""MinHash signatures: bit-identical to datasketch's affine32 scheme, and accurate."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import minhash

MASK32 = 0xFFFFFFFF
hash_sets = st.lists(st.integers(0, 2**64 - 1), min_size=0, max_size=80)


def datasketch_signature(values: list[int], *, num_perm: int, seed: int) -> np.ndarray:
    sketch = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=lambda h: h & MASK32)
    for value in values:
        sketch.update(value)
    return np.asarray(sketch.hashvalues)


@given(
    texts=st.lists(hash_sets, min_size=1, max_size=6),
    num_perm=st.sampled_from([1, 7, 64, 128, 256]),
    seed=st.integers(0, 2**32 - 1),
)
def test_signatures_equal_datasketch(texts: list[list[int]], num_perm: int, seed: int) -> None:
    flat = np.array([value for text in texts for value in text], dtype=np.uint64)
    counts = np.array([len(text) for text in texts], dtype=np.int64)
    ours = minhash.signatures(flat, counts, num_perm=num_perm, seed=seed)
    for row, text in zip(ours, texts, strict=True):
        np.testing.assert_array_equal(row, datasketch_signature(text, num_perm=num_perm, seed=seed))


def test_signatures_equal_datasketch_across_block_boundaries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Texts that straddle the permutation blocks still get their true minimum."""
    monkeypatch.setattr(minhash, "_BLOCK_ELEMENTS", 16 * 5)  # blocks of 5 shingles at 16 perms
    rng = np.random.default_rng(3)
    texts = [rng.integers(0, 2**63, size=size).tolist() for size in (0, 3, 11, 1, 0, 7, 5)]
    flat = np.array([value for text in texts for value in text], dtype=np.uint64)
    counts = np.array([len(text) for text in texts], dtype=np.int64)
    ours = minhash.signatures(flat, counts, num_perm=16, seed=9)
    for row, text in zip(ours, texts, strict=True):
        np.testing.assert_array_equal(row, datasketch_signature(text, num_perm=16, seed=9))


def test_empty_text_signature_is_all_empty_slots() -> None:
    signature = minhash.signatures(np.empty(0, np.uint64), np.array([0]), num_perm=8, seed=1)
    assert signature.tolist() == [[minhash.EMPTY] * 8]


@given(values=hash_sets.filter(bool), seed=st.integers(0, 2**32 - 1))
def test_lean_minhash_round_trip(values: list[int], seed: int) -> None:
    signature = minhash.signatures(
        np.array(values, np.uint64), np.array([len(values)]), num_perm=32, seed=seed
    )[0]
    lean = minhash.to_lean_minhash(signature, seed=seed)
    assert isinstance(lean, LeanMinHash)
    reference = MinHash(num_perm=32, seed=seed, scheme="affine32", hashfunc=lambda h: h & MASK32)
    for value in values:
        reference.update(value)
    assert lean.jaccard(reference) == 1.0
    np.testing.assert_array_equal(lean.hashvalues, signature)


@settings(derandomize=True, max_examples=200)
@given(
    shared=st.integers(0, 300),
    only_left=st.integers(0, 300),
    only_right=st.integers(0, 300),
    seed=st.integers(0, 2**32 - 1),
)
def test_jaccard_estimate_error_within_what_128_permutations_allow(
    shared: int, only_left: int, only_right: int, seed: int
) -> None:
    """|estimate - J| <= 0.25: Hoeffding puts a larger error below 3e-7 per pair."""
    if shared + only_left == 0 or shared + only_right == 0:
        return
    rng = np.random.default_rng(seed)
    values = rng.choice(2**62, size=shared + only_left + only_right, replace=False).astype(
        np.uint64
    )
    left = np.concatenate((values[:shared], values[shared : shared + only_left]))
    right = np.concatenate((values[:shared], values[shared + only_left :]))
    signatures = minhash.signatures(
        np.concatenate((left, right)), np.array([len(left), len(right)]), num_perm=128, seed=seed
    )
    exact = shared / (shared + only_left + only_right)
    assert abs(minhash.jaccard_estimate(signatures[0], signatures[1]) - exact) <= 0.25


def test_jaccard_estimate_rejects_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="differ in shape"):
        minhash.jaccard_estimate(np.zeros(4, np.uint32), np.zeros(5, np.uint32))
