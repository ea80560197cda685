"""The Dask engine's table output: a DataFrame of cluster members, optionally a Parquet file."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from dedupe.atomic import replacing

if TYPE_CHECKING:
    import pandas

    from dedupe.dask.engine import MemberTable


def member_frame(
    table: MemberTable, *, output: str | os.PathLike[str] | None = None
) -> pandas.DataFrame:
    """Columns ``id``, ``cluster`` (its first member's id), ``similarity`` and ``keep``.

    One row per text that belongs to a cluster, sorted by id; ``keep`` is true for the
    first member of each cluster, the one to keep when deduplicating. Texts that are in
    no cluster have no row. With ``output`` the table is also written there as Parquet,
    atomically (a temporary file in the same folder, then a rename).
    """
    import pandas

    order = np.argsort(table.ids, kind="stable")
    frame = pandas.DataFrame(
        {
            "id": table.ids[order],
            "cluster": table.clusters[order],
            "similarity": table.similarities[order],
            "keep": table.ids[order] == table.clusters[order],
        }
    )
    if output is not None:
        _write_parquet(frame, os.fspath(output))
    return frame


def _write_parquet(frame: pandas.DataFrame, path: str) -> None:
    with replacing(path) as temporary:
        frame.to_parquet(temporary, index=False)
