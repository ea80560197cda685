"""CSR shingle set stores against Python sets, and the corpus verifier's blocks."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.chain import find_clusters
from dedupe.fingerprint import fingerprint
from dedupe.grouping import group_identical
from dedupe.settings import Settings
from dedupe.shingle import shingle_many, unique_per_text
from dedupe.shinglesets import CorpusVerifier, ShingleSets
from tests import reference
from tests.test_ondisk import corpus

Sets = dict[int, frozenset[int]]


def csr(sets: list[frozenset[int]]) -> tuple[np.ndarray, np.ndarray]:
    values = np.array([value for items in sets for value in sorted(items)], dtype=np.uint64)
    return values, np.array([len(items) for items in sets], dtype=np.int64)


def contents(store: ShingleSets) -> Sets:
    """The store as ``id -> set``, read through its CSR arrays."""
    ids, offsets, values = store.ids.tolist(), store.offsets.tolist(), store.values.tolist()
    assert len(offsets) == len(ids) + 1
    assert store.counts.tolist() == [high - low for low, high in pairwise(offsets)]
    return {
        text: frozenset(values[offsets[index] : offsets[index + 1]])
        for index, text in enumerate(ids)
    }


SETS = st.frozensets(st.integers(0, 2**64 - 1) | st.integers(0, 20), max_size=8)


@st.composite
def batches(draw: st.DrawFn) -> list[Sets]:
    """Batches of sets under ascending, sparse ids."""
    gaps = st.integers(1, 4)
    result: list[Sets] = []
    text = -1
    for _ in range(draw(st.integers(0, 6))):
        batch: Sets = {}
        for _ in range(draw(st.integers(0, 40))):
            text += draw(gaps)
            batch[text] = draw(SETS)
        result.append(batch)
    return result


def store_of(batch: Sets) -> ShingleSets:
    values, counts = csr(list(batch.values()))
    return ShingleSets(np.array(list(batch), dtype=np.int64), values, counts)


@given(batches(), st.data())
def test_appended_batches_hold_every_set_and_answer_holds_and_jaccard(
    parts: list[Sets], data: st.DataObject
) -> None:
    """Forty sets a batch at most: the arrays grow past their first capacity."""
    store = ShingleSets()
    expected: Sets = {}
    for batch in parts:
        values, counts = csr(list(batch.values()))
        store.append(np.array(list(batch), dtype=np.int64), values, counts)
        expected.update(batch)
        assert contents(store) == expected
    assert len(store) == len(expected)
    probes = data.draw(st.lists(st.integers(-1, max(expected, default=0) + 2), max_size=10))
    held = store.holds(np.array(probes, dtype=np.int64))
    assert held.tolist() == [probe in expected for probe in probes]
    if expected:
        ids = st.sampled_from(sorted(expected))
        pairs = data.draw(st.lists(st.tuples(ids, ids), max_size=10))
        found = store.jaccard(np.array(pairs, dtype=np.int64).reshape(-1, 2))
        assert found.tolist() == [reference.jaccard(expected[a], expected[b]) for a, b in pairs]


@given(batches(), st.data())
def test_subsets_and_joins_hold_the_same_sets(parts: list[Sets], data: st.DataObject) -> None:
    everything: Sets = {text: items for batch in parts for text, items in batch.items()}
    store = store_of(everything)
    chosen = sorted(data.draw(st.sets(st.sampled_from(sorted(everything)))) if everything else [])
    subset = store.subset(np.array(chosen, dtype=np.int64))
    assert contents(subset) == {text: everything[text] for text in chosen}
    split = data.draw(st.sets(st.sampled_from(sorted(everything)))) if everything else set()
    left = {text: items for text, items in everything.items() if text in split}
    right = {text: items for text, items in everything.items() if text not in split}
    joined = store_of(left).joined(store_of(right))
    assert joined.ids.tolist() == sorted(everything)
    assert contents(joined) == everything


def test_appended_ids_must_be_above_the_held_ones() -> None:
    store = ShingleSets(np.array([3]), np.array([7], np.uint64), np.array([1]))
    with pytest.raises(ValueError, match="appended ids must be above the ids held"):
        store.append(np.array([3]), np.array([1], np.uint64), np.array([1]))
    with pytest.raises(ValueError, match="got 2 ids for 1 sets"):
        store.append(np.array([4, 5]), np.array([1], np.uint64), np.array([1]))
    assert contents(store) == {3: frozenset({7})}


def test_sets_of_texts_are_their_distinct_shingles() -> None:
    texts = ["a b c d", "", "x y z x y z", "a b c d e", "one"]
    positions = np.array([4, 0, 2, 1], dtype=np.int64)
    ids = np.array([1, 5, 6, 9], dtype=np.int64)
    store = ShingleSets.of_texts(texts, ids, positions=positions, ngram=2, workers=2)
    expected = {
        int(text): frozenset(reference.shingle_hashes(texts[position], ngram=2))
        for text, position in zip(ids, positions, strict=True)
    }
    assert contents(store) == expected


@pytest.mark.parametrize("block_texts", [1, 2, 7, 1000])
def test_verification_in_blocks_equals_one_pass(block_texts: int) -> None:
    texts = corpus()
    settings = Settings(threshold=0.5)
    fingerprints = fingerprint(texts, settings)
    groups = group_identical(fingerprints.content, fingerprints.token_counts, keep="first")
    rng = np.random.default_rng(5)
    pairs = rng.integers(0, len(groups), size=(300, 2))
    pairs = np.concatenate((pairs, [[0, 0], [3, 1]]))
    clusters = find_clusters(texts, settings)
    positions = clusters.members[clusters.offsets[0] : clusters.offsets[1]]
    near = groups.group_of[positions]
    pairs = np.concatenate((pairs, np.stack((near[:-1], near[1:]), axis=1)))
    sets, counts = unique_per_text(*shingle_many(texts, ngram=settings.ngram))
    whole = ShingleSets(np.arange(len(texts)), sets, counts)
    expected = whole.jaccard(groups.first[pairs])
    verifier = CorpusVerifier(texts, groups.first, settings.ngram, block_texts=block_texts)
    np.testing.assert_array_equal(verifier.jaccard(pairs), expected)
    assert expected.max() > 0.5


def shingled_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of texts of each ``ShingleSets.of_texts`` call from now on."""
    built: list[int] = []
    original = ShingleSets.of_texts.__func__  # type: ignore[attr-defined]

    def counting(cls: type[ShingleSets], *args: Any, **kwargs: Any) -> ShingleSets:
        store: ShingleSets = original(cls, *args, **kwargs)
        built.append(len(store))
        return store

    monkeypatch.setattr(ShingleSets, "of_texts", classmethod(counting))
    return built


def test_the_verifier_answers_later_pairs_from_the_block_it_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = corpus()
    settings = Settings(threshold=0.5)
    fingerprints = fingerprint(texts, settings)
    groups = group_identical(fingerprints.content, fingerprints.token_counts, keep="first")
    everything = ShingleSets.of_texts(
        texts, np.arange(len(groups)), positions=groups.first, ngram=settings.ngram
    )
    built = shingled_sizes(monkeypatch)
    verifier = CorpusVerifier(texts, groups.first, settings.ngram)
    first = np.array([[0, 1], [2, 3], [4, 5], [1, 5]])
    later = np.array([[5, 0], [3, 4]])  # only texts the first call shingled
    np.testing.assert_array_equal(verifier.jaccard(first), everything.jaccard(first))
    np.testing.assert_array_equal(verifier.jaccard(later), everything.jaccard(later))
    assert built == [6]
    other = np.array([[2, 7]])  # text 7 is new: shingled afresh
    np.testing.assert_array_equal(verifier.jaccard(other), everything.jaccard(other))
    assert built == [6, 2]


def test_a_later_call_with_a_text_the_last_block_lacks_is_verified_exactly() -> None:
    texts = ["a b c d", "a b c d x", "z y w v", "q r s t"]
    verifier = CorpusVerifier(texts, np.arange(4, dtype=np.int64), 2)
    assert verifier.jaccard(np.array([[0, 2], [0, 3]])).tolist() == [0.0, 0.0]
    assert verifier.jaccard(np.array([[0, 1]])).tolist() == [0.75]


def test_pairs_across_blocks_shingle_only_the_partners_outside(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three blocks of three texts, pairs within and across them: every block once, and
    for each block only its partners in later blocks (shingling whole blocks per pair of
    blocks would shingle 18 texts)."""
    texts = [f"text number {number} of nine" for number in range(9)]
    built = shingled_sizes(monkeypatch)
    verifier = CorpusVerifier(texts, np.arange(9, dtype=np.int64), 2, block_texts=3)
    pairs = np.array([[0, 6], [3, 7], [6, 7], [0, 1], [2, 4], [5, 8]])
    everything = ShingleSets(np.arange(9), *unique_per_text(*shingle_many(texts, ngram=2))).jaccard(
        pairs
    )
    np.testing.assert_array_equal(verifier.jaccard(pairs), everything)
    assert built == [3, 2, 3, 2, 3]  # block 0, texts 4 and 6, block 1, texts 7 and 8, block 2
