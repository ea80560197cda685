"""Wall time of the local and the Dask engine on the same synthetic corpus.

Run: ``python -m benchmarks.dask_engine 20000 200000`` (needs the ``dask`` extra). The
corpus is the Dask tests' generator (random paragraphs with injected near and exact
duplicates); the cluster is 2 single-threaded worker processes on loopback. Each engine
runs once per size after a warm-up on a small input, and the two results are compared.
"""

from __future__ import annotations

import sys
import time
from importlib.metadata import version

from tests.dask_cluster import local_client
from tests.test_dask_engine import make_corpus

import dedupe


def main(sizes: list[int]) -> None:
    print(
        f"dedupe {dedupe.__version__}, dask {version('dask')}, distributed {version('distributed')}"
    )
    print("| paragraphs | local (s) | dask, 2 workers (s) | clusters | identical |")
    print("|---:|---:|---:|---:|:---:|")
    with local_client() as client:
        dedupe.find_duplicates(make_corpus(2_000, seed=1), engine="dask", client=client)
        for size in sizes:
            texts = make_corpus(size, seed=2024)
            start = time.perf_counter()
            local = dedupe.find_duplicates(texts)
            local_time = time.perf_counter() - start
            start = time.perf_counter()
            distributed = dedupe.find_duplicates(texts, engine="dask", client=client)
            dask_time = time.perf_counter() - start
            same = "yes" if distributed == local else "NO"
            print(f"| {size:,} | {local_time:.2f} | {dask_time:.2f} | {len(local):,} | {same} |")


if __name__ == "__main__":
    main([int(argument) for argument in sys.argv[1:]] or [20_000, 200_000])
