"""Token hashing: packed words for every token (ours) against xxhash of distinct tokens only.

    python -m benchmarks.token_hashing --size 25000

The alternative the issue suggested: find the distinct tokens with ``np.unique`` and
hash only those with ``xxhash`` (one Python call per distinct token), then spread the
hashes back with the inverse index. To find distinct tokens it still needs a key per
token; here that key is the token's first packed word mixed with its length, which is
cheaper than our full hash (and not even exact for tokens over 8 bytes), so the
alternative is timed at its most favourable. Prints the median of ``--repeat`` runs of
each step, for one batch of the benchmark corpus.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import xxhash

from benchmarks.workload import build_workload
from dedupe.hashing import I64, U64
from dedupe.tokens import hash_tokens, normalized_bytes

_SPACE = ord(" ")


def split_tokens(texts: list[str]) -> tuple[np.ndarray, I64, I64]:
    """Normalized bytes of a batch and the start and length of every token."""
    data, _, _ = normalized_bytes(texts)
    is_word = np.zeros(len(data) + 2, dtype=np.int8)
    is_word[1:-1] = data != _SPACE
    edges = np.diff(is_word)
    starts = np.flatnonzero(edges == 1)
    return data, starts, np.flatnonzero(edges == -1) - starts


def first_word_keys(data: np.ndarray, starts: I64, lengths: I64) -> U64:
    """The first 8 bytes of each token as a little-endian word, its length in the top byte."""
    padded = np.zeros(len(data) + 8, dtype=np.uint8)
    padded[: len(data)] = data
    word_at = np.ndarray(shape=(len(data),), dtype="<u8", buffer=padded, strides=(1,))
    keys: U64 = word_at[starts]
    keep = np.minimum(lengths, 8).astype(np.uint64) * np.uint64(8)
    keys &= (np.uint64(1) << keep) - np.uint64(1) | np.where(keep == 64, ~np.uint64(0), 0)
    keys ^= lengths.astype(np.uint64) << np.uint64(56)
    return keys


def distinct_xxhash(data: np.ndarray, starts: I64, lengths: I64) -> U64:
    """The alternative, end to end: keys, ``np.unique``, xxhash per distinct token, spread."""
    keys = first_word_keys(data, starts, lengths)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    raw = data.tobytes()
    begins, ends = starts[first].tolist(), (starts[first] + lengths[first]).tolist()
    hashes = np.fromiter(
        (xxhash.xxh3_64_intdigest(raw[b:e]) for b, e in zip(begins, ends, strict=True)),
        dtype=np.uint64,
        count=len(first),
    )
    spread: U64 = hashes[inverse.ravel()]
    return spread


def median_seconds(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=25_000, help="paragraphs in the batch")
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args(argv)
    texts = build_workload(100_000).texts[: options.size]
    data, starts, lengths = split_tokens(texts)
    keys = first_word_keys(data, starts, lengths)
    distinct = len(np.unique(keys))
    print(f"{options.size:,} paragraphs, {len(starts):,} tokens, {distinct:,} distinct")
    steps: dict[str, Callable[[], object]] = {
        "packed hash of every token (dedupe)": lambda: hash_tokens(data, starts, lengths),
        "alternative: first-word keys": lambda: first_word_keys(data, starts, lengths),
        "alternative: np.unique(keys, inverse)": lambda: np.unique(keys, return_inverse=True),
        "alternative: end to end": lambda: distinct_xxhash(data, starts, lengths),
    }
    for name, step in steps.items():
        print(f"{name:40s} {1000 * median_seconds(step, options.repeat):8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
