"""The examples of docs/cli.md (``console`` blocks) and docs/api.md (``>>>``) run as written.

In a ``console`` block, ``$ cat FILE`` followed by lines writes FILE when it does not
exist yet and checks its content when it does; ``$ dedupe ...`` runs the command in
process and checks that its stdout is the lines that follow.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import shlex
from pathlib import Path

import pytest

from dedupe.cli import main

DOCS = Path(__file__).resolve().parents[1] / "docs"


def console_blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in re.findall(r"```console\n(.*?)```", text, re.S)]


def steps(lines: list[str]) -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("$ "):
            found.append((line[2:], []))
        else:
            found[-1][1].append(line)
    return found


def run_block(lines: list[str], folder: Path) -> int:
    ran = 0
    for command, output in steps(lines):
        words = shlex.split(command)
        expected = "".join(f"{line}\n" for line in output)
        if words[0] == "cat":
            path = folder / words[1]
            if path.exists():
                assert path.read_text(encoding="utf-8") == expected, command
            else:
                path.write_text(expected, encoding="utf-8")
            continue
        assert words[0] == "dedupe", command
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
            code = main([*words[1:], "--no-progress"])
        assert code in (0, 1), command
        assert stdout.getvalue() == expected, command
        ran += 1
    return ran


def test_the_console_examples_of_the_command_line_docs_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    blocks = console_blocks((DOCS / "cli.md").read_text(encoding="utf-8"))
    assert blocks, "docs/cli.md has no console example"
    ran = 0
    for number, block in enumerate(blocks):
        folder = tmp_path / str(number)
        folder.mkdir()
        monkeypatch.chdir(folder)
        ran += run_block(block, folder)
    assert ran >= 3


def test_the_examples_of_the_api_docs_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    fences = re.sub(r"^```.*$", "", text, flags=re.M)  # a fence would read as expected output
    test = doctest.DocTestParser().get_doctest(fences, {}, "api.md", "docs/api.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 10
    assert result.failed == 0
