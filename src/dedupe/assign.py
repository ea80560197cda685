"""Stage 5, assignment: each distinct text joins the first representative it is near, else leads.

Distinct texts are visited in priority order (``0, 1, ...``). A text joins the first
representative before it with which it has a verified edge (a candidate pair whose
exact Jaccard similarity reaches the threshold); a text with none becomes a
representative. Unlike connected components this never chains: every member is within
the threshold of its own representative.

The greedy choice is sequential in principle but is computed in vectorized rounds: a
text is decided as soon as one representative before it is near it (it is a member,
whichever representative wins), or when every text before it that it is near has
become a member (it leads). Stars and cliques take two rounds; when a round decides
too few texts (long chains of near pairs), the rest is finished in one sequential pass.
The choice is independent between connected components of the verified edges, so the
Dask engine runs it per component and still equals the sequential definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedupe.arrays import run_starts
from dedupe.hashing import I64
from dedupe.verify import F64

_UNDECIDED, _LEADS, _MEMBER = 0, 1, 2
SEQUENTIAL_BELOW = 4_096
"""Undecided texts under which the rest is finished in one sequential pass."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """Per distinct text: its representative (itself when it leads) and its similarity to it."""

    representative: I64
    similarity: F64


def assign(
    count: int,
    edges: I64,
    similarities: F64,
    *,
    leaders: int = 0,
    sequential_below: int = SEQUENTIAL_BELOW,
) -> Assignment:
    """The greedy assignment of ``count`` distinct texts over verified ``(earlier, later)`` edges.

    ``similarities`` are the edges' exact similarities (all at least the threshold).
    The first ``leaders`` texts are representatives already (stored texts of an
    incremental run); edges must not end at them. Fewer than ``sequential_below``
    undecided texts are finished in one sequential pass (the result is the same).
    """
    status = np.zeros(count, dtype=np.int8)
    status[:leaders] = _LEADS
    live = edges
    undecided = np.arange(leaders, count, dtype=np.int64)
    while len(undecided):
        near_leader = status[live[:, 0]] == _LEADS
        status[live[near_leader, 1]] = _MEMBER
        waiting = live[status[live[:, 0]] == _UNDECIDED, 1]
        free = undecided[status[undecided] == _UNDECIDED]
        status[free[~np.isin(free, waiting)]] = _LEADS
        remaining = undecided[status[undecided] == _UNDECIDED]
        live = live[status[live[:, 1]] == _UNDECIDED]
        if len(remaining) and (
            len(remaining) < sequential_below or len(remaining) * 8 > len(undecided) * 7
        ):
            _finish_in_order(status, live)
            break
        undecided = remaining
    return _first_leaders(count, edges, similarities, status)


def _finish_in_order(status: np.ndarray, live: I64) -> None:
    """Decide the undecided ends of ``live`` one by one, in priority order."""
    live = live[np.lexsort((live[:, 0], live[:, 1]))]
    later, earlier = live[:, 1].tolist(), live[:, 0].tolist()
    current = -1
    for node, before in zip(later, earlier, strict=True):
        if node != current:
            if current >= 0 and status[current] == _UNDECIDED:
                status[current] = _LEADS
            current = node
        if status[node] == _UNDECIDED and status[before] == _LEADS:
            status[node] = _MEMBER
    if current >= 0 and status[current] == _UNDECIDED:
        status[current] = _LEADS


def _first_leaders(count: int, edges: I64, similarities: F64, status: np.ndarray) -> Assignment:
    """Each member's first representative among its edges, and the similarity to it."""
    representative = np.arange(count, dtype=np.int64)
    similarity = np.ones(count, dtype=np.float64)
    joins = (status[edges[:, 0]] == _LEADS) & (status[edges[:, 1]] == _MEMBER)
    joined, similar = edges[joins], similarities[joins]
    order = np.lexsort((joined[:, 0], joined[:, 1]))
    joined, similar = joined[order], similar[order]
    first = run_starts(joined[:, 1])
    representative[joined[first, 1]] = joined[first, 0]
    similarity[joined[first, 1]] = similar[first]
    return Assignment(representative, similarity)
