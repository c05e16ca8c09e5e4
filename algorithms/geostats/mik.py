"""Multiple Indicator Kriging as GSLIB's ik3d and postik define it.

1. Thresholds: the deciles of the declustered global cdf (cell declustering,
   `ccdf.cell_declustering_weights`) plus upper-tail cut-offs, or a user list;
   each must lie strictly inside the data range.
2. Indicators i_k(x) = 1 if z(x) <= z_k.
3. Indicator variograms: one per threshold (full MIK, their experimental
   variograms from one pass over the pairs) or the median indicator's for all
   (median IK), fitted automatically or given.
4. Ordinary kriging of the indicators in one shared search neighbourhood
   (`kriging.OrdinaryKriging`, so search ellipse, min/max samples and max per
   hole are those of OK). Median IK shares the kriging weights across
   thresholds too, which is what makes it cheap.
5. Order-relation correction and ccdf interpolation with tails
   (`ccdf.correct_order_relations`, `ccdf.IndicatorCcdf`), then the E-type mean,
   conditional variance, P10/P50/P90 and P(grade > cut-off).
"""
import numpy as np

from .ccdf import IndicatorCcdf, cell_declustering_weights, correct_order_relations, weighted_quantiles

DECILES = tuple(np.round(np.arange(0.1, 1.0, 0.1), 10))


class MultipleIndicatorKriging:
    """Multiple indicator kriging (an `Estimator`): X is the (n, 3) coordinates
    (z = 0 for 2D data), y the grade, groups the hole ids (for max_per_hole, and the downhole
    nugget of the automatic indicator variograms in 3D).

    thresholds: a list, or None for the declustered deciles plus `tail_cutoffs`;
    median_ik: one variogram and one set of kriging weights for all thresholds;
    variograms: given indicator models (one, or one per threshold) or None to fit
    them (seeded by `seed`); search, min/max samples, max_per_hole and
    block_discretisation as in `OrdinaryKriging`; zmin/zmax (None: 0 or the data
    minimum if lower, and the data maximum) and the class models and omegas
    of `ccdf.IndicatorCcdf`; decluster_cells: cell sizes to try (None: 2 to 20 %
    of the extent); label names the samples in messages."""

    def __init__(self, thresholds=None, tail_cutoffs=(), median_ik=True, variograms=None, search=None,
                 min_samples=4, max_samples=32, max_per_hole=None, zmin=None, zmax=None,
                 lower="linear", lower_omega=1.0, middle="linear", middle_omega=1.0,
                 upper="hyperbolic", upper_omega=1.5, decluster_cells=None, block_discretisation=(4, 4, 2), seed=0,
                 label="samples"):
        self.thresholds = thresholds
        self.tail_cutoffs = tail_cutoffs
        self.median_ik = median_ik
        self.variograms = variograms
        self.search = search
        self.min_samples = min_samples
        self.max_samples = max_samples
        self.max_per_hole = max_per_hole
        self.zmin, self.zmax = zmin, zmax
        self.lower, self.lower_omega = lower, lower_omega
        self.middle, self.middle_omega = middle, middle_omega
        self.upper, self.upper_omega = upper, upper_omega
        self.decluster_cells = decluster_cells
        self.block_discretisation = block_discretisation
        self.seed = seed
        self.label = label

    def fit(self, X, y, groups=None, log=None):
        """Thresholds, declustering weights, indicator variograms and one
        `OrdinaryKriging` per variogram (`krigers_`); `log` gets one line on
        the thresholds and the declustered cdf."""
        from .kriging import OrdinaryKriging
        from .neighbourhood import variogram_metric
        from .variogram_auto import auto_variogram

        label = self.label
        xyz = np.asarray(X, dtype=float)
        values = np.asarray(y, dtype=float)
        # A sample without a position (z unsurveyed where others have one) has no cell and no pairs; a
        # coordinate that no sample has (z of 2D points) is left to the 2D paths.
        positioned = np.all(np.isfinite(xyz[:, ~np.all(np.isnan(xyz), axis=0)]), axis=1)
        keep = np.isfinite(values) & positioned
        xyz, values = xyz[keep], values[keep]
        holes = None if groups is None else np.asarray(groups)[keep]
        if len(values) < max(self.min_samples, 10):
            raise ValueError(
                f"{label}: {len(values)} samples; indicator kriging needs at least {max(self.min_samples, 10)}"
            )
        self.tails_ = dict(lower=self.lower, lower_omega=self.lower_omega, middle=self.middle,
                           middle_omega=self.middle_omega, upper=self.upper, upper_omega=self.upper_omega)
        self.weights_, self.cell_size_, _ = cell_declustering_weights(
            xyz, self._cell_sizes(xyz), values=values
        )
        self.thresholds_ = self._choose_thresholds(values, label)
        self.zmin_ = min(float(values.min()), 0.0) if self.zmin is None else float(self.zmin)
        self.zmax_ = float(values.max()) if self.zmax is None else float(self.zmax)
        indicators = (values[:, None] <= self.thresholds_[None, :]).astype(float)
        self.global_cdf_ = np.sum(self.weights_[:, None] * indicators, axis=0) / self.weights_.sum()
        models = self._variograms(xyz, indicators, holes, auto_variogram, label)
        self.models_ = models
        # Median IK: one kriging system per target serves every threshold, so
        # the indicators go in as columns of one fit.
        columns = [indicators] if self.median_ik else [indicators[:, k] for k in range(indicators.shape[1])]
        # The thresholds share one neighbour search (`kriging.predict_together`): without a given
        # search, the middle threshold's variogram ranks the samples for all of them.
        self.search_ = self.search if self.search is not None else variogram_metric(models[len(models) // 2])
        self.krigers_ = [
            OrdinaryKriging(model, self.search_, self.min_samples, self.max_samples, self.max_per_hole,
                            self.block_discretisation, label=label)
            .fit(xyz, column, holes)
            for model, column in zip(models, columns)
        ]
        if log is not None:
            log(f"{label}: thresholds {np.array2string(self.thresholds_, precision=4)}; declustering cell "
                f"{self.cell_size_:.4g}; declustered cdf {np.array2string(self.global_cdf_, precision=3)}")
        return self

    def _cell_sizes(self, xyz):
        if self.decluster_cells is not None:
            return list(self.decluster_cells)
        present = ~np.all(np.isnan(xyz), axis=0)
        extent = float(np.max(np.nanmax(xyz[:, present], axis=0) - np.nanmin(xyz[:, present], axis=0)))
        return [extent * f for f in (0.02, 0.05, 0.1, 0.2)] if extent > 0 else [1.0]

    def _choose_thresholds(self, values, label):
        if self.thresholds is not None and len(self.thresholds):
            thresholds = np.asarray(sorted(set(float(t) for t in self.thresholds)))
        else:
            deciles = weighted_quantiles(values, self.weights_, DECILES)
            thresholds = np.unique(np.concatenate([deciles, tuple(self.tail_cutoffs)]))
        low, high = values.min(), values.max()
        outside = thresholds[(thresholds <= low) | (thresholds >= high)]
        if outside.size:
            raise ValueError(
                f"{label}: threshold {outside[0]:g} is outside the data range ({low:g}, {high:g}); every "
                "indicator would be 0 or 1 there"
            )
        return thresholds

    def _variograms(self, xyz, indicators, holes, auto_variogram, label):
        if self.variograms is not None:
            models = list(self.variograms)
            if len(models) not in (1, indicators.shape[1]):
                raise ValueError(f"{len(models)} indicator variograms for {indicators.shape[1]} thresholds")
            return models[:1] if self.median_ik else models * (indicators.shape[1] // len(models))
        median = int(np.argmin(np.abs(self.global_cdf_ - 0.5)))
        if self.median_ik:
            return [auto_variogram(xyz, indicators[:, median], seed=self.seed, label=f"{label} (median indicator)",
                                   groups=holes)[0]]
        return indicator_variograms(xyz, indicators, self.thresholds_, self.seed, label, median, holes)

    def predictive(self, X, block_size=None):
        """The `IndicatorCcdf` at every target; a target the neighbourhood
        cannot estimate is an error here (use `predict` to leave it empty)."""
        out = self.predict(X, block_size)
        if not out["estimated"].all():
            raise ValueError(
                f"{self.label}: {out['n_unestimated']} of {len(out['estimated'])} targets have too few samples in "
                "the search; "
                "lower the minimum number of samples"
            )
        return out["ccdf"]

    def predict(self, X, block_size=None, progress=None, should_stop=None, cluster=None):
        """Everything the Processing outputs need, as a dict: ccdf (an
        `IndicatorCcdf` over the estimated targets only), estimated (bool per
        target), n_used (int per target), and the counts n_unestimated,
        n_targets_corrected, n_thresholds_corrected and the float
        largest_correction of the order-relation correction. cluster: as for
        `OrdinaryKriging.predict`."""
        from .kriging import predict_together

        targets = np.asarray(X, dtype=float)
        # Full MIK's krigers differ only in variogram and indicator: one
        # neighbour search serves every threshold.
        results = predict_together(self.krigers_, targets, block_size, progress, should_stop, cluster=cluster)
        raw = np.column_stack([result["estimate"].reshape(len(targets), -1) for result in results])
        n_used = results[-1]["n_used"]
        estimated = np.all(np.isfinite(raw), axis=1)
        corrected, n_changed, largest = correct_order_relations(np.where(estimated[:, None], raw, 0.5))
        return {
            "ccdf": IndicatorCcdf(self.thresholds_, corrected[estimated], self.zmin_, self.zmax_, **self.tails_),
            "estimated": estimated,
            "n_used": n_used,
            "n_unestimated": int(np.sum(~estimated)),
            "n_targets_corrected": int(np.sum(n_changed[estimated] > 0)),
            "n_thresholds_corrected": int(np.sum(n_changed[estimated])),
            "largest_correction": float(largest[estimated].max()) if estimated.any() else 0.0,
        }


def indicator_variograms(xyz, indicators, thresholds, seed, label, median, holes=None):
    """The automatic variogram of every indicator column, with the
    experimental variograms of all thresholds from one pass over the pairs.
    2D (z all NaN or constant): each equals `auto_variogram(xyz,
    indicators[:, k], seed=seed)`. 3D: every threshold takes the orientation
    the automatic variogram finds for the median indicator (column `median`),
    one orientation for all indicators as ik3d users set it, with nugget, sill
    and ranges fitted per threshold, the nugget from the threshold's downhole
    variogram where `holes` are given; each then equals `auto_variogram(xyz,
    indicators[:, k], seed=seed, groups=holes, angles=that orientation)`."""
    from .experimental import experimental_variograms, parse_directions
    from .variogram_auto import DEFAULT_LAGS, DEFAULT_STRUCTURES, auto_variogram, default_lag, holes_nuggets, is_flat
    from .variogram_fit import fit_variogram

    xyz = np.asarray(xyz, dtype=float)
    labels = [f"{label} (indicator {t:g})" for t in thresholds]
    if is_flat(xyz):
        xyz = xyz[:, :2]
        experimentals = experimental_variograms(xyz, indicators, default_lag(xyz, DEFAULT_LAGS), DEFAULT_LAGS,
                                                seed=seed, labels=labels)
        return [fit_variogram(e, structures=DEFAULT_STRUCTURES, seed=seed).model for e in experimentals]
    median_model = auto_variogram(xyz, indicators[:, median], seed=seed, label=f"{label} (median indicator)",
                                  groups=holes)[0]
    angles = median_model.structures[0].angles
    directions = parse_directions("axes", angles, 3)
    experimentals = experimental_variograms(xyz, indicators, default_lag(xyz, DEFAULT_LAGS), DEFAULT_LAGS,
                                            directions=directions, seed=seed, labels=labels)
    nuggets = holes_nuggets(xyz, indicators, holes, DEFAULT_STRUCTURES, seed)
    return [fit_variogram(e, structures=DEFAULT_STRUCTURES, nugget=nugget, angles=angles, seed=seed).model
            for e, nugget in zip(experimentals, nuggets)]
