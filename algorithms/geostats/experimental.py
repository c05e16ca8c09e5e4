"""Experimental semivariograms, the data side of variography: what a
geologist reads to choose a model, and what `variogram_fit` fits. Pairs are
visited in tiles of nearby samples, so memory stays bounded on large composite
sets; directions and tolerances follow GSLIB gamv, so figures can be checked against
it."""
import math
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..common.parsing import parse_numbers
from ..common.threads import in_order
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

    @classmethod
    def from_arrays(cls, arrays, variance, lag):
        """The variogram `arrays()` gave (as a model file keeps it beside the model)."""
        index = np.asarray(arrays["exp_direction"])
        directions = [None if np.isnan(d).any() else tuple(float(a) for a in d) for d in arrays["exp_directions"]]
        parts = [index == d for d in range(len(directions))]
        return cls(directions, [np.asarray(arrays["exp_lag"], dtype=float)[p] for p in parts],
                   [np.asarray(arrays["exp_gamma"], dtype=float)[p] for p in parts],
                   [np.asarray(arrays["exp_npairs"]).astype(np.int64)[p] for p in parts], float(variance), float(lag))


def experimental_variogram(
    xyz, values, lag, n_lags, lag_tolerance=None, directions=None, angle_tolerance=22.5, bandwidth=None,
    max_samples=20000, seed=0, label="samples", progress=None, should_stop=None, n_jobs=1,
):
    """Classical (Matheron) semivariogram by lag bins k * lag, k = 0..n_lags,
    a pair counting in bin k when |h - k lag| <= lag_tolerance (default lag/2;
    a larger tolerance lets bins overlap, as in GSLIB). Bin 0 holds pairs closer
    than the tolerance. `directions`: list of (azimuth, dip) with the angular
    tolerance (degrees) and bandwidth (largest distance of the pair vector from
    the direction line), or None for omnidirectional. Pairs are visited in tiles
    of nearby samples (`experimental_variograms`), so memory stays bounded;
    above `max_samples` samples a seeded subsample is used. `n_jobs` threads
    share the tiles; the result is the same for any number of them."""
    values = np.asarray(values, dtype=float).reshape(-1)
    return experimental_variograms(
        xyz, values[:, None], lag, n_lags, lag_tolerance, directions, angle_tolerance, bandwidth, max_samples,
        seed, [label], progress, should_stop, n_jobs,
    )[0]


def experimental_variograms(
    xyz, values, lag, n_lags, lag_tolerance=None, directions=None, angle_tolerance=22.5, bandwidth=None,
    max_samples=20000, seed=0, labels=None, progress=None, should_stop=None, n_jobs=1,
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
    sums = _accumulate(xyz, values, bins, direction_list, angle_tolerance, bandwidth, progress, should_stop, n_jobs)
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


# Samples per tile: a tile pair is at most 256 x 256 pairs, half a megabyte
# per array, so memory stays bounded whatever the number of samples and the
# two dozen numpy passes each tile pair takes run in cache.
_TILE = 256


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

    def assign(self, distance, work):
        """(bin index per pair, (positions, bins) of the pairs also in a
        neighbouring bin): the comparisons of the reference loop over offsets
        (`np.abs(d - k * lag) <= tolerance`), so a pair on a bin edge falls
        where it always did; only the rare pairs near an edge are tested
        against the neighbouring bins. Computed in `work`'s buffers."""
        n = distance.size
        nearest, off = work.array("nearest", n), work.array("off", n)
        index = work.array("index", n, np.intp)
        outside, flag = work.array("outside", n, bool), work.array("flag", n, bool)
        np.divide(distance, self.lag, out=nearest)
        np.rint(nearest, out=nearest)
        np.multiply(nearest, self.lag, out=off)
        np.subtract(distance, off, out=off)
        np.abs(off, out=off)
        # Pairs beyond the last bin (and the excluded pairs, beyond every
        # bin) go to the outside index; the rarer pairs off every bin centre
        # or at distance 0 are moved there only when a tile has any.
        np.copyto(index, nearest, casting="unsafe")
        np.minimum(index, self.outside, out=index)
        np.greater(off, self.tolerance, out=outside)
        np.less_equal(distance, 0.0, out=flag)
        outside |= flag
        if outside.any():
            np.copyto(index, self.outside, where=outside)
        return index, self._neighbours(distance, nearest, off, flag)

    def _neighbours(self, distance, nearest, off, flag):
        np.greater_equal(off, self.second, out=flag)
        candidates = np.flatnonzero(flag)
        d, near = distance[candidates], nearest[candidates]
        positions, bins = [], []
        for offset in range(-self.reach, self.reach + 1):
            if offset == 0:
                continue
            k = near + offset
            inside = (k >= 0) & (k <= self.n_lags) & (np.abs(d - k * self.lag) <= self.tolerance) & (d > 0)
            positions.append(candidates[inside])
            bins.append(k[inside].astype(np.intp))
        return np.concatenate(positions), np.concatenate(bins)


class _Work:
    """Flat buffers of one thread, reused from tile pair to tile pair: fresh
    arrays of a few hundred kilobytes per pass cost page faults, which were
    most of the time."""

    def __init__(self):
        self._arrays = {}

    def array(self, name, n, dtype=float):
        array = self._arrays.get(name)
        if array is None or array.size < n or array.dtype != dtype:
            array = self._arrays[name] = np.empty(max(n, _TILE * _TILE), dtype=dtype)
        return array[:n]


def _accumulate(xyz, values, bins, direction_list, angle_tolerance, bandwidth, progress, should_stop, n_jobs=1):
    """{"gamma": (directions, columns, bins) sums of squared differences,
    "distance", "count": (directions, bins)} over every pair i < j. Tile
    pairs run on `n_jobs` threads; their sums are added in tile order, so
    the result does not depend on the number of threads."""
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
    local = threading.local()
    # Finite (so it casts to a bin index) and beyond the last bin and its tolerance.
    excluded = 4.0 * bins.radius + 2.0 * bins.lag

    def tile_sums(tile):
        work = getattr(local, "work", None)
        if work is None:
            work = local.work = _Work()
        rows, cols = tile
        pairs = _TilePairs(coords, columns, rows, cols, work, excluded)
        return _tile_sums(pairs, bins, direction_list, angle_tolerance, bandwidth)

    # Tiles in batches, so progress and cancel are checked without a future per tile pair.
    batches = [tiles[s : s + 16] for s in range(0, len(tiles), 16)]
    with ThreadPoolExecutor(max(int(n_jobs), 1)) as pool:
        for batch in in_order(pool, lambda b: [tile_sums(t) for t in b], batches, 2 * max(int(n_jobs), 1),
                              progress, should_stop):
            for part in batch:
                for name in sums:
                    sums[name] += part[name]
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


class _TilePairs:
    """The pairs of one tile pair as flat arrays, every row against every
    column; within one tile the pairs i >= j get the distance `excluded`,
    beyond every bin, so only the pairs i < j count."""

    def __init__(self, coords, columns, rows, cols, work, excluded):
        self.columns, self.work = columns, work
        self.rows, self.cols = rows, cols
        self.shape = (rows.stop - rows.start, cols.stop - cols.start)
        self.size = self.shape[0] * self.shape[1]
        self.h = [self._difference(axis, f"h{a}") for a, axis in enumerate(coords)]
        h = self.h
        # Summed in np.linalg.norm's order, so distances equal the reference's bit for bit.
        distance, square = work.array("distance", self.size), work.array("square", self.size)
        np.multiply(h[0], h[0], out=distance)
        for component in h[1:]:
            np.multiply(component, component, out=square)
            distance += square
        np.sqrt(distance, out=distance)
        if rows == cols:
            distance.reshape(self.shape)[_lower(self.shape[0])] = excluded
        self.distance = distance

    def _difference(self, column, name):
        out = self.work.array(name, self.size)
        np.subtract(column[self.cols][None, :], column[self.rows][:, None], out=out.reshape(self.shape))
        return out

    def squared_differences(self, c):
        difference = self._difference(self.columns[c], "square")
        return np.multiply(difference, difference, out=difference)


_LOWER = {}


def _lower(m):
    """(m, m) mask of the pairs i >= j of a tile with itself."""
    if m not in _LOWER:
        _LOWER[m] = np.tri(m, dtype=bool)
    return _LOWER[m]


def _tile_sums(pairs, bins, direction_list, angle_tolerance, bandwidth):
    distance = pairs.distance
    index, (extra, extra_bins) = bins.assign(distance, pairs.work)
    width = bins.width
    sums = {
        "gamma": np.zeros((len(direction_list), len(pairs.columns), width)),
        "distance": np.zeros((len(direction_list), width)),
        "count": np.zeros((len(direction_list), width)),
    }
    # A direction keeps a small share of the pairs, so its sums are taken
    # over the positions of its pairs only (None: every pair).
    selections = []
    for d, direction in enumerate(direction_list):
        positions, second = None, extra_bins
        if direction is not None:
            positions, extra_selected = _in_direction(pairs, extra, direction, angle_tolerance, bandwidth)
            second = np.where(extra_selected, extra_bins, bins.outside)
        primary = index if positions is None else index[positions]
        selections.append((positions, primary, second))
        sums["count"][d] = np.bincount(primary, minlength=width) + np.bincount(second, minlength=width)
        sums["distance"][d] = _binned(primary, second, distance, positions, extra, width)
    for c in range(len(pairs.columns)):
        squared = pairs.squared_differences(c)
        for d, (positions, primary, second) in enumerate(selections):
            sums["gamma"][d, c] = _binned(primary, second, squared, positions, extra, width)
    return sums


def _binned(primary, second, weights, positions, extra, width):
    # bincount of no pairs is an integer array, hence the float start.
    total = np.zeros(width)
    total += np.bincount(primary, weights=weights if positions is None else weights[positions], minlength=width)
    if len(extra):
        total += np.bincount(second, weights=weights[extra], minlength=width)
    return total


def _in_direction(pairs, extra, direction, angle_tolerance, bandwidth):
    """(positions of the pairs within the angular tolerance and bandwidth of
    `direction`, the same test at the positions `extra` as a mask); pairs in
    no bin may be among them (their bin index is the outside one)."""
    h, distance, work = pairs.h, pairs.distance, pairs.work
    u = direction_vector(*direction)
    along, part = work.array("along", distance.size), work.array("part", distance.size)
    np.multiply(h[0], u[0], out=along)
    for component, weight in zip(h[1:], u[1:]):
        np.multiply(component, weight, out=part)
        along += part
    np.abs(along, out=along)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(along, distance, out=part)
    flag = work.array("direction", distance.size, bool)
    np.greater_equal(part, math.cos(math.radians(angle_tolerance)) - 1e-12, out=flag)
    positions = np.flatnonzero(flag)
    extra_selected = flag[extra]
    if bandwidth is not None:
        positions = positions[_within_band(along[positions], distance[positions], bandwidth)]
        extra_selected &= _within_band(along[extra], distance[extra], bandwidth)
    return positions, extra_selected


def _within_band(along, distance, bandwidth):
    return np.sqrt(np.maximum(distance**2 - along**2, 0.0)) <= bandwidth


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

