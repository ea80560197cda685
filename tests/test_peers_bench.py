"""The comparison's adapters: every system finds the same clusters on a small corpus.

A peer's test is skipped only when its package is missing (peers come with the ``bench``
extra, which the test extra does not install); ``dedupe`` and datasketch always run.
"""

from __future__ import annotations

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
