"""Every exception dedupe raises about what it was given, in one place.

Each is a ``DedupeError``, whose message is one line naming the file, key or parameter
and what to do about it; the command line prints exactly these as ``error: ...`` with
exit code 2, and treats anything else as a bug. Errors about parameters also subclass the
built-in ``ValueError``, so code that catches it keeps working. A ``TypeError`` (a
single ``str`` where a list is wanted, a mapping where texts are) is a programming error
and stays the built-in one.
"""

from __future__ import annotations


class DedupeError(Exception):
    """Base class of the errors dedupe raises about input it was given."""


class SettingsError(DedupeError, ValueError):
    """A detection option or another parameter is out of range or of the wrong type."""


class UsageError(DedupeError):
    """The command line is wrong; raised instead of argparse's exit."""


class ConfigError(DedupeError):
    """``[tool.dedupe]`` is ill-formed; the message names the file and the key."""


class CorpusError(DedupeError):
    """A file or folder could not be read, decoded or walked."""


class RecordError(DedupeError):
    """A record has no text where one is asked for, or a record file is ill-formed."""


class BaselineError(DedupeError):
    """The baseline file cannot be read or is ill-formed; the message names it."""


class IndexFileError(DedupeError):
    """A saved index could not be loaded: missing, damaged, or written with other settings."""


class OutputError(DedupeError):
    """The report could not be written to stdout (a full disk, a closed pipe, an encoding)."""


class EngineError(DedupeError):
    """A distributed run failed after Dask's retries; the message says which step."""
