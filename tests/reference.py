"""Slow, obviously correct reference implementations: of the kernels, and of what a cluster is.

Plain Python loops over Python ints, one text, token, shingle or pair at a time, written
from the definitions in the kernels' docstrings. ``tests/test_fast_paths.py`` checks that
the fast paths agree with them bit for bit; ``tests/test_engines.py`` checks that every
engine's clusters equal ``clusters`` below. Fixed parameters (position multipliers, the
permutations, the bucket head) are taken from the modules: they are data, not the
algorithm under test.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from dedupe import candidates, lsh, minhash, shingle
from dedupe.hashing import MASK32, MASK64, odd_constants
from dedupe.normalize import normalize
from dedupe.settings import Settings

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


def characters(text: str) -> list[str]:
    """The character tokens of a text: the characters of its tokens joined by one space."""
    return list(" ".join(tokens(text)))


def units(text: str, *, shingle: str) -> list[str]:
    """What a text's shingles are made of: its words, or its characters."""
    return characters(text) if shingle == "char" else tokens(text)


def token_hash(token: str) -> int:
    """A token's bytes as little-endian 64-bit words, chained with fmix64, length mixed in."""
    data = token.encode("utf-8")
    value = 0
    for offset in range(0, len(data), 8):
        word = int.from_bytes(data[offset : offset + 8], "little")
        value = word if offset == 0 else fmix64(value) ^ word
    value ^= (len(data) * _LENGTH_MULTIPLIER) & MASK64
    return fmix64(value)


def shingle_hashes(text: str, *, ngram: int, kind: str = "word") -> list[int]:
    """Word (or character) n-gram hashes of a text, in token order (repeats kept)."""
    hashes = [token_hash(token) for token in units(text, shingle=kind)]
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
    """One 32-bit key per band: weighted sum of the band's slots plus the band number."""
    weights = [int(w) for w in odd_constants(rows, salt=lsh._ROW_MULTIPLIERS_SALT)]
    keys = []
    for band in range(bands):
        slots = signature[band * rows : (band + 1) * rows]
        total = sum(slot * weight for slot, weight in zip(slots, weights, strict=True)) + band
        keys.append(fmix64(total & MASK64) & MASK32)
    return keys


def candidate_pairs(keys: list[list[int]], *, head: int, shared: int = 1) -> list[tuple[int, int]]:
    """Per band, bucket texts (in priority order) by key in a dict; each text pairs with the
    texts before it among the first ``head`` of its bucket. Candidates are the pairs that
    at least ``shared`` bands pair."""
    bands_of: dict[tuple[int, int], int] = {}
    for band in range(len(keys[0]) if keys else 0):
        buckets: dict[int, list[int]] = {}
        for text, row in enumerate(keys):
            buckets.setdefault(row[band], []).append(text)
        for members in buckets.values():
            for rank, later in enumerate(members):
                for earlier in members[: min(rank, head)]:
                    bands_of[earlier, later] = bands_of.get((earlier, later), 0) + 1
    return sorted(pair for pair, bands in bands_of.items() if bands >= shared)


def clusters(texts: list[str], settings: Settings) -> list[list[tuple[int, float]]]:
    """The clusters of ``texts`` as lists of ``(position, similarity)``, by definition.

    1. Texts with the same tokens (words, or characters for ``shingle="char"``) are one
       distinct text, at its first position; texts
       without tokens are in no cluster.
    2. Distinct texts are put in priority order: by position (``keep="first"``), or most
       tokens first, ties by position (``keep="longest"``).
    3. Candidates: ``candidate_pairs`` of the distinct texts' band keys, with the
       bucket head and the shared bands of the settings.
    4. In priority order, a distinct text joins the first representative it is a
       candidate with and whose exact Jaccard similarity reaches the threshold; with
       none, it becomes a representative.
    5. A cluster is a representative and every text assigned to it, with its copies:
       representative first, the others by position; clusters by the representative's
       position; clusters of one text are dropped.
    """
    bands, rows = settings.band_shape
    token_lists = [units(text, shingle=settings.shingle) for text in texts]
    first_of: dict[tuple[str, ...], int] = {}
    for position, words in enumerate(token_lists):
        if words:
            first_of.setdefault(tuple(words), position)
    firsts = list(first_of.values())
    if settings.keep == "longest":
        firsts.sort(key=lambda position: (-len(token_lists[position]), position))
    hashes = [
        shingle_hashes(texts[position], ngram=settings.ngram, kind=settings.shingle)
        for position in firsts
    ]
    keys = [
        band_keys(
            signature(h, num_perm=settings.num_perm, seed=settings.seed), bands=bands, rows=rows
        )
        for h in hashes
    ]
    earlier_of: dict[int, set[int]] = {}
    head, shared = candidates.BUCKET_HEAD, settings.shared_bands
    for earlier, later in candidate_pairs(keys, head=head, shared=shared):
        earlier_of.setdefault(later, set()).add(earlier)
    sets = [set(h) for h in hashes]
    leaders: list[int] = []
    leader_of: list[tuple[int, float]] = []
    for text in range(len(firsts)):
        joined = None
        for leader in leaders:
            if leader in earlier_of.get(text, set()):
                similarity = jaccard(sets[leader], sets[text])
                if similarity >= settings.threshold:
                    joined = (leader, similarity)
                    break
        if joined is None:
            leaders.append(text)
            joined = (text, 1.0)
        leader_of.append(joined)
    distinct_of = {position: rank for rank, position in enumerate(firsts)}
    members: dict[int, list[tuple[int, float]]] = {}
    for position, words in enumerate(token_lists):
        if words:
            text = distinct_of[first_of[tuple(words)]]
            leader, similarity = leader_of[text]
            members.setdefault(leader, []).append((position, 1.0 if text == leader else similarity))
    result = []
    for leader, found in members.items():
        head = firsts[leader]
        ordered = sorted(found, key=lambda member: (member[0] != head, member[0]))
        if len(ordered) >= 2:
            result.append(ordered)
    return sorted(result, key=lambda cluster: cluster[0][0])


def jaccard(first: AbstractSet[int], second: AbstractSet[int]) -> float:
    """Exact Jaccard similarity; two empty sets have similarity 0."""
    union = len(first | second)
    return len(first & second) / union if union else 0.0
