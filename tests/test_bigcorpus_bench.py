"""The scale benchmark's corpus: the word chain, diversity counts, determinism, planted pairs."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
from benchmarks import bigcorpus, scale_10m, textmodel

from dedupe.cluster import PositionClusters

TRAINING = (
    "The parser reads the file line by line. It keeps a buffer of pending tokens and "
    "flushes it when a blank line ends the paragraph. Errors name the file and the line.",
    "Signatures are computed for whole batches at once! Each permutation is applied to "
    "every shingle of every text, and a reduction keeps the minimum per text.",
    "A cache stores the fingerprints of files that did not change since the last run? "
    "It is keyed by their content hash, so a second run reads only the files that changed.",
    "Gardens need water in summer and shade for young plants in the afternoon. The "
    "orchestra tuned before the concert while the hall slowly filled with people.",
)


def test_every_generated_word_pair_is_a_pair_of_the_training_text() -> None:
    chain = textmodel.train(TRAINING)
    text = [chain.words[token] for token in chain.text]
    known = set(zip(text, text[1:] + text[:1], strict=True))
    minimum = np.full(500, 12)
    tokens, lengths = chain.generate(minimum, length=40, rng=np.random.default_rng(3))
    assert tokens.shape[0] == 500
    assert (lengths >= 12).all()
    assert (lengths <= 40).all()
    for row, length in zip(tokens.tolist(), lengths.tolist(), strict=True):
        words = [chain.words[token] for token in row[:length]]
        assert set(itertools.pairwise(words)) <= known
        assert length == 40 or words[-1].endswith(textmodel.SENTENCE_ENDS)
        assert not any(word.endswith(textmodel.SENTENCE_ENDS) for word in words[11:-1])
    starts = {row[0] for row in tokens.tolist()}
    assert {chain.words[token] for token in starts} <= {
        "The",
        "It",
        "Errors",
        "Signatures",
        "Each",
        "A",
        "Gardens",
    }


def test_diversity_counts_distinct_ngrams_inside_paragraphs() -> None:
    rows = [np.array([1, 2, 3, 1, 2, 3]), np.array([2, 3, 1])]
    measured = textmodel.diversity(rows, ngrams=(1, 3))
    # 3-grams: 123 231 312 123 | 231 (none crosses the boundary): 3 distinct of 5.
    assert measured.words == 9
    assert measured.vocabulary == 3
    assert measured.ngram_ratio == {1: 3 / 9, 3: 3 / 5}


def test_the_corpus_is_deterministic_by_seed_and_block(tmp_path: Path) -> None:
    first = bigcorpus.write(tmp_path / "a", size=1_250, seed=7, training=TRAINING, chunk=500)
    again = bigcorpus.write(tmp_path / "b", size=1_250, seed=7, training=TRAINING, chunk=500)
    other = bigcorpus.write(tmp_path / "c", size=1_250, seed=8, training=TRAINING, chunk=500)
    for name in ("corpus.txt", "truth.npz"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first == again
    assert (tmp_path / "a" / "corpus.txt").read_bytes() != (
        tmp_path / "c" / "corpus.txt"
    ).read_bytes()
    texts = list(bigcorpus.paragraphs(tmp_path / "a"))
    assert len(texts) == 1_250 == first["size"]
    chain = textmodel.train(TRAINING)
    last = bigcorpus.block(chain, 2, size=1_250, seed=7, chunk=500)
    assert texts[1_000:] == last.texts  # a block depends on the seed and its number only
    assert other["seed"] == 8
    assert not bigcorpus.matches(tmp_path / "a", size=1_250, seed=7)


def test_planted_pairs_are_edited_copies_at_their_rate(tmp_path: Path) -> None:
    meta = bigcorpus.write(tmp_path, size=2_000, seed=1, training=TRAINING, chunk=1_000)
    texts = list(bigcorpus.paragraphs(tmp_path))
    truth = np.load(tmp_path / "truth.npz")
    pairs, rates, edits = truth["pairs"], truth["rates"], truth["edits"]
    assert meta["planted"] == len(pairs) > 100
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert (pairs[:, 0] // 1_000 == pairs[:, 1] // 1_000).all()
    assert len(np.unique(pairs[:, 1])) == len(pairs)  # a copy has one source
    assert not np.isin(pairs[:, 0], pairs[:, 1]).any()  # sources are never copies
    assert set(rates.tolist()) == set(bigcorpus.EDIT_RATES)
    for (source, copy), rate, count in zip(
        pairs.tolist(), rates.tolist(), edits.tolist(), strict=True
    ):
        words = len(texts[source].split())
        if rate == 0:
            assert texts[copy] == texts[source].upper()
            assert count == 0
        else:
            assert abs(count - rate * words) < 1
    for n in bigcorpus.TRUTH_NGRAMS:
        assert (truth[f"jaccard{n}"][rates == 0] == 1).all()
        assert (truth[f"jaccard{n}"][rates == max(bigcorpus.EDIT_RATES)] < 1).any()


def test_recall_counts_pairs_in_one_cluster() -> None:
    found = PositionClusters(
        members=np.array([0, 3, 5, 2, 4], dtype=np.int64),
        offsets=np.array([0, 3, 5], dtype=np.int64),
        similarities=np.ones(5),
    )
    pairs = np.array([[0, 5], [2, 4], [0, 2], [1, 6]], dtype=np.int64)
    assert scale_10m.recall(found, pairs, 7) == 0.5
    assert scale_10m.recall(found, pairs[:0], 7) == 1.0
    assert scale_10m.tree_rss(os.getpid()) > 0
