"""A neural network that knows where it is: ordinary kriging as its spatial
memory, and kriging as the guard it must beat.

Why: a network on covariates alone (or on raw coordinates, which an MLP cannot
use) loses to ordinary kriging on real drillholes, because most of what kriging
knows is what the neighbouring samples assay. So:

1. Stacking. Every training sample gets the OK estimate and kriging sd of its
   location computed WITHOUT its own hole (`OrdinaryKriging.leave_group_out`,
   same variogram and search as at prediction), as a new hole would see them;
   targets get the plain OK estimate and sd from all samples. The network
   takes covariates, coordinates and log(OK estimate), OK sd together.
2. A mean that does not explode. The network's lognormal mean
   exp(mu + sigma^2 / 2) multiplies a wide sigma into absurd grades on
   heavy-tailed data. The point estimate is instead the network's median,
   scaled by one factor fitted on calibration holes (least squares of grade on
   median through the origin: the back-transform's bias correction, in the
   spirit of Duan's smearing) and top-cut at a high percentile of the training
   grades, as a resource geologist caps grades. The network's distribution is
   shifted (in log space) so that its mean is that estimate.
3. The guard. On calibration holes of their own (never used for training or
   early stopping), the predictive is the linear pool
   w N(OK, (k sd_K)^2) + (1 - w) network (its spreads stretched by the same k),
   with k set per w so that 90 % intervals cover 90 % of the calibration
   samples, and w chosen by the mean's RMSE plus the CRPS, each relative to
   plain OK's (w = 1). With covariates that add nothing, w goes to 1 and the
   estimate becomes kriging's.

Zeros and negative grades (below detection written as 0 or as the negated
limit) are floored at half the smallest positive grade, counted in
`n_floored_`: a log-scale network cannot take them, and a resource estimate
should not refuse a file for them.
"""
import numpy as np

from ..common.predictive import LogNormalMixturePredictive, PooledPredictive
from ..common.progress import progress_span
from ..common.splits import group_holdout, group_labels
from ..geostats.kriging import OrdinaryKriging
from .bnn.model import BNNRegressor

WEIGHT_GRID = np.linspace(0.0, 1.0, 11)
STRETCH_GRID = np.exp(np.linspace(np.log(0.5), np.log(3.0), 19))
TOP_CUT_QUANTILE = 0.995
MEAN_SCALE_BOUNDS = (0.25, 4.0)
SELECTION_LEVELS = 19  # quantile levels of the CRPS that chooses w
COVERAGE_LEVEL = 0.9
CALIBRATION_SEED_OFFSET = 104729  # the calibration holes are drawn apart from the stopping holes


def floor_grades(y, label="samples", target_name="grade"):
    """(grades, number floored, floor): zeros and negatives raised to half the
    smallest positive grade. NaN stays NaN (the caller's checks name it)."""
    y = np.asarray(y, dtype=float)
    positive = y[np.isfinite(y) & (y > 0)]
    if positive.size == 0:
        raise ValueError(f"{label}: field '{target_name}' has no positive grade")
    floor = 0.5 * float(positive.min())
    low = np.isfinite(y) & (y <= 0)
    return np.where(low, floor, y), int(low.sum()), floor


class StackedNetwork:
    """Estimator (fit(X, y, groups) / predictive(X)). X: `n_coords` coordinate
    columns, then the covariates (none is allowed: the network then has the
    coordinates and the kriging inputs). Network settings go to
    `BNNRegressor`; `variogram` None fits one automatically (as OK does)."""

    def __init__(self, method="ensemble", n_coords=3, hidden=(64, 64, 64), epochs=400, n_members=5,
                 validation_fraction=0.25, calibration_fraction=0.2, variogram=None, search=None, max_samples=32,
                 max_per_hole=None, seed=0, n_threads=1, label="samples", target_name="grade"):
        self.method = method
        self.n_coords = n_coords
        self.hidden = hidden
        self.epochs = epochs
        self.n_members = n_members
        self.validation_fraction = validation_fraction
        self.calibration_fraction = calibration_fraction
        self.variogram = variogram
        self.search = search
        self.max_samples = max_samples
        self.max_per_hole = max_per_hole
        self.seed = seed
        self.n_threads = n_threads
        self.label = label
        self.target_name = target_name

    # ---- fitting -------------------------------------------------------------------------
    def fit(self, X, y, groups=None, progress=None, should_stop=None):
        X = np.asarray(X, dtype=float)
        y, self.n_floored_, self.floor_ = floor_grades(y, self.label, self.target_name)
        groups = np.arange(len(y)).astype(str) if groups is None else np.asarray(groups).astype(str)
        group_labels(groups, self.label)
        xyz = self._xyz(X)
        self.kriging_ = OrdinaryKriging(self.variogram, self.search, 1, self.max_samples, self.max_per_hole,
                                        seed=self.seed, label=self.label).fit(xyz, y, groups)
        self.fill_mean_, self.fill_sd_ = float(np.mean(y)), float(np.std(y))
        memory = self.kriging_.leave_group_out(progress_span(progress, 0.0, 0.1), should_stop)
        estimate, sd = self._kriging_inputs(memory)
        features = self._features(X, estimate, sd)
        rest, calibration = group_holdout(groups, self.calibration_fraction, self.seed + CALIBRATION_SEED_OFFSET)
        self.network_ = BNNRegressor(
            method=self.method, hidden=self.hidden, epochs=self.epochs, n_members=self.n_members,
            validation_fraction=self.validation_fraction, seed=self.seed, n_threads=self.n_threads,
            label=self.label, target_name=self.target_name,
        ).fit(features[rest], y[rest], groups[rest], progress_span(progress, 0.1, 0.95), should_stop)
        self.top_cut_ = float(np.quantile(y[rest], TOP_CUT_QUANTILE))
        mu, sigma = self.network_.predict_log(features[calibration])
        self.mean_scale_ = _mean_scale(LogNormalMixturePredictive(mu, sigma).quantile(0.5), y[calibration])
        self.weight_, self.stretch_, self.selection_ = self._choose_pool(
            estimate[calibration], sd[calibration], mu, sigma, y[calibration])
        self.n_calibration_ = int(len(calibration))
        return self

    def _xyz(self, X):
        coords = X[:, : self.n_coords]
        return np.column_stack([coords, np.zeros((len(X), 3 - self.n_coords))]) if self.n_coords < 3 else coords

    def _kriging_inputs(self, kriged):
        """OK estimate and sd; where the search found nothing, the samples'
        mean and sd (what kriging with no neighbour knows)."""
        estimate = np.asarray(kriged["estimate"], dtype=float)
        sd = np.sqrt(np.maximum(np.asarray(kriged["variance"], dtype=float), 0.0))
        missing = ~np.isfinite(estimate) | ~np.isfinite(sd)
        return np.where(missing, self.fill_mean_, estimate), np.where(missing, self.fill_sd_, sd)

    def _features(self, X, estimate, sd):
        log_estimate = np.log(np.maximum(estimate, self.floor_))
        return np.column_stack([X[:, self.n_coords:], X[:, : self.n_coords], log_estimate, sd])

    def _choose_pool(self, estimate, sd, mu, sigma, y):
        """(w, k, table): for each w the stretch whose 90 % intervals cover
        closest to 90 %, then the w of lowest RMSE/RMSE_OK + CRPS/CRPS_OK."""
        rows = []
        for weight in WEIGHT_GRID:
            stretch = min(STRETCH_GRID, key=lambda k: abs(self._coverage(weight, k, estimate, sd, mu, sigma, y)
                                                         - COVERAGE_LEVEL))
            pooled = self._pooled(weight, stretch, estimate, sd, mu, sigma)
            rmse = float(np.sqrt(np.mean((pooled.mean - y) ** 2)))
            rows.append({"weight": float(weight), "stretch": float(stretch), "rmse": rmse,
                         "crps": float(np.mean(_crps(pooled, y))),
                         "coverage90": self._coverage(weight, stretch, estimate, sd, mu, sigma, y)})
        kriging = rows[-1]
        for row in rows:
            row["score"] = row["rmse"] / kriging["rmse"] + row["crps"] / kriging["crps"]
        best = min(reversed(rows), key=lambda row: row["score"])  # a tie goes to the larger w
        return best["weight"], best["stretch"], rows

    def _coverage(self, weight, stretch, estimate, sd, mu, sigma, y):
        pooled = self._pooled(weight, stretch, estimate, sd, mu, sigma)
        tail = (1.0 - COVERAGE_LEVEL) / 2.0
        return float(np.mean((y >= pooled.quantile(tail, 40)) & (y <= pooled.quantile(1.0 - tail, 40))))

    def _pooled(self, weight, stretch, estimate, sd, mu, sigma):
        """The pool at (w, k), the network shifted so its mean is the
        calibrated, top-cut median."""
        median = LogNormalMixturePredictive(mu, sigma).quantile(0.5)
        point = np.minimum(self.mean_scale_ * median, self.top_cut_)
        spread = stretch * sigma
        lognormal_mean = np.mean(np.exp(mu + spread**2 / 2.0), axis=0)
        shifted = mu + np.log(point) - np.log(lognormal_mean)
        return PooledPredictive(weight, estimate, np.maximum(stretch * sd, 1e-12), shifted, spread)

    # ---- prediction ----------------------------------------------------------------------
    def predictive(self, X, progress=None, should_stop=None):
        X = np.asarray(X, dtype=float)
        estimate, sd = self._kriging_inputs(self.kriging_.predict(self._xyz(X), None, progress, should_stop))
        mu, sigma = self.network_.predict_log(self._features(X, estimate, sd))
        return self._pooled(self.weight_, self.stretch_, estimate, sd, mu, sigma)


def _mean_scale(median, y):
    """Least-squares factor c of y ~ c median (through the origin), bounded."""
    scale = float(np.sum(y * median) / np.sum(median**2))
    return float(np.clip(scale, *MEAN_SCALE_BOUNDS))


def _crps(predictive, y, n_levels=SELECTION_LEVELS):
    total = np.zeros_like(y)
    for tau in (np.arange(n_levels) + 0.5) / n_levels:
        q = predictive.quantile(tau, 40)
        total += ((y < q).astype(float) - tau) * (q - y)
    return 2.0 * total / n_levels
