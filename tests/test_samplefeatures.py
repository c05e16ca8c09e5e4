"""Sampling raster bands at points: the maths of nearest and bilinear sampling,
no-data and outside points, and reegrade:samplefeatures through processing.run
(field names, 3D points, reprojection, bad input)."""
import numpy as np
import pytest
from rasterio.transform import from_origin

from ree_grade.algorithms.io.raster import write_bands
from ree_grade.algorithms.spectral import cube as cube_io

CRS = "EPSG:32648"
ORIGIN = (224000.0, 3089000.0)
PIXEL = 10.0
NAMES = ["hs_nd800_depth", "Band 2 (0.45 um)", ""]


@pytest.fixture
def raster(tmp_path):
    """3 bands of 6 rows x 5 cols: band k holds 100 k + 10 row + col; band 1 is
    no-data at row 2, col 3 (all bands there: a masked pixel)."""
    rows, cols = np.mgrid[0:6, 0:5]
    bands = np.stack([100 * k + 10 * rows + cols for k in range(1, 4)]).astype(float)
    bands[:, 2, 3] = np.nan
    path = str(tmp_path / "features.tif")
    write_bands(path, bands, NAMES, from_origin(*ORIGIN, PIXEL, PIXEL), CRS)
    return path


def centre(row, col):
    return ORIGIN[0] + (col + 0.5) * PIXEL, ORIGIN[1] - (row + 0.5) * PIXEL


def test_nearest_reads_the_containing_pixel(raster):
    points = [centre(0, 0), centre(5, 4), (centre(1, 2)[0] + 4.9, centre(1, 2)[1] - 4.9), centre(2, 3)]
    x, y = np.array(points).T
    sampled = cube_io.sample_raster(raster, x, y)
    assert sampled["values"][:3].tolist() == [[100, 200, 300], [154, 254, 354], [112, 212, 312]]
    assert np.isnan(sampled["values"][3]).all()
    assert (sampled["outside"], sampled["nodata"]) == (0, 1)
    assert sampled["descriptions"][:2] == ["hs_nd800_depth", "Band 2 (0.45 um)"]
    assert not sampled["descriptions"][2]


def test_bilinear_weights_the_four_centres_and_skips_nodata(raster):
    x0, y0 = centre(0, 0)
    x1, y1 = centre(4, 1)
    points = np.array([
        [x0 + 5.0, y0 - 5.0],    # midway between (0,0), (0,1), (1,0), (1,1)
        [x1 + 2.5, y1],          # a quarter of the way from (4,1) to (4,2)
        [*centre(1, 3)],         # exactly on a centre next to the no-data pixel
        [x0 - 4.0, y0],          # in the first pixel, left of its centre: only the existing neighbours
        [centre(2, 2)[0] + 5.0, centre(2, 2)[1]],  # between (2,2) and the no-data (2,3)
    ])
    sampled = cube_io.sample_raster(raster, points[:, 0], points[:, 1], method="bilinear")
    values = sampled["values"][:, 0]
    assert values[0] == pytest.approx(np.mean([100, 101, 110, 111]))
    assert values[1] == pytest.approx(0.75 * 141 + 0.25 * 142)
    assert values[2] == pytest.approx(113)
    assert values[3] == pytest.approx(100)
    assert values[4] == pytest.approx(122)
    assert sampled["nodata"] == 0


def test_points_outside_are_nan_and_counted(raster):
    x = np.array([ORIGIN[0] - 1.0, ORIGIN[0] + 51.0, centre(0, 0)[0], np.nan])
    y = np.array([ORIGIN[1] - 5.0, ORIGIN[1] - 5.0, centre(0, 0)[1], ORIGIN[1]])
    sampled = cube_io.sample_raster(raster, x, y)
    assert np.isnan(sampled["values"][[0, 1, 3]]).all()
    assert sampled["values"][2, 0] == 100
    assert sampled["outside"] == 3


def test_many_points_across_blocks_match_a_full_read(tmp_path):
    import rasterio

    rng = np.random.default_rng(5)
    full = rng.normal(size=(4, 70, 90)).astype(np.float32)
    path = str(tmp_path / "big.tif")
    with rasterio.open(path, "w", driver="GTiff", width=90, height=70, count=4, dtype="float32", crs=CRS,
                       transform=from_origin(*ORIGIN, PIXEL, PIXEL), tiled=True, blockxsize=16, blockysize=16) as dst:
        dst.write(full)
    rows, cols = rng.integers(0, 70, 500), rng.integers(0, 90, 500)
    x, y = (np.array(v) for v in zip(*[centre(r, c) for r, c in zip(rows, cols)]))
    calls = []
    sampled = cube_io.sample_raster(path, x, y, progress=calls.append)
    assert np.array_equal(sampled["values"], full[:, rows, cols].T.astype(float))
    assert calls[-1] == 1.0 and len(calls) > 1


def test_field_names():
    assert cube_io.band_field_names(["hs_nd800_depth", "Band 2 (0.45 um)", None]) == [
        "hs_nd800_depth", "Band_2_0_45_um", "b3"]
    assert cube_io.band_field_names(["x", "X", ""], prefix="r_") == ["r_x", "r_X_2", "r_b3"]


def test_unknown_method(raster):
    with pytest.raises(ValueError, match="unknown sampling method 'cubic'"):
        cube_io.sample_raster(raster, [0.0], [0.0], method="cubic")


# --- through processing.run ------------------------------------------------------------
def points_layer(points, crs=CRS, z=None):
    from qgis.core import QgsCoordinateReferenceSystem, QgsFeature, QgsGeometry, QgsPoint, QgsVectorLayer

    kind = "PointZ" if z is not None else "Point"
    layer = QgsVectorLayer(f"{kind}?field=hole_id:string&field=hs_nd800_depth:double", "samples", "memory")
    layer.setCrs(QgsCoordinateReferenceSystem(crs) if crs else QgsCoordinateReferenceSystem())
    features = []
    for i, (x, y) in enumerate(points):
        feature = QgsFeature(layer.fields())
        point = QgsPoint(x, y, z[i]) if z is not None else QgsPoint(x, y)
        feature.setGeometry(QgsGeometry(point))
        feature.setAttributes([f"H{i}", -1.0])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def output_rows(path):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(path, "out", "ogr")
    assert layer.isValid()
    names = [field.name() for field in layer.fields()]
    rows = [{n: (None if f[n] is None or (hasattr(f[n], "isNull") and f[n].isNull()) else f[n]) for n in names}
            for f in layer.getFeatures()]
    return names, rows


def test_algorithm_samples_3d_points_into_named_fields(run_algorithm, raster, tmp_path):
    points = [centre(0, 0), centre(5, 4), centre(2, 3), (ORIGIN[0] - 100, ORIGIN[1])]
    layer = points_layer(points, z=[500.0, 420.0, 300.0, 10.0])
    result = run_algorithm("samplefeatures", {"INPUT": layer, "RASTER": raster, "METHOD": 0, "PREFIX": "",
                                              "OUTPUT": str(tmp_path / "out.gpkg")})
    names, rows = output_rows(result["OUTPUT"])
    assert [n for n in names if n != "fid"] == ["hole_id", "hs_nd800_depth", "Band_2_0_45_um", "b3"]
    assert [r["hs_nd800_depth"] for r in rows] == [100.0, 154.0, None, None]
    assert rows[1]["b3"] == 354.0 and rows[0]["hole_id"] == "H0"


def test_algorithm_reprojects_points_and_uses_prefix(run_algorithm, raster, tmp_path):
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


def test_algorithm_points_without_crs(run_algorithm, raster, tmp_path):
    from qgis.core import QgsProcessingException

    layer = points_layer([centre(0, 0)], crs=None)
    with pytest.raises(QgsProcessingException, match="samples: the layer has no coordinate reference system"):
        run_algorithm("samplefeatures", {"INPUT": layer, "RASTER": raster, "OUTPUT": str(tmp_path / "o.gpkg")})
    assert not (tmp_path / "o.gpkg").exists()


def test_algorithm_all_points_outside(run_algorithm, raster, tmp_path):
    from qgis.core import QgsProcessingException

    layer = points_layer([(0.0, 0.0), (1000.0, 1000.0)])
    with pytest.raises(QgsProcessingException, match="none of the 2 point.* lie on the raster"):
        run_algorithm("samplefeatures", {"INPUT": layer, "RASTER": raster, "OUTPUT": str(tmp_path / "o.gpkg")})
    assert not (tmp_path / "o.gpkg").exists()


def test_algorithm_counts_outside_and_nodata_points(run_algorithm, raster, tmp_path):
    from qgis.core import QgsProcessingFeedback

    layer = points_layer([centre(0, 0), centre(2, 3), (0.0, 0.0)])
    feedback = QgsProcessingFeedback()
    run_algorithm("samplefeatures", {"INPUT": layer, "RASTER": raster, "OUTPUT": str(tmp_path / "o.gpkg")},
                  feedback)
    assert "1 of 3 point(s) lie outside the raster: fields NULL" in feedback.textLog()
    assert "1 of 3 point(s) fall on no-data pixels: fields NULL" in feedback.textLog()
