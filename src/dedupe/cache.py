"""A fingerprint cache: SQLite rows of each file's paragraph fingerprints, by content hash.

Two tables: ``fingerprints`` holds per content hash the file's paragraphs' fingerprints
and spans (so a cached file is neither split nor fingerprinted again), and ``files``
maps a path and its ``stat`` (size, modification and change times, inode) to the
content hash seen, so an unchanged file is not even read. A stat row is trusted only
when the file's modification time is older than the row by more than
``RACY_SECONDS`` (a file changed within the clock's granularity of being recorded is
read again, as git does for its index). Band keys are stored in 32 bits (every engine's
band keys are 32-bit, ``lsh.band_keys``), which keeps the cache below the
size of the text it describes. A third table, ``results``, keeps the clusters found
for the last few corpora, keyed by a hash of everything they depend on (each file's
name and content hash in order, the settings, the filters), so a run over a corpus
exactly as before does not cluster it again.

A row is keyed by the hash of the file's bytes with the reading options its units depend
on (``records.Reading.key``: encoding, prose blocks, record fields) and by the settings
the fingerprints depend on (n-gram size, shingle kind, permutations, seed, bands, rows;
the library version clears the cache), so a
hit is always exactly what fingerprinting the file again would give. Concurrent runs are
safe: the database is in WAL mode, writes happen in one transaction, and a busy database
is waited for. A cache that is not ours, from another schema or library version, or
damaged (SQLite calls it malformed, at any point of the run) is rebuilt with a one-line
warning; a cache that cannot be used at all is skipped with a warning. Each row carries
a checksum of its key and values, checked on every read: a row that fails it is not
used, and its file is fingerprinted again with a warning. Either way the results are the
same as without a cache.

Every run that opens the cache gets the next run number and stamps the rows it reads or
writes with it (in a small table of their own, so stamping never rewrites a row's blobs);
rows that none of the last ``KEEP_RUNS`` runs used (files deleted or
changed since, other settings) are deleted, so the cache stays the size of what recent
runs read.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import struct
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xxhash

from dedupe.cluster import PositionClusters
from dedupe.fingerprint import Fingerprints
from dedupe.hashing import I64, MASK32
from dedupe.settings import Settings

CACHE_FILE_NAME = "fingerprints.sqlite3"
"""The database's name inside the cache folder."""

SCHEMA_VERSION = "6"
RACY_SECONDS = 2.0
"""A stat row is not trusted for a file modified this close to when it was recorded."""
KEEP_RESULTS = 4
"""Clusters of this many recent corpora are kept (a check and a hook, on two branches)."""
KEEP_RUNS = 10
"""Rows that none of the last this many runs read or wrote are deleted."""
_APPLICATION = "paragraph-dedupe fingerprint cache"
_BUSY_TIMEOUT_MS = 30_000
_PAGE_SIZE = 16_384

Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What the cache keeps per file content: fingerprints and, per paragraph, its place.

    ``places`` is ``(paragraphs, 3)``: first line, last line, characters.
    """

    fingerprints: Fingerprints
    places: I64


@dataclass(frozen=True, slots=True)
class FileStat:
    """What ``stat`` says of a file: if all of it is unchanged, so is the file."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, info: os.stat_result) -> FileStat:
        """The parts of ``info`` that change when the file does."""
        return cls(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


class CacheDamagedError(Exception):
    """The cache database is damaged or not ours (internal: the cache handles it)."""


class FingerprintCache:
    """Fingerprints of whole files, looked up by the hash of the file's bytes."""

    def __init__(self, folder: Path, *, settings: Settings, version: str, warn: Warn) -> None:
        self.path = folder / CACHE_FILE_NAME
        self._version = version
        self._bands = settings.band_shape[0]
        self._settings_key = settings_key(settings)
        self._warn = warn
        self._connection: sqlite3.Connection | None = None
        self._run = 0
        self._recorded: dict[str, bytes] = {}
        self.hits = 0
        """Files whose fingerprints this cache gave, all ``get`` calls together."""
        try:
            self._connection = self._open()
        except CacheDamagedError as problem:
            self._rebuild(str(problem))
        except (OSError, sqlite3.Error) as error:
            self._give_up(error)

    def known_files(self, stats: Mapping[str, FileStat]) -> dict[str, bytes]:
        """The content hashes of the paths whose stat is as recorded (and not racy)."""
        if self._connection is None or not stats:
            return {}
        found: dict[str, bytes] = {}
        self._recorded = {}
        try:
            rows = self._connection.execute(
                "SELECT path, size, mtime_ns, ctime_ns, inode, file_hash, recorded_ns FROM files"
            )
            for path, size, mtime_ns, ctime_ns, inode, file_hash, recorded_ns in rows:
                stat = stats.get(path)
                if (
                    stat is not None
                    and stat == FileStat(size, mtime_ns, ctime_ns, inode)
                    and recorded_ns - max(mtime_ns, ctime_ns) > RACY_SECONDS * 1e9
                ):
                    found[path] = bytes(file_hash)
                    self._recorded[path] = found[path]
        except sqlite3.Error as error:
            self._handle(error)
            return {}
        return found

    def record_files(self, files: Mapping[str, tuple[FileStat, bytes]]) -> None:
        """Remember each path's stat and content hash; forget paths that no longer exist."""
        if self._connection is None:
            return
        now = time.time_ns()
        rows = [
            (path, stat.size, stat.mtime_ns, stat.ctime_ns, stat.inode, key, now)
            for path, (stat, key) in files.items()
            if self._recorded.get(path) != key  # trusted rows stay as they are
        ]
        try:
            known = [row[0] for row in self._connection.execute("SELECT path FROM files")]
            gone = [(path,) for path in known if path not in files and not os.path.exists(path)]
            if not rows and not gone:
                return
            with _transaction(self._connection):
                self._connection.executemany("DELETE FROM files WHERE path = ?", gone)
                self._connection.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)", rows
                )
        except sqlite3.Error as error:
            self._handle(error)

    def result(self, corpus: bytes) -> PositionClusters | None:
        """The clusters last found for this exact corpus (``corpus_key``), if any."""
        if self._connection is None:
            return None
        try:
            row = self._connection.execute(
                "SELECT members, similarities, offsets, checksum FROM results WHERE corpus = ?",
                (corpus,),
            ).fetchone()
        except sqlite3.Error as error:
            self._handle(error)
            return None
        if row is None:
            return None
        members, similarities, offsets, checksum = row
        blobs = (members, similarities, offsets)
        if not all(isinstance(blob, bytes) for blob in blobs) or checksum != _checksum(
            corpus, self._settings_key, 0, *blobs
        ):
            return None
        found = PositionClusters(
            np.frombuffer(members, "<i8").astype(np.int64),
            np.frombuffer(similarities, "<f8").astype(np.float64),
            np.frombuffer(offsets, "<i8").astype(np.int64),
        )
        if len(found.members) != len(found.similarities) or not len(found.offsets):
            return None
        return found

    def put_result(self, corpus: bytes, found: PositionClusters) -> None:
        """Remember the clusters of this corpus; only the last ``KEEP_RESULTS`` are kept."""
        if self._connection is None:
            return
        blobs = (
            found.members.astype("<i8").tobytes(),
            found.similarities.astype("<f8").tobytes(),
            found.offsets.astype("<i8").tobytes(),
        )
        checksum = _checksum(corpus, self._settings_key, 0, *blobs)
        try:
            with _transaction(self._connection):
                self._connection.execute(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)",
                    (corpus, *blobs, checksum, self._run),
                )
                self._connection.execute(
                    "DELETE FROM results WHERE corpus NOT IN"
                    " (SELECT corpus FROM results ORDER BY last_run DESC LIMIT ?)",
                    (KEEP_RESULTS,),
                )
        except sqlite3.Error as error:
            self._handle(error)

    def get(self, keys: Iterable[bytes]) -> dict[bytes, FileRecord]:
        """The cached fingerprints of the files whose content hashes are ``keys``."""
        wanted = list(dict.fromkeys(keys))
        if self._connection is None or not wanted:
            return {}
        try:
            found, bad, old = self._select(self._connection, wanted)
            if old:
                with _transaction(self._connection):
                    self._stamp(self._connection, old)
        except sqlite3.Error as error:
            self._handle(error)
            return {}
        if bad:
            self._warn(
                f"cache {self.path.as_posix()}: {bad} damaged rows (failed their checksum); "
                "fingerprinting those files again"
            )
        self.hits += len(found)
        return found

    def put(self, rows: dict[bytes, FileRecord]) -> None:
        """Store fingerprints of files by content hash and prune old rows, in one transaction.

        Call it once a run, with no rows when nothing was fingerprinted, so old rows go.
        """
        if self._connection is None:
            return
        encoded = [self._row(key, value) for key, value in rows.items()]
        try:
            with _transaction(self._connection):
                self._connection.executemany(
                    "INSERT OR REPLACE INTO fingerprints VALUES (?, ?, ?, ?, ?, ?, ?, ?)", encoded
                )
                self._stamp(self._connection, list(rows))
                oldest = self._run - KEEP_RUNS
                self._connection.execute(  # by the stamps' key: no scan of the rows
                    "DELETE FROM fingerprints WHERE (file_hash, settings) IN"
                    " (SELECT file_hash, settings FROM stamps WHERE last_run <= ?)",
                    (oldest,),
                )
                self._connection.execute("DELETE FROM stamps WHERE last_run <= ?", (oldest,))
        except sqlite3.Error as error:
            self._handle(error)

    def close(self) -> None:
        """Close the database; the cache is then empty for this process."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ignore = self.path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# written by dedupe: the cache is never committed\n*\n")
        connection = sqlite3.connect(
            self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
        try:
            connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            # Rows are a few KiB: large pages hold several, small ones waste half of each.
            connection.execute(f"PRAGMA page_size = {_PAGE_SIZE}")
            _use_write_ahead_log(connection)
            # In WAL mode this keeps the database whole on a crash; a power cut can lose
            # the last run's rows, which the next run computes again.
            connection.execute("PRAGMA synchronous = NORMAL")
            with _transaction(connection):
                self._prepare(connection)
        except sqlite3.DatabaseError as error:
            connection.close()
            if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
                raise
            raise CacheDamagedError(f"damaged ({error})") from error
        except CacheDamagedError:
            connection.close()
            raise
        return connection

    def _prepare(self, connection: sqlite3.Connection) -> None:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if not tables:
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            connection.execute(
                "CREATE TABLE fingerprints (file_hash BLOB, settings TEXT, paragraphs INTEGER,"
                " content BLOB, token_counts BLOB, band_keys BLOB, places BLOB, checksum BLOB,"
                " PRIMARY KEY (file_hash, settings))"
            )
            # Apart from the rows, so marking a row used does not rewrite its blobs.
            connection.execute(
                "CREATE TABLE stamps (file_hash BLOB, settings TEXT, last_run INTEGER,"
                " PRIMARY KEY (file_hash, settings)) WITHOUT ROWID"
            )
            connection.execute(
                "CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                " ctime_ns INTEGER, inode INTEGER, file_hash BLOB, recorded_ns INTEGER)"
            )
            connection.execute(
                "CREATE TABLE results (corpus BLOB PRIMARY KEY, members BLOB,"
                " similarities BLOB, offsets BLOB, checksum BLOB, last_run INTEGER)"
            )
            connection.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("application", _APPLICATION),
                    ("schema", SCHEMA_VERSION),
                    ("library", self._version),
                    ("run", "0"),
                ],
            )
            self._run = self._next_run(connection)
            return
        if "meta" not in tables:
            raise CacheDamagedError("not a dedupe cache")
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("application") != _APPLICATION:
            raise CacheDamagedError("not a dedupe cache")
        if meta.get("schema") != SCHEMA_VERSION:  # an older cache lacks tables: say so first
            raise CacheDamagedError(f"schema {meta.get('schema')}, expected {SCHEMA_VERSION}")
        if not {"fingerprints", "stamps", "files", "results"} <= tables:
            raise CacheDamagedError("not a dedupe cache")
        if meta.get("library") != self._version:
            self._warn(
                f"cache {self.path.as_posix()} was written by dedupe {meta.get('library')}; "
                "clearing it"
            )
            connection.execute("DELETE FROM fingerprints")
            connection.execute("DELETE FROM stamps")
            connection.execute("DELETE FROM files")
            connection.execute("DELETE FROM results")
            connection.execute("UPDATE meta SET value = ? WHERE key = 'library'", (self._version,))
        self._run = self._next_run(connection)

    @staticmethod
    def _next_run(connection: sqlite3.Connection) -> int:
        connection.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'run'")
        row = connection.execute("SELECT value FROM meta WHERE key = 'run'").fetchone()
        if row is None or not str(row[0]).isdigit():
            raise CacheDamagedError("damaged (no run number)")
        return int(row[0])

    def _row(self, key: bytes, value: FileRecord) -> tuple[object, ...]:
        paragraphs, *blobs = _encode(value)
        checksum = _checksum(key, self._settings_key, paragraphs, *blobs)
        return (key, self._settings_key, paragraphs, *blobs, checksum)

    def _stamp(self, connection: sqlite3.Connection, keys: list[bytes]) -> None:
        """Mark the rows of ``keys`` as used by this run, so pruning keeps them.

        Only rows not stamped in the last ``KEEP_RUNS // 2`` runs are passed here, so a
        warm run rewrites few rows, and a row in use is never pruned.
        """
        connection.executemany(
            "INSERT OR REPLACE INTO stamps VALUES (?, ?, ?)",
            [(key, self._settings_key, self._run) for key in keys],
        )

    def _select(
        self, connection: sqlite3.Connection, keys: list[bytes]
    ) -> tuple[dict[bytes, FileRecord], int, list[bytes]]:
        """The rows of ``keys`` that pass their checksum, how many did not, which to stamp."""
        found: dict[bytes, FileRecord] = {}
        bad = 0
        old: list[bytes] = []
        chunk = 500  # stays under SQLite's limit on bound parameters
        for low in range(0, len(keys), chunk):
            part = keys[low : low + chunk]
            marks = ", ".join("?" * len(part))
            rows = connection.execute(
                "SELECT f.file_hash, paragraphs, content, token_counts, band_keys, places,"
                " checksum, last_run FROM fingerprints AS f LEFT JOIN stamps AS s"
                " ON s.file_hash = f.file_hash AND s.settings = f.settings"
                f" WHERE f.settings = ? AND f.file_hash IN ({marks})",
                [self._settings_key, *part],
            )
            for file_hash, paragraphs, content, counts, keys_blob, places, checksum, run in rows:
                key = bytes(file_hash)
                values = (paragraphs, content, counts, keys_blob, places)
                decoded = _decode(*values, bands=self._bands)
                if decoded is None or checksum != _checksum(key, self._settings_key, *values):
                    bad += 1
                    continue
                found[key] = decoded
                if not isinstance(run, int) or run <= self._run - KEEP_RUNS // 2:
                    old.append(key)
        return found, bad, old

    def _handle(self, error: sqlite3.Error) -> None:
        """Rebuild a cache SQLite finds damaged; run without one that is otherwise unusable."""
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(
            error, sqlite3.OperationalError
        ):
            self._rebuild(f"damaged ({error})")
        else:
            self._give_up(error)

    def _rebuild(self, reason: str) -> None:
        self.close()
        self._warn(f"cache {self.path.as_posix()} is {reason}; rebuilding it")
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._connection = self._open()
        except (OSError, sqlite3.Error, CacheDamagedError) as error:
            self._give_up(error)

    def _give_up(self, error: Exception) -> None:
        self.close()
        self._warn(f"cache {self.path.as_posix()} cannot be used ({error}); running without it")


def settings_key(settings: Settings) -> str:
    """What fingerprints depend on besides a file's units (the threshold only via bands);
    what the units depend on besides the bytes is in each row's key (``Reading.key``)."""
    values = settings.as_dict()
    del values["threshold"], values["keep"]
    return json.dumps(values, sort_keys=True)


def _use_write_ahead_log(connection: sqlite3.Connection) -> None:
    """Switch to WAL mode, waiting while another process holds the database.

    SQLite answers this pragma with "database is locked" at once, without its busy
    timeout, when another connection is creating or switching the same database; so
    it is retried here until the same timeout.
    """
    deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@contextlib.contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _encode(value: FileRecord) -> tuple[int, bytes, bytes, bytes, bytes]:
    found = value.fingerprints
    if len(found) and int(found.band_keys.max()) > MASK32:
        raise ValueError("band keys above 32 bits: they are not from lsh.band_keys")
    return (
        len(found.token_counts),
        found.content.astype("<u8").tobytes(),
        found.token_counts.astype("<i4").tobytes(),
        found.band_keys.astype("<u4").tobytes(),
        value.places.astype("<i4").tobytes(),
    )


def _checksum(key: bytes, settings: str, paragraphs: object, *blobs: object) -> bytes:
    """A 128-bit hash of a row's key and values; each part is length-prefixed."""
    parts = [key, settings.encode(), str(paragraphs).encode()]
    parts += [blob if isinstance(blob, bytes) else repr(blob).encode() for blob in blobs]
    lengths = struct.pack(f"<{len(parts)}Q", *map(len, parts))
    return xxhash.xxh3_128_digest(b"".join((lengths, *parts)))


def _decode(
    paragraphs: object, content: object, counts: object, keys: object, places: object, *, bands: int
) -> FileRecord | None:
    """The record of a row, or ``None`` when its values do not have their shapes."""
    if not (
        isinstance(paragraphs, int)
        and isinstance(content, bytes)
        and isinstance(counts, bytes)
        and isinstance(keys, bytes)
        and isinstance(places, bytes)
        and paragraphs >= 0
        and len(content) == 16 * paragraphs
        and len(counts) == 4 * paragraphs
        and len(keys) == 4 * bands * paragraphs
        and len(places) == 12 * paragraphs
    ):
        return None
    # Read-only views in the stored types (32-bit counts, keys and places): the scan
    # concatenates the records of all files into arrays of its own types at once.
    fingerprints = Fingerprints(
        np.frombuffer(content, "<u8").reshape(paragraphs, 2),
        np.frombuffer(counts, "<i4"),
        np.frombuffer(keys, "<u4").reshape(paragraphs, bands),
    )
    return FileRecord(fingerprints, np.frombuffer(places, "<i4").reshape(-1, 3))
