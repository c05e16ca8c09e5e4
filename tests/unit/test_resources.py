"""Grade-tonnage curves and resource classification, against hand-worked blocks."""
import numpy as np
import pytest

from ree_grade.algorithms.resources.classification import ClassificationRule, drill_spacing
from ree_grade.algorithms.resources.gradetonnage import block_tonnage, cutoff_series, grade_tonnage, grade_tonnage_bands


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


def test_spacing_counts_distinct_holes():
    samples = np.array([[0, 0, 0], [0, 0, -1], [0, 0, -2], [10, 0, 0], [0, 20, 0]], dtype=float)
    holes = ["A", "A", "A", "B", "C"]
    spacing = drill_spacing([[0, 0, 0]], samples, holes, n_holes=3, candidates=2)
    # The two nearest samples are both hole A; widening finds B at 10 and C at 20.
    assert spacing[0] == pytest.approx((0 + 10 + 20) / 3)
    assert np.isinf(drill_spacing([[0, 0, 0]], samples, holes, n_holes=4)[0])


def test_classification_rule():
    rule = ClassificationRule(0.1, 0.3, 50, 100, 200, 3)
    classes, rel_sd = rule.classify([2.0, 2.0, 2.0, 2.0, 2.0, np.nan], [0.1, 0.1, 0.8, 0.8, 0.1, 0.1],
                                    [40, 80, 40, 150, 300, 10])
    assert list(classes) == ["Measured", "Indicated", "Inferred", "Inferred", "Unclassified", "Unclassified"]
    assert rel_sd[0] == pytest.approx(0.05)
    assert "Measured: sd/mean <= 0.1 and spacing <= 50" in rule.describe()
    with pytest.raises(ValueError, match="Measured <= Indicated"):
        ClassificationRule(measured_rel_sd=0.5, indicated_rel_sd=0.3)
