"""Cross-validation: folds by hole, every method scored on the same folds, the
table and the report."""
import numpy as np
import pytest

from ree_grade.algorithms.common.predictive import (
    Estimator,
    GaussianPredictive,
    LogNormalMixturePredictive,
    Predictive,
)
from ree_grade.algorithms.common.splits import group_kfold
from ree_grade.algorithms.geostats.ccdf import IndicatorCcdf
from ree_grade.algorithms.validation.cross_validation import cross_validate, run_cross_validation
from ree_grade.algorithms.validation.methods import METHOD_NAMES, REGISTRY, CVData, method_specs


def _drilled_field(n_holes=24, per_hole=8, seed=0):
    """Vertical holes on a lognormal field; a covariate carries part of the signal."""
    rng = np.random.default_rng(seed)
    collars = rng.uniform(0, 600, (n_holes, 2))
    xyz = np.vstack([np.column_stack([np.full(per_hole, x), np.full(per_hole, y), -np.arange(per_hole) * 5.0])
                     for x, y in collars])
    holes = np.repeat([f"H{i:02d}" for i in range(n_holes)], per_hole)
    covariate = np.sin(xyz[:, 0] / 90.0) + rng.normal(0, 0.1, len(xyz))
    grade = np.exp(0.8 * covariate + 0.3 * np.cos(xyz[:, 1] / 200.0) + 0.2 * rng.normal(size=len(xyz)))
    return xyz, grade, covariate[:, None], holes


class _TrainingMean:
    """The simplest Estimator: N(training mean, training sd) everywhere."""

    def __init__(self, calls):
        self.calls = calls

    def fit(self, X, y, groups=None):
        self.mean_, self.sd_ = float(np.mean(y)), float(np.std(y))
        self.calls.append(("fit", len(y), None if groups is None else set(groups)))
        return self

    def predictive(self, X):
        self.calls.append(("predict", len(X), None))
        return GaussianPredictive(np.full(len(X), self.mean_), np.full(len(X), self.sd_))


def test_loop_scores_every_sample_once_per_method():
    xyz, grade, covariate, holes = _drilled_field()
    folds = group_kfold(holes, 4, seed=1)
    calls = []
    assert isinstance(_TrainingMean(calls), Estimator)
    methods = {"mean": (xyz, lambda X, y: _TrainingMean(calls))}
    rows, pooled = run_cross_validation(methods, grade, folds, holes, cutoffs=[1.0])
    fits = [c for c in calls if c[0] == "fit"]
    predictions = [c for c in calls if c[0] == "predict"]
    assert len(fits) == 4 and sum(n for _, n, _ in predictions) == len(grade)
    # Each fit sees the training holes only, never a held-out one.
    for (_, n, fit_holes), (train, test) in zip(fits, folds):
        assert n == len(train) and fit_holes == set(holes[train]) and not fit_holes & set(holes[test])
    assert sorted(pooled["mean"]["index"].astype(int)) == list(range(len(grade)))
    assert [r["fold"] for r in rows] == ["1", "2", "3", "4", "all"]
    assert rows[-1]["n"] == len(grade) and "brier_1" in rows[-1]


def test_predictives_share_the_protocol_and_sd_is_the_distribution_sd():
    rng = np.random.default_rng(3)
    mu, sigma = rng.normal(0, 0.5, (4, 6)), rng.uniform(0.2, 0.6, (4, 6))
    mixture = LogNormalMixturePredictive(mu, sigma)
    # Monte Carlo sd of the equal-weight lognormal mixture.
    component = rng.integers(0, 4, 400000)
    draws = np.exp(mu[component] + sigma[component] * rng.normal(size=(400000, 6)))
    np.testing.assert_allclose(mixture.sd, draws.std(axis=0), rtol=0.03)
    ccdf = IndicatorCcdf([1.0, 2.0], [[0.3, 0.8]], 0.0, 4.0, upper="linear")
    np.testing.assert_allclose(ccdf.sd ** 2, ccdf.variance)
    for predictive in (GaussianPredictive([1.0], [2.0]), mixture, ccdf):
        assert isinstance(predictive, Predictive)


def test_registry_knows_every_method():
    # New methods go last: the Processing enum and saved models refer to methods by position.
    assert METHOD_NAMES == ("bnn", "ensemble", "ok", "mik", "gp", "network", "rk")
    # bnn floors zeros and below-detection grades itself; the plain log-scale models refuse them.
    assert {n for n, s in REGISTRY.items() if s.needs_positive_grades} == {"ensemble", "gp", "network"}
    assert {n for n, s in REGISTRY.items() if s.uses_covariates} == {"bnn", "ensemble", "gp", "network", "rk"}
    with pytest.raises(ValueError, match="unknown method"):
        method_specs(["nn"])


def test_methods_on_the_same_folds_and_covariates_help():
    xyz, grade, covariate, holes = _drilled_field()
    data = CVData(xyz, grade, covariate, holes, ["cov"])
    settings = {"bnn_epochs": 60, "gp_iterations": 60, "max_samples": 16}
    result = cross_validate(data, ["ok", "mik", "gp", "bnn"], settings, n_folds=4, seed=0, cutoffs=[1.5])
    rows = result.rows
    assert [len(test) for _, test in result.folds] == [len(test) for _, test in group_kfold(holes, 4, seed=0)]
    assert result.columns[-1] == "brier_1.5"
    pooled_rows = {r["method"]: r for r in rows if r["fold"] == "all"}
    assert set(pooled_rows) == {"ok", "mik", "gp", "bnn"}
    for name, row in pooled_rows.items():
        assert np.isfinite([row["rmse"], row["crps"], row["nll"], row["coverage90"]]).all(), name
        assert row["rmse"] < grade.std() * 1.2, name
    # The covariate carries most of the signal, which only GP and BNN see.
    assert pooled_rows["gp"]["rmse"] < pooled_rows["ok"]["rmse"]
    with pytest.raises(ValueError, match="unknown method"):
        cross_validate(data, ["nn"], {})
    with pytest.raises(ValueError, match="choose at least one method"):
        cross_validate(data, [], {})
    negative = CVData(xyz, grade - 1.0, covariate, holes, ["cov"], label="assays", target="TREO_pct")
    with pytest.raises(ValueError, match="assays: field 'TREO_pct', row .*: grade .* is not positive"):
        cross_validate(negative, ["gp"], {})
