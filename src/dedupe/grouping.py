"""Stage 2, grouping: identical texts become one *distinct text*, numbered in priority order.

Texts are identical when their normalized token sequences are (same 128-bit content
hash). Every later stage works on distinct texts only, numbered ``0, 1, ...`` in
*priority order*, the order in which assignment visits them:

- ``keep="first"``: by input position (for files: path order, then line);
- ``keep="longest"``: most tokens first, ties by input position.

A distinct text takes the place of its first occurrence in input order; copies of it
always end in its cluster, with similarity 1. Texts without any token are in no group:
empty texts never match anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedupe.arrays import run_ids, run_starts, sort_order
from dedupe.hashing import I64, U64
from dedupe.settings import Keep


@dataclass(frozen=True, slots=True)
class Groups:
    """Identical texts grouped into distinct texts, numbered in priority order."""

    first: I64  # per distinct text: the input position of its first occurrence
    group_of: I64  # per input position: its distinct text, or -1 for an empty text

    def __len__(self) -> int:
        return len(self.first)


def group_identical(content: U64, token_counts: I64, *, keep: Keep) -> Groups:
    """Group texts with the same content hash; number the groups in priority order."""
    group_of = np.full(len(token_counts), -1, dtype=np.int64)
    nonempty = np.flatnonzero(token_counts > 0)
    content = content[nonempty]
    # By (first half, row); rows tied on the first half (copies, in practice) are then
    # put in (second half, row) order, so each run of equal content is in input order.
    order = sort_order(content[:, 0])
    tied = ~run_starts(content[order, 0])
    tied[:-1] |= tied[1:]
    if tied.any():
        rows = np.flatnonzero(tied)
        chosen = order[rows]
        order[rows] = chosen[np.lexsort((chosen, content[chosen, 1], content[chosen, 0]))]
    starts = run_starts(content[order, 0], content[order, 1])
    firsts = nonempty[order[starts]]  # the first occurrence of each content
    priority = priority_keys(firsts, token_counts[firsts], keep=keep, texts=len(token_counts))
    rank = np.argsort(priority)
    distinct_of_run = np.empty(len(rank), dtype=np.int64)
    distinct_of_run[rank] = np.arange(len(rank), dtype=np.int64)
    group_of[nonempty[order]] = distinct_of_run[run_ids(starts)]
    return Groups(first=firsts[rank], group_of=group_of)


def priority_keys(positions: I64, token_counts: I64, *, keep: Keep, texts: int) -> I64:
    """A sortable int64 per distinct text: ascending keys are priority order.

    The input position sits in the low bits (``texts`` positions in all), so it can be
    read back with ``key & position_mask(texts)`` and breaks every tie. For
    ``"longest"`` the token count goes above it, inverted; a count that does not fit
    there (over ``2 ** (63 - position bits)`` tokens, never a paragraph) counts as that
    maximum, ties in input order.
    """
    if keep == "first":
        return positions.astype(np.int64, copy=True)
    bits = position_bits(texts)
    most = (1 << (63 - bits)) - 1
    shorter = most - np.minimum(token_counts, most)
    keys: I64 = (shorter << bits) | positions
    return keys


def position_bits(texts: int) -> int:
    """Bits that hold any input position below ``texts``."""
    return max(1, (texts - 1).bit_length())


def position_mask(texts: int) -> int:
    """The mask that reads the input position back out of a priority key."""
    return (1 << position_bits(texts)) - 1
