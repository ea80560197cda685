"""Connected components of an edge list, in memory or as a distributed large-star/small-star loop.

Nodes are int64 ids; every node is labelled with the smallest node of its component.
Only nodes that appear in an edge are labelled, and self-loops are ignored (a node
whose only edge is to itself gets no label).

The distributed loop (Kiveris et al., "Connected Components in MapReduce and Beyond",
2014) keeps every edge in both directions, each direction on the part that owns its
first node. One round is a large-star step (each node links its larger neighbours to
the smallest node of its neighbourhood) then a small-star step (each node links itself
and its smaller neighbours to the smallest of them), each followed by an exchange of the
new edges to their owners. When a round leaves every part unchanged the graph is a set
of stars centred on each component's smallest node.

Each round's tasks get fresh keys (see ``dedupe.exchange``) and the loop never persists
a collection: the previous round is only reachable through the futures it returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe.cluster import connected_components
from dedupe.exchange import Tasks
from dedupe.hashing import I64, fmix64

if TYPE_CHECKING:
    from collections.abc import Sequence

    from distributed import Future

MAX_ROUNDS = 200
"""The loop needs O(log n) rounds; reaching this many means something is wrong."""


def components_in_memory(edges: I64) -> tuple[I64, I64]:
    """``(nodes, labels)`` of the nodes of ``edges`` (an ``(m, 2)`` array), nodes sorted."""
    edges = _without_self_loops(edges)
    nodes = np.unique(edges)
    compact = np.searchsorted(nodes, edges)
    return nodes, nodes[connected_components(len(nodes), compact)]


def distributed_components(
    tasks: Tasks, edge_parts: Sequence[Future[Any]], *, parts: int
) -> list[Future[Any]]:
    """Label the nodes of the edges held by ``edge_parts`` futures (``(m, 2)`` int64 arrays).

    Returns ``parts`` futures, each holding ``(nodes, labels)`` for the nodes it owns.
    """
    current = tasks.exchange("cc-start", edge_parts, split_symmetric, unique_rows, outputs=parts)
    for round_number in range(MAX_ROUNDS):
        large = tasks.exchange(
            f"cc-large-{round_number}", current, split_large_star, unique_rows, outputs=parts
        )
        small = tasks.exchange(
            f"cc-small-{round_number}", large, split_small_star, unique_rows, outputs=parts
        )
        same = [
            tasks.submit(f"cc-same-{round_number}", (index,), _same_rows, before, after)
            for index, (before, after) in enumerate(zip(current, small, strict=True))
        ]
        converged = all(tasks.gather(same))
        current = small
        if converged:
            return [
                tasks.submit("cc-labels", (index,), star_labels, part)
                for index, part in enumerate(current)
            ]
    raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")


def owner(nodes: I64, parts: int) -> I64:
    """The part that holds a node's edges: a hash of the node, so parts stay balanced."""
    hashed = fmix64(nodes.astype(np.uint64)) % np.uint64(parts)
    owners: I64 = hashed.astype(np.int64)
    return owners


def split_edges(edges: I64, parts: int) -> list[I64]:
    """Edges cut by the owner of their first node."""
    return _split_by_owner(edges, parts)


def split_symmetric(edges: I64, parts: int) -> list[I64]:
    """Both directions of each edge, cut by the owner of their first node."""
    return _split_by_owner(_both_directions(_without_self_loops(edges)), parts)


def split_large_star(edges: I64, parts: int) -> list[I64]:
    """Large-star step on the edges of owned nodes, cut for the next owners."""
    return _split_by_owner(_both_directions(large_star(edges)), parts)


def split_small_star(edges: I64, parts: int) -> list[I64]:
    """Small-star step on the edges of owned nodes, cut for the next owners."""
    return _split_by_owner(_both_directions(small_star(edges)), parts)


def large_star(edges: I64) -> I64:
    """For each node ``u`` (first column): link each neighbour ``v > u`` to ``min(u, N(u))``.

    ``edges`` must be sorted unique rows holding every neighbour of each of its nodes.
    """
    nodes, neighbours = edges[:, 0], edges[:, 1]
    smallest = np.minimum(nodes, _first_of_runs(nodes, neighbours))
    larger = neighbours > nodes
    return np.stack((neighbours[larger], smallest[larger]), axis=1)


def small_star(edges: I64) -> I64:
    """For each node ``u``: link ``u`` and each neighbour ``v < u`` to the smallest of them.

    ``edges`` must be sorted unique rows holding every neighbour of each of its nodes.
    """
    nodes, neighbours = edges[:, 0], edges[:, 1]
    smaller = neighbours < nodes
    nodes, neighbours = nodes[smaller], neighbours[smaller]
    smallest = _first_of_runs(nodes, neighbours)  # neighbours are sorted within a node
    others = neighbours != smallest
    starts = _run_starts(nodes)
    return np.concatenate(
        (
            np.stack((neighbours[others], smallest[others]), axis=1),
            np.stack((nodes[starts], smallest[starts]), axis=1),
        )
    )


def star_labels(edges: I64) -> tuple[I64, I64]:
    """``(nodes, labels)`` after convergence: each node's label is the smallest it touches."""
    nodes, neighbours = edges[:, 0], edges[:, 1]
    starts = _run_starts(nodes)
    return nodes[starts], np.minimum(nodes, neighbours)[starts]


def unique_rows(*pieces: I64) -> I64:
    """The distinct rows of the pieces, sorted by both columns."""
    rows = np.concatenate(pieces) if pieces else np.empty((0, 2), dtype=np.int64)
    order = np.lexsort((rows[:, 1], rows[:, 0]))
    rows = rows[order]
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = np.any(rows[1:] != rows[:-1], axis=1)
    return rows[keep]


def _same_rows(before: I64, after: I64) -> bool:
    return bool(np.array_equal(before, after))


def _without_self_loops(edges: I64) -> I64:
    kept: I64 = edges[edges[:, 0] != edges[:, 1]]
    return kept


def _both_directions(edges: I64) -> I64:
    return np.concatenate((edges, edges[:, ::-1]))


def _split_by_owner(edges: I64, parts: int) -> list[I64]:
    owners = owner(edges[:, 0], parts)
    order = np.argsort(owners, kind="stable")
    bounds = np.searchsorted(owners[order], np.arange(1, parts))
    return list(np.split(edges[order], bounds))


def _run_starts(nodes: I64) -> I64:
    starts = np.ones(len(nodes), dtype=bool)
    starts[1:] = nodes[1:] != nodes[:-1]
    return np.flatnonzero(starts)


def _first_of_runs(nodes: I64, values: I64) -> I64:
    """Per row, the value on the first row of its run of equal ``nodes``."""
    starts = np.zeros(len(nodes), dtype=bool)
    starts[_run_starts(nodes)] = True
    first: I64 = values[np.flatnonzero(starts)[np.cumsum(starts) - 1]]
    return first
