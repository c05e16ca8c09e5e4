"""The anisotropy of a 3D drillhole variable found from its data, so no user
has to type the orientation: a downhole variogram (pairs within one hole) for
the nugget, directional variograms over a grid of lines covering every
orientation, and the ellipsoid through them.

Under a geometric anisotropy every direction's variogram is one curve with
its distances stretched: gamma_u(h) = g(s(u) h), s(u)^2 = u' A u,
A = R' diag(1/a^2) R (R the rows of GSLIB's setrot, a the three ranges). Each
direction's stretch against the pooled curve therefore gives A by linear least
squares, and its largest eigenvector the minor axis. The two longer axes are
often close (an orebody plane), which the pooled grid resolves poorly, so a
finer fan of lines in the plane across the minor axis turns the major axis
within it. Nugget, sill and the three ranges are then fitted by
`variogram_fit` with that orientation."""
import math

import numpy as np

from ..common.progress import check_cancelled, progress_span, report_progress
from .experimental import ExperimentalVariogram, experimental_variograms
from .geometry import axis_angles, direction_vector, rotation_matrix
from .variogram_fit import fit_variogram

# Lines about 22.5 degrees apart, each with a 22.5 degree cone, so every
# orientation is covered by at least one cone.
GRID_STEP = 22.5
# Pairs grow as n^2: the search reads a seeded subsample this large (about
# 4.5 million pairs, some 5 s on one core), enough for directional ranges on
# drillhole sets (twice as many moved the deposit's axes by a few degrees).
SEARCH_SAMPLES = 3000
MIN_PAIRS = 30
# Fewer samples or holes than this and the directional search is not tried.
MIN_SAMPLES = 60
MIN_HOLES = 3


class Anisotropy:
    """What the search found: GSLIB `angles`, relative `ranges` (major,
    semi-major, minor; only their ratios mean something) of the pooled grid, the
    downhole `nugget` (None without hole ids), the `experimental` directional
    variograms it read and `notes`, sentences for the log."""

    def __init__(self, angles, ranges, nugget, experimental, notes):
        self.angles = angles
        self.ranges = ranges
        self.nugget = nugget
        self.experimental = experimental
        self.notes = notes


def line_grid(step=GRID_STEP):
    """(azimuth, dip) of lines spread over the lower hemisphere about `step`
    degrees apart: horizontal lines over 180 degrees of azimuth (a line and its
    opposite are one), plunging ones over 360, and the vertical."""
    lines = []
    for dip in np.arange(0.0, 90.0 - 1e-9, step):
        span = 180.0 if dip == 0 else 360.0
        count = max(1, int(round(span * math.cos(math.radians(dip)) / step)))
        lines += [(float(a), -float(dip)) for a in np.arange(count) * span / count]
    return lines + [(0.0, -90.0)]


def downhole_variogram(xyz, values, groups, n_lags=20):
    """Omnidirectional variogram of the pairs within one hole (`groups` the
    hole of each sample) at a lag of the median spacing of neighbouring samples
    in a hole; None when no hole has two samples."""
    return downhole_variograms(xyz, np.asarray(values, dtype=float)[:, None], groups, n_lags)[0]


def downhole_variograms(xyz, columns, groups, n_lags=20):
    """`downhole_variogram` of every column of `columns` (n, c), the pairs
    within the holes found once for all of them (MIK's indicators)."""
    columns = np.asarray(columns, dtype=float).reshape(len(xyz), -1)
    codes = np.unique(np.asarray(groups).astype(str), return_inverse=True)[1].reshape(-1)
    order = np.argsort(codes, kind="stable")
    xyz, columns, codes = xyz[order], columns[order], codes[order]
    longest = int(np.bincount(codes).max())
    pairs = [(np.arange(len(codes) - k), np.arange(k, len(codes))) for k in range(1, longest)]
    pairs = [(i[codes[i] == codes[j]], j[codes[i] == codes[j]]) for i, j in pairs]
    if not pairs or not sum(len(i) for i, _ in pairs):
        return [None] * columns.shape[1]
    i = np.concatenate([p[0] for p in pairs])
    j = np.concatenate([p[1] for p in pairs])
    distance = np.linalg.norm(xyz[j] - xyz[i], axis=1)
    nearest = _nearest_in_hole(i, distance, len(codes))
    nearest = nearest[np.isfinite(nearest) & (nearest > 0)]
    if not len(nearest):
        return [None] * columns.shape[1]
    lag = float(np.median(nearest))
    k = np.rint(distance / lag).astype(np.int64)
    inside = (distance > 0) & (k <= n_lags)
    k, distance, i, j = k[inside], distance[inside], i[inside], j[inside]
    count = np.bincount(k, minlength=n_lags + 1)
    present = count > 0
    lags = np.bincount(k, weights=distance, minlength=n_lags + 1)[present] / count[present]
    out = []
    for values in columns.T:
        squared = (values[j] - values[i]) ** 2
        gammas = 0.5 * np.bincount(k, weights=squared, minlength=n_lags + 1)[present] / count[present]
        out.append(ExperimentalVariogram([None], [lags], [gammas], [count[present]], float(np.var(values)), lag))
    return out


def _nearest_in_hole(i, distance, n):
    nearest = np.full(n, np.inf)
    np.minimum.at(nearest, i, np.where(distance > 0, distance, np.inf))
    return nearest


def downhole_nugget(xyz, values, groups, structures, seed):
    """(nugget, short range, experimental) of the downhole variogram's fit, or
    None when it has too few pairs or does not fit."""
    return _downhole_fit(downhole_variogram(xyz, values, groups), structures, seed)


def downhole_nuggets(xyz, columns, groups, structures, seed):
    """`downhole_nugget` of every column of `columns` (n, c), from one pass over the pairs."""
    return [_downhole_fit(experimental, structures, seed) for experimental in downhole_variograms(xyz, columns, groups)]


def _downhole_fit(experimental, structures, seed):
    if experimental is None:
        return None
    try:
        fit = fit_variogram(experimental, structures=structures, min_pairs=MIN_PAIRS, seed=seed)
    except ValueError:
        return None
    return fit.model.nugget, fit.model.structures[0].ranges[0], experimental


def find_anisotropy(xyz, values, lag, n_lags, groups=None, structures=("spherical",), seed=0, label="samples",
                    progress=None, should_stop=None):
    """The `Anisotropy` of `values` at 3D `xyz`, or a sentence saying why none
    was found (few samples, one hole, too few directions with pairs).
    progress / should_stop: over its two passes over the pairs (the line grid,
    then the fan across the minor axis)."""
    xyz = np.asarray(xyz, dtype=float)
    values = np.asarray(values, dtype=float)
    if len(values) < MIN_SAMPLES:
        return f"{len(values)} samples, fewer than the {MIN_SAMPLES} a directional search needs"
    if groups is not None and len(np.unique(np.asarray(groups).astype(str))) < MIN_HOLES:
        return f"the samples come from fewer than {MIN_HOLES} holes"
    notes = []
    downhole = downhole_nugget(xyz, values, groups, structures, seed) if groups is not None else None
    nugget = None
    if downhole is not None:
        nugget, short_range, _ = downhole
        notes.append(f"downhole variogram: nugget {nugget:.4g}, short range {short_range:.4g}")
    check_cancelled(should_stop)
    report_progress(progress, 0.1)
    lines = line_grid()
    experimental, scales = _line_scales(xyz, values, lag, n_lags, lines, GRID_STEP, seed, label, nugget,
                                        progress_span(progress, 0.1, 0.7), should_stop)
    if scales is None:
        return f"fewer than 3 lags have {MIN_PAIRS} pairs"
    usable = [(line, 1.0 / fitted[0], fitted[1]) for line, fitted in zip(lines, scales) if fitted is not None]
    if len(usable) < 9:
        return f"only {len(usable)} of {len(lines)} directions have {MIN_PAIRS} pairs in 3 lags or more"
    ellipsoid = _ellipsoid([u[0] for u in usable], np.array([u[1] for u in usable]),
                           np.array([u[2] for u in usable]), 10.0)
    if ellipsoid is None:
        return "the directions with pairs do not span three dimensions"
    angles, axis_ranges = ellipsoid
    minor = rotation_matrix(*angles)[2]
    searched = f"directional search over {len(usable)} of {len(lines)} lines"
    fan = _fan(xyz, values, lag, n_lags, minor, seed, label, nugget, progress_span(progress, 0.7, 1.0), should_stop)
    if fan is None:
        notes.append(
            f"{searched}: major axis azimuth {angles[0]:.1f}, dip {angles[1]:.1f}, rake {angles[2]:.1f}; range "
            f"ratios {' : '.join(f'{r / axis_ranges[0]:.2f}' for r in axis_ranges)}"
        )
        return Anisotropy(angles, axis_ranges, nugget, experimental, notes)
    major, semi_ratio, fan_experimental = fan
    angles = axes_to_angles(major, np.cross(minor, major))
    pole = axis_angles(minor)
    notes.append(
        f"{searched}: minor axis azimuth {pole[0]:.1f}, dip {pole[1]:.1f}; a fan of {len(fan_experimental.directions)} "
        f"lines across it: major axis azimuth {angles[0]:.1f}, dip {angles[1]:.1f}, rake {angles[2]:.1f} "
        f"(semi-major / major range {semi_ratio:.2f}, minor / major {axis_ranges[2] / axis_ranges[0]:.2f})"
    )
    return Anisotropy(angles, axis_ranges, nugget, _joined(experimental, fan_experimental), notes)


FAN_STEP = 10.0


def _fan(xyz, values, lag, n_lags, pole, seed, label, nugget, progress=None, should_stop=None):
    """(major axis, semi-major / major range, experimental) from a fan of lines
    FAN_STEP apart in the plane across `pole` (the minor axis): the pooled
    3D search places that plane well but turns within it poorly when the two
    longer ranges are close, so the plane gets its own finer directions and the
    2D form 1/r^2 = a + b cos 2t + c sin 2t. None with too few usable lines."""
    first = np.cross(pole, [0.0, 0.0, 1.0])
    if np.linalg.norm(first) < 1e-6:
        first = np.array([0.0, 1.0, 0.0])
    first /= np.linalg.norm(first)
    second = np.cross(pole, first)
    thetas = np.radians(np.arange(0.0, 180.0, FAN_STEP))
    vectors = np.cos(thetas)[:, None] * first + np.sin(thetas)[:, None] * second
    lines = [axis_angles(v) for v in vectors]
    experimental, scales = _line_scales(xyz, values, lag, n_lags, lines, FAN_STEP, seed, label, nugget, progress,
                                        should_stop)
    if scales is None:
        return None
    usable = [(t, s, w) for t, fitted in zip(thetas, scales) if fitted is not None for s, w in [fitted]]
    if len(usable) < 6:
        return None
    t, s, w = (np.array(column) for column in zip(*usable))
    target = s**2
    weight = np.sqrt(w) / target
    design = np.column_stack([np.ones_like(t), np.cos(2 * t), np.sin(2 * t)])
    (a, b, c), *_ = np.linalg.lstsq(design * weight[:, None], target * weight, rcond=None)
    amplitude = math.hypot(b, c)
    if not a > amplitude:
        return None
    best = 0.5 * math.atan2(-c, -b)
    major = math.cos(best) * first + math.sin(best) * second
    return major, math.sqrt((a - amplitude) / (a + amplitude)), experimental


def _line_scales(xyz, values, lag, n_lags, lines, tolerance, seed, label, nugget, progress=None, should_stop=None):
    """(experimental, per line the (stretch, weight) of its curve against the
    pooled one, or None for a line too short of pairs): the directional
    variograms of `lines` and how far each reaches; scales None when the
    pooled curve itself has too few lags with pairs."""
    experimental = experimental_variograms(
        xyz, values[:, None], lag, n_lags, directions=lines, angle_tolerance=tolerance,
        max_samples=SEARCH_SAMPLES, seed=seed, labels=[label], progress=progress, should_stop=should_stop,
    )[0]
    reference = _pooled(experimental, nugget)
    if reference is None:
        return experimental, None
    return experimental, [_direction_scale(lags, gammas, npairs, reference)
                          for lags, gammas, npairs in zip(experimental.lags, experimental.gammas, experimental.npairs)]


def _joined(one, other):
    """The directions of two experimental variograms of the same data as one."""
    return ExperimentalVariogram(one.directions + other.directions, one.lags + other.lags, one.gammas + other.gammas,
                                 one.npairs + other.npairs, one.variance, one.lag)


def _pooled(experimental, nugget):
    """(lags, gammas) of every direction's pairs pooled, starting from
    (0, nugget): the reference curve each direction is a rescaling of (None
    with fewer than 3 lags of MIN_PAIRS pairs). Without a downhole nugget the
    curve starts at half the first lag's semivariance."""
    width = max(len(g) for g in experimental.gammas)
    count, distance, gamma = np.zeros(width * 4), np.zeros(width * 4), np.zeros(width * 4)
    for lags, gammas, npairs in zip(experimental.lags, experimental.gammas, experimental.npairs):
        k = np.rint(lags / experimental.lag).astype(np.int64)
        np.add.at(count, k, npairs)
        np.add.at(distance, k, lags * npairs)
        np.add.at(gamma, k, gammas * npairs)
    present = (count >= MIN_PAIRS) & (distance > 0)
    if present.sum() < 3:
        return None
    lags, gammas = distance[present] / count[present], gamma[present] / count[present]
    start = 0.5 * gammas[0] if nugget is None else min(nugget, gammas[0])
    return np.concatenate([[0.0], lags]), np.concatenate([[start], gammas])


def _direction_scale(lags, gammas, npairs, reference):
    """(s, weight): the factor by which this direction's distances are
    stretched to match the pooled curve, gamma_d(h) ~ gamma_ref(s h), fitted by
    Cressie's weights over a grid of s; s is proportional to 1 / range under a
    geometric anisotropy. None with fewer than 3 lags of MIN_PAIRS pairs."""
    keep = (npairs >= MIN_PAIRS) & (lags > 0)
    if keep.sum() < 3:
        return None
    h, g, n = lags[keep], gammas[keep], npairs[keep].astype(float)
    scales = np.geomspace(0.1, 10.0, 161)
    stretched = h[None, :] * scales[:, None]
    # Beyond the pooled lags the curve is held at its last value: a stretched
    # direction must not be rewarded for leaving the reference's reach.
    model = np.interp(stretched, reference[0], reference[1])
    cost = np.sum(n * (g / np.maximum(model, 1e-12 * reference[1].max()) - 1.0) ** 2, axis=1)
    return float(scales[int(np.argmin(cost))]), float(n.sum())


def _ellipsoid(lines, ranges, weights, longest):
    """(GSLIB angles, axis ranges) of the quadratic form u' A u = 1 / r^2 fitted
    to the directional ranges (relative errors, weighted by sqrt(pairs)), or
    None when the directions do not determine it."""
    u = np.array([direction_vector(*line) for line in lines])
    design = np.column_stack([u[:, 0] ** 2, u[:, 1] ** 2, u[:, 2] ** 2,
                              2 * u[:, 0] * u[:, 1], 2 * u[:, 0] * u[:, 2], 2 * u[:, 1] * u[:, 2]])
    scale = longest
    target = (scale / ranges) ** 2
    w = np.sqrt(weights) / target
    solution, _, rank, _ = np.linalg.lstsq(design * w[:, None], target * w, rcond=None)
    if rank < 6:
        return None
    a = solution
    matrix = np.array([[a[0], a[3], a[4]], [a[3], a[1], a[5]], [a[4], a[5], a[2]]])
    eigenvalues, vectors = np.linalg.eigh(matrix)
    # Numerical noise can make the form indefinite; a non-positive eigenvalue
    # means a range beyond any the fit allows.
    eigenvalues = np.maximum(eigenvalues, 1.0)
    axis_ranges = tuple(float(scale / math.sqrt(e)) for e in eigenvalues)
    return axes_to_angles(vectors[:, 0], vectors[:, 1]), axis_ranges


def axes_to_angles(major, semi):
    """GSLIB (azimuth, dip, rake) of the ellipsoid whose major axis is the line
    `major` and whose semi-major axis is the line `semi` (signs irrelevant);
    the major axis is taken plunging down (dip <= 0; horizontal: azimuth in
    [0, 180))."""
    major = np.asarray(major, dtype=float) / np.linalg.norm(major)
    if major[2] > 0 or (abs(major[2]) < 1e-12 and axis_angles(major)[0] >= 180.0):
        major = -major
    azimuth, dip = axis_angles(major)
    if abs(dip + 90.0) < 1e-9:
        azimuth = 0.0
    base = rotation_matrix(azimuth, dip, 0.0)
    rake = math.degrees(math.atan2(float(semi @ base[2]), float(semi @ base[1]))) % 180.0
    return (round(azimuth % 360.0, 6), round(dip, 6), round(rake, 6))


def ordered_axes(model):
    """The same model (same gamma everywhere) with its axes relabelled so that
    major >= semi-major >= minor range: the fit lets each axis's range go its
    own way, and a minor range above the semi-major would read as another
    orientation. The order is that of the structure with the largest sill."""
    from .variogram_model import Structure, VariogramModel

    leading = max(model.structures, key=lambda structure: structure.sill)
    order = np.argsort(-np.asarray(leading.ranges), kind="stable")
    if list(order) == [0, 1, 2]:
        return model
    axes = rotation_matrix(*leading.angles)
    angles = axes_to_angles(axes[order[0]], axes[order[1]])
    structures = [Structure(s.kind, s.sill, [s.ranges[k] for k in order], angles) for s in model.structures]
    return VariogramModel(model.nugget, structures)


def angle_between_lines(a, b):
    """Angle in degrees (0..90) between two lines given by vectors."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    cosine = abs(float(a @ b)) / (np.linalg.norm(a) * np.linalg.norm(b))
    return math.degrees(math.acos(min(1.0, cosine)))
