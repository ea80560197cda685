"""``dedupe dedup INPUT... --output OUT``: write the kept records, in the input's format.

The records of all inputs (files, or folders walked as ``dedupe check`` walks them, in
sorted path order) are clustered together; what is kept is each cluster's representative
and every record in no cluster, as ``dedupe.deduplicate`` keeps them. The output has the
inputs' format, each kept record's bytes (JSON Lines, CSV, TSV) or values (Parquet) as
read, in input order; ``--annotate`` writes every record with ``cluster`` (the location of
its representative), ``similarity`` and ``keep`` added. Records skipped as invalid are
written as they were. The output is replaced atomically, and never one of the inputs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

import numpy as np

from dedupe.atomic import replacing
from dedupe.chain import find_clusters
from dedupe.cli import report
from dedupe.cli.parser import record_fields
from dedupe.cli.progress import Progress
from dedupe.cluster import PositionClusters
from dedupe.corpus import Span, find_files
from dedupe.errors import SettingsError, UsageError
from dedupe.parallel import available_cores
from dedupe.records import (
    Reading,
    RecordWriter,
    Skipped,
    Verdict,
    format_of,
    read_records,
)
from dedupe.settings import (
    Options,
    settings_from,
)


def run(arguments: argparse.Namespace) -> int:
    """Read, cluster, write; the summary goes to stderr. Exit 0: dropping is the job."""
    given = {
        name: value
        for name in ("threshold", "ngram", "num_perm", "seed", "keep", "shingle")
        if (value := getattr(arguments, name)) is not None
    }
    settings = settings_from(cast(Options, given))
    reading = Reading(
        **record_fields(arguments),
        encoding=arguments.encoding or "utf-8",
        max_file_size=sys.maxsize,  # records are streamed: no size limit
    )
    passed_over: list[tuple[str, str]] = []
    # Records are streamed, so no size limit: only FIFOs, devices and the like are skipped.
    files = find_files(arguments.inputs, max_file_size=sys.maxsize, skipped=passed_over)
    for name, reason in passed_over:
        _say(f"warning: skipped {name}: {reason}")
    if not files:
        raise UsageError("no input files found; name files or folders with records")
    kinds = {format_of(display) for _, display in files}
    if len(kinds) > 1:
        raise UsageError(
            f"the inputs mix formats ({', '.join(sorted(kinds))}); give files of one format"
        )
    output = Path(arguments.output)
    _check_output(output, files)
    progress = Progress(sys.stderr, enabled=not arguments.no_progress)
    skipped = Skipped()
    texts: list[str] = []
    numbers: list[int] = []
    lines: list[int] = []
    counts: list[int] = []
    try:
        for number, (path, display) in enumerate(files, start=1):
            before = len(texts)
            records = read_records(path, display=display, reading=reading, skipped=skipped)
            for record in records:
                texts.append(record.text)
                numbers.append(record.number)
                lines.append(record.span.start_line)
            counts.append(len(texts) - before)
            progress.update("reading", number, len(files))
        progress.update("clustering", 0, len(texts))
        found = find_clusters(texts, settings, workers=available_cores())
        verdicts = _Verdicts(found, files, counts, np.array(numbers), np.array(lines))
        with replacing(output) as temporary:
            kind = kinds.pop()
            with RecordWriter(
                temporary, kind=kind, reading=reading, annotate=arguments.annotate
            ) as writer:
                for index, (path, display) in enumerate(files):
                    writer.add(path, display=display, verdicts=verdicts.of_file(index))
                    progress.update("writing", index + 1, len(files))
    finally:
        progress.close()
    for reason in skipped.reasons if len(skipped) <= 10 else skipped.reasons[:10]:
        _say(f"skipped {reason}")
    kept = int(verdicts.kept.sum())
    summary = f"{len(texts) - kept} near-duplicate records dropped, {kept} kept"
    if arguments.annotate:
        summary = f"{len(texts) - kept} near-duplicate records marked keep=false, {kept} kept"
    if len(skipped):
        summary += f", {len(skipped)} invalid records skipped (written as they were)"
    _say(f"{summary}; {len(texts)} records in {len(files)} files; wrote {output.as_posix()}")
    return 0


class _Verdicts:
    """Per record of every input: kept or not, its representative and similarity."""

    def __init__(
        self,
        found: PositionClusters,
        files: Sequence[tuple[Path, str]],
        counts: Sequence[int],
        numbers: np.ndarray,
        lines: np.ndarray,
    ) -> None:
        total = len(numbers)
        sizes = np.diff(found.offsets)
        leaders = np.repeat(found.members[found.offsets[:-1]], sizes)
        self.leader = np.full(total, -1, dtype=np.int64)
        self.leader[found.members] = leaders
        self.similarity = np.zeros(total, dtype=np.float64)
        self.similarity[found.members] = found.similarities
        self.kept = (self.leader < 0) | (self.leader == np.arange(total))
        self._files = files
        self._owner = np.repeat(np.arange(len(files)), counts)
        self._lines = lines
        self._starts = np.concatenate(([0], np.cumsum(counts)))
        self._numbers = numbers

    def of_file(self, index: int) -> Callable[[int], Verdict]:
        """The verdict function of one input file, by record number."""
        low, high = int(self._starts[index]), int(self._starts[index + 1])
        numbers = self._numbers[low:high]  # ascending: the file's valid records
        count = int(numbers[-1]) + 1 if len(numbers) else 0
        keep = np.ones(count, dtype=bool)
        keep[numbers] = self.kept[low:high]
        leader = np.full(count, -1, dtype=np.int64)
        leader[numbers] = self.leader[low:high]
        similarity = np.zeros(count, dtype=np.float64)
        similarity[numbers] = self.similarity[low:high]
        keeps, leaders, similarities = keep.tolist(), leader.tolist(), similarity.tolist()
        names: dict[int, str] = {}

        def verdict(number: int) -> Verdict:
            if number >= count or leaders[number] < 0:  # in no cluster, or skipped as invalid
                return Verdict(keep=True)
            head = leaders[number]
            if head not in names:
                line = int(self._lines[head])
                names[head] = str(Span(self._files[self._owner[head]][1], line, line))
            return Verdict(keep=keeps[number], cluster=names[head], similarity=similarities[number])

        return verdict


def _check_output(output: Path, files: Sequence[tuple[Path, str]]) -> None:
    if output.is_dir():
        raise SettingsError(f"--output must name a file, got the folder {output.as_posix()!r}")
    if not output.parent.exists() and str(output.parent):
        raise SettingsError(f"--output: no such folder {output.parent.as_posix()!r}")
    if output.exists():
        for path, display in files:
            if os.path.samefile(path, output):
                raise SettingsError(
                    f"--output must not be an input ({display}); write to another file"
                )


def _say(message: str) -> None:
    print(f"dedupe: {report.shown(message)}", file=sys.stderr)
