"""docs/cli.md documents every command and every option of the command line."""

from __future__ import annotations

import argparse
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


def test_every_option_is_documented() -> None:
    text = CLI_DOC.read_text()
    options = {
        option
        for parser in (build_parser(), *commands().values())
        for action in parser._actions
        for option in action.option_strings
    }
    assert {"--format", "--min-length", "--no-cache", "-v"} <= options
    missing = sorted(option for option in options if f"`{option}" not in text)
    assert missing == []
