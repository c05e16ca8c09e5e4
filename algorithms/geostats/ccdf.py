"""Conditional cdfs from indicator kriging, as GSLIB's ik3d and postik treat them.

`correct_order_relations` turns kriged indicator values into a valid cdf: clip to
[0, 1], an upward pass (running maximum), a downward pass (running minimum from
the top), and the average of the two (Deutsch & Journel 1998, GSLIB, section
V.1.3). `IndicatorCcdf` then interpolates between thresholds: a lower tail from
`zmin` and middle classes either linear or power (omega), and an upper tail that
is linear, power or hyperbolic, F(z) = 1 - lambda / z^omega, truncated at
`zmax` with the remaining probability at `zmax` as postik does. Every summary
(E-type mean, conditional variance, quantiles, exceedance probabilities, the
density for the NLL) is computed in closed form per class, not by sampling.
"""
import numpy as np

TAIL_MODELS = ("linear", "power", "hyperbolic")


def correct_order_relations(cdf):
    """(corrected (n, K), per-target count of thresholds changed, per-target
    largest absolute change)."""
    cdf = np.asarray(cdf, dtype=float)
    clipped = np.clip(cdf, 0.0, 1.0)
    upward = np.maximum.accumulate(clipped, axis=1)
    downward = np.minimum.accumulate(clipped[:, ::-1], axis=1)[:, ::-1]
    corrected = 0.5 * (upward + downward)
    change = np.abs(corrected - cdf)
    return corrected, (change > 1e-12).sum(axis=1), change.max(axis=1)


class IndicatorCcdf:
    """Per-target ccdfs at `thresholds` (K,) with values `cdf` (n, K), already
    order-corrected, on [zmin, zmax]."""

    def __init__(self, thresholds, cdf, zmin, zmax, lower="linear", lower_omega=1.0,
                 middle="linear", middle_omega=1.0, upper="hyperbolic", upper_omega=1.5):
        self.thresholds = np.asarray(thresholds, dtype=float)
        self.threshold_cdf = np.atleast_2d(np.asarray(cdf, dtype=float))
        if not zmin <= self.thresholds[0] or not self.thresholds[-1] <= zmax:
            raise ValueError(f"thresholds must lie within [zmin, zmax] = [{zmin}, {zmax}]")
        if np.any(np.diff(self.thresholds) <= 0):
            raise ValueError("thresholds must be strictly increasing")
        if upper == "hyperbolic" and (upper_omega <= 1.0 or self.thresholds[-1] <= 0):
            raise ValueError("a hyperbolic upper tail needs omega > 1 and a positive last threshold")
        for name, model in (("lower", lower), ("middle", middle), ("upper", upper)):
            if model not in TAIL_MODELS or (model == "hyperbolic" and name != "upper"):
                raise ValueError(f"{name} class model {model!r} is not available")
        self.zmin, self.zmax = float(zmin), float(zmax)
        n = self.threshold_cdf.shape[0]
        self.bounds = np.concatenate([[self.zmin], self.thresholds, [self.zmax]])
        self.levels = np.column_stack([np.zeros(n), self.threshold_cdf, np.ones(n)])
        k = len(self.thresholds)
        self.models = [lower] + [middle] * (k - 1) + [upper]
        self.omegas = [lower_omega] + [middle_omega] * (k - 1) + [upper_omega]

    @property
    def mean(self):
        return self._moment(1)

    @property
    def variance(self):
        return np.maximum(self._moment(2) - self.mean**2, 0.0)

    @property
    def sd(self):
        return np.sqrt(self.variance)

    def _moment(self, order):
        total = np.zeros(self.threshold_cdf.shape[0])
        for c, (model, omega) in enumerate(zip(self.models, self.omegas)):
            a, b = self.bounds[c], self.bounds[c + 1]
            mass = self.levels[:, c + 1] - self.levels[:, c]
            if model == "hyperbolic":
                total += self._hyperbolic_moment(order, omega, a, b, mass)
            else:
                total += mass * _class_moment(order, model, omega, a, b)
        return total

    def _hyperbolic_moment(self, order, omega, a, b, mass):
        lam = mass * a**omega
        exponent = order - omega
        if abs(exponent) < 1e-12:
            integral = lam * omega * np.log(b / a)
        else:
            integral = lam * omega * (b**exponent - a**exponent) / exponent
        return integral + lam * b**-omega * b**order

    def quantile(self, p):
        """The p-quantile per target."""
        p = np.broadcast_to(np.asarray(p, dtype=float), (self.threshold_cdf.shape[0],))
        out = np.where(p <= 0.0, self.zmin, self.zmax)
        for c, (model, omega) in enumerate(zip(self.models, self.omegas)):
            a, b = self.bounds[c], self.bounds[c + 1]
            low, high = self.levels[:, c], self.levels[:, c + 1]
            here = (p > low) & (p <= high)
            if not np.any(here):
                continue
            if model == "hyperbolic":
                lam = (1.0 - low[here]) * a**omega
                out[here] = np.minimum((lam / np.maximum(1.0 - p[here], 1e-300)) ** (1.0 / omega), b)
            else:
                u = (p[here] - low[here]) / (high[here] - low[here])
                out[here] = a + (b - a) * (u if model == "linear" else u ** (1.0 / omega))
        return out

    def _classes_of(self, z):
        """Per class holding some of `z`: (tail model, omega, class bounds a and
        b, which targets' z fall in it, their cdf levels at a and at b)."""
        for c, (model, omega) in enumerate(zip(self.models, self.omegas)):
            a, b = self.bounds[c], self.bounds[c + 1]
            here = (z >= a) & (z < b)
            if np.any(here):
                yield model, omega, a, b, here, self.levels[here, c], self.levels[here, c + 1]

    def cdf(self, z):
        """F(z) per target."""
        z = np.broadcast_to(np.asarray(z, dtype=float), (self.threshold_cdf.shape[0],))
        out = np.where(z < self.zmin, 0.0, 1.0)
        for model, omega, a, b, here, low, high in self._classes_of(z):
            if model == "hyperbolic":
                out[here] = 1.0 - (1.0 - low) * (a / z[here]) ** omega
            else:
                u = (z[here] - a) / (b - a)
                out[here] = low + (high - low) * (u if model == "linear" else u**omega)
        return out

    def logpdf(self, z):
        """Log density per target (-inf outside [zmin, zmax) or in an empty class)."""
        z = np.broadcast_to(np.asarray(z, dtype=float), (self.threshold_cdf.shape[0],))
        density = np.zeros(len(z))
        for model, omega, a, b, here, low, high in self._classes_of(z):
            if model == "hyperbolic":
                density[here] = (1.0 - low) * omega * a**omega * z[here] ** (-omega - 1.0)
            elif model == "linear":
                density[here] = (high - low) / (b - a)
            else:
                u = (z[here] - a) / (b - a)
                density[here] = (high - low) * omega * u ** (omega - 1.0) / (b - a)
        with np.errstate(divide="ignore"):
            return np.log(density)

    def exceedance(self, cutoff):
        return 1.0 - self.cdf(cutoff)


def _class_moment(order, model, omega, a, b):
    """E[Z^order] within a class [a, b] with cdf ((z - a) / (b - a))^omega
    (omega = 1 for linear): Z = a + (b - a) U, E[U^j] = omega / (omega + j)."""
    w = 1.0 if model == "linear" else omega
    width = b - a
    if order == 1:
        return a + width * w / (w + 1.0)
    return a**2 + 2.0 * a * width * w / (w + 1.0) + width**2 * w / (w + 2.0)


def cell_declustering_weights(xyz, cell_sizes, n_offsets=5, minimise=True, values=None):
    """GSLIB declus: weights inversely proportional to the number of samples
    sharing a cell, averaged over `n_offsets` grid origins, for each cell size;
    returns (weights summing to n, chosen cell size, {size: declustered mean}).
    With `minimise` the size giving the smallest declustered mean is chosen (the
    usual choice when drilling clusters in high grade), else the largest."""
    xyz = np.asarray(xyz, dtype=float)
    xyz = xyz[:, ~np.all(np.isnan(xyz), axis=0)]
    values = None if values is None else np.asarray(values, dtype=float)
    means, all_weights = {}, {}
    origin = xyz.min(axis=0)
    for size in cell_sizes:
        weights = np.zeros(len(xyz))
        for offset in range(n_offsets):
            shifted = xyz - origin + size * offset / n_offsets
            cells = np.floor(shifted / size).astype(np.int64)
            _, inverse, counts = np.unique(cells, axis=0, return_inverse=True, return_counts=True)
            weights += 1.0 / counts[inverse.ravel()]
        weights *= len(xyz) / weights.sum()
        all_weights[size] = weights
        if values is not None:
            means[size] = float(np.sum(weights * values) / len(values))
    if values is None or not means:
        chosen = max(cell_sizes)
    else:
        chosen = (min if minimise else max)(means, key=means.get)
    return all_weights[chosen], chosen, means


def weighted_quantiles(values, weights, probabilities):
    """Quantiles of the declustered distribution (weighted, midpoint rule)."""
    order = np.argsort(values)
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cumulative = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(probabilities, cumulative, v)
