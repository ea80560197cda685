"""Reporters: the text, JSON and GitHub formats of the same clusters."""

from __future__ import annotations

import json

from dedupe.cli import report
from dedupe.cluster import Cluster, Member
from dedupe.corpus import Span
from dedupe.settings import Settings

CLUSTERS = [
    Cluster((Member(Span("a, b:c.txt", 3, 4), 1.0), Member(Span("d.txt", 9, 9), 0.875))),
    Cluster((Member(Span("e.txt", 1, 1), 1.0), Member(Span("e.txt", 5, 5), 1.0))),
]


def test_text_is_one_line_per_finding_against_the_first_member() -> None:
    assert report.text(CLUSTERS) == (
        "d.txt:9: near-duplicate of a, b:c.txt:3-4 (similarity 0.88)\n"
        "e.txt:5: near-duplicate of e.txt:1 (similarity 1.00)\n"
    )
    assert report.text([]) == ""


def test_json_keeps_exact_similarities_and_the_settings() -> None:
    rendered = report.render("json", CLUSTERS, settings=Settings(seed=9))
    document = json.loads(rendered)
    assert document["version"] == report.JSON_FORMAT_VERSION
    assert document["settings"]["seed"] == 9
    assert document["clusters"][0]["members"][1] == {
        "path": "d.txt",
        "start_line": 9,
        "end_line": 9,
        "similarity": 0.875,
    }
    assert rendered == report.render("json", CLUSTERS, settings=Settings(seed=9))


def test_github_annotations_escape_paths_and_messages() -> None:
    lines = report.render("github", CLUSTERS, settings=Settings()).splitlines()
    assert lines[0] == (
        "::warning file=d.txt,line=9,endLine=9,title=dedupe::"
        "near-duplicate of a, b:c.txt:3-4 (similarity 0.88)"
    )
    weird = [Cluster((Member(Span("x.txt", 1, 1), 1.0), Member(Span("50%, a:b.txt", 2, 2), 1.0)))]
    assert report.github(weird) == (
        "::warning file=50%25%2C a%3Ab.txt,line=2,endLine=2,title=dedupe::"
        "near-duplicate of x.txt:1 (similarity 1.00)\n"
    )


def test_every_format_renders() -> None:
    for name in report.FORMATS:
        assert "e.txt" in report.render(name, CLUSTERS, settings=Settings())
