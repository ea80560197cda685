"""The commands ``check``, ``hook`` and ``baseline``: options in, a scan, a report out.

``hook`` (pre-commit, CI) puts the paragraphs of unchanged files first in priority, so a
finding always names the changed paragraph and points to the paragraph already there.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dedupe import __version__
from dedupe.atomic import replacing
from dedupe.cache import FingerprintCache
from dedupe.cli import CACHE_FOLDER_NAME, EXIT_CLEAN, EXIT_FINDINGS, report, say
from dedupe.cli.baseline import (
    BASELINE_FILE_NAME,
    entries_for,
    read_baseline,
    split_known,
    write_baseline,
)
from dedupe.cli.config import Config, load_config, parse_size
from dedupe.cli.git import corpus_names, toplevel
from dedupe.cli.parser import build_parser, with_default_command
from dedupe.cli.progress import Progress
from dedupe.cluster import Cluster
from dedupe.corpus import DEFAULT_MIN_WORDS, MAX_FILE_SIZE, Span, corpus_files, find_files, selected
from dedupe.errors import DedupeError, OutputError, SettingsError
from dedupe.parallel import available_cores
from dedupe.records import Reading
from dedupe.scan import STDIN, Scan, scan_files
from dedupe.settings import (
    DEFAULT_NUM_PERM,
    DEFAULT_SEED,
    DEFAULT_SHINGLE,
    DEFAULT_THRESHOLD,
    Settings,
    default_ngram,
)

RESOLVE_HINT = "reword or remove the new paragraph, or accept it with `dedupe baseline`"


def run_command(arguments: list[str]) -> int:
    """Parse ``arguments`` (``check`` when they name no command) and run the command."""
    namespace = build_parser().parse_args(with_default_command(arguments))
    return COMMANDS[namespace.command](namespace)


@dataclass(frozen=True, slots=True)
class Run:
    """Everything a command needs, from the command line, the config and the defaults."""

    settings: Settings
    config: Config
    paths: list[str]
    include: list[str]
    exclude: list[str]
    reading: Reading
    min_length: int
    min_words: int
    baseline: Path
    cache_dir: Path | None
    progress: bool
    verbose: bool
    quiet: bool


def resolve(arguments: argparse.Namespace) -> Run:
    """The options of a run: the command line wins over ``[tool.dedupe]``, then defaults."""
    cwd = Path.cwd()
    config = load_config(cwd, stop=toplevel(cwd))

    def pick(name: str, default: Any) -> Any:
        given = getattr(arguments, name.replace("-", "_"), None)
        if given is not None and given is not False:
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
    min_length, min_words = pick("min-length", 0), pick("min-words", DEFAULT_MIN_WORDS)
    for name, value in (("--min-length", min_length), ("--min-words", min_words)):
        if value < 0:
            raise SettingsError(f"{name} must be >= 0, got {value}")
    root = _relative(config.root)
    use_cache = not arguments.no_cache and config.get("cache") is not False
    cache_dir = _cache_dir(pick("cache-dir", root / CACHE_FOLDER_NAME), root=config.root)
    reading = Reading(
        text_field=pick("text-field", "text"),
        text_column=pick("text-column", "text"),
        unit=pick("unit", "paragraph"),
        skip_invalid=pick("skip-invalid", False),
        encoding=pick("encoding", "utf-8"),
        encoding_errors=pick("encoding-errors", "skip"),
        prose_only=not pick("all-blocks", False),
        max_file_size=parse_size(pick("max-file-size", MAX_FILE_SIZE)),
    )
    return Run(
        settings=settings,
        config=config,
        paths=getattr(arguments, "paths", None) or config.get("paths") or [],
        include=pick("include", []),
        exclude=pick("exclude", []),
        reading=reading,
        min_length=min_length,
        min_words=min_words,
        baseline=Path(pick("baseline", root / BASELINE_FILE_NAME)),
        cache_dir=cache_dir if use_cache else None,
        progress=not arguments.no_progress,
        verbose=arguments.verbose,
        quiet=arguments.quiet,
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


def check(arguments: argparse.Namespace) -> int:
    """``dedupe check`` and ``dedupe hook``: scan, drop what the baseline accepts, report."""
    run = resolve(arguments)
    files = corpus(run)
    changed: set[str] | None = None
    if arguments.command == "hook":
        changed = {_normal(name) for name in arguments.files}
        if not changed & {display for _, display in files}:
            note(run, "none of the files given is in the corpus; nothing to check")
            return EXIT_CLEAN
        files = [f for f in files if f[1] not in changed] + [f for f in files if f[1] in changed]
    if not files:
        warn(run, "warning: no files to check; name files or folders, or see `dedupe --help`")
    where = run.baseline.as_posix()
    entries = [] if arguments.no_baseline else read_baseline(run.baseline, display=where)
    # The baseline counts accepted copies over whole clusters, so it needs them all.
    scan = scan_corpus(run, files, focus=frozenset(changed) if changed and not entries else None)
    clusters = scan.clusters
    if entries:
        clusters, stale = split_known(clusters, entries, scan.text_of)
        for entry in stale:
            warn(
                run,
                f"{where}: stale entry (matches nothing): {entry.preview!r}; "
                "`dedupe baseline` drops it",
            )
    if changed is not None:
        clusters = involving(clusters, changed)
    name = arguments.format or run.config.get("format") or "text"
    diffs = report.diffs_of(clusters, scan.text_of) if arguments.diff else None
    if arguments.statistics:
        text = report.statistics(clusters)
    else:
        colour = arguments.output_file is None and name == "text" and _is_terminal(sys.stdout)
        text = report.render(
            name, clusters, settings=run.settings, diffs=diffs, colour=colour, hint=RESOLVE_HINT
        )
    write_report(text, arguments.output_file)
    findings = sum(len(cluster) - 1 for cluster in clusters)
    summary = (
        f"{len(clusters)} clusters, {findings} near-duplicate paragraphs "
        f"in {scan.paragraph_count} paragraphs of {len(scan.files)} files"
    )
    if clusters:
        warn(run, f"{summary}; {RESOLVE_HINT}")
    else:
        note(run, summary)
    return EXIT_FINDINGS if clusters and not arguments.exit_zero else EXIT_CLEAN


def baseline(arguments: argparse.Namespace) -> int:
    """``dedupe baseline``: accept every finding ``check`` reports now, and nothing else."""
    run = resolve(arguments)
    scan = scan_corpus(run, corpus(run))
    entries = entries_for(scan.clusters, scan.text_of)
    where = run.baseline.as_posix()
    try:
        write_baseline(run.baseline, entries)
    except OSError as error:
        raise DedupeError(f"{where}: cannot write baseline: {error.strerror}") from error
    warn(run, f"wrote {len(entries)} accepted clusters to {where}")
    return EXIT_CLEAN


def _dedup(arguments: argparse.Namespace) -> int:
    from dedupe.cli import dedup  # records, the writers and find_clusters: not for a check

    return dedup.run(arguments)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": check,
    "hook": check,
    "baseline": baseline,
    "dedup": _dedup,
}
"""Command name -> the function that runs it."""


def corpus(run: Run) -> list[tuple[Path, str]]:
    """The files of the run, ``(path, display name)`` in path order; warns about skipped ones."""
    if run.config.source is not None:
        note(run, f"configuration: {_relative(run.config.source).as_posix()}")
    skipped: list[tuple[str, str]] = []
    root = _relative(run.config.root)
    if run.paths:
        loops: list[str] = []
        named = [path for path in run.paths if path != STDIN]
        files = find_files(
            named,
            include=run.include,
            exclude=run.exclude,
            symlink_loops=loops,
            max_file_size=run.reading.max_file_size,
            skipped=skipped,
            root=root,
        )
        if STDIN in run.paths:
            files.append((Path(STDIN), STDIN))
        for name in loops:
            note(run, f"skipped symlink loop: {name}")
    else:
        baseline_name = _normal(run.baseline.as_posix())
        here = os.path.relpath(Path.cwd(), run.config.root)  # names are relative to cwd
        names = [name for name in corpus_names(Path.cwd()) if name != baseline_name]
        if run.include or run.exclude:
            names = [
                name
                for name in names
                if selected(
                    (name, os.path.normpath(os.path.join(here, name))),
                    include=run.include,
                    exclude=run.exclude,
                )
            ]
        candidates = [(name, Path(name)) for name in names]
        files = corpus_files(
            candidates, max_file_size=run.reading.max_file_size, skipped=skipped, listed=True
        )
    for name, reason in skipped:
        warn(run, f"warning: skipped {name}: {reason}")
    return files


def scan_corpus(
    run: Run, files: list[tuple[Path, str]], *, focus: frozenset[str] | None = None
) -> Scan:
    """Scan ``files`` (in priority order) with the run's cache and progress display.

    With ``focus``, only the clusters of those files' paragraphs are made.
    """
    cache = (
        FingerprintCache(
            run.cache_dir,
            settings=run.settings,
            version=__version__,
            warn=lambda message: warn(run, f"warning: {message}"),
        )
        if run.cache_dir is not None
        else None
    )
    progress = Progress(sys.stderr, enabled=run.progress and not run.quiet)
    try:
        scan = scan_files(
            files,
            settings=run.settings,
            min_length=run.min_length,
            min_words=run.min_words,
            cache=cache,
            workers=available_cores(),
            on_progress=progress.update,
            reading=run.reading,
            focus=focus,
        )
    finally:
        progress.close()
        if cache is not None:
            cache.close()
    for name in scan.skipped_binary:
        note(run, f"skipped binary file: {name}")
    for message in scan.skipped_undecodable:
        warn(run, f"warning: skipped {message}; use --encoding, or --encoding-errors replace")
    for message in scan.skipped_records:
        warn(run, f"warning: skipped {message}")
    if cache is not None:
        note(
            run,
            f"fingerprinted {scan.fingerprinted_files} of {len(scan.files)} files, "
            f"{cache.hits} from the cache {cache.path.as_posix()}; read {scan.read_files}",
        )
    return scan


def write_report(text: str, output_file: str | None) -> None:
    """Write the report to stdout or, atomically, to ``output_file``; failures are ``OutputError``.

    After a failed write to stdout it is pointed at the null device, so the
    interpreter's final flush of what is still buffered cannot fail a second time.
    """
    if output_file is not None:
        try:
            with replacing(output_file) as temporary:
                temporary.write_text(text, encoding="utf-8", newline="\n")
        except OSError as error:
            raise OutputError(
                f"{output_file}: cannot write the report: {error.strerror}"
            ) from error
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except (OSError, UnicodeEncodeError) as error:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
        raise OutputError(f"cannot write the report to stdout: {reason}") from error


def involving(clusters: list[Cluster[Span]], names: set[str]) -> list[Cluster[Span]]:
    """The findings in files of ``names``: their members, or all members when one leads."""
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


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def warn(run: Run, message: str) -> None:
    """A diagnostic that ``--quiet`` hides."""
    if not run.quiet:
        say(message)


def note(run: Run, message: str) -> None:
    """A diagnostic shown only with ``--verbose``."""
    if run.verbose and not run.quiet:
        say(message)
