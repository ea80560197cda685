"""A word-level Markov chain trained on real text, for corpora larger than the text itself.

Drawing whole sentences from a fixed pool (``realtext.synthesize``) repeats every
sentence once the corpus is much larger than the pool: at 10M paragraphs each of about
100k sentences recurs hundreds of times, so unrelated paragraphs share many shingles and
the corpus is far less diverse than real text. A chain generates new word sequences
instead: each next word is drawn from the words that follow the current state in the
training text, in proportion to how often they do; the state is the last two words for
half the draws and the last word for the others, which brings the share of distinct
word n-grams close to that of the training text (see ``SECOND_ORDER``). Every two
consecutive words of the output are consecutive somewhere in the training text.

Words are the whitespace-separated tokens of ``realtext.real_paragraphs`` (case and
punctuation kept, so sentences end where a word ends in ``.``, ``!`` or ``?``). The
training paragraphs are joined into one cycle, so every state has a successor.
Generation is vectorized over a whole batch of paragraphs, one word position at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedupe.hashing import I64, U64, fmix64

SENTENCE_ENDS = (".", "!", "?")
SECOND_ORDER = 0.5
"""Share of the words drawn from the two-word state; the rest follow the last word only.

Measured on the training text itself (1.7M words, same size samples): a first-order chain
alone gave 0.765 distinct word 3-grams against the real text's 0.710, a second-order one
alone 0.494 (it copies runs of the training text); half and half gave 0.686."""


@dataclass(frozen=True)
class MarkovText:
    """A mixed first- and second-order word chain, walked as positions in the training text.

    A walk's state is a position ``p`` of the training cycle: the last word written is
    ``words[text[p]]`` and the one before it ``words[text[p - 1]]``. A step picks a
    random occurrence ``q`` of the last word (first order) or of the last two words
    (second order) and moves to ``q + 1``, so every draw is a gather, and it picks a
    successor in proportion to how often it follows the state.
    """

    words: tuple[str, ...]  # token id -> word
    text: I64  # token id at each position of the training cycle
    word_offsets: I64  # occurrences of word w: positions[word_offsets[w]:word_offsets[w + 1]]
    pair_of: I64  # pair id of (text[p - 1], text[p]) at each position p
    pair_offsets: I64  # occurrences of pair k: positions[pair_offsets[k]:pair_offsets[k + 1]]
    positions: I64  # positions grouped by word, then (after the words) by pair
    starts: I64  # positions whose word begins a sentence
    ends: npt.NDArray[np.bool_]  # per token id: the word ends a sentence

    def generate(
        self,
        minimum: I64,
        *,
        length: int,
        rng: np.random.Generator,
        second_order: float = SECOND_ORDER,
    ) -> tuple[I64, I64]:
        """Token ids of ``len(minimum)`` paragraphs and the word count of each.

        Paragraph ``i`` ends at its first sentence end at or after ``minimum[i]`` words,
        or after ``length`` words. Returns a ``(rows, columns)`` array, columns at most
        ``length``, and the lengths.
        """
        rows = len(minimum)
        out = np.empty((rows, length), dtype=np.int64)
        at = self.starts[rng.integers(len(self.starts), size=rows)]
        out[:, 0] = self.text[at]
        ended = self.ends[out[:, 0]] & (minimum <= 1)
        columns = length
        for column in range(1, length):
            second = rng.random(rows) < second_order
            word = self.text[at]
            low = np.where(second, self.pair_offsets[self.pair_of[at]], self.word_offsets[word])
            high = np.where(
                second, self.pair_offsets[self.pair_of[at] + 1], self.word_offsets[word + 1]
            )
            picked = self.positions[low + (rng.random(rows) * (high - low)).astype(np.int64)]
            at = (picked + 1) % len(self.text)
            out[:, column] = self.text[at]
            ended |= self.ends[out[:, column]] & (minimum <= column + 1)
            if ended.all():
                columns = column + 1
                break
        return out[:, :columns], _lengths(self, out[:, :columns], minimum=minimum)


def train(paragraphs: Sequence[str]) -> MarkovText:
    """The chain of the paragraphs' words, the paragraphs joined in one cycle."""
    index: dict[str, int] = {}
    text = np.fromiter(
        (
            index.setdefault(word, len(index))
            for paragraph in paragraphs
            for word in paragraph.split()
        ),
        dtype=np.int64,
    )
    if len(text) < 2:
        raise ValueError(f"the training text needs at least 2 words, got {len(text)}")
    words = tuple(index)
    ends = np.fromiter((word.endswith(SENTENCE_ENDS) for word in words), dtype=bool)
    previous = np.roll(text, 1)
    _, pair_of = np.unique(previous * len(words) + text, return_inverse=True)
    pair_of = pair_of.reshape(-1).astype(np.int64)
    by_word, word_offsets = _grouped(text, len(words))
    by_pair, pair_offsets = _grouped(pair_of, int(pair_of.max()) + 1)
    return MarkovText(
        words=words,
        text=text,
        word_offsets=word_offsets,
        pair_of=pair_of,
        pair_offsets=pair_offsets + len(by_word),
        positions=np.concatenate([by_word, by_pair]),
        # A sentence starts after a word that ends one (the cycle's start counts as one too).
        starts=np.flatnonzero(ends[previous] | (np.arange(len(text)) == 0)),
        ends=ends,
    )


def _grouped(keys: I64, count: int) -> tuple[I64, I64]:
    """Positions sorted by key (stable) and the CSR offsets of each key's run."""
    order = np.argsort(keys, kind="stable").astype(np.int64)
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=count), out=offsets[1:])
    return order, offsets


def _lengths(chain: MarkovText, tokens: I64, *, minimum: I64) -> I64:
    """Per row, the words up to the first sentence end at or after ``minimum`` words.

    Rows with no sentence end after ``minimum`` keep all their columns.
    """
    is_end = chain.ends[tokens]
    is_end[np.arange(tokens.shape[1]) < (minimum - 1)[:, None]] = False
    is_end[:, -1] = True
    lengths: I64 = np.argmax(is_end, axis=1).astype(np.int64) + 1
    return lengths


@dataclass(frozen=True)
class Diversity:
    """How varied a sample of text is: distinct words and distinct word n-grams."""

    words: int
    vocabulary: int
    ngram_ratio: dict[int, float]  # n -> distinct n-grams / n-grams


def diversity(rows: Sequence[I64], *, ngrams: Sequence[int] = (3, 5)) -> Diversity:
    """The ``Diversity`` of paragraphs given as arrays of token ids.

    N-grams stay inside a paragraph; each is hashed to 64 bits (a collision is as rare
    as in ``dedupe`` itself), so the counts are those of the n-grams of words.
    """
    tokens = np.concatenate(rows) if rows else np.empty(0, np.int64)
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    owners = np.repeat(np.arange(len(rows)), lengths)
    hashed = fmix64(tokens.astype(np.uint64) + np.uint64(1))
    ratios: dict[int, float] = {}
    for n in ngrams:
        count = len(tokens) - n + 1
        if count <= 0:
            ratios[n] = float("nan")
            continue
        inside = owners[:count] == owners[n - 1 :]
        combined: U64 = hashed[:count].copy()
        for shift in range(1, n):
            combined = fmix64(
                combined * np.uint64(0x9E3779B97F4A7C15) ^ hashed[shift : shift + count]
            )
        kept = combined[inside]
        ratios[n] = len(np.unique(kept)) / len(kept) if len(kept) else float("nan")
    return Diversity(len(tokens), len(np.unique(tokens)), ratios)


def token_rows(chain: MarkovText, paragraphs: Sequence[str]) -> list[I64]:
    """The paragraphs as arrays of the chain's token ids (every word must be known)."""
    index = {word: number for number, word in enumerate(chain.words)}
    return [np.array([index[word] for word in text.split()], dtype=np.int64) for text in paragraphs]
