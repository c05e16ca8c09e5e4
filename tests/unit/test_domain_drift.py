"""Lognormal kriging inside logged domains (`geostats.domain_drift`), no QGIS."""
import numpy as np
import pytest

from ree_grade.algorithms.geostats.domain_drift import DomainDriftKriging
from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel

MODEL = VariogramModel(0.05, [Structure("spherical", 0.6, (300.0, 200.0, 80.0), (30.0, 0.0, 0.0))])
LEVELS = np.log([2.0, 0.3, 0.05])  # median grade per category
NUGGET = 0.1  # sd of the log grade's nugget


def domained_holes(n_holes=40, per_hole=12, seed=0):
    """Vertical holes through three rocks separated by two dipping contacts;
    the log grade is the rock's level plus one smooth field across all of
    them (and a small nugget). Returns the true mean grade too."""
    rng = np.random.default_rng(seed)
    collars = rng.uniform(0, 1000, size=(n_holes, 2))
    # Jittered depths: no two neighbours tie in distance, so every search picks the same ones.
    xyz = np.concatenate([np.column_stack([np.repeat(c[None], per_hole, 0),
                                           -10.0 * np.arange(per_hole) + rng.uniform(-1, 1, per_hole)])
                          for c in collars])
    holes = np.repeat([f"H{i:02d}" for i in range(n_holes)], per_hole)
    position = xyz[:, 0] + 0.5 * xyz[:, 2]
    codes = np.digitize(position, [400.0, 700.0])
    field = 0.5 * np.sin(xyz[:, 0] / 170.0) + 0.4 * np.cos(xyz[:, 1] / 230.0)
    grade = np.exp(LEVELS[codes] + field + rng.normal(0.0, NUGGET, len(xyz)))
    return xyz, grade, codes, holes, np.exp(LEVELS[codes] + field + NUGGET**2 / 2)


@pytest.fixture(scope="module")
def fitted():
    xyz, grade, codes, holes, _ = domained_holes()
    return DomainDriftKriging(max_samples=24).fit(xyz, grade, codes, holes, 3, MODEL), (xyz, grade, codes, holes)


def brute_force_ked(kriging, target, category):
    """The textbook KED system for one target, solved on its own."""
    idx, valid = kriging.neighbourhood_.query(target[None])
    idx = idx[0][valid[0]]
    points, codes = kriging.xyz_[idx], kriging.codes_[idx]
    present = np.unique(codes)
    assert category in present
    k, q = len(idx), len(present)
    system = np.zeros((k + q, k + q))
    system[:k, :k] = kriging.model_.covariance(points[:, None] - points[None])
    system[:k, k:] = codes[:, None] == present[None]
    system[k:, :k] = system[:k, k:].T
    rhs = np.concatenate([kriging.model_.covariance(target[None] - points), present == category])
    solution = np.linalg.solve(system, rhs)
    weights = solution[:k]
    variance = kriging.model_.total_sill - weights @ rhs[:k] - solution[k:] @ rhs[k:]
    return weights @ kriging.log_[idx], variance


def test_batched_estimates_equal_the_textbook_system(fitted):
    kriging, _ = fitted
    targets = np.array([[420.0, 500.0, -40.0], [720.0, 300.0, -40.0], [560.0, 800.0, -60.0]])
    estimate, variance = kriging.log_estimates(targets)
    checked = 0
    for row, target in enumerate(targets):
        idx, valid = kriging.neighbourhood_.query(target[None])
        for category in np.unique(kriging.codes_[idx[0][valid[0]]]):
            expected, expected_variance = brute_force_ked(kriging, target, category)
            assert estimate[row, category] == pytest.approx(expected, rel=1e-7, abs=1e-9)
            assert variance[row, category] == pytest.approx(expected_variance, rel=1e-6, abs=1e-9)
            checked += 1
    assert checked >= 5  # the targets sit near contacts: several categories in each neighbourhood


def test_only_the_targets_category_sets_the_level(fitted):
    """The drift constraints: the weights of the target's category sum to 1
    and every other category's to 0, so raising one category's grades by a
    factor raises its own estimates by that factor and leaves the others'."""
    _, (xyz, grade, codes, holes) = fitted
    base = DomainDriftKriging(max_samples=24).fit(xyz, grade, codes, holes, 3, MODEL)
    raised = DomainDriftKriging(max_samples=24).fit(xyz, np.where(codes == 1, 5.0 * grade, grade), codes, holes, 3,
                                                    MODEL)
    targets = xyz[::7] + [15.0, 15.0, -5.0]
    (a, _), (b, _) = base.log_estimates(targets), raised.log_estimates(targets)
    np.testing.assert_allclose(b[:, 1] - a[:, 1], np.log(5.0), atol=1e-8)
    np.testing.assert_allclose(b[:, [0, 2]], a[:, [0, 2]], atol=1e-8)


def test_a_category_missing_around_the_target_gets_its_mean_plus_the_residuals_kriging(fitted):
    kriging, _ = fitted
    target = np.array([80.0, 500.0, -30.0])  # deep in category 0: no sample of category 2 among 24 neighbours
    idx, valid = kriging.neighbourhood_.query(target[None])
    idx = idx[0][valid[0]]
    assert 2 not in kriging.codes_[idx]
    points = kriging.xyz_[idx]
    k = len(idx)
    system = np.ones((k + 1, k + 1))
    system[:k, :k] = kriging.model_.covariance(points[:, None] - points[None])
    system[k, k] = 0.0
    weights = np.linalg.solve(system, np.append(kriging.model_.covariance(target[None] - points), 1.0))[:k]
    estimate, _ = kriging.log_estimates(target[None])
    residuals = kriging.log_[idx] - kriging.means_[kriging.codes_[idx]]
    assert estimate[0, 2] == pytest.approx(kriging.means_[2] + weights @ residuals, abs=1e-9)
    assert kriging.means_[2] == pytest.approx(np.mean(kriging.log_[kriging.codes_ == 2]), abs=1e-12)


def test_mixture_mean_and_sd_follow_the_shares(fitted):
    kriging, (xyz, *_) = fitted
    targets = xyz[:20] + [10.0, 0.0, 0.0]
    estimate, variance = kriging.log_estimates(targets)
    one_hot = np.eye(3)[[0, 1, 2, 1] * 5]
    mean, sd = kriging.predict(targets, one_hot)
    chosen = one_hot.argmax(axis=1)
    rows = np.arange(len(targets))
    lognormal = np.exp(estimate[rows, chosen] + variance[rows, chosen] / 2)
    np.testing.assert_allclose(mean, lognormal, rtol=1e-12)
    np.testing.assert_allclose(sd, lognormal * np.sqrt(np.exp(variance[rows, chosen]) - 1.0), rtol=1e-9)
    half, _ = kriging.predict(targets, np.tile([1.0, 1.0, 0.0], (20, 1)))  # unnormalised shares
    np.testing.assert_allclose(half, 0.5 * (kriging.predict(targets, np.tile([1.0, 0, 0], (20, 1)))[0]
                                            + kriging.predict(targets, np.tile([0, 1.0, 0], (20, 1)))[0]))


def test_leave_group_out_is_kriging_without_the_hole(fitted):
    kriging, (xyz, grade, codes, holes) = fitted
    shares = np.eye(3)[codes]
    mean, _ = kriging.leave_group_out(shares)
    inside = holes == "H05"
    without = DomainDriftKriging(max_samples=24).fit(xyz[~inside], grade[~inside], codes[~inside], holes[~inside], 3,
                                                     MODEL)
    np.testing.assert_allclose(mean[inside], without.predict(xyz[inside], shares[inside])[0], rtol=1e-9)


def test_bad_inputs_are_named():
    xyz, grade, codes, holes, _ = domained_holes(n_holes=3, per_hole=2)
    with pytest.raises(ValueError, match="not below the 2 categories"):
        DomainDriftKriging().fit(xyz, grade, codes, holes, 2, MODEL)
    with pytest.raises(ValueError, match="1 samples with a known category"):
        DomainDriftKriging().fit(xyz, grade, np.r_[0, [-1] * 5], holes, 3, MODEL)
    with pytest.raises(ValueError, match="6 coordinates, 5 grades"):
        DomainDriftKriging().fit(xyz, grade[:5], codes, holes, 3, MODEL)
