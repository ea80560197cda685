"""``dedupe dedup``: kept records in the input's format, byte for byte, and ``--annotate``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedupe.cli import main
from tests.test_pipeline_api import CHINESE

FOX = "the quick brown fox jumps over the lazy dog near the river bank today"
OTHER = "an entirely different sentence about the weather in the mountains"


def run(*argv: str) -> int:
    return main([*argv, "--no-progress"])


def test_jsonl_keeps_every_field_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    lines = [
        f'{{"id": 1,  "meta": {{"body": "{FOX}", "n": 1.50}}, "tags": ["a"]}}\n',
        f'{{"id":2,"meta":{{"body":"{FOX.upper()}!"}}}}\n',
        f'{{"id": 3, "meta": {{"body": "{OTHER}"}}, "x": "\\u00e9\\ud83d\\ude00"}}\r\n',
        '{"id": 4, "meta": {"body": "unrelated words about cooking pasta at home tonight"}}',
    ]
    Path("in.jsonl").write_text("".join(lines), newline="")
    assert run("dedup", "in.jsonl", "--text-field", "meta.body", "-o", "out.jsonl") == 0
    assert Path("out.jsonl").read_bytes() == (lines[0] + lines[2] + lines[3] + "\n").encode()
    assert "1 near-duplicate records dropped, 3 kept" in capsys.readouterr().err


def test_annotate_adds_cluster_similarity_and_keep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("in.jsonl").write_text(
        f'{{"text": "{OTHER}"}}\n{{"text": "{FOX}"}}\n{{}}\n{{"text": "{FOX} now"}}\n'
    )
    code = run("dedup", "in.jsonl", "--annotate", "--skip-invalid", "-o", "all.jsonl")
    assert code == 0
    written = [json.loads(line) for line in Path("all.jsonl").read_text().splitlines()]
    assert [(row.get("text"), row["cluster"], row["keep"]) for row in written] == [
        (OTHER, None, True),
        (FOX, "in.jsonl:2", True),
        (None, None, True),
        (f"{FOX} now", "in.jsonl:2", False),
    ]
    assert written[1]["similarity"] == 1.0
    assert 0.4 <= written[3]["similarity"] < 1.0


def test_csv_with_quoted_newlines_round_trips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    header = b"id;x,body\r\n"
    rows = [
        f'1,"{FOX},\r\nsecond line"\r\n'.encode(),
        f'2,"{FOX.upper()},\r\nSECOND LINE!"\r\n'.encode(),
        f'3,"{OTHER} ""quoted"""\r\n'.encode(),
    ]
    Path("in.csv").write_bytes(header + b"".join(rows))
    assert run("dedup", "in.csv", "--text-column", "body", "-o", "out.csv") == 0
    assert Path("out.csv").read_bytes() == header + rows[0] + rows[2]
    assert run("dedup", "in.csv", "--text-column", "body", "--annotate", "-o", "all.csv") == 0
    assert Path("all.csv").read_bytes() == (
        b"id;x,body,cluster,similarity,keep\r\n"
        + rows[0][:-2]
        + b",in.csv:2,1.0,true\r\n"
        + rows[1][:-2]
        + b",in.csv:2,1.0,false\r\n"
        + rows[2][:-2]
        + b",,,true\r\n"
    )


def test_parquet_round_trip_keeps_values_and_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as parquet

    monkeypatch.chdir(tmp_path)
    table = pyarrow.table(
        {
            "id": pyarrow.array([1, 2, 3, 4], pyarrow.int32()),
            "text": [FOX, OTHER, f"{FOX}!", None],
            "blob": [b"\x00\x01", b"", None, b"\xff"],
            "when": pyarrow.array([1.5, None, 2.25, 3.0]),
        }
    )
    parquet.write_table(table, "in.parquet")
    assert run("dedup", "in.parquet", "--skip-invalid", "-o", "out.parquet") == 0
    kept = parquet.read_table("out.parquet")
    assert kept.schema == table.schema
    assert kept.to_pylist() == [table.to_pylist()[row] for row in (0, 1, 3)]
    assert run("dedup", "in.parquet", "--skip-invalid", "--annotate", "-o", "all.parquet") == 0
    annotated = parquet.read_table("all.parquet").to_pylist()
    assert [(row["id"], row["cluster"], row["keep"]) for row in annotated] == [
        (1, "in.parquet:1", True),
        (2, None, True),
        (3, "in.parquet:1", False),
        (4, None, True),
    ]


def test_keep_longest_and_text_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("in.txt").write_text(f"{FOX}\n{OTHER}\n{FOX} and more words\n")
    assert run("dedup", "in.txt", "--unit", "line", "--keep", "longest", "-o", "out.txt") == 0
    assert Path("out.txt").read_text() == f"{OTHER}\n{FOX} and more words\n"


def test_chinese_needs_character_shingles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines = [json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in CHINESE]
    Path("zh.jsonl").write_text("".join(lines), encoding="utf-8")
    assert run("dedup", "zh.jsonl", "-o", "words.jsonl") == 0
    assert Path("words.jsonl").read_text(encoding="utf-8") == "".join(lines)
    assert run("dedup", "zh.jsonl", "--shingle", "char", "-o", "chars.jsonl") == 0
    assert Path("chars.jsonl").read_text(encoding="utf-8") == lines[0]


def test_check_reads_records_and_names_their_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("data.jsonl").write_text(
        f'{{"body": "{OTHER}"}}\n{{"body": "{FOX}"}}\n{{"body": "{FOX}!"}}\n'
    )
    assert main(["check", "--no-cache", "--no-progress", "--text-field", "body", "."]) == 1
    assert capsys.readouterr().out == (
        "data.jsonl:3: near-duplicate of data.jsonl:2 (similarity 1.00)\n"
    )
    # Without the field named, the records have no text: the file is named and skipped,
    # the rest of the corpus is checked and the exit code is that of its findings.
    Path("notes.txt").write_text(f"{FOX}\n\n{FOX}!\n")
    assert main(["check", "--no-cache", "--no-progress", "."]) == 1
    captured = capsys.readouterr()
    assert captured.out == "notes.txt:3: near-duplicate of notes.txt:1 (similarity 1.00)\n"
    assert "warning: skipped data.jsonl:1: no field 'text'" in captured.err


def test_tsv_and_text_paragraphs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("in.tsv").write_text(f"n\ttext\n1\t{FOX}\n2\t{OTHER}\n3\t{FOX.upper()}\n")
    assert run("dedup", "in.tsv", "-o", "out.tsv") == 0
    assert Path("out.tsv").read_text() == f"n\ttext\n1\t{FOX}\n2\t{OTHER}\n"
    Path("in.md").write_text(f"{FOX}\n\n{OTHER}\nsecond line\n\n{FOX}!\n")
    assert run("dedup", "in.md", "-o", "out.md") == 0
    assert Path("out.md").read_text() == f"{FOX}\n\n{OTHER}\nsecond line\n\n"


def test_check_compares_lines_with_unit_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text(f"{FOX}\n{OTHER}\n{FOX}!\n")
    assert main(["check", "--no-cache", "--no-progress", "a.txt"]) == 0
    assert main(["check", "--no-cache", "--no-progress", "--unit", "line", "a.txt"]) == 1
    assert capsys.readouterr().out == "a.txt:3: near-duplicate of a.txt:1 (similarity 1.00)\n"


def test_record_files_have_no_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe.corpus import MAX_FILE_SIZE

    monkeypatch.chdir(tmp_path)
    big = f'{{"text": "{FOX}", "pad": "{"x" * MAX_FILE_SIZE}"}}\n'
    Path("big.jsonl").write_text(f'{big}{{"text": "{FOX}!"}}\n')
    assert run("dedup", "big.jsonl", "-o", "out.jsonl") == 0
    assert Path("out.jsonl").read_text() == big


@pytest.mark.parametrize(
    ("files", "argv", "message"),
    [
        ({"a.jsonl": "{}\n"}, ["a.jsonl", "-o", "a.jsonl"], "--output must not be an input"),
        (
            {"a.jsonl": '{"text": "x"}\n', "b.csv": "text\nx\n"},
            ["a.jsonl", "b.csv", "-o", "o"],
            "the inputs mix formats (csv, jsonl)",
        ),
        (
            {"a.jsonl": '{"text": null}\n'},
            ["a.jsonl", "-o", "o"],
            "a.jsonl:1: field 'text' is null",
        ),
        ({"a.txt": "x\n"}, ["a.txt", "--unit", "file", "-o", "o"], "cannot keep whole files"),
        ({"a.jsonl": "{}\n"}, ["a.jsonl", "-o", "no/such/o"], "--output: no such folder"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_and_leaves_files_alone(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, content in files.items():
        Path(name).write_text(content)
    assert run("dedup", *argv) == 2
    error = capsys.readouterr().err
    assert message in error
    assert error.count("\n") == 1
    assert {path.name for path in tmp_path.iterdir()} == set(files)
    for name, content in files.items():
        assert Path(name).read_text() == content


def test_output_is_the_same_whatever_the_order_of_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("b.jsonl").write_text(f'{{"text": "{FOX}"}}\n{{"text": "{OTHER}"}}\n')
    Path("a.jsonl").write_text(f'{{"text": "{FOX}!"}}\n')
    assert run("dedup", "b.jsonl", "a.jsonl", "-o", "one.jsonl") == 0
    assert run("dedup", "a.jsonl", "b.jsonl", "-o", "two.jsonl") == 0
    assert Path("one.jsonl").read_bytes() == Path("two.jsonl").read_bytes()
    assert Path("one.jsonl").read_text() == f'{{"text": "{FOX}!"}}\n{{"text": "{OTHER}"}}\n'


def test_the_cache_keeps_units_apart_for_other_record_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One cache, runs with and without --text-field: each gets the units it asked for,
    also when the file is known by its stat and not read again."""
    monkeypatch.setattr("dedupe.cache.RACY_SECONDS", -1.0)  # trust the stat table at once
    monkeypatch.chdir(tmp_path)
    Path("data.jsonl").write_text(
        f'{{"body": "{FOX}", "text": "{OTHER}"}}\n{{"body": "{FOX}!", "text": "{FOX}"}}\n'
    )
    finding = "data.jsonl:2: near-duplicate of data.jsonl:1 (similarity 1.00)\n"
    by_body = ["check", "--no-progress", "--text-field", "body", "."]
    assert main(by_body) == 1
    assert capsys.readouterr().out == finding
    assert main(["check", "--no-progress", "."]) == 0  # texts OTHER and FOX: no finding
    assert capsys.readouterr().out == ""
    assert main(by_body) == 1
    assert capsys.readouterr().out == finding
