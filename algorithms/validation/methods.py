"""The registry of the estimators cross-validation compares: one `MethodSpec`
per method, so what is known about a method (its inputs, whether it models
log-grade, which packages it needs) lives next to how it is built, and neither
the CV loop nor the Processing layer holds method knowledge.

Every method is built fresh for each fold and refits everything on the fold's
training rows, variograms included, so no held-out grade informs its own
estimate. OK and MIK use the coordinates only. `bnn` is the estimator
reegrade:trainbnn trains by default (`ml.stacked.StackedNetwork`: a deep
ensemble on coordinates, covariates and the leave-hole-out OK estimate and sd
for the spread, a hole-bagged forest on the same inputs for the mean, pooled
with OK at the weight the training samples' out-of-hole errors choose); `ensemble` and `network` (the mean-field
variational BNN) are the plain networks on the covariates (on the coordinates
when there is none, so they are never blind); GP takes coordinates and
covariates; `rk`, regression kriging, is the classical geostatistical use of
covariates (a linear trend plus OK of its residuals), the baseline a network
on covariates must beat besides plain OK.

Categorical covariates (a lithology or domain code) reach the methods that use
covariates one-hot encoded (`ml.encoding.CategoryEncoder`), the categories
fitted in every fold on its training rows only: a category absent from them is
all zeros in the held-out rows, as an unseen category is at prediction.

Logged domains (a lithology logged in the holes, which blocks lack) reach the
methods that krige them (`bnn`) as the training rows' labels only
(`LoggedDomains`): a held-out sample's own log never informs its estimate,
as a block has none."""
from dataclasses import dataclass
from typing import Callable

import numpy as np


class CVData:
    """Arrays shared by the methods: coordinates (n, 3; z NaN in 2D), grade,
    covariates (n, p) or None, hole ids. `rows` are the 1-based rows of the
    source layer (default 1..n) and `label` / `target` its name and the grade
    field's, for messages naming the offending row."""

    def __init__(self, xyz, grade, covariates, holes, covariate_names=(), rows=None, label="samples",
                 target="grade", categories=None, domains=None):
        self.xyz = np.asarray(xyz, dtype=float)
        self.grade = np.asarray(grade, dtype=float)
        self.covariates = None if covariates is None or np.size(covariates) == 0 else np.asarray(covariates, float)
        self.holes = np.asarray(holes).astype(str)
        self.covariate_names = list(covariate_names)
        self.rows = np.arange(1, len(self.grade) + 1) if rows is None else np.asarray(rows, dtype=np.int64)
        self.label = label
        self.target = target
        self._set_categories(categories or {})
        self.domains = {field: np.asarray(values, dtype=object) for field, values in (domains or {}).items()}
        for field, values in self.domains.items():
            if len(values) != len(self.grade):
                raise ValueError(f"{self.label}: domain field '{field}' has {len(values)} values for "
                                 f"{len(self.grade)} samples")

    def _set_categories(self, categories):
        """`categories` {field: raw values}: kept as codes into each field's
        sorted category texts (`category_levels`), missing values being the
        category "(missing)"."""
        from ..common.parsing import category_text
        from ..ml.encoding import MISSING

        self.categorical_names = list(categories)
        self.category_levels = {}
        codes = []
        for field, values in categories.items():
            texts = [category_text(v) for v in values]
            texts = np.array([MISSING if t is None else t for t in texts], dtype=object)
            if len(texts) != len(self.grade):
                raise ValueError(f"{self.label}: categorical field '{field}' has {len(texts)} values for "
                                 f"{len(self.grade)} samples")
            levels, code = np.unique(texts.astype(str), return_inverse=True)
            self.category_levels[field] = levels
            codes.append(code.reshape(-1).astype(float))
        self.category_codes = np.column_stack(codes) if codes else None

    def with_codes(self, X):
        """X with the category codes appended (the `CategoryColumns` wrapper
        one-hot encodes them in each fold)."""
        return X if self.category_codes is None else np.column_stack([X, self.category_codes])

    @property
    def flat_xyz(self):
        """Coordinates with z set to 0 when the data are 2D, for the kriging code."""
        if np.all(np.isnan(self.xyz[:, 2])):
            return np.column_stack([self.xyz[:, :2], np.zeros(len(self.xyz))])
        return self.xyz

    def features(self):
        """(matrix, names) the plain neural networks take: the numeric
        covariates, or the coordinate axes present when there is no covariate
        (numeric or categorical) at all; categorical ones are appended as
        codes by the registry's inputs."""
        if self.covariates is not None:
            return self.covariates, self.covariate_names
        if self.category_codes is not None:
            return np.zeros((len(self.grade), 0)), []
        present = [a for a in range(3) if np.isfinite(self.xyz[:, a]).all()]
        return self.xyz[:, present], ["xyz"[a] for a in present]

    def flat_coordinates_and_covariates(self):
        """(n, 3 + p): coordinates first (z 0 in 2D, as kriging takes them)."""
        return self.flat_xyz if self.covariates is None else np.column_stack([self.flat_xyz, self.covariates])

    def coordinates_and_covariates(self):
        """(n, 3 + p): the GP's input, coordinates first."""
        return self.xyz if self.covariates is None else np.column_stack([self.xyz, self.covariates])


@dataclass(frozen=True)
class MethodSpec:
    """name: as the user picks it; inputs(data) -> X, the estimator's input for
    every row; factory(settings, X_train, y_train) -> a fresh, unfitted
    `Estimator` (the training rows serve methods whose parameters depend on the
    fold); needs_positive_grades: the method models log-grade; uses_covariates:
    it reads the covariates; packages: modules it imports, checked before a
    run; description: one line for the help."""

    name: str
    inputs: Callable
    factory: Callable
    needs_positive_grades: bool
    uses_covariates: bool
    packages: tuple
    description: str
    uses_domains: bool = False


def _neural(method):
    def build(settings, X_train, y_train):
        from ..ml.bnn.model import BNNRegressor

        return BNNRegressor(method=method, epochs=settings.get("bnn_epochs", 400),
                            n_members=settings.get("n_members", 5), seed=settings.get("seed", 0), label="training fold")

    return build


def _stacked(settings, X_train, y_train):
    """The estimator as reegrade:trainbnn's default (METHOD stacked) trains it."""
    from ..ml.stacked import StackedNetwork

    return StackedNetwork(epochs=settings.get("bnn_epochs", 400), n_members=settings.get("n_members", 5),
                          max_samples=settings.get("max_samples", 32), seed=settings.get("seed", 0),
                          n_threads=settings.get("n_threads", 1), label="training fold")


class CategoryColumns:
    """An estimator whose X ends in category codes (`CVData.with_codes`):
    `fit` fits a `CategoryEncoder` on the training rows' categories and the
    inner estimator on the numeric columns plus the one-hot columns;
    `predictive` encodes the same way (an unseen category: all zeros)."""

    def __init__(self, estimator, levels):
        self.estimator = estimator
        self.levels = levels

    def _columns(self, X):
        X = np.asarray(X, dtype=float)
        n_plain = X.shape[1] - len(self.levels)
        codes = X[:, n_plain:].astype(np.int64)
        raw = {field: list(levels[codes[:, j]]) for j, (field, levels) in enumerate(self.levels.items())}
        return X[:, :n_plain], raw

    def fit(self, X, y, groups=None, **fit_params):
        from ..ml.encoding import CategoryEncoder

        plain, raw = self._columns(X)
        self.encoder_ = CategoryEncoder(label="training fold").fit(raw)
        self.estimator.fit(np.column_stack([plain, self.encoder_.transform(raw)[0]]), y, groups, **fit_params)
        return self

    def fit_summary(self):
        summary = getattr(self.estimator, "fit_summary", None)
        return summary() if summary is not None else ""

    def predictive(self, X):
        plain, raw = self._columns(X)
        return self.estimator.predictive(np.column_stack([plain, self.encoder_.transform(raw, "test fold")[0]]))


class LoggedDomains:
    """An estimator whose X ends in the row numbers of `domains` ({field: a
    label per row of the whole data}): `fit` passes the training rows'
    labels as `domains=`, `predictive` drops the row numbers, so a held-out
    row's own log never reaches its estimate."""

    def __init__(self, estimator, domains):
        self.estimator = estimator
        self.domains = domains

    def fit(self, X, y, groups=None):
        X = np.asarray(X, dtype=float)
        rows = X[:, -1].astype(np.int64)
        training = {field: labels[rows] for field, labels in self.domains.items()}
        self.estimator.fit(X[:, :-1], y, groups, domains=training)
        return self

    def predictive(self, X):
        return self.estimator.predictive(np.asarray(X, dtype=float)[:, :-1])

    def fit_summary(self):
        summary = getattr(self.estimator, "fit_summary", None)
        return summary() if summary is not None else ""


def with_categories(spec, data):
    """(inputs, factory) of `spec` on `data`: the spec's own, or, for a
    method using covariates on data with categorical ones, with the codes
    appended and the estimator wrapped in `CategoryColumns`; for a method
    that kriges logged domains on data with some, the row numbers appended
    last and the estimator wrapped in `LoggedDomains`."""
    X, factory = spec.inputs(data), spec.factory
    if spec.uses_covariates and data.category_codes is not None:
        levels = dict(data.category_levels)
        X, factory = data.with_codes(X), lambda settings, X, y, inner=factory: CategoryColumns(
            inner(settings, X, y), levels)
    if spec.uses_domains and data.domains:
        domains = dict(data.domains)
        X, factory = np.column_stack([X, np.arange(len(X), dtype=float)]), (
            lambda settings, X, y, inner=factory: LoggedDomains(inner(settings, X, y), domains))
    return X, factory


def _ordinary_kriging(settings, X_train, y_train):
    from ..geostats.kriging import OrdinaryKriging

    # model None: an automatic variogram fitted on the training fold in fit.
    return OrdinaryKriging(None, None, 1, settings.get("max_samples", 32), seed=settings.get("seed", 0),
                           label="training fold")


def _indicator_kriging(settings, X_train, y_train):
    from ..geostats.mik import MultipleIndicatorKriging

    return MultipleIndicatorKriging(tail_cutoffs=_inside(settings.get("cutoffs", ()), y_train),
                                    max_samples=settings.get("max_samples", 32), min_samples=1,
                                    seed=settings.get("seed", 0), label="training fold")


def _inside(cutoffs, values):
    """Cut-offs usable as extra thresholds on this fold (strictly inside its range)."""
    return tuple(c for c in cutoffs if values.min() < c < values.max())


def _regression_kriging(settings, X_train, y_train):
    from ..geostats.regression_kriging import RegressionKriging

    return RegressionKriging(max_samples=settings.get("max_samples", 32), seed=settings.get("seed", 0),
                             label="training fold")


def _gaussian_process(settings, X_train, y_train):
    from ..ml.gp import GPRegressor

    return GPRegressor(iterations=settings.get("gp_iterations", 150), seed=settings.get("seed", 0), n_coords=3)


# The order is the Processing enum's: indices 0-4 are kept, new methods are appended.
REGISTRY = {
    spec.name: spec
    for spec in (
        MethodSpec("bnn", lambda data: data.flat_coordinates_and_covariates(), _stacked, False, True,
                   ("torch", "sklearn"), "trainbnn's default: deep ensemble and forest stacked on leave-hole-out "
                   "kriging (and kriged logged domains), pooled with OK (zero grades floored)", True),
        MethodSpec("ensemble", lambda data: data.features()[0], _neural("ensemble"), True, True, ("torch",),
                   "deep ensemble of neural networks on the covariates, on log-grade"),
        MethodSpec("ok", lambda data: data.flat_xyz, _ordinary_kriging, False, False, ("scipy",),
                   "ordinary kriging with an automatic variogram per fold"),
        MethodSpec("mik", lambda data: data.flat_xyz, _indicator_kriging, False, False, (),
                   "median indicator kriging with automatic indicator variograms per fold"),
        MethodSpec("gp", lambda data: data.coordinates_and_covariates(), _gaussian_process, True, True,
                   ("gpytorch",), "Gaussian process on coordinates and covariates, on log-grade"),
        MethodSpec("network", lambda data: data.features()[0], _neural("bnn"), True, True, ("torch",),
                   "Bayesian neural network (mean-field variational) on the covariates, on log-grade"),
        MethodSpec("rk", lambda data: data.flat_coordinates_and_covariates(), _regression_kriging, False, True,
                   ("scipy",), "regression kriging: a linear (ridge) trend on covariates and coordinates plus OK "
                   "of its residuals"),
    )
}
METHOD_NAMES = tuple(REGISTRY)


def method_specs(names):
    """The specs of `names`, in order; an unknown name is a ValueError."""
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise ValueError(f"unknown method(s) {', '.join(unknown)}; choose from {', '.join(METHOD_NAMES)}")
    return [REGISTRY[n] for n in names]


def check_data(data, specs):
    """Positive grades for the methods that model log-grade, naming the first
    bad row of the source layer."""
    log_methods = [s.name for s in specs if s.needs_positive_grades]
    if not log_methods:
        return
    bad = np.flatnonzero(data.grade <= 0)
    if bad.size:
        names = [s.name for s in REGISTRY.values() if s.needs_positive_grades]
        raise ValueError(
            f"{data.label}: field '{data.target}', row {data.rows[bad[0]]}: grade {data.grade[bad[0]]} is not "
            f"positive; {', '.join(names[:-1])} and {names[-1]} model log-grade"
        )
