"""Figures for the HTML reports, drawn without pyplot.

The reports run inside QGIS, which (like other plugins) may have chosen
matplotlib's backend and holds pyplot's global figure list. So a report never
calls `matplotlib.use` or pyplot: each figure is a bare `matplotlib.figure.Figure`
on its own Agg canvas, rendered to PNG bytes and embedded in the page, then
dropped with nothing global to close.
"""
import base64
import html
import io


def figure(figsize=None, dpi=None):
    """A bare Figure on an Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    new = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(new)
    return new


def subplots(nrows=1, ncols=1, figsize=None, dpi=None, **kwargs):
    """(figure, axes) as `pyplot.subplots` returns them, on a bare Figure."""
    new = figure(figsize, dpi)
    return new, new.subplots(nrows, ncols, **kwargs)


def figure_png(fig, dpi=90):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def figure_html(fig, alt):
    """An <img> element with the figure embedded as a PNG data URI."""
    encoded = base64.b64encode(figure_png(fig)).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}"/>'


# Grade field suffixes (DESIGN.md: La_ppm, TREO_pct) and the unit they stand for.
UNIT_SUFFIXES = {"_pct": "%", "_ppm": "ppm", "_ppb": "ppb", "_gpt": "g/t"}


def grade_unit(field):
    """'%' for TREO_pct, 'ppm' for La_ppm, ...; the field name itself when its
    suffix names no unit, so an axis still says what it shows."""
    for suffix, unit in UNIT_SUFFIXES.items():
        if str(field).lower().endswith(suffix):
            return unit
    return str(field)


def plain_axis(axis, max_ticks=5, which="x", labelsize=8):
    """Full coordinates on an axis (no '1e6' offset, no scientific notation),
    at most `max_ticks` ticks so the long numbers do not run into each other."""
    from matplotlib.ticker import MaxNLocator

    for name in ("x", "y") if which == "both" else (which,):
        target = axis.xaxis if name == "x" else axis.yaxis
        target.set_major_locator(MaxNLocator(max_ticks))
        axis.ticklabel_format(axis=name, useOffset=False, style="plain")
    axis.tick_params(labelsize=labelsize)
