"""Tokenization and token hashing on bytes, vectorized over a whole batch.

A batch of texts is joined with spaces into one UTF-8 buffer and read as a NumPy byte
array. ASCII texts (the common case) are normalized right there by a 256-entry table:
upper case folds to lower, every other ASCII byte that is not a letter or digit becomes
a space. A text with any non-ASCII character takes the exact fallback first
(``normalize.normalize``: NFKC, case folding, non-word characters to spaces), after
which its only ASCII bytes are letters, digits and spaces, so the table leaves it alone.
Either way tokens are the runs of non-space bytes: exactly ``normalize(text).split()``.
For character shingles (``char_token_hashes``) the tokens are instead the characters of
``" ".join(normalize(text).split())``: one per code point, one space between words.

Each token is hashed from its bytes packed little-endian into 64-bit words: the first
word is the token itself for tokens of up to 8 bytes (most words), so those never
collide; longer tokens chain further words through a 64-bit finalizer. No Python call
is made per token.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dedupe.hashing import I64, MASK64, U64, fmix64
from dedupe.normalize import normalize

_SPACE = ord(" ")
_WORD_BYTES = 8
_LENGTH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def _byte_table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint8)
    for code in range(128):
        char = chr(code)
        if char.isascii() and char.isalnum():
            table[code] = ord(char.lower())
        else:
            table[code] = _SPACE
    return table


_BYTE_TABLE = _byte_table().tobytes()  # for bytes.translate: 4x faster than indexing
# _LOW_BYTES[n] keeps the low n bytes of a little-endian word (n = 0..8).
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 if n < 8 else MASK64 for n in range(9)], np.uint64)


def normalized_bytes(texts: Sequence[str]) -> tuple[np.ndarray, I64, I64]:
    """The batch as one normalized byte array, with each text's byte start and length."""
    parts = list(texts)
    ascii_flags = np.fromiter(map(str.isascii, parts), dtype=bool, count=len(parts))
    non_ascii = np.flatnonzero(~ascii_flags).tolist()
    for index in non_ascii:
        parts[index] = normalize(parts[index])
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    for index in non_ascii:
        lengths[index] = len(parts[index].encode("utf-8"))
    data = np.frombuffer(_join_encoded(parts, non_ascii).translate(_BYTE_TABLE), dtype=np.uint8)
    starts = np.zeros(len(parts), dtype=np.int64)
    if len(parts) > 1:
        np.cumsum(lengths[:-1] + 1, out=starts[1:])
    return data, starts, lengths


def _join_encoded(parts: list[str], non_ascii: list[int]) -> bytes:
    """``" ".join(parts).encode("utf-8")``, about 10x faster.

    One non-ASCII text makes the joined string wide (2 or 4 bytes a character), which
    slows both the join and the encoding; so runs of ASCII texts are joined on their own.
    """
    pieces: list[bytes] = []
    previous = 0
    for index in non_ascii:
        if index > previous:
            pieces.append(" ".join(parts[previous:index]).encode("utf-8"))
        pieces.append(parts[index].encode("utf-8"))
        previous = index + 1
    if previous < len(parts) or not parts:
        pieces.append(" ".join(parts[previous:]).encode("utf-8"))
    return b" ".join(pieces)


def token_hashes(texts: Sequence[str]) -> tuple[U64, I64]:
    """Normalize, tokenize and hash a batch: (flat token hashes, tokens per text)."""
    data, text_starts, text_lengths = normalized_bytes(texts)
    is_word = np.zeros(len(data) + 2, dtype=bool)
    is_word[1:-1] = data != _SPACE
    edges = np.flatnonzero(is_word[1:] != is_word[:-1])  # token starts and ends, alternating
    token_starts = edges[0::2]
    token_lengths = edges[1::2] - token_starts
    first = np.searchsorted(token_starts, text_starts)
    last = np.searchsorted(token_starts, text_starts + text_lengths)
    counts = (last - first).astype(np.int64)
    return hash_tokens(data, token_starts, token_lengths), counts


def char_token_hashes(texts: Sequence[str]) -> tuple[U64, I64]:
    """Normalize a batch and hash each character: (flat character hashes, characters per text).

    The characters are those of the text's tokens joined by single spaces, so scripts
    written without spaces (Chinese, Japanese) get one token per character, and two
    texts have the same characters exactly when they have the same words.
    """
    data, text_starts, text_lengths = normalized_bytes(texts)
    is_word = data != _SPACE
    follows_word = np.zeros(len(data), dtype=bool)
    follows_word[1:] = is_word[:-1]
    is_lead = (data & 0xC0) != 0x80  # the first byte of a UTF-8 code point
    # Characters: every non-space code point, and the first space after a word.
    positions = np.flatnonzero(is_lead & (is_word | follows_word))
    owner = np.searchsorted(text_starts, positions, side="right") - 1
    inside = positions < (text_starts + text_lengths)[owner]  # not the space joining texts
    positions, owner = positions[inside], owner[inside]
    ends_text = np.ones(len(positions), dtype=bool)
    ends_text[:-1] = owner[1:] != owner[:-1]
    keep = ~(ends_text & (data[positions] == _SPACE))  # no trailing space
    positions, owner = positions[keep], owner[keep]
    lead = data[positions]
    lengths = 1 + (lead >= 0xC0).astype(np.int64) + (lead >= 0xE0) + (lead >= 0xF0)
    counts = np.bincount(owner, minlength=len(text_starts)).astype(np.int64)
    return hash_tokens(data, positions, lengths), counts


def hash_tokens(data: np.ndarray, starts: I64, lengths: I64) -> U64:
    """Hash the tokens ``data[start:start + length]`` from their packed 64-bit words."""
    padded = np.zeros(len(data) + 2 * _WORD_BYTES, dtype=np.uint8)
    padded[: len(data)] = data
    # The little-endian 64-bit word starting at every byte: an unaligned view with a
    # one-byte stride, so packing all tokens is a single gather.
    word_at = np.ndarray(shape=(len(data) + _WORD_BYTES,), dtype="<u8", buffer=padded, strides=(1,))
    hashes: U64 = word_at[starts]
    hashes &= _LOW_BYTES[np.minimum(lengths, _WORD_BYTES)]
    longer = np.flatnonzero(lengths > _WORD_BYTES)
    offset = _WORD_BYTES
    while len(longer):
        words = word_at[starts[longer] + offset]
        words &= _LOW_BYTES[np.minimum(lengths[longer] - offset, _WORD_BYTES)]
        hashes[longer] = fmix64(hashes[longer]) ^ words
        offset += _WORD_BYTES
        longer = longer[lengths[longer] > offset]
    hashes ^= lengths.astype(np.uint64) * _LENGTH_MULTIPLIER
    return fmix64(hashes)
