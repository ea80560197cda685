"""The hook and warm ``check`` on a generated 5,000-file corpus, as a user runs them.

A git repository of ``--files`` files of 8 paragraphs of 40 to 90 words (a few copied
between files) is generated in a temporary folder, then each figure is the median
wall time of ``--rounds`` runs of the installed ``dedupe`` command:

- ``check cold``: an empty cache each round;
- ``check warm``: the cache filled, nothing changed;
- ``hook one file changed``: the cache filled, one file edited, ``dedupe hook FILE``;
- ``check one file changed``: the same edit, then ``dedupe check`` of everything.

It also prints the cache's size against the corpus's. Run:
``python -m benchmarks.hook --files 5000 --rounds 5``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [f"w{number}" for number in range(20_000)]


def generate(root: Path, *, files: int, seed: int = 7) -> int:
    """Write the corpus under ``root/corpus``; return its size in bytes."""
    rng = random.Random(seed)
    folder = root / "corpus"
    folder.mkdir(parents=True)
    shared = [" ".join(rng.choices(WORDS, k=60)) for _ in range(200)]
    size = 0
    for number in range(files):
        paragraphs = [" ".join(rng.choices(WORDS, k=rng.randint(40, 90))) for _ in range(8)]
        if number % 10 == 0:
            paragraphs[3] = rng.choice(shared)
        text = "\n\n".join(paragraphs) + "\n"
        (folder / f"{number:05d}.txt").write_text(text)
        size += len(text.encode())
    return size


def _dedupe(root: Path, *arguments: str) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of the command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "dedupe", *arguments, "--no-progress"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode())
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu


def _line(name: str, runs: list[tuple[float, float]]) -> str:
    wall = statistics.median(run[0] for run in runs)
    cpu = statistics.median(run[1] for run in runs)
    rounded = [round(run[0], 2) for run in runs]
    return f"{name:12} median wall {wall:.3f} s, CPU {cpu:.3f} s; walls {rounded}"


def main() -> None:
    """Generate the corpus, time the three runs, print medians and sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        corpus_size = generate(root, files=options.files)
        for command in (["init", "-q"], ["add", "-A"]):
            subprocess.run(["git", *command], cwd=root, check=True)
        cache = root / ".dedupe-cache"
        cold = []
        for _ in range(options.rounds):
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(_dedupe(root, "check"))
        time.sleep(2.5)  # past the racy window, as between two commits
        _dedupe(root, "check")
        warm = [_dedupe(root, "check") for _ in range(options.rounds)]
        hook = []
        changed = root / "corpus" / "00042.txt"
        for round_number in range(options.rounds):
            changed.write_text(changed.read_text() + f"\nA new paragraph {round_number}.\n")
            hook.append(_dedupe(root, "hook", changed.relative_to(root).as_posix()))
        edited = []
        for round_number in range(options.rounds):
            changed.write_text(changed.read_text() + f"\nAnother paragraph {round_number}.\n")
            edited.append(_dedupe(root, "check"))
        cache_size = sum(path.stat().st_size for path in cache.iterdir() if path.is_file())
    print(f"files {options.files}, corpus {corpus_size / 2**20:.1f} MiB")
    print(_line("check cold", cold))
    print(_line("check warm", warm))
    print(_line("hook 1 file", hook))
    print(_line("check 1 file", edited))
    for what, index in (("wall", 0), ("CPU", 1)):
        ratio = statistics.median(r[index] for r in warm) / statistics.median(
            r[index] for r in cold
        )
        print(f"warm / cold  {ratio:.0%} ({what})")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"cache {cache_size / 2**20:.1f} MiB = {cache_size / corpus_size:.0%} of the corpus")


if __name__ == "__main__":
    main()
