"""Lognormal kriging inside logged domains: the log grade kriged with one
external drift per logged category (kriging with external drift, KED), then
mixed over the categories by their kriged shares at the target.

Why: grade populations differ by rock (on the sample deposit the median grade
of carbonatite is 30 times granite's), but the grade's spatial variation
inside and across the rocks is one field. Ordinary kriging of the grade mixes
a carbonatite target's neighbours in syenite in at syenite's level; kriging
the residual from each category's mean still leaves a jump at every contact,
since each category's mean holds its own share of the ore-zone uplift. The
drift constraints (the weights of the target's own category sum to 1, every
other category's to 0) let the neighbours of every rock inform the variation
while only the target's rock sets the level. Measured on the sample
deposit's composites (grouped CV, seed 0, the generator's covariance): with
the target's logged lithology known, RMSE 0.478 against 0.741 for ordinary
kriging of the residual from the category means; with the lithology kriged
between the holes, mixing the per-category estimates by the kriged shares
gave 0.732 against 0.777 for the most likely category alone (OK 0.784).

A block has no log, so its categories come from `domains.DomainIndicators`'
shares; every training sample gets its estimate without its own hole, as the
stacked estimator's other kriging inputs do.

Per target and category c the kriged log grade is sum w_i log z_i with the
KED weights and l_c the Lagrange multiplier of the target's category
(C w + F l = c, F' w = e_c). The target is a new sample: the nugget is a
sample's own error, on the samples' diagonal and in the total sill, never in
a covariance between two points, so coincident samples (twin holes) stay a
consistent system and no sample is copied through. The per-category
predictive of log grade is N(m_c, s_c^2) with m_c = sum w_i log z_i + l_c
and s_c^2 the KED variance C(0) - w'c - l_c: exp(m_c + s_c^2 / 2) is the
unbiased back-transform of ordinary lognormal kriging (Journel, 1980), which
without l_c runs high by exp(-l_c) (1.05 at the median on a test deposit, up
to 1.7 where a category has few neighbours). The mixture mean is
sum_c p_c exp(m_c + s_c^2 / 2), with the mixture's sd beside it. A category
absent from a target's neighbourhood cannot be constrained; it gets ordinary
kriging of the residuals from the category means plus its own mean, with OK's
multiplier in the same place.
"""
import numpy as np

from ..common.progress import check_cancelled, report_progress
from .geometry import as_xyz
from .neighbourhood import Neighbourhood, variogram_metric
from .variogram_model import unit_correlation

CHUNK_ENTRIES = 2048 * 32 * 32  # of one (targets, k, k) array, as the grade's kriging bounds its chunks
RIDGE = 1e-9  # of the total sill on the diagonal: coincident samples under a model without nugget stay solvable
# A KED variance may exceed the sill (the local levels are estimated too); a nearly singular system's
# absurd one must not reach exp(variance / 2).
MAX_VARIANCE_SILLS = 2.0


class DomainDriftKriging:
    """fit(xyz, grades, codes, groups, n_categories) with `codes` the logged
    category of each sample as 0..n_categories-1 (-1: unknown, left out),
    grades positive; `predict(targets, shares)` and `leave_group_out(shares)`
    give the mixture's mean and sd per target, `log_estimates` the per-category log
    estimates and variances. The variogram (of the log grades' residuals from
    their category means) is fitted automatically unless given, the search is
    its anisotropic metric, `max_samples` and `max_per_hole` as the grade's
    kriging takes them."""

    def __init__(self, max_samples=32, max_per_hole=None, seed=0, label="samples"):
        self.max_samples = max_samples
        self.max_per_hole = max_per_hole
        self.seed = seed
        self.label = label

    def fit(self, xyz, grades, codes, groups, n_categories, variogram=None):
        xyz = as_xyz(xyz)
        grades = np.asarray(grades, dtype=float)
        codes = np.asarray(codes, dtype=np.int64)
        groups = np.asarray(groups).astype(str)
        if not len(xyz) == len(grades) == len(codes) == len(groups):
            raise ValueError(f"{self.label}: {len(xyz)} coordinates, {len(grades)} grades, {len(codes)} categories "
                             f"and {len(groups)} holes do not match")
        if np.any(codes >= n_categories):
            raise ValueError(f"{self.label}: a category code is not below the {n_categories} categories")
        keep = (codes >= 0) & np.all(np.isfinite(xyz), axis=1) & np.isfinite(grades) & (grades > 0)
        if keep.sum() < 2:
            raise ValueError(f"{self.label}: {int(keep.sum())} samples with a known category and a positive grade; "
                             "kriging inside domains needs two or more")
        self.n_categories_ = int(n_categories)
        self.fit_xyz_, self.fit_groups_ = xyz, groups
        self.xyz_, self.codes_ = xyz[keep], codes[keep]
        self.log_ = np.log(grades[keep])
        self.hole_labels_, holes = np.unique(groups[keep], return_inverse=True)
        holes = holes.reshape(-1)  # numpy 2 keeps the input's shape in return_inverse
        shape = (len(self.hole_labels_), self.n_categories_)
        self.hole_sums_, self.hole_counts_ = np.zeros(shape), np.zeros(shape)
        np.add.at(self.hole_sums_, (holes, self.codes_), self.log_)
        np.add.at(self.hole_counts_, (holes, self.codes_), 1.0)
        self.means_ = self._category_means(np.array([-1]))[0]
        residuals = self.log_ - self.means_[self.codes_]
        if variogram is None:
            from .variogram_auto import auto_variogram

            variogram = auto_variogram(self.xyz_, residuals, seed=self.seed, label=self.label,
                                       groups=groups[keep])[0]
        self.model_ = variogram
        self.neighbourhood_ = Neighbourhood(self.xyz_, variogram_metric(variogram), int(self.max_samples),
                                            self.max_per_hole, holes)
        return self

    def _category_means(self, exclude):
        """(m, K) mean log grade per category without the samples of hole
        `exclude` (a code per target, -1: none); the overall mean (without
        that hole) for a category no other sample has, and all samples' mean
        where that hole holds every sample (nothing else is known there)."""
        own = exclude >= 0
        sums = self.hole_sums_.sum(axis=0) - np.where(own[:, None], self.hole_sums_[exclude], 0.0)
        counts = self.hole_counts_.sum(axis=0) - np.where(own[:, None], self.hole_counts_[exclude], 0.0)
        remaining = counts.sum(axis=1, keepdims=True)
        overall = np.where(remaining > 0, sums.sum(axis=1, keepdims=True) / np.maximum(remaining, 1.0),
                           self.log_.mean())
        return np.where(counts > 0, sums / np.maximum(counts, 1.0), overall)

    def predict(self, targets, shares, exclude_groups=None, should_stop=None, progress=None):
        """((m,) means, (m,) sds) of the lognormal mixture at `targets` for
        (m, n_categories) `shares` (normalised here; all zero: every
        category alike)."""
        estimate, variance = self.log_estimates(targets, exclude_groups, should_stop, progress)
        shares = np.clip(np.asarray(shares, dtype=float), 0.0, None)
        total = shares.sum(axis=1, keepdims=True)
        shares = np.where(total > 0, shares / np.where(total > 0, total, 1.0), 1.0 / self.n_categories_)
        mean = np.sum(shares * np.exp(estimate + variance / 2.0), axis=1)
        second = np.sum(shares * np.exp(2.0 * estimate + 2.0 * variance), axis=1)
        return mean, np.sqrt(np.maximum(second - mean**2, 0.0))

    def leave_group_out(self, shares, should_stop=None, progress=None):
        """`predict` at every row given to `fit`, each without its own hole's samples."""
        return self.predict(self.fit_xyz_, shares, self.fit_groups_, should_stop, progress)

    def log_estimates(self, targets, exclude_groups=None, should_stop=None, progress=None):
        """((m, K) means m_c, (m, K) variances s_c^2) of the log grade per
        target and category (the module's predictive N(m_c, s_c^2))."""
        targets = as_xyz(targets)
        exclude = None if exclude_groups is None else self._exclude_codes(exclude_groups, len(targets))
        estimate = np.empty((len(targets), self.n_categories_))
        variance = np.empty_like(estimate)
        chunk = max(64, CHUNK_ENTRIES // self.neighbourhood_.max_samples**2)
        for start in range(0, len(targets), chunk):
            check_cancelled(should_stop)
            rows = slice(start, start + chunk)
            part = None if exclude is None else exclude[rows]
            estimate[rows], variance[rows] = self._chunk(targets[rows], part)
            report_progress(progress, min(start + chunk, len(targets)) / len(targets))
        return estimate, variance

    def _exclude_codes(self, exclude_groups, m):
        labels = np.asarray(exclude_groups).astype(str).reshape(-1)
        if len(labels) != m:
            raise ValueError(f"{self.label}: {len(labels)} excluded holes for {m} targets")
        position = np.minimum(np.searchsorted(self.hole_labels_, labels), len(self.hole_labels_) - 1)
        return np.where(self.hole_labels_[position] == labels, position, -1)

    def _chunk(self, targets, exclude):
        idx, valid = self.neighbourhood_.query(targets, exclude)
        means = self._category_means(np.full(len(targets), -1) if exclude is None else exclude)
        sill = self.model_.total_sill
        covariance, to_target = self._covariances(self.xyz_[idx] - targets[:, None, :], valid)
        drift = (self.codes_[idx][:, :, None] == np.arange(self.n_categories_)) & valid[:, :, None]
        present = drift.any(axis=1)
        residuals = self.log_[idx] - np.take_along_axis(means, self.codes_[idx], axis=1)
        ked_estimate, ked_variance, ok_estimate, ok_variance = self._solve(
            covariance, to_target, drift.astype(float), present, valid, self.log_[idx], residuals, sill)
        estimate = np.where(present, ked_estimate, ok_estimate[:, None] + means)
        variance = np.where(present, ked_variance, ok_variance[:, None])
        nobody = ~valid.any(axis=1)
        estimate[nobody] = means[nobody]
        variance[nobody] = sill
        return estimate, np.clip(variance, 0.0, MAX_VARIANCE_SILLS * sill)

    def _covariances(self, offsets, valid):
        """((m, k, k) sample covariances, (m, k) sample-target covariances)
        from the neighbours' offsets to their target, the nugget on the
        samples' diagonal only (the target is a new sample); an empty slot
        gets an identity row and a zero covariance with the target. Each structure's
        distances come from the reduced offsets' Gram matrix (one batched
        product instead of k * k lag vectors): about 3x faster."""
        m, k, _ = offsets.shape
        covariance = np.zeros((m, k, k))
        to_target = np.zeros((m, k))
        for structure in self.model_.structures:
            reduced = offsets @ structure.reduction
            squared = np.einsum("mki,mki->mk", reduced, reduced)
            pairs = reduced @ reduced.transpose(0, 2, 1)  # in place from here: (m, k, k) temporaries dominate
            pairs *= -2.0
            pairs += squared[:, :, None]
            pairs += squared[:, None, :]
            np.einsum("mii->mi", pairs)[:] = 0.0  # exactly: the products leave about 1e-8 of a range there
            np.maximum(pairs, 0.0, out=pairs)
            np.sqrt(pairs, out=pairs)
            pairs = unit_correlation(structure.kind, pairs, out=pairs)
            pairs *= structure.sill
            covariance += pairs
            to_target += structure.sill * unit_correlation(structure.kind, np.sqrt(squared))
        empty = ~valid
        covariance[empty] = 0.0
        covariance.transpose(0, 2, 1)[empty] = 0.0
        diagonal = np.einsum("mii->mi", covariance)
        diagonal += np.where(valid, self.model_.nugget + RIDGE * self.model_.total_sill, 1.0)
        return covariance, to_target * valid

    def _solve(self, covariance, to_target, drift, present, valid, logs, residuals, sill):
        """KED for every category and OK of the residuals (their log means
        with the multiplier added, the module's m_c), from one solve of
        the sample covariances with the target's covariances, the drift
        columns and the unbiasedness column as right-hand sides (Schur
        complements of the constraints: C w + F l = c, F' w = e gives
        w = a - B l with a = C^-1 c, B = C^-1 F, (F' B) l = F' a - e). A
        category absent from the neighbourhood gets an identity row in F' B
        (its multiplier decoupled; its estimate is replaced by the OK one)."""
        m, k = to_target.shape
        n = self.n_categories_
        ones = valid.astype(float)
        solved = np.linalg.solve(covariance, np.concatenate([to_target[:, :, None], drift, ones[:, :, None]], axis=2))
        a, B, u = solved[:, :, 0], solved[:, :, 1:n + 1], solved[:, :, n + 1]
        schur = drift.transpose(0, 2, 1) @ B + np.eye(n)[None] * ~present[:, None, :]
        levels = np.eye(n)[None] * present[:, None, :]
        multipliers = np.linalg.solve(schur, np.einsum("mkc,mk->mc", drift, a)[:, :, None] - levels)
        weights = a[:, :, None] - B @ multipliers
        own_multipliers = np.einsum("mcc->mc", multipliers)
        ked_estimate = np.einsum("mkc,mk->mc", weights, logs) + own_multipliers
        ked_variance = sill - np.einsum("mkc,mk->mc", weights, to_target) - own_multipliers
        total = np.einsum("mk,mk->m", ones, u)
        with np.errstate(invalid="ignore", divide="ignore"):
            lagrange = np.where(total > 0, (np.einsum("mk,mk->m", ones, a) - 1.0) / total, 0.0)
        ok_weights = a - u * lagrange[:, None]
        ok_estimate = np.einsum("mk,mk->m", ok_weights, residuals) + lagrange
        ok_variance = sill - np.einsum("mk,mk->m", ok_weights, to_target) - lagrange
        return ked_estimate, ked_variance, ok_estimate, ok_variance
