"""The tiled experimental variogram against the k-d tree version it replaced
(kept here as the reference, not in the plugin): same pair counts exactly,
semivariances and mean lags to 1e-10 relative, omni and directional."""
import math

import numpy as np
import pytest
from scipy.spatial import cKDTree

from ree_grade.algorithms.geostats.experimental import experimental_variogram, experimental_variograms
from ree_grade.algorithms.geostats.geometry import direction_vector


def _reference(xyz, values, lag, n_lags, tolerance=None, directions=None, angle_tolerance=22.5, bandwidth=None):
    tolerance = lag / 2.0 if tolerance is None else tolerance
    direction_list = [None] if not directions else list(directions)
    sums, dist_sums, counts = (np.zeros((len(direction_list), n_lags + 1)) for _ in range(3))
    tree = cKDTree(xyz)
    neighbours = tree.query_ball_point(xyz, r=n_lags * lag + tolerance)
    i = np.repeat(np.arange(len(xyz)), [len(x) for x in neighbours])
    j = np.array([k for x in neighbours for k in x], dtype=np.int64)
    i, j = i[j > i], j[j > i]
    h = xyz[j] - xyz[i]
    distance = np.linalg.norm(h, axis=1)
    half_sq = 0.5 * (values[j] - values[i]) ** 2
    for d, direction in enumerate(direction_list):
        selected = distance > 0
        if direction is not None:
            along = np.abs(h @ direction_vector(*direction))
            with np.errstate(invalid="ignore", divide="ignore"):
                selected &= along / distance >= math.cos(math.radians(angle_tolerance)) - 1e-12
            if bandwidth is not None:
                selected &= np.sqrt(np.maximum(distance**2 - along**2, 0.0)) <= bandwidth
        dist, sq = distance[selected], half_sq[selected]
        reach = int(math.ceil(tolerance / lag))
        nearest = np.rint(dist / lag).astype(np.int64)
        for offset in range(-reach, reach + 1):
            k = nearest + offset
            inside = (k >= 0) & (k <= n_lags) & (np.abs(dist - k * lag) <= tolerance)
            sums[d] += np.bincount(k[inside], weights=sq[inside], minlength=n_lags + 1)
            dist_sums[d] += np.bincount(k[inside], weights=dist[inside], minlength=n_lags + 1)
            counts[d] += np.bincount(k[inside], minlength=n_lags + 1)
    present = counts > 0
    return ([dist_sums[d][present[d]] / counts[d][present[d]] for d in range(len(direction_list))],
            [sums[d][present[d]] / counts[d][present[d]] for d in range(len(direction_list))],
            [counts[d][present[d]] for d in range(len(direction_list))])


def _points(n, seed):
    rng = np.random.default_rng(seed)
    xyz = rng.uniform(0, 1000, (n, 3)) * [1, 1, 0.3] + [550000, 3620000, 1000]
    return xyz, np.sin(xyz[:, 0] / 90) + rng.normal(0, 0.3, n)


@pytest.mark.parametrize("options", [
    {}, {"tolerance": 15.0}, {"tolerance": 40.0}, {"tolerance": 80.0},
    {"directions": [(0.0, 0.0), (90.0, 0.0), (30.0, -60.0)], "angle_tolerance": 22.5},
    {"directions": [(45.0, -10.0)], "angle_tolerance": 30.0, "bandwidth": 60.0},
])
def test_tiled_pairs_match_the_kd_tree_reference(options):
    xyz, values = _points(1500, 1)
    tolerance = options.get("tolerance")
    kwargs = {k: v for k, v in options.items() if k != "tolerance"}
    new = experimental_variogram(xyz, values, 50.0, 12, lag_tolerance=tolerance, **kwargs)
    lags, gammas, npairs = _reference(xyz, values, 50.0, 12, tolerance, **kwargs)
    for d in range(len(lags)):
        np.testing.assert_array_equal(new.npairs[d], npairs[d])
        np.testing.assert_allclose(new.gammas[d], gammas[d], rtol=1e-10)
        np.testing.assert_allclose(new.lags[d], lags[d], rtol=1e-10)


def test_coincident_samples_and_a_grid_on_bin_edges_match():
    # A 2D grid 1 unit apart with lag 2: many pairs lie exactly on bin edges
    # (distances 1, 3, 5 ...), and repeated locations give pairs at distance 0.
    gx, gy = np.meshgrid(np.arange(20.0), np.arange(20.0))
    xyz = np.column_stack([gx.ravel(), gy.ravel(), np.zeros(gx.size)])
    xyz = np.concatenate([xyz, xyz[::7]])
    values = np.cos(xyz[:, 0] / 3) + np.sin(xyz[:, 1] / 5)
    for directions in (None, [(0.0, 0.0), (45.0, 0.0)]):
        new = experimental_variogram(xyz, values, 2.0, 8, directions=directions, angle_tolerance=45.0, bandwidth=3.0)
        lags, gammas, npairs = _reference(xyz, values, 2.0, 8, directions=directions, angle_tolerance=45.0,
                                          bandwidth=3.0)
        for d in range(len(lags)):
            np.testing.assert_array_equal(new.npairs[d], npairs[d])
            np.testing.assert_allclose(new.gammas[d], gammas[d], rtol=1e-10)
            np.testing.assert_allclose(new.lags[d], lags[d], rtol=1e-10)


def test_small_lags_skip_far_tiles_and_still_match():
    xyz, values = _points(3000, 2)
    new = experimental_variogram(xyz, values, 5.0, 6)
    lags, gammas, npairs = _reference(xyz, values, 5.0, 6)
    np.testing.assert_array_equal(new.npairs[0], npairs[0])
    np.testing.assert_allclose(new.gammas[0], gammas[0], rtol=1e-10)


def test_several_columns_in_one_pass_equal_one_column_each():
    xyz, values = _points(1200, 3)
    columns = (values[:, None] <= np.quantile(values, [0.2, 0.5, 0.8])[None, :]).astype(float)
    together = experimental_variograms(xyz, columns, 50.0, 12, directions=[(0.0, 0.0), (90.0, 0.0)])
    for c in range(columns.shape[1]):
        alone = experimental_variogram(xyz, columns[:, c], 50.0, 12, directions=[(0.0, 0.0), (90.0, 0.0)])
        for d in range(2):
            np.testing.assert_array_equal(together[c].npairs[d], alone.npairs[d])
            np.testing.assert_allclose(together[c].gammas[d], alone.gammas[d], rtol=1e-12)
        assert together[c].variance == alone.variance


def test_a_direction_without_pairs_while_pairs_sit_on_bin_edges():
    # Samples down one vertical line 1.5 lags apart: every pair lies on a bin
    # edge (tested against the neighbouring bin) and none is horizontal.
    xyz = np.column_stack([np.zeros(8), np.zeros(8), 1.5 * np.arange(8)])
    values = np.arange(8.0) ** 2
    directions = [(0.0, 0.0), (0.0, 90.0)]
    new = experimental_variogram(xyz, values, 1.0, 6, directions=directions)
    lags, gammas, npairs = _reference(xyz, values, 1.0, 6, directions=directions)
    assert len(new.npairs[0]) == 0 and new.npairs[1].sum() > 0
    np.testing.assert_array_equal(new.npairs[1], npairs[1])
    np.testing.assert_allclose(new.gammas[1], gammas[1], rtol=1e-10)


def test_two_threads_give_the_same_sums_as_one():
    xyz, values = _points(1500, 4)
    one = experimental_variogram(xyz, values, 50.0, 12, directions=[(0.0, 0.0), (90.0, 0.0)], n_jobs=1)
    two = experimental_variogram(xyz, values, 50.0, 12, directions=[(0.0, 0.0), (90.0, 0.0)], n_jobs=2)
    for d in range(2):
        np.testing.assert_array_equal(one.npairs[d], two.npairs[d])
        np.testing.assert_array_equal(one.gammas[d], two.gammas[d])
        np.testing.assert_array_equal(one.lags[d], two.lags[d])
