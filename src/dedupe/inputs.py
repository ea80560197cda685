"""Checks of the arguments of the entry points that would otherwise give a wrong answer.

A folder name given as a bare ``str`` iterates as its characters, a DataFrame as its
column names, a mapping as its keys: each would run and return a wrong result without
a word. These checks make each a ``TypeError`` that names the fix. Types are told by
name, so no data frame library is imported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any


def check_paths(paths: object) -> None:
    """Refuse one path where a collection of paths is wanted."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError(
            f"paths must be a list of files and folders, not a single {type(paths).__name__}; "
            f"wrap it in a list: [{paths!r}]"
        )


def check_texts(texts: object, *, keyed: bool) -> None:
    """Refuse a data frame, and a mapping where texts are not ``keyed``."""
    if any(kind.__name__ == "DataFrame" for kind in type(texts).__mro__):
        keys = ', or frame["text"].to_dict() to key them by the index' if keyed else ""
        raise TypeError(
            "texts is a DataFrame, which iterates as its column names; "
            f'pass its text column: frame["text"] (a Series){keys}'
        )
    if not keyed and isinstance(texts, Mapping):
        raise TypeError(
            "texts is a mapping, which iterates as its keys; pass its values: texts.values()"
        )


def series_index(texts: object) -> list[Any] | None:
    """A pandas Series' index labels, to be the keys of its texts; else ``None``.

    A polars Series has no index, so its texts are keyed by position like a list's.
    """
    kinds = type(texts).__mro__
    if any(kind.__name__ == "Series" and kind.__module__.startswith("pandas") for kind in kinds):
        return list(texts.index)  # type: ignore[attr-defined]
    return None
