"""Locality-sensitive hashing on MinHash signatures: bands, band keys, candidate pairs.

A signature is cut into ``bands`` bands of ``rows`` slots. Two texts become a candidate
pair when all slots of at least one band agree, which for Jaccard similarity ``s``
happens with probability ``1 - (1 - s**rows) ** bands`` (the S-curve). Every candidate
is verified with exact Jaccard afterwards, so bands are chosen for recall: false
candidates cost verification time, never a wrong result.

Candidates come from sorting each band's keys, not from Python dicts. Each bucket (a run
of equal keys) yields star edges from its smallest member to every other member, so a
bucket of ``k`` texts costs ``k - 1`` pairs, not ``k * (k - 1) / 2``.
"""

from __future__ import annotations

import numpy as np

from dedupe.hashing import I64, U32, U64, fmix64, odd_constants, sorted_unique

DEFAULT_RECALL = 0.99
"""Probability that a pair exactly at the threshold becomes a candidate."""

_ROW_MULTIPLIERS_SALT = 0xBA2D


def candidate_probability(similarity: float, *, bands: int, rows: int) -> float:
    """Probability that two texts of this Jaccard similarity share at least one band."""
    return float(1.0 - (1.0 - similarity**rows) ** bands)


def optimal_bands_rows(
    *, threshold: float, num_perm: int, recall: float = DEFAULT_RECALL
) -> tuple[int, int]:
    """The ``(bands, rows)`` with the most rows whose S-curve reaches ``recall`` at ``threshold``.

    More rows per band means fewer false candidates to verify; the recall constraint
    keeps true pairs. When even one row per band cannot reach ``recall`` (tiny
    ``num_perm``), ``(num_perm, 1)`` gives the best recall there is.
    """
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if candidate_probability(threshold, bands=bands, rows=rows) >= recall:
            return bands, rows
    return num_perm, 1


def band_keys(signatures: U32, *, bands: int, rows: int) -> U64:
    """Hash each band of each signature to one 64-bit key: shape ``(texts, bands)``."""
    multipliers = odd_constants(rows, salt=_ROW_MULTIPLIERS_SALT)
    # Loop over the few rows, each a strided (texts, bands) view: one slot of every band.
    combined = np.zeros((len(signatures), bands), dtype=np.uint64)
    for row in range(rows):
        slots = signatures[:, row : bands * rows : rows].astype(np.uint64)
        slots *= multipliers[row]
        combined += slots
    combined += np.arange(bands, dtype=np.uint64)
    return fmix64(combined)


def candidate_pairs(keys: U64) -> I64:
    """Star edges of all buckets of all bands: unique ``(smaller, larger)`` index pairs.

    Row ``i`` of ``keys`` is text ``i``; the smallest index of a bucket is its centre.
    Returns an ``(m, 2)`` int64 array sorted by both columns.
    """
    count = len(keys)
    found: list[I64] = []
    for band in range(keys.shape[1] if keys.ndim == 2 else 0):
        order, ordered = _bucket_order(keys[:, band])
        starts_run = np.ones(count, dtype=bool)
        starts_run[1:] = ordered[1:] != ordered[:-1]
        run_starts = np.flatnonzero(starts_run)
        if len(run_starts) == count:
            continue
        centre = order[run_starts][np.cumsum(starts_run) - 1]  # a bucket's first index
        member = order != centre
        found.append(centre[member] * count + order[member])
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = sorted_unique(np.concatenate(found))
    return np.stack((codes // count, codes % count), axis=1).astype(np.int64)


def _bucket_order(column: U64) -> tuple[I64, U64]:
    """Indices sorted by (key, index), and the keys in that order.

    One ``np.sort`` of int64 words holding the key's top bits above the index: much
    faster than an ``argsort``, and the index comes out of the low bits. Keys that share
    their top bits but differ (a handful per million) are put in exact order afterwards.
    """
    count = len(column)
    index_bits = max(1, (count - 1).bit_length())
    words = (column >> np.uint64(index_bits + 1)).view(np.int64) << index_bits
    words |= np.arange(count, dtype=np.int64)
    words.sort()
    order = words & ((1 << index_bits) - 1)
    ordered = column[order]
    top = words >> index_bits
    mixed = (top[1:] == top[:-1]) & (ordered[1:] != ordered[:-1])
    if mixed.any():
        tied = np.isin(top, top[1:][mixed])  # every element of a run with mixed keys
        rows = np.flatnonzero(tied)
        exact = np.lexsort((order[rows], ordered[rows]))  # the run's top bits are equal
        order[rows] = order[rows][exact]
        ordered[rows] = ordered[rows][exact]
    return order, ordered
