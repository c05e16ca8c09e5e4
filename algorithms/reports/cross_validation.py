"""The cross-validation report: one self-contained HTML page (figures embedded
as PNG) with the metrics table, observed-vs-predicted scatter plots, calibration
curves of the central intervals and swath plots along X, Y and Z."""
import html
import math

import numpy as np

from ..validation.scores import calibration_curve
from .figures import figure_html, grade_unit, plain_axis, subplots
from .numbers import percent, significant

# The methods that are networks (the others are kriging or a GP), so a verdict
# can say when the network does not beat kriging.
NETWORKS = ("bnn", "ensemble", "network")
METHOD_NAMES = {"bnn": "BNN", "ok": "OK", "mik": "MIK", "gp": "GP", "rk": "RK", "ensemble": "the deep ensemble",
                "network": "the variational BNN"}


def method_name(method):
    return METHOD_NAMES.get(str(method).lower(), str(method))


def verdict(rows, unit=""):
    """One sentence from the pooled rows (fold 'all') of a cross-validation
    table: which method has the lowest RMSE, by how much it beats the next, how
    often its 90 % intervals hold the held-out grade, and, when a network was
    compared and lost, that it lost. Empty when no pooled RMSE is known."""
    pooled = [r for r in rows if str(r["fold"]) == "all" and _finite(r.get("rmse"))]
    if not pooled:
        return ""
    ranked = sorted(pooled, key=lambda r: float(r["rmse"]))
    best = ranked[0]
    suffix = f" {unit}" if unit else ""
    text = f"On these folds {method_name(best['method'])} has the lowest RMSE ({significant(best['rmse'])}{suffix})"
    if len(ranked) > 1:
        runner = ranked[1]
        gap = (float(runner["rmse"]) - float(best["rmse"])) / float(runner["rmse"])
        text += f", {percent(gap)} below {method_name(runner['method'])} ({significant(runner['rmse'])})"
    if _finite(best.get("coverage90")):
        text += f"; its 90 % intervals cover {percent(float(best['coverage90']))} of the held-out samples"
    text += "."
    networks = [r for r in ranked if str(r["method"]).lower() in NETWORKS]
    if networks and str(best["method"]).lower() not in NETWORKS:
        network = networks[0]
        excess = (float(network["rmse"]) - float(best["rmse"])) / float(best["rmse"])
        text += (f" The network does not win here: {method_name(network['method'])}'s RMSE "
                 f"({significant(network['rmse'])}) is {percent(excess)} above {method_name(best['method'])}'s.")
    return text


def _unit_of(target):
    """'% TREO' for TREO_pct, the field itself when its suffix names no unit."""
    unit = grade_unit(target)
    return target if unit == target else f"{unit} {target.rsplit('_', 1)[0]}"


def _finite(value):
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def scatter_plots(pooled, target):
    methods = list(pooled)
    figure, axes = subplots(1, len(methods), figsize=(3.6 * len(methods), 3.6), squeeze=False)
    for axis, name in zip(axes[0], methods):
        scores = pooled[name]
        y, mean = scores["observed"], scores["mean"]
        axis.scatter(y, mean, s=6, alpha=0.5)
        low, high = float(np.nanmin([y.min(), mean.min()])), float(np.nanmax([y.max(), mean.max()]))
        axis.plot([low, high], [low, high], "k--", linewidth=1)
        axis.set_title(method_name(name))
        axis.set_xlabel(f"observed {target} ({grade_unit(target)})")
        axis.set_ylabel(f"predicted mean ({grade_unit(target)})")
    figure.tight_layout()
    return figure_html(figure, "observed vs predicted")


def calibration_plot(pooled):
    figure, axis = subplots(figsize=(4.2, 4.2))
    axis.plot([0, 1], [0, 1], "k--", linewidth=1, label="ideal")
    for name, scores in pooled.items():
        levels, covered = zip(*calibration_curve(scores))
        axis.plot(levels, covered, marker="o", label=method_name(name))
    axis.set_xlabel("nominal central-interval probability (fraction)")
    axis.set_ylabel("share of held-out samples inside (fraction)")
    axis.legend()
    return figure_html(figure, "calibration")


AXIS_NAMES = ("easting X (m)", "northing Y (m)", "elevation Z (m)")


def swath_plots(pooled, xyz, target, n_bins=12):
    """Mean observed and mean predicted per slice along each axis, the check a
    resource estimator makes for conditional bias across the deposit."""
    axes_present = [a for a in range(3) if np.isfinite(xyz[:, a]).any()]
    figure, axes = subplots(1, len(axes_present), figsize=(4.8 * len(axes_present), 3.8), squeeze=False)
    any_scores = next(iter(pooled.values()))
    rows = any_scores["index"].astype(int)
    for axis, a in zip(axes[0], axes_present):
        coordinate = xyz[rows, a]
        edges = np.unique(np.quantile(coordinate, np.linspace(0, 1, n_bins + 1)))
        centres = 0.5 * (edges[:-1] + edges[1:])
        which = np.clip(np.searchsorted(edges, coordinate, side="right") - 1, 0, len(centres) - 1)
        axis.plot(centres, _bin_means(any_scores["observed"], which, len(centres)), "k-o", label="observed")
        for name, scores in pooled.items():
            # Every method ran on the same folds in the same order, so rows align.
            axis.plot(centres, _bin_means(scores["mean"], which, len(centres)), marker=".",
                      label=method_name(name))
        axis.set_xlabel(AXIS_NAMES[a])
        axis.set_ylabel(f"mean {target} ({grade_unit(target)})")
        # Full coordinates need room: few ticks, no offset, so labels never overlap.
        plain_axis(axis, max_ticks=4)
    axes[0][0].legend(fontsize=7)
    figure.tight_layout()
    return figure_html(figure, "swath plots")


def _bin_means(values, which, n):
    sums = np.bincount(which, weights=values, minlength=n)
    counts = np.bincount(which, minlength=n)
    with np.errstate(invalid="ignore"):
        return sums / counts


def metrics_table(rows, columns):
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["method", "fold"] + columns)
    body = []
    for row in rows:
        cells = [html.escape(str(row["method"])), html.escape(str(row["fold"]))]
        cells += [_format(row.get(c)) for c in columns]
        style = ' style="font-weight:bold"' if row["fold"] == "all" else ""
        body.append(f"<tr{style}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _format(value):
    if isinstance(value, (int, np.integer)):
        return str(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return significant(value, 4)


def write_report(path, title, rows, columns, pooled, xyz, target, notes=()):
    """Write the HTML report; `notes` are paragraphs shown under the title
    (scheme, folds, what the methods were given)."""
    from ..common.atomic import atomic_write_bytes

    parts = [
        f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #bbb;padding:3px 6px;text-align:right}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        *[f"<p>{html.escape(note)}</p>" for note in notes],
        *([f"<p class='verdict'><b>{html.escape(text)}</b></p>"] if (text := verdict(rows, _unit_of(target)))
          else []),
        "<h2>Metrics</h2>",
        "<p>Pooled rows (fold <b>all</b>) score every sample once, from the fold that held it out. "
        "coverage90 should be near 0.90; CRPS, NLL and Brier scores: lower is better.</p>",
        metrics_table(rows, columns),
        "<h2>Observed vs predicted</h2>", scatter_plots(pooled, target),
        "<h2>Calibration of the central intervals</h2>", calibration_plot(pooled),
        "<h2>Swath plots</h2>", swath_plots(pooled, xyz, target),
        "</body></html>",
    ]
    atomic_write_bytes(path, "\n".join(parts).encode("utf-8"))
