"""Fixed-length compositing: assays of unequal lengths turned into composites of
one length per hole (and per domain run), as geostatistics wants samples of
equal support.

Grades are length-weighted over the part of each composite where they were
measured, so a missing assay lowers a composite's coverage, never its grade;
text fields take the value covering most length. A composite never straddles a
domain boundary, and the residual piece at the end of a run follows a stated
rule (keep, discard, merge or distribute), the choices resource geologists
argue about.
"""
import numpy as np

from ..common.parsing import parse_numeric
from ..common.progress import check_cancelled, report_progress
from .geometry import direction_vectors, interpolate_along_holes, plunge_from_dip, rows_by_hole
from .tables import DEPTH_TOLERANCE_M, check_depth_order

RESIDUAL_RULES = ("keep", "discard", "merge", "distribute")


# --- compositing --------------------------------------------------------------------
def composite_intervals(start, end, length, residual="discard", threshold=0.5):
    """(from, to) arrays of composites laid from `start` to `end`.

    Residual rules for the end piece shorter than `length`: keep it as a short
    composite; discard it when shorter than `threshold` x length (kept
    otherwise); merge it into the previous composite when shorter than
    `threshold` x length (kept otherwise); or distribute: equal composites of
    the length closest to `length` that fit the run exactly."""
    if residual not in RESIDUAL_RULES:
        raise ValueError(f"unknown residual rule {residual!r}; use one of {RESIDUAL_RULES}")
    if not length > 0:
        raise ValueError(f"the composite length must be positive, got {length}")
    run = end - start
    if residual == "distribute":
        n = max(1, int(round(run / length)))
        edges = start + run * np.arange(n + 1) / n
        return edges[:-1], edges[1:]
    n_full = int(np.floor(run / length + 1e-9))
    edges = list(start + length * np.arange(n_full + 1))
    rest = end - edges[-1]
    if rest > 1e-9:
        short = rest < threshold * length
        if residual == "merge" and short and n_full > 0:
            edges[-1] = end
        elif not (residual == "discard" and short):
            edges.append(end)
    edges = np.array(edges)
    return edges[:-1], edges[1:]


def composite(table, holes, start, end, numeric, text=None, domain=None, length=2.0, residual="discard",
              threshold=0.5, min_coverage=0.5, progress=None, should_stop=None, depth_columns=("from", "to")):
    """Length-weighted composites within each hole (and domain run).

    `numeric` {name: floats} is averaged with weights = overlap length where the
    value is present, so a missing value lowers that field's support, never
    its grade; `text` {name: texts} takes the value covering most length.
    Composites covering less than `min_coverage` of their length with samples
    are dropped; `depth_columns` names the from/to columns in messages.
    Returns {"hole", "from", "to", "length", "coverage", "domain", "numeric",
    "text", "dropped"}."""
    text = text or {}
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    check_depth_order(table, start, end, depth_columns)
    out = {"hole": [], "from": [], "to": [], "coverage": [], "domain": [],
           "numeric": [], "text": {name: [] for name in text}, "dropped": 0}
    names = list(numeric)
    if names:
        values = np.column_stack([np.asarray(numeric[name], dtype=float) for name in names])
    else:
        values = np.empty((len(start), 0))
    groups = rows_by_hole(holes)
    for count, (hole, rows) in enumerate(groups.items()):
        check_cancelled(should_stop)
        rows = rows[np.lexsort((end[rows], start[rows]))]
        _check_no_overlap(table, hole, rows, start, end)
        for run in _domain_runs(rows, domain):
            _composite_run(out, hole, run, start, end, values, text, domain, length, residual, threshold,
                           min_coverage)
        report_progress(progress, (count + 1) / len(groups))
    result = {key: np.array(out[key]) for key in ("from", "to", "coverage")}
    result["length"] = result["to"] - result["from"]
    result.update(hole=out["hole"], domain=out["domain"], text=out["text"], dropped=out["dropped"],
                  numeric=dict(zip(names, np.vstack(out["numeric"] or [np.empty((0, len(names)))]).T)))
    return result


def sample_tangents(table, columns):
    """(n, 3) unit tangents of the samples from their 'azimuth' and 'dip' columns
    (names matched case-insensitively in `columns` {name: raw values}; dip
    negative down), or None when either column is missing or has a missing
    value; text that is not a number raises naming table, column and row."""
    lower = {name.lower(): name for name in columns}
    if "azimuth" not in lower or "dip" not in lower:
        return None
    azimuth = parse_numeric(columns[lower["azimuth"]], table, lower["azimuth"]).values
    dip = parse_numeric(columns[lower["dip"]], table, lower["dip"]).values
    if np.isnan(azimuth).any() or np.isnan(dip).any():
        return None
    return direction_vectors(azimuth, plunge_from_dip(dip, "negative_down"))


def locate_composites(table, columns, sample_xyz, holes, start, end, result):
    """Positions and tangents of the composites in `result` (from `composite`) at
    their mid-depths, interpolated along each hole from the samples' positions
    `sample_xyz` (n, 3) at their interval midpoints (from `start` to `end`) and,
    when `columns` has azimuth and dip, their tangents (`sample_tangents`).
    Returns (xyz, tangents, n_holes_assumed_vertical)."""
    tangents = sample_tangents(table, columns)
    middle = 0.5 * (result["from"] + result["to"])
    return interpolate_along_holes(
        holes, 0.5 * (np.asarray(start, dtype=float) + np.asarray(end, dtype=float)), sample_xyz, result["hole"],
        middle, tangents)


def _check_no_overlap(table, hole, rows, start, end):
    clash = np.flatnonzero(start[rows[1:]] < end[rows[:-1]] - DEPTH_TOLERANCE_M)
    if clash.size:
        a, b = rows[clash[0]], rows[clash[0] + 1]
        raise ValueError(
            f"{table}: hole '{hole}', rows {a + 1} ({start[a]:g}-{end[a]:g} m) and {b + 1} ({start[b]:g}-{end[b]:g} m) "
            "overlap; compositing needs non-overlapping samples (desurvey with the overlap policy 'drop')"
        )


def _domain_runs(rows, domain):
    if domain is None:
        return [rows]
    codes = ["" if domain[row] is None else str(domain[row]) for row in rows]
    breaks = [i for i in range(1, len(rows)) if codes[i] != codes[i - 1]]
    return np.split(rows, breaks)


def _composite_run(out, hole, rows, start, end, values, text, domain, length, residual, threshold, min_coverage):
    c_from, c_to = composite_intervals(start[rows[0]], end[rows[-1]], length, residual, threshold)
    overlap = np.clip(np.minimum(c_to[:, None], end[rows][None, :]) - np.maximum(c_from[:, None], start[rows][None, :]),
                      0.0, None)
    coverage = overlap.sum(axis=1) / (c_to - c_from)
    keep = (coverage >= min_coverage - 1e-9) & (coverage > 0)
    out["dropped"] += int(((coverage > 0) & ~keep).sum())
    overlap = overlap[keep]
    out["hole"].extend([hole] * int(keep.sum()))
    out["from"].extend(c_from[keep])
    out["to"].extend(c_to[keep])
    out["coverage"].extend(coverage[keep])
    code = None if domain is None else domain[rows[0]]
    out["domain"].extend([code] * int(keep.sum()))
    out["numeric"].append(_weighted_means(overlap, values[rows]))
    for name, values in text.items():
        out["text"][name].extend(_dominant(overlap, [values[row] for row in rows]))


def _weighted_means(overlap, values):
    """(composites, fields) means; each field weighted by the overlaps where it has a value."""
    present = ~np.isnan(values)
    weights = overlap @ present.astype(float)
    sums = overlap @ np.where(present, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weights > 0, sums / np.where(weights > 0, weights, 1.0), np.nan)


def _dominant(overlap, values):
    """The text covering most of each composite (ties: the shallower)."""
    categories = []
    for value in values:
        if value not in (None, "") and value not in categories:
            categories.append(value)
    if not categories:
        return [None] * len(overlap)
    onehot = np.array([[value == category for category in categories] for value in values], dtype=float)
    covered = overlap @ onehot
    return [categories[int(np.argmax(row))] if row.max() > 0 else None for row in covered]

