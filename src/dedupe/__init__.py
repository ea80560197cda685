"""dedupe: find near-duplicate paragraphs in text corpora.

>>> import dedupe
>>> clusters = dedupe.find_duplicates(["one text here", "another", "One text, here!"])
>>> clusters[0].keys
(0, 2)
"""

from dedupe._version import __version__
from dedupe.api import find_duplicates, find_duplicates_in_files
from dedupe.cluster import Cluster, Member
from dedupe.corpus import Span
from dedupe.dask.inputs import TextFiles
from dedupe.errors import CorpusError, DedupeError, IndexFileError, RecordError, SettingsError
from dedupe.index import Index
from dedupe.settings import Settings
from dedupe.stream import deduplicate

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
