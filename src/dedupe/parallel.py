"""Threads for the batch stages: NumPy releases the GIL inside its loops and sorts.

Each batch is independent and its result lands in its own slot, so the output is the
same for any number of workers; only the wall time changes. Threads, not processes:
the texts are shared without pickling them, and memory grows by one batch per worker.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def resolve_workers(workers: int | None) -> int:
    """``workers`` validated, or every available core when ``None``."""
    if workers is None:
        return available_cores()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an integer >= 1 or None, got {workers!r}")
    return workers


def map_in_threads(function: Callable[[T], R], items: Iterable[T], *, workers: int) -> list[R]:
    """``[function(item) for item in items]``, run on up to ``workers`` threads, in order."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor  # not at import: CLI start-up

    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(function, items))


def iterate_in_threads(
    function: Callable[[T], R], items: Iterable[T], *, workers: int
) -> Iterator[R]:
    """``map_in_threads`` as an iterator: results in order, each dropped once consumed."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        yield from map(function, items)
        return
    from concurrent.futures import ThreadPoolExecutor  # not at import: CLI start-up

    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        yield from pool.map(function, items)
