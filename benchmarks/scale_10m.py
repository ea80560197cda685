"""Dedupe a large synthetic corpus on one machine and print the time and peak memory.

Not a unit test: run it by hand from the repository root, alone on the machine (it takes
minutes at 10M)::

    python -m benchmarks.scale_10m --size 10000000 --threshold 0.8 --ngram 5
    python -m benchmarks.scale_10m --size 1000000 --engine memory

Paragraphs are built deterministically, one at a time, from real English sentences
(``benchmarks.realtext.sentence_pool``): paragraph ``i`` is a function of ``i`` alone, so
the corpus is the same on every run of an installation and never held in memory whole. About
one paragraph in ten is a copy of an earlier one: half exact (up to case), half with one
word replaced. ``--engine disk`` streams the texts through
``dedupe.ondisk.find_clusters_on_disk``; ``--engine memory`` builds the list of texts and
calls ``dedupe.chain.find_clusters``, for comparison; ``--engine stream`` counts what
``dedupe.deduplicate`` yields. Peak memory includes the setup (the sentence pool), which
is printed on its own.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
from collections.abc import Iterator, Sequence

import numpy as np

import dedupe
from benchmarks.realtext import sentence_pool
from dedupe import deduplicate
from dedupe.chain import find_clusters
from dedupe.cluster import PositionClusters
from dedupe.hashing import U64, fmix64
from dedupe.ondisk import find_clusters_on_disk
from dedupe.settings import DEFAULT_NGRAM, DEFAULT_THRESHOLD, Settings

SENTENCES_PER_PARAGRAPH = 4
COPY_EVERY = 10  # about one paragraph in COPY_EVERY copies an earlier one
COPY_WINDOW = 100_000  # how far back a copy's source can be
CHUNK = 100_000


def _mix(values: U64, salt: int) -> U64:
    return fmix64(values * np.uint64(0x9E3779B97F4A7C15) + np.uint64(salt))


def corpus(size: int, pool: Sequence[str]) -> Iterator[str]:
    """The ``size`` paragraphs, in order, ``CHUNK`` computed at a time."""
    for low in range(0, size, CHUNK):
        index = np.arange(low, min(low + CHUNK, size), dtype=np.uint64)
        base = _base_paragraphs(index, pool)
        draw = _mix(index, 1)
        is_copy = (draw % np.uint64(COPY_EVERY) == 0) & (index > 0)
        back = np.uint64(1) + (draw >> np.uint64(8)) % np.minimum(index, COPY_WINDOW).clip(1)
        sources = _base_paragraphs(index - np.where(is_copy, back, 0), pool)
        edits = (draw >> np.uint64(40)).tolist()
        for offset, copy in enumerate(is_copy.tolist()):
            if not copy:
                yield base[offset]
            elif edits[offset] % 2:
                yield sources[offset].upper()
            else:
                words = sources[offset].split()
                words[edits[offset] % len(words)] = "replaced"
                yield " ".join(words)


def _base_paragraphs(index: U64, pool: Sequence[str]) -> list[str]:
    picks = [
        (_mix(index, 100 + slot) % np.uint64(len(pool))).tolist()
        for slot in range(SENTENCES_PER_PARAGRAPH)
    ]
    return [" ".join(pool[pick] for pick in chosen) for chosen in zip(*picks, strict=True)]


def peak_rss_bytes() -> int:
    """The peak resident set size of this process (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--engine", choices=("disk", "memory", "stream"), default="disk")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--ngram", type=int, default=DEFAULT_NGRAM)
    args = parser.parse_args(argv)
    settings = Settings(threshold=args.threshold, ngram=args.ngram)
    pool = sentence_pool()
    setup_rss = peak_rss_bytes()
    start = time.perf_counter()
    if args.engine == "stream":
        stream = deduplicate(corpus(args.size, pool), threshold=args.threshold, ngram=args.ngram)
        kept = sum(1 for _ in stream)
        result = f"kept={kept:,}"
    else:
        found: PositionClusters
        if args.engine == "memory":
            found = find_clusters(list(corpus(args.size, pool)), settings)
        else:
            found = find_clusters_on_disk(corpus(args.size, pool), settings)
        result = f"clusters={len(found.offsets) - 1:,} clustered={len(found.members):,}"
    seconds = time.perf_counter() - start
    print(
        f"engine={args.engine} paragraphs={args.size:,} sentences={len(pool):,} "
        f"threshold={settings.threshold} ngram={settings.ngram} {result} "
        f"seconds={seconds:.1f} peak_rss_gib={peak_rss_bytes() / 2**30:.2f} "
        f"(setup {setup_rss / 2**30:.2f}) "
        f"python={platform.python_version()} numpy={np.__version__} dedupe={dedupe.__version__}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
