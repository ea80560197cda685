"""The progress bar: drawn on a terminal after a delay, never in logs or quick runs."""

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


def test_a_long_run_on_a_terminal_draws_and_erases_the_bar() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, total=4, label="dedupe", clock=clock)
    progress.advance()
    assert stream.getvalue() == ""
    clock.now += DELAY_SECONDS
    progress.advance()
    assert stream.getvalue() == "\rdedupe [" + "#" * 15 + "-" * 15 + "]  50%"
    progress.advance()  # too soon after the last draw
    assert stream.getvalue().count("\r") == 1
    clock.now += 1
    progress.advance()
    assert stream.getvalue().endswith("[" + "#" * 30 + "] 100%")
    progress.close()
    assert stream.getvalue().endswith("\r\x1b[K")


@pytest.mark.parametrize(("stream", "enabled"), [(io.StringIO(), True), (Terminal(), False)])
def test_no_bar_in_logs_or_when_disabled(stream: io.StringIO, enabled: bool) -> None:
    clock = Clock()
    progress = Progress(stream, total=2, label="dedupe", enabled=enabled, clock=clock)
    clock.now += 60
    progress.advance(2)
    progress.close()
    assert stream.getvalue() == ""
    assert progress.done == 2


def test_the_command_draws_nothing_when_stderr_is_not_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("same words in this line\n\nsame words in this line\n")
    monkeypatch.setattr("dedupe.cli.progress.DELAY_SECONDS", 0.0)
    assert main(["check", "a.txt"]) == 1
    assert "\r" not in capsys.readouterr().err
