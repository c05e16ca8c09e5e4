"""reegrade:classify and reegrade:gradetonnage through processing.run
(split from tests/unit/test_resources.py)."""
import numpy as np
import pytest


@pytest.fixture
def _layer(memory_layer):
    def make(name, rows, fields):
        return memory_layer(fields, [row[3:] for row in rows], [row[:3] for row in rows], name=name, keep_nan=True)

    return make


def test_classify_algorithm_writes_classes_and_rule(run_algorithm, _layer, tmp_path):
    from qgis.core import QgsVectorLayer

    samples = _layer("samples", [(0, 0, 0, "A"), (30, 0, 0, "B"), (0, 30, 0, "C"), (30, 30, 0, "D")],
                     ["hole_id:string"])
    # Four holes at 21 m from the first, second and fourth blocks; the third is 530 m away.
    blocks = _layer(
        "blocks",
        [(15, 15, 0, 2.0, 0.9), (15, 15, 0, 2.0, 0.6), (400, 400, 0, 2.0, 0.9), (15, 15, 0, 2.0, 0.2)],
        ["mean:double", "slope:double"],
    )
    out = str(tmp_path / "classes.gpkg")
    result = run_algorithm("classify", {
        "INPUT": blocks, "MEAN_FIELD": "mean", "SLOPE_FIELD": "slope", "SAMPLES": samples, "HOLE_FIELD": "hole_id",
        "MEASURED_SPACING": 25, "INDICATED_SPACING": 50, "INFERRED_SPACING": 100, "OUTPUT": out,
    })
    layer = QgsVectorLayer(result["OUTPUT"], "classes", "ogr")
    assert [f["res_class"] for f in layer.getFeatures()] == ["Measured", "Indicated", "Unclassified", "Inferred"]
    assert [f["res_spacing"] for f in layer.getFeatures()][0] == pytest.approx(15 * np.sqrt(2))
    layer.loadDefaultMetadata()
    assert "Measured: >= 3 drillholes within 25 m of the block centre and kriging slope of regression >= 0.8" \
        in layer.metadata().abstract()


def test_classify_without_slope_tests_spacing_only(run_algorithm, _layer, tmp_path):
    from qgis.core import QgsVectorLayer

    samples = _layer("samples", [(0, 0, 0, "A"), (30, 0, 0, "B"), (0, 30, 0, "C")], ["hole_id:string"])
    blocks = _layer("blocks", [(15, 15, 0, 2.0, 0.5), (15, 15, 0, 2.0, 1.5)], ["mean:double", "sd:double"])
    result = run_algorithm("classify", {
        "INPUT": blocks, "MEAN_FIELD": "mean", "SPREAD_FIELD": "sd", "SAMPLES": samples, "HOLE_FIELD": "hole_id",
        "MEASURED_REL_SD": 0.3, "INDICATED_REL_SD": 0.6, "OUTPUT": str(tmp_path / "classes.gpkg"),
    })
    layer = QgsVectorLayer(result["OUTPUT"], "classes", "ogr")
    assert [f["res_class"] for f in layer.getFeatures()] == ["Measured", "Inferred"]
    assert [f["res_rel_sd"] for f in layer.getFeatures()] == pytest.approx([0.25, 0.75])


def test_gradetonnage_algorithm_fields_and_bands(run_algorithm, _layer, tmp_path):
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


def test_gradetonnage_bands_from_bnn_posterior(run_algorithm, _layer, tmp_path):
    from qgis.core import QgsVectorLayer

    from ree_grade.algorithms.ml.bnn.model import BNNRegressor

    rng = np.random.default_rng(0)
    feature = rng.normal(size=300)
    grade = np.exp(0.5 + 0.6 * feature + 0.2 * rng.normal(size=300))
    holes = np.repeat([f"H{i}" for i in range(30)], 10)
    model = BNNRegressor(hidden=(16, 16), epochs=40, seed=1, feature_names=["pc_01"])
    model.fit(feature[:, None], grade, holes)
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
