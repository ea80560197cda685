"""Which lines of a Markdown or reStructuredText file are not prose.

Headings, fenced and indented code blocks, tables, front matter, thematic breaks and
(for RST) directives, comments and literal blocks are structure, not paragraphs a
reader would call copies of each other: "# Notes", "Preamble" or a shared code sample
would otherwise be findings at similarity 1.00. ``structure_lines`` marks those lines;
the corpus then treats them as blank lines, so prose around them keeps its line numbers.
The rules are the common cases of CommonMark and docutils, not full parsers: a line they
misjudge only moves it in or out of the paragraphs checked.
"""

from __future__ import annotations

import re

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mdx"})
RST_SUFFIXES = frozenset({".rst", ".rest"})

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_SETEXT_OR_BREAK = re.compile(r"^ {0,3}(=+|-+|(\* *){3,}|(_ *){3,})\s*$")
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$")
_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s")
_RST_ADORNMENT = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1+\s*$")
_RST_DIRECTIVE = re.compile(r"^(\s*)\.\.(\s|$)")
_RST_PROSE_DIRECTIVES = re.compile(
    r"^\s*\.\. (note|warning|tip|important|hint|caution|attention|danger|error|seealso|"
    r"admonition|topic|sidebar|versionadded|versionchanged|deprecated)::"
)
_RST_TABLE_BORDER = re.compile(r"^\s*(\+[-=+]+\+|=+( +=+)+)\s*$")


def structure_lines(lines: list[str], *, suffix: str) -> list[bool]:
    """Per line, whether it is structure (not prose) for a file with this suffix.

    Files that are neither Markdown nor RST have no structure lines.
    """
    suffix = suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return _markdown(lines)
    if suffix in RST_SUFFIXES:
        return _rst(lines)
    return [False] * len(lines)


def _blank(line: str) -> bool:
    return not line.strip()


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def _markdown(lines: list[str]) -> list[bool]:
    marked = [False] * len(lines)
    number = _front_matter(lines, marked)
    fence: str | None = None
    while number < len(lines):
        line = lines[number]
        if fence is not None:
            marked[number] = True
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
        elif opened := _FENCE.match(line):
            fence = opened.group(1)
            marked[number] = True
        elif _ATX_HEADING.match(line):
            marked[number] = True
        elif _SETEXT_OR_BREAK.match(line):
            marked[number] = True
            if number and not _blank(lines[number - 1]) and line.strip()[0] in "=-":
                marked[number - 1] = True  # the heading's text
        elif _TABLE_DELIMITER.match(line) and number and "|" in lines[number - 1]:
            marked[number - 1] = True
            while number < len(lines) and "|" in lines[number]:
                marked[number] = True
                number += 1
            continue
        elif _indent(line) >= 4 and not _blank(line) and _starts_code(lines, number, marked):
            marked[number] = True
        number += 1
    return marked


def _front_matter(lines: list[str], marked: list[bool]) -> int:
    """Mark YAML (``---``) or TOML (``+++``) front matter; return the first line after it."""
    if not lines or lines[0].rstrip() not in ("---", "+++"):
        return 0
    closing = ("---", "...") if lines[0].rstrip() == "---" else ("+++",)
    for number in range(1, len(lines)):
        if lines[number].rstrip() in closing:
            for inside in range(number + 1):
                marked[inside] = True
            return number + 1
    return 0  # never closed: not front matter


def _starts_code(lines: list[str], number: int, marked: list[bool]) -> bool:
    """An indented line is code after a blank line or more code, unless it continues a list."""
    if number == 0:
        return True
    previous = lines[number - 1]
    if marked[number - 1] and _indent(previous) >= 4:
        return True
    if not _blank(previous):
        return False
    before = next((line for line in reversed(lines[:number]) if not _blank(line)), None)
    return before is None or not (_LIST_ITEM.match(before) or _indent(before) > 0)


def _rst(lines: list[str]) -> list[bool]:
    marked = [False] * len(lines)
    for number, line in enumerate(lines):
        if not _RST_ADORNMENT.match(line):
            continue
        width = len(line.rstrip())
        if number and not _blank(lines[number - 1]) and width >= len(lines[number - 1].rstrip()):
            marked[number] = marked[number - 1] = True  # a title and its underline
        elif (number == 0 or _blank(lines[number - 1])) and (
            number + 1 == len(lines) or _blank(lines[number + 1]) or width >= 4
        ):
            marked[number] = True  # an overline or a transition
    number = 0
    while number < len(lines):
        line = lines[number]
        directive = _RST_DIRECTIVE.match(line)
        literal = line.rstrip().endswith("::") and not directive
        if _RST_TABLE_BORDER.match(line):
            number = _mark_block(lines, marked, number)
            continue
        if directive:
            marked[number] = True
            if not _RST_PROSE_DIRECTIVES.match(line):
                number = _mark_indented(lines, marked, number + 1, _indent(line))
                continue
        elif literal:
            number = _mark_indented(lines, marked, number + 1, _indent(line))
            continue
        number += 1
    return marked


def _mark_block(lines: list[str], marked: list[bool], number: int) -> int:
    """Mark the block of non-blank lines holding ``number``; return the line after it."""
    start = number
    while start and not _blank(lines[start - 1]):
        start -= 1
    while number < len(lines) and not _blank(lines[number]):
        number += 1
    for inside in range(start, number):
        marked[inside] = True
    return number


def _mark_indented(lines: list[str], marked: list[bool], number: int, indent: int) -> int:
    """Mark the lines from ``number`` indented deeper than ``indent`` (and blanks among them)."""
    end = number
    while end < len(lines) and (_blank(lines[end]) or _indent(lines[end]) > indent):
        end += 1
    for inside in range(number, end):
        marked[inside] = marked[inside] or not _blank(lines[inside])
    return end
