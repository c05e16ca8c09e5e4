"""Grade-tonnage curves and resource classification, against hand-worked blocks."""
import numpy as np
import pytest

from ree_grade.algorithms.resources.classification import (
    ClassificationRule,
    flatten_if_2d,
    hole_distances,
    sd_from_spread,
)
from ree_grade.algorithms.resources.gradetonnage import (
    block_tonnage,
    block_volume,
    cutoff_series,
    grade_tonnage,
    grade_tonnage_bands,
    in_metal_units,
    layer_tonnage,
    posterior_curves,
    volume_fields,
)


def test_grade_tonnage_by_hand():
    tonnage = block_tonnage([1000.0, 1000.0, 2000.0, 1000.0], 2.5)
    curve = grade_tonnage([0.5, 2.0, 3.0, np.nan], tonnage, [0.0, 1.0, 2.5, 5.0])
    np.testing.assert_allclose(curve["tonnage"], [10000, 7500, 5000, 0])
    assert curve["grade"][0] == pytest.approx((0.5 * 2500 + 2.0 * 2500 + 3.0 * 5000) / 10000)
    assert curve["grade"][1] == pytest.approx((2.0 * 2500 + 3.0 * 5000) / 7500)
    assert np.isnan(curve["grade"][3])
    np.testing.assert_allclose(curve["metal"], curve["tonnage"] * np.nan_to_num(curve["grade"]))


def test_bands_bracket_the_curves():
    rng = np.random.default_rng(0)
    realisations = np.exp(rng.normal(0.0, 0.5, (50, 200)))
    bands = grade_tonnage_bands(realisations, np.ones(200), cutoff_series(0.5, 2.0, 0.5))
    assert np.all(bands["tonnage_p10"] <= bands["tonnage_p50"]) and np.all(bands["tonnage_p50"] <= bands["tonnage_p90"])
    assert np.all(np.diff(bands["tonnage_p50"]) <= 0)


def test_curve_report_leaves_matplotlib_state_alone(tmp_path):
    """Inside QGIS the backend and pyplot's figures belong to the application."""
    import matplotlib
    import matplotlib.pyplot as plt

    from ree_grade.algorithms.reports.gradetonnage import write_curve_report

    previous = matplotlib.get_backend()
    matplotlib.use("svg")
    try:
        figures = plt.get_fignums()
        tonnage = block_tonnage([1000.0, 1000.0, 2000.0], 2.5)
        curves = {"OK": grade_tonnage([0.5, 2.0, 3.0], tonnage, [0.0, 1.0, 2.0])}
        write_curve_report(str(tmp_path / "gt.html"), curves, "TREO %")
        assert matplotlib.get_backend() == "svg"
        assert plt.get_fignums() == figures
    finally:
        matplotlib.use(previous)
    assert (tmp_path / "gt.html").read_text().count("data:image/png;base64,") == 1


def test_bad_blocks():
    with pytest.raises(ValueError, match="block 2: volume 0.0 is not positive"):
        block_tonnage([1.0, 0.0], 2.5)
    with pytest.raises(ValueError, match="block 1: density -1.0"):
        block_tonnage([1.0], [-1.0])
    with pytest.raises(ValueError, match="empty"):
        cutoff_series(2.0, 1.0, 0.5)


def test_hole_distances_count_distinct_holes():
    samples = np.array([[0, 0, 0], [0, 0, -1], [0, 0, -2], [10, 0, 0], [0, 20, 0]], dtype=float)
    holes = ["A", "A", "A", "B", "C"]
    distances = hole_distances([[0, 0, 0], [5, 0, 0]], samples, holes, n_holes=3, candidates=2)
    # The two nearest samples are both hole A; widening finds B at 10 and C at 20.
    np.testing.assert_allclose(distances[0], [0, 10, 20])
    np.testing.assert_allclose(distances[1], [5, 5, np.hypot(5, 20)])
    assert np.isinf(hole_distances([[0, 0, 0]], samples, holes, n_holes=4)[0, 3])


def _grid_layout(spacing, n=6):
    """Vertical holes on a square grid (`spacing` m) sampled every 10 m down to
    -100 m, the pattern a resource statement's drill spacing means."""
    xy = [(spacing * i, spacing * j) for i in range(n) for j in range(n)]
    samples = np.array([(x, y, -z) for x, y in xy for z in range(0, 101, 10)], dtype=float)
    holes = [f"H{k}" for k in range(len(xy)) for _ in range(0, 101, 10)]
    return samples, holes


def test_default_rule_on_designed_drill_grids():
    """A block at the centre of a drill cell, 50 m below the collars, with a slope
    of regression of 0.9 (well informed): Measured on a 50 m grid (four holes at
    35 m), Indicated on a 100 m grid (four at 71 m), Inferred on a 200 m grid
    (four at 141 m) and Unclassified on a 400 m one (283 m)."""
    rule = ClassificationRule()
    found = []
    for spacing in (50, 100, 200, 400):
        samples, holes = _grid_layout(spacing)
        block = [[2.5 * spacing, 2.5 * spacing, -50.0]]
        classes, _ = rule.classify(hole_distances(block, samples, holes, rule.max_holes), slope=[0.9], mean=[2.0])
        found.append(classes[0])
    assert found == ["Measured", "Indicated", "Inferred", "Unclassified"]


def test_slope_of_regression_and_relative_sd_lower_the_class():
    # Three holes within 20 m of every block: spacing alone would make all Measured.
    distances = np.tile([10.0, 15.0, 20.0], (6, 1))
    rule = ClassificationRule()
    classes, _ = rule.classify(distances, slope=[0.95, 0.7, 0.3, np.nan, 0.95, 0.95],
                               mean=[2.0, 2.0, 2.0, 2.0, 2.0, np.nan])
    assert list(classes) == ["Measured", "Indicated", "Inferred", "Inferred", "Measured", "Unclassified"]
    assert list(rule.classify(distances[:1])[0]) == ["Measured"], "without a slope only spacing counts"
    strict = ClassificationRule(measured_rel_sd=0.1, indicated_rel_sd=0.3)
    classes, rel_sd = strict.classify(distances[:3], mean=[2.0, 2.0, 2.0], sd=[0.1, 0.5, 0.8])
    assert list(classes) == ["Measured", "Indicated", "Inferred"]
    assert rel_sd[0] == pytest.approx(0.05)


def test_rule_in_words_and_its_order():
    text = ClassificationRule().describe()
    assert "Measured: >= 3 drillholes within 50 m of the block centre and kriging slope of regression >= 0.8" in text
    assert "Inferred: >= 1 drillhole within 200 m" in text and text.endswith("otherwise Unclassified")
    assert "slope" not in ClassificationRule().describe(with_slope=False)
    with pytest.raises(ValueError, match="Measured <= Indicated"):
        ClassificationRule(measured_rel_sd=0.5, indicated_rel_sd=0.3)
    with pytest.raises(ValueError, match="spacing"):
        ClassificationRule(measured_radius=300.0)
    with pytest.raises(ValueError, match="drillhole counts"):
        ClassificationRule(measured_holes=1, indicated_holes=2)
    with pytest.raises(ValueError, match="slope"):
        ClassificationRule(measured_slope=0.4)


def test_volume_comes_from_a_field_the_block_sizes_or_a_constant():
    assert volume_fields(["x", "volume", "dx", "dy", "dz"]) == ["volume"]
    assert volume_fields(["x", "volume", "vol"], "vol") == ["vol"]
    assert volume_fields(["dz", "dy", "dx"]) == ["dx", "dy", "dz"]
    assert volume_fields(["dx", "dy"]) == []
    np.testing.assert_array_equal(block_volume(2, {"vol": [8.0, 12.5]}, 1000.0), [8.0, 12.5])
    np.testing.assert_array_equal(
        block_volume(2, {"dx": [10.0, 5.0], "dy": [10.0, 4.0], "dz": [2.0, 3.0]}, 1000.0), [200.0, 60.0]
    )
    np.testing.assert_array_equal(block_volume(3, {}, 1000.0), [1000.0, 1000.0, 1000.0])


def test_layer_tonnage_names_the_layer():
    np.testing.assert_array_equal(layer_tonnage([200.0, 60.0], [2.5, 2.0], "blocks"), [500.0, 120.0])
    with pytest.raises(ValueError, match=r"^blocks: block 2: volume nan is not positive$"):
        layer_tonnage([200.0, np.nan], 2.5, "blocks")


def test_posterior_curves_by_hand():
    # Two draws over two blocks of 10 t: log-grade mu with sigma 0 or sqrt(2 ln 2)
    # (exp(s^2/2) = 2), so realisations [[1, 2], [3, 4]] (grade units).
    mu = np.log([[1.0, 1.0], [3.0, 2.0]])
    sigma = np.array([[0.0, np.sqrt(2 * np.log(2.0))], [0.0, np.sqrt(2 * np.log(2.0))]])
    curves = posterior_curves(mu, sigma, np.array([10.0, 10.0]), [0.0, 2.5])
    # Mean map [2, 3]: above 0 all 20 t at 2.5; above 2.5 only block 2, 10 t at 3.
    np.testing.assert_allclose(curves["tonnage"], [20.0, 10.0])
    np.testing.assert_allclose(curves["grade"], [2.5, 3.0])
    np.testing.assert_allclose(curves["metal"], [50.0, 30.0])
    # Draw 1 [1, 2]: 20 t (metal 30), 0 t above 2.5; draw 2 [3, 4]: 20 t (metal 70) at both.
    np.testing.assert_allclose(curves["tonnage_p50"], [20.0, 10.0])
    np.testing.assert_allclose(curves["metal_p10"], [30.0 + 0.1 * 40.0, 0.1 * 70.0])
    np.testing.assert_allclose(curves["metal_p90"], [30.0 + 0.9 * 40.0, 0.9 * 70.0])
    # The first draw has no tonnage above 2.5, so its grade is NaN and the band is the second draw's.
    np.testing.assert_allclose(curves["grade_p50"], [(1.5 + 3.5) / 2, 3.5])
    assert "cutoff" in curves and list(curves["cutoff"]) == [0.0, 2.5]


def test_metal_units():
    curves = {"ok": {"cutoff": np.array([0.0]), "metal": np.array([250.0])},
              "bnn": {"metal": np.array([100.0]), "metal_p10": np.array([50.0]), "metal_p90": np.array([150.0]),
                      "grade": np.array([2.0])}}
    scaled = in_metal_units(curves, "%")
    assert scaled["ok"]["metal"][0] == pytest.approx(2.5) and curves["ok"]["metal"][0] == 250.0
    assert scaled["bnn"]["metal_p10"][0] == pytest.approx(0.5) and scaled["bnn"]["metal_p90"][0] == pytest.approx(1.5)
    assert scaled["bnn"]["grade"][0] == 2.0
    assert in_metal_units(curves, "g/t")["ok"]["metal"][0] == pytest.approx(2.5e-4)
    with pytest.raises(ValueError, match="grade unit 'oz'"):
        in_metal_units(curves, "oz")


def test_spread_to_sd_and_2d_points():
    np.testing.assert_array_equal(sd_from_spread([0.25, 4.0], False), [0.25, 4.0])
    sd = sd_from_spread([0.25, 4.0, -1.0, np.nan], True)
    np.testing.assert_array_equal(sd[:2], [0.5, 2.0])
    assert np.isnan(sd[2:]).all()
    blocks = np.array([[0.0, 0.0, np.nan], [1.0, 0.0, np.nan]])
    samples = np.array([[0.0, 3.0, -40.0]])
    flat_blocks, flat_samples = flatten_if_2d(blocks, samples)
    np.testing.assert_array_equal(flat_blocks, [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(flat_samples, [[0.0, 3.0, 0.0]])
    assert np.isnan(blocks[0, 2]) and samples[0, 2] == -40.0, "the inputs are not changed"
    # Spacing in plan: 3 m from the first block to the only hole.
    assert hole_distances(flat_blocks, flat_samples, ["A"], n_holes=1)[0, 0] == pytest.approx(3.0)
    three_d = np.array([[0.0, 0.0, -10.0]])
    kept_blocks, kept_samples = flatten_if_2d(three_d, samples)
    np.testing.assert_array_equal(kept_blocks, three_d)
    np.testing.assert_array_equal(kept_samples, samples)


def test_a_cutoff_series_too_long_is_refused_before_it_is_allocated():
    with pytest.raises(ValueError, match=r"has 1,000,000,000,001 cut-offs and would need [\d,.]+ GiB"):
        cutoff_series(0.0, 1e6, 1e-6, n_blocks=1000)
    assert len(cutoff_series(0.0, 1.0, 1e-5)) == 100_001
