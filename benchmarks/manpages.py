"""What dedupe reports on large real corpora nobody here wrote: man pages and licence texts.

    python -m benchmarks.manpages [--licences] [--exclude GLOB] [--jobs 2] [--json FILE] [--no-hubs]

Corpora, built into ``.benchmarks/`` and reused by later runs:

- **man pages** (``.benchmarks/manpages/``): every English page of
  ``/usr/share/man/man1`` .. ``man8`` (not the locale folders), rendered to text with
  ``MANWIDTH=80 man -l PAGE | col -b`` (``LC_ALL=C.UTF-8``) on a pool of processes, in
  sorted order. Symbolic links are aliases of another page and are not rendered; pages
  that fail to render (or render to nothing) are skipped and counted. Rendering the
  whole tree takes minutes; a rerun only renders pages it has not rendered yet.
- **licences** (``--licences``, ``.benchmarks/licences/``): ``/usr/share/doc/*/copyright``
  and the ``LICENSE*`` / ``COPYING*`` files of the Python installation's site-packages,
  copied as they are; MIT, BSD and Apache variants make many real near-misses.

``--exclude GLOB`` also reports each corpus without the files whose name matches: a
tree with the generated ``gcloud`` reference (``--exclude 'gcloud*'``) is mostly it.

On each corpus it runs ``dedupe.find_duplicates_in_files`` (defaults unless
``--threshold`` / ``--ngram``) and reports paragraphs, clusters, members besides the
first, the largest cluster, how many reported similarities are below the threshold and
how many print as ``0.00``, the time, and an independent check: each member's exact
Jaccard to its cluster's first member, recomputed from ``dedupe.shingle.shingle_many``
with Python sets. It then measures the LSH buckets at these settings over distinct
texts (``hub_buckets``): the largest buckets, and what comparing all pairs in each
bucket would cost against comparing each member with one centre.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import dedupe
from benchmarks.exactsets import jaccard, shingle_sets

MAN_ROOT = Path("/usr/share/man")
SECTIONS = tuple(f"man{number}" for number in range(1, 9))
DOC_ROOT = Path("/usr/share/doc")
LICENCE_PATTERNS = ("LICENSE*", "COPYING*")
CACHE = Path(".benchmarks")
RENDER_TIMEOUT = 120
"""Seconds one page may take to render; a page that takes longer counts as failed."""
UNWRAPPED_LINE_LENGTH = 100
"""As ``dedupe.corpus`` documents: a block with a longer line is one paragraph a line."""
TOP_BUCKETS = 10
_COMPRESSED = (".gz", ".bz2", ".xz", ".lzma", ".zst", ".Z")
_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BuiltCorpus:
    """A corpus folder ready to scan, and what was left out while building it."""

    name: str
    folder: Path
    files: int
    skipped: dict[str, int]  # reason -> count of source files left out


# --- building the corpora ---------------------------------------------------------------


def man_pages(root: Path = MAN_ROOT) -> list[Path]:
    """The regular files of ``root/man1`` .. ``man8`` in sorted order (links are aliases)."""
    pages: list[Path] = []
    for section in SECTIONS:
        folder = root / section
        if folder.is_dir():
            pages.extend(
                path
                for path in sorted(folder.iterdir())
                if path.is_file() and not path.is_symlink()
            )
    return pages


def man_links(root: Path = MAN_ROOT) -> int:
    """Symbolic links in ``root/man1`` .. ``man8``: aliases, not rendered."""
    return sum(
        path.is_symlink()
        for section in SECTIONS
        if (root / section).is_dir()
        for path in (root / section).iterdir()
    )


def rendered_name(page: Path) -> str:
    """``man1/ls.1.txt`` for ``.../man1/ls.1.gz``."""
    name = page.name
    for suffix in _COMPRESSED:
        name = name.removesuffix(suffix)
    return f"{page.parent.name}/{name}.txt"


def render_page(page: Path) -> str | None:
    """``MANWIDTH=80 man -l PAGE | col -b`` in a fixed locale; ``None`` when it fails.

    Failing means a non-zero exit of either command, a timeout, output that is not UTF-8,
    or nothing but whitespace.
    """
    env = {**os.environ, "MANWIDTH": "80", "LC_ALL": "C.UTF-8"}
    for name in ("MANOPT", "MAN_KEEP_FORMATTING", "MANROFFOPT"):
        env.pop(name, None)
    man = subprocess.Popen(
        ["man", "-l", str(page)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    col = subprocess.Popen(
        ["col", "-b"], stdin=man.stdout, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert man.stdout is not None
    man.stdout.close()  # col holds the pipe now; man gets SIGPIPE if col exits early
    try:
        output, _ = col.communicate(timeout=RENDER_TIMEOUT)
        man_status = man.wait(timeout=RENDER_TIMEOUT)
    except subprocess.TimeoutExpired:
        man.kill()
        col.kill()
        man.wait()
        col.wait()
        return None
    if man_status != 0 or col.returncode != 0:
        return None
    try:
        text = output.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if text.strip() else None


def _render_to(job: tuple[Path, Path]) -> bool:
    """Render one page into ``target`` (written atomically); whether it rendered."""
    page, target = job
    text = render_page(page)
    if text is None:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    return True


def build_manpages(*, root: Path = MAN_ROOT, cache: Path = CACHE, jobs: int) -> BuiltCorpus:
    """Render every man page not rendered yet into ``cache/manpages/text``.

    The manifest records which pages failed, so a rerun neither renders nor retries them
    unless the set of pages changed; rendered files of pages that are gone are removed.
    """
    base = cache / "manpages"
    folder = base / "text"
    pages = man_pages(root)
    names = [rendered_name(page) for page in pages]
    manifest_path = base / _MANIFEST
    failed: set[str] = set()
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("pages") == names:
            failed = set(manifest["failed"])
    wanted = set(names)
    if folder.is_dir():
        for old in folder.rglob("*"):
            if old.is_file() and old.relative_to(folder).as_posix() not in wanted:
                old.unlink()
    todo = [
        (page, folder / name)
        for page, name in zip(pages, names, strict=True)
        if name not in failed and not (folder / name).exists()
    ]
    if todo:
        print(
            f"rendering {len(todo)} of {len(pages)} man pages on {jobs} processes", file=sys.stderr
        )
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for done, ((_, target), ok) in enumerate(
                zip(todo, pool.map(_render_to, todo, chunksize=8), strict=True), start=1
            ):
                if not ok:
                    failed.add(target.relative_to(folder).as_posix())
                if done % 1000 == 0:
                    seconds = time.perf_counter() - start
                    print(f"  {done} pages, {seconds:.0f} s", file=sys.stderr, flush=True)
    base.mkdir(parents=True, exist_ok=True)
    manifest = {"pages": names, "failed": sorted(failed)}
    manifest_path.write_text(json.dumps(manifest, indent=0), encoding="utf-8")
    skipped = {"failed to render": len(failed), "symbolic links (aliases)": man_links(root)}
    return BuiltCorpus("man pages", folder, len(pages) - len(failed), skipped)


def site_packages() -> list[Path]:
    """The site-packages folders of this interpreter and of the one its venv is based on."""
    roots: dict[Path, None] = {}
    base = {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}
    for paths in (sysconfig.get_paths(), sysconfig.get_paths(vars=base)):
        for key in ("purelib", "platlib"):
            path = Path(paths[key])
            if path.is_dir():
                roots.setdefault(path.resolve())
    return list(roots)


def licence_sources(
    *, doc_root: Path = DOC_ROOT, roots: Sequence[Path] | None = None
) -> Iterator[tuple[str, Path]]:
    """``(name in the corpus, file)`` of every licence file, in sorted order."""
    for path in sorted(doc_root.glob("*/copyright")):
        yield f"doc/{path.parent.name}/copyright", path
    for number, root in enumerate(site_packages() if roots is None else roots, start=1):
        found = {path for pattern in LICENCE_PATTERNS for path in root.rglob(pattern)}
        for path in sorted(found):
            relative = path.relative_to(root)
            if not any(part.startswith(".") for part in relative.parts):
                yield f"site-packages-{number}/{relative.as_posix()}", path


def build_licences(
    *, cache: Path = CACHE, doc_root: Path = DOC_ROOT, roots: Sequence[Path] | None = None
) -> BuiltCorpus:
    """Copy every licence file into ``cache/licences/text`` (rebuilt each run: it is fast).

    Files reached twice (through a linked folder) are copied once; files that are not
    UTF-8 or empty are skipped and counted, since the corpus reader would stop on them.
    """
    folder = cache / "licences" / "text"
    shutil.rmtree(folder, ignore_errors=True)
    seen: set[Path] = set()
    skipped = {"reached twice (links)": 0, "not UTF-8": 0, "empty or unreadable": 0}
    files = 0
    for name, path in licence_sources(doc_root=doc_root, roots=roots):
        real = path.resolve()
        if real in seen or not real.is_file():
            skipped["reached twice (links)" if real in seen else "empty or unreadable"] += 1
            continue
        seen.add(real)
        try:
            data = real.read_bytes()
            data.decode("utf-8")
        except OSError:
            skipped["empty or unreadable"] += 1
            continue
        except UnicodeDecodeError:
            skipped["not UTF-8"] += 1
            continue
        if not data.strip() or b"\0" in data:
            skipped["empty or unreadable"] += 1
            continue
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files += 1
    return BuiltCorpus("licences", folder, files, skipped)


# --- reading back what was scanned ------------------------------------------------------


def corpus_files(folder: Path, *, exclude: Sequence[str] = ()) -> list[Path]:
    """The files under ``folder`` the scanner would read, less those whose name matches
    an ``exclude`` glob, in the scanner's order (sorted by path as text)."""
    return sorted(
        (
            path
            for path in folder.rglob("*")
            if path.is_file()
            and not any(part.startswith(".") for part in path.relative_to(folder).parts)
            and not any(fnmatch.fnmatchcase(path.name, pattern) for pattern in exclude)
        ),
        key=lambda path: path.as_posix(),
    )


def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start_line, end_line)`` of each paragraph, by the rule ``dedupe.corpus`` documents.

    Blocks of non-blank lines; a block with a line longer than ``UNWRAPPED_LINE_LENGTH``
    is one paragraph per line. Lines are 1-based.
    """
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    start: int | None = None
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if start is None:
                start = number
            continue
        if start is not None:
            block = lines[start - 1 : number - 1]
            if len(block) > 1 and max(map(len, block)) > UNWRAPPED_LINE_LENGTH:
                yield from ((line_number, line_number) for line_number in range(start, number))
            else:
                yield start, number - 1
            start = None


class SpanTexts:
    """The text of a ``Span``, read back from its file (each file read once)."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def __call__(self, span: dedupe.Span) -> str:
        lines = self._lines.get(span.path)
        if lines is None:
            text = Path(span.path).read_text(encoding="utf-8")
            lines = self._lines[span.path] = [line.removesuffix("\r") for line in text.split("\n")]
        return "\n".join(lines[span.start_line - 1 : span.end_line])


def all_paragraphs(files: Iterable[Path]) -> list[str]:
    """Every paragraph of ``files``, in order."""
    texts: list[str] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        lines = [line.removesuffix("\r") for line in text.split("\n")]
        for start, end in paragraph_spans(text):
            texts.append("\n".join(lines[start - 1 : end]))
    return texts


# --- exact similarities, independently ----------------------------------------------------


def exact_to_first(
    clusters: Sequence[dedupe.Cluster[Any]], text_of: Any, *, ngram: int
) -> list[list[float]]:
    """Per cluster, each later member's exact Jaccard to the first member.

    ``text_of`` maps a member key to its text. Identical texts are shingled once.
    """
    texts = [[text_of(member.key) for member in cluster] for cluster in clusters]
    distinct = list(dict.fromkeys(text for group in texts for text in group))
    sets = dict(zip(distinct, shingle_sets(distinct, ngram=ngram), strict=True))
    return [[jaccard(sets[group[0]], sets[text]) for text in group[1:]] for group in texts]


# --- the report -----------------------------------------------------------------------


@dataclass
class Report:
    """What dedupe reported on one corpus, and the independent checks of it."""

    corpus: str
    files: int
    skipped: dict[str, int]
    paragraphs: int
    distinct: int  # distinct paragraph texts (as strings)
    clusters: int
    members: int  # members besides each cluster's first
    largest: int
    below_threshold: int  # reported similarities below the threshold
    printed_zero: int  # reported similarities that print as 0.00
    exact_below: int  # members whose recomputed exact Jaccard to the first is below it
    exact_mismatch: int  # members whose reported similarity differs from the recomputed one
    seconds: float  # the find_duplicates_in_files call
    settings: dict[str, float | int | str]
    hubs: dict[str, Any] | None = field(default=None)


def check_corpus(
    built: BuiltCorpus,
    settings: dedupe.Settings,
    *,
    hubs: bool,
    workers: int | None,
    exclude: Sequence[str] = (),
) -> Report:
    """Cluster one corpus with ``find_duplicates_in_files`` and check what it reports.

    Files whose name matches an ``exclude`` glob are left out (the scan is given the
    remaining files by name).
    """
    files = corpus_files(built.folder, exclude=exclude)
    start = time.perf_counter()
    clusters = dedupe.find_duplicates_in_files(
        files, workers=workers, threshold=settings.threshold, ngram=settings.ngram
    )
    seconds = time.perf_counter() - start
    reported = [member.similarity for cluster in clusters for member in cluster.members[1:]]
    exact = exact_to_first(clusters, SpanTexts(), ngram=settings.ngram)
    flat = [value for group in exact for value in group]
    paragraphs = all_paragraphs(files)
    distinct = list(dict.fromkeys(paragraphs))
    return Report(
        corpus=built.name + "".join(f" without {pattern}" for pattern in exclude),
        files=len(files),
        skipped=built.skipped,
        paragraphs=len(paragraphs),
        distinct=len(distinct),
        clusters=len(clusters),
        members=len(reported),
        largest=max((len(cluster) for cluster in clusters), default=0),
        below_threshold=sum(value < settings.threshold for value in reported),
        printed_zero=sum(f"{value:.2f}" == "0.00" for value in reported),
        exact_below=sum(value < settings.threshold for value in flat),
        exact_mismatch=sum(abs(a - b) > 1e-12 for a, b in zip(reported, flat, strict=True)),
        seconds=seconds,
        settings=settings.as_dict(),
        hubs=hub_buckets(distinct, settings) if hubs else None,
    )


# --- hub buckets ------------------------------------------------------------------------


def band_keys(
    texts: Sequence[str], settings: dedupe.Settings
) -> tuple[np.ndarray, np.ndarray] | None:
    """Each text's LSH band keys from the library's own stages, and which texts have them.

    Returns ``(keys, positions)``: ``keys[i]`` (one per band) belongs to
    ``texts[positions[i]]``; texts with no token are left out, as the engine never
    matches them. ``None`` when ``dedupe.fingerprint.fingerprint_batch`` is not importable.
    """
    try:
        from dedupe.fingerprint import fingerprint_batch
    except ImportError:
        return None
    parts, positions = [], []
    for low in range(0, len(texts), 4_000):
        stages = fingerprint_batch(texts[low : low + 4_000], settings)
        kept = np.flatnonzero(stages.token_counts > 0)
        parts.append(stages.band_keys[kept])
        positions.append(kept + low)
    if not parts:
        bands, _ = settings.band_shape
        return np.empty((0, bands), dtype=np.uint64), np.empty(0, dtype=np.int64)
    return np.concatenate(parts), np.concatenate(positions)


def hub_buckets(
    texts: Sequence[str], settings: dedupe.Settings, *, top: int = TOP_BUCKETS
) -> dict[str, Any] | None:
    """The LSH buckets of distinct texts: the largest, and the cost of pairs within buckets.

    A bucket is a band and a key shared by ``k >= 2`` texts. ``all_pairs`` sums
    ``k * (k - 1) / 2`` over buckets, the verifications if every text of a bucket were
    compared with every other (a pair in several bands counts in each); ``star_pairs``
    sums ``k - 1``, one comparison per member against the bucket's first text;
    ``all_pairs_over_100`` is the part of ``all_pairs`` in buckets of over 100 texts.
    Texts with the same band keys in every band (the same shingle set) count once. For
    the largest buckets it also gives the share of members whose exact Jaccard to the
    bucket's first text reaches the threshold, and how the first text begins. ``None``
    (with a message) when the library's stage functions are not importable.
    """
    found = band_keys(texts, settings)
    if found is None:
        print(
            "hub buckets: dedupe.fingerprint.fingerprint_batch is not importable, skipped",
            file=sys.stderr,
        )
        return None
    keys, positions = found
    keys, first_rows = np.unique(keys, axis=0, return_index=True)
    order = np.argsort(first_rows)
    keys, first_rows = keys[order], positions[first_rows[order]]
    sizes: list[np.ndarray] = []
    biggest: list[tuple[int, int, np.ndarray]] = []  # (size, band, rows)
    for band in range(keys.shape[1]):
        column = keys[:, band]
        by_key = np.argsort(column, kind="stable")
        ordered = column[by_key]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        counts = np.diff(np.r_[starts, len(ordered)])
        shared = counts >= 2
        sizes.append(counts[shared])
        for index in np.argsort(-counts, kind="stable")[:top]:
            if counts[index] >= 2:
                rows = by_key[starts[index] : starts[index] + counts[index]]
                biggest.append((int(counts[index]), band, np.sort(rows)))
    every = np.concatenate(sizes) if sizes else np.empty(0, dtype=np.int64)
    biggest.sort(key=lambda item: (-item[0], item[1]))
    largest = []
    for size, band, rows in biggest[:top]:
        members = [texts[int(first_rows[row])] for row in rows]
        sets = shingle_sets(members, ngram=settings.ngram)
        near = sum(jaccard(sets[0], other) >= settings.threshold for other in sets[1:])
        largest.append(
            {
                "size": size,
                "band": band,
                "near_first": near / (size - 1),
                "first_text": " ".join(members[0].split())[:70],
            }
        )
    return {
        "distinct_texts": len(keys),
        "buckets": len(every),
        "all_pairs": int((every * (every - 1) // 2).sum()),
        "star_pairs": int((every - 1).sum()),
        "buckets_over_100": int((every > 100).sum()),
        "buckets_over_1000": int((every > 1000).sum()),
        "all_pairs_over_100": int((every * (every - 1) // 2)[every > 100].sum()),
        "largest": largest,
    }


# --- output -----------------------------------------------------------------------------

COLUMNS = (
    ("corpus", "corpus"),
    ("files", "files"),
    ("paragraphs", "paragraphs"),
    ("distinct", "distinct"),
    ("clusters", "clusters"),
    ("members", "members"),
    ("largest", "largest"),
    ("below_threshold", "below t"),
    ("printed_zero", "0.00"),
    ("exact_below", "exact below t"),
    ("exact_mismatch", "sim. mismatch"),
    ("seconds", "s"),
)


def table(reports: Iterable[Report]) -> str:
    """A Markdown table, one row per corpus."""
    lines = [
        "| " + " | ".join(title for _, title in COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for report in reports:
        values = asdict(report)
        cells = [
            f"{values[name]:.1f}"
            if name == "seconds"
            else f"{values[name]:,}"
            if isinstance(values[name], int)
            else str(values[name])
            for name, _ in COLUMNS
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def hub_table(report: Report) -> str:
    """The hub-bucket numbers of one corpus as text."""
    hubs = report.hubs
    if hubs is None:
        return f"{report.corpus}: no hub-bucket numbers"
    lines = [
        f"{report.corpus}: {hubs['distinct_texts']:,} distinct texts, "
        f"{hubs['buckets']:,} shared buckets ({hubs['buckets_over_100']:,} over 100 texts, "
        f"{hubs['buckets_over_1000']:,} over 1000)",
        f"  all pairs in buckets sum k(k-1)/2 = {hubs['all_pairs']:,} "
        f"({hubs['all_pairs_over_100']:,} in buckets over 100); "
        f"star sum k-1 = {hubs['star_pairs']:,}",
        "  | size | band | share near the first | first text |",
        "  |---|---|---|---|",
    ]
    lines += [
        f"  | {hub['size']:,} | {hub['band']} | {hub['near_first']:.3f} | {hub['first_text']} |"
        for hub in hubs["largest"]
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the corpora, cluster and check them, print the tables (and write JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--licences", action="store_true", help="also the licence corpus")
    parser.add_argument("--no-manpages", action="store_true", help="skip the man pages")
    parser.add_argument("--no-hubs", action="store_true", help="skip the hub-bucket numbers")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="render processes")
    parser.add_argument("--workers", type=int, help="dedupe's threads (default: every core)")
    parser.add_argument("--man-root", type=Path, default=MAN_ROOT)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="also report each corpus without the files whose name matches (repeatable)",
    )
    parser.add_argument("--threshold", type=float, help="default: dedupe's")
    parser.add_argument("--ngram", type=int, help="default: dedupe's")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    options = {"threshold": args.threshold, "ngram": args.ngram}
    settings = dedupe.Settings(
        **{key: value for key, value in options.items() if value is not None}
    )
    built: list[BuiltCorpus] = []
    if not args.no_manpages:
        built.append(build_manpages(root=args.man_root, cache=args.cache, jobs=args.jobs))
    if args.licences:
        built.append(build_licences(cache=args.cache))
    reports = []
    for corpus in built:
        print(f"{corpus.name}: {corpus.files} files, skipped {corpus.skipped}", flush=True)
        reports.append(check_corpus(corpus, settings, hubs=not args.no_hubs, workers=args.workers))
        if len(corpus_files(corpus.folder, exclude=args.exclude)) < corpus.files:
            reports.append(
                check_corpus(
                    corpus,
                    settings,
                    hubs=not args.no_hubs,
                    workers=args.workers,
                    exclude=args.exclude,
                )
            )
    print(f"\nsettings {settings.as_dict()}")
    print(table(reports))
    for report in reports:
        print()
        print(hub_table(report))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump([asdict(report) for report in reports], handle, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
