"""The search ellipse ordinary kriging and MIK take from the variogram when
the user leaves radii or angles empty (`neighbourhood.search_from_variogram`)."""
import numpy as np
import pytest

from ree_grade.algorithms.geostats.neighbourhood import search_from_variogram
from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel

MODEL = VariogramModel(0.1, [Structure("spherical", 0.3, (40.0, 30.0, 10.0), (10.0, 0.0, 0.0)),
                             Structure("exponential", 0.6, (200.0, 100.0, 40.0), (60.0, -30.0, 20.0))])


def test_empty_values_are_the_longest_structure():
    search, radii, angles = search_from_variogram(MODEL)
    np.testing.assert_allclose(search.radii, [200.0, 100.0, 40.0])
    assert search.angles == (60.0, -30.0, 20.0)
    assert radii == ["variogram"] * 3 and angles == ["variogram"] * 3


def test_given_values_win_and_ratios_follow_a_given_major():
    search, radii, angles = search_from_variogram(MODEL, (120.0, None, 30.0), (None, 0.0, None))
    np.testing.assert_allclose(search.radii, [120.0, 60.0, 30.0])
    assert search.angles == (60.0, 0.0, 20.0)
    assert radii == ["given", "variogram", "given"] and angles == ["variogram", "given", "variogram"]


@pytest.mark.parametrize("model", [MODEL, None])
def test_a_major_radius_of_zero_is_unlimited(model):
    search, radii, _ = search_from_variogram(model, (0.0, None, None))
    assert search is None and radii[0] == "given"


def test_without_a_variogram_the_old_defaults_hold():
    assert search_from_variogram(None)[0] is None
    search, radii, angles = search_from_variogram(None, (50.0, None, None))
    np.testing.assert_allclose(search.radii, [50.0, 50.0, 50.0])
    assert search.angles == (0.0, 0.0, 0.0)
    assert radii == ["given", "default", "default"] and angles == ["default"] * 3


def test_without_a_search_kriging_ranks_samples_by_the_variogram_metric():
    """Far along the major axis beats near across it: a sample 150 m down the
    200 m axis (0.75 ranges) is nearer in the variogram's metric than one 35 m
    along the 40 m minor axis (0.875), so an unlimited search keeps the first
    when only one fits; plain distance would keep the second."""
    from ree_grade.algorithms.geostats.geometry import rotation_matrix
    from ree_grade.algorithms.geostats.kriging import OrdinaryKriging
    from ree_grade.algorithms.geostats.neighbourhood import variogram_metric

    axes = rotation_matrix(60.0, -30.0, 20.0)  # rows: the major, semi-major and minor axes
    samples = np.array([150.0 * axes[0], 35.0 * axes[2]])
    ok = OrdinaryKriging(MODEL, None, 1, 1).fit(samples, [1.0, 2.0])
    assert not ok.search_.bounded and ok.search_.angles == (60.0, -30.0, 20.0)
    assert ok.predict(np.zeros((1, 3)))["estimate"][0] == 1.0
    assert variogram_metric(VariogramModel(0.2, [])) is None  # pure nugget: plain distance
    mostly_nugget = VariogramModel(0.9, [Structure("spherical", 0.1, (3000.0, 3000.0, 400.0), (15.0, -48.0, 0.0))])
    assert variogram_metric(mostly_nugget) is None  # an anisotropy holding 10 % of the sill ranks nothing


def test_mik_thresholds_share_the_middle_variograms_metric():
    from ree_grade.algorithms.geostats.mik import MultipleIndicatorKriging

    rng = np.random.default_rng(0)
    xyz = rng.uniform(0, 100, (200, 3))
    values = np.exp(np.sin(xyz[:, 0] / 15.0) + rng.normal(0, 0.3, 200))
    mik = MultipleIndicatorKriging(median_ik=False, max_samples=12).fit(xyz, values)
    assert all(kriger.search_ is mik.search_ for kriger in mik.krigers_)
    middle = mik.models_[len(mik.models_) // 2]
    longest = max(middle.structures, key=lambda structure: structure.ranges[0])
    np.testing.assert_allclose(mik.search_.radii, longest.ranges)
