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

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from dedupe.batches import text_batches
from dedupe.chain import find_clusters
from dedupe.fingerprint import BATCH_SIZE, fingerprint_batch
from dedupe.incremental import Store
from dedupe.inputs import check_texts
from dedupe.settings import Options, Settings, settings_from

if TYPE_CHECKING:
    from typing_extensions import Unpack


def deduplicate(
    texts: Iterable[str],
    *,
    batch_size: int = BATCH_SIZE,
    **options: Unpack[Options],
) -> Iterator[str]:
    """Yield the representatives and the texts in no cluster, in input order.

    Settings are checked at the call, not at the first ``next``.

    >>> list(deduplicate(["a b c d e f", "x y z", "A b, c d e f!"]))
    ['a b c d e f', 'x y z']
    """
    check_texts(texts, keyed=False)
    settings = settings_from(options)
    batches = text_batches(texts, batch_size=batch_size)
    if settings.keep == "longest":
        return _keep_longest(batches, settings)
    return _keep_first(batches, settings)


def _keep_first(batches: Iterator[list[str]], settings: Settings) -> Iterator[str]:
    store = Store(settings, member_sets=False)
    for batch in batches:
        placed = store.place(fingerprint_batch(batch, settings))
        kept = placed.distinct < 0  # empty texts never match anything
        new = np.flatnonzero(placed.new)
        kept[new] = store.representative[placed.distinct[new]] == placed.distinct[new]
        for row in np.flatnonzero(kept).tolist():
            yield batch[row]


def _keep_longest(batches: Iterator[list[str]], settings: Settings) -> Iterator[str]:
    texts = [text for batch in batches for text in batch]
    found = find_clusters(texts, settings)
    dropped = np.zeros(len(texts), dtype=bool)
    dropped[found.members] = True
    dropped[found.members[found.offsets[:-1]]] = False
    for position in np.flatnonzero(~dropped).tolist():
        yield texts[position]
