"""The grade-tonnage page: curves of tonnage and mean grade above cut-off per
estimator, and a short table of the numbers behind them (a dozen cut-offs in
Mt; the full series is the gradetonnage stage's table output).

The numbers come from `resources.gradetonnage`; only their drawing lives here, so
the resource calculation runs (and is tested) without matplotlib.
"""
import html

import numpy as np

from ..common.atomic import atomic_write_bytes
from .figures import figure_html, subplots
from .numbers import DASH, megatonnes, significant
from .numbers import grade as format_grade

MAX_TABLE_ROWS = 12
# Strides through the cut-off series, so a table row falls on round cut-offs (0.5, 1.0, ...).
STRIDES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


def curve_figure(curves, grade_label="grade"):
    """Tonnage (Mt) and mean grade above cut-off, one colour per estimator; the
    P10-P90 band of an estimator with realisations is shaded."""
    figure, (tonnage_axis, grade_axis) = subplots(1, 2, figsize=(10, 4))
    for name, curve in curves.items():
        mt = np.asarray(curve["tonnage"], dtype=float) / 1e6
        line = tonnage_axis.plot(curve["cutoff"], mt, marker=".", label=name)[0]
        grade_axis.plot(curve["cutoff"], curve["grade"], marker=".", color=line.get_color(), label=name)
        if "tonnage_p10" in curve:
            tonnage_axis.fill_between(curve["cutoff"], np.asarray(curve["tonnage_p10"]) / 1e6,
                                      np.asarray(curve["tonnage_p90"]) / 1e6, color=line.get_color(), alpha=0.2)
            grade_axis.fill_between(curve["cutoff"], curve["grade_p10"], curve["grade_p90"],
                                    color=line.get_color(), alpha=0.2)
    for axis in (tonnage_axis, grade_axis):
        axis.set_xlabel(f"cut-off ({grade_label})")
        axis.ticklabel_format(axis="y", useOffset=False, style="plain")
    tonnage_axis.set_ylabel("tonnage above cut-off (Mt)")
    grade_axis.set_ylabel(f"mean grade above cut-off ({grade_label})")
    tonnage_axis.legend()
    figure.tight_layout()
    return figure


def table_rows(cutoffs, max_rows=MAX_TABLE_ROWS):
    """Indices of at most `max_rows` cut-offs, every k-th with k from STRIDES."""
    count = len(cutoffs)
    for stride in STRIDES:
        if (count - 1) // stride + 1 <= max_rows:
            return list(range(0, count, stride))
    return list(np.linspace(0, count - 1, max_rows).round().astype(int))


def short_table(curves, grade_label, metal_label="metal t"):
    """Rows = a dozen cut-offs; per estimator Mt (P10 - P90 when it has bands),
    mean grade and contained metal in t."""
    names = list(curves)
    first = curves[names[0]]
    head = "<tr><th rowspan='2'>cut-off</th>" + "".join(
        f"<th colspan='3'>{html.escape(n)}</th>" for n in names) + "</tr><tr>" + "".join(
        f"<th>Mt</th><th>{html.escape(grade_label)}</th><th>{html.escape(metal_label)}</th>" for _ in names) + "</tr>"
    body = []
    for i in table_rows(first["cutoff"]):
        cells = [f"<td>{first['cutoff'][i]:g}</td>"]
        for name in names:
            curve = curves[name]
            tonnes = megatonnes(curve["tonnage"][i])
            if "tonnage_p10" in curve:
                tonnes += f" ({megatonnes(curve['tonnage_p10'][i])} {DASH} {megatonnes(curve['tonnage_p90'][i])})"
            cells += [f"<td>{tonnes}</td>", f"<td>{format_grade(curve['grade'][i])}</td>",
                      f"<td>{significant(curve['metal'][i])}</td>"]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table>{head}{''.join(body)}</table>"


def write_curve_report(path, curves, grade_label, notes=()):
    """One HTML page with the curve figure and a short table behind it."""
    page = (
        "<html><head><meta charset='utf-8'><title>Grade-tonnage</title><style>body{font-family:sans-serif;"
        "margin:2em}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 6px;text-align:right}"
        "</style></head><body>"
        "<h1>Grade-tonnage curves</h1>" + "".join(f"<p>{html.escape(n)}</p>" for n in notes)
        + figure_html(curve_figure(curves, grade_label), "grade-tonnage curves")
        + "<p>Tonnage in Mt (three significant digits; P10 " + DASH + " P90 of the posterior realisations in "
        "brackets), mean grade and contained metal in t above each cut-off.</p>"
        + short_table(curves, grade_label) + "</body></html>"
    )
    atomic_write_bytes(path, page.encode("utf-8"))
