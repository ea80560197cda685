"""The stage chain on ``dask.distributed``: the local engine's stages, cut into tasks.

Texts live in parts on the workers, each part a run of consecutive ids. Then:

1. fingerprint each part (``fingerprint_batch``).
2. exchange band records ``(band, key, content hash, id, tokens)`` by band key. A
   distinct text is named by its *priority key* (``grouping.priority_keys`` of the
   smallest id holding its content): every part holding the content sends a record to
   the bucket, so all buckets agree on it. Each part cuts its buckets with
   ``bucket_pairs``, in priority order: the local engine's candidates exactly.
3. exchange the candidate pairs by their first node to drop repeats, fetch the texts of
   each pair from the parts that hold them, and keep the pairs whose exact Jaccard
   similarity reaches the threshold, with that similarity.
4. ``assign`` on the client, over the verified pairs (a few per clustered text).
5. exchange content hashes to find the copies of each distinct text, and cut the
   clusters with the chain's own ``expand``: copies join their text's cluster with
   similarity 1.

The client holds the verified pairs and the clusters' members, never the texts or the
fingerprints.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe.arrays import run_starts
from dedupe.assign import Assignment, assign
from dedupe.candidates import bucket_pairs
from dedupe.chain import expand
from dedupe.cluster import PositionClusters
from dedupe.dask.exchange import Tasks
from dedupe.dask.inputs import TextFiles
from dedupe.fingerprint import Fingerprints, fingerprint_batch
from dedupe.grouping import Groups, group_identical, position_mask, priority_keys
from dedupe.hashing import I64, fmix64
from dedupe.settings import Keep, Settings
from dedupe.shingle import shingle_many, unique_per_text
from dedupe.verify import F64, jaccard_pairs

if TYPE_CHECKING:
    from distributed import Client, Future

_BAND_RECORD = np.dtype(
    [
        ("band", "<i8"),
        ("key", "<u8"),
        ("c0", "<u8"),
        ("c1", "<u8"),
        ("id", "<i8"),
        ("tokens", "<i8"),
    ]
)
_CONTENT_RECORD = np.dtype([("c0", "<u8"), ("c1", "<u8"), ("id", "<i8"), ("tokens", "<i8")])


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


def cluster_texts(
    texts: Sequence[str],
    settings: Settings,
    *,
    client: Client | None,
    partitions: int | None,
) -> PositionClusters:
    """Cluster in-memory texts, cut into ``partitions`` parts (default: one per worker thread)."""
    with _connected(client) as connected:
        tasks = Tasks(connected)
        count = partitions or tasks.threads()
        bounds = np.linspace(0, len(texts), min(count, max(len(texts), 1)) + 1).astype(np.int64)
        chunks = [TextPart(low, list(texts[low:high])) for low, high in pairwise(bounds.tolist())]
        return _cluster_parts(tasks, tasks.scatter(chunks), settings, texts=len(texts))


def cluster_files(
    source: TextFiles,
    settings: Settings,
    *,
    client: Client | None,
    partitions: int | None,
) -> PositionClusters:
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
        return _cluster_parts(tasks, parts, settings, texts=int(starts[-1]))


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
    tasks: Tasks, parts: list[Future[Any]], settings: Settings, *, texts: int
) -> PositionClusters:
    count = len(parts)
    if count == 0:
        return PositionClusters(np.empty(0, np.int64), np.empty(0), np.zeros(1, np.int64))
    fingerprints = [
        tasks.submit("fingerprint", (index,), _fingerprint, part, settings)
        for index, part in enumerate(parts)
    ]
    in_buckets = functools.partial(_bucket_pairs, settings.keep, texts)
    buckets = tasks.exchange("bands", fingerprints, _split_bands, in_buckets, outputs=count)
    shared = functools.partial(_shared_pairs, settings.shared_bands)
    candidates = tasks.exchange("candidates", buckets, _split_pairs, shared, outputs=count)
    verified = _pair_tasks(tasks, "verify", candidates, parts, settings, texts=texts)
    copies = tasks.exchange("content", fingerprints, _split_contents, _copies, outputs=count)

    gathered = tasks.gather(verified)
    edges = np.concatenate([np.empty((0, 2), np.int64), *(pairs for pairs, _ in gathered)])
    similarities = np.concatenate([np.empty(0), *(values for _, values in gathered)])
    nodes = np.unique(edges)
    assignment = assign(len(nodes), np.searchsorted(nodes, edges), similarities)
    node_leader = nodes[assignment.representative]

    copied = tasks.gather(copies)
    copy_ids = np.concatenate([np.empty(0, np.int64), *(ids for ids, _, _ in copied)])
    copy_firsts = np.concatenate([np.empty(0, np.int64), *(first for _, first, _ in copied)])
    copy_tokens = np.concatenate([np.empty(0, np.int64), *(tokens for _, _, tokens in copied)])
    copy_keys = priority_keys(copy_firsts, copy_tokens, keep=settings.keep, texts=texts)

    # The chain's own expansion, over the texts involved: ``keys`` are their distinct
    # texts (priority keys, so in priority order), ``ids`` the positions holding them.
    mask = position_mask(texts)
    keys = np.unique(np.concatenate((nodes, copy_keys)))
    ids, at = np.unique(np.concatenate((nodes & mask, copy_ids)), return_index=True)
    key_of_id = np.concatenate((nodes, copy_keys))[at]
    leader, similarity = keys.copy(), np.ones(len(keys), dtype=np.float64)
    in_graph = np.searchsorted(keys, nodes)
    leader[in_graph], similarity[in_graph] = node_leader, assignment.similarity
    groups = Groups(
        first=np.searchsorted(ids, keys & mask), group_of=np.searchsorted(keys, key_of_id)
    )
    found = expand(groups, Assignment(np.searchsorted(keys, leader), similarity))
    return PositionClusters(ids[found.members], found.similarities, found.offsets)


def _pair_tasks(
    tasks: Tasks,
    stage: str,
    pair_parts: Sequence[Future[Any]],
    parts: list[Future[Any]],
    settings: Settings,
    *,
    texts: int,
) -> list[Future[Any]]:
    """For each part of priority-key pairs, fetch their texts from the text parts, verify."""
    result = []
    mask = position_mask(texts)
    for target, pairs in enumerate(pair_parts):
        taken = [
            tasks.submit(f"{stage}-take", (target, source), _take_texts, part, pairs, mask)
            for source, part in enumerate(parts)
        ]
        result.append(
            tasks.submit(
                stage,
                (target,),
                _verify_pairs,
                pairs,
                mask,
                settings.ngram,
                settings.shingle,
                settings.threshold,
                *taken,
            )
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
    return PartFingerprints(part.start, fingerprint_batch(part.texts, settings).fingerprints)


def _split_bands(part: PartFingerprints, outputs: int) -> list[np.ndarray]:
    found = part.fingerprints
    rows = group_identical(found.content, found.token_counts, keep="first").first
    keys = found.band_keys[rows]
    bands = keys.shape[1]
    records = np.empty(len(rows) * bands, dtype=_BAND_RECORD)
    records["band"] = np.tile(np.arange(bands, dtype=np.int64), len(rows))
    records["key"] = keys.ravel()
    records["c0"] = np.repeat(part.fingerprints.content[rows, 0], bands)
    records["c1"] = np.repeat(part.fingerprints.content[rows, 1], bands)
    records["id"] = np.repeat(rows + part.start, bands)
    records["tokens"] = np.repeat(part.fingerprints.token_counts[rows], bands)
    return _split_records(records, records["key"] % np.uint64(outputs), outputs)


def _bucket_pairs(keep: Keep, texts: int, *pieces: np.ndarray) -> I64:
    """Candidate pairs of priority keys in the buckets sent here (``bucket_pairs`` per band)."""
    records = np.concatenate(pieces) if pieces else np.empty(0, dtype=_BAND_RECORD)
    records = records[
        np.lexsort((records["id"], records["c1"], records["c0"], records["key"], records["band"]))
    ]
    # One record per content in a bucket: the one of its smallest id (from any part).
    records = records[run_starts(records["band"], records["key"], records["c0"], records["c1"])]
    priority = priority_keys(records["id"], records["tokens"], keep=keep, texts=texts)
    found = [np.empty((0, 2), dtype=np.int64)]
    order = np.lexsort((priority, records["band"]))
    bands = records["band"][order]
    for rows in np.split(order, np.flatnonzero(run_starts(bands))[1:]):
        found.append(priority[rows][bucket_pairs(records["key"][rows])])
    return np.concatenate(found)


def _split_contents(part: PartFingerprints, outputs: int) -> list[np.ndarray]:
    rows = np.flatnonzero(part.fingerprints.token_counts > 0)
    records = np.empty(len(rows), dtype=_CONTENT_RECORD)
    records["c0"] = part.fingerprints.content[rows, 0]
    records["c1"] = part.fingerprints.content[rows, 1]
    records["id"] = rows + part.start
    records["tokens"] = part.fingerprints.token_counts[rows]
    return _split_records(records, fmix64(records["c1"]) % np.uint64(outputs), outputs)


def _copies(*pieces: np.ndarray) -> tuple[I64, I64, I64]:
    """``(ids, first ids, tokens)`` of every text whose content occurs more than once."""
    records = np.concatenate(pieces) if pieces else np.empty(0, dtype=_CONTENT_RECORD)
    records = records[np.lexsort((records["id"], records["c1"], records["c0"]))]
    starts = run_starts(records["c0"], records["c1"])
    run = np.cumsum(starts) - 1
    ids = records["id"].astype(np.int64)
    firsts = ids[np.flatnonzero(starts)][run]
    repeated = np.bincount(run)[run] > 1 if len(run) else np.zeros(0, dtype=bool)
    tokens = records["tokens"].astype(np.int64)
    return ids[repeated], firsts[repeated], tokens[repeated]


def _split_pairs(pairs: I64, outputs: int) -> list[I64]:
    """Pairs cut by a hash of their first node, so repeats meet in one part."""
    return _split_records(
        pairs, fmix64(pairs[:, 0].astype(np.uint64)) % np.uint64(outputs), outputs
    )


def _shared_pairs(shared: int, *pieces: I64) -> I64:
    """The pairs of the pieces that at least ``shared`` bands made, each once, sorted.

    All bands' pairs with one first node meet here, so the count is the local engine's.
    """
    pairs = np.concatenate((np.empty((0, 2), np.int64), *pieces))
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    starts = np.flatnonzero(run_starts(pairs))
    bands = np.diff(np.append(starts, len(pairs)))
    return pairs[starts[bands >= shared]]


def _split_records(records: np.ndarray, targets: Any, outputs: int) -> list[np.ndarray]:
    """Records cut by their target part (``uint64`` below ``outputs``), each part in order."""
    order = np.argsort(targets, kind="stable")
    bounds = np.searchsorted(targets[order], np.arange(1, outputs, dtype=np.uint64))
    return list(np.split(records[order], bounds))


def _take_texts(part: TextPart, pairs: I64, mask: int) -> tuple[I64, list[str]]:
    """The ids of ``pairs`` (priority keys) that ``part`` holds, with their texts."""
    ids = np.unique(pairs & mask)
    ids = ids[(ids >= part.start) & (ids < part.start + len(part.texts))]
    return ids, [part.texts[index - part.start] for index in ids.tolist()]


def _verify_pairs(
    pairs: I64,
    mask: int,
    ngram: int,
    shingle: str,
    threshold: float,
    *taken: tuple[I64, list[str]],
) -> tuple[I64, F64]:
    """The pairs (priority keys) whose exact Jaccard reaches ``threshold``, and their Jaccard."""
    ids = np.concatenate([np.empty(0, np.int64), *(part_ids for part_ids, _ in taken)])
    texts = [text for _, part_texts in taken for text in part_texts]
    order = np.argsort(ids)
    ordered = [texts[index] for index in order.tolist()]
    shingles, counts = shingle_many(ordered, ngram=ngram, shingle=shingle)
    sets, set_counts = unique_per_text(shingles, counts)
    similarities = jaccard_pairs(sets, set_counts, np.searchsorted(ids[order], pairs & mask))
    near = similarities >= threshold
    return pairs[near], similarities[near]
