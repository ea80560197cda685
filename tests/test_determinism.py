"""Same input and settings give byte-identical JSON, whatever the order or the process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dedupe.cli import main

ARTICLE = (
    "The committee met on Tuesday to discuss the budget for the coming year and agreed "
    "that spending on roads and schools would rise while administrative costs would fall."
)


def write_corpus(root: Path, order: list[str]) -> None:
    """The same files, created in a different order (so directory order differs)."""
    contents = {
        "a.txt": f"{ARTICLE}\n\nUnrelated opening paragraph about the weather in spring.",
        "sub/b.txt": f"Something else entirely.\n\n{ARTICLE.replace('Tuesday', 'Monday')}",
        "sub/c.txt": f"{ARTICLE}\n",
        "d.txt": "A paragraph that has no copy anywhere in this little corpus at all.",
    }
    for name in order:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(contents[name], encoding="utf-8")


def json_output(root: Path, paths: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        assert main(["check", "--format", "json", *paths]) == 1
    finally:
        os.chdir(cwd)
    return capsys.readouterr().out


def test_json_is_identical_across_file_creation_and_argument_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    write_corpus(first, ["a.txt", "sub/b.txt", "sub/c.txt", "d.txt"])
    write_corpus(second, ["d.txt", "sub/c.txt", "sub/b.txt", "a.txt"])
    reference = json_output(first, ["."], capsys)
    assert '"start_line"' in reference
    assert json_output(second, ["."], capsys) == reference
    assert json_output(first, ["sub", "d.txt", "a.txt"], capsys) == json_output(
        first, ["a.txt", "d.txt", "sub"], capsys
    )


def test_json_is_identical_across_processes_with_different_hash_seeds(tmp_path: Path) -> None:
    write_corpus(tmp_path, ["a.txt", "sub/b.txt", "sub/c.txt", "d.txt"])
    outputs = []
    for hash_seed in ("1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
        completed = subprocess.run(
            [sys.executable, "-m", "dedupe", "check", "--format", "json", "."],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            check=False,
        )
        assert completed.returncode == 1, completed.stderr
        outputs.append(completed.stdout)
    assert outputs[0] == outputs[1]
    assert b'"similarity"' in outputs[0]


def test_json_is_identical_whatever_files_are_fingerprinted_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_corpus(tmp_path, ["a.txt", "sub/b.txt", "sub/c.txt", "d.txt"])
    reference = json_output(tmp_path, [".", "--no-cache"], capsys)
    monkeypatch.setattr("dedupe.scan.BATCH_SIZE", 1)  # a file or two at a time
    monkeypatch.setattr("dedupe.cli.check.available_cores", lambda: 1)
    assert json_output(tmp_path, [".", "--no-cache"], capsys) == reference
