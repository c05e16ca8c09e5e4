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
   Logged domains (a lithology field of the samples, which targets lack) are
   kriged the same way, one indicator per category
   (`geostats.domains.DomainIndicators`), and their shares enter beside the
   covariates, with, per field, the log of the grade's lognormal kriging
   inside the domains (`geostats.domain_drift.DomainDriftKriging`: one
   external drift per category, mixed by the kriged shares).
2. A mean that does not explode, from a grade-scale forest. The network's
   lognormal mean exp(mu + sigma^2 / 2) multiplies a wide sigma into absurd
   grades on heavy-tailed data, and its median is biased low. The point
   estimate is instead a random forest on the network's own inputs, fitted on
   the grade scale (`forest.HoleBaggedForest`, bagged by hole) and top-cut at
   a high percentile of the training grades, as a resource geologist caps
   grades: an average of training grades cannot explode. Measured on Jura,
   Walker Lake and Copper Creek (bench/bench_point_estimate.py) it beat the
   network's calibrated median everywhere. The network's distribution is
   shifted (in log space) so that its mean is that estimate: the network
   gives the spread and shape, the forest the centre.
3. The guard. The predictive is the linear pool
   w N(OK, (k sd_K)^2) + (1 - w) network (its spreads stretched by the same k).
   w minimises the mean's squared error over EVERY training sample, each
   estimated without its own hole: the forest's out-of-bag estimate (trees
   whose bag lacks the hole) against the leave-own-hole-out OK estimate. On
   ten times the samples of a calibration split the choice is far less noisy
   (choosing w on 20 % calibration holes gave back 1-4 % of the forest's gain
   on the real sets). k is then set on calibration holes of their own (never
   used for training or early stopping the network) so that 90 % intervals
   cover 90 % of their samples. A forest that adds nothing to kriging gets
   w = 1 and the estimate becomes kriging's. The whole pool is then scaled by
   one factor c, the training grades' mean over the pooled out-of-hole
   estimates' mean: drillholes cluster where grades are high, so kriging and
   the forest estimate a new hole too high on average (on Copper Creek +16 %
   and +6 %); c took the pool's bias there to 0.4 % at a 0.2 % cost in RMSE.
   With logged domains the pool's kriging side may be a domain drift
   kriging instead of OK: N(its mixture's mean, (k its sd)^2), the one of
   them whose best pool has the least out-of-hole squared error over the
   training samples, one choice for the model, kept as `base_` (on the sample
   deposit the drift's mean alone beat OK's by 11 %, and pooled with OK the
   forest gave back a third of that).

Zeros and negative grades (below detection written as 0 or as the negated
limit) are floored at half the smallest positive grade, counted in
`n_floored_`: a log-scale network cannot take them, and a resource estimate
should not refuse a file for them.

The model file (`save` / `StackedNetwork.load`) is one JSON header and one
safetensors file over `io/modelfile` (kind "stacked_network"): the network's
header parameters and weights (`BNNRegressor.header_params` /
`from_header`), the forest's node arrays, the rows the kriging was fitted on (coordinates, floored
grades, hole codes; the hole labels in the JSON), the variogram, the search
and neighbourhood settings, every fitted calibration number and, for
categorical covariates, the categories of their one-hot columns. The checksum
covers the header's fields and parameters too, so an edited weight, stretch or
variogram sill is refused; loading refits the kriging on the stored rows, which
is deterministic, so a loaded model predicts bit for bit as the saved one.
"""
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..common.predictive import (
    QUANTILES,
    PooledPredictive,
    crps_from_quantiles,
    cutoff_name,
)
from ..common.progress import progress_span
from ..common.splits import group_holdout, group_labels
from ..common.threads import in_order
from ..geostats.domain_drift import DomainDriftKriging
from ..geostats.domains import DomainIndicators
from ..geostats.kriging import OrdinaryKriging
from ..io.modelfile import (
    Flag,
    ListOf,
    Mapping,
    ModelFileError,
    Nullable,
    Number,
    Text,
    header_kind,
    load_model,
    save_model,
)
from .bnn.model import BNNRegressor
from .bnn.training import MIN_STEPS_PER_EPOCH
from .forest import NODE_ARRAYS, HoleBaggedForest

WEIGHT_GRID = np.linspace(0.0, 1.0, 11)
STRETCH_GRID = np.exp(np.linspace(np.log(0.5), np.log(3.0), 19))
TOP_CUT_QUANTILE = 0.995
SELECTION_LEVELS = 19  # quantile levels of the CRPS that chooses w
SELECTION_ITERATIONS = 40  # at most this many steps per pooled quantile of the CRPS that chooses w
COVERAGE_LEVEL = 0.9
CALIBRATION_SEED_OFFSET = 104729  # the calibration holes are drawn apart from the stopping holes
# The domain drift kriging's neighbours per grade kriging neighbour: each category's constraint uses some up.
# On the sample deposit (grouped CV, seed 0) its mean's RMSE was 0.713 at 24 neighbours, 0.695 at 48 and 0.691
# at 64, where ordinary kriging went from 0.784 to 0.781 and 0.774.
DRIFT_NEIGHBOURS_FACTOR = 2
MIN_NETWORK_PATIENCE = 10  # epochs: the held-out NLL wanders from one epoch to the next

KIND = "stacked_network"
PREDICT_CHUNK = 16384  # targets per pooled predictive, so memory stays flat in the number of targets
FORMAT_VERSION = 3  # 2: the forest point and the out-of-bag weight replace the scaled median; 3: domain drift kriging
CODEC = "safetensors"
ESTIMATOR_KEYS = ("method", "n_coords", "hidden", "epochs", "n_members", "validation_fraction",
                  "calibration_fraction", "n_trees", "max_samples", "max_per_hole", "seed", "target_name")
SELECTION_KEYS = ("weight", "stretch", "scale", "rmse", "crps", "coverage90", "score")
MEAN_SCALE_BOUNDS = (0.5, 2.0)
NETWORK_PREFIX = "network/"
FOREST_PREFIX = "forest/"
INPUT_KEYS = ("base_estimate", "base_sd", "mu", "sigma", "point")  # what the pool combines, in `_pooled`'s order
OK_BASE = "ok"
DRIFT_BASE_PREFIX = "drift:"  # + a domain field: the pool's kriging side is that field's domain drift kriging
KRIGING_ARRAYS = ("kriging/xyz", "kriging/values", "kriging/holes")
DOMAIN_ARRAY = "domains/indicators"
_COUNT = Number(low=1, integer=True)
PARAMS_SCHEMA = Mapping({
    "estimator": Mapping({
        "method": Text("ensemble", "bnn"), "n_coords": Number(low=1, high=3, integer=True),
        "hidden": ListOf(_COUNT, min_length=1), "epochs": _COUNT, "n_members": _COUNT,
        "validation_fraction": Number(above=0, high=1), "calibration_fraction": Number(above=0, high=1),
        "n_trees": _COUNT, "max_samples": _COUNT, "max_per_hole": Nullable(Number(low=0, integer=True)),
        "seed": Number(integer=True), "target_name": Text(),
    }),
    "covariate_names": ListOf(Text()),
    "categories": Nullable(Mapping({})),  # CategoryEncoder.from_dict checks the inside
    "network": Mapping({"fields": ListOf(Text()), "params": Mapping({})}),  # so does BNNRegressor.from_header
    "kriging": Mapping({
        "variogram": Mapping({}), "variogram_given": Flag(),
        "search": Nullable(Mapping({"radii": ListOf(Number(above=0), length=3),
                                    "angles": ListOf(Number(), length=3)})),
        "min_samples": _COUNT, "max_samples": _COUNT, "max_per_hole": Nullable(Number(low=0, integer=True)),
        "hole_labels": ListOf(Text()),
    }),
    "calibration": Mapping({
        "base": Text(), "weight": Number(low=0, high=1), "stretch": Number(above=0), "mean_scale": Number(above=0),
        "top_cut": Number(above=0), "floor": Number(above=0), "fill_mean": Number(), "fill_sd": Number(low=0),
        "n_floored": Number(low=0, integer=True), "n_calibration": Number(low=0, integer=True),
        "selection": ListOf(Mapping({key: Number() for key in SELECTION_KEYS})),
    }),
}, optional={
    # Absent in files without logged domains (and in files older than them).
    "domains": Mapping({"fields": ListOf(Text(), min_length=1), "categories": ListOf(ListOf(Text(), length=2)),
                        "variograms": ListOf(Mapping({})), "drift_variograms": ListOf(Mapping({}))}),
})


def network_patience(n_rows, validation_fraction):
    """Epochs a member may go without improving on its stopping holes: about
    as many optimiser steps as the network's default patience takes on a
    small set (40 epochs of 10 steps), at least MIN_NETWORK_PATIENCE epochs.
    Why: a patience in epochs waits ever more steps as the set grows (3,100
    on the `large` preset's 78 steps an epoch), and inside the stack the
    network gives only the spread, which the pool's stretch then calibrates.
    On the `large` preset, 20 % of its holes held out: 10 epochs instead of 40
    trained in 39.6 s instead of 72.6 s at the same CRPS (0.4021 against
    0.4025) and coverage (0.912 against 0.910)."""
    defaults = BNNRegressor()
    steps = max(MIN_STEPS_PER_EPOCH, int(n_rows * (1.0 - validation_fraction)) // defaults.batch_size)
    reference = defaults.patience * MIN_STEPS_PER_EPOCH
    return int(min(defaults.patience, max(MIN_NETWORK_PATIENCE, math.ceil(reference / steps))))


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
    `BNNRegressor`; `variogram` None fits one automatically (as OK does).
    `covariate_names` name the covariate columns (default x1, x2, ...) and
    `encoder`, a fitted `encoding.CategoryEncoder` whose one-hot columns are
    the last covariates (the caller encodes), is kept in the model file, so
    a prediction encodes its categories as the training did. `n_threads`
    workers krige, grow the forest's trees and score the pool's weights; the
    network trains on one torch thread whatever it is (its layers are small,
    and on the 2-core machines measured two torch threads trained it 30 %
    slower). The fitted model does not depend on `n_threads`."""

    def __init__(self, method="ensemble", n_coords=3, hidden=(64, 64, 64), epochs=400, n_members=5,
                 validation_fraction=0.25, calibration_fraction=0.2, n_trees=200, variogram=None, search=None,
                 max_samples=32, max_per_hole=None, seed=0, n_threads=1, label="samples", target_name="grade",
                 covariate_names=None, encoder=None):
        self.method = method
        self.n_coords = n_coords
        self.hidden = hidden
        self.epochs = epochs
        self.n_members = n_members
        self.validation_fraction = validation_fraction
        self.calibration_fraction = calibration_fraction
        self.n_trees = n_trees
        self.variogram = variogram
        self.search = search
        self.max_samples = max_samples
        self.max_per_hole = max_per_hole
        self.seed = seed
        self.n_threads = n_threads
        self.label = label
        self.target_name = target_name
        self.covariate_names = covariate_names
        self.encoder = encoder

    # ---- fitting -------------------------------------------------------------------------
    def fit(self, X, y, groups=None, domains=None, progress=None, should_stop=None):
        """domains: {field: one category label per row} logged at the samples
        only (a lithology); their kriged shares and each field's domain drift
        kriging become inputs (and candidates for the pool's kriging side),
        at targets from all samples, at training rows without their own
        hole."""
        X = np.asarray(X, dtype=float)
        y, self.n_floored_, self.floor_ = floor_grades(y, self.label, self.target_name)
        groups = np.arange(len(y)).astype(str) if groups is None else np.asarray(groups).astype(str)
        group_labels(groups, self.label)
        xyz = self._xyz(X)
        self.kriging_ = OrdinaryKriging(self.variogram, self.search, 1, self.max_samples, self.max_per_hole,
                                        n_jobs=self.n_threads, seed=self.seed, label=self.label).fit(xyz, y, groups)
        self.samples_ = (xyz, y, groups)  # the rows the kriging was fitted on, for the model file
        self.fill_mean_, self.fill_sd_ = float(np.mean(y)), float(np.std(y))
        memory = self.kriging_.leave_group_out(progress_span(progress, 0.0, 0.08), should_stop)
        estimate, sd = self._kriging_inputs(memory)
        self.domains_, self.drifts_ = None, []
        if domains:
            self.domains_ = DomainIndicators(self.max_samples, self.max_per_hole, self.seed, self.n_threads,
                                             self.label).fit(xyz, domains, groups)
            self.drifts_ = self._fit_drifts(xyz, y, groups)
        shares, drifts = self._domain_parts(xyz, True, should_stop, progress_span(progress, 0.08, 0.1))
        features = self._features(X, estimate, sd, self._domain_inputs(shares, drifts))
        self.top_cut_ = float(np.quantile(y, TOP_CUT_QUANTILE))
        self.forest_ = HoleBaggedForest(self.n_trees, seed=self.seed, n_threads=self.n_threads).fit(
            features, y, groups, progress_span(progress, 0.1, 0.3), should_stop)
        out_of_hole_point = self._cut(self.forest_.oob_prediction_)
        rest, calibration = group_holdout(groups, self.calibration_fraction, self.seed + CALIBRATION_SEED_OFFSET)
        self.network_ = BNNRegressor(
            method=self.method, hidden=self.hidden, epochs=self.epochs, n_members=self.n_members,
            validation_fraction=self.validation_fraction, seed=self.seed, n_threads=1,
            patience=network_patience(len(rest), self.validation_fraction), label=self.label,
            target_name=self.target_name,
        ).fit(features[rest], y[rest], groups[rest], progress_span(progress, 0.3, 0.95), should_stop)
        mu, sigma = self.network_.predict_log(features[calibration])
        bases = self._bases(estimate, sd, drifts)
        errors = {name: _out_of_hole_errors(mean, out_of_hole_point, y) for name, (mean, _) in bases.items()}
        self.base_ = _least_error_base(errors)
        base_estimate, base_sd = bases[self.base_]
        self.calibration_inputs_ = {"base_estimate": base_estimate[calibration], "base_sd": base_sd[calibration],
                                    "mu": mu, "sigma": sigma,
                                    "point": out_of_hole_point[calibration], "grade": y[calibration],
                                    "holes": groups[calibration]}
        self.weight_, self.stretch_, self.mean_scale_, self.selection_ = self._choose_pool(
            *errors[self.base_], self.calibration_inputs_, errors[OK_BASE][0][-1].mean())
        self.n_calibration_ = int(len(calibration))
        return self

    def _xyz(self, X):
        coords = X[:, : self.n_coords]
        return np.column_stack([coords, np.zeros((len(X), 3 - self.n_coords))]) if self.n_coords < 3 else coords

    def _kriging_inputs(self, kriged):
        """OK estimate and sd; where the search found nothing, the samples'
        mean and sd (what kriging with no neighbour knows). The estimate is
        raised to the grade floor: negative kriging weights can give a
        negative grade, which the pool would carry into its mean."""
        estimate = np.asarray(kriged["estimate"], dtype=float)
        sd = np.sqrt(np.maximum(np.asarray(kriged["variance"], dtype=float), 0.0))
        missing = ~np.isfinite(estimate) | ~np.isfinite(sd)
        return (np.maximum(np.where(missing, self.fill_mean_, estimate), self.floor_),
                np.where(missing, self.fill_sd_, sd))

    def _bases(self, ok_estimate, ok_sd, drifts):
        """{name: (estimate, sd)} of the pool's candidate kriging sides: OK's,
        and each domain field's drift kriging (`_domain_parts`' drifts)."""
        bases = {OK_BASE: (ok_estimate, ok_sd)}
        if self.domains_ is not None:
            bases.update({DRIFT_BASE_PREFIX + field: drift for field, drift in zip(self.domains_.fields_, drifts)})
        return bases

    def _fit_drifts(self, xyz, y, groups, variograms=None):
        """One `DomainDriftKriging` per domain field, on the fitted rows'
        categories (`_field_codes`); variograms: given ones (a model file)."""
        drifts = []
        for i, field in enumerate(self.domains_.fields_):
            columns, codes = self._field_codes(field)
            drift = DomainDriftKriging(DRIFT_NEIGHBOURS_FACTOR * int(self.max_samples), self.max_per_hole, self.seed,
                                       f"{self.label}, {field}")
            drifts.append(drift.fit(xyz, y, codes, groups, len(columns), None if variograms is None else variograms[i]))
        return drifts

    def _field_codes(self, field):
        """(the field's indicator columns, each fitted row's category among
        them: -1 where unknown or in a category too rare to krige)."""
        columns = [k for k, (name, _) in enumerate(self.domains_.categories_) if name == field]
        if not columns:
            raise ValueError(f"domain field '{field}' has no kriged category")
        indicators = np.nan_to_num(self.domains_.indicators_[:, columns], nan=0.0)
        return columns, np.where(indicators.max(axis=1) == 1.0, indicators.argmax(axis=1), -1)

    def _domain_parts(self, xyz, leave_out=False, should_stop=None, progress=None):
        """((m, K) kriged domain shares at xyz, [(mean, sd)] of each field's
        domain drift kriging, the mean raised to the grade floor); (m, 0) and
        [] without domains. leave_out: the fitted rows', each without its own
        hole."""
        if self.domains_ is None:
            return np.zeros((len(xyz), 0)), []
        shares = self.domains_.leave_group_out() if leave_out else self.domains_.predict(xyz)
        drifts = []
        for i, (field, drift) in enumerate(zip(self.domains_.fields_, self.drifts_)):
            field_shares = shares[:, self._field_codes(field)[0]]
            part = progress_span(progress, i / len(self.drifts_), (i + 1) / len(self.drifts_))
            mean, sd = (drift.leave_group_out(field_shares, should_stop, part) if leave_out
                        else drift.predict(xyz, field_shares, should_stop=should_stop, progress=part))
            drifts.append((np.maximum(mean, self.floor_), sd))
        return shares, drifts

    @staticmethod
    def _domain_inputs(shares, drifts):
        """The network's and forest's domain columns: the shares, then the log of each drift kriging's mean."""
        return np.column_stack([shares] + [np.log(mean) for mean, _ in drifts])

    def _features(self, X, estimate, sd, shares):
        # `_kriging_inputs` has raised the estimate to the floor already.
        return np.column_stack([X[:, self.n_coords:], shares, X[:, : self.n_coords], np.log(estimate), sd])

    def _choose_pool(self, squared_errors, scales, calibration, kriging_error):
        """(w, k, c, table). w: the one whose calibrated pooled mean has the
        least squared error over all training samples (`squared_errors` and
        `scales` c: one per w of WEIGHT_GRID, out-of-hole estimates), ties to
        the larger w (kriging). Each row's score is its error over
        `kriging_error`, OK's alone. k per w: the stretch whose 90 % intervals on
        the calibration holes (`calibration_inputs_`'s keys) cover closest to
        90 % on the rising side of the coverage (`rising_stretch`). The table
        also gives each w's CRPS and coverage on the calibration holes, for
        logs."""
        mse = squared_errors.mean(axis=1)
        # numpy and scipy's ufuncs let go of the GIL, so the weights' rows are computed side by side.
        with ThreadPoolExecutor(max(int(self.n_threads), 1)) as pool:
            rows = list(pool.map(lambda i: self._pool_row(WEIGHT_GRID[i], mse[i], scales[i], kriging_error,
                                                          calibration),
                                 range(len(WEIGHT_GRID))))
        row = rows[max(range(len(rows)), key=lambda i: (-rows[i]["score"], i))]
        return row["weight"], row["stretch"], row["scale"], rows

    def _pool_row(self, weight, error, scale, kriging_error, calibration):
        """One row of `_choose_pool`'s table: the stretch, CRPS and coverage of weight w."""
        y = calibration["grade"]
        coverage = {k: _coverage(self._pooled(weight, k, calibration, scale), y) for k in STRETCH_GRID}
        stretch = rising_stretch(coverage)
        crps = crps_from_quantiles(self._pooled(weight, stretch, calibration, scale), y, SELECTION_LEVELS,
                                   iterations=SELECTION_ITERATIONS)
        return {"weight": float(weight), "stretch": float(stretch), "scale": float(scale),
                "rmse": float(np.sqrt(error)), "crps": float(crps.mean()), "coverage90": coverage[stretch],
                "score": float(error / kriging_error)}

    def _cut(self, point):
        """A point estimate inside the training grades' floor and top cut."""
        return np.clip(point, self.floor_, self.top_cut_)

    def _pooled(self, weight, stretch, inputs, scale=1.0):
        """The pool at (w, k) of `inputs` (`pool_inputs`'s keys), the network
        shifted so its mean is the point estimate, the whole pool scaled by
        the mean calibration c (grades times c)."""
        base, sd, mu, sigma, point = (inputs[key] for key in INPUT_KEYS)
        spread = stretch * sigma
        lognormal_mean = np.mean(np.exp(mu + spread**2 / 2.0), axis=0)
        shifted = mu + np.log(scale * point) - np.log(lognormal_mean)
        return PooledPredictive(weight, scale * base, np.maximum(scale * stretch * sd, 1e-12), shifted, spread)

    def fit_summary(self):
        """One line on the pool's fitted numbers, for logs and reports."""
        return (f"weight on kriging w = {self.weight_:.1f} ({self.base_description()}), interval stretch "
                f"{self.stretch_:.3f}, mean scale {self.mean_scale_:.3f}, top cut {self.top_cut_:.4g}, "
                f"{self.n_floored_} grade(s) floored"
                + (f", {len(self.domains_.categories_)} kriged domain share(s) and {len(self.drifts_)} domain drift "
                   "estimate(s)" if self._n_domain_inputs() else ""))

    def base_description(self):
        """The pool's kriging side in words."""
        if self.base_ == OK_BASE:
            return "ordinary kriging"
        return f"the domain drift kriging of '{self.base_[len(DRIFT_BASE_PREFIX):]}'"

    # ---- prediction ----------------------------------------------------------------------
    def predict(self, X, cutoffs=(), progress=None, should_stop=None, cluster=None):
        """{"mean", "sd", "p10", "p50", "p90", "p_gt_<c>"...} of the pooled
        predictive at X (coordinates, then covariates), in chunks (bounded
        memory, progress and cancel), as `BNNRegressor.predict` gives them.
        The chunks go to `n_threads` workers, each kriging, running the
        network and summarising its chunk on one thread (BLAS and torch held
        to one thread for the whole call): the summaries are numpy on one
        core, so only chunk-level threads use the second; a value depends on
        the thread count only through float32 rounding, about 1e-7 relative.
        cluster: a `common.distributed.Cluster` whose workers summarise the
        chunks instead (the fitted model sent to each once), each on one
        thread too."""
        from ..geostats.kriging import _single_threaded_blas
        from .bnn.training import deterministic_torch

        X = np.asarray(X, dtype=float)
        keys = ["mean", "sd"] + [f"p{round(q * 100):d}" for q in QUANTILES] + [cutoff_name(c) for c in cutoffs]
        chunks = [X[start:start + PREDICT_CHUNK] for start in range(0, len(X), PREDICT_CHUNK)]
        empty = {key: np.zeros(0) for key in keys}
        if cluster is not None:
            parts = cluster.map(_summary_on_worker, (self, tuple(cutoffs)), chunks, progress, should_stop)
            return {key: np.concatenate([empty[key]] + [part[key] for part in parts]) for key in keys}
        with _single_threaded_blas(), deterministic_torch(1), ThreadPoolExecutor(max(int(self.n_threads), 1)) as pool:
            parts = in_order(pool, lambda chunk: self._summary(chunk, cutoffs), chunks, 2 * max(int(self.n_threads), 1),
                             progress, should_stop)
        return {key: np.concatenate([empty[key]] + [part[key] for part in parts]) for key in keys}

    def _summary(self, X, cutoffs):
        # One kriging thread: the chunks already run side by side, and a kriging pool in each of them put
        # four threads on two cores (2.5 % slower on the `large` preset).
        inputs = self._pool_inputs(X, kriging_jobs=1)
        predictive = self._pooled(self.weight_, self.stretch_, inputs, self.mean_scale_)
        part = {"mean": predictive.mean, "sd": predictive.sd}
        for q in QUANTILES:
            part[f"p{round(q * 100):d}"] = predictive.quantile(q)
        for cutoff in cutoffs:
            part[cutoff_name(cutoff)] = 1.0 - predictive.cdf(cutoff)
        return part

    def predictive(self, X, progress=None, should_stop=None):
        return self._pooled(self.weight_, self.stretch_, self.pool_inputs(X, progress, should_stop), self.mean_scale_)

    def pool_inputs(self, X, progress=None, should_stop=None):
        """What the pool combines at X: its kriging side's estimate and sd
        (OK's, or a domain drift kriging's: `base_`), the network's log-grade
        components (mu, sigma) and the point estimate (the top-cut forest),
        with OK's estimate and sd beside them; `calibration_inputs_` holds the
        pool's keys for the calibration rows (with their grades and holes, the
        point out of bag), so that
        other pools or point estimates can be compared on one fit
        (bench/bench_point_estimate.py)."""
        from .bnn.training import deterministic_torch

        with deterministic_torch(self.n_threads):
            return self._pool_inputs(X, progress, should_stop)

    def _pool_inputs(self, X, progress=None, should_stop=None, kriging_jobs=None):
        """`pool_inputs` without touching torch's settings (process-wide), so
        that prediction workers may run it side by side."""
        X = np.asarray(X, dtype=float)
        xyz = self._xyz(X)
        kriged = self.kriging_.predict(xyz, None, progress, should_stop, n_jobs=kriging_jobs)
        estimate, sd = self._kriging_inputs(kriged)
        shares, drifts = self._domain_parts(xyz, should_stop=should_stop)
        features = self._features(X, estimate, sd, self._domain_inputs(shares, drifts))
        mu, sigma = self.network_.log_components(features)
        point = self._cut(self.forest_.predict(features))
        base_estimate, base_sd = self._bases(estimate, sd, drifts)[self.base_]
        return {"ok_estimate": estimate, "ok_sd": sd, "base_estimate": base_estimate, "base_sd": base_sd, "mu": mu,
                "sigma": sigma, "point": point}

    # ---- model file ----------------------------------------------------------------------
    def fitted_covariate_names(self):
        """The covariate columns' names: `covariate_names`, or x1, x2, ..."""
        n_covariates = len(self.network_.feature_names_) - self.n_coords - 2 - self._n_domain_inputs()
        names = (list(self.covariate_names) if self.covariate_names is not None
                 else [f"x{i + 1}" for i in range(n_covariates)])
        if len(names) != n_covariates:
            raise ValueError(f"{self.label}: {len(names)} covariate names for {n_covariates} covariate columns")
        return names

    def _n_domain_inputs(self):
        if getattr(self, "domains_", None) is None:
            return 0
        return len(self.domains_.categories_) + len(self.domains_.fields_)

    def dimension(self):
        """3 when the kriging samples have a z other than 0, else 2 (targets then need no z)."""
        xyz = self.samples_[0]
        return 3 if self.n_coords == 3 and np.any(np.asarray(xyz)[:, 2] != 0) else 2

    def input_fields(self):
        """The fields a prediction layer must carry, in order: the numeric
        covariates, then the categorical fields the encoder one-hot encodes."""
        names = self.fitted_covariate_names()
        if self.encoder is None:
            return names
        encoded = list(self.encoder.names_)
        if names[len(names) - len(encoded):] != encoded:
            raise ValueError(f"{self.label}: the encoder's one-hot columns are not the last covariates")
        return names[: len(names) - len(encoded)] + list(self.encoder.fields_)

    def save(self, json_path, metadata=None):
        """Write `<name>.json` and `<name>.safetensors` (one model file, kind
        'stacked_network'); `metadata` (plain values, e.g. the samples' CRS)
        is added to the header's metadata. Returns the header."""
        xyz, values, groups = self.samples_
        labels, codes = np.unique(np.asarray(groups).astype(str), return_inverse=True)
        arrays = {NETWORK_PREFIX + name: array for name, array in self.network_.header_tensors().items()}
        arrays.update({FOREST_PREFIX + name: array for name, array in self.forest_.arrays().items()})
        arrays.update({
            "kriging/xyz": np.ascontiguousarray(xyz, dtype=np.float64),
            "kriging/values": np.ascontiguousarray(values, dtype=np.float64),
            "kriging/holes": np.ascontiguousarray(codes.reshape(-1), dtype=np.int64),
        })
        if self.domains_ is not None:
            arrays[DOMAIN_ARRAY] = np.ascontiguousarray(self.domains_.indicators_, dtype=np.float64)
        search = self.kriging_.search
        params = {
            "estimator": {
                "method": self.method, "n_coords": int(self.n_coords), "hidden": [int(h) for h in self.hidden],
                "epochs": int(self.epochs), "n_members": int(self.n_members),
                "validation_fraction": float(self.validation_fraction),
                "calibration_fraction": float(self.calibration_fraction), "n_trees": int(self.n_trees),
                "max_samples": int(self.max_samples),
                "max_per_hole": None if self.max_per_hole is None else int(self.max_per_hole),
                "seed": int(self.seed), "target_name": str(self.target_name),
            },
            "covariate_names": self.fitted_covariate_names(),
            "categories": None if self.encoder is None else self.encoder.to_dict(),
            "network": {"fields": list(self.network_.feature_names_), "params": self.network_.header_params()},
            "kriging": {
                "variogram": self.kriging_.model_.to_dict(), "variogram_given": self.variogram is not None,
                "search": None if search is None else {"radii": [float(r) for r in search.radii],
                                                       "angles": [float(a) for a in search.angles]},
                "min_samples": int(self.kriging_.min_samples), "max_samples": int(self.kriging_.max_samples),
                "max_per_hole": None if self.kriging_.max_per_hole is None else int(self.kriging_.max_per_hole),
                "hole_labels": [str(label) for label in labels], "n_samples": int(len(values)),
            },
            "calibration": {
                "base": str(self.base_), "weight": float(self.weight_), "stretch": float(self.stretch_),
                "mean_scale": float(self.mean_scale_),
                "top_cut": float(self.top_cut_), "floor": float(self.floor_), "fill_mean": float(self.fill_mean_),
                "fill_sd": float(self.fill_sd_), "n_floored": int(self.n_floored_),
                "n_calibration": int(self.n_calibration_),
                "selection": [{key: float(row[key]) for key in SELECTION_KEYS} for row in self.selection_],
            },
        }
        if self.domains_ is not None:
            params["domains"] = dict(self.domains_.to_dict(),
                                     drift_variograms=[drift.model_.to_dict() for drift in self.drifts_])
        header_metadata = {"n_samples": int(len(values)), "n_holes": int(len(labels)),
                           "n_floored": int(self.n_floored_), "n_calibration": int(self.n_calibration_),
                           "weight": float(self.weight_), "stretch": float(self.stretch_),
                           "dimension": self.dimension(), "network": self.network_.metadata_}
        header_metadata.update(metadata or {})
        return save_model(json_path, KIND, FORMAT_VERSION, self.input_fields(), params, arrays, header_metadata,
                          codec=CODEC, header_in_checksum=True)

    @classmethod
    def load(cls, json_path, fields=None):
        """A fitted model from its file, after checking kind, format version,
        fields (if given: the input fields, in order), checksum (of the arrays,
        fields and parameters), parameters and array shapes; the kriging is
        refitted on the stored rows with the stored variogram and search."""
        from ..geostats.neighbourhood import SearchEllipse
        from ..geostats.variogram_model import VariogramModel
        from .encoding import CategoryEncoder

        header, arrays = load_model(json_path, KIND, FORMAT_VERSION, fields, codec=CODEC, header_in_checksum=True,
                                    params_schema=PARAMS_SCHEMA)
        params = header["params"]
        estimator, calibration, kriging = params["estimator"], params["calibration"], params["kriging"]
        network_part = params["network"]

        encoder = None
        if params["categories"] is not None:
            try:
                encoder = CategoryEncoder.from_dict(params["categories"], f"{json_path}: params.categories")
            except ValueError as error:
                raise ModelFileError(str(error)) from None
        try:
            variogram = VariogramModel.from_dict(kriging["variogram"], f"{json_path}: params.kriging.variogram")
            search = kriging["search"]
            search = None if search is None else SearchEllipse(search["radii"], search["angles"])
        except ValueError as error:
            raise ModelFileError(f"{json_path}: params.kriging: {error}") from None
        arguments = {key: estimator[key] for key in ESTIMATOR_KEYS}
        arguments["hidden"] = tuple(arguments["hidden"])
        model = cls(variogram=variogram if kriging["variogram_given"] else None, search=search,
                    covariate_names=list(params["covariate_names"]), encoder=encoder, **arguments)

        network_tensors = {name[len(NETWORK_PREFIX):]: array for name, array in arrays.items()
                           if name.startswith(NETWORK_PREFIX)}
        model.network_ = BNNRegressor.from_header(network_part["params"], network_part["fields"], network_tensors,
                                                  f"{json_path}: params.network",
                                                  header.get("metadata", {}).get("network", {}))
        model.network_.label, model.network_.target_name = model.label, model.target_name
        xyz, values, codes = _kriging_rows(json_path, arrays, kriging["hole_labels"])
        groups = np.asarray(kriging["hole_labels"], dtype=str)[codes]
        model.domains_, model.drifts_ = _domains(json_path, params, arrays, xyz, groups, model), []
        expected = len(model.covariate_names) + model.n_coords + 2 + model._n_domain_inputs()
        if len(network_part["fields"]) != expected:
            raise ModelFileError(
                f"{json_path}: params.network.fields has {len(network_part['fields'])} inputs, expected {expected} "
                f"({len(model.covariate_names)} covariates, {model._n_domain_inputs()} domain inputs, "
                f"{model.n_coords} coordinates, OK estimate and sd)")
        try:
            if list(model.input_fields()) != list(header["fields"]):
                raise ValueError("the covariate names and categories do not give the header's fields")
        except ValueError as error:
            raise ModelFileError(f"{json_path}: {error}") from None

        model.forest_ = _forest(json_path, arrays, expected)
        model.kriging_ = OrdinaryKriging(variogram, search, int(kriging["min_samples"]), int(kriging["max_samples"]),
                                         kriging["max_per_hole"], seed=model.seed, label=model.label)
        model.kriging_.fit(xyz, values, groups)
        model.samples_ = (xyz, values, groups)
        model.floor_ = float(calibration["floor"])
        if model.domains_ is not None:
            model.drifts_ = _drifts(json_path, params["domains"], model, xyz, values, groups)

        model.base_ = _base(json_path, calibration["base"], model)
        model.weight_, model.stretch_ = float(calibration["weight"]), float(calibration["stretch"])
        model.top_cut_, model.mean_scale_ = float(calibration["top_cut"]), float(calibration["mean_scale"])
        model.fill_mean_, model.fill_sd_ = float(calibration["fill_mean"]), float(calibration["fill_sd"])
        model.n_floored_, model.n_calibration_ = int(calibration["n_floored"]), int(calibration["n_calibration"])
        model.selection_ = [{key: float(row[key]) for key in SELECTION_KEYS} for row in calibration["selection"]]
        model.metadata_ = header.get("metadata", {})
        return model


def _summary_on_worker(shared, X):
    """`StackedNetwork._summary` of one chunk in a Dask worker, holding BLAS
    and torch to one thread as the in-process `predict` does."""
    from ..geostats.kriging import _single_threaded_blas
    from .bnn.training import deterministic_torch

    model, cutoffs = shared
    with _single_threaded_blas(), deterministic_torch(1):
        return model._summary(X, cutoffs)


def _kriging_rows(json_path, arrays, hole_labels):
    """(xyz (n, 3), values (n,), hole codes (n,)) of the file, shapes checked."""
    missing = [name for name in KRIGING_ARRAYS if name not in arrays]
    if missing:
        raise ModelFileError(f"{json_path}: the weights file lacks {', '.join(missing)}")
    xyz, values, codes = (np.asarray(arrays[name]) for name in KRIGING_ARRAYS)
    n = len(values)
    if values.ndim != 1 or xyz.shape != (n, 3) or codes.shape != (n,):
        raise ModelFileError(
            f"{json_path}: kriging samples do not fit together (kriging/xyz {xyz.shape}, kriging/values "
            f"{values.shape}, kriging/holes {codes.shape}; expected (n, 3), (n,), (n,))")
    if n and (codes.min() < 0 or codes.max() >= len(hole_labels)):
        raise ModelFileError(f"{json_path}: kriging/holes has codes outside the {len(hole_labels)} hole labels")
    return np.array(xyz, dtype=float), np.array(values, dtype=float), codes.astype(np.int64)


def _domains(json_path, params, arrays, xyz, groups, model):
    """The file's kriged domains (refitted on its stored indicators and
    variograms), or None for a file without them."""
    if "domains" not in params:
        return None
    if DOMAIN_ARRAY not in arrays:
        raise ModelFileError(f"{json_path}: the weights file lacks {DOMAIN_ARRAY}")
    try:
        return DomainIndicators.from_dict(params["domains"], arrays[DOMAIN_ARRAY], xyz, groups,
                                          f"{json_path}: params.domains", max_samples=int(model.max_samples),
                                          max_per_hole=model.max_per_hole, seed=model.seed, label=model.label)
    except ValueError as error:
        raise ModelFileError(str(error)) from None


def _drifts(json_path, params, model, xyz, values, groups):
    """The file's domain drift krigings, refitted on its stored rows with its stored variograms."""
    from ..geostats.variogram_model import VariogramModel

    where = f"{json_path}: params.domains.drift_variograms"
    if len(params["drift_variograms"]) != len(model.domains_.fields_):
        raise ModelFileError(f"{where}: {len(params['drift_variograms'])} variograms for "
                             f"{len(model.domains_.fields_)} domain fields")
    try:
        variograms = [VariogramModel.from_dict(v, f"{where}[{i}]") for i, v in enumerate(params["drift_variograms"])]
    except ValueError as error:
        raise ModelFileError(str(error)) from None
    try:
        return model._fit_drifts(xyz, values, groups, variograms)
    except ValueError as error:
        raise ModelFileError(f"{json_path}: params.domains: {error}") from None


def _base(json_path, base, model):
    """The file's pool base, checked against its domain fields."""
    fields = [] if model.domains_ is None else model.domains_.fields_
    known = [OK_BASE] + [DRIFT_BASE_PREFIX + field for field in fields]
    if base not in known:
        raise ModelFileError(f"{json_path}: params.calibration.base is {base!r}, not one of {', '.join(known)}")
    return base


def _least_error_base(errors):
    """The name of the base whose best pooled mean with the point estimate
    has the least out-of-hole squared error (`errors`: {name:
    `_out_of_hole_errors`}); ties to OK."""
    best = {name: squared.mean(axis=1).min() for name, (squared, _) in errors.items()}
    return min(best, key=lambda name: (best[name], name != OK_BASE))


def _forest(json_path, arrays, n_inputs):
    """The forest of the file's node arrays, checked against the network's input count."""
    missing = [FOREST_PREFIX + key for key in NODE_ARRAYS if FOREST_PREFIX + key not in arrays]
    if missing:
        raise ModelFileError(f"{json_path}: the weights file lacks {', '.join(missing)}")
    try:
        forest = HoleBaggedForest().set_arrays({key: arrays[FOREST_PREFIX + key] for key in NODE_ARRAYS},
                                               f"{json_path}: forest")
    except ValueError as error:
        raise ModelFileError(str(error)) from None
    if forest.n_features_ > n_inputs:
        raise ModelFileError(f"{json_path}: the forest splits on input {forest.n_features_} of {n_inputs}")
    return forest


def _out_of_hole_errors(kriging_estimate, point, y):
    """(squared errors (weights, samples), scales (weights,)) of the pooled
    mean c (w * kriging + (1 - w) * point) for each w of WEIGHT_GRID, c the
    ratio of the grades' mean to the pooled mean's (bounded): the mean
    calibration. Why: drillholes cluster where grades are high, so both
    kriging and the forest estimate a new hole too high on average (Copper
    Creek: +16 % for OK, +6 % for the pool); the out-of-hole estimates of
    the training samples see the same bias and c removes it."""
    pooled = WEIGHT_GRID[:, None] * kriging_estimate[None] + (1.0 - WEIGHT_GRID[:, None]) * point[None]
    scales = np.clip(np.mean(y) / np.mean(pooled, axis=1), *MEAN_SCALE_BOUNDS)
    return (scales[:, None] * pooled - y[None]) ** 2, scales


def rising_stretch(coverage):
    """The stretch closest to COVERAGE_LEVEL among those up to the first
    that reaches it ({stretch: coverage}, increasing stretches). Why not the
    closest of all: the coverage does not keep rising with the stretch. The
    network is shifted so that its mean stays the point estimate, so a wider
    spread pulls its median down and its interval slides below the grades:
    on a Copper Creek fold the coverage rose to 0.97 at k = 1.65 and fell back
    to 0.91 at k = 3, and the closest of all flipped between k = 1.0 and k = 3
    from one training of the network to the next, at a CRPS of 0.12 and 0.20."""
    stretches = sorted(coverage)
    reached = [k for k in stretches if coverage[k] >= COVERAGE_LEVEL]
    candidates = stretches[: stretches.index(reached[0]) + 1] if reached else stretches
    return min(candidates, key=lambda k: abs(coverage[k] - COVERAGE_LEVEL))


def _coverage(pooled, y):
    """Share of `y` inside the central COVERAGE_LEVEL interval, read off the
    pooled CDF at y (y lies between the tail quantiles exactly when its CDF
    lies between the tail levels): one CDF evaluation, not two quantile
    searches."""
    tail = (1.0 - COVERAGE_LEVEL) / 2.0
    level = pooled.cdf(y)
    return float(np.mean((level >= tail) & (level <= 1.0 - tail)))


def load_grade_model(path):
    """The model of a reegrade:trainbnn file: a `StackedNetwork` (kind
    stacked_network) or a `BNNRegressor` (kind bnn, and any file that is
    neither, so that its loader names what is wrong)."""
    if header_kind(path) == KIND:
        return StackedNetwork.load(path)
    return BNNRegressor.load(path)
