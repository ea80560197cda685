"""Compare dedupe with gaoya, fastsketchlsh, rensa and datasketch: time, memory, recall.

    python -m benchmarks.compare --sizes 100000 1000000 --json results.json

The corpus (``workload``; above 100k paragraphs, the 100k one repeated with rotated
letters) is built once per size and cached; each system then runs in a fresh subprocess
that loads it, so its peak memory is its own. ``dedupe`` runs twice: at the peers'
settings (5-grams, threshold 0.8) and at its defaults (``dedupe-defaults``). A system
whose package is missing gets a "not installed" row and is skipped.

- **CPU s**: user + system CPU seconds of the process during the call
  (``time.process_time``, every thread counted: gaoya, fastsketchlsh and ``dedupe`` use
  all cores), median of ``--repeat`` calls. For ``dedupe`` the call is the public
  ``find_duplicates``; for a peer, all its stages. The ratio columns divide a row's CPU
  seconds by those of ``dedupe`` at each of its two settings.
- **wall s**: wall-clock seconds of the same calls, median.
- **stage columns**: wall seconds of one instrumented run (``dedupe``'s on one thread).
- **peak MB**: the peak resident set size added above the loaded input (Linux: the peak
  is reset after loading through ``/proc/self/clear_refs``).
- **recall**: share of the ground-truth pairs whose two texts end in one cluster.

The cyclic garbage collector is paused during the timed calls of every system.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import importlib.util
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.peers import SYSTEMS, recall
from benchmarks.workload import load_workload, workload_file

STAGES = ("tokens+shingles", "signatures", "lsh", "verify", "cluster")
REFERENCES = ("dedupe", "dedupe-defaults")
"""The rows every row's CPU seconds are divided by, when they ran."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--systems", nargs="+", choices=list(SYSTEMS), default=list(SYSTEMS))
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per system")
    parser.add_argument("--json", type=Path, help="add the results to this JSON file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {options.repeat}")
    if options.worker:
        print(json.dumps(_measure(options.worker, options.corpus, options.repeat)))
        return 0
    results = _load(options.json)
    failed = False
    for size in options.sizes:
        try:
            path = workload_file(size, seed=options.seed)
        except ValueError as error:
            parser.error(f"--sizes: {error}")
        workload = load_workload(path)
        print(
            f"\n{size:,} paragraphs ({len(workload.truth)} true near-duplicate pairs, "
            f"sentence pool {workload.pool_size:,})",
            flush=True,
        )
        rows = [_spawn(system, path, options.repeat) for system in options.systems]
        failed = failed or any("error" in row for row in rows)
        measured = [row for row in rows if "total" in row]
        rerun = {(row["system"], size) for row in measured}
        results = [row for row in results if (row["system"], row["size"]) not in rerun]
        results.extend(measured)
        _print_table(rows)
        if options.json:
            options.json.write_text(json.dumps(results, indent=1) + "\n")
    return 3 if failed else 0


def _spawn(system: str, corpus: Path, repeat: int) -> dict[str, Any]:
    """Measure ``system`` in a fresh process; a row saying why when it cannot run."""
    if importlib.util.find_spec(SYSTEMS[system].module) is None:
        return {"system": system, "missing": SYSTEMS[system].distribution}
    command = [sys.executable, "-m", "benchmarks.compare", "--worker", system]
    command += ["--corpus", str(corpus), "--repeat", str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return {"system": system, "error": f"exit {done.returncode}: {last}"}
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def _measure(name: str, corpus: Path, repeat: int) -> dict[str, Any]:
    workload = load_workload(corpus)
    texts = workload.texts
    system = SYSTEMS[name]
    importlib.import_module(system.module)  # start-up imports (datasketch's scipy) are not work
    baseline = _reset_peak()
    with _collector_paused():
        wall, cpu = time.perf_counter(), time.process_time()
        stages, found = system.run(texts)
        runs = (
            [] if system.end_to_end else [(time.perf_counter() - wall, time.process_time() - cpu)]
        )
        if system.end_to_end:  # the instrumented run keeps every stage's arrays: not counted
            baseline = _reset_peak()
        timed = system.end_to_end or system.run
        runs += [_seconds(timed, texts) for _ in range(repeat - len(runs))]
    peak = _peak_rss() - baseline
    return {
        "system": name,
        "version": metadata.version(system.distribution),
        "size": len(texts),
        "pool": workload.pool_size,
        "truth": len(workload.truth),
        "stages": stages,
        "total": statistics.median(run[0] for run in runs),
        "cpu": statistics.median(run[1] for run in runs),
        "runs": [run[0] for run in runs],
        "cpu_runs": [run[1] for run in runs],
        "peak_mb": peak / 2**20,
        "recall": recall(len(texts), found, workload.truth),
        "pairs": len(found),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {_cpu_count()} cores, "
        f"Python {platform.python_version()}, NumPy {np.__version__}",
    }


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, as ``timeit`` does, for every system.

    The peers' shingles are tens of millions of live ``str`` objects at 1M paragraphs;
    with the collector running, its passes over them cost more than the sketches and
    vary by tens of seconds from run to run. None of the systems makes reference cycles.
    """
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _seconds(function: Callable[[list[str]], object], texts: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (all threads of the process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(texts)
    return time.perf_counter() - wall, time.process_time() - cpu


def _reset_peak() -> int:
    """Reset the peak RSS to the current RSS (Linux) and return the current RSS in bytes."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_kb("VmRSS") * 1024


def _peak_rss() -> int:
    return _status_kb("VmHWM") * 1024


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _load(path: Path | None) -> list[dict[str, Any]]:
    if path is None or not path.exists():
        return []
    rows: list[dict[str, Any]] = json.loads(path.read_text())
    return rows


def _print_table(rows: list[dict[str, Any]]) -> None:
    references = {
        row["system"]: row for row in rows if row["system"] in REFERENCES and "cpu" in row
    }
    ratios = [f"CPU / {name}" for name in REFERENCES]
    header = ["system", *STAGES, "wall s", "CPU s", *ratios, "peak MB", "recall"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        if "cpu" not in row:
            reason = (
                f"not installed (pip install {row['missing']}, or the bench extra)"
                if "missing" in row
                else f"failed: {row['error']}"
            )
            print(f"| {row['system']} | {reason} |" + " |" * (len(header) - 2), flush=True)
            continue
        cells = [
            f"{row['system']} {row['version']}",
            *(f"{row['stages'].get(stage, 0.0):.2f}" for stage in STAGES),
            f"{row['total']:.2f}",
            f"{row['cpu']:.2f}",
            *(
                f"{row['cpu'] / references[name]['cpu']:.2f}x" if name in references else "-"
                for name in REFERENCES
            ),
            f"{row['peak_mb']:.0f}",
            f"{row['recall']:.3f}",
        ]
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
