"""The argument parser: one function per command, one per group of shared options.

A new command is a function that adds its sub-parser and the option groups it takes,
plus one line in ``COMMAND_BUILDERS``; its code lives in a module of its own.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, NoReturn

from dedupe._version import __version__
from dedupe.cli import CACHE_FOLDER_NAME
from dedupe.cli.baseline import BASELINE_FILE_NAME
from dedupe.cli.report import FORMATS
from dedupe.corpus import DEFAULT_MIN_WORDS, ENCODING_ERRORS, MAX_FILE_SIZE
from dedupe.errors import UsageError
from dedupe.records import UNITS
from dedupe.settings import (
    DEFAULT_CHAR_NGRAM,
    DEFAULT_NGRAM,
    DEFAULT_NUM_PERM,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    KEEP_POLICIES,
    SHINGLES,
)

DEFAULT_COMMAND = "check"
"""What ``dedupe PATH...`` (no command named) runs."""

_EXAMPLES = """\
examples:
  dedupe check corpus/                  near-duplicate paragraphs under corpus/
  dedupe corpus/                        the same: check is the default command
  dedupe check                          [tool.dedupe] paths, or the files git sees
  dedupe check --format json a.txt b/   the same as JSON
  dedupe check --diff --threshold 0.9   only very close copies, with what differs
  dedupe hook new.md                    new.md against the rest of the corpus (pre-commit)
  dedupe baseline                       accept the current findings; check reports new ones
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; see `{self.prog} --help`")


Subparsers = Any  # argparse's _SubParsersAction is private


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``dedupe`` command."""
    parser = _Parser(
        prog="dedupe",
        description="Find near-duplicate paragraphs in text files.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"dedupe {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMAND_BUILDERS.values():
        add(commands)
    return parser


def add_check(commands: Subparsers) -> None:
    """``dedupe check [PATH...]``."""
    check = command(
        commands, "check", "report near-duplicate paragraphs in files and folders (the default)"
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files and folders to check, - for stdin (default: [tool.dedupe] paths, "
        "else the files git tracks and untracked files it does not ignore)",
    )
    add_report_options(check)
    add_common_options(check)


def add_hook(commands: Subparsers) -> None:
    """``dedupe hook [FILE...]``."""
    hook = command(
        commands,
        "hook",
        "report near-duplicates in FILES of the rest of the corpus (pre-commit, CI)",
    )
    hook.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="changed files to report on (pre-commit passes them)",
    )
    add_report_options(hook)
    add_common_options(hook)


def add_baseline(commands: Subparsers) -> None:
    """``dedupe baseline [PATH...]``."""
    baseline = command(
        commands, "baseline", "accept the current findings: add them to the baseline"
    )
    baseline.add_argument(
        "paths", nargs="*", metavar="PATH", help="files and folders to check (as for check)"
    )
    add_common_options(baseline)


_DEDUP_EXAMPLES = """\
examples:
  dedupe dedup data.jsonl --output kept.jsonl            drop near-duplicate records
  dedupe dedup a.csv b.csv --text-column body -o out.csv  two CSV files, text in "body"
  dedupe dedup data.jsonl --annotate -o all.jsonl         every record, with its cluster
  dedupe dedup zh.jsonl --shingle char -o kept.jsonl      Chinese or Japanese text
"""

NGRAM_HELP = (
    f"words (default {DEFAULT_NGRAM}) or characters (default {DEFAULT_CHAR_NGRAM}) per shingle"
)


def add_record_options(parser: argparse.ArgumentParser) -> None:
    """Where records keep their text, and the shingle kind: for ``check`` and ``dedup``."""
    parser.add_argument(
        "--text-field",
        metavar="PATH",
        help="JSON Lines: the field holding the text, dotted for nested fields (default text)",
    )
    parser.add_argument(
        "--text-column", metavar="NAME", help="CSV, TSV, Parquet: the text column (default text)"
    )
    parser.add_argument(
        "--unit",
        choices=UNITS,
        help="text files: compare paragraphs, lines or whole files (default paragraph)",
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="pass over records without a text (counted) instead of stopping",
    )
    parser.add_argument(
        "--shingle",
        choices=SHINGLES,
        help="shingles of words, or of characters for unspaced scripts (default word)",
    )


def record_fields(arguments: argparse.Namespace) -> dict[str, Any]:
    """The ``records.Reading`` fields the record options give (the others keep defaults)."""
    given: dict[str, Any] = {
        name: getattr(arguments, name)
        for name in ("text_field", "text_column", "unit")
        if getattr(arguments, name, None) is not None
    }
    return {**given, "skip_invalid": bool(getattr(arguments, "skip_invalid", False))}


def add_dedup(commands: Subparsers) -> None:
    """``dedupe dedup INPUT... -o OUT``."""
    summary = "write the records of INPUT without their near-duplicates, in the same format"
    parser: argparse.ArgumentParser = commands.add_parser(
        "dedup",
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=_DEDUP_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files and folders to read")
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="the file to write (replaced)"
    )
    parser.add_argument(
        "--annotate",
        action="store_true",
        help="write every record, with cluster, similarity and keep fields",
    )
    parser.add_argument(
        "--keep", choices=KEEP_POLICIES, help="which record of a cluster is kept (default first)"
    )
    add_settings_options(parser)
    parser.add_argument("--encoding", help="text encoding of the files (default utf-8)")
    parser.add_argument(
        "--no-progress", action="store_true", help="never draw the progress bar on stderr"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )


COMMAND_BUILDERS: dict[str, Callable[[Subparsers], None]] = {
    "check": add_check,
    "hook": add_hook,
    "baseline": add_baseline,
    "dedup": add_dedup,
}
"""Command name -> the function that adds its sub-parser."""


def command(commands: Subparsers, name: str, summary: str) -> argparse.ArgumentParser:
    """A sub-parser with the summary as help and description, and the examples."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """Options of the commands that report findings."""
    parser.add_argument("--format", choices=sorted(FORMATS), help="output format (default text)")
    parser.add_argument(
        "--output-file", metavar="FILE", help="write the report to FILE instead of stdout"
    )
    parser.add_argument(
        "--diff", action="store_true", help="show a word diff of each finding against its match"
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print the number of findings per file instead of the findings",
    )
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="report every finding, ignoring the baseline"
    )


def add_settings_options(parser: argparse.ArgumentParser) -> None:
    """The detection settings and the record options, for every command that clusters."""
    parser.add_argument(
        "--threshold",
        type=float,
        help=f"minimum Jaccard similarity, in (0, 1] (default {DEFAULT_THRESHOLD})",
    )
    parser.add_argument("--ngram", type=int, help=NGRAM_HELP)
    parser.add_argument(
        "--num-perm", type=int, help=f"MinHash permutations (default {DEFAULT_NUM_PERM})"
    )
    parser.add_argument("--seed", type=int, help=f"MinHash seed (default {DEFAULT_SEED})")
    add_record_options(parser)


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """Options every command takes: detection settings, file selection, cache, output."""
    add_settings_options(parser)
    parser.add_argument(
        "--include", action="append", metavar="GLOB", help="only check files matching GLOB"
    )
    parser.add_argument(
        "--exclude", action="append", metavar="GLOB", help="skip files matching GLOB"
    )
    parser.add_argument("--encoding", help="text encoding of the files (default utf-8)")
    parser.add_argument(
        "--encoding-errors",
        choices=ENCODING_ERRORS,
        help="a file that does not decode: skip it with a warning (default), "
        "replace the bad bytes, or stop (strict)",
    )
    parser.add_argument(
        "--min-length",
        type=int,
        metavar="CHARS",
        help="ignore paragraphs shorter than CHARS characters (default 0)",
    )
    parser.add_argument(
        "--min-words",
        type=int,
        metavar="N",
        help=f"ignore paragraphs of fewer than N words (default {DEFAULT_MIN_WORDS})",
    )
    parser.add_argument(
        "--all-blocks",
        action="store_true",
        help="also check headings, code blocks, tables and front matter of Markdown and RST",
    )
    parser.add_argument(
        "--max-file-size",
        metavar="SIZE",
        help=f"skip files larger than SIZE bytes; K, M or G (default {MAX_FILE_SIZE >> 20}M)",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help=f"baseline file (default {BASELINE_FILE_NAME} in the project root)",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"fingerprint cache folder (default {CACHE_FOLDER_NAME} in the project root)",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--no-progress", action="store_true", help="never draw the progress display on stderr"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only findings and errors")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also list skipped files and cache use"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )


def with_default_command(arguments: list[str]) -> list[str]:
    """``arguments`` with ``check`` put first when they name no command (``dedupe PATH``)."""
    if arguments and (arguments[0] in COMMAND_BUILDERS or arguments[0] in ("-h", "--help")):
        return arguments
    if arguments[:1] == ["--version"]:
        return arguments
    return [DEFAULT_COMMAND, *arguments]
