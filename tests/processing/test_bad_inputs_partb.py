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


@pytest.fixture
def variogram_file(tmp_path):
    path = str(tmp_path / "variogram.json")
    VariogramModel(0.05, [Structure("spherical", 0.25, (150.0, 150.0, 150.0))]).save(path, "V")
    return path


@pytest.fixture
def bnn_file(tmp_path, samples):
    from ree_grade.algorithms.ml.bnn.model import BNNRegressor

    _, rows, _ = samples
    X = np.array([row[2:] for row in rows])
    grades = np.array([row[0] for row in rows])
    groups = np.array([row[1] for row in rows])
    path = str(tmp_path / "bnn.json")
    BNNRegressor(method="ensemble", hidden=(4,), epochs=3, n_members=2, n_samples=4, patience=2, seed=1,
                 weight_decay=0.0, feature_names=["a", "b", "c"]).fit(X, grades, groups).save(path)
    return path


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


# (model, key, hand-edited value, message)
MODEL_FILE_EDITS = [
    ("variogram", "fields", 5, r"variogram.json: 'fields' is the number 5; expected a list"),
    ("variogram", "params.nugget", None, r"variogram.json: 'params.nugget' is null; expected a number >= 0"),
    ("variogram", "params.structures", {"type": "spherical"}, r"'params.structures' is an object; expected a list"),
    ("variogram", "params", [1, 2], r"variogram.json: 'params' is a list of 2 items; expected an object"),
    ("bnn", "fields", 5, r"bnn.json: 'fields' is the number 5; expected a list"),
    ("bnn", "params.input_standardisation", None, r"bnn.json: 'params.input_standardisation' is null; expected an "
                                                  r"object"),
    ("bnn", "params.hidden", {"1": 4}, r"bnn.json: 'params.hidden' is an object; expected a list"),
    ("bnn", "params.target_transform", [], r"bnn.json: 'params.target_transform' is a list of 0 items; expected an "
                                           r"object"),
]


@pytest.mark.parametrize("model, key, value, message", MODEL_FILE_EDITS,
                         ids=[f"{m}-{k}-{v!r}" for m, k, v, _ in MODEL_FILE_EDITS])
def test_a_hand_edited_model_file_is_refused_naming_the_key(run_algorithm, samples, variogram_file, bnn_file,
                                                            tmp_path, model, key, value, message):
    layer, _, xyz = samples
    outputs = [str(tmp_path / "out.gpkg"), str(tmp_path / "out.tif")]
    if model == "variogram":
        _edit_json(variogram_file, key, value)
        name, params = "ordinarykriging", {"INPUT": layer, "GRADE_FIELD": "V", "VARIOGRAM": variogram_file,
                                           "TARGETS": layer, "OUTPUT": outputs[0]}
    else:
        _edit_json(bnn_file, key, value)
        name, params = "predictbnn", {"MODEL": bnn_file, "INPUT": layer, "OUTPUT": outputs[0]}
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


# (builder of the cube, WAVELENGTHS, message)
CUBE_CASES = [
    (_all_nan_geotiff, "", r"nan.tif: every pixel of the \d+ bands read \(\d+-\d+ nm\) is no-data or NaN"),
    (_all_nodata_envi, "", r"classic.img: every pixel of the \d+ bands read .*\(no-data value -9999\)"),
    (_short_bad_band_list, "", r"classic.hdr: bbl must hold one 0 or 1 per band \(224\), got 10 values"),
    (_wavelength_count_mismatch, ", ".join(["500"] * 79), r"short.tif \(WAVELENGTHS parameter\): 79 wavelengths "
                                                         r"for a cube of 80 bands"),
    (_nan_wavelength, "", r"classic.img \(ENVI header\): wavelength of band 41 is not a number"),
    (_wavelength_count_mismatch, ", ".join(["500"] * 80), r"short.tif \(WAVELENGTHS parameter\): the 80 bands have "
                                                         r"1 distinct wavelength\(s\)"),
]


@pytest.mark.parametrize("build, wavelengths, message", CUBE_CASES, ids=[c[0].__name__[1:] for c in CUBE_CASES])
def test_a_bad_cube_is_refused_naming_the_file_and_band(run_algorithm, tmp_path, data_dir, build, wavelengths,
                                                         message):
    out = str(tmp_path / "out" / "features.tif")
    params = {"INPUT": build(tmp_path, data_dir), "OUTPUT": out}
    if wavelengths:
        params["WAVELENGTHS"] = wavelengths
    assert_clean_refusal(run_algorithm, "hyperspectralfeatures", params, message, [out])
    assert not os.path.isdir(os.path.dirname(out)) or os.listdir(os.path.dirname(out)) == []
