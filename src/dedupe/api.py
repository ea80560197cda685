"""The public entry points: texts in memory, and files and folders."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from dedupe.chain import find_clusters
from dedupe.cluster import Cluster, attach_keys
from dedupe.corpus import MAX_FILE_SIZE, Span, find_files
from dedupe.dask.inputs import TextFiles
from dedupe.inputs import check_paths, check_texts, series_index
from dedupe.parallel import resolve_workers
from dedupe.records import Reading
from dedupe.scan import scan_files
from dedupe.settings import Options, settings_from

if TYPE_CHECKING:
    import pandas
    from distributed import Client
    from typing_extensions import Unpack

K = TypeVar("K")
Engine = Literal["local", "dask"]
ENGINES: tuple[Engine, ...] = ("local", "dask")


@overload
def find_duplicates(  # type: ignore[overload-overlap]
    texts: Mapping[K, str],
    *,
    engine: Engine = ...,
    client: Client | None = ...,
    partitions: int | None = ...,
    workers: int | None = ...,
    **options: Unpack[Options],
) -> list[Cluster[K]]: ...


@overload
def find_duplicates(
    texts: TextFiles,
    *,
    engine: Literal["dask"],
    client: Client | None = ...,
    partitions: int | None = ...,
    workers: int | None = ...,
    output: str | os.PathLike[str] | None = ...,
    **options: Unpack[Options],
) -> pandas.DataFrame: ...


@overload
def find_duplicates(
    texts: Iterable[str],
    *,
    engine: Engine = ...,
    client: Client | None = ...,
    partitions: int | None = ...,
    workers: int | None = ...,
    **options: Unpack[Options],
) -> list[Cluster[int]]: ...


def find_duplicates(
    texts: Mapping[Any, str] | Iterable[str] | TextFiles,
    *,
    engine: Engine = "local",
    client: Client | None = None,
    partitions: int | None = None,
    workers: int | None = None,
    output: str | os.PathLike[str] | None = None,
    **options: Unpack[Options],
) -> list[Cluster[Any]] | pandas.DataFrame:
    """Find clusters of near-duplicate texts.

    ``texts`` is a sequence or iterable of ``str`` (keys are positions), a mapping
    ``key -> str``, or a pandas Series (keys are its index) or polars Series. Returns
    the clusters with at least two members. A cluster's first member is its
    representative; the others follow in input order, each with its key and exact
    Jaccard similarity (of ``ngram`` word or character shingle sets, as ``shingle``
    says) to the representative, never below ``threshold``. Texts are assigned in
    priority order (``keep``: ``"first"`` for input order, ``"longest"`` for most
    tokens first): each joins the first representative it is a verified near-duplicate
    of, else it becomes one. Clusters are ordered by the input position of their
    representative.

    ``engine="dask"`` runs the same stages on a ``dask.distributed`` cluster (the
    ``paragraph-dedupe[dask]`` extra): ``client``, else the current default client, else
    a temporary local cluster; texts are cut into ``partitions`` parts (default: one per
    worker thread). The clusters are the local engine's, whatever the partitions. It also
    reads ``TextFiles`` (Parquet or JSON Lines) and then returns a pandas DataFrame of
    cluster members ``(id, cluster, similarity, keep)`` sorted by id, written to the
    Parquet file ``output`` as well when given (see ``docs/scaling.md``).

    The local engine runs its batch stages on ``workers`` threads, by default one per
    available core; the clusters are the same for any number.

    >>> [c.keys for c in find_duplicates(["a b c d e f", "x y z", "A b, c d e f!"])]
    [(0, 2)]
    """
    check_texts(texts, keyed=True)
    settings = settings_from(options)
    _check_engine_options(
        texts, engine=engine, client=client, partitions=partitions, workers=workers, output=output
    )
    if isinstance(texts, TextFiles):
        from dedupe.dask import engine as dask_engine
        from dedupe.dask import output as dask_output

        found = dask_engine.cluster_files(texts, settings, client=client, partitions=partitions)
        return dask_output.member_frame(found, output=output)
    keys, values = _keys_and_texts(texts)
    if engine == "dask":
        from dedupe.dask import engine as dask_engine

        found = dask_engine.cluster_texts(values, settings, client=client, partitions=partitions)
        return attach_keys(keys, found)
    return attach_keys(keys, find_clusters(values, settings, workers=workers))


def find_duplicates_in_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    encoding: str = "utf-8",
    max_file_size: int = MAX_FILE_SIZE,
    workers: int | None = None,
    **options: Unpack[Options],
) -> list[Cluster[Span]]:
    """Find near-duplicate paragraphs in files and folders; member keys are ``Span``\\ s.

    Folders are walked recursively (see ``dedupe.corpus`` for what is read and how
    paragraphs are split). Raises ``CorpusError`` naming the file when one cannot be
    read or decoded; binary files, files that are not regular files (FIFOs, devices) and
    files larger than ``max_file_size`` bytes are passed over. ``workers`` is as for
    ``find_duplicates``.
    """
    check_paths(paths)
    settings = settings_from(options)
    files = find_files(paths, include=include, exclude=exclude, max_file_size=max_file_size)
    reading = Reading(encoding=encoding, max_file_size=max_file_size)
    scan = scan_files(files, settings=settings, workers=resolve_workers(workers), reading=reading)
    return scan.clusters


def _check_engine_options(
    texts: object,
    *,
    engine: object,
    client: object,
    partitions: object,
    workers: int | None,
    output: object,
) -> None:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(map(repr, ENGINES))}, got {engine!r}")
    if partitions is not None and (
        isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1
    ):
        raise ValueError(f"partitions must be an integer >= 1 or None, got {partitions!r}")
    if engine == "local":
        resolve_workers(workers)  # raises on a bad value
        for name, value in (("client", client), ("partitions", partitions)):
            if value is not None:
                raise ValueError(f"{name} is only used by engine='dask'; pass engine='dask'")
        if isinstance(texts, TextFiles):
            raise ValueError("TextFiles are read by engine='dask' only; pass engine='dask'")
    elif workers is not None:
        raise ValueError("workers is only used by engine='local'; Dask has its own workers")
    if output is not None and not isinstance(texts, TextFiles):
        raise ValueError("output is only written for TextFiles input; the result is returned")


def _keys_and_texts(texts: Mapping[Any, str] | Iterable[str]) -> tuple[Sequence[Any], list[str]]:
    if isinstance(texts, (str, bytes)):
        raise TypeError(
            f"texts must be a collection of str, not a single {type(texts).__name__}; "
            "wrap it in a list"
        )
    index = series_index(texts)
    if isinstance(texts, Mapping):
        keys: Sequence[Any] = list(texts.keys())
        values = list(texts.values())
    elif index is not None:
        keys, values = index, list(texts)
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
