"""The files git tracks: the default corpus when neither paths nor configuration name one."""

from __future__ import annotations

import subprocess
from pathlib import Path

from dedupe.errors import DedupeError

_NO_CORPUS = "name the files or folders to check, or set paths in [tool.dedupe]"


def toplevel(cwd: Path) -> Path | None:
    """The root of the git work tree holding ``cwd``, or ``None`` outside one."""
    try:
        done = _git(["rev-parse", "--show-toplevel"], cwd)
    except DedupeError:
        return None
    return Path(done.strip()) if done.strip() else None


def tracked_files(cwd: Path) -> list[str]:
    """Every file git tracks in the repository of ``cwd``, relative to ``cwd``."""
    listing = _git(["ls-files", "-z", "--cached", "--", ":/"], cwd)
    return sorted(name for name in listing.split("\0") if name)


def _git(arguments: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(
            ["git", *arguments],
            cwd=cwd,
            capture_output=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
        )
    except OSError as error:
        raise DedupeError(f"cannot run git ({error.strerror}); {_NO_CORPUS}") from error
    if done.returncode != 0:
        raise DedupeError(f"not inside a git repository; {_NO_CORPUS}")
    return done.stdout
