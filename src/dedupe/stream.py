"""``deduplicate``: drop near-duplicates from a stream of texts, keeping the representatives.

Texts are read ``batch_size`` at a time and run through the incremental stage chain
(``dedupe.incremental``). A text is yielded when it becomes a representative (it is a
near-duplicate of no representative before it) or when it has no token (empty texts
never match); texts are yielded in input order as each batch is decided. The texts
yielded are exactly the representatives of ``find_duplicates`` on the same texts and
the texts in none of its clusters.

Only what later texts need is remembered (see ``dedupe.incremental``): per distinct
text 44 bytes, 12 bytes for each band where it is among the first texts of its bucket
(at most 768 with the default 64 bands), and its shingle set (about 470 bytes for a
paragraph of 60 words) only when it is kept. Copies of a text seen before cost nothing.
``keep="longest"`` cannot decide a text before the longest copy has been seen, so it
reads every text first and holds them in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

import numpy as np

from dedupe.batches import batches, text_batches
from dedupe.chain import find_clusters
from dedupe.cluster import kept
from dedupe.errors import RecordError
from dedupe.fingerprint import BATCH_SIZE, fingerprint_batch
from dedupe.incremental import Store
from dedupe.inputs import check_texts
from dedupe.settings import Options, Settings, settings_from

if TYPE_CHECKING:
    from typing_extensions import Unpack

R = TypeVar("R")
Parts = Iterator[tuple[list[Any], list[str]]]
"""Batches of items, each with the items' texts."""


@overload
def deduplicate(
    texts: Iterable[str],
    *,
    text: None = ...,
    batch_size: int = ...,
    **options: Unpack[Options],
) -> Iterator[str]: ...


@overload
def deduplicate(
    texts: Iterable[R],
    *,
    text: str | Callable[[R], str],
    batch_size: int = ...,
    **options: Unpack[Options],
) -> Iterator[R]: ...


def deduplicate(
    texts: Iterable[Any],
    *,
    text: str | Callable[[Any], str] | None = None,
    batch_size: int = BATCH_SIZE,
    **options: Unpack[Options],
) -> Iterator[Any]:
    """Yield the representatives and the texts in no cluster, in input order.

    With ``text``, the items are records and the records themselves are yielded:
    ``text`` names the field holding the text (``record[text]`` for a mapping, else the
    attribute) or is a function from a record to its text. A record without a text is a
    ``RecordError`` naming its position. Settings are checked at the call, not at the
    first ``next``.

    >>> list(deduplicate(["a b c d e f", "x y z", "A b, c d e f!"]))
    ['a b c d e f', 'x y z']
    >>> rows = [{"id": 1, "body": "a b c d e f"}, {"id": 2, "body": "A b, c d e f!"}]
    >>> [row["id"] for row in deduplicate(rows, text="body")]
    [1]
    """
    check_texts(texts, keyed=False)
    settings = settings_from(options)
    parts: Parts
    if text is None:
        parts = ((batch, batch) for batch in text_batches(texts, batch_size=batch_size))
    else:
        parts = _with_texts(batches(texts, batch_size=batch_size), _text_getter(text))
    if settings.keep == "longest":
        return _keep_longest(parts, settings)
    return _keep_first(parts, settings)


def _text_getter(text: str | Callable[[Any], str]) -> Callable[[Any, int], str]:
    """A function from ``(record, position)`` to the record's text, checked to be a ``str``."""
    if not callable(text) and not isinstance(text, str):
        raise TypeError(f"text must be a field name or a function, got {type(text).__name__}")

    def text_of(item: Any, position: int) -> str:
        if callable(text):
            value = text(item)
        elif isinstance(item, Mapping):
            if text not in item:
                raise RecordError(f"record {position}: no field {text!r}; pass text= its field")
            value = item[text]
        else:
            if not hasattr(item, text):
                raise RecordError(f"record {position}: no attribute {text!r}; pass text= its field")
            value = getattr(item, text)
        if not isinstance(value, str):
            raise RecordError(f"record {position}: its text is {type(value).__name__}, not str")
        return value

    return text_of


def _with_texts(parts: Iterator[list[Any]], text_of: Callable[[Any, int], str]) -> Parts:
    done = 0
    for batch in parts:
        yield batch, [text_of(item, done + row) for row, item in enumerate(batch)]
        done += len(batch)


def _keep_first(parts: Parts, settings: Settings) -> Iterator[Any]:
    store = Store(settings, member_sets=False)
    for batch, texts in parts:
        placed = store.place(fingerprint_batch(texts, settings))
        keep = placed.distinct < 0  # empty texts never match anything
        new = np.flatnonzero(placed.new)
        keep[new] = store.representative[placed.distinct[new]] == placed.distinct[new]
        for row in np.flatnonzero(keep).tolist():
            yield batch[row]


def _keep_longest(parts: Parts, settings: Settings) -> Iterator[Any]:
    items: list[Any] = []
    texts: list[str] = []
    for batch, batch_texts in parts:
        items.extend(batch)
        texts.extend(batch_texts)
    found = find_clusters(texts, settings)
    for position in np.flatnonzero(kept(found, len(texts))).tolist():
        yield items[position]
