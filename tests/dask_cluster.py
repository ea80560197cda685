"""A real ``dask.distributed`` cluster for the Dask tests: 2 worker processes on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, LocalCluster


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
