"""Summaries of a predictive distribution of grade that every estimator
reports the same way: mean, sd, P10/P50/P90 and P(grade > cut-off).

An estimator working on log-grade gives a Gaussian N(mu, sigma^2) per target
(one component) or a mixture of them (posterior samples, ensemble members);
the grade is then lognormal (a lognormal mixture) and its mean is
exp(mu + sigma^2 / 2), not exp(mu). An estimator working on grade directly gives
a Gaussian, summarised with `normal_summary`.

`Predictive` is what every estimator's `predictive(X)` returns and what the
cross-validation scores read; `Estimator` is the protocol the cross-validation
loop drives (OK, MIK, GP, BNN and ensemble all satisfy it), so adding a method
needs no hand-written bridge.
"""
from typing import Protocol, runtime_checkable

import numpy as np

from .optional import optional_import

QUANTILES = (0.1, 0.5, 0.9)


# scipy is looked up at each call, not imported with the module: the settings
# page and every adapter import this module, and the plugin must load without scipy.
def ndtr(x):
    """The standard normal cdf (scipy.special.ndtr)."""
    return optional_import("scipy.special").ndtr(x)


def ndtri(p):
    """The standard normal quantile (scipy.special.ndtri)."""
    return optional_import("scipy.special").ndtri(p)
NOMINAL_LEVELS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def cutoff_name(cutoff):
    """`1.5` -> `p_gt_1.5` (raster band names)."""
    return f"p_gt_{cutoff:g}"


def cutoff_field(prefix, cutoff):
    """`bnn`, 1.5 -> `bnn_p_gt_1_5` (field names; a dot in a field name breaks
    shapefiles and SQL)."""
    return f"{prefix}_{cutoff_name(cutoff).replace('.', '_').replace('-', 'm')}"


def summary_field(prefix, summary_name):
    """Field name of a summary entry: `bnn`, `mean` -> `bnn_mean`; `bnn`,
    `p_gt_1.5` -> `bnn_p_gt_1_5` (see `cutoff_field`)."""
    if summary_name.startswith("p_gt_"):
        return cutoff_field(prefix, float(summary_name[len("p_gt_"):]))
    return f"{prefix}_{summary_name}"


def parse_cutoffs(text):
    """'0.5, 1.5,3' -> [0.5, 1.5, 3.0]; positive, sorted, unique."""
    values = []
    for token in str(text or "").replace(";", ",").split(","):
        token = token.strip()
        if not token:
            continue
        try:
            value = float(token)
        except ValueError:
            raise ValueError(f"cut-offs: {token!r} is not a number") from None
        if not value > 0:
            raise ValueError(f"cut-offs: {value} is not a positive grade")
        values.append(value)
    return sorted(set(values))


def lognormal_mixture_summary(mu, sigma, cutoffs=(), quantiles=QUANTILES, weights=None):
    """Summary of the grade whose log is a mixture over axis 0 of N(mu, sigma^2).

    mu, sigma: (n_components, n_targets), or (n_targets,) for one component.
    Returns {"mean", "sd", "p10", "p50", "p90", cutoff_name(c)...} of (n_targets,).
    """
    mu, sigma = np.atleast_2d(mu).astype(float), np.atleast_2d(sigma).astype(float)
    if np.any(sigma <= 0):
        raise ValueError("predictive spread must be positive")
    w = np.full(mu.shape[0], 1.0 / mu.shape[0]) if weights is None else np.asarray(weights, float) / np.sum(weights)
    w = w[:, None]
    mean = np.sum(w * np.exp(mu + sigma**2 / 2.0), axis=0)
    second = np.sum(w * np.exp(2.0 * mu + 2.0 * sigma**2), axis=0)
    out = {"mean": mean, "sd": np.sqrt(np.maximum(second - mean**2, 0.0))}
    log_q = _mixture_quantiles(mu, sigma, w, quantiles)
    for q, values in zip(quantiles, log_q):
        out[f"p{round(q * 100):d}"] = np.exp(values)
    for cutoff in cutoffs:
        out[cutoff_name(cutoff)] = np.sum(w * (1.0 - ndtr((np.log(cutoff) - mu) / sigma)), axis=0)
    return out


def normal_summary(mean, sd, cutoffs=(), quantiles=QUANTILES):
    """Summary of a Gaussian grade N(mean, sd^2) per target."""
    mean, sd = np.asarray(mean, float), np.asarray(sd, float)
    out = {"mean": mean, "sd": sd}
    for q in quantiles:
        out[f"p{round(q * 100):d}"] = mean + ndtri(q) * sd
    for cutoff in cutoffs:
        with np.errstate(divide="ignore", invalid="ignore"):
            p = 1.0 - ndtr((cutoff - mean) / sd)
        out[cutoff_name(cutoff)] = np.where(sd > 0, p, (mean > cutoff).astype(float))
    return out


def crps_from_quantiles(predictive, y, n_levels, **quantile_options):
    """CRPS = 2 * integral over tau of the pinball loss of the tau-quantile,
    by the midpoint rule on `n_levels` levels (exact as n_levels grows; it
    works for any distribution that gives quantiles). `quantile_options` go to
    `predictive.quantile`."""
    total = np.zeros_like(y)
    for tau in (np.arange(n_levels) + 0.5) / n_levels:
        q = predictive.quantile(tau, **quantile_options)
        total += ((y < q).astype(float) - tau) * (q - y)
    return 2.0 * total / n_levels


def _mixture_quantiles(mu, sigma, w, quantiles, tolerance=1e-12, max_iterations=60):
    """Quantiles of a Gaussian mixture (components over axis 0, weights `w`),
    by `safeguarded_newton` started from the moment-matched normal."""
    mean = np.sum(w * mu, axis=0)
    spread = np.sqrt(np.maximum(np.sum(w * (sigma**2 + mu**2), axis=0) - mean**2, 1e-300))

    def excess_and_density(rows, x, level):
        m, s = mu[:, rows], sigma[:, rows]
        z = (x - m) / s
        density = np.sum(w / s * np.exp(-0.5 * z * z), axis=0) / np.sqrt(2.0 * np.pi)
        return np.sum(w * ndtr(z), axis=0) - level, density

    low, high = np.min(mu - 8.0 * sigma, axis=0), np.max(mu + 8.0 * sigma, axis=0)
    return [safeguarded_newton(lambda rows, x, q=q: excess_and_density(rows, x, q),
                               np.clip(mean + ndtri(q) * spread, low, high), low.copy(), high.copy(),
                               tolerance, max_iterations)
            for q in quantiles]


def safeguarded_newton(excess_and_density, x, low, high, tolerance, max_iterations):
    """Roots of an increasing function per target (a CDF minus a level):
    Newton steps kept inside the bracket [low, high], which every evaluation
    narrows; a step that would leave it, or one after which the residual has
    not at least halved (Newton creeping across a flat stretch between two
    modes), is a bisection instead, so it converges at least as fast as
    bisection and usually in a few steps. Only targets whose residual is not
    yet within `tolerance` are evaluated. `excess_and_density(rows, x)` gives
    the residual and the derivative at x for those rows. Changes x, low and
    high in place and returns x."""
    active = np.flatnonzero(high > low)
    previous = np.full(x.shape, np.inf)
    for _ in range(max_iterations):
        if not active.size:
            break
        excess, density = excess_and_density(active, x[active])
        keep = np.abs(excess) >= tolerance
        active, excess, density = active[keep], excess[keep], density[keep]
        below = excess < 0
        low[active] = np.where(below, x[active], low[active])
        high[active] = np.where(below, high[active], x[active])
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x[active] - excess / density
        trusted = (np.isfinite(newton) & (newton > low[active]) & (newton < high[active])
                   & (np.abs(excess) <= 0.5 * previous[active]))
        previous[active] = np.abs(excess)
        x[active] = np.where(trusted, newton, 0.5 * (low[active] + high[active]))
        active = active[high[active] - low[active] > 4.0 * np.finfo(float).eps * np.abs(x[active])]
    return x


@runtime_checkable
class Predictive(Protocol):
    """A predictive distribution of grade per target: `mean` and `sd` arrays of
    shape (n,), and per-target quantile, cdf and log density."""

    mean: np.ndarray

    @property
    def sd(self) -> np.ndarray: ...

    def quantile(self, level) -> np.ndarray: ...

    def cdf(self, value) -> np.ndarray: ...

    def logpdf(self, value) -> np.ndarray: ...


@runtime_checkable
class Estimator(Protocol):
    """scikit-learn style: `__init__` stores parameters only, `fit` validates and
    returns self (fitted attributes end in `_`), `predictive` gives the
    distribution at new inputs. `groups` are hole ids (or None)."""

    def fit(self, X, y, groups=None) -> "Estimator": ...

    def predictive(self, X) -> Predictive: ...


class GaussianPredictive:
    """N(mean, sd^2) per target: an estimator of grade itself (OK)."""

    def __init__(self, mean, sd):
        self.mean = np.asarray(mean, float)
        self.sd = np.maximum(np.asarray(sd, float), 1e-12)

    def quantile(self, level):
        return self.mean + ndtri(level) * self.sd

    def cdf(self, value):
        return ndtr((np.asarray(value, float) - self.mean) / self.sd)

    def logpdf(self, value):
        z = (np.asarray(value, float) - self.mean) / self.sd
        return -0.5 * z**2 - np.log(self.sd) - 0.5 * np.log(2 * np.pi)


class LogNormalMixturePredictive:
    """Grade whose log is a mixture over axis 0 of N(mu, sigma^2) (BNN posterior
    samples, ensemble members, or one component for a log-scale GP)."""

    def __init__(self, mu, sigma):
        self.mu = np.atleast_2d(np.asarray(mu, float))
        self.sigma = np.atleast_2d(np.asarray(sigma, float))
        self.mean = np.mean(np.exp(self.mu + self.sigma**2 / 2.0), axis=0)

    @property
    def sd(self):
        """Mixture sd from the components' second moments, E[Y^2] = exp(2 mu + 2 sigma^2)
        (as `lognormal_mixture_summary`)."""
        second = np.mean(np.exp(2.0 * self.mu + 2.0 * self.sigma**2), axis=0)
        return np.sqrt(np.maximum(second - self.mean**2, 0.0))

    def quantile(self, level):
        w = np.full((self.mu.shape[0], 1), 1.0 / self.mu.shape[0])
        return np.exp(_mixture_quantiles(self.mu, self.sigma, w, [level])[0])

    def cdf(self, value):
        value = np.asarray(value, float)
        with np.errstate(divide="ignore"):
            log_value = np.log(np.maximum(value, 0.0))
        return np.mean(ndtr((log_value - self.mu) / self.sigma), axis=0)

    def logpdf(self, value):
        value = np.asarray(value, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_value = np.log(value)
            z = (log_value - self.mu) / self.sigma
            component = -0.5 * z**2 - np.log(self.sigma) - 0.5 * np.log(2 * np.pi) - log_value
        peak = np.max(component, axis=0)
        with np.errstate(invalid="ignore"):
            density = peak + np.log(np.mean(np.exp(component - peak), axis=0))
        # A lognormal has no mass at or below zero (log(0) alone would give inf - inf = NaN).
        return np.where(np.broadcast_to(value, density.shape) > 0, density, -np.inf)


class PooledPredictive:
    """The linear pool w N(normal_mean, normal_sd^2) + (1 - w) (lognormal
    mixture of mu, sigma over axis 0, equal weights): a kriging estimate
    pooled with a network's distribution of grade. `w` is a scalar or one
    weight per target."""

    def __init__(self, weight, normal_mean, normal_sd, mu, sigma):
        self.weight = np.asarray(weight, float)
        self.normal = GaussianPredictive(normal_mean, normal_sd)
        self.network = LogNormalMixturePredictive(mu, sigma)
        self.mean = self.weight * self.normal.mean + (1.0 - self.weight) * self.network.mean

    @property
    def sd(self):
        second = (self.weight * (self.normal.sd**2 + self.normal.mean**2)
                  + (1.0 - self.weight) * (self.network.sd**2 + self.network.mean**2))
        return np.sqrt(np.maximum(second - self.mean**2, 0.0))

    def cdf(self, value):
        return self._cdf_at(np.asarray(value, float), slice(None), self.weight)

    def logpdf(self, value):
        value = np.asarray(value, float)
        with np.errstate(divide="ignore"):
            parts = np.stack([np.log(np.maximum(self.weight, 1e-300)) + self.normal.logpdf(value),
                              np.log(np.maximum(1.0 - self.weight, 1e-300)) + self.network.logpdf(value)])
        peak = np.max(parts, axis=0)
        return peak + np.log(np.sum(np.exp(parts - peak), axis=0))

    def quantile(self, level, iterations=60, tolerance=1e-12):
        """`safeguarded_newton` on the pooled CDF, inside the bracket of the
        two parts' own quantiles (the pooled quantile lies between them);
        `iterations` steps at most."""
        a, b = self.normal.quantile(level), self.network.quantile(level)
        low, high = np.minimum(a, b), np.maximum(a, b)
        weight = np.broadcast_to(self.weight, low.shape)

        def excess_and_density(rows, x):
            return (self._cdf_at(x, rows, weight[rows]) - level, self._pdf_at(x, rows, weight[rows]))

        return safeguarded_newton(excess_and_density, weight * a + (1.0 - weight) * b, low, high, tolerance,
                                  iterations)

    def _cdf_at(self, value, rows, weight):
        """The pooled CDF at `value` for the targets `rows` (an index or a slice)."""
        normal, network = self.normal, self.network
        normal_cdf = ndtr((value - normal.mean[rows]) / normal.sd[rows])
        with np.errstate(divide="ignore"):
            log_value = np.log(np.maximum(value, 0.0))
        network_cdf = np.mean(ndtr((log_value - network.mu[:, rows]) / network.sigma[:, rows]), axis=0)
        return weight * normal_cdf + (1.0 - weight) * network_cdf

    def _pdf_at(self, value, rows, weight):
        normal, network = self.normal, self.network
        z = (value - normal.mean[rows]) / normal.sd[rows]
        normal_pdf = np.exp(-0.5 * z * z) / (normal.sd[rows] * np.sqrt(2.0 * np.pi))
        positive = value > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            log_value = np.log(np.where(positive, value, 1.0))
            sigma = network.sigma[:, rows]
            zl = (log_value - network.mu[:, rows]) / sigma
            network_pdf = np.mean(np.exp(-0.5 * zl * zl) / sigma, axis=0) / (np.sqrt(2.0 * np.pi) * value)
        return weight * normal_pdf + (1.0 - weight) * np.where(positive, network_pdf, 0.0)
