"""Threads change the wall time only: every stage gives the same result for any worker count."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from dedupe.chain import cluster_fingerprints, find_clusters
from dedupe.fingerprint import BATCH_SIZE, BatchStages, fingerprint, fingerprint_batch
from dedupe.parallel import (
    available_cores,
    iterate_in_threads,
    map_in_threads,
    resolve_workers,
)
from dedupe.scan import scan_files
from dedupe.settings import Settings
from dedupe.verify import jaccard_pairs


def in_order_as_list(function: Callable[[int], int], items: range, *, workers: int) -> list[int]:
    """``iterate_in_threads`` consumed into a list."""
    return list(iterate_in_threads(function, items, workers=workers))


@pytest.mark.parametrize("run", [map_in_threads, in_order_as_list])
def test_results_keep_the_order_while_several_threads_run(
    run: Callable[..., list[int]],
) -> None:
    seen: set[int] = set()
    barrier = threading.Barrier(3, timeout=10)

    def work(item: int) -> int:
        seen.add(threading.get_ident())
        if item < 3:
            barrier.wait()  # only passes when three items run at the same time
        return item * item

    assert run(work, range(8), workers=3) == [item * item for item in range(8)]
    assert len(seen) == 3
    assert run(work, range(3, 6), workers=1) == [9, 16, 25]


def test_none_means_every_available_core() -> None:
    assert resolve_workers(None) == available_cores() >= 1
    assert resolve_workers(3) == 3


def corpus(count: int) -> list[str]:
    """Texts with near and exact copies spread over many batches."""
    generator = np.random.default_rng(7)
    words = [f"w{number}" for number in range(400)]
    texts = [" ".join(generator.choice(words, size=40)) for _ in range(count)]
    for position in range(0, count, 9):
        copy = texts[position].split()
        copy[int(generator.integers(0, 40))] = "edited"
        texts.append(" ".join(copy))
    texts.extend(texts[:50])
    return texts


class ConcurrentBatches:
    """Wraps ``fingerprint_batch``: its first ``parties`` calls must run at the same time.

    A run that fingerprints its batches one after the other breaks the barrier (after
    10 s), so a test using it fails unless the threaded path really runs.
    """

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=10)
        self.lock = threading.Lock()
        self.calls = 0
        self.threads: set[int] = set()

    def __call__(self, texts: Sequence[str], settings: Settings) -> BatchStages:
        with self.lock:
            self.calls += 1
            waits = self.calls <= self.barrier.parties
            self.threads.add(threading.get_ident())
        if waits:
            self.barrier.wait()
        return fingerprint_batch(texts, settings)


@pytest.mark.parametrize("workers", [2, 3])
def test_find_clusters_is_identical_for_any_number_of_workers(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    texts = corpus(1500)
    settings = Settings(threshold=0.8, ngram=3)
    serial = find_clusters(texts, settings, workers=1)
    concurrent = ConcurrentBatches(workers)
    monkeypatch.setattr("dedupe.fingerprint.fingerprint_batch", concurrent)
    found = fingerprint(texts, settings, batch_size=64, workers=workers)
    assert concurrent.calls == -(-len(texts) // 64)
    assert len(concurrent.threads) == workers
    expected = fingerprint(texts, settings, workers=1)  # one batch on this thread
    for name in ("content", "token_counts", "band_keys"):
        np.testing.assert_array_equal(getattr(found, name), getattr(expected, name))
    threaded = cluster_fingerprints(texts, found, settings, workers=workers)
    assert len(serial.offsets) > 100
    for name in ("members", "similarities", "offsets"):
        np.testing.assert_array_equal(getattr(threaded, name), getattr(serial, name))


def test_scan_is_identical_on_two_threads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More paragraphs than two batches, so the scan fingerprints them on two threads."""
    texts = corpus(2 * BATCH_SIZE)
    files = []
    for number in range(3):
        path = tmp_path / f"{number}.txt"
        path.write_text("\n\n".join(texts[number::3]) + "\n")
        files.append((path, path.name))
    settings = Settings(threshold=0.8)
    serial = scan_files(files, settings=settings, workers=1)
    concurrent = ConcurrentBatches(2)
    monkeypatch.setattr("dedupe.fingerprint.fingerprint_batch", concurrent)
    threaded = scan_files(files, settings=settings, workers=2)
    assert len(concurrent.threads) == 2
    assert len(serial.clusters) > 100
    assert threaded.clusters == serial.clusters


def test_jaccard_chunks_on_threads_equal_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dedupe.arrays.PADDED_BLOCK_VALUES", 50)
    generator = np.random.default_rng(3)
    counts = generator.integers(0, 30, size=200)
    sets = np.concatenate(
        [np.sort(generator.choice(60, size=int(n), replace=False)) for n in counts]
    ).astype(np.uint64)
    pairs = generator.integers(0, 200, size=(500, 2))
    serial = jaccard_pairs(sets, counts, pairs, workers=1)
    assert np.count_nonzero(serial) > 100
    np.testing.assert_array_equal(jaccard_pairs(sets, counts, pairs, workers=3), serial)
