"""fit_variogram from a start model: the interactive panel's "Fit" refines the
model the user adjusted instead of starting over."""
import numpy as np
import pytest

from ree_grade.algorithms.geostats.experimental import experimental_variogram, parse_directions
from ree_grade.algorithms.geostats.variogram_fit import _fit_data, _FitProblem, _free_axes, fit_variogram
from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel


def walker_experimental(data_dir, directions=None):
    table = np.loadtxt(data_dir / "walker_lake" / "pygslib_walker_sample.dat", skiprows=8)
    return experimental_variogram(table[:, 1:3], table[:, 3], 10.0, 10, directions=directions)


def test_start_model_round_trips_through_the_parameter_vector(data_dir):
    angles = (345.0, 0.0, 0.0)
    experimental = walker_experimental(data_dir, parse_directions("axes", angles, 2))
    structures = ["spherical", "exponential"]
    problem = _FitProblem(_fit_data(experimental, angles, 10), structures, None, _free_axes(experimental, angles),
                          "cressie", experimental, angles)
    start = VariogramModel(12000.0, [Structure("spherical", 30000.0, (25.0, 15.0, 15.0), angles),
                                     Structure("exponential", 50000.0, (80.0, 40.0, 40.0), angles)])
    again = problem.model(problem.packed(start))
    assert again.nugget == pytest.approx(start.nugget)
    for got, want in zip(again.structures, start.structures):
        assert got.kind == want.kind and got.sill == pytest.approx(want.sill)
        np.testing.assert_allclose(got.ranges, want.ranges)


def test_fit_from_a_start_refines_it(data_dir):
    experimental = walker_experimental(data_dir)
    best = fit_variogram(experimental, ["spherical", "spherical"], seed=0)
    # One start only: from the best model the fit stays at (or below) its cost, where the heuristic start alone
    # need not get.
    refined = fit_variogram(experimental, ["spherical", "spherical"], n_starts=1, start=best.model)
    assert refined.cost <= best.cost * (1 + 1e-6)
    assert refined.model.total_sill == pytest.approx(best.model.total_sill, rel=1e-3)
    # A start far off (tiny sill, short range) still ends near the sample variance.
    far = VariogramModel(0.0, [Structure("spherical", 1000.0, 5.0), Structure("spherical", 1000.0, 12.0)])
    moved = fit_variogram(experimental, ["spherical", "spherical"], n_starts=1, start=far)
    assert moved.model.total_sill == pytest.approx(experimental.variance, rel=0.3)
    assert moved.model.total_sill > 10 * far.total_sill


def test_start_with_another_number_of_structures_is_refused(data_dir):
    experimental = walker_experimental(data_dir)
    one = VariogramModel(0.0, [Structure("spherical", 1000.0, 5.0)])
    with pytest.raises(ValueError, match="start model has 1 structures; the fit has 2"):
        fit_variogram(experimental, ["spherical", "spherical"], start=one)


def test_experimental_variogram_comes_back_from_its_arrays(data_dir):
    from ree_grade.algorithms.geostats.experimental import ExperimentalVariogram

    experimental = walker_experimental(data_dir, parse_directions("axes", (345.0, 0.0, 0.0), 2))
    both = experimental_variogram(np.zeros((3, 2)) + [[0, 0], [1, 0], [0, 2]], [1.0, 2.0, 4.0], 1.0, 2)
    for original in (experimental, both):
        again = ExperimentalVariogram.from_arrays(original.arrays(), original.variance, original.lag)
        assert again.directions == original.directions and again.lag == original.lag
        assert again.variance == original.variance
        for name in ("lags", "gammas", "npairs"):
            for got, want in zip(getattr(again, name), getattr(original, name)):
                np.testing.assert_array_equal(got, want)
