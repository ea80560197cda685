"""The ``dedupe`` command: a thin layer over the library API.

Findings go to stdout, diagnostics to stderr, one line each; exit codes are the
``EXIT_*`` constants. No traceback reaches the user: library errors become one line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from dedupe import __version__, report
from dedupe.api import cluster_texts
from dedupe.corpus import load_corpus
from dedupe.errors import DedupeError
from dedupe.settings import (
    DEFAULT_NGRAM,
    DEFAULT_NUM_PERM,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    Settings,
)

EXIT_CLEAN = 0
"""No findings."""
EXIT_FINDINGS = 1
"""Near-duplicates were found."""
EXIT_ERROR = 2
"""Usage, configuration or input error."""
EXIT_INTERRUPTED = 130
"""Stopped by Ctrl-C."""

_EXAMPLES = """\
examples:
  dedupe check corpus/                 report near-duplicate paragraphs under corpus/
  dedupe check --format json a.txt b/  the same as JSON
  dedupe check --threshold 0.9 docs/   only very close copies
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``dedupe`` command."""
    parser = argparse.ArgumentParser(
        prog="dedupe",
        description="Find near-duplicate paragraphs in text files.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"dedupe {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="report near-duplicate paragraphs in files and folders",
        description="Report near-duplicate paragraphs in files and folders.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="files and folders to check")
    check.add_argument("--format", choices=sorted(report.FORMATS), default="text")
    check.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"minimum Jaccard similarity, in (0, 1] (default {DEFAULT_THRESHOLD})",
    )
    check.add_argument(
        "--ngram",
        type=int,
        default=DEFAULT_NGRAM,
        help=f"words per shingle (default {DEFAULT_NGRAM})",
    )
    check.add_argument(
        "--num-perm",
        type=int,
        default=DEFAULT_NUM_PERM,
        help=f"MinHash permutations (default {DEFAULT_NUM_PERM})",
    )
    check.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"MinHash seed (default {DEFAULT_SEED})"
    )
    check.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="only check files matching GLOB (repeatable)",
    )
    check.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files matching GLOB (repeatable)",
    )
    check.add_argument(
        "--encoding", default="utf-8", help="text encoding of the files (default utf-8)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse: --help, --version or a usage error
        return EXIT_CLEAN if exit_request.code in (0, None) else EXIT_ERROR
    try:
        return _check(arguments)
    except (DedupeError, ValueError) as error:
        print(f"dedupe: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("dedupe: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _check(arguments: argparse.Namespace) -> int:
    settings = Settings(
        threshold=arguments.threshold,
        num_perm=arguments.num_perm,
        ngram=arguments.ngram,
        seed=arguments.seed,
    )
    corpus = load_corpus(
        arguments.paths,
        include=arguments.include,
        exclude=arguments.exclude,
        encoding=arguments.encoding,
    )
    spans = [paragraph.span for paragraph in corpus.paragraphs]
    clusters = cluster_texts(spans, [paragraph.text for paragraph in corpus.paragraphs], settings)
    if arguments.format == "json":
        sys.stdout.write(report.json_report(clusters, settings=settings.as_dict()))
    else:
        sys.stdout.write(report.FORMATS[arguments.format](clusters))
    duplicates = sum(len(cluster) - 1 for cluster in clusters)
    print(
        f"dedupe: {len(clusters)} clusters, {duplicates} near-duplicate paragraphs "
        f"in {len(corpus.paragraphs)} paragraphs of {len(corpus.files)} files",
        file=sys.stderr,
    )
    return EXIT_FINDINGS if clusters else EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
