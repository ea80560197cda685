"""The out-of-core chain gives find_clusters' results and cleans up after itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dedupe.chain import find_clusters
from dedupe.ondisk import TextFile, find_clusters_on_disk
from dedupe.parallel import map_in_threads
from dedupe.settings import Settings
from tests.test_deduplicate import paragraph


def corpus() -> list[str]:
    """Distinct paragraphs, exact copies up to case, near copies, and empty texts."""
    texts = []
    for number in range(900):
        base = paragraph(number % 600)
        if number % 11 == 0:
            words = base.split()
            words[number % 40] = "edited"
            base = " ".join(words)
        texts.append(base.upper() if number % 3 == 0 else base)
        if number % 50 == 0:
            texts.append("")
    return texts


@pytest.mark.parametrize("batch_size", [1, 97, 10_000])
def test_equals_find_clusters_and_cleans_up(tmp_path: Path, batch_size: int) -> None:
    texts = corpus()
    settings = Settings()
    expected = find_clusters(texts, settings)
    found = find_clusters_on_disk(iter(texts), settings, batch_size=batch_size, workdir=tmp_path)
    assert len(expected.offsets) > 250
    np.testing.assert_array_equal(found.members, expected.members)
    np.testing.assert_array_equal(found.offsets, expected.offsets)
    np.testing.assert_array_equal(found.similarities, expected.similarities)
    assert list(tmp_path.iterdir()) == []


def test_no_texts_give_no_clusters(tmp_path: Path) -> None:
    found = find_clusters_on_disk(iter([]), Settings(), workdir=tmp_path)
    assert len(found.members) == 0
    assert found.offsets.tolist() in ([], [0])


def test_a_text_that_is_not_str_is_named(tmp_path: Path) -> None:
    texts: list[object] = ["a", "b", b"c"]
    with pytest.raises(TypeError, match=r"texts\[2\] must be str, got bytes"):
        find_clusters_on_disk(texts, Settings(), batch_size=2, workdir=tmp_path)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_text_file_gives_back_every_text(tmp_path: Path) -> None:
    texts = ["plain", "", "\u00e9t\u00e9 \u2014 caf\u00e9", "lone \ud800 surrogate", "\n\n"]
    text_file = TextFile(tmp_path / "texts")
    text_file.append(texts[:2])
    text_file.append(texts[2:])
    text_file.seal()
    assert list(text_file) == texts
    assert text_file[1:4] == texts[1:4]
    assert text_file[-1] == texts[-1]
    text_file.close()


def test_text_file_reads_ahead_in_any_order_and_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows of a few bytes: texts inside, across and before the window just read."""
    monkeypatch.setattr(TextFile, "READ_AHEAD", 11)
    texts = [f"text {number} " + "\u00e9" * (number % 7) for number in range(400)]
    text_file = TextFile(tmp_path / "texts")
    text_file.append(texts)
    text_file.seal()
    order = np.random.default_rng(2).permutation(len(texts)).tolist()
    expected = [texts[position] for position in order]
    assert [text_file[position] for position in order] == expected
    assert map_in_threads(
        lambda part: [text_file[position] for position in part],
        [order[:200], order[200:], sorted(order)],
        workers=3,
    ) == [expected[:200], expected[200:], texts]
    text_file.close()
