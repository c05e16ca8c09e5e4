"""Fitted transforms and models as files a user can keep: a JSON header plus an
``.npz`` of arrays beside it, never a pickle.

The header carries `kind`, `format_version`, `plugin_version`, the input field
names in order, the parameters, the fit's metadata and a SHA-256 checksum of the
arrays; `load_model` checks each of these and says which one failed.
"""
import datetime as _dt
import hashlib
import json
import os
import re
import zipfile

import numpy as np

from ..common.atomic import atomic_write_bytes

_METADATA_TXT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "metadata.txt")


class ModelFileError(ValueError):
    """A model or transform file that is missing, corrupted or of another kind."""


def plugin_version():
    try:
        with open(_METADATA_TXT, encoding="utf-8") as handle:
            match = re.search(r"^version\s*=\s*(\S+)", handle.read(), re.MULTILINE)
        return match.group(1) if match else "unknown"
    except OSError:
        return "unknown"


def arrays_checksum(arrays):
    """SHA-256 over names, dtypes, shapes and bytes, in name order, so any edit
    to an array (or a renamed or dropped one) changes it."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(name.encode())
        digest.update(str(array.dtype.str).encode())
        digest.update(repr(array.shape).encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def arrays_path_for(json_path, extension=".npz"):
    root, _ = os.path.splitext(json_path)
    return root + extension


def build_header(kind, format_version, fields, params, metadata, checksum, arrays_file):
    meta = {"created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
    meta.update(metadata or {})
    return {
        "kind": kind,
        "format_version": int(format_version),
        "plugin_version": plugin_version(),
        "fields": list(fields),
        "params": params,
        "metadata": meta,
        "arrays_file": arrays_file,
        "checksum_sha256": checksum,
    }


def save_model(json_path, kind, format_version, fields, params, arrays, metadata=None):
    """Save `arrays` (name -> ndarray) as npz beside `json_path` and the header as JSON."""
    import io

    arrays = {name: np.asarray(value) for name, value in arrays.items()}
    for name, array in arrays.items():
        if array.dtype == object:
            raise ValueError(f"array {name!r} has dtype object, which cannot be saved without pickle")
    npz_path = arrays_path_for(json_path)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    header = build_header(
        kind, format_version, fields, params, metadata, arrays_checksum(arrays), os.path.basename(npz_path)
    )
    atomic_write_bytes(npz_path, buffer.getvalue())
    atomic_write_bytes(json_path, json.dumps(header, indent=2, sort_keys=True).encode("utf-8"))
    return header


def read_header(json_path, kind, format_version):
    """The JSON header, checked for kind and format version."""
    if not os.path.isfile(json_path):
        raise ModelFileError(f"{json_path}: file not found")
    try:
        with open(json_path, encoding="utf-8") as handle:
            header = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{json_path}: not a valid JSON model header ({error})") from None
    if not isinstance(header, dict):
        raise ModelFileError(f"{json_path}: not a valid JSON model header (top level is not an object)")
    missing = [key for key in ("kind", "format_version", "fields", "params", "checksum_sha256") if key not in header]
    if missing:
        raise ModelFileError(f"{json_path}: header lacks {', '.join(missing)}")
    if header["kind"] != kind:
        raise ModelFileError(f"{json_path}: kind is {header['kind']!r}, expected {kind!r}")
    if header["format_version"] != format_version:
        raise ModelFileError(
            f"{json_path}: format_version {header['format_version']} is not supported (expected {format_version})"
        )
    return header


def check_fields(json_path, header, fields):
    """Raise unless the file was fitted on exactly `fields`, in this order."""
    if fields is not None and list(fields) != list(header["fields"]):
        missing = [f for f in header["fields"] if f not in fields]
        extra = [f for f in fields if f not in header["fields"]]
        detail = []
        if missing:
            detail.append(f"missing {missing}")
        if extra:
            detail.append(f"not in the file {extra}")
        if not detail:
            detail.append("same fields in another order")
        raise ModelFileError(f"{json_path}: fields do not match the fitted ones ({'; '.join(detail)})")


def check_checksum(json_path, header, arrays):
    if arrays_checksum(arrays) != header["checksum_sha256"]:
        raise ModelFileError(f"{json_path}: checksum mismatch: the arrays file was edited, truncated or swapped")


def load_model(json_path, kind, format_version, fields=None):
    """(header, arrays) after checking kind, version, fields and checksum."""
    header = read_header(json_path, kind, format_version)
    check_fields(json_path, header, fields)
    npz_path = os.path.join(os.path.dirname(os.path.abspath(json_path)), header.get("arrays_file") or "")
    if not os.path.isfile(npz_path):
        raise ModelFileError(f"{json_path}: arrays file {header.get('arrays_file')!r} not found beside it")
    try:
        with np.load(npz_path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
        raise ModelFileError(f"{npz_path}: arrays file is corrupted or truncated ({error})") from None
    check_checksum(json_path, header, arrays)
    return header, arrays

