"""The out-of-core pipeline gives find_clusters' results; its pieces equal the in-memory ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dedupe import lsh, pipeline
from dedupe.ondisk import TextFile, find_clusters_on_disk
from dedupe.pipeline import (
    BlockVerifier,
    ShingleSets,
    candidate_pairs_by_band,
    find_clusters,
    fingerprint,
    group_identical,
    verified_jaccard,
)
from dedupe.settings import Settings
from tests.test_deduplicate import paragraph


def corpus() -> list[str]:
    """Distinct paragraphs, exact copies up to case, near copies, and empty texts."""
    texts = []
    for number in range(900):
        base = paragraph(number % 600)
        if number % 11 == 0:
            words = base.split()
            words[number % 40] = "edited"
            base = " ".join(words)
        texts.append(base.upper() if number % 3 == 0 else base)
        if number % 50 == 0:
            texts.append("")
    return texts


@pytest.mark.parametrize("batch_size", [1, 97, 10_000])
def test_equals_find_clusters_and_cleans_up(tmp_path: Path, batch_size: int) -> None:
    texts = corpus()
    settings = Settings()
    expected = find_clusters(texts, settings)
    found = find_clusters_on_disk(iter(texts), settings, batch_size=batch_size, workdir=tmp_path)
    assert len(expected.offsets) > 250
    np.testing.assert_array_equal(found.members, expected.members)
    np.testing.assert_array_equal(found.offsets, expected.offsets)
    np.testing.assert_array_equal(found.similarities, expected.similarities)
    assert list(tmp_path.iterdir()) == []


def test_no_texts_give_no_clusters(tmp_path: Path) -> None:
    found = find_clusters_on_disk(iter([]), Settings(), workdir=tmp_path)
    assert len(found.members) == 0
    assert found.offsets.tolist() in ([], [0])


def test_a_text_that_is_not_str_is_named(tmp_path: Path) -> None:
    texts: list[object] = ["a", "b", b"c"]
    with pytest.raises(TypeError, match=r"texts\[2\] must be str, got bytes"):
        find_clusters_on_disk(texts, Settings(), batch_size=2, workdir=tmp_path)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@given(
    hnp.arrays(
        np.uint64, st.tuples(st.integers(0, 40), st.integers(1, 4)), elements=st.integers(0, 3)
    )
)
def test_candidates_one_band_at_a_time_equal_all_bands(keys: np.ndarray) -> None:
    representatives = np.arange(len(keys), dtype=np.int64)[::2]
    columns = (keys[:, band] for band in range(keys.shape[1]))
    expected = lsh.candidate_pairs(keys[representatives])
    np.testing.assert_array_equal(candidate_pairs_by_band(columns, representatives), expected)


@pytest.mark.parametrize("chunk_texts", [1, 2, 7, 1000])
def test_verification_in_chunks_equals_one_pass(chunk_texts: int) -> None:
    texts = corpus()
    settings = Settings(threshold=0.5)
    fingerprints = fingerprint(texts, settings)
    groups = group_identical(fingerprints)
    candidates = lsh.candidate_pairs(fingerprints.band_keys[groups.representatives])
    rng = np.random.default_rng(5)
    unrelated = rng.integers(0, len(groups.representatives), size=(300, 2))
    pairs = np.concatenate((candidates, unrelated))
    whole = ShingleSets(texts, groups, pairs.ravel(), ngram=settings.ngram).jaccard(pairs)
    chunked = verified_jaccard(texts, groups, pairs, ngram=settings.ngram, chunk_texts=chunk_texts)
    np.testing.assert_array_equal(chunked, whole)
    assert whole.max() > 0.5


def test_text_file_gives_back_every_text(tmp_path: Path) -> None:
    texts = ["plain", "", "\u00e9t\u00e9 \u2014 caf\u00e9", "lone \ud800 surrogate", "\n\n"]
    text_file = TextFile(tmp_path / "texts")
    text_file.append(texts[:2])
    text_file.append(texts[2:])
    text_file.seal()
    assert list(text_file) == texts
    assert text_file[1:4] == texts[1:4]
    assert text_file[-1] == texts[-1]
    text_file.close()


def test_block_verifier_answers_later_pairs_from_the_sets_it_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = corpus()
    settings = Settings(threshold=0.5)
    groups = group_identical(fingerprint(texts, settings))
    built: list[int] = []
    original = pipeline.ShingleSets.__init__

    def counting(self: pipeline.ShingleSets, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        built.append(len(self.ids))

    monkeypatch.setattr(pipeline.ShingleSets, "__init__", counting)
    everything = ShingleSets(texts, groups, np.arange(len(groups.representatives)), ngram=5)
    built.clear()
    verifier = BlockVerifier(texts, groups, ngram=settings.ngram)
    first = np.array([[0, 1], [2, 3], [4, 5], [1, 5]])
    later = np.array([[5, 0], [3, 4]])  # only texts the first call shingled
    np.testing.assert_array_equal(verifier.jaccard(first), everything.jaccard(first))
    np.testing.assert_array_equal(verifier.jaccard(later), everything.jaccard(later))
    assert built == [6]
    other = np.array([[0, 7]])  # text 7 is new: shingled afresh
    np.testing.assert_array_equal(verifier.jaccard(other), everything.jaccard(other))
    assert built == [6, 2]
