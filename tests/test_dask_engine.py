"""The Dask engine on a real LocalCluster gives exactly the local engine's clusters."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas
import pytest
from distributed import Client

import dedupe
from dedupe.cluster import Cluster, Member
from dedupe.dask.inputs import TextFiles
from tests.dask_cluster import local_client

CORPUS_SIZE = 20_000
_VOCABULARY = tuple(f"w{number}" for number in range(4_000))


def make_corpus(size: int, *, seed: int) -> list[str]:
    """Random paragraphs with injected near-duplicates, exact duplicates and empty texts.

    Near-duplicates replace a few words of an earlier paragraph; exact duplicates repeat
    one with a different case and spacing (identical after normalization).
    """
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    for _ in range(size):
        draw = rng.random()
        if texts and draw < 0.15:
            words = texts[int(rng.integers(len(texts)))].split() or ["alone"]
            for _ in range(max(1, len(words) // 12)):
                words[int(rng.integers(len(words)))] = _VOCABULARY[int(rng.integers(4_000))]
            texts.append(" ".join(words))
        elif texts and draw < 0.22:
            texts.append("  ".join(texts[int(rng.integers(len(texts)))].upper().split()))
        elif draw < 0.225:
            texts.append("" if draw < 0.2225 else "!?")
        else:
            count = int(rng.integers(3, 60))
            texts.append(" ".join(_VOCABULARY[i] for i in rng.integers(0, 4_000, count)))
    return texts


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Client]:
    with local_client() as started:
        yield started


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return make_corpus(CORPUS_SIZE, seed=2024)


@pytest.fixture(scope="module")
def local_clusters(corpus: list[str]) -> list[Cluster[int]]:
    return dedupe.find_duplicates(corpus)


def test_corpus_has_near_and_exact_duplicates(local_clusters: list[Cluster[int]]) -> None:
    similarities = [member.similarity for cluster in local_clusters for member in cluster]
    assert len(local_clusters) > 500
    assert any(value < 1.0 for value in similarities)
    assert any(value == 1.0 for cluster in local_clusters for value in _rest(cluster))


@pytest.mark.parametrize("partitions", [1, 2, 7])
def test_same_clusters_as_local_engine(
    dask_client: Client,
    corpus: list[str],
    local_clusters: list[Cluster[int]],
    partitions: int,
) -> None:
    found = dedupe.find_duplicates(corpus, engine="dask", client=dask_client, partitions=partitions)
    assert found == local_clusters


def test_keys_of_a_shuffled_mapping_follow_their_texts(
    dask_client: Client, corpus: list[str]
) -> None:
    """Input order is priority order, so clusters depend on it; keys only name the texts."""
    sample = corpus[:3_000]
    order = np.random.default_rng(5).permutation(len(sample)).tolist()
    shuffled = {position: sample[position] for position in order}
    found = dedupe.find_duplicates(shuffled, engine="dask", client=dask_client, partitions=4)
    assert found == dedupe.find_duplicates(shuffled)
    by_position = dedupe.find_duplicates(list(shuffled.values()))
    assert len(by_position) > 50
    assert found == [
        Cluster(tuple(Member(order[member.key], member.similarity) for member in cluster))
        for cluster in by_position
    ]


def test_settings_reach_the_workers(dask_client: Client, corpus: list[str]) -> None:
    sample = corpus[:4_000]
    options: dict[str, Any] = {"threshold": 0.6, "num_perm": 64, "ngram": 3, "seed": 9}
    found = dedupe.find_duplicates(sample, engine="dask", client=dask_client, **options)
    assert found == dedupe.find_duplicates(sample, **options)
    assert found != dedupe.find_duplicates(sample)


def test_empty_and_tiny_inputs(dask_client: Client) -> None:
    assert dedupe.find_duplicates([], engine="dask", client=dask_client) == []
    texts = ["same words here", "", "SAME words, here!"]
    found = dedupe.find_duplicates(texts, engine="dask", client=dask_client, partitions=7)
    assert found == dedupe.find_duplicates(texts)
    assert [cluster.keys for cluster in found] == [(0, 2)]


def expected_frame(clusters: list[Cluster[int]]) -> pandas.DataFrame:
    rows = [
        (
            member.key,
            cluster.representative.key,
            member.similarity,
            member.key == cluster.representative.key,
        )
        for cluster in clusters
        for member in cluster
    ]
    frame = pandas.DataFrame(rows, columns=["id", "cluster", "similarity", "keep"])
    return frame.sort_values("id", ignore_index=True)


def test_parquet_files_give_member_table(
    dask_client: Client, corpus: list[str], tmp_path: Path
) -> None:
    sample = corpus[:6_000]
    for number, (low, high) in enumerate([(0, 2_500), (2_500, 4_000), (4_000, 6_000)]):
        frame = pandas.DataFrame({"body": sample[low:high], "other": range(low, high)})
        frame.to_parquet(tmp_path / f"part-{number}.parquet")
    output = tmp_path / "members.parquet"
    files = [str(tmp_path / f"part-{number}.parquet") for number in (2, 0, 1)]
    found = dedupe.find_duplicates(
        TextFiles(files, column="body"), engine="dask", client=dask_client, output=output
    )
    expected = expected_frame(dedupe.find_duplicates(sample))
    pandas.testing.assert_frame_equal(found, expected)
    pandas.testing.assert_frame_equal(pandas.read_parquet(output), expected)


def test_jsonl_files_repartitioned(dask_client: Client, corpus: list[str], tmp_path: Path) -> None:
    sample = corpus[:3_000]
    for number, (low, high) in enumerate([(0, 1_000), (1_000, 3_000)]):
        lines = [json.dumps({"text": text}) for text in sample[low:high]]
        (tmp_path / f"{number}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = dedupe.find_duplicates(
        TextFiles(str(tmp_path / "*.jsonl")), engine="dask", client=dask_client, partitions=5
    )
    pandas.testing.assert_frame_equal(found, expected_frame(dedupe.find_duplicates(sample)))


def test_missing_column_names_the_fix(dask_client: Client, tmp_path: Path) -> None:
    path = tmp_path / "texts.parquet"
    pandas.DataFrame({"body": ["a b c"]}).to_parquet(path)
    with pytest.raises(ValueError, match=r"column 'text' is not in .*column=NAME"):
        dedupe.find_duplicates(TextFiles(path), engine="dask", client=dask_client)


def test_missing_text_names_the_row(dask_client: Client, tmp_path: Path) -> None:
    path = tmp_path / "texts.parquet"
    pandas.DataFrame({"text": ["a b c", None, "d e f"]}).to_parquet(path)
    with pytest.raises(ValueError, match=r"row id 1 holds .*drop or fill missing rows"):
        dedupe.find_duplicates(TextFiles(path), engine="dask", client=dask_client)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"engine": "spark"}, r"engine must be one of 'local', 'dask', got 'spark'"),
        ({"partitions": 0, "engine": "dask"}, r"partitions must be an integer >= 1 .* got 0"),
        ({"partitions": 2}, r"partitions is only used by engine='dask'"),
        ({"output": "x.parquet", "engine": "dask"}, r"output is only written for TextFiles"),
    ],
)
def test_invalid_engine_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dedupe.find_duplicates(["a b c"], **options)


def test_text_files_need_the_dask_engine_and_a_known_format() -> None:
    with pytest.raises(ValueError, match=r"engine='dask'"):
        dedupe.find_duplicates(TextFiles("texts.parquet"))  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=r"cannot tell the format of 'texts\.csv'.*format="):
        _ = TextFiles("texts.csv").resolved_format


def test_import_dedupe_does_not_import_dask() -> None:
    code = (
        "import sys, dedupe; dedupe.find_duplicates(['a b']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('dask', 'distributed', 'pandas', 'pyarrow')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _rest(cluster: Cluster[int]) -> list[float]:
    return [member.similarity for member in cluster.members[1:]]
