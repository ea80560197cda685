"""Stage 1, fingerprints: normalize, shingle, sign and cut into band keys, batch by batch.

Only fixed-size arrays are kept per text (a 128-bit hash of its token sequence, its
token count and its band keys), so memory per text is bounded whatever the batch size;
the shingles and signatures of a batch are dropped once its band keys are made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedupe import lsh, minhash
from dedupe.arrays import positions_in_segments, segment_starts
from dedupe.hashing import I64, U32, U64, fmix64, odd_constants
from dedupe.parallel import map_in_threads, resolve_workers
from dedupe.settings import Settings
from dedupe.shingle import ngram_hashes, tokenize, unique_per_text

BATCH_SIZE = 4_000
"""Texts fingerprinted at once: large enough to amortize NumPy calls, small enough for cache."""

_CONTENT_SALTS = (0xC0DE1, 0xC0DE2)


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """What every engine keeps per text: content hash, token count and LSH band keys."""

    content: U64  # (texts, 2): 128-bit hash of the normalized token sequence
    token_counts: I64  # (texts,): 0 for a text with no token
    band_keys: U64  # (texts, bands)

    def __len__(self) -> int:
        return len(self.token_counts)


@dataclass(frozen=True, slots=True)
class BatchStages:
    """Every array that fingerprinting one batch makes, stage by stage."""

    tokens: U64  # flat token hashes
    token_counts: I64
    shingles: U64  # flat shingle hashes, with repeats
    shingle_counts: I64
    signatures: U32  # (texts, num_perm)
    band_keys: U64  # (texts, bands)

    @property
    def fingerprints(self) -> Fingerprints:
        """The batch's fingerprints (the content hash is computed here)."""
        content = content_hashes(self.tokens, self.token_counts)
        return Fingerprints(content, self.token_counts, self.band_keys)

    def shingle_sets(self) -> tuple[U64, I64]:
        """The batch's shingle sets in CSR form (sorted, distinct per text)."""
        return unique_per_text(self.shingles, self.shingle_counts)


def fingerprint_batch(texts: Sequence[str], settings: Settings) -> BatchStages:
    """Run the fingerprint stages on one batch and keep what each stage made."""
    bands, rows = settings.band_shape
    tokens, counts = tokenize(texts, shingle=settings.shingle)
    shingles, shingle_counts = ngram_hashes(tokens, counts, ngram=settings.ngram)
    signatures = minhash.signatures(
        shingles, shingle_counts, num_perm=settings.num_perm, seed=settings.seed
    )
    keys = lsh.band_keys(signatures, bands=bands, rows=rows)
    return BatchStages(tokens, counts, shingles, shingle_counts, signatures, keys)


def fingerprint(
    texts: Sequence[str],
    settings: Settings,
    *,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
) -> Fingerprints:
    """Fingerprint all texts, ``batch_size`` at a time, into arrays allocated once.

    Batches run on ``workers`` threads (default: every available core); each writes its
    own rows, so the result does not depend on the number of workers. Band keys are
    stored band-major: candidates read one band of every text at a time.
    """
    bands, _ = settings.band_shape
    result = Fingerprints(
        np.empty((len(texts), 2), np.uint64),
        np.empty(len(texts), np.int64),
        np.empty((bands, len(texts)), np.uint64).T,
    )

    def fill(low: int) -> None:
        part = fingerprint_batch(texts[low : low + batch_size], settings).fingerprints
        high = low + len(part)
        result.content[low:high] = part.content
        result.token_counts[low:high] = part.token_counts
        result.band_keys[low:high] = part.band_keys

    map_in_threads(fill, range(0, len(texts), batch_size), workers=resolve_workers(workers))
    return result


def content_hashes(tokens: U64, counts: I64) -> U64:
    """A 128-bit hash of each text's token sequence (two independent 64-bit halves)."""
    result = np.zeros((len(counts), 2), dtype=np.uint64)
    nonempty = counts > 0
    if not nonempty.any():
        return result
    positions = positions_in_segments(counts)
    starts = segment_starts(counts)[nonempty]
    every_position = np.arange(int(counts.max()), dtype=np.uint64)
    for half, salt in enumerate(_CONTENT_SALTS):
        # One weight per position in a text, looked up rather than hashed per token.
        weight_of = fmix64(every_position + np.uint64(salt)) | np.uint64(1)
        sums = np.add.reduceat(tokens * weight_of[positions], starts)
        sums ^= counts[nonempty].astype(np.uint64) * odd_constants(1, salt=salt)[0]
        result[nonempty, half] = fmix64(sums)
    return result


def concatenate(parts: Sequence[Fingerprints], *, bands: int) -> Fingerprints:
    """The fingerprints of several parts, one after the other (band keys band-major)."""
    texts = sum(len(part) for part in parts)
    band_keys = np.empty((bands, texts), dtype=np.uint64).T
    if not parts:
        return Fingerprints(np.empty((0, 2), np.uint64), np.empty(0, np.int64), band_keys)
    return Fingerprints(
        np.concatenate([part.content for part in parts]),
        np.concatenate([part.token_counts for part in parts]),
        np.concatenate([part.band_keys for part in parts], out=band_keys),
    )
