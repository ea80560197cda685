"""Connected components: the distributed large-star/small-star loop against a union-find."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest
from distributed import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe.components import components_in_memory, distributed_components, large_star, small_star
from dedupe.exchange import Tasks
from dedupe.hashing import I64
from tests.dask_cluster import local_client

Graph = tuple[I64, I64]  # (edges, node ids)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with local_client() as started:
        yield started


def union_find_labels(edges: I64) -> dict[int, int]:
    """Reference: each node of ``edges`` labelled with the smallest node of its component.

    Self-loops are ignored, as ``dedupe.components`` documents.
    """
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in edges.tolist():
        if left == right:
            continue
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {node: root(node) for node in parent}


def run_distributed(client: Client, edges: I64, *, parts: int) -> dict[int, int]:
    tasks = Tasks(client)
    edge_parts = tasks.scatter(np.array_split(edges, parts))
    labelled = tasks.gather(distributed_components(tasks, edge_parts, parts=parts))
    result: dict[int, int] = {}
    for nodes, labels in labelled:
        for node, label in zip(nodes.tolist(), labels.tolist(), strict=True):
            assert node not in result, "a node is owned by one part only"
            result[node] = label
    return result


@st.composite
def graphs(draw: st.DrawFn) -> I64:
    """Random edge lists over a few sparse, large node ids (so ids are not positions)."""
    node_count = draw(st.integers(min_value=2, max_value=40))
    ids = draw(
        st.lists(
            st.integers(min_value=0, max_value=2**40),
            min_size=node_count,
            max_size=node_count,
            unique=True,
        )
    )
    pairs = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=node_count - 1),
                st.integers(min_value=0, max_value=node_count - 1),
            ),
            min_size=1,
            max_size=60,
        )
    )
    lookup = np.array(ids, dtype=np.int64)
    return lookup[np.array(pairs, dtype=np.int64)]


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_in_memory_components_equal_union_find(edges: I64) -> None:
    nodes, labels = components_in_memory(edges)
    assert dict(zip(nodes.tolist(), labels.tolist(), strict=True)) == union_find_labels(edges)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(graphs(), st.integers(min_value=1, max_value=4))
def test_distributed_components_equal_union_find(client: Client, edges: I64, parts: int) -> None:
    assert run_distributed(client, edges, parts=parts) == union_find_labels(edges)


def test_long_path_needs_many_rounds_and_converges(client: Client) -> None:
    order = np.random.default_rng(7).permutation(300).astype(np.int64) * 1_000 + 5
    edges = np.stack((order[:-1], order[1:]), axis=1)
    labels = run_distributed(client, edges, parts=3)
    assert set(labels.values()) == {5}
    assert len(labels) == 300


def test_star_steps_keep_components_and_never_loop() -> None:
    edges = np.array([[3, 1], [1, 3], [3, 2], [2, 3], [4, 2], [2, 4]], dtype=np.int64)
    large, small = large_star(edges), small_star(edges)
    assert not np.any(large[:, 0] == large[:, 1])
    assert not np.any(small[:, 0] == small[:, 1])
    assert set(union_find_labels(np.concatenate((large, small))).values()) == {1}


def test_concurrent_runs_on_one_client_do_not_share_results(client: Client) -> None:
    """Regression: results held from an earlier or parallel run must never answer this one.

    The scheduler answers a task whose key it still holds with the held result, even when
    the task differs (dask/distributed#1860, dask/dask#9888): a loop that reused keys
    between runs or rounds (or persisted collections with colliding names) read stale
    labels. Two graphs of the same shape, run at the same time on one client with every
    intermediate result alive, must each get their own labels; the scheduler must not
    have seen a key submitted twice with different tasks.
    """
    rng = np.random.default_rng(11)
    first = rng.permutation(200).astype(np.int64)
    second = rng.permutation(200).astype(np.int64)
    graphs = {
        "chain": np.stack((first[:-1], first[1:]), axis=1),
        "pairs": np.stack((second[0::2], second[1::2]), axis=1),
    }
    results: dict[str, dict[int, int]] = {}

    def run(name: str) -> None:
        results[name] = run_distributed(client, graphs[name], parts=3)

    threads = [threading.Thread(target=run, args=(name,)) for name in graphs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, edges in graphs.items():
        assert results[name] == union_find_labels(edges), name
    again = run_distributed(client, graphs["pairs"], parts=3)
    assert again == union_find_labels(graphs["pairs"])
    logs = client.get_scheduler_logs()  # type: ignore[no-untyped-call]
    assert not [message for _, message in logs if "run_spec" in message]
