"""Bad input, part B of issue 14: hand-edited model files and hyperspectral
cubes, through processing.run. Every case: a QgsProcessingException whose
message names the file or layer and the key, field or band at fault, no Python
traceback text in it, and no output file left at any output path."""
import json
import os

import numpy as np
import pytest

from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel

CRS = "EPSG:32611"
TRACEBACK_MARKS = ("Traceback", 'File "', "TypeError", "KeyError", "AttributeError", "IndexError")


@pytest.fixture
def samples(memory_layer):
    rng = np.random.default_rng(5)
    xyz = rng.uniform(0, 300, size=(60, 2)) + [300000.0, 4200000.0]
    grades = rng.lognormal(0.0, 0.5, size=60)
    features = rng.normal(size=(60, 3))
    rows = [[float(g), f"H{i // 5}", *map(float, f)] for i, (g, f) in enumerate(zip(grades, features))]
    return memory_layer(["V:double", "hole:string", "a:double", "b:double", "c:double"], rows, xyz, crs=CRS,
                        name="samples"), rows, xyz


def _edit_json(path, dotted, value):
    with open(path, encoding="utf-8") as handle:
        header = json.load(handle)
    *parents, last = dotted.split(".")
    node = header
    for key in parents:
        node = node[key]
    node[last] = value
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(header, handle)


def assert_clean_refusal(run, name, params, message, outputs):
    """Run, expect a QgsProcessingException matching `message` with no
    traceback text, and no file at any of `outputs`."""
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=message) as caught:
        run(name, params)
    text = str(caught.value)
    assert not any(mark in text for mark in TRACEBACK_MARKS), text
    left = [path for path in outputs if os.path.exists(path)]
    assert not left, f"partial output left behind: {left}"


def _model_files(folder, samples):
    """{model: (json path, build(path) -> (algorithm, parameters, outputs))}, a
    file of each kind a stage reads, fitted on the samples."""
    from ree_grade.algorithms.geostats.boxcox import BoxCox
    from ree_grade.algorithms.ml.bnn.model import BNNRegressor
    from ree_grade.algorithms.ml.fusion import PCAFusion
    from ree_grade.algorithms.ml.imputation import KNNImputer3D

    layer, rows, xy = samples
    X = np.array([row[2:] for row in rows])
    grades = np.array([row[0] for row in rows])
    xyz = np.column_stack([xy, np.zeros(len(xy))])
    paths = {name: str(folder / f"{name}.json") for name in ("variogram", "bnn", "boxcox", "knnimpute", "pcafusion")}
    VariogramModel(0.05, [Structure("spherical", 0.25, (150.0, 150.0, 150.0))]).save(paths["variogram"], "V")
    BNNRegressor(method="ensemble", hidden=(4,), epochs=3, n_members=2, n_samples=4, patience=2, seed=1,
                 weight_decay=0.0, feature_names=["a", "b", "c"]).fit(
        X, grades, np.array([row[1] for row in rows])).save(paths["bnn"])
    BoxCox().fit(grades[:, None], ["V"]).save(paths["boxcox"])
    KNNImputer3D(k=3).fit(X, xyz, ["a", "b", "c"]).save(paths["knnimpute"])
    PCAFusion(n_components=2).fit(X, ["a", "b", "c"]).save(paths["pcafusion"])
    out = str(folder / "out.gpkg")
    uses = {
        "variogram": ("ordinarykriging", {"INPUT": layer, "GRADE_FIELD": "V", "TARGETS": layer, "OUTPUT": out},
                      "VARIOGRAM"),
        "variogram_mik": ("mik", {"INPUT": layer, "GRADE_FIELD": "V", "TARGETS": layer, "OUTPUT": out},
                          "VARIOGRAM"),
        "bnn": ("predictbnn", {"INPUT": layer, "OUTPUT": out}, "MODEL"),
        "boxcox": ("boxcox", {"INPUT": layer, "OUTPUT": out}, "PARAMETERS_IN"),
        "knnimpute": ("knnimpute", {"INPUT": layer, "OUTPUT": out}, "REFERENCE_IN"),
        "pcafusion": ("pcafusion", {"INPUT": layer, "MODE": 1, "OUTPUT": out}, "TRANSFORM_IN"),
    }
    return {use: (paths[use.split("_")[0]], (name, dict(params, **{key: paths[use.split("_")[0]]}), [out]))
            for use, (name, params, key) in uses.items()}


def _edit_arrays(path, change):
    """Apply `change(bytes) -> bytes` to the arrays file a model header names."""
    with open(path, encoding="utf-8") as handle:
        arrays = os.path.join(os.path.dirname(path), json.load(handle)["arrays_file"])
    with open(arrays, "rb") as handle:
        data = handle.read()
    changed = change(data)
    if changed is None:
        os.remove(arrays)
    else:
        with open(arrays, "wb") as handle:
            handle.write(changed)


def _rewrite(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def _values_changed(data):
    """The npz with each float array moved by one: a valid file of other values."""
    import io

    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        changed = {name: arrays[name] + 1.0 if arrays[name].dtype.kind == "f" else arrays[name]
                   for name in arrays.files}
    buffer = io.BytesIO()
    np.savez(buffer, **changed)
    return buffer.getvalue()


# What is done to the file: a (dotted key, value) edit of the JSON, or a function of its path.
BROKEN = {
    "not JSON": lambda path: _rewrite(path, "{\"kind\": \"variogram\", "),
    "a list at the top": lambda path: _rewrite(path, "[1, 2, 3]"),
    "arrays file deleted": lambda path: _edit_arrays(path, lambda data: None),
    "arrays file truncated": lambda path: _edit_arrays(path, lambda data: data[: len(data) // 2]),
    "arrays file edited": lambda path: _edit_arrays(path, _values_changed),
    "another kind": ("kind", "something_else"),
    "a newer format": ("format_version", 99),
}
# (model use, what is broken, message)
MODEL_FILE_CASES = [
    ("variogram", ("fields", 5), r"variogram.json: 'fields' is the number 5; expected a list"),
    ("variogram", ("params.nugget", None), r"variogram.json: 'params.nugget' is null; expected a number >= 0"),
    ("variogram", ("params.structures", {"type": "spherical"}), r"'params.structures' is an object; expected a list"),
    ("variogram", ("params", [1, 2]), r"variogram.json: 'params' is a list of 2 items; expected an object"),
    ("variogram", "not JSON", r"variogram.json: not a valid JSON model header"),
    ("variogram", "another kind", r"variogram.json: kind is 'something_else', expected 'variogram'"),
    ("variogram_mik", ("params.structures", [{"type": "spherical", "sill": 0.2}]),
     r"variogram.json: 'params.structures, item 1.ranges' is missing; expected a list of 3 items"),
    ("variogram_mik", ("params.nugget", "0.1"), r"variogram.json: 'params.nugget' is the text '0.1'"),
    ("bnn", ("fields", 5), r"bnn.json: 'fields' is the number 5; expected a list"),
    ("bnn", ("params.input_standardisation", None), r"bnn.json: 'params.input_standardisation' is null; expected an "
                                                    r"object"),
    ("bnn", ("params.hidden", {"1": 4}), r"bnn.json: 'params.hidden' is an object; expected a list"),
    ("bnn", ("params.target_transform", []), r"bnn.json: 'params.target_transform' is a list of 0 items; expected "
                                             r"an object"),
    ("bnn", ("params.spread_scale", 1.5), r"bnn.json: checksum mismatch"),
    ("bnn", "arrays file deleted", r"bnn.json: weights file 'bnn.safetensors' not found beside it"),
    ("bnn", "arrays file truncated", r"bnn.safetensors: weights file is corrupted or truncated"),
    ("bnn", "a newer format", r"bnn.json: format_version 99 is not supported \(expected 1\)"),
    ("boxcox", ("params.per_field.V.lambda", "x"), r"boxcox.json: 'params.per_field.V.lambda' is the text 'x'; "
                                                   r"expected a number"),
    ("boxcox", ("fields", {"V": 1}), r"boxcox.json: 'fields' is an object; expected a list"),
    ("boxcox", "arrays file edited", r"boxcox.json: checksum mismatch"),
    ("boxcox", "a list at the top", r"boxcox.json: not a valid JSON model header \(top level is not an object\)"),
    ("knnimpute", ("params.k", 0), r"knnimpute.json: 'params.k' is the number 0; expected a whole number >= 1"),
    ("knnimpute", ("params.weights", "gaussian"), r"knnimpute.json: 'params.weights' is the text 'gaussian'"),
    ("knnimpute", "arrays file truncated", r"knnimpute.npz: arrays file is corrupted or truncated"),
    ("pcafusion", ("params.columns", "a,b,c"), r"pcafusion.json: 'params.columns' is the text 'a,b,c'; expected a "
                                               r"list"),
    ("pcafusion", ("params.n_components", 0), r"pcafusion.json: 'params.n_components' is the number 0"),
    ("pcafusion", "arrays file deleted", r"pcafusion.json: arrays file 'pcafusion.npz' not found beside it"),
]


def _case_id(case):
    use, broken, _ = case
    return f"{use}-{broken if isinstance(broken, str) else f'{broken[0]}={broken[1]!r}'}"


@pytest.mark.parametrize("use, broken, message", MODEL_FILE_CASES, ids=[_case_id(c) for c in MODEL_FILE_CASES])
def test_a_broken_model_file_is_refused_naming_the_file_and_key(run_algorithm, samples, tmp_path, use, broken,
                                                                message):
    path, (name, params, outputs) = _model_files(tmp_path, samples)[use]
    change = BROKEN.get(broken, broken) if isinstance(broken, str) else broken
    if callable(change):
        change(path)
    else:
        _edit_json(path, *change)
    assert_clean_refusal(run_algorithm, name, params, message, outputs)


# --- hyperspectral cubes ---------------------------------------------------------------------------------------
def test_an_aviris_classic_envi_cube_runs_and_the_log_says_what_was_sorted_and_dropped(run_algorithm, tmp_path,
                                                                                        data_dir):
    from qgis.core import QgsProcessingFeedback
    from test_hyperspectral import classic_cube, read_features, write_envi_classic

    class Log(QgsProcessingFeedback):
        infos = []

        def pushInfo(self, info):  # noqa: N802 (QGIS API name)
            self.infos.append(info)
            super().pushInfo(info)

    stored, centres, fwhm, bbl = classic_cube(data_dir, rows=5, cols=4)
    envi = write_envi_classic(tmp_path, stored, centres, fwhm, bbl)
    feedback = Log()
    out = str(tmp_path / "features.tif")
    run_algorithm("hyperspectralfeatures", {"INPUT": envi, "OUTPUT": out}, feedback)
    assert any("bands sorted by wavelength" in info for info in feedback.infos)
    assert any("marked bad in the bad-band list (bbl) dropped" in info for info in feedback.infos)
    bands, names = read_features(out)
    assert "hs_nd800_depth" in names and np.isfinite(bands[names.index("hs_nd800_depth")]).sum() == 19


def _all_nan_geotiff(tmp_path, data_dir):
    from test_hyperspectral import write_geotiff

    return write_geotiff(tmp_path / "nan.tif", np.full((80, 4, 5), np.nan, np.float32), np.linspace(450, 1000, 80))


def _all_nodata_envi(tmp_path, data_dir):
    from test_hyperspectral import classic_cube, write_envi_classic

    stored, centres, fwhm, bbl = classic_cube(data_dir, rows=4, cols=5)
    return write_envi_classic(tmp_path, np.full_like(stored, -9999), centres, fwhm, bbl)


def _short_bad_band_list(tmp_path, data_dir):
    from test_hyperspectral import classic_cube, write_envi_classic

    stored, centres, fwhm, bbl = classic_cube(data_dir, rows=4, cols=5)
    return write_envi_classic(tmp_path, stored, centres, fwhm, bbl[:10])


def _wavelength_count_mismatch(tmp_path, data_dir):
    from test_hyperspectral import write_geotiff

    return write_geotiff(tmp_path / "short.tif", np.full((80, 4, 5), 0.3, np.float32), np.linspace(450, 1000, 80))


def _nan_wavelength(tmp_path, data_dir):
    from test_hyperspectral import classic_cube, write_envi_classic

    stored, centres, fwhm, bbl = classic_cube(data_dir, rows=4, cols=5)
    path = write_envi_classic(tmp_path, stored, centres, fwhm, bbl)
    header = tmp_path / "classic.hdr"
    header.write_text(header.read_text().replace(f"{centres[40] / 1000:.6f}", "nan", 1))
    return path


def _header_edited(old, new):
    def build(tmp_path, data_dir):
        from test_hyperspectral import classic_cube, write_envi_classic

        stored, centres, fwhm, bbl = classic_cube(data_dir, rows=4, cols=5)
        path = write_envi_classic(tmp_path, stored, centres, fwhm, bbl)
        header = tmp_path / "classic.hdr"
        header.write_text(header.read_text().replace(old, new, 1))
        return path

    build.__name__ = f"_header_{new.split()[0]}"
    return build


# (builder of the cube, WAVELENGTHS, message)
CUBE_CASES = [
    (_all_nan_geotiff, "", r"nan.tif: every pixel of the \d+ bands read \(\d+-\d+ nm\) is no-data or NaN"),
    (_all_nodata_envi, "", r"classic.img: every pixel of the \d+ bands read .*\(no-data value -9999\)"),
    (_short_bad_band_list, "", r"classic.hdr: bbl must hold one 0 or 1 per band \(224\), got 10 values"),
    (_wavelength_count_mismatch, ", ".join(["500"] * 79), r"short.tif \(WAVELENGTHS parameter\): 79 wavelengths "
                                                         r"for a cube of 80 bands"),
    (_nan_wavelength, "", r"classic.img \(ENVI header\): wavelength of band 41 is not a number"),
    (_header_edited("wavelength units = Micrometers", "wavelength units = furlongs"), "",
     r"ENVI header: unknown wavelength units 'furlongs'; use nm or um"),
    (_header_edited("bbl = {0,", "bbl = {2,"), "", r"classic.hdr: bbl must hold one 0 or 1 per band \(224\)"),
    (_wavelength_count_mismatch, ", ".join(["500"] * 80), r"short.tif \(WAVELENGTHS parameter\): the 80 bands have "
                                                         r"1 distinct wavelength\(s\)"),
]


# What the README's catalogue table counts (test_bad_inputs.catalogue_table): every kind here is a refusal.
CASES = MODEL_FILE_CASES + CUBE_CASES


@pytest.mark.parametrize("build, wavelengths, message", CUBE_CASES, ids=[c[0].__name__[1:] for c in CUBE_CASES])
def test_a_bad_cube_is_refused_naming_the_file_and_band(run_algorithm, tmp_path, data_dir, build, wavelengths,
                                                         message):
    out = str(tmp_path / "out" / "features.tif")
    params = {"INPUT": build(tmp_path, data_dir), "OUTPUT": out}
    if wavelengths:
        params["WAVELENGTHS"] = wavelengths
    assert_clean_refusal(run_algorithm, "hyperspectralfeatures", params, message, [out])
    assert not os.path.isdir(os.path.dirname(out)) or os.listdir(os.path.dirname(out)) == []
