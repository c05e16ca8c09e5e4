"""HyperScore: the method's value score of a target from the probability V that
its grade exceeds a cut-off.

    HyperScore = 100 * (1 + sigmoid(beta * ln V + gamma) ** kappa)

with beta = 5, gamma = -ln 2, kappa = 2 by default. Because ln V <= 0 for V in
[0, 1] and sigmoid is increasing, the inner sigmoid lies in (0, sigmoid(gamma)],
so the score is bounded: with the defaults sigmoid(-ln 2) = 1/3 and HyperScore
ranges from 100 (V -> 0) to 100 * (1 + 1/9) = 111.11 (V = 1). `score_range`
gives the bounds for any parameters; `normalised_score` maps the score linearly
onto 0-100 over that range, which is easier to read on a map.

V comes from a probability field (BNN or MIK `p_gt_<cut-off>`) or, for an
estimator that gives a mean and a spread (OK's estimate and kriging variance),
from a normal or lognormal distribution with those moments.
"""
import numpy as np

from ..common.optional import optional_import


def expit(x):
    # scipy is imported when a score is computed, never at plugin load (issue 14).
    return optional_import("scipy.special").expit(x)


def _normal_sf(z):
    return optional_import("scipy.special").ndtr(-np.asarray(z, dtype=float))

DEFAULT_BETA = 5.0
DEFAULT_GAMMA = -np.log(2.0)
DEFAULT_KAPPA = 2.0


def _check_parameters(beta, kappa):
    if not beta > 0:
        raise ValueError(f"beta must be positive, got {beta}")
    if not kappa > 0:
        raise ValueError(f"kappa must be positive, got {kappa}")


def hyperscore(probability, beta=DEFAULT_BETA, gamma=DEFAULT_GAMMA, kappa=DEFAULT_KAPPA, label="V"):
    """Score per element of `probability`; NaN stays NaN. Values outside [0, 1]
    raise a ValueError naming the first offending (1-based) row."""
    _check_parameters(beta, kappa)
    v = np.asarray(probability, dtype=float)
    bad = np.flatnonzero(np.isfinite(v) & ((v < 0) | (v > 1)))
    if bad.size:
        raise ValueError(f"{label}: row {bad[0] + 1} has probability {v[bad[0]]}, outside [0, 1]")
    with np.errstate(divide="ignore"):
        inner = expit(beta * np.log(v) + gamma)
    return 100.0 * (1.0 + inner**kappa)


def score_range(beta=DEFAULT_BETA, gamma=DEFAULT_GAMMA, kappa=DEFAULT_KAPPA):
    """(lowest, highest) score reachable for V in [0, 1]."""
    _check_parameters(beta, kappa)
    return 100.0, 100.0 * (1.0 + expit(gamma) ** kappa)


def normalised_score(score, beta=DEFAULT_BETA, gamma=DEFAULT_GAMMA, kappa=DEFAULT_KAPPA):
    low, high = score_range(beta, gamma, kappa)
    return 100.0 * (np.asarray(score, dtype=float) - low) / (high - low)


def exceedance_probability(mean, sd, cutoff, distribution="normal"):
    """P(grade > cutoff) for a normal, or a lognormal with the given mean and sd
    of the grade itself (moment-matched), as OK's estimate and variance give."""
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    if np.any(sd[np.isfinite(sd)] < 0):
        raise ValueError("a standard deviation is negative")
    with np.errstate(divide="ignore", invalid="ignore"):
        if distribution == "normal":
            p = _normal_sf((cutoff - mean) / sd)
            degenerate = sd == 0
            p = np.where(degenerate, (mean > cutoff).astype(float), p)
        elif distribution == "lognormal":
            if cutoff <= 0:
                raise ValueError("a lognormal exceedance needs a positive cut-off")
            sigma2 = np.log1p((sd / mean) ** 2)
            mu = np.log(mean) - sigma2 / 2.0
            p = _normal_sf((np.log(cutoff) - mu) / np.sqrt(sigma2))
            p = np.where(sd == 0, (mean > cutoff).astype(float), p)
            p = np.where(mean <= 0, 0.0, p)
        else:
            raise ValueError(f"unknown distribution {distribution!r}; use 'normal' or 'lognormal'")
    return np.where(np.isfinite(mean) & np.isfinite(sd), p, np.nan)


def sd_from_variance(variance, label, field):
    """Standard deviations from a variance column (NaN stays NaN); a negative
    variance raises naming the layer (`label`), field and 1-based row."""
    variance = np.asarray(variance, dtype=float)
    negative = np.flatnonzero(variance < 0)
    if negative.size:
        raise ValueError(f"{label}: field '{field}', row {negative[0] + 1}: negative variance")
    return np.sqrt(variance)


def exceedance_from_spread(mean, spread, cutoff, distribution, spread_is_variance, label, spread_field):
    """V = P(grade > cutoff) from a mean and a spread column that is a standard
    deviation or (`spread_is_variance`) a variance (`sd_from_variance`), under a
    normal or moment-matched lognormal (`exceedance_probability`)."""
    sd = sd_from_variance(spread, label, spread_field) if spread_is_variance else spread
    return exceedance_probability(mean, sd, cutoff, distribution)
