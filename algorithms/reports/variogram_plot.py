"""The variogram stage's figure: experimental points with the fitted model
along each direction, as a PNG or an HTML page with the parameter table, so a
reviewer can judge the fit without opening the model file. Kept out of the
science so geostats never imports matplotlib."""
import base64
import html
import io
import math

import numpy as np

from ..common.atomic import atomic_write_bytes
from ..geostats.geometry import ANGLE_CONVENTION, direction_vector, rotation_matrix
from .numbers import significant


def model_curve(model, direction, max_distance, n=200):
    """(distances, gamma) of the model along an experimental direction
    (None: the major axis)."""
    distances = np.linspace(0.0, max_distance, n)
    if direction is None:
        unit = rotation_matrix(*model.structures[0].angles)[0] if model.structures else np.array([1.0, 0, 0])
    else:
        unit = direction_vector(*direction)
    gamma = model.gamma(distances[:, None] * unit[None, :])
    gamma[0] = 0.0
    return distances, gamma


def direction_label(direction):
    return "omnidirectional" if direction is None else f"azimuth {direction[0]:g}, dip {direction[1]:g}"


def plot_png(model, experimental, title="", unit=""):
    """PNG bytes: experimental points (size by pair count) and the model, one
    panel per direction, with the sample variance as a dashed line; `unit` the
    grade's (semivariance is in its square), lags in metres (projected CRS)."""
    # A bare Figure renders with Agg without touching pyplot's global backend,
    # which QGIS or another plugin may have set.
    from matplotlib.figure import Figure

    count = len(experimental.directions)
    figure = Figure(figsize=(5.0 * min(count, 3), 4.0 * math.ceil(count / 3)), dpi=100)
    max_distance = max(float(np.max(lags)) if len(lags) else experimental.lag for lags in experimental.lags) * 1.1
    for index, direction in enumerate(experimental.directions):
        axis = figure.add_subplot(math.ceil(count / 3), min(count, 3), index + 1)
        npairs = experimental.npairs[index]
        sizes = 10 + 60 * npairs / max(npairs.max(), 1) if len(npairs) else 10
        axis.scatter(experimental.lags[index], experimental.gammas[index], s=sizes, color="tab:blue",
                     label="experimental")
        distances, gamma = model_curve(model, direction, max_distance)
        axis.plot(distances, gamma, color="tab:red", label="model")
        axis.axhline(experimental.variance, color="grey", linestyle="--", linewidth=0.8, label="sample variance")
        axis.set_xlabel("lag distance (m)")
        axis.set_ylabel(f"semivariance ({unit}\u00b2)" if unit else "semivariance")
        axis.ticklabel_format(useOffset=False, style="plain")
        axis.tick_params(labelsize=9)
        axis.set_title(direction_label(direction), fontsize=10)
        axis.set_xlim(0, max_distance)
        axis.set_ylim(bottom=0)
        if index == 0:
            axis.legend(fontsize=8)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def plot_html(model, experimental, title, png_bytes, fit=None):
    """A standalone HTML page: the plot, the model's parameters and the
    experimental values, so the fit can be checked without QGIS."""
    rows = [("nugget", "", significant(model.nugget, 6), "", "")]
    for s in model.structures:
        rows.append((s.kind, "", significant(s.sill, 6), " / ".join(significant(r, 6) for r in s.ranges),
                     " / ".join(f"{a:g}" for a in s.angles)))
    table = "".join(f"<tr><td>{html.escape(a)}</td><td>{b}</td><td>{c}</td><td>{d}</td><td>{e}</td></tr>"
                    for a, b, c, d, e in rows)
    lags = []
    for direction, lag, gamma, npairs in zip(experimental.directions, experimental.lags, experimental.gammas,
                                             experimental.npairs):
        name = html.escape(direction_label(direction))
        for h, g, n in zip(lag, gamma, npairs):
            lags.append(f"<tr><td>{name}</td><td>{significant(h, 4)}</td><td>{significant(g, 6)}</td>"
                        f"<td>{n}</td></tr>")
    fit_text = ""
    if fit is not None:
        fit_text = (
            f"<p>Weighted least squares ({html.escape(fit.weighting)} weights), {fit.converged_starts} of "
            f"{fit.n_starts} starts converged, cost {significant(fit.cost)}.</p>"
        )
    image = base64.b64encode(png_bytes).decode("ascii")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + html.escape(title) + "</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><img src='data:image/png;base64,{image}' alt='variogram'>"
        f"<h2>Model</h2><p>Total sill {significant(model.total_sill, 6)}; "
        f"sample variance {significant(experimental.variance, 6)}. "
        f"Angles: {html.escape(ANGLE_CONVENTION)}.</p>{fit_text}"
        "<table><tr><th>structure</th><th></th><th>sill</th><th>ranges in m (major / semi-major / minor)</th>"
        f"<th>azimuth / dip / rake</th></tr>{table}</table>"
        "<h2>Experimental variogram</h2><table><tr><th>direction</th><th>mean lag (m)</th><th>semivariance</th>"
        f"<th>pairs</th></tr>{''.join(lags)}</table></body></html>"
    )


def write_plot(path, model, experimental, title="Variogram", fit=None, unit=""):
    """PNG or HTML (by extension) written atomically."""
    png = plot_png(model, experimental, title, unit)
    if path.lower().endswith((".html", ".htm")):
        atomic_write_bytes(path, plot_html(model, experimental, title, png, fit).encode("utf-8"))
    else:
        atomic_write_bytes(path, png)

