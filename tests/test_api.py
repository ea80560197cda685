"""The public contract of ``dedupe.find_duplicates``: properties and bad input."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe

WORDS = [f"w{index}" for index in range(400)]

paragraph = st.lists(st.sampled_from(WORDS), min_size=0, max_size=40).map(" ".join)


def keyed_clusters(clusters: list[dedupe.Cluster[int]], keys: list[int]) -> set[frozenset[int]]:
    """Clusters as sets of original keys, for comparing runs on permuted inputs."""
    return {frozenset(keys[member.key] for member in cluster) for cluster in clusters}


@given(texts=st.lists(paragraph, min_size=2, max_size=30), order_seed=st.integers(0, 2**16))
def test_shuffling_the_input_gives_the_same_clusters(texts: list[str], order_seed: int) -> None:
    # Duplicate some texts so that there is something to find.
    texts = texts + texts[: len(texts) // 2]
    order = list(range(len(texts)))
    random.Random(order_seed).shuffle(order)
    straight = dedupe.find_duplicates(texts)
    shuffled = dedupe.find_duplicates([texts[index] for index in order])
    assert keyed_clusters(straight, list(range(len(texts)))) == keyed_clusters(shuffled, order)


@given(texts=st.lists(paragraph, min_size=1, max_size=20), copy=st.integers(0, 19))
def test_identical_texts_always_cluster(texts: list[str], copy: int) -> None:
    original = texts[copy % len(texts)]
    if not original.split():
        return  # empty texts never match, tested below
    clusters = dedupe.find_duplicates([*texts, original.upper() + " !"])
    last = len(texts)
    together = [cluster for cluster in clusters if last in cluster.keys]
    assert len(together) == 1
    similarity = {member.key: member.similarity for member in together[0]}
    assert copy % len(texts) in similarity
    assert similarity[last] == similarity[copy % len(texts)]


@given(
    left=st.lists(st.sampled_from(WORDS[:200]), min_size=1, max_size=30),
    right=st.lists(st.sampled_from(WORDS[200:]), min_size=1, max_size=30),
    ngram=st.integers(1, 6),
    threshold=st.floats(0.01, 1.0),
)
def test_texts_with_no_shared_shingle_never_cluster(
    left: list[str], right: list[str], ngram: int, threshold: float
) -> None:
    assert (
        dedupe.find_duplicates([" ".join(left), " ".join(right)], ngram=ngram, threshold=threshold)
        == []
    )


def test_empty_and_punctuation_only_texts_never_cluster() -> None:
    texts = ["", "   ", "\n\n", "...", "--- ***", "", "!!!"]
    assert dedupe.find_duplicates(texts, threshold=0.01) == []


def test_short_texts_do_not_form_one_big_cluster() -> None:
    texts = ["a b", "c d", "e", "f g h", "a b c", "x", "y z"]
    assert dedupe.find_duplicates(texts, threshold=0.01) == []


def test_short_identical_texts_are_exact_duplicates() -> None:
    clusters = dedupe.find_duplicates(["Poverty in decline", "other", "poverty in decline."])
    assert [cluster.keys for cluster in clusters] == [(0, 2)]


def test_mapping_keys_and_iterables_are_accepted() -> None:
    base = "the quick brown fox jumps over the lazy dog again and again today"
    mapping = {"first": base, "second": "unrelated words entirely here", "third": base + "!"}
    assert [cluster.keys for cluster in dedupe.find_duplicates(mapping)] == [("first", "third")]

    def generate() -> Iterator[str]:
        yield base
        yield "nothing alike at all"
        yield base.upper()

    assert [cluster.keys for cluster in dedupe.find_duplicates(generate())] == [(0, 2)]


def test_members_are_in_input_order_and_clusters_by_first_member() -> None:
    a = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
    b = "one two three four five six seven eight nine ten eleven twelve"
    clusters = dedupe.find_duplicates([b, a, b, "noise", a, a])
    assert [cluster.keys for cluster in clusters] == [(0, 2), (1, 4, 5)]


def test_near_duplicate_similarity_is_the_exact_jaccard() -> None:
    words = [f"t{index}" for index in range(40)]
    edited = [*words[:20], "changed", *words[21:]]
    clusters = dedupe.find_duplicates([" ".join(words), " ".join(edited)], threshold=0.5, ngram=5)
    # One substituted word in the middle removes 5 of 36 five-grams and adds 5 new ones.
    assert clusters[0].members[1].similarity == pytest.approx(31 / 41)


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ("a single string", "not a single str"),
        (b"bytes", "not a single bytes"),
        (["fine", 3, "fine"], r"texts\[1\] must be str, got int"),
        ({"k": "fine", "bad": None}, r"texts\['bad'\] must be str, got NoneType"),
        (42, "must be a sequence, mapping or iterable of str, got int"),
    ],
)
def test_non_string_input_raises_type_error_naming_the_position(
    texts: object, message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        dedupe.find_duplicates(texts)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 0}, r"threshold must be in \(0.0, 1.0\], got 0"),
        ({"threshold": 1.5}, r"threshold must be in \(0.0, 1.0\], got 1.5"),
        ({"threshold": math.nan}, r"threshold must be in \(0.0, 1.0\], got nan"),
        ({"threshold": "high"}, "threshold must be a number, got 'high'"),
        ({"num_perm": 0}, r"num_perm must be in \[1, 4096\], got 0"),
        ({"ngram": 0}, r"ngram must be in \[1, 64\], got 0"),
        ({"seed": -1}, r"seed must be in \[0, 4294967295\], got -1"),
        ({"bands": 0}, r"bands must be in \[1, 128\], got 0"),
        (
            {"bands": 20, "rows": 7},
            r"bands \* rows must be at most num_perm=128, got bands=20 \* rows=7 = 140",
        ),
        ({"rows": 2.5}, "rows must be an integer, got 2.5"),
    ],
)
def test_invalid_options_raise_value_error_naming_parameter_value_and_range(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        dedupe.find_duplicates(["a"], **options)  # type: ignore[call-overload]


def test_explicit_bands_and_rows_are_used() -> None:
    settings = dedupe.Settings(bands=16, rows=8)
    assert settings.band_shape == (16, 8)
    assert dedupe.Settings(bands=32).band_shape == (32, 4)
    assert dedupe.Settings(rows=4).band_shape == (32, 4)


def test_empty_input_gives_no_clusters() -> None:
    assert dedupe.find_duplicates([]) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda: dedupe.find_duplicates(["a"], thresold=0.5),  # type: ignore[call-overload]
        lambda: dedupe.find_duplicates_in_files([], thresold=0.5),  # type: ignore[call-arg]
        lambda: dedupe.Index(thresold=0.5),  # type: ignore[call-arg]
        lambda: dedupe.deduplicate(["a"], thresold=0.5),  # type: ignore[call-overload]
    ],
)
def test_a_misspelt_option_is_a_type_error_naming_it_and_the_options(
    call: Callable[[], object],
) -> None:
    with pytest.raises(
        TypeError, match="unknown option 'thresold'; the options are bands, keep, ngram"
    ):
        call()


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"])
def test_invalid_workers_raise_value_error_naming_the_value(workers: object) -> None:
    message = f"workers must be an integer >= 1 or None, got {workers!r}"
    with pytest.raises(ValueError, match=re.escape(message)):
        dedupe.find_duplicates(["a"], workers=workers)  # type: ignore[call-overload]


def test_workers_belong_to_the_local_engine() -> None:
    with pytest.raises(ValueError, match="workers is only used by engine='local'"):
        dedupe.find_duplicates(["a"], engine="dask", workers=2)
