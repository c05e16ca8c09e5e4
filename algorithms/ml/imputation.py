"""Missing assay and feature values filled from the k nearest samples, where
"near" mixes 3D distance and similarity on the fields both samples have.

For a target t and a donor d (a sample where the field being filled is observed):

    D(t, d)^2 = w * (|xyz_t - xyz_d| / s)^2 + (1 - w) * F(t, d)^2

`w` is `spatial_weight`. F is the root-mean-square difference of the standardised
fields (fitted means and standard deviations) over the fields observed in both,
i.e. scikit-learn's nan-Euclidean distance on standardised data, rescaled to a
per-field mean; with no field in common, F^2 = 2, the expected value for two
unrelated samples, so such a donor is neither favoured nor excluded. `s` is
`spatial_scale`; by default the total standard deviation of the coordinates,
sqrt(var x + var y + var z), which makes the spatial term also average 2 over
random pairs, so w = 0.5 weighs the two on an equal footing. Giving a variogram
range as `s` instead reads as "one range away counts like an unrelated sample".

The estimate is the inverse-distance weighted (or plain) mean of the k donors'
values; donors at distance 0 take all the weight. Exact: every donor is
compared with every target, in blocks of target rows (a thread per core), with
the squared distances built from matrix products as scikit-learn's
`nan_euclidean_distances` does. Targets with none of the fields (prediction
targets usually) are ranked by space alone, so those go through a k-d tree.
A spatial k-d tree cannot prune the general case: close samples still differ
by the nugget, so the feature term keeps the k-th distance large compared with
the spatial term of any donor within a useful radius.
"""
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..common.optional import optional_import
from ..common.parsing import as_columns
from ..common.progress import check_cancelled, report_progress
from ..io.modelfile import Flag, Mapping, Number, Text, check_arrays, load_model, save_model

KIND = "knnimpute"
FORMAT_VERSION = 1
FLAG_SUFFIX = "_imputed"
WEIGHTINGS = ("distance", "uniform")
PARAMS_SCHEMA = Mapping(
    {"k": Number(low=1, integer=True), "spatial_weight": Number(low=0, high=1), "spatial_scale": Number(above=0),
     "weights": Text(*WEIGHTINGS), "has_z": Flag()},
    optional={"spatial_scale_rule": Text(), "crs": Mapping({"authid": Text(), "wkt": Text()})},
)
_UNRELATED_SQ = 2.0
_CHUNK_CELLS = 2_000_000
# Each worker holds a few (chunk x donors) float64 matrices, about 100 MB.
_MAX_WORKERS = 8
# Neighbours fetched beyond k so that ties at the k-th are seen and broken by index.
_TIE_MARGIN = 8


def complete_z(xyz, table="input", first_row=1):
    """(n, 3) coordinates with z = 0 for 2D data; a z missing on only some rows,
    or a missing x or y, is an error naming the row (numbered from `first_row`)."""
    xyz = np.array(xyz, dtype=float, copy=True)
    if xyz.ndim != 2 or xyz.shape[1] not in (2, 3):
        raise ValueError(f"{table}: coordinates must be an (n, 2) or (n, 3) array, got shape {xyz.shape}")
    if xyz.shape[1] == 2:
        xyz = np.column_stack([xyz, np.full(len(xyz), np.nan)])
    bad_xy = np.flatnonzero(~np.isfinite(xyz[:, :2]).all(axis=1))
    if bad_xy.size:
        raise ValueError(f"{table}: row {bad_xy[0] + first_row} has no x or y coordinate")
    z_missing = ~np.isfinite(xyz[:, 2])
    if z_missing.all():
        xyz[:, 2] = 0.0
        return xyz, False
    if z_missing.any():
        raise mixed_z_error(table, int(np.flatnonzero(z_missing)[0]) + first_row)
    return xyz, True


def mixed_z_error(table, row):
    """The error for a layer whose row `row` lacks the z other rows have."""
    return ValueError(f"{table}: row {row} has no z while other rows do; give every sample an elevation or none")


class KNNImputer3D:
    """k-nearest-neighbour imputation in a mixed spatial / feature distance.

    k: donors per value. spatial_weight: w in [0, 1]; 1 is purely spatial, 0
    purely feature similarity. spatial_scale: s in coordinate units, None for
    the total coordinate standard deviation. weights: "distance" (inverse
    distance) or "uniform".
    """

    def __init__(self, k=5, spatial_weight=0.5, spatial_scale=None, weights="distance"):
        self.k = k
        self.spatial_weight = spatial_weight
        self.spatial_scale = spatial_scale
        self.weights = weights

    def _check_params(self):
        if int(self.k) != self.k or self.k < 1:
            raise ValueError(f"k must be a whole number of at least 1, not {self.k}")
        if not 0.0 <= float(self.spatial_weight) <= 1.0:
            raise ValueError(f"spatial weight must lie between 0 and 1, not {self.spatial_weight}")
        if self.spatial_scale is not None and not float(self.spatial_scale) > 0:
            raise ValueError(f"spatial scale must be positive, not {self.spatial_scale}")
        if self.weights not in WEIGHTINGS:
            raise ValueError(f"weights must be one of {WEIGHTINGS}, not {self.weights!r}")

    def fit(self, X, xyz, fields, table="input"):
        """Keep the samples as donors, with the fields' means and standard deviations."""
        self._check_params()
        X = as_columns(X, fields, table)
        xyz, self.has_z_ = complete_z(xyz, table)
        _check_rows(X, xyz, table)
        self.fields_ = list(fields)
        for j, field in enumerate(self.fields_):
            observed = int(np.isfinite(X[:, j]).sum())
            if observed == 0:
                raise ValueError(f"{table}: field '{field}' has no values (every row is missing)")
            if observed < self.k:
                raise ValueError(
                    f"{table}: field '{field}' has {observed} observed value(s), fewer than k = {self.k} donors"
                )
        self.means_ = np.nanmean(X, axis=0)
        sds = np.nanstd(X, axis=0)
        # A constant field carries no similarity information; unit sd keeps its
        # (zero) differences finite instead of dividing by zero.
        self.sds_ = np.where(sds > 0, sds, 1.0)
        self.donors_ = X.copy()
        self.donor_xyz_ = xyz
        self.scale_ = float(self.spatial_scale) if self.spatial_scale is not None else _total_sd(xyz)
        return self

    def transform(self, X, xyz, table="input", progress=None, should_stop=None, cluster=None, first_row=1):
        """(filled copy of X, boolean mask of the cells that were imputed).
        cluster: a `common.distributed.Cluster` whose workers impute the
        blocks of rows instead of this process's threads (the donors sent to
        each once); the rows with no field at all stay here (a k-d tree).
        Each row is imputed from the donors alone, so a layer may be imputed
        a batch at a time with the same result (to rounding: the feature
        distances are matrix products, whose last bits depend on the rows
        computed together); `first_row` numbers the batch's rows in an error."""
        X = as_columns(X, self.fields_, table)
        xyz, has_z = complete_z(xyz, table, first_row)
        _check_rows(X, xyz, table)
        self.check_dimension(has_z, table)
        missing = ~np.isfinite(X)
        filled = X.copy()
        donor_sets = [np.flatnonzero(np.isfinite(self.donors_[:, j])) for j in range(len(self.fields_))]
        rows = np.flatnonzero(missing.any(axis=1))
        if float(self.spatial_weight) > 0:
            rows = self._impute_blank_rows(filled, xyz, missing, rows, donor_sets, should_stop)
        chunk = max(1, _CHUNK_CELLS // max(len(self.donors_), 1))
        blocks = [rows[start:start + chunk] for start in range(0, len(rows), chunk)]
        donor_terms = self._donor_terms()
        if cluster is not None:
            parts = cluster.map(_impute_on_worker, (self, donor_sets, donor_terms),
                                ((X[block], xyz[block], missing[block]) for block in blocks), progress, should_stop,
                                count=len(blocks))
            for block, values in zip(blocks, parts):
                filled[block] = values
            return filled, missing

        def impute(block):
            check_cancelled(should_stop)
            return self._impute_block(X[block], xyz[block], missing[block], donor_sets, donor_terms)

        # Blocks are independent and numpy releases the GIL in the partition
        # that dominates the time, so threads scale with the cores; results
        # come back in block order, so the output does not depend on them.
        with ThreadPoolExecutor(max_workers=_workers()) as pool:
            for done, (block, values) in enumerate(zip(blocks, pool.map(impute, blocks))):
                filled[block] = values
                report_progress(progress, (done + 1) / len(blocks))
        return filled, missing

    def check_dimension(self, has_z, table="input"):
        """Refuse a layer that is 3D where the reference samples are 2D, or the other way round."""
        if bool(has_z) != bool(self.has_z_):
            which = ("has", "do not") if has_z else ("has no", "do")
            raise ValueError(
                f"{table}: the layer {which[0]} z coordinates but the reference samples {which[1]}; "
                "use the same dimensionality for both"
            )

    def _impute_blank_rows(self, filled, xyz, missing, rows, donor_sets, should_stop=None):
        """Fill the rows that have none of the fields (prediction targets often
        have none) by a k-d tree, and return the rows still to do.

        With nothing in common, F^2 = 2 for every donor, so D grows with the
        spatial distance alone and the k nearest donors in space are the k
        nearest in D. A few extra neighbours are fetched so that ties are broken
        by donor index as in the full search; a row whose k-th and last fetched
        distances are equal (a tie reaching past them) is left to the full search."""
        blank = rows[missing[rows].all(axis=1)]
        if blank.size == 0:
            return rows
        k, w = int(self.k), float(self.spatial_weight)
        unresolved = np.zeros(len(filled), dtype=bool)
        for j, donors in enumerate(donor_sets):
            check_cancelled(should_stop)
            fetch = min(len(donors), k + _TIE_MARGIN)
            tree = optional_import("scipy.spatial").cKDTree(self.donor_xyz_[donors])
            distance, index = tree.query(xyz[blank], fetch)
            distance, index = distance.reshape(len(blank), fetch), index.reshape(len(blank), fetch)
            if fetch < len(donors):
                unresolved[blank[distance[:, k - 1] >= distance[:, -1]]] = True
            order = np.lexsort((index, distance), axis=-1)[:, :k]
            nearest = np.take_along_axis(index, order, 1)
            sq = w * (np.take_along_axis(distance, order, 1) / self.scale_) ** 2 + (1.0 - w) * _UNRELATED_SQ
            filled[blank, j] = self._weighted_mean(sq, self.donors_[donors[nearest], j])
        return np.union1d(rows[~np.isin(rows, blank)], np.flatnonzero(unresolved))

    def _impute_block(self, X, xyz, missing, donor_sets, donor_terms):
        """Filled copy of a block of target rows."""
        sq = self._squared_distances(X, xyz, donor_terms)
        filled = X.copy()
        for j, donors in enumerate(donor_sets):
            need = np.flatnonzero(missing[:, j])
            if need.size:
                filled[need, j] = self._estimate(sq[np.ix_(need, donors)], self.donors_[donors, j])
        return filled

    def fit_transform(self, X, xyz, fields, table="input", progress=None, should_stop=None):
        return self.fit(X, xyz, fields, table).transform(X, xyz, table, progress, should_stop)

    def _donor_terms(self):
        """The donors' standardised values, squares and observed mask, computed
        once per transform rather than once per chunk."""
        z, observed = _standardised(self.donors_, self.means_, self.sds_)
        return z.T.copy(), (z**2).T.copy(), observed.T.copy()

    def _squared_distances(self, X, xyz, donor_terms):
        """(targets, donors) squared mixed distances."""
        w = float(self.spatial_weight)
        total = np.zeros((len(X), len(self.donors_)))
        if w > 0:
            cdist = optional_import("scipy.spatial.distance").cdist
            total += w * cdist(xyz, self.donor_xyz_, "sqeuclidean") / self.scale_**2
        if w < 1:
            total += (1.0 - w) * self._feature_sq(X, donor_terms)
        return total

    def _feature_sq(self, X, donor_terms):
        """Mean squared standardised difference over the fields both rows have."""
        donor_z, donor_z2, donor_m = donor_terms
        target_z, target_m = _standardised(X, self.means_, self.sds_)
        sums = (target_z**2) @ donor_m + target_m @ donor_z2 - 2.0 * target_z @ donor_z
        counts = target_m @ donor_m
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_sq = np.where(counts > 0, np.maximum(sums, 0.0) / counts, _UNRELATED_SQ)
        return mean_sq

    def _estimate(self, sq, values):
        """Weighted mean of the k nearest donors' values, one per row of `sq`."""
        nearest = _k_smallest(sq, int(self.k))
        return self._weighted_mean(np.take_along_axis(sq, nearest, axis=1), values[nearest])

    def _weighted_mean(self, sq, donor_values):
        """Mean of each row's donor values, inverse-distance weighted unless
        uniform; donors at distance 0 take all the weight."""
        if self.weights == "uniform":
            return donor_values.mean(axis=1)
        distance = np.sqrt(sq)
        exact = distance == 0
        with np.errstate(divide="ignore"):
            weight = np.where(exact.any(axis=1, keepdims=True), exact.astype(float), 1.0 / distance)
        return (weight * donor_values).sum(axis=1) / weight.sum(axis=1)

    def params(self):
        return {
            "k": int(self.k),
            "spatial_weight": float(self.spatial_weight),
            "spatial_scale": self.scale_,
            "spatial_scale_rule": "given" if self.spatial_scale is not None else "total coordinate sd",
            "weights": self.weights,
            "has_z": bool(self.has_z_),
        }

    def save(self, path, crs=None, metadata=None):
        """Reference file: donors, their coordinates, the standardisation and
        the parameters; `crs` ({"authid", "wkt"}) is the donors' CRS."""
        params = dict(self.params(), crs=crs or {"authid": "", "wkt": ""})
        arrays = {"donors": self.donors_, "xyz": self.donor_xyz_, "means": self.means_, "sds": self.sds_}
        meta = {"n_samples": int(len(self.donors_))}
        meta.update(metadata or {})
        return save_model(path, KIND, FORMAT_VERSION, self.fields_, params, arrays, meta)

    @classmethod
    def load(cls, path, fields=None):
        """A fitted imputer from `save`; `fields`, when given, must be the
        fitted ones in the same order."""
        header, arrays = load_model(path, KIND, FORMAT_VERSION, fields, params_schema=PARAMS_SCHEMA)
        p = header["params"]
        n_fields = len(header["fields"])
        n_donors = len(arrays["donors"]) if "donors" in arrays else None
        check_arrays(path, arrays, {"donors": (None, n_fields), "xyz": (n_donors, 3), "means": (n_fields,),
                                    "sds": (n_fields,)})
        model = cls(p["k"], p["spatial_weight"], p["spatial_scale"], p["weights"])
        model.fields_ = list(header["fields"])
        model.donors_, model.donor_xyz_ = arrays["donors"], arrays["xyz"]
        model.means_, model.sds_ = arrays["means"], arrays["sds"]
        model.scale_ = float(p["spatial_scale"])
        model.has_z_ = bool(p["has_z"])
        model.crs_ = p.get("crs") or {"authid": "", "wkt": ""}
        model.header_ = header
        return model


def masked_rmse(X, xyz, fields, k, spatial_weight, fraction=0.2, repeats=3, seed=0, spatial_scale=None):
    """Cross-validation score for choosing k and w from the data alone: hide
    `fraction` of the observed values at random (`repeats` times, seeded),
    impute them from the rest, and return the RMSE per field in units of the
    field's standard deviation (shape (repeats, fields))."""
    X = as_columns(X, fields, "input")
    rng = np.random.default_rng(seed)
    sds = np.nanstd(X, axis=0)
    scores = np.full((repeats, len(fields)), np.nan)
    for r in range(repeats):
        hidden = mask_at_random(X, fraction, rng)
        masked = np.where(hidden, np.nan, X)
        filled, _ = KNNImputer3D(k, spatial_weight, spatial_scale).fit_transform(masked, xyz, fields)
        for j in range(len(fields)):
            err = filled[hidden[:, j], j] - X[hidden[:, j], j]
            scores[r, j] = np.sqrt(np.mean(err**2)) / sds[j]
    return scores


def mask_at_random(X, fraction, rng):
    """Boolean mask hiding `fraction` of each column's observed values (at
    least one observed value is always left, so every field keeps a donor)."""
    hidden = np.zeros(X.shape, dtype=bool)
    for j in range(X.shape[1]):
        observed = np.flatnonzero(np.isfinite(X[:, j]))
        count = min(int(round(fraction * observed.size)), observed.size - 1)
        hidden[rng.choice(observed, size=count, replace=False), j] = True
    return hidden


def _k_smallest(sq, k):
    """Column indices of the k smallest entries of each row, ties broken by the
    lower column (donor) index so the choice never depends on the sort used.
    `np.partition` for the k-th value and a mask is several times faster than
    `np.argpartition` on wide rows."""
    if sq.shape[1] <= k:
        return np.broadcast_to(np.arange(sq.shape[1]), sq.shape)
    kth = np.partition(sq, k - 1, axis=1)[:, k - 1:k]
    chosen = sq < kth
    ties = sq == kth
    # Fill each row up to k with its tied entries in column order.
    room = k - chosen.sum(axis=1, keepdims=True)
    tied_rows = np.flatnonzero(ties.sum(axis=1) > room[:, 0])
    if tied_rows.size:
        ties[tied_rows] &= np.cumsum(ties[tied_rows], axis=1) <= room[tied_rows]
    chosen |= ties
    return np.nonzero(chosen)[1].reshape(len(sq), k)


def _impute_on_worker(shared, block):
    model, donor_sets, donor_terms = shared
    return model._impute_block(*block, donor_sets, donor_terms)


def _workers():
    return max(1, min(os.cpu_count() or 1, _MAX_WORKERS))


def _standardised(X, means, sds):
    """(standardised values with 0 where missing, 0/1 observed mask)."""
    observed = np.isfinite(X)
    z = np.where(observed, (X - means) / sds, 0.0)
    return z, observed.astype(float)


def _total_sd(xyz):
    sd = float(np.sqrt(np.var(xyz, axis=0).sum()))
    return sd if sd > 0 else 1.0




def _check_rows(X, xyz, table):
    if len(X) != len(xyz):
        raise ValueError(f"{table}: {len(X)} rows of values but {len(xyz)} coordinates")
