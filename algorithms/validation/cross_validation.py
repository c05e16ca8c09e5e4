"""The cross-validation loop: every method is fitted on the training part of each
fold and scored on the held-out part, all methods on the same folds, so their
figures compare like for like.

A method is a callable `fit_predict(train_rows, test_rows)` returning a
predictive distribution (see `predictive.py`) for the test rows; `cv_methods.py`
builds them for BNN, ensemble, OK, MIK and GP.
"""
import numpy as np

from ..common.progress import check_cancelled, report_progress
from .scores import concatenate_scores, sample_scores, summarise

METRIC_ORDER = ("n", "mae", "rmse", "r2", "bias", "coverage90", "width90", "crps", "nll")


def run_cross_validation(methods, observed, folds, cutoffs=(), progress=None, should_stop=None, log=None):
    """(rows, pooled) where rows are per-method, per-fold metric dicts plus one
    pooled row per method (fold "all"), and pooled maps each method to its
    per-sample scores over all folds, with `index` (row in `observed`) and
    `fold`."""
    observed = np.asarray(observed, dtype=float)
    rows, pooled = [], {}
    steps = max(len(methods) * len(folds), 1)
    done = 0
    for name, fit_predict in methods.items():
        parts = []
        for fold, (train, test) in enumerate(folds, start=1):
            check_cancelled(should_stop)
            predictive = fit_predict(np.asarray(train), np.asarray(test))
            scores = sample_scores(predictive, observed[test], cutoffs)
            scores["index"] = np.asarray(test, dtype=float)
            scores["fold"] = np.full(len(test), float(fold))
            rows.append({"method": name, "fold": str(fold), **summarise(scores, cutoffs)})
            parts.append(scores)
            done += 1
            report_progress(progress, done / steps)
            if log is not None:
                log(f"{name}, fold {fold}: RMSE {rows[-1]['rmse']:.4g}, 90% coverage {rows[-1]['coverage90']:.3f}")
        pooled[name] = concatenate_scores(parts)
        rows.append({"method": name, "fold": "all", **summarise(pooled[name], cutoffs)})
    return rows, pooled


def metric_names(cutoffs):
    return list(METRIC_ORDER) + [f"brier_{c:g}" for c in cutoffs]
