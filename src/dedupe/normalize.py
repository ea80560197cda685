"""Text normalization: the canonical form every later stage sees.

What is normalized, in order:

1. Unicode NFKC: compatibility forms fold to their plain form (full-width letters,
   ligatures, superscripts, ``…`` becomes ``...``);
2. case folding (``str.casefold``: ``Straße`` and ``STRASSE`` agree);
3. every character that is not a letter, a mark or a digit becomes a space: punctuation,
   quotes and dashes of any style, symbols, and every kind of whitespace.

The result is the text's tokens (runs of letters, marks and digits) separated by spaces,
so ``normalize(text).split()`` is its token list. Two paragraphs that differ only in
case, punctuation, quote style or spacing normalize to the same tokens and count as
exact duplicates. Scripts written without spaces (Chinese, Japanese) become one token
per run of text; word n-grams are a poor fit for them.
"""

from __future__ import annotations

import string
import unicodedata

_WORD_CATEGORIES = frozenset("LMN")  # letters, combining marks, numbers

# ASCII fast path: letters fold to lower case, digits stay, everything else is a space.
# ASCII text is already NFKC-normal and casefold() equals lower() on it.
_ASCII_TABLE = {
    code: (chr(code).lower() if chr(code) in string.ascii_letters + string.digits else " ")
    for code in range(128)
}


class _UnicodeTable(dict[int, str]):
    """``str.translate`` table for any code point, filled lazily and then served from C."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        mapped = char if unicodedata.category(char)[0] in _WORD_CATEGORIES else " "
        self[code] = mapped
        return mapped


_UNICODE_TABLE = _UnicodeTable(_ASCII_TABLE)


def normalize(text: str) -> str:
    """Return the normalized form of ``text``: its tokens separated by spaces."""
    if text.isascii():
        return text.translate(_ASCII_TABLE)
    folded = unicodedata.normalize("NFKC", text).casefold()
    return folded.translate(_UNICODE_TABLE)


def tokens(text: str) -> list[str]:
    """Return the tokens of ``text`` after normalization."""
    return normalize(text).split()
