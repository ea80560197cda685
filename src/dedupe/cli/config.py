"""Configuration from ``[tool.dedupe]`` in ``pyproject.toml``.

The file is found by walking up from the working directory; the first ``pyproject.toml``
met is the project's, with or without a ``[tool.dedupe]`` table, and its folder is the
project root (where the cache and the baseline live by default). Paths in the table are
relative to that folder. Keys use the command line's spelling (``num-perm``,
``min-length``...); an unknown key, a value of the wrong type or out of range is a
``ConfigError`` naming the file and the key.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedupe.cli.report import FORMATS
from dedupe.corpus import ENCODING_ERRORS
from dedupe.errors import ConfigError, SettingsError
from dedupe.records import UNITS
from dedupe.settings import SHINGLES, Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

CONFIG_FILE_NAME = "pyproject.toml"


@dataclass(frozen=True, slots=True)
class Config:
    """The values set in ``[tool.dedupe]``; ``None`` or empty where a key is absent."""

    root: Path
    source: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        """The value of ``key`` (command-line spelling), or ``None`` when not set."""
        return self.values.get(key)


def find_config(start: Path, *, stop: Path | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` in ``start`` or its parents, up to ``stop`` included."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE_NAME
        if candidate.is_file():
            return candidate
        if folder == stop:
            break
    return None


def load_config(start: Path, *, stop: Path | None = None) -> Config:
    """The configuration that applies in ``start``; ``stop`` is the git root, if any.

    With no ``pyproject.toml`` the project root is ``stop`` (else ``start``) and every
    value is the default.
    """
    source = find_config(start, stop=stop)
    if source is None:
        return Config(root=stop or start)
    where = _display(source, start)
    try:
        document = tomllib.loads(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{where}: cannot read file: {error.strerror}") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{where}: not valid TOML: {error}") from error
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{where}: tool must be a table ([tool.NAME] sections), got {tool!r}")
    table = tool.get("dedupe", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.dedupe] must be a table")
    values = {key: _validated(key, value, where=where) for key, value in table.items()}
    for key in _PATH_KEYS & values.keys():
        values[key] = _relative(source.parent / values[key], start)
    if "paths" in values:
        values["paths"] = [_relative(source.parent / path, start) for path in values["paths"]]
    return Config(root=source.parent, source=source, values=values)


def _validated(key: str, value: object, *, where: str) -> Any:
    check = _CHECKS.get(key)
    if check is None:
        known = ", ".join(sorted(_CHECKS))
        raise ConfigError(f"{where}: [tool.dedupe] unknown key {key!r}; known keys: {known}")
    problem = check(value)
    if problem:
        raise ConfigError(f"{where}: [tool.dedupe] {key} {problem}")
    return value


def _string_list(value: object) -> str | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return None
    return f"must be a list of strings, got {value!r}"


def _string(value: object) -> str | None:
    return (
        None if isinstance(value, str) and value else f"must be a non-empty string, got {value!r}"
    )


def _boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, got {value!r}"


def _setting(name: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        try:
            options: dict[str, Any] = {name: value}
            Settings(**options)
        except ValueError as error:
            return "must" + str(error).split(" must", 1)[1]
        return None

    return check


def _choice(choices: tuple[str, ...]) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if isinstance(value, str) and value in choices:
            return None
        return f"must be one of {', '.join(choices)}, got {value!r}"

    return check


def _min_length(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return None
    return f"must be an integer >= 0, got {value!r}"


_SIZE_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}


def parse_size(value: object) -> int:
    """A size in bytes from an int or a string like ``64M`` (units K, M, G: powers of 1024)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value[:-1].isdigit() and value[-1:].upper() in _SIZE_UNITS:
        number = int(value[:-1]) * _SIZE_UNITS[value[-1].upper()]
    elif isinstance(value, str) and value.isdigit():
        number = int(value)
    else:
        raise SettingsError(f"a size must be bytes or a number with K, M or G, got {value!r}")
    if number < 1:
        raise SettingsError(f"a size must be at least 1 byte, got {value!r}")
    return number


def _size(value: object) -> str | None:
    try:
        parse_size(value)
    except SettingsError as error:
        return "must be" + str(error).split(" must be", 1)[1]
    return None


def _format(value: object) -> str | None:
    if isinstance(value, str) and value in FORMATS:
        return None
    return f"must be one of {', '.join(sorted(FORMATS))}, got {value!r}"


_CHECKS: dict[str, Callable[[object], str | None]] = {
    "paths": _string_list,
    "include": _string_list,
    "exclude": _string_list,
    "threshold": _setting("threshold"),
    "ngram": _setting("ngram"),
    "num-perm": _setting("num_perm"),
    "seed": _setting("seed"),
    "shingle": _choice(SHINGLES),
    "text-field": _string,
    "text-column": _string,
    "unit": _choice(UNITS),
    "skip-invalid": _boolean,
    "encoding": _string,
    "min-length": _min_length,
    "min-words": _min_length,
    "encoding-errors": _choice(ENCODING_ERRORS),
    "all-blocks": _boolean,
    "max-file-size": _size,
    "format": _format,
    "baseline": _string,
    "cache": _boolean,
    "cache-dir": _string,
}
_PATH_KEYS = frozenset({"baseline", "cache-dir"})


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def _display(path: Path, start: Path) -> str:
    return _relative(path, start) if path.is_absolute() else path.as_posix()
