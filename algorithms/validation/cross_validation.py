"""The cross-validation loop: every method is fitted on the training part of each
fold and scored on the held-out part, all methods on the same folds, so their
figures compare like for like.

The loop drives estimators through the `Estimator` protocol only
(`common.predictive`): a fresh estimator per fold, `fit` on the training rows,
`predictive` on the held-out ones. `cross_validate` is the one entry point the
Processing stage calls: folds, the registry's methods (`methods.py`), the loop.
"""
from dataclasses import dataclass

import numpy as np

from ..common.progress import check_cancelled, report_progress
from .methods import check_data, method_specs, with_categories
from .scores import concatenate_scores, sample_scores, summarise

METRIC_ORDER = ("n", "mae", "rmse", "r2", "bias", "coverage90", "width90", "crps", "nll")
SCHEMES = ("grouped", "stratified")


@dataclass
class CrossValidationResult:
    """rows: per-method, per-fold metric dicts plus one pooled row per method
    (fold "all"), in the table's order; columns: the metric names of a row;
    pooled: per method, the per-sample scores over all folds with `index` (row
    of the data) and `fold`, for the report; folds: the (train, test) row
    index pairs used."""

    rows: list
    columns: list
    pooled: dict
    folds: list


def cross_validate(data, method_names, settings, n_folds=5, seed=0, cutoffs=(), scheme="grouped", progress=None,
                   should_stop=None, log=None):
    """Cross-validate the registry's `method_names` on `data` (a `CVData`):
    folds grouped by hole (every sample of a hole in one fold) or random
    stratified, seeded by `seed`; `settings` for the methods' factories
    (bnn_epochs, n_members, max_samples, gp_iterations; seed and cutoffs are
    added from the arguments). Returns a `CrossValidationResult`."""
    from ..common.splits import group_kfold, stratified_kfold

    specs = method_specs(method_names)
    if not specs:
        raise ValueError("choose at least one method")
    if scheme not in SCHEMES:
        raise ValueError(f"unknown fold scheme {scheme!r}; choose from {', '.join(SCHEMES)}")
    check_data(data, specs)
    cutoffs = list(cutoffs)
    if scheme == "grouped":
        folds = group_kfold(data.holes, n_folds, seed)
    else:
        folds = stratified_kfold(data.grade, n_folds, seed)
    settings = dict(settings, seed=seed, cutoffs=cutoffs)
    methods = {}
    for spec in specs:
        X, factory = with_categories(spec, data)  # categorical covariates one-hot encoded per fold
        methods[spec.name] = (X, lambda X, y, factory=factory: factory(settings, X, y))
    rows, pooled = run_cross_validation(methods, data.grade, folds, data.holes, cutoffs, progress, should_stop, log)
    return CrossValidationResult(rows, metric_names(cutoffs), pooled, folds)


def run_cross_validation(methods, observed, folds, groups=None, cutoffs=(), progress=None, should_stop=None,
                         log=None):
    """(rows, pooled) as in `CrossValidationResult`. `methods` maps a name to
    (X, build): X the method's inputs for every row, build(X_train, y_train)
    a fresh unfitted `Estimator`; `groups` (hole ids) go to each fit."""
    observed = np.asarray(observed, dtype=float)
    rows, pooled = [], {}
    steps = max(len(methods) * len(folds), 1)
    done = 0
    for name, (X, build) in methods.items():
        parts = []
        for fold, (train, test) in enumerate(folds, start=1):
            check_cancelled(should_stop)
            train, test = np.asarray(train), np.asarray(test)
            estimator = build(X[train], observed[train])
            estimator.fit(X[train], observed[train], None if groups is None else np.asarray(groups)[train])
            predictive = estimator.predictive(X[test])
            scores = sample_scores(predictive, observed[test], cutoffs)
            scores["index"] = np.asarray(test, dtype=float)
            scores["fold"] = np.full(len(test), float(fold))
            rows.append({"method": name, "fold": str(fold), **summarise(scores, cutoffs)})
            parts.append(scores)
            done += 1
            report_progress(progress, done / steps)
            if log is not None:
                fitted = getattr(estimator, "fit_summary", None)
                log(f"{name}, fold {fold}: RMSE {rows[-1]['rmse']:.4g}, 90% coverage {rows[-1]['coverage90']:.3f}"
                    + (f"; {fitted()}" if fitted is not None else ""))
        pooled[name] = concatenate_scores(parts)
        rows.append({"method": name, "fold": "all", **summarise(pooled[name], cutoffs)})
    return rows, pooled


def metric_names(cutoffs):
    return list(METRIC_ORDER) + [f"brier_{c:g}" for c in cutoffs]
