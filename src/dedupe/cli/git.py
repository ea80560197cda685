"""The files git sees: the default corpus when neither paths nor configuration name one."""

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


def corpus_names(cwd: Path) -> list[str]:
    """The files git tracks and the untracked files it does not ignore, relative to ``cwd``.

    Untracked files count because a new file is a change like any other: a check run
    before ``git add`` sees what the commit will hold.
    """
    listing = _git(
        ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ":/"], cwd
    )
    return sorted({name for name in listing.split("\0") if name})


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
