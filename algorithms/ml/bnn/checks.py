"""What the BNN accepts, checked before any training starts, so that a bad
value is reported against its field and row (or its parameter) rather than
surfacing as a NaN loss or a torch error epochs later."""
import numbers

import numpy as np

from .architecture import METHODS


def parse_hidden(text):
    """'64,64,64' -> (64, 64, 64)."""
    try:
        sizes = tuple(int(token) for token in str(text).replace(";", ",").split(",") if token.strip())
    except ValueError:
        raise ValueError(f"hidden layers: {text!r} is not a comma-separated list of integers") from None
    if not sizes or min(sizes) < 1:
        raise ValueError(f"hidden layers: {text!r} needs at least one layer of at least one unit")
    return sizes


def check_grades(grade, label="samples", target_name="grade"):
    """Grades as floats; a missing or non-positive grade (which the log
    transform cannot take) is an error naming the field and row."""
    y = np.asarray(grade, dtype=float).ravel()
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise ValueError(f"{label}: field '{target_name}', row {bad[0] + 1}: grade is missing or not a number")
    bad = np.flatnonzero(y <= 0)
    if bad.size:
        raise ValueError(
            f"{label}: field '{target_name}', row {bad[0] + 1}: grade {y[bad[0]]:g} is not positive, which the "
            f"log transform needs (set a below-detection policy that gives half the limit)"
        )
    return y


def check_finite(X, names, label, first_row=1):
    """Raise naming the first missing or infinite feature value (X's first
    row being the layer's `first_row`); the networks have no notion of a
    missing input."""
    bad = np.argwhere(~np.isfinite(X))
    if bad.size:
        row, column = bad[0]
        raise ValueError(
            f"{label}: field '{names[column]}', row {row + first_row}: feature is missing or not finite (impute it "
            "first)"
        )


INTEGER_PARAMS = ("epochs", "batch_size", "n_members", "n_samples", "patience", "seed", "n_threads")


def check_params(model):
    """Raise naming the first parameter of `model` (a `BNNRegressor`) that is
    out of range; run by `fit`, since `__init__` only stores them."""
    if model.method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {model.method!r}")
    for name in INTEGER_PARAMS:
        value = getattr(model, name)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(f"{name} must be an integer, got {value!r}")
    for name in ("epochs", "batch_size", "n_members", "n_samples", "patience"):
        if getattr(model, name) < 1:
            raise ValueError(f"{name} must be at least 1, got {getattr(model, name)}")
    for name in ("learning_rate", "prior_sd", "sigma_floor"):
        if not getattr(model, name) > 0:
            raise ValueError(f"{name} must be positive, got {getattr(model, name)}")
    if not model.sigma_max > model.sigma_floor:
        raise ValueError(f"sigma_max ({model.sigma_max}) must exceed sigma_floor ({model.sigma_floor})")
    if model.weight_decay is not None and not model.weight_decay >= 0:
        raise ValueError(f"the weight decay must not be negative, got {model.weight_decay}")
    if model.kl_weight < 0:
        raise ValueError(f"the KL weight must not be negative, got {model.kl_weight}")
    hidden = tuple(model.hidden)
    if not hidden or not all(isinstance(h, numbers.Integral) and h >= 1 for h in hidden):
        raise ValueError(f"hidden layers must be positive sizes, got {hidden}")
