"""Ordinary kriging, 2D or 3D, point or block support, in a moving search
neighbourhood, solved in batches.

Targets are processed in chunks; every target of a chunk gets a covariance
matrix of the same size (max_samples), the slots of missing neighbours padded
with an identity row and a zero right-hand side so their weight is exactly
zero. Targets sharing a neighbour set share its matrix; the stacked matrices
are solved by a few `numpy.linalg.solve` calls per chunk (the unbiasedness
constraint through one more right-hand side, see `_solve_shared`), and chunks
run on `n_jobs` threads (numpy releases the GIL in both the arithmetic and the
solve).

System and sign convention (as GSLIB kt3d): C lambda + mu 1 = c_bar, 1' lambda = 1,
where C holds sample-sample covariances, c_bar the sample-target (point) or
sample-block average covariances and mu the Lagrange multiplier. Then
  kriging variance  sigma^2 = C_bar(V,V) - lambda' c_bar - mu,
  slope of regression  SoR = cov(Z_V, Z*) / var(Z*) = lambda' c_bar / (lambda' c_bar - mu)
                          = (C_bar(V,V) - sigma^2 - mu) / (C_bar(V,V) - sigma^2 - 2 mu),
the usual (BV - KV + |LM|) / (BV - KV + 2|LM|) with LM = -mu, which is positive
for a target the samples under-inform. C_bar(V,V) is the total sill for point
support and, for blocks, the mean covariance between the discretisation points,
the nugget counting where two points coincide (GSLIB's convention).

Point kriging is an exact interpolator: at a sample location it returns the
datum with variance 0, the nugget included (as GSLIB and PyKrige do).
"""
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import numpy as np

from ..common.progress import check_cancelled, report_progress
from .geometry import as_xyz, spatial_order
from .neighbourhood import COINCIDENT_DISTANCE, Neighbourhood, merge_duplicates, variogram_metric
from .variogram_model import unit_correlation

UNSTABLE_WEIGHT_SUM = 10.0
TASK_TARGETS = 16384  # targets per Dask task (whole chunks), see predict_together
CHUNK_MATRIX_ENTRIES = 2048 * 32 * 32  # entries of one (sets, k, k) buffer: 2,048 targets at 32 neighbours


def discretisation_offsets(block_size, discretisation):
    """(nd, 3) offsets of a regular nx x ny x nz grid of points inside a block,
    relative to its centre."""
    size = np.broadcast_to(np.asarray(block_size, dtype=float), (3,))
    counts = np.broadcast_to(np.asarray(discretisation, dtype=int), (3,))
    if np.any(counts < 1):
        raise ValueError(f"block discretisation must be at least 1 point per axis, got {counts.tolist()}")
    if np.any(size < 0):
        raise ValueError(f"block size must not be negative, got {size.tolist()}")
    axes = [((np.arange(c) + 0.5) / c - 0.5) * s for c, s in zip(counts, size)]
    grid = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([g.ravel() for g in grid])


class OrdinaryKriging:
    """Ordinary kriging with a moving neighbourhood (an `Estimator`).

    model: a `VariogramModel`, or None to fit one on the samples in `fit`
    (`variogram_auto.auto_variogram` with `seed` and fit's `groups`, whose
    downhole variogram sets the nugget of a 3D anisotropic fit, as
    cross-validation refits it on every training fold); search: a `neighbourhood.SearchEllipse` or None
    (the nearest samples at any distance, ranked by the variogram's
    anisotropic distance: `neighbourhood.variogram_metric`, kept in
    `search_`); min_samples / max_samples per target;
    max_per_hole: cap on samples from one hole (needs `groups` in fit);
    block_discretisation: (nx, ny, nz) points per block for block support, used
    when `predict` gets a block size; chunk_size: targets kriged together
    (None: `default_chunk_size` of max_samples); label names the samples in
    messages. X is the (n, 3) coordinates (z = 0 for 2D data)."""

    def __init__(self, model=None, search=None, min_samples=1, max_samples=32, max_per_hole=None,
                 block_discretisation=(4, 4, 2), chunk_size=None, n_jobs=1, seed=0, label="samples"):
        self.model = model
        self.search = search
        self.min_samples = min_samples
        self.max_samples = max_samples
        self.max_per_hole = max_per_hole
        self.block_discretisation = block_discretisation
        self.chunk_size = chunk_size
        self.n_jobs = n_jobs
        self.seed = seed
        self.label = label

    def fit(self, X, y, groups=None):
        """Keep the samples (rows with a missing value or coordinate dropped),
        merging samples at the same location (their mean); `n_merged_` counts
        the rows merged away, `n_dropped_` the rows without a value and
        `constant_` flags data with one value only. `y` may have several columns
        (the indicators of MIK thresholds), which then share one system."""
        label = self.label
        if int(self.min_samples) < 1 or int(self.max_samples) < int(self.min_samples):
            raise ValueError(
                f"need 1 <= minimum samples <= maximum samples, got {self.min_samples} and {self.max_samples}"
            )
        if self.max_per_hole is not None and int(self.max_per_hole) < 0:
            raise ValueError(f"maximum samples per hole must not be negative, got {self.max_per_hole}")
        self.min_samples_ = int(self.min_samples)
        xyz = as_xyz(X)
        values = np.asarray(y, dtype=float)
        if len(values) != len(xyz):
            raise ValueError(f"{label}: {len(xyz)} coordinates for {len(values)} values")
        keep = np.all(np.isfinite(values.reshape(len(values), -1)), axis=1) & np.all(np.isfinite(xyz), axis=1)
        codes = None
        self.group_labels_ = None
        self.fit_groups_ = None
        if groups is not None:
            labels = np.asarray(groups).astype(str).reshape(-1)
            if len(labels) != len(xyz):
                raise ValueError(f"{label}: {len(xyz)} coordinates for {len(labels)} hole labels")
            self.group_labels_, codes = np.unique(labels, return_inverse=True)
            codes = codes.reshape(-1)[keep]
            self.fit_groups_ = labels
        # Every row given, in order (NaN where dropped), for `leave_group_out`.
        self.fit_xyz_ = np.where(keep[:, None], xyz, np.nan)
        xyz, values = xyz[keep], values[keep]
        self.n_dropped_ = int((~keep).sum())
        if len(values) < self.min_samples_:
            raise ValueError(
                f"{label}: {len(values)} samples with a value, fewer than the minimum of {self.min_samples_} per "
                "target; lower the minimum number of samples"
            )
        if self.model is None:
            from .variogram_auto import auto_variogram

            # The holes give the downhole variogram, whose closely spaced pairs set the nugget.
            holes = None if self.fit_groups_ is None else self.fit_groups_[keep]
            self.model_ = auto_variogram(xyz, values, seed=self.seed, label=label, groups=holes)[0]
        else:
            self.model_ = self.model
        row_codes = codes
        xyz, values, codes, self.n_merged_, merged_into = merge_duplicates(xyz, values, codes, return_inverse=True)
        also_in = None
        if codes is not None:
            # A sample merged from coincident rows of several holes belongs to
            # all of them: excluding any of these holes excludes it.
            other = row_codes != codes[merged_into]
            also_in = (merged_into[other], row_codes[other])
        self.xyz_ = xyz
        self.values_ = values
        self.constant_ = bool(np.all(np.ptp(values, axis=0) == 0))
        # No search given: the nearest samples at any distance in the variogram's own metric.
        self.search_ = self.search if self.search is not None else variogram_metric(self.model_)
        self.neighbourhood_ = Neighbourhood(xyz, self.search_, int(self.max_samples), self.max_per_hole, codes,
                                            also_in=also_in)
        self.structure_groups_ = _structure_groups(self.model_)
        # Each group's coordinates, reduced once here instead of per chunk,
        # from the samples' centroid so that they keep the precision of the
        # neighbours' offsets.
        centred = xyz - xyz.mean(axis=0) if len(xyz) else xyz
        self.reduced_ = [np.ascontiguousarray(centred @ reduction) for reduction, _ in self.structure_groups_]
        return self

    def predictive(self, X, block_size=None):
        """N(estimate, kriging variance) per target (`GaussianPredictive`); NaN
        where a target cannot be estimated."""
        from ..common.predictive import GaussianPredictive

        out = self.predict(X, block_size)
        return GaussianPredictive(out["estimate"], np.sqrt(out["variance"]))

    def leave_group_out(self, progress=None, should_stop=None):
        """`predict` at every row given to the last `fit` (all of them, in their
        order, merged duplicates included), each estimated without any sample of
        its own group: the same variogram, search, max_samples and max_per_hole,
        the other groups only. NaN for rows fit dropped (a missing value or
        coordinate), counted in n_unestimated like rows whose search holds only
        their own group. A sample merged from coincident rows of several groups
        is left out for the rows of every one of them."""
        if getattr(self, "fit_groups_", None) is None:
            raise ValueError(f"{self.label}: leave-group-out needs the group (hole) of every sample; fit was called "
                             "without groups")
        return self.predict(self.fit_xyz_, progress=progress, should_stop=should_stop,
                            exclude_groups=self.fit_groups_)

    def predict(self, X, block_size=None, progress=None, should_stop=None, exclude_groups=None, cluster=None,
                n_jobs=None):
        """Everything the Processing outputs need, as a dict: per-target arrays
        estimate ((m,) or (m, columns of y)), variance, slope (of regression),
        lagrange (float, NaN where not estimated), n_used (int) and unstable
        (bool), and the counts n_unestimated (targets with fewer than
        min_samples samples in the search, or a missing coordinate) and
        n_unstable (targets whose weights sum in absolute value above
        UNSTABLE_WEIGHT_SUM, the mark of a nearly singular system).
        exclude_groups: a group label per target (compared as strings with the
        `groups` of fit); no sample of that group enters the target's
        neighbourhood, the search widening past them. A label no sample has
        excludes nothing. cluster: a `common.distributed.Cluster` to run the
        chunks on, or None for this process's threads: `n_jobs` of them (None:
        the kriger's), which changes no value."""
        exclude = None if exclude_groups is None else self._exclude_codes(exclude_groups, len(as_xyz(X)))
        return predict_together([self], X, block_size, progress, should_stop, exclude, cluster, n_jobs)[0]

    def _exclude_codes(self, exclude_groups, m):
        """Hole code per target of its label, -1 for a label no sample has."""
        if self.group_labels_ is None:
            raise ValueError(f"{self.label}: excluding groups needs the group (hole) of every sample; fit was called "
                             "without groups")
        labels = np.asarray(exclude_groups).astype(str).reshape(-1)
        if len(labels) != m:
            raise ValueError(f"{self.label}: {len(labels)} excluded groups for {m} targets")
        position = np.searchsorted(self.group_labels_, labels)
        inside = position < len(self.group_labels_)
        found = inside & (self.group_labels_[np.minimum(position, len(self.group_labels_) - 1)] == labels)
        return np.where(found, position, -1)

    def _block_terms(self, block_size):
        """(discretisation offsets or None, C_bar(V, V)) for this model."""
        if block_size is not None and self.block_discretisation is not None:
            offsets = discretisation_offsets(block_size, self.block_discretisation)
            return offsets, float(np.mean(self.model_.covariance(offsets[:, None, :] - offsets[None, :, :])))
        return None, self.model_.total_sill

    def _neighbour_keys(self, targets, exclude=None):
        """(m, k) neighbour indices per target in canonical (sorted) order,
        -1 where a slot is empty, so targets sharing a neighbour set share one
        left-hand side: on a block grid most neighbours' sets repeat."""
        idx, valid = self.neighbourhood_.query(targets, exclude)
        return np.sort(np.where(valid, idx, -1), axis=1)

    def _solve(self, chunk, offsets, cbar_vv):
        idx = chunk.idx
        solvable = chunk.n_used >= self.min_samples_
        covariance = self._covariances(chunk, solvable[chunk.first])
        rhs = self._right_hand_sides(chunk, offsets)
        weights, mu = _solve_shared(covariance, chunk, rhs)
        lambda_c = np.einsum("ij,ij->i", weights, rhs)
        estimate = np.einsum("ij,ij...->i...", weights, self.values_[idx])
        variance = np.maximum(cbar_vv - lambda_c - mu, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            slope = lambda_c / (lambda_c - mu)
        for array in (estimate, variance, slope, mu):
            array[~solvable] = np.nan
        # Weights summing in absolute value far above 1 come from a nearly
        # singular system (a Gaussian model without nugget, clustered samples).
        unstable = solvable & (np.abs(weights).sum(axis=1) > UNSTABLE_WEIGHT_SUM)
        return {"estimate": estimate, "variance": variance, "slope": slope, "lagrange": mu,
                "n_used": chunk.n_used, "unstable": unstable}

    def _covariances(self, chunk, solvable):
        """(u, k, k) sample covariance matrices of the chunk's u neighbour
        sets, built in per-thread buffers (fresh multi-megabyte arrays cost
        page faults)."""
        valid = chunk.valid[chunk.first]
        u, k = valid.shape
        work, corr, covariance = (_buffer(name, (u, k, k)) for name in ("work", "corr", "covariance"))
        if not self.structure_groups_:
            covariance.fill(0.0)
        first = True
        for reduced, (reduction, structures) in zip(self.reduced_, self.structure_groups_):
            distance = chunk.set_distances(reduced, reduction)
            for kind, sill, scale in structures:
                _structure_covariance(kind, sill, scale, distance, covariance if first else corr, work)
                if not first:
                    covariance += corr
                first = False
        # The diagonal as a strided view: fancy indexing copied it out and back.
        covariance.reshape(u, k * k)[:, :: k + 1] += self.model_.nugget
        _mask_missing(covariance, valid, solvable)
        return covariance

    def _right_hand_sides(self, chunk, offsets):
        """(m, k) point or block covariances of each target with its
        neighbours (zero for missing ones)."""
        rhs = np.zeros(chunk.valid.shape)
        for reduction, structures in self.structure_groups_:
            for kind, sill, scale in structures:
                rhs += sill * chunk.target_correlation(kind, reduction, scale, offsets)
        if self.model_.nugget > 0:
            rhs += self.model_.nugget * chunk.coincident_fraction(offsets)
        rhs *= chunk.valid
        return rhs


class _Chunk:
    """One chunk's targets and neighbours, and the geometry every kriger of
    `predict_together` needs from them, computed for the first that asks:
    MIK's thresholds differ in their variograms' sills and ranges, while
    their neighbour sets, and often the reduced distances, are the same."""

    def __init__(self, xyz, targets, key):
        self.xyz, self.targets = xyz, targets
        self.valid = key >= 0
        self.idx = np.maximum(key, 0)
        self.k = key.shape[1]
        self.n_used = self.valid.sum(axis=1)
        self.first, self.inverse, self.plan = _solve_plan(*_unique_rows(key))
        self._cache = {}

    def _cached(self, name, compute):
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]

    def set_distances(self, reduced, reduction):
        """(u, k, k) distances within each neighbour set in `reduction`'s
        space, `reduced` being the samples' coordinates in it."""
        def compute():
            t = reduced[self.idx[self.first]]
            t -= t[:, :1, :]
            u, k = t.shape[:2]
            return _pairwise_distance(t, _buffer(f"distance {len(self._cache)}", (u, k, k)))

        return self._cached(("sets", reduction.tobytes()), compute)

    def relative(self):
        """[(m, k)] per axis: each neighbour's offset from its target."""
        return self._cached("relative", lambda: [self.xyz[:, axis][self.idx] - self.targets[:, axis, None]
                                                 for axis in range(3)])

    def reduced_offsets(self, reduction):
        rel = self.relative()
        return self._cached(("offsets", reduction.tobytes()),
                            lambda: [sum(rel[i] * reduction[i, j] for i in range(3)) for j in range(3)])

    def target_correlation(self, kind, reduction, scale, offsets):
        """(m, k) correlation of each neighbour with its target point, or
        averaged over the block's discretisation points."""
        t = self.reduced_offsets(reduction)
        if offsets is None:
            distance = self._cached(("point", reduction.tobytes()), lambda: np.sqrt(t[0] ** 2 + t[1] ** 2 + t[2] ** 2))
            return unit_correlation(kind, distance * scale)
        reduced = offsets @ reduction
        squared = sum((t[j][:, :, None] - reduced[None, None, :, j]) ** 2 for j in range(3))
        return unit_correlation(kind, np.sqrt(squared) * scale).mean(axis=2)

    def coincident_fraction(self, offsets):
        """(m, k) share of the target's support points that sit on each neighbour."""
        def compute():
            rel = self.relative()
            if offsets is None:
                return (rel[0] ** 2 + rel[1] ** 2 + rel[2] ** 2 <= COINCIDENT_DISTANCE**2).astype(float)
            squared = sum((rel[j][:, :, None] - offsets[None, None, :, j]) ** 2 for j in range(3))
            return (squared <= COINCIDENT_DISTANCE**2).mean(axis=2)

        return self._cached(("coincident", None if offsets is None else offsets.tobytes()), compute)


def predict_together(krigers, X, block_size=None, progress=None, should_stop=None, exclude=None, cluster=None,
                     n_jobs=None):
    """[kriger.predict(X, block_size) for kriger in krigers] with one
    neighbour search per chunk for all of them: the krigers are fitted on the
    same samples with the same search (the thresholds of MIK, each with its
    own variogram and indicator), so their neighbourhoods are the same and
    only the kriging systems differ. `exclude`: hole codes per target (-1:
    none), as `OrdinaryKriging._exclude_codes` gives them. The chunks and
    threads are those of the first kriger (`n_jobs` overrides its threads); with a `common.distributed.Cluster`
    the same chunks are tasks on its workers (the krigers sent once), which
    changes no value."""
    first = krigers[0]
    for other in krigers[1:]:
        if not (np.array_equal(other.xyz_, first.xyz_) and other.min_samples_ == first.min_samples_
                and other.neighbourhood_.max_samples == first.neighbourhood_.max_samples):
            raise ValueError("kriging together needs krigers fitted on the same samples with the same search")
    targets = as_xyz(X)
    terms = [kriger._block_terms(block_size) for kriger in krigers]
    n_jobs = max(int(first.n_jobs if n_jobs is None else n_jobs), 1)
    n_points = max(1 if offsets is None else len(offsets) for offsets, _ in terms)
    chunk_size = int(first.chunk_size or default_chunk_size(first.neighbourhood_.max_samples, n_points,
                                                            -(-len(targets) // n_jobs)))
    m = len(targets)
    outs = []
    for kriger in krigers:
        out = {name: np.full(m, np.nan) for name in ("variance", "slope", "lagrange")}
        out["estimate"] = np.full((m,) + kriger.values_.shape[1:], np.nan)
        out["n_used"] = np.zeros(m, dtype=np.int64)
        out["unstable"] = np.zeros(m, dtype=bool)
        outs.append(out)
    finite = np.flatnonzero(np.all(np.isfinite(targets), axis=1))
    finite = finite[spatial_order(targets[finite])]
    chunks = [finite[s : s + chunk_size] for s in range(0, len(finite), chunk_size)]

    def chunk_input(rows):
        return targets[rows], None if exclude is None else exclude[rows]

    if cluster is not None:
        # Several chunks a task, the same chunks as in this process (so the
        # same values): a Dask task costs milliseconds, as much as kriging a
        # small chunk, while a worker's memory stays that of one chunk.
        per_task = max(1, TASK_TARGETS // chunk_size)
        tasks = [chunks[s : s + per_task] for s in range(0, len(chunks), per_task)]
        results = cluster.map(_krige_chunks_single_threaded, (krigers, terms),
                              ([chunk_input(rows) for rows in task] for task in tasks), progress, should_stop,
                              count=len(tasks))
        for task, task_results in zip(tasks, results):
            for rows, result in zip(task, task_results):
                _place(outs, rows, result)
    else:
        with _single_threaded_blas(), ThreadPoolExecutor(n_jobs) as pool:
            for start in range(0, len(chunks), n_jobs * 4):
                check_cancelled(should_stop)
                wave = chunks[start : start + n_jobs * 4]
                parts = pool.map(lambda rows: _krige_chunk((krigers, terms), chunk_input(rows)), wave)
                for rows, result in zip(wave, parts):
                    _place(outs, rows, result)
                report_progress(progress, (start + len(wave)) / max(len(chunks), 1))
    for out in outs:
        out["n_unestimated"] = int(np.isnan(out["variance"]).sum())
        out["n_unstable"] = int(out["unstable"].sum())
    return outs


def default_chunk_size(max_samples, n_points=1, per_thread=None):
    """Targets per chunk: as many as keep one (neighbour sets, k, k) matrix
    buffer, or one (targets, k, block discretisation points) array of block
    support, near CHUNK_MATRIX_ENTRIES (16 MB; a thread holds about five),
    256 to 8,192, and no more than `per_thread` (the targets over the
    threads), so that a run of a few thousand targets still keeps every
    thread busy. Why not fewer: every chunk pays the same Python and call
    overhead, and on bench_kriging's 3D model (32 neighbours, 2 threads)
    chunks of 2,048 targets kriged 170,666 blocks/s against 148,084 for 1,024
    (best of 3 each, the same estimates bit for bit; 4,096: 175,277)."""
    k = max(int(max_samples), 1)
    size = int(np.clip(CHUNK_MATRIX_ENTRIES // (k * max(k, int(n_points))), 256, 8192))
    return max(1, min(size, int(per_thread))) if per_thread is not None else size


def _krige_chunk(shared, targets_and_exclude):
    """Every kriger's results at one chunk of targets, sharing its neighbour
    search: the same function in a thread of this process or a Dask worker."""
    krigers, terms = shared
    targets, exclude = targets_and_exclude
    chunk = _Chunk(krigers[0].xyz_, targets, krigers[0]._neighbour_keys(targets, exclude))
    return [kriger._solve(chunk, *term) for kriger, term in zip(krigers, terms)]


def _krige_chunks_single_threaded(shared, chunks):
    """`_krige_chunk` of each chunk in a worker process, whose BLAS this call
    holds to one thread as the in-process pool does for the whole prediction."""
    with _single_threaded_blas():
        return [_krige_chunk(shared, chunk) for chunk in chunks]


def _place(outs, rows, results):
    for out, result in zip(outs, results):
        for name, values in result.items():
            out[name][rows] = values


def _solve_shared(covariance, chunk, rhs):
    """(weights (m, k), Lagrange multipliers mu (m,)) of the ordinary kriging
    systems C lambda + mu 1 = c, 1' lambda = 1 of every target, by the
    chunk's `_solve_plan`. With a = C^-1 c and b = C^-1 1 (1 over the valid
    neighbours), mu = (1'a - 1) / 1'b and lambda = a - mu b: the symmetric
    k x k matrices need no bordering copy, and b is one more column of each
    set's solve."""
    m, k = rhs.shape
    ones = chunk.valid[chunk.first].astype(float)
    weights, mu = np.empty((m, k)), np.empty(m)
    try:
        for start, stop, width, rows, slot, position in chunk.plan:
            columns = np.zeros((stop - start, k, width + 1))
            columns[:, :, 0] = ones[start:stop]
            columns[slot, :, position + 1] = rhs[rows]
            solution = np.linalg.solve(covariance[start:stop], columns)
            a, b = solution[slot, :, position + 1], solution[slot, :, 0]
            # A set without a valid neighbour has b = 0; its target is discarded.
            with np.errstate(invalid="ignore", divide="ignore"):
                mu[rows] = (a.sum(axis=1) - 1.0) / b.sum(axis=1)
                weights[rows] = a - mu[rows, None] * b
    except np.linalg.LinAlgError:
        raise ValueError(
            "a kriging matrix is singular: samples almost on top of each other under a Gaussian variogram without "
            "nugget make their rows equal; add a small nugget or composite the samples"
        ) from None
    return weights, mu


def _solve_plan(first, inverse):
    """(first, inverse, plan) with the neighbour sets reordered so that the
    targets sharing a set are the columns of one multi-column LU solve (one
    factorisation, same accuracy as solving each alone), padded with zeros
    to the next power of two of their number and solved with the other sets
    of that width, which are one slice of the matrices: padding every set to
    the largest made a block grid's chunks solve 16 times the right-hand
    sides they had, and pairs solved apart cost nearly twice one solve with
    two columns. plan: [(first set, end, width, target rows, their set within
    the slice, their column)], shared by every kriger of the chunk."""
    counts = np.bincount(inverse)
    widths = 2 ** np.ceil(np.log2(counts)).astype(np.intp)
    order = np.argsort(widths, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    first, inverse, counts, widths = first[order], rank[inverse], counts[order], widths[order]
    by_set = np.argsort(inverse, kind="stable")
    position = np.empty(len(inverse), dtype=np.intp)
    position[by_set] = np.arange(len(inverse)) - (np.cumsum(counts) - counts)[inverse[by_set]]
    plan = []
    for width in np.unique(widths):
        start, stop = np.searchsorted(widths, width), np.searchsorted(widths, width, side="right")
        rows = np.flatnonzero((inverse >= start) & (inverse < stop))
        plan.append((int(start), int(stop), int(width), rows, inverse[rows] - start, position[rows]))
    return first, inverse, plan


def _unique_rows(key):
    """(first, inverse): index of one row per distinct row of `key`, and for
    every row which of those it equals. Rows are hashed, then checked."""
    weights = np.random.default_rng(12345).integers(1, 2**62, size=key.shape[1], dtype=np.int64)
    with np.errstate(over="ignore"):
        hashes = (key + 1) @ weights
    _, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    if not np.array_equal(key, key[first][inverse]):
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _structure_groups(model):
    """Structures grouped by the distance they need: isotropic ones share the
    plain distance (each scaled by 1 / range), anisotropic ones with the same
    reduction matrix share theirs. [(reduction (3, 3), [(kind, sill, scale)])]."""
    groups = {}
    for s in model.structures:
        if len(set(s.ranges)) == 1:
            key, reduction, scale = "isotropic", np.eye(3), 1.0 / s.ranges[0]
        else:
            reduction = s.reduction
            key, scale = reduction.tobytes(), 1.0
        groups.setdefault(key, (reduction, []))[1].append((s.kind, s.sill, scale))
    return list(groups.values())


def _pairwise_distance(t, out):
    """(m, k, k) distances between the neighbours of each target into `out`,
    from their (m, k, 3) coordinates relative to the first neighbour: by
    |a|^2 + |b|^2 - 2 a.b, all three terms from one batched product of
    [t, |t|^2, 1] with [-2 t, 1, |t|^2] instead of nine passes. The offsets
    are within a neighbourhood, so the cancellation is small; a neighbour's
    distance to itself is set to exactly 0."""
    m, k = t.shape[:2]
    squared = np.einsum("mkc,mkc->mk", t, t)[:, :, None]
    ones = np.ones((m, k, 1))
    left = np.concatenate([t, squared, ones], axis=2)
    right = np.concatenate([-2.0 * t, ones, squared], axis=2)
    np.matmul(left, right.transpose(0, 2, 1), out=out)
    np.maximum(out, 0.0, out=out)
    out.reshape(m, k * k)[:, :: k + 1] = 0.0
    return np.sqrt(out, out=out)


_THREAD_BUFFERS = threading.local()


def _buffer(name, shape):
    """A reusable float array of this thread; chunks differ in their number
    of neighbour sets, so the storage only grows."""
    store = _THREAD_BUFFERS.__dict__.setdefault("arrays", {})
    size = int(np.prod(shape))
    array = store.get(name)
    if array is None or array.size < size:
        array = store[name] = np.empty(size)
    return array[:size].reshape(shape)


def _structure_covariance(kind, sill, scale, distance, out, work):
    """sill x correlation at distance x scale into `out`; the spherical
    polynomial with its sill folded in, two passes fewer over the matrices
    than the correlation times the sill."""
    if kind != "spherical":
        np.multiply(distance, scale * 1.0, out=out)
        unit_correlation(kind, out, out=out, work=work)
        out *= sill
        return out
    r = np.multiply(distance, scale * 1.0, out=work)
    np.minimum(r, 1.0, out=r)
    np.multiply(r, r, out=out)
    out *= 0.5 * sill
    out -= 1.5 * sill
    out *= r
    out += sill
    return out


def _mask_missing(covariance, valid, solvable):
    """A missing neighbour's slot becomes an identity row (with a zero
    right-hand side and no unbiasedness weight its weight is exactly 0); a
    set with too few samples gets an identity matrix, whose results are
    discarded."""
    u, k = valid.shape
    if not valid.all():
        mask = valid.astype(float)
        covariance *= mask[:, :, None] * mask[:, None, :]
        diagonal = np.arange(k)
        covariance[:, diagonal, diagonal] += 1.0 - mask
    unsolvable = ~solvable
    if unsolvable.any():
        covariance[unsolvable] = np.eye(k)


def _single_threaded_blas():
    """Threads already split the chunks; a multithreaded BLAS inside each
    small solve would only oversubscribe the cores."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
