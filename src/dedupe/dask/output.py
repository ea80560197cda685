"""The Dask engine's table output: a DataFrame of cluster members, optionally a Parquet file."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from dedupe.atomic import replacing

if TYPE_CHECKING:
    import pandas

    from dedupe.cluster import PositionClusters


def member_frame(
    found: PositionClusters, *, output: str | os.PathLike[str] | None = None
) -> pandas.DataFrame:
    """Columns ``id``, ``cluster`` (its representative's id), ``similarity`` and ``keep``.

    One row per text that belongs to a cluster, sorted by id; ``keep`` is true for the
    representative of each cluster, the one to keep when deduplicating. Texts that are in
    no cluster have no row. With ``output`` the table is also written there as Parquet,
    atomically (a temporary file in the same folder, then a rename).
    """
    import pandas

    leaders = np.repeat(found.members[found.offsets[:-1]], np.diff(found.offsets))
    order = np.argsort(found.members, kind="stable")
    frame = pandas.DataFrame(
        {
            "id": found.members[order],
            "cluster": leaders[order],
            "similarity": found.similarities[order],
            "keep": found.members[order] == leaders[order],
        }
    )
    if output is not None:
        _write_parquet(frame, os.fspath(output))
    return frame


def _write_parquet(frame: pandas.DataFrame, path: str) -> None:
    with replacing(path) as temporary:
        frame.to_parquet(temporary, index=False)
