"""Grade-tonnage curves: tonnage, mean grade and contained metal above a series of
cut-offs from a block model, with bands from realisations of the estimate.

Realisations (S, n) come from the BNN posterior: each posterior weight sample
gives a coherent grade map, so the spread of the curves across samples is the
model's (epistemic) uncertainty on the whole curve, which per-block P10/P90 maps
cannot give (the P90 of every block at once is not a realisation)."""
import numpy as np


def block_tonnage(volume, density):
    volume = np.asarray(volume, dtype=float)
    density = np.broadcast_to(np.asarray(density, dtype=float), volume.shape)
    bad = np.flatnonzero(~(np.isfinite(volume) & (volume > 0)))
    if bad.size:
        raise ValueError(f"block {bad[0] + 1}: volume {volume[bad[0]]} is not positive")
    bad = np.flatnonzero(~(np.isfinite(density) & (density > 0)))
    if bad.size:
        raise ValueError(f"block {bad[0] + 1}: density {density[bad[0]]} is not positive")
    return volume * density


def grade_tonnage(grade, tonnage, cutoffs):
    """{cutoff, tonnage, grade, metal} arrays for one grade map; blocks without a
    grade (NaN) are left out. Metal is tonnage x grade in the grade's units
    (grade in % gives tonnes x % = hundredths of tonnes of oxide)."""
    grade = np.asarray(grade, dtype=float)
    tonnage = np.asarray(tonnage, dtype=float)
    known = np.isfinite(grade)
    cutoffs = np.asarray(cutoffs, dtype=float)
    above = known[None, :] & (grade[None, :] >= cutoffs[:, None])
    tonnes = above @ tonnage
    metal = above @ np.where(known, grade * tonnage, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_grade = np.where(tonnes > 0, metal / tonnes, np.nan)
    return {"cutoff": cutoffs, "tonnage": tonnes, "grade": mean_grade, "metal": metal}


def grade_tonnage_bands(realisations, tonnage, cutoffs, quantiles=(0.1, 0.5, 0.9)):
    """Curves per realisation and their quantiles across realisations:
    {"<quantity>_p10": ..., "<quantity>_p50": ..., "<quantity>_p90": ...}."""
    curves = [grade_tonnage(r, tonnage, cutoffs) for r in np.atleast_2d(realisations)]
    out = {"cutoff": np.asarray(cutoffs, dtype=float)}
    for quantity in ("tonnage", "grade", "metal"):
        stacked = np.stack([c[quantity] for c in curves])
        for q in quantiles:
            with np.errstate(invalid="ignore"):
                out[f"{quantity}_p{round(q * 100)}"] = np.nanquantile(stacked, q, axis=0) \
                    if np.isfinite(stacked).any() else np.full(len(cutoffs), np.nan)
    return out


def cutoff_series(start, stop, step):
    if not step > 0 or stop < start:
        raise ValueError(f"cut-off series {start}..{stop} step {step} is empty")
    return np.round(np.arange(start, stop + step / 2.0, step), 10)


METAL_FACTORS = {"%": 0.01, "ppm": 1e-6, "g/t": 1e-6}


def curve_figure(curves, grade_label="grade", tonnage_unit="t"):
    """Tonnage and mean grade above cut-off, one colour per estimator; the
    P10-P90 band of an estimator with realisations is shaded."""
    from .cv_report import pyplot

    plt = pyplot()
    figure, (tonnage_axis, grade_axis) = plt.subplots(1, 2, figsize=(10, 4))
    for name, curve in curves.items():
        line = tonnage_axis.plot(curve["cutoff"], curve["tonnage"], marker=".", label=name)[0]
        grade_axis.plot(curve["cutoff"], curve["grade"], marker=".", color=line.get_color(), label=name)
        if "tonnage_p10" in curve:
            tonnage_axis.fill_between(curve["cutoff"], curve["tonnage_p10"], curve["tonnage_p90"], color=line.get_color(), alpha=0.2)
            grade_axis.fill_between(curve["cutoff"], curve["grade_p10"], curve["grade_p90"], color=line.get_color(), alpha=0.2)
    tonnage_axis.set_xlabel(f"cut-off ({grade_label})")
    tonnage_axis.set_ylabel(f"tonnage above cut-off ({tonnage_unit})")
    grade_axis.set_xlabel(f"cut-off ({grade_label})")
    grade_axis.set_ylabel(f"mean grade above cut-off ({grade_label})")
    tonnage_axis.legend()
    return figure


def write_curve_report(path, curves, grade_label, notes=()):
    """One HTML page with the curve figure and the table behind it."""
    import html

    from .cv_report import figure_html
    from .modelfile import atomic_write_bytes

    rows = []
    for name, curve in curves.items():
        for i, cutoff in enumerate(curve["cutoff"]):
            band = ""
            if "tonnage_p10" in curve:
                band = f"{curve['tonnage_p10'][i]:.4g} - {curve['tonnage_p90'][i]:.4g}"
            rows.append(f"<tr><td>{html.escape(name)}</td><td>{cutoff:g}</td><td>{curve['tonnage'][i]:.4g}</td>"
                        f"<td>{curve['grade'][i]:.4g}</td><td>{curve['metal'][i]:.4g}</td><td>{band}</td></tr>")
    page = (
        "<html><head><meta charset='utf-8'><title>Grade-tonnage</title><style>body{font-family:sans-serif;margin:2em}"
        "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 6px;text-align:right}</style></head><body>"
        "<h1>Grade-tonnage curves</h1>" + "".join(f"<p>{html.escape(n)}</p>" for n in notes)
        + figure_html(curve_figure(curves, grade_label), "grade-tonnage curves")
        + "<table><tr><th>estimator</th><th>cut-off</th><th>tonnage (t)</th><th>mean grade</th><th>metal (t)</th>"
        "<th>tonnage P10 - P90</th></tr>" + "".join(rows) + "</table></body></html>"
    )
    atomic_write_bytes(path, page.encode("utf-8"))
