"""Reporters: one function per output format, each returning the whole text to print.

- ``text``: ``path:3-5: near-duplicate of other:10-12 (similarity 0.93)``, one line per
  member after a cluster's first (a one-line paragraph is ``path:3``); with diffs, an
  indented word diff follows each line (``[-old-]{+new+}``, coloured on a terminal).
- ``json``: ``{"version": 1, "settings": {...}, "clusters": [{"members": [...]}]}``;
  a member is ``{"path", "start_line", "end_line", "similarity"}`` for files (plus
  ``"diff"`` with diffs), or ``{"key", "similarity"}`` otherwise. Similarities are exact.
- ``github``: GitHub Actions ``::warning`` workflow commands, which show as annotations
  on the lines of a pull request.
- ``sarif``: SARIF 2.1.0, one result per finding, located in the finding's file, with the
  paragraph it duplicates as a related location (GitHub code scanning reads it).

File names are shown by ``shown``: a byte of a name that is not UTF-8 becomes ``\\xNN``
(``caf\\xe9.txt``), so every format is valid UTF-8 whatever the file system holds.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dedupe._version import __version__
from dedupe.cluster import Cluster, Member
from dedupe.corpus import Span
from dedupe.settings import Settings

JSON_FORMAT_VERSION = 1
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULE_ID = "near-duplicate"

Diff = list[tuple[str, str]]
"""A word diff: ``(op, words)`` with op ``=`` (both), ``-`` (only the match), ``+`` (only
the finding)."""
Diffs = Mapping[tuple[Any, Any], Diff]
"""Diffs by ``(representative key, member key)``."""

_RED, _GREEN, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[0m"


def text(
    clusters: Sequence[Cluster[Any]], *, diffs: Diffs | None = None, colour: bool = False
) -> str:
    """One finding per line: each member after the first, against the first."""
    lines: list[str] = []
    for cluster in clusters:
        first = cluster.representative.key
        for member in cluster.members[1:]:
            lines.append(
                f"{_where(member.key)}: near-duplicate of {_where(first)} "
                f"(similarity {member.similarity:.2f})"
            )
            if diffs is not None:
                lines.append("    " + _diff_text(diffs[first, member.key], colour=colour))
    return "".join(line + "\n" for line in lines)


def json_report(
    clusters: Sequence[Cluster[Any]], *, settings: Mapping[str, Any], diffs: Diffs | None = None
) -> str:
    """A JSON document of all clusters; byte-identical for identical results."""
    document = {
        "version": JSON_FORMAT_VERSION,
        "settings": dict(settings),
        "clusters": [
            {
                "members": [
                    _member_json(member, cluster.representative.key, position, diffs)
                    for position, member in enumerate(cluster.members)
                ]
            }
            for cluster in clusters
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def github(clusters: Sequence[Cluster[Any]], *, hint: str = "") -> str:
    """GitHub Actions annotations, one per member after a cluster's first."""
    lines = []
    for cluster in clusters:
        for member in cluster.members[1:]:
            message = _message(cluster.representative, member, hint)
            lines.append(f"::warning {_github_location(member.key)}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


def sarif(clusters: Sequence[Cluster[Any]], *, hint: str = "") -> str:
    """A SARIF 2.1.0 log with one run: a result per finding, in the finding's file."""
    results = [
        {
            "ruleId": RULE_ID,
            "ruleIndex": 0,
            "level": "warning",
            "message": {"text": _message(cluster.representative, member, hint)},
            "locations": [_sarif_location(member.key)],
            "relatedLocations": [{**_sarif_location(cluster.representative.key), "id": 1}],
            "properties": {"similarity": member.similarity},
        }
        for cluster in clusters
        for member in cluster.members[1:]
    ]
    rule = {
        "id": RULE_ID,
        "name": "NearDuplicateParagraph",
        "shortDescription": {"text": "A paragraph is a near-duplicate of another one."},
        "defaultConfiguration": {"level": "warning"},
    }
    document = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": {"name": "dedupe", "version": __version__, "rules": [rule]}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def statistics(clusters: Sequence[Cluster[Any]]) -> str:
    """Findings per file, most first (ties by name), then the total."""
    counts = Counter(_file_of(member.key) for cluster in clusters for member in cluster.members[1:])
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    lines = [f"{count:6d}  {name}" for name, count in rows]
    lines.append(f"{sum(counts.values()):6d}  near-duplicate paragraphs in {len(counts)} files")
    return "".join(line + "\n" for line in lines)


FORMATS: dict[str, Callable[..., str]] = {
    "text": text,
    "json": json_report,
    "github": github,
    "sarif": sarif,
}
"""Format name -> reporter."""


def render(
    name: str,
    clusters: Sequence[Cluster[Any]],
    *,
    settings: Settings,
    diffs: Diffs | None = None,
    colour: bool = False,
    hint: str = "",
) -> str:
    """The report of ``clusters`` in format ``name`` (a key of ``FORMATS``)."""
    if name == "json":
        return json_report(clusters, settings=settings.as_dict(), diffs=diffs)
    if name == "text":
        return text(clusters, diffs=diffs, colour=colour)
    return FORMATS[name](clusters, hint=hint)


def word_diff(old: str, new: str) -> Diff:
    """The word diff that turns ``old`` (the match) into ``new`` (the finding)."""
    before, after = old.split(), new.split()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    result: Diff = []
    for tag, low, high, new_low, new_high in matcher.get_opcodes():
        if tag == "equal":
            result.append(("=", " ".join(before[low:high])))
            continue
        if high > low:
            result.append(("-", " ".join(before[low:high])))
        if new_high > new_low:
            result.append(("+", " ".join(after[new_low:new_high])))
    return result


def diffs_of(clusters: Sequence[Cluster[Span]], text_of: Callable[[Span], str]) -> Diffs:
    """The word diff of every finding against its representative."""
    return {
        (cluster.representative.key, member.key): word_diff(
            text_of(cluster.representative.key), text_of(member.key)
        )
        for cluster in clusters
        for member in cluster.members[1:]
    }


def shown(name: str) -> str:
    """``name`` as printed: undecodable bytes (surrogate escapes) as ``\\xNN``, the rest as is."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def _where(key: object) -> str:
    if isinstance(key, Span) and key.end_line != key.start_line:
        return shown(f"{key.path}:{key.start_line}-{key.end_line}")
    return shown(str(key))


def _file_of(key: object) -> str:
    return shown(key.path) if isinstance(key, Span) else shown(str(key))


def _message(first: Member[Any], member: Member[Any], hint: str) -> str:
    message = f"near-duplicate of {_where(first.key)} (similarity {member.similarity:.2f})"
    return f"{message}; {hint}" if hint else message


def _diff_text(diff: Diff, *, colour: bool) -> str:
    parts = []
    for op, words in diff:
        if op == "=":
            parts.append(words)
        elif colour:
            parts.append(f"{_RED if op == '-' else _GREEN}{words}{_RESET}")
        else:
            parts.append(f"[-{words}-]" if op == "-" else f"{{+{words}+}}")
    return " ".join(parts)


def _member_json(
    member: Member[Any], first: object, position: int, diffs: Diffs | None
) -> dict[str, Any]:
    if isinstance(member.key, Span):
        span = member.key
        found: dict[str, Any] = {
            "path": shown(span.path),
            "start_line": span.start_line,
            "end_line": span.end_line,
            "similarity": member.similarity,
        }
    else:
        found = {"key": member.key, "similarity": member.similarity}
    if diffs is not None and position > 0:
        found["diff"] = [list(part) for part in diffs[first, member.key]]
    return found


def _sarif_location(key: object) -> dict[str, Any]:
    if isinstance(key, Span):
        return {
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(shown(key.path))},
                "region": {"startLine": key.start_line, "endLine": key.end_line},
            }
        }
    return {"logicalLocations": [{"name": shown(str(key))}]}


def _uri(path: str) -> str:
    """A relative URI reference for a path (``%`` escapes for what a URI cannot hold)."""
    from urllib.parse import quote  # only SARIF needs it: kept out of start-up

    return quote(path.replace("\\", "/"), safe="/!$&'()*+,;=:@-._~")


def _github_location(key: object) -> str:
    if isinstance(key, Span):
        path = _escape_property(shown(key.path))
        return f"file={path},line={key.start_line},endLine={key.end_line},title=dedupe"
    return "title=dedupe"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
