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
import math
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


# ---- the header's schema -------------------------------------------------------------
# A hand-edited header (`"fields": 5`, a null where an object belongs) must be
# refused naming the key and what it should hold, before any loader indexes it
# and fails with a TypeError deep inside. Each spec below checks one JSON value.

class Spec:
    """What one JSON value must be; `expected` is said in the message."""

    expected = "a value"

    def check(self, value, where):
        """Raise `SchemaError` (at `where`) unless `value` fits."""
        if not self.fits(value):
            raise SchemaError(where, value, self.expected)

    def fits(self, value):
        return True


class SchemaError(Exception):
    """Where a header departs from its schema; `check_schema` names the file."""

    def __init__(self, where, value, expected, missing=False):
        super().__init__(where)
        self.where, self.value, self.expected, self.missing = where, value, expected, missing


def _is_number(value):
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


class Number(Spec):
    """A finite number (not a boolean) within optional bounds; `above` is an
    exclusive lower bound, `low`/`high` inclusive ones."""

    def __init__(self, low=None, high=None, above=None, integer=False):
        self.low, self.high, self.above, self.integer = low, high, above, integer
        noun = "a whole number" if integer else "a number"
        bounds = [f"> {above:g}" if above is not None else None, f">= {low:g}" if low is not None else None,
                  f"<= {high:g}" if high is not None else None]
        self.expected = " ".join([noun] + [b for b in bounds if b])

    def fits(self, value):
        if not _is_number(value) or (self.integer and not (isinstance(value, int) or value.is_integer())):
            return False
        return ((self.low is None or value >= self.low) and (self.high is None or value <= self.high)
                and (self.above is None or value > self.above))


class Text(Spec):
    """A string, one of `choices` when given."""

    def __init__(self, *choices):
        self.choices = choices
        self.expected = f"one of {', '.join(map(repr, choices))}" if choices else "a text"

    def fits(self, value):
        return isinstance(value, str) and (not self.choices or value in self.choices)


class Flag(Spec):
    expected = "true or false"

    def fits(self, value):
        return isinstance(value, bool)


class Nullable(Spec):
    def __init__(self, spec):
        self.spec = spec
        self.expected = f"{spec.expected} or null"

    def check(self, value, where):
        if value is not None:
            try:
                self.spec.check(value, where)
            except SchemaError as error:
                if error.where == where:
                    error.expected = self.expected
                raise


class ListOf(Spec):
    """A list of items of `item`, of exactly `length` items or at least `min_length`."""

    def __init__(self, item, length=None, min_length=0):
        self.item, self.length, self.min_length = item, length, min_length
        count = f"{length} " if length is not None else (f"at least {min_length} " if min_length else "")
        self.expected = f"a list of {count}items, each {item.expected}"

    def check(self, value, where):
        if not isinstance(value, list) or len(value) < self.min_length or (
                self.length is not None and len(value) != self.length):
            raise SchemaError(where, value, self.expected)
        for position, item in enumerate(value, start=1):
            self.item.check(item, f"{where}, item {position}")


class Mapping(Spec):
    """An object with the `required` keys and possibly the `optional` ones,
    each {key: spec}; other keys are allowed (a newer writer's notes)."""

    def __init__(self, required, optional=None):
        self.required, self.optional = dict(required), dict(optional or {})
        self.expected = "an object with " + ", ".join(map(repr, self.required)) if self.required else "an object"

    def check(self, value, where):
        if not isinstance(value, dict):
            raise SchemaError(where, value, self.expected)
        for key, spec in self.required.items():
            if key not in value:
                raise SchemaError(_joined(where, key), None, spec.expected, missing=True)
            spec.check(value[key], _joined(where, key))
        for key, spec in self.optional.items():
            if key in value:
                spec.check(value[key], _joined(where, key))


class DictOf(Spec):
    """An object whose every value is `value` (keys are names, e.g. fields)."""

    def __init__(self, value):
        self.value = value
        self.expected = f"an object whose values are each {value.expected}"

    def check(self, value, where):
        if not isinstance(value, dict):
            raise SchemaError(where, value, self.expected)
        for key, item in value.items():
            self.value.check(item, _joined(where, key))


def _joined(where, key):
    return f"{where}.{key}" if where else str(key)


def _described(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    return "an object"


def check_schema(source, value, spec, where=""):
    """Raise a ModelFileError naming `source`, the key (dotted from `where`)
    and what it should hold, unless `value` fits `spec`."""
    try:
        spec.check(value, where)
    except SchemaError as error:
        key = error.where or "the header"
        if error.missing:
            raise ModelFileError(f"{source}: '{key}' is missing; expected {error.expected}") from None
        raise ModelFileError(
            f"{source}: '{key}' is {_described(error.value)}; expected {error.expected}") from None


def check_arrays(source, arrays, shapes, text=()):
    """Raise naming `source` and the array unless each of `shapes` ({name:
    shape}, None for any length) is present with that shape, of numbers
    (texts for the names in `text`)."""
    for name, shape in shapes.items():
        if name not in arrays:
            raise ModelFileError(f"{source}: the arrays file lacks the array '{name}'")
        array = arrays[name]
        wants_numbers = name not in text
        if (array.dtype.kind in "biuf") != wants_numbers or len(array.shape) != len(shape) or any(
                want is not None and got != want for got, want in zip(array.shape, shape)):
            wanted = " x ".join("n" if want is None else str(want) for want in shape) or "()"
            raise ModelFileError(
                f"{source}: array '{name}' holds {array.dtype} of shape {tuple(array.shape)}; expected "
                f"{'numbers' if wants_numbers else 'texts'} of shape {wanted}")


HEADER_SCHEMA = Mapping(
    {"kind": Text(), "format_version": Number(integer=True), "fields": ListOf(Text()), "params": Mapping({}),
     "checksum_sha256": Text()},
    optional={"arrays_file": Text(), "metadata": Mapping({}), "plugin_version": Text()},
)


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
    missing = [key for key in HEADER_SCHEMA.required if key not in header]
    if missing:
        raise ModelFileError(f"{json_path}: header lacks {', '.join(missing)}")
    check_schema(json_path, header, HEADER_SCHEMA)
    if header["kind"] != kind:
        raise ModelFileError(f"{json_path}: kind is {header['kind']!r}, expected {kind!r}")
    if header["format_version"] != format_version:
        written_by = ("an earlier version of the plugin: fit it again" if header["format_version"] < format_version
                      else "a newer version of the plugin")
        raise ModelFileError(f"{json_path}: format_version {header['format_version']} is not supported (expected "
                             f"{format_version}); the file was written by {written_by}")
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


def load_model(json_path, kind, format_version, fields=None, codec="npz", header_in_checksum=False,
               params_schema=None):
    """(header, arrays) after checking kind, version, fields, the parameters
    against `params_schema` (a `Spec`, or a function of the header's fields
    giving one) and checksum (of the arrays, and of the fields and parameters
    with `header_in_checksum`). The schema comes before the checksum, so a
    hand-edited key is named rather than reported as a mismatch."""
    codec = codec_for(codec)
    header = read_header(json_path, kind, format_version)
    check_fields(json_path, header, fields)
    if params_schema is not None:
        spec = params_schema if isinstance(params_schema, Spec) else params_schema(header["fields"])
        check_schema(json_path, header["params"], spec, "params")
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
