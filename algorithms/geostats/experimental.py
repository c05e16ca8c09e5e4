"""Experimental semivariograms, the data side of variography: what a
geologist reads to choose a model, and what `variogram_fit` fits. Pairs come
from a k-d tree in chunks so memory stays bounded on large composite sets;
directions and tolerances follow GSLIB gamv, so figures can be checked against
it."""
import math

import numpy as np

from ..common.parsing import parse_numbers
from ..common.progress import check_cancelled, report_progress
from .geometry import as_xyz, axis_angles, direction_vector, rotation_matrix


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
    the direction line), or None for omnidirectional. Pairs come from a k-d tree
    query up to the largest lag, in chunks, so memory stays bounded; above
    `max_samples` samples a seeded subsample is used."""
    xyz = as_xyz(xyz)
    values = np.asarray(values, dtype=float)
    keep = np.isfinite(values) & np.all(np.isfinite(xyz), axis=1)
    xyz, values = xyz[keep], values[keep]
    _check_experimental_input(xyz, values, lag, n_lags, label)
    if len(values) > max_samples:
        chosen = np.sort(np.random.default_rng(seed).choice(len(values), max_samples, replace=False))
        xyz, values = xyz[chosen], values[chosen]
    tolerance = lag / 2.0 if lag_tolerance is None else float(lag_tolerance)
    if tolerance <= 0:
        raise ValueError(f"lag tolerance must be positive, got {tolerance}")
    direction_list = [None] if not directions else [tuple(map(float, d)) for d in directions]
    sums = np.zeros((len(direction_list), n_lags + 1))
    dist_sums = np.zeros_like(sums)
    counts = np.zeros_like(sums)
    for i, j in _pairs_within(xyz, n_lags * lag + tolerance, progress, should_stop):
        h = xyz[j] - xyz[i]
        distance = np.linalg.norm(h, axis=1)
        half_sq = 0.5 * (values[j] - values[i]) ** 2
        for d, direction in enumerate(direction_list):
            selected = _in_direction(h, distance, direction, angle_tolerance, bandwidth)
            _accumulate_bins(distance[selected], half_sq[selected], lag, tolerance, n_lags, d, sums, dist_sums, counts)
    lags, gammas, npairs = [], [], []
    for d in range(len(direction_list)):
        present = counts[d] > 0
        lags.append(dist_sums[d][present] / counts[d][present])
        gammas.append(sums[d][present] / counts[d][present])
        npairs.append(counts[d][present].astype(np.int64))
    return ExperimentalVariogram(direction_list, lags, gammas, npairs, float(np.var(values)), float(lag))


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


def _pairs_within(xyz, radius, progress, should_stop, chunk=2000):
    """(i, j) index arrays of pairs i < j closer than `radius`, chunk by chunk."""
    from scipy.spatial import cKDTree

    tree = cKDTree(xyz)
    n = len(xyz)
    for start in range(0, n, chunk):
        check_cancelled(should_stop)
        stop = min(start + chunk, n)
        neighbours = tree.query_ball_point(xyz[start:stop], r=radius)
        lengths = np.fromiter((len(x) for x in neighbours), dtype=np.int64, count=stop - start)
        j = np.fromiter((k for x in neighbours for k in x), dtype=np.int64, count=int(lengths.sum()))
        i = np.repeat(np.arange(start, stop), lengths)
        upper = j > i
        yield i[upper], j[upper]
        report_progress(progress, stop / n)


def _in_direction(h, distance, direction, angle_tolerance, bandwidth):
    if direction is None:
        return distance > 0
    u = direction_vector(*direction)
    along = np.abs(h @ u)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = along / distance
    selected = (distance > 0) & (cosine >= math.cos(math.radians(angle_tolerance)) - 1e-12)
    if bandwidth is not None:
        across = np.sqrt(np.maximum(distance**2 - along**2, 0.0))
        selected &= across <= bandwidth
    return selected


def _accumulate_bins(distance, half_sq, lag, tolerance, n_lags, d, sums, dist_sums, counts):
    reach = int(math.ceil(tolerance / lag))
    nearest = np.rint(distance / lag).astype(np.int64)
    for offset in range(-reach, reach + 1):
        k = nearest + offset
        inside = (k >= 0) & (k <= n_lags) & (np.abs(distance - k * lag) <= tolerance)
        if inside.any():
            sums[d] += np.bincount(k[inside], weights=half_sq[inside], minlength=n_lags + 1)
            dist_sums[d] += np.bincount(k[inside], weights=distance[inside], minlength=n_lags + 1)
            counts[d] += np.bincount(k[inside], minlength=n_lags + 1)


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

