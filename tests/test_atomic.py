"""Atomic replacement of files the user owns (baseline, index, Parquet output)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
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


def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with replacing(tmp_path / "new.json") as temporary:
            temporary.write_text("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "shared.json"
    target.write_text("old")
    target.chmod(0o664)
    with replacing(target) as temporary:
        temporary.write_text("new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o664


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "real.json").write_text("old")
    (tmp_path / "link.json").symlink_to("real.json")
    with replacing(tmp_path / "link.json") as temporary:
        temporary.write_text("new")
    assert (tmp_path / "link.json").is_symlink()
    assert (tmp_path / "real.json").read_text() == "new"


def test_the_temporary_is_removed_on_sigterm_and_sighup(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_text("old")
    script = (
        "import signal, sys, time\n"
        "for number in (signal.SIGTERM, signal.SIGHUP):  # as a shell starts it, not nohup\n"
        "    signal.signal(number, signal.SIG_DFL)\n"
        "from dedupe.atomic import replacing\n"
        "with replacing(sys.argv[1]) as temporary:\n"
        "    temporary.write_text('half')\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
    )
    for number in (signal.SIGTERM, signal.SIGHUP):
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"
        child.send_signal(number)
        assert child.wait(timeout=30) == -number  # it still ends by the signal
        assert sorted(path.name for path in tmp_path.iterdir()) == ["data.json"]
        assert target.read_text() == "old"


def test_a_temporary_left_by_a_dead_process_goes_at_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    abandoned = tmp_path / f".data.json.{dead.stdout.strip()}.k2j4x9.tmp"
    abandoned.write_text("half")
    live = tmp_path / f".data.json.{os.getpid()}.q8w3e1.tmp"  # a write in progress
    live.write_text("half")
    with replacing(target) as temporary:
        temporary.write_text("new")
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["data.json", live.name])
