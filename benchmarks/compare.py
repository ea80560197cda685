"""Compare dedupe, datasketch and rensa on the same corpus: time per stage, memory, recall.

    python -m benchmarks.compare --sizes 100000 1000000 --json results.json

The corpus (``workload``) is built once per size in this process and cached; each
system then runs in a fresh subprocess that loads it, so its peak memory is its own.
Memory is the peak resident set size added above the loaded input (Linux: the peak is
reset after loading through ``/proc/self/clear_refs``). The cyclic garbage collector is
paused during the timed calls of every system. Times are wall-clock seconds;
``dedupe``'s end-to-end time is the median of ``--repeat`` calls of the public
``find_duplicates``, a peer's is the sum of its stages (median over repeats as well).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
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

from benchmarks.peers import SYSTEMS, end_to_end_dedupe, recall
from benchmarks.workload import load_workload, workload_file

STAGES = ("tokens+shingles", "signatures", "lsh", "verify", "cluster")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--systems", nargs="+", choices=sorted(SYSTEMS), default=list(SYSTEMS))
    parser.add_argument("--repeat", type=int, default=3, help="end-to-end runs per system")
    parser.add_argument("--json", type=Path, help="append the results to this JSON file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        print(json.dumps(_measure(options.worker, options.corpus, options.repeat)))
        return 0
    results = _load(options.json)
    for size in options.sizes:
        path = workload_file(size, seed=options.seed)
        workload = load_workload(path)
        print(
            f"\n{size:,} paragraphs ({len(workload.truth)} true near-duplicate pairs, "
            f"sentence pool {workload.pool_size:,})",
            flush=True,
        )
        rows = [_spawn(system, path, options.repeat) for system in options.systems]
        rerun = {(row["system"], size) for row in rows}
        results = [row for row in results if (row["system"], row["size"]) not in rerun]
        results.extend(rows)
        _print_table(rows)
        if options.json:
            options.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


def _spawn(system: str, corpus: Path, repeat: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.compare", "--worker", system]
    command += ["--corpus", str(corpus), "--repeat", str(repeat)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    row: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return row


def _measure(system: str, corpus: Path, repeat: int) -> dict[str, Any]:
    workload = load_workload(corpus)
    texts = workload.texts
    run = SYSTEMS[system]
    importlib.import_module(system)  # start-up imports (datasketch's scipy) are not work
    baseline = _reset_peak()
    with _collector_paused():
        stages, found = run(texts)
        if system == "dedupe":
            totals = [_seconds(end_to_end_dedupe, texts) for _ in range(repeat)]
        else:
            totals = [sum(stages.values())]
            totals += [sum(run(texts)[0].values()) for _ in range(repeat - 1)]
    peak = _peak_rss() - baseline
    return {
        "system": system,
        "version": _version(system),
        "size": len(texts),
        "pool": workload.pool_size,
        "truth": len(workload.truth),
        "stages": stages,
        "total": statistics.median(totals),
        "runs": totals,
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


def _seconds(function: Callable[[list[str]], object], texts: list[str]) -> float:
    start = time.perf_counter()
    function(texts)
    return time.perf_counter() - start


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


def _version(system: str) -> str:
    return metadata.version("paragraph-dedupe" if system == "dedupe" else system)


def _load(path: Path | None) -> list[dict[str, Any]]:
    if path is None or not path.exists():
        return []
    rows: list[dict[str, Any]] = json.loads(path.read_text())
    return rows


def _print_table(rows: list[dict[str, Any]]) -> None:
    reference = next((row for row in rows if row["system"] == "dedupe"), None)
    header = ["system", *STAGES, "end to end", "ratio", "peak MB", "recall"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        ratio = row["total"] / reference["total"] if reference else float("nan")
        cells = [
            f"{row['system']} {row['version']}",
            *(f"{row['stages'].get(stage, 0.0):.2f}" for stage in STAGES),
            f"{row['total']:.2f}",
            f"{ratio:.1f}x",
            f"{row['peak_mb']:.0f}",
            f"{100 * row['recall']:.1f}%",
        ]
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
