"""Spread recalibration: one factor that stretches each target's log-space
mixture about its mean, fitted on the held-out holes, and the scores that
judge it.

A few ensemble members, or a mean-field posterior, give a predictive spread
that can be too narrow (or too wide) on new holes, and nothing in training
corrects it. One factor k (mu_s -> m + k (mu_s - m), sigma_s -> k sigma_s),
chosen so that central intervals cover their nominal share, is the smallest
such correction; it is stored in the model, so every later prediction applies
it.
"""
import numpy as np
from scipy.special import logsumexp, ndtr

from ...common.predictive import NOMINAL_LEVELS

SCALE_GRID = np.exp(np.linspace(np.log(0.2), np.log(5.0), 241))


def stretch(mu, sigma, scale):
    """Each target's mixture stretched about its mean by `scale`."""
    centre = mu.mean(axis=0, keepdims=True)
    return centre + scale * (mu - centre), scale * sigma


def pit(mu, sigma, z):
    """Mixture CDF at the observed value, per target."""
    return np.mean(ndtr((z[None, :] - mu) / sigma), axis=0)


def coverage_error(mu, sigma, z, levels=NOMINAL_LEVELS):
    """Mean |empirical - nominal| coverage of the central intervals at `levels`
    (a value inside the central level-interval has |PIT - 0.5| <= level / 2)."""
    distance = np.abs(pit(mu, sigma, z) - 0.5)
    return float(np.mean([abs(np.mean(distance <= level / 2.0) - level) for level in levels]))


def mixture_nll(mu, sigma, z):
    """Mean negative log density of z under the per-target Gaussian mixture."""
    log_density = -0.5 * ((z[None, :] - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)
    return float(-np.mean(logsumexp(log_density, axis=0) - np.log(mu.shape[0])))


def fit_spread_scale(mu, sigma, z):
    """The stretch on `SCALE_GRID` with the smallest coverage error; held-out
    NLL breaks ties, since coverage is a step function of the scale."""
    scores = [(coverage_error(*stretch(mu, sigma, s), z), mixture_nll(*stretch(mu, sigma, s), z), s)
              for s in SCALE_GRID]
    return float(min(scores)[2])

