"""The pipeline out of core: texts streamed from an iterable, spilled to a temporary folder.

``find_clusters`` needs every text in memory (a Python ``str`` costs about 50 bytes
plus its characters) and all band keys at once. Here texts arrive batch by batch;
each batch is fingerprinted, its UTF-8 bytes appended to a text file and its band keys
to one file per band. What stays in memory per text is its content hash (16 B), token
count (8 B) and text offset (8 B), then the grouping arrays (about 30 B). Candidates are
found one band at a time, read back from its file, and verification reads only the
texts of candidate pairs, one at a time. The results are those of ``find_clusters`` on
the same texts.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import overload

import numpy as np

from dedupe.batches import text_batches
from dedupe.chain import cluster_groups
from dedupe.cluster import PositionClusters
from dedupe.fingerprint import BATCH_SIZE, Fingerprints, fingerprint_batch
from dedupe.grouping import group_identical
from dedupe.hashing import I64, U64
from dedupe.parallel import map_in_threads, resolve_workers
from dedupe.settings import Settings


class TextFile(Sequence[str]):
    """Texts appended to a file as UTF-8 and read back one at a time (``os.pread``).

    Reading does not map the file, so the texts count in the page cache, not in this
    process's resident memory. A read fetches ``READ_AHEAD`` bytes from the text on and
    keeps them, one window per thread: verification asks for texts in ascending order,
    most of them close together, so one system call serves many texts.
    """

    READ_AHEAD = 1 << 20

    def __init__(self, path: Path):
        self._file = path.open("xb+")
        self._ends: list[I64] = []
        self._offsets = np.zeros(1, dtype=np.int64)
        self._size = 0
        self._windows = threading.local()  # per thread: (file offset, bytes read there)

    def append(self, texts: Sequence[str]) -> None:
        """Append texts at the end of the file."""
        encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
        self._file.write(b"".join(encoded))
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        self._ends.append(self._size + np.cumsum(lengths))
        self._size += int(lengths.sum())

    def seal(self) -> None:
        """Flush the file and build the offset table: call after the last ``append``."""
        self._file.flush()
        self._offsets = np.concatenate([np.zeros(1, dtype=np.int64), *self._ends])
        self._ends = []

    def close(self) -> None:
        self._file.close()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(f"text {index} out of range for {len(self)} texts")
        index %= len(self)
        start, end = int(self._offsets[index]), int(self._offsets[index + 1])
        window_start, window = getattr(self._windows, "last", (0, b""))
        if not window_start <= start <= end <= window_start + len(window):
            window_start = start
            window = os.pread(self._file.fileno(), max(end - start, self.READ_AHEAD), start)
            self._windows.last = (window_start, window)
        low = start - window_start
        return window[low : low + end - start].decode("utf-8", "surrogatepass")


class BandFiles:
    """Band keys spilled to disk, one file per band, appended batch by batch.

    Band keys are 32 bits (``lsh.band_keys``), so each is stored in four bytes.
    """

    def __init__(self, folder: Path, *, bands: int):
        self._paths = [folder / f"band-{band:03d}.u64" for band in range(bands)]
        self._files = [path.open("xb") for path in self._paths]

    def append(self, keys: U64) -> None:
        """Append the keys of a batch, an array of shape ``(texts, bands)``."""
        for band, file in enumerate(self._files):
            file.write(np.ascontiguousarray(keys[:, band], dtype="<u4").tobytes())

    def columns(self) -> Iterator[U64]:
        """Each band's keys for all texts, one band in memory at a time."""
        for file in self._files:
            file.flush()
        for path in self._paths:
            yield np.fromfile(path, dtype="<u4").astype(np.uint64)

    def close(self) -> None:
        for file in self._files:
            file.close()


def find_clusters_on_disk(
    texts: Iterable[str],
    settings: Settings,
    *,
    batch_size: int = BATCH_SIZE,
    workdir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
) -> PositionClusters:
    """``find_clusters`` for an iterable of texts, spilling texts and band keys to disk.

    ``workdir`` is the folder for the temporary files (the system's temporary folder
    by default); it needs about ``4 * bands`` bytes plus the UTF-8 size of each text,
    and the pairs that meet in a band (``candidates.candidate_pairs`` with ``spill``),
    and is cleaned up on return. Batches are fingerprinted on ``workers`` threads (every
    available core by default), ``workers`` batches in memory at a time; the result is
    the same for any number.
    """
    workers = resolve_workers(workers)
    bands, _ = settings.band_shape
    with tempfile.TemporaryDirectory(prefix="dedupe-", dir=workdir) as folder:
        text_file = TextFile(Path(folder) / "texts.utf8")
        band_files = BandFiles(Path(folder), bands=bands)
        try:
            content, token_counts = _spill(
                text_batches(texts, batch_size=batch_size), settings, text_file, band_files, workers
            )
            text_file.seal()
            groups = group_identical(content, token_counts, keep=settings.keep)
            del content, token_counts
            return cluster_groups(
                text_file,
                groups,
                band_files.columns(),
                settings,
                workers=workers,
                spill=Path(folder),
            )
        finally:
            text_file.close()
            band_files.close()


def _spill(
    batches: Iterator[list[str]],
    settings: Settings,
    text_file: TextFile,
    band_files: BandFiles,
    workers: int,
) -> tuple[U64, I64]:
    """Fingerprint ``workers`` batches at a time; keep content hashes and token counts,
    spill the rest in input order."""
    contents: list[U64] = [np.empty((0, 2), dtype=np.uint64)]
    counts: list[I64] = [np.empty(0, dtype=np.int64)]

    def fingerprints_of(batch: list[str]) -> Fingerprints:
        return fingerprint_batch(batch, settings).fingerprints

    while chunk := list(islice(batches, workers)):
        for batch, part in zip(
            chunk, map_in_threads(fingerprints_of, chunk, workers=workers), strict=True
        ):
            text_file.append(batch)
            band_files.append(part.band_keys)
            contents.append(part.content)
            counts.append(part.token_counts)
    return np.concatenate(contents), np.concatenate(counts)
