"""reegrade:samplefeatures through processing.run
(split from tests/unit/test_samplefeatures.py, whose pure helpers it reuses)."""
import pytest
from test_samplefeatures import (
    CRS,
    ORIGIN,
    centre,
    raster,  # noqa: F401 (pytest fixtures shared with the unit tests)
)


# --- through processing.run ------------------------------------------------------------
@pytest.fixture
def points_layer(memory_layer):
    def make(points, crs=CRS, z=None):
        coords = [(x, y, z[i]) if z is not None else (x, y) for i, (x, y) in enumerate(points)]
        rows = [(f"H{i}", -1.0) for i in range(len(points))]
        return memory_layer(["hole_id:string", "hs_nd800_depth"], rows, coords, crs=crs, name="samples")

    return make


def output_rows(path):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(path, "out", "ogr")
    assert layer.isValid()
    names = [field.name() for field in layer.fields()]
    rows = [{n: (None if f[n] is None or (hasattr(f[n], "isNull") and f[n].isNull()) else f[n]) for n in names}
            for f in layer.getFeatures()]
    return names, rows


def test_algorithm_samples_3d_points_into_named_fields(run_algorithm, points_layer, raster, tmp_path):
    points = [centre(0, 0), centre(5, 4), centre(2, 3), (ORIGIN[0] - 100, ORIGIN[1])]
    layer = points_layer(points, z=[500.0, 420.0, 300.0, 10.0])
    result = run_algorithm("samplefeatures", {"INPUT": layer, "RASTER": raster, "METHOD": 0, "PREFIX": "",
                                              "OUTPUT": str(tmp_path / "out.gpkg")})
    names, rows = output_rows(result["OUTPUT"])
    assert [n for n in names if n != "fid"] == ["hole_id", "hs_nd800_depth", "Band_2_0_45_um", "b3"]
    assert [r["hs_nd800_depth"] for r in rows] == [100.0, 154.0, None, None]
    assert rows[1]["b3"] == 354.0 and rows[0]["hole_id"] == "H0"


def test_algorithm_reprojects_points_and_uses_prefix(run_algorithm, points_layer, raster, tmp_path):
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsProject

    to_wgs84 = QgsCoordinateTransform(QgsCoordinateReferenceSystem(CRS), QgsCoordinateReferenceSystem("EPSG:4326"),
                                      QgsProject.instance())
    geographic = [to_wgs84.transform(QgsPointXY(*centre(r, c))) for r, c in [(1, 1), (4, 2)]]
    layer = points_layer([(p.x(), p.y()) for p in geographic], crs="EPSG:4326")
    result = run_algorithm("samplefeatures", {"INPUT": layer, "RASTER": raster, "METHOD": 1, "PREFIX": "s_",
                                              "OUTPUT": str(tmp_path / "out.gpkg")})
    names, rows = output_rows(result["OUTPUT"])
    assert "s_hs_nd800_depth" in names and "s_b3" in names
    assert [r["s_hs_nd800_depth"] for r in rows] == [pytest.approx(111, abs=1e-3), pytest.approx(142, abs=1e-3)]


def test_algorithm_points_without_crs(run_algorithm, points_layer, raster, tmp_path):
    from qgis.core import QgsProcessingException

    layer = points_layer([centre(0, 0)], crs=None)
    with pytest.raises(QgsProcessingException, match="samples: the layer has no coordinate reference system"):
        run_algorithm("samplefeatures", {"INPUT": layer, "RASTER": raster, "OUTPUT": str(tmp_path / "o.gpkg")})
    assert not (tmp_path / "o.gpkg").exists()


def test_algorithm_all_points_outside(run_algorithm, points_layer, raster, tmp_path):
    from qgis.core import QgsProcessingException

    layer = points_layer([(0.0, 0.0), (1000.0, 1000.0)])
    with pytest.raises(QgsProcessingException, match="none of the 2 point.* lie on the raster"):
        run_algorithm("samplefeatures", {"INPUT": layer, "RASTER": raster, "OUTPUT": str(tmp_path / "o.gpkg")})
    assert not (tmp_path / "o.gpkg").exists()


def test_algorithm_counts_outside_and_nodata_points(run_algorithm, points_layer, raster, tmp_path):
    from qgis.core import QgsProcessingFeedback

    layer = points_layer([centre(0, 0), centre(2, 3), (0.0, 0.0)])
    feedback = QgsProcessingFeedback()
    run_algorithm("samplefeatures", {"INPUT": layer, "RASTER": raster, "OUTPUT": str(tmp_path / "o.gpkg")},
                  feedback)
    assert "1 of 3 point(s) lie outside the raster: fields NULL" in feedback.textLog()
    assert "1 of 3 point(s) fall on no-data pixels: fields NULL" in feedback.textLog()
