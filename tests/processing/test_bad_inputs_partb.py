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
