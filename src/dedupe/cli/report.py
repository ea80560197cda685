"""Reporters: one function per output format, each returning the whole text to print.

- ``text``: ``path:line: near-duplicate of other:line (similarity 0.93)``, one line per
  member after a cluster's first, clusters in order.
- ``json``: ``{"version": 1, "settings": {...}, "clusters": [{"members": [...]}]}``;
  a member is ``{"path", "start_line", "end_line", "similarity"}`` for files, or
  ``{"key", "similarity"}`` otherwise. Similarities are exact, not rounded.
- ``github``: GitHub Actions ``::warning`` workflow commands, which show as annotations
  on the lines of a pull request.

File names are shown by ``shown``: a byte of a name that is not UTF-8 becomes ``\\xNN``
(``caf\\xe9.txt``), so every format is valid UTF-8 whatever the file system holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dedupe.cluster import Cluster, Member
from dedupe.corpus import Span
from dedupe.settings import Settings

JSON_FORMAT_VERSION = 1


def text(clusters: Sequence[Cluster[Any]]) -> str:
    """One finding per line: each member after the first, against the first."""
    lines = [
        f"{_where(member.key)}: near-duplicate of {_where(cluster.representative.key)} "
        f"(similarity {member.similarity:.2f})"
        for cluster in clusters
        for member in cluster.members[1:]
    ]
    return "".join(line + "\n" for line in lines)


def json_report(clusters: Sequence[Cluster[Any]], *, settings: Mapping[str, Any]) -> str:
    """A JSON document of all clusters; byte-identical for identical results."""
    document = {
        "version": JSON_FORMAT_VERSION,
        "settings": dict(settings),
        "clusters": [
            {"members": [_member_json(member) for member in cluster.members]}
            for cluster in clusters
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def github(clusters: Sequence[Cluster[Any]]) -> str:
    """GitHub Actions annotations, one per member after a cluster's first."""
    lines = []
    for cluster in clusters:
        first = _where(cluster.representative.key)
        for member in cluster.members[1:]:
            message = f"near-duplicate of {first} (similarity {member.similarity:.2f})"
            lines.append(f"::warning {_github_location(member.key)}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


FORMATS: dict[str, Callable[..., str]] = {"text": text, "json": json_report, "github": github}
"""Format name -> reporter; ``json`` also takes ``settings=``."""


def render(name: str, clusters: Sequence[Cluster[Any]], *, settings: Settings) -> str:
    """The report of ``clusters`` in format ``name`` (a key of ``FORMATS``)."""
    if name == "json":
        return json_report(clusters, settings=settings.as_dict())
    return FORMATS[name](clusters)


def shown(name: str) -> str:
    """``name`` as printed: undecodable bytes (surrogate escapes) as ``\\xNN``, the rest as is."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def _where(key: object) -> str:
    return shown(str(key))


def _member_json(member: Member[Any]) -> dict[str, Any]:
    if isinstance(member.key, Span):
        span = member.key
        return {
            "path": shown(span.path),
            "start_line": span.start_line,
            "end_line": span.end_line,
            "similarity": member.similarity,
        }
    return {"key": member.key, "similarity": member.similarity}


def _github_location(key: object) -> str:
    if isinstance(key, Span):
        path = _escape_property(shown(key.path))
        return f"file={path},line={key.start_line},endLine={key.end_line},title=dedupe"
    return "title=dedupe"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
