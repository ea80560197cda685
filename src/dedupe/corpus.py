"""Corpus: find files, read and decode them, split them into paragraphs with their spans.

Paragraphs are blocks of non-blank lines. A block holding a line longer than
``UNWRAPPED_LINE_LENGTH`` characters is taken as unwrapped text, one paragraph per line
(news dumps, JSONL-like exports, the seeds); a block of shorter lines is hard-wrapped prose
and stays one paragraph. Line numbers are 1-based; a line ends at ``\\n``, ``\\r\\n`` or a
lone ``\\r``, as editors show it.

Files are visited in sorted path order whatever order the file system gives, so results
do not depend on it. Hidden files and folders (names starting with ``.``) are skipped
while walking a folder, but not when named directly. Folder symlinks are not followed
(no loops); file symlinks are read, except symlink loops, which are passed over while
walking. A file met twice (two spellings of one path, a symlink to another file of the
corpus, a hard link) is read once, under its plain name.

Only regular files are corpus files: a FIFO, device or socket is skipped without being
opened (reading a FIFO blocks, ``/dev/zero`` never ends), and so is a file larger than
``max_file_size`` bytes; each is listed in ``skipped`` with the reason.
"""

from __future__ import annotations

import codecs
import errno
import fnmatch
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dedupe.errors import CorpusError, SettingsError
from dedupe.prose import structure_lines

UNWRAPPED_LINE_LENGTH = 100
"""A block with a line longer than this is split into one paragraph per line."""

MAX_FILE_SIZE = 32 * 2**20
"""Files larger than this many bytes are skipped: reading one costs about ten times its
size in memory. ``max_file_size=`` (``--max-file-size``) raises it."""

DEFAULT_MIN_WORDS = 6
"""The command line's ``--min-words``: paragraphs of fewer words (normalized tokens) take
no part. Measured on the licences corpus (docs/tuning.md): one to five words are
headings and sign-offs ("0. Definitions.", "END OF TERMS AND CONDITIONS"), half of all
findings there; from six words on they are real stanzas. The library filters nothing."""

ENCODING_ERRORS = ("skip", "replace", "strict")
"""What the command line does with a file that does not decode: skip it with a warning,
decode it with U+FFFD for each bad byte, or stop with an error."""

_BINARY_SNIFF_BYTES = 8192
_BYTE_ORDER_MARKS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


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


def split_paragraphs(text: str, *, path: str, prose_only: bool = False) -> list[Paragraph]:
    """Split one file's text into paragraphs with their spans.

    With ``prose_only``, the structure lines of Markdown and reStructuredText files
    (headings, code blocks, tables, front matter; see ``dedupe.prose``) count as blank.
    """
    paragraphs: list[Paragraph] = []
    block: list[str] = []
    block_start = 0
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    structure = (
        structure_lines(lines, suffix=os.path.splitext(path)[1])
        if prose_only
        else [False] * len(lines)
    )
    for number, (line, skipped) in enumerate(zip(lines, structure, strict=True), start=1):
        if line.strip() and not skipped:
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


def read_text(
    path: Path, *, display: str, encoding: str = "utf-8", max_file_size: int = MAX_FILE_SIZE
) -> str | None:
    """Read and decode a file; ``None`` when it looks binary (a NUL byte near the start)."""
    data = read_bytes(path, display=display, max_file_size=max_file_size)
    return decode_text(data, display=display, encoding=encoding)


def read_bytes(path: Path, *, display: str, max_file_size: int = MAX_FILE_SIZE) -> bytes:
    """A regular file's bytes, at most ``max_file_size``; else ``CorpusError`` naming it.

    The file is opened without blocking and checked once open, so a file swapped for a
    FIFO or a device after it was listed is refused, not read.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as file:
            info = os.fstat(descriptor)
            problem = _not_corpus_file(info, max_file_size=max_file_size)
            if problem:
                raise CorpusError(f"{display}: {problem}")
            data = file.read(min(info.st_size, max_file_size) + 1)
            if len(data) > info.st_size:  # it grew, or its size is not known (/proc)
                data += file.read(max_file_size + 1 - len(data))
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise CorpusError(f"{display}: cannot read file: {reason}") from error
    if len(data) > max_file_size:
        raise CorpusError(f"{display}: {_too_large(max_file_size)}")
    return data


def _not_corpus_file(info: os.stat_result, *, max_file_size: int) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        return f"{kind}, not a regular file"
    if info.st_size > max_file_size:
        return _too_large(max_file_size)
    return None


def _too_large(max_file_size: int) -> str:
    return (
        f"larger than {max_file_size} bytes; raise the limit with --max-file-size "
        "(max_file_size= in Python)"
    )


def decode_text(
    data: bytes, *, display: str, encoding: str = "utf-8", replace: bool = False
) -> str | None:
    """Decode a file's bytes; ``None`` when they look binary (a NUL byte near the start).

    Bytes that are not valid in ``encoding`` raise ``CorpusError``, or with ``replace``
    become U+FFFD. A UTF-32 or UTF-16 byte order mark wins over ``encoding`` (those
    files are full of NUL bytes, so the mark is looked for first); bytes that do not
    decode in the encoding their mark names are taken as binary.
    """
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data[len(mark) :].decode(codec)
            except UnicodeDecodeError:
                return None
    if b"\0" in data[:_BINARY_SNIFF_BYTES]:
        return None
    try:
        text = data.decode(encoding, "replace" if replace else "strict")
    except UnicodeDecodeError as error:
        raise CorpusError(
            f"{display}: not valid {encoding} at byte {error.start}; "
            "give the right encoding (encoding=..., or --encoding on the command line)"
        ) from error
    except LookupError as error:
        raise SettingsError(f"encoding must be a codec Python knows, got {encoding!r}") from error
    return text.removeprefix("\ufeff")


def find_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    symlink_loops: list[str] | None = None,
    max_file_size: int = MAX_FILE_SIZE,
    skipped: list[tuple[str, str]] | None = None,
    root: Path | None = None,
) -> list[tuple[Path, str]]:
    """Files under ``paths`` as ``(path, display name)``, sorted by display name.

    ``include`` and ``exclude`` are glob patterns matched against the display name (the
    path as given, with ``/`` separators), the path below the folder being walked, the
    path relative to ``root`` when given (the project root, so that configured globs
    mean the same from any folder), and the file name alone (``*`` also matches ``/``); with
    ``include`` given, only matching files are kept. Named files are always kept unless
    excluded. Symlink loops met while walking are skipped and appended to
    ``symlink_loops`` when it is given; a symlink loop named directly is an error.
    Files that are not corpus files (not regular, too large) are left out and
    appended to ``skipped`` as ``(display name, reason)``; a file found twice is kept once.
    """
    found: dict[str, Path] = {}
    project = root
    for given in paths:
        root = Path(given)
        if _is_symlink_loop(root):
            raise CorpusError(f"{root.as_posix()}: symlink loop; name a file or folder")
        if root.is_dir():
            for file in _walk(root, symlink_loops=[] if symlink_loops is None else symlink_loops):
                display = file.as_posix()
                names = (display, file.relative_to(root).as_posix(), *_under(file, project))
                if selected(names, include=include, exclude=exclude):
                    found.setdefault(display, file)
        elif root.exists() or root.is_symlink():
            display = root.as_posix()
            if not _matches((display, *_under(root, project)), exclude):
                found.setdefault(display, root)
        else:
            raise CorpusError(f"{root.as_posix()}: no such file or folder")
    return corpus_files(found.items(), max_file_size=max_file_size, skipped=skipped)


def corpus_files(
    candidates: Iterable[tuple[str, Path]],
    *,
    max_file_size: int = MAX_FILE_SIZE,
    skipped: list[tuple[str, str]] | None = None,
    listed: bool = False,
) -> list[tuple[Path, str]]:
    """The corpus files of ``(display name, path)`` candidates, sorted by display name.

    Non-corpus files go to ``skipped`` with their reason. Names of one file (same device
    and inode) become one: the name that is not a symlink and is spelt plainly
    (``a/f.txt``, not ``a/../a/f.txt``) wins, then the first in sorted order. With
    ``listed`` (names from git's index), a name that no longer exists (or is a
    dangling link) and a folder (a submodule) are left out without a word. Each
    candidate costs one ``stat``; names of one file also an ``lstat`` each.
    """
    by_file: dict[object, tuple[tuple[bool, bool, str], Path]] = {}
    for display, path in candidates:
        try:
            info: os.stat_result | None = os.stat(path)
        except OSError:  # unreadable: kept, so that reading it names the error
            if listed:  # deleted since, or a dangling link: not the corpus
                continue
            info = None
        if listed and info is not None and stat.S_ISDIR(info.st_mode):
            continue
        problem = None if info is None else _not_corpus_file(info, max_file_size=max_file_size)
        if problem:
            if skipped is not None:
                skipped.append((display, problem))
            continue
        identity: object = display if info is None else (info.st_dev, info.st_ino)
        if identity not in by_file:
            by_file[identity] = ((False, False, display), path)
            continue
        rank = _rank(display, path)
        if rank < _rank(by_file[identity][0][2], by_file[identity][1]):
            by_file[identity] = (rank, path)
    kept = sorted((rank[2], path) for rank, path in by_file.values())
    return [(path, display) for display, path in kept]


def _rank(display: str, path: Path) -> tuple[bool, bool, str]:
    """Which of two names of one file is kept: not a symlink, spelt plainly, then first."""
    return (path.is_symlink(), os.path.normpath(display) != display, display)


def _under(path: Path, project: Path | None) -> tuple[str, ...]:
    """The path relative to the project root, when it is inside it."""
    if project is None:
        return ()
    relative = os.path.normpath(os.path.relpath(path, project))
    return () if relative.startswith("..") else (Path(relative).as_posix(),)


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
