"""A progress bar on stderr for long runs in a terminal, and nothing anywhere else.

It draws only when the stream is a terminal and the run has already taken
``DELAY_SECONDS``, so quick runs, pre-commit hooks and CI logs never see it. It redraws
one line in place at most ``1 / MIN_INTERVAL`` times a second and erases it when done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

DELAY_SECONDS = 2.0
"""Runs shorter than this show no bar."""

MIN_INTERVAL = 0.1
_WIDTH = 30


class Progress:
    """Counts units of work done out of ``total`` and draws a bar when it is worth it."""

    def __init__(
        self,
        stream: TextIO,
        *,
        total: int,
        label: str,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._total = max(total, 1)
        self._label = label
        self._enabled = enabled and _is_terminal(stream)
        self._clock = clock
        self._started = self._clock()
        self._drawn_at: float | None = None
        self.done = 0

    def advance(self, units: int = 1) -> None:
        """Record ``units`` more units of work, redrawing the bar when due."""
        self.done += units
        if not self._enabled:
            return
        now = self._clock()
        if now - self._started < DELAY_SECONDS:
            return
        if self._drawn_at is not None and now - self._drawn_at < MIN_INTERVAL:
            return
        self._drawn_at = now
        share = min(self.done / self._total, 1.0)
        filled = round(share * _WIDTH)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        self._stream.write(f"\r{self._label} [{bar}] {share:4.0%}")
        self._stream.flush()

    def close(self) -> None:
        """Erase the bar if one was drawn."""
        if self._drawn_at is not None:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn_at = None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False
