"""Drilling of the synthetic deposit: collars, downhole surveys, the true hole
paths (minimum curvature through the surveys as written), sample intervals
broken at lithology contacts, and the interval chemistry a lab would report."""
import numpy as np

from ..drillholes.geometry import HolePath, direction_vectors
from ..drillholes.oxides import ELEMENTS as REE
from ..drillholes.oxides import FACTORS as OXIDE_FACTORS
from .geology import NUGGET_SIGMA, STRIKE_DEG

ASSAY_ELEMENTS = REE + ("Sr", "Ba", "F")
# Oxide fractions of TREO: bastnaesite ore (Maoniuping-like, steep LREE) and
# the rocks' background pattern (flatter).
ORE_PATTERN = np.array([0.320, 0.478, 0.042, 0.122, 0.0115, 0.0022, 0.0050, 0.0005, 0.0016,
                        0.0003, 0.0006, 0.0001, 0.0004, 0.00005, 0.0160])
BACKGROUND_PATTERN = np.array([0.200, 0.380, 0.045, 0.160, 0.030, 0.006, 0.025, 0.004, 0.020,
                               0.004, 0.012, 0.0018, 0.011, 0.0017, 0.100])
BACKGROUND_TREO_PCT = np.array([0.15, 0.10, 0.08, 0.05, 0.03, 0.015])
# Median Sr and Ba (ppm) and F (ppm) of each unit without vein minerals.
SR_PPM = np.array([8000.0, 4000.0, 1500.0, 700.0, 250.0, 400.0])
BA_PPM = np.array([3000.0, 2500.0, 2500.0, 1200.0, 600.0, 300.0])
F_PPM = np.array([2000.0, 1800.0, 1500.0, 1000.0, 700.0, 400.0])
FLUORITE_SCALE = np.array([1.0, 1.0, 0.7, 0.4, 0.2, 0.0])
BASTNAESITE_REO_FRACTION = 0.75
DETECTION_LIMITS = {**{el: 0.5 for el in REE}, "Sr": 0.5, "Ba": 0.5, "F": 20.0}
ANALYTICAL_CV = 0.04


# --- holes -------------------------------------------------------------------
def plan_holes(rng, model, extent, n_holes, depth_range, vertical_fraction=0.12):
    """Collars (x, y, z), azimuth, dip (negative down) and length of each hole,
    aimed at the mineralised zone at a range of depths, with a few (at least
    two) exploration holes away from it."""
    xmin, ymin, xmax, ymax = extent
    holes = []
    n_exploration = max(2, int(round(0.08 * n_holes)))
    while len(holes) < n_holes:
        kind = 1.0 if len(holes) < n_exploration else rng.uniform() * 0.92
        t = rng.uniform(-0.6, 0.6) * model.strike_length
        target_depth = rng.uniform(0.15, 0.75) * depth_range[1]
        if kind < vertical_fraction:
            azimuth, dip = 0.0, -90.0
            offset = rng.uniform(-160.0, 160.0)
        elif kind < 0.92:
            footwall = rng.uniform() < 0.2
            azimuth = (STRIKE_DEG + (270.0 if footwall else 90.0) + rng.normal(0, 8.0)) % 360.0
            dip = -rng.uniform(50.0, 75.0)
            offset = target_depth / np.tan(np.radians(-dip)) * (-1.0 if footwall else 1.0)
            offset += target_depth / np.tan(np.radians(75.0)) + rng.normal(0, 20.0)
        else:
            azimuth, dip = rng.uniform(0.0, 360.0), -rng.uniform(55.0, 75.0)
            offset = rng.choice([-1.0, 1.0]) * rng.uniform(250.0, 0.5 * (xmax - xmin))
        xy = model.centre + t * model.u[:2] + offset * model.n_h[:2]
        if not (xmin + 20 <= xy[0] <= xmax - 20 and ymin + 20 <= xy[1] <= ymax - 20):
            continue
        length = target_depth / np.sin(np.radians(-dip)) + rng.uniform(30.0, 110.0)
        length = float(np.clip(length, depth_range[0], depth_range[1]))
        holes.append((xy[0], xy[1], round(azimuth, 1), round(dip, 1), round(length, 1), t))
    holes.sort(key=lambda h: (h[5], h[0]))
    x, y, az, dip, length, t = (np.array(c) for c in zip(*holes))
    z = np.round(model.topography(x, y), 2)
    return {"x": np.round(x, 2), "y": np.round(y, 2), "z": z, "azimuth": az, "dip": dip, "length": length,
            "line": np.floor((t - t.min()) / 50.0).astype(int)}


def hole_ids(lines):
    """Chinese exploration-line style ids, ZK<line><hole on line>: ZK0301."""
    counters, ids = {}, []
    for line in lines:
        counters[line] = counters.get(line, 0) + 1
        ids.append(f"ZK{line:02d}{counters[line]:02d}")
    return ids


def survey_stations(rng, azimuth, dip, length):
    """(depths, azimuths, dips) of a hole's downhole survey: readings every 30
    or 50 m from the collar, drifting as holes do (azimuth walks, dip lifts)."""
    step = 30.0 if rng.uniform() < 0.7 else 50.0
    depths = np.append(np.arange(0.0, length - 1.0, step), length)
    n = len(depths)
    az = azimuth + np.concatenate([[0.0], np.cumsum(rng.normal(0.4, 0.6, n - 1))])
    dips = dip + np.concatenate([[0.0], np.cumsum(rng.normal(0.25, 0.3, n - 1))])
    return np.round(depths, 1), np.round(az % 360.0, 1), np.round(np.minimum(dips, -30.0), 1)


def hole_path(collar, depths, azimuths, dips):
    """The true path of a hole: minimum curvature through its survey as
    written (dips negative down), the same desurvey `drillholes` applies."""
    tangents = direction_vectors(np.atleast_1d(azimuths), -np.atleast_1d(np.asarray(dips, dtype=float)))
    return HolePath(collar, np.atleast_1d(depths), tangents)


# --- samples -----------------------------------------------------------------
def sample_intervals(rng, contacts, start, length):
    """(from, to) of a hole's samples: mostly 1, 1.5 or 2 m, broken at the
    lithology contacts (`contacts`, sorted depths) as a geologist samples."""
    breaks = [c for c in contacts if start < c < length]
    bounds, position = [], start
    for limit in breaks + [length]:
        while position < limit - 1e-6:
            step = rng.choice([1.0, 1.5, 2.0], p=[0.35, 0.2, 0.45])
            end = min(position + step, limit)
            if limit - end < 0.3:
                end = limit
            bounds.append((round(position, 2), round(end, 2)))
            position = end
    return bounds


def interval_chemistry(rng, props, log_treo):
    """True element ppm (dict element -> array) and mineral percentages for
    intervals with properties `props` and true ln TREO %."""
    lith = props["lithology"]
    treo = np.exp(log_treo)
    background = np.minimum(BACKGROUND_TREO_PCT[lith], treo)
    ore = treo - background
    n = len(treo)
    slope = rng.normal(0.0, 0.15, (n, 1)) * np.linspace(-1.0, 1.0, len(REE))[None, :]
    jitter = np.exp(rng.normal(0.0, 0.08, (n, len(REE))) + slope)
    ore_frac = _normalised(ORE_PATTERN[None, :] * jitter)
    bg_frac = _normalised(BACKGROUND_PATTERN[None, :] * jitter)
    oxides_pct = ore[:, None] * ore_frac + background[:, None] * bg_frac
    ppm = {el: oxides_pct[:, i] * 1e4 / OXIDE_FACTORS[el] for i, el in enumerate(REE)}
    minerals = minerals_from(props, treo, rng)
    ppm["Sr"] = SR_PPM[lith] * np.exp(rng.normal(0, 0.35, n)) + minerals["barite_pct"] * 150.0
    ppm["Ba"] = BA_PPM[lith] * np.exp(rng.normal(0, 0.35, n)) + minerals["barite_pct"] * 5884.0
    ppm["F"] = (F_PPM[lith] * np.exp(rng.normal(0, 0.3, n)) + minerals["fluorite_pct"] * 4867.0
                + minerals["bastnaesite_pct"] * 867.0)
    return ppm, minerals


def minerals_from(props, treo_pct, rng=None):
    """Modal percentages of bastnaesite, fluorite and barite."""
    lith = props["lithology"]
    bastnaesite = 0.92 * treo_pct / BASTNAESITE_REO_FRACTION
    fluorite = 30.0 * props["fluoritisation"] ** 1.5 * FLUORITE_SCALE[lith]
    barite = 20.0 * props["baritisation"] ** 1.5 * FLUORITE_SCALE[lith]
    if rng is not None:
        fluorite = fluorite * np.exp(rng.normal(0, 0.2, len(lith)))
        barite = barite * np.exp(rng.normal(0, 0.2, len(lith)))
    return {"bastnaesite_pct": bastnaesite, "fluorite_pct": fluorite, "barite_pct": barite}


def _normalised(fractions):
    return fractions / fractions.sum(axis=1, keepdims=True)


def treo_from_ppm(ppm):
    """TREO % (oxide) from element ppm, with the factors of `oxides`."""
    return sum(np.asarray(ppm[el]) * OXIDE_FACTORS[el] for el in REE) / 1e4


def sample_nugget(rng, n):
    """ln of the multiplicative sample-scale nugget, mean of exp() equal to 1."""
    return rng.normal(0.0, NUGGET_SIGMA, n) - 0.5 * NUGGET_SIGMA**2


# --- lab file artefacts -----------------------------------------------------
def lab_batches(rng, n):
    """Per row, True where its batch reports below detection as '<DL': samples
    went out in batches of 20-80, alternately to two labs (or certificate vs
    database exports) that write it differently."""
    less_than = np.empty(n, dtype=bool)
    start, lab = 0, bool(rng.uniform() < 0.5)
    while start < n:
        size = int(rng.integers(20, 81))
        less_than[start : start + size] = lab
        start, lab = start + size, not lab
    return less_than


def lab_cells(rng, ppm, below_notation, missing_fraction=0.05):
    """Columns of strings as a lab CSV has them: analytical error, rounding,
    below-detection as '<DL' or '-DL' (`below_notation` per row: True for '<'),
    empty cells for about `missing_fraction` of the values."""
    n = len(next(iter(ppm.values())))
    not_analysed = rng.uniform(size=n) < 0.4 * missing_fraction
    cells = {}
    for element in ASSAY_ELEMENTS:
        measured = ppm[element] * np.exp(rng.normal(0.0, ANALYTICAL_CV, n))
        limit = DETECTION_LIMITS[element]
        missing = not_analysed | (rng.uniform(size=n) < 0.6 * missing_fraction)
        column = []
        for value, below, is_missing in zip(measured, below_notation, missing):
            if is_missing:
                column.append("")
            elif value < limit:
                column.append(f"<{limit:g}" if below else f"-{limit:g}")
            else:
                column.append(_round_ppm(value))
        cells[element] = column
    return cells


def _round_ppm(value):
    if value >= 1000:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"

