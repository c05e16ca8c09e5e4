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
    """The textbook KED system for one target, solved on its own: (the log
    mean with the category's multiplier, the KED variance)."""
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
    weights, multiplier = solution[:k], solution[k:] @ rhs[k:]
    variance = kriging.model_.total_sill - weights @ rhs[:k] - multiplier
    return weights @ kriging.log_[idx] + multiplier, variance


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
    solution = np.linalg.solve(system, np.append(kriging.model_.covariance(target[None] - points), 1.0))
    estimate, _ = kriging.log_estimates(target[None])
    residuals = kriging.log_[idx] - kriging.means_[kriging.codes_[idx]]
    assert estimate[0, 2] == pytest.approx(kriging.means_[2] + solution[:k] @ residuals + solution[k], abs=1e-9)
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


def test_twin_holes_keep_a_new_samples_variance(fitted):
    """A twin hole at the same points with its own assays: the nugget is each
    sample's own error, so the system stays consistent and a target at those
    points has at least the nugget's variance (it is a new sample)."""
    _, (xyz, grade, codes, holes) = fitted
    first = holes == "H00"
    twin = np.random.default_rng(5).lognormal(0.0, 0.3, first.sum())
    kriging = DomainDriftKriging(max_samples=24).fit(
        np.vstack([xyz, xyz[first]]), np.r_[grade, grade[first] * twin], np.r_[codes, codes[first]],
        np.r_[holes, ["TWIN"] * first.sum()], 3, MODEL)
    _, variance = kriging.log_estimates(xyz[first])
    assert np.all(variance >= MODEL.nugget - 1e-9)
    mean, _ = kriging.leave_group_out(np.eye(3)[np.r_[codes, codes[first]]])
    assert np.all(np.abs(np.log(mean[: len(xyz)][first] / grade[first])) < 1.0)


def test_the_mean_is_unbiased_over_realisations():
    """Gaussian log grades with the model's covariance and an unknown level
    per category, the target's category sampled only far away: the mean of
    exp(m_c + s_c^2 / 2) over realisations is the mean of the target's grade
    (within about 1.5 standard errors when written). Without the Lagrange
    multiplier in m_c it would run high by exp(-l_c) = 1.52."""
    rng = np.random.default_rng(3)
    near = np.column_stack([rng.uniform(100, 300, (36, 2)), np.zeros(36)])
    far = np.column_stack([rng.uniform(600, 700, (4, 2)), np.zeros(4)])
    xyz, codes = np.vstack([near, far]), np.r_[np.zeros(36, int), np.ones(4, int)]
    target = np.array([[200.0, 200.0, 0.0]])
    points = np.vstack([xyz, target])
    covariance = MODEL.covariance(points[:, None] - points[None])
    draws = rng.multivariate_normal(np.zeros(41), covariance, size=2000)
    levels = np.where(codes == 1, 0.8, -0.4)
    predicted = np.array([DomainDriftKriging(max_samples=40).fit(
        xyz, np.exp(levels + draw[:40]), codes, np.arange(40).astype(str), 2, MODEL).predict(target, [[0, 1.0]])[0][0]
        for draw in draws])
    truth = np.exp(0.8 + draws[:, 40])
    error = (predicted - truth) / truth.mean()
    assert abs(error.mean()) < 4 * error.std() / np.sqrt(len(draws)) < 0.12


def test_bad_inputs_are_named():
    xyz, grade, codes, holes, _ = domained_holes(n_holes=3, per_hole=2)
    with pytest.raises(ValueError, match="not below the 2 categories"):
        DomainDriftKriging().fit(xyz, grade, codes, holes, 2, MODEL)
    with pytest.raises(ValueError, match="1 samples with a known category"):
        DomainDriftKriging().fit(xyz, grade, np.r_[0, [-1] * 5], holes, 3, MODEL)
    with pytest.raises(ValueError, match="6 coordinates, 5 grades"):
        DomainDriftKriging().fit(xyz, grade[:5], codes, holes, 3, MODEL)
