"""Dedupe a large generated corpus on one machine: wall time, peak memory and recall.

Not a unit test: run it by hand from the repository root, alone on the machine (the
10M run takes minutes, and generating its corpus once takes minutes more)::

    python -m benchmarks.scale_10m --size 10000000
    python -m benchmarks.scale_10m --size 1000000 --threshold 0.8 --ngram 5 --engine memory

The corpus is ``benchmarks.bigcorpus``: Markov text trained on real text, with planted
near-copies at known edit rates, written once to ``--corpus`` (a folder, by default one
per size and seed under ``.benchmarks/``) by a child process, and reused while its
arguments and the installation match. Its description and diversity, next to the real
text it is modelled on, are printed first.

The timed part reads the paragraphs from that file one at a time: ``--engine disk``
passes them to ``dedupe.ondisk.find_clusters_on_disk``, ``--engine memory`` reads them
into a list and calls ``dedupe.chain.find_clusters``. Wall time is of that part only.
Peak memory is that of the process tree during it: the sum of the resident set sizes of
this process and its descendants, sampled every 50 ms from ``/proc`` (Linux), next to
the kernel's ``ru_maxrss`` of this process. Recall is the share of planted pairs, with an
exact word n-gram Jaccard similarity at or above the threshold (``ngram`` 3 or 5), whose
two paragraphs end in one cluster; also per edit rate, over all planted pairs.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

import dedupe
from benchmarks import bigcorpus
from dedupe.chain import find_clusters
from dedupe.cluster import PositionClusters
from dedupe.hashing import I64
from dedupe.ondisk import find_clusters_on_disk
from dedupe.settings import DEFAULT_NGRAM, DEFAULT_THRESHOLD, Settings

SAMPLE_SECONDS = 0.05


class TreePeak:
    """The largest total resident set size of a process and its descendants seen so far."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreePeak:
        self.peak = tree_rss(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss(self.pid))

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, tree_rss(self.pid))


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and every descendant (0 for a process that is gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        total += _rss(current)
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                pending.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return total


def _rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def recall(found: PositionClusters, pairs: I64, size: int) -> float:
    """Share of ``pairs`` whose two positions are in one cluster (1.0 for no pairs)."""
    if len(pairs) == 0:
        return 1.0
    label = np.arange(size, dtype=np.int64)  # a text in no cluster is its own
    sizes = np.diff(found.offsets)
    label[found.members] = size + np.repeat(np.arange(len(sizes)), sizes)
    return float(np.mean(label[pairs[:, 0]] == label[pairs[:, 1]]))


def ensure_corpus(folder: Path, *, size: int, seed: int) -> None:
    """Write the corpus into ``folder`` in a child process unless it is there already."""
    if bigcorpus.matches(folder, size=size, seed=seed):
        return
    print(f"writing the corpus to {folder} (once)", flush=True)
    command = [sys.executable, "-m", "benchmarks.bigcorpus", "--size", str(size)]
    command += ["--seed", str(seed), "--out", str(folder)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", choices=("disk", "memory"), default="disk")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--ngram", type=int, default=DEFAULT_NGRAM)
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: under .benchmarks/)")
    parser.add_argument("--workdir", type=Path, help="folder for the on-disk engine's files")
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error(f"--size must be at least 1, got {args.size}")
    settings = Settings(threshold=args.threshold, ngram=args.ngram)
    folder = args.corpus or Path(".benchmarks") / f"corpus-{args.size}-{args.seed}"
    ensure_corpus(folder, size=args.size, seed=args.seed)
    print("\n".join(bigcorpus.describe(bigcorpus.read_meta(folder))), flush=True)
    truth = np.load(folder / "truth.npz")

    texts = bigcorpus.paragraphs(folder)
    with TreePeak(os.getpid()) as peak:
        start = time.perf_counter()
        if args.engine == "memory":
            found = find_clusters(list(texts), settings)
        else:
            found = find_clusters_on_disk(texts, settings, workdir=args.workdir)
        seconds = time.perf_counter() - start
    pairs: I64 = truth["pairs"]
    lines = [
        f"engine={args.engine} paragraphs={args.size:,} threshold={settings.threshold} "
        f"ngram={settings.ngram} clusters={len(found.offsets) - 1:,} "
        f"clustered={len(found.members):,}",
        f"wall_seconds={seconds:.1f} peak_rss_tree_gib={peak.peak / 2**30:.2f} "
        f"ru_maxrss_gib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f}",
    ]
    if f"jaccard{settings.ngram}" in truth:
        near = truth[f"jaccard{settings.ngram}"] >= settings.threshold
        lines.append(
            f"recall={recall(found, pairs[near], args.size):.4f} over {int(near.sum()):,} "
            f"planted pairs with word {settings.ngram}-gram Jaccard >= {settings.threshold}"
        )
    rates = truth["rates"]
    by_rate = " ".join(
        f"{rate:.0%}:{recall(found, pairs[rates == rate], args.size):.4f}"
        for rate in np.unique(rates).tolist()
    )
    lines.append(f"recall by edit rate (all {len(pairs):,} planted pairs): {by_rate}")
    lines.append(
        f"python={platform.python_version()} numpy={np.__version__} dedupe={dedupe.__version__} "
        f"cores={len(os.sched_getaffinity(0))}"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
