"""PCA fusion of covariates: the selected fields plus a random-Fourier-feature
embedding of the coordinates, standardised, rotated onto their principal
components, with the whole transform saved so prediction targets get exactly
the samples' components.

Steps (fit on the samples; apply repeats them with the saved numbers):
1. Spatial embedding (optional, `rff_features` = m > 0): coordinates centred
   on the fit's mean, z(x) = sqrt(2/m) cos(W x + b) with W ~ N(0, 1/l^2) and
   b ~ U(0, 2 pi) drawn from `seed`, so z(x).z(y) approximates the Gaussian
   kernel exp(-|x - y|^2 / (2 l^2)) of length scale l (Rahimi and Recht 2007).
   XY only when every Z is missing.
2. Standardise every column (fields, then the m embedding columns) by the fit's
   mean and population standard deviation, as scikit-learn's StandardScaler.
3. PCA by SVD of the standardised matrix, explained variance S^2 / (n - 1) as
   scikit-learn's PCA. Signs are fixed so the largest-magnitude loading of each
   component is positive; components are `pc_01`, `pc_02`, ... .

Missing values are an error naming the field and row (imputation is the
previous stage, `knnimpute`), unless `fill_missing="mean"`, which fills them
with the fit's mean of that field (a standardised value of 0).
"""
import numpy as np

from ..common.parsing import as_columns
from ..common.progress import check_cancelled, report_progress
from ..io.modelfile import Flag, ListOf, Mapping, Nullable, Number, Text, check_arrays, load_model, save_model

KIND = "pcafusion"
FORMAT_VERSION = 1
MAX_COMPONENTS = 100
PREFIX = "pc_"
RFF_PREFIX = "emb_rff_"
FILL_POLICIES = ("error", "mean")
PARAMS_SCHEMA = Mapping({
    "n_components": Nullable(Number(low=1, high=MAX_COMPONENTS, integer=True)),
    "variance_threshold": Nullable(Number(above=0, high=1)), "rff_features": Number(low=0, integer=True),
    "length_scale": Number(above=0), "seed": Number(integer=True), "fill_missing": Text(*FILL_POLICIES),
    "drop_constant": Flag(), "dropped_fields": ListOf(Text()), "coordinate_dims": Number(low=0, high=3, integer=True),
    "columns": ListOf(Text()), "components": ListOf(Text()),
})


def component_names(k):
    return [f"{PREFIX}{i:02d}" for i in range(1, k + 1)]


def rff_names(m):
    return [f"{RFF_PREFIX}{i:03d}" for i in range(1, m + 1)]


def random_fourier_features(xyz_centred, W, b):
    """sqrt(2/m) cos(x W^T + b) for centred coordinates (n, d)."""
    m = len(b)
    return np.sqrt(2.0 / m) * np.cos(np.asarray(xyz_centred, dtype=float) @ W.T + b)


def draw_rff(m, dims, length_scale, seed):
    rng = np.random.default_rng(seed)
    W = rng.normal(0.0, 1.0 / length_scale, size=(m, dims))
    b = rng.uniform(0.0, 2.0 * np.pi, size=m)
    return W, b


def fix_signs(Vt):
    """Each row flipped so its largest-magnitude entry is positive, so the same
    data always give the same components whatever the SVD routine returns."""
    largest = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(len(Vt)), largest])
    signs[signs == 0] = 1.0
    return Vt * signs[:, None]


def choose_components(ratio, n_components, variance_threshold):
    """How many components: `n_components`, or the fewest reaching
    `variance_threshold` of the variance (capped by `n_components` when both)."""
    available = len(ratio)
    if variance_threshold is None:
        return min(n_components, available) if n_components else min(available, MAX_COMPONENTS)
    cumulative = np.cumsum(ratio)
    k = int(np.searchsorted(cumulative, variance_threshold - 1e-12) + 1)
    return min(k, available, n_components or MAX_COMPONENTS)


class PCAFusion:
    """Fit on samples, apply to targets; save and load as JSON + npz."""

    def __init__(self, n_components=None, variance_threshold=None, rff_features=0, length_scale=100.0, seed=0,
                 fill_missing="error", drop_constant=False):
        self.n_components = n_components
        self.variance_threshold = variance_threshold
        self.rff_features = int(rff_features)
        self.length_scale = float(length_scale)
        self.seed = int(seed)
        self.fill_missing = fill_missing
        self.drop_constant = bool(drop_constant)
        self._check_params()

    def _check_params(self):
        if self.n_components is not None and not 1 <= int(self.n_components) <= MAX_COMPONENTS:
            raise ValueError(
                f"the number of components must be between 1 and {MAX_COMPONENTS}, got {self.n_components}"
            )
        if self.variance_threshold is not None and not 0.0 < float(self.variance_threshold) <= 1.0:
            raise ValueError(f"the explained-variance threshold must be in (0, 1], got {self.variance_threshold}")
        if self.rff_features < 0:
            raise ValueError(f"the number of random Fourier features must be 0 or more, got {self.rff_features}")
        if self.rff_features and not self.length_scale > 0:
            raise ValueError(f"the embedding length scale must be positive, got {self.length_scale:g}")
        if self.fill_missing not in FILL_POLICIES:
            raise ValueError(f"unknown missing-value policy {self.fill_missing!r}; use one of {FILL_POLICIES}")

    # --- fit ---------------------------------------------------------------
    def fit(self, X, fields, xyz=None, table="input", metadata=None, progress=None, should_stop=None):
        self.fields_ = list(fields)
        if not self.fields_ and not self.rff_features:
            raise ValueError(f"{table}: select at least one field or a spatial embedding")
        X = self._matrix(X, xyz, table)
        n = len(X)
        self._check_all_missing(X, table)
        self.fill_values_ = np.nanmean(X, axis=0) if self.fields_ else np.empty(0)
        X = self._filled(X, table)
        X = self._without_constant(X)
        self.dims_ = 0
        self.centre_ = np.empty(0)
        self.W_, self.b_ = np.empty((0, 0)), np.empty(0)
        if self.rff_features:
            xyz = self._coordinates(xyz, n, table, None)
            self.dims_ = xyz.shape[1]
            self.centre_ = xyz.mean(axis=0)
            self.W_, self.b_ = draw_rff(self.rff_features, self.dims_, self.length_scale, self.seed)
        check_cancelled(should_stop)
        columns = self._columns(X, xyz)
        self.column_names_ = self.fields_ + rff_names(self.rff_features)
        self.means_ = columns.mean(axis=0)
        self.sds_ = columns.std(axis=0)
        self._check_variance(table)
        self._check_counts(n, columns.shape[1])
        report_progress(progress, 0.3)
        Z = (columns - self.means_) / self.sds_
        _, S, Vt = np.linalg.svd(Z, full_matrices=False)
        check_cancelled(should_stop)
        variance = S**2 / (n - 1)
        self.all_explained_variance_ratio_ = variance / variance.sum()
        k = choose_components(self.all_explained_variance_ratio_, self.n_components, self.variance_threshold)
        self.components_ = fix_signs(Vt)[:k]
        self.explained_variance_ = variance[:k]
        self.explained_variance_ratio_ = self.all_explained_variance_ratio_[:k]
        self.n_samples_ = n
        self.metadata_ = dict(metadata or {})
        report_progress(progress, 1.0)
        return self

    def _matrix(self, X, xyz, table):
        """The fields as an (n, p) float array; (n, 0) for an embedding alone."""
        if self.fields_:
            return as_columns(X, self.fields_, table)
        source = xyz if X is None or not np.asarray(X).size else X
        if source is None:
            raise ValueError(f"{table}: no input rows")
        return np.empty((len(np.asarray(source)), 0))

    def _without_constant(self, X):
        """With `drop_constant`, fields with one value throughout (a one-hot
        unit no sample lies in) are left out and listed in `dropped_fields_`;
        otherwise `_check_variance` names them."""
        self.dropped_fields_ = []
        if not self.drop_constant or not self.fields_:
            return X
        sd = X.std(axis=0)
        constant = sd <= 1e-12 * np.maximum(np.abs(X.mean(axis=0)), 1.0)
        self.dropped_fields_ = [f for f, c in zip(self.fields_, constant) if c]
        self.fields_ = [f for f, c in zip(self.fields_, constant) if not c]
        self.fill_values_ = self.fill_values_[~constant]
        if not self.fields_ and not self.rff_features:
            raise ValueError(f"every selected field is constant: {', '.join(self.dropped_fields_)}")
        return X[:, ~constant]

    def _check_all_missing(self, X, table):
        for j, field in enumerate(self.fields_):
            if np.isnan(X[:, j]).all():
                raise ValueError(f"{table}: field '{field}' has no values (all missing)")

    def _filled(self, X, table):
        missing = np.isnan(X)
        if not missing.any():
            return X
        if self.fill_missing == "error":
            row, col = np.argwhere(missing)[0]
            raise ValueError(
                f"{table}: field '{self.fields_[col]}', row {row + 1} is missing ({int(missing.sum())} missing "
                f"values in all); impute first (knnimpute) or allow mean filling"
            )
        return np.where(missing, self.fill_values_[None, :], X)

    def _coordinates(self, xyz, n, table, dims):
        """(n, d) finite coordinates: XYZ, or XY when every Z is missing (or the
        fit was 2D)."""
        if xyz is None:
            raise ValueError(f"{table}: the spatial embedding needs the features' coordinates")
        xyz = np.asarray(xyz, dtype=float)
        if xyz.ndim != 2 or xyz.shape[0] != n or xyz.shape[1] not in (2, 3):
            raise ValueError(f"{table}: expected ({n}, 2) or ({n}, 3) coordinates, got shape {xyz.shape}")
        if xyz.shape[1] == 3 and (dims == 2 or (dims is None and np.isnan(xyz[:, 2]).all())):
            xyz = xyz[:, :2]
        if dims == 3 and xyz.shape[1] == 2:
            raise ValueError(f"{table}: the transform was fitted on X, Y, Z but this layer's points have no Z")
        bad = np.flatnonzero(~np.isfinite(xyz).all(axis=1))
        if bad.size:
            axis = "Z" if np.isfinite(xyz[bad[0], :2]).all() else "X/Y"
            raise ValueError(f"{table}: row {bad[0] + 1} has no {axis} coordinate (the embedding needs all of them)")
        return xyz

    def _columns(self, X, xyz):
        if not self.rff_features:
            return X
        return np.hstack([X, random_fourier_features(xyz - self.centre_, self.W_, self.b_)])

    def _check_variance(self, table):
        scale = np.maximum(np.abs(self.means_), 1.0)
        flat = np.flatnonzero(self.sds_ <= 1e-12 * scale)
        if flat.size:
            name = self.column_names_[flat[0]]
            if name.startswith(RFF_PREFIX):
                raise ValueError(f"{table}: every point has the same coordinates, so the spatial embedding is constant")
            raise ValueError(
                f"{table}: field '{name}' is constant (zero variance) and cannot be standardised; leave it out "
                f"or allow dropping constant fields"
            )

    def _check_counts(self, n, p):
        wanted = self.n_components or 1
        if n < 2:
            raise ValueError(f"PCA needs at least 2 samples, got {n}")
        if n < wanted:
            raise ValueError(f"fewer samples ({n}) than components ({wanted}); ask for at most {n} components")
        if p < wanted:
            raise ValueError(f"{wanted} components asked for, but there are only {p} input columns")

    # --- apply -------------------------------------------------------------
    def transform(self, X, xyz=None, table="input"):
        """Component scores (n, k) of new rows, columns in `self.fields_` order."""
        X = self._filled(self._matrix(X, xyz, table), table)
        if self.rff_features:
            xyz = self._coordinates(xyz, len(X), table, self.dims_)
        Z = (self._columns(X, xyz) - self.means_) / self.sds_
        return Z @ self.components_.T

    def fit_transform(self, X, fields, xyz=None, table="input", **kwargs):
        self.fit(X, fields, xyz, table, **kwargs)
        return self.transform(self.select(X, fields), xyz, table)

    def select(self, X, fields):
        """The columns of `X` (named `fields`) this transform uses, in its order;
        fit may have dropped constant ones."""
        fields = list(fields)
        if not self.fields_:
            return None
        return np.asarray(X, dtype=float)[:, [fields.index(f) for f in self.fields_]]

    @property
    def component_names_(self):
        return component_names(len(self.components_))

    # --- files -------------------------------------------------------------
    def save(self, path, metadata=None):
        params = {
            "n_components": self.n_components, "variance_threshold": self.variance_threshold,
            "rff_features": self.rff_features, "length_scale": self.length_scale, "seed": self.seed,
            "fill_missing": self.fill_missing, "drop_constant": self.drop_constant,
            "dropped_fields": self.dropped_fields_, "coordinate_dims": self.dims_,
            "columns": self.column_names_, "components": self.component_names_,
        }
        arrays = {
            "means": self.means_, "sds": self.sds_, "fill_values": self.fill_values_, "rff_W": self.W_,
            "rff_b": self.b_, "centre": self.centre_, "components": self.components_,
            "explained_variance": self.explained_variance_,
            "explained_variance_ratio": self.explained_variance_ratio_,
            "all_explained_variance_ratio": self.all_explained_variance_ratio_,
        }
        meta = dict(self.metadata_, n_samples=self.n_samples_)
        meta.update(metadata or {})
        return save_model(path, KIND, FORMAT_VERSION, self.fields_, params, arrays, meta)

    @classmethod
    def load(cls, path, fields=None):
        """A fitted transform from `save`; `fields`, when given, must be the
        fields it uses (constant ones dropped at fit excluded), in its order."""
        header, arrays = load_model(path, KIND, FORMAT_VERSION, fields, params_schema=PARAMS_SCHEMA)
        params = header["params"]
        p = len(header["fields"]) + params["rff_features"]
        check_arrays(path, arrays, {
            "means": (p,), "sds": (p,), "fill_values": (None,), "rff_W": (params["rff_features"], None),
            "rff_b": (None,), "centre": (None,), "components": (None, p), "explained_variance": (None,),
            "explained_variance_ratio": (None,), "all_explained_variance_ratio": (None,),
        })
        model = cls(params["n_components"], params["variance_threshold"], params["rff_features"],
                    params["length_scale"], params["seed"], params["fill_missing"], params["drop_constant"])
        model.dropped_fields_ = list(params["dropped_fields"])
        model.fields_ = list(header["fields"])
        model.dims_ = params["coordinate_dims"]
        model.column_names_ = list(params["columns"])
        model.means_, model.sds_ = arrays["means"], arrays["sds"]
        model.fill_values_, model.centre_ = arrays["fill_values"], arrays["centre"]
        model.W_, model.b_ = arrays["rff_W"], arrays["rff_b"]
        model.components_ = arrays["components"]
        model.explained_variance_ = arrays["explained_variance"]
        model.explained_variance_ratio_ = arrays["explained_variance_ratio"]
        model.all_explained_variance_ratio_ = arrays["all_explained_variance_ratio"]
        model.n_samples_ = header.get("metadata", {}).get("n_samples")
        model.metadata_ = header.get("metadata", {})
        model.header_ = header
        return model

