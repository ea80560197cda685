"""The baseline: keyed by normalized content, subset matching, stale entries, atomic write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedupe.cli.baseline import (
    Entry,
    entries_for,
    paragraph_key,
    read_baseline,
    split_known,
    write_baseline,
)
from dedupe.cluster import Cluster, Member
from dedupe.corpus import Span
from dedupe.errors import BaselineError


def cluster(*spans: Span) -> Cluster[Span]:
    return Cluster(tuple(Member(span, 1.0) for span in spans))


A, B, C, D = (Span("f.txt", line, line) for line in (1, 3, 5, 7))


def test_keys_follow_the_normalized_text() -> None:
    assert paragraph_key("Hello,  World!") == paragraph_key("hello world")
    assert paragraph_key("hello world") != paragraph_key("hello there world")
    assert len(paragraph_key("x")) == 32


def test_entries_are_sorted_keys_with_a_preview() -> None:
    texts = {A: "One two three.", B: "one two three", C: "x " * 100, D: "X " * 100}
    entries = entries_for([cluster(C, D), cluster(A, B)], texts.__getitem__)
    assert entries == sorted(entries)
    assert {entry.keys for entry in entries} == {
        (paragraph_key("one two three"),) * 2,
        (paragraph_key("x " * 100),) * 2,
    }
    long_preview = next(
        entry.preview for entry in entries if entry.keys[0] == paragraph_key(texts[C])
    )
    assert long_preview.endswith("…")
    assert len(long_preview) == 72


def test_accepted_members_stay_accepted_and_only_new_ones_are_reported() -> None:
    texts = {A: "alpha text", B: "alpha text", C: "alpha text", D: "beta text"}
    entries = entries_for([cluster(A, B)], texts.__getitem__)
    assert split_known([cluster(A, B)], entries, texts.__getitem__) == ([], [])
    third_copy = cluster(A, B, C)  # a new exact copy: only it, and no stale entry
    assert split_known([third_copy], entries, texts.__getitem__) == ([cluster(A, C)], [])
    joined = cluster(A, D)
    assert split_known([joined], entries, texts.__getitem__) == ([joined], [])
    assert split_known([], entries, texts.__getitem__) == ([], entries)  # matches nothing


def test_a_new_representative_is_reported_against_an_accepted_member() -> None:
    texts = {A: "beta text", B: "alpha text", C: "alpha text"}
    entries = entries_for([cluster(B, C)], texts.__getitem__)
    grown = Cluster((Member(A, 1.0), Member(B, 0.5), Member(C, 0.5)))
    found, stale = split_known([grown], entries, texts.__getitem__)
    assert found == [Cluster((Member(B, 1.0), Member(A, 0.5)))]
    assert stale == []


def test_a_cluster_that_lost_a_member_is_still_known() -> None:
    texts = {A: "alpha", B: "alpha again", C: "alpha too"}
    entries = entries_for([cluster(A, B, C)], texts.__getitem__)
    assert split_known([cluster(B, C)], entries, texts.__getitem__) == ([], [])


def test_write_is_atomic_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / ".dedupe-baseline.json"
    path.write_text("old content")
    entries = [Entry(("aa", "bb"), "preview one"), Entry(("cc", "cc"), "préview")]
    write_baseline(path, entries)
    assert read_baseline(path, display="b.json") == entries
    assert sorted(item.name for item in tmp_path.iterdir()) == [".dedupe-baseline.json"]
    assert json.loads(path.read_text())["version"] == 1


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "baseline.json"
    path.write_text("old content")

    def fail(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(OSError, match="No space"):
        write_baseline(path, [Entry(("aa",), "")])
    assert path.read_text() == "old content"
    assert [item.name for item in tmp_path.iterdir()] == ["baseline.json"]


def test_a_missing_file_is_an_empty_baseline(tmp_path: Path) -> None:
    assert read_baseline(tmp_path / "none.json", display="none.json") == []


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        '{"version": 2, "entries": []}',
        '{"version": 1}',
        '{"version": 1, "entries": [{"paragraphs": 3}]}',
    ],
)
def test_an_ill_formed_file_names_itself(tmp_path: Path, content: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=r"^b\.json: not a dedupe baseline \("):
        read_baseline(path, display="b.json")
