"""Box-Cox transform per field, fitted by maximum likelihood, saved and reused.

Grades are skewed; kriging, Gaussian processes and PCA behave better on data
closer to normal. Each field gets its own lambda, the maximiser of the Box-Cox
profile log-likelihood (the same `scipy.stats.boxcox_normmax(method="mle")` that
`scipy.stats.boxcox` uses, so lambdas and values agree with it to rounding).

The transform needs strictly positive values. Zeros and below-detection values
(read as half the detection limit, or written as zero by some labs) are handled
by a fixed shift added before the transform: y = ((x + shift)^lambda - 1) / lambda,
or log(x + shift) when lambda is 0. The shift is given, not estimated, because
the three-parameter likelihood is unbounded as the shift approaches -min(x).
`shift="auto"` applies the documented rule in `auto_shift`.
"""
import numpy as np

from ..common.optional import optional_import
from ..common.parsing import as_columns
from ..io.modelfile import DictOf, Mapping, Number, Text, check_arrays, load_model, save_model

KIND = "boxcox"
FORMAT_VERSION = 1
PREFIX = "bc_"
PARAMS_SCHEMA = Mapping({
    "shift_rule": Text(), "lambda_rule": Text("mle", "given"), "prefix": Text(),
    "per_field": DictOf(Mapping({"lambda": Number(), "shift": Number(), "n": Number(low=0, integer=True)})),
})


def auto_shift(values):
    """Shift for one column: 0 when every value is positive; otherwise the shift
    that moves the smallest value to half the smallest positive value (for zeros
    from below-detection results, that is half the smallest measured value, the
    usual substitute). None when no value is positive, so no shift can be derived."""
    finite = values[np.isfinite(values)]
    if finite.size == 0 or finite.min() > 0:
        return 0.0
    positive = finite[finite > 0]
    if positive.size == 0:
        return None
    return float(positive.min() / 2.0 - finite.min())


def _column_label(table, field):
    return f"{table}: field '{field}'"


def _check_positive(shifted, table, field, shift):
    bad = np.flatnonzero(np.isfinite(shifted) & (shifted <= 0))
    if bad.size:
        row = bad[0]
        value = shifted[row] - shift
        raise ValueError(
            f"{_column_label(table, field)}, row {row + 1}: value {value:g} plus shift {shift:g} is not positive "
            f"({bad.size} such rows); Box-Cox needs positive values, so give a larger shift or use the automatic one"
        )


def fit_lambda(values, table="input", field="value"):
    """Maximum-likelihood lambda of one column of positive values (NaN skipped)."""
    observed = values[np.isfinite(values)]
    if observed.size == 0:
        raise ValueError(f"{_column_label(table, field)} has no values (every row is missing)")
    if observed.size < 3 or np.all(observed == observed[0]):
        raise ValueError(
            f"{_column_label(table, field)} has {np.unique(observed).size} distinct value(s) in {observed.size} rows; "
            "a Box-Cox lambda needs at least three values that are not all equal"
        )
    return float(optional_import("scipy.stats").boxcox_normmax(observed, method="mle"))


class BoxCox:
    """Per-field Box-Cox transform.

    `shift`: a number for every field, a {field: shift} dict, or "auto"
    (`auto_shift` per field). `lmbda`: None to fit by maximum likelihood, or a
    {field: lambda} dict / number to fix it.
    """

    def __init__(self, shift=0.0, lmbda=None):
        self.shift = shift
        self.lmbda = lmbda

    def fit(self, X, fields, table="input"):
        X = as_columns(X, fields, table)
        self.fields_ = list(fields)
        self.shifts_ = np.array([self._shift_for(X[:, j], f, table) for j, f in enumerate(self.fields_)])
        lambdas, counts = [], []
        for j, field in enumerate(self.fields_):
            shifted = X[:, j] + self.shifts_[j]
            _check_positive(shifted, table, field, self.shifts_[j])
            lambdas.append(self._lambda_for(shifted, field, table))
            counts.append(int(np.isfinite(shifted).sum()))
        self.lambdas_ = np.array(lambdas, dtype=float)
        self.n_ = np.array(counts, dtype=np.int64)
        return self

    def _shift_for(self, column, field, table):
        if isinstance(self.shift, str):
            if self.shift != "auto":
                raise ValueError(f"shift must be a number, a per-field dict or 'auto', not {self.shift!r}")
            shift = auto_shift(column)
            if shift is None:
                raise ValueError(
                    f"{_column_label(table, field)} has no positive value, so no automatic shift can be derived"
                )
            return shift
        if isinstance(self.shift, dict):
            if field not in self.shift:
                raise ValueError(f"no shift given for field '{field}'")
            return float(self.shift[field])
        return float(self.shift)

    def _lambda_for(self, shifted, field, table):
        if self.lmbda is None:
            return fit_lambda(shifted, table, field)
        if isinstance(self.lmbda, dict):
            if field not in self.lmbda:
                raise ValueError(f"no lambda given for field '{field}'")
            return float(self.lmbda[field])
        return float(self.lmbda)

    def transform(self, X, table="input"):
        X = as_columns(X, self.fields_, table)
        out = np.full(X.shape, np.nan)
        special = optional_import("scipy.special")
        for j, field in enumerate(self.fields_):
            shifted = X[:, j] + self.shifts_[j]
            _check_positive(shifted, table, field, self.shifts_[j])
            ok = np.isfinite(shifted)
            out[ok, j] = special.boxcox(shifted[ok], self.lambdas_[j])
        return out

    def fit_transform(self, X, fields, table="input"):
        return self.fit(X, fields, table).transform(X, table)

    def inverse_transform(self, Y):
        """Back to original units. Where lambda * y + 1 <= 0 there is no
        original value (it would be at or below -shift, or infinite), so the
        result is NaN; `out_of_domain_` counts those rows per field."""
        Y = as_columns(Y, self.fields_, "input")
        out = np.full(Y.shape, np.nan)
        special = optional_import("scipy.special")
        self.out_of_domain_ = {}
        for j, field in enumerate(self.fields_):
            y, lmbda = Y[:, j], self.lambdas_[j]
            ok = np.isfinite(y) & (lmbda * y + 1.0 > 0)
            self.out_of_domain_[field] = int((np.isfinite(y) & ~ok).sum())
            out[ok, j] = special.inv_boxcox(y[ok], lmbda) - self.shifts_[j]
        return out

    def output_fields(self):
        return [PREFIX + field for field in self.fields_]

    def save(self, path, metadata=None):
        per_field = {
            field: {"lambda": float(lam), "shift": float(shift), "n": int(n)}
            for field, lam, shift, n in zip(self.fields_, self.lambdas_, self.shifts_, self.n_)
        }
        params = {
            "shift_rule": self.shift if isinstance(self.shift, str) else "given",
            "lambda_rule": "mle" if self.lmbda is None else "given",
            "prefix": PREFIX,
            "per_field": per_field,
        }
        arrays = {"lambdas": self.lambdas_, "shifts": self.shifts_, "n": self.n_}
        return save_model(path, KIND, FORMAT_VERSION, self.fields_, params, arrays, metadata)

    @classmethod
    def load(cls, path, fields=None):
        """A fitted transform from `save`; `fields`, when given, must be the
        fitted ones in the same order."""
        header, arrays = load_model(path, KIND, FORMAT_VERSION, fields, params_schema=PARAMS_SCHEMA)
        n_fields = len(header["fields"])
        check_arrays(path, arrays, {"lambdas": (n_fields,), "shifts": (n_fields,), "n": (n_fields,)})
        model = cls(shift=dict(zip(header["fields"], arrays["shifts"].tolist())), lmbda=None)
        model.fields_ = list(header["fields"])
        model.lambdas_ = arrays["lambdas"].astype(float)
        model.shifts_ = arrays["shifts"].astype(float)
        model.n_ = arrays["n"].astype(np.int64)
        _check_readable_copy(path, header, model)
        model.header_ = header
        return model


def _check_readable_copy(path, header, model):
    """The JSON repeats each lambda and shift for a reader; an edit there would
    be silently ignored (the arrays are authoritative), so refuse it instead."""
    per_field = header["params"].get("per_field", {})
    for field, lam, shift in zip(model.fields_, model.lambdas_, model.shifts_):
        entry = per_field.get(field)
        if entry is None or entry.get("lambda") != float(lam) or entry.get("shift") != float(shift):
            raise ValueError(
                f"{path}: the lambda or shift written for field '{field}' in the JSON does not match the arrays "
                "file; the file was edited by hand, so fit again rather than edit"
            )
