"""Threads change the wall time only: every stage gives the same result for any worker count."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pytest

from dedupe import pipeline
from dedupe.parallel import (
    available_cores,
    iterate_in_threads,
    map_in_threads,
    resolve_workers,
)
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


@pytest.mark.parametrize("workers", [2, 3])
def test_find_clusters_is_identical_for_any_number_of_workers(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 64)
    texts = corpus(1500)
    settings = Settings(threshold=0.8, ngram=3)
    serial = pipeline.find_clusters(texts, settings, workers=1)
    threaded = pipeline.find_clusters(texts, settings, workers=workers)
    assert len(serial.offsets) > 100
    for name in ("members", "similarities", "offsets"):
        np.testing.assert_array_equal(getattr(threaded, name), getattr(serial, name))


def test_jaccard_chunks_on_threads_equal_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dedupe.verify._CHUNK_ELEMENTS", 50)
    generator = np.random.default_rng(3)
    counts = generator.integers(0, 30, size=200)
    sets = np.concatenate(
        [np.sort(generator.choice(60, size=int(n), replace=False)) for n in counts]
    ).astype(np.uint64)
    pairs = generator.integers(0, 200, size=(500, 2))
    serial = jaccard_pairs(sets, counts, pairs, workers=1)
    assert np.count_nonzero(serial) > 100
    np.testing.assert_array_equal(jaccard_pairs(sets, counts, pairs, workers=3), serial)
