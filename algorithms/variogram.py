"""Variography: nested anisotropic variogram models, experimental variograms,
weighted least-squares fitting, the model file and its plot.

Angles follow GSLIB's ``setrot`` (Deutsch & Journel 1998): the azimuth turns the
major axis clockwise from north (+y); the dip then tilts it about the rotated
semi-major axis, POSITIVE UP, as in GSLIB (a major axis plunging 30 degrees below
horizontal has dip -30); the rake (GSLIB's third angle) turns the semi-major and
minor axes about the major one. The rows of `rotation_matrix` are the major,
semi-major and minor axes as unit vectors in (east, north, up) coordinates; an
experimental direction (azimuth, dip) is the unit vector
(sin az cos dip, cos az cos dip, sin dip), GSLIB gamv's convention.

Exponential and Gaussian structures use the practical range, as GSLIB does:
1 - exp(-3h/a) and 1 - exp(-3h^2/a^2), so every structure reaches 95 % or more of
its sill at its range. (PyKrige's exponential is the same; its Gaussian uses
(4a/7)^2 instead of a^2/3.)
"""
import base64
import html
import io
import math

import numpy as np

from .common import check_cancelled, report_progress
from .modelfile import atomic_write_bytes, load_model, save_model

STRUCTURE_TYPES = ("spherical", "exponential", "gaussian")
WEIGHTINGS = ("cressie", "npairs_h2", "npairs")
MODEL_KIND = "variogram"
MODEL_VERSION = 1
ANGLE_CONVENTION = (
    "GSLIB setrot: azimuth clockwise from north; dip positive up (negative plunges down); rake about the "
    "major axis; ranges along major, semi-major, minor"
)


def rotation_matrix(azimuth=0.0, dip=0.0, rake=0.0):
    """GSLIB setrot without the anisotropy factors: rows are the major,
    semi-major and minor axes in (east, north, up)."""
    alpha = math.radians(90.0 - azimuth)
    beta = -math.radians(dip)
    theta = math.radians(rake)
    sa, ca = math.sin(alpha), math.cos(alpha)
    sb, cb = math.sin(beta), math.cos(beta)
    st, ct = math.sin(theta), math.cos(theta)
    return np.array(
        [
            [cb * ca, cb * sa, -sb],
            [-ct * sa + st * sb * ca, ct * ca + st * sb * sa, st * cb],
            [st * sa + ct * sb * ca, -st * ca + ct * sb * sa, ct * cb],
        ]
    )


def direction_vector(azimuth, dip=0.0):
    """Unit vector of an experimental direction, the major axis of setrot."""
    return rotation_matrix(azimuth, dip, 0.0)[0]


def as_xyz(points):
    """(n, 3) float coordinates from (n, 2) or (n, 3); 2D points lie at z = 0."""
    points = np.asarray(points, dtype=float)
    if points.ndim == 1:
        points = points[None, :]
    if points.shape[-1] == 2:
        points = np.concatenate([points, np.zeros(points.shape[:-1] + (1,))], axis=-1)
    if points.shape[-1] != 3:
        raise ValueError(f"coordinates must have 2 or 3 columns, got shape {points.shape}")
    return points


def unit_correlation(kind, r, out=None, work=None):
    """Correlation (1 - normalised gamma) of one structure at reduced distance
    r = h / range; `out` (may be r itself) and `work` are optional buffers of
    r's shape, so the kriging loop allocates nothing."""
    if kind == "spherical":
        out = np.minimum(r, 1.0, out=out)
        work = np.multiply(out, out, out=work)
        work *= 0.5
        work -= 1.5
        out *= work
        out += 1.0
        return out
    if kind == "exponential":
        return np.exp(np.multiply(r, -3.0, out=out), out=out)
    if kind == "gaussian":
        out = np.multiply(r, r, out=out)
        out *= -3.0
        return np.exp(out, out=out)
    raise ValueError(f"unknown variogram structure type {kind!r}; use one of {STRUCTURE_TYPES}")


class Structure:
    """One nested structure: type, sill contribution, ranges (major, semi-major,
    minor) and GSLIB angles (azimuth, dip, rake)."""

    def __init__(self, kind, sill, ranges, angles=(0.0, 0.0, 0.0)):
        if kind not in STRUCTURE_TYPES:
            raise ValueError(f"unknown variogram structure type {kind!r}; use one of {STRUCTURE_TYPES}")
        ranges = tuple(float(r) for r in np.broadcast_to(np.asarray(ranges, dtype=float), (3,)))
        if sill < 0 or not math.isfinite(sill):
            raise ValueError(f"{kind} structure: sill must be a non-negative number, got {sill}")
        if min(ranges) <= 0 or not all(map(math.isfinite, ranges)):
            raise ValueError(f"{kind} structure: ranges must be positive, got {ranges}")
        self.kind = kind
        self.sill = float(sill)
        self.ranges = ranges
        self.angles = tuple(float(a) for a in angles)

    @property
    def reduction(self):
        """3x3 matrix M with h @ M the lag in units of range along each axis."""
        return rotation_matrix(*self.angles).T / np.asarray(self.ranges)[None, :]

    def to_dict(self):
        return {"type": self.kind, "sill": self.sill, "ranges": list(self.ranges), "angles": list(self.angles)}


class VariogramModel:
    """Nugget plus nested structures; gamma(h) and the covariance
    C(h) = total sill - gamma(h), with C(0) the total sill (nugget included)."""

    def __init__(self, nugget, structures):
        if nugget < 0 or not math.isfinite(nugget):
            raise ValueError(f"variogram nugget must be a non-negative number, got {nugget}")
        self.nugget = float(nugget)
        self.structures = list(structures)
        if self.total_sill <= 0:
            raise ValueError("variogram model has a zero total sill; it cannot weight samples")

    @property
    def total_sill(self):
        return self.nugget + sum(s.sill for s in self.structures)

    def covariance(self, h_vectors):
        """C(h) for lag vectors (..., 2 or 3); the nugget counts only at h = 0."""
        h = as_xyz(h_vectors)
        at_zero = ~np.any(h != 0.0, axis=-1)
        cov = np.where(at_zero, self.nugget, 0.0)
        for structure in self.structures:
            r = np.linalg.norm(h @ structure.reduction, axis=-1)
            cov = cov + structure.sill * unit_correlation(structure.kind, r)
        return cov

    def gamma(self, h_vectors):
        return self.total_sill - self.covariance(h_vectors)

    def to_dict(self):
        return {"nugget": self.nugget, "structures": [s.to_dict() for s in self.structures]}

    @classmethod
    def from_dict(cls, data, source="variogram model"):
        try:
            structures = [
                Structure(s["type"], float(s["sill"]), s["ranges"], s.get("angles", (0.0, 0.0, 0.0)))
                for s in data["structures"]
            ]
            return cls(float(data["nugget"]), structures)
        except (KeyError, TypeError) as error:
            raise ValueError(f"{source}: malformed variogram parameters ({error!r})") from None

    def describe(self):
        parts = [f"nugget {self.nugget:.4g}"]
        for s in self.structures:
            ranges = "/".join(f"{r:.4g}" for r in s.ranges)
            angles = "/".join(f"{a:g}" for a in s.angles)
            parts.append(f"{s.kind} sill {s.sill:.4g} ranges {ranges} angles {angles}")
        return "; ".join(parts)


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


class VariogramFit:
    """The fitted model and how the fit went."""

    def __init__(self, model, cost, converged_starts, n_starts, weighting, free_axes):
        self.model = model
        self.cost = cost
        self.converged_starts = converged_starts
        self.n_starts = n_starts
        self.weighting = weighting
        self.free_axes = free_axes
        self.warnings = []

    def metadata(self):
        return {
            "fit_cost": self.cost, "converged_starts": self.converged_starts, "n_starts": self.n_starts,
            "weighting": self.weighting, "fitted_axes": self.free_axes, "warnings": self.warnings,
        }


def fit_variogram(
    experimental, structures=("spherical",), nugget=None, angles=(0.0, 0.0, 0.0), weighting="cressie",
    min_pairs=10, n_starts=8, seed=0, max_evaluations=2000,
):
    """Weighted least-squares fit of a nugget plus nested `structures` sharing
    one anisotropy ellipsoid of orientation `angles` (GSLIB azimuth, dip, rake);
    sills, nugget (unless given as a fixed value) and ranges along each axis are
    fitted. An axis gets its own range only when some experimental direction
    lies within 60 degrees of it; otherwise it takes the previous axis's range
    (omnidirectional -> isotropic; horizontal directions only -> minor = semi-major).

    Weights: 'cressie' (Cressie 1985), N(h) / gamma_model(h)^2, favouring well-
    populated short lags; 'npairs_h2', N(h) / h^2; 'npairs', N(h). Lags with fewer
    than `min_pairs` pairs are left out. scipy.optimize.least_squares with bounds
    from `n_starts` starting points (the first a heuristic, the rest drawn with
    `seed`); the best converged one wins. If none converges: ValueError."""
    from scipy.optimize import least_squares

    for kind in structures:
        if kind not in STRUCTURE_TYPES:
            raise ValueError(f"unknown variogram structure type {kind!r}; use one of {STRUCTURE_TYPES}")
    if weighting not in WEIGHTINGS:
        raise ValueError(f"unknown weighting {weighting!r}; use one of {WEIGHTINGS}")
    if not structures:
        raise ValueError("give at least one variogram structure to fit")
    data = _fit_data(experimental, angles, min_pairs)
    free_axes = _free_axes(experimental, angles)
    problem = _FitProblem(data, list(structures), nugget, free_axes, weighting, experimental, angles)
    rng = np.random.default_rng(seed)
    best, converged = None, 0
    for start in range(n_starts):
        x0 = problem.initial() if start == 0 else rng.uniform(problem.lower, problem.upper)
        result = least_squares(
            problem.residuals, x0, bounds=(problem.lower, problem.upper), max_nfev=max_evaluations, x_scale="jac"
        )
        if result.status > 0 and np.isfinite(result.cost):
            converged += 1
            if best is None or result.cost < best.cost:
                best = result
    if best is None:
        raise ValueError(
            f"variogram fit did not converge from any of {n_starts} starting points within {max_evaluations} "
            "evaluations; fix the nugget, use fewer structures, or change the lag, the number of lags or the "
            "directions so that each lag has enough pairs"
        )
    fit = VariogramFit(problem.model(best.x), float(best.cost), converged, n_starts, weighting, free_axes)
    fit.warnings = problem.bound_warnings(best.x)
    return fit


def _fit_data(experimental, angles, min_pairs):
    """Rows (lag vector, gamma, npairs, distance) of every usable lag."""
    rows = []
    axes = rotation_matrix(*angles)
    for direction, lags, gammas, npairs in zip(
        experimental.directions, experimental.lags, experimental.gammas, experimental.npairs
    ):
        unit = axes[0] if direction is None else direction_vector(*direction)
        for h, g, n in zip(lags, gammas, npairs):
            if n >= min_pairs and h > 0:
                rows.append((h * unit, g, n, h))
    if len(rows) < 2:
        raise ValueError(
            f"only {len(rows)} lags have at least {min_pairs} pairs; the variogram cannot be fitted. Use a "
            "larger lag, more lags or a wider angular tolerance"
        )
    return {
        "h": np.array([r[0] for r in rows]),
        "gamma": np.array([r[1] for r in rows]),
        "npairs": np.array([r[2] for r in rows], dtype=float),
        "distance": np.array([r[3] for r in rows]),
    }


def _free_axes(experimental, angles):
    if experimental.omnidirectional:
        return [0]
    axes = rotation_matrix(*angles)
    free = [0]
    for k in (1, 2):
        if any(abs(direction_vector(*d) @ axes[k]) >= 0.5 for d in experimental.directions):
            free.append(k)
    return free


class _FitProblem:
    """Parameter vector: [nugget?] + per structure [sill, ranges of free axes],
    gammas scaled by the sample variance and ranges by the largest lag."""

    def __init__(self, data, structures, nugget, free_axes, weighting, experimental, angles):
        self.data = data
        self.structures = structures
        self.fixed_nugget = nugget
        self.free_axes = free_axes
        self.weighting = weighting
        self.angles = tuple(float(a) for a in angles)
        self.axes = rotation_matrix(*self.angles)
        self.gamma_scale = max(experimental.variance, float(data["gamma"].max()), 1e-300)
        self.h_scale = float(data["distance"].max())
        self.h = data["h"] / self.h_scale
        self.g = data["gamma"] / self.gamma_scale
        self.sqrt_n = np.sqrt(data["npairs"])
        shortest = float(data["distance"].min()) / self.h_scale
        per_structure_lower = [0.0] + [shortest * 0.25] * len(free_axes)
        per_structure_upper = [2.0] + [3.0] * len(free_axes)
        self.lower = np.array(([] if nugget is not None else [0.0]) + per_structure_lower * len(structures))
        self.upper = np.array(([] if nugget is not None else [2.0]) + per_structure_upper * len(structures))

    def initial(self):
        nugget = [] if self.fixed_nugget is not None else [min(self.g[0] * 0.5, 1.0)]
        per = []
        count = len(self.structures)
        for index in range(count):
            per += [1.0 / count] + [min((index + 1) / count * 0.6, 2.9)] * len(self.free_axes)
        return np.clip(np.array(nugget + per), self.lower + 1e-9, self.upper - 1e-9)

    def _unpack(self, x):
        offset = 0
        if self.fixed_nugget is None:
            nugget = x[0] * self.gamma_scale
            offset = 1
        else:
            nugget = float(self.fixed_nugget)
        parts = []
        width = 1 + len(self.free_axes)
        for index, kind in enumerate(self.structures):
            chunk = x[offset + index * width : offset + (index + 1) * width]
            ranges = [0.0, 0.0, 0.0]
            free = dict(zip(self.free_axes, chunk[1:]))
            for axis in range(3):
                ranges[axis] = free.get(axis, ranges[axis - 1] if axis else chunk[1])
            parts.append((kind, chunk[0] * self.gamma_scale, [r * self.h_scale for r in ranges]))
        return nugget, parts

    def bound_warnings(self, x):
        """Ranges the fit pushed to the largest allowed value: the experimental
        variogram reaches no sill along that axis within the lags computed."""
        offset = 0 if self.fixed_nugget is not None else 1
        width = 1 + len(self.free_axes)
        axes = ("major", "semi-major", "minor")
        warnings = []
        for index, kind in enumerate(self.structures):
            for slot, axis in enumerate(self.free_axes):
                position = offset + index * width + 1 + slot
                if x[position] >= self.upper[position] * (1 - 1e-6):
                    warnings.append(
                        f"structure {index + 1} ({kind}): the {axes[axis]} range reached the fit's limit of "
                        f"{self.upper[position] * self.h_scale:.4g} (3 x the largest lag); the variogram shows no "
                        "sill along that axis within the lags computed"
                    )
        return warnings

    def model(self, x):
        nugget, parts = self._unpack(x)
        return VariogramModel(nugget, [Structure(k, s, r, self.angles) for k, s, r in parts])

    def residuals(self, x):
        nugget, parts = self._unpack(x)
        model_gamma = np.full(len(self.g), nugget / self.gamma_scale)
        for kind, sill, ranges in parts:
            scaled = np.asarray(ranges) / self.h_scale
            r = np.linalg.norm((self.h @ self.axes.T) / scaled, axis=1)
            model_gamma += sill / self.gamma_scale * (1.0 - unit_correlation(kind, r))
        if self.weighting == "cressie":
            return self.sqrt_n * (self.g / np.maximum(model_gamma, 1e-9) - 1.0)
        if self.weighting == "npairs_h2":
            return self.sqrt_n * (self.g - model_gamma) / (self.data["distance"] / self.h_scale)
        return self.sqrt_n * (self.g - model_gamma)


def save_variogram(json_path, model, field, experimental=None, metadata=None):
    """The model as a JSON header (kind 'variogram') with the experimental
    variogram it was fitted to as checked arrays beside it."""
    params = dict(model.to_dict(), angle_convention=ANGLE_CONVENTION)
    if experimental is not None:
        params["lag"] = experimental.lag
        params["sample_variance"] = experimental.variance
    arrays = experimental.arrays() if experimental is not None else {}
    return save_model(json_path, MODEL_KIND, MODEL_VERSION, [field], params, arrays, metadata)


def load_variogram(json_path):
    """(VariogramModel, header) after the model file's kind, version and
    checksum checks."""
    header, _ = load_model(json_path, MODEL_KIND, MODEL_VERSION)
    return VariogramModel.from_dict(header["params"], source=json_path), header


def model_curve(model, direction, max_distance, n=200):
    """(distances, gamma) of the model along an experimental direction
    (None: the major axis)."""
    distances = np.linspace(0.0, max_distance, n)
    if direction is None:
        unit = rotation_matrix(*model.structures[0].angles)[0] if model.structures else np.array([1.0, 0, 0])
    else:
        unit = direction_vector(*direction)
    gamma = model.gamma(distances[:, None] * unit[None, :])
    gamma[0] = 0.0
    return distances, gamma


def direction_label(direction):
    return "omnidirectional" if direction is None else f"azimuth {direction[0]:g}, dip {direction[1]:g}"


def plot_png(model, experimental, title=""):
    """PNG bytes: experimental points (size by pair count) and the model, one
    panel per direction, with the sample variance as a dashed line."""
    # A bare Figure renders with Agg without touching pyplot's global backend,
    # which QGIS or another plugin may have set.
    from matplotlib.figure import Figure

    count = len(experimental.directions)
    figure = Figure(figsize=(5.0 * min(count, 3), 4.0 * math.ceil(count / 3)), dpi=100)
    max_distance = max(float(np.max(lags)) if len(lags) else experimental.lag for lags in experimental.lags) * 1.1
    for index, direction in enumerate(experimental.directions):
        axis = figure.add_subplot(math.ceil(count / 3), min(count, 3), index + 1)
        npairs = experimental.npairs[index]
        sizes = 10 + 60 * npairs / max(npairs.max(), 1) if len(npairs) else 10
        axis.scatter(experimental.lags[index], experimental.gammas[index], s=sizes, color="tab:blue", label="experimental")
        distances, gamma = model_curve(model, direction, max_distance)
        axis.plot(distances, gamma, color="tab:red", label="model")
        axis.axhline(experimental.variance, color="grey", linestyle="--", linewidth=0.8, label="sample variance")
        axis.set_xlabel("lag distance")
        axis.set_ylabel("semivariance")
        axis.set_title(direction_label(direction), fontsize=10)
        axis.set_xlim(0, max_distance)
        axis.set_ylim(bottom=0)
        if index == 0:
            axis.legend(fontsize=8)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def plot_html(model, experimental, title, png_bytes, fit=None):
    """A standalone HTML page: the plot, the model's parameters and the
    experimental values, so the fit can be checked without QGIS."""
    rows = [("nugget", "", f"{model.nugget:.6g}", "", "")]
    for s in model.structures:
        rows.append((s.kind, "", f"{s.sill:.6g}", " / ".join(f"{r:.6g}" for r in s.ranges),
                     " / ".join(f"{a:g}" for a in s.angles)))
    table = "".join(f"<tr><td>{html.escape(a)}</td><td>{b}</td><td>{c}</td><td>{d}</td><td>{e}</td></tr>" for a, b, c, d, e in rows)
    lags = []
    for direction, lag, gamma, npairs in zip(experimental.directions, experimental.lags, experimental.gammas, experimental.npairs):
        for h, g, n in zip(lag, gamma, npairs):
            lags.append(f"<tr><td>{html.escape(direction_label(direction))}</td><td>{h:.4g}</td><td>{g:.6g}</td><td>{n}</td></tr>")
    fit_text = ""
    if fit is not None:
        fit_text = (
            f"<p>Weighted least squares ({html.escape(fit.weighting)} weights), {fit.converged_starts} of "
            f"{fit.n_starts} starts converged, cost {fit.cost:.4g}.</p>"
        )
    image = base64.b64encode(png_bytes).decode("ascii")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + html.escape(title) + "</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><img src='data:image/png;base64,{image}' alt='variogram'>"
        f"<h2>Model</h2><p>Total sill {model.total_sill:.6g}; sample variance {experimental.variance:.6g}. "
        f"Angles: {html.escape(ANGLE_CONVENTION)}.</p>{fit_text}"
        "<table><tr><th>structure</th><th></th><th>sill</th><th>ranges (major / semi-major / minor)</th>"
        f"<th>azimuth / dip / rake</th></tr>{table}</table>"
        "<h2>Experimental variogram</h2><table><tr><th>direction</th><th>mean lag</th><th>semivariance</th>"
        f"<th>pairs</th></tr>{''.join(lags)}</table></body></html>"
    )


def write_plot(path, model, experimental, title="Variogram", fit=None):
    """PNG or HTML (by extension) written atomically."""
    png = plot_png(model, experimental, title)
    if path.lower().endswith((".html", ".htm")):
        atomic_write_bytes(path, plot_html(model, experimental, title, png, fit).encode("utf-8"))
    else:
        atomic_write_bytes(path, png)


def parse_numbers(text, name, count=None):
    """Floats from 'a, b, c' (commas, semicolons, slashes or spaces); ValueError
    naming the parameter on anything else."""
    parts = [p for p in str(text or "").replace(";", ",").replace("/", ",").replace(" ", ",").split(",") if p]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a list of numbers") from None
    if count is not None and len(numbers) != count:
        raise ValueError(f"{name}: expected {count} numbers, got {text!r}")
    return numbers


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


def axis_angles(vector):
    """(azimuth, dip) of a unit vector, dip positive up (GSLIB)."""
    x, y, z = (float(v) for v in vector)
    azimuth = math.degrees(math.atan2(x, y)) % 360.0
    dip = math.degrees(math.asin(max(-1.0, min(1.0, z))))
    return (round(azimuth, 10), round(dip, 10))
