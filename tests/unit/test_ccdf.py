"""Indicator ccdfs as GSLIB's ik3d/postik define them, against hand-worked values."""
import numpy as np
import pytest
from scipy.integrate import quad

from ree_grade.algorithms.geostats.ccdf import (
    IndicatorCcdf,
    cell_declustering_weights,
    correct_order_relations,
    weighted_quantiles,
)


def test_order_relations_need_both_passes():
    # clip -> [0.2, 0.15, 0.5, 1.0, 0.9]
    # upward (running max)      -> [0.2, 0.2, 0.5, 1.0, 1.0]
    # downward (running min <-) -> [0.15, 0.15, 0.5, 0.9, 0.9]
    # average                    -> [0.175, 0.175, 0.5, 0.95, 0.95]
    corrected, n_changed, largest = correct_order_relations([[0.2, 0.15, 0.5, 1.1, 0.9]])
    np.testing.assert_allclose(corrected[0], [0.175, 0.175, 0.5, 0.95, 0.95])
    assert n_changed[0] == 4 and largest[0] == pytest.approx(0.15)
    valid, n_valid, _ = correct_order_relations([[0.1, 0.4, 0.8]])
    np.testing.assert_array_equal(valid[0], [0.1, 0.4, 0.8])
    assert n_valid[0] == 0


LINEAR = dict(zmin=0.0, zmax=10.0, upper="linear")


def test_etype_linear_classes_by_hand():
    # classes [0,1] [1,2] [2,4] [4,10] with masses 0.2, 0.3, 0.4, 0.1 and midpoints
    ccdf = IndicatorCcdf([1, 2, 4], [[0.2, 0.5, 0.9]], **LINEAR)
    assert ccdf.mean[0] == pytest.approx(0.2 * 0.5 + 0.3 * 1.5 + 0.4 * 3.0 + 0.1 * 7.0)
    second = 0.2 * 1 / 3 + 0.3 * (1 + 2 + 4) / 3 + 0.4 * (4 + 8 + 16) / 3 + 0.1 * (16 + 40 + 100) / 3
    assert ccdf.variance[0] == pytest.approx(second - 2.45**2)
    assert ccdf.quantile(0.35)[0] == pytest.approx(1.5)
    assert ccdf.quantile(0.95)[0] == pytest.approx(7.0)
    assert ccdf.cdf(3.0)[0] == pytest.approx(0.7)
    assert ccdf.exceedance(4.0)[0] == pytest.approx(0.1)


def test_hyperbolic_upper_tail_by_hand_and_by_quadrature():
    ccdf = IndicatorCcdf([1, 2, 4], [[0.2, 0.5, 0.9]], zmin=0.0, zmax=10.0, upper="hyperbolic", upper_omega=1.5)
    lam = 0.1 * 4**1.5
    tail = lam * 1.5 * (10**-0.5 - 4**-0.5) / -0.5 + lam * 10**-1.5 * 10
    assert ccdf.mean[0] == pytest.approx(0.1 + 0.45 + 1.2 + tail)

    def density(z):
        return np.exp(ccdf.logpdf(z)[0])

    continuous = quad(lambda z: z * density(z), 4, 10)[0]
    assert continuous + 10 * lam * 10**-1.5 == pytest.approx(tail, rel=1e-8)
    # F(z) = 1 - lambda / z^omega inside the tail, and its inverse
    assert ccdf.cdf(6.0)[0] == pytest.approx(1 - lam / 6**1.5)
    assert ccdf.quantile(1 - lam / 6**1.5)[0] == pytest.approx(6.0)
    assert ccdf.quantile(0.999)[0] == 10.0


def test_power_middle_class_moments():
    ccdf = IndicatorCcdf([1, 3], [[0.0, 1.0]], zmin=0.0, zmax=5.0, middle="power", middle_omega=2.0, upper="linear")
    # All mass in [1, 3] with F = ((z - 1) / 2)^2: E[Z] = 1 + 2 * 2/3
    assert ccdf.mean[0] == pytest.approx(1 + 4 / 3)
    assert ccdf.quantile(0.25)[0] == pytest.approx(2.0)
    assert quad(lambda z: np.exp(ccdf.logpdf(z)[0]), 1, 3)[0] == pytest.approx(1.0)


def test_bad_ccdf_settings():
    with pytest.raises(ValueError, match="within"):
        IndicatorCcdf([1, 20], [[0.5, 0.9]], zmin=0.0, zmax=10.0)
    with pytest.raises(ValueError, match="omega > 1"):
        IndicatorCcdf([1, 2], [[0.5, 0.9]], zmin=0.0, zmax=10.0, upper_omega=1.0)


def test_cell_declustering_down_weights_a_cluster():
    rng = np.random.default_rng(0)
    regular = np.column_stack([np.repeat(np.arange(10), 10) * 10.0, np.tile(np.arange(10), 10) * 10.0])
    cluster = rng.uniform(40, 45, (50, 2))
    xy = np.vstack([regular, cluster])
    values = np.concatenate([np.ones(100), np.full(50, 5.0)])
    weights, size, means = cell_declustering_weights(xy, [5.0, 10.0, 20.0], values=values)
    assert weights.sum() == pytest.approx(150)
    assert weights[100:].mean() < weights[:100].mean()
    assert means[size] < values.mean()
    median = weighted_quantiles(values, weights, [0.5])[0]
    assert median == pytest.approx(1.0)
