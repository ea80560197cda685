"""Index: add and query against an all-pairs reference, save and load, refuse bad files."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe import Index, IndexFileError, candidates
from dedupe.index import Key
from dedupe.indexfile import header_checksum
from dedupe.settings import Settings
from tests import reference
from tests.exact import jaccard, shingle_set
from tests.test_deduplicate import HIGH_RECALL, corpora, paragraph

TEXTS: dict[Key, str] = {
    "intro": "the quick brown fox jumps over the lazy dog near the river bank today",
    7: "The quick brown fox jumps over the lazy dog near the river bank, today!",
    "other": "an entirely different sentence about index files and their checksums",
    -3: "",
    "\u00e9t\u00e9 \ud800": "the quick brown fox jumps over a lazy dog near the river bank today",
}


def built() -> Index:
    index = Index(threshold=0.5)
    index.add(TEXTS)
    index.add([paragraph(number) for number in range(50)], keys=range(100, 150))
    return index


def answers(index: Index) -> list[list[tuple[Key, float]]]:
    probes = [*TEXTS.values(), paragraph(3), paragraph(60), "the quick brown fox"]
    return [index.query(text) for text in probes]


def query_reference(stored: list[str], query: str, settings: Settings) -> list[tuple[int, float]]:
    """Stored texts at or above the threshold that the query is a candidate with.

    Candidates are those of ``reference.candidate_pairs`` over the stored distinct texts
    (in the order they were added) followed by the query; a stored copy of the query
    always counts.
    """
    bands, rows = settings.band_shape
    ngram = settings.ngram
    firsts: dict[tuple[str, ...], int] = {}
    for position, text in enumerate(stored):
        if reference.tokens(text):
            firsts.setdefault(tuple(reference.tokens(text)), position)
    distinct = [*firsts.values()]

    def keys_of(text: str) -> list[int]:
        hashes = reference.shingle_hashes(text, ngram=ngram)
        signature = reference.signature(hashes, num_perm=settings.num_perm, seed=settings.seed)
        return reference.band_keys(signature, bands=bands, rows=rows)

    keys = [keys_of(stored[position]) for position in distinct] + [keys_of(query)]
    pairs = reference.candidate_pairs(
        keys, head=candidates.BUCKET_HEAD, shared=settings.shared_bands
    )
    near = {distinct[earlier] for earlier, later in pairs if later == len(distinct)}
    query_set = shingle_set(query, ngram=ngram)
    found = []
    for position, text in enumerate(stored):
        words = tuple(reference.tokens(text))
        if not words:
            continue
        similarity = jaccard(query_set, shingle_set(text, ngram=ngram))
        chosen = firsts[words] in near or words == tuple(reference.tokens(query))
        if chosen and similarity >= settings.threshold:
            found.append((position, similarity))
    return sorted(found, key=lambda item: (-item[1], item[0]))


@given(corpora(), st.sampled_from([0.5, 0.8, 1.0]))
def test_query_finds_the_stored_texts_at_the_threshold_among_its_candidates(
    texts: list[str], threshold: float
) -> None:
    index = Index(threshold=threshold, **HIGH_RECALL)
    index.add(texts[1:])
    expected = query_reference(texts[1:], texts[0], index.settings)
    assert index.query(texts[0]) == expected


@given(corpora(), st.sampled_from([0.5, 0.8]), st.integers(0, 4))
def test_query_many_answers_each_query_as_the_reference(
    texts: list[str], threshold: float, queries: int
) -> None:
    index = Index(threshold=threshold, **HIGH_RECALL)
    stored, asked = texts[queries:], texts[:queries]
    index.add(stored)
    expected = [query_reference(stored, query, index.settings) for query in asked]
    assert index.query_many(asked) == expected
    assert index.query_many(iter(asked)) == expected


def test_query_many_refuses_one_string_and_names_a_bad_item() -> None:
    index = built()
    with pytest.raises(TypeError, match="not a single str; use query"):
        index.query_many("a text")
    with pytest.raises(TypeError, match=r"texts\[1\] must be str, got int"):
        index.query_many(["fine", 3])  # type: ignore[list-item]


def test_add_if_new_adds_only_texts_near_nothing_before_them() -> None:
    index = Index()
    index.add({"fox": paragraph(1)})
    added = index.add_if_new(
        [paragraph(1) + " today", paragraph(2), paragraph(2).upper(), paragraph(3), ""],
        keys=["near fox", "two", "two again", "three", "empty"],
    )
    assert added == ["two", "three", "empty"]
    assert index.keys() == ["fox", "two", "three", "empty"]
    assert index.query(paragraph(2).upper()) == [("two", 1.0)]
    assert index.add_if_new([paragraph(2)]) == []
    assert len(index) == 4


def test_default_keys_continue_the_count_and_keys_can_be_given() -> None:
    index = Index()
    index.add(["one two three four five", "six seven eight nine ten"])
    index.add(["eleven twelve"], keys=["named"])
    index.add(["one two three four five"])
    assert index.keys() == [0, 1, "named", 3]
    assert index.query("One two three four five.") == [(0, 1.0), (3, 1.0)]


def test_round_trip_keeps_keys_settings_and_answers(tmp_path: Path) -> None:
    index = built()
    path = tmp_path / "corpus.index"
    index.save(path)
    loaded = Index.load(path)
    assert loaded.keys() == index.keys()
    assert list(map(type, loaded.keys())) == list(map(type, index.keys()))
    assert loaded.settings == index.settings
    assert answers(loaded) == answers(index)
    assert answers(index)[0][:2] == [("intro", 1.0), (7, 1.0)]


def test_a_loaded_index_keeps_growing(tmp_path: Path) -> None:
    index = built()
    index.save(tmp_path / "a.index")
    loaded = Index.load(tmp_path / "a.index")
    for target in (index, loaded):
        target.add({"late": paragraph(3).upper()})
    assert answers(loaded) == answers(index)
    assert ("late", 1.0) in loaded.query(paragraph(3))


def test_an_empty_index_round_trips(tmp_path: Path) -> None:
    Index().save(tmp_path / "empty.index")
    loaded = Index.load(tmp_path / "empty.index")
    assert len(loaded) == 0
    assert loaded.query("anything at all") == []


def test_save_replaces_atomically_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "corpus.index"
    Index().save(path)
    before = path.read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", broken)
    with pytest.raises(OSError, match="disk full"):
        built().save(path)
    assert path.read_bytes() == before
    assert sorted(tmp_path.iterdir()) == [path]
    monkeypatch.undo()
    built().save(path)
    assert sorted(tmp_path.iterdir()) == [path]
    assert len(Index.load(path)) == len(built())


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [
        (1.5, TypeError, "int or str, got float"),
        (True, TypeError, "int or str, got bool"),
        (None, TypeError, "int or str, got NoneType"),
        (("a", 1), TypeError, "int or str, got tuple"),
        (2**63, ValueError, "64 bits"),
        ("intro", ValueError, "already in the index"),
        (7, ValueError, "already in the index"),
    ],
)
def test_bad_keys_are_refused_and_nothing_is_added(
    key: object, error: type[Exception], message: str
) -> None:
    index = built()
    size = len(index)
    with pytest.raises(error, match=message):
        index.add(["a fine text", "another"], keys=["fresh", key])  # type: ignore[list-item]
    assert len(index) == size
    assert "fresh" not in index


def test_keys_and_texts_must_agree() -> None:
    with pytest.raises(ValueError, match="2 keys for 1 texts"):
        Index().add(["one"], keys=["a", "b"])
    with pytest.raises(ValueError, match="already in the index"):
        Index().add(["one", "two"], keys=["a", "a"])
    with pytest.raises(TypeError, match="not both"):
        Index().add({"a": "one"}, keys=["b"])
    with pytest.raises(TypeError, match="key 'a' must be str"):
        Index().add({"a": 1})


# --- damaged and mismatched files ---------------------------------------------------


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.index"
    built().save(path)
    return path


def rewrite(path: Path, *, header: dict[str, object] | None = None, drop: str = "") -> None:
    """Rewrite the archive with another header and/or without one member."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist() if name != drop}
    if header is not None:
        signed = {**header, "sha256": header_checksum(header)}  # a crafted, consistent file
        members["header.json"] = json.dumps(signed).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def header_of(path: Path) -> dict[str, object]:
    with zipfile.ZipFile(path) as archive:
        header: dict[str, object] = json.loads(archive.read("header.json"))
    return header


def refusal(path: Path, *, settings: Settings | None = None) -> str:
    with pytest.raises(IndexFileError) as caught:
        Index.load(path, settings=settings)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    assert "no such index file" in refusal(tmp_path / "nowhere.index")


@pytest.mark.parametrize("keep", [0, 10, 200, -100, -1])
def test_a_truncated_file_is_refused(saved: Path, keep: int) -> None:
    data = saved.read_bytes()
    saved.write_bytes(data[: keep if keep >= 0 else len(data) + keep])
    refusal(saved)


def load_or_refuse(path: Path) -> Index | None:
    """The loaded index, or None when it was refused with a one-line error naming the file."""
    try:
        return Index.load(path)
    except IndexFileError as error:
        message = str(error)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return None


@given(st.data())
def test_a_flipped_byte_is_refused_or_harmless(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.index"
        index = built()
        index.save(path)
        content = bytearray(path.read_bytes())
        position = data.draw(st.integers(0, len(content) - 1))
        content[position] ^= 1 << data.draw(st.integers(0, 7))
        path.write_bytes(bytes(content))
        loaded = load_or_refuse(path)
        if loaded is None:
            return
        # Some bytes (timestamps, unused fields of the ZIP structure) do not matter.
        assert loaded.keys() == index.keys()
        assert loaded.settings == index.settings
        assert answers(loaded) == answers(index)


def test_a_flipped_byte_in_array_data_fails_the_checksum(saved: Path) -> None:
    values = np.load(saved, allow_pickle=False)["set_values"]
    data = bytearray(saved.read_bytes())
    offset = bytes(data).index(values[:4].tobytes())
    data[offset + 1] ^= 0x10
    saved.write_bytes(bytes(data))
    message = refusal(saved)
    assert "set_values" in message or "CRC" in message


def test_another_format_version_is_refused(saved: Path) -> None:
    assert header_of(saved)["version"] == 3
    for version in (2, 4):  # the format of 64-bit band keys, and a later one
        rewrite(saved, header={**header_of(saved), "version": version})
        message = refusal(saved)
        assert f"version {version} is not supported" in message
        assert "reads version 3" in message


def replace_array(path: Path, name: str, array: np.ndarray) -> None:
    """Put another array under ``name``, described in the header as the writer does."""
    header = header_of(path)
    arrays = header["arrays"]
    assert isinstance(arrays, dict)
    assert name in arrays
    little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    digest = hashlib.sha256(little.reshape(-1).view(np.uint8).data).hexdigest()
    arrays[name] = {"dtype": little.dtype.str, "shape": list(little.shape), "sha256": digest}
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, little)
    with zipfile.ZipFile(path) as archive:
        members = {member: archive.read(member) for member in archive.namelist()}
    members[f"{name}.npy"] = buffer.getvalue()
    members["header.json"] = json.dumps({**header, "sha256": header_checksum(header)}).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)


def test_a_rewritten_array_with_its_checksum_still_loads(saved: Path) -> None:
    """The crafting below is sound: the same array, rewritten, loads as before."""
    replace_array(saved, "similarity", np.load(saved, allow_pickle=False)["similarity"])
    assert answers(Index.load(saved)) == answers(built())


@pytest.mark.parametrize(
    ("name", "damage", "named"),
    [
        ("representative", lambda values: values + len(values), "representatives"),
        ("group_of", lambda values: values - 2, "groups"),
        ("group_of", lambda values: values[:-1], "groups"),
        ("first", lambda values: values[:-1], "distinct texts"),
        ("head_offsets", lambda values: values[:-1], "band rows"),
        ("head_ids", lambda values: values + np.uint32(10_000), "text ids"),
        ("set_ids", lambda values: values[::-1].copy(), "set ids"),
        ("content", lambda values: values[:-1], "content"),
    ],
)
def test_arrays_that_do_not_fit_each_other_are_refused(
    saved: Path, name: str, damage: Callable[[np.ndarray], np.ndarray], named: str
) -> None:
    values = np.load(saved, allow_pickle=False)[name]
    replace_array(saved, name, damage(values))
    message = refusal(saved)
    assert "damaged index (" in message
    assert named in message


def test_another_format_is_refused(saved: Path) -> None:
    rewrite(saved, header={**header_of(saved), "format": "something-else"})
    assert "not a dedupe index file" in refusal(saved)


def test_other_settings_are_refused_when_settings_are_given(saved: Path) -> None:
    assert len(Index.load(saved, settings=Settings(threshold=0.5))) == len(built())
    message = refusal(saved, settings=Settings(threshold=0.8))
    assert "'threshold': 0.5" in message
    assert "'threshold': 0.8" in message


def test_invalid_settings_in_the_header_are_refused(saved: Path) -> None:
    header = header_of(saved)
    settings = header["settings"]
    assert isinstance(settings, dict)
    rewrite(saved, header={**header, "settings": {**settings, "threshold": 2.0}})
    assert "invalid settings" in refusal(saved)


def test_settings_that_do_not_fit_the_arrays_are_refused(saved: Path) -> None:
    header = header_of(saved)
    settings = header["settings"]
    assert isinstance(settings, dict)
    rewrite(saved, header={**header, "settings": {**settings, "bands": 4, "rows": 4}})
    assert "band rows" in refusal(saved)


def test_a_missing_array_is_named(saved: Path) -> None:
    rewrite(saved, drop="set_offsets.npy")
    assert "array 'set_offsets' is missing" in refusal(saved)


def test_an_array_of_another_dtype_is_refused(saved: Path) -> None:
    header = header_of(saved)
    arrays = header["arrays"]
    assert isinstance(arrays, dict)
    replacement = np.zeros(len(built()), dtype=np.int32)
    with zipfile.ZipFile(saved) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, replacement)
    members["key_ints.npy"] = buffer.getvalue()
    arrays["key_ints"] = {**arrays["key_ints"], "dtype": "<i4"}
    members["header.json"] = json.dumps({**header, "sha256": header_checksum(header)}).encode()
    with zipfile.ZipFile(saved, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert "'key_ints' has dtype <i4, not <i8" in refusal(saved)


class Trap:
    """Unpickling an instance sets ``sprung``: loading must never get there."""

    sprung = False

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (spring, ())


def spring() -> Trap:
    Trap.sprung = True
    return Trap()


def test_loading_never_unpickles(saved: Path) -> None:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array([Trap()], dtype=object), allow_pickle=True)
    assert b"spring" in buffer.getvalue()
    assert pickle.loads(pickle.dumps(Trap())) is not None
    assert Trap.sprung
    Trap.sprung = False
    with zipfile.ZipFile(saved) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["key_kinds.npy"] = buffer.getvalue()
    with zipfile.ZipFile(saved, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    refusal(saved)
    assert not Trap.sprung
