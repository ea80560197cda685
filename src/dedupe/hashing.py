"""Integer mixing used by the vectorized stages.

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


def segment_starts(counts: I64) -> I64:
    """Start offset of each segment of a flat array whose segment lengths are ``counts``."""
    starts = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=starts[1:])
    return starts


def positions_in_segments(counts: I64) -> I64:
    """For each element of the flat array, its position inside its own segment."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(segment_starts(counts), counts)


def gather_segments(starts: I64, counts: I64) -> I64:
    """Flat indices of the segments ``[start, start + count)``, concatenated in order."""
    offsets = np.repeat(starts - segment_starts(counts), counts)
    return np.arange(int(counts.sum()), dtype=np.int64) + offsets


def sort_by_owner(values: U64, owners: I64) -> tuple[U64, I64]:
    """Sort ``(owner, value)`` pairs by owner, then value (owners >= 0), like ``np.lexsort``.

    ``np.lexsort`` on 64-bit keys takes a slow stable sort per key, and ``argsort`` is
    slower than ``sort``. Here one ``np.sort`` of int64 words does the job: the owner in
    the high bits, as many top bits of the value as fit, and the element's index in the
    low bits (read back as the order). Elements of one owner whose values share those top
    bits come out in index order; when that is not value order (rare: about 1e-7 per
    paragraph), only those elements are sorted again exactly.
    """
    if len(values) == 0:
        return values, owners
    owner_bits = int(owners.max()).bit_length()
    index_bits = max(1, (len(values) - 1).bit_length())
    value_bits = 63 - owner_bits - index_bits
    if value_bits < 16:
        order = np.lexsort((values, owners))
        return values[order], owners[order]
    words = (values >> np.uint64(64 - value_bits)).view(np.int64) << index_bits
    words |= owners << (value_bits + index_bits)
    words |= np.arange(len(values), dtype=np.int64)
    words.sort()
    order = words & ((1 << index_bits) - 1)
    sorted_values = values[order]
    group = words >> index_bits
    unordered = (group[1:] == group[:-1]) & (sorted_values[1:] < sorted_values[:-1])
    if unordered.any():
        rows = np.flatnonzero(np.isin(group, group[1:][unordered]))
        exact = np.lexsort((sorted_values[rows], group[rows]))
        sorted_values[rows] = sorted_values[rows][exact]
    return sorted_values, group >> value_bits


def sorted_unique(values: I64) -> I64:
    """The distinct values, sorted: ``np.unique`` without its import of ``numpy.ma``.

    ``np.unique`` imports the masked-array module on first use (about 15 ms), which
    counts for the command line's start-up on small inputs.
    """
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]
