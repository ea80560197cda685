"""``Index``: remember texts under keys, find the near-duplicates of a new text, save, load.

For pipelines that keep adding texts: each ``add`` fingerprints its texts in batches and
stores their band keys and shingle sets (see ``dedupe.seen`` for the memory per text);
``query`` verifies every LSH candidate with exact Jaccard, so the similarities it
returns are exact. ``save`` writes the format of ``dedupe.indexfile``.

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

from dedupe.errors import IndexFileError
from dedupe.hashing import I64
from dedupe.indexfile import read_index_file, write_index_file
from dedupe.lookup import BandLookup
from dedupe.pipeline import BATCH_SIZE
from dedupe.seen import Seen, prepare
from dedupe.settings import Options, Settings, settings_from
from dedupe.shinglestore import ShingleStore

if TYPE_CHECKING:
    from typing_extensions import Unpack

Key = int | str

_INT, _STR = 0, 1
_INT64 = np.iinfo(np.int64)
_ARRAYS = {
    "band_keys": "<u8",
    "band_ids": "<u4",
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
        self._seen = Seen(self.settings)
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
            batch = prepare(new_texts[low : low + BATCH_SIZE], self.settings)
            self._seen.add(batch, np.arange(len(batch), dtype=np.int64))
        self._keys.extend(new_keys)
        self._key_set.update(new_keys)

    def query(self, text: str) -> list[tuple[Key, float]]:
        """The stored near-duplicates of ``text``: ``(key, exact Jaccard similarity)``.

        Only similarities at least the threshold are returned, highest first, ties in
        the order the keys were added.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        pairs, similarities = self._seen.matches(
            prepare([text], self.settings), np.zeros(1, dtype=np.int64)
        )
        order = np.lexsort((pairs[:, 1], -similarities))
        return [
            (self._keys[index], similarity)
            for index, similarity in zip(
                pairs[order, 1].tolist(), similarities[order].tolist(), strict=True
            )
        ]

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to ``path`` atomically (see ``dedupe.indexfile``)."""
        band_keys, band_ids = self._seen.lookup.merged()
        kinds = np.array([_STR if type(key) is str else _INT for key in self._keys], np.uint8)
        ints = np.array([key if type(key) is int else 0 for key in self._keys], np.int64)
        encoded = [
            key.encode("utf-8", "surrogatepass") if type(key) is str else b"" for key in self._keys
        ]
        text_offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(item) for item in encoded], out=text_offsets[1:])
        arrays: dict[str, npt.NDArray[Any]] = {
            "band_keys": band_keys,
            "band_ids": band_ids,
            "set_values": self._seen.sets.values,
            "set_offsets": self._seen.sets.offsets,
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
        )
        lookup = BandLookup(bands=stored.band_shape[0])
        lookup.restore(arrays["band_keys"], arrays["band_ids"])
        sets = ShingleStore.from_arrays(arrays["set_values"], arrays["set_offsets"])
        index._seen = Seen(stored, lookup=lookup, sets=sets)
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
    checks = [
        (arrays["band_keys"].ndim == 2 and arrays["band_keys"].shape[0] == bands, "band rows"),
        (arrays["band_keys"].shape == arrays["band_ids"].shape, "band ids"),
        (not arrays["band_ids"].size or int(arrays["band_ids"].max()) < count, "text ids"),
        (offsets.shape == (count + 1,) and _is_csr(offsets, len(arrays["set_values"])), "sets"),
        (arrays["key_kinds"].shape == arrays["key_ints"].shape == (count,), "key count"),
        (bool(np.isin(arrays["key_kinds"], (_INT, _STR)).all()), "key kinds"),
        (text_offsets.shape == (count + 1,), "key text count"),
        (_is_csr(text_offsets, len(arrays["key_text"])), "key text offsets"),
    ]
    return ", ".join(name for good, name in checks if not good)


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
