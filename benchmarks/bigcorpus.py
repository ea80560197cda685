"""A corpus of any size for the scale benchmark: Markov text with planted near-copies.

    python -m benchmarks.bigcorpus --size 10000000 --out .benchmarks/corpus-10000000-0

Paragraphs come from a word chain trained on real text (``textmodel``, trained on
``realtext.real_paragraphs``): 40 to 70 words, cut at the next sentence end (at most
``LENGTH`` words). In each block of ``CHUNK`` paragraphs, ``COPY_SHARE`` of them are
copies of an earlier original of the same block at an edit rate drawn from
``EDIT_RATES``: rate 0 is the original in upper case, any other rate makes that share
of word edits (``edits.edit_words``: substitutions, insertions, deletions, swaps).

The folder gets ``corpus.txt`` (UTF-8, one paragraph a line), ``truth.npz`` (each
planted pair's positions, edit rate, edit count and the exact Jaccard similarity of its
lower-cased word 3-gram and 5-gram sets) and ``meta.json`` (what was asked, what was
made and the diversity of the text against the training text). Blocks are generated and
written one at a time, so memory does not grow with the size; block ``b`` depends only
on the seed, ``b`` and the training text (the Python installation), so the files are
byte-identical for the same arguments on the same installation.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.edits import edit_count, edit_words
from benchmarks.realtext import real_paragraphs
from benchmarks.textmodel import (
    Diversity,
    MarkovText,
    diversity,
    token_rows,
    train,
)
from benchmarks.workload import installation_key, jaccard, word_ngrams
from dedupe.hashing import I64

F64 = npt.NDArray[np.float64]

CHUNK = 100_000
COPY_SHARE = 0.1
EDIT_RATES = (0.0, 0.01, 0.02, 0.05, 0.1)
MIN_WORDS, MAX_WORDS, LENGTH = 40, 70, 100
TRUTH_NGRAMS = (3, 5)
FORMAT = 1
"""Bumped whenever the generator changes what it writes for the same arguments."""


@dataclass(frozen=True)
class Block:
    """One block of paragraphs and its planted pairs (positions within the block)."""

    texts: list[str]
    original_rows: list[I64]  # token ids of each paragraph that is not a copy
    pairs: I64  # (copies, 2): source, copy
    rates: F64  # edit rate of each pair
    edits: I64  # word edits made (0 for a change of case)


def block(chain: MarkovText, number: int, *, size: int, seed: int, chunk: int = CHUNK) -> Block:
    """Block ``number`` of a corpus of ``size`` paragraphs (the last one may be short)."""
    count = min(chunk, size - number * chunk)
    rng = np.random.default_rng([seed, number])
    minimum = rng.integers(MIN_WORDS, MAX_WORDS + 1, size=count)
    tokens, lengths = chain.generate(minimum, length=LENGTH, rng=rng)
    words = np.array(chain.words, dtype=object)
    rows = [row[:length] for row, length in zip(tokens, lengths.tolist(), strict=True)]
    texts = [" ".join(words[row]) for row in rows]
    is_copy = rng.random(count) < COPY_SHARE
    is_copy[0] = False
    copies = np.flatnonzero(is_copy)
    kept = np.flatnonzero(~is_copy)
    earlier = np.searchsorted(kept, copies)  # originals before each copy: at least one
    sources = kept[(rng.random(len(copies)) * earlier).astype(np.int64)]
    rates = np.array(EDIT_RATES)[rng.integers(len(EDIT_RATES), size=len(copies))]
    edits = np.zeros(len(copies), dtype=np.int64)
    for index, (source, copy, rate) in enumerate(zip(sources, copies, rates.tolist(), strict=True)):
        original = texts[source]
        if rate == 0:
            texts[copy] = original.upper()
            continue
        edits[index] = edit_count(len(rows[source]), rate=rate, rng=rng)
        texts[copy] = edit_words(original, edits=int(edits[index]), rng=rng, vocabulary=chain.words)
    return Block(
        texts=texts,
        original_rows=[rows[row] for row in kept.tolist()],
        pairs=np.stack([sources, copies], axis=1).astype(np.int64),
        rates=rates,
        edits=edits,
    )


def write(
    folder: Path,
    *,
    size: int,
    seed: int,
    training: Sequence[str] | None = None,
    chunk: int = CHUNK,
) -> dict[str, Any]:
    """Write ``corpus.txt``, ``truth.npz`` and ``meta.json`` into ``folder``; return the meta.

    ``training`` is the real text (``realtext.real_paragraphs()`` when None). The files
    appear under their names only when complete (written as ``.partial`` first).
    """
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "meta.json").unlink(missing_ok=True)  # the folder is complete again at the end
    real = real_paragraphs() if training is None else tuple(training)
    chain = train(real)
    sample = _real_sample(chain, real)
    wanted = sum(map(len, sample))
    generated: list[I64] = []
    truth: dict[str, list[Any]] = {"pairs": [], "rates": [], "edits": []}
    truth.update({f"jaccard{n}": [] for n in TRUTH_NGRAMS})
    partial = folder / "corpus.txt.partial"
    with partial.open("w", encoding="utf-8", newline="\n") as handle:
        for number in range((size + chunk - 1) // chunk):
            made = block(chain, number, size=size, seed=seed, chunk=chunk)
            handle.write("\n".join(made.texts) + "\n")
            _collect(generated, made.original_rows, wanted)
            truth["pairs"].append(made.pairs + number * chunk)
            truth["rates"].append(made.rates)
            truth["edits"].append(made.edits)
            for n in TRUTH_NGRAMS:
                truth[f"jaccard{n}"].append(_jaccards(made.texts, made.pairs, ngram=n))
    words = min(wanted, sum(map(len, generated)))
    meta = {
        "format": FORMAT,
        "size": size,
        "seed": seed,
        "chunk": chunk,
        "installation": installation_key(),
        "training": {"paragraphs": len(real), "words": wanted, "vocabulary": len(chain.words)},
        "planted": int(sum(len(pairs) for pairs in truth["pairs"])),
        "diversity": {
            "real": _as_dict(diversity(_prefix(sample, words))),
            "generated": _as_dict(diversity(_prefix(generated, words))),
        },
    }
    arrays: dict[str, Any] = {name: np.concatenate(parts) for name, parts in truth.items()}
    with (folder / "truth.npz.partial").open("wb") as handle:
        np.savez(handle, **arrays)
    (folder / "truth.npz.partial").replace(folder / "truth.npz")
    partial.replace(folder / "corpus.txt")
    (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    return meta


def read_meta(folder: Path) -> dict[str, Any]:
    """The ``meta.json`` of a corpus folder."""
    meta: dict[str, Any] = json.loads((folder / "meta.json").read_text())
    return meta


def matches(folder: Path, *, size: int, seed: int) -> bool:
    """Whether ``folder`` holds a complete corpus written for these arguments here."""
    try:
        meta = read_meta(folder)
    except (OSError, ValueError):
        return False
    expected = {
        "format": FORMAT,
        "size": size,
        "seed": seed,
        "chunk": CHUNK,
        "installation": installation_key(),
    }
    return all(meta.get(key) == value for key, value in expected.items())


def paragraphs(folder: Path) -> Iterator[str]:
    """The paragraphs of ``corpus.txt``, one at a time."""
    with (folder / "corpus.txt").open(encoding="utf-8", newline="\n") as handle:
        for line in handle:
            yield line[:-1]


def describe(meta: dict[str, Any]) -> list[str]:
    """Lines saying what the corpus is and how diverse, next to the training text."""
    training = meta["training"]
    lines = [
        f"corpus: {meta['size']:,} paragraphs, seed {meta['seed']}, {meta['planted']:,} planted "
        f"near-copies; word chain trained on {training['paragraphs']:,} real paragraphs "
        f"({training['words']:,} words, vocabulary {training['vocabulary']:,})"
    ]
    for name in ("real", "generated"):
        shown = meta["diversity"][name]
        ratios = ", ".join(
            f"distinct {n}-grams {ratio:.3f}" for n, ratio in shown["ngram_ratio"].items()
        )
        lines.append(
            f"  {name:9} text, first {shown['words']:,} words: "
            f"vocabulary {shown['vocabulary']:,}, {ratios}"
        )
    return lines


def _real_sample(chain: MarkovText, real: Sequence[str]) -> list[I64]:
    """The training paragraphs in a fixed random order (a prefix is then a fair sample)."""
    order = np.random.default_rng(0).permutation(len(real))
    return token_rows(chain, [real[index] for index in order.tolist()])


def _collect(rows: list[I64], more: list[I64], wanted: int) -> None:
    have = sum(map(len, rows))
    for row in more:
        if have >= wanted:
            return
        rows.append(row)
        have += len(row)


def _prefix(rows: list[I64], words: int) -> list[I64]:
    """The first rows holding ``words`` words in all, the last one cut."""
    out: list[I64] = []
    for row in rows:
        if words <= 0:
            break
        out.append(row[:words])
        words -= len(out[-1])
    return out


def _jaccards(texts: list[str], pairs: I64, *, ngram: int) -> F64:
    return np.array(
        [
            jaccard(word_ngrams(texts[a], ngram=ngram), word_ngrams(texts[b], ngram=ngram))
            for a, b in pairs.tolist()
        ],
        dtype=np.float64,
    )


def _as_dict(measured: Diversity) -> dict[str, Any]:
    return {
        "words": measured.words,
        "vocabulary": measured.vocabulary,
        "ngram_ratio": {str(n): ratio for n, ratio in measured.ngram_ratio.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True, help="paragraphs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="folder for the three files")
    options = parser.parse_args(argv)
    if options.size < 1:
        parser.error(f"--size must be at least 1, got {options.size}")
    meta = write(options.out, size=options.size, seed=options.seed)
    print("\n".join(describe(meta)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
