"""dedupe: find near-duplicate paragraphs in text corpora.

>>> import dedupe
>>> clusters = dedupe.find_duplicates(["one text here", "another", "One text, here!"])
>>> clusters[0].keys
(0, 2)

The public names are imported on first use (a module ``__getattr__``), so that
``import dedupe`` and ``dedupe --version`` do not import NumPy; type checkers see the
imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dedupe._version import __version__

if TYPE_CHECKING:
    from dedupe.api import find_duplicates, find_duplicates_in_files
    from dedupe.cluster import Cluster, Member
    from dedupe.corpus import Span
    from dedupe.dask.inputs import TextFiles
    from dedupe.errors import (
        CorpusError,
        DedupeError,
        IndexFileError,
        RecordError,
        SettingsError,
    )
    from dedupe.index import Index
    from dedupe.settings import Settings
    from dedupe.stream import deduplicate

_HOMES = {
    "Cluster": "dedupe.cluster",
    "CorpusError": "dedupe.errors",
    "DedupeError": "dedupe.errors",
    "Index": "dedupe.index",
    "IndexFileError": "dedupe.errors",
    "Member": "dedupe.cluster",
    "RecordError": "dedupe.errors",
    "Settings": "dedupe.settings",
    "SettingsError": "dedupe.errors",
    "Span": "dedupe.corpus",
    "TextFiles": "dedupe.dask.inputs",
    "deduplicate": "dedupe.stream",
    "find_duplicates": "dedupe.api",
    "find_duplicates_in_files": "dedupe.api",
}

__all__ = [
    "Cluster",
    "CorpusError",
    "DedupeError",
    "Index",
    "IndexFileError",
    "Member",
    "RecordError",
    "Settings",
    "SettingsError",
    "Span",
    "TextFiles",
    "__version__",
    "deduplicate",
    "find_duplicates",
    "find_duplicates_in_files",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'dedupe' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
