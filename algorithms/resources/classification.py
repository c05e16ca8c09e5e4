"""Mineral resource classification (Measured / Indicated / Inferred) of blocks
from the estimate's relative uncertainty and the drill spacing around them.

The rule, as used under JORC/NI 43-101 practice and kept as parameters:
  spacing   = mean distance from the block to the nearest sample of each of the
              `n_holes` nearest distinct drillholes (so one hole cannot classify
              a block alone),
  rel_sd    = sd / mean of the block's grade estimate,
  Measured  if rel_sd <= measured_rel_sd  and spacing <= measured_spacing,
  Indicated if rel_sd <= indicated_rel_sd and spacing <= indicated_spacing,
  Inferred  if spacing <= inferred_spacing,
  otherwise Unclassified (no estimate reported).
"""
import numpy as np

CLASSES = ("Measured", "Indicated", "Inferred", "Unclassified")
CLASS_CODES = {name: code for code, name in enumerate(CLASSES, start=1)}


class ClassificationRule:
    def __init__(self, measured_rel_sd=0.15, indicated_rel_sd=0.30, measured_spacing=50.0,
                 indicated_spacing=100.0, inferred_spacing=200.0, n_holes=3):
        if not 0 < measured_rel_sd <= indicated_rel_sd:
            raise ValueError("relative-sd thresholds must satisfy 0 < Measured <= Indicated")
        if not 0 < measured_spacing <= indicated_spacing <= inferred_spacing:
            raise ValueError("spacing thresholds must satisfy 0 < Measured <= Indicated <= Inferred")
        if n_holes < 1:
            raise ValueError("the number of drillholes must be at least 1")
        self.measured_rel_sd = measured_rel_sd
        self.indicated_rel_sd = indicated_rel_sd
        self.measured_spacing = measured_spacing
        self.indicated_spacing = indicated_spacing
        self.inferred_spacing = inferred_spacing
        self.n_holes = int(n_holes)

    def to_dict(self):
        return dict(vars(self))

    def describe(self):
        return (
            f"spacing = mean distance to the nearest sample of the {self.n_holes} nearest drillholes; "
            f"Measured: sd/mean <= {self.measured_rel_sd:g} and spacing <= {self.measured_spacing:g}; "
            f"Indicated: sd/mean <= {self.indicated_rel_sd:g} and spacing <= {self.indicated_spacing:g}; "
            f"Inferred: spacing <= {self.inferred_spacing:g}; otherwise Unclassified"
        )

    def classify(self, mean, sd, spacing):
        mean, sd, spacing = (np.asarray(a, dtype=float) for a in (mean, sd, spacing))
        with np.errstate(divide="ignore", invalid="ignore"):
            rel_sd = np.where(mean > 0, sd / mean, np.inf)
        known = np.isfinite(mean) & np.isfinite(sd)
        classes = np.full(len(mean), "Unclassified", dtype=object)
        inferred = known & (spacing <= self.inferred_spacing)
        indicated = inferred & (rel_sd <= self.indicated_rel_sd) & (spacing <= self.indicated_spacing)
        measured = indicated & (rel_sd <= self.measured_rel_sd) & (spacing <= self.measured_spacing)
        classes[inferred] = "Inferred"
        classes[indicated] = "Indicated"
        classes[measured] = "Measured"
        return classes, rel_sd


def sd_from_spread(spread, is_variance):
    """Standard deviations from a spread column: itself, or the square root of a
    variance, with a negative (or missing) variance giving NaN (unclassifiable)."""
    spread = np.asarray(spread, dtype=float)
    if not is_variance:
        return spread
    return np.sqrt(np.where(spread >= 0, spread, np.nan))


def flatten_if_2d(block_xyz, sample_xyz):
    """(block_xyz, sample_xyz) with z set to 0 in copies of both when either has
    no elevation at all (2D points), so spacing is measured in plan; unchanged
    (the same arrays) otherwise."""
    block_xyz, sample_xyz = np.asarray(block_xyz, dtype=float), np.asarray(sample_xyz, dtype=float)
    if np.isnan(block_xyz[:, 2]).all() or np.isnan(sample_xyz[:, 2]).all():
        block_xyz, sample_xyz = block_xyz.copy(), sample_xyz.copy()
        block_xyz[:, 2] = sample_xyz[:, 2] = 0.0
    return block_xyz, sample_xyz


def drill_spacing(block_xyz, sample_xyz, sample_holes, n_holes=3, candidates=64, chunk=50000):
    """Mean distance from each block to the nearest sample of each of its
    `n_holes` nearest distinct holes (inf when fewer holes exist)."""
    from scipy.spatial import cKDTree

    block_xyz = np.nan_to_num(np.asarray(block_xyz, dtype=float))
    sample_xyz = np.nan_to_num(np.asarray(sample_xyz, dtype=float))
    _, hole_codes = np.unique(np.asarray(sample_holes).astype(str), return_inverse=True)
    spacing = np.full(len(block_xyz), np.inf)
    if hole_codes.max(initial=-1) + 1 < n_holes:
        return spacing
    tree = cKDTree(sample_xyz)
    for start in range(0, len(block_xyz), chunk):
        rows = np.arange(start, min(start + chunk, len(block_xyz)))
        k = min(len(sample_xyz), candidates)
        # Widen the search only for blocks whose nearest samples all come from
        # fewer than n_holes holes (long holes crowd the nearest neighbours).
        while rows.size:
            distance, index = tree.query(block_xyz[rows], k=k)
            found = _mean_distance_to_distinct_holes(np.atleast_2d(distance), hole_codes[np.atleast_2d(index)], n_holes)
            spacing[rows] = found
            if k == len(sample_xyz):
                break
            rows = rows[~np.isfinite(found)]
            k = min(len(sample_xyz), 4 * k)
    return spacing


def _mean_distance_to_distinct_holes(distance, holes, n_holes):
    """Neighbours come sorted by distance and a stable sort keeps that order
    within a hole, so the first occurrence of each hole is its nearest sample."""
    order = np.argsort(holes, axis=1, kind="stable")
    sorted_holes = np.take_along_axis(holes, order, axis=1)
    first_sorted = np.ones(sorted_holes.shape, dtype=bool)
    first_sorted[:, 1:] = sorted_holes[:, 1:] != sorted_holes[:, :-1]
    first = np.zeros_like(first_sorted)
    np.put_along_axis(first, order, first_sorted, axis=1)
    used = first & (np.cumsum(first, axis=1) <= n_holes)
    enough = used.sum(axis=1) >= n_holes
    return np.where(enough, (distance * used).sum(axis=1) / n_holes, np.inf)
