"""HyperScore: the formula, its bounded range, V from moments, and the algorithm."""
import numpy as np
import pytest
from scipy.stats import lognorm, norm

from ree_grade.algorithms.resources import hyperscore as hs


def test_formula_against_hand_values():
    # V = 1: sigmoid(-ln 2) = 1/3, so 100 * (1 + 1/9).
    assert hs.hyperscore([1.0])[0] == pytest.approx(100 * (1 + 1 / 9), rel=1e-12)
    # V = 0.5: 5 ln 0.5 - ln 2 = -6 ln 2, sigmoid = 1 / (1 + 64).
    assert hs.hyperscore([0.5])[0] == pytest.approx(100 * (1 + (1 / 65) ** 2), rel=1e-12)
    assert hs.hyperscore([0.0])[0] == 100.0
    assert np.isnan(hs.hyperscore([np.nan])[0])


def test_range_is_what_the_help_says():
    low, high = hs.score_range()
    v = np.linspace(0, 1, 10001)
    scores = hs.hyperscore(v)
    assert low == 100.0 and high == pytest.approx(111.111111, abs=1e-5)
    assert scores.min() >= low and scores.max() <= high + 1e-12
    assert np.all(np.diff(scores) >= 0), "the score must grow with V"
    np.testing.assert_allclose(hs.normalised_score(scores[[0, -1]]), [0.0, 100.0], atol=1e-9)


def test_out_of_range_probability_names_row():
    with pytest.raises(ValueError, match="row 2 has probability 1.2"):
        hs.hyperscore([0.3, 1.2], label="V")
    with pytest.raises(ValueError, match="beta must be positive"):
        hs.hyperscore([0.3], beta=0)


def test_exceedance_from_moments():
    p = hs.exceedance_probability([2.0], [0.5], 1.5, "normal")
    assert p[0] == pytest.approx(norm.sf(-1.0))
    mean, sd = 2.0, 1.0
    sigma = np.sqrt(np.log1p((sd / mean) ** 2))
    mu = np.log(mean) - sigma**2 / 2
    p = hs.exceedance_probability([mean], [sd], 1.5, "lognormal")
    assert p[0] == pytest.approx(lognorm(s=sigma, scale=np.exp(mu)).sf(1.5), rel=1e-10)
    assert hs.exceedance_probability([2.0], [0.0], 1.5)[0] == 1.0


def test_variance_to_sd_names_layer_field_and_row():
    sd = hs.sd_from_variance([0.25, 4.0, np.nan], "blocks", "ok_var")
    np.testing.assert_array_equal(sd[:2], [0.5, 2.0])
    assert np.isnan(sd[2])
    with pytest.raises(ValueError, match=r"^blocks: field 'ok_var', row 2: negative variance$"):
        hs.sd_from_variance([0.25, -0.01], "blocks", "ok_var")


def test_exceedance_from_a_variance_or_an_sd():
    # Mean 2, variance 0.25 (sd 0.5), cut-off 1.5: one sd below the mean, P = Phi(1).
    p = hs.exceedance_from_spread([2.0], [0.25], 1.5, "normal", True, "blocks", "ok_var")
    assert p[0] == pytest.approx(norm.cdf(1.0))
    p = hs.exceedance_from_spread([2.0], [0.25], 1.5, "normal", False, "blocks", "ok_sd")
    assert p[0] == pytest.approx(norm.sf(-2.0))
    with pytest.raises(ValueError, match="blocks: field 'ok_var', row 1: negative variance"):
        hs.exceedance_from_spread([2.0], [-1.0], 1.5, "lognormal", True, "blocks", "ok_var")
