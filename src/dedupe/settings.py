"""Detection settings: the one place where defaults live and parameters are validated."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal, TypedDict, get_args

from dedupe import lsh
from dedupe.errors import SettingsError

# Word 3-grams at 0.4: chosen by the quality benchmark (docs/tuning.md). They keep copies
# with up to 10% of words edited or a sentence added; word 5-grams at 0.8 miss most
# copies with two words changed in a hundred.
DEFAULT_THRESHOLD = 0.4
DEFAULT_NUM_PERM = 128
DEFAULT_NGRAM = 3
Shingle = Literal["word", "char"]
"""What a shingle is made of: ``ngram`` words, or ``ngram`` characters (unspaced scripts)."""
DEFAULT_SHINGLE: Shingle = "word"
SHINGLES: tuple[Shingle, ...] = get_args(Shingle)
DEFAULT_CHAR_NGRAM = 4
"""Character 4-grams: chosen by the language benchmark on Chinese, Japanese and French
(docs/tuning.md)."""
DEFAULT_SEED = 1
Keep = Literal["first", "longest"]
"""Priority order of assignment: input order, or most tokens first (ties in input order)."""
DEFAULT_KEEP: Keep = "first"
KEEP_POLICIES: tuple[Keep, ...] = get_args(Keep)

_MAX_SEED = 2**32 - 1
MAX_NUM_PERM = 4096
"""Permutations beyond this cost memory (4 bytes a text each) without a better result."""
MAX_NGRAM = 64
"""The widest shingle ``dedupe.shingle`` hashes."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated detection settings.

    ``bands`` and ``rows`` are derived from ``threshold`` and ``num_perm`` when not given
    (see ``lsh.optimal_bands_rows``); give one and the other follows from ``num_perm``.
    ``keep`` is the priority order in which texts become representatives (see
    ``dedupe.grouping``). ``ngram`` counts words or characters as ``shingle`` says; the
    entry points (``settings_from``) default it to ``default_ngram(shingle)``.
    """

    threshold: float = DEFAULT_THRESHOLD
    num_perm: int = DEFAULT_NUM_PERM
    ngram: int = DEFAULT_NGRAM
    seed: int = DEFAULT_SEED
    bands: int | None = None
    rows: int | None = None
    keep: Keep = DEFAULT_KEEP
    shingle: Shingle = DEFAULT_SHINGLE

    def __post_init__(self) -> None:
        for name, value, valid in (
            ("keep", self.keep, KEEP_POLICIES),
            ("shingle", self.shingle, SHINGLES),
        ):
            if value not in valid:
                raise SettingsError(
                    f"{name} must be one of {', '.join(map(repr, valid))}, got {value!r}"
                )
        _check_number("threshold", self.threshold, low=0.0, high=1.0, low_open=True)
        _check_int("num_perm", self.num_perm, low=1, high=MAX_NUM_PERM)
        _check_int("ngram", self.ngram, low=1, high=MAX_NGRAM)
        _check_int("seed", self.seed, low=0, high=_MAX_SEED)
        if self.bands is not None:
            _check_int("bands", self.bands, low=1, high=self.num_perm)
        if self.rows is not None:
            _check_int("rows", self.rows, low=1, high=self.num_perm)
        bands, rows = self.bands, self.rows
        if bands is None and rows is None:
            bands, rows = lsh.optimal_bands_rows(threshold=self.threshold, num_perm=self.num_perm)
        elif bands is None:
            assert rows is not None
            bands = self.num_perm // rows
        elif rows is None:
            rows = self.num_perm // bands
        if bands * rows > self.num_perm:
            raise SettingsError(
                f"bands * rows must be at most num_perm={self.num_perm}, "
                f"got bands={bands} * rows={rows} = {bands * rows}"
            )
        object.__setattr__(self, "bands", bands)
        object.__setattr__(self, "rows", rows)

    @property
    def band_shape(self) -> tuple[int, int]:
        """``(bands, rows)``, always set after validation."""
        assert self.bands is not None
        assert self.rows is not None
        return self.bands, self.rows

    @property
    def shared_bands(self) -> int:
        """Bands a pair must share to be a candidate (see ``lsh.shared_bands``)."""
        bands, rows = self.band_shape
        return lsh.shared_bands(threshold=self.threshold, bands=bands, rows=rows)

    def as_dict(self) -> dict[str, float | int | str]:
        """The settings as plain values, for reports and cache keys."""
        bands, rows = self.band_shape
        return {
            "keep": self.keep,
            "threshold": self.threshold,
            "num_perm": self.num_perm,
            "ngram": self.ngram,
            "shingle": self.shingle,
            "seed": self.seed,
            "bands": bands,
            "rows": rows,
        }


def _check_int(name: str, value: object, *, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        valid = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise SettingsError(f"{name} must be {valid}, got {value}")


def _check_number(
    name: str, value: object, *, low: float, high: float, low_open: bool = False
) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(f"{name} must be a number, got {value!r}")
    too_low = value <= low if low_open else value < low
    if too_low or value > high or value != value:  # value != value: NaN
        valid = f"({low}, {high}]" if low_open else f"[{low}, {high}]"
        raise SettingsError(f"{name} must be in {valid}, got {value}")


class Options(TypedDict, total=False):
    """The detection options every entry point takes as keywords; defaults are ``Settings``'s.

    Entry points declare ``**options: Unpack[Options]``, so type checkers and editors know
    each name and type, while the defaults and their validation live here only.
    """

    threshold: float
    num_perm: int
    ngram: int
    seed: int
    bands: int | None
    rows: int | None
    keep: Keep
    shingle: Shingle


def settings_from(options: Options) -> Settings:
    """Validated ``Settings`` from keyword options; an unknown name is a ``TypeError``."""
    known = {field.name for field in fields(Settings)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise TypeError(
            f"unknown option {unknown[0]!r}; the options are {', '.join(sorted(known))}"
        )
    if "ngram" not in options:
        options = {**options, "ngram": default_ngram(options.get("shingle", DEFAULT_SHINGLE))}
    return Settings(**options)


def default_ngram(shingle: str) -> int:
    """The default ``ngram`` of a shingle kind: words or characters per shingle."""
    return DEFAULT_CHAR_NGRAM if shingle == "char" else DEFAULT_NGRAM
