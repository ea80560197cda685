"""Records: texts read from JSON Lines, CSV/TSV, Parquet and text files, and written back.

A file's format comes from its suffix (``format_of``). What a record is:

- JSON Lines: each non-blank line is a JSON object; its text is the field ``text_field``,
  a dotted path into nested objects (``meta.body``). Location: its line.
- CSV / TSV: the first row names the columns; each later row is a record, its text in the
  column ``text_column``. Quoted fields may hold newlines. Location: its first line.
- Parquet (through the optional ``pyarrow``): each row, its text in ``text_column``.
  Location: its row number, from 1.
- Text files: units of ``unit``: ``paragraph`` (as ``dedupe.corpus`` splits them),
  ``line`` (each non-blank line) or ``file`` (the whole file).

A record whose text is missing, null or not a string (or a line that is not a JSON
object) is a ``RecordError`` naming the file and line, unless ``skip_invalid`` is set:
then it is passed over and listed in ``skipped``. Readers stream: one line, row or
Parquet batch at a time. Writers copy each kept record's bytes as read (JSON Lines,
CSV) or its values (Parquet), so every field survives exactly; annotations are added
after the record's own fields.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, get_args

from dedupe.corpus import (
    MAX_FILE_SIZE,
    Paragraph,
    Span,
    decode_text,
    read_text,
    split_paragraphs,
)
from dedupe.errors import RecordError, SettingsError

Format = Literal["jsonl", "csv", "tsv", "parquet", "text"]
Unit = Literal["paragraph", "line", "file"]
UNITS: tuple[Unit, ...] = get_args(Unit)
RECORD_FORMATS: tuple[Format, ...] = ("jsonl", "csv", "tsv", "parquet")
ANNOTATIONS = ("cluster", "similarity", "keep")
"""The fields ``--annotate`` adds to every record."""

_SUFFIXES: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_DELIMITERS = {"csv": ",", "tsv": "\t"}
_PARQUET_BATCH = 65_536


@dataclass(frozen=True, slots=True)
class Reading:
    """How texts are read from files: encoding, bad bytes, which blocks of prose, where a
    record keeps its text and what a text unit is."""

    text_field: str = "text"
    text_column: str = "text"
    unit: Unit = "paragraph"
    skip_invalid: bool = False
    encoding: str = "utf-8"
    encoding_errors: str = "strict"  # "strict", "replace" or "skip" (the file)
    prose_only: bool = False
    max_file_size: int = MAX_FILE_SIZE

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise SettingsError(f"unit must be one of {', '.join(UNITS)}, got {self.unit!r}")
        for name in ("text_field", "text_column"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value or "" in value.split("."):
                raise SettingsError(f"{name} must name a field, got {value!r}")

    def key(self, display: str) -> bytes:
        """What a file's units depend on besides its bytes: the decoding, and the options of
        its format (part of its cache row's key)."""
        kind = format_of(display)
        detail = {"jsonl": self.text_field, "text": self.unit}.get(kind, self.text_column)
        decoding = f"{self.encoding}\0{self.encoding_errors == 'replace'}\0{self.prose_only}"
        return f"{kind}\0{detail}\0{self.skip_invalid}\0{decoding}".encode()


DEFAULT_READING = Reading()


@dataclass(frozen=True, slots=True)
class Record:
    """A record's text and place: ``number`` counts every record of its file from 0."""

    number: int
    text: str
    span: Span


@dataclass(slots=True)
class Skipped:
    """Records passed over with ``skip_invalid``: ``where: reason`` each."""

    reasons: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.reasons)


def format_of(name: str) -> Format:
    """The format a file's suffix names; ``text`` for any other suffix."""
    suffix = os.path.splitext(name)[1].lower()  # Path(name).suffix, without a Path per file
    return _SUFFIXES.get(suffix, "text")


def read_records(
    path: str | os.PathLike[str],
    *,
    display: str | None = None,
    reading: Reading = DEFAULT_READING,
    skipped: Skipped | None = None,
) -> Iterator[Record]:
    """Stream the records of a file with their texts (see the module docstring).

    ``display`` is the file's name in spans and messages (default: ``path`` as given).
    """
    path = Path(path)
    display = path.as_posix() if display is None else display
    kind = format_of(display)
    if kind == "parquet":
        yield from _parquet_records(path, display, reading, skipped)
    elif kind == "text":
        text = read_text(
            path, display=display, encoding=reading.encoding, max_file_size=reading.max_file_size
        )
        if text is None:
            raise RecordError(f"{display}: a binary file, not text")
        for number, paragraph in enumerate(text_units(text, path=display, unit=reading.unit)):
            yield Record(number, paragraph.text, paragraph.span)
    else:
        with _open_text(path, display, reading.encoding) as file:
            yield from _text_records(file, display, kind, reading, skipped)


def file_units(data: bytes, *, display: str, reading: Reading) -> list[Paragraph] | None:
    """A file's units from its bytes, as the corpus scan takes them; ``None`` for binary."""
    kind = format_of(display)
    if kind == "parquet":
        return [
            Paragraph(record.text, record.span)
            for record in _parquet_records(io.BytesIO(data), display, reading, None)
        ]
    text = decode_text(
        data,
        display=display,
        encoding=reading.encoding,
        replace=reading.encoding_errors == "replace",
    )
    if text is None:
        return None
    if kind == "text":
        return text_units(text, path=display, unit=reading.unit, prose_only=reading.prose_only)
    file = io.StringIO(text, newline="")
    return [
        Paragraph(record.text, record.span)
        for record in _text_records(file, display, kind, reading, None)
    ]


def text_units(text: str, *, path: str, unit: Unit, prose_only: bool = False) -> list[Paragraph]:
    """A text file's units: paragraphs (``prose_only``: of prose), non-blank lines, or the
    whole file."""
    if unit == "paragraph":
        return split_paragraphs(text, path=path, prose_only=prose_only)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if unit == "line":
        return [
            Paragraph(line, Span(path, number, number))
            for number, line in enumerate(lines, start=1)
            if line.strip()
        ]
    if not text.strip():
        return []
    last = len(lines) - (lines[-1] == "")
    return [Paragraph(text, Span(path, 1, max(last, 1)))]


@dataclass(frozen=True, slots=True)
class _Raw:
    """One record as read: its text (or why it has none), its place and its bytes."""

    number: int
    span: Span
    text: str | None
    problem: str
    raw: str  # the record's characters as in the file (JSON Lines, CSV); "" for Parquet


def _text_records(
    file: IO[str], display: str, kind: Format, reading: Reading, skipped: Skipped | None
) -> Iterator[Record]:
    raws = (
        _jsonl_raws(file, display, reading)
        if kind == "jsonl"
        else _csv_raws(file, display, kind, reading)
    )
    for raw in raws:
        record = _valid(raw, reading, skipped) if raw.number >= 0 else None  # -1: the header
        if record is not None:
            yield record


def _valid(raw: _Raw, reading: Reading, skipped: Skipped | None) -> Record | None:
    if raw.text is not None:
        return Record(raw.number, raw.text, raw.span)
    message = f"{raw.span}: {raw.problem}"
    if not reading.skip_invalid:
        raise RecordError(f"{message}; fix the record or pass --skip-invalid (skip_invalid=True)")
    if skipped is not None:
        skipped.reasons.append(message)
    return None


def _jsonl_raws(file: IO[str], display: str, reading: Reading) -> Iterator[_Raw]:
    path = reading.text_field.split(".")
    for number, line_number, line in _jsonl_lines(file):
        text, problem = _field_text(line, path, reading.text_field)
        yield _Raw(number, Span(display, line_number, line_number), text, problem, line)


def _jsonl_lines(file: IO[str]) -> Iterator[tuple[int, int, str]]:
    """``(record number, line number, line)`` of the non-blank lines: the records."""
    number = 0
    for line_number, line in enumerate(file, start=1):
        if line.strip():
            yield number, line_number, line
            number += 1


def _field_text(line: str, path: list[str], name: str) -> tuple[str | None, str]:
    try:
        value: Any = json.loads(line)
    except ValueError as error:
        return None, f"not valid JSON ({error})"
    if not isinstance(value, dict):
        return None, f"a record must be a JSON object, got {type(value).__name__}"
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None, f"no field {name!r}; name the text field with --text-field (text_field=)"
        value = value[part]
    if value is None:
        return None, f"field {name!r} is null"
    if not isinstance(value, str):
        return None, f"field {name!r} is {type(value).__name__}, not text"
    return value, ""


def _csv_raws(file: IO[str], display: str, kind: Format, reading: Reading) -> Iterator[_Raw]:
    """Rows of a CSV or TSV file with the exact characters of each (quoted newlines too)."""
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in file:
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=_DELIMITERS[kind], strict=True)
    line_number = 1
    column = -1
    number = 0
    name = reading.text_column
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise RecordError(
                f"{display}:{line_number}: not valid {kind.upper()} ({error})"
            ) from None
        raw = "".join(consumed)
        span = Span(display, line_number, line_number + max(len(consumed), 1) - 1)
        consumed.clear()
        line_number = span.end_line + 1
        if not row:
            continue
        if column < 0:
            names = [row[0].removeprefix("\ufeff"), *row[1:]]
            if name not in names:
                raise RecordError(
                    f"{display}:{span.start_line}: no column {name!r} (the columns are "
                    f"{', '.join(names)}); name the text column with --text-column (text_column=)"
                )
            column = names.index(name)
            yield _Raw(-1, span, None, "header", raw)
            continue
        if column < len(row):
            yield _Raw(number, span, row[column], "", raw)
        else:
            yield _Raw(
                number, span, None, f"the row has {len(row)} fields, no column {name!r}", raw
            )
        number += 1


def _parquet_records(
    source: Path | IO[bytes], display: str, reading: Reading, skipped: Skipped | None
) -> Iterator[Record]:
    parquet = _parquet_module()
    name = reading.text_column
    try:
        file = parquet.ParquetFile(source)
    except (OSError, ValueError) as error:  # pyarrow's errors subclass these
        raise RecordError(f"{display}: not a readable Parquet file ({error})") from None
    names = file.schema_arrow.names
    if name not in names:
        raise RecordError(
            f"{display}: no column {name!r} (the columns are {', '.join(names)}); "
            "name the text column with --text-column (text_column=)"
        )
    kind = file.schema_arrow.field(name).type
    if str(kind) not in ("string", "large_string", "string_view"):
        raise RecordError(f"{display}: column {name!r} is {kind}, not text")
    number = 0
    for batch in file.iter_batches(batch_size=_PARQUET_BATCH, columns=[name]):
        for value in batch.column(0).to_pylist():
            span = Span(display, number + 1, number + 1)
            raw = _Raw(number, span, value, f"column {name!r} is null", "")
            record = _valid(raw, reading, skipped)
            if record is not None:
                yield record
            number += 1


def _parquet_module() -> Any:
    try:
        import pyarrow.parquet
    except ImportError:
        raise RecordError(
            "reading Parquet needs pyarrow: pip install pyarrow "
            "(or the paragraph-dedupe[dask] extra)"
        ) from None
    return pyarrow.parquet


def _open_text(path: Path, display: str, encoding: str) -> IO[str]:
    try:
        return open(path, encoding=encoding, newline="")
    except OSError as error:
        raise RecordError(f"{display}: cannot read file: {error.strerror}") from error
    except LookupError as error:
        raise SettingsError(f"encoding must be a codec Python knows, got {encoding!r}") from error


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the writer does with one record: keep it, and how to annotate it."""

    keep: bool
    cluster: str | None = None  # the representative's location, for records in a cluster
    similarity: float | None = None


Verdicts = Callable[[int], Verdict]
"""A file's verdict for each record number; records skipped as invalid are asked too."""


class RecordWriter:
    """Writes kept (or all, annotated) records of input files to one output, in order.

    The first file sets the header (CSV, TSV) or the schema (Parquet); a later file
    with another one is a ``RecordError``, as one output cannot hold both.
    """

    def __init__(self, output: Path, *, kind: Format, reading: Reading, annotate: bool) -> None:
        if kind == "text" and reading.unit == "file":
            raise SettingsError(
                "dedup writes one output file, so it cannot keep whole files (--unit file); "
                "use --unit paragraph or line, or `dedupe check`"
            )
        self._output = output
        self._kind = kind
        self._reading = reading
        self._annotate = annotate
        self._header: str | None = None
        self._schema: Any = None
        self._parquet: Any = None
        self._text: IO[str] | None = None

    def __enter__(self) -> RecordWriter:
        if self._kind != "parquet":
            self._text = open(self._output, "w", encoding=self._reading.encoding, newline="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._text is not None:
            self._text.close()
        if self._parquet is not None:
            self._parquet.close()

    def add(self, path: Path, *, display: str, verdicts: Verdicts) -> None:
        """Copy one input file's records through ``verdicts``."""
        if self._kind == "parquet":
            self._add_parquet(path, display, verdicts)
            return
        assert self._text is not None
        if self._kind == "text":
            self._add_text(path, display, verdicts)
            return
        with _open_text(path, display, self._reading.encoding) as file:
            if self._kind == "jsonl":
                self._add_jsonl(_jsonl_lines(file), verdicts)
            else:
                self._add_csv(
                    _csv_raws(file, display, self._kind, self._reading), display, verdicts
                )

    def _add_jsonl(self, lines: Iterable[tuple[int, int, str]], verdicts: Verdicts) -> None:
        assert self._text is not None
        for number, _, line in lines:
            verdict = verdicts(number)
            if self._annotate:
                self._text.write(_annotated_json(line, verdict))
            elif verdict.keep:
                self._text.write(line if line.endswith("\n") else f"{line}\n")

    def _add_csv(self, raws: Iterable[_Raw], display: str, verdicts: Verdicts) -> None:
        assert self._text is not None
        delimiter = _DELIMITERS[self._kind]
        for raw in raws:
            if raw.number < 0:
                if self._header is None:
                    self._header = raw.raw
                    self._text.write(
                        _with_cells(raw.raw, ANNOTATIONS, delimiter) if self._annotate else raw.raw
                    )
                elif raw.raw.rstrip("\r\n") != self._header.rstrip("\r\n"):
                    raise RecordError(
                        f"{display}:{raw.span.start_line}: the header differs from the first "
                        "input's; give files with the same columns"
                    )
                continue
            verdict = verdicts(raw.number)
            if self._annotate:
                cells = _annotation_cells(verdict)
                self._text.write(_with_cells(raw.raw, cells, delimiter))
            elif verdict.keep:
                self._text.write(raw.raw if raw.raw.endswith(("\n", "\r")) else f"{raw.raw}\n")

    def _add_text(self, path: Path, display: str, verdicts: Verdicts) -> None:
        """Kept units, each followed by a blank line (paragraphs) or a line end (lines)."""
        assert self._text is not None
        end = "\n\n" if self._reading.unit == "paragraph" else "\n"
        read = read_records(path, display=display, reading=self._reading)
        for record in read:
            if verdicts(record.number).keep:
                self._text.write(f"{record.text}{end}")

    def _add_parquet(self, path: Path, display: str, verdicts: Verdicts) -> None:
        parquet = _parquet_module()
        import pyarrow

        file = parquet.ParquetFile(path)
        schema = file.schema_arrow
        if self._annotate:
            schema = schema.append(pyarrow.field("cluster", pyarrow.string()))
            schema = schema.append(pyarrow.field("similarity", pyarrow.float64()))
            schema = schema.append(pyarrow.field("keep", pyarrow.bool_()))
        if self._parquet is None:
            self._schema = schema
            self._parquet = parquet.ParquetWriter(self._output, schema)
        elif not schema.equals(self._schema):
            raise RecordError(f"{display}: the columns differ from the first input's")
        number = 0
        for batch in file.iter_batches(batch_size=_PARQUET_BATCH):
            found = [verdicts(number + row) for row in range(batch.num_rows)]
            number += batch.num_rows
            if self._annotate:
                columns = [
                    *batch.columns,
                    pyarrow.array([v.cluster for v in found], pyarrow.string()),
                    pyarrow.array([v.similarity for v in found], pyarrow.float64()),
                    pyarrow.array([v.keep for v in found], pyarrow.bool_()),
                ]
                batch = pyarrow.RecordBatch.from_arrays(columns, schema=schema)
            else:
                batch = batch.filter(pyarrow.array([v.keep for v in found], pyarrow.bool_()))
            self._parquet.write_batch(batch)


def _annotated_json(line: str, verdict: Verdict) -> str:
    """The record's own text with the annotations added before its closing brace."""
    body = line.rstrip()
    end = line[len(body) :] or "\n"
    inner = body[:-1].rstrip()
    added = ", ".join(
        f"{json.dumps(name)}: {json.dumps(value)}"
        for name, value in zip(
            ANNOTATIONS, (verdict.cluster, verdict.similarity, verdict.keep), strict=True
        )
    )
    if not body.endswith("}"):
        return f"{body}{end}"  # not a JSON object (skipped as invalid): written as it was
    return f"{inner}{added}}}{end}" if inner.endswith("{") else f"{inner}, {added}}}{end}"


def _annotation_cells(verdict: Verdict) -> tuple[str, str, str]:
    similarity = "" if verdict.similarity is None else repr(verdict.similarity)
    return (verdict.cluster or "", similarity, "true" if verdict.keep else "false")


def _with_cells(raw: str, cells: Sequence[str], delimiter: str) -> str:
    """A CSV record's characters with cells appended before its line end."""
    body = raw.rstrip("\r\n")
    end = raw[len(body) :] or "\n"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(cells)
    return f"{body}{delimiter}{buffer.getvalue()}{end}"
