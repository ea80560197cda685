"""The real ``pre-commit`` runs this repository's hook in a throw-away git repository.

The hook repository is a fresh git repository holding a copy of this project's sources
(pre-commit installs a hook repository from a commit, and the working tree may hold
changes not yet committed). pre-commit then builds the hook's environment by installing
the package from that commit, as it would for any user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

SHARED = (
    "The harbour authority said on Monday that the new container terminal will open in "
    "the spring, doubling the port's capacity. The project, delayed twice by storms and a "
    "dispute over dredging permits, is expected to bring three hundred jobs to the town and "
    "to take a thousand lorries a week off the coast road"
)
ORIGINAL = SHARED + ", officials said."
NEAR_COPY = SHARED + ", the mayor added."
UNRELATED = "Volunteers planted forty oak saplings along the river path on a cold Saturday."


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600
    )


def _git(arguments: list[str], cwd: Path, env: dict[str, str]) -> None:
    done = _run(["git", *arguments], cwd, env)
    assert done.returncode == 0, done.stdout + done.stderr


def _hook_repository(root: Path, env: dict[str, str]) -> str:
    """A git repository with this project's package sources; returns its commit."""
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(PROJECT / name, root / name)
    shutil.copytree(
        PROJECT / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    _git(["init", "--quiet"], root, env)
    _git(["add", "--all"], root, env)
    _git(["commit", "--quiet", "--message", "hook sources"], root, env)
    head = _run(["git", "rev-parse", "HEAD"], root, env)
    return head.stdout.strip()


def _commit(project: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    _git(["add", "--all"], project, env)
    return _run(["git", "commit", "--message", message], project, env)


def test_hook_blocks_a_new_near_duplicate_until_removed_or_accepted(tmp_path: Path) -> None:
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Test\n\temail = test@example.com\n")
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(gitconfig),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    revision = _hook_repository(hooks, env)

    project = tmp_path / "project"
    project.mkdir()
    _git(["init", "--quiet"], project, env)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks.as_posix()}\n  rev: {revision}\n  hooks:\n  - id: dedupe\n"
    )
    (project / "old.txt").write_text(f"Title\n\n{UNRELATED}\n\n{ORIGINAL}\n")
    installed = _run([sys.executable, "-m", "pre_commit", "install"], project, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    first = _commit(project, env, "an unchanged file with the original")
    assert first.returncode == 0, first.stdout + first.stderr

    (project / "new.txt").write_text(f"News\n\n{NEAR_COPY}\n")
    blocked = _commit(project, env, "a near copy")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "new.txt:3: near-duplicate of old.txt:5 (similarity" in output  # new -> old
    assert "old.txt:5: near-duplicate" not in output
    github = _run(
        [sys.executable, "-m", "dedupe", "hook", "--format", "github", "new.txt"], project, env
    )
    assert github.returncode == 1, github.stderr
    assert github.stdout.startswith("::warning file=new.txt,line=3,endLine=3,"), github.stdout
    sarif = _run(
        [sys.executable, "-m", "dedupe", "hook", "--format", "sarif", "new.txt"], project, env
    )
    result = json.loads(sarif.stdout)["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "new.txt"
    assert location["region"]["startLine"] == 3
    related = result["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "old.txt"

    (project / "new.txt").write_text("News\n\nThe terminal opening was postponed to autumn.\n")
    removed = _commit(project, env, "the near copy removed")
    assert removed.returncode == 0, removed.stdout + removed.stderr

    (project / "again.txt").write_text(f"{NEAR_COPY}\n")
    again = _commit(project, env, "the near copy again")
    assert again.returncode != 0, again.stdout + again.stderr
    accepted = _run([sys.executable, "-m", "dedupe", "baseline"], project, env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert (project / ".dedupe-baseline.json").is_file()
    through = _commit(project, env, "the near copy, accepted in the baseline")
    assert through.returncode == 0, through.stdout + through.stderr
    log = _run(["git", "log", "--format=%s"], project, env)
    assert log.stdout.splitlines()[0] == "the near copy, accepted in the baseline"

    # A new exact copy of an accepted paragraph: only it is reported, no stale entry.
    (project / "third.txt").write_text(f"Again\n\n{NEAR_COPY}\n")
    grown = _commit(project, env, "an exact copy of an accepted paragraph")
    output = grown.stdout + grown.stderr
    assert grown.returncode != 0, output
    findings = [line for line in output.splitlines() if "near-duplicate of" in line]
    assert findings == ["third.txt:3: near-duplicate of again.txt:1 (similarity 1.00)"], output
    assert "stale" not in output
