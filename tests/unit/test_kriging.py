"""Ordinary kriging: against PyKrige, exactness, block support, the slope of
regression, the search neighbourhood and bad input."""
import numpy as np
import pytest

from ree_grade.algorithms.geostats.experimental import experimental_variogram
from ree_grade.algorithms.geostats.kriging import OrdinaryKriging, discretisation_offsets
from ree_grade.algorithms.geostats.neighbourhood import SearchEllipse, merge_duplicates
from ree_grade.algorithms.geostats.variogram_fit import fit_variogram
from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel

RTOL = 1e-8


def spherical(nugget=0.1, sill=0.9, a=40.0):
    return VariogramModel(nugget, [Structure("spherical", sill, a)])


def random_2d(n=200, seed=1):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 100, (n, 2))
    return xy, np.sin(xy[:, 0] / 20) + np.cos(xy[:, 1] / 30) + rng.normal(0, 0.2, n)


def dense_ok(model, xyz, values, target, offsets=None):
    """Textbook OK at one target from the full covariance matrices, for
    cross-checking the batched solver (block support by discretisation)."""
    xyz = np.column_stack([xyz, np.zeros(len(xyz))]) if xyz.shape[1] == 2 else xyz
    target = np.append(target, 0.0) if len(target) == 2 else target
    support = target + (np.zeros((1, 3)) if offsets is None else offsets)
    n = len(xyz)
    lhs = np.ones((n + 1, n + 1))
    lhs[:n, :n] = model.covariance(xyz[:, None, :] - xyz[None, :, :])
    lhs[n, n] = 0.0
    c = model.covariance(xyz[:, None, :] - support[None, :, :]).mean(axis=1)
    cvv = model.covariance(support[:, None, :] - support[None, :, :]).mean()
    x = np.linalg.solve(lhs, np.append(c, 1.0))
    lam, mu = x[:n], x[n]
    return lam @ values, cvv - lam @ c - mu, (lam @ c) / (lam @ lhs[:n, :n] @ lam)


@pytest.mark.parametrize("kind", ["spherical", "exponential"])
@pytest.mark.parametrize("n_closest", [None, 16])
def test_matches_pykrige_2d(kind, n_closest):
    from pykrige.ok import OrdinaryKriging as PyKrigeOK

    xy, values = random_2d()
    model = VariogramModel(0.1, [Structure(kind, 0.9, 40.0)])
    reference = PyKrigeOK(xy[:, 0], xy[:, 1], values, variogram_model=kind,
                          variogram_parameters={"psill": 0.9, "range": 40.0, "nugget": 0.1})
    gx, gy = np.linspace(-10, 110, 25), np.linspace(0, 100, 19)
    backend = "loop" if n_closest else "vectorized"
    z, ss = reference.execute("grid", gx, gy, backend=backend, n_closest_points=n_closest)
    X, Y = np.meshgrid(gx, gy)
    ok = OrdinaryKriging(model, max_samples=n_closest or len(values)).fit(xy, values)
    out = ok.predict(np.column_stack([X.ravel(), Y.ravel()]))
    np.testing.assert_allclose(out["estimate"], np.asarray(z).ravel(), rtol=RTOL, atol=RTOL * np.abs(z).max())
    np.testing.assert_allclose(out["variance"], np.asarray(ss).ravel(), rtol=RTOL)


def test_matches_pykrige_2d_anisotropic():
    """PyKrige rotates its frame anticlockwise from east by `angle` and stretches
    the rotated y by `scaling`: a major range a at azimuth 90 - angle, minor a / scaling."""
    from pykrige.ok import OrdinaryKriging as PyKrigeOK

    xy, values = random_2d(120, seed=4)
    reference = PyKrigeOK(xy[:, 0], xy[:, 1], values, variogram_model="spherical",
                          variogram_parameters={"psill": 1.0, "range": 50.0, "nugget": 0.05},
                          anisotropy_scaling=2.5, anisotropy_angle=30.0)
    targets = np.random.default_rng(9).uniform(0, 100, (60, 2))
    z, ss = reference.execute("points", targets[:, 0], targets[:, 1])
    model = VariogramModel(0.05, [Structure("spherical", 1.0, (50.0, 20.0, 20.0), (60.0, 0, 0))])
    out = OrdinaryKriging(model, max_samples=len(values)).fit(xy, values).predict(targets)
    np.testing.assert_allclose(out["estimate"], z, rtol=RTOL)
    np.testing.assert_allclose(out["variance"], ss, rtol=RTOL)


def test_matches_pykrige_3d_moving_window():
    from pykrige.ok3d import OrdinaryKriging3D

    rng = np.random.default_rng(2)
    xyz = rng.uniform(0, 50, (50, 3))
    values = xyz[:, 2] / 10 + rng.normal(size=50)
    reference = OrdinaryKriging3D(xyz[:, 0], xyz[:, 1], xyz[:, 2], values, variogram_model="exponential",
                                  variogram_parameters={"psill": 1.0, "range": 30.0, "nugget": 0.2})
    targets = rng.uniform(0, 50, (100, 3))
    model = VariogramModel(0.2, [Structure("exponential", 1.0, 30.0)])
    for n_closest in (12, None):
        z, ss = reference.execute("points", targets[:, 0], targets[:, 1], targets[:, 2],
                                  backend="loop" if n_closest else "vectorized", n_closest_points=n_closest)
        out = OrdinaryKriging(model, max_samples=n_closest or 50).fit(xyz, values).predict(targets)
        np.testing.assert_allclose(out["estimate"], z, rtol=RTOL, atol=RTOL * np.abs(z).max())
        np.testing.assert_allclose(out["variance"], ss, rtol=RTOL)


@pytest.mark.parametrize("nugget", [0.0, 0.3])
def test_point_kriging_is_exact_at_data(nugget):
    xy, values = random_2d(80)
    ok = OrdinaryKriging(spherical(nugget, 1.0 - nugget), max_samples=20).fit(xy, values)
    out = ok.predict(xy)
    np.testing.assert_allclose(out["estimate"], values, rtol=1e-10)
    np.testing.assert_allclose(out["variance"], 0.0, atol=1e-10)
    np.testing.assert_allclose(out["slope"], 1.0, rtol=1e-10)


def test_block_kriging_matches_dense_solution_and_lowers_variance():
    rng = np.random.default_rng(7)
    xyz = rng.uniform(0, 100, (60, 3)) * [1, 1, 0.3]
    values = rng.lognormal(0, 0.5, 60)
    model = VariogramModel(0.15, [Structure("spherical", 0.5, (60, 40, 15), (20, -10, 0)),
                                  Structure("exponential", 0.35, (120, 80, 30), (20, -10, 0))])
    targets = rng.uniform(10, 90, (30, 3)) * [1, 1, 0.3]
    block = (10.0, 10.0, 5.0)
    ok = OrdinaryKriging(model, max_samples=60, block_discretisation=(3, 3, 2)).fit(xyz, values)
    blocks = ok.predict(targets, block_size=block)
    points = ok.predict(targets)
    offsets = discretisation_offsets(block, (3, 3, 2))
    for row in (0, 7, 19):
        estimate, variance, slope = dense_ok(model, xyz, values, targets[row], offsets)
        assert blocks["estimate"][row] == pytest.approx(estimate, rel=RTOL)
        assert blocks["variance"][row] == pytest.approx(variance, rel=RTOL)
        assert blocks["slope"][row] == pytest.approx(slope, rel=RTOL)
        _, point_variance, point_slope = dense_ok(model, xyz, values, targets[row])
        assert points["variance"][row] == pytest.approx(point_variance, rel=RTOL)
        assert points["slope"][row] == pytest.approx(point_slope, rel=RTOL)
    assert np.all(blocks["variance"] < points["variance"])
    one_point = OrdinaryKriging(model, max_samples=60, block_discretisation=(1, 1, 1)).fit(xyz, values)
    np.testing.assert_allclose(one_point.predict(targets, block_size=block)["estimate"], points["estimate"], rtol=1e-12)


def test_slope_formula_with_lagrange_multiplier():
    xy, values = random_2d(100, seed=3)
    ok = OrdinaryKriging(spherical(0.2, 0.8, 25.0), max_samples=12).fit(xy, values)
    out = ok.predict(np.array([[50.0, 50.0], [150.0, 150.0]]))
    sill = ok.model.total_sill
    sigma2, mu = out["variance"], out["lagrange"]
    np.testing.assert_allclose(out["slope"], (sill - sigma2 - mu) / (sill - sigma2 - 2 * mu), rtol=1e-12, atol=1e-12)
    # Far outside the data the estimate is a poorly informed mean: the slope drops.
    assert out["slope"][1] < out["slope"][0] <= 1.0 + 1e-9


def test_max_per_hole_is_respected():
    rng = np.random.default_rng(0)
    holes = np.repeat(np.arange(10), 20)
    collars = rng.uniform(0, 200, (10, 2))
    xyz = np.column_stack([collars[holes], -np.tile(np.arange(20) * 2.0, 10)])
    values = rng.normal(size=len(xyz))
    targets = rng.uniform([0, 0, -40], [200, 200, 0], (200, 3))
    ok = OrdinaryKriging(spherical(a=150.0), max_samples=12, max_per_hole=3)
    ok.fit(xyz, values, groups=[f"DH{h:02d}" for h in holes])
    idx, valid = ok.neighbourhood_.query(targets)
    for row in range(len(targets)):
        used = idx[row][valid[row]]
        assert len(used) == 12
        assert np.bincount(holes[used]).max() <= 3
        # The kept samples are the nearest ones allowed by the cap, in order.
        order = np.argsort(np.linalg.norm(xyz - targets[row], axis=1), kind="stable")
        expected, count = [], np.zeros(10, dtype=int)
        for i in order:
            if count[holes[i]] < 3:
                expected.append(i)
                count[holes[i]] += 1
            if len(expected) == 12:
                break
        np.testing.assert_array_equal(used, expected)
    out = ok.predict(targets)
    assert np.all(out["n_used"] == 12)


def test_min_samples_leaves_targets_empty_and_counts_them():
    xy, values = random_2d(100)
    ok = OrdinaryKriging(spherical(), search=SearchEllipse((15.0, 15.0, 15.0)), min_samples=3, max_samples=8)
    ok.fit(xy, values)
    targets = np.array([[50.0, 50.0], [500.0, 500.0], [np.nan, 3.0], [105.0, 50.0]])
    out = ok.predict(targets)
    assert np.isfinite(out["estimate"][0]) and out["n_used"][0] <= 8
    assert np.isnan(out["estimate"][1]) and out["n_used"][1] == 0 and np.isnan(out["variance"][1])
    assert np.isnan(out["estimate"][2])
    assert out["n_unestimated"] == int(np.isnan(out["estimate"]).sum()) >= 2


def test_search_ellipse_orientation():
    ellipse = SearchEllipse((100.0, 10.0, 5.0), (45.0, 0.0, 0.0))
    inside = ellipse.transform(np.array([[70.0, 70.0, 0.0], [7.0, -7.0, 0.0], [0, 0, 6.0]]))
    np.testing.assert_allclose(np.linalg.norm(inside, axis=1), [np.hypot(70, 70) / 100, np.hypot(7, 7) / 10, 1.2])
    with pytest.raises(ValueError, match="search radii must be positive"):
        SearchEllipse((10.0, 0.0, 1.0))


def test_duplicates_are_merged_not_singular():
    xy = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 0.0], [0.0, 10.0], [0.0, 10.0 + 1e-9], [7.0, 7.0]])
    values = np.array([1.0, 2.0, 4.0, 5.0, 7.0, 3.0])
    merged_xyz, merged, _, removed = merge_duplicates(np.column_stack([xy, np.zeros(6)]), values)
    assert removed == 2 and len(merged) == 4
    np.testing.assert_allclose(sorted(merged), [1.0, 3.0, 3.0, 6.0])
    ok = OrdinaryKriging(spherical(0.0, 1.0, 20.0), max_samples=10).fit(xy, values)
    assert ok.n_merged_ == 2
    out = ok.predict(np.array([[10.0, 0.0], [0.0, 10.0], [5.0, 5.0]]))
    np.testing.assert_allclose(out["estimate"][:2], [3.0, 6.0], rtol=1e-12)
    assert np.all(np.isfinite(out["estimate"]))


def test_constant_values_give_the_constant():
    xy, _ = random_2d(50)
    ok = OrdinaryKriging(spherical(), max_samples=10).fit(xy, np.full(50, 2.5))
    assert ok.constant_
    out = ok.predict(np.random.default_rng(0).uniform(0, 100, (20, 2)))
    np.testing.assert_allclose(out["estimate"], 2.5, rtol=1e-12)


def test_bad_input_messages():
    xy, values = random_2d(5)
    with pytest.raises(ValueError, match="5 samples with a value, fewer than the minimum of 8"):
        OrdinaryKriging(spherical(), min_samples=8, max_samples=10).fit(xy, values)
    with pytest.raises(ValueError, match="need 1 <= minimum samples <= maximum samples"):
        OrdinaryKriging(spherical(), min_samples=10, max_samples=4).fit(xy, values)
    with pytest.raises(ValueError, match="a maximum per hole needs the hole of every sample"):
        OrdinaryKriging(spherical(), max_per_hole=2).fit(xy, values)
    with pytest.raises(ValueError, match="block discretisation must be at least 1"):
        discretisation_offsets((10, 10, 10), (0, 2, 2))


def test_estimator_protocol_and_automatic_variogram():
    from ree_grade.algorithms.common.predictive import Estimator, GaussianPredictive
    from ree_grade.algorithms.geostats.variogram_auto import auto_variogram

    xy, values = random_2d(150)
    # __init__ only stores: a bad combination is reported by fit, not before.
    unfitted = OrdinaryKriging(spherical(), min_samples=10, max_samples=4)
    assert unfitted.min_samples == 10 and isinstance(unfitted, Estimator)
    xyz = np.column_stack([xy, np.zeros(len(xy))])
    auto = OrdinaryKriging(None, max_samples=16, seed=3).fit(xyz, values)
    expected_model = auto_variogram(xyz, values, seed=3)[0]
    assert auto.model is None and auto.model_.to_dict() == expected_model.to_dict()
    targets = np.random.default_rng(2).uniform(0, 100, (30, 2))
    given = OrdinaryKriging(expected_model, max_samples=16).fit(xyz, values).predict(targets)
    predictive = auto.predictive(targets)
    assert isinstance(predictive, GaussianPredictive)
    np.testing.assert_array_equal(predictive.mean, given["estimate"])
    np.testing.assert_array_equal(predictive.sd, np.sqrt(given["variance"]))


def test_threads_and_chunks_do_not_change_results():
    xy, values = random_2d(300)
    targets = np.random.default_rng(5).uniform(0, 100, (2000, 2))
    one = OrdinaryKriging(spherical(), max_samples=16).fit(xy, values).predict(targets)
    two = OrdinaryKriging(spherical(), max_samples=16, chunk_size=97, n_jobs=2).fit(xy, values).predict(targets)
    for name in ("estimate", "variance", "slope"):
        np.testing.assert_allclose(one[name], two[name], rtol=1e-9)


def test_walker_lake_estimate_tracks_the_exhaustive_truth(data_dir):
    sample = np.loadtxt(data_dir / "walker_lake" / "pygslib_walker_sample.dat", skiprows=8)
    truth = np.loadtxt(data_dir / "walker_lake" / "exhaustive_every5th.csv", delimiter=",", skiprows=1)
    xy, v = sample[:, 1:3], sample[:, 3]
    model = fit_variogram(experimental_variogram(xy, v, 10.0, 10), ["spherical", "spherical"]).model
    out = OrdinaryKriging(model, SearchEllipse(60.0), min_samples=4, max_samples=24).fit(xy, v).predict(truth[:, :2])
    estimated = np.isfinite(out["estimate"])
    assert estimated.mean() > 0.95
    correlation = np.corrcoef(out["estimate"][estimated], truth[estimated, 3])[0, 1]
    assert correlation > 0.6
    # Kriging smooths, so the estimates vary less than the truth.
    assert np.std(out["estimate"][estimated]) < np.std(truth[estimated, 3])
    assert abs(np.mean(out["estimate"][estimated]) - np.mean(truth[estimated, 3])) < 0.15 * np.mean(truth[:, 3])


def test_small_synthetic_deposit_blocks_track_the_truth():
    """3D block kriging of the small sample deposit's true sample grades
    against its true block grades, with the lab's duplicate rows merged."""
    from scipy.spatial import cKDTree

    from ree_grade.algorithms.geostats.experimental import parse_directions
    from ree_grade.algorithms.synthetic.deposit import generate_deposit

    deposit = generate_deposit("small", seed=0)
    samples, blocks = deposit.truth["samples"], deposit.truth["blocks"]
    xyz = np.column_stack([samples["x"], samples["y"], samples["z"]])
    grade = np.asarray(samples["TREO_pct"], dtype=float)
    experimental = experimental_variogram(xyz, grade, 10.0, 12, directions=parse_directions("axes"), angle_tolerance=30)
    model = fit_variogram(experimental, ["spherical"], seed=0).model
    ok = OrdinaryKriging(model, SearchEllipse((150.0, 150.0, 60.0)), 4, 24, max_per_hole=6,
                         block_discretisation=(2, 2, 2)).fit(xyz, grade, groups=samples["hole_id"])
    assert ok.n_merged_ == list(samples["flag"]).count("duplicate")
    centroids = np.column_stack([blocks["x"], blocks["y"], blocks["z"]])
    near = cKDTree(xyz).query(centroids)[0] < 30.0
    out = ok.predict(centroids[near], block_size=deposit.truth["block_grid"]["size"])
    truth = np.asarray(blocks["TREO_pct"])[near]
    assert out["n_unestimated"] == 0 and near.sum() > 500
    assert np.corrcoef(out["estimate"], truth)[0, 1] > 0.6
    assert abs(out["estimate"].mean() / truth.mean() - 1) < 0.2


def test_nearly_singular_systems_are_flagged():
    """A Gaussian model without nugget on samples much closer than its range
    gives wild weights; the targets are counted, and a small nugget cures it."""
    rng = np.random.default_rng(0)
    xy, values = rng.uniform(0, 20, (30, 2)), rng.normal(size=30)
    targets = rng.uniform(0, 20, (10, 2))
    bare = VariogramModel(0.0, [Structure("gaussian", 1.0, 100.0)])
    out = OrdinaryKriging(bare, max_samples=30).fit(xy, values).predict(targets)
    assert out["n_unstable"] >= 5 and np.all(np.abs(out["estimate"][out["unstable"]]) > 0)
    nugget = VariogramModel(0.01, [Structure("gaussian", 1.0, 100.0)])
    out = OrdinaryKriging(nugget, max_samples=30).fit(xy, values).predict(targets)
    assert out["n_unstable"] == 0 and np.all(np.abs(out["estimate"]) < 3)


def test_cancel_stops_prediction():
    from ree_grade.algorithms.common.progress import Cancelled

    xy, values = random_2d(100)
    ok = OrdinaryKriging(spherical(), max_samples=8, chunk_size=50).fit(xy, values)
    fractions = []
    ok.predict(np.random.default_rng(1).uniform(0, 100, (500, 2)), progress=fractions.append)
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)
    with pytest.raises(Cancelled):
        ok.predict(np.zeros((500, 2)), should_stop=lambda: True)


def test_kriging_together_needs_the_same_samples_and_search():
    from ree_grade.algorithms.geostats.kriging import predict_together

    rng = np.random.default_rng(3)
    xyz = np.column_stack([rng.uniform(0, 100, (40, 2)), np.zeros(40)])
    model = VariogramModel(0.1, [Structure("spherical", 1.0, (50.0, 50.0, 50.0))])
    a = OrdinaryKriging(model, max_samples=8).fit(xyz, rng.normal(size=40))
    b = OrdinaryKriging(model, max_samples=8).fit(xyz[1:], rng.normal(size=39))
    c = OrdinaryKriging(model, max_samples=6).fit(xyz, rng.normal(size=40))
    for other in (b, c):
        with pytest.raises(ValueError, match="same samples with the same search"):
            predict_together([a, other], xyz[:3])


def test_chunks_are_sized_by_the_neighbourhood_the_block_points_and_the_threads():
    from ree_grade.algorithms.geostats.kriging import default_chunk_size

    assert default_chunk_size(32) == 2048
    assert default_chunk_size(64) == 512
    assert default_chunk_size(8) == 8192  # the cap
    assert default_chunk_size(16, 6 * 6 * 4) == 910  # block support's (targets, k, points) arrays count too
    assert default_chunk_size(32, 1, per_thread=700) == 700
