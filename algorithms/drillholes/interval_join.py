"""Join log intervals onto sample intervals of the same hole by depth overlap.

Numeric log fields become the overlap-length-weighted mean of the log intervals
a sample overlaps (logs with a missing value drop out of that field's mean);
text (class) fields take the value with the largest total overlap, ties to the
shallower. A sample with no overlapping log gets NaN / None. A sample of zero
length (a point sample, from = to) takes the log interval containing its depth
(from <= depth < to; the hole's deepest interval also holds its bottom depth).
`log_cover` is the fraction of each sample's length that logs cover (1 or 0 for
point samples), so a user can see where the join had little to go on.
"""
import math

import numpy as np

from ..common.progress import check_cancelled, report_progress


def _depths(hole, start, end, table, names):
    hole = ["" if h is None else str(h) for h in hole]
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    for row in range(len(hole)):
        a, b = start[row], end[row]
        if math.isnan(a) or math.isnan(b):
            raise ValueError(f"{table}: row {row + 1}: '{names[0]}' or '{names[1]}' is missing")
        if b < a:
            raise ValueError(f"{table}: row {row + 1}: '{names[1]}' {b:g} is above '{names[0]}' {a:g}")
    return np.array(hole, dtype=object), start, end


def overlap_matrix(s_from, s_to, l_from, l_to):
    """(n samples, n logs) overlap lengths; point samples get 1 for the log holding them."""
    overlap = np.clip(np.minimum(s_to[:, None], l_to[None, :]) - np.maximum(s_from[:, None], l_from[None, :]), 0, None)
    points = s_to == s_from
    if points.any():
        bottom = l_to.max()
        inside = (l_from[None, :] <= s_from[points, None]) & (
            (s_from[points, None] < l_to[None, :]) | ((l_to[None, :] == bottom) & (s_from[points, None] == bottom))
        )
        overlap[points] = inside.astype(float)
    return overlap


def join_intervals(log_hole, log_from, log_to, log_values, sample_hole, sample_from, sample_to,
                   progress=None, should_stop=None, log_table="log intervals", sample_table="samples",
                   log_names=("from", "to"), sample_names=("from", "to")):
    """{field: array over samples} for every field of `log_values` ({field: sequence
    over logs}; float arrays are averaged, object/str arrays take the majority),
    plus `log_cover`."""
    lh, lf, lt = _depths(log_hole, log_from, log_to, log_table, log_names)
    sh, sf, st = _depths(sample_hole, sample_from, sample_to, sample_table, sample_names)
    columns = {name: np.asarray(values) for name, values in log_values.items()}
    numeric = {name: np.issubdtype(v.dtype, np.number) for name, v in columns.items()}
    out = {name: (np.full(len(sh), np.nan) if numeric[name] else np.full(len(sh), None, dtype=object))
           for name in columns}
    out["log_cover"] = np.zeros(len(sh))
    holes = sorted(set(sh))
    for done, hole in enumerate(holes):
        check_cancelled(should_stop)
        samples = np.flatnonzero(sh == hole)
        logs = np.flatnonzero(lh == hole)
        logs = logs[np.argsort(lf[logs], kind="stable")]
        if len(logs):
            weights = overlap_matrix(sf[samples], st[samples], lf[logs], lt[logs])
            _fill(out, columns, numeric, samples, logs, weights, sf, st)
        report_progress(progress, (done + 1) / len(holes))
    return out


def _fill(out, columns, numeric, samples, logs, weights, s_from, s_to):
    length = s_to[samples] - s_from[samples]
    covered = weights.sum(axis=1)
    out["log_cover"][samples] = np.where(length > 0, covered / np.where(length > 0, length, 1), covered > 0)
    for name, values in columns.items():
        column = values[logs]
        if numeric[name]:
            known = ~np.isnan(column.astype(float))
            w = weights * known[None, :]
            total = w.sum(axis=1)
            mean = (w @ np.where(known, column, 0.0)) / np.where(total > 0, total, 1)
            out[name][samples] = np.where(total > 0, mean, np.nan)
        else:
            out[name][samples] = _majority(column, weights)


def _majority(column, weights):
    """Per sample, the class with the largest total overlap (None never wins);
    logs come sorted by depth, so a tie goes to the shallower class."""
    result = np.full(weights.shape[0], None, dtype=object)
    classes = [c for c in dict.fromkeys(column) if c is not None and c == c]
    if not classes:
        return result
    totals = np.stack([weights[:, column == c].sum(axis=1) for c in classes], axis=1)
    best = totals.argmax(axis=1)
    has = totals.max(axis=1) > 0
    result[has] = np.array(classes, dtype=object)[best[has]]
    return result
