"""Reading files and splitting them into paragraphs with exact spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedupe.corpus import UNWRAPPED_LINE_LENGTH, Span, find_files, split_paragraphs
from dedupe.errors import CorpusError
from dedupe.records import Reading
from dedupe.scan import Scan, scan_files
from dedupe.settings import Settings

LONG = "word " * (UNWRAPPED_LINE_LENGTH // 5 + 5)


def load_corpus(paths: list[Path], *, encoding: str = "utf-8") -> Scan:
    """Find, read and split the files under ``paths`` as ``find_duplicates_in_files`` does."""
    return scan_files(find_files(paths), settings=Settings(), reading=Reading(encoding=encoding))


def spans(text: str) -> list[tuple[int, int]]:
    return [(p.span.start_line, p.span.end_line) for p in split_paragraphs(text, path="f")]


def test_blank_lines_separate_wrapped_paragraphs() -> None:
    text = "first line\nsecond line\n\n\n  \nthird\n"
    assert spans(text) == [(1, 2), (6, 6)]
    assert split_paragraphs(text, path="f")[0].text == "first line\nsecond line"


def test_blocks_with_long_lines_split_one_paragraph_per_line() -> None:
    text = f"Headline\n{LONG}\n{LONG}x\nShort tail\n\nwrapped\nprose"
    assert spans(text) == [(1, 1), (2, 2), (3, 3), (4, 4), (6, 7)]


def test_crlf_line_endings_and_missing_final_newline() -> None:
    paragraphs = split_paragraphs("a b\r\nc d\r\n\r\ne f", path="f")
    assert [p.text for p in paragraphs] == ["a b\nc d", "e f"]
    assert [p.span for p in paragraphs] == [Span("f", 1, 2), Span("f", 4, 4)]


def test_empty_and_blank_only_files_have_no_paragraphs() -> None:
    assert split_paragraphs("", path="f") == []
    assert split_paragraphs("\n \n\t\n", path="f") == []


def test_span_prints_as_path_and_line() -> None:
    assert str(Span("dir/a.txt", 12, 14)) == "dir/a.txt:12"


def test_files_are_sorted_hidden_skipped_and_filtered(tmp_path: Path) -> None:
    for name in ["b/z.txt", "a.txt", "b/a.md", ".hidden/x.txt", "b/.secret.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("text")
    root = tmp_path.as_posix()
    names = [display.removeprefix(root + "/") for _, display in find_files([tmp_path])]
    assert names == ["a.txt", "b/a.md", "b/z.txt"]
    included = find_files([tmp_path], include=["*.txt"])
    assert [d.removeprefix(root + "/") for _, d in included] == ["a.txt", "b/z.txt"]
    excluded = find_files([tmp_path], exclude=["b/*"])
    assert [d.removeprefix(root + "/") for _, d in excluded] == ["a.txt"]


def test_named_file_given_twice_is_read_once(tmp_path: Path) -> None:
    file = tmp_path / "one.txt"
    file.write_text("x")
    assert len(find_files([file, file, tmp_path])) == 1


def test_folder_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("text")
    (tmp_path / "real" / "loop").symlink_to(tmp_path / "real", target_is_directory=True)
    assert [display.rsplit("/", 1)[-1] for _, display in find_files([tmp_path])] == ["a.txt"]


def test_missing_path_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"nope\.txt: no such file or folder"):
        find_files([tmp_path / "nope.txt"])


def test_binary_files_are_skipped_and_listed(tmp_path: Path) -> None:
    (tmp_path / "image.bin").write_bytes(b"\x89PNG\x00\x01\x02")
    (tmp_path / "text.txt").write_text("hello there")
    corpus = load_corpus([tmp_path])
    assert [name.rsplit("/", 1)[-1] for name in corpus.skipped_binary] == ["image.bin"]
    assert list(corpus.texts) == ["hello there"]


def test_invalid_utf8_names_file_and_byte_offset(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("caf\u00e9 ok".encode("latin-1"))
    with pytest.raises(
        CorpusError, match=r"latin\.txt: not valid utf-8 at byte 3; give the right encoding"
    ):
        load_corpus([tmp_path])
    corpus = load_corpus([tmp_path], encoding="latin-1")
    assert list(corpus.texts) == ["caf\u00e9 ok"]


def test_unknown_encoding_is_a_value_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(ValueError, match="encoding must be a codec Python knows, got 'klingon'"):
        load_corpus([tmp_path], encoding="klingon")


def test_unreadable_file_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    with pytest.raises(CorpusError, match=r"dangling\.txt: cannot read file"):
        load_corpus([tmp_path])


def test_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes("\ufeffhello".encode())
    assert list(load_corpus([tmp_path]).texts) == ["hello"]


def test_reading_never_modifies_the_files(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_bytes(b"one\r\n\r\ntwo")
    before = (file.read_bytes(), file.stat().st_mtime_ns)
    load_corpus([tmp_path])
    assert (file.read_bytes(), file.stat().st_mtime_ns) == before
