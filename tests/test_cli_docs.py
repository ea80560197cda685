"""docs/cli.md documents every command and every option of the command line."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from dedupe.cli import build_parser

CLI_DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the parser has no commands")


def test_every_command_has_a_section() -> None:
    text = CLI_DOC.read_text()
    found = commands()
    assert sorted(found) == ["baseline", "check", "dedup", "hook"]
    for name in found:
        assert f"### `dedupe {name}" in text, name


def option_rows(text: str) -> dict[str, list[str]]:
    """Option -> the cells of its table row (an option's row names it in its first cell)."""
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("| `-"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for name in re.findall(r"`(-[-\w]+)", cells[0]):
            rows[name] = cells
    return rows


def test_every_option_has_a_row_with_a_description() -> None:
    rows = option_rows(CLI_DOC.read_text())
    options = {
        option
        for parser in (build_parser(), *commands().values())
        for action in parser._actions
        for option in action.option_strings
    }
    assert {"--format", "--min-length", "--no-cache", "-v", "--output-file"} <= options
    missing = sorted(option for option in options if option not in rows)
    assert missing == []
    undescribed = sorted(option for option in options if len(rows[option][-1].split()) < 3)
    assert undescribed == []


def test_the_row_check_sees_a_missing_description() -> None:
    rows = option_rows("| `--frob N` | | |  |\n| `--ok` | a | b | says what it does |\n")
    assert rows["--frob"][-1] == ""
    assert rows["--ok"][-1] == "says what it does"
