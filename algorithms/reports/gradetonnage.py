"""The grade-tonnage page: curves of tonnage and mean grade above cut-off per
estimator, and the numbers behind them.

The numbers come from `resources.gradetonnage`; only their drawing lives here, so
the resource calculation runs (and is tested) without matplotlib.
"""
import html

from ..common.atomic import atomic_write_bytes
from .figures import figure_html, subplots


def curve_figure(curves, grade_label="grade", tonnage_unit="t"):
    """Tonnage and mean grade above cut-off, one colour per estimator; the
    P10-P90 band of an estimator with realisations is shaded."""
    figure, (tonnage_axis, grade_axis) = subplots(1, 2, figsize=(10, 4))
    for name, curve in curves.items():
        line = tonnage_axis.plot(curve["cutoff"], curve["tonnage"], marker=".", label=name)[0]
        grade_axis.plot(curve["cutoff"], curve["grade"], marker=".", color=line.get_color(), label=name)
        if "tonnage_p10" in curve:
            tonnage_axis.fill_between(curve["cutoff"], curve["tonnage_p10"], curve["tonnage_p90"],
                                      color=line.get_color(), alpha=0.2)
            grade_axis.fill_between(curve["cutoff"], curve["grade_p10"], curve["grade_p90"],
                                    color=line.get_color(), alpha=0.2)
    tonnage_axis.set_xlabel(f"cut-off ({grade_label})")
    tonnage_axis.set_ylabel(f"tonnage above cut-off ({tonnage_unit})")
    grade_axis.set_xlabel(f"cut-off ({grade_label})")
    grade_axis.set_ylabel(f"mean grade above cut-off ({grade_label})")
    tonnage_axis.legend()
    return figure


def write_curve_report(path, curves, grade_label, notes=()):
    """One HTML page with the curve figure and the table behind it."""
    rows = []
    for name, curve in curves.items():
        for i, cutoff in enumerate(curve["cutoff"]):
            band = ""
            if "tonnage_p10" in curve:
                band = f"{curve['tonnage_p10'][i]:.4g} - {curve['tonnage_p90'][i]:.4g}"
            rows.append(f"<tr><td>{html.escape(name)}</td><td>{cutoff:g}</td><td>{curve['tonnage'][i]:.4g}</td>"
                        f"<td>{curve['grade'][i]:.4g}</td><td>{curve['metal'][i]:.4g}</td><td>{band}</td></tr>")
    page = (
        "<html><head><meta charset='utf-8'><title>Grade-tonnage</title><style>body{font-family:sans-serif;"
        "margin:2em}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 6px;text-align:right}"
        "</style></head><body>"
        "<h1>Grade-tonnage curves</h1>" + "".join(f"<p>{html.escape(n)}</p>" for n in notes)
        + figure_html(curve_figure(curves, grade_label), "grade-tonnage curves")
        + "<table><tr><th>estimator</th><th>cut-off</th><th>tonnage (t)</th><th>mean grade</th><th>metal (t)</th>"
        "<th>tonnage P10 - P90</th></tr>" + "".join(rows) + "</table></body></html>"
    )
    atomic_write_bytes(path, page.encode("utf-8"))

