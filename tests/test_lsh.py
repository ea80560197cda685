"""Bands and rows from the threshold, and band keys from signatures."""

from __future__ import annotations

import math
import time

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from dedupe import lsh
from tests import reference


@given(threshold=st.floats(0.05, 1.0), num_perm=st.integers(16, 512))
def test_derived_bands_reach_99_percent_at_the_threshold(threshold: float, num_perm: int) -> None:
    bands, rows = lsh.optimal_bands_rows(threshold=threshold, num_perm=num_perm)
    assert bands * rows <= num_perm
    reached = lsh.candidate_probability(threshold, bands=bands, rows=rows)
    if (bands, rows) == (num_perm, 1):  # the best there is when nothing reaches the target
        assert reached == lsh.candidate_probability(threshold, bands=num_perm, rows=1)
    else:
        assert reached >= 0.99
    # One more row per band would miss the target: the choice is the strictest that works.
    if rows < num_perm:
        stricter = num_perm // (rows + 1)
        assert lsh.candidate_probability(threshold, bands=stricter, rows=rows + 1) < 0.99


@given(
    threshold=st.floats(0.01, 1.0),
    num_perm=st.integers(1, 2048),
    recall=st.sampled_from([0.5, 0.9, 0.99, 0.999]),
)
def test_the_binary_search_finds_what_trying_every_row_count_finds(
    threshold: float, num_perm: int, recall: float
) -> None:
    assert lsh.optimal_bands_rows(
        threshold=threshold, num_perm=num_perm, recall=recall
    ) == reference.bands_rows(threshold=threshold, num_perm=num_perm, recall=recall)


def test_the_band_search_takes_no_time_for_any_num_perm() -> None:
    started = time.perf_counter()
    assert lsh.optimal_bands_rows(threshold=0.5, num_perm=10**8)[0] >= 1
    assert time.perf_counter() - started < 1.0  # trying every row count took 14 s


def test_default_settings_band_shape() -> None:
    assert lsh.optimal_bands_rows(threshold=0.8, num_perm=128) == (21, 6)


def test_too_few_permutations_fall_back_to_one_row_per_band() -> None:
    assert lsh.optimal_bands_rows(threshold=0.3, num_perm=2) == (2, 1)


def test_band_keys_agree_exactly_when_the_band_agrees() -> None:
    rng = np.random.default_rng(1)
    signatures = rng.integers(0, 2**32, size=(3, 12), dtype=np.uint64).astype(np.uint32)
    signatures[1, 4:8] = signatures[0, 4:8]
    keys = lsh.band_keys(signatures, bands=3, rows=4)
    assert keys[0, 1] == keys[1, 1]
    assert keys[0, 0] != keys[1, 0]
    assert keys[0, 2] != keys[1, 2]
    # The same rows in a different band give a different key (bands never mix).
    signatures[2, 0:4] = signatures[0, 4:8]
    assert lsh.band_keys(signatures, bands=3, rows=4)[2, 0] != keys[0, 1]


def binomial_tail(count: int, p: float, at_least: int) -> float:
    return sum(
        math.comb(count, k) * p**k * (1 - p) ** (count - k) for k in range(at_least, count + 1)
    )


@given(
    st.floats(0.05, 1.0),
    st.integers(1, 128),
    st.integers(1, 16),
)
@example(threshold=0.99999, bands=84, rows=12)  # near p = 1, where sums from below cancel
def test_shared_bands_is_the_most_that_keeps_recall_at_the_threshold(
    threshold: float, bands: int, rows: int
) -> None:
    shared = lsh.shared_bands(threshold=threshold, bands=bands, rows=rows)
    p = threshold**rows
    assert 1 <= shared <= bands
    if shared > 1:
        assert binomial_tail(bands, p, shared) >= lsh.DEFAULT_RECALL - 1e-9
    if shared < bands and binomial_tail(bands, p, 1) >= lsh.DEFAULT_RECALL:
        assert binomial_tail(bands, p, shared + 1) < lsh.DEFAULT_RECALL + 1e-9


def test_shared_bands_at_the_documented_settings() -> None:
    assert lsh.shared_bands(threshold=0.4, bands=64, rows=2) == 4  # the defaults
    assert lsh.shared_bands(threshold=0.8, bands=21, rows=6) == 1  # 5-grams at 0.8
    assert lsh.shared_bands(threshold=1.0, bands=1, rows=128) == 1  # one band only
    assert lsh.shared_bands(threshold=1e-3, bands=4096, rows=128) == 1  # p underflows to 0
