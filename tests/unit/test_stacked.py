"""The kriging-stacked, kriging-guarded network (`ml.stacked`) and the pooled
predictive it returns (no QGIS)."""
import numpy as np
import pytest
from scipy import stats

from ree_grade.algorithms.common.predictive import GaussianPredictive, PooledPredictive, Predictive
from ree_grade.algorithms.ml.stacked import StackedNetwork, floor_grades

FAST = dict(hidden=(16, 16), epochs=80, n_members=3, max_samples=16)


def drilled(informative, n_holes=40, per_hole=8, seed=0):
    """Vertical holes over a smooth log-grade field; the covariate is the
    field's local detail (informative) or noise."""
    rng = np.random.default_rng(seed)
    collars = rng.uniform(0, 1000, size=(n_holes, 2))
    xyz = np.concatenate([np.column_stack([np.repeat(c[None], per_hole, 0), -10.0 * np.arange(per_hole)])
                          for c in collars])
    holes = np.repeat([f"H{i:02d}" for i in range(n_holes)], per_hole)
    smooth = np.sin(xyz[:, 0] / 300.0) + np.cos(xyz[:, 1] / 250.0)
    detail = rng.normal(0.0, 0.6, len(xyz))
    grade = np.exp(0.5 * smooth + detail)
    covariate = detail if informative else rng.normal(size=len(xyz))
    return np.column_stack([xyz, covariate]), grade, holes


def test_floor_counts_zeros_and_negatives():
    y, n, floor = floor_grades([0.0, -0.05, 0.4, 2.0, np.nan])
    assert (n, floor) == (2, 0.2)
    np.testing.assert_array_equal(y[:4], [0.2, 0.2, 0.4, 2.0])
    assert np.isnan(y[4])
    with pytest.raises(ValueError, match="'grade' has no positive grade"):
        floor_grades([0.0, -1.0])


def test_pooled_predictive_is_the_mixture():
    rng = np.random.default_rng(1)
    mu, sigma = rng.normal(0, 0.5, (3, 50)), rng.uniform(0.2, 0.8, (3, 50))
    normal_mean, normal_sd = rng.uniform(0.5, 2, 50), rng.uniform(0.1, 0.5, 50)
    pooled = PooledPredictive(0.3, normal_mean, normal_sd, mu, sigma)
    assert isinstance(pooled, Predictive)
    lognormal_means = np.mean(np.exp(mu + sigma**2 / 2), axis=0)
    np.testing.assert_allclose(pooled.mean, 0.3 * normal_mean + 0.7 * lognormal_means)
    for level in (0.05, 0.5, 0.95):
        np.testing.assert_allclose(pooled.cdf(pooled.quantile(level)), level, atol=1e-9)
    value = 1.3
    density = 0.3 * stats.norm.pdf(value, normal_mean, normal_sd) + 0.7 * np.mean(
        stats.lognorm.pdf(value, sigma, scale=np.exp(mu)), axis=0)
    np.testing.assert_allclose(np.exp(pooled.logpdf(value)), density, rtol=1e-9)
    plain = PooledPredictive(1.0, normal_mean, normal_sd, mu, sigma)
    np.testing.assert_allclose(plain.quantile(0.9), GaussianPredictive(normal_mean, normal_sd).quantile(0.9),
                               atol=1e-9)


@pytest.fixture(scope="module")
def fitted():
    out = {}
    for informative in (True, False):
        X, y, holes = drilled(informative)
        train = np.isin(holes, np.unique(holes)[:32])
        model = StackedNetwork(**FAST, seed=3).fit(X[train], y[train], holes[train])
        out[informative] = (model, X[~train], y[~train])
    return out


def test_informative_covariate_lowers_the_weight_on_kriging_and_the_error(fitted):
    model, X, y = fitted[True]
    kriging_only = model.kriging_.predictive(X[:, :3])
    rmse = np.sqrt(np.mean((model.predictive(X).mean - y) ** 2))
    rmse_ok = np.sqrt(np.mean((kriging_only.mean - y) ** 2))
    assert model.weight_ < 0.5
    assert rmse < 0.85 * rmse_ok


def test_noise_covariate_leaves_the_estimate_to_kriging(fitted):
    model, X, y = fitted[False]
    assert model.weight_ >= 0.6
    rmse = np.sqrt(np.mean((model.predictive(X).mean - y) ** 2))
    rmse_ok = np.sqrt(np.mean((model.kriging_.predictive(X[:, :3]).mean - y) ** 2))
    assert rmse < 1.1 * rmse_ok
    table = model.selection_
    assert [row["weight"] for row in table] == pytest.approx(np.linspace(0, 1, 11))
    assert table[-1]["score"] == pytest.approx(2.0)


def test_same_seed_same_estimate_and_zeros_are_floored():
    X, y, holes = drilled(True, n_holes=20, seed=5)
    y = y.copy()
    y[:7] = 0.0
    one = StackedNetwork(**FAST, seed=2).fit(X, y, holes)
    two = StackedNetwork(**FAST, seed=2).fit(X, y, holes)
    assert one.n_floored_ == 7
    np.testing.assert_array_equal(one.predictive(X[:30]).mean, two.predictive(X[:30]).mean)
    assert np.all(np.isfinite(one.predictive(X).quantile(0.9)))


def test_mean_never_exceeds_the_top_cut_on_the_network_side(fitted):
    model, X, _ = fitted[True]
    far = X.copy()
    far[:, 3] = 50.0  # a covariate far outside the training range
    predictive = model.predictive(far)
    assert np.all(predictive.network.mean <= model.top_cut_ * (1 + 1e-9))
