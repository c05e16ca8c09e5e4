"""Regression kriging: a linear trend on the covariates plus OK of its residuals."""
import numpy as np
import pytest

from ree_grade.algorithms.geostats.kriging import OrdinaryKriging
from ree_grade.algorithms.geostats.regression_kriging import RegressionKriging
from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel


def _field(n, seed):
    """A smooth spatial residual (sum of waves) on random 2D points, and a
    covariate that varies from sample to sample with no spatial structure."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 1000, size=(n, 2))
    smooth = np.sin(xy[:, 0] / 150.0) + np.cos(xy[:, 1] / 200.0)
    covariate = rng.normal(size=n)
    return np.column_stack([xy, np.zeros(n)]), covariate, smooth


def test_uses_the_covariate_kriging_cannot_see():
    xyz, covariate, smooth = _field(600, seed=3)
    y = 5.0 + 2.0 * covariate + smooth
    train, test = np.arange(400), np.arange(400, 600)
    X = np.column_stack([xyz, covariate])
    rk = RegressionKriging(max_samples=16).fit(X[train], y[train])
    ok = OrdinaryKriging(None, None, 1, 16).fit(xyz[train], y[train])
    rk_rmse = np.sqrt(np.mean((rk.predictive(X[test]).mean - y[test]) ** 2))
    ok_rmse = np.sqrt(np.mean((ok.predictive(xyz[test]).mean - y[test]) ** 2))
    trend_rmse = np.sqrt(np.mean((rk.trend(X[test]) - y[test]) ** 2))
    assert rk_rmse < 0.5 * ok_rmse  # OK sees no covariate: its error is the covariate's 2 sd
    assert rk_rmse < 0.5 * trend_rmse  # the residuals' spatial part is kriged, not left in
    assert rk.coef_[0] / rk.scale_[0] == pytest.approx(2.0, rel=0.05)


def test_without_covariates_is_a_drift_plus_kriged_residuals():
    xyz, _, smooth = _field(300, seed=5)
    y = 0.01 * xyz[:, 0] + smooth
    rk = RegressionKriging(max_samples=16, n_coords=3).fit(xyz, y)
    predictive = rk.predictive(xyz[:10] + 1.0)
    assert np.all(np.isfinite(predictive.mean)) and np.all(predictive.sd > 0)
    assert rk.coef_[-1] == 0.0  # the constant z of 2D data carries no weight
    assert rk.coef_[0] / rk.scale_[0] == pytest.approx(0.01, rel=0.3)


def test_given_search_and_holes_reach_the_kriging():
    xyz, covariate, smooth = _field(200, seed=7)
    holes = (np.arange(200) // 4).astype(str)
    rk = RegressionKriging(max_samples=8, max_per_hole=2).fit(np.column_stack([xyz, covariate]), smooth, holes)
    assert rk.kriging_.max_per_hole == 2 and rk.kriging_.max_samples == 8


def test_too_few_samples_is_a_clear_error():
    X = np.array([[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, np.nan]])
    with pytest.raises(ValueError, match="at least 3 samples"):
        RegressionKriging(label="assays").fit(X, np.array([1.0, 2.0]))


def test_a_given_variogram_is_not_needed_but_residual_variogram_is_fitted_per_fit():
    xyz, covariate, smooth = _field(300, seed=9)
    X = np.column_stack([xyz, covariate])
    first = RegressionKriging().fit(X, 10 * covariate + smooth).kriging_.model_
    second = RegressionKriging().fit(X, 10 * covariate + 3 * smooth).kriging_.model_
    assert isinstance(first, VariogramModel) and isinstance(first.structures[0], Structure)
    assert second.total_sill > 2 * first.total_sill  # fitted to the residuals, which are 3x larger


def test_in_cross_validation_it_uses_a_categorical_domain():
    from ree_grade.algorithms.validation.cross_validation import cross_validate
    from ree_grade.algorithms.validation.methods import CVData

    xyz, _, smooth = _field(300, seed=11)
    domain = np.where(np.random.default_rng(2).random(300) < 0.5, "granite", "breccia")
    y = smooth + np.where(domain == "breccia", 3.0, 0.0)
    data = CVData(xyz, y, None, np.arange(300).astype(str), categories={"lith": domain})
    rows = {r["method"]: r for r in cross_validate(data, ["ok", "rk"], {}, n_folds=3, seed=0).rows
            if r["fold"] == "all"}
    assert rows["rk"]["rmse"] < 0.6 * rows["ok"]["rmse"]
