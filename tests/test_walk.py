"""Walking folders: sorted, hidden names skipped, folder symlinks and loops not followed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dedupe.corpus import find_files
from dedupe.errors import CorpusError


def names(files: list[tuple[Path, str]]) -> list[str]:
    return [display for _, display in files]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("root/z.txt", "root/a/b.txt", "root/a.txt", "root/.hidden/c.txt", "root/.d.txt"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(name)
    return tmp_path


def test_sorted_and_hidden_skipped(tree: Path) -> None:
    assert names(find_files(["root"])) == ["root/a.txt", "root/a/b.txt", "root/z.txt"]
    assert names(find_files(["root/.d.txt"])) == ["root/.d.txt"]


def test_folder_symlinks_and_loops_are_not_followed(tree: Path) -> None:
    os.symlink("..", "root/a/parent", target_is_directory=True)
    os.symlink("self", "root/self")
    os.symlink("missing.txt", "root/broken.txt")
    os.symlink("z.txt", "root/y.txt")
    loops: list[str] = []
    found = find_files(["root"], symlink_loops=loops)
    assert names(found) == [
        "root/a.txt",
        "root/a/b.txt",
        "root/broken.txt",  # read, and then an error naming it
        "root/z.txt",  # y.txt is a symlink to it: one file, under its own name
    ]
    assert loops == ["root/self"]
    assert names(find_files(["root"])) == names(found)


def test_a_named_loop_is_an_error(tree: Path) -> None:
    os.symlink("self", "root/self")
    with pytest.raises(CorpusError, match=r"^root/self: symlink loop; name a file or folder$"):
        find_files(["root/self"])


def test_globs_select_files(tree: Path) -> None:
    assert names(find_files(["root"], include=["b.*"])) == ["root/a/b.txt"]
    assert names(find_files(["root"], exclude=["root/a/*", "z.txt"])) == ["root/a.txt"]
