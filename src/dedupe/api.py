"""The public entry points: texts in memory, and files and folders."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any, TypeVar, overload

from dedupe.cluster import Cluster, Member
from dedupe.corpus import Span, load_corpus
from dedupe.pipeline import PositionClusters, find_clusters
from dedupe.settings import (
    DEFAULT_NGRAM,
    DEFAULT_NUM_PERM,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    Settings,
)

K = TypeVar("K")


@overload
def find_duplicates(  # type: ignore[overload-overlap]
    texts: Mapping[K, str],
    *,
    threshold: float = ...,
    num_perm: int = ...,
    ngram: int = ...,
    seed: int = ...,
    bands: int | None = ...,
    rows: int | None = ...,
) -> list[Cluster[K]]: ...


@overload
def find_duplicates(
    texts: Iterable[str],
    *,
    threshold: float = ...,
    num_perm: int = ...,
    ngram: int = ...,
    seed: int = ...,
    bands: int | None = ...,
    rows: int | None = ...,
) -> list[Cluster[int]]: ...


def find_duplicates(
    texts: Mapping[Any, str] | Iterable[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = DEFAULT_NUM_PERM,
    ngram: int = DEFAULT_NGRAM,
    seed: int = DEFAULT_SEED,
    bands: int | None = None,
    rows: int | None = None,
) -> list[Cluster[Any]]:
    """Find clusters of near-duplicate texts.

    ``texts`` is a sequence or iterable of ``str`` (keys are positions) or a mapping
    ``key -> str``. Returns the clusters with at least two members, ordered by their
    first member; members are in input order and carry their key and exact Jaccard
    similarity (of word ``ngram`` shingle sets) to the cluster's first member.

    >>> [c.keys for c in find_duplicates(["a b c d e f", "x y z", "A b, c d e f!"])]
    [(0, 2)]
    """
    settings = Settings(
        threshold=threshold, num_perm=num_perm, ngram=ngram, seed=seed, bands=bands, rows=rows
    )
    keys, values = _keys_and_texts(texts)
    return cluster_texts(keys, values, settings)


def find_duplicates_in_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    encoding: str = "utf-8",
    threshold: float = DEFAULT_THRESHOLD,
    num_perm: int = DEFAULT_NUM_PERM,
    ngram: int = DEFAULT_NGRAM,
    seed: int = DEFAULT_SEED,
    bands: int | None = None,
    rows: int | None = None,
) -> list[Cluster[Span]]:
    """Find near-duplicate paragraphs in files and folders; member keys are ``Span``\\ s.

    Folders are walked recursively (see ``dedupe.corpus`` for what is read and how
    paragraphs are split). Raises ``CorpusError`` naming the file when one cannot be
    read or decoded; binary files are passed over.
    """
    settings = Settings(
        threshold=threshold, num_perm=num_perm, ngram=ngram, seed=seed, bands=bands, rows=rows
    )
    corpus = load_corpus(paths, include=include, exclude=exclude, encoding=encoding)
    spans = [paragraph.span for paragraph in corpus.paragraphs]
    texts = [paragraph.text for paragraph in corpus.paragraphs]
    return cluster_texts(spans, texts, settings)


def cluster_texts(keys: Sequence[K], texts: Sequence[str], settings: Settings) -> list[Cluster[K]]:
    """Run the pipeline on validated texts and attach ``keys`` to the clusters."""
    return attach_keys(keys, find_clusters(texts, settings))


def attach_keys(keys: Sequence[K], found: PositionClusters) -> list[Cluster[K]]:
    """Turn clusters of positions into ``Cluster`` objects whose members carry ``keys``."""
    members = found.members.tolist()
    similarities = found.similarities.tolist()
    offsets = found.offsets.tolist()
    return [
        Cluster(
            tuple(Member(keys[members[index]], similarities[index]) for index in range(start, end))
        )
        for start, end in pairwise(offsets)
    ]


def _keys_and_texts(texts: Mapping[Any, str] | Iterable[str]) -> tuple[Sequence[Any], list[str]]:
    if isinstance(texts, (str, bytes)):
        raise TypeError(
            f"texts must be a collection of str, not a single {type(texts).__name__}; "
            "wrap it in a list"
        )
    if isinstance(texts, Mapping):
        keys: Sequence[Any] = list(texts.keys())
        values = list(texts.values())
    elif isinstance(texts, Iterable):
        values = list(texts)
        keys = range(len(values))
    else:
        raise TypeError(
            f"texts must be a sequence, mapping or iterable of str, got {type(texts).__name__}"
        )
    if not set(map(type, values)) <= {str}:
        for key, value in zip(keys, values, strict=True):
            if not isinstance(value, str):
                raise TypeError(f"texts[{key!r}] must be str, got {type(value).__name__}")
    return keys, values
