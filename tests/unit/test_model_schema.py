"""Hand-edited model files: every loader names the file, the key and what it
should hold, with a ValueError, never a TypeError/KeyError/AttributeError
from deep inside (issue 14)."""
import json

import numpy as np
import pytest

from ree_grade.algorithms.geology.map_features import UnitList
from ree_grade.algorithms.geostats.boxcox import BoxCox
from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel
from ree_grade.algorithms.io.modelfile import (
    ListOf,
    Mapping,
    ModelFileError,
    Nullable,
    Number,
    Text,
    check_schema,
    load_model,
    save_model,
)
from ree_grade.algorithms.ml.encoding import CategoryEncoder
from ree_grade.algorithms.ml.fusion import PCAFusion
from ree_grade.algorithms.ml.imputation import KNNImputer3D

RNG_SEED = 3
DELETE = object()


def _data(n=40, p=3):
    rng = np.random.default_rng(RNG_SEED)
    return rng.lognormal(size=(n, p)), rng.uniform(0, 500, size=(n, 3))


def _variogram(path):
    VariogramModel(0.1, [Structure("spherical", 0.9, (100.0, 80.0, 20.0), (30.0, 0.0, 0.0))]).save(path, "La_ppm")
    return VariogramModel.load


def _boxcox(path):
    X, _ = _data()
    BoxCox().fit(X, ["a", "b", "c"]).save(path)
    return BoxCox.load


def _fusion(path):
    X, xyz = _data()
    PCAFusion(n_components=2, rff_features=4, seed=1).fit(X, ["a", "b", "c"], xyz).save(path)
    return PCAFusion.load


def _imputation(path):
    X, xyz = _data()
    X[3, 1] = np.nan
    KNNImputer3D(k=3).fit(X, xyz, ["a", "b", "c"]).save(path)
    return KNNImputer3D.load


def _units(path):
    UnitList(["granite", "schist"], "unit").save(path)
    return UnitList.load


def _bnn(path):
    from ree_grade.algorithms.ml.bnn.model import BNNRegressor

    X, _ = _data(n=30)
    groups = np.repeat(np.arange(6), 5)
    BNNRegressor(method="ensemble", hidden=(4,), epochs=3, n_members=2, n_samples=4, patience=2, seed=1,
                 weight_decay=0.0).fit(X, X[:, 0] + 1.0, groups).save(path)
    return BNNRegressor.load


# (writer, dotted key to edit, new value, what the message must say)
HAND_EDITS = [
    (_variogram, "fields", 5, r"'fields' is the number 5; expected a list of items, each a text"),
    (_variogram, "params", [], r"'params' is a list of 0 items; expected an object"),
    (_variogram, "params.nugget", None, r"'params.nugget' is null; expected a number >= 0"),
    (_variogram, "params.nugget", "0.1", r"'params.nugget' is the text '0.1'; expected a number >= 0"),
    (_variogram, "params.structures", {"type": "spherical"}, r"'params.structures' is an object; expected a list"),
    (_variogram, "params.structures.1.ranges", [100, 80], r"'params.structures, item 1.ranges' is a list of 2 items"),
    (_variogram, "params.structures.1.ranges.2", -5, r"'params.structures, item 1.ranges, item 2' is the number -5; "
                                                     r"expected a number > 0"),
    (_variogram, "params.structures.1.type", "cubic", r"expected one of 'spherical', 'exponential', 'gaussian'"),
    (_variogram, "params.structures.1.sill", DELETE, r"'params.structures, item 1.sill' is missing"),
    (_variogram, "format_version", "1", r"'format_version' is the text '1'; expected a whole number"),
    (_variogram, "checksum_sha256", None, r"'checksum_sha256' is null; expected a text"),
    (_boxcox, "params.per_field.b.lambda", "x", r"'params.per_field.b.lambda' is the text 'x'; expected a number"),
    (_boxcox, "params.per_field", ["a"], r"'params.per_field' is a list of 1 items; expected an object"),
    (_boxcox, "params.per_field.c.n", 2.5, r"'params.per_field.c.n' is the number 2.5; expected a whole number >= 0"),
    (_boxcox, "params.lambda_rule", DELETE, r"'params.lambda_rule' is missing; expected one of 'mle', 'given'"),
    (_fusion, "params.n_components", 0, r"'params.n_components' is the number 0; expected a whole number >= 1 "
                                        r"<= 100 or null"),
    (_fusion, "params.variance_threshold", 1.5, r"'params.variance_threshold' is the number 1.5"),
    (_fusion, "params.columns", "a,b,c", r"'params.columns' is the text 'a,b,c'; expected a list"),
    (_fusion, "params.drop_constant", "no", r"'params.drop_constant' is the text 'no'; expected true or false"),
    (_fusion, "params.rff_features", 2, r"array 'means' holds float64 of shape \(7,\); expected numbers of shape 5"),
    (_imputation, "params.k", True, r"'params.k' is true; expected a whole number >= 1"),
    (_imputation, "params.spatial_weight", 2, r"'params.spatial_weight' is the number 2; expected a number >= 0 "
                                              r"<= 1"),
    (_imputation, "params.weights", "gaussian", r"'params.weights' is the text 'gaussian'; expected one of "
                                                r"'distance', 'uniform'"),
    (_imputation, "params.crs", "EPSG:32648", r"'params.crs' is the text 'EPSG:32648'; expected an object"),
    (_units, "params.field_names", None, r"'params.field_names' is null; expected an object"),
    (_units, "params.unit_field", 3, r"'params.unit_field' is the number 3; expected a text or null"),
    (_bnn, "fields", 5, r"'fields' is the number 5; expected a list"),
    (_bnn, "params.input_standardisation", None, r"'params.input_standardisation' is null; expected an object "
                                                 r"with 'mean', 'sd', 'min', 'max'"),
    (_bnn, "params.input_standardisation.sd", [1.0], r"'params.input_standardisation.sd' is a list of 1 items; "
                                                     r"expected a list of 3 items"),
    (_bnn, "params.hidden", {"layers": 4}, r"'params.hidden' is an object; expected a list of at least 1 items"),
    (_bnn, "params.target_transform.then_bounds", DELETE, r"'params.target_transform.then_bounds' is missing"),
    (_bnn, "params.spread_scale", 0, r"'params.spread_scale' is the number 0; expected a number > 0"),
    (_bnn, "params.method", "mcdropout", r"'params.method' is the text 'mcdropout'; expected one of 'bnn', "
                                         r"'ensemble'"),
    (_bnn, "params.weight_decay", -1, r"'params.weight_decay' is the number -1; expected a number >= 0 or null"),
]


def _edited(header, dotted, value):
    """`header` with the value at `dotted` (list items counted from 1)
    replaced by `value`, or its key removed for DELETE."""
    *parents, last = dotted.split(".")
    node = header
    for key in parents:
        node = node[int(key) - 1] if isinstance(node, list) else node[key]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last) - 1] = value
    else:
        node[last] = value
    return header


@pytest.mark.parametrize("writer, key, value, message", HAND_EDITS,
                         ids=[f"{w.__name__[1:]}-{k}-{'deleted' if v is DELETE else repr(v)}"[:60]
                              for w, k, v, _ in HAND_EDITS])
def test_a_hand_edited_model_file_names_the_key_and_what_it_should_hold(tmp_path, writer, key, value, message):
    path = str(tmp_path / "model.json")
    load = writer(path)
    load(path)  # the file as written loads
    header = _edited(json.loads(open(path, encoding="utf-8").read()), key, value)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(header, handle)
    with pytest.raises(ModelFileError, match=message) as caught:
        load(path)
    assert str(caught.value).startswith(path + ": ")


def test_an_arrays_file_without_an_expected_array_is_named(tmp_path):
    """A checksum rewritten to match a pruned arrays file still leaves the
    loader with a missing array: said so, not a KeyError."""
    path = str(tmp_path / "bc.json")
    X, _ = _data()
    model = BoxCox().fit(X, ["a", "b", "c"])
    header = model.save(path)
    save_model(path, "boxcox", 1, header["fields"], header["params"],
               {"lambdas": model.lambdas_, "shifts": model.shifts_})
    with pytest.raises(ModelFileError, match=r"bc.json: the arrays file lacks the array 'n'"):
        BoxCox.load(path)
    save_model(path, "boxcox", 1, header["fields"], header["params"],
               {"lambdas": model.lambdas_, "shifts": np.array(["0", "0", "0"]), "n": model.n_})
    with pytest.raises(ModelFileError, match=r"array 'shifts' holds <U1 of shape \(3,\); expected numbers of shape 3"):
        BoxCox.load(path)


def test_the_encoder_and_variogram_dicts_inside_another_file_are_checked_with_their_place():
    """The stacked network's file holds a variogram and categories; their
    messages name the place the caller gives."""
    with pytest.raises(ValueError, match=r"m.json: params.categories: 'fields' is the number 5; expected a list"):
        CategoryEncoder.from_dict({"fields": 5, "categories": {}}, "m.json: params.categories")
    with pytest.raises(ValueError, match=r"'categories.lith, item 2' is the number 3; expected a text"):
        CategoryEncoder.from_dict({"fields": ["lith"], "categories": {"lith": ["a", 3]}}, "m.json")
    with pytest.raises(ValueError, match=r"'missing' is the text 'drop'; expected one of 'category', 'error'"):
        CategoryEncoder.from_dict({"fields": ["lith"], "categories": {"lith": ["a"]}, "missing": "drop"}, "m.json")
    with pytest.raises(ValueError, match=r"v: 'structures' is missing; expected a list"):
        VariogramModel.from_dict({"nugget": 0.1}, "v")


def test_schema_specs_accept_what_they_describe():
    spec = Mapping({"a": Number(low=0, integer=True), "b": Nullable(ListOf(Text(), length=2))},
                   optional={"c": Number(above=0, high=1)})
    check_schema("f", {"a": 3, "b": None}, spec)
    check_schema("f", {"a": 0, "b": ["x", "y"], "c": 1, "extra": "kept for a newer writer"}, spec)
    for bad, where in [({"a": 3.5, "b": None}, "'a'"), ({"a": 1, "b": ["x"]}, "'b'"), ({"a": 1, "b": None, "c": 0},
                       "'c'"), ({"a": float("nan"), "b": None}, "'a'"), ({"a": 10 ** 400, "b": [1, "y"]},
                                                                          "'b, item 1'")]:
        with pytest.raises(ModelFileError, match=f"f: {where} is"):
            check_schema("f", bad, spec)


def test_a_bare_header_schema_failure_comes_before_the_checksum(tmp_path):
    path = str(tmp_path / "m.json")
    save_model(path, "thing", 1, ["a"], {"scale": 2.0}, {"x": np.zeros(2)})
    header = json.loads(open(path, encoding="utf-8").read())
    header["params"]["scale"] = "big"
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(header, handle)
    with pytest.raises(ModelFileError, match=r"'params.scale' is the text 'big'; expected a number > 0"):
        load_model(path, "thing", 1, params_schema=Mapping({"scale": Number(above=0)}))
    header["metadata"] = "yesterday"
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(header, handle)
    with pytest.raises(ModelFileError, match=r"'metadata' is the text 'yesterday'; expected an object"):
        load_model(path, "thing", 1)
