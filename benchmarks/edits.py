"""Edited copies of paragraphs: what a person still calls a copy.

``edit_words`` changes a fraction of a paragraph's words with substitutions (from a
vocabulary), insertions, deletions and adjacent swaps. ``change_surface`` changes what
normalization should erase: case, punctuation, spacing and quote style.
``add_sentence`` and ``drop_sentence`` change a paragraph by a whole sentence. All take
a seeded ``numpy.random.Generator`` so a benchmark is reproducible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

WORD_EDITS = ("substitute", "insert", "delete", "swap")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_QUOTES = str.maketrans({'"': "\u201c", "'": "\u2019"})


def edit_words(
    text: str,
    *,
    rate: float,
    rng: np.random.Generator,
    vocabulary: Sequence[str],
    kinds: Sequence[str] = WORD_EDITS,
) -> str:
    """Apply ``round(rate * words)`` word edits (at least one when ``rate > 0``)."""
    words = text.split()
    edits = max(1, round(rate * len(words))) if rate > 0 else 0
    for _ in range(edits):
        kind = kinds[int(rng.integers(len(kinds)))]
        position = int(rng.integers(len(words)))
        if kind == "substitute":
            words[position] = vocabulary[int(rng.integers(len(vocabulary)))]
        elif kind == "insert":
            words.insert(position, vocabulary[int(rng.integers(len(vocabulary)))])
        elif kind == "delete" and len(words) > 1:
            del words[position]
        elif kind == "swap" and len(words) > 1:
            other = position + 1 if position + 1 < len(words) else position - 1
            words[position], words[other] = words[other], words[position]
    return " ".join(words)


def change_surface(text: str, *, rng: np.random.Generator) -> str:
    """Change case, punctuation, spacing and quote style, but no word."""
    choice = int(rng.integers(4))
    if choice == 0:
        return text.upper() if rng.random() < 0.5 else text.lower()
    if choice == 1:
        return re.sub(r"[,;:]", "", text).replace(".", "!")
    if choice == 2:
        return re.sub(
            r" ",
            lambda _: "  " if rng.random() < 0.3 else "\n" if rng.random() < 0.1 else " ",
            text,
        )
    return text.translate(_QUOTES).replace("--", "\u2014")


def add_sentence(text: str, *, rng: np.random.Generator, sentences: Sequence[str]) -> str:
    """Insert one sentence from ``sentences`` between two of the paragraph's sentences."""
    parts = _SENTENCE_END.split(text)
    position = int(rng.integers(len(parts) + 1))
    parts.insert(position, sentences[int(rng.integers(len(sentences)))])
    return " ".join(parts)


def drop_sentence(text: str, *, rng: np.random.Generator) -> str:
    """Remove one sentence, unless the paragraph has only one."""
    parts = _SENTENCE_END.split(text)
    if len(parts) > 1:
        del parts[int(rng.integers(len(parts)))]
    return " ".join(parts)
