"""Greedy assignment in vectorized rounds against the sequential definition, one text at a time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.assign import assign

Edges = list[tuple[int, int, float]]


def sequential(count: int, edges: Edges, *, leaders: int = 0) -> tuple[list[int], list[float]]:
    """Texts in order: each joins the first representative it has an edge with, else leads."""
    before: dict[int, list[tuple[int, float]]] = {}
    for earlier, later, weight in edges:
        before.setdefault(later, []).append((earlier, weight))
    representative = list(range(count))
    similarity = [1.0] * count
    leads = set(range(leaders))
    for text in range(leaders, count):
        near = sorted(pair for pair in before.get(text, []) if pair[0] in leads)
        if near:
            representative[text], similarity[text] = near[0]
        else:
            leads.add(text)
    return representative, similarity


def run(
    count: int, edges: Edges, *, leaders: int = 0, sequential_below: int = 4_096
) -> tuple[list[int], list[float]]:
    pairs = np.array([(a, b) for a, b, _ in edges], dtype=np.int64).reshape(-1, 2)
    similarities = np.array([s for _, _, s in edges], dtype=np.float64)
    result = assign(count, pairs, similarities, leaders=leaders, sequential_below=sequential_below)
    return result.representative.tolist(), result.similarity.tolist()


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, int, Edges]:
    """Unique ``(earlier, later)`` edges over a few texts, none ending at a leader."""
    count = draw(st.integers(1, 30))
    leaders = draw(st.integers(0, min(count, 4)))
    if count <= max(leaders, 1):
        return count, leaders, []
    ends = st.tuples(st.integers(0, count - 1), st.integers(max(leaders, 1), count - 1))
    raw = draw(st.lists(ends, max_size=60))
    unique = sorted({(a, b) for a, b in raw if a < b})
    weights = draw(st.lists(st.sampled_from([0.4, 0.5, 0.75, 1.0]), min_size=len(unique)))
    return count, leaders, [(a, b, w) for (a, b), w in zip(unique, weights, strict=False)]


@pytest.mark.parametrize("sequential_below", [0, 4_096])
@given(graphs())
def test_assignment_equals_the_sequential_loop(
    sequential_below: int, graph: tuple[int, int, Edges]
) -> None:
    """With the threshold at 0 the rounds run to the end; at 4096 the loop finishes it."""
    count, leaders, edges = graph
    found = run(count, edges, leaders=leaders, sequential_below=sequential_below)
    assert found == sequential(count, edges, leaders=leaders)


def test_a_chain_is_not_one_cluster() -> None:
    """A~B and B~C but not A~C: B joins A, C leads on its own."""
    assert run(3, [(0, 1, 0.6), (1, 2, 0.7)]) == ([0, 0, 2], [1.0, 0.6, 1.0])


def test_a_text_joins_its_first_representative_with_that_similarity() -> None:
    edges = [(0, 3, 0.5), (1, 3, 0.9), (2, 3, 0.95)]
    assert run(4, edges) == ([0, 1, 2, 0], [1.0, 1.0, 1.0, 0.5])


def test_leaders_lead_whatever_their_edges() -> None:
    assert run(4, [(0, 2, 0.5), (1, 3, 0.6), (2, 3, 0.9)], leaders=2) == (
        [0, 1, 0, 1],
        [1.0, 1.0, 0.5, 0.6],
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_many_texts_in_rounds_equal_the_sequential_loop(seed: int) -> None:
    """Enough texts (stars, cliques, chains) to take several vectorized rounds."""
    rng = np.random.default_rng(seed)
    count = 40_000
    local = rng.integers(1, 6, size=(60_000, 1))
    later = rng.integers(10, count, size=(60_000, 1))
    chains = np.stack((np.arange(30_000, 39_999), np.arange(30_001, 40_000)), axis=1)
    pairs = np.concatenate((np.hstack((later - local, later)), chains))
    pairs = np.unique(pairs[pairs[:, 0] >= 0], axis=0)
    similarities = rng.choice([0.4, 0.6, 0.9], size=len(pairs))
    edges = [(a, b, s) for (a, b), s in zip(pairs.tolist(), similarities.tolist(), strict=True)]
    expected = sequential(count, edges)
    assert len(set(expected[0])) < count * 0.8
    assert run(count, edges) == expected
