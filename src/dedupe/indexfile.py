"""The on-disk format of a saved index: NumPy arrays and a JSON header in one ZIP file.

The file is an uncompressed ZIP archive (``numpy.load(path, allow_pickle=False)`` and
any zip tool can read it) holding:

- ``header.json``: ``{"format": "dedupe-index", "version": 3, "arrays": {name: {"dtype",
  "shape", "sha256"}}, "sha256": ...}`` plus the fields of the index (settings,
  counts); its own ``sha256`` covers everything else in it (``header_checksum``), so
  the settings and counts are checked like the arrays;
- one ``<name>.npy`` per array, written with ``allow_pickle=False``.

Reading never unpickles anything and never allocates more than the file holds: it
refuses compressed members (they can expand without bound), checks the format name,
version and header checksum, then for each expected array reads the ``.npy`` header
alone and checks its dtype and shape against the header and the expected dtype and its
byte count against the member's size, before reading the data and checking its SHA-256.
Any problem raises ``IndexFileError`` with one line naming the file and what is wrong.

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
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from dedupe.atomic import replacing
from dedupe.errors import IndexFileError

FORMAT = "dedupe-index"
VERSION = 3
HEADER = "header.json"
_MAX_HEADER_BYTES = 2**20

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
    header["sha256"] = header_checksum(header)
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


def header_checksum(header: Mapping[str, Any]) -> str:
    """The SHA-256 of a header's canonical JSON, its own ``sha256`` field left out."""
    rest = {key: value for key, value in header.items() if key != "sha256"}
    canonical = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _read_header(path: str | os.PathLike[str], archive: zipfile.ZipFile) -> dict[str, Any]:
    if HEADER not in archive.namelist():
        raise IndexFileError(f"{path}: not a dedupe index file (no {HEADER})")
    _check_member(path, archive, HEADER)
    if archive.getinfo(HEADER).file_size > _MAX_HEADER_BYTES:
        raise IndexFileError(f"{path}: damaged header (larger than {_MAX_HEADER_BYTES} bytes)")
    header = json.loads(archive.read(HEADER))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise IndexFileError(f"{path}: not a dedupe index file (format is not {FORMAT!r})")
    if header.get("version") != VERSION:
        raise IndexFileError(
            f"{path}: index format version {header.get('version')!r} is not supported "
            f"(this dedupe reads version {VERSION}); rebuild the index"
        )
    if header.get("sha256") != header_checksum(header):
        raise IndexFileError(f"{path}: the header fails its checksum (the file is damaged)")
    if not isinstance(header.get("arrays"), dict):
        raise IndexFileError(f"{path}: damaged header (no array table)")
    return header


def _check_member(path: str | os.PathLike[str], archive: zipfile.ZipFile, name: str) -> None:
    if archive.getinfo(name).compress_type != zipfile.ZIP_STORED:
        raise IndexFileError(
            f"{path}: member {name!r} is compressed; dedupe writes and reads stored members only"
        )


def _read_array(
    path: str | os.PathLike[str],
    archive: zipfile.ZipFile,
    header: dict[str, Any],
    name: str,
    dtype: str,
) -> npt.NDArray[Any]:
    described = header["arrays"].get(name)
    member_name = f"{name}.npy"
    if not isinstance(described, dict) or member_name not in archive.namelist():
        raise IndexFileError(f"{path}: array {name!r} is missing")
    _check_member(path, archive, member_name)
    with archive.open(member_name) as opened:
        member = cast(zipfile.ZipExtFile, opened)  # what ZipFile.open returns for reading
        version = np.lib.format.read_magic(member)
        read_header = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, fortran_order, found = read_header(member)
        if found.str != dtype or described.get("dtype") != dtype or fortran_order:
            raise IndexFileError(f"{path}: array {name!r} has dtype {found.str}, not {dtype}")
        if list(shape) != described.get("shape"):
            raise IndexFileError(
                f"{path}: array {name!r} has shape {list(shape)}, "
                f"header says {described.get('shape')}"
            )
        size = found.itemsize * int(np.prod(shape, dtype=object))
        if member.tell() + size != archive.getinfo(member_name).file_size:
            raise IndexFileError(
                f"{path}: array {name!r} does not hold the {size} bytes its shape needs"
            )
        array = np.empty(shape, dtype=found)
        if member.readinto(array.reshape(-1).view(np.uint8).data) != size:
            raise IndexFileError(f"{path}: array {name!r} is truncated")
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
