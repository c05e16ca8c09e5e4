"""Fitting a nested variogram model to experimental variograms by weighted
least squares (Cressie's N/gamma^2 by default), from several seeded starting
points because the objective has local minima. The ellipsoid orientation is the
user's (geology sets it); only sills, nugget and the ranges that some direction
samples are fitted, so the result stays interpretable."""
import numpy as np

from .geometry import direction_vector, rotation_matrix
from .variogram_model import STRUCTURE_TYPES, Structure, VariogramModel, unit_correlation

WEIGHTINGS = ("cressie", "npairs_h2", "npairs")


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
    min_pairs=10, n_starts=8, seed=0, max_evaluations=2000, start=None,
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
    `seed`); the best converged one wins. If none converges: ValueError.
    `start`: a VariogramModel with one structure per entry of `structures`
    (e.g. the one a user adjusted by hand) replaces the heuristic first start,
    so the fit refines it rather than starting over."""
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
    first = problem.initial() if start is None else problem.packed(start)
    rng = np.random.default_rng(seed)
    best, converged = None, 0
    for attempt in range(n_starts):
        x0 = first if attempt == 0 else rng.uniform(problem.lower, problem.upper)
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

    def packed(self, model):
        """The parameter vector of `model` (its ranges along the free axes), inside the bounds."""
        if len(model.structures) != len(self.structures):
            raise ValueError(f"the start model has {len(model.structures)} structures; the fit has "
                             f"{len(self.structures)} ({', '.join(self.structures)})")
        x = [] if self.fixed_nugget is not None else [model.nugget / self.gamma_scale]
        for structure in model.structures:
            x += [structure.sill / self.gamma_scale] + [structure.ranges[a] / self.h_scale for a in self.free_axes]
        return np.clip(np.array(x, dtype=float), self.lower + 1e-9, self.upper - 1e-9)

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

