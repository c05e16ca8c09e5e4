"""Variogram maths, experimental variograms, fitting, the model file and plot."""
import json

import numpy as np
import pytest

from ree_grade.algorithms.geostats.experimental import experimental_variogram, parse_directions
from ree_grade.algorithms.geostats.geometry import axis_angles, direction_vector, rotation_matrix
from ree_grade.algorithms.geostats.variogram_fit import fit_variogram
from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel
from ree_grade.algorithms.io.modelfile import ModelFileError
from ree_grade.algorithms.reports.variogram_plot import write_plot


def walker_lake(data_dir):
    """(xy, V) of the 470 Walker Lake samples (GSLIB file, 8 header lines)."""
    table = np.loadtxt(data_dir / "walker_lake" / "pygslib_walker_sample.dat", skiprows=8)
    return table[:, 1:3], table[:, 3]


def gaussian_field(points, model, seed):
    """One unconditional realisation by Cholesky of the covariance matrix."""
    cov = model.covariance(points[:, None, :] - points[None, :, :])
    lower = np.linalg.cholesky(cov + 1e-10 * np.eye(len(points)))
    return lower @ np.random.default_rng(seed).standard_normal(len(points))


def test_rotation_matrix_follows_gslib_setrot():
    np.testing.assert_allclose(rotation_matrix(0, 0, 0), [[0, 1, 0], [-1, 0, 0], [0, 0, 1]], atol=1e-15)
    # Azimuth 30: the major axis points 30 degrees east of north.
    np.testing.assert_allclose(rotation_matrix(30, 0, 0)[0], [0.5, np.sqrt(3) / 2, 0], atol=1e-15)
    # Azimuth 90 with dip -30 (GSLIB: negative plunges down): east and down.
    np.testing.assert_allclose(rotation_matrix(90, -30, 0)[0], [np.sqrt(3) / 2, 0, -0.5], atol=1e-15)
    # Rake 90 turns the semi-major axis vertical.
    np.testing.assert_allclose(rotation_matrix(0, 0, 90)[1], [0, 0, 1], atol=1e-15)
    rotation = rotation_matrix(37, -22, 15)
    np.testing.assert_allclose(rotation @ rotation.T, np.eye(3), atol=1e-14)
    assert axis_angles(direction_vector(120, -35)) == pytest.approx((120, -35))


def test_model_gamma_and_covariance():
    model = VariogramModel(0.2, [Structure("spherical", 0.8, (100, 50, 10), (45, 0, 0))])
    major = direction_vector(45, 0)
    assert model.gamma(np.zeros(3))[0] == 0.0
    assert model.gamma(1e-9 * major)[0] == pytest.approx(0.2, abs=1e-9)  # nugget jump
    assert model.gamma(100 * major)[0] == pytest.approx(1.0)
    assert model.gamma(250 * major)[0] == pytest.approx(1.0)
    assert model.gamma(50 * major)[0] == pytest.approx(0.2 + 0.8 * (1.5 * 0.5 - 0.5 * 0.125))
    semi = rotation_matrix(45, 0, 0)[1]
    assert model.gamma(50 * semi)[0] == pytest.approx(1.0)
    assert model.gamma(25 * semi)[0] == pytest.approx(model.gamma(50 * major)[0])
    assert model.gamma([[0, 0, 10]])[0] == pytest.approx(1.0)
    assert model.covariance(np.zeros((1, 3)))[0] == pytest.approx(1.0)
    exponential = VariogramModel(0.0, [Structure("exponential", 1.0, 30.0)])
    assert exponential.gamma([[30.0, 0]])[0] == pytest.approx(1 - np.exp(-3))
    gaussian = VariogramModel(0.0, [Structure("gaussian", 2.0, 30.0)])
    assert gaussian.gamma([[30.0, 0]])[0] == pytest.approx(2 * (1 - np.exp(-3)))


def test_bad_model_parameters():
    with pytest.raises(ValueError, match="unknown variogram structure type 'cubic'"):
        Structure("cubic", 1.0, 10.0)
    with pytest.raises(ValueError, match="ranges must be positive"):
        Structure("spherical", 1.0, (10.0, 0.0, 5.0))
    with pytest.raises(ValueError, match="zero total sill"):
        VariogramModel(0.0, [Structure("spherical", 0.0, 10.0)])


def test_experimental_variogram_hand_example():
    xyz = np.array([[0.0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0]])
    values = np.array([0.0, 1, 3, 6])
    exp = experimental_variogram(xyz, values, lag=1.0, n_lags=3)
    np.testing.assert_allclose(exp.lags[0], [1, 2, 3])
    np.testing.assert_array_equal(exp.npairs[0], [3, 2, 1])
    np.testing.assert_allclose(exp.gammas[0], [(0.5 + 2 + 4.5) / 3, (4.5 + 12.5) / 2, 18.0])
    # A wide lag tolerance lets a pair count in two bins, as in GSLIB.
    wide = experimental_variogram(xyz, values, lag=1.0, n_lags=3, lag_tolerance=1.0)
    np.testing.assert_array_equal(wide.npairs[0], [3, 5, 6, 3])  # bins [0,1], [0,2], [1,3], [2,4]


def test_directional_variogram_selects_pairs_by_angle_and_bandwidth():
    grid = np.array([[x, y] for x in range(5) for y in range(5)], dtype=float)
    values = grid[:, 0] * 2.0  # varies east-west only
    exp = experimental_variogram(grid, values, 1.0, 2, directions=[(90, 0), (0, 0)], angle_tolerance=10)
    # East-west pairs at lag 1: 4 per row x 5 rows; gamma = 0.5 * 2^2.
    assert exp.npairs[0][0] == 20 and exp.gammas[0][0] == pytest.approx(2.0)
    assert exp.npairs[1][0] == 20 and exp.gammas[1][0] == pytest.approx(0.0)
    diagonal = experimental_variogram(grid, values, 1.0, 4, directions=[(45, 0)], angle_tolerance=45)
    narrow = experimental_variogram(grid, values, 1.0, 4, directions=[(45, 0)], angle_tolerance=45, bandwidth=0.5)
    assert narrow.npairs[0].sum() < diagonal.npairs[0].sum()


def test_constant_values_and_too_few_samples():
    xy = np.random.default_rng(0).uniform(0, 10, (20, 2))
    with pytest.raises(ValueError, match="every value equals 3; a constant variable"):
        experimental_variogram(xy, np.full(20, 3.0), 1.0, 5, label="assays")
    with pytest.raises(ValueError, match="1 samples with a value"):
        experimental_variogram(xy[:1], [1.0], 1.0, 5)


def test_fit_recovers_simulated_parameters():
    rng = np.random.default_rng(3)
    points = rng.uniform(0, 200, (1200, 2))
    truth = VariogramModel(0.2, [Structure("spherical", 0.8, 40.0)])
    values = gaussian_field(points, truth, seed=11)
    exp = experimental_variogram(points, values, 5.0, 16)
    fit = fit_variogram(exp, ["spherical"], seed=1)
    model = fit.model
    assert fit.converged_starts >= 1
    assert model.structures[0].ranges[0] == pytest.approx(40.0, rel=0.25)
    assert model.nugget == pytest.approx(0.2, abs=0.1)
    assert model.total_sill == pytest.approx(1.0, rel=0.25)
    again = fit_variogram(exp, ["spherical"], seed=1).model
    assert again.to_dict() == model.to_dict()


def test_fit_recovers_anisotropy_from_directional_variograms():
    rng = np.random.default_rng(5)
    points = rng.uniform(0, 200, (1200, 2))
    truth = VariogramModel(0.05, [Structure("spherical", 0.95, (60.0, 20.0, 20.0), (30, 0, 0))])
    values = gaussian_field(points, truth, seed=2)
    directions = parse_directions("axes", (30, 0, 0), dimensions=2)
    assert directions == [pytest.approx((30, 0)), pytest.approx((300, 0))]
    exp = experimental_variogram(points, values, 5.0, 16, directions=directions, angle_tolerance=22.5)
    fit = fit_variogram(exp, ["spherical"], angles=(30, 0, 0), seed=0)
    major, semi, minor = fit.model.structures[0].ranges
    assert fit.free_axes == [0, 1]
    assert major == pytest.approx(60.0, rel=0.3)
    assert semi == pytest.approx(20.0, rel=0.3)
    assert minor == semi


def test_walker_lake_fit_is_sensible(data_dir):
    xy, v = walker_lake(data_dir)
    exp = experimental_variogram(xy, v, 10.0, 10)
    fit = fit_variogram(exp, ["spherical", "spherical"], seed=0)
    model = fit.model
    # Isaaks & Srivastava (1989): the 470 V samples have sd 299.9 ppm (the
    # preferential sampling of high values inflates it above the exhaustive
    # 249.9); their V variogram has a nugget and ranges of tens of metres.
    assert np.sqrt(exp.variance) == pytest.approx(299.9, abs=0.5)
    assert 0.6 * exp.variance < model.total_sill < 1.5 * exp.variance
    assert 0 <= model.nugget < 0.5 * model.total_sill
    assert 5 < max(s.ranges[0] for s in model.structures) < 200


def test_fit_that_does_not_converge_says_what_to_do():
    xy = np.random.default_rng(0).uniform(0, 100, (300, 2))
    values = np.sin(xy[:, 0] / 10)
    exp = experimental_variogram(xy, values, 5.0, 10)
    with pytest.raises(ValueError, match="did not converge .* fix the nugget"):
        fit_variogram(exp, ["spherical", "exponential"], n_starts=2, max_evaluations=1)
    with pytest.raises(ValueError, match="only 0 lags have at least 10 pairs"):
        fit_variogram(experimental_variogram(xy[:4], values[:4], 1.0, 3), ["spherical"])


def test_model_file_round_trip_and_checks(tmp_path):
    xy = np.random.default_rng(1).uniform(0, 100, (200, 2))
    values = np.cos(xy[:, 1] / 15) + xy[:, 0] / 100
    exp = experimental_variogram(xy, values, 5.0, 10)
    fit = fit_variogram(exp, ["exponential"], nugget=0.01)
    assert fit.model.nugget == 0.01
    path = tmp_path / "v.json"
    fit.model.save(str(path), "TREO_pct", exp, fit.metadata())
    loaded = VariogramModel.load(str(path))
    header = loaded.header_
    assert loaded.to_dict() == fit.model.to_dict()
    assert header["kind"] == "variogram" and header["fields"] == ["TREO_pct"]
    header["kind"] = "boxcox"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(header))
    (tmp_path / "other.npz").write_bytes((tmp_path / "v.npz").read_bytes())
    with pytest.raises(ModelFileError, match="kind is 'boxcox', expected 'variogram'"):
        VariogramModel.load(str(other))
    np.savez(tmp_path / "v.npz", exp_gamma=np.zeros(3))
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        VariogramModel.load(str(path))


def test_plot_png_and_html(tmp_path):
    xy = np.random.default_rng(2).uniform(0, 100, (150, 2))
    values = xy[:, 0] / 10 + np.random.default_rng(3).normal(0, 0.5, 150)
    exp = experimental_variogram(xy, values, 5.0, 10, directions=[(0, 0), (90, 0)])
    fit = fit_variogram(exp, ["spherical"])
    png, page = tmp_path / "v.png", tmp_path / "v.html"
    write_plot(str(png), fit.model, exp)
    write_plot(str(page), fit.model, exp, "Test", fit)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = page.read_text()
    assert "data:image/png;base64," in text and "azimuth 90, dip 0" in text and "spherical" in text


def test_range_at_the_fit_limit_is_reported():
    """A linear drift has no sill: the fitted range runs to its limit, and the fit says so."""
    x = np.linspace(0, 100, 200)
    exp = experimental_variogram(np.column_stack([x, np.zeros(200)]), x * 0.1, 5.0, 10)
    fit = fit_variogram(exp, ["spherical"], nugget=0.0)
    assert fit.warnings and "major range reached the fit's limit" in fit.warnings[0]
