"""Records from JSON Lines, CSV/TSV, Parquet and text files: texts, places, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedupe.corpus import Span
from dedupe.errors import RecordError, SettingsError
from dedupe.records import Reading, Skipped, file_units, format_of, read_records


def records(path: Path, **reading: object) -> list[tuple[int, str, Span]]:
    found = read_records(path, display=path.name, reading=Reading(**reading))  # type: ignore[arg-type]
    return [(record.number, record.text, record.span) for record in found]


def test_formats_come_from_suffixes() -> None:
    assert [format_of(name) for name in ("a.jsonl", "b.NDJSON", "c.csv", "d.tsv")] == [
        "jsonl",
        "jsonl",
        "csv",
        "tsv",
    ]
    assert [format_of(name) for name in ("e.parquet", "f.pq", "g.txt", "h")] == [
        "parquet",
        "parquet",
        "text",
        "text",
    ]


def test_jsonl_nested_fields_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(
        '{"id": 1, "meta": {"body": "first text"}}\n'
        "\n"
        '{"id": 2, "meta": {"body": "second \\u00e9 text", "x": [1, 2]}}\n'
    )
    assert records(path, text_field="meta.body") == [
        (0, "first text", Span("data.jsonl", 1, 1)),
        (1, "second é text", Span("data.jsonl", 3, 3)),
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"text": null}', "data.jsonl:2: field 'text' is null"),
        ('{"other": "x"}', "data.jsonl:2: no field 'text'; name the text field with --text-field"),
        ('{"text": 3}', "data.jsonl:2: field 'text' is int, not text"),
        ("[1, 2]", "data.jsonl:2: a record must be a JSON object, got list"),
        ("{not json", "data.jsonl:2: not valid JSON"),
    ],
)
def test_a_record_without_text_names_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(f'{{"text": "fine"}}\n{line}\n{{"text": "also fine"}}\n')
    with pytest.raises(RecordError) as raised:
        records(path)
    assert str(raised.value).startswith(problem)
    assert "--skip-invalid" in str(raised.value)
    assert "\n" not in str(raised.value)
    skipped = Skipped()
    found = read_records(
        path, display="data.jsonl", reading=Reading(skip_invalid=True), skipped=skipped
    )
    assert [(record.number, record.text) for record in found] == [(0, "fine"), (2, "also fine")]
    assert len(skipped) == 1
    assert skipped.reasons[0].startswith(problem)


def test_csv_with_quoted_newlines_keeps_first_lines(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(
        b'id,body\r\n1,"a text\r\nover two lines"\r\n2,plain\r\n\r\n3,"with ""quotes"", too"\r\n'
    )
    assert records(path, text_column="body") == [
        (0, "a text\r\nover two lines", Span("data.csv", 2, 3)),
        (1, "plain", Span("data.csv", 4, 4)),
        (2, 'with "quotes", too', Span("data.csv", 6, 6)),
    ]


def test_csv_errors_name_the_column_and_row(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("id,body\n1,text\n")
    with pytest.raises(
        RecordError, match=r"data.csv:1: no column 'text' \(the columns are id, body"
    ):
        records(path)
    path.write_text("id,body\n1,text\n2\n")
    with pytest.raises(RecordError, match=r"data.csv:3: the row has 1 fields, no column 'body'"):
        records(path, text_column="body")


def test_tsv_rows(tmp_path: Path) -> None:
    path = tmp_path / "data.tsv"
    path.write_text("text\tid\none, two\t1\nthree\t2\n")
    assert [text for _, text, _ in records(path)] == ["one, two", "three"]


def test_parquet_rows_and_nulls(tmp_path: Path) -> None:
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as parquet

    path = tmp_path / "data.parquet"
    table = pyarrow.table({"id": [1, 2, 3], "body": ["one text", None, "third text"]})
    parquet.write_table(table, path)
    with pytest.raises(RecordError, match=r"data.parquet:2: column 'body' is null"):
        records(path, text_column="body")
    found = records(path, text_column="body", skip_invalid=True)
    assert found == [
        (0, "one text", Span("data.parquet", 1, 1)),
        (2, "third text", Span("data.parquet", 3, 3)),
    ]
    with pytest.raises(RecordError, match=r"column 'id' is int64, not text"):
        records(path, text_column="id")
    units = file_units(
        path.read_bytes(),
        display="d.parquet",
        reading=Reading(text_column="body", skip_invalid=True),
    )
    assert units is not None
    assert [unit.text for unit in units] == ["one text", "third text"]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("paragraph", [("one\ntwo", Span("a.txt", 1, 2)), ("three", Span("a.txt", 4, 4))]),
        (
            "line",
            [
                ("one", Span("a.txt", 1, 1)),
                ("two", Span("a.txt", 2, 2)),
                ("three", Span("a.txt", 4, 4)),
            ],
        ),
        ("file", [("one\ntwo\n\nthree\n", Span("a.txt", 1, 4))]),
    ],
)
def test_text_units(tmp_path: Path, unit: str, expected: list[tuple[str, Span]]) -> None:
    path = tmp_path / "a.txt"
    path.write_text("one\ntwo\n\nthree\n")
    assert [(text, span) for _, text, span in records(path, unit=unit)] == expected


def test_reading_options_are_checked() -> None:
    with pytest.raises(SettingsError, match="unit must be one of paragraph, line, file"):
        Reading(unit="page")  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match=r"text_field must name a field, got 'a\.\.b'"):
        Reading(text_field="a..b")
