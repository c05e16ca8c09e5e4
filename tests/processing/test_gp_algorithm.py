"""reegrade:gp through processing.run
(split from tests/unit/test_gp.py, whose pure helpers it reuses)."""
import numpy as np
import pytest
from test_gp import _field


@pytest.fixture
def _points(memory_layer):
    def make(name, coords, values=None, field="grade"):
        xy = [(x + 500000, y + 3000000) for x, y, _ in coords]
        if values is None:
            return memory_layer(["id:integer"], [[i] for i in range(len(xy))], xy, name=name)
        return memory_layer([field], [[values[i]] for i in range(len(xy))], xy, name=name, keep_nan=True)

    return make


def test_algorithm_points_and_raster(run_algorithm, _points, tmp_path):
    import rasterio
    from qgis.core import QgsVectorLayer
    from rasterio.transform import from_origin

    coords, grade = _field(80)
    samples = _points("samples", coords[:60], list(grade[:60]) + [])
    targets = _points("targets", coords[60:])
    template = str(tmp_path / "template.tif")
    with rasterio.open(template, "w", driver="GTiff", width=5, height=4, count=1, dtype="float32",
                       crs="EPSG:32648", transform=from_origin(500000, 3001000, 200, 250)) as dst:
        dst.write(np.zeros((1, 4, 5), dtype="float32"))
    result = run_algorithm("gp", {
        "INPUT": samples, "GRADE_FIELD": "grade", "TARGETS": targets, "TEMPLATE": template, "ITERATIONS": 20,
        "CUTOFFS": "1.5, 2", "OUTPUT": str(tmp_path / "gp.gpkg"), "OUTPUT_RASTER": str(tmp_path / "gp.tif"),
    })
    out = QgsVectorLayer(result["OUTPUT"], "gp", "ogr")
    names = out.fields().names()
    for field in ("gp_mean", "gp_sd", "gp_p10", "gp_p50", "gp_p90", "gp_p_gt_1_5", "gp_p_gt_2"):
        assert field in names
    assert out.featureCount() == 20
    with rasterio.open(result["OUTPUT_RASTER"]) as src:
        assert src.descriptions == ("mean", "sd", "p10", "p50", "p90", "p_gt_1.5", "p_gt_2")
        p_gt = src.read(6)
        assert np.all((p_gt >= 0) & (p_gt <= 1))


def test_algorithm_rejects_non_positive_grade(run_algorithm, _points, tmp_path):
    from qgis.core import QgsProcessingException

    coords, grade = _field(20)
    values = list(grade)
    values[2] = 0.0
    samples = _points("assays", coords, values)
    out = tmp_path / "gp.gpkg"
    with pytest.raises(QgsProcessingException, match=r"assays: field 'grade', row 3: grade 0.0 is not positive"):
        run_algorithm("gp", {"INPUT": samples, "GRADE_FIELD": "grade", "TARGETS": samples, "OUTPUT": str(out)})
    assert not out.exists()
    with pytest.raises(QgsProcessingException, match="target points or a raster template"):
        run_algorithm("gp", {"INPUT": samples, "GRADE_FIELD": "grade", "OUTPUT": str(out)})
