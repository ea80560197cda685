"""Corpus: find files, read and decode them, split them into paragraphs with their spans.

Paragraphs are blocks of non-blank lines. A block holding a line longer than
``UNWRAPPED_LINE_LENGTH`` characters is taken as unwrapped text, one paragraph per line
(news dumps, JSONL-like exports, the seeds); a block of shorter lines is hard-wrapped prose
and stays one paragraph. Line numbers are 1-based and count ``\\n`` only, as editors do.

Files are visited in sorted path order whatever order the file system gives, so results
do not depend on it. Hidden files and folders (names starting with ``.``) are skipped
while walking a folder, but not when named directly. Folder symlinks are not followed
(no loops); file symlinks are read, except symlink loops, which are passed over while
walking.
"""

from __future__ import annotations

import errno
import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dedupe.errors import CorpusError

UNWRAPPED_LINE_LENGTH = 100
"""A block with a line longer than this is split into one paragraph per line."""

_BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Where a paragraph is: a file and its first and last line (1-based, inclusive)."""

    path: str
    start_line: int
    end_line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.start_line}"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph's text and where it came from."""

    text: str
    span: Span


def split_paragraphs(text: str, *, path: str) -> list[Paragraph]:
    """Split one file's text into paragraphs with their spans."""
    paragraphs: list[Paragraph] = []
    block: list[str] = []
    block_start = 0
    lines = text.split("\n")
    for number, raw_line in enumerate(lines, start=1):
        line = raw_line.removesuffix("\r")
        if line.strip():
            if not block:
                block_start = number
            block.append(line)
            continue
        if block:
            paragraphs.extend(_block_paragraphs(block, path=path, start=block_start))
            block = []
    if block:
        paragraphs.extend(_block_paragraphs(block, path=path, start=block_start))
    return paragraphs


def _block_paragraphs(block: list[str], *, path: str, start: int) -> list[Paragraph]:
    if len(block) > 1 and max(map(len, block)) > UNWRAPPED_LINE_LENGTH:
        return [
            Paragraph(line, Span(path, start + offset, start + offset))
            for offset, line in enumerate(block)
        ]
    return [Paragraph("\n".join(block), Span(path, start, start + len(block) - 1))]


def read_text(path: Path, *, display: str, encoding: str = "utf-8") -> str | None:
    """Read and decode a file; ``None`` when it looks binary (a NUL byte near the start)."""
    return decode_text(read_bytes(path, display=display), display=display, encoding=encoding)


def read_bytes(path: Path, *, display: str) -> bytes:
    """A file's bytes; ``CorpusError`` naming the file when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise CorpusError(f"{display}: cannot read file: {reason}") from error


def decode_text(data: bytes, *, display: str, encoding: str = "utf-8") -> str | None:
    """Decode a file's bytes; ``None`` when they look binary (a NUL byte near the start)."""
    if b"\0" in data[:_BINARY_SNIFF_BYTES]:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise CorpusError(
            f"{display}: not valid {encoding} at byte {error.start}; "
            "give the right encoding (encoding=..., or --encoding on the command line)"
        ) from error
    except LookupError as error:
        raise ValueError(f"encoding must be a codec Python knows, got {encoding!r}") from error
    return text.removeprefix("\ufeff")


def find_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    symlink_loops: list[str] | None = None,
) -> list[tuple[Path, str]]:
    """Files under ``paths`` as ``(path, display name)``, sorted by display name.

    ``include`` and ``exclude`` are glob patterns matched against the display name (the
    path as given, with ``/`` separators), the path below the folder being walked, and
    the file name alone (``*`` also matches ``/``); with
    ``include`` given, only matching files are kept. Named files are always kept unless
    excluded. Symlink loops met while walking are skipped and appended to
    ``symlink_loops`` when it is given; a symlink loop named directly is an error.
    """
    found: dict[str, Path] = {}
    for given in paths:
        root = Path(given)
        if _is_symlink_loop(root):
            raise CorpusError(f"{root.as_posix()}: symlink loop; name a file or folder")
        if root.is_dir():
            for file in _walk(root, symlink_loops=[] if symlink_loops is None else symlink_loops):
                display = file.as_posix()
                relative = file.relative_to(root).as_posix()
                if selected((display, relative), include=include, exclude=exclude):
                    found.setdefault(display, file)
        elif root.exists() or root.is_symlink():
            display = root.as_posix()
            if not _matches((display,), exclude):
                found.setdefault(display, root)
        else:
            raise CorpusError(f"{root.as_posix()}: no such file or folder")
    return sorted(((path, display) for display, path in found.items()), key=lambda item: item[1])


def _walk(root: Path, *, symlink_loops: list[str]) -> list[Path]:
    files: list[Path] = []

    def fail(error: OSError) -> None:
        where = Path(error.filename).as_posix() if error.filename else root.as_posix()
        raise CorpusError(f"{where}: cannot list folder: {error.strerror}") from error

    for folder, subfolders, names in os.walk(root, onerror=fail, followlinks=False):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            file = Path(folder, name)
            if name.startswith("."):
                continue
            if _is_symlink_loop(file):
                symlink_loops.append(file.as_posix())
                continue
            files.append(file)
    return files


def _is_symlink_loop(path: Path) -> bool:
    if not path.is_symlink():
        return False
    try:
        path.stat()
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def selected(names: tuple[str, ...], *, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Whether a file, known by ``names`` (display name first), passes the globs."""
    if include and not _matches(names, include):
        return False
    return not _matches(names, exclude)


def _matches(names: tuple[str, ...], patterns: Sequence[str]) -> bool:
    """Whether any pattern matches any of the names or the last name's file name."""
    candidates = (*names, names[-1].rsplit("/", 1)[-1])
    return any(fnmatch.fnmatchcase(name, pattern) for name in candidates for pattern in patterns)
