"""``Index``: remember texts under keys, find the near-duplicates of a new text, save, load.

For pipelines that keep adding texts. ``add`` runs the incremental stage chain
(``dedupe.incremental``) with every added text in the order it came, so the clusters of
an index (``clusters``) are those of ``find_duplicates`` on the same texts in the same
order. ``query`` verifies every candidate with exact Jaccard and returns only stored
texts at or above the threshold. ``save`` writes the format of ``dedupe.indexfile``.

Keys are ``int`` (64-bit signed) or ``str``, the two types that round-trip through the
file exactly; an index may mix them. Other types (``bool``, ``float``, tuples, ``None``,
subclasses) are refused when added, as are keys already in the index.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from dedupe.arrays import Growing, gather_segments
from dedupe.assign import Assignment
from dedupe.chain import expand, find_clusters
from dedupe.cluster import Cluster, attach_keys, kept
from dedupe.errors import IndexFileError
from dedupe.fingerprint import BATCH_SIZE, fingerprint_batch
from dedupe.grouping import Groups
from dedupe.hashing import I64
from dedupe.incremental import Store
from dedupe.indexfile import read_index_file, write_index_file
from dedupe.settings import Options, Settings, settings_from
from dedupe.shinglesets import ShingleSets

if TYPE_CHECKING:
    from typing_extensions import Unpack

Key = int | str

_INT, _STR = 0, 1
_INT64 = np.iinfo(np.int64)
_ARRAYS = {
    "content": "<u8",
    "first": "<i8",
    "representative": "<i8",
    "similarity": "<f8",
    "group_of": "<i8",
    "head_keys": "<u8",
    "head_ids": "<u4",
    "head_offsets": "<i8",
    "set_ids": "<i8",
    "set_values": "<u8",
    "set_offsets": "<i8",
    "key_kinds": "|u1",
    "key_ints": "<i8",
    "key_text": "|u1",
    "key_text_offsets": "<i8",
}


class Index:
    """Texts stored under keys, searchable for near-duplicates.

    >>> index = Index()
    >>> index.add({"a": "the quick brown fox jumps over the lazy dog", "b": "hello there"})
    >>> index.query("The quick brown fox jumps over the lazy dog!")
    [('a', 1.0)]
    """

    def __init__(self, **options: Unpack[Options]):
        self.settings = settings_from(options)
        if self.settings.keep != "first":
            raise ValueError(
                f"keep must be 'first' for an Index (texts are kept in the order added), "
                f"got {self.settings.keep!r}"
            )
        self._store = Store(self.settings, member_sets=True)
        self._first = Growing(np.empty(0, dtype=np.int64))  # per distinct text: first position
        self._group_of = Growing(np.empty(0, dtype=np.int64))  # per position: its distinct text
        self._positions: tuple[I64, I64] | None = None  # see _positions_by_group
        self._keys: list[Key] = []
        self._key_set: set[Key] = set()

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._key_set

    def keys(self) -> list[Key]:
        """The keys, in the order they were added."""
        return list(self._keys)

    def add(
        self, texts: Mapping[Key, str] | Iterable[str], *, keys: Iterable[Key] | None = None
    ) -> None:
        """Add texts: a mapping ``key -> text``, or texts with ``keys`` (default: positions).

        Default keys continue the count: the ``i``-th text of the index gets ``i``. All
        keys and texts are checked before anything is added.
        """
        new_keys, new_texts = _keys_and_texts(texts, keys, first=len(self))
        self._check_keys(new_keys)
        for low in range(0, len(new_texts), BATCH_SIZE):
            placed = self._store.place(
                fingerprint_batch(new_texts[low : low + BATCH_SIZE], self.settings)
            )
            self._first.append(len(self._group_of) + np.flatnonzero(placed.new))
            self._group_of.append(placed.distinct)
        self._positions = None
        self._keys.extend(new_keys)
        self._key_set.update(new_keys)

    def clusters(self) -> list[Cluster[Key]]:
        """The clusters of the texts added, as ``find_duplicates`` gives them for the same texts
        in the same order."""
        groups = Groups(first=self._first.values, group_of=self._group_of.values)
        assignment = Assignment(self._store.representative, self._store.similarity)
        return attach_keys(self._keys, expand(groups, assignment))

    def query(self, text: str) -> list[tuple[Key, float]]:
        """The stored near-duplicates of ``text``: ``(key, exact Jaccard similarity)``.

        Only similarities at least the threshold are returned, highest first, ties in
        the order the keys were added.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        return self.query_many([text])[0]

    def query_many(self, texts: Iterable[str]) -> list[list[tuple[Key, float]]]:
        """``query`` of each text, a ``BATCH_SIZE`` of them fingerprinted and verified at once."""
        queries = list(texts)
        if isinstance(texts, (str, bytes)):
            raise TypeError("texts must be a collection of str, not a single str; use query")
        for position, text in enumerate(queries):
            if not isinstance(text, str):
                raise TypeError(f"texts[{position}] must be str, got {type(text).__name__}")
        by_group, group_starts = self._positions_by_group()
        result: list[list[tuple[Key, float]]] = [[] for _ in queries]
        for low in range(0, len(queries), BATCH_SIZE):
            batch = fingerprint_batch(queries[low : low + BATCH_SIZE], self.settings)
            rows, distinct, similarities = self._store.query(batch)
            sizes = group_starts[distinct + 1] - group_starts[distinct]
            positions = by_group[gather_segments(group_starts[distinct], sizes)]
            rows, similarities = np.repeat(rows, sizes), np.repeat(similarities, sizes)
            order = np.lexsort((positions, -similarities, rows))
            for row, position, similarity in zip(
                (rows[order] + low).tolist(),
                positions[order].tolist(),
                similarities[order].tolist(),
                strict=True,
            ):
                result[row].append((self._keys[position], similarity))
        return result

    def _positions_by_group(self) -> tuple[I64, I64]:
        """Positions grouped by distinct text, and where each group starts; kept until ``add``."""
        if self._positions is None:
            group_of = self._group_of.values
            by_group = np.argsort(group_of, kind="stable")
            starts = np.searchsorted(group_of[by_group], np.arange(len(self._first) + 1))
            self._positions = (by_group, starts)
        return self._positions

    def add_if_new(
        self, texts: Mapping[Key, str] | Iterable[str], *, keys: Iterable[Key] | None = None
    ) -> list[Key]:
        """Add only the texts that are near no text of the index; return their keys.

        Texts are taken in order, so a text near an earlier one of the same call is not
        added either (it would be a member of that text's cluster). Keys are as for ``add``.
        """
        new_keys, new_texts = _keys_and_texts(texts, keys, first=len(self))
        self._check_keys(new_keys)
        known = self.query_many(new_texts)
        fresh = [position for position, found in enumerate(known) if not found]
        among = find_clusters([new_texts[position] for position in fresh], self.settings)
        chosen = [fresh[row] for row in np.flatnonzero(kept(among, len(fresh))).tolist()]
        added = [new_keys[position] for position in chosen]
        self.add([new_texts[position] for position in chosen], keys=added)
        return added

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to ``path`` atomically (see ``dedupe.indexfile``)."""
        store = self._store
        heads = [runs.merged() for runs in store.heads]
        kinds = np.array([_STR if type(key) is str else _INT for key in self._keys], np.uint8)
        ints = np.array([key if type(key) is int else 0 for key in self._keys], np.int64)
        encoded = [
            key.encode("utf-8", "surrogatepass") if type(key) is str else b"" for key in self._keys
        ]
        text_offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(item) for item in encoded], out=text_offsets[1:])
        arrays: dict[str, npt.NDArray[Any]] = {
            "content": store.content,
            "first": self._first.values,
            "representative": store.representative,
            "similarity": store.similarity,
            "group_of": self._group_of.values,
            "head_keys": np.concatenate([keys for keys, _ in heads]),
            "head_ids": np.concatenate([ids for _, ids in heads]),
            "head_offsets": np.cumsum([0, *(len(keys) for keys, _ in heads)]).astype(np.int64),
            "set_ids": store.sets.ids,
            "set_values": store.sets.values,
            "set_offsets": store.sets.offsets,
            "key_kinds": kinds,
            "key_ints": ints,
            "key_text": np.frombuffer(b"".join(encoded), dtype=np.uint8),
            "key_text_offsets": text_offsets,
        }
        fields = {"settings": self.settings.as_dict(), "count": len(self)}
        write_index_file(path, fields, arrays)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, settings: Settings | None = None) -> Index:
        """Read an index saved by ``save``; never unpickles anything.

        With ``settings``, refuses a file built with other settings. Raises
        ``IndexFileError`` naming the file for a missing, damaged or mismatched file.
        """
        header, arrays = read_index_file(path, _ARRAYS)
        try:
            stored = Settings(**header["settings"])
        except (KeyError, TypeError, ValueError) as error:
            raise IndexFileError(f"{path}: invalid settings in the header ({error})") from None
        if settings is not None and settings != stored:
            raise IndexFileError(
                f"{path}: the index was built with {stored.as_dict()}, not {settings.as_dict()}"
            )
        count = header.get("count")
        problem = _inconsistency(arrays, count, bands=stored.band_shape[0])
        if problem:
            raise IndexFileError(f"{path}: damaged index ({problem})")
        index = cls(
            threshold=stored.threshold,
            num_perm=stored.num_perm,
            ngram=stored.ngram,
            seed=stored.seed,
            bands=stored.bands,
            rows=stored.rows,
            shingle=stored.shingle,
        )
        store = index._store
        store.restore(
            arrays["content"].astype(np.uint64),
            arrays["representative"].astype(np.int64),
            arrays["similarity"].astype(np.float64),
        )
        head_offsets = arrays["head_offsets"].tolist()
        for band, runs in enumerate(store.heads):
            low, high = head_offsets[band], head_offsets[band + 1]
            runs.restore(arrays["head_keys"][low:high], arrays["head_ids"][low:high])
        store.sets = ShingleSets(
            arrays["set_ids"].astype(np.int64),
            arrays["set_values"].astype(np.uint64),
            np.diff(arrays["set_offsets"]),
        )
        index._first = Growing(arrays["first"].astype(np.int64))
        index._group_of = Growing(arrays["group_of"].astype(np.int64))
        try:
            index._keys = _decode_keys(arrays)
        except UnicodeDecodeError as error:
            raise IndexFileError(f"{path}: damaged index (a key is not UTF-8: {error})") from None
        index._key_set = set(index._keys)
        if len(index._key_set) != len(index._keys):
            raise IndexFileError(f"{path}: damaged index (repeated keys)")
        return index

    def _check_keys(self, keys: list[Key]) -> None:
        seen: set[Key] = set()
        for key in keys:
            if type(key) not in (int, str):
                raise TypeError(f"index keys must be int or str, got {type(key).__name__} {key!r}")
            if type(key) is int and not _INT64.min <= key <= _INT64.max:
                raise ValueError(f"int keys must fit in 64 bits, got {key}")
            if key in self._key_set or key in seen:
                raise ValueError(f"key {key!r} is already in the index")
            seen.add(key)


def _keys_and_texts(
    texts: Mapping[Key, str] | Iterable[str], keys: Iterable[Key] | None, *, first: int
) -> tuple[list[Key], list[str]]:
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"texts must be a collection of str, not a single {type(texts).__name__}")
    if isinstance(texts, Mapping):
        if keys is not None:
            raise TypeError("give keys either as a mapping or with keys=, not both")
        new_keys, new_texts = list(texts.keys()), list(texts.values())
    else:
        new_texts = list(texts)
        if keys is None:
            new_keys = list(range(first, first + len(new_texts)))
        else:
            new_keys = list(keys)
            if len(new_keys) != len(new_texts):
                raise ValueError(f"got {len(new_keys)} keys for {len(new_texts)} texts")
    for key, text in zip(new_keys, new_texts, strict=True):
        if not isinstance(text, str):
            raise TypeError(f"the text of key {key!r} must be str, got {type(text).__name__}")
    return new_keys, new_texts


def _inconsistency(arrays: dict[str, npt.NDArray[Any]], count: object, *, bands: int) -> str:
    """What is inconsistent between the arrays and the header, or ``""``."""
    if type(count) is not int or count < 0:
        return "count is missing"
    offsets, text_offsets = arrays["set_offsets"], arrays["key_text_offsets"]
    distinct = len(arrays["representative"])
    group_of = arrays["group_of"]
    head_offsets = arrays["head_offsets"]
    checks = [
        (arrays["content"].shape == (distinct, 2), "content"),
        (arrays["similarity"].shape == arrays["first"].shape == (distinct,), "distinct texts"),
        (_ids_below(arrays["representative"], distinct), "representatives"),
        (group_of.shape == (count,) and bool(np.all(group_of >= -1)), "groups"),
        (_ids_below(group_of[group_of >= 0], distinct), "groups"),
        (_ids_below(arrays["first"], max(count, 1)), "first positions"),
        (head_offsets.shape == (bands + 1,), "band rows"),
        (_is_csr(head_offsets, len(arrays["head_keys"])), "band rows"),
        (arrays["head_keys"].shape == arrays["head_ids"].shape, "band ids"),
        (_ids_below(arrays["head_ids"], distinct), "text ids"),
        (_ids_below(arrays["set_ids"], distinct), "set ids"),
        (bool(np.all(np.diff(arrays["set_ids"]) > 0)), "set ids"),
        (
            offsets.shape == (len(arrays["set_ids"]) + 1,)
            and _is_csr(offsets, len(arrays["set_values"])),
            "sets",
        ),
        (arrays["key_kinds"].shape == arrays["key_ints"].shape == (count,), "key count"),
        (bool(np.isin(arrays["key_kinds"], (_INT, _STR)).all()), "key kinds"),
        (text_offsets.shape == (count + 1,), "key text count"),
        (_is_csr(text_offsets, len(arrays["key_text"])), "key text offsets"),
    ]
    return ", ".join(name for good, name in checks if not good)


def _ids_below(ids: npt.NDArray[Any], count: int) -> bool:
    return not ids.size or (int(ids.min()) >= 0 and int(ids.max()) < count)


def _is_csr(offsets: I64, total: int) -> bool:
    return bool(
        len(offsets) and offsets[0] == 0 and offsets[-1] == total and np.all(np.diff(offsets) >= 0)
    )


def _decode_keys(arrays: dict[str, npt.NDArray[Any]]) -> list[Key]:
    text = arrays["key_text"].tobytes()
    offsets = arrays["key_text_offsets"].tolist()
    ints = arrays["key_ints"].tolist()
    return [
        text[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogatepass")
        if kind == _STR
        else ints[i]
        for i, kind in enumerate(arrays["key_kinds"].tolist())
    ]
