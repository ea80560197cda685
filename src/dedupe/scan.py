"""Scan files for near-duplicate paragraphs, reading and fingerprinting only what changed.

With a cache, a file whose ``stat`` is as recorded is not read at all: its content hash,
paragraph places and fingerprints come from the cache. Other files are read and their
bytes hashed (``xxh3_128``); those whose content is cached are not split, normalized,
shingled or signed again. Paragraph texts are needed only to verify candidate pairs
(and for the baseline and diffs), so a file is read again only when one of its
paragraphs is a candidate; its hash is checked then, so a file changed during the run
is an error, never a wrong answer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import overload

import numpy as np
import numpy.typing as npt
import xxhash

from dedupe.cache import FileRecord, FileStat, FingerprintCache
from dedupe.chain import cluster_fingerprints
from dedupe.cluster import Cluster, attach_keys
from dedupe.corpus import Paragraph, Span, read_bytes
from dedupe.errors import CorpusError, RecordError
from dedupe.fingerprint import BATCH_SIZE, Fingerprints, concatenate, fingerprint
from dedupe.focus import focus_clusters
from dedupe.hashing import I64
from dedupe.records import DEFAULT_READING, Reading, file_units
from dedupe.settings import Settings

STDIN = "-"
"""The name that stands for standard input among the files of a scan."""


@dataclass(slots=True)
class _File:
    path: Path
    display: str
    absolute: str = ""
    content: bytes = b""  # the hash of the file's bytes: what the stat table records
    key: bytes = b""  # the content and the reading options: the cache row's key
    paragraphs: list[Paragraph] | None = None
    record: FileRecord | None = None


class ParagraphTexts(Sequence[str]):
    """The kept paragraphs' texts by position, read from their files on first use."""

    def __init__(self, files: list[_File], owner: I64, local: I64, reading: Reading) -> None:
        self._files = files
        self._owner = owner
        self._local = local
        self._reading = reading

    def __len__(self) -> int:
        return len(self._owner)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[position] for position in range(len(self))[index]]
        return self.paragraph(index).text

    def __iter__(self) -> Iterator[str]:
        for position in range(len(self)):
            yield self[position]

    def paragraph(self, position: int) -> Paragraph:
        """The paragraph at ``position``, its file read (and checked) if it was not."""
        file = self._files[int(self._owner[position])]
        if file.paragraphs is None:
            file.paragraphs = _reread(file, self._reading)
        return file.paragraphs[int(self._local[position])]


@dataclass(slots=True)
class Scan:
    """What a scan found: clusters with ``Span`` keys, and what it read and passed over."""

    clusters: list[Cluster[Span]]
    texts: Sequence[str]
    paragraph_count: int = 0
    files: list[str] = field(default_factory=list)
    skipped_binary: list[str] = field(default_factory=list)
    skipped_undecodable: list[str] = field(default_factory=list)
    """One message per file that did not decode and was skipped."""
    skipped_records: list[str] = field(default_factory=list)
    """One message per record file without the text asked for, skipped."""
    read_files: int = 0
    fingerprinted_files: int = 0
    positions: dict[Span, int] = field(default_factory=dict)
    """The position of each clustered paragraph among the kept ones."""

    def text_of(self, span: Span) -> str:
        """The text of a clustered paragraph (its file is read if it was not)."""
        return self.texts[self.positions[span]]


def scan_files(
    files: Sequence[tuple[Path, str]],
    *,
    settings: Settings,
    min_length: int = 0,
    min_words: int = 0,
    cache: FingerprintCache | None = None,
    workers: int = 1,
    on_progress: Callable[[str, int, int], None] = lambda stage, done, total: None,
    reading: Reading = DEFAULT_READING,
    focus: frozenset[str] | None = None,
) -> Scan:
    """Cluster the paragraphs of ``files`` (``(path, display name)``, in priority order).

    Paragraphs shorter than ``min_length`` characters (surrounding blanks aside) or of
    fewer than ``min_words`` words take no part. Fingerprinting and verification run on
    ``workers`` threads. ``on_progress(stage, done, total)`` is called as files are read
    and fingerprinted and when clustering starts.

    With ``focus`` (display names of files), only the clusters of their paragraphs are
    made (``dedupe.focus``), cut to those paragraphs
    and their representatives: what the hook reports, without clustering the rest.
    """
    chosen = [_File(path, display) for path, display in files]
    stats = _stats(chosen)
    known = cache.known_files(stats) if cache else {}
    passed_over: dict[str, list[str]] = {"binary": [], "undecodable": [], "records": []}
    read = 0
    kept_files: list[_File] = []
    for number, file in enumerate(chosen, start=1):
        file.content = known.get(_stat_name(file), b"")
        file.key = _row_key(file, reading) if file.content else b""
        if not file.key:
            read += 1
            problem = _read(file, reading)
            if problem:
                passed_over[problem[0]].append(problem[1])
                continue
        kept_files.append(file)
        on_progress("reading", number, len(chosen))
    records = cache.get(file.key for file in kept_files) if cache else {}
    for file in kept_files:
        file.record = records.get(file.key)
        if file.record is None and file.paragraphs is None:  # known by stat, row pruned
            read += 1
            file.paragraphs = _reread(file, reading)
    missing = [file for file in kept_files if file.record is None]
    computed = _fingerprint_files(missing, settings, workers=workers, on_progress=on_progress)
    if cache:
        cache.put(computed)
        seen = {_stat_name(file): file.content for file in kept_files}
        cache.record_files(
            {name: (stats[name], key) for name, key in seen.items() if name in stats}
        )
    parts = [file.record for file in kept_files if file.record is not None]
    fingerprints = concatenate([part.fingerprints for part in parts], bands=settings.band_shape[0])
    places = (
        np.concatenate([part.places for part in parts]) if parts else np.empty((0, 3), np.int64)
    )
    sizes = np.array([len(part.places) for part in parts], dtype=np.int64)
    owner = np.repeat(np.arange(len(parts), dtype=np.int64), sizes)
    local = np.arange(len(owner), dtype=np.int64) - (np.cumsum(sizes) - sizes)[owner]
    kept = (places[:, 2] >= min_length) & (fingerprints.token_counts >= min_words)
    if not kept.all():
        fingerprints = Fingerprints(  # band keys stay band-major: one pass per band
            fingerprints.content[kept],
            fingerprints.token_counts[kept],
            fingerprints.band_keys.T[:, kept].T,
        )
        places, owner, local = places[kept], owner[kept], local[kept]
    on_progress("clustering", 0, len(owner))
    texts = ParagraphTexts(kept_files, owner, local, reading)
    corpus = _corpus_key(kept_files, min_length=min_length, min_words=min_words, focus=focus)
    found = cache.result(corpus) if cache else None
    if found is not None and len(found.members) and int(found.members.max()) >= len(owner):
        found = None  # not this corpus after all (a damaged row that kept its checksum)
    if found is None:
        if focus is None:
            found = cluster_fingerprints(texts, fingerprints, settings, workers=workers)
        else:
            picked = [index for index, file in enumerate(kept_files) if file.display in focus]
            at = np.flatnonzero(np.isin(owner, np.array(picked, dtype=np.int64)))
            found = focus_clusters(texts, fingerprints, settings, focus=at, workers=workers)
        if cache:
            cache.put_result(corpus, found)
    spans = _Spans(kept_files, owner, places)
    clusters = attach_keys(spans, found)
    positions = {spans[int(position)]: int(position) for position in found.members.tolist()}
    return Scan(
        clusters,
        texts,
        paragraph_count=len(owner),
        files=[file.display for file in kept_files],
        skipped_binary=passed_over["binary"],
        skipped_undecodable=passed_over["undecodable"],
        skipped_records=passed_over["records"],
        read_files=read,
        fingerprinted_files=len(missing),
        positions=positions,
    )


def _corpus_key(
    files: list[_File], *, min_length: int, min_words: int, focus: frozenset[str] | None
) -> bytes:
    """A hash of all the clusters depend on besides the settings (the cache adds those)."""
    digest = xxhash.xxh3_128()
    head = f"{min_length} {min_words} {sorted(focus) if focus is not None else None}"
    digest.update(head.encode("utf-8", "surrogateescape"))
    for file in files:
        name = file.display.encode("utf-8", "surrogateescape")
        digest.update(len(name).to_bytes(8, "little") + name + file.key)
    return digest.digest()


class _Spans(Sequence[Span]):
    """The spans of the kept paragraphs, made only for the ones asked for."""

    def __init__(self, files: list[_File], owner: I64, places: I64) -> None:
        self._files, self._owner, self._places = files, owner, places

    def __len__(self) -> int:
        return len(self._owner)

    @overload
    def __getitem__(self, index: int) -> Span: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Span]: ...
    def __getitem__(self, index: int | slice) -> Span | Sequence[Span]:
        if isinstance(index, slice):
            return [self[position] for position in range(len(self))[index]]
        start, end, _ = self._places[index].tolist()
        return Span(self._files[int(self._owner[index])].display, start, end)


def _stat_name(file: _File) -> str:
    return file.absolute


def _stats(files: list[_File]) -> dict[str, FileStat]:
    """The stat of each regular file (stdin and files that cannot be looked at have none).

    Also sets each file's absolute name, the key of its stat row in the cache.
    """
    found: dict[str, FileStat] = {}
    here = os.getcwd()
    for file in files:
        if file.display == STDIN and str(file.path) == STDIN:
            continue
        file.absolute = os.path.normpath(os.path.join(here, file.path))
        try:
            found[file.absolute] = FileStat.of(os.stat(file.path))
        except OSError:
            continue
    return found


def _bytes(file: _File, reading: Reading) -> bytes:
    if file.display == STDIN and str(file.path) == STDIN:
        return sys.stdin.buffer.read()
    return read_bytes(file.path, display=file.display, max_file_size=reading.max_file_size)


def _read(file: _File, reading: Reading) -> tuple[str, str] | None:
    """Read, hash and split a file; ``None`` when read, else why it was passed over:
    ``("binary", name)``, ``("undecodable", message)`` or ``("records", message)``.

    The row key hashes the bytes' hash and what the file's units depend on besides them
    (its format's record options), so a cached row is always what reading the file again
    with these options would give, whatever options the stat table was recorded with. A
    record file without the text asked for is passed over with its reason, as an
    undecodable file is: a corpus check should not stop at a CSV of numbers.
    """
    data = _bytes(file, reading)
    file.content = xxhash.xxh3_128_digest(data)
    file.key = _row_key(file, reading)
    try:
        units = file_units(data, display=file.display, reading=reading)
    except RecordError as error:
        return "records", str(error)
    except CorpusError as error:  # bytes that do not decode
        if reading.encoding_errors != "skip":
            raise
        return "undecodable", str(error).split("; give the right", 1)[0]
    if units is None:
        return "binary", file.display
    file.paragraphs = units
    return None


def _row_key(file: _File, reading: Reading) -> bytes:
    """The cache row key of a file: its content hash and the options its units depend on."""
    return xxhash.xxh3_128_digest(file.content + reading.key(file.display))


def _reread(file: _File, reading: Reading) -> list[Paragraph]:
    """The paragraphs of a file read again; an error if it changed since it was hashed."""
    content = file.content
    problem = _read(file, reading)
    if file.content != content or problem or file.paragraphs is None:
        raise CorpusError(f"{file.display}: changed while dedupe was running; run it again")
    return file.paragraphs


def _fingerprint_files(
    files: Sequence[_File],
    settings: Settings,
    *,
    workers: int,
    on_progress: Callable[[str, int, int], None],
) -> dict[bytes, FileRecord]:
    """Records per content hash, computed a ``BATCH_SIZE`` of texts per worker at a time."""
    result: dict[bytes, FileRecord] = {}
    batch: list[_File] = []
    size = 0
    texts_at_once = BATCH_SIZE * workers  # one batch for each thread
    for number, file in enumerate(files, start=1):
        assert file.paragraphs is not None
        batch.append(file)
        size += len(file.paragraphs)
        if size >= texts_at_once or number == len(files):
            texts = [paragraph.text for part in batch for paragraph in part.paragraphs or ()]
            whole = fingerprint(texts, settings, workers=workers)
            low = 0
            for part in batch:
                paragraphs = part.paragraphs or []
                high = low + len(paragraphs)
                places = np.array(
                    [(p.span.start_line, p.span.end_line, len(p.text.strip())) for p in paragraphs],
                    dtype=np.int64,
                ).reshape(-1, 3)
                part.record = FileRecord(_take(whole, slice(low, high)), places)
                result[part.key] = part.record
                low = high
            on_progress("fingerprinting", number, len(files))
            batch, size = [], 0
    return result


def _take(fingerprints: Fingerprints, which: slice | npt.NDArray[np.bool_]) -> Fingerprints:
    """The fingerprints of some texts: a slice or a mask over all of them."""
    return Fingerprints(*(getattr(fingerprints, part.name)[which] for part in fields(Fingerprints)))
