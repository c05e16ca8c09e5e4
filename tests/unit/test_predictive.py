"""Quantiles of the predictive distributions: safeguarded Newton must find
the level on its CDF everywhere, including mixtures whose modes lie far apart
(where plain Newton creeps across the flat stretch between them)."""
import numpy as np
import pytest

from ree_grade.algorithms.common.predictive import LogNormalMixturePredictive, PooledPredictive


def random_parts(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    mu = rng.normal(0.0, 1.0, (5, n))
    sigma = rng.uniform(0.05, 1.5, (5, n))
    return np.exp(rng.normal(0.0, 1.0, n)), rng.uniform(0.01, 3.0, n), mu, sigma


def bisection(cdf, low, high, level, steps=200):
    for _ in range(steps):
        middle = 0.5 * (low + high)
        below = cdf(middle) < level
        low, high = np.where(below, middle, low), np.where(below, high, middle)
    return 0.5 * (low + high)


@pytest.mark.parametrize("level", [0.05, 0.1, 0.5, 0.9, 0.95])
def test_mixture_quantile_hits_its_level_where_modes_are_far_apart(level):
    _, _, mu, sigma = random_parts(n=40000)  # enough draws to hold such mixtures
    predictive = LogNormalMixturePredictive(mu, sigma)
    quantile = predictive.quantile(level)
    assert np.max(np.abs(predictive.cdf(quantile) - level)) < 1e-10


@pytest.mark.parametrize("weight", [0.0, 0.3, 0.7, 1.0])
@pytest.mark.parametrize("level", [0.05, 0.5, 0.95])
def test_pooled_quantile_inverts_the_pooled_cdf(weight, level):
    mean, sd, mu, sigma = random_parts(seed=1)
    pooled = PooledPredictive(weight, mean, sd, mu, sigma)
    quantile = pooled.quantile(level)
    assert np.max(np.abs(pooled.cdf(quantile) - level)) < 1e-10
    reference = bisection(pooled.cdf, np.full_like(mean, -50.0), np.full_like(mean, 500.0), level)
    assert np.max(np.abs(quantile - reference) / np.abs(reference)) < 1e-6


def test_pooled_quantile_takes_one_weight_per_target():
    mean, sd, mu, sigma = random_parts(n=500, seed=2)
    weight = np.linspace(0.0, 1.0, 500)
    quantile = PooledPredictive(weight, mean, sd, mu, sigma).quantile(0.9)
    for i in (0, 137, 499):
        single = PooledPredictive(weight[i], mean[i:i + 1], sd[i:i + 1], mu[:, i:i + 1], sigma[:, i:i + 1])
        assert quantile[i] == pytest.approx(single.quantile(0.9)[0], rel=1e-9)
