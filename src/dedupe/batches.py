"""An iterable cut into lists of ``batch_size`` items (checked texts, or records), read lazily."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def batches(items: Iterable[T], *, batch_size: int) -> Iterator[list[T]]:
    """Lists of up to ``batch_size`` items.

    The checks run at the call, so a bad argument fails before the first batch is
    asked for.
    """
    if isinstance(items, (str, bytes)):
        raise TypeError(f"texts must be an iterable of str, not a single {type(items).__name__}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be an integer >= 1, got {batch_size!r}")
    return _batches(iter(items), batch_size)


def text_batches(texts: Iterable[str], *, batch_size: int) -> Iterator[list[str]]:
    """Lists of up to ``batch_size`` texts; a non-``str`` item is a ``TypeError`` naming it."""
    return _checked(batches(texts, batch_size=batch_size))


def _batches(items: Iterator[T], batch_size: int) -> Iterator[list[T]]:
    while batch := list(islice(items, batch_size)):
        yield batch


def _checked(parts: Iterator[list[str]]) -> Iterator[list[str]]:
    done = 0
    for batch in parts:
        if not set(map(type, batch)) <= {str}:
            offset, text = next((i, t) for i, t in enumerate(batch) if not isinstance(t, str))
            raise TypeError(f"texts[{done + offset}] must be str, got {type(text).__name__}")
        yield batch
        done += len(batch)
