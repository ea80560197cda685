"""The command line, run in-process with ``main([...])``: findings, options, exit codes."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from dedupe import __version__
from dedupe.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERRUPTED, main
from dedupe.cli import check as check_command
from dedupe.cli.check import RESOLVE_HINT

PROJECT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT / "seeds"
TRIPLE_LINES = (15, 81, 110)
"""The one seed cluster of three (the core issue): 81 and 110 identical, 15 a near copy."""

Run = tuple[int, str, str]


def paragraph(seed: int, words: int = 60) -> str:
    """A paragraph of made-up words that shares no 5-word shingle with another seed's."""
    rng = random.Random(seed)
    return " ".join(f"w{rng.randrange(10**6)}" for _ in range(words))


def near_copy(text: str, *, changed: int) -> str:
    """``text`` with its last ``changed`` words replaced (Jaccard (n-k-4)/(n-4+k))."""
    words = text.split()
    return " ".join(words[:-changed] + [f"x{index}" for index in range(changed)])


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> Run:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory outside any project or git repository."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def corpus(workdir: Path) -> Path:
    """``docs/a.txt`` and ``docs/b.txt`` with one near-duplicate pair (Jaccard 52/60)."""
    docs = workdir / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(f"{paragraph(1)}\n\n{paragraph(2)}\n")
    (docs / "b.txt").write_text(f"{paragraph(3)}\n\n\n{near_copy(paragraph(2), changed=4)}\n")
    return docs


def test_seeds_report_the_58_clusters_with_exact_lines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(PROJECT)
    seed = "seeds/002_6267b752b525a913.txt"
    by_text: dict[str, list[int]] = defaultdict(list)
    for number, line in enumerate((PROJECT / seed).read_text().split("\n"), start=1):
        if line.strip():
            by_text[line].append(number)
    identical = [tuple(lines) for lines in by_text.values() if len(lines) > 1]
    expected = {
        (TRIPLE_LINES[0], *lines) if TRIPLE_LINES[1] in lines else lines for lines in identical
    }
    code, out, _ = run(capsys, "check", "seeds/", "--cache-dir", str(tmp_path), "--min-words", "0")
    assert code == EXIT_FINDINGS
    found: dict[int, list[int]] = defaultdict(list)
    for line in out.splitlines():
        member, rest = line.split(": near-duplicate of ")
        first = rest.split(" (similarity ")[0]
        assert member.startswith(f"{seed}:")
        assert first.startswith(f"{seed}:")
        found[int(first.rsplit(":", 1)[1])].append(int(member.rsplit(":", 1)[1]))
    clusters = {(first, *members) for first, members in found.items()}
    assert len(identical) == 58
    assert clusters == expected


def test_exit_codes_are_the_documented_numbers() -> None:
    assert (EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED) == (0, 1, 2, 130)


def test_findings_exit_1_and_name_both_places(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    code, out, err = run(capsys, "check", "docs")
    assert code == EXIT_FINDINGS
    assert out == "docs/b.txt:4: near-duplicate of docs/a.txt:3 (similarity 0.87)\n"
    assert err == (
        "dedupe: 1 clusters, 1 near-duplicate paragraphs in 4 paragraphs of 2 files; "
        f"{RESOLVE_HINT}\n"
    )


def test_no_findings_exit_0_and_say_nothing(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    assert run(capsys, "check", "docs/a.txt") == (EXIT_CLEAN, "", "")


def test_interrupt_exits_130_with_one_line(
    capsys: pytest.CaptureFixture[str], corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(check_command, "scan_files", interrupted)
    assert run(capsys, "check", "docs") == (EXIT_INTERRUPTED, "", "dedupe: interrupted\n")


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert (code, out) == (EXIT_CLEAN, f"dedupe {__version__}\n")
    for arguments in (["--help"], ["check", "--help"], ["hook", "--help"], ["baseline", "-h"]):
        code, out, _ = run(capsys, *arguments)
        assert code == EXIT_CLEAN
        assert "examples:\n  dedupe check corpus/" in out


def test_python_m_dedupe_runs_the_same_command(corpus: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dedupe", "check", "--no-cache", "docs"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == EXIT_FINDINGS
    assert done.stdout == "docs/b.txt:4: near-duplicate of docs/a.txt:3 (similarity 0.87)\n"


def test_format_json(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    code, out, _ = run(
        capsys,
        "check",
        "--format",
        "json",
        "--num-perm",
        "64",
        "--seed",
        "7",
        "--ngram",
        "5",
        "docs",
    )
    document = json.loads(out)
    assert code == EXIT_FINDINGS
    assert document["settings"]["num_perm"] == 64
    assert document["settings"]["seed"] == 7
    members = document["clusters"][0]["members"]
    assert [(m["path"], m["start_line"]) for m in members] == [("docs/a.txt", 3), ("docs/b.txt", 4)]
    assert members[1]["similarity"] == pytest.approx(52 / 60)


def test_format_github(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    code, out, _ = run(capsys, "check", "--format", "github", "docs")
    assert code == EXIT_FINDINGS
    assert out.startswith("::warning file=docs/b.txt,line=4,endLine=4,title=dedupe::")
    assert "near-duplicate of docs/a.txt:3" in out


def test_threshold_and_ngram(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    assert run(capsys, "check", "--threshold", "0.9", "docs")[0] == EXIT_CLEAN
    # with 2-word shingles the pair shares (60-4-1)/(60-1+4) = 55/63 < 0.9 too, but
    # 3 changed words out of 60 at n=2 gives 55/61 > 0.9: the n-gram size is used.
    (corpus / "c.txt").write_text(near_copy(paragraph(1), changed=3) + "\n")
    code, out, _ = run(capsys, "check", "--threshold", "0.9", "--ngram", "2", "docs")
    assert code == EXIT_FINDINGS
    assert out == "docs/c.txt:1: near-duplicate of docs/a.txt:1 (similarity 0.90)\n"


def test_include_and_exclude(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    (corpus / "notes.md").write_text(paragraph(1) + "\n")
    code, out, _ = run(capsys, "check", "--include", "*.md", "--include", "a.txt", "docs")
    assert (code, out) == (
        EXIT_FINDINGS,
        "docs/notes.md:1: near-duplicate of docs/a.txt:1 (similarity 1.00)\n",
    )
    code, out, _ = run(capsys, "check", "--exclude", "notes.md", "--exclude", "docs/b.*", "docs")
    assert (code, out) == (EXIT_CLEAN, "")


def test_min_length_ignores_short_paragraphs(
    capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    (workdir / "a.txt").write_text("Thank you.\n\nThank you.\n")
    assert run(capsys, "check", "a.txt") == (EXIT_CLEAN, "", "")  # under --min-words 6
    assert run(capsys, "check", "--min-words", "0", "a.txt")[0] == EXIT_FINDINGS
    code = run(capsys, "check", "--min-words", "0", "--min-length", "11", "a.txt")
    assert code == (EXIT_CLEAN, "", "")
    assert run(capsys, "check", "--min-words", "0", "--min-length", "10", "a.txt")[0] == 1


def test_encoding_option_and_undecodable_file(
    capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    text = "Caf\u00e9 cr\u00e8me, a short note that is written twice in Latin-1."
    (workdir / "latin.txt").write_bytes(f"{text}\n\n{text}\n".encode("latin-1"))
    code, out, err = run(capsys, "check", "latin.txt")  # skipped, named, the rest checked
    assert (code, out) == (EXIT_CLEAN, "")
    assert err == (
        "dedupe: warning: skipped latin.txt: not valid utf-8 at byte 3; "
        "use --encoding, or --encoding-errors replace\n"
    )
    code, out, err = run(capsys, "check", "--encoding-errors", "strict", "latin.txt")
    assert (code, out) == (EXIT_ERROR, "")
    assert err == (
        "dedupe: error: latin.txt: not valid utf-8 at byte 3; give the right encoding "
        "(encoding=..., or --encoding on the command line)\n"
    )
    code, out, _ = run(capsys, "check", "--encoding-errors", "replace", "latin.txt")
    assert code == EXIT_FINDINGS
    assert out.startswith("latin.txt:3: near-duplicate of latin.txt:1 (similarity 1.00)")
    code, out, _ = run(capsys, "check", "--encoding", "latin-1", "latin.txt")
    assert code == EXIT_FINDINGS
    assert out.startswith("latin.txt:3: near-duplicate of latin.txt:1")
    code, _, err = run(capsys, "check", "--encoding", "no-such-codec", "latin.txt")
    assert code == EXIT_ERROR
    assert err == "dedupe: error: encoding must be a codec Python knows, got 'no-such-codec'\n"


def test_the_cache_keeps_units_apart_for_other_reading_options(
    capsys: pytest.CaptureFixture[str], workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One cache, runs with and without --all-blocks: each gets the blocks it asked for,
    also when the file is known by its stat and not read again."""
    monkeypatch.setattr("dedupe.cache.RACY_SECONDS", -1.0)  # trust the stat table at once
    heading = "# Installing the tool on a new machine"
    body = "Some words of prose that are here only once in this whole file."
    (workdir / "notes.md").write_text(f"{heading}\n\n{body}\n\n{heading}\n")
    finding = "notes.md:5: near-duplicate of notes.md:1 (similarity 1.00)\n"
    for arguments, expected in (
        (["check", "notes.md"], ""),  # headings are not prose
        (["check", "--all-blocks", "notes.md"], finding),
        (["check", "notes.md"], ""),
    ):
        code, out, _ = run(capsys, *arguments)
        assert (code, out) == (EXIT_FINDINGS if expected else EXIT_CLEAN, expected)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["check", "missing.txt"], "missing.txt: no such file or folder"),
        (["check", "--threshold", "1.5", "a.txt"], "threshold must be in (0.0, 1.0], got 1.5"),
        (["check", "--threshold", "high"], "argument --threshold: invalid float value: 'high'"),
        (["check", "--ngram", "0", "a.txt"], "ngram must be in [1, 64], got 0"),
        (["check", "--num-perm", "0", "a.txt"], "num_perm must be in [1, 4096], got 0"),
        (["check", "--min-length", "-1", "a.txt"], "--min-length must be >= 0, got -1"),
        (["check", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["check", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["check", "--encoding-errors", "ignore"], "argument --encoding-errors: invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], workdir: Path, arguments: list[str], message: str
) -> None:
    (workdir / "a.txt").write_text("Some text.\n")
    code, out, err = run(capsys, *arguments)
    assert (code, out) == (EXIT_ERROR, "")
    assert err.startswith(f"dedupe: error: {message}")
    assert err.count("\n") == 1


def test_unlistable_folder_and_unreadable_file(
    capsys: pytest.CaptureFixture[str], corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tests may run as root, who can read anything: the operating system's refusal
    # is simulated where the corpus asks for it.
    real_scandir = os.scandir

    def refuse_docs(path: str) -> object:
        if str(path) == "docs":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr("os.scandir", refuse_docs)
    code, out, err = run(capsys, "check", "docs")
    assert (code, out, err) == (
        EXIT_ERROR,
        "",
        "dedupe: error: docs: cannot list folder: Permission denied\n",
    )
    monkeypatch.setattr("os.scandir", real_scandir)

    real_open = os.open

    def refuse_b(path: str, flags: int, *arguments: int, **options: int) -> int:
        if os.fspath(path).endswith("b.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *arguments, **options)

    monkeypatch.setattr("os.open", refuse_b)
    code, out, err = run(capsys, "check", "docs")
    assert (code, out, err) == (
        EXIT_ERROR,
        "",
        "dedupe: error: docs/b.txt: cannot read file: Permission denied\n",
    )


def test_binary_files_are_skipped_and_listed_with_verbose(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    (corpus / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0" + paragraph(2).encode())
    code, out, err = run(capsys, "check", "--no-cache", "docs")
    assert code == EXIT_FINDINGS
    assert "image.png" not in out + err
    code, out, err = run(capsys, "check", "--no-cache", "--verbose", "docs")
    assert "dedupe: skipped binary file: docs/image.png\n" in err


def test_symlink_loops_are_not_followed(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    (corpus / "loop-a").symlink_to("loop-b")
    (corpus / "loop-b").symlink_to("loop-a")
    (corpus / "up").symlink_to("..", target_is_directory=True)
    code, out, err = run(capsys, "check", "-v", "docs")
    assert code == EXIT_FINDINGS
    assert out == "docs/b.txt:4: near-duplicate of docs/a.txt:3 (similarity 0.87)\n"
    assert "skipped symlink loop: docs/loop-a\n" in err
    assert "skipped symlink loop: docs/loop-b\n" in err
    code, _, err = run(capsys, "check", "docs/loop-a")
    assert (code, err) == (
        EXIT_ERROR,
        "dedupe: error: docs/loop-a: symlink loop; name a file or folder\n",
    )


def test_empty_and_blank_files_are_fine(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    (workdir / "empty.txt").write_text("")
    (workdir / "blank.txt").write_text("\n\n   \n\t\n")
    (workdir / "other.txt").write_text("\n\n")
    assert run(capsys, "check", "-v", ".")[:2] == (EXIT_CLEAN, "")


def test_nothing_in_the_corpus_is_modified(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in corpus.iterdir()}
    for arguments in (["check", "docs"], ["baseline", "docs"], ["check", "docs"]):
        run(capsys, *arguments)
    after = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in corpus.iterdir()}
    assert after == before


def test_cache_gives_the_same_result_and_skips_unchanged_files(
    capsys: pytest.CaptureFixture[str], corpus: Path, workdir: Path
) -> None:
    uncached = run(capsys, "check", "--no-cache", "docs")
    assert not (workdir / ".dedupe-cache").exists()
    cold = run(capsys, "check", "-v", "docs")
    assert "fingerprinted 2 of 2 files" in cold[2]
    (corpus / "a.txt").write_text(f"{paragraph(1)}\n\n{paragraph(2)}\n\n{paragraph(4)}\n")
    warm = run(capsys, "check", "-v", "docs")
    assert "fingerprinted 1 of 2 files" in warm[2]
    assert warm[:2] == cold[:2] == uncached[:2]
    assert (workdir / ".dedupe-cache" / ".gitignore").read_text().endswith("*\n")
    custom = workdir / "elsewhere"
    run(capsys, "check", "--cache-dir", str(custom), "docs")
    assert (custom / "fingerprints.sqlite3").is_file()


def test_baseline_accepts_known_findings_and_reports_stale_ones(
    capsys: pytest.CaptureFixture[str], corpus: Path, workdir: Path
) -> None:
    code, _, err = run(capsys, "baseline", "docs")
    assert (code, err) == (
        EXIT_CLEAN,
        "dedupe: wrote 1 accepted clusters to .dedupe-baseline.json\n",
    )
    assert run(capsys, "check", "docs") == (EXIT_CLEAN, "", "")
    assert run(capsys, "check", "--no-baseline", "docs")[0] == EXIT_FINDINGS
    # Lines move: the baseline is keyed by content, so the finding stays accepted.
    (corpus / "a.txt").write_text(f"Intro.\n\n\n{paragraph(2)}\n\n{paragraph(1)}\n")
    assert run(capsys, "check", "docs") == (EXIT_CLEAN, "", "")
    # A third copy is new.
    (corpus / "c.txt").write_text(paragraph(2) + "\n")
    code, out, _ = run(capsys, "check", "docs")
    assert code == EXIT_FINDINGS
    assert "docs/c.txt:1: near-duplicate of docs/a.txt:4 (similarity 1.00)" in out
    # The accepted pair gone: its entry is stale, and nothing fails.
    (corpus / "c.txt").unlink()
    (corpus / "b.txt").write_text(paragraph(3) + "\n")
    code, out, err = run(capsys, "check", "docs")
    assert (code, out) == (EXIT_CLEAN, "")
    assert err.startswith("dedupe: .dedupe-baseline.json: stale entry (matches nothing): 'w")
    assert err.endswith("; `dedupe baseline` drops it\n")
    custom = workdir / "accepted.json"
    assert run(capsys, "baseline", "--baseline", str(custom), "docs")[0] == EXIT_CLEAN
    assert json.loads(custom.read_text())["entries"] == []


def test_ill_formed_baseline_is_an_error(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    Path(".dedupe-baseline.json").write_text("{not json")
    code, out, err = run(capsys, "check", "docs")
    assert (code, out) == (EXIT_ERROR, "")
    assert err.startswith("dedupe: error: .dedupe-baseline.json: not a dedupe baseline (")
    assert err.count("\n") == 1


def test_hook_reports_only_findings_involving_the_given_files(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    (corpus / "c.txt").write_text(paragraph(3) + "\n")  # a copy of b.txt:1
    Path("pyproject.toml").write_text('[tool.dedupe]\npaths = ["docs"]\n')
    code, out, _ = run(capsys, "hook", "docs/c.txt")
    assert (code, out) == (
        EXIT_FINDINGS,
        "docs/c.txt:1: near-duplicate of docs/b.txt:1 (similarity 1.00)\n",
    )
    code, out, _ = run(capsys, "hook", "./docs/a.txt")  # the changed file is the finding
    assert (code, out) == (
        EXIT_FINDINGS,
        "docs/a.txt:3: near-duplicate of docs/b.txt:4 (similarity 0.87)\n",
    )
    assert run(capsys, "hook", "README.md") == (EXIT_CLEAN, "", "")
    assert run(capsys, "hook") == (EXIT_CLEAN, "", "")


def test_without_paths_the_corpus_is_what_git_tracks_and_does_not_ignore(
    capsys: pytest.CaptureFixture[str], corpus: Path, workdir: Path
) -> None:
    (workdir / "untracked.txt").write_text(paragraph(1) + "\n")
    code, _, err = run(capsys, "check")
    assert (code, err) == (
        EXIT_ERROR,
        "dedupe: error: not inside a git repository; name the files or folders to check, "
        "or set paths in [tool.dedupe]\n",
    )
    subprocess.run(["git", "init", "--quiet"], check=True)
    subprocess.run(["git", "add", "docs"], check=True)
    (workdir / "sub").mkdir()
    (workdir / "sub" / "tracked.txt").write_text(paragraph(3) + "\n")
    subprocess.run(["git", "add", "sub"], check=True)
    code, out, _ = run(capsys, "check", "--no-cache")
    assert code == EXIT_FINDINGS
    assert out == (
        "untracked.txt:1: near-duplicate of docs/a.txt:1 (similarity 1.00)\n"
        "docs/b.txt:4: near-duplicate of docs/a.txt:3 (similarity 0.87)\n"
        "sub/tracked.txt:1: near-duplicate of docs/b.txt:1 (similarity 1.00)\n"
    )
    Path(".gitignore").write_text("untracked.txt\n")
    code, out, _ = run(capsys, "check", "--no-cache")
    assert "untracked.txt" not in out


def test_version_does_not_import_numpy() -> None:
    probe = (
        "import sys\n"
        "from dedupe.cli import main\n"
        "code = main(['--version'])\n"
        "print(code, 'numpy' in sys.modules, 'dedupe.api' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [f"dedupe {__version__}", "0 False False"]


def test_sarif_has_the_object_model_of_sarif_2_1_0(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    import sarif_pydantic

    code, out, _ = run(capsys, "check", "--format", "sarif", "docs")
    assert code == EXIT_FINDINGS
    document = json.loads(out)
    log = sarif_pydantic.Sarif.model_validate(document)
    assert log.version == "2.1.0"
    result = log.runs[0].results[0]
    assert result.rule_id == "near-duplicate"
    where = result.locations[0].physical_location
    assert (where.artifact_location.uri, where.region.start_line) == ("docs/b.txt", 4)


def test_output_file_exit_zero_quiet_statistics_and_dedupe_path(
    capsys: pytest.CaptureFixture[str], corpus: Path, workdir: Path
) -> None:
    target = workdir / "report.txt"
    assert run(capsys, "docs", "--output-file", str(target), "--exit-zero", "-q") == (
        EXIT_CLEAN,
        "",
        "",
    )
    assert target.read_text() == "docs/b.txt:4: near-duplicate of docs/a.txt:3 (similarity 0.87)\n"
    code, out, _ = run(capsys, "docs", "--statistics")
    assert (code, out) == (
        EXIT_FINDINGS,
        "     1  docs/b.txt\n     1  near-duplicate paragraphs in 1 files\n",
    )
    code, out, _ = run(capsys, "docs", "--diff")
    assert code == EXIT_FINDINGS
    assert out.splitlines()[1].startswith("    ")
    assert "{+" in out or "[-" in out


def test_a_run_that_selects_no_file_says_so(
    capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    (workdir / "docs").mkdir()
    code, out, err = run(capsys, "check", "docs")
    assert (code, out) == (EXIT_CLEAN, "")
    assert err.startswith("dedupe: warning: no files to check;")


def test_every_undecodable_file_is_named_and_the_rest_checked(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    for name in ("x.txt", "y.txt"):
        (corpus / name).write_bytes(b"caf\xe9 " * 20)
    code, out, err = run(capsys, "check", "docs")
    assert code == EXIT_FINDINGS
    assert out == "docs/b.txt:4: near-duplicate of docs/a.txt:3 (similarity 0.87)\n"
    assert "skipped docs/x.txt: not valid utf-8 at byte 3" in err
    assert "skipped docs/y.txt: not valid utf-8 at byte 3" in err
