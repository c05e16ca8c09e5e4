"""The files an algorithm writes: which local path an output parameter names, whether it can be written and in
a format that keeps the fields, and removing one (with the files GDAL and SQLite put beside it) after a failure.
Checked before any work, so a run never computes for an hour and then fails to save."""
import os
import shutil
import tempfile

from qgis.core import QgsProcessing, QgsProcessingOutputLayerDefinition, QgsProperty, QgsVectorFileWriter

# GDAL/OGR drivers whose field names are cut (Shapefile and its dBase table: 10 characters), so that
# `bnn_p_gt_1_5` would be written as `bnn_p_gt_2`, a field named after a cut-off it does not hold. By driver, not
# extension: QGIS writes .shp, .dbf, .shz and .shp.zip all with the Shapefile driver.
SHORT_FIELD_NAME_DRIVERS = {"ESRI Shapefile": "Shapefile"}
# Drivers that keep geometries but not attribute fields: every estimate would be lost.
FIELDLESS_DRIVERS = {"DXF": "DXF", "GPX": "GPX"}


def vector_driver(path):
    """The OGR driver QGIS writes `path` with, by its longest extension that names one (`shp.zip` before `zip`),
    or ''."""
    parts = os.path.basename(path).lower().split(".")
    for start in range(1, len(parts)):
        driver = QgsVectorFileWriter.driverForExtension(".".join(parts[start:]))
        if driver:
            return driver
    return ""

# Files SQLite and GDAL write beside an output; removed with it after a failure.
SIDECAR_SUFFIXES = ("", ".aux.xml", "-wal", "-shm", "-journal")


def destination_path(value):
    """The local file an output parameter's value names, or None (temporary, memory or database outputs)."""
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink
    if isinstance(value, QgsProperty):
        value = value.staticValue()
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or value == QgsProcessing.TEMPORARY_OUTPUT or value.startswith("memory:"):
        return None
    path = value.split("|", 1)[0]
    has_scheme = ":" in path.split("/", 1)[0] and not (len(path) > 1 and path[1] == ":")
    if has_scheme or "dbname=" in path:
        return None
    return os.path.abspath(path)


# A model's JSON header names an arrays file beside it, whichever codec it uses (io.modelfile.arrays_path_for).
MODEL_ARRAYS_SUFFIXES = (".npz", ".safetensors")


def files_written(path):
    """The files an output at `path` may write, compared case-sensitively after symlinks are resolved: the path
    itself and, for a model's JSON, its arrays file beside it."""
    path = os.path.realpath(path)
    root, extension = os.path.splitext(path)
    if extension.lower() == ".json":
        return {path} | {root + suffix for suffix in MODEL_ARRAYS_SUFFIXES}
    return {path}


def clash_problem(claims):
    """For [(label, path)], why two outputs would write the same file, or None: the second would overwrite the
    first (a GeoTIFF under a GeoPackage's name, a plot over a model) while the run reports success."""
    seen = []
    for label, path in claims:
        files = files_written(path)
        for other_label, other_path, other_files in seen:
            shared = files & other_files
            if shared:
                beside = "" if path == other_path else " (a model's JSON writes its arrays file beside it)"
                return (f"{other_label} and {label} would both write '{sorted(shared)[0]}'{beside}, so one would "
                        "overwrite the other; give each output its own file name")
        seen.append((label, path, files))
    return None


def writable_problem(path, is_folder):
    """Why `path` (a file, or a folder the run fills) cannot be written, or None. Missing folders are made by the
    run, so the nearest existing one must take new files; tried with a real file, since permissions, read-only
    mounts and root all make os.access an unreliable guess."""
    if os.path.isdir(path) and not is_folder:
        return f"'{path}' is a folder, not a file"
    folder = path if is_folder else os.path.dirname(path)
    while not os.path.exists(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    if not os.path.isdir(folder):
        return f"'{folder}' is a file, so no folder can be made there"
    try:
        handle, probe = tempfile.mkstemp(prefix=".reegrade_write_test_", dir=folder)
        os.close(handle)
        os.remove(probe)
    except OSError as error:
        return f"nothing can be written in the folder '{folder}' ({error.strerror or error})"
    if os.path.isfile(path) and not os.access(path, os.W_OK):
        return f"'{path}' exists and cannot be overwritten"
    return None


def format_problem(path):
    """Why a vector output's format would lose or mislabel fields, or None."""
    driver = vector_driver(path)
    if driver in SHORT_FIELD_NAME_DRIVERS:
        name = "dBase" if path.lower().endswith(".dbf") else SHORT_FIELD_NAME_DRIVERS[driver]
        return (f"the {name} format cuts field names at 10 characters (bnn_p_gt_1_5 "
                "would be written as bnn_p_gt_2, a field named after another cut-off); write a GeoPackage (.gpkg) "
                "instead")
    if driver in FIELDLESS_DRIVERS:
        return (f"the {FIELDLESS_DRIVERS[driver]} format does not keep attribute fields, so the results would be "
                "lost; write a GeoPackage (.gpkg) instead")
    return None


def staged_value(value, path):
    """(value naming a hidden temporary folder's file of the same name beside `path`, that file, the folder): a
    vector sink is written there and moved into place only once the run succeeded, so a crash or a kill never
    leaves a partial file under the user's name (the model and GeoTIFF writers do the same through
    algorithms/common/atomic.py). The file keeps its name, since GeoPackage names its layer after it."""
    folder = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.reegrade-", dir=os.path.dirname(path))
    staged = os.path.join(folder, os.path.basename(path))
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        raw = value.sink.staticValue() if isinstance(value.sink, QgsProperty) else str(value.sink)
    else:
        raw = value.staticValue() if isinstance(value, QgsProperty) else value
    rest = raw.strip().split("|", 1)
    staged_raw = staged + ("|" + rest[1] if len(rest) > 1 else "")
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        definition = QgsProcessingOutputLayerDefinition(value)
        definition.sink = QgsProperty.fromValue(staged_raw)
        return definition, staged, folder
    return staged_raw, staged, folder


def commit_staged(staged, path, folder):
    """Move a staged output (and what its driver wrote beside it) into place, the file itself last, and remove
    the temporary folder."""
    names = sorted(os.listdir(folder), key=lambda name: name == os.path.basename(staged))
    for name in names:
        os.replace(os.path.join(folder, name), os.path.join(os.path.dirname(path), name))
    shutil.rmtree(folder, ignore_errors=True)


def remove_with_sidecars(path):
    for candidate in (path + suffix for suffix in SIDECAR_SUFFIXES):
        if os.path.isfile(candidate):
            os.remove(candidate)
