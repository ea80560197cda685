"""From the assignment of distinct texts to clusters of input positions, against plain Python."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedupe.assign import Assignment
from dedupe.chain import expand
from dedupe.cluster import Cluster, Member, PositionClusters, attach_keys
from dedupe.grouping import Groups

Expected = list[list[tuple[int, float]]]


@st.composite
def assignments(draw: st.DrawFn) -> tuple[Groups, Assignment]:
    """Positions of a few distinct texts (or empty), and representatives that lead."""
    group_of = draw(st.lists(st.integers(-1, 5), max_size=30))
    present = sorted({group for group in group_of if group >= 0})
    firsts = sorted(group_of.index(group) for group in present)
    order = draw(st.permutations(present))  # distinct texts numbered in any priority order
    distinct_of = {group: number for number, group in enumerate(order)}
    first = [0] * len(present)
    for group in present:
        first[distinct_of[group]] = group_of.index(group)
    assert sorted(first) == firsts
    representative: list[int] = []
    similarity: list[float] = []
    for number in range(len(present)):
        leaders = [text for text in range(number) if representative[text] == text]
        chosen = draw(st.sampled_from([number, *leaders]))
        representative.append(chosen)
        similarity.append(1.0 if chosen == number else draw(st.sampled_from([0.4, 0.5, 0.9])))
    groups = Groups(
        first=np.array(first, dtype=np.int64),
        group_of=np.array([distinct_of[g] if g >= 0 else -1 for g in group_of], dtype=np.int64),
    )
    assignment = Assignment(np.array(representative, np.int64), np.array(similarity))
    return groups, assignment


def brute_expand(groups: Groups, assignment: Assignment) -> Expected:
    """Per representative with company: it first, then the others in input order."""
    first = groups.first.tolist()
    representative = assignment.representative.tolist()
    members: dict[int, list[int]] = {}
    for position, distinct in enumerate(groups.group_of.tolist()):
        if distinct >= 0:
            members.setdefault(representative[distinct], []).append(position)
    clusters: Expected = []
    for leader in sorted(members, key=lambda leader: first[leader]):
        positions = members[leader]
        if len(positions) < 2:
            continue
        others = [position for position in positions if position != first[leader]]
        clusters.append(
            [
                (position, 1.0 if groups.group_of[position] == leader else similarity)
                for position in [first[leader], *others]
                for similarity in [float(assignment.similarity[groups.group_of[position]])]
            ]
        )
    return clusters


def as_lists(found: PositionClusters) -> Expected:
    members, similarities = found.members.tolist(), found.similarities.tolist()
    offsets = found.offsets.tolist()
    return [
        list(zip(members[low:high], similarities[low:high], strict=True))
        for low, high in pairwise(offsets)
    ]


@given(assignments())
def test_expand_gives_each_representative_its_copies_and_members(
    case: tuple[Groups, Assignment],
) -> None:
    groups, assignment = case
    found = expand(groups, assignment)
    assert found.offsets[0] == 0
    assert found.offsets[-1] == len(found.members)
    assert as_lists(found) == brute_expand(groups, assignment)


def test_copies_of_a_member_have_its_similarity_and_copies_of_the_representative_one() -> None:
    groups = Groups(
        first=np.array([1, 0, 4], dtype=np.int64),
        group_of=np.array([1, 0, 1, -1, 2, 0, 2], dtype=np.int64),
    )
    assignment = Assignment(np.array([0, 0, 2]), np.array([1.0, 0.5, 1.0]))
    found = expand(groups, assignment)
    assert as_lists(found) == [
        [(1, 1.0), (0, 0.5), (2, 0.5), (5, 1.0)],
        [(4, 1.0), (6, 1.0)],
    ]
    clusters = attach_keys("abcdefg", found)
    assert clusters[0] == Cluster(
        (Member("b", 1.0), Member("a", 0.5), Member("c", 0.5), Member("f", 1.0))
    )
    assert clusters[0].representative == Member("b", 1.0)
    assert clusters[1].keys == ("e", "g")
    assert len(clusters[1]) == 2
