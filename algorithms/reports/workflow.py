"""The workflow's combined report (reegrade:report): one self-contained HTML page
that decides first (the cross-validation verdict and the resource statement by
class and estimator), then gathers the workflow's outputs (variogram,
cross-validation and grade-tonnage pages, maps of grade and uncertainty) and,
for a synthetic deposit whose true block grades are known, scores BNN, OK and
MIK against them.

Plain Python + matplotlib: blocks come in as arrays, rasters are read with
rasterio."""
import html
import re

import numpy as np

from ..resources.gradetonnage import grade_tonnage
from ..resources.statement import resource_statement
from .cross_validation import metrics_table, verdict
from .figures import figure_html, plain_axis, subplots
from .gradetonnage import curve_figure
from .numbers import megatonnes
from .statement import statement_table

ESTIMATES = {"BNN": "bnn_mean", "OK": "ok_estimate", "MIK": "mik_mean"}
BLOCK_COLUMNS = ("xc", "yc", "zc", "dx", "dy", "dz", "volume", *ESTIMATES.values())
# What the resource statement reads: the volume, the estimates present and the class (reegrade:classify).
CLASS_FIELD = "res_class"
TRUTH_ARRAYS = ("x", "y", "z", "TREO_pct", "size", "shape", "origin")


def truth_of_blocks(blocks, truth):
    """Mean true grade of the truth blocks inside each estimated block, NaN where
    any truth block is missing (above the topography or outside the model)."""
    key_blocks, key_truth = _block_keys(blocks, truth)
    per_block = np.prod([round(blocks[f"d{a}"][0] / truth["size"][i]) for i, a in enumerate("xyz")])
    lookup = {k: i for i, k in enumerate(map(tuple, key_blocks))}
    sums = np.zeros(len(key_blocks))
    counts = np.zeros(len(key_blocks))
    for key, grade in zip(map(tuple, key_truth), truth["TREO_pct"]):
        index = lookup.get(key)
        if index is not None:
            sums[index] += grade
            counts[index] += 1
    return np.where(counts == per_block, sums / np.maximum(counts, 1), np.nan)


def _block_keys(blocks, truth):
    centres = np.column_stack([blocks["xc"], blocks["yc"], blocks["zc"]])
    sizes = np.array([blocks["dx"][0], blocks["dy"][0], blocks["dz"][0]])
    corner = centres[0] - sizes / 2.0
    key_blocks = np.floor((centres - corner) / sizes).astype(np.int64)
    key_truth = np.floor((np.column_stack([truth["x"], truth["y"], truth["z"]]) - corner) / sizes).astype(np.int64)
    return key_blocks, key_truth


def truth_comparison(blocks, true_grade, cutoff, density):
    """(metrics rows, grade-tonnage curves) of each estimate against the truth on
    the blocks that have both."""
    rows, curves = [], {}
    tonnage = blocks["volume"] * density
    known = np.isfinite(true_grade)
    cutoffs = np.round(np.arange(0.0, 3.0001, 0.1), 10)
    curves["truth"] = grade_tonnage(np.where(known, true_grade, np.nan), tonnage, cutoffs)
    for name, field in ESTIMATES.items():
        estimate = blocks[field]
        both = known & np.isfinite(estimate)
        error = estimate[both] - true_grade[both]
        above_true = true_grade[both] >= cutoff
        above_est = estimate[both] >= cutoff
        rows.append({
            "method": name, "fold": "all", "n": int(both.sum()), "RMSE": float(np.sqrt(np.mean(error ** 2))),
            "MAE": float(np.mean(np.abs(error))), "bias": float(np.mean(error)),
            "corr": _correlation(estimate[both], true_grade[both]),
            "ore_blocks_true": int(above_true.sum()), "ore_blocks_est": int(above_est.sum()),
            "misclassified": int((above_true != above_est).sum()),
        })
        curves[name] = grade_tonnage(np.where(both, estimate, np.nan), tonnage, cutoffs)
    return rows, curves


def _correlation(a, b):
    if len(a) < 2 or np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def truth_bench(truth, elevation):
    """(profile-like dict, bands (1, rows, cols), names) of the true grades of the
    fine blocks on the bench at `elevation`, north up, NaN where there is none."""
    from rasterio.transform import from_origin

    size, shape, origin = truth["size"], truth["shape"], truth["origin"]
    on_bench = np.abs(truth["z"] - elevation) < size[2] / 2.0
    ix = np.rint((truth["x"][on_bench] - origin[0]) / size[0]).astype(int)
    iy = np.rint((truth["y"][on_bench] - origin[1]) / size[1]).astype(int)
    grid = np.full((int(shape[1]), int(shape[0])), np.nan)
    grid[int(shape[1]) - 1 - iy, ix] = truth["TREO_pct"][on_bench]
    west, north = origin[0] - size[0] / 2.0, origin[1] + size[1] * (shape[1] - 0.5)
    profile = {"transform": from_origin(west, north, size[0], size[1]), "width": grid.shape[1], "height": grid.shape[0]}
    return profile, grid[None], ["TREO_pct"]


def maps_figure(maps, truth_map=None):
    """Panels of single-band rasters, `maps` [(title, path)]; grade maps (titles
    ending in 'TREO %') share one colour scale."""
    from ..io.raster import read_bands

    panels = [(read_bands(path), title) for title, path in maps]
    if truth_map is not None:
        panels.append((truth_map, "True TREO % (25 m blocks)"))
    # The three grade maps share one colour scale so they compare at a glance;
    # the 99th percentile keeps a few extreme blocks from washing them out.
    grades = [bands[0] for (_, bands, _), title in panels if title.endswith("TREO %") and "sd" not in title]
    grade_top = np.nanpercentile(np.concatenate([g.ravel() for g in grades]), 99) if grades else None
    figure, axes = subplots(2, (len(panels) + 1) // 2, figsize=(15, 8.5), squeeze=False)
    for axis in axes.ravel()[len(panels):]:
        axis.set_visible(False)
    for axis, ((profile, bands, _), title) in zip(axes.ravel(), panels):
        transform = profile["transform"]
        extent = (transform.c, transform.c + transform.a * profile["width"],
                  transform.f + transform.e * profile["height"], transform.f)
        if "P(" in title:
            limits = (0.0, 1.0)
        elif "sd" in title or grade_top is None:
            limits = (0.0, np.nanpercentile(bands[0], 99))
        else:
            limits = (0.0, grade_top)
        image = axis.imshow(bands[0], extent=extent, cmap="magma" if "sd" in title else "viridis",
                            vmin=limits[0], vmax=limits[1])
        axis.set_title(title, fontsize=9)
        axis.set_xlabel("easting (m)", fontsize=8)
        axis.set_ylabel("northing (m)", fontsize=8)
        plain_axis(axis, max_ticks=4, which="both")
        bar = figure.colorbar(image, ax=axis, shrink=0.8)
        bar.set_label("probability" if "P(" in title else "TREO %", fontsize=8)
        bar.ax.tick_params(labelsize=8)
    figure.tight_layout()
    return figure


def page_body(path):
    """The body of an HTML page written by another stage, its title demoted, so
    it can sit inside this report (figures are embedded PNGs already)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    match = re.search(r"<body[^>]*>(.*)</body>", text, flags=re.S | re.I)
    body = match.group(1) if match else text
    return re.sub(r"<(/?)h1>", r"<\1h3>", re.sub(r"<(/?)h2>", r"<\1h4>", body))


def check_truth(truth, source):
    """The truth arrays of a synthetic deposit (truth_blocks.npz), checked."""
    missing = [name for name in TRUTH_ARRAYS if name not in truth]
    if missing:
        raise ValueError(f"{source}: not a truth_blocks.npz of a sample deposit (lacks {', '.join(missing)})")
    return truth


def statement_section(blocks, cutoffs, density, rule=""):
    """The resource statement (HTML) at each of `cutoffs` of every estimate
    present in `blocks`, by the blocks' class when they have one; empty without
    volumes or estimates."""
    estimates = {name: blocks[field] for name, field in ESTIMATES.items()
                 if field in blocks and np.isfinite(np.asarray(blocks[field], dtype=float)).any()}
    if "volume" not in blocks or not estimates:
        return []
    tonnage = np.asarray(blocks["volume"], dtype=float) * density
    classes = blocks.get(CLASS_FIELD)
    rows = [row for cutoff in cutoffs for row in resource_statement(classes, estimates, tonnage, cutoff)]
    listed = ", ".join(f"{c:g}" for c in cutoffs)
    text = (f"Blocks with an estimate of at least {listed} % TREO, at a dry bulk density of {density:g} t/m3, "
            f"from {len(tonnage):,} blocks ({megatonnes(tonnage.sum())} Mt). Contained TREO in tonnes of oxide. "
            "Figures rounded to three significant digits, so sums may differ in the last digit.")
    if classes is None:
        text += " The blocks are not classified (no res_class field from reegrade:classify)."
    else:
        text += " The class is the block's (reegrade:classify), the same for every estimator"
        text += f": {rule}." if rule else "."
    return ["<h2>Mineral resource statement</h2>", f"<p>{html.escape(text)}</p>", statement_table(rows)]


def write_workflow_report(path, blocks=None, maps=(), pages=(), truth=None, cutoff=1.0, density=2.8,
                          bench_elevation=None, notes=(), cv_rows=None, rule="", statement_cutoffs=()):
    """Write the report; `blocks` {column: array} (BLOCK_COLUMNS for the truth
    comparison; volume, estimates and res_class for the statement), `maps`
    [(title, raster path)], `pages` [(title, html path)], `truth` the arrays of a
    synthetic deposit's truth_blocks.npz (compared when blocks are given),
    `cv_rows` the rows of a cross-validation table (the verdict), `rule` the
    classification rule in words, `statement_cutoffs` more cut-offs of the
    statement beside `cutoff`."""
    from ..common.atomic import atomic_write_bytes

    sections = ["<h1>REE Grade workflow report</h1>"]
    if cv_rows:
        text = verdict(cv_rows, "% TREO")
        if text:
            sections += [f"<p><b>{html.escape(text)}</b></p>"]
    if blocks is not None:
        cutoffs = sorted({float(cutoff), *map(float, statement_cutoffs)})
        sections += statement_section(blocks, cutoffs, density, rule)
    sections += [f"<p>{html.escape(note)}</p>" for note in notes]
    if truth is not None and blocks is not None:
        rows, curves = truth_comparison(blocks, truth_of_blocks(blocks, truth), cutoff, density)
        columns = ["n", "RMSE", "MAE", "bias", "corr", "ore_blocks_true", "ore_blocks_est", "misclassified"]
        sections += [
            "<h2>Estimates against the true block grades</h2>",
            "<p>The deposit is synthetic, so the true mean grade of every block is known. Each estimated block is "
            "compared with the mean of the true blocks inside it (blocks only partly below the topography are left "
            f"out). Cut-off {cutoff:g} % TREO.</p>",
            metrics_table(rows, columns),
            figure_html(curve_figure(curves, "TREO %"),
                        "grade-tonnage of the estimates and the truth on the same blocks"),
        ]
    if maps:
        truth_map = truth_bench(truth, bench_elevation) if truth is not None and bench_elevation is not None else None
        heading = "Maps of grade and uncertainty"
        if bench_elevation is not None:
            heading += f" (bench at {bench_elevation:g} m)"
        sections += [f"<h2>{html.escape(heading)}</h2>", figure_html(maps_figure(maps, truth_map), "maps")]
    for title, page in pages:
        sections += [f"<h2>{html.escape(title)}</h2>", page_body(page)]
    page = ("<html><head><meta charset='utf-8'><title>REE Grade workflow report</title><style>body{font-family:"
            "sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 6px;"
            "text-align:right}</style></head><body>" + "\n".join(sections) + "</body></html>")
    atomic_write_bytes(str(path), page.encode("utf-8"))
    return str(path)
