"""Atomic replacement of files the user owns (baseline, index, Parquet output)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedupe.atomic import replacing


def test_new_content_replaces_the_file_and_no_temporary_file_remains(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_text("old")
    with replacing(target) as temporary:
        assert temporary.parent == tmp_path
        assert target.read_text() == "old"  # untouched until the block succeeds
        temporary.write_text("new")
    assert target.read_text() == "new"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data.json"]


def test_a_failure_leaves_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_text("old")

    def write_then_fail() -> None:
        with replacing(target) as temporary:
            temporary.write_text("half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_then_fail()
    assert target.read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data.json"]


def test_creates_a_file_that_did_not_exist(tmp_path: Path) -> None:
    target = tmp_path / "fresh.bin"
    with replacing(target) as temporary:
        temporary.write_bytes(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
