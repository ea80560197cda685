"""The baseline: clusters of near-duplicates a project has accepted, keyed by content.

An entry is the multiset of its paragraphs' keys, a key being the hash of the paragraph's
normalized text (``dedupe.normalize``), so edits elsewhere in a file, moved lines and
renamed files do not matter. A member of a cluster found later is *accepted* when an
entry sharing a paragraph with the cluster holds its key (each copy in an entry accepts
one member): accepted members stay accepted when the cluster grows, shrinks or moves,
and only members no entry holds are reported, a new copy of an accepted paragraph
included. An entry that shares no paragraph with any cluster is *stale*. The file is
written atomically (a temporary file, then ``os.replace``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import xxhash

from dedupe.atomic import replacing
from dedupe.cluster import Cluster, Member
from dedupe.corpus import Span
from dedupe.errors import BaselineError
from dedupe.normalize import normalize

BASELINE_FILE_NAME = ".dedupe-baseline.json"
FORMAT_VERSION = 1
_PREVIEW_CHARS = 72


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    """An accepted cluster: its paragraphs' keys (sorted, repeated for identical copies)."""

    keys: tuple[str, ...]
    preview: str = ""


def paragraph_key(text: str) -> str:
    """The content key of a paragraph: a 128-bit hash of its normalized tokens, in hex."""
    return xxhash.xxh3_128_hexdigest(" ".join(normalize(text).split()).encode("utf-8"))


TextOf = Callable[[Span], str]
"""The text of a clustered paragraph."""


def entries_for(clusters: Sequence[Cluster[Span]], text_of: TextOf) -> list[Entry]:
    """Baseline entries accepting ``clusters``, in a stable order."""
    entries = {
        Entry(
            tuple(sorted(paragraph_key(text_of(span)) for span in cluster.keys)),
            _preview(text_of(cluster.representative.key)),
        )
        for cluster in clusters
    }
    return sorted(entries)


def split_known(
    clusters: Sequence[Cluster[Span]], entries: Sequence[Entry], text_of: TextOf
) -> tuple[list[Cluster[Span]], list[Entry]]:
    """``(findings, stale entries)``: each cluster cut to the members no entry accepts.

    A cluster whose representative alone is new is reported as the representative
    against its first accepted member (Jaccard similarity is symmetric).
    """
    by_key: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        for key in set(entry.keys):
            by_key.setdefault(key, []).append(index)
    used: set[int] = set()
    findings: list[Cluster[Span]] = []
    for cluster in clusters:
        keys = [paragraph_key(text_of(span)) for span in cluster.keys]
        matching = {index for key in keys for index in by_key.get(key, [])}
        used |= matching
        accepted: Counter[str] = Counter()
        for index in matching:
            accepted |= Counter(entries[index].keys)
        new: list[bool] = []
        for key in keys:
            new.append(accepted[key] == 0)
            accepted[key] -= 1 if accepted[key] else 0
        finding = _finding(cluster, new)
        if finding is not None:
            findings.append(finding)
    stale = [entry for index, entry in enumerate(entries) if index not in used]
    return findings, stale


def _finding(cluster: Cluster[Span], new: list[bool]) -> Cluster[Span] | None:
    members = [member for member, fresh in zip(cluster.members[1:], new[1:], strict=True) if fresh]
    if members:
        return Cluster((cluster.representative, *members))
    if not new[0]:
        return None
    first = cluster.members[1]
    return Cluster((Member(first.key, 1.0), Member(cluster.representative.key, first.similarity)))


def read_baseline(path: Path, *, display: str) -> list[Entry]:
    """The entries of a baseline file; none when the file does not exist."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"{display}: cannot read baseline: {error}") from error
    try:
        document = json.loads(raw)
        if document.get("version") != FORMAT_VERSION:
            raise ValueError(f"version must be {FORMAT_VERSION}")
        return [
            Entry(tuple(sorted(_keys(item["paragraphs"]))), str(item.get("preview", "")))
            for item in document["entries"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise BaselineError(
            f"{display}: not a dedupe baseline ({error}); fix it or write it again "
            "with `dedupe baseline`"
        ) from error


def write_baseline(path: Path, entries: Sequence[Entry]) -> None:
    """Write the baseline atomically: readers see the old file or the new one, whole."""
    document = {
        "version": FORMAT_VERSION,
        "entries": [
            {"preview": entry.preview, "paragraphs": list(entry.keys)} for entry in entries
        ],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")


def _keys(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        raise TypeError("paragraphs must be a list of strings")
    return value


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW_CHARS else flat[: _PREVIEW_CHARS - 1] + "…"
