"""Locality-sensitive hashing on MinHash signatures: bands, band keys, candidate pairs.

A signature is cut into ``bands`` bands of ``rows`` slots. Two texts become a candidate
pair when all slots of at least one band agree, which for Jaccard similarity ``s``
happens with probability ``1 - (1 - s**rows) ** bands`` (the S-curve). Every candidate
is verified with exact Jaccard afterwards, so bands are chosen for recall: false
candidates cost verification time, never a wrong result.

Candidates come from sorting each band's keys, not from Python dicts: see
``dedupe.candidates`` for the bucket-head rule that bounds the cost of large buckets.
"""

from __future__ import annotations

import math

import numpy as np

from dedupe.hashing import MASK32, U32, U64, fmix64, odd_constants

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


def shared_bands(*, threshold: float, bands: int, rows: int, recall: float = DEFAULT_RECALL) -> int:
    """How many bands a pair must share to be a candidate: the most that keeps ``recall``.

    A pair of similarity ``s`` shares each band with probability ``p = s ** rows``,
    independently, so the number of bands it shares is binomial. Asking for more than
    one removes most pairs that met in a bucket by chance (texts sharing a sentence);
    the count is the largest ``k`` with ``P(at least k of bands) >= recall`` at the
    threshold, the same target the band shape is chosen for. At the defaults (64 bands
    of 2 rows, 0.4) that is 4, which a pair at the threshold misses with probability
    0.5%; 5-grams at 0.8 (21 bands of 6 rows) keep 1.
    """
    p = threshold**rows
    if p >= 1.0:
        return bands
    if p <= 0.0:  # threshold ** rows underflowed: no band is ever shared by chance
        return 1
    # P(at least k bands), summed from k = bands down: small terms first, each from logs,
    # so neither underflow nor cancellation near p = 1 changes the answer.
    tail = 0.0
    for shared in range(bands, 1, -1):
        tail += math.exp(
            math.lgamma(bands + 1)
            - math.lgamma(shared + 1)
            - math.lgamma(bands - shared + 1)
            + shared * math.log(p)
            + (bands - shared) * math.log1p(-p)
        )
        if tail >= recall:
            return shared
    return 1


def band_keys(signatures: U32, *, bands: int, rows: int) -> U64:
    """Hash each band of each signature to one 32-bit key: shape ``(texts, bands)``.

    Keys are 32 bits (held in ``uint64``): half the size to keep, spill or cache, and
    every engine uses the same ones. Two texts meet by chance in a band with
    probability ``2**-32``: a few extra candidate pairs at millions of texts, which
    verification then rejects. They are stored band-major (the transpose of a C-ordered
    ``(bands, texts)`` array), the layout candidates read them in; a permutation-major
    signature array (what ``minhash.signatures`` returns) is read one contiguous row at
    a time.
    """
    multipliers = odd_constants(rows, salt=_ROW_MULTIPLIERS_SALT)
    by_permutation = signatures.T
    combined = np.zeros((bands, len(signatures)), dtype=np.uint64)
    for row in range(rows):
        slots = by_permutation[row : bands * rows : rows].astype(np.uint64)
        slots *= multipliers[row]
        combined += slots
    combined += np.arange(bands, dtype=np.uint64)[:, None]
    keys: U64 = fmix64(combined).T
    keys &= np.uint64(MASK32)
    return keys
