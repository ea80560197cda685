"""``[tool.dedupe]`` in ``pyproject.toml``: found walking up, flags win, errors name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedupe.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, main
from dedupe.cli.config import find_config, load_config
from dedupe.errors import ConfigError

TEXT = " ".join(f"w{index}" for index in range(40))
NEAR = TEXT.rsplit(" ", 3)[0] + " x1 x2 x3"  # Jaccard 33/39 = 0.85


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with ``pyproject.toml`` at its root; the working directory is ``sub/``."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(f"{TEXT}\n")
    (tmp_path / "docs" / "b.md").write_text(f"{NEAR}\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    return tmp_path


def configure(project: Path, table: str) -> None:
    (project / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.dedupe]\n{table}\n")


def test_found_by_walking_up_with_paths_relative_to_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, 'paths = ["docs"]\ncache-dir = "cache"\nbaseline = "accepted.json"')
    config = load_config(project / "sub")
    assert config.source == project / "pyproject.toml"
    assert config.get("paths") == ["../docs"]
    assert config.get("cache-dir") == "../cache"
    assert main(["check"]) == EXIT_FINDINGS
    assert capsys.readouterr().out == (
        "../docs/b.md:1: near-duplicate of ../docs/a.txt:1 (similarity 0.85)\n"
    )
    assert (project / "cache" / "fingerprints.sqlite3").is_file()
    assert main(["baseline"]) == EXIT_CLEAN
    assert (project / "accepted.json").is_file()


def test_command_line_flags_win(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, 'paths = ["docs"]\nthreshold = 0.9\nformat = "json"\nexclude = ["*.md"]')
    assert main(["check"]) == EXIT_CLEAN
    assert main(["check", "--exclude", "nothing"]) == EXIT_CLEAN  # threshold 0.9 still
    assert main(["check", "--exclude", "nothing", "--threshold", "0.8"]) == EXIT_FINDINGS
    assert '"clusters"' in capsys.readouterr().out
    assert main(["check", "--exclude", "x", "--threshold", "0.8", "--format", "text"]) == 1
    assert capsys.readouterr().out.startswith("../docs/b.md:1: near-duplicate of")


def test_every_key_is_used(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(
        project,
        'paths = ["docs"]\ninclude = ["*.txt", "*.md"]\nngram = 2\nnum-perm = 64\nseed = 3\n'
        'encoding = "utf-8"\nmin-length = 5\nformat = "json"\ncache = false',
    )
    assert main(["check"]) == EXIT_FINDINGS
    settings = __import__("json").loads(capsys.readouterr().out)["settings"]
    assert (settings["ngram"], settings["num_perm"], settings["seed"]) == (2, 64, 3)
    assert not (project / ".dedupe-cache").exists()
    configure(project, 'paths = ["docs"]\nmin-length = 1000')
    assert main(["check"]) == EXIT_CLEAN


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "thresold = 0.9",
            "[tool.dedupe] unknown key 'thresold'; known keys: all-blocks, baseline,",
        ),
        ("threshold = 'high'", "[tool.dedupe] threshold must be a number, got 'high'"),
        ("threshold = 1.5", "[tool.dedupe] threshold must be in (0.0, 1.0], got 1.5"),
        ("num-perm = 0", "[tool.dedupe] num-perm must be in [1, 4096], got 0"),
        ("paths = 'docs'", "[tool.dedupe] paths must be a list of strings, got 'docs'"),
        ("min-length = -3", "[tool.dedupe] min-length must be an integer >= 0, got -3"),
        (
            "format = 'xml'",
            "[tool.dedupe] format must be one of github, json, sarif, text, got 'xml'",
        ),
        ("cache = 'no'", "[tool.dedupe] cache must be true or false, got 'no'"),
        ("threshold = ", "not valid TOML: "),
    ],
)
def test_an_ill_formed_config_names_the_file_and_key(
    project: Path, capsys: pytest.CaptureFixture[str], table: str, message: str
) -> None:
    configure(project, table)
    assert main(["check", "../docs"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith(f"dedupe: error: ../pyproject.toml: {message}")
    assert err.count("\n") == 1


def test_a_tool_dedupe_that_is_not_a_table(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool]\ndedupe = 3\n")
    with pytest.raises(ConfigError, match=r"\[tool.dedupe\] must be a table"):
        load_config(project)


def test_search_stops_at_the_git_root(project: Path) -> None:
    configure(project, "")
    assert find_config(project / "sub") == project / "pyproject.toml"
    assert find_config(project / "sub", stop=project / "sub") is None
    assert load_config(project / "sub", stop=project / "sub").root == project / "sub"


def test_configured_globs_are_relative_to_the_project_root_from_any_folder(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(project, 'paths = ["docs"]\nexclude = ["docs/b.md"]')
    assert main(["check", "--no-cache"]) == EXIT_CLEAN  # from sub/: docs/b.md is ../docs/b.md
    monkeypatch.chdir(project)
    assert main(["check", "--no-cache"]) == EXIT_CLEAN
    configure(project, 'paths = ["docs"]')
    assert main(["check", "--no-cache"]) == EXIT_FINDINGS
    capsys.readouterr()
