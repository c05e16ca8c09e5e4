"""Box-Cox: maximum-likelihood lambdas as scipy's, exact round trips, saved
parameter files that refuse edits and mismatches, and the Processing stage."""
import csv
import json

import numpy as np
import pytest
from scipy import stats
from test_imputation import DEPOSIT_FIELDS, _deposit_assays

from ree_grade.algorithms.geostats.boxcox import BoxCox, auto_shift, fit_lambda
from ree_grade.algorithms.io.modelfile import ModelFileError

JURA_METALS = ["Cd", "Co", "Cr", "Cu", "Ni", "Pb", "Zn"]
# scipy's lambda is Brent's optimum with xtol 1.48e-8 on a flat likelihood, so it
# moves by ~1e-8 with the summation order, which differs between a strided column
# X[:, j] and a contiguous copy. The 1e-9 comparisons therefore hand scipy the
# same contiguous 1-D array a user would pass; test_lambda_maximises_the_profile_
# likelihood checks the optimum independently of scipy's optimiser.


def _distributions():
    rng = np.random.default_rng(42)
    return {
        "lognormal": rng.lognormal(0.5, 1.0, 400),
        "gamma": rng.gamma(2.0, 3.0, 300),
        "uniform": rng.uniform(1.0, 10.0, 250),
        "normal_far_from_zero": rng.normal(50.0, 5.0, 300),
        "left_skewed": 10.0 - rng.lognormal(0.0, 0.5, 300),
    }


@pytest.mark.parametrize("name", sorted(_distributions()))
def test_lambda_and_values_match_scipy(name):
    x = _distributions()[name]
    expected, expected_lambda = stats.boxcox(x)
    model = BoxCox().fit(x, ["v"])
    assert abs(model.lambdas_[0] - expected_lambda) < 1e-9
    np.testing.assert_allclose(model.transform(x)[:, 0], expected, rtol=0, atol=1e-9)


def test_lambda_maximises_the_profile_likelihood():
    """Checked against the likelihood itself, not only against scipy's optimiser."""
    x = _distributions()["lognormal"]
    lam = fit_lambda(x)
    best = stats.boxcox_llf(lam, x)
    for step in (1e-3, 1e-2, 0.1):
        assert best >= stats.boxcox_llf(lam - step, x) and best >= stats.boxcox_llf(lam + step, x)
    grid = np.linspace(-2, 2, 401)
    assert abs(grid[np.argmax([stats.boxcox_llf(g, x) for g in grid])] - lam) <= 0.01
    # A lognormal sample is made normal by the log: lambda close to 0.
    assert abs(lam) < 0.15


def test_missing_values_are_skipped_and_stay_missing():
    x = _distributions()["gamma"].copy()
    x[[3, 50, 120]] = np.nan
    model = BoxCox().fit(x, ["v"])
    _, expected_lambda = stats.boxcox(x[np.isfinite(x)])
    assert abs(model.lambdas_[0] - expected_lambda) < 1e-9 and model.n_[0] == len(x) - 3
    y = model.transform(x)[:, 0]
    assert np.isnan(y[[3, 50, 120]]).all() and np.isfinite(np.delete(y, [3, 50, 120])).all()


def test_shift_for_zeros_matches_scipy_on_shifted_data():
    x = _distributions()["lognormal"].copy()
    x[:20] = 0.0
    model = BoxCox(shift=0.5).fit(x, ["v"])
    expected, expected_lambda = stats.boxcox(x + 0.5)
    assert abs(model.lambdas_[0] - expected_lambda) < 1e-9
    np.testing.assert_allclose(model.transform(x)[:, 0], expected, atol=1e-9)


def test_automatic_shift_rule():
    assert auto_shift(np.array([1.0, 2.0, np.nan])) == 0.0
    assert auto_shift(np.array([0.0, 0.4, 2.0])) == pytest.approx(0.2)
    assert auto_shift(np.array([-1.0, 0.4, 2.0])) == pytest.approx(1.2)
    assert auto_shift(np.array([-1.0, 0.0])) is None
    x = np.column_stack([[0.0, 0.4, 2.0, 3.0], [1.0, 2.0, 5.0, 9.0]])
    model = BoxCox(shift="auto").fit(x, ["a", "b"])
    np.testing.assert_allclose(model.shifts_, [0.2, 0.0])


def test_round_trip_to_1e9():
    rng = np.random.default_rng(7)
    X = np.column_stack([rng.lognormal(2.0, 1.2, 500), rng.gamma(1.5, 2.0, 500), rng.uniform(0.0, 3.0, 500)])
    model = BoxCox(shift={"a": 0.0, "b": 0.0, "c": 0.1}).fit(X, ["a", "b", "c"])
    back = model.inverse_transform(model.transform(X))
    np.testing.assert_allclose(back, X, rtol=1e-9, atol=1e-9)
    assert model.out_of_domain_ == {"a": 0, "b": 0, "c": 0}


def test_lambda_zero_is_the_log():
    x = np.array([0.5, 1.0, 2.0, 10.0])
    model = BoxCox(shift=1.0, lmbda=0.0).fit(x, ["v"])
    np.testing.assert_allclose(model.transform(x)[:, 0], np.log(x + 1.0), atol=1e-15)
    np.testing.assert_allclose(model.inverse_transform(np.log(x + 1.0))[:, 0], x, atol=1e-12)


def test_inverse_outside_the_domain_is_missing_and_counted():
    model = BoxCox(lmbda=0.5).fit(np.array([1.0, 2.0, 4.0]), ["v"])
    back = model.inverse_transform(np.array([-3.0, -2.0, 0.0, 2.0]))[:, 0]
    assert np.isnan(back[:2]).all()
    np.testing.assert_allclose(back[2:], [1.0, 4.0])
    assert model.out_of_domain_ == {"v": 2}


def test_non_positive_without_shift_names_field_and_row():
    X = np.column_stack([[1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 0.0, 5.0]])
    with pytest.raises(ValueError, match=r"assays: field 'Ce', row 3: value 0 plus shift 0 is not positive"):
        BoxCox().fit(X, ["La", "Ce"], table="assays")


def test_all_missing_and_constant_fields_are_errors():
    with pytest.raises(ValueError, match=r"field 'La' has no values"):
        BoxCox().fit(np.full(5, np.nan), ["La"], table="assays")
    with pytest.raises(ValueError, match=r"field 'La' has 1 distinct value"):
        BoxCox().fit(np.full(5, 2.0), ["La"], table="assays")


def test_saved_file_round_trip(tmp_path):
    X = np.column_stack([_distributions()["lognormal"][:250], _distributions()["uniform"]])
    model = BoxCox(shift={"a": 0.0, "b": 0.25}).fit(X, ["a", "b"])
    path = tmp_path / "bc.json"
    model.save(str(path))
    header = json.loads(path.read_text())
    assert header["kind"] == "boxcox" and header["fields"] == ["a", "b"]
    assert header["params"]["per_field"]["b"] == {
        "lambda": float(model.lambdas_[1]), "shift": 0.25, "n": 250,
    }
    loaded = BoxCox.load(str(path), ["a", "b"])
    np.testing.assert_array_equal(loaded.transform(X), model.transform(X))
    np.testing.assert_allclose(loaded.inverse_transform(model.transform(X)), X, rtol=1e-9)


def test_saved_file_with_other_fields_or_edits_is_refused(tmp_path):
    X = _distributions()["gamma"][:, None]
    path = tmp_path / "bc.json"
    BoxCox().fit(X, ["La_ppm"]).save(str(path))
    with pytest.raises(ModelFileError, match=r"fields do not match .*missing \['La_ppm'\]"):
        BoxCox.load(str(path), ["Ce_ppm"])
    with np.load(tmp_path / "bc.npz") as data:
        arrays = {name: data[name] for name in data.files}
    arrays["lambdas"] = arrays["lambdas"] + 0.1
    np.savez(tmp_path / "bc.npz", **arrays)
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        BoxCox.load(str(path))


def test_hand_edited_lambda_in_json_is_refused(tmp_path):
    path = tmp_path / "bc.json"
    BoxCox().fit(_distributions()["gamma"], ["La_ppm"]).save(str(path))
    header = json.loads(path.read_text())
    header["params"]["per_field"]["La_ppm"]["lambda"] = 0.5
    path.write_text(json.dumps(header))
    with pytest.raises(ValueError, match=r"field 'La_ppm' in the JSON does not match"):
        BoxCox.load(str(path))


def _jura_metals(data_dir):
    with open(data_dir / "jura" / "jura.pred.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return np.array([[float(row[m]) for m in JURA_METALS] for row in rows])


def test_jura_metals_match_scipy_and_lose_their_skew(data_dir):
    X = _jura_metals(data_dir)
    model = BoxCox().fit(X, JURA_METALS, table="jura")
    Y = model.transform(X)
    for j, metal in enumerate(JURA_METALS):
        expected, lam = stats.boxcox(np.ascontiguousarray(X[:, j]))
        assert abs(model.lambdas_[j] - lam) < 1e-9, metal
        np.testing.assert_allclose(Y[:, j], expected, atol=1e-9)
        assert abs(stats.skew(Y[:, j])) <= abs(stats.skew(X[:, j])) + 1e-12, metal
    # Cu and Pb are the strongly right-skewed Jura metals.
    for metal in ("Cu", "Pb"):
        j = JURA_METALS.index(metal)
        assert stats.skew(X[:, j]) > 1.5 and abs(stats.skew(Y[:, j])) < 0.3
    np.testing.assert_allclose(model.inverse_transform(Y), X, rtol=1e-9)


@pytest.mark.slow
def test_sample_deposit_assays_with_below_detection_values():
    """Assays as a lab reports them: '<0.5' and '-0.5' read as half the limit, gaps skipped."""
    X, _ = _deposit_assays()
    assert np.isnan(X).any()
    model = BoxCox(shift="auto").fit(X, DEPOSIT_FIELDS, table="assays")
    Y = model.transform(X)
    for j, field in enumerate(DEPOSIT_FIELDS):
        observed = np.isfinite(X[:, j])
        expected, lam = stats.boxcox(X[observed, j] + model.shifts_[j])
        assert abs(model.lambdas_[j] - lam) < 1e-9, field
        np.testing.assert_allclose(Y[observed, j], expected, atol=1e-9)
        assert np.isnan(Y[~observed, j]).all()
    np.testing.assert_allclose(model.inverse_transform(Y), X, rtol=1e-9, atol=1e-9)
