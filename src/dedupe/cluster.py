"""The result types: a ``Cluster`` is a representative and its verified near-duplicates."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

from dedupe.hashing import I64
from dedupe.verify import F64

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class Member(Generic[K]):
    """One text of a cluster: its key and its exact Jaccard similarity to the representative.

    The key is the text's position for a sequence input, its key for a mapping, and a
    ``Span`` for files. Identical texts (after normalization) have similarity 1.0, and
    so does the representative itself. The similarity is never below the threshold.
    """

    key: K
    similarity: float


@dataclass(frozen=True, slots=True)
class Cluster(Generic[K]):
    """A representative and the texts assigned to it.

    The first member is the representative, the text kept when deduplicating; the
    others follow in input order, each with its exact similarity to the representative,
    which is at least the threshold (see ``dedupe.assign`` for how texts are assigned).
    """

    members: tuple[Member[K], ...]

    @property
    def representative(self) -> Member[K]:
        """The first member: the text to keep when deduplicating."""
        return self.members[0]

    @property
    def keys(self) -> tuple[K, ...]:
        """The members' keys, in input order."""
        return tuple(member.key for member in self.members)

    def __len__(self) -> int:
        return len(self.members)

    def __iter__(self) -> Iterator[Member[K]]:
        return iter(self.members)


@dataclass(frozen=True, slots=True)
class PositionClusters:
    """Clusters as positions: ``members[offsets[c]:offsets[c+1]]`` is cluster ``c``.

    A cluster's first member is its representative; the others follow in input order.
    Clusters are ordered by the input position of their representative.
    """

    members: I64
    similarities: F64
    offsets: I64


def kept(found: PositionClusters, count: int) -> npt.NDArray[np.bool_]:
    """Per position of ``count`` texts: kept when deduplicating (a representative or in no
    cluster)."""
    mask = np.ones(count, dtype=bool)
    mask[found.members] = False
    mask[found.members[found.offsets[:-1]]] = True
    return mask


def attach_keys(keys: Sequence[K], found: PositionClusters) -> list[Cluster[K]]:
    """Turn clusters of positions into ``Cluster``\\ s whose members carry ``keys``."""
    members = found.members.tolist()
    similarities = found.similarities.tolist()
    offsets = found.offsets.tolist()
    return [
        Cluster(
            tuple(Member(keys[members[index]], similarities[index]) for index in range(start, end))
        )
        for start, end in pairwise(offsets)
    ]
