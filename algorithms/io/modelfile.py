"""Fitted transforms and models as files a user can keep: a JSON header plus a
file of named arrays beside it, never a pickle.

The header carries `kind`, `format_version`, `plugin_version`, the input field
names in order, the parameters, the fit's metadata and a SHA-256 checksum of the
arrays; `load_model` checks each of these and says which one failed. One module
owns the layout so that every model is checked the same way on loading.

The arrays go through a codec: npz by default (numpy only, for the transforms)
or safetensors (plain named tensors, what the neural networks hold). A model
whose header numbers matter as much as its arrays (the BNN's standardisation
and recalibration factor) asks for `header_in_checksum`, so that an edit to the
JSON is caught like an edit to the weights.
"""
import datetime as _dt
import hashlib
import io
import json
import os
import re
import zipfile

import numpy as np

from ..common.atomic import atomic_write_bytes

_PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_METADATA_TXT = os.path.join(_PLUGIN_DIR, "metadata.txt")


class ModelFileError(ValueError):
    """A model or transform file that is missing, corrupted or of another kind."""


class ArrayCodec:
    """How the arrays file is written and read: its extension, the noun the
    messages use for it, and bytes <-> {name: ndarray}."""

    def __init__(self, name, extension, noun, encode, decode):
        self.name, self.extension, self.noun = name, extension, noun
        self.encode, self.decode = encode, decode


def _npz_encode(arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _npz_decode(path):
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        # From the bytes: np.load on a truncated file leaves its handle open.
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
        raise ModelFileError(f"{path}: arrays file is corrupted or truncated ({error})") from None


# safetensors is imported when used: it is optional for the plugin, and only
# the neural-network models need it (their algorithms check it is installed).
def _safetensors_encode(arrays):
    from safetensors.numpy import save

    return save(arrays)


def _safetensors_decode(path):
    from safetensors import SafetensorError
    from safetensors.numpy import load

    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return load(data)
    except (SafetensorError, ValueError) as error:
        raise ModelFileError(f"{path}: weights file is corrupted or truncated ({error})") from None


CODECS = {
    "npz": ArrayCodec("npz", ".npz", "arrays file", _npz_encode, _npz_decode),
    # The networks' weights: the file is named for what it holds in the messages.
    "safetensors": ArrayCodec("safetensors", ".safetensors", "weights file", _safetensors_encode, _safetensors_decode),
}


def codec_for(name):
    if name not in CODECS:
        raise ValueError(f"model file codec must be one of {', '.join(CODECS)}, got {name!r}")
    return CODECS[name]


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


def checked_arrays(arrays, fields, params, header_in_checksum=False):
    """The arrays the checksum covers: the arrays themselves, plus (with
    `header_in_checksum`) the canonical JSON of fields and parameters as bytes."""
    if not header_in_checksum:
        return arrays
    canonical = json.dumps({"fields": list(fields), "params": params}, sort_keys=True).encode("utf-8")
    return dict(arrays, __header__=np.frombuffer(canonical, dtype=np.uint8))


def arrays_path_for(json_path, extension=None, codec="npz"):
    """The arrays file beside `json_path`: its extension given, or the codec's."""
    root, _ = os.path.splitext(json_path)
    return root + (codec_for(codec).extension if extension is None else extension)


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


def save_model(json_path, kind, format_version, fields, params, arrays, metadata=None, codec="npz",
               header_in_checksum=False):
    """Save `arrays` (name -> ndarray) with `codec` beside `json_path` and the
    header as JSON; returns the header."""
    codec = codec_for(codec)
    arrays = {name: np.asarray(value) for name, value in arrays.items()}
    for name, array in arrays.items():
        if array.dtype == object:
            raise ValueError(f"array {name!r} has dtype object, which cannot be saved without pickle")
    if header_in_checksum:
        # As the loader will read them back, so that the checksum matches (tuples become lists).
        params = json.loads(json.dumps(params))
    arrays_path = arrays_path_for(json_path, codec.extension)
    data = codec.encode(arrays)
    checksum = arrays_checksum(checked_arrays(arrays, fields, params, header_in_checksum))
    header = build_header(kind, format_version, fields, params, metadata, checksum, os.path.basename(arrays_path))
    atomic_write_bytes(arrays_path, data)
    atomic_write_bytes(json_path, json.dumps(header, indent=2, sort_keys=True).encode("utf-8"))
    return header


def header_kind(json_path):
    """The `kind` a model file's header names, or None when it cannot be read
    (the kind's own loader then says why)."""
    try:
        with open(json_path, encoding="utf-8") as handle:
            header = json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return header.get("kind") if isinstance(header, dict) else None


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


def load_model(json_path, kind, format_version, fields=None, codec="npz", header_in_checksum=False):
    """(header, arrays) after checking kind, version, fields and checksum (of
    the arrays, and of the fields and parameters with `header_in_checksum`)."""
    codec = codec_for(codec)
    header = read_header(json_path, kind, format_version)
    check_fields(json_path, header, fields)
    name = header.get("arrays_file")
    arrays_path = os.path.join(os.path.dirname(os.path.abspath(json_path)), str(name or ""))
    if not name or not os.path.isfile(arrays_path):
        raise ModelFileError(f"{json_path}: {codec.noun} {name!r} not found beside it")
    arrays = codec.decode(arrays_path)
    check_checksum(json_path, header, checked_arrays(arrays, header["fields"], header["params"], header_in_checksum))
    return header, arrays


def copy_model(header, json_in, json_out):
    """Copy a loaded model file (its checked `header`) to `json_out` byte for
    byte, arrays file included, so the copy keeps the original fit's date and
    counts; only the header's name of the arrays file follows the new name."""
    arrays_in = os.path.join(os.path.dirname(os.path.abspath(json_in)), header["arrays_file"])
    extension = os.path.splitext(header["arrays_file"])[1]
    arrays_out = arrays_path_for(json_out, extension)
    with open(arrays_in, "rb") as handle:
        atomic_write_bytes(arrays_out, handle.read())
    copied = dict(header, arrays_file=os.path.basename(arrays_out))
    atomic_write_bytes(json_out, json.dumps(copied, indent=2, sort_keys=True).encode("utf-8"))
