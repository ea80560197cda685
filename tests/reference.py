"""Slow, obviously correct reference implementations of the vectorized kernels.

Plain Python loops over Python ints, one text, token, shingle or pair at a time, written
from the definitions in the kernels' docstrings. ``tests/test_fast_paths.py`` checks that
the fast paths agree with them bit for bit. Fixed parameters (position multipliers, the
permutations) are taken from the modules: they are data, not the algorithm under test.
"""

from __future__ import annotations

from dedupe import lsh, minhash, shingle
from dedupe.hashing import MASK32, MASK64, odd_constants
from dedupe.normalize import normalize

_LENGTH_MULTIPLIER = 0x9E3779B97F4A7C15


def fmix64(value: int) -> int:
    """MurmurHash3's 64-bit finalizer on one Python int."""
    value ^= value >> 33
    value = (value * 0xFF51AFD7ED558CCD) & MASK64
    value ^= value >> 33
    value = (value * 0xC4CEB9FE1A85EC53) & MASK64
    return value ^ (value >> 33)


def fmix32(value: int) -> int:
    """MurmurHash3's 32-bit finalizer on one Python int."""
    value ^= value >> 16
    value = (value * 0x85EBCA6B) & MASK32
    value ^= value >> 13
    value = (value * 0xC2B2AE35) & MASK32
    return value ^ (value >> 16)


def tokens(text: str) -> list[str]:
    """The tokens of a text: its normalized form split on spaces."""
    return normalize(text).split()


def token_hash(token: str) -> int:
    """A token's bytes as little-endian 64-bit words, chained with fmix64, length mixed in."""
    data = token.encode("utf-8")
    value = 0
    for offset in range(0, len(data), 8):
        word = int.from_bytes(data[offset : offset + 8], "little")
        value = word if offset == 0 else fmix64(value) ^ word
    value ^= (len(data) * _LENGTH_MULTIPLIER) & MASK64
    return fmix64(value)


def shingle_hashes(text: str, *, ngram: int) -> list[int]:
    """Word n-gram hashes of a text, in token order (repeats kept)."""
    hashes = [token_hash(token) for token in tokens(text)]
    weights = [int(weight) for weight in shingle._POSITION_MULTIPLIERS]
    if not hashes:
        return []
    if len(hashes) < ngram:
        total = sum(h * weights[i] for i, h in enumerate(hashes))
        total += len(hashes) * int(shingle._SHORT_TEXT_MARK)
        return [fmix64(total & MASK64)]
    return [
        fmix64(sum(hashes[start + i] * weights[i] for i in range(ngram)) & MASK64)
        for start in range(len(hashes) - ngram + 1)
    ]


def signature(hashes: list[int], *, num_perm: int, seed: int) -> list[int]:
    """MinHash signature: per permutation, the minimum of ``a * fmix32(h) + b mod 2**32``."""
    a, b = minhash.permutations(num_perm=num_perm, seed=seed)
    mixed = [fmix32(h & MASK32) for h in hashes]
    return [
        min(((int(a[k]) * h + int(b[k])) & MASK32 for h in mixed), default=MASK32)
        for k in range(num_perm)
    ]


def bands_rows(*, threshold: float, num_perm: int, recall: float) -> tuple[int, int]:
    """The most rows whose S-curve reaches ``recall`` at ``threshold``, trying every one."""
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if lsh.candidate_probability(threshold, bands=bands, rows=rows) >= recall:
            return bands, rows
    return num_perm, 1


def band_keys(signature: list[int], *, bands: int, rows: int) -> list[int]:
    """One 64-bit key per band: weighted sum of the band's slots plus the band number."""
    weights = [int(w) for w in odd_constants(rows, salt=lsh._ROW_MULTIPLIERS_SALT)]
    keys = []
    for band in range(bands):
        slots = signature[band * rows : (band + 1) * rows]
        total = sum(slot * weight for slot, weight in zip(slots, weights, strict=True)) + band
        keys.append(fmix64(total & MASK64))
    return keys


def candidate_pairs(keys: list[list[int]]) -> list[tuple[int, int]]:
    """Per band, bucket texts by key in a dict; star edges from each bucket's smallest."""
    pairs: set[tuple[int, int]] = set()
    for band in range(len(keys[0]) if keys else 0):
        buckets: dict[int, list[int]] = {}
        for text, row in enumerate(keys):
            buckets.setdefault(row[band], []).append(text)
        for members in buckets.values():
            pairs.update((members[0], other) for other in members[1:])
    return sorted(pairs)


def jaccard(first: set[int], second: set[int]) -> float:
    """Exact Jaccard similarity; two empty sets have similarity 0."""
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def components(node_count: int, edges: list[tuple[int, int]]) -> list[int]:
    """Each node's component, named by its smallest node, by repeated relabelling."""
    labels = list(range(node_count))
    changed = True
    while changed:
        changed = False
        for left, right in edges:
            low = min(labels[left], labels[right])
            for node in (left, right):
                if labels[node] != low:
                    labels[node] = low
                    changed = True
        for node in range(node_count):
            if labels[labels[node]] != labels[node]:
                labels[node] = labels[labels[node]]
                changed = True
    return labels
