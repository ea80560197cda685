"""Real text this project did not write, collected at run time from the Python installation.

Sources, read in sorted order so the result depends only on the installation:

- docstrings and comment blocks of the ``.py`` files of the standard library and of the
  installed packages (site-packages);
- the long descriptions (mostly READMEs) of installed distributions' metadata.

They are cut into prose paragraphs (code, doctests and tables are dropped), exact repeats
removed. ``sentence_pool`` and ``synthesize`` turn them into as many distinct paragraphs
as a benchmark needs: each synthesized paragraph is a few real sentences drawn with a
seeded generator, so a corpus of any size is deterministic for a given seed and
installation.
"""

from __future__ import annotations

import ast
import io
import re
import sysconfig
import tokenize
from collections.abc import Iterator
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

MIN_WORDS = 8
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_CODE_HINTS = ("::", ">>>", "...", "$ ", "| ", "def ", "import ", "{", "}", "==", "->", "()")


@lru_cache(maxsize=1)
def real_paragraphs() -> tuple[str, ...]:
    """Distinct prose paragraphs of the standard library and installed package metadata."""
    seen: dict[str, None] = {}
    for block in _blocks():
        for paragraph in _paragraphs(block):
            seen.setdefault(paragraph)
    return tuple(seen)


def sentence_pool() -> tuple[str, ...]:
    """Distinct sentences of at least five words from ``real_paragraphs``."""
    seen: dict[str, None] = {}
    for paragraph in real_paragraphs():
        for sentence in _SENTENCE_END.split(paragraph):
            if len(sentence.split()) >= 5:
                seen.setdefault(sentence)
    return tuple(seen)


def synthesize(
    count: int, *, seed: int, min_sentences: int = 3, max_sentences: int = 5
) -> list[str]:
    """``count`` paragraphs of ``min_sentences`` to ``max_sentences`` real sentences each.

    Sentences are drawn independently, so with at least three per paragraph there are
    trillions of combinations and paragraphs are distinct with overwhelming probability;
    two of them share at most a sentence or two, far below any duplicate threshold.
    """
    pool = sentence_pool()
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_sentences, max_sentences + 1, size=count)
    picks = rng.integers(0, len(pool), size=int(lengths.sum())).tolist()
    paragraphs: list[str] = []
    offset = 0
    for length in lengths.tolist():
        paragraphs.append(" ".join(pool[index] for index in picks[offset : offset + length]))
        offset += length
    return paragraphs


def vocabulary() -> tuple[str, ...]:
    """Distinct words of ``real_paragraphs``, for edits that substitute or insert words."""
    words: dict[str, None] = {}
    for paragraph in real_paragraphs():
        for word in _WORD.findall(paragraph):
            words.setdefault(word.lower())
    return tuple(words)


def _blocks() -> Iterator[str]:
    for path in _source_files():
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        yield from _docstrings(source)
        yield from _comment_blocks(source)
    yield from sorted(_descriptions())


def _source_files() -> list[Path]:
    paths = sysconfig.get_paths()
    roots = dict.fromkeys(Path(paths[name]) for name in ("stdlib", "purelib", "platlib"))
    files: list[Path] = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            relative = path.relative_to(root).parts
            if any(part.startswith(("test", "_vendor")) for part in relative):
                continue
            if root.name != "site-packages" and "site-packages" in relative:
                continue
            files.append(path)
    return files


def _docstrings(source: str) -> Iterator[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            docstring = ast.get_docstring(node)
            if docstring:
                yield docstring


def _comment_blocks(source: str) -> Iterator[str]:
    lines: list[str] = []
    last_row = -2
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.COMMENT:
                continue
            row = token.start[0]
            if row != last_row + 1 and lines:
                yield "\n".join(lines)
                lines = []
            lines.append(token.string.lstrip("#").strip())
            last_row = row
    except (tokenize.TokenError, SyntaxError):
        pass
    if lines:
        yield "\n".join(lines)


def _descriptions() -> Iterator[str]:
    for distribution in metadata.distributions():
        fields = distribution.metadata
        body = fields.get_payload()  # type: ignore[attr-defined]
        description = body if isinstance(body, str) and body.strip() else fields["Description"]
        if description:
            yield str(description)


def _paragraphs(block: str) -> Iterator[str]:
    for chunk in re.split(r"\n\s*\n", block):
        lines = [line.strip() for line in chunk.splitlines()]
        if any(
            line.startswith(_CODE_HINTS) or line.startswith(("-", "*", "#", "=")) for line in lines
        ):
            continue
        text = " ".join(line for line in lines if line)
        words = text.split()
        if len(words) < MIN_WORDS or any(hint in text for hint in _CODE_HINTS):
            continue
        if len(_WORD.findall(text)) < 0.8 * len(words):
            continue
        yield text
