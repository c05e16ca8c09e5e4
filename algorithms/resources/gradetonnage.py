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

