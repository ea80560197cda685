"""Scan files for near-duplicate paragraphs, fingerprinting only files not seen before.

Every file is read and its bytes hashed (``xxh3_128``, gigabytes a second); files whose
fingerprints are in the cache are not normalized, shingled or signed again. Only the
paragraphs' texts are kept in memory, never the files' bytes, so a huge file is held once
(its bytes, then its text, one file at a time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import numpy.typing as npt
import xxhash

from dedupe.cache import FingerprintCache
from dedupe.chain import cluster_fingerprints
from dedupe.cluster import Cluster, attach_keys
from dedupe.corpus import MAX_FILE_SIZE, Paragraph, Span, read_bytes
from dedupe.fingerprint import BATCH_SIZE, Fingerprints, concatenate, fingerprint
from dedupe.records import DEFAULT_READING, Reading, file_units
from dedupe.settings import Settings


@dataclass(slots=True)
class Scan:
    """What a scan found: clusters with ``Span`` keys, and what it read and passed over."""

    clusters: list[Cluster[Span]]
    paragraphs: list[Paragraph]
    files: list[str] = field(default_factory=list)
    skipped_binary: list[str] = field(default_factory=list)
    fingerprinted_files: int = 0

    def texts_by_span(self) -> dict[Span, str]:
        """The paragraphs as a ``Span -> text`` mapping."""
        return {paragraph.span: paragraph.text for paragraph in self.paragraphs}


@dataclass(slots=True)
class _File:
    display: str
    content_hash: bytes
    paragraphs: list[Paragraph]


def scan_files(
    files: Sequence[tuple[Path, str]],
    *,
    settings: Settings,
    encoding: str = "utf-8",
    min_length: int = 0,
    cache: FingerprintCache | None = None,
    workers: int = 1,
    on_progress: Callable[[int], None] = lambda units: None,
    max_file_size: int = MAX_FILE_SIZE,
    reading: Reading = DEFAULT_READING,
) -> Scan:
    """Cluster the paragraphs of ``files`` (``(path, display name)``, in report order).

    Paragraphs shorter than ``min_length`` characters (surrounding blanks aside) take no
    part. Fingerprinting and verification run on ``workers`` threads. ``on_progress`` is
    called with the number of files read, then fingerprinted. ``reading`` says how
    record files (JSON Lines, CSV, Parquet) and text files are cut into units.
    """
    read: list[_File] = []
    skipped: list[str] = []
    for path, display in files:
        data = read_bytes(path, display=display, max_file_size=max_file_size)
        hasher = xxhash.xxh3_128(data)
        hasher.update(reading.key(display))  # what the units depend on besides the bytes
        content_hash = hasher.digest()
        units = file_units(data, display=display, encoding=encoding, reading=reading)
        del data
        if units is None:
            skipped.append(display)
        else:
            read.append(_File(display, content_hash, units))
        on_progress(1)
    known = cache.get(file.content_hash for file in read) if cache else {}
    missing = [file for file in read if file.content_hash not in known]
    computed = _fingerprint_files(missing, settings, workers=workers, on_progress=on_progress)
    if cache:
        cache.put(computed)
    by_hash = {**known, **computed}
    paragraphs = [paragraph for file in read for paragraph in file.paragraphs]
    fingerprints = concatenate(
        [by_hash[file.content_hash] for file in read], bands=settings.band_shape[0]
    )
    kept = np.array([len(p.text.strip()) >= min_length for p in paragraphs], dtype=bool)
    if not kept.all():
        paragraphs = [paragraph for paragraph, keep in zip(paragraphs, kept, strict=True) if keep]
        fingerprints = _take(fingerprints, kept)
    texts = [paragraph.text for paragraph in paragraphs]
    found = cluster_fingerprints(texts, fingerprints, settings, workers=workers)
    clusters = attach_keys([paragraph.span for paragraph in paragraphs], found)
    return Scan(
        clusters,
        paragraphs,
        files=[file.display for file in read],
        skipped_binary=skipped,
        fingerprinted_files=len(missing),
    )


def _fingerprint_files(
    files: Sequence[_File],
    settings: Settings,
    *,
    workers: int,
    on_progress: Callable[[int], None],
) -> dict[bytes, Fingerprints]:
    """Fingerprints per content hash, computed a ``BATCH_SIZE`` of texts per worker at a time."""
    result: dict[bytes, Fingerprints] = {}
    batch: list[_File] = []
    size = 0
    texts_at_once = BATCH_SIZE * workers  # one batch for each thread
    for number, file in enumerate(files, start=1):
        batch.append(file)
        size += len(file.paragraphs)
        if size >= texts_at_once or number == len(files):
            texts = [paragraph.text for part in batch for paragraph in part.paragraphs]
            whole = fingerprint(texts, settings, workers=workers)
            low = 0
            for part in batch:
                high = low + len(part.paragraphs)
                result[part.content_hash] = _take(whole, slice(low, high))
                low = high
            on_progress(len(batch))
            batch, size = [], 0
    return result


def _take(fingerprints: Fingerprints, which: slice | npt.NDArray[np.bool_]) -> Fingerprints:
    """The fingerprints of some texts: a slice or a mask over all of them."""
    return Fingerprints(*(getattr(fingerprints, part.name)[which] for part in fields(Fingerprints)))
