"""Atomic file replacement: readers see the old file or the new one, never a torn one.

The new file keeps the permission bits of the file it replaces, or gets those the umask
gives a new file (not ``mkstemp``'s 0600); a symlink is written through, so the link
stays and its target changes. The temporary file is named ``.NAME.PID.XXXX.tmp``: it is
removed when the write fails or the process is stopped by SIGTERM or SIGHUP, and a
temporary left by a process that no longer runs (killed with SIGKILL, a power cut) is
removed by the next write of the same file.
"""

from __future__ import annotations

import contextlib
import glob
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

_SUFFIX = ".tmp"
_TERMINATING = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals whose default action ends the process (Windows has no SIGHUP)."""


@contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` durably.

    Write the new content to the yielded path. When the block ends normally the file is
    given its mode, fsynced and renamed over ``path`` (atomic on POSIX and Windows), then
    the folder is fsynced so the rename survives a crash; when it raises, the temporary
    file is removed and ``path`` is left as it was.
    """
    destination = Path(path)
    if destination.is_symlink():
        destination = Path(os.path.realpath(destination))
    prefix = f".{destination.name}."
    _remove_abandoned(destination.parent, prefix)
    handle, name = tempfile.mkstemp(
        prefix=f"{prefix}{os.getpid()}.", suffix=_SUFFIX, dir=destination.parent
    )
    os.close(handle)
    temporary = Path(name)
    try:
        with _removed_on_termination(temporary):
            yield temporary
            os.chmod(temporary, _mode_for(destination))
            with temporary.open("rb") as written:
                os.fsync(written.fileno())
            os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_folder(destination.parent)


def _mode_for(destination: Path) -> int:
    """The permission bits of the file being replaced, else what the umask leaves of 0666."""
    try:
        return destination.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)  # the only way to read it; set back at once
        os.umask(mask)
        return 0o666 & ~mask


def _remove_abandoned(folder: Path, prefix: str) -> None:
    """Remove temporaries of this file whose process (the PID in the name) is gone."""
    for left in folder.glob(f"{glob.escape(prefix)}*{_SUFFIX}"):
        pid = left.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            with contextlib.suppress(OSError):
                left.unlink()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or not a PID
        pass
    return True


@contextmanager
def _removed_on_termination(temporary: Path) -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP remove ``temporary``, then act as before.

    Only signals left to their default action (ending the process) are taken over, and
    only in the main thread, the one Python runs signal handlers in.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def remove_then_die(signum: int, frame: FrameType | None) -> None:
        temporary.unlink(missing_ok=True)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    taken = [number for number in _TERMINATING if signal.getsignal(number) == signal.SIG_DFL]
    for number in taken:
        signal.signal(number, remove_then_die)
    try:
        yield
    finally:
        for number in taken:
            signal.signal(number, signal.SIG_DFL)


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable; not every platform can open a folder, hence the guard."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
