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
