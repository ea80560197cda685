"""Tabular text inputs for the Dask engine: Parquet or JSON Lines files with a text column.

This module only describes and checks the input; ``dedupe.dask.engine`` reads it with
``dask.dataframe``. Keeping the two apart lets ``dedupe.api`` recognise the input type
without importing Dask.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Format = Literal["parquet", "jsonl"]
FORMATS: tuple[Format, ...] = ("parquet", "jsonl")

_SUFFIXES: dict[str, Format] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


@dataclass(frozen=True, slots=True)
class TextFiles:
    """Files whose rows are texts: ``TextFiles(["part-*.parquet"], column="text")``.

    ``paths`` are files, folders or glob patterns, as ``dask.dataframe.read_parquet`` /
    ``read_json(lines=True)`` accept them. They are sorted before reading, and every row
    gets an id: its 0-based number counting the rows of the files in that order, so ids
    do not depend on the order the paths were given or discovered in. ``format`` is taken
    from the suffix of the first path when not given.
    """

    paths: tuple[str, ...]
    column: str = "text"
    format: Format | None = None

    def __init__(
        self,
        paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
        *,
        column: str = "text",
        format: Format | None = None,
    ) -> None:
        listed = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        if not listed:
            raise ValueError("paths must name at least one file, folder or glob pattern")
        if not isinstance(column, str) or not column:
            raise ValueError(f"column must be a non-empty column name, got {column!r}")
        if format is not None and format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
        object.__setattr__(self, "paths", tuple(sorted(os.fspath(path) for path in listed)))
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "format", format)

    @property
    def resolved_format(self) -> Format:
        """``format``, or the one the suffix of the first path names."""
        if self.format is not None:
            return self.format
        first = self.paths[0]
        suffix = os.path.splitext(first.removesuffix(".gz"))[1].lower()
        if suffix not in _SUFFIXES:
            raise ValueError(
                f"cannot tell the format of {first!r} from its suffix; "
                f"pass format= one of {', '.join(FORMATS)}"
            )
        return _SUFFIXES[suffix]
