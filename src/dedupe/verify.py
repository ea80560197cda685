"""Verification: the exact Jaccard similarity of candidate pairs, vectorized.

Works on CSR shingle *sets* (see ``shingle.unique_per_text``): each text's hashes
distinct. A pair's two sets are written side by side into one padded row and rows are
sorted along their length (``arrays.padded_rows``); as each set is distinct, the equal
neighbours in a sorted row are exactly the intersection. Rows of similar length share a
power-of-two width, a block of a few MiB at a time, so sorting runs on NumPy's sorting
networks for short rows and stays in cache: faster than searching one set in the other.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dedupe.arrays import gather_segments, padded_blocks, padded_rows, segment_starts
from dedupe.hashing import I64, U64
from dedupe.parallel import map_in_threads

F64 = npt.NDArray[np.float64]


def jaccard_pairs(sets: U64, counts: I64, pairs: I64, *, workers: int = 1) -> F64:
    """Exact Jaccard similarity of each ``(i, j)`` row of ``pairs`` over CSR shingle sets.

    A pair where both sets are empty has similarity 0: empty texts never match. Blocks
    of pairs run on ``workers`` threads; each fills its own rows of the result.
    """
    result = np.zeros(len(pairs), dtype=np.float64)
    starts = segment_starts(counts)
    first, second = counts[pairs[:, 0]], counts[pairs[:, 1]]
    lengths = first + second

    def fill(block: tuple[I64, int]) -> None:
        rows, width = block
        # Each row: the first set's hashes, then the second's.
        parts = np.stack((first[rows], second[rows]), axis=1).ravel()
        part_starts = starts[pairs[rows]].ravel()
        padded = padded_rows(sets[gather_segments(part_starts, parts)], lengths[rows], width=width)
        padded.sort(axis=1)
        equal = padded[:, 1:] == padded[:, :-1]
        equal &= np.arange(1, width) < lengths[rows][:, None]  # not the padding
        intersections = np.count_nonzero(equal, axis=1)
        unions = lengths[rows] - intersections
        result[rows] = np.divide(intersections, unions, out=np.zeros(len(rows)), where=unions > 0)

    map_in_threads(fill, padded_blocks(lengths), workers=workers)
    return result
