"""Integer mixing used by the vectorized stages, and the array types they share.

All arithmetic is on NumPy ``uint64`` / ``uint32`` arrays, where multiplication wraps
silently (modulo 2**64 or 2**32): that wrap-around is intended. Constants stay Python
ints masked to width and are converted once, because NumPy *scalars* warn on overflow.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

MASK64 = (1 << 64) - 1
MASK32 = (1 << 32) - 1

_FMIX64_M1 = np.uint64(0xFF51AFD7ED558CCD)
_FMIX64_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_FMIX32_M1 = np.uint32(0x85EBCA6B)
_FMIX32_M2 = np.uint32(0xC2B2AE35)
_GOLDEN64 = 0x9E3779B97F4A7C15


def fmix64(values: U64) -> U64:
    """MurmurHash3's 64-bit finalizer: an avalanching bijection on uint64 (new array)."""
    out: U64 = values ^ (values >> np.uint64(33))
    out *= _FMIX64_M1
    out ^= out >> np.uint64(33)
    out *= _FMIX64_M2
    out ^= out >> np.uint64(33)
    return out


def fmix32(values: U32) -> U32:
    """MurmurHash3's 32-bit finalizer: an avalanching bijection on uint32 (new array)."""
    out: U32 = values ^ (values >> np.uint32(16))
    out *= _FMIX32_M1
    out ^= out >> np.uint32(13)
    out *= _FMIX32_M2
    out ^= out >> np.uint32(16)
    return out


def odd_constants(count: int, *, salt: int) -> U64:
    """``count`` fixed pseudo-random odd 64-bit multipliers, distinct for each ``salt``.

    Derived arithmetically (splitmix-style) so that they never change between runs,
    platforms or NumPy versions.
    """
    index = np.arange(count, dtype=np.uint64)
    base = np.uint64((salt * _GOLDEN64) & MASK64)
    mixed = fmix64(index * np.uint64(_GOLDEN64) + base)
    odd: U64 = mixed | np.uint64(1)
    return odd
