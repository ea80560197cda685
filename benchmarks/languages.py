"""Word or character shingles on Chinese, Japanese and French: recall, precision, time.

    python -m benchmarks.languages [--pages 200] [--sources 300] [--json FILE]

Real text nobody here wrote: the man pages of Debian's ``manpages-zh``, ``manpages-ja``
and ``manpages-fr``, fetched with ``apt-get download`` into ``.benchmarks/languages``,
unpacked with ``dpkg-deb -x`` and rendered with ``man -l`` (``benchmarks.manpages``).
Paragraphs are blocks of non-blank lines in the language's script (at least half of the
characters CJK for Chinese and Japanese, letters for French), joined without spaces
for CJK (``man`` wraps lines anywhere there) and with one for French; exact copies are
dropped.

``--sources`` paragraphs get one edited copy per rate of ``RATES`` (``edits.edit_words``:
substitutions, insertions, deletions and swaps; on characters for Chinese and Japanese,
on words for French; a copy at rate 0 is the source itself); all other paragraphs stay
as unrelated real text. Per method:

- recall per rate: the share of copies in their source's cluster;
- precision: the share of reported (member, representative) pairs from one family (a
  source and its copies); real man pages repeat boilerplate, so pairs of genuinely
  similar unrelated paragraphs count against it: a lower bound;
- time: wall seconds of ``find_duplicates`` on the whole corpus (median of 3).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

import dedupe
from benchmarks.edits import edit_count, edit_words
from benchmarks.manpages import render_page

LANGUAGES = {"zh": "manpages-zh", "ja": "manpages-ja", "fr": "manpages-fr"}
CJK = ("zh", "ja")
RATES = (0.0, 0.05, 0.10, 0.20, 0.30)
CACHE = Path(".benchmarks") / "languages"
MIN_CJK_CHARACTERS = 40
MIN_WORDS = 20
METHODS: dict[str, dict[str, Any]] = {
    "word 3": {"shingle": "word", "ngram": 3},
    "char 3": {"shingle": "char", "ngram": 3},
    "char 4": {"shingle": "char", "ngram": 4},
    "char 5": {"shingle": "char", "ngram": 5},
    "char 7": {"shingle": "char", "ngram": 7},
}
THRESHOLD = 0.4
_SPACE = "\ue000"  # a space as a character unit of the edits (a private-use code point)


def fetch(language: str, *, cache: Path = CACHE) -> Path:
    """The unpacked package of a language's man pages (downloaded once)."""
    package = LANGUAGES[language]
    folder = cache / package
    if folder.exists():
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", package], cwd=cache, check=True)
    [deb] = sorted(cache.glob(f"{package}_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(folder)], check=True)
    return folder


def rendered(language: str, *, pages: int, cache: Path = CACHE) -> list[str]:
    """The texts of ``pages`` man pages of the language (every k-th, rendered once)."""
    folder = fetch(language, cache=cache)
    found = sorted(path for path in folder.rglob("*.gz") if "/man/" in path.as_posix())
    chosen = found[:: max(1, len(found) // pages)][:pages]
    target = cache / "text" / language

    def text_of(page: Path) -> str:
        stored = target / f"{page.parent.name}-{page.name}.txt"
        if not stored.exists():
            stored.parent.mkdir(parents=True, exist_ok=True)
            stored.write_text(render_page(page) or "", encoding="utf-8")
        return stored.read_text(encoding="utf-8")

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(text_of, chosen))


def paragraphs(language: str, texts: Sequence[str]) -> list[str]:
    """Distinct paragraphs of the language's script, long enough to be worth comparing."""
    found: dict[str, None] = {}
    for text in texts:
        for block in text.split("\n\n"):
            lines = [line.strip() for line in block.splitlines() if line.strip()]
            joined = ("" if language in CJK else " ").join(lines)
            if _in_script(joined, language):
                found.setdefault(joined, None)
    return list(found)


def _in_script(text: str, language: str) -> bool:
    if language in CJK:
        cjk = sum(1 for char in text if _is_cjk(char))
        return cjk >= MIN_CJK_CHARACTERS and cjk >= len(text) / 2
    return len(text.split()) >= MIN_WORDS and sum(map(str.isalpha, text)) >= 0.7 * len(text)


def _is_cjk(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA"))


def corpus(
    language: str, texts: list[str], *, sources: int, seed: int
) -> tuple[list[str], list[int], list[float | None]]:
    """Sources with one copy per rate, then unrelated paragraphs: texts, families, rates."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(texts)).tolist()
    chosen, rest = order[:sources], order[sources:]
    vocabulary = sorted({unit for text in texts for unit in _units(text, language)})
    result: list[str] = []
    families: list[int] = []
    rates: list[float | None] = []
    for family, index in enumerate(chosen):
        source = texts[index]
        result.append(source)
        families.append(family)
        rates.append(None)
        for rate in RATES:
            spaced = " ".join(_units(source, language))
            count = edit_count(len(spaced.split()), rate=rate, rng=rng)
            copy = edit_words(spaced, edits=count, rng=rng, vocabulary=vocabulary)
            result.append("".join(copy.split()).replace(_SPACE, " ") if language in CJK else copy)
            families.append(family)
            rates.append(rate)
    for number, index in enumerate(rest):
        result.append(texts[index])
        families.append(sources + number)
        rates.append(None)
    return result, families, rates


def _units(text: str, language: str) -> list[str]:
    """What edits work on: characters (a space kept as a unit of its own) or words."""
    return list(text.replace(" ", _SPACE)) if language in CJK else text.split()


def evaluate(
    texts: list[str], families: list[int], rates: list[float | None], options: dict[str, Any]
) -> dict[str, Any]:
    """Recall per rate, precision and median time of one method."""
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        clusters = dedupe.find_duplicates(texts, threshold=THRESHOLD, **options)
        seconds.append(time.perf_counter() - started)
    leader = list(range(len(texts)))
    same, pairs = 0, 0
    for cluster in clusters:
        head = cluster.representative.key
        for member in cluster.members[1:]:
            leader[member.key] = head
            pairs += 1
            same += families[member.key] == families[head]
    recall = {}
    for rate in RATES:
        copies = [i for i, r in enumerate(rates) if r == rate]
        found = sum(families[leader[i]] == families[i] and leader[i] != i for i in copies)
        recall[f"{round(rate * 100)}%"] = found / len(copies) if copies else float("nan")
    return {
        "recall": recall,
        "precision": same / pairs if pairs else 1.0,
        "pairs": pairs,
        "seconds": statistics.median(seconds),
    }


def table(results: dict[str, dict[str, dict[str, Any]]], sizes: dict[str, int]) -> str:
    """A Markdown table: one row per language and method."""
    head = " | ".join(f"recall {round(rate * 100)}%" for rate in RATES)
    lines = [
        f"| language | texts | shingles | {head} | precision | time (s) |",
        "|---" * (5 + len(RATES)) + "|",
    ]
    for language, methods in results.items():
        for name, found in methods.items():
            recall = " | ".join(f"{value:.2f}" for value in found["recall"].values())
            lines.append(
                f"| {language} | {sizes[language]} | {name} | {recall} | "
                f"{found['precision']:.3f} | {found['seconds']:.3f} |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="man pages per language")
    parser.add_argument("--sources", type=int, default=300, help="paragraphs given copies")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    options = parser.parse_args(argv)
    results: dict[str, dict[str, dict[str, Any]]] = {}
    sizes: dict[str, int] = {}
    for language in options.languages:
        real = paragraphs(language, rendered(language, pages=options.pages))
        sources = min(options.sources, len(real) // 3)
        texts, families, rates = corpus(language, real, sources=sources, seed=options.seed)
        sizes[language] = len(texts)
        results[language] = {
            name: evaluate(texts, families, rates, method) for name, method in METHODS.items()
        }
    print(table(results, sizes))
    if options.json:
        options.json.write_text(json.dumps({"sizes": sizes, "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
