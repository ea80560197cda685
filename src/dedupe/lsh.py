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

    The probability never rises with ``rows`` (each band is harder to match and there
    are no more bands), so the rows that reach ``recall`` are ``1..best`` and a binary
    search finds ``best`` in ``log2(num_perm)`` steps, whatever ``num_perm`` is.
    """
    low, high = 1, num_perm  # the answer is in [low, high]; ``low`` reaches recall or is 1
    while low < high:
        rows = (low + high + 1) // 2
        if candidate_probability(threshold, bands=num_perm // rows, rows=rows) >= recall:
            low = rows
        else:
            high = rows - 1
    return num_perm // low, low


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
    bands = keys.shape[1] if keys.ndim == 2 else 0
    found = [star_codes(keys[:, band]) for band in range(bands)]
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = sorted_unique(np.concatenate(found))
    return np.stack((codes // count, codes % count), axis=1).astype(np.int64)


def star_codes(column: U64) -> I64:
    """The star edges of one band's buckets, each as ``centre * len(column) + member``.

    One ``np.sort`` of int64 words holding a key's top bits above its index finds the
    few texts that share their top bits with another (most keys are unique); only
    those are read back for their exact keys, so no gather runs over the whole column.
    Texts whose keys share the top bits but differ (a handful per million) are put in
    exact ``(key, index)`` order before the buckets are cut.
    """
    count = len(column)
    index_bits = max(1, (count - 1).bit_length())
    words = (column >> np.uint64(index_bits + 1)).view(np.int64) << index_bits
    words |= np.arange(count, dtype=np.int64)
    words.sort()
    top = words >> index_bits
    tied = top[1:] == top[:-1]
    in_run = np.zeros(count, dtype=bool)
    in_run[1:] = tied
    in_run[:-1] |= tied
    rows = np.flatnonzero(in_run)
    order = words[rows] & ((1 << index_bits) - 1)  # by (top bits, index)
    ordered = column[order]
    top = top[rows]
    mixed = (top[1:] == top[:-1]) & (ordered[1:] != ordered[:-1])
    if mixed.any():
        tied_rows = np.flatnonzero(np.isin(top, top[1:][mixed]))  # whole runs
        exact = np.lexsort((order[tied_rows], ordered[tied_rows]))
        order[tied_rows] = order[tied_rows][exact]
        ordered[tied_rows] = ordered[tied_rows][exact]
    starts_run = np.ones(len(rows), dtype=bool)
    starts_run[1:] = ordered[1:] != ordered[:-1]
    centre = order[starts_run][np.cumsum(starts_run) - 1]  # a bucket's first index
    member = order != centre
    codes: I64 = centre[member] * count + order[member]
    return codes
