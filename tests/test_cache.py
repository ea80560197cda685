"""The fingerprint cache on a real SQLite file: hits, misses, damage, foreign files, races."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from dedupe.cache import CACHE_FILE_NAME, KEEP_RUNS, FileRecord, FingerprintCache
from dedupe.cli import main
from dedupe.fingerprint import fingerprint
from dedupe.settings import DEFAULT_NGRAM, Settings

TEXTS = ["the quick brown fox jumps over the lazy dog", "", "a b c d e f g h"]


def open_cache(folder: Path, warnings: list[str], **changes: object) -> FingerprintCache:
    options: dict[str, object] = {"settings": Settings(), "version": "1.0"}
    options.update(changes)
    return FingerprintCache(folder, warn=warnings.append, **options)  # type: ignore[arg-type]


def record(texts: list[str]) -> FileRecord:
    """A file's record as the scan makes it: 32-bit band keys, a place per paragraph."""
    found = fingerprint(texts, Settings())
    found.band_keys[:] &= np.uint64(2**32 - 1)
    places = np.array([(n, n, len(text)) for n, text in enumerate(texts, 1)], np.int64)
    return FileRecord(found, places.reshape(-1, 3))


def assert_same(first: FileRecord, second: FileRecord) -> None:
    np.testing.assert_array_equal(first.places, second.places)
    for name in ("content", "token_counts", "band_keys"):
        left, right = getattr(first.fingerprints, name), getattr(second.fingerprints, name)
        np.testing.assert_array_equal(left, right)


def test_fingerprints_round_trip_through_the_file(tmp_path: Path) -> None:
    warnings: list[str] = []
    expected = record(TEXTS)
    cache = open_cache(tmp_path, warnings)
    cache.put({b"file-1": expected, b"empty": record([])})
    cache.close()
    reopened = open_cache(tmp_path, warnings)
    found = reopened.get([b"file-1", b"empty", b"unknown"])
    assert sorted(found) == [b"empty", b"file-1"]
    assert_same(found[b"file-1"], expected)
    assert found[b"empty"].fingerprints.band_keys.shape == (0, Settings().band_shape[0])
    assert warnings == []
    assert (tmp_path / CACHE_FILE_NAME).is_file()


@pytest.mark.parametrize(
    "changes",
    [
        {"settings": Settings(seed=2)},
        {"settings": Settings(ngram=DEFAULT_NGRAM + 1)},
    ],
)
def test_other_settings_miss(tmp_path: Path, changes: dict[str, object]) -> None:
    warnings: list[str] = []
    open_cache(tmp_path, warnings).put({b"file": record(TEXTS)})
    assert open_cache(tmp_path, warnings, **changes).get([b"file"]) == {}


def test_a_corrupted_file_is_rebuilt_with_one_warning(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE_NAME
    path.write_bytes(b"this is not a database, it only has the name of one" * 100)
    warnings: list[str] = []
    cache = open_cache(tmp_path, warnings)
    assert len(warnings) == 1
    assert warnings[0].startswith(f"cache {path.as_posix()} is damaged (")
    assert warnings[0].endswith("; rebuilding it")
    cache.put({b"file": record(TEXTS)})
    cache.close()
    assert b"file" in open_cache(tmp_path, warnings).get([b"file"])
    assert len(warnings) == 1


def test_a_foreign_database_is_rebuilt(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / CACHE_FILE_NAME) as connection:
        connection.execute("CREATE TABLE users (name TEXT)")
    warnings: list[str] = []
    open_cache(tmp_path, warnings).put({b"file": record(TEXTS)})
    assert [message.split(" is ")[1] for message in warnings] == [
        "not a dedupe cache; rebuilding it"
    ]
    assert b"file" in open_cache(tmp_path, warnings).get([b"file"])


def test_a_cache_of_another_library_version_is_cleared(tmp_path: Path) -> None:
    warnings: list[str] = []
    open_cache(tmp_path, warnings, version="1.0").put({b"file": record(TEXTS)})
    newer = open_cache(tmp_path, warnings, version="2.0")
    assert newer.get([b"file"]) == {}
    assert len(warnings) == 1
    assert "was written by dedupe 1.0; clearing it" in warnings[0]


def test_a_cache_of_an_older_schema_is_named_as_such_and_rebuilt(tmp_path: Path) -> None:
    """An older schema has other tables: the warning says schema, not 'not a dedupe cache'."""
    warnings: list[str] = []
    open_cache(tmp_path, warnings).put({b"file": record(TEXTS)})
    with sqlite3.connect(tmp_path / CACHE_FILE_NAME) as connection:
        connection.execute("DROP TABLE files")
        connection.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    rebuilt = open_cache(tmp_path, warnings)
    assert rebuilt.get([b"file"]) == {}
    assert len(warnings) == 1
    assert "schema 2, expected" in warnings[0]


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE fingerprints SET band_keys = x'0102'",  # not its shape
        "UPDATE fingerprints SET token_counts = randomblob(length(token_counts))",
        "UPDATE fingerprints SET paragraphs = 0, content = x'', token_counts = x'',"
        " band_keys = x''",  # a consistent row, but not the one written
    ],
)
def test_a_damaged_row_is_never_used_and_is_written_again(tmp_path: Path, damage: str) -> None:
    warnings: list[str] = []
    expected = record(TEXTS)
    open_cache(tmp_path, warnings).put({b"file": expected, b"other": expected})
    with sqlite3.connect(tmp_path / CACHE_FILE_NAME) as connection:
        connection.execute(f"{damage} WHERE file_hash = x'66696c65'")  # b"file"
    cache = open_cache(tmp_path, warnings)
    assert sorted(cache.get([b"file", b"other"])) == [b"other"]
    assert warnings == [
        f"cache {(tmp_path / CACHE_FILE_NAME).as_posix()}: 1 damaged rows (failed their "
        "checksum); fingerprinting those files again"
    ]
    cache.put({b"file": expected})
    assert_same(open_cache(tmp_path, warnings).get([b"file"])[b"file"], expected)
    assert len(warnings) == 1


def test_a_folder_that_cannot_hold_the_cache_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    warnings: list[str] = []
    cache = open_cache(blocker, warnings)
    cache.put({b"file": record(TEXTS)})
    assert cache.get([b"file"]) == {}
    assert len(warnings) == 1
    assert warnings[0].endswith("; running without it")
    assert blocker.read_text() == "a file where the cache folder should be"


def _writer(folder: str, worker: int) -> list[str]:
    """One of several processes writing to and reading from the same cache at once."""
    warnings: list[str] = []
    settings = Settings()
    for round_number in range(15):
        cache = FingerprintCache(
            Path(folder), settings=settings, version="1.0", warn=warnings.append
        )
        key = f"{worker}-{round_number}".encode()
        expected = record([f"{key.decode()} {text}" for text in TEXTS])
        cache.put({key: expected})
        found = cache.get([key])
        assert_same(found[key], expected)
        cache.close()
    return warnings


def test_concurrent_runs_share_one_cache_safely(tmp_path: Path) -> None:
    with ProcessPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_writer, [str(tmp_path)] * 4, range(4)))
    assert results == [[], [], [], []]
    warnings: list[str] = []
    keys = [f"{worker}-{number}".encode() for worker in range(4) for number in range(15)]
    found = open_cache(tmp_path, warnings).get(keys)
    assert len(found) >= KEEP_RUNS  # the rows of the last runs; older ones are pruned
    for key, value in found.items():
        assert_same(value, record([f"{key.decode()} {text}" for text in TEXTS]))
    assert warnings == []


def test_rows_no_recent_run_used_are_pruned(tmp_path: Path) -> None:
    warnings: list[str] = []
    value = record(TEXTS)
    open_cache(tmp_path, warnings).put({b"gone": value, b"kept": value})
    for _ in range(KEEP_RUNS):
        cache = open_cache(tmp_path, warnings)
        assert b"kept" in cache.get([b"kept"])
        cache.put({})
        cache.close()
    with sqlite3.connect(tmp_path / CACHE_FILE_NAME) as connection:
        rows = connection.execute("SELECT file_hash FROM fingerprints").fetchall()
    assert rows == [(b"kept",)]


def test_a_corrupted_cache_never_changes_the_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    text = " ".join(f"w{index}" for index in range(30))
    Path("a.txt").write_text(f"{text}\n\nsomething else entirely here\n\n{text} more\n")
    expected = main(["check", "--no-cache", "a.txt"]), capsys.readouterr().out
    assert (main(["check", "a.txt"]), capsys.readouterr().out) == expected
    cache_file = tmp_path / ".dedupe-cache" / CACHE_FILE_NAME
    data = bytearray(cache_file.read_bytes())
    data[:16] = b"garbage garbage!"
    cache_file.write_bytes(bytes(data))
    code = main(["check", "a.txt"])
    captured = capsys.readouterr()
    assert (code, captured.out) == expected
    warnings = [line for line in captured.err.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("dedupe: warning: cache .dedupe-cache/fingerprints.sqlite3 is")
