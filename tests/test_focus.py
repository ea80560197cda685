"""The clusters of a few texts equal the whole chain's clusters cut to those texts."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedupe.chain import cluster_fingerprints
from dedupe.cluster import PositionClusters
from dedupe.fingerprint import fingerprint
from dedupe.focus import focus_clusters
from dedupe.settings import Settings

WORDS = [f"w{number}" for number in range(12)]


def cut(found: PositionClusters, focus: set[int]) -> list[tuple[tuple[int, float], ...]]:
    """The clusters as the hook reports them: the representative and the focus members."""
    result = []
    for low, high in zip(found.offsets[:-1].tolist(), found.offsets[1:].tolist(), strict=True):
        pairs = zip(
            found.members[low:high].tolist(), found.similarities[low:high].tolist(), strict=True
        )
        members = list(pairs)
        kept = [member for member in members[1:] if member[0] in focus]
        if kept:
            result.append((members[0], *kept))
    return result


texts_strategy = st.lists(
    st.lists(st.sampled_from(WORDS), min_size=0, max_size=9).map(" ".join),
    min_size=1,
    max_size=40,
)


@given(texts=texts_strategy, data=st.data())
def test_focus_clusters_equal_the_chain_cut_to_the_focus(
    texts: list[str], data: st.DataObject
) -> None:
    settings = Settings(threshold=0.5, num_perm=32)
    chosen = data.draw(st.sets(st.integers(0, len(texts) - 1), max_size=len(texts)))
    found = fingerprint(texts, settings)
    whole = cluster_fingerprints(texts, found, settings)
    focus = np.array(sorted(chosen), dtype=np.int64)
    part = focus_clusters(texts, found, settings, focus=focus)
    assert cut(part, chosen) == cut(whole, chosen)


def test_a_copy_of_an_earlier_member_joins_the_earlier_representative() -> None:
    texts = [
        "alpha beta gamma delta epsilon zeta eta theta",
        "alpha beta gamma delta epsilon zeta eta iota",
        "unrelated words only here and there for sure",
        "alpha beta gamma delta epsilon zeta eta iota",
    ]
    settings = Settings()
    found = fingerprint(texts, settings)
    part = focus_clusters(texts, found, settings, focus=np.array([3], dtype=np.int64))
    assert part.members.tolist() == [0, 3]
    whole = cluster_fingerprints(texts, found, settings)
    assert cut(part, {3}) == cut(whole, {3})
