"""Clusters: connected components over verified pairs, and the public result types."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from dedupe.hashing import I64

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class Member(Generic[K]):
    """One text of a cluster: its key and its exact Jaccard similarity to the first member.

    The key is the text's position for a sequence input, its key for a mapping, and a
    ``Span`` for files. Identical texts (after normalization) have similarity 1.0.
    """

    key: K
    similarity: float


@dataclass(frozen=True, slots=True)
class Cluster(Generic[K]):
    """Texts joined by verified near-duplicate pairs, in input order.

    Every member is linked to the others by a chain of pairs whose exact similarity is at
    least the threshold; ``similarity`` is measured against the first member, so in a
    chain (A~B, B~C) it can be lower than the threshold for C.
    """

    members: tuple[Member[K], ...]

    @property
    def first(self) -> Member[K]:
        """The member that comes first in the input: the one to keep when deduplicating."""
        return self.members[0]

    @property
    def keys(self) -> tuple[K, ...]:
        """The members' keys, in input order."""
        return tuple(member.key for member in self.members)

    def __len__(self) -> int:
        return len(self.members)

    def __iter__(self) -> Iterator[Member[K]]:
        return iter(self.members)


def connected_components(node_count: int, edges: I64) -> I64:
    """Label each node with the smallest node of its component (edges: ``(m, 2)`` array).

    Vectorized hooking and pointer jumping: each round hooks both ends of every edge to
    the smaller label, then shortcuts label chains until they are flat.
    """
    labels = np.arange(node_count, dtype=np.int64)
    if len(edges) == 0:
        return labels
    left, right = edges[:, 0], edges[:, 1]
    while True:
        smaller = np.minimum(labels[left], labels[right])
        np.minimum.at(labels, left, smaller)
        np.minimum.at(labels, right, smaller)
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels[left], labels[right]):
            return labels
