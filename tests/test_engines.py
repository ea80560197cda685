"""Every engine gives the reference's clusters: no member below the threshold, ever.

The corpora plant what breaks connected components and bounds nothing: chains (A~B,
B~C, A and C apart), hubs (many texts sharing one sentence, more than a bucket head),
and exact copies under surface changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.cli import main
from dedupe.ondisk import find_clusters_on_disk
from dedupe.settings import Keep, Settings
from tests import reference

WORDS = [f"w{number}" for number in range(60)]
SHARED = "the same sentence is shared by every text of the hub here"

Found = list[list[tuple[int, float]]]
KEEPS: tuple[Keep, ...] = ("first", "longest")


@st.composite
def corpora(draw: st.DrawFn) -> list[str]:
    """Chains, hubs and copies among random texts, shuffled."""
    texts: list[str] = []
    for _ in range(draw(st.integers(0, 3))):  # chains of overlapping windows
        start, step = draw(st.integers(0, 20)), draw(st.integers(3, 6))
        texts.extend(" ".join(WORDS[start + k * step : start + k * step + 12]) for k in range(4))
    hub = draw(st.integers(0, 40))
    texts.extend(
        f"{SHARED} " + " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=6)))
        for _ in range(hub)
    )
    texts.extend(
        " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=10)))
        for _ in range(draw(st.integers(0, 6)))
    )
    for _ in range(draw(st.integers(0, 4))):  # copies under surface changes
        if texts:
            copy = draw(st.sampled_from(texts))
            texts.append(copy.upper() if draw(st.booleans()) else f"{copy}!")
    return draw(st.permutations(texts)) if texts else texts


OPTIONS = st.sampled_from(
    [
        {},
        {"keep": "longest"},
        {"threshold": 0.7, "ngram": 2},
        {"threshold": 0.3, "num_perm": 64, "ngram": 1},
        {"threshold": 0.5, "num_perm": 32, "bands": 32, "rows": 1, "keep": "longest"},
        {"shingle": "char", "ngram": 5},
        {"shingle": "char", "ngram": 3, "threshold": 0.6, "keep": "longest"},
    ]
)


def as_found(clusters: list[dedupe.Cluster[Any]]) -> Found:
    return [[(member.key, member.similarity) for member in cluster] for cluster in clusters]


def check_contract(found: Found, expected: Found, threshold: float) -> None:
    assert all(similarity >= threshold for cluster in found for _, similarity in cluster)
    assert found == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), OPTIONS)
def test_in_memory_engines_equal_the_reference(texts: list[str], options: dict[str, Any]) -> None:
    expected = reference.clusters(texts, Settings(**options))
    for workers in (1, 2):
        found = as_found(dedupe.find_duplicates(texts, workers=workers, **options))
        check_contract(found, expected, Settings(**options).threshold)
    for workers in (1, 2):
        on_disk = find_clusters_on_disk(texts, Settings(**options), batch_size=7, workers=workers)
        assert dedupe.cluster.attach_keys(range(len(texts)), on_disk) == dedupe.find_duplicates(
            texts, **options
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), OPTIONS, st.integers(1, 9))
def test_deduplicate_keeps_exactly_representatives_and_texts_in_no_cluster(
    texts: list[str], options: dict[str, Any], batch_size: int
) -> None:
    expected = reference.clusters(texts, Settings(**options))
    dropped = {position for cluster in expected for position, _ in cluster[1:]}
    kept = [text for position, text in enumerate(texts) if position not in dropped]
    assert list(dedupe.deduplicate(texts, batch_size=batch_size, **options)) == kept


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), OPTIONS, st.integers(1, 9))
def test_an_index_built_batch_by_batch_has_the_reference_clusters(
    texts: list[str], options: dict[str, Any], batch: int
) -> None:
    options = {name: value for name, value in options.items() if name != "keep"}
    settings_ = Settings(**options)
    index = dedupe.Index(**options)
    for low in range(0, len(texts), batch):
        index.add(texts[low : low + batch])
    check_contract(as_found(index.clusters()), reference.clusters(texts, settings_), 0.0)
    if texts:
        near = index.query(texts[0])
        assert all(similarity >= settings_.threshold for _, similarity in near)


@contextmanager
def corpus_folder(texts: list[str]) -> Iterator[Path]:
    """One file per text, named so that path order is input order."""
    with TemporaryDirectory() as folder:
        root = Path(folder)
        for position, text in enumerate(texts):
            (root / f"{position:03d}.txt").write_text(f"{text}\n", encoding="utf-8")
        yield root


def nonblank(texts: list[str]) -> list[str]:
    return [text for text in texts if text.strip()]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_files_and_the_command_line_cold_and_warm_equal_the_reference(texts: list[str]) -> None:
    texts = nonblank(texts)
    expected = reference.clusters(texts, Settings())
    with corpus_folder(texts) as root:
        spans = dedupe.find_duplicates_in_files([root])
        files = [
            [(int(Path(member.key.path).stem), member.similarity) for member in cluster]
            for cluster in spans
        ]
        check_contract(files, expected, Settings().threshold)
        cwd = os.getcwd()
        os.chdir(root)
        try:
            for _ in ("cold", "warm"):
                assert cli_clusters() == expected
        finally:
            os.chdir(cwd)


def cli_clusters() -> Found:
    import contextlib
    import io

    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", "--format", "json", "--no-progress", "--min-words", "0", "."])
    document = json.loads(output.getvalue())
    assert code == (1 if document["clusters"] else 0)
    return [
        [(int(Path(member["path"]).stem), member["similarity"]) for member in cluster["members"]]
        for cluster in document["clusters"]
    ]


def hub_corpus() -> list[str]:
    """More texts in one bucket than a bucket head, with near copies late in it."""
    texts = [f"{SHARED} {WORDS[k]} {WORDS[k + 1]}" for k in range(45)]
    texts += [f"{SHARED} {WORDS[k]} {WORDS[k + 1]} extra" for k in (2, 40, 44)]
    return texts


def test_a_hub_is_bounded_by_the_bucket_head_in_every_in_memory_engine() -> None:
    texts = hub_corpus()
    expected = reference.clusters(texts, Settings())
    assert expected, "the hub corpus must have clusters"
    assert as_found(dedupe.find_duplicates(texts)) == expected
    dropped = {position for cluster in expected for position, _ in cluster[1:]}
    kept = [text for position, text in enumerate(texts) if position not in dropped]
    assert list(dedupe.deduplicate(texts, batch_size=5)) == kept
    index = dedupe.Index()
    index.add(texts)
    assert as_found(index.clusters()) == expected


def test_a_chain_is_not_one_cluster() -> None:
    texts = [
        "alpha beta gamma delta epsilon zeta",
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu",
        "eta theta iota kappa lambda mu",
    ]
    assert as_found(dedupe.find_duplicates(texts)) == [[(0, 1.0), (1, 0.4)]]
    longest = [[(1, 1.0), (0, 0.4), (2, 0.4)]]  # the longest leads; both ends are near it
    assert as_found(dedupe.find_duplicates(texts, keep="longest")) == longest


DASK_OPTIONS: list[dict[str, Any]] = [
    {"keep": "first"},
    {"keep": "longest"},
    {"shingle": "char", "ngram": 5},
]


@pytest.mark.parametrize("partitions", [1, 3])
def test_the_dask_engine_equals_the_reference(partitions: int) -> None:
    from tests.dask_cluster import local_client

    corpora_ = [hub_corpus(), *(corpus for corpus in planted_corpora())]
    with local_client() as client:
        for texts in corpora_:
            for options in DASK_OPTIONS:
                found = dedupe.find_duplicates(
                    texts, engine="dask", client=client, partitions=partitions, **options
                )
                expected = reference.clusters(texts, Settings(**options))
                check_contract(as_found(found), expected, 0.4)


def planted_corpora() -> list[list[str]]:
    """A few fixed draws of ``corpora`` (the Dask cluster is too slow for many examples)."""
    chain = [" ".join(WORDS[4 * k : 4 * k + 12]) for k in range(5)]
    copies = [*chain, chain[1].upper(), f"{chain[3]}!", "", "w1 w2"]
    mixed = [*hub_corpus()[:10], *copies, *hub_corpus()[30:]]
    return [chain, copies, mixed[::-1]]


def test_the_command_line_reports_only_the_member_of_a_chain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("alpha beta gamma delta epsilon zeta\n")
    (tmp_path / "b.txt").write_text(
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu\n"
    )
    (tmp_path / "c.txt").write_text("eta theta iota kappa lambda mu\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--no-progress", "."]) == 1
    assert capsys.readouterr().out == "b.txt:1: near-duplicate of a.txt:1 (similarity 0.40)\n"
