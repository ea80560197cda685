"""``dedupe dedup`` beside text-dedup's and datatrove's MinHash on one JSON Lines corpus.

    python -m benchmarks.pipelines --size 100000 --json .benchmarks/pipelines.json

The corpus is the benchmark workload (``workload``: real sentences, a tenth edited
copies) written as JSON Lines records ``{"id", "text", "meta"}``. Each system runs as
its documentation shows, in its own process tree, one after the other:

- ``dedupe dedup corpus.jsonl --output kept.jsonl`` (this project's ``.venv``);
- text-dedup: ``python -m text_dedup.minhash --path json --data_files corpus.jsonl ...``;
- datatrove: the four-stage MinHash pipeline of its example (signatures, buckets,
  clusters, filter) on ``LocalPipelineExecutor``.

The peers run from a benchmark-only environment (``--peers-python``, by default
``.benchmarks/peers-venv``, made with ``pip install text-dedup datatrove``); they are
never installed into the project's environment. All three get the same word 5-grams
and about the same threshold (0.7; datatrove's is set by its 14 bands of 8 rows).
Wall time is measured around the whole command; peak memory is the largest sum of the
resident set sizes of the process tree, sampled every 50 ms from ``/proc``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.workload import load_workload, workload_file

THRESHOLD = 0.7
NGRAM = 5
NUM_PERM = 128
ROOT = Path(__file__).resolve().parents[1]

_DATATROVE = """\
import sys
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupCluster, MinhashDedupFilter
from datatrove.pipeline.dedup import MinhashDedupBuckets, MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers.jsonl import JsonlWriter

if __name__ == "__main__":  # the executor starts processes that import this file
    corpus, work, tasks = sys.argv[1], sys.argv[2], int(sys.argv[3])
    config = MinhashConfig(n_grams={ngram})
    def reader():
        return JsonlReader(corpus, glob_pattern="corpus.jsonl", id_key="id")
    stage1 = LocalPipelineExecutor(
        pipeline=[
            reader(), MinhashDedupSignature(output_folder=f"{{work}}/signatures", config=config)
        ],
        tasks=tasks, logging_dir=f"{{work}}/logs/signatures",
    )
    stage2 = LocalPipelineExecutor(
        pipeline=[MinhashDedupBuckets(
            input_folder=f"{{work}}/signatures", output_folder=f"{{work}}/buckets", config=config
        )],
        tasks=config.num_buckets, workers=tasks, depends=stage1,
        logging_dir=f"{{work}}/logs/buckets",
    )
    stage3 = LocalPipelineExecutor(
        pipeline=[MinhashDedupCluster(
            input_folder=f"{{work}}/buckets", output_folder=f"{{work}}/remove_ids", config=config
        )],
        tasks=1, logging_dir=f"{{work}}/logs/clusters", depends=stage2,
    )
    stage4 = LocalPipelineExecutor(
        pipeline=[
            reader(),
            MinhashDedupFilter(input_folder=f"{{work}}/remove_ids"),
            JsonlWriter(f"{{work}}/output", compression=None),
        ],
        tasks=tasks, logging_dir=f"{{work}}/logs/filter", depends=stage3,
    )
    stage4.run()
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="records in the corpus")
    parser.add_argument(
        "--peers-python",
        type=Path,
        default=ROOT / ".benchmarks" / "peers-venv" / "bin" / "python",
        help="the Python of the benchmark-only environment with text-dedup and datatrove",
    )
    parser.add_argument("--work", type=Path, default=ROOT / ".benchmarks" / "pipelines")
    parser.add_argument("--systems", nargs="+", default=["dedupe", "text-dedup", "datatrove"])
    parser.add_argument("--json", type=Path, help="append the results to this JSON file")
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=8.0,
        help="GiB of address space each process may take (the machine is shared)",
    )
    options = parser.parse_args(argv)
    work: Path = options.work / str(options.size)
    corpus = write_corpus(work, options.size)
    results = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "records": options.size,
        "corpus_bytes": corpus.stat().st_size,
        "systems": {},
    }
    for system in options.systems:
        folder = work / system
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        command = COMMANDS[system](corpus, folder, options.peers_python)
        wall, peak = measure(command, cwd=folder, limit=int(options.memory_limit * 2**30))
        kept = KEPT[system](folder, options.peers_python)
        results["systems"][system] = {"wall_s": wall, "peak_rss_mb": peak / 2**20, "kept": kept}
        print(f"{system:12} {wall:8.1f} s {peak / 2**20:8.0f} MB  kept {kept}", flush=True)
    if options.json:
        previous = json.loads(options.json.read_text()) if options.json.exists() else []
        options.json.write_text(json.dumps([*previous, results], indent=2) + "\n")
    return 0


def write_corpus(work: Path, size: int) -> Path:
    """The workload's texts as JSON Lines records, written once per size."""
    path = work / "corpus.jsonl"
    if path.exists():
        return path
    work.mkdir(parents=True, exist_ok=True)
    texts = load_workload(workload_file(size)).texts
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as file:
        for number, text in enumerate(texts):
            record = {"id": str(number), "text": text, "meta": {"source": "bench", "n": number}}
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.rename(path)
    return path


def _dedupe(corpus: Path, folder: Path, peers: Path) -> list[str]:
    return [
        str(ROOT / ".venv" / "bin" / "dedupe"),
        "dedup",
        str(corpus),
        "--output",
        str(folder / "kept.jsonl"),
        "--threshold",
        str(THRESHOLD),
        "--ngram",
        str(NGRAM),
        "--num-perm",
        str(NUM_PERM),
        "--no-progress",
    ]


def _text_dedup(corpus: Path, folder: Path, peers: Path) -> list[str]:
    return [
        str(peers),
        "-m",
        "text_dedup.minhash",
        "--path",
        "json",
        "--data_files",
        str(corpus),
        "--split",
        "train",
        "--cache_dir",
        str(folder / "cache"),
        "--output",
        str(folder / "output"),
        "--column",
        "text",
        "--threshold",
        str(THRESHOLD),
        "--ngram",
        str(NGRAM),
        "--num_perm",
        str(NUM_PERM),
        "--num_proc",
        str(os.cpu_count() or 1),
    ]


def _datatrove(corpus: Path, folder: Path, peers: Path) -> list[str]:
    script = folder / "minhash_pipeline.py"
    script.write_text(_DATATROVE.format(ngram=NGRAM))
    return [str(peers), str(script), str(corpus.parent), str(folder), str(os.cpu_count() or 1)]


COMMANDS = {"dedupe": _dedupe, "text-dedup": _text_dedup, "datatrove": _datatrove}


def _kept_dedupe(folder: Path, peers: Path) -> int:
    with (folder / "kept.jsonl").open("rb") as file:
        return sum(1 for _ in file)


def _kept_text_dedup(folder: Path, peers: Path) -> int:
    code = "import sys, datasets; print(len(datasets.load_from_disk(sys.argv[1])))"
    found = subprocess.run(
        [str(peers), "-c", code, str(folder / "output")], capture_output=True, text=True, check=True
    )
    return int(found.stdout.split()[-1])


def _kept_datatrove(folder: Path, peers: Path) -> int:
    total = 0
    for part in sorted((folder / "output").glob("*.jsonl")):
        with part.open("rb") as file:
            total += sum(1 for _ in file)
    return total


KEPT = {"dedupe": _kept_dedupe, "text-dedup": _kept_text_dedup, "datatrove": _kept_datatrove}


def measure(command: list[str], *, cwd: Path, limit: int) -> tuple[float, int]:
    """Wall seconds of a command and the peak total resident memory of its process tree.

    Each process of the tree may map at most ``limit`` bytes, so a system that would
    take the shared machine's memory fails instead.
    """

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    log = (cwd / "log.txt").open("w")
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, preexec_fn=limited
    )
    peak = 0
    while child.poll() is None:
        peak = max(peak, tree_rss(child.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - started
    log.close()
    if child.returncode != 0:
        raise SystemExit(f"{command[0]} failed with {child.returncode}; see {cwd / 'log.txt'}")
    return wall, peak


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux ``/proc``)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


if __name__ == "__main__":
    sys.exit(main())
