"""The comparison's adapters: every system finds the same clusters on a small corpus.

The peers come with the ``peers`` extra, which the test extra includes, so every adapter
runs in CI; a peer's test is skipped only where its package cannot be installed
(fastsketchlsh needs Python 3.11).
"""

from __future__ import annotations

import pickle
import statistics
from pathlib import Path

import numpy as np
import pytest
from benchmarks import compare, peers, workload
from benchmarks.peers import SYSTEMS

WORDS = 60


def corpus() -> tuple[list[str], list[list[int]]]:
    """Twelve unrelated paragraphs and three near-copies, with the expected clusters."""
    rng = np.random.default_rng(5)
    vocabulary = [f"{word}{number}" for number in range(400) for word in ("lorem", "ipsum")]
    texts = [" ".join(rng.choice(vocabulary, size=WORDS, replace=False)) for _ in range(12)]
    edited = texts[1].split()
    edited[-1] = "changed"
    texts += [texts[0].upper(), " ".join(edited), texts[4] + " and one more"]
    return texts, [[0, 12], [1, 13], [4, 14]]


def clusters(count: int, pairs: np.ndarray) -> list[list[int]]:
    labels = peers._union_find(count, pairs)
    groups: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        groups.setdefault(label, []).append(position)
    return sorted(group for group in groups.values() if len(group) > 1)


@pytest.mark.parametrize("name", list(SYSTEMS))
def test_every_system_finds_the_planted_clusters(name: str) -> None:
    system = SYSTEMS[name]
    pytest.importorskip(system.module)
    texts, expected = corpus()
    stages, found = system.run(texts)
    assert found.dtype == np.int64
    assert found.shape[1:] == (2,)
    assert ((found >= 0) & (found < len(texts))).all()
    assert (found[:, 0] != found[:, 1]).all()
    assert set(stages) <= set(compare.STAGES)
    assert all(seconds >= 0 for seconds in stages.values())
    assert clusters(len(texts), found) == expected
    truth = np.array(expected, dtype=np.int64)
    assert peers.recall(len(texts), found, truth) == 1.0


@pytest.mark.parametrize("name", ["dedupe", "dedupe-defaults"])
def test_dedupe_stage_by_stage_equals_its_public_call(name: str) -> None:
    system = SYSTEMS[name]
    assert system.end_to_end is not None
    texts, _ = corpus()
    _, staged = system.run(texts)
    public = system.end_to_end(texts)
    assert isinstance(public, np.ndarray)
    assert clusters(len(texts), staged) == clusters(len(texts), public)


def test_a_missing_peer_gets_a_not_installed_row(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = peers.System(peers.run_dedupe, "no_such_module_for_dedupe", "no-such-peer")
    monkeypatch.setitem(SYSTEMS, "absent", missing)
    row = compare._spawn("absent", workload.CACHE_DIR / "unused.pickle", 1)
    assert row == {"system": "absent", "missing": "no-such-peer"}
    compare._print_table([row])
    assert "| absent | not installed (pip install no-such-peer, or the bench extra) |" in (
        capsys.readouterr().out
    )


def test_rotated_copies_keep_every_similarity() -> None:
    texts, _ = corpus()
    texts.append("Zebras quietly say: Yes, 42 times - or ABC's x-ray!")
    for places in (1, 9, 25):
        rotated = [workload.rotate_letters(text, places) for text in texts]
        assert workload.rotate_letters(rotated[-1], 26 - places) == texts[-1]
        assert not set(rotated[0].lower().split()) & set(texts[0].lower().split())
        for first, second in [(0, 12), (1, 13), (4, 14), (0, 1), (2, 15)]:
            before = workload.jaccard(
                workload.word_ngrams(texts[first]), workload.word_ngrams(texts[second])
            )
            after = workload.jaccard(
                workload.word_ngrams(rotated[first]), workload.word_ngrams(rotated[second])
            )
            assert before == after
    assert workload.rotate_letters("Zz Aa!", 1) == "Aa Bb!"


def test_large_workloads_are_multiples_of_the_base() -> None:
    with pytest.raises(ValueError, match="multiple of 100,000"):
        workload.workload_file(150_000)


def test_larger_workloads_repeat_the_base_with_rotated_letters(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    texts, expected = corpus()
    base = workload.Workload(
        texts=texts, truth=np.array(expected, dtype=np.int64), injected=3, pool_size=7
    )
    monkeypatch.setattr(workload, "BASE", len(texts))
    monkeypatch.setattr(workload, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(workload, "_build_base", lambda count, *, seed: base)
    built = workload.build_workload(3 * len(texts))
    assert built.texts[: len(texts)] == texts
    assert built.texts[2 * len(texts) :] == [workload.rotate_letters(text, 2) for text in texts]
    shifted = [np.array(expected) + k * len(texts) for k in range(3)]
    assert built.truth.tolist() == np.concatenate(shifted).tolist()
    assert (built.injected, built.pool_size) == (9, 7)


def test_a_worker_row_has_cpu_seconds_and_the_ratio_to_both_dedupe_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts, expected = corpus()
    path = tmp_path / "small.pickle"
    truth = np.array(expected, dtype=np.int64)
    path.write_bytes(pickle.dumps(workload.Workload(texts, truth, 3, 0)))
    rows = [compare._measure(name, path, 2) for name in ("dedupe", "dedupe-defaults")]
    for row in rows:
        assert row["recall"] == 1.0
        assert len(row["cpu_runs"]) == len(row["runs"]) == 2
        assert row["cpu"] == statistics.median(row["cpu_runs"]) > 0
    compare._print_table(rows)
    printed = capsys.readouterr().out.splitlines()
    ratio = rows[0]["cpu"] / rows[1]["cpu"]
    assert printed[2].split(" | ")[8:10] == ["1.00x", f"{ratio:.2f}x"]
    assert printed[3].split(" | ")[8:10] == [f"{1 / ratio:.2f}x", "1.00x"]
