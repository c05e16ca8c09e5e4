"""The estimators cross-validation compares, each as `fit_predict(train, test)`
returning a predictive distribution of grade for the test rows.

Every method refits everything on the training rows of each fold, variograms
included, so no held-out grade informs its own estimate. OK and MIK use the
coordinates only; BNN, ensemble and GP use the covariates (the BNN takes the
standardised coordinates when no covariate is given, so it is never blind)."""
import numpy as np

from ..common.predictive import GaussianPredictive, LogNormalMixturePredictive

METHODS = ("bnn", "ensemble", "ok", "mik", "gp")


class CVData:
    """Arrays shared by the methods: coordinates (n, 3; z NaN in 2D), grade,
    covariates (n, p) or None, hole ids."""

    def __init__(self, xyz, grade, covariates, holes, covariate_names=()):
        self.xyz = np.asarray(xyz, dtype=float)
        self.grade = np.asarray(grade, dtype=float)
        self.covariates = None if covariates is None or np.size(covariates) == 0 else np.asarray(covariates, float)
        self.holes = np.asarray(holes).astype(str)
        self.covariate_names = list(covariate_names)

    @property
    def flat_xyz(self):
        """Coordinates with z set to 0 when the data are 2D, for the kriging code."""
        if np.all(np.isnan(self.xyz[:, 2])):
            return np.column_stack([self.xyz[:, :2], np.zeros(len(self.xyz))])
        return self.xyz

    def features(self):
        if self.covariates is not None:
            return self.covariates, self.covariate_names
        present = [a for a in range(3) if np.isfinite(self.xyz[:, a]).all()]
        return self.xyz[:, present], ["xyz"[a] for a in present]


def build_methods(names, data, settings):
    """{name: fit_predict} for the requested method names; `settings` holds
    seed, bnn_epochs, n_members, max_samples, gp_iterations, cutoffs."""
    unknown = [n for n in names if n not in METHODS]
    if unknown:
        raise ValueError(f"unknown method(s) {', '.join(unknown)}; choose from {', '.join(METHODS)}")
    factories = {"bnn": _neural, "ensemble": _neural, "ok": _ordinary_kriging, "mik": _indicator_kriging, "gp": _gaussian_process}
    return {name: factories[name](name, data, settings) for name in names}


def _neural(method, data, settings):
    from ..ml.bnn.model import BNNRegressor

    features, names = data.features()

    def fit_predict(train, test):
        model = BNNRegressor(method=method, epochs=settings.get("bnn_epochs", 400),
                             n_members=settings.get("n_members", 5), seed=settings.get("seed", 0),
                             feature_names=names, label="training fold")
        model.fit(features[train], data.grade[train], data.holes[train])
        return model.predictive(features[test], label="held-out fold")

    return fit_predict


def _ordinary_kriging(_, data, settings):
    from ..geostats.kriging import OrdinaryKriging
    from ..geostats.variogram_auto import auto_variogram

    def fit_predict(train, test):
        xyz = data.flat_xyz
        model, _ = auto_variogram(data.xyz[train], data.grade[train], seed=settings.get("seed", 0), label="training fold")
        kriging = OrdinaryKriging(model, None, 1, settings.get("max_samples", 32))
        kriging.fit(xyz[train], data.grade[train], label="training fold")
        out = kriging.predict(xyz[test])
        return GaussianPredictive(out["estimate"], np.sqrt(out["variance"]))

    return fit_predict


def _indicator_kriging(_, data, settings):
    from ..geostats.mik import MultipleIndicatorKriging

    def fit_predict(train, test):
        xyz = data.flat_xyz
        mik = MultipleIndicatorKriging(tail_cutoffs=_inside(settings.get("cutoffs", ()), data.grade[train]),
                                       max_samples=settings.get("max_samples", 32), min_samples=1,
                                       seed=settings.get("seed", 0))
        mik.fit(xyz[train], data.grade[train], label="training fold")
        ccdf, _ = mik.predict(xyz[test])
        return ccdf

    return fit_predict


def _inside(cutoffs, values):
    """Cut-offs usable as extra thresholds on this fold (strictly inside its range)."""
    return tuple(c for c in cutoffs if values.min() < c < values.max())


def _gaussian_process(_, data, settings):
    from ..ml.gp import GPRegressor

    def fit_predict(train, test):
        covariates = data.covariates
        model = GPRegressor(iterations=settings.get("gp_iterations", 150), seed=settings.get("seed", 0))
        model.fit(data.xyz[train], data.grade[train], None if covariates is None else covariates[train])
        mu, sigma = model.predict_log(data.xyz[test], None if covariates is None else covariates[test])
        return LogNormalMixturePredictive(mu, sigma)

    return fit_predict
