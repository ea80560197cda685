"""A real ``dask.distributed`` cluster for the Dask tests: 2 worker processes on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin


@contextmanager
def local_client() -> Iterator[Client]:
    """Two single-threaded worker processes on 127.0.0.1, no dashboard; closed on exit."""
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


class KillOnce(WorkerPlugin):
    """Kill the worker process the first time any worker starts a task of ``stage``.

    The ``marker`` file, created atomically, makes it once across workers and restarts;
    the nanny then starts a new worker, as when a machine of a cluster is lost.
    """

    def __init__(self, marker: str, stage: str) -> None:
        self.marker = marker
        self.stage = stage

    def transition(self, key: object, start: str, finish: str, **kwargs: object) -> None:
        if finish != "executing" or not str(key).startswith(f"dedupe-{self.stage}-"):
            return
        try:
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        os._exit(1)
