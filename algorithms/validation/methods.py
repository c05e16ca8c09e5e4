"""The registry of the estimators cross-validation compares: one `MethodSpec`
per method, so what is known about a method (its inputs, whether it models
log-grade, which packages it needs) lives next to how it is built, and neither
the CV loop nor the Processing layer holds method knowledge.

Every method is built fresh for each fold and refits everything on the fold's
training rows, variograms included, so no held-out grade informs its own
estimate. OK and MIK use the coordinates only; BNN, ensemble and GP use the
covariates (the BNN takes the coordinates when no covariate is given, so it is
never blind)."""
from dataclasses import dataclass
from typing import Callable

import numpy as np


class CVData:
    """Arrays shared by the methods: coordinates (n, 3; z NaN in 2D), grade,
    covariates (n, p) or None, hole ids. `rows` are the 1-based rows of the
    source layer (default 1..n) and `label` / `target` its name and the grade
    field's, for messages naming the offending row."""

    def __init__(self, xyz, grade, covariates, holes, covariate_names=(), rows=None, label="samples",
                 target="grade"):
        self.xyz = np.asarray(xyz, dtype=float)
        self.grade = np.asarray(grade, dtype=float)
        self.covariates = None if covariates is None or np.size(covariates) == 0 else np.asarray(covariates, float)
        self.holes = np.asarray(holes).astype(str)
        self.covariate_names = list(covariate_names)
        self.rows = np.arange(1, len(self.grade) + 1) if rows is None else np.asarray(rows, dtype=np.int64)
        self.label = label
        self.target = target

    @property
    def flat_xyz(self):
        """Coordinates with z set to 0 when the data are 2D, for the kriging code."""
        if np.all(np.isnan(self.xyz[:, 2])):
            return np.column_stack([self.xyz[:, :2], np.zeros(len(self.xyz))])
        return self.xyz

    def features(self):
        """(matrix, names) the neural networks take: the covariates, or the
        coordinate axes present when there is none."""
        if self.covariates is not None:
            return self.covariates, self.covariate_names
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


def _neural(method):
    def build(settings, X_train, y_train):
        from ..ml.bnn.model import BNNRegressor

        return BNNRegressor(method=method, epochs=settings.get("bnn_epochs", 400),
                            n_members=settings.get("n_members", 5), seed=settings.get("seed", 0), label="training fold")

    return build


def _stacked(settings, X_train, y_train):
    from ..ml.stacked import StackedNetwork

    return StackedNetwork(epochs=settings.get("bnn_epochs", 400), n_members=settings.get("n_members", 5),
                          max_samples=settings.get("max_samples", 32), seed=settings.get("seed", 0),
                          label="training fold")


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


def _gaussian_process(settings, X_train, y_train):
    from ..ml.gp import GPRegressor

    return GPRegressor(iterations=settings.get("gp_iterations", 150), seed=settings.get("seed", 0), n_coords=3)


REGISTRY = {
    spec.name: spec
    for spec in (
        MethodSpec("bnn", lambda data: data.features()[0], _neural("bnn"), True, True, ("torch",),
                   "Bayesian neural network (variational), on log-grade"),
        MethodSpec("ensemble", lambda data: data.features()[0], _neural("ensemble"), True, True, ("torch",),
                   "deep ensemble of neural networks, on log-grade"),
        MethodSpec("ok", lambda data: data.flat_xyz, _ordinary_kriging, False, False, ("scipy",),
                   "ordinary kriging with an automatic variogram per fold"),
        MethodSpec("mik", lambda data: data.flat_xyz, _indicator_kriging, False, False, (),
                   "median indicator kriging with automatic indicator variograms per fold"),
        MethodSpec("gp", lambda data: data.coordinates_and_covariates(), _gaussian_process, True, True,
                   ("gpytorch",), "Gaussian process on coordinates and covariates, on log-grade"),
        MethodSpec("stacked", lambda data: data.flat_coordinates_and_covariates(), _stacked, False, True,
                   ("torch",), "deep ensemble stacked on leave-hole-out kriging, pooled with OK on calibration holes"),
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
