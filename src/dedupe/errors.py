"""Exceptions raised by dedupe.

Invalid parameters raise the built-in ``ValueError`` / ``TypeError`` (they are programming
errors); problems with the user's files raise ``CorpusError``, whose message is one line
that names the file and what to do about it.
"""

from __future__ import annotations


class DedupeError(Exception):
    """Base class of the errors dedupe raises about input it was given."""


class CorpusError(DedupeError):
    """A file or folder could not be read, decoded or walked."""


class IndexFileError(DedupeError):
    """A saved index could not be loaded: missing, damaged, or written with other settings."""
