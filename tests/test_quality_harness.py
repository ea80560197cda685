"""The quality benchmark's own logic, on a tiny corpus: edits, brute force, counting."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from benchmarks import edits, quality
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.normalize import tokens
from dedupe.shingle import shingle_many, unique_per_text
from dedupe.verify import jaccard_pairs

VOCABULARY = tuple(f"word{number}" for number in range(500))
SENTENCES = ("An added sentence says something new here.", "Another one comes from elsewhere.")
SOURCES = (
    "The parser reads the file line by line. It keeps a buffer of pending tokens and "
    "flushes it when a blank line ends the paragraph. Errors name the file and the line.",
    "Signatures are computed for whole batches at once. Each permutation is applied to "
    "every shingle of every text, and a reduction keeps the minimum per text.",
    "A cache stores the fingerprints of files that did not change since the last run. "
    "It is keyed by their content hash, so a second run reads only the files that changed.",
)
UNRELATED = (
    "Gardens need water in summer and shade for young plants in the afternoon.",
    "The orchestra tuned before the concert while the hall slowly filled with people.",
)


def word_distance(left: list[str], right: list[str]) -> int:
    """Edit distance over words with adjacent transpositions (optimal string alignment)."""
    rows, cols = len(left) + 1, len(right) + 1
    table = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        table[i][0] = i
    for j in range(cols):
        table[0][j] = j
    for i, j in itertools.product(range(1, rows), range(1, cols)):
        cost = 0 if left[i - 1] == right[j - 1] else 1
        best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
        if i > 1 and j > 1 and left[i - 1] == right[j - 2] and left[i - 2] == right[j - 1]:
            best = min(best, table[i - 2][j - 2] + 1)
        table[i][j] = best
    return table[-1][-1]


@pytest.mark.parametrize("source", SOURCES)
def test_edit_words_makes_exactly_the_edits_asked_for(source: str) -> None:
    original = tokens(source)
    for seed in range(60):
        rng = np.random.default_rng(seed)
        count = int(rng.integers(edits.max_edits(len(source.split())) + 1))
        copy = edits.edit_words(source, edits=count, rng=rng, vocabulary=VOCABULARY)
        assert word_distance(original, tokens(copy)) == count


def test_edit_words_refuses_more_edits_than_fit() -> None:
    rng = np.random.default_rng(0)
    too_many = edits.max_edits(4) + 1
    with pytest.raises(ValueError, match="edits must be at most"):
        edits.edit_words("one two three four", edits=too_many, rng=rng, vocabulary=VOCABULARY)


@pytest.mark.parametrize("rate", [0.02, 0.05, 0.1, 0.3])
def test_edit_count_is_the_rate_on_average(rate: float) -> None:
    rng = np.random.default_rng(1)
    words = 37
    counts = np.array([edits.edit_count(words, rate=rate, rng=rng) for _ in range(4000)])
    assert set(counts.tolist()) <= {int(np.floor(rate * words)), int(np.ceil(rate * words))}
    assert counts.mean() / words == pytest.approx(rate, rel=0.05)


@pytest.mark.parametrize("seed", range(40))
def test_change_surface_changes_no_token(seed: int) -> None:
    rng = np.random.default_rng(seed)
    source = SOURCES[seed % len(SOURCES)] + ' She said "don\'t" -- twice; 3,000 times.'
    assert tokens(edits.change_surface(source, rng=rng)) == tokens(source)


def test_sentence_edits_add_or_remove_one_sentence() -> None:
    rng = np.random.default_rng(2)
    source = SOURCES[0]
    added = edits.add_sentence(source, rng=rng, pool=SENTENCES)
    dropped = edits.drop_sentence(source, rng=rng)
    assert len(edits.sentences(added)) == len(edits.sentences(source)) + 1
    assert set(edits.sentences(dropped)) < set(edits.sentences(source))
    assert edits.drop_sentence("Only one sentence here.", rng=rng) == "Only one sentence here."


def tiny_corpus(seed: int = 3) -> quality.Corpus:
    rng = np.random.default_rng(seed)
    return quality.with_copies(
        SOURCES, UNRELATED, rng=rng, vocabulary=VOCABULARY, sentences=SENTENCES
    )


def test_corpus_copies_have_the_claimed_edit_counts() -> None:
    corpus = tiny_corpus()
    source_of = {
        int(family): text
        for text, family, kind in zip(corpus.texts, corpus.family, corpus.kind, strict=True)
        if kind == quality.SOURCE
    }
    word_edited = np.isin(corpus.kind, quality.COPY_KINDS[: len(quality.RATES)])
    assert word_edited.sum() == len(SOURCES) * len(quality.RATES)
    for index in np.flatnonzero(word_edited).tolist():
        source = source_of[int(corpus.family[index])]
        distance = word_distance(tokens(source), tokens(corpus.texts[index]))
        assert distance == corpus.edits[index]
        rate = quality.RATES[quality.COPY_KINDS.index(str(corpus.kind[index]))]
        assert abs(distance - rate * len(source.split())) < 1


def test_corpus_families_and_kinds() -> None:
    corpus = tiny_corpus()
    unrelated = corpus.kind == quality.UNRELATED
    assert sorted(np.array(corpus.texts)[unrelated].tolist()) == sorted(UNRELATED)
    assert len(set(corpus.family[unrelated].tolist())) == len(UNRELATED)
    assert not set(corpus.family[unrelated].tolist()) & set(corpus.family[~unrelated].tolist())
    for family in range(len(SOURCES)):
        kinds = corpus.kind[corpus.family == family].tolist()
        assert sorted(kinds) == sorted([quality.SOURCE, *quality.COPY_KINDS])


texts_strategy = st.lists(
    st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]), min_size=0, max_size=12).map(
        " ".join
    ),
    min_size=2,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(texts=texts_strategy, ngram=st.integers(1, 4), threshold=st.floats(0.05, 1.0))
def test_brute_force_agrees_with_the_engines_verify(
    texts: list[str], ngram: int, threshold: float
) -> None:
    pairs, similarities = quality.similar_pairs(texts, ngram=ngram, threshold=threshold)
    sets, counts = unique_per_text(*shingle_many(texts, ngram=ngram))
    everything = np.array(list(itertools.combinations(range(len(texts)), 2)), dtype=np.int64)
    expected = jaccard_pairs(sets, counts, everything)
    keep = expected >= threshold
    assert pairs.tolist() == everything[keep].tolist()
    assert similarities.tolist() == expected[keep].tolist()


def naive_false_clusters(
    labels: list[int], family: list[int], unrelated: list[bool]
) -> tuple[int, int, int]:
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    clusters = [members for members in groups.values() if len(members) >= 2]
    mixed = [members for members in clusters if len({family[i] for i in members}) >= 2]
    with_unrelated = [members for members in mixed if any(unrelated[i] for i in members)]
    return len(clusters), len(mixed), len(with_unrelated)


def test_false_clusters_on_a_known_case() -> None:
    labels = np.array([0, 0, 1, 1, 2, 3, 3, 9], dtype=np.int64)
    family = np.array([5, 5, 5, 6, 7, 8, 6, 9], dtype=np.int64)
    unrelated = np.array([0, 0, 0, 0, 1, 1, 0, 1], dtype=bool)
    # clusters {0,1} one family; {2,3} families 5 and 6; {5,6} unrelated 8 with family 6.
    assert quality.count_false_clusters(labels, family, unrelated) == (3, 2, 1)


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 4), st.booleans()), min_size=1, max_size=30
    )
)
def test_false_clusters_match_a_naive_count(rows: list[tuple[int, int, bool]]) -> None:
    labels, family, unrelated = (list(column) for column in zip(*rows, strict=True))
    found = quality.count_false_clusters(
        np.array(labels, dtype=np.int64),
        np.array(family, dtype=np.int64),
        np.array(unrelated, dtype=bool),
    )
    assert found == naive_false_clusters(labels, family, unrelated)


def test_evaluate_counts_a_copy_only_in_its_sources_cluster() -> None:
    corpus = tiny_corpus()
    labels = np.arange(len(corpus.texts), dtype=np.int64)
    first_source = np.flatnonzero((corpus.kind == quality.SOURCE) & (corpus.family == 0))[0]
    exact_copy = np.flatnonzero((corpus.kind == "0%") & (corpus.family == 0))[0]
    other_copy = np.flatnonzero((corpus.kind == "0%") & (corpus.family == 1))[0]
    labels[[first_source, exact_copy]] = -1  # together: found
    labels[other_copy] = -1  # joined to another family's source: a false cluster, not found
    result = quality.evaluate(corpus, labels, method="test", seconds=0.0)
    assert result.recall["0%"] == pytest.approx(1 / len(SOURCES))
    assert result.recall["30%"] == 0.0
    assert (result.clusters, result.false_clusters) == (1, 1)


def test_exact_check_counts_members_below_and_missed_pairs() -> None:
    pairs = np.array([[0, 1], [1, 2], [3, 4]], dtype=np.int64)  # similar: 0~1, 1~2, 3~4
    chained = np.array([0, 0, 0, 3, 3, 5], dtype=np.int64)  # components: 2 joins 0 via 1
    assert quality.exact_check(chained, pairs) == {
        "similar_pairs": 3,
        "members": 3,
        "members_below": 1,
        "sound": False,
        "missed_pairs": 0,
    }
    greedy = np.array([0, 0, 2, 3, 3, 5], dtype=np.int64)  # 2 stays a representative
    assert quality.exact_check(greedy, pairs)["members_below"] == 0
    assert quality.exact_check(greedy, pairs)["missed_pairs"] == 0
    none_found = np.arange(6, dtype=np.int64)
    assert quality.exact_check(none_found, pairs)["missed_pairs"] == 3
    merged = np.array([0, 0, 0, 0, 0, 5], dtype=np.int64)
    assert quality.exact_check(merged, pairs)["members_below"] == 3


def test_labels_name_the_first_member_whatever_the_source() -> None:
    pairs = np.array([[4, 2], [2, 5], [1, 3]], dtype=np.int64)
    labels = quality.labels_from_pairs(7, pairs)
    assert labels.tolist() == [0, 1, 2, 1, 2, 2, 6]
    clusters = dedupe.find_duplicates(["a b c d e f", "x y z w", "A b, c d e f!", "x y z w"])
    assert quality.labels_from_clusters(5, clusters).tolist() == [0, 1, 0, 1, 4]
    assert quality.member_pairs(labels).tolist() == [[3, 1], [4, 2], [5, 2]]


def test_precision_uses_the_methods_sets_and_threshold() -> None:
    texts = ["one two three four", "one two three five", "One two three four!", "six"]
    labels = np.array([0, 0, 0, 3], dtype=np.int64)
    # Word sets (peers): 1 vs 0 share 3 of 5 words; 2 vs 0 differ by case and "!".
    assert quality.precision(texts, labels, threshold=0.6, ngram=None) == (2, 0.5)
    assert quality.precision(texts, labels, threshold=0.5, ngram=None) == (2, 0.5)
    assert quality.precision(texts, labels, threshold=0.3, ngram=None) == (2, 1.0)
    # Shingle sets (dedupe, normalized): 2 is 0; 1 shares one 3-gram of three.
    assert quality.precision(texts, labels, threshold=0.4, ngram=3) == (2, 0.5)
    assert quality.precision(texts, np.arange(4), threshold=0.4, ngram=3) == (0, 1.0)
    only_one = np.array([False, True, False, False])
    assert quality.precision(texts, labels, threshold=0.4, ngram=3, among=only_one) == (1, 0.0)


def test_real_paragraphs_are_mixed_in_without_reordering_the_rest() -> None:
    corpus = tiny_corpus()
    real = ["A real paragraph from elsewhere.", "Another real one, quite different."]
    mixed = quality.with_real(corpus, real, rng=np.random.default_rng(0))
    is_real = mixed.kind == quality.REAL
    assert np.array(mixed.texts)[~is_real].tolist() == corpus.texts
    assert sorted(np.array(mixed.texts)[is_real].tolist()) == sorted(real)
    for name in ("family", "kind", "bucket", "edits", "words"):
        assert getattr(mixed, name)[~is_real].tolist() == getattr(corpus, name).tolist()
    assert not set(mixed.family[is_real].tolist()) & set(corpus.family.tolist())


def test_false_clusters_leave_out_real_paragraphs() -> None:
    labels = np.array([0, 0, 2, 2], dtype=np.int64)
    family = np.array([1, 2, 3, 4], dtype=np.int64)
    unrelated = np.zeros(4, dtype=bool)
    counted = np.array([True, False, True, True])
    assert quality.count_false_clusters(labels, family, unrelated, counted=counted) == (2, 1, 0)


def test_foreign_sentences_share_no_five_words_with_the_corpus() -> None:
    outside = [
        "The parser reads the file line by line today. Birds fly south in the cold winter.",
        "Clouds drift over quiet hills at dawn.",
    ]
    found = quality.foreign_sentences(outside, SOURCES)
    assert found == [
        "Birds fly south in the cold winter.",
        "Clouds drift over quiet hills at dawn.",
    ]
