"""Leave-group-out ordinary kriging: every sample estimated without its own
drillhole, against a fresh kriging of the other holes, and the exclusion in the
search neighbourhood."""
import numpy as np
import pytest
from scipy.spatial import cKDTree

from ree_grade.algorithms.geostats.kriging import OrdinaryKriging
from ree_grade.algorithms.geostats.neighbourhood import Neighbourhood, SearchEllipse
from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel


def model():
    return VariogramModel(0.1, [Structure("spherical", 0.6, (80.0, 50.0, 15.0), (30.0, 0.0, 0.0)),
                                Structure("exponential", 0.3, 200.0)])


def drillholes(n_holes=8, per_hole=15, seed=3):
    """Inclined holes 2 m apart down-hole, a smooth grade plus noise."""
    rng = np.random.default_rng(seed)
    collars = rng.uniform(0, 120, (n_holes, 2))
    direction = np.column_stack([rng.uniform(-0.3, 0.3, (n_holes, 2)), -np.ones(n_holes)])
    depth = np.arange(per_hole) * 2.0 + 1.0
    holes = np.repeat(np.arange(n_holes), per_hole)
    xyz = np.column_stack([collars[holes], np.zeros(len(holes))]) + direction[holes] * np.tile(depth, n_holes)[:, None]
    values = np.sin(xyz[:, 0] / 25) + np.cos(xyz[:, 1] / 40) + xyz[:, 2] / 30 + rng.normal(0, 0.2, len(holes))
    return xyz, values, np.array([f"DH{h:02d}" for h in holes])


def settings(max_per_hole, search):
    return dict(model=model(), max_samples=12, max_per_hole=max_per_hole, chunk_size=37,
                search=SearchEllipse((90.0, 60.0, 40.0), (30.0, 0.0, 0.0)) if search else None)


@pytest.mark.parametrize("max_per_hole", [None, 3])
@pytest.mark.parametrize("search", [False, True])
@pytest.mark.parametrize("per_hole", [15, 60])
def test_leave_group_out_equals_kriging_of_the_other_holes(max_per_hole, search, per_hole):
    # With 60 samples a hole, the first candidates are mostly the target's own
    # hole and the search has to widen.
    xyz, values, groups = drillholes(per_hole=per_hole)
    out = OrdinaryKriging(**settings(max_per_hole, search)).fit(xyz, values, groups).leave_group_out()
    estimated = 0
    for hole in np.unique(groups):
        mine = groups == hole
        fresh = OrdinaryKriging(**settings(max_per_hole, search)).fit(xyz[~mine], values[~mine], groups[~mine])
        expected = fresh.predict(xyz[mine])
        for name in ("estimate", "variance", "slope", "lagrange"):
            np.testing.assert_allclose(out[name][mine], expected[name], rtol=1e-10, atol=1e-10, err_msg=name)
        np.testing.assert_array_equal(out["n_used"][mine], expected["n_used"])
        estimated += int(np.isfinite(expected["estimate"]).sum())
    assert estimated > len(values) // 2
    # Not the ordinary estimate, which at a sample is the datum itself.
    assert np.nanmax(np.abs(out["estimate"] - values)) > 0.1


@pytest.mark.parametrize("max_per_hole", [None, 3])
def test_exclusion_respects_the_cap_and_takes_the_nearest_allowed(max_per_hole):
    xyz, _, groups = drillholes()
    holes = np.unique(groups, return_inverse=True)[1]
    rng = np.random.default_rng(5)
    targets = rng.uniform([0, 0, -30], [120, 120, 0], (60, 3))
    exclude = rng.integers(-1, 8, len(targets))
    neighbourhood = Neighbourhood(xyz, None, 10, max_per_hole, holes)
    idx, valid = neighbourhood.query(targets, exclude)
    cap = max_per_hole or len(xyz)
    for row in range(len(targets)):
        order = np.argsort(np.linalg.norm(xyz - targets[row], axis=1), kind="stable")
        expected, count = [], np.zeros(8, dtype=int)
        for i in order:
            if holes[i] != exclude[row] and count[holes[i]] < cap:
                expected.append(i)
                count[holes[i]] += 1
            if len(expected) == 10:
                break
        np.testing.assert_array_equal(idx[row][valid[row]], expected)


def test_absent_label_and_no_exclusion_give_todays_estimate():
    xyz, values, groups = drillholes()
    rng = np.random.default_rng(8)
    targets = rng.uniform([0, 0, -30], [120, 120, 0], (300, 3))
    for max_per_hole in (None, 3):
        ok = OrdinaryKriging(**settings(max_per_hole, True)).fit(xyz, values, groups)
        today = ok.predict(targets)
        assert today["n_unestimated"] < len(targets)
        untouched = ok.predict(targets, exclude_groups=None)
        absent = ok.predict(targets, exclude_groups=np.full(len(targets), "NO_SUCH_HOLE"))
        for name in ("estimate", "variance", "slope", "lagrange", "n_used", "unstable"):
            # Bit-identical: None takes the unchanged fast path.
            np.testing.assert_array_equal(untouched[name], today[name])
            np.testing.assert_allclose(absent[name], today[name], rtol=1e-12, atol=1e-12)
        # Absent labels beside real ones: those targets go the widening way and
        # still get today's result.
        mixed = np.where(np.arange(len(targets)) % 2 == 0, "NO_SUCH_HOLE", groups[0])
        half = ok.predict(targets, exclude_groups=mixed)
        for name in ("estimate", "variance", "slope", "lagrange", "n_used"):
            np.testing.assert_allclose(half[name][::2], today[name][::2], rtol=1e-12, atol=1e-12)
    # The fast path of the neighbourhood is the plain k-d tree query.
    ok = OrdinaryKriging(**settings(None, False)).fit(xyz, values, groups)
    idx, valid = ok.neighbourhood_.query(targets, None)
    assert valid.all()
    np.testing.assert_array_equal(idx, cKDTree(ok.xyz_).query(targets, k=12)[1])
    # Excluding a hole does change the targets near it.
    ok = OrdinaryKriging(**settings(None, True)).fit(xyz, values, groups)
    changed = ok.predict(targets, exclude_groups=np.full(len(targets), groups[0]))
    assert np.nanmax(np.abs(changed["estimate"] - today["estimate"])) > 1e-3


def test_labels_are_compared_as_strings():
    xyz, values, groups = drillholes()
    numeric = np.unique(groups, return_inverse=True)[1].ravel() + 100
    ok = OrdinaryKriging(**settings(None, False)).fit(xyz, values, numeric)
    by_label = OrdinaryKriging(**settings(None, False)).fit(xyz, values, groups)
    out = ok.predict(xyz, exclude_groups=[str(v) for v in numeric])
    np.testing.assert_allclose(out["estimate"], by_label.leave_group_out()["estimate"], rtol=1e-12)


def test_merged_duplicates_and_missing_rows_map_back():
    xyz, values, groups = drillholes()
    # Row 5 twice more (same hole and place, values whose mean with it is its
    # own), a row without a value and one without a coordinate.
    extra_xyz = np.vstack([xyz[5], xyz[40], [np.nan, 1.0, 1.0], xyz[5]])
    extra_values = np.array([values[5] + 1.0, np.nan, 2.0, values[5] - 1.0])
    X = np.vstack([extra_xyz[:3], xyz, extra_xyz[3:]])
    y = np.concatenate([extra_values[:3], values, extra_values[3:]])
    g = np.concatenate([[groups[5], groups[40], "DH99"], groups, [groups[5]]])
    ok = OrdinaryKriging(**settings(3, True)).fit(X, y, g)
    assert ok.n_merged_ == 2 and ok.n_dropped_ == 2
    out = ok.leave_group_out()
    assert out["estimate"].shape == (len(y),)
    assert np.isnan(out["estimate"][1]) and np.isnan(out["estimate"][2]) and np.isnan(out["variance"][2])
    # All three copies of row 5 get the estimate of row 5 in the same data
    # without the copies, and every other row its own.
    plain = OrdinaryKriging(**settings(3, True)).fit(xyz, values, groups).leave_group_out()
    for row in (0, 3 + 5, len(y) - 1):
        np.testing.assert_allclose(out["estimate"][row], plain["estimate"][5], rtol=1e-12)
    np.testing.assert_allclose(out["estimate"][3:-1], plain["estimate"], rtol=1e-12, atol=1e-12)
    assert out["n_unestimated"] == plain["n_unestimated"] + 2


def test_a_sample_merged_across_holes_is_left_out_for_both():
    xyz, values, groups = drillholes()
    # A row of hole DH01 on a sample of DH00: merged into DH00's sample.
    X = np.vstack([xyz, xyz[3]])
    y = np.append(values, 5.0)
    g = np.append(groups, groups[20])
    ok = OrdinaryKriging(**settings(None, False)).fit(X, y, g)
    assert ok.n_merged_ == 1
    target = np.repeat(xyz[3:4] + 0.5, 2, axis=0)
    idx, valid = ok.neighbourhood_.query(target, ok._exclude_codes([groups[20], groups[40]], 2))
    merged = int(np.argmin(np.linalg.norm(ok.xyz_ - xyz[3], axis=1)))
    assert merged not in idx[0][valid[0]] and merged in idx[1][valid[1]]


def test_a_target_with_only_its_own_hole_in_the_search_is_not_estimated():
    xyz, values, groups = drillholes()
    # A far hole, alone inside its search ellipse.
    far = xyz[:15] + [1000.0, 1000.0, 0.0]
    X, y = np.vstack([xyz, far]), np.append(values, values[:15])
    g = np.append(groups, ["FAR"] * 15)
    ok = OrdinaryKriging(**settings(None, True)).fit(X, y, g)
    out = ok.leave_group_out()
    assert np.all(np.isnan(out["estimate"][-15:])) and np.all(np.isnan(out["variance"][-15:]))
    assert np.all(out["n_used"][-15:] == 0)
    assert out["n_unestimated"] >= 15
    assert out["n_unestimated"] == int(np.isnan(out["estimate"]).sum())
    # Without the exclusion they are estimated.
    assert np.all(np.isfinite(ok.predict(far)["estimate"]))


def test_exclusion_needs_fitted_groups():
    xyz, values, groups = drillholes()
    ok = OrdinaryKriging(**settings(None, False)).fit(xyz, values)
    with pytest.raises(ValueError, match="needs the group .* fit was called without groups"):
        ok.predict(xyz, exclude_groups=groups)
    with pytest.raises(ValueError, match="needs the group .* fit was called without groups"):
        ok.leave_group_out()
    ok.fit(xyz, values, groups)
    with pytest.raises(ValueError, match="3 excluded groups for 120 targets"):
        ok.predict(xyz, exclude_groups=groups[:3])
    with pytest.raises(ValueError, match="120 coordinates for 3 hole labels"):
        ok.fit(xyz, values, groups[:3])



def test_a_sample_left_out_takes_no_place_under_its_holes_cap():
    # Sample 0 is of hole 0 and also of hole 1 (a merge); a target of hole 1
    # leaves it out, so hole 0's next sample is within the cap of one.
    xyz = np.array([[0.0, 0, 0], [1.0, 0, 0], [2.0, 0, 0], [3.0, 0, 0]])
    neighbourhood = Neighbourhood(xyz, None, 2, 1, np.array([0, 0, 2, 2]), also_in=(np.array([0]), np.array([1])))
    idx, valid = neighbourhood.query(np.array([[0.1, 0, 0], [0.1, 0, 0]]), np.array([1, -1]))
    np.testing.assert_array_equal(idx[0][valid[0]], [1, 2])
    np.testing.assert_array_equal(idx[1][valid[1]], [0, 2])
