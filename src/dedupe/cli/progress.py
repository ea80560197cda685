"""A progress line on stderr for long runs in a terminal, and nothing anywhere else.

It names the stage (reading, fingerprinting, clustering: candidates and verification;
writing, for ``dedup``)
and counts what that stage has done, so it never jumps backward: each stage starts its
own count. It draws only when the stream is a terminal and the run has already taken
``DELAY_SECONDS``, so quick runs, pre-commit hooks and CI logs never see it; it redraws
one line in place at most ``1 / MIN_INTERVAL`` times a second and erases it when done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

DELAY_SECONDS = 2.0
"""Runs shorter than this show no progress line."""

MIN_INTERVAL = 0.1
_UNITS = {
    "reading": "files",
    "fingerprinting": "files",
    "clustering": "paragraphs",
    "writing": "files",
}


class Progress:
    """Shows the current stage and how far it is, when it is worth it."""

    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._enabled = enabled and _is_terminal(stream)
        self._clock = clock
        self._started = self._clock()
        self._drawn_at: float | None = None
        self._stage = ""
        self.line = ""
        """The last line drawn (or due), for tests."""

    def update(self, stage: str, done: int, total: int) -> None:
        """Record that ``stage`` has done ``done`` of ``total`` units; redraw when due."""
        changed = stage != self._stage
        self._stage = stage
        unit = _UNITS.get(stage, "")
        self.line = (
            f"dedupe: {stage} {total} {unit}".rstrip()
            if stage == "clustering"
            else f"dedupe: {stage} {done}/{total} {unit}".rstrip()
        )
        if not self._enabled:
            return
        now = self._clock()
        if now - self._started < DELAY_SECONDS:
            return
        if not changed and self._drawn_at is not None and now - self._drawn_at < MIN_INTERVAL:
            return
        self._drawn_at = now
        self._stream.write(f"\r\x1b[K{self.line}")
        self._stream.flush()

    def close(self) -> None:
        """Erase the line if one was drawn."""
        if self._drawn_at is not None:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn_at = None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False
