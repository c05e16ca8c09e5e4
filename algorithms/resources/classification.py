"""Mineral resource classification (Measured / Indicated / Inferred) of blocks
from the drill spacing around them and the confidence of their estimate, the two
criteria JORC (2012, Table 1 section 3) and the CIM guidelines behind NI 43-101
ask a Competent Person to weigh.

The rule, kept as parameters (`ClassificationRule`):
  drill spacing: the number of distinct drillholes with a sample within a search
      radius of the block centre, the "n holes within r metres" of a resource
      statement (so one hole cannot classify a block alone);
  estimation confidence: the kriging slope of regression of the true on the
      estimated grade (Krige 1996; near 1 where the data pin the estimate down,
      falling as the estimate is smoothed), optionally the relative sd of the
      estimate;
  Measured  if >= measured_holes holes within measured_radius and slope >= measured_slope,
  Indicated if >= indicated_holes holes within indicated_radius and slope >= indicated_slope,
  Inferred  if >= inferred_holes holes within inferred_radius,
  otherwise Unclassified (no estimate reported).

Defaults (3 holes within 50 m and slope 0.8; 2 holes within 100 m and slope 0.5;
1 hole within 200 m) are the common grid of a base-metal or REE deposit whose
grade variogram reaches its sill at about 100 m: Measured at half the range,
Indicated at the range, Inferred at twice the range. Choose the radii from the
deposit's own variogram and drill pattern; they are a Competent Person's call.

The relative sd test is off by default: the BNN's and kriging's sd are of a
sample-sized (point) grade and carry the nugget, so sd / mean stays high even
in the best-drilled core and falls with the grade, not with the drilling.
"""
import numpy as np

CLASSES = ("Measured", "Indicated", "Inferred", "Unclassified")
CLASS_CODES = {name: code for code, name in enumerate(CLASSES, start=1)}


class ClassificationRule:
    def __init__(self, measured_radius=50.0, indicated_radius=100.0, inferred_radius=200.0, measured_holes=3,
                 indicated_holes=2, inferred_holes=1, measured_slope=0.8, indicated_slope=0.5,
                 measured_rel_sd=0.0, indicated_rel_sd=0.0):
        if not 0 < measured_radius <= indicated_radius <= inferred_radius:
            raise ValueError("search radii (spacing) must satisfy 0 < Measured <= Indicated <= Inferred")
        if not measured_holes >= indicated_holes >= inferred_holes >= 1:
            raise ValueError("drillhole counts must satisfy Measured >= Indicated >= Inferred >= 1")
        if not 1 >= measured_slope >= indicated_slope >= 0:
            raise ValueError("slope-of-regression thresholds must satisfy 1 >= Measured >= Indicated >= 0")
        if (measured_rel_sd > 0 or indicated_rel_sd > 0) and not 0 < measured_rel_sd <= indicated_rel_sd:
            raise ValueError("relative-sd thresholds must satisfy 0 < Measured <= Indicated (or both 0: not used)")
        self.measured_radius = float(measured_radius)
        self.indicated_radius = float(indicated_radius)
        self.inferred_radius = float(inferred_radius)
        self.measured_holes = int(measured_holes)
        self.indicated_holes = int(indicated_holes)
        self.inferred_holes = int(inferred_holes)
        self.measured_slope = float(measured_slope)
        self.indicated_slope = float(indicated_slope)
        self.measured_rel_sd = float(measured_rel_sd)
        self.indicated_rel_sd = float(indicated_rel_sd)

    @property
    def uses_rel_sd(self):
        return self.measured_rel_sd > 0

    @property
    def max_holes(self):
        return self.measured_holes

    def to_dict(self):
        return dict(vars(self))

    def describe(self, with_slope=True):
        """The rule in a resource statement's words (without the slope clauses
        when no slope of regression is given)."""
        def clause(name, holes, radius, slope=None, rel_sd=None):
            text = f"{name}: >= {holes} drillhole{'s' if holes > 1 else ''} within {radius:g} m of the block centre"
            if with_slope and slope is not None:
                text += f" and kriging slope of regression >= {slope:g}"
            if rel_sd:
                text += f" and sd / mean <= {rel_sd:g}"
            return text

        return "; ".join([
            clause("Measured", self.measured_holes, self.measured_radius, self.measured_slope, self.measured_rel_sd),
            clause("Indicated", self.indicated_holes, self.indicated_radius, self.indicated_slope,
                   self.indicated_rel_sd),
            clause("Inferred", self.inferred_holes, self.inferred_radius),
            "otherwise Unclassified",
        ])

    def classify(self, hole_distances, slope=None, mean=None, sd=None):
        """(classes, rel_sd) of blocks from `hole_distances` (n, >= measured_holes):
        the distance to the nearest sample of each block's 1st, 2nd, ... nearest
        distinct hole (`hole_distances`); `slope` the slope of regression (None:
        not tested); `mean` and `sd` of the estimate (a block without a finite
        mean is Unclassified; sd gives the relative sd)."""
        distances = np.asarray(hole_distances, dtype=float)
        n = len(distances)
        if distances.ndim != 2 or distances.shape[1] < self.max_holes:
            raise ValueError(f"hole distances need {self.max_holes} columns (nearest holes), not {distances.shape}")
        known = np.ones(n, dtype=bool) if mean is None else np.isfinite(np.asarray(mean, dtype=float))
        rel_sd = np.full(n, np.nan)
        if mean is not None and sd is not None:
            mean, sd = np.asarray(mean, dtype=float), np.asarray(sd, dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                rel_sd = np.where(mean > 0, sd / mean, np.inf)
        slope = np.full(n, np.inf) if slope is None else np.asarray(slope, dtype=float)
        with np.errstate(invalid="ignore"):
            inferred = known & (distances[:, self.inferred_holes - 1] <= self.inferred_radius)
            indicated = inferred & (distances[:, self.indicated_holes - 1] <= self.indicated_radius) \
                & (slope >= self.indicated_slope)
            measured = indicated & (distances[:, self.measured_holes - 1] <= self.measured_radius) \
                & (slope >= self.measured_slope)
            if self.uses_rel_sd:
                indicated &= rel_sd <= self.indicated_rel_sd
                measured &= rel_sd <= self.measured_rel_sd
        classes = np.full(n, "Unclassified", dtype=object)
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


def hole_distances(block_xyz, sample_xyz, sample_holes, n_holes=3, candidates=64, chunk=50000):
    """(n_blocks, n_holes): distance from each block to the nearest sample of its
    nearest, second nearest, ... distinct hole (inf where fewer holes exist), so
    column k - 1 <= r says "k holes within r"."""
    from scipy.spatial import cKDTree

    block_xyz = np.nan_to_num(np.asarray(block_xyz, dtype=float))
    sample_xyz = np.nan_to_num(np.asarray(sample_xyz, dtype=float))
    _, hole_codes = np.unique(np.asarray(sample_holes).astype(str), return_inverse=True)
    distances = np.full((len(block_xyz), n_holes), np.inf)
    if not len(sample_xyz):
        return distances
    tree = cKDTree(sample_xyz)
    for start in range(0, len(block_xyz), chunk):
        rows = np.arange(start, min(start + chunk, len(block_xyz)))
        k = min(len(sample_xyz), candidates)
        # Widen the search only for blocks whose nearest samples all come from
        # fewer than n_holes holes (long holes crowd the nearest neighbours).
        while rows.size:
            distance, index = tree.query(block_xyz[rows], k=k)
            found = _distances_to_distinct_holes(np.atleast_2d(distance), hole_codes[np.atleast_2d(index)], n_holes)
            distances[rows] = found
            if k == len(sample_xyz):
                break
            rows = rows[~np.isfinite(found[:, -1])]
            k = min(len(sample_xyz), 4 * k)
    return distances


def _distances_to_distinct_holes(distance, holes, n_holes):
    """Neighbours come sorted by distance and a stable sort keeps that order
    within a hole, so the first occurrence of each hole is its nearest sample;
    the first occurrences in distance order are the 1st, 2nd, ... nearest holes."""
    order = np.argsort(holes, axis=1, kind="stable")
    sorted_holes = np.take_along_axis(holes, order, axis=1)
    first_sorted = np.ones(sorted_holes.shape, dtype=bool)
    first_sorted[:, 1:] = sorted_holes[:, 1:] != sorted_holes[:, :-1]
    first = np.zeros_like(first_sorted)
    np.put_along_axis(first, order, first_sorted, axis=1)
    rank = np.cumsum(first, axis=1) - 1  # 0 for the nearest hole's first sample, 1 for the next hole's, ...
    out = np.full((len(distance), n_holes), np.inf)
    rows, columns = np.nonzero(first & (rank < n_holes))
    out[rows, rank[rows, columns]] = distance[rows, columns]
    return out
