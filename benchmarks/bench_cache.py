"""Warm-cache check: 10k paragraphs in 100 files, one file changed between runs.

Run: ``python benchmarks/bench_cache.py`` (``--files``, ``--paragraphs``, ``--runs``).
Builds the corpus in a temporary folder, warms the cache with one run, then times
``--runs`` checks, each after rewriting one file with a new paragraph. It reports the
median wall time of ``main([...])`` in-process and of the ``dedupe`` command in a new
process (interpreter and import start-up included).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dedupe.cli import EXIT_FINDINGS, main


def build_corpus(folder: Path, *, files: int, paragraphs: int, rng: random.Random) -> None:
    """``files`` files of ``paragraphs`` paragraphs of 40 to 80 words; 1% repeated."""
    vocabulary = [f"word{index}" for index in range(20_000)]
    written: list[str] = []
    for number in range(files):
        parts = []
        for _ in range(paragraphs):
            if written and rng.random() < 0.01:
                parts.append(rng.choice(written))
            else:
                parts.append(" ".join(rng.choices(vocabulary, k=rng.randint(40, 80))))
                written.append(parts[-1])
        (folder / f"part-{number:04d}.txt").write_text("\n\n".join(parts) + "\n")


def change_one_file(folder: Path, *, run: int) -> None:
    """Append a new paragraph to one file, so it alone has new content."""
    target = folder / "part-0000.txt"
    target.write_text(target.read_text() + f"\nA new paragraph, number {run}, for this run.\n")


def time_in_process(arguments: list[str]) -> float:
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(arguments)
    elapsed = time.perf_counter() - started
    assert code == EXIT_FINDINGS, code
    return elapsed


def time_new_process(arguments: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "dedupe", *arguments], capture_output=True, check=False
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == EXIT_FINDINGS, done.stderr
    return elapsed


def main_benchmark() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--paragraphs", type=int, default=100, help="per file")
    parser.add_argument("--runs", type=int, default=11)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        corpus = root / "corpus"
        corpus.mkdir()
        build_corpus(
            corpus, files=options.files, paragraphs=options.paragraphs, rng=random.Random(1)
        )
        os.chdir(root)
        arguments = ["check", "--no-progress", "--cache-dir", "cache", "corpus"]
        cold = time_in_process(arguments)
        in_process, new_process = [], []
        for run in range(options.runs):
            change_one_file(corpus, run=2 * run)
            in_process.append(time_in_process(arguments))
            change_one_file(corpus, run=2 * run + 1)
            new_process.append(time_new_process(arguments))
    total = options.files * options.paragraphs
    print(f"corpus: {total} paragraphs in {options.files} files; cold run {cold:.3f} s")
    print(
        f"warm, one file changed, in-process main():  median {statistics.median(in_process):.3f} s"
    )
    print(
        f"warm, one file changed, `python -m dedupe`: median {statistics.median(new_process):.3f} s"
    )


if __name__ == "__main__":
    main_benchmark()
