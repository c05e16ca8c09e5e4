"""Mineral absorption features of reflectance spectra: continuum-removed band
depth, band centre and band area for the features of a band table
(`absorption_bands.json`: the Nd3+ bands of bastnaesite and monazite near 580,
740, 800 and 870 nm, Fe3+ near 900 nm, Al-OH near 2200 nm, carbonate near
2330 nm), and an REE index from the Nd depths.

Method (Clark & Roush 1984, J. Geophys. Res. 89:6329; Kokaly 2011, USGS OFR
2011-1155 for the local continuum): per pixel, the continuum is the straight
line between the brightest band of the left shoulder window and the brightest
band of the right shoulder window. Continuum-removed reflectance CR = R /
continuum over the minimum window; depth = max(0, 1 - min CR), 0 meaning no
absorption below the continuum (a two-point continuum can lie under a convex
spectrum, such as goethite's Fe3+ edge, where 1 - min CR would be negative);
centre = vertex of the parabola through the minimum band and its two
neighbours, clamped to those neighbours (NaN where depth is 0); area =
trapezoid integral of max(0, 1 - CR) over the window, in nm. Depth, centre and area are ratios of reflectance, so a
multiplicative scale factor does not change them (an additive offset does).

Everything works on (bands, pixels) arrays: one spectrum is one pixel.
"""
import csv
import json
import os

import numpy as np

DEFAULT_BAND_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "absorption_bands.json")
REE_GROUP = "REE"
REE_INDEX = "hs_ree_index"
MEASURES = ("depth", "centre", "area")
MIN_WINDOW_BANDS = 3
MICRON_LIMIT = 30.0
_UNIT_FACTORS = {
    "nm": 1.0, "nanometer": 1.0, "nanometers": 1.0, "nanometre": 1.0, "nanometres": 1.0,
    "um": 1000.0, "µm": 1000.0, "micrometer": 1000.0, "micrometers": 1000.0, "micrometre": 1000.0,
    "micrometres": 1000.0, "micron": 1000.0, "microns": 1000.0,
}
_CSV_COLUMNS = ("name", "group", "left_min", "left_max", "right_min", "right_max", "window_min", "window_max")


# --- wavelengths ---------------------------------------------------------------
def to_nanometres(values, units=None, source="wavelengths"):
    """Wavelengths as nm floats. `units` names nm or um (any common spelling);
    without units, values all below 30 are taken as micrometres."""
    values = np.asarray(values, dtype=float)
    key = (units or "").strip().lower()
    if key in _UNIT_FACTORS:
        return values * _UNIT_FACTORS[key]
    if key and key not in ("unknown", "index", "none"):
        raise ValueError(f"{source}: unknown wavelength units {units!r}; use nm or um")
    return values * 1000.0 if np.nanmax(values) < MICRON_LIMIT else values


def check_wavelengths(wavelengths, n_bands, source):
    """Raise unless there is one finite wavelength per band, strictly increasing."""
    wavelengths = np.asarray(wavelengths, dtype=float)
    if wavelengths.shape != (n_bands,):
        raise ValueError(f"{source}: {wavelengths.size} wavelengths for a cube of {n_bands} bands")
    bad = np.flatnonzero(~np.isfinite(wavelengths))
    if bad.size:
        raise ValueError(f"{source}: wavelength of band {bad[0] + 1} is not a number")
    steps = np.flatnonzero(np.diff(wavelengths) <= 0)
    if steps.size:
        k = steps[0]
        raise ValueError(
            f"{source}: wavelengths must increase, but band {k + 2} ({wavelengths[k + 1]:g} nm) does not "
            f"follow band {k + 1} ({wavelengths[k]:g} nm); reorder the bands or give WAVELENGTHS"
        )
    return wavelengths


# Two bands whose wavelengths differ by less than this are one wavelength
# measured twice (headers write two decimals): their reflectances are averaged.
DUPLICATE_NM = 0.01


class SpectralOrder:
    """The cube's usable bands in increasing wavelength: `wavelengths` (nm,
    strictly increasing), `sources` (per wavelength, the 0-based cube bands
    averaged into it) and `notes` (what was reordered, merged or dropped, for
    the log).

    Imaging spectrometers built from several detectors (AVIRIS-classic's four)
    list each detector's bands in turn, so the wavelengths step back where two
    detectors overlap (... 675.27, 666.02 ...); every band is a genuine
    measurement at its own wavelength, so sorting keeps them all, and only a
    wavelength listed twice is merged."""

    def __init__(self, wavelengths, n_bands, source, good=None):
        wavelengths = np.asarray(wavelengths, dtype=float)
        if wavelengths.shape != (n_bands,):
            raise ValueError(f"{source}: {wavelengths.size} wavelengths for a cube of {n_bands} bands")
        good = np.ones(n_bands, dtype=bool) if good is None else np.asarray(good, dtype=bool)
        bad = np.flatnonzero(good & ~np.isfinite(wavelengths))
        if bad.size:
            raise ValueError(f"{source}: wavelength of band {bad[0] + 1} is not a number")
        self.notes = []
        dropped = np.flatnonzero(~good)
        if dropped.size:
            self.notes.append(f"{dropped.size} band(s) marked bad in the bad-band list (bbl) dropped: "
                              f"{_band_ranges(dropped)}")
        kept = np.flatnonzero(good)
        if kept.size < 2:
            raise ValueError(f"{source}: {kept.size} band(s) left after the bad-band list; a cube needs many")
        order = kept[np.argsort(wavelengths[kept], kind="stable")]
        stepped_back = int((np.diff(wavelengths[kept]) < 0).sum())
        if stepped_back:
            self.notes.append(f"bands sorted by wavelength: the list steps back {stepped_back} time(s), as where "
                              "the detectors of a multi-detector spectrometer overlap")
        groups = np.split(order, np.flatnonzero(np.diff(wavelengths[order]) >= DUPLICATE_NM) + 1)
        self.sources = [np.sort(group) for group in groups]
        self.wavelengths = np.array([wavelengths[group].mean() for group in groups])
        if self.wavelengths.size < 2:
            raise ValueError(f"{source}: the {kept.size} bands have {self.wavelengths.size} distinct wavelength(s); "
                             "a cube needs many")
        merged = [group for group in self.sources if group.size > 1]
        if merged:
            self.notes.append(f"{len(merged)} wavelength(s) listed more than once, their bands averaged: " + "; ".join(
                f"{wavelengths[g[0]]:g} nm (bands {', '.join(str(b + 1) for b in g)})" for g in merged[:5])
                + ("; ..." if len(merged) > 5 else ""))

    @property
    def bands_used(self):
        return int(sum(group.size for group in self.sources))


def _band_ranges(indices):
    """'1-4, 107-114' of 0-based band indices, 1-based."""
    runs = np.split(indices, np.flatnonzero(np.diff(indices) != 1) + 1)
    return ", ".join(f"{r[0] + 1}" if r.size == 1 else f"{r[0] + 1}-{r[-1] + 1}" for r in runs)


# --- band table ----------------------------------------------------------------
def load_band_table(path=None):
    """The feature definitions of a JSON (like absorption_bands.json) or CSV
    table (columns name, group, left_min, left_max, right_min, right_max,
    window_min, window_max, optional note), checked; default: the bundled one."""
    path = path or DEFAULT_BAND_TABLE
    if not os.path.exists(path):
        raise ValueError(f"band table {path}: file not found")
    if path.lower().endswith(".csv"):
        rows = _csv_rows(path)
    else:
        try:
            with open(path, encoding="utf-8") as handle:
                rows = json.load(handle)["bands"]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"band table {path}: not a JSON object with a 'bands' list ({error})") from None
    return [_checked_row(row, path, number) for number, row in enumerate(rows, start=1)]


def _csv_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in _CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"band table {path}: missing column(s) {', '.join(missing)}")
        return [
            {
                "name": row["name"], "group": row["group"], "note": row.get("note", ""),
                "left_shoulder": [row["left_min"], row["left_max"]],
                "right_shoulder": [row["right_min"], row["right_max"]],
                "window": [row["window_min"], row["window_max"]],
            }
            for row in reader
        ]


def _checked_row(row, path, number):
    where = f"band table {path}, row {number}"
    name = str(row.get("name", "")).strip()
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"{where}: column 'name' must be letters, digits or _, got {row.get('name')!r}")
    ranges = {}
    for column in ("left_shoulder", "right_shoulder", "window"):
        try:
            low, high = (float(v) for v in row[column])
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{where} ({name}): column '{column}' must be [min, max] in nm") from None
        if not low <= high:
            raise ValueError(f"{where} ({name}): column '{column}' has min {low:g} > max {high:g}")
        ranges[column] = (low, high)
    if not ranges["left_shoulder"][1] < ranges["window"][0] <= ranges["window"][1] < ranges["right_shoulder"][0]:
        raise ValueError(f"{where} ({name}): the window must lie strictly between the left and right shoulders")
    return {"name": name, "group": str(row.get("group", "")).strip(), "note": str(row.get("note", "")), **ranges}


# --- planning: which bands each feature uses -----------------------------------
def _bands_in(wavelengths, low, high):
    if low == high:
        nearest = int(np.argmin(np.abs(wavelengths - low)))
        spacing = np.diff(wavelengths).max() if wavelengths.size > 1 else 0.0
        return np.array([nearest]) if abs(wavelengths[nearest] - low) <= spacing else np.array([], dtype=int)
    return np.flatnonzero((wavelengths >= low) & (wavelengths <= high))


class FeatureSet:
    """The features of `table` a sensor with `wavelengths` (nm, increasing)
    covers. `bands`: the 0-based band indices they read, sorted; `names`: the
    output band names; `skipped`: (feature name, reason) for those left out."""

    def __init__(self, wavelengths, table):
        self.wavelengths = np.asarray(wavelengths, dtype=float)
        self.features, self.skipped = [], []
        for row in table:
            picked = [_bands_in(self.wavelengths, *row[c]) for c in ("left_shoulder", "right_shoulder", "window")]
            reason = _coverage_problem(row, picked)
            if reason:
                self.skipped.append((row["name"], reason))
            else:
                self.features.append((row, picked))
        used = [np.concatenate(picked) for _, picked in self.features]
        self.bands = np.unique(np.concatenate(used)) if used else np.array([], dtype=int)
        self.ree_features = [row["name"] for row, _ in self.features if row["group"] == REE_GROUP]
        self.names = [f"hs_{row['name']}_{m}" for row, _ in self.features for m in MEASURES]
        if self.ree_features:
            self.names.append(REE_INDEX)

    def compute(self, reflectance):
        """(len(names), pixels) features of `reflectance` (len(bands), pixels),
        whose rows are the cube's bands `self.bands`; NaN where a pixel has no
        data in a band the feature reads."""
        reflectance = np.asarray(reflectance)
        if not np.issubdtype(reflectance.dtype, np.floating):
            reflectance = reflectance.astype(np.float32)
        if reflectance.shape[0] != self.bands.size:
            raise ValueError(
                f"expected {self.bands.size} bands (the ones the features read), got {reflectance.shape[0]}"
            )
        rows = np.searchsorted(self.bands, np.arange(self.wavelengths.size))
        out = np.empty((len(self.names), reflectance.shape[1]), dtype=np.float32)
        depths = []
        for k, (row, picked) in enumerate(self.features):
            # Each window is a run of adjacent bands, so a slice (a view, no copy) selects it.
            left, right, window = (reflectance[rows[p[0]] : rows[p[-1]] + 1] for p in picked)
            depth, centre, area = band_feature(left, right, window, *(self.wavelengths[p] for p in picked))
            out[3 * k : 3 * k + 3] = depth, centre, area
            if row["group"] == REE_GROUP:
                depths.append(depth)
        if depths:
            out[-1] = np.mean(depths, axis=0)
        return out


def _coverage_problem(row, picked):
    labels = ("left shoulder", "right shoulder", "minimum window")
    for label, column, bands in zip(labels, ("left_shoulder", "right_shoulder", "window"), picked):
        needed = MIN_WINDOW_BANDS if column == "window" else 1
        if bands.size < needed:
            low, high = row[column]
            return f"{label} {low:g}-{high:g} nm has {bands.size} band(s), needs {needed}"
    return None


# --- the measurement -----------------------------------------------------------
def band_feature(left, right, window, left_nm, right_nm, window_nm):
    """(depth, centre, area) per pixel: reflectance `left`, `right`, `window`
    are (bands, pixels) for the bands at `left_nm`, `right_nm`, `window_nm`.
    Arithmetic stays in the input's float type; a cube window is float32, so
    this is written to make as few (bands, pixels) temporaries as possible."""
    dtype = window.dtype
    cols = np.arange(window.shape[1])
    # A NaN anywhere makes its pixel's sum NaN: cheaper than a boolean mask per band.
    valid = np.isfinite(left.sum(0)) & np.isfinite(right.sum(0)) & np.isfinite(window.sum(0))
    il, r_left = _extreme(left, np.max)
    ir, r_right = _extreme(right, np.max)
    w_left, w_right = left_nm[il], right_nm[ir]
    slope = ((r_right - r_left) / (w_right - w_left)).astype(dtype)
    intercept = (r_left - slope * w_left).astype(dtype)
    ends = np.array([window_nm[0], window_nm[-1]])
    valid &= (np.multiply.outer(ends, slope) + intercept > 0).all(0)
    removed = np.multiply.outer(window_nm.astype(dtype), slope)
    removed += intercept
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(window, removed, out=removed)
    k, lowest = _extreme(removed, np.min)
    depth = np.maximum(1.0 - lowest.astype(float), 0.0)
    centre = np.where(depth > 0, _parabola_vertex(removed, window_nm, k, cols), np.nan)
    np.subtract(1.0, removed, out=removed)
    np.maximum(removed, 0.0, out=removed)
    area = _weighted_sum(removed, _trapezoid_weights(window_nm).astype(dtype))
    return tuple(np.where(valid, m, np.nan) for m in (depth, centre, area))


def _extreme(values, reduce):
    """(first index, value) of the extreme along axis 0 (`reduce`: np.max or
    np.min). numpy's argmax across the rows of a C-ordered (bands, pixels)
    array is slow; max is fast, and one comparison per band finds where it is."""
    best = reduce(values, axis=0)
    index = np.zeros(values.shape[1], dtype=np.intp)
    for band in range(values.shape[0] - 1, -1, -1):
        index[values[band] == best] = band
    return index, best


def _weighted_sum(values, weights):
    """weights @ values, band by band: a BLAS product may round differently
    with the number of pixels, and a pixel's features must not depend on the
    window it was computed in."""
    total = np.zeros(values.shape[1], dtype=values.dtype)
    for band, weight in enumerate(weights):
        total += weight * values[band]
    return total


def _trapezoid_weights(x):
    """w with w @ y = the trapezoid integral of y over x."""
    gaps = np.diff(x)
    weights = np.zeros(x.size)
    weights[:-1] += 0.5 * gaps
    weights[1:] += 0.5 * gaps
    return weights


def _parabola_vertex(y, x, k, cols):
    """Vertex of the parabola through bands k-1, k, k+1 (non-uniform spacing),
    clamped to [x[k-1], x[k+1]]; x[k] where k is at the window's edge."""
    n = x.size
    inner = np.clip(k, 1, n - 2)
    x0, x1, x2 = x[inner - 1], x[inner], x[inner + 1]
    y0, y1, y2 = (y[i, cols].astype(float) for i in (inner - 1, inner, inner + 1))
    numerator = (x1 - x0) ** 2 * (y1 - y2) - (x1 - x2) ** 2 * (y1 - y0)
    denominator = (x1 - x0) * (y1 - y2) - (x1 - x2) * (y1 - y0)
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex = x1 - 0.5 * numerator / denominator
    vertex = np.where(np.isfinite(vertex), np.clip(vertex, x0, x2), x1)
    return np.where((k == 0) | (k == n - 1), x[k], vertex)
