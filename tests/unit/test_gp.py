"""Gaussian-process baseline: anisotropy, calibration, sparse path, determinism, algorithm."""
import numpy as np
import pytest

from ree_grade.algorithms.ml.gp import GPRegressor


def _field(n, seed=0):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 1000, (n, 2))
    # Fast along x, slow along y: an anisotropic field the length scales must show.
    log_grade = np.sin(xy[:, 0] / 80.0) + 0.5 * np.cos(xy[:, 1] / 400.0) + 0.05 * rng.normal(size=n)
    coords = np.column_stack([xy, np.full(n, np.nan)])
    return coords, np.exp(log_grade)


@pytest.fixture(scope="module")
def fitted():
    coords, grade = _field(260)
    return GPRegressor(iterations=80, seed=1).fit(coords[:200], grade[:200]), coords[200:], grade[200:]


def test_exact_gp_predicts_and_learns_anisotropy(fitted):
    model, coords, grade = fitted
    assert model.exact_
    summary = model.predict(coords, cutoffs=[1.5])
    rmse = np.sqrt(np.mean((summary["mean"] - grade) ** 2))
    assert rmse < 0.5 * grade.std(), rmse
    length_x, length_y = model.length_scales_
    assert length_x < length_y, model.length_scales_
    assert np.all(summary["p10"] < summary["p50"]) and np.all(summary["p50"] < summary["p90"])
    # Lognormal: the mean lies above the median.
    assert np.all(summary["mean"] > summary["p50"])
    inside = np.mean((grade >= summary["p10"]) & (grade <= summary["p90"]))
    assert 0.6 <= inside <= 0.98, inside


def test_same_seed_same_prediction(fitted):
    model, coords, _ = fitted
    coords_all, grade_all = _field(260)
    again = GPRegressor(iterations=80, seed=1).fit(coords_all[:200], grade_all[:200])
    np.testing.assert_array_equal(model.predict(coords)["mean"], again.predict(coords)["mean"])


def test_covariates_follow_the_coordinates_in_x(fitted):
    from ree_grade.algorithms.common.predictive import LogNormalMixturePredictive

    model, coords, _ = fitted
    assert model.n_coords == 3 and list(model.coord_columns_) == [0, 1]
    predictive = model.predictive(coords)
    assert isinstance(predictive, LogNormalMixturePredictive)
    np.testing.assert_allclose(predictive.mean, model.predict(coords)["mean"], rtol=1e-12)
    np.testing.assert_allclose(predictive.sd, model.predict(coords)["sd"], rtol=1e-12)
    with pytest.raises(ValueError, match="3 inputs given, the model was fitted on 2"):
        model.predict(np.column_stack([coords, np.ones(len(coords))]))
    # Two coordinate columns and a covariate: the covariate is a third ARD input.
    coords_all, grade = _field(60)
    X = np.column_stack([coords_all[:, :2], np.linspace(0, 1, 60)])
    two_d = GPRegressor(iterations=2, n_coords=2).fit(X, grade)
    assert len(two_d.length_scales_) == 3


def test_sparse_gp_above_the_exact_limit():
    coords, grade = _field(600, seed=3)
    model = GPRegressor(exact_limit=100, n_inducing=64, iterations=40, batch_size=256, seed=0)
    model.fit(coords[:500], grade[:500])
    assert not model.exact_
    mean = model.predict(coords[500:])["mean"]
    assert np.sqrt(np.mean((mean - grade[500:]) ** 2)) < 0.6 * grade[500:].std()


def test_bad_input():
    coords, grade = _field(30)
    grade[4] = 0.0
    with pytest.raises(ValueError, match="row 5: grade 0.0 is not positive"):
        GPRegressor(iterations=2).fit(coords, grade)
    with pytest.raises(ValueError, match="at least 10 samples"):
        GPRegressor(iterations=2).fit(coords[:5], np.ones(5))
    with pytest.raises(ValueError, match="constant"):
        GPRegressor(iterations=2).fit(coords, np.ones(30))
