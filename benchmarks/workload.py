"""The benchmark corpus: real paragraphs with injected edited copies and their ground truth.

``build_workload(count, seed=...)`` returns ``count`` paragraphs: synthesized from real
sentences of the Python installation (``realtext``), of which a share are edited copies
of earlier paragraphs (``edits``). The ground truth is the set of injected
``(original, copy)`` pairs whose exact Jaccard similarity of word 5-gram sets (after
lower-casing and splitting on whitespace, the peers' tokenization) reaches the
threshold: the near-duplicates every system should find.

Collecting the real text takes tens of seconds, so a built workload is cached as a
pickle in the temporary directory, keyed by size, seed and the installed distributions.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import tempfile
from dataclasses import dataclass
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

CACHE_DIR = Path(tempfile.gettempdir()) / "dedupe-bench"


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
    path = CACHE_DIR / f"workload-{count}-{seed}-{installation_key()}.pickle"
    if not path.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with partial.open("wb") as handle:
            pickle.dump(_build(count, seed=seed), handle, protocol=5)
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


def _build(count: int, *, seed: int) -> Workload:
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
    truth = [
        pair
        for pair in pairs
        if jaccard(word_ngrams(texts[pair[0]]), word_ngrams(texts[pair[1]])) >= THRESHOLD
    ]
    return Workload(
        texts=texts,
        truth=np.array(truth, dtype=np.int64).reshape(-1, 2),
        injected=len(pairs),
        pool_size=len(sentences),
    )
