"""OrdinaryKriging against a plain per-target solve (the neighbours found by
brute force, one dense system each), 2D and 3D, with and without max_per_hole
and hole exclusion: the baseline any speed-up of the batched solver must keep
to 1e-8 relative, and thread counts to 1e-10."""
import numpy as np
import pytest

from ree_grade.algorithms.geostats.geometry import rotation_matrix
from ree_grade.algorithms.geostats.kriging import OrdinaryKriging
from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel


def _data(dim, seed=3):
    rng = np.random.default_rng(seed)
    n = 120
    xyz = np.column_stack([rng.uniform(0, 100, n), rng.uniform(0, 100, n),
                           rng.uniform(-40, 0, n) if dim == 3 else np.zeros(n)])
    values = np.sin(xyz[:, 0] / 20) + rng.normal(0, 0.2, n)
    holes = np.array([f"H{i % 15}" for i in range(n)])
    targets = np.column_stack([rng.uniform(0, 100, 60), rng.uniform(0, 100, 60),
                               rng.uniform(-40, 0, 60) if dim == 3 else np.zeros(60)])
    model = VariogramModel(0.1, [Structure("spherical", 0.6, (60, 40, 20), (30, 10, 0)),
                                 Structure("exponential", 0.4, (25, 25, 25))])
    return xyz, values, holes, targets, model


def _metric_distance(model, offsets):
    """Distance in the frame of the longest structure, scaled by its ranges:
    what an unlimited search ranks samples by."""
    longest = max(model.structures, key=lambda structure: structure.ranges[0])
    return np.linalg.norm((offsets @ rotation_matrix(*longest.angles).T) / np.asarray(longest.ranges), axis=1)


def _neighbours(model, xyz, holes, target, k, max_per_hole, exclude):
    """Nearest first, skipping the excluded hole and holes already at the cap."""
    order = np.argsort(_metric_distance(model, xyz - target), kind="stable")
    chosen, per_hole = [], {}
    for i in order:
        if holes[i] == exclude or (max_per_hole and per_hole.get(holes[i], 0) >= max_per_hole):
            continue
        per_hole[holes[i]] = per_hole.get(holes[i], 0) + 1
        chosen.append(i)
        if len(chosen) == k:
            break
    return np.array(chosen)


def _reference(model, xyz, values, holes, targets, k, max_per_hole, exclude):
    estimate, variance = [], []
    for t, target in enumerate(targets):
        near = _neighbours(model, xyz, holes, target, k, max_per_hole, None if exclude is None else exclude[t])
        lhs = np.ones((len(near) + 1, len(near) + 1))
        lhs[-1, -1] = 0.0
        lhs[:-1, :-1] = model.covariance(xyz[near][:, None, :] - xyz[near][None, :, :])
        rhs = np.ones(len(near) + 1)
        rhs[:-1] = model.covariance(xyz[near] - target)
        solution = np.linalg.solve(lhs, rhs)
        estimate.append(solution[:-1] @ values[near])
        variance.append(model.total_sill - solution[:-1] @ rhs[:-1] - solution[-1])
    return np.array(estimate), np.array(variance)


@pytest.mark.parametrize("dim", [2, 3])
@pytest.mark.parametrize("max_per_hole", [None, 3])
@pytest.mark.parametrize("excluded", [False, True])
def test_batched_kriging_equals_a_per_target_solve(dim, max_per_hole, excluded):
    xyz, values, holes, targets, model = _data(dim)
    exclude = holes[:len(targets)] if excluded else None
    reference = _reference(model, xyz, values, holes, targets, 16, max_per_hole, exclude)
    for n_jobs in (1, 2):
        ok = OrdinaryKriging(model, None, 1, 16, max_per_hole, chunk_size=7, n_jobs=n_jobs).fit(xyz, values, holes)
        out = ok.predict(targets, exclude_groups=exclude)
        np.testing.assert_allclose(out["estimate"], reference[0], rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(out["variance"], reference[1], rtol=1e-8, atol=1e-12)
        if n_jobs == 1:
            single = out
    np.testing.assert_allclose(out["estimate"], single["estimate"], rtol=1e-10, atol=0)
