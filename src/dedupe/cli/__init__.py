"""The ``dedupe`` command: a thin layer over the library, the cache and the baseline.

Findings go to stdout, diagnostics to stderr, one line each; exit codes are the
``EXIT_*`` constants. No traceback reaches the user unless ``--debug`` asks for it: an
error about the input (a ``DedupeError``) becomes one line and exit 2, anything else (a
bug, memory running out) one line and exit 3, so exit 1 always means findings.
Options given on the command line win over ``[tool.dedupe]`` in ``pyproject.toml``,
which wins over the built-in defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from dedupe import __version__
from dedupe.cache import FingerprintCache
from dedupe.cli import dedup, report
from dedupe.cli.baseline import (
    BASELINE_FILE_NAME,
    entries_for,
    read_baseline,
    split_known,
    write_baseline,
)
from dedupe.cli.config import Config, load_config, parse_size
from dedupe.cli.git import toplevel, tracked_files
from dedupe.cli.progress import Progress
from dedupe.cluster import Cluster
from dedupe.corpus import MAX_FILE_SIZE, Span, corpus_files, find_files, selected
from dedupe.errors import DedupeError, OutputError, SettingsError, UsageError
from dedupe.parallel import available_cores
from dedupe.records import Reading
from dedupe.scan import Scan, scan_files
from dedupe.settings import (
    DEFAULT_NUM_PERM,
    DEFAULT_SEED,
    DEFAULT_SHINGLE,
    DEFAULT_THRESHOLD,
    Settings,
    default_ngram,
)

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

CACHE_FOLDER_NAME = ".dedupe-cache"

_EXAMPLES = """\
examples:
  dedupe check corpus/                  near-duplicate paragraphs under corpus/
  dedupe check                          the files of [tool.dedupe] paths, or all git tracks
  dedupe check --format json a.txt b/   the same as JSON
  dedupe check --threshold 0.9 docs/    only very close copies
  dedupe hook new.md                    new.md against the whole corpus (pre-commit)
  dedupe baseline                       accept today's duplicates; check reports new ones
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; see `{self.prog} --help`")


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
    check = _command(
        commands, "check", "report near-duplicate paragraphs in files and folders (the default)"
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files and folders to check (default: [tool.dedupe] paths, else all files git tracks)",
    )
    _add_report_options(check)
    hook = _command(
        commands,
        "hook",
        "report near-duplicates involving FILES, checked against the whole corpus (pre-commit)",
    )
    hook.add_argument(
        "files", nargs="*", metavar="FILE", help="files to report on (pre-commit passes them)"
    )
    _add_report_options(hook)
    baseline = _command(
        commands, "baseline", "accept the current near-duplicates: write them to the baseline"
    )
    baseline.add_argument(
        "paths", nargs="*", metavar="PATH", help="files and folders to check (as for check)"
    )
    for command in (check, hook, baseline):
        _add_common_options(command)
        dedup.add_record_options(command)
    dedup.add_parser(commands)
    return parser


def _command(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=sorted(report.FORMATS), help="output format (default text)"
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="report every finding, ignoring the baseline"
    )


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threshold",
        type=float,
        help=f"minimum Jaccard similarity, in (0, 1] (default {DEFAULT_THRESHOLD})",
    )
    parser.add_argument(
        "--ngram",
        type=int,
        help=dedup.NGRAM_HELP,
    )
    parser.add_argument(
        "--num-perm", type=int, help=f"MinHash permutations (default {DEFAULT_NUM_PERM})"
    )
    parser.add_argument("--seed", type=int, help=f"MinHash seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--include", action="append", metavar="GLOB", help="only check files matching GLOB"
    )
    parser.add_argument(
        "--exclude", action="append", metavar="GLOB", help="skip files matching GLOB"
    )
    parser.add_argument("--encoding", help="text encoding of the files (default utf-8)")
    parser.add_argument(
        "--min-length",
        type=int,
        metavar="CHARS",
        help="ignore paragraphs shorter than CHARS characters (default 0)",
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
        "--no-progress", action="store_true", help="never draw the progress bar on stderr"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also list skipped files and cache use"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    debug = False
    try:
        arguments = build_parser().parse_args(argv)
        debug = arguments.debug
        return _COMMANDS[arguments.command](arguments)
    except SystemExit as exit_request:  # --help or --version
        return EXIT_CLEAN if exit_request.code in (0, None) else EXIT_ERROR
    except DedupeError as error:
        _say(f"error: {error}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug, or memory or recursion ran out: never exit 1
        if debug:
            traceback.print_exc()
        hint = "" if debug else "; run again with --debug for the traceback"
        _say(f"internal error: {type(error).__name__}: {error}{hint}")
        return EXIT_INTERNAL


@dataclass(frozen=True, slots=True)
class _Run:
    """Everything a command needs, from the command line, the config and the defaults."""

    settings: Settings
    config: Config
    paths: list[str]
    include: list[str]
    exclude: list[str]
    encoding: str
    min_length: int
    max_file_size: int
    baseline: Path
    cache_dir: Path | None
    progress: bool
    verbose: bool
    reading: Reading


def _run(arguments: argparse.Namespace) -> _Run:
    cwd = Path.cwd()
    config = load_config(cwd, stop=toplevel(cwd))

    def pick(name: str, default: Any) -> Any:
        given = getattr(arguments, name.replace("-", "_"), None)
        if given is not None:
            return given
        configured = config.get(name)
        return default if configured is None else configured

    shingle = pick("shingle", DEFAULT_SHINGLE)
    settings = Settings(
        threshold=pick("threshold", DEFAULT_THRESHOLD),
        num_perm=pick("num-perm", DEFAULT_NUM_PERM),
        ngram=pick("ngram", default_ngram(shingle)),
        seed=pick("seed", DEFAULT_SEED),
        shingle=shingle,
    )
    min_length = pick("min-length", 0)
    if min_length < 0:
        raise SettingsError(f"--min-length must be >= 0, got {min_length}")
    root = _relative(config.root)
    use_cache = not arguments.no_cache and config.get("cache") is not False
    cache_dir = _cache_dir(pick("cache-dir", root / CACHE_FOLDER_NAME), root=config.root)
    return _Run(
        settings=settings,
        config=config,
        paths=getattr(arguments, "paths", None) or config.get("paths") or [],
        include=pick("include", []),
        exclude=pick("exclude", []),
        encoding=pick("encoding", "utf-8"),
        min_length=min_length,
        max_file_size=parse_size(pick("max-file-size", MAX_FILE_SIZE)),
        baseline=Path(pick("baseline", root / BASELINE_FILE_NAME)),
        cache_dir=cache_dir if use_cache else None,
        progress=not arguments.no_progress,
        verbose=arguments.verbose,
        reading=dedup.reading_from(arguments, encoding=pick("encoding", "utf-8")),
    )


def _cache_dir(value: str | Path, *, root: Path) -> Path:
    """The cache folder, refused when it is a folder of the user's own (it gets ``*`` ignored)."""
    if str(value) == "":
        raise SettingsError("--cache-dir must name a folder, got ''")
    folder = Path(value).resolve()
    for mine, what in ((root.resolve(), "the project root"), (Path.cwd(), "the working directory")):
        if mine.is_relative_to(folder):
            raise SettingsError(
                f"--cache-dir must be a folder of its own, not {what} or above it, got {value!r}"
            )
    return Path(value)


def _check(arguments: argparse.Namespace) -> int:
    run = _run(arguments)
    report_on: set[str] | None = None
    if arguments.command == "hook":
        report_on = {_normal(name) for name in arguments.files}
    files = _corpus_files(run)
    if report_on is not None and not report_on & {display for _, display in files}:
        _note(run, "none of the files given is in the corpus; nothing to check")
        return EXIT_CLEAN
    scan = _scan(run, files)
    clusters = scan.clusters
    if not arguments.no_baseline:
        entries = read_baseline(run.baseline, display=run.baseline.as_posix())
        clusters, stale = split_known(clusters, entries, scan.texts_by_span())
        for entry in stale:
            _say(f"{run.baseline.as_posix()}: stale entry (no longer found): {entry.preview!r}")
        if stale:
            _say("run `dedupe baseline` to drop stale entries")
    if report_on is not None:
        clusters = _involving(clusters, report_on)
    _write_report(
        report.render(
            arguments.format or run.config.get("format") or "text", clusters, settings=run.settings
        )
    )
    duplicates = sum(len(cluster) - 1 for cluster in clusters)
    summary = (
        f"{len(clusters)} clusters, {duplicates} near-duplicate paragraphs "
        f"in {len(scan.paragraphs)} paragraphs of {len(scan.files)} files"
    )
    if clusters:
        _say(summary)
    else:
        _note(run, summary)
    return EXIT_FINDINGS if clusters else EXIT_CLEAN


def _baseline(arguments: argparse.Namespace) -> int:
    run = _run(arguments)
    scan = _scan(run, _corpus_files(run))
    entries = entries_for(scan.clusters, scan.texts_by_span())
    where = run.baseline.as_posix()
    try:
        write_baseline(run.baseline, entries)
    except OSError as error:
        raise DedupeError(f"{where}: cannot write baseline: {error.strerror}") from error
    _say(f"wrote {len(entries)} accepted clusters to {where}")
    return EXIT_CLEAN


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": _check,
    "hook": _check,
    "baseline": _baseline,
    "dedup": dedup.run,
}


def _corpus_files(run: _Run) -> list[tuple[Path, str]]:
    if run.config.source is not None:
        _note(run, f"configuration: {_relative(run.config.source).as_posix()}")
    skipped: list[tuple[str, str]] = []
    if run.paths:
        loops: list[str] = []
        files = find_files(
            run.paths,
            include=run.include,
            exclude=run.exclude,
            symlink_loops=loops,
            max_file_size=run.max_file_size,
            skipped=skipped,
        )
        for name in loops:
            _note(run, f"skipped symlink loop: {name}")
    else:
        baseline = _normal(run.baseline.as_posix())
        names = [
            name
            for name in tracked_files(Path.cwd())
            if name != baseline
            and selected((name,), include=run.include, exclude=run.exclude)
            and Path(name).exists()  # deleted files and dangling links are not the corpus
            and not Path(name).is_dir()  # submodules
        ]
        candidates = [(name, Path(name)) for name in names]
        files = corpus_files(candidates, max_file_size=run.max_file_size, skipped=skipped)
    for name, reason in skipped:
        _say(f"warning: skipped {name}: {reason}")
    return files


def _scan(run: _Run, files: list[tuple[Path, str]]) -> Scan:
    cache = (
        FingerprintCache(
            run.cache_dir,
            settings=run.settings,
            encoding=run.encoding,
            version=__version__,
            warn=lambda message: _say(f"warning: {message}"),
        )
        if run.cache_dir is not None
        else None
    )
    progress = Progress(sys.stderr, total=2 * len(files), label="dedupe", enabled=run.progress)
    try:
        scan = scan_files(
            files,
            settings=run.settings,
            encoding=run.encoding,
            min_length=run.min_length,
            cache=cache,
            workers=available_cores(),
            on_progress=progress.advance,
            max_file_size=run.max_file_size,
            reading=run.reading,
        )
    finally:
        progress.close()
        if cache is not None:
            cache.close()
    for name in scan.skipped_binary:
        _note(run, f"skipped binary file: {name}")
    if cache is not None:
        _note(
            run,
            f"fingerprinted {scan.fingerprinted_files} of {len(scan.files)} files, "
            f"{cache.hits} from the cache {cache.path.as_posix()}",
        )
    return scan


def _write_report(text: str) -> None:
    """Write and flush the report; a full disk, closed pipe or encoding is an ``OutputError``.

    After a failed write stdout is pointed at the null device, so the interpreter's
    final flush of what is still buffered cannot fail a second time.
    """
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except (OSError, UnicodeEncodeError) as error:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
        raise OutputError(f"cannot write the report to stdout: {reason}") from error


def _involving(clusters: list[Cluster[Span]], names: set[str]) -> list[Cluster[Span]]:
    """The findings that involve a file of ``names``: its members, or all if it leads."""
    kept: list[Cluster[Span]] = []
    for cluster in clusters:
        if cluster.representative.key.path in names:
            kept.append(cluster)
            continue
        members = [member for member in cluster.members[1:] if member.key.path in names]
        if members:
            kept.append(Cluster((cluster.representative, *members)))
    return kept


def _normal(name: str) -> str:
    return Path(os.path.normpath(name)).as_posix()


def _relative(path: Path) -> Path:
    return Path(os.path.relpath(path, Path.cwd()))


def _say(message: str) -> None:
    print(f"dedupe: {report.shown(message)}", file=sys.stderr)


def _note(run: _Run, message: str) -> None:
    if run.verbose:
        _say(message)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
