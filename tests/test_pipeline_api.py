"""The library for pipelines: records through ``deduplicate``, Series, character shingles."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe
from dedupe.errors import RecordError, SettingsError
from dedupe.settings import DEFAULT_CHAR_NGRAM, Settings, settings_from

FOX = "the quick brown fox jumps over the lazy dog near the river bank"
# The example, with its full-width commas.
CHINESE = (
    "今天天气很好，我们去公园散步吧。公园里有很多人在跑步，孩子们在草地上玩耍。",  # noqa: RUF001
    "今天天气很好，我们去公园散步。公园里有很多人在跑步，孩子们在草地上玩耍。",  # noqa: RUF001
)
JAPANESE = (
    "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。",
    "吾輩は猫である。名前はまだ無い。どこで生まれたかとんと見当がつかない。",
)


@dataclass
class Row:
    id: int
    body: str


def test_deduplicate_yields_the_records_themselves() -> None:
    rows = [{"id": 1, "body": FOX}, {"id": 2, "body": FOX.upper()}, {"id": 3, "body": "other"}]
    kept = list(dedupe.deduplicate(rows, text="body"))
    assert kept == [rows[0], rows[2]]
    assert kept[0] is rows[0]
    objects = [Row(1, FOX), Row(2, f"{FOX}!"), Row(3, "x")]
    assert [row.id for row in dedupe.deduplicate(objects, text="body", batch_size=1)] == [1, 3]
    by_function = dedupe.deduplicate(objects, text=lambda row: row.body, keep="longest")
    assert [row.id for row in by_function] == [1, 3]


@given(st.lists(st.sampled_from([FOX, FOX.upper(), "a b c", "a b c d", "", "x y"]), max_size=12))
def test_records_are_kept_exactly_as_their_texts_are(texts: list[str]) -> None:
    rows = [Row(position, text) for position, text in enumerate(texts)]
    for keep in ("first", "longest"):
        expected = list(dedupe.deduplicate(list(texts), keep=keep, batch_size=3))
        kept = list(dedupe.deduplicate(rows, text="body", keep=keep, batch_size=3))
        assert [row.body for row in kept] == expected
        assert [row.id for row in kept] == sorted(row.id for row in kept)


@pytest.mark.parametrize(
    ("rows", "text", "message"),
    [
        ([{"body": "x"}, {"other": "y"}], "body", "record 1: no field 'body'"),
        ([{"body": None}], "body", "record 0: its text is NoneType, not str"),
        ([Row(1, "x"), 3], "body", "record 1: no attribute 'body'"),
    ],
)
def test_a_record_without_text_is_named(rows: list[object], text: str, message: str) -> None:
    with pytest.raises(RecordError, match=message):
        list(dedupe.deduplicate(rows, text=text))


def test_a_bad_text_argument_fails_at_the_call() -> None:
    with pytest.raises(TypeError, match="text must be a field name or a function, got int"):
        dedupe.deduplicate([{"a": "x"}], text=3)  # type: ignore[call-overload]


def test_a_pandas_series_is_keyed_by_its_index() -> None:
    pandas = pytest.importorskip("pandas")
    series = pandas.Series([FOX, "other text here", f"{FOX}!"], index=["r1", "r2", "r3"])
    [cluster] = dedupe.find_duplicates(series)
    assert cluster.keys == ("r1", "r3")
    with pytest.raises(TypeError, match=r'pass its text column: frame\["text"\] \(a Series\)'):
        dedupe.find_duplicates(pandas.DataFrame({"text": series}))
    with pytest.raises(TypeError, match=r"texts\['r2'\] must be str, got NoneType"):
        dedupe.find_duplicates(pandas.Series([FOX, None], index=["r1", "r2"], dtype=object))


@pytest.mark.parametrize("pair", [CHINESE, JAPANESE])
def test_unspaced_scripts_need_character_shingles(pair: tuple[str, str]) -> None:
    assert dedupe.find_duplicates(list(pair)) == []
    [cluster] = dedupe.find_duplicates(list(pair), shingle="char")
    assert cluster.keys == (0, 1)
    assert 0.4 <= cluster.members[1].similarity < 1.0
    assert list(dedupe.deduplicate(list(pair), shingle="char")) == [pair[0]]


def test_character_ngrams_default_to_their_own_width() -> None:
    assert settings_from({"shingle": "char"}).ngram == DEFAULT_CHAR_NGRAM
    assert settings_from({"shingle": "char", "ngram": 2}).ngram == 2
    assert settings_from({}).ngram == Settings().ngram == 3
    with pytest.raises(SettingsError, match="shingle must be one of 'word', 'char', got 'byte'"):
        Settings(shingle="byte")  # type: ignore[arg-type]


def test_an_index_keeps_its_shingle_kind(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "zh.index"
    index = dedupe.Index(shingle="char")
    index.add([CHINESE[0]])
    index.save(path)
    loaded = dedupe.Index.load(path)
    assert loaded.settings == index.settings
    assert [key for key, _ in loaded.query(CHINESE[1])] == [0]
