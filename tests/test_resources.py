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


def _layer(name, rows, fields):
    from qgis.core import QgsFeature, QgsGeometry, QgsPoint, QgsVectorLayer

    spec = "&".join(f"field={f}" for f in fields)
    layer = QgsVectorLayer(f"PointZ?crs=EPSG:32648&{spec}", name, "memory")
    features = []
    for x, y, z, *attributes in rows:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry(QgsPoint(x, y, z)))
        feature.setAttributes(attributes)
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def test_classify_algorithm_writes_classes_and_rule(run_algorithm, tmp_path):
    from qgis.core import QgsVectorLayer

    samples = _layer("samples", [(0, 0, 0, "A"), (30, 0, 0, "B"), (0, 30, 0, "C"), (30, 30, 0, "D")],
                     ["hole_id:string"])
    blocks = _layer(
        "blocks",
        [(15, 15, 0, 2.0, 0.1), (15, 15, 0, 2.0, 0.5), (400, 400, 0, 2.0, 0.1), (15, 15, 0, 2.0, 1.0)],
        ["mean:double", "sd:double"],
    )
    out = str(tmp_path / "classes.gpkg")
    result = run_algorithm("classify", {
        "INPUT": blocks, "MEAN_FIELD": "mean", "SPREAD_FIELD": "sd", "SAMPLES": samples, "HOLE_FIELD": "hole_id",
        "MEASURED_REL_SD": 0.1, "INDICATED_REL_SD": 0.3, "MEASURED_SPACING": 25, "INDICATED_SPACING": 50,
        "INFERRED_SPACING": 100, "OUTPUT": out,
    })
    layer = QgsVectorLayer(result["OUTPUT"], "classes", "ogr")
    assert [f["res_class"] for f in layer.getFeatures()] == ["Measured", "Indicated", "Unclassified", "Inferred"]
    assert [f["res_spacing"] for f in layer.getFeatures()][0] == pytest.approx(15 * np.sqrt(2))
    layer.loadDefaultMetadata()
    assert "Measured: sd/mean <= 0.1 and spacing <= 25" in layer.metadata().abstract()


def test_gradetonnage_algorithm_fields_and_bands(run_algorithm, tmp_path):
    from qgis.core import QgsVectorLayer

    blocks = _layer(
        "blocks",
        [(0, 0, 0, 10.0, 10.0, 5.0, 0.5, 0.7), (10, 0, 0, 10.0, 10.0, 5.0, 2.0, 1.5),
         (20, 0, 0, 10.0, 10.0, 5.0, 3.0, 2.5)],
        ["dx:double", "dy:double", "dz:double", "bnn_mean:double", "ok_estimate:double"],
    )
    result = run_algorithm("gradetonnage", {
        "INPUT": blocks, "GRADE_FIELDS": ["bnn_mean", "ok_estimate"], "DENSITY": 2.5, "CUTOFF_START": 0.0,
        "CUTOFF_STOP": 2.0, "CUTOFF_STEP": 1.0, "OUTPUT": str(tmp_path / "gt.csv"), "PLOT": str(tmp_path / "gt.html"),
    })
    layer = QgsVectorLayer(result["OUTPUT"], "gt", "ogr")
    rows = {(f["estimator"], float(f["cutoff"])): f for f in layer.getFeatures()}
    # 500 m3 x 2.5 t/m3 = 1250 t per block; at cut-off 1, bnn_mean keeps 2 blocks of grade 2 and 3 %.
    assert float(rows[("bnn_mean", 1.0)]["tonnage_t"]) == pytest.approx(2500)
    assert float(rows[("bnn_mean", 1.0)]["grade"]) == pytest.approx(2.5)
    assert float(rows[("bnn_mean", 1.0)]["metal_t"]) == pytest.approx(2500 * 2.5 / 100)
    assert float(rows[("ok_estimate", 2.0)]["tonnage_t"]) == pytest.approx(1250)
    assert "data:image/png;base64" in (tmp_path / "gt.html").read_text()


def test_gradetonnage_bands_from_bnn_posterior(run_algorithm, tmp_path):
    from qgis.core import QgsVectorLayer

    from ree_grade.algorithms.ml.bnn.model import BNNRegressor

    rng = np.random.default_rng(0)
    feature = rng.normal(size=300)
    grade = np.exp(0.5 + 0.6 * feature + 0.2 * rng.normal(size=300))
    holes = np.repeat([f"H{i}" for i in range(30)], 10)
    model = BNNRegressor(hidden=(16, 16), epochs=40, seed=1, feature_names=["pc_01"]).fit(feature[:, None], grade, holes)
    model.save(str(tmp_path / "bnn.json"))
    blocks = _layer("blocks", [(i * 10.0, 0, 0, float(f)) for i, f in enumerate(np.linspace(-2, 2, 40))],
                    ["pc_01:double"])
    result = run_algorithm("gradetonnage", {
        "INPUT": blocks, "MODEL": str(tmp_path / "bnn.json"), "N_REALISATIONS": 16, "BLOCK_VOLUME": 1000.0,
        "CUTOFF_START": 0.5, "CUTOFF_STOP": 3.0, "CUTOFF_STEP": 0.5, "OUTPUT": str(tmp_path / "gt.csv"),
    })
    rows = list(QgsVectorLayer(result["OUTPUT"], "gt", "ogr").getFeatures())
    assert {f["estimator"] for f in rows} == {"bnn posterior"}
    for f in rows:
        assert float(f["tonnage_p10"]) <= float(f["tonnage_p50"]) <= float(f["tonnage_p90"])
    assert any(float(f["tonnage_p90"]) > float(f["tonnage_p10"]) for f in rows), "the posterior gives no spread"
