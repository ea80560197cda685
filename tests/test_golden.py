"""Golden tests on the seed corpus with default settings."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest

import dedupe
from dedupe.cli import report
from dedupe.settings import Settings

REPEATING = "002_6267b752b525a913.txt"
GOLDEN_JSON = Path(__file__).parent / "golden" / "seeds.json"


def identical_line_groups(path: Path) -> list[tuple[int, ...]]:
    """Line numbers of the non-blank lines that occur more than once, read independently."""
    numbers: dict[str, list[int]] = defaultdict(list)
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line.strip():
            numbers[line].append(number)
    return sorted(tuple(group) for group in numbers.values() if len(group) > 1)


@pytest.fixture
def seed_clusters(
    seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> list[dedupe.Cluster[dedupe.Span]]:
    monkeypatch.chdir(seeds_dir.parent)
    return dedupe.find_duplicates_in_files(["seeds"])


def test_seed_clusters_are_the_repeated_articles_and_one_near_copy(
    seed_clusters: list[dedupe.Cluster[dedupe.Span]], seeds_dir: Path
) -> None:
    identical = identical_line_groups(seeds_dir / REPEATING)
    assert len(identical) == 58
    near_copy_group = next(group for group in identical if 81 in group)
    assert near_copy_group == (81, 110)
    expected = {group for group in identical if group != near_copy_group} | {(15, 81, 110)}

    found = {tuple(member.key.start_line for member in cluster) for cluster in seed_clusters}
    assert len(seed_clusters) == 58
    assert found == expected
    for cluster in seed_clusters:
        assert {member.key.path for member in cluster} == {f"seeds/{REPEATING}"}
        assert all(member.key.start_line == member.key.end_line for member in cluster)


def test_near_copy_similarity_is_exact_and_identical_lines_score_one(
    seed_clusters: list[dedupe.Cluster[dedupe.Span]],
) -> None:
    triple = next(cluster for cluster in seed_clusters if len(cluster) == 3)
    assert triple.representative.key.start_line == 15
    assert triple.representative.similarity == 1.0
    near = [member.similarity for member in triple.members[1:]]
    assert near[0] == near[1]
    assert 0.8 <= near[0] < 1.0
    for cluster in seed_clusters:
        if cluster is not triple:
            assert [member.similarity for member in cluster] == [1.0, 1.0]


def test_seed_json_matches_golden_file(
    seed_clusters: list[dedupe.Cluster[dedupe.Span]],
) -> None:
    produced = report.json_report(seed_clusters, settings=Settings().as_dict())
    if os.environ.get("DEDUPE_UPDATE_GOLDEN"):
        GOLDEN_JSON.write_text(produced, encoding="utf-8")
    assert produced == GOLDEN_JSON.read_text(encoding="utf-8")
