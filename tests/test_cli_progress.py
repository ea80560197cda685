"""The progress line: drawn on a terminal after a delay, never in logs or quick runs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dedupe.cli import main
from dedupe.cli.progress import DELAY_SECONDS, Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_long_run_on_a_terminal_names_the_stage_and_erases_the_line() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, clock=clock)
    progress.update("reading", 1, 4)
    assert stream.getvalue() == ""
    clock.now += DELAY_SECONDS
    progress.update("reading", 2, 4)
    assert stream.getvalue() == "\r\x1b[Kdedupe: reading 2/4 files"
    progress.update("reading", 3, 4)  # too soon after the last draw
    assert stream.getvalue().count("\r") == 1
    progress.update("clustering", 0, 90)  # a new stage is drawn at once
    assert stream.getvalue().endswith("\r\x1b[Kdedupe: clustering 90 paragraphs")
    progress.close()
    assert stream.getvalue().endswith("\r\x1b[K")


@pytest.mark.parametrize(("stream", "enabled"), [(io.StringIO(), True), (Terminal(), False)])
def test_no_line_in_logs_or_when_disabled(stream: io.StringIO, enabled: bool) -> None:
    clock = Clock()
    progress = Progress(stream, enabled=enabled, clock=clock)
    clock.now += 60
    progress.update("fingerprinting", 2, 2)
    progress.close()
    assert stream.getvalue() == ""
    assert progress.line == "dedupe: fingerprinting 2/2 files"


def test_the_command_draws_nothing_when_stderr_is_not_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text(
        "the same words in this long line\n\nthe same words in this long line\n"
    )
    monkeypatch.setattr("dedupe.cli.progress.DELAY_SECONDS", 0.0)
    assert main(["check", "a.txt"]) == 1
    assert "\r" not in capsys.readouterr().err
