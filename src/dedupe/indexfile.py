"""The on-disk format of a saved index: NumPy arrays and a JSON header in one ZIP file.

The file is an uncompressed ZIP archive (``numpy.load(path, allow_pickle=False)`` and
any zip tool can read it) holding:

- ``header.json``: ``{"format": "dedupe-index", "version": 1, "arrays": {name: {"dtype",
  "shape", "sha256"}}, ...}`` plus the fields of the index (settings, counts);
- one ``<name>.npy`` per array, written with ``allow_pickle=False``.

Reading never unpickles anything: it checks the format name and version, then reads
each expected array with ``allow_pickle=False`` and checks its dtype and shape against
the header and the expected dtype, and its SHA-256 against the header. Any problem
raises ``IndexFileError`` with one line naming the file and what is wrong.

Writing is atomic: the archive is written to a temporary file in the same folder,
flushed to disk (``fsync``) and renamed over the destination, so a crash leaves either
the old file or the new one, never a partial file.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from dedupe.atomic import replacing
from dedupe.errors import IndexFileError

FORMAT = "dedupe-index"
VERSION = 2
HEADER = "header.json"

Arrays = Mapping[str, npt.NDArray[Any]]


def write_index_file(
    path: str | os.PathLike[str], fields: Mapping[str, Any], arrays: Arrays
) -> None:
    """Write ``arrays`` and the JSON-able ``fields`` to ``path``, atomically."""
    destination = Path(path)
    header = {
        "format": FORMAT,
        "version": VERSION,
        **fields,
        "arrays": {name: _describe(array) for name, array in arrays.items()},
    }
    with (
        replacing(destination) as temporary,
        temporary.open("wb") as file,
        zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as archive,
    ):
        archive.writestr(HEADER, json.dumps(header, indent=1, sort_keys=True))
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, _little_endian(array), allow_pickle=False)


def read_index_file(
    path: str | os.PathLike[str], expected: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """The header and the arrays named in ``expected`` (name -> dtype string, e.g. ``<u8``).

    Raises ``IndexFileError`` when the file is not a complete, undamaged index file of
    this format version with exactly these arrays.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            header = _read_header(path, archive)
            arrays = {
                name: _read_array(path, archive, header, name, dtype)
                for name, dtype in expected.items()
            }
    except IndexFileError:
        raise
    except FileNotFoundError:
        raise IndexFileError(f"{path}: no such index file") from None
    except Exception as error:
        # NumPy's .npy header parser alone raises ValueError, SyntaxError or TokenError.
        raise IndexFileError(f"{path}: damaged or not an index file ({error!r})") from None
    return header, arrays


def _read_header(path: str | os.PathLike[str], archive: zipfile.ZipFile) -> dict[str, Any]:
    if HEADER not in archive.namelist():
        raise IndexFileError(f"{path}: not a dedupe index file (no {HEADER})")
    header = json.loads(archive.read(HEADER))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise IndexFileError(f"{path}: not a dedupe index file (format is not {FORMAT!r})")
    if header.get("version") != VERSION:
        raise IndexFileError(
            f"{path}: index format version {header.get('version')!r} is not supported "
            f"(this dedupe reads version {VERSION}); rebuild the index"
        )
    if not isinstance(header.get("arrays"), dict):
        raise IndexFileError(f"{path}: damaged header (no array table)")
    return header


def _read_array(
    path: str | os.PathLike[str],
    archive: zipfile.ZipFile,
    header: dict[str, Any],
    name: str,
    dtype: str,
) -> npt.NDArray[Any]:
    described = header["arrays"].get(name)
    if not isinstance(described, dict) or f"{name}.npy" not in archive.namelist():
        raise IndexFileError(f"{path}: array {name!r} is missing")
    with archive.open(f"{name}.npy") as member:
        array = np.lib.format.read_array(member, allow_pickle=False)
    if array.dtype.str != dtype or described.get("dtype") != dtype:
        raise IndexFileError(f"{path}: array {name!r} has dtype {array.dtype.str}, not {dtype}")
    if list(array.shape) != described.get("shape"):
        raise IndexFileError(
            f"{path}: array {name!r} has shape {list(array.shape)}, "
            f"header says {described.get('shape')}"
        )
    if _sha256(array) != described.get("sha256"):
        raise IndexFileError(f"{path}: array {name!r} fails its checksum (the file is damaged)")
    result: npt.NDArray[Any] = array
    return result


def _describe(array: npt.NDArray[Any]) -> dict[str, Any]:
    little = _little_endian(array)
    return {"dtype": little.dtype.str, "shape": list(little.shape), "sha256": _sha256(little)}


def _little_endian(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    return np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))


def _sha256(array: npt.NDArray[Any]) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).reshape(-1).view(np.uint8).data).hexdigest()
