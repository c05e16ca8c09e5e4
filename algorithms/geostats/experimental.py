"""Experimental semivariograms, the data side of variography: what a
geologist reads to choose a model, and what `variogram_fit` fits. Pairs come
from a k-d tree in chunks so memory stays bounded on large composite sets;
directions and tolerances follow GSLIB gamv, so figures can be checked against
it."""
import math

import numpy as np

from ..common.parsing import parse_numbers
from ..common.progress import check_cancelled, report_progress
from .geometry import as_xyz, axis_angles, direction_vector, rotation_matrix, spatial_order


class ExperimentalVariogram:
    """Per direction: mean pair distance, semivariance and pair count per lag
    bin (bins without pairs dropped). `directions` holds (azimuth, dip), or
    None for omnidirectional."""

    def __init__(self, directions, lags, gammas, npairs, variance, lag):
        self.directions = directions
        self.lags = lags
        self.gammas = gammas
        self.npairs = npairs
        self.variance = variance
        self.lag = lag

    @property
    def omnidirectional(self):
        return self.directions == [None]

    def arrays(self):
        index = np.concatenate([np.full(len(g), i) for i, g in enumerate(self.gammas)])
        directions = np.array([d if d is not None else (np.nan, np.nan) for d in self.directions], dtype=float)
        return {
            "exp_direction": index.astype(np.int64),
            "exp_directions": directions,
            "exp_lag": np.concatenate(self.lags),
            "exp_gamma": np.concatenate(self.gammas),
            "exp_npairs": np.concatenate(self.npairs).astype(np.int64),
        }


def experimental_variogram(
    xyz, values, lag, n_lags, lag_tolerance=None, directions=None, angle_tolerance=22.5, bandwidth=None,
    max_samples=20000, seed=0, label="samples", progress=None, should_stop=None,
):
    """Classical (Matheron) semivariogram by lag bins k * lag, k = 0..n_lags,
    a pair counting in bin k when |h - k lag| <= lag_tolerance (default lag/2;
    a larger tolerance lets bins overlap, as in GSLIB). Bin 0 holds pairs closer
    than the tolerance. `directions`: list of (azimuth, dip) with the angular
    tolerance (degrees) and bandwidth (largest distance of the pair vector from
    the direction line), or None for omnidirectional. Pairs are visited in tiles
    of nearby samples (`experimental_variograms`), so memory stays bounded;
    above `max_samples` samples a seeded subsample is used."""
    values = np.asarray(values, dtype=float).reshape(-1)
    return experimental_variograms(
        xyz, values[:, None], lag, n_lags, lag_tolerance, directions, angle_tolerance, bandwidth, max_samples,
        seed, [label], progress, should_stop,
    )[0]


def experimental_variograms(
    xyz, values, lag, n_lags, lag_tolerance=None, directions=None, angle_tolerance=22.5, bandwidth=None,
    max_samples=20000, seed=0, labels=None, progress=None, should_stop=None,
):
    """One `ExperimentalVariogram` per column of `values` (n, k), all from one
    pass over the pairs, with the bins, directions, tolerances and subsample
    of `experimental_variogram` (so column c's result equals
    experimental_variogram(xyz, values[:, c], ...) when every column has a
    value in every row; rows missing a value in any column are left out).
    `labels` name the columns in messages (default "column 1", ...)."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"values must be one column per variable, shape (n, k); got shape {values.shape}")
    labels = [f"column {c + 1}" for c in range(values.shape[1])] if labels is None else list(labels)
    xyz = as_xyz(xyz)
    keep = np.all(np.isfinite(values), axis=1) & np.all(np.isfinite(xyz), axis=1)
    xyz, values = xyz[keep], values[keep]
    for column, label in enumerate(labels):
        _check_experimental_input(xyz, values[:, column], lag, n_lags, label)
    if len(values) > max_samples:
        chosen = np.sort(np.random.default_rng(seed).choice(len(values), max_samples, replace=False))
        xyz, values = xyz[chosen], values[chosen]
    tolerance = lag / 2.0 if lag_tolerance is None else float(lag_tolerance)
    if tolerance <= 0:
        raise ValueError(f"lag tolerance must be positive, got {tolerance}")
    direction_list = [None] if not directions else [tuple(map(float, d)) for d in directions]
    bins = _Bins(float(lag), tolerance, int(n_lags))
    sums = _accumulate(xyz, values, bins, direction_list, angle_tolerance, bandwidth, progress, should_stop)
    return [
        _variogram_of(sums, column, direction_list, float(np.var(values[:, column])), float(lag))
        for column in range(values.shape[1])
    ]


def _check_experimental_input(xyz, values, lag, n_lags, label):
    if len(values) < 2:
        raise ValueError(f"{label}: {len(values)} samples with a value; a variogram needs at least 2")
    if not lag > 0 or int(n_lags) < 1:
        raise ValueError(f"lag must be positive and the number of lags at least 1 (got lag {lag}, {n_lags} lags)")
    if np.ptp(values) == 0:
        raise ValueError(
            f"{label}: every value equals {values[0]:g}; a constant variable has a zero variogram, so there is "
            "nothing to model (kriging it returns that constant)"
        )


# Samples per tile: a tile pair is at most 512 x 512 pairs, a few MB per
# array, so memory stays bounded whatever the number of samples and the arrays
# stay in cache between the dozen numpy passes each tile takes.
_TILE = 512


class _Bins:
    """GSLIB gamv's lag bins: a pair at distance d > 0 is in bin k (0..n_lags)
    when |d - k lag| <= tolerance; index n_lags + 1 collects pairs in no bin."""

    def __init__(self, lag, tolerance, n_lags):
        self.lag, self.tolerance, self.n_lags = lag, tolerance, n_lags
        self.reach = int(math.ceil(tolerance / lag))
        self.outside = n_lags + 1
        self.width = n_lags + 2
        self.radius = n_lags * lag + tolerance
        # A pair |r| from its nearest bin centre can be in a neighbouring bin
        # only if |r| >= lag - tolerance; the margin covers the rounding of
        # r, so the exact test below sees every pair that can pass it.
        margin = 1e-12 * (n_lags + self.reach + 2) * lag
        self.second = lag - tolerance - margin

    def assign(self, distance):
        """(bin index per pair, (positions, bins) of the pairs also in a
        neighbouring bin): the comparisons of the reference loop over offsets
        (`np.abs(d - k * lag) <= tolerance`), so a pair on a bin edge falls
        where it always did; only the rare pairs near an edge are tested
        against the neighbouring bins."""
        nearest = np.rint(distance / self.lag)
        off = np.abs(distance - nearest * self.lag)
        inside = (off <= self.tolerance) & (nearest <= self.n_lags) & (distance > 0)
        index = np.where(inside, nearest, self.outside).astype(np.intp)
        return index, self._neighbours(distance, nearest, off)

    def _neighbours(self, distance, nearest, off):
        candidates = np.flatnonzero((off >= self.second) & (distance > 0))
        d, near = distance[candidates], nearest[candidates]
        positions, bins = [], []
        for offset in range(-self.reach, self.reach + 1):
            if offset == 0:
                continue
            k = near + offset
            inside = (k >= 0) & (k <= self.n_lags) & (np.abs(d - k * self.lag) <= self.tolerance)
            positions.append(candidates[inside])
            bins.append(k[inside].astype(np.intp))
        return np.concatenate(positions), np.concatenate(bins)


def _accumulate(xyz, values, bins, direction_list, angle_tolerance, bandwidth, progress, should_stop):
    """{"gamma": (directions, columns, bins) sums of squared differences,
    "distance", "count": (directions, bins)} over every pair i < j."""
    # Pairs are unordered and the statistics symmetric, so the samples can be
    # put in Z-order: tiles are then compact and far tile pairs skipped whole.
    order = spatial_order(xyz)
    coords = np.ascontiguousarray(xyz[order].T)
    columns = np.ascontiguousarray(values[order].T)
    tiles = _tile_pairs(coords, bins.radius)
    sums = {
        "gamma": np.zeros((len(direction_list), len(columns), bins.width)),
        "distance": np.zeros((len(direction_list), bins.width)),
        "count": np.zeros((len(direction_list), bins.width)),
    }
    total = sum(_tile_size(rows, cols) for rows, cols in tiles)
    done = 0
    for rows, cols in tiles:
        check_cancelled(should_stop)
        _add_tile(_TilePairs(coords, columns, rows, cols), bins, direction_list, angle_tolerance, bandwidth, sums)
        done += _tile_size(rows, cols)
        report_progress(progress, done / total)
    return sums


def _tile_pairs(coords, radius):
    """[(rows, cols)] slices of tile pairs (cols not before rows) whose
    bounding boxes are within `radius` (with a rounding margin)."""
    n = coords.shape[1]
    slices = [slice(start, min(start + _TILE, n)) for start in range(0, n, _TILE)]
    lows = np.array([coords[:, s].min(axis=1) for s in slices])
    highs = np.array([coords[:, s].max(axis=1) for s in slices])
    reach = radius * (1 + 1e-9) + 1e-300
    pairs = []
    for a, rows in enumerate(slices):
        gaps = np.maximum(0.0, np.maximum(lows[a:] - highs[a], lows[a] - highs[a:]))
        near = np.flatnonzero(np.sqrt(np.sum(gaps**2, axis=1)) <= reach)
        pairs += [(rows, slices[a + b]) for b in near]
    return pairs


def _tile_size(rows, cols):
    m = rows.stop - rows.start
    return m * (m - 1) // 2 if rows == cols else m * (cols.stop - cols.start)


class _TilePairs:
    """The pairs i < j of one tile pair as flat arrays: within one tile its
    upper triangle, between two tiles every row against every column."""

    def __init__(self, coords, columns, rows, cols):
        self.columns = columns
        self.rows, self.cols = rows, cols
        if rows == cols:
            i, j = np.triu_indices(rows.stop - rows.start, 1)
            self.i, self.j = i + rows.start, j + rows.start
        self.h = [self._difference(axis) for axis in coords]

    def _difference(self, column):
        if self.rows == self.cols:
            return column[self.j] - column[self.i]
        return (column[self.cols][None, :] - column[self.rows][:, None]).ravel()

    def squared_differences(self, c):
        difference = self._difference(self.columns[c])
        return np.multiply(difference, difference, out=difference)


def _add_tile(pairs, bins, direction_list, angle_tolerance, bandwidth, sums):
    h = pairs.h
    # Summed in np.linalg.norm's order, so distances equal the reference's bit for bit.
    distance = np.sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2])
    index, (extra, extra_bins) = bins.assign(distance)
    width = bins.width
    selections = []
    for d, direction in enumerate(direction_list):
        selected = None if direction is None else _in_direction(h, distance, direction, angle_tolerance, bandwidth)
        primary = index if selected is None else np.where(selected, index, bins.outside)
        second = extra_bins if selected is None else np.where(selected[extra], extra_bins, bins.outside)
        selections.append((primary, second))
        sums["count"][d] += np.bincount(primary, minlength=width) + np.bincount(second, minlength=width)
        sums["distance"][d] += _binned(primary, second, distance, extra, width)
    for c in range(len(pairs.columns)):
        squared = pairs.squared_differences(c)
        for d, (primary, second) in enumerate(selections):
            sums["gamma"][d, c] += _binned(primary, second, squared, extra, width)


def _binned(primary, second, weights, extra, width):
    total = np.bincount(primary, weights=weights, minlength=width)
    if len(extra):
        total += np.bincount(second, weights=weights[extra], minlength=width)
    return total


def _in_direction(h, distance, direction, angle_tolerance, bandwidth):
    """Pairs within the angular tolerance (and bandwidth) of `direction`;
    the pair distance is positive (bins hold no pair at distance 0)."""
    u = direction_vector(*direction)
    along = np.abs(h[0] * u[0] + h[1] * u[1] + h[2] * u[2])
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = along / distance
    selected = cosine >= math.cos(math.radians(angle_tolerance)) - 1e-12
    if bandwidth is not None:
        across = np.sqrt(np.maximum(distance**2 - along**2, 0.0))
        selected &= across <= bandwidth
    return selected


def _variogram_of(sums, column, direction_list, variance, lag):
    lags, gammas, npairs = [], [], []
    for d in range(len(direction_list)):
        counts = sums["count"][d][:-1]
        present = counts > 0
        lags.append(sums["distance"][d][:-1][present] / counts[present])
        gammas.append(0.5 * sums["gamma"][d, column][:-1][present] / counts[present])
        npairs.append(counts[present].astype(np.int64))
    return ExperimentalVariogram(direction_list, lags, gammas, npairs, variance, lag)


def parse_directions(text, angles=(0.0, 0.0, 0.0), dimensions=3):
    """Experimental directions from 'az/dip; az/dip', 'axes' (the principal
    axes of the ellipsoid `angles`; two in 2D) or '' (omnidirectional: None)."""
    text = str(text or "").strip()
    if not text:
        return None
    if text.lower() == "axes":
        axes = rotation_matrix(*angles)[:dimensions if dimensions == 2 else 3]
        return [axis_angles(axis) for axis in axes]
    directions = []
    for item in text.split(";"):
        numbers = parse_numbers(item, "directions (azimuth/dip; azimuth/dip ...)")
        if len(numbers) not in (1, 2):
            raise ValueError(f"directions: {item.strip()!r} is not 'azimuth/dip' (or 'azimuth')")
        directions.append((numbers[0], numbers[1] if len(numbers) == 2 else 0.0))
    return directions

