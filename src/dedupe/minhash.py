"""MinHash signatures, vectorized over a whole batch of texts.

The permutation scheme is datasketch 2.x's ``"affine32"``, bit for bit: the low 32 bits
of each shingle hash are pre-mixed with the MurmurHash3 32-bit finalizer, then each
permutation ``k`` maps ``h`` to ``(a[k] * h + b[k]) mod 2**32`` with odd ``a[k]``; the
signature keeps the minimum per permutation. ``a`` and ``b`` are drawn exactly as
datasketch draws them from ``numpy.random.RandomState(seed)``, so a signature equals
``datasketch.MinHash(num_perm=..., seed=..., scheme="affine32",
hashfunc=lambda h: h & 0xFFFFFFFF)`` updated with the same shingle hashes; see
``to_lean_minhash``.

The permutation step dominates the pipeline's time. It runs on blocks of shape
``(num_perm, m)`` (permutations by shingles, small enough to stay in cache) reduced per
text with ``np.minimum.reduceat`` along axis 1, which was measured to be much faster than
the transposed layout.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from dedupe.arrays import segment_starts
from dedupe.hashing import I64, MASK32, U32, U64, fmix32

EMPTY = MASK32
"""The value of every slot of an empty text's signature (datasketch's too)."""

_BLOCK_ELEMENTS = 1 << 20  # num_perm * m per block: 4 MiB of uint32


@lru_cache(maxsize=16)
def permutations(*, num_perm: int, seed: int) -> tuple[U32, U32]:
    """The ``(a, b)`` parameters of the ``num_perm`` affine permutations for ``seed``."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.flags.writeable = False
    b.flags.writeable = False
    return a, b


def signatures(shingles: U64, counts: I64, *, num_perm: int, seed: int) -> U32:
    """MinHash signatures of CSR shingle hashes: an array of shape ``(texts, num_perm)``.

    The array is stored permutation-major (it is the transpose of a C-ordered
    ``(num_perm, texts)`` array): each block's minima land in it without a transposed
    copy, and band keys read one permutation of every text at a time.
    """
    a, b = permutations(num_perm=num_perm, seed=seed)
    result = np.full((num_perm, len(counts)), EMPTY, dtype=np.uint32)
    by_text: U32 = result.T
    total = len(shingles)
    if total == 0:
        return by_text
    mixed = fmix32((shingles & np.uint64(MASK32)).astype(np.uint32))
    nonempty = np.flatnonzero(counts)
    nonempty_starts = segment_starts(counts)[nonempty]
    width = max(1, _BLOCK_ELEMENTS // num_perm)
    block = np.empty((num_perm, min(width, total)), dtype=np.uint32)
    a_column, b_column = a[:, None], b[:, None]
    for low in range(0, total, width):
        high = min(low + width, total)
        # Texts starting inside the block, plus the one that covers its first element.
        first = int(np.searchsorted(nonempty_starts, low, side="right"))
        last = int(np.searchsorted(nonempty_starts, high, side="left"))
        owners = nonempty[first - 1 : last]
        local_starts = np.concatenate(([0], nonempty_starts[first:last] - low))
        view = block[:, : high - low]
        np.multiply(a_column, mixed[None, low:high], out=view)
        view += b_column
        minima = np.minimum.reduceat(view, local_starts, axis=1)
        # Only the first owner can have had minima from the block before.
        np.minimum(minima[:, 0], result[:, owners[0]], out=minima[:, 0])
        result[:, owners] = minima
    return by_text


def jaccard_estimate(first: npt.ArrayLike, second: npt.ArrayLike) -> float:
    """Estimated Jaccard similarity: the fraction of equal signature slots."""
    left, right = np.asarray(first), np.asarray(second)
    if left.shape != right.shape:
        raise ValueError(f"signatures differ in shape: {left.shape} and {right.shape}")
    return float(np.count_nonzero(left == right)) / left.size


def to_lean_minhash(signature: npt.ArrayLike, *, seed: int) -> Any:
    """Wrap one signature as a ``datasketch.LeanMinHash`` (imports datasketch lazily).

    The result compares, merges and indexes like any datasketch ``affine32`` sketch made
    with the same ``seed`` and ``num_perm``.
    """
    from datasketch import LeanMinHash

    values = np.asarray(signature, dtype=np.uint32)
    return LeanMinHash(seed=seed, hashvalues=values, scheme="affine32")
