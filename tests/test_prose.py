"""Structure lines of Markdown and RST are not prose; the prose keeps its line numbers."""

from __future__ import annotations

from dedupe.corpus import split_paragraphs
from dedupe.prose import structure_lines

MARKDOWN = """\
---
title: Notes
---
# Notes

The first paragraph of prose,
on two lines.

```python
print("code")

print("more code")
```

| a | b |
|---|---|
| 1 | 2 |

    indented code

- a list item
    its continuation stays prose

Setext heading
==============

Last words here.
"""

RST = """\
=====
Title
=====

Prose in RST.

.. code-block:: python

   print("code")

.. note::

   A note is prose.

A literal block follows::

   literal text

+---+---+
| a | b |
+---+---+

Section
-------

Closing words.
"""


def texts(text: str, name: str) -> list[tuple[int, str]]:
    return [(p.span.start_line, p.text) for p in split_paragraphs(text, path=name, prose_only=True)]


def test_markdown_keeps_only_prose_at_its_lines() -> None:
    assert texts(MARKDOWN, "notes.md") == [
        (6, "The first paragraph of prose,\non two lines."),
        (21, "- a list item\n    its continuation stays prose"),
        (27, "Last words here."),
    ]


def test_rst_keeps_only_prose_at_its_lines() -> None:
    assert texts(RST, "notes.rst") == [
        (5, "Prose in RST."),
        (13, "   A note is prose."),
        (15, "A literal block follows::"),
        (26, "Closing words."),
    ]


def test_other_files_and_all_blocks_keep_everything() -> None:
    assert structure_lines(MARKDOWN.split("\n"), suffix=".txt") == [False] * len(
        MARKDOWN.split("\n")
    )
    every = split_paragraphs(MARKDOWN, path="notes.md")
    assert every[0].text.startswith("---\ntitle: Notes")
