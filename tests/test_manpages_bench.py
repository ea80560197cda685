"""The real-corpus benchmark's helpers: paragraphs, rendering, licence files, hub buckets."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pytest
from benchmarks import exactsets, manpages

import dedupe

WRAPPED = "The first paragraph is\nwrapped over three\nshort lines of prose."
UNWRAPPED = (
    "A block of long unwrapped lines is split per line by the corpus reader, "
    "and this line is longer than a hundred characters.\n"
    "The second line of that block is its own paragraph, and it is long enough "
    "to stay over the limit too, surely."
)
FILE_TEXT = f"\n\n{WRAPPED}\n\n\n{UNWRAPPED}\n   \nlast one, alone\n"


def test_paragraph_spans_are_the_spans_the_library_reports(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):  # every paragraph twice: each one is in a cluster
        (tmp_path / name).write_text(FILE_TEXT, encoding="utf-8")
    clusters = dedupe.find_duplicates_in_files([tmp_path])
    reported = sorted(
        (span.start_line, span.end_line)
        for cluster in clusters
        for span in cluster.keys
        if span.path.endswith("a.txt")
    )
    assert (
        list(manpages.paragraph_spans(FILE_TEXT)) == reported == [(3, 5), (8, 8), (9, 9), (11, 11)]
    )
    assert len(manpages.all_paragraphs(manpages.corpus_files(tmp_path))) == 8
    assert manpages.corpus_files(tmp_path, exclude=["a*"]) == [tmp_path / "b.txt"]
    texts = manpages.SpanTexts()
    assert {texts(span) for cluster in clusters for span in cluster.keys} == {
        WRAPPED,
        *UNWRAPPED.split("\n"),
        "last one, alone",
    }


def test_rendered_names_keep_the_section() -> None:
    assert manpages.rendered_name(Path("/x/man1/ls.1.gz")) == "man1/ls.1.txt"
    assert manpages.rendered_name(Path("/x/man8/tool.8")) == "man8/tool.8.txt"


@pytest.mark.skipif(shutil.which("man") is None or shutil.which("col") is None, reason="no man")
def test_render_page_renders_roff_and_reports_failure(tmp_path: Path) -> None:
    page = tmp_path / "sample.1"
    page.write_text(".TH SAMPLE 1\n.SH NAME\nsample \\- a test page\n", encoding="utf-8")
    text = manpages.render_page(page)
    assert text is not None
    assert "NAME" in text
    assert "\b" not in text  # col -b removed the overstrikes
    assert manpages.render_page(tmp_path / "missing.1") is None


def test_build_manpages_renders_once_and_skips_links(tmp_path: Path) -> None:
    if shutil.which("man") is None or shutil.which("col") is None:
        pytest.skip("no man")
    root = tmp_path / "man"
    (root / "man1").mkdir(parents=True)
    (root / "man1" / "one.1").write_text(".TH ONE 1\n.SH NAME\none \\- page\n", encoding="utf-8")
    (root / "man1" / "alias.1").symlink_to("one.1")
    (root / "de" / "man1").mkdir(parents=True)  # a locale folder: not read
    (root / "de" / "man1" / "eins.1").write_text(".TH EINS 1\n", encoding="utf-8")
    built = manpages.build_manpages(root=root, cache=tmp_path / "cache", jobs=1)
    assert built.files == 1
    assert built.skipped == {"failed to render": 0, "symbolic links (aliases)": 1}
    rendered = [path.relative_to(built.folder).as_posix() for path in built.folder.rglob("*")]
    assert sorted(rendered) == ["man1", "man1/one.1.txt"]
    target = built.folder / "man1" / "one.1.txt"
    target.write_text("kept from the cache\n", encoding="utf-8")
    manpages.build_manpages(root=root, cache=tmp_path / "cache", jobs=1)
    assert target.read_text(encoding="utf-8") == "kept from the cache\n"


def test_build_licences_copies_each_file_once(tmp_path: Path) -> None:
    doc, site = tmp_path / "doc", tmp_path / "site"
    (doc / "pkg").mkdir(parents=True)
    (doc / "pkg" / "copyright").write_text("Copyright 2020 Someone.\n", encoding="utf-8")
    (doc / "pkg-alias").symlink_to("pkg")
    (doc / "latin").mkdir()
    (doc / "latin" / "copyright").write_bytes("Copyright \xa9 G\xf6del\n".encode("latin-1"))
    (site / "lib-1.0.dist-info" / "licenses").mkdir(parents=True)
    (site / "lib-1.0.dist-info" / "licenses" / "LICENSE.txt").write_text("MIT\n", "utf-8")
    (site / "lib" / ".hidden").mkdir(parents=True)
    (site / "lib" / ".hidden" / "COPYING").write_text("hidden\n", encoding="utf-8")
    (site / "lib" / "COPYING").write_text("GPL\n", encoding="utf-8")
    built = manpages.build_licences(cache=tmp_path / "cache", doc_root=doc, roots=[site])
    names = sorted(path.relative_to(built.folder).as_posix() for path in built.folder.rglob("*"))
    files = [name for name in names if (built.folder / name).is_file()]
    assert files == [
        "doc/pkg/copyright",
        "site-packages-1/lib-1.0.dist-info/licenses/LICENSE.txt",
        "site-packages-1/lib/COPYING",
    ]
    assert built.files == 3
    assert built.skipped == {"reached twice (links)": 1, "not UTF-8": 1, "empty or unreadable": 0}


def test_check_corpus_agrees_with_its_own_exact_check(tmp_path: Path) -> None:
    # The chain of issue 11: b is near a and c, a and c share nothing.
    (tmp_path / "a.txt").write_text("alpha beta gamma delta epsilon zeta\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu\n", encoding="utf-8"
    )
    (tmp_path / "c.txt").write_text("eta theta iota kappa lambda mu\n", encoding="utf-8")
    built = manpages.BuiltCorpus("chain", tmp_path, 3, {})
    report = manpages.check_corpus(built, dedupe.Settings(), hubs=True, workers=1)
    assert (report.paragraphs, report.distinct) == (3, 3)
    assert report.exact_below == report.below_threshold
    assert report.exact_mismatch == 0
    assert report.hubs is not None
    assert report.hubs["distinct_texts"] == 3
    assert "| chain |" in manpages.table([report])


def test_hub_buckets_count_pairs_in_every_shared_bucket() -> None:
    shared = "every one of these paragraphs ends with this same sentence"
    texts = [
        f"paragraph number {number} says {word} first. {shared}"
        for number, word in zip(range(30), itertools.cycle(["one", "two", "three"]), strict=False)
    ]
    texts += ["a paragraph that shares nothing with the others at all", ""]
    settings = dedupe.Settings()
    hubs = manpages.hub_buckets(texts, settings, top=3)
    assert hubs is not None
    found = manpages.band_keys(texts, settings)
    assert found is not None
    keys, positions = found
    assert positions.tolist() == list(range(31))  # the empty text has no keys
    sizes = [
        count
        for band in range(keys.shape[1])
        for count in np.unique(keys[:, band], return_counts=True)[1].tolist()
        if count >= 2
    ]
    assert hubs["distinct_texts"] == 31
    assert hubs["buckets"] == len(sizes)
    assert hubs["all_pairs"] == sum(k * (k - 1) // 2 for k in sizes)
    assert hubs["star_pairs"] == sum(k - 1 for k in sizes)
    assert hubs["all_pairs_over_100"] == sum(k * (k - 1) // 2 for k in sizes if k > 100)
    assert [hub["size"] for hub in hubs["largest"]] == sorted(sizes, reverse=True)[:3]
    assert all(0.0 <= hub["near_first"] <= 1.0 for hub in hubs["largest"])


def test_exact_sets_jaccard() -> None:
    left, right = exactsets.shingle_sets(["a b c d", "A b, c d e"], ngram=2)
    assert exactsets.jaccard(left, right) == pytest.approx(3 / 4)
    assert exactsets.jaccard(frozenset(), frozenset()) == 0.0
    assert exactsets.word_sets(["a a b"]) == [frozenset({"a", "b"})]
