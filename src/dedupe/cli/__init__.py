"""The ``dedupe`` command: a thin layer over the library, the cache and the baseline.

Findings go to stdout (or ``--output-file``), diagnostics to stderr, one line each; exit
codes are the ``EXIT_*`` constants. No traceback reaches the user unless ``--debug``
asks for it: an error about the input (a ``DedupeError``) becomes one line and exit 2,
anything else (a bug, memory running out) one line and exit 3, so exit 1 always means
findings. Options given on the command line win over ``[tool.dedupe]`` in
``pyproject.toml``, which wins over the built-in defaults.

This module imports nothing heavy: ``dedupe --version`` answers without NumPy, and the
parser (``dedupe.cli.parser``) and the commands (``dedupe.cli.check``) are imported
only when a command runs.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dedupe._version import __version__

if TYPE_CHECKING:
    import argparse

CACHE_FOLDER_NAME = ".dedupe-cache"
"""The fingerprint cache's folder in the project root, unless ``--cache-dir`` says otherwise."""

EXIT_CLEAN = 0
"""No findings (or none that are new)."""
EXIT_FINDINGS = 1
"""Near-duplicates were found."""
EXIT_ERROR = 2
"""Usage, configuration or input error."""
EXIT_INTERNAL = 3
"""An unexpected error: a bug in dedupe, or memory or another resource ran out."""
EXIT_INTERRUPTED = 130
"""Stopped by Ctrl-C."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``dedupe`` command (see ``dedupe.cli.parser``)."""
    from dedupe.cli.parser import build_parser as build

    return build()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments == ["--version"]:
        print(f"dedupe {__version__}")
        return EXIT_CLEAN
    debug = "--debug" in arguments
    try:
        from dedupe.cli.check import run_command
        from dedupe.errors import DedupeError

        try:
            return run_command(arguments)
        except SystemExit as exit_request:  # --help or --version
            return EXIT_CLEAN if exit_request.code in (0, None) else EXIT_ERROR
        except DedupeError as error:
            say(f"error: {error}")
            return EXIT_ERROR
    except KeyboardInterrupt:
        say("interrupted")
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug, or memory or recursion ran out: never exit 1
        if debug:
            traceback.print_exc()
        hint = "" if debug else "; run again with --debug for the traceback"
        say(f"internal error: {type(error).__name__}: {error}{hint}")
        return EXIT_INTERNAL


def say(message: str) -> None:
    """One diagnostic line on stderr, with undecodable bytes of file names shown as ``\\xNN``."""
    from dedupe.cli.report import shown

    print(f"dedupe: {shown(message)}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
