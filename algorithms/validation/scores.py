"""Cross-validation scores of a predictive distribution, the way a resource
estimator checks an estimate: accuracy of the mean (MAE, RMSE, R2, bias) and
honesty of the spread (90% interval coverage and width, CRPS, NLL, Brier score
at cut-offs, coverage of central intervals at every nominal level).

Each held-out sample gets per-sample scores (`sample_scores`); fold and pooled
figures are means over the samples they hold (`summarise`), so pooling folds
never double-counts a sample.
"""
import numpy as np

from ..common.predictive import NOMINAL_LEVELS, crps_from_quantiles

CRPS_QUANTILES = 99
DENSITY_FLOOR = 1e-12


def sample_scores(predictive, observed, cutoffs=()):
    """Per-sample arrays: mean, the 5/50/95% quantiles, inside-interval flags at
    each nominal level, CRPS, log density and Brier terms at each cut-off."""
    y = np.asarray(observed, float)
    scores = {"observed": y, "mean": np.asarray(predictive.mean, float)}
    for level in NOMINAL_LEVELS:
        lower = predictive.quantile((1.0 - level) / 2.0)
        upper = predictive.quantile((1.0 + level) / 2.0)
        scores[f"inside_{level:g}"] = ((y >= lower) & (y <= upper)).astype(float)
        if level == 0.9:
            scores["q05"], scores["q95"] = lower, upper
    scores["q50"] = predictive.quantile(0.5)
    scores["crps"] = crps_from_quantiles(predictive, y, CRPS_QUANTILES)
    scores["log_density"] = np.maximum(predictive.logpdf(y), np.log(DENSITY_FLOOR))
    for cutoff in cutoffs:
        p_above = 1.0 - predictive.cdf(cutoff)
        scores[f"brier_{cutoff:g}"] = (p_above - (y > cutoff)) ** 2
    return scores


def summarise(scores, cutoffs=(), rows=None):
    """Mean figures over `rows` (all when None) of `sample_scores` output."""
    pick = (lambda a: a) if rows is None else (lambda a: a[rows])
    y, mean = pick(scores["observed"]), pick(scores["mean"])
    error = mean - y
    total_ss = np.sum((y - y.mean()) ** 2)
    out = {
        "n": int(len(y)),
        "mae": float(np.mean(np.abs(error))),
        "rmse": float(np.sqrt(np.mean(error**2))),
        "r2": float(1.0 - np.sum(error**2) / total_ss) if total_ss > 0 else float("nan"),
        "bias": float(np.mean(error)),
        "coverage90": float(np.mean(pick(scores["inside_0.9"]))),
        "width90": float(np.mean(pick(scores["q95"]) - pick(scores["q05"]))),
        "crps": float(np.mean(pick(scores["crps"]))),
        "nll": float(-np.mean(pick(scores["log_density"]))),
    }
    for cutoff in cutoffs:
        out[f"brier_{cutoff:g}"] = float(np.mean(pick(scores[f"brier_{cutoff:g}"])))
    return out


def calibration_curve(scores, rows=None):
    """[(nominal level, empirical coverage)] of central intervals."""
    pick = (lambda a: a) if rows is None else (lambda a: a[rows])
    return [(level, float(np.mean(pick(scores[f"inside_{level:g}"])))) for level in NOMINAL_LEVELS]


def concatenate_scores(parts):
    """Join per-fold `sample_scores` dicts in the order given."""
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
