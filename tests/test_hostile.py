"""Hostile input: nothing hangs, nothing exhausts memory, nothing silently changes a result.

Each test builds one piece of a hostile corpus in a temporary project (a FIFO, a symlink
to ``/dev/zero``, a huge line, UTF-16/32 files with a byte order mark, a name that is not
UTF-8, a lone-CR file, a deeply nested baseline, corrupted cache rows, a malformed cache,
crafted index files, a killed Dask worker) and, for the command line, runs the real
command in a subprocess under a memory limit (``RLIMIT_AS``) and a time limit, then
checks that no file the user owns changed. To add a case, start from ``project`` (or
``seeds_project``), add the hostile file, call ``run`` and assert on the result; ``run``
applies the limits and compares checksums of every file before and after.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import resource
import sqlite3
import stat
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dask
import numpy as np
import pandas
import pytest

from dedupe import (
    CorpusError,
    Index,
    IndexFileError,
    Settings,
    SettingsError,
    cli,
    deduplicate,
    find_duplicates,
    find_duplicates_in_files,
)
from dedupe.cache import CACHE_FILE_NAME
from dedupe.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERNAL
from dedupe.cli import check as check_command
from dedupe.corpus import read_bytes
from dedupe.errors import EngineError
from dedupe.indexfile import header_checksum, write_index_file
from dedupe.settings import Options
from tests.dask_cluster import KillOnce, local_client
from tests.test_cli import SEEDS, near_copy, paragraph
from tests.test_dask_engine import make_corpus

MEMORY_LIMIT = 400 * 2**20
"""Address space of one run: the seeds need about 300 MiB of it (mostly libraries)."""
TIME_LIMIT = 60.0
"""Seconds before a run counts as hung; a normal run of these corpora takes one."""


@dataclass(frozen=True)
class Result:
    """What one run of the command did."""

    code: int
    out: str
    err: str


def project(root: Path) -> Path:
    """A project: ``pyproject.toml`` and ``docs/`` with one near-duplicate pair."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.dedupe]\npaths = ['docs']\n")
    docs = root / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(f"{paragraph(1)}\n\n{paragraph(2)}\n")
    (docs / "b.txt").write_text(f"{near_copy(paragraph(2), changed=4)}\n")
    return root


def checksums(root: Path) -> dict[str, tuple[int, str]]:
    """Mode and SHA-256 of every regular file below ``root``, the cache folder aside.

    Symlinks are recorded as their target's name and never followed, so a link to
    ``/dev/zero`` is safe to list.
    """
    found: dict[str, tuple[int, str]] = {}
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name != cli.CACHE_FOLDER_NAME]
        for name in names:
            path = Path(folder, name)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                found[str(path)] = (info.st_mode, os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                found[str(path)] = (info.st_mode, hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(
    root: Path,
    *arguments: str,
    stdout: int | None = subprocess.PIPE,
    changes: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> Result:
    """Run ``dedupe ARGUMENTS`` in ``root`` under the limits; no user file may change.

    ``changes`` names the files the run is meant to write (relative to ``root``).
    """
    before = checksums(root)
    done = subprocess.run(
        [sys.executable, "-m", "dedupe", *arguments],
        cwd=root,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=TIME_LIMIT,
        preexec_fn=_limit_memory,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})},
        check=False,
    )
    after = checksums(root)
    allowed = {str(root / name) for name in changes}
    changed = {
        name
        for name in before.keys() | after.keys()
        if before.get(name) != after.get(name) and name not in allowed
    }
    assert changed == set(), f"the run changed files it does not own: {sorted(changed)}"
    decode = bytes.decode
    out = decode(done.stdout or b"", "utf-8", "surrogateescape")
    return Result(done.returncode, out, decode(done.stderr, "utf-8", "surrogateescape"))


def one_line(result: Result) -> str:
    """The single stderr line of a failed run, checked to be one line without a traceback."""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]


# Item 2: unexpected exceptions are one line and never exit 1, the findings code.


def test_a_tool_key_that_is_not_a_table_is_a_config_error(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / "pyproject.toml").write_text("tool = 5\n")
    result = run(root, "check", "docs")
    assert result.code == EXIT_ERROR
    assert one_line(result) == (
        "dedupe: error: pyproject.toml: tool must be a table ([tool.NAME] sections), got 5"
    )


def test_a_deeply_nested_baseline_is_a_baseline_error(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / ".dedupe-baseline.json").write_text("[" * 100_000)
    result = run(root, "check", "--no-cache")
    assert result.code == EXIT_ERROR
    assert one_line(result).startswith(
        "dedupe: error: .dedupe-baseline.json: not a dedupe baseline"
    )


def test_a_full_disk_for_the_report_is_exit_2_naming_stdout(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    with open("/dev/full", "wb") as full:
        result = run(root, "check", "--no-cache", stdout=full.fileno())
    assert result.code == EXIT_ERROR
    lines = result.err.splitlines()
    assert lines[0] == "dedupe: error: cannot write the report to stdout: No space left on device"
    assert "Traceback" not in result.err


def test_running_out_of_memory_is_exit_3_with_a_pointer_to_debug(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    # 75 MB, one line: at 36 MB a run fitted in the limit once Dask's tests had set
    # OMP_NUM_THREADS and MALLOC_TRIM_THRESHOLD_ in the environment the runs inherit.
    words = " ".join(f"w{index % 100_003}" for index in range(8_000_000))
    (root / "docs" / "huge.txt").write_text(words + "\n")
    result = run(root, "check", "--no-cache", "--max-file-size", "128M")
    assert result.code == EXIT_INTERNAL
    line = one_line(result)
    assert line.startswith("dedupe: internal error: ")
    assert line.endswith("; run again with --debug for the traceback")


def test_a_value_error_from_inside_is_a_bug_not_a_user_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = project(tmp_path / "p")
    monkeypatch.chdir(root)

    def broken(*arguments: object, **options: object) -> None:
        raise ValueError("operands could not be broadcast together")

    monkeypatch.setattr(check_command, "scan_files", broken)
    assert cli.main(["check", "--no-cache"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err == (
        "dedupe: internal error: ValueError: operands could not be broadcast together; "
        "run again with --debug for the traceback\n"
    )
    assert cli.main(["check", "--no-cache", "--debug"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.endswith(
        "dedupe: internal error: ValueError: operands could not be broadcast together\n"
    )


# Item 3: every size parameter is bounded, with an error naming it.


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"num_perm": 10**7}, "num_perm must be in [1, 4096], got 10000000"),
        ({"ngram": 1000}, "ngram must be in [1, 64], got 1000"),
        ({"bands": 10**9}, "bands must be in [1, 128], got 1000000000"),
        ({"rows": 200}, "rows must be in [1, 128], got 200"),
    ],
)
def test_size_parameters_are_bounded(options: Options, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings(**options)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)  # what library users catch


def test_a_huge_num_perm_on_the_command_line_is_refused_at_once(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    result = run(root, "check", "--num-perm", "1000000000000")
    assert result.code == EXIT_ERROR
    assert one_line(result) == "dedupe: error: num_perm must be in [1, 4096], got 1000000000000"


def test_the_largest_settings_allowed_still_run(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    result = run(root, "check", "--no-cache", "--num-perm", "4096", "--ngram", "64")
    assert result.code in (EXIT_CLEAN, EXIT_FINDINGS), result.err


# Item 1: only regular files are corpus files, up to a size limit.


def test_a_fifo_in_the_corpus_is_skipped_unopened(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    os.mkfifo(root / "docs" / "pipe")
    result = run(root, "check", "docs", "--no-cache")
    assert result.code == EXIT_FINDINGS
    assert "dedupe: warning: skipped docs/pipe: a FIFO, not a regular file\n" in result.err


def test_devices_are_never_read_named_or_linked(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / "docs" / "zero.txt").symlink_to("/dev/zero")
    result = run(root, "check", "docs", "/dev/zero", "--no-cache")
    assert result.code == EXIT_FINDINGS
    assert "skipped docs/zero.txt: a character device, not a regular file\n" in result.err
    assert "skipped /dev/zero: a character device, not a regular file\n" in result.err


def test_a_file_over_the_size_limit_is_skipped_until_the_limit_is_raised(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    copy = near_copy(paragraph(1), changed=3)
    (root / "docs" / "c.txt").write_text(f"{copy}\n\n{paragraph(7)}\n\n{paragraph(8)}\n")
    size = (root / "docs" / "c.txt").stat().st_size
    result = run(root, "check", "--no-cache", "--max-file-size", str(size - 1))
    assert result.code == EXIT_FINDINGS
    assert f"skipped docs/c.txt: larger than {size - 1} bytes; raise the limit" in result.err
    assert "docs/c.txt" not in result.out
    assert "docs/c.txt:1: near-duplicate" in run(root, "check", "--no-cache").out
    (root / "pyproject.toml").write_text(
        f"[tool.dedupe]\npaths = ['docs']\nmax-file-size = {size - 1}\n"
    )
    assert "skipped docs/c.txt" in run(root, "check", "--no-cache").err
    assert "skipped" not in run(root, "check", "--no-cache", "--max-file-size", "1M").err


def test_reading_refuses_a_file_that_became_a_fifo_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(CorpusError, match=r"^pipe: a FIFO, not a regular file$"):
        read_bytes(tmp_path / "pipe", display="pipe")


def test_reading_stops_at_the_limit_whatever_the_file_claims(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"^zero: a character device"):
        read_bytes(Path("/dev/zero"), display="zero")
    (tmp_path / "big").write_bytes(b"x" * 100)
    with pytest.raises(CorpusError, match=r"^big: larger than 99 bytes"):
        read_bytes(tmp_path / "big", display="big", max_file_size=99)


# Item 6: names and encodings.


def test_a_utf16_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    text = f"{near_copy(paragraph(1), changed=3)}\n"
    (root / "docs" / "wide.txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    (root / "docs" / "wider.txt").write_bytes(codecs.BOM_UTF32_BE + text.encode("utf-32-be"))
    result = run(root, "check", "--no-cache")
    assert "docs/wide.txt:1: near-duplicate of docs/a.txt:1" in result.out
    assert "docs/wider.txt:1: near-duplicate of docs/a.txt:1" in result.out


def test_a_file_named_twice_or_linked_is_one_file(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / "docs" / "b.txt").unlink()  # docs/a.txt alone has no duplicates
    (root / "docs" / "link.txt").symlink_to("a.txt")
    result = run(root, "check", "docs", "docs/../docs/a.txt", "--no-cache", "-v")
    assert (result.code, result.out) == (EXIT_CLEAN, "")
    assert "in 2 paragraphs of 1 files" in result.err


def test_lone_carriage_returns_end_lines_as_editors_show_them(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    (root / "docs" / "mac.txt").write_bytes(f"{paragraph(5)}\r\r{paragraph(1)}\r".encode())
    result = run(root, "check", "--no-cache")
    assert "docs/mac.txt:3: near-duplicate of docs/a.txt:1 (similarity 1.00)" in result.out


def test_a_name_that_is_not_utf8_is_escaped_in_every_format(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    name = os.fsdecode(b"caf\xe9.txt")
    (root / "docs" / name).write_text(f"{near_copy(paragraph(1), changed=3)}\n")
    strict = {"PYTHONIOENCODING": "utf-8"}
    text = run(root, "check", "--no-cache", env=strict)
    assert "docs/caf\\xe9.txt:1: near-duplicate of docs/a.txt:1" in text.out
    document = run(root, "check", "--no-cache", "--format", "json", env=strict)
    paths = [
        member["path"]
        for cluster in json.loads(document.out.encode("utf-8"))["clusters"]
        for member in cluster["members"]
    ]
    assert "docs/caf\\xe9.txt" in paths
    github = run(root, "check", "--no-cache", "--format", "github", env=strict)
    assert "::warning file=docs/caf\\xe9.txt,line=1," in github.out


# Item 4: a damaged cache never changes a result.


def seeds_project(root: Path) -> Path:
    """A project whose corpus is a copy of the seeds (58 clusters)."""
    project(root)
    for seed in sorted(SEEDS.iterdir()):
        (root / "docs" / seed.name).write_bytes(seed.read_bytes())
    return root


def test_corrupted_cache_rows_are_recomputed_with_a_warning(tmp_path: Path) -> None:
    root = seeds_project(tmp_path / "p")
    clean = run(root, "check", "--no-cache")
    assert run(root, "check").out == clean.out  # fills the cache
    with sqlite3.connect(root / ".dedupe-cache" / CACHE_FILE_NAME) as connection:
        connection.execute(
            "UPDATE fingerprints SET token_counts = randomblob(length(token_counts))"
            " WHERE file_hash = (SELECT max(file_hash) FROM fingerprints)"
        )
    damaged = run(root, "check", "-v")
    assert (damaged.code, damaged.out) == (clean.code, clean.out)
    assert "1 damaged rows (failed their checksum); fingerprinting those files again" in damaged.err
    assert "fingerprinted 1 of 4 files, 3 from the cache" in damaged.err
    again = run(root, "check", "-v")
    assert "warning" not in again.err
    assert "fingerprinted 0 of 4 files, 4 from the cache" in again.err


def test_a_cache_sqlite_calls_malformed_is_rebuilt_and_not_claimed(tmp_path: Path) -> None:
    root = seeds_project(tmp_path / "p")
    clean = run(root, "check", "--no-cache")
    run(root, "check")
    cache_file = root / ".dedupe-cache" / CACHE_FILE_NAME
    data = bytearray(cache_file.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[2 * page : len(data)] = b"\xa5" * (len(data) - 2 * page)  # the table's pages
    cache_file.write_bytes(bytes(data))
    damaged = run(root, "check", "-v")
    assert (damaged.code, damaged.out) == (clean.code, clean.out)
    assert "is damaged (database disk image is malformed); rebuilding it" in damaged.err
    assert "fingerprinted 4 of 4 files, 0 from the cache" in damaged.err
    again = run(root, "check", "-v")
    assert "warning" not in again.err
    assert "fingerprinted 0 of 4 files, 4 from the cache" in again.err


# Item 5: writing the baseline keeps what the user set on it.


def test_the_baseline_keeps_its_mode_and_its_symlink(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    shared = root / "shared" / "baseline.json"
    shared.parent.mkdir()
    shared.write_text('{"version": 1, "entries": []}\n')
    shared.chmod(0o664)
    (root / ".dedupe-baseline.json").symlink_to("shared/baseline.json")
    result = run(root, "baseline", "--no-cache", changes=["shared/baseline.json"])
    assert result.code == EXIT_CLEAN, result.err
    assert (root / ".dedupe-baseline.json").is_symlink()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    assert len(json.loads(shared.read_text())["entries"]) == 1
    assert sorted(path.name for path in shared.parent.iterdir()) == ["baseline.json"]


# Items 3 and 7: crafted index files are refused before anything is allocated for them.


def saved_index(tmp_path: Path) -> tuple[Path, dict[str, Any], dict[str, np.ndarray]]:
    """A saved index and its header fields and arrays, to craft variants from."""
    path = tmp_path / "texts.index"
    index = Index()
    index.add({"first": paragraph(1), "second": paragraph(2)})
    index.save(path)
    with zipfile.ZipFile(path) as archive:
        header = json.loads(archive.read("header.json"))
    with np.load(path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files if name != "header.json"}
    return path, {"settings": header["settings"], "count": header["count"]}, arrays


def index_refusal(path: Path) -> str:
    with pytest.raises(IndexFileError) as caught:
        Index.load(path)
    return str(caught.value)


def test_an_index_header_with_a_huge_num_perm_is_refused(tmp_path: Path) -> None:
    path, fields, arrays = saved_index(tmp_path)
    settings = {**fields["settings"], "num_perm": 10**9}
    write_index_file(path, {**fields, "settings": settings}, arrays)
    assert "num_perm must be in [1, 4096], got 1000000000" in index_refusal(path)


def test_index_settings_changed_without_their_checksum_are_refused(tmp_path: Path) -> None:
    path, _, _ = saved_index(tmp_path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    header = json.loads(members["header.json"])
    header["settings"]["threshold"] = 0.9  # a valid value, but not the one written
    members["header.json"] = json.dumps(header).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert index_refusal(path).endswith("the header fails its checksum (the file is damaged)")


def test_an_index_with_a_compressed_member_is_refused(tmp_path: Path) -> None:
    path, _, _ = saved_index(tmp_path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", members.pop("header.json"), zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    assert "is compressed; dedupe writes and reads stored members only" in index_refusal(path)


def test_an_index_whose_array_claims_more_than_it_holds_is_refused(tmp_path: Path) -> None:
    path, fields, arrays = saved_index(tmp_path)
    write_index_file(path, fields, arrays)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    header = json.loads(members["header.json"])
    header["arrays"]["set_values"]["shape"] = [2**40]  # 8 TiB claimed, a few bytes held
    members["header.json"] = json.dumps({**header, "sha256": header_checksum(header)}).encode()
    claim = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        claim, {"descr": "<u8", "fortran_order": False, "shape": (2**40,)}
    )
    members["set_values.npy"] = claim.getvalue() + arrays["set_values"].tobytes()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert index_refusal(path).endswith(
        "array 'set_values' does not hold the 8796093022208 bytes its shape needs"
    )


def test_an_index_key_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path, fields, arrays = saved_index(tmp_path)
    arrays["key_text"] = arrays["key_text"].copy()
    arrays["key_text"][0] = 0xFF
    write_index_file(path, fields, arrays)
    assert "damaged index (a key is not UTF-8" in index_refusal(path)


# Item 7: library arguments that would silently give a wrong answer.


def test_one_folder_as_a_str_is_a_type_error_naming_the_fix(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"not a single str; wrap it in a list: \['folder'\]$"):
        find_duplicates_in_files("folder")


def test_a_data_frame_is_a_type_error_naming_the_fix() -> None:
    frame = pandas.DataFrame({"text": [paragraph(1), paragraph(1)]})
    with pytest.raises(TypeError, match=r"iterates as its column names; pass its text column"):
        find_duplicates(frame)
    assert [cluster.keys for cluster in find_duplicates(frame["text"])] == [(0, 1)]
    with pytest.raises(TypeError, match=r"pass its text column"):
        deduplicate(frame)


def test_a_mapping_is_a_type_error_for_deduplicate() -> None:
    texts = {"a": paragraph(1), "b": paragraph(1)}
    with pytest.raises(TypeError, match=r"iterates as its keys; pass its values: texts\.values"):
        deduplicate(texts)
    assert list(deduplicate(texts.values())) == [paragraph(1)]


@pytest.mark.parametrize("folder", ["", ".", "docs/.."])
def test_the_project_root_is_refused_as_the_cache_folder(tmp_path: Path, folder: str) -> None:
    root = project(tmp_path / "p")
    result = run(root, "check", "--cache-dir", folder)  # no .gitignore of '*' in the root
    assert result.code == EXIT_ERROR
    assert one_line(result).startswith("dedupe: error: --cache-dir must")


# Item 8: a worker lost mid-run.


def test_a_dask_run_survives_a_worker_killed_mid_run(tmp_path: Path) -> None:
    texts = make_corpus(4_000, seed=8)
    with local_client() as client:
        client.register_plugin(KillOnce(str(tmp_path / "killed"), "fingerprint"))
        found = find_duplicates(texts, engine="dask", client=client)
    assert (tmp_path / "killed").exists()  # a worker died holding its part of the texts
    assert found == find_duplicates(texts)


def test_a_dask_run_that_still_fails_raises_one_error_saying_so(tmp_path: Path) -> None:
    texts = make_corpus(4_000, seed=8)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), local_client() as client:
        client.register_plugin(KillOnce(str(tmp_path / "killed"), "fingerprint"))
        with pytest.raises(EngineError) as caught:
            find_duplicates(texts, engine="dask", client=client)
    message = str(caught.value)
    assert message.startswith("the Dask run failed after retrying its tasks (KilledWorker: ")
    assert "dedupe-fingerprint-" in message
    assert "\n" not in message
