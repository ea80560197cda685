"""The pipeline on ``dask.distributed``: the local engine's stages, cut into tasks, same results.

Texts live in parts on the workers, each part a run of consecutive ids. Then:

1. fingerprint each part with the local kernels (``pipeline.fingerprint_batch``).
2. exchange band records ``(band, key, content hash, smallest id)`` by band key. Each
   bucket (equal band and key) links its texts to its centre, the text with the smallest
   128-bit content hash: that is the local engine's canonical order, so the candidate
   pairs are exactly the local ones. A distinct text is named by the smallest id with its
   content; every part holding the content sends its record to the bucket, so all buckets
   agree on that id.
3. exchange the candidate pairs by their first node to drop repeats, fetch the texts of
   each pair from the parts that hold them, and keep the pairs whose exact Jaccard
   similarity reaches the threshold.
4. connected components: on the client when the verified pairs fit under
   ``client_edge_limit``, else with the distributed loop of ``dedupe.components``.
5. exchange content hashes to group identical texts, and measure each member against its
   cluster's first member (its smallest id) with exact Jaccard, as the local engine does.

The client holds the verified pairs (step 4, when under the limit) and the final table
of cluster members, never the texts or the fingerprints.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe.components import components_in_memory, distributed_components, split_edges, unique_rows
from dedupe.datasets import TextFiles
from dedupe.exchange import Tasks
from dedupe.hashing import I64, fmix64
from dedupe.pipeline import Fingerprints, PositionClusters, fingerprint_batch
from dedupe.settings import Settings
from dedupe.shingle import shingle_many, unique_per_text
from dedupe.verify import F64, jaccard_pairs

if TYPE_CHECKING:
    from distributed import Client, Future

CLIENT_EDGE_LIMIT = 20_000_000
"""Verified pairs up to which components are computed on the client (16 bytes a pair)."""

_BAND_RECORD = np.dtype(
    [("band", "<i8"), ("key", "<u8"), ("c0", "<u8"), ("c1", "<u8"), ("rep", "<i8")]
)
_CONTENT_RECORD = np.dtype([("c0", "<u8"), ("c1", "<u8"), ("id", "<i8")])


@dataclass(frozen=True, slots=True)
class TextPart:
    """Consecutive texts on a worker: ids ``start`` to ``start + len(texts) - 1``."""

    start: int
    texts: list[str]


@dataclass(frozen=True, slots=True)
class PartFingerprints:
    """The fingerprints of one ``TextPart``."""

    start: int
    fingerprints: Fingerprints


@dataclass(frozen=True, slots=True)
class MemberTable:
    """Cluster members sorted by (cluster, id): the cluster is its smallest member id."""

    ids: I64
    clusters: I64
    similarities: F64

    def position_clusters(self) -> PositionClusters:
        """The same clusters in the local engine's form (ids are input positions)."""
        new_cluster = np.ones(len(self.ids), dtype=bool)
        new_cluster[1:] = self.clusters[1:] != self.clusters[:-1]
        offsets = np.append(np.flatnonzero(new_cluster), len(self.ids)).astype(np.int64)
        return PositionClusters(self.ids, self.similarities, offsets)


def cluster_texts(
    texts: Sequence[str],
    settings: Settings,
    *,
    client: Client | None,
    partitions: int | None,
    client_edge_limit: int = CLIENT_EDGE_LIMIT,
) -> MemberTable:
    """Cluster in-memory texts, cut into ``partitions`` parts (default: one per worker thread)."""
    with _connected(client) as connected:
        tasks = Tasks(connected)
        count = partitions or tasks.threads()
        bounds = np.linspace(0, len(texts), min(count, max(len(texts), 1)) + 1).astype(np.int64)
        chunks = [TextPart(low, list(texts[low:high])) for low, high in pairwise(bounds.tolist())]
        return _cluster_parts(tasks, tasks.scatter(chunks), settings, client_edge_limit)


def cluster_files(
    source: TextFiles,
    settings: Settings,
    *,
    client: Client | None,
    partitions: int | None,
    client_edge_limit: int = CLIENT_EDGE_LIMIT,
) -> MemberTable:
    """Cluster the rows of Parquet or JSON Lines files (see ``TextFiles`` for the ids)."""
    import dask.dataframe as dd

    paths = list(source.paths)
    if source.resolved_format == "parquet":
        frame = dd.read_parquet(paths)
    else:
        frame = dd.read_json(paths, lines=True, orient="records")
    if source.column not in frame.columns:
        raise ValueError(
            f"column {source.column!r} is not in {paths[0]!r} (columns: "
            f"{', '.join(map(str, frame.columns))}); pass TextFiles(..., column=NAME)"
        )
    column = frame[source.column]
    if partitions is not None:
        column = column.repartition(npartitions=partitions)
    with _connected(client) as connected:
        tasks = Tasks(connected)
        series = connected.compute(column.to_delayed())  # type: ignore[no-untyped-call]
        lengths = tasks.gather(
            [tasks.submit("length", (index,), len, part) for index, part in enumerate(series)]
        )
        starts = np.concatenate(([0], np.cumsum(lengths)))
        parts = [
            tasks.submit("texts", (index,), _text_part, part, int(starts[index]), source.column)
            for index, part in enumerate(series)
        ]
        return _cluster_parts(tasks, parts, settings, client_edge_limit)


@contextlib.contextmanager
def _connected(client: Client | None) -> Iterator[Client]:
    """The given client, the current default one, or a temporary local cluster."""
    from distributed import Client, LocalCluster, default_client

    if client is None:
        try:
            client = default_client()  # type: ignore[no-untyped-call]
        except ValueError:  # no client yet
            client = None
    if client is not None:
        yield client
        return
    cluster = LocalCluster(dashboard_address=None)  # type: ignore[no-untyped-call]
    with cluster, Client(cluster) as temporary:  # type: ignore[no-untyped-call]
        yield temporary


def _cluster_parts(
    tasks: Tasks, parts: list[Future[Any]], settings: Settings, client_edge_limit: int
) -> MemberTable:
    count = len(parts)
    if count == 0:
        empty = np.empty(0, dtype=np.int64)
        return MemberTable(empty, empty, np.empty(0, dtype=np.float64))
    fingerprints = [
        tasks.submit("fingerprint", (index,), _fingerprint, part, settings)
        for index, part in enumerate(parts)
    ]
    buckets = tasks.exchange("bands", fingerprints, _split_bands, _bucket_edges, outputs=count)
    candidates = tasks.exchange("candidates", buckets, split_edges, unique_rows, outputs=count)
    verified = _pair_tasks(
        tasks, "verify", candidates, parts, settings, threshold=settings.threshold
    )
    duplicates = tasks.exchange(
        "content", fingerprints, _split_contents, _duplicate_ids, outputs=count
    )

    sizes = tasks.gather(
        [tasks.submit("size", (i,), len, edges) for i, edges in enumerate(verified)]
    )
    if sum(sizes) <= client_edge_limit:
        nodes, labels = components_in_memory(_concatenate_edges(tasks.gather(verified)))
    else:
        labelled = tasks.gather(distributed_components(tasks, verified, parts=count))
        nodes = np.concatenate([part[0] for part in labelled])
        labels = np.concatenate([part[1] for part in labelled])
        order = np.argsort(nodes)
        nodes, labels = nodes[order], labels[order]
    gathered = tasks.gather(duplicates)
    duplicate_ids = np.concatenate([ids for ids, _ in gathered])
    duplicate_reps = np.concatenate([reps for _, reps in gathered])

    ids, unique_at = np.unique(np.concatenate((nodes, duplicate_ids)), return_index=True)
    reps = np.concatenate((nodes, duplicate_reps))[unique_at]
    clusters = reps.copy()
    if len(nodes):
        where = np.searchsorted(nodes, reps).clip(max=len(nodes) - 1)
        in_graph = nodes[where] == reps
        clusters[in_graph] = labels[where[in_graph]]
    similarities = _similarities_to_first(tasks, parts, clusters, reps, settings)
    order = np.lexsort((ids, clusters))
    return MemberTable(ids[order], clusters[order], similarities[order])


def _similarities_to_first(
    tasks: Tasks, parts: list[Future[Any]], clusters: I64, reps: I64, settings: Settings
) -> F64:
    """Exact Jaccard of each member's text with its cluster's first member's text."""
    similarities = np.ones(len(reps), dtype=np.float64)
    differs = reps != clusters
    if not differs.any():
        return similarities
    wanted = np.stack((clusters[differs], reps[differs]), axis=1)
    pairs, inverse = np.unique(wanted, axis=0, return_inverse=True)
    chunks = tasks.scatter(np.array_split(pairs, min(len(parts), len(pairs))))
    measured = _pair_tasks(tasks, "similarity", chunks, parts, settings, threshold=None)
    similarities[differs] = np.concatenate(tasks.gather(measured))[inverse.ravel()]
    return similarities


def _pair_tasks(
    tasks: Tasks,
    stage: str,
    pair_parts: Sequence[Future[Any]],
    parts: list[Future[Any]],
    settings: Settings,
    *,
    threshold: float | None,
) -> list[Future[Any]]:
    """For each part of pairs, fetch the texts of its ids from the text parts and measure."""
    result = []
    for target, pairs in enumerate(pair_parts):
        taken = [
            tasks.submit(f"{stage}-take", (target, source), _take_texts, part, pairs)
            for source, part in enumerate(parts)
        ]
        result.append(
            tasks.submit(stage, (target,), _measure_pairs, pairs, settings.ngram, threshold, *taken)
        )
    return result


def _text_part(series: Any, start: int, column: str) -> TextPart:
    texts = series.tolist()
    for offset, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(
                f"column {column!r} must hold text, but row id {start + offset} holds "
                f"{type(text).__name__}: {text!r}; drop or fill missing rows first"
            )
    return TextPart(start, texts)


def _fingerprint(part: TextPart, settings: Settings) -> PartFingerprints:
    return PartFingerprints(part.start, fingerprint_batch(part.texts, settings))


def _first_of_each_content(part: PartFingerprints) -> I64:
    """Rows of the distinct non-empty texts of a part, each at its first occurrence."""
    content, counts = part.fingerprints.content, part.fingerprints.token_counts
    nonempty = np.flatnonzero(counts > 0)
    order = nonempty[np.lexsort((content[nonempty, 1], content[nonempty, 0]))]
    ordered = content[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    return order[first]


def _split_bands(part: PartFingerprints, outputs: int) -> list[np.ndarray]:
    rows = _first_of_each_content(part)
    keys = part.fingerprints.band_keys[rows]
    bands = keys.shape[1]
    records = np.empty(len(rows) * bands, dtype=_BAND_RECORD)
    records["band"] = np.tile(np.arange(bands, dtype=np.int64), len(rows))
    records["key"] = keys.ravel()
    records["c0"] = np.repeat(part.fingerprints.content[rows, 0], bands)
    records["c1"] = np.repeat(part.fingerprints.content[rows, 1], bands)
    records["rep"] = np.repeat(rows + part.start, bands)
    return _split_records(records, records["key"] % np.uint64(outputs), outputs)


def _bucket_edges(*pieces: np.ndarray) -> I64:
    """Star edges ``(centre, member)`` of every bucket, centre = smallest content hash."""
    records = np.concatenate(pieces) if pieces else np.empty(0, dtype=_BAND_RECORD)
    records = records[
        np.lexsort((records["rep"], records["c1"], records["c0"], records["key"], records["band"]))
    ]
    same_bucket = np.zeros(len(records), dtype=bool)
    same_bucket[1:] = (records["band"][1:] == records["band"][:-1]) & (
        records["key"][1:] == records["key"][:-1]
    )
    same_content = np.zeros(len(records), dtype=bool)
    same_content[1:] = (
        same_bucket[1:]
        & (records["c0"][1:] == records["c0"][:-1])
        & (records["c1"][1:] == records["c1"][:-1])
    )
    records, same_bucket = records[~same_content], same_bucket[~same_content]
    centre = np.flatnonzero(~same_bucket)[np.cumsum(~same_bucket) - 1]
    reps = records["rep"].astype(np.int64)
    return np.stack((reps[centre][same_bucket], reps[same_bucket]), axis=1)


def _split_contents(part: PartFingerprints, outputs: int) -> list[np.ndarray]:
    rows = np.flatnonzero(part.fingerprints.token_counts > 0)
    records = np.empty(len(rows), dtype=_CONTENT_RECORD)
    records["c0"] = part.fingerprints.content[rows, 0]
    records["c1"] = part.fingerprints.content[rows, 1]
    records["id"] = rows + part.start
    return _split_records(records, fmix64(records["c1"]) % np.uint64(outputs), outputs)


def _duplicate_ids(*pieces: np.ndarray) -> tuple[I64, I64]:
    """``(ids, reps)`` of every text whose content occurs more than once; rep = smallest id."""
    records = np.concatenate(pieces) if pieces else np.empty(0, dtype=_CONTENT_RECORD)
    records = records[np.lexsort((records["id"], records["c1"], records["c0"]))]
    starts = np.ones(len(records), dtype=bool)
    starts[1:] = (records["c0"][1:] != records["c0"][:-1]) | (
        records["c1"][1:] != records["c1"][:-1]
    )
    run = np.cumsum(starts) - 1
    run_sizes = np.bincount(run)
    ids = records["id"].astype(np.int64)
    reps = ids[np.flatnonzero(starts)][run]
    repeated = run_sizes[run] > 1
    return ids[repeated], reps[repeated]


def _split_records(records: np.ndarray, targets: Any, outputs: int) -> list[np.ndarray]:
    order = np.argsort(targets, kind="stable")
    bounds = np.searchsorted(targets[order], np.arange(1, outputs, dtype=np.uint64))
    return list(np.split(records[order], bounds))


def _take_texts(part: TextPart, pairs: I64) -> tuple[I64, list[str]]:
    """The ids of ``pairs`` that ``part`` holds, with their texts."""
    ids = np.unique(pairs)
    ids = ids[(ids >= part.start) & (ids < part.start + len(part.texts))]
    return ids, [part.texts[index - part.start] for index in ids.tolist()]


def _measure_pairs(
    pairs: I64, ngram: int, threshold: float | None, *taken: tuple[I64, list[str]]
) -> Any:
    """Exact Jaccard of ``pairs``; with a threshold, the pairs that reach it instead."""
    ids = np.concatenate([part_ids for part_ids, _ in taken])
    texts = [text for _, part_texts in taken for text in part_texts]
    order = np.argsort(ids)
    shingles, counts = shingle_many([texts[index] for index in order.tolist()], ngram=ngram)
    sets, set_counts = unique_per_text(shingles, counts)
    similarities = jaccard_pairs(sets, set_counts, np.searchsorted(ids[order], pairs))
    if threshold is None:
        return similarities
    kept: I64 = pairs[similarities >= threshold]
    return kept


def _concatenate_edges(parts: list[I64]) -> I64:
    return np.concatenate(parts) if parts else np.empty((0, 2), dtype=np.int64)
