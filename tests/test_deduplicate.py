"""deduplicate: the greedy choice in input order, batch by batch, against references."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TypedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe
from dedupe.settings import Settings
from tests import reference


class HighRecall(TypedDict):
    """The options of ``HIGH_RECALL``: exactly these keys, so they unpack beside others."""

    num_perm: int
    bands: int
    rows: int
    ngram: int


# One row per band: every pair with Jaccard >= 0.5 is an LSH candidate except with
# probability below 0.5**32, so results can be compared with exact all-pairs references.
HIGH_RECALL: HighRecall = {"num_perm": 32, "bands": 32, "rows": 1, "ngram": 2}

WORDS = [f"w{number}" for number in range(20)]


@st.composite
def corpora(draw: st.DrawFn) -> list[str]:
    """Texts that are variants (one word replaced, case changed) of a few base texts."""
    bases = draw(st.lists(st.lists(st.sampled_from(WORDS), max_size=12), min_size=1, max_size=4))
    texts = []
    for _ in range(draw(st.integers(1, 25))):
        words = list(draw(st.sampled_from(bases)))
        replace = draw(st.booleans())
        if words and replace:
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(WORDS))
        text = " ".join(words)
        texts.append(text.upper() if draw(st.booleans()) else text)
    return texts


@given(corpora(), st.sampled_from([0.5, 0.7, 0.8, 1.0]), st.integers(1, 9))
def test_equals_the_greedy_reference(texts: list[str], threshold: float, batch_size: int) -> None:
    result = list(
        dedupe.deduplicate(texts, threshold=threshold, batch_size=batch_size, **HIGH_RECALL)
    )
    clusters = reference.clusters(texts, Settings(threshold=threshold, **HIGH_RECALL))
    dropped = {position for cluster in clusters for position, _ in cluster[1:]}
    assert result == [text for position, text in enumerate(texts) if position not in dropped]


@given(corpora(), st.integers(1, 9))
def test_batch_size_does_not_change_the_result(texts: list[str], batch_size: int) -> None:
    whole = list(dedupe.deduplicate(texts, batch_size=len(texts)))
    assert list(dedupe.deduplicate(texts, batch_size=batch_size)) == whole


def paragraph(number: int) -> str:
    """A 40-word paragraph sharing no 5-word shingle with another number's paragraph."""
    return " ".join(f"p{number}x{position}" for position in range(40))


def test_equals_first_members_of_find_duplicates_when_clusters_are_cliques() -> None:
    texts = []
    for number in range(600):
        texts.append(paragraph(number % 400))  # numbers 0..199 come back once, identical
        if number % 7 == 0:
            words = paragraph(number % 400).split()
            words[-1] = "changed"  # near-duplicate of every copy of its base (35/37)
            texts.append(" ".join(words).upper())
    clusters = dedupe.find_duplicates(texts, threshold=0.8, ngram=5)
    for cluster in clusters:
        assert all(member.similarity >= 0.8 for member in cluster)
    dropped = {key for cluster in clusters for key in cluster.keys[1:]}
    assert len(dropped) > 200
    expected = [text for position, text in enumerate(texts) if position not in dropped]
    assert list(dedupe.deduplicate(texts, batch_size=64, threshold=0.8, ngram=5)) == expected


def test_a_chain_is_not_one_cluster_and_its_end_is_kept() -> None:
    """A~B and B~C but not A~C: B joins A, C is in no cluster, and both A and C are kept."""
    first = " ".join(f"w{number}" for number in range(100))
    middle = " ".join(f"w{number}" for number in range(10, 110))  # ~0.81 with both others
    last = " ".join(f"w{number}" for number in range(20, 120))  # ~0.66 with first
    texts = [first, middle, last]
    (cluster,) = dedupe.find_duplicates(texts, threshold=0.8, ngram=5)
    assert cluster.keys == (0, 1)
    for batch_size in (1, 3):
        kept = dedupe.deduplicate(texts, threshold=0.8, ngram=5, batch_size=batch_size)
        assert list(kept) == [first, last]


def test_empty_texts_are_always_kept() -> None:
    texts = ["", "  ", "a b c d e f", "", "A B C D E F"]
    assert list(dedupe.deduplicate(texts)) == ["", "  ", "a b c d e f", ""]


def test_reads_the_input_one_batch_at_a_time() -> None:
    consumed = 0

    def endless() -> Iterator[str]:
        nonlocal consumed
        for number in itertools.count():
            consumed += 1
            yield paragraph(number)

    first_three = list(itertools.islice(dedupe.deduplicate(endless(), batch_size=10), 3))
    assert first_three == [paragraph(0), paragraph(1), paragraph(2)]
    assert consumed == 10


def test_bad_arguments_fail_at_the_call() -> None:
    with pytest.raises(ValueError, match="threshold"):
        dedupe.deduplicate(["a"], threshold=1.5)
    with pytest.raises(ValueError, match="batch_size"):
        dedupe.deduplicate(["a"], batch_size=0)
    with pytest.raises(TypeError, match="single str"):
        dedupe.deduplicate("a text")


def test_a_text_that_is_not_str_is_named_by_position() -> None:
    texts: list[object] = ["a", "b", 3]
    with pytest.raises(TypeError, match=r"texts\[2\] must be str, got int"):
        list(dedupe.deduplicate(texts, batch_size=2))  # type: ignore[arg-type]
