"""Edited copies of paragraphs: what a person still calls a copy.

``edit_words`` makes an exact number of word edits (substitutions from a vocabulary,
insertions, deletions, adjacent swaps) at positions at least three words apart, so the
edits never undo or merge into each other: the word-level edit distance of the copy is
the number of edits asked for (a swap counts as one edit). ``edit_count`` turns an edit
*rate* into a count by stochastic rounding, so the mean rate over a corpus is the rate
asked for even on short paragraphs. ``change_surface`` changes only what normalization
erases: case, punctuation, spacing and quote style. ``add_sentence`` and
``drop_sentence`` change a paragraph by a whole sentence. All take a seeded
``numpy.random.Generator`` so a benchmark is reproducible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

WORD_EDITS = ("substitute", "insert", "delete", "swap")
EDIT_GAP = 3
"""Edits start at least this many words apart, so no two touch the same or a neighbouring word."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_QUOTES = str.maketrans({'"': "\u201c", "'": "\u2019"})


def max_edits(words: int) -> int:
    """The most edits ``edit_words`` can place ``EDIT_GAP`` words apart in ``words`` words."""
    return (words + EDIT_GAP - 2) // EDIT_GAP if words > 1 else 0


def edit_count(words: int, *, rate: float, rng: np.random.Generator) -> int:
    """``rate * words`` rounded up or down at random (expected value exact), capped."""
    wanted = int(np.floor(rate * words + rng.random()))
    return min(wanted, max_edits(words))


def edit_words(
    text: str,
    *,
    edits: int,
    rng: np.random.Generator,
    vocabulary: Sequence[str],
    kinds: Sequence[str] = WORD_EDITS,
) -> str:
    """Apply exactly ``edits`` word edits to ``text`` (split on whitespace)."""
    words = text.split()
    if edits > max_edits(len(words)):
        raise ValueError(f"edits must be at most {max_edits(len(words))} here, got {edits}")
    if edits == 0:
        return " ".join(words)
    # Positions at least EDIT_GAP apart, the last with a right neighbour (for a swap):
    # sorted distinct draws, each moved right by (EDIT_GAP - 1) times its rank.
    slots = len(words) - 1 - (EDIT_GAP - 1) * (edits - 1)
    draws = np.sort(rng.choice(slots, size=edits, replace=False))
    positions = draws + (EDIT_GAP - 1) * np.arange(edits)
    for position in positions[::-1].tolist():  # right to left: earlier positions stay valid
        kind = kinds[int(rng.integers(len(kinds)))]
        if kind == "swap" and words[position].lower() == words[position + 1].lower():
            kind = "substitute"  # swapping equal words would change nothing
        if kind == "substitute":
            words[position] = _new_word(words[position], rng=rng, vocabulary=vocabulary)
        elif kind == "insert":
            words.insert(position, _new_word(words[position], rng=rng, vocabulary=vocabulary))
        elif kind == "delete":
            del words[position]
        else:
            words[position], words[position + 1] = words[position + 1], words[position]
    return " ".join(words)


def _new_word(old: str, *, rng: np.random.Generator, vocabulary: Sequence[str]) -> str:
    while True:
        word = vocabulary[int(rng.integers(len(vocabulary)))]
        if word.lower() != old.lower():
            return word


def change_surface(text: str, *, rng: np.random.Generator) -> str:
    """Change case, punctuation, spacing or quote style, but no word."""
    choice = int(rng.integers(4))
    if choice == 0:
        return text.upper() if rng.random() < 0.5 else text.lower()
    if choice == 1:
        return re.sub(r"[,;:](?=\s)", "", text).replace(". ", "! ")
    if choice == 2:
        return re.sub(
            r" ",
            lambda _: "  " if rng.random() < 0.3 else "\n" if rng.random() < 0.1 else " ",
            text,
        )
    return text.translate(_QUOTES).replace("--", "\u2014")


def sentences(text: str) -> list[str]:
    """The paragraph's sentences, split after ``.``, ``!`` or ``?`` and whitespace."""
    return _SENTENCE_END.split(text)


def add_sentence(text: str, *, rng: np.random.Generator, pool: Sequence[str]) -> str:
    """Insert one sentence from ``pool`` between two of the paragraph's sentences."""
    parts = sentences(text)
    position = int(rng.integers(len(parts) + 1))
    parts.insert(position, pool[int(rng.integers(len(pool)))])
    return " ".join(parts)


def drop_sentence(text: str, *, rng: np.random.Generator) -> str:
    """Remove one sentence, unless the paragraph has only one."""
    parts = sentences(text)
    if len(parts) > 1:
        del parts[int(rng.integers(len(parts)))]
    return " ".join(parts)
