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
        column = keys[:, band]
        order = np.argsort(column)  # unstable (fast): centres are taken as minima below
        ordered = column[order]
        starts_run = np.ones(count, dtype=bool)
        starts_run[1:] = ordered[1:] != ordered[:-1]
        run_starts = np.flatnonzero(starts_run)
        if len(run_starts) == count:
            continue
        run_of = np.cumsum(starts_run) - 1
        centre = np.minimum.reduceat(order, run_starts)[run_of]
        member = order != centre
        found.append(centre[member] * count + order[member])
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = sorted_unique(np.concatenate(found))
    return np.stack((codes // count, codes % count), axis=1).astype(np.int64)
