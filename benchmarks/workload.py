"""The benchmark corpus: real paragraphs with injected edited copies and their ground truth.

``build_workload(count, seed=...)`` returns ``count`` paragraphs: synthesized from real
sentences of the Python installation (``realtext``), of which a share are edited copies
of earlier paragraphs (``edits``). The ground truth is the set of injected
``(original, copy)`` pairs whose exact Jaccard similarity of word 5-gram sets (after
lower-casing and splitting on whitespace, the peers' tokenization) reaches the
threshold: the near-duplicates every system should find.

Above ``BASE`` paragraphs the corpus is the ``BASE`` one repeated, each repetition ``k``
with its ASCII letters rotated by ``k`` places (``a`` to ``b`` for ``k = 1``, case kept):
a rotation maps words one to one, so every pair keeps its similarity (the truth is
computed again for each repetition all the same), while repetitions share few words
(numbers and punctuation stay; a rotated word is rarely a word of the text). The work
per paragraph then stays about that of ``BASE``, where drawing more paragraphs from the
same sentence pool would repeat each sentence more often.

Collecting the real text takes tens of seconds, so a built workload is cached as a
pickle in the temporary directory, keyed by size, seed and the installed distributions.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from benchmarks.edits import add_sentence, edit_words, max_edits
from benchmarks.realtext import sentence_pool, synthesize, vocabulary

THRESHOLD = 0.8
NGRAM = 5
NUM_PERM = 128
DUPLICATE_SHARE = 0.1
"""Share of the corpus that is an edited copy of another paragraph."""
BASE = 100_000
"""Larger workloads are this one repeated with rotated letters (a multiple of it)."""

CACHE_DIR = Path(tempfile.gettempdir()) / "dedupe-bench"
FORMAT = 2
"""Part of the cache's file names: bumped whenever the same arguments build another corpus
(2: above ``BASE``, repetitions with rotated letters)."""


@dataclass(frozen=True)
class Workload:
    """Paragraphs, the injected near-duplicate pairs and the size of the sentence pool."""

    texts: list[str]
    truth: np.ndarray  # (pairs, 2) int64: (original, copy) positions, Jaccard >= THRESHOLD
    injected: int
    pool_size: int


def word_ngrams(text: str, *, ngram: int = NGRAM) -> set[str]:
    """Word n-grams after lower-casing, a short text being one n-gram of all its words."""
    words = text.lower().split()
    if len(words) < ngram:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + ngram]) for i in range(len(words) - ngram + 1)}


def jaccard(first: set[str], second: set[str]) -> float:
    """Exact Jaccard similarity of two sets (0 for two empty sets)."""
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def build_workload(count: int, *, seed: int = 0) -> Workload:
    """``count`` paragraphs, ``DUPLICATE_SHARE`` of them edited copies, deterministic."""
    return load_workload(workload_file(count, seed=seed))


def workload_file(count: int, *, seed: int = 0) -> Path:
    """The cached pickle of a workload, built first when missing."""
    path = CACHE_DIR / f"workload-v{FORMAT}-{count}-{seed}-{installation_key()}.pickle"
    if not path.exists():
        workload = _build(count, seed=seed)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with partial.open("wb") as handle:
            pickle.dump(workload, handle, protocol=5)
        partial.replace(path)
    return path


def installation_key() -> str:
    """What the real text depends on: the Python version and the installed distributions."""
    names = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    text = "\n".join([sys.version, *names])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_workload(path: Path) -> Workload:
    """A workload written by ``workload_file``."""
    with path.open("rb") as handle:
        workload: Workload = pickle.load(handle)
    return workload


def rotate_letters(text: str, places: int) -> str:
    """``text`` with each ASCII letter moved ``places`` along the alphabet, case kept."""
    return text.translate(_rotation(places % 26))


@lru_cache(maxsize=26)
def _rotation(places: int) -> dict[int, str]:
    table: dict[int, str] = {}
    for first in ("a", "A"):
        for offset in range(26):
            table[ord(first) + offset] = chr(ord(first) + (offset + places) % 26)
    return table


def _build(count: int, *, seed: int) -> Workload:
    if count <= BASE:
        return _build_base(count, seed=seed)
    if count % BASE or count > 26 * BASE:
        raise ValueError(
            f"a workload above {BASE:,} paragraphs is a multiple of {BASE:,} up to "
            f"{26 * BASE:,} (repetitions with rotated letters), got {count:,}"
        )
    base = load_workload(workload_file(BASE, seed=seed))
    texts = [rotate_letters(text, k) for k in range(count // BASE) for text in base.texts]
    pairs = np.concatenate([base.truth + k * BASE for k in range(count // BASE)])
    return Workload(
        texts=texts,
        truth=_near(texts, pairs.tolist()),
        injected=base.injected * (count // BASE),
        pool_size=base.pool_size,
    )


def _near(texts: list[str], pairs: Sequence[Sequence[int]]) -> np.ndarray:
    """The pairs whose texts' word 5-gram Jaccard similarity reaches ``THRESHOLD``."""
    kept = [
        (first, second)
        for first, second in pairs
        if jaccard(word_ngrams(texts[first]), word_ngrams(texts[second])) >= THRESHOLD
    ]
    return np.array(kept, dtype=np.int64).reshape(-1, 2)


def _build_base(count: int, *, seed: int) -> Workload:
    rng = np.random.default_rng(seed)
    copies = int(count * DUPLICATE_SHARE)
    texts = synthesize(count - copies, seed=seed)
    sentences, words = sentence_pool(), vocabulary()
    originals = rng.integers(0, len(texts), size=copies).tolist()
    pairs: list[tuple[int, int]] = []
    for original in originals:
        text = texts[original]
        kind = int(rng.integers(4))
        if kind == 3:
            copy = add_sentence(text, rng=rng, pool=sentences)
        else:
            rate = 0.02 if kind == 1 else 0.01
            edits = min(max(1, round(rate * len(text.split()))), max_edits(len(text.split())))
            copy = edit_words(text, edits=edits, rng=rng, vocabulary=words)
            copy = copy.upper() if kind == 2 else copy
        pairs.append((original, len(texts)))
        texts.append(copy)
    return Workload(
        texts=texts,
        truth=_near(texts, pairs),
        injected=len(pairs),
        pool_size=len(sentences),
    )
