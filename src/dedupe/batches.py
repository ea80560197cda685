"""An iterable of texts cut into lists of ``batch_size`` checked texts, read lazily."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice


def text_batches(texts: Iterable[str], *, batch_size: int) -> Iterator[list[str]]:
    """Lists of up to ``batch_size`` texts; a non-``str`` item is a ``TypeError`` naming it.

    The first checks run at the call, so a bad argument fails before the first batch is
    asked for.
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"texts must be an iterable of str, not a single {type(texts).__name__}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be an integer >= 1, got {batch_size!r}")
    return _batches(iter(texts), batch_size)


def _batches(texts: Iterator[str], batch_size: int) -> Iterator[list[str]]:
    done = 0
    while batch := list(islice(texts, batch_size)):
        if not set(map(type, batch)) <= {str}:
            offset, text = next((i, t) for i, t in enumerate(batch) if not isinstance(t, str))
            raise TypeError(f"texts[{done + offset}] must be str, got {type(text).__name__}")
        yield batch
        done += len(batch)
