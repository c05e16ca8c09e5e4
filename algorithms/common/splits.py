"""Train/validation splits for drillhole data.

Neighbouring intervals of one hole are nearly copies of each other, so a split
by random rows puts a sample's twin on the other side and flatters any
estimator. Early stopping, recalibration and cross-validation therefore split
by hole (`group_kfold`, `group_holdout`): every sample of a hole lands on the
same side. `stratified_kfold` is the random k-fold stratified by grade of the
original method, kept to reproduce its figures and to show how much row-wise
splitting flatters them.

Folds are lists of (train_rows, test_rows) index arrays, like scikit-learn's.
"""
import numpy as np


def group_labels(groups, label="input", field="group"):
    """(labels, inverse): the distinct groups in first-seen order and each row's
    index into them. A missing group (None, empty text, NaN) is an error naming
    the row, because a row without a hole cannot be kept on one side."""
    keys = []
    for row, value in enumerate(groups):
        if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
            raise ValueError(f"{label}: field '{field}', row {row + 1}: the group (hole) is missing")
        keys.append(str(value))
    text = np.asarray(keys, dtype=object).astype(str)
    labels, first, inverse = np.unique(text, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return labels[order], rank[inverse]


def group_kfold(groups, n_folds=5, seed=0):
    """K folds by group with balanced sample counts: groups are shuffled with
    `seed`, then dealt largest first to the fold that holds the fewest samples
    so far (ties by the shuffled order)."""
    _, inverse = group_labels(groups)
    n_groups = int(inverse.max()) + 1 if len(inverse) else 0
    if n_folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {n_folds}")
    if n_groups < n_folds:
        raise ValueError(f"{n_folds} folds need at least {n_folds} groups (holes), got {n_groups}")
    sizes = np.bincount(inverse, minlength=n_groups)
    shuffled = np.random.default_rng(seed).permutation(n_groups)
    # A stable sort keeps the shuffled order among groups of equal size.
    dealing = shuffled[np.argsort(-sizes[shuffled], kind="stable")]
    fold_of_group = np.empty(n_groups, dtype=int)
    load = np.zeros(n_folds, dtype=int)
    for group in dealing:
        fold = int(np.argmin(load))
        fold_of_group[group] = fold
        load[fold] += sizes[group]
    fold_of_row = fold_of_group[inverse]
    rows = np.arange(len(inverse))
    return [(rows[fold_of_row != k], rows[fold_of_row == k]) for k in range(n_folds)]


def group_holdout(groups, fraction=0.2, seed=0):
    """(train_rows, holdout_rows): whole groups, shuffled with `seed`, are held
    out until the held-out share of samples is as close to `fraction` as whole
    groups allow; at least one group goes to each side."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"the held-out fraction must lie between 0 and 1, got {fraction}")
    _, inverse = group_labels(groups)
    n_groups = int(inverse.max()) + 1 if len(inverse) else 0
    if n_groups < 2:
        raise ValueError(f"a split by group needs at least 2 groups (holes), got {n_groups}")
    sizes = np.bincount(inverse, minlength=n_groups)
    order = np.random.default_rng(seed).permutation(n_groups)
    cumulative = np.cumsum(sizes[order])
    goal = fraction * len(inverse)
    n_held = int(np.argmin(np.abs(cumulative - goal))) + 1
    n_held = min(max(n_held, 1), n_groups - 1)
    held = np.zeros(n_groups, dtype=bool)
    held[order[:n_held]] = True
    rows = np.arange(len(inverse))
    return rows[~held[inverse]], rows[held[inverse]]


def stratified_kfold(y, n_folds=5, seed=0):
    """Random k-fold stratified by grade: rows sorted by `y` are cut into
    consecutive blocks of `n_folds`, and each block deals one row to each fold
    in a random order, so every fold spans the whole grade distribution.
    Row-wise: use it only to compare with the original method's figures."""
    y = np.asarray(y, dtype=float)
    if n_folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {n_folds}")
    if len(y) < n_folds:
        raise ValueError(f"{n_folds} folds need at least {n_folds} samples, got {len(y)}")
    if not np.all(np.isfinite(y)):
        row = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueError(f"row {row + 1}: the value to stratify on is missing")
    rng = np.random.default_rng(seed)
    order = np.argsort(y, kind="stable")
    fold_of_row = np.empty(len(y), dtype=int)
    for start in range(0, len(y), n_folds):
        block = order[start:start + n_folds]
        fold_of_row[block] = rng.permutation(n_folds)[: len(block)]
    rows = np.arange(len(y))
    return [(rows[fold_of_row != k], rows[fold_of_row == k]) for k in range(n_folds)]
