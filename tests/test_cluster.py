"""Connected components against a plain union-find."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedupe.cluster import connected_components


def union_find_labels(count: int, edges: list[tuple[int, int]]) -> list[int]:
    parent = list(range(count))

    def root(node: int) -> int:
        while parent[node] != node:
            node = parent[node]
        return node

    for left, right in edges:
        a, b = root(left), root(right)
        parent[max(a, b)] = min(a, b)
    components: dict[int, int] = {}
    for node in range(count):
        components.setdefault(root(node), node)  # smallest node reaches its root first
    return [components[root(node)] for node in range(count)]


@given(
    data=st.integers(1, 60).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=120),
        )
    )
)
def test_components_equal_union_find(data: tuple[int, list[tuple[int, int]]]) -> None:
    count, edges = data
    array = np.array(edges, dtype=np.int64).reshape(-1, 2)
    assert connected_components(count, array).tolist() == union_find_labels(count, edges)


def test_long_chain_collapses_to_its_smallest_node() -> None:
    order = np.random.default_rng(0).permutation(500)
    edges = np.stack((order[:-1], order[1:]), axis=1)
    assert set(connected_components(500, edges).tolist()) == {0}
