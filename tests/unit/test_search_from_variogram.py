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
