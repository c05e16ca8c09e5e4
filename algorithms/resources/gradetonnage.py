"""Grade-tonnage curves: tonnage, mean grade and contained metal above a series of
cut-offs from a block model, with bands from realisations of the estimate.

Realisations (S, n) come from the BNN posterior: each posterior weight sample
gives a coherent grade map, so the spread of the curves across samples is the
model's (epistemic) uncertainty on the whole curve, which per-block P10/P90 maps
cannot give (the P90 of every block at once is not a realisation)."""
import math

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


# More cut-offs than a curve can show; the (cut-offs x blocks) table behind them would fill any memory first.
MAX_CUTOFFS = 100_000


def cutoff_series(start, stop, step, n_blocks=1):
    """start, start + step, ... up to stop; refused before numpy allocates when there would be more than
    MAX_CUTOFFS of them (a 1e-6 step to 1e6 would need terabytes)."""
    if not step > 0 or stop < start:
        raise ValueError(f"cut-off series {start}..{stop} step {step} is empty")
    count = math.floor((stop - start) / step) + 1
    if count > MAX_CUTOFFS:
        needed = count * (max(int(n_blocks), 1) + 1) * 9 / 2**30
        raise ValueError(
            f"cut-off series {start:g}..{stop:g} step {step:g} has {count:,} cut-offs and would need {needed:,.1f} "
            f"GiB of memory for {n_blocks} block(s); at most {MAX_CUTOFFS:,} are allowed: use a larger step")
    return np.round(np.arange(start, stop + step / 2.0, step), 10)


METAL_FACTORS = {"%": 0.01, "ppm": 1e-6, "g/t": 1e-6}
BLOCK_SIZE_FIELDS = ("dx", "dy", "dz")


def volume_fields(field_names, volume_field=""):
    """The fields a block volume is read from: VOLUME_FIELD if chosen, else a
    field named 'volume' (reegrade:targets writes one), else dx, dy and dz when
    all three exist, else none (a constant volume)."""
    names = list(field_names)
    if not volume_field and "volume" in names:
        volume_field = "volume"
    if volume_field:
        return [volume_field]
    if all(axis in names for axis in BLOCK_SIZE_FIELDS):
        return list(BLOCK_SIZE_FIELDS)
    return []


def block_volume(n_blocks, columns, volume):
    """(n_blocks,) block volumes: the product of the columns ({field: values},
    one volume field or dx, dy, dz), or the constant `volume` when there are none."""
    if not columns:
        return np.full(n_blocks, volume)
    arrays = [np.asarray(values, dtype=float) for values in columns.values()]
    product = arrays[0]
    for values in arrays[1:]:
        product = product * values
    return product


def layer_tonnage(volume, density, label):
    """block_tonnage with its error naming the layer (`label`)."""
    try:
        return block_tonnage(volume, density)
    except ValueError as error:
        raise ValueError(f"{label}: {error}") from None


def posterior_curves(mu, sigma, tonnage, cutoffs):
    """Curves from (S, n) log-grade posterior draws: each draw's expected grade map
    exp(mu + sigma^2/2) is one realisation; returns the curve of the realisations'
    mean grade with the P10/P50/P90 bands of the realisations' curves."""
    realisations = np.exp(np.asarray(mu) + np.asarray(sigma) ** 2 / 2.0)
    bands = grade_tonnage_bands(realisations, tonnage, cutoffs)
    mean_curve = grade_tonnage(realisations.mean(axis=0), tonnage, cutoffs)
    return {**mean_curve, **{k: v for k, v in bands.items() if k != "cutoff"}}


def in_metal_units(curves, unit):
    """Curves with metal (and its bands) turned from tonnes x grade into tonnes of
    metal by METAL_FACTORS[unit]; the input curves are left unchanged."""
    if unit not in METAL_FACTORS:
        raise ValueError(f"grade unit {unit!r} is not one of {', '.join(METAL_FACTORS)}")
    factor = METAL_FACTORS[unit]
    scaled = {}
    for name, curve in curves.items():
        curve = dict(curve)
        for key in ("metal", "metal_p10", "metal_p50", "metal_p90"):
            if key in curve:
                curve[key] = curve[key] * factor
        scaled[name] = curve
    return scaled

