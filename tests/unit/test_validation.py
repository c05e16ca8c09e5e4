"""Scores of predictive distributions, checked against closed forms."""
import numpy as np
import pytest
from scipy.stats import lognorm, norm

from ree_grade.algorithms.common.predictive import (
    GaussianPredictive,
    LogNormalMixturePredictive,
    cutoff_field,
    lognormal_mixture_summary,
    parse_cutoffs,
)
from ree_grade.algorithms.validation.scores import calibration_curve, sample_scores, summarise


def test_crps_of_a_gaussian_matches_the_closed_form():
    rng = np.random.default_rng(0)
    mean, sd = rng.normal(size=50), rng.uniform(0.5, 2.0, 50)
    y = rng.normal(size=50)
    z = (y - mean) / sd
    exact = sd * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / np.sqrt(np.pi))
    scores = sample_scores(GaussianPredictive(mean, sd), y)
    np.testing.assert_allclose(scores["crps"], exact, rtol=2e-3, atol=1e-4)
    np.testing.assert_allclose(scores["log_density"], norm.logpdf(y, mean, sd), rtol=1e-12)


def test_calibrated_forecast_covers_at_nominal_levels_and_an_overconfident_one_does_not():
    rng = np.random.default_rng(1)
    mean = rng.normal(size=20000)
    y = mean + rng.normal(size=20000)
    calibrated = summarise(sample_scores(GaussianPredictive(mean, np.ones_like(mean)), y, [0.5]), [0.5])
    assert calibrated["coverage90"] == pytest.approx(0.9, abs=0.01)
    assert calibrated["width90"] == pytest.approx(2 * 1.6449, rel=1e-3)
    assert calibrated["bias"] == pytest.approx(0.0, abs=0.03)
    assert calibrated["r2"] == pytest.approx(0.5, abs=0.03)
    narrow_scores = sample_scores(GaussianPredictive(mean, 0.3 * np.ones_like(mean)), y, [0.5])
    narrow = summarise(narrow_scores, [0.5])
    assert narrow["coverage90"] < 0.5
    assert narrow["nll"] > calibrated["nll"] and narrow["crps"] > calibrated["crps"]
    assert narrow["brier_0.5"] > calibrated["brier_0.5"]
    for level, covered in calibration_curve(narrow_scores):
        assert covered < level


def test_lognormal_mixture_against_scipy():
    mu = np.array([[0.0, 1.0], [0.5, 1.0]])
    sigma = np.array([[0.4, 0.3], [0.6, 0.3]])
    predictive = LogNormalMixturePredictive(mu, sigma)
    for target in range(2):
        parts = [lognorm(s=sigma[k, target], scale=np.exp(mu[k, target])) for k in range(2)]
        q = predictive.quantile(0.8)[target]
        assert np.mean([p.cdf(q) for p in parts]) == pytest.approx(0.8, abs=1e-10)
        assert predictive.cdf(2.0)[target] == pytest.approx(np.mean([p.cdf(2.0) for p in parts]))
        expected = np.log(np.mean([p.pdf(1.3) for p in parts]))
        assert predictive.logpdf(np.array([1.3, 1.3]))[target] == pytest.approx(expected)
        assert predictive.mean[target] == pytest.approx(np.mean([p.mean() for p in parts]))


def test_summary_back_transform_is_exp_mu_plus_half_sigma_squared():
    summary = lognormal_mixture_summary(np.array([1.0]), np.array([0.5]), cutoffs=[3.0])
    distribution = lognorm(s=0.5, scale=np.e)
    assert summary["mean"][0] == pytest.approx(np.exp(1.0 + 0.125))
    assert summary["sd"][0] == pytest.approx(distribution.std())
    assert summary["p10"][0] == pytest.approx(distribution.ppf(0.1), rel=1e-9)
    assert summary["p_gt_3"][0] == pytest.approx(distribution.sf(3.0))


def test_cutoff_names():
    assert parse_cutoffs("1.5, 0.5;3") == [0.5, 1.5, 3.0]
    assert cutoff_field("bnn", 1.5) == "bnn_p_gt_1_5"
    with pytest.raises(ValueError, match="'abc' is not a number"):
        parse_cutoffs("1, abc")
    with pytest.raises(ValueError, match="not a positive grade"):
        parse_cutoffs("-1")
