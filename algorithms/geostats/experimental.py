"""Experimental semivariograms, the data side of variography: what a
geologist reads to choose a model, and what `variogram_fit` fits. Pairs are
visited in tiles of nearby samples, so memory stays bounded on large composite
sets; directions and tolerances follow GSLIB gamv, so figures can be checked against
it."""
import math
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.spatial.distance import cdist

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
# numpy passes each tile pair takes run in cache.
_TILE = 256
# Partial sums per bin: consecutive pairs mostly share a bin, and bincount
# adding into one slot after another waits on each add; spreading the pairs
# over 8 slots per bin made the weighted bincounts 2.7 times faster.
_LANES = 8
_LANE = np.arange(_TILE * _TILE, dtype=np.intp) % _LANES


class _Bins:
    """GSLIB gamv's lag bins: a pair at distance d > 0 is in bin k (0..n_lags)
    when |d - k lag| <= tolerance; index n_lags + 1 collects pairs in no bin."""

    def __init__(self, lag, tolerance, n_lags):
        self.lag, self.tolerance, self.n_lags = lag, tolerance, n_lags
        self.reach = int(math.ceil(tolerance / lag))
        self.outside = n_lags + 1
        self.width = n_lags + 2
        self.radius = n_lags * lag + tolerance
        self.scale = 1.0 / lag
        # Offsets from the nearest bin centre are taken in lags, rounded
        # differently from the reference test |d - k lag| <= tolerance; pairs
        # within `margin` of a bin edge get that exact test, the others are
        # surely in their nearest bin (offset below `inside`) or in none
        # (offset above the gap's start, when the tolerance leaves gaps).
        margin = 1e-12 * (n_lags + self.reach + 2)
        half = tolerance / lag
        self.inside = min(half, 1.0 - half) - margin
        self.gap = (half + margin, 1.0 - half - margin) if half + margin < 1.0 - half - margin else None
        # Pairs left out (a tile's pairs i >= j) sit on a bin centre past the
        # last bin, so they never need the exact test.
        self.excluded = (n_lags + self.reach + 8) * lag

    def assign(self, distance, work, slot=""):
        """(per pair its bin index times _LANES plus its lane, at or past
        the outside slot for pairs in no bin; (positions, bins) of the pairs
        near an edge, whose bins come from the exact test instead), in
        `work`'s buffers named after `slot`."""
        n = distance.size
        nearest, off = work.array("nearest" + slot, n), work.array("off" + slot, n)
        index = work.array("index" + slot, n, np.intp)
        np.multiply(distance, self.scale, out=off)
        np.rint(off, out=nearest)
        np.subtract(off, nearest, out=off)
        np.abs(off, out=off)
        # Pairs past the last bin keep their index: their sums land beyond
        # the outside slot, where nothing reads them.
        np.copyto(index, nearest, casting="unsafe")
        if self.gap is not None:
            np.copyto(index, self.outside, where=(off > self.gap[0]) & (off < self.gap[1]))
        if n and distance.min() <= 0.0:
            np.copyto(index, self.outside, where=distance <= 0.0)
        flag = work.array("flag" + slot, n, bool)
        np.greater_equal(off, self.inside, out=flag)
        if self.gap is not None:
            flag &= (off <= self.gap[0]) | (off >= self.gap[1])
        candidates = np.flatnonzero(flag)
        index[candidates] = self.outside
        index *= _LANES
        index += _LANE[:n]
        return index, self._exact(distance[candidates], nearest[candidates], candidates)

    def _exact(self, d, near, candidates):
        if not len(candidates):
            return candidates, candidates
        positions, bins = [], []
        for offset in range(-self.reach, self.reach + 1):
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
    points = np.ascontiguousarray(xyz[order])
    columns = np.ascontiguousarray(values[order].T)
    geometry = _Directions(points, direction_list, angle_tolerance, bandwidth)
    tiles = geometry.active(_tile_pairs(np.ascontiguousarray(points.T), bins.radius), bins.radius)
    sums = {
        "gamma": np.zeros((len(direction_list), len(columns), bins.width)),
        "distance": np.zeros((len(direction_list), bins.width)),
        "count": np.zeros((len(direction_list), bins.width)),
    }
    local = threading.local()

    def tile_sums(tile):
        work = getattr(local, "work", None)
        if work is None:
            work = local.work = _Work()
        rows, cols, active = tile
        pairs = _TilePairs(points, columns, rows, cols, work, bins.excluded)
        return _tile_sums(pairs, bins, geometry.positions(pairs, active))

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

    def __init__(self, points, columns, rows, cols, work, excluded):
        self.columns, self.work = columns, work
        self.rows, self.cols = rows, cols
        self.shape = (rows.stop - rows.start, cols.stop - cols.start)
        self.size = self.shape[0] * self.shape[1]
        # cdist sums the squared differences in axis order, so distances
        # equal np.linalg.norm's of the pair vectors bit for bit.
        distance = work.array("distance", self.size)
        cdist(points[rows], points[cols], out=distance.reshape(self.shape))
        if rows == cols:
            distance.reshape(self.shape)[_lower(self.shape[0])] = excluded
        self.distance = distance

    def difference(self, values, name):
        out = self.work.array(name, self.size)
        np.subtract(values[self.cols][None, :], values[self.rows][:, None], out=out.reshape(self.shape))
        return out

    def squared_differences(self, c):
        difference = self.difference(self.columns[c], "square")
        return np.multiply(difference, difference, out=difference)


_LOWER = {}


def _lower(m):
    """(m, m) mask of the pairs i >= j of a tile with itself."""
    if m not in _LOWER:
        _LOWER[m] = np.tri(m, dtype=bool)
    return _LOWER[m]


class _Directions:
    """The angular and bandwidth test of each direction (None: every pair),
    GSLIB gamv's, on the pair vectors x_j - x_i."""

    def __init__(self, points, direction_list, angle_tolerance, bandwidth):
        self.points, self.directions, self.bandwidth = points, direction_list, bandwidth
        self.cosine = math.cos(math.radians(angle_tolerance)) - 1e-12
        self.units = [direction_vector(*d) for d in direction_list if d is not None]
        # A pair's component along a direction is nearly the difference of
        # its samples' projections (one pass instead of eight), within
        # `slack`, far above the projections' rounding: pairs that far inside
        # or outside the cone and the band are decided on it, the few
        # nearer an edge by the exact test.
        centred = points - points.mean(axis=0)
        self.projections = np.ascontiguousarray((centred @ np.array(self.units).T).T) if self.units else None
        self.slack = 2e-9 * (float(np.abs(centred).max()) + 1.0)
        # Per direction, the samples' coordinates across it: a tile pair
        # whose boxes in them are farther apart than the bandwidth has no
        # pair in that direction's band.
        self.across = [centred @ rotation_matrix(*d, 0.0)[1:].T for d in direction_list if d is not None]

    def active(self, tiles, radius):
        """[(rows, cols, directions of the tile pair that may have pairs)]
        of the tile pairs [(rows, cols)], those with none left out."""
        if self.projections is None or self.bandwidth is None:
            return [(rows, cols, list(range(len(self.directions)))) for rows, cols in tiles]
        reach = self.bandwidth + 1e-6 * (self.bandwidth + radius) + self.slack
        boxes = {}

        def box(tile, d):
            if (tile.start, d) not in boxes:
                part = self.across[d][tile]
                boxes[tile.start, d] = (part.min(axis=0), part.max(axis=0))
            return boxes[tile.start, d]

        kept = []
        for rows, cols in tiles:
            active = []
            for d in range(len(self.directions)):
                (low_a, high_a), (low_b, high_b) = box(rows, d), box(cols, d)
                gaps = np.maximum(0.0, np.maximum(low_b - high_a, low_a - high_b))
                if math.hypot(*gaps) <= reach:
                    active.append(d)
            if active:
                kept.append((rows, cols, active))
        return kept

    def positions(self, pairs, active):
        """Per direction, the positions of its pairs (None: all; an empty
        array for a direction not `active` here), pairs in no bin possibly
        among them."""
        if self.projections is None:
            return [None]
        work, distance = pairs.work, pairs.distance
        least = np.multiply(distance, self.cosine, out=work.array("least", distance.size))
        least -= self.slack
        selected = [np.zeros(0, dtype=np.intp)] * len(self.directions)
        for d in active:
            projection, unit = self.projections[d], self.units[d]
            along = np.abs(pairs.difference(projection, "along"), out=work.array("along", distance.size))
            near = np.flatnonzero(np.greater_equal(along, least, out=work.array("flag", distance.size, bool)))
            keep, unsure = self._surely_kept(along[near], distance[near])
            if unsure.any():
                keep[unsure] = self._exact(pairs, near[unsure], unit)
            selected[d] = near[keep]
        return selected

    def _surely_kept(self, along, distance):
        """(pairs surely kept, pairs too near an edge to tell) from the
        projections' component `along`."""
        inside = along - distance * self.cosine
        kept, unsure = inside >= self.slack, np.abs(inside) < self.slack
        if self.bandwidth is not None:
            # How far the slack moves the squared distance from the direction line.
            spread = 2.0 * distance * self.slack + self.slack**2
            band = distance**2 - along**2 - self.bandwidth**2
            kept &= band <= -spread
            unsure |= (np.abs(band) <= spread) & ~(inside < -self.slack)
        return kept & ~unsure, unsure

    def _exact(self, pairs, near, unit):
        rows, cols = np.divmod(near, pairs.shape[1])
        h = self.points[cols + pairs.cols.start] - self.points[rows + pairs.rows.start]
        # Summed in the tiled loop's order, so a pair on the cone or band edge falls where it did.
        along = np.abs(h[:, 0] * unit[0] + h[:, 1] * unit[1] + h[:, 2] * unit[2])
        distance = pairs.distance[near]
        with np.errstate(invalid="ignore", divide="ignore"):
            keep = along / distance >= self.cosine
        if self.bandwidth is not None:
            keep &= _within_band(along, distance, self.bandwidth)
        return keep


def _within_band(along, distance, bandwidth):
    return np.sqrt(np.maximum(distance**2 - along**2, 0.0)) <= bandwidth


def _tile_sums(pairs, bins, selected):
    width = bins.width
    sums = {
        "gamma": np.zeros((len(selected), len(pairs.columns), width)),
        "distance": np.zeros((len(selected), width)),
        "count": np.zeros((len(selected), width)),
    }
    # A direction keeps a small share of the pairs, so its bins and sums are
    # taken over its pairs only.
    selections = []
    for d, positions in enumerate(selected):
        distance = pairs.distance if positions is None else pairs.distance[positions]
        index, (extra, extra_bins) = bins.assign(distance, pairs.work, str(d))
        selections.append((positions, index, extra, extra_bins))
        sums["count"][d] = _binned(index, extra_bins, None, extra, width)
        sums["distance"][d] = _binned(index, extra_bins, distance, extra, width)
    for c in range(len(pairs.columns)):
        squared = pairs.squared_differences(c)
        for d, (positions, index, extra, extra_bins) in enumerate(selections):
            weights = squared if positions is None else squared[positions]
            sums["gamma"][d, c] = _binned(index, extra_bins, weights, extra, width)
    return sums


def _binned(index, extra_bins, weights, extra, width):
    """Sums of `weights` (None: counts) per bin over the laned `index` and
    the exactly tested pairs `extra`."""
    laned = np.bincount(index, weights=weights, minlength=width * _LANES)[: width * _LANES]
    total = laned.reshape(width, _LANES).sum(axis=1, dtype=float)
    if len(extra):
        total += np.bincount(extra_bins, weights=None if weights is None else weights[extra], minlength=width)
    return total


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

