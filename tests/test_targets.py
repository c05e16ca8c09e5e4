"""Prediction targets: grid and block-model indexing, clipping by polygons and
topography, raster templates, and the algorithm, also on the sample deposit."""
import numpy as np
import pytest
from rasterio.transform import from_origin
from shapely.geometry import box

from ree_grade.algorithms.geostats import targets as tg
from ree_grade.algorithms.io.raster import template_grid, write_bands

CRS = "EPSG:32648"


def test_block_model_indexing_by_hand():
    model = tg.block_model(100.0, 140.0, 200.0, 230.0, 0.0, 20.0, 20.0, 10.0, 5.0)
    assert len(model["xc"]) == 2 * 3 * 4
    np.testing.assert_array_equal(model["block_id"], np.arange(24))
    # Row-major from the minimum corner: ix fastest, then iy, then iz.
    assert (model["ix"][1], model["iy"][1], model["iz"][1]) == (1, 0, 0)
    assert (model["ix"][2], model["iy"][2], model["iz"][2]) == (0, 1, 0)
    assert (model["ix"][6], model["iy"][6], model["iz"][6]) == (0, 0, 1)
    np.testing.assert_allclose(model["xc"][:2], [110.0, 130.0])
    np.testing.assert_allclose(model["yc"][[0, 2, 4]], [205.0, 215.0, 225.0])
    np.testing.assert_allclose(np.unique(model["zc"]), [2.5, 7.5, 12.5, 17.5])
    assert np.all(model["volume"] == 1000.0) and np.all(model["dz"] == 5.0)
    assert model["block_id"][-1] == model["ix"][-1] + 2 * (model["iy"][-1] + 3 * model["iz"][-1])


def test_partial_blocks_cover_the_extent_but_whole_numbers_gain_no_sliver():
    grid = tg.grid_2d(0.0, 25.0, 0.0, 0.3, 10.0, 0.1)
    assert grid["ix"].max() == 2 and grid["iy"].max() == 2  # 0.3 / 0.1 is 2.9999999999999996
    assert "zc" not in grid and "iz" not in grid
    np.testing.assert_allclose(np.unique(grid["xc"]), [5.0, 15.0, 25.0])


def test_absurd_sizes_and_bad_ranges_are_errors():
    with pytest.raises(ValueError, match=r"1000 x 1000 x 100 = 100,000,000 blocks is more than the 20,000,000"):
        tg.block_model(0, 1000, 0, 1000, 0, 100, 1, 1, 1)
    with pytest.raises(ValueError, match="Z range 10..5 is empty"):
        tg.block_model(0, 10, 0, 10, 10, 5, 1, 1, 1)
    with pytest.raises(ValueError, match="block size along Y must be positive"):
        tg.grid_2d(0, 10, 0, 10, 1, 0)


def test_a_million_blocks_stay_small_in_memory():
    model = tg.block_model(0, 1000, 0, 1000, 0, 100, 10, 10, 1)
    assert len(model["xc"]) == 1_000_000
    assert sum(a.nbytes for a in model.values()) < 100e6


def test_polygon_clip_keeps_centroids_inside():
    grid = tg.grid_2d(0, 10, 0, 10, 1, 1)
    keep = tg.inside_polygons(grid["xc"], grid["yc"], [box(0, 0, 3, 10), None, box(5, 5, 10, 10)])
    assert keep.sum() == 30 + 25
    with pytest.raises(ValueError, match="no polygon"):
        tg.inside_polygons(grid["xc"], grid["yc"], [None])


def _plane_dem():
    # 10 m cells from (0, 100) down to y = 0: z = 1000 + 2 x - y at every cell centre.
    transform = from_origin(0.0, 100.0, 10.0, 10.0)
    cols, rows = np.meshgrid(np.arange(10), np.arange(10))
    x, y = (cols + 0.5) * 10.0, 100.0 - (rows + 0.5) * 10.0
    return 1000.0 + 2.0 * x - y, transform


def test_surface_sampling_nearest_and_bilinear():
    values, transform = _plane_dem()
    x = np.array([12.0, 50.0, 2.0, 150.0])
    y = np.array([33.0, 50.0, 2.0, 50.0])
    nearest = tg.sample_surface(values, transform, x, y, "nearest")
    np.testing.assert_allclose(nearest[:3], [1000 + 30 - 35, 1000 + 110 - 45, 1000 + 10 - 5])
    assert np.isnan(nearest[3])
    bilinear = tg.sample_surface(values, transform, x, y, "bilinear")
    # A plane is reproduced exactly between cell centres; beyond the outer
    # centres (the third point) the nearest cell is used.
    np.testing.assert_allclose(bilinear[:3], [1000 + 24 - 33, 1000 + 100 - 50, nearest[2]])
    holes = values.copy()
    holes[7, 0] = -9999.0
    with_nodata = tg.sample_surface(holes, transform, x[:1], y[:1], "bilinear", nodata=-9999.0)
    assert with_nodata[0] == nearest[0], "a nodata neighbour falls back to the nearest cell"
    keep, uncovered = tg.below_surface([990.0, 1200.0, 0.0], np.array([1000.0, 1000.0, np.nan]))
    assert list(keep) == [True, False, False] and uncovered == 1


def test_template_targets_are_the_cell_centres(tmp_path):
    path = str(tmp_path / "template.tif")
    write_bands(path, np.zeros((1, 3, 4)), ["zero"], from_origin(500.0, 130.0, 10.0, 10.0), CRS)
    profile, x, y = template_grid(path)
    grid = tg.template_targets(x, y, profile["width"], profile["height"], 10.0, -10.0)
    first = np.flatnonzero((grid["ix"] == 0) & (grid["iy"] == 0))[0]
    assert (grid["xc"][first], grid["yc"][first]) == (505.0, 105.0)
    assert sorted(grid["block_id"]) == list(range(12)) and np.all(grid["dy"] == 10.0)


# --- through QGIS --------------------------------------------------------------
def _features(path):
    from qgis.core import QgsVectorLayer, QgsWkbTypes

    layer = QgsVectorLayer(path, "targets", "ogr")
    assert layer.isValid()
    names = [f.name() for f in layer.fields()]
    rows = [dict(zip(names, f.attributes())) | {"_z": f.geometry().constGet().z()} for f in layer.getFeatures()]
    return layer, rows, QgsWkbTypes.hasZ(layer.wkbType())


def _write_dem(path, values, transform, crs=CRS):
    write_bands(path, values[None, :, :], ["elevation"], transform, crs)
    return path


def test_algorithm_2d_grid(run_algorithm, tmp_path):
    result = run_algorithm("targets", {
        "MODE": 0, "EXTENT": f"1000,1100,2000,2050 [{CRS}]", "DX": 25, "DY": 10, "OUTPUT": str(tmp_path / "g.gpkg"),
    })
    layer, rows, has_z = _features(result["OUTPUT"])
    assert not has_z and len(rows) == 4 * 5 and layer.crs().authid() == CRS
    assert {r["xc"] for r in rows} == {1012.5, 1037.5, 1062.5, 1087.5}
    point = next(layer.getFeatures()).geometry().asPoint()
    assert (point.x(), point.y()) == (rows[0]["xc"], rows[0]["yc"])


def test_algorithm_block_model_below_topography_and_clipped(run_algorithm, tmp_path):
    from qgis.core import QgsFeature, QgsGeometry, QgsRectangle, QgsVectorLayer

    values, transform = _plane_dem()
    dem = _write_dem(str(tmp_path / "dem.tif"), values, transform)
    clip = QgsVectorLayer(f"Polygon?crs={CRS}", "clip", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(0, 0, 50, 100)))
    clip.dataProvider().addFeatures([feature])
    result = run_algorithm("targets", {
        "MODE": 1, "EXTENT": f"0,100,0,100 [{CRS}]", "ZMIN": 900, "ZMAX": 1200, "DX": 10, "DY": 10, "DZ": 20,
        "CLIP": clip, "TOPOGRAPHY": dem, "TOPO_SAMPLING": 0, "OUTPUT": str(tmp_path / "b.gpkg"),
    })
    _, rows, has_z = _features(result["OUTPUT"])
    assert has_z
    xc, yc, zc = (np.array([r[k] for r in rows]) for k in ("xc", "yc", "zc"))
    np.testing.assert_array_equal(zc, [r["_z"] for r in rows])
    assert xc.max() < 50 and np.all(zc <= 1000 + 2 * xc - yc)
    # Every kept column reaches up to the last level below its surface.
    expected = sum(int(np.sum(900 + 10 + 20 * np.arange(15) <= 1000 + 2 * x - y))
                   for x in np.arange(5, 50, 10) for y in np.arange(5, 100, 10))
    assert len(rows) == expected
    assert {r["volume"] for r in rows} == {2000.0}


def test_algorithm_from_a_raster_template(run_algorithm, tmp_path):
    values, transform = _plane_dem()
    template = _write_dem(str(tmp_path / "t.tif"), values, transform)
    result = run_algorithm("targets", {"MODE": 0, "TEMPLATE": template, "OUTPUT": str(tmp_path / "t.gpkg")})
    _, rows, _ = _features(result["OUTPUT"])
    assert len(rows) == 100 and {r["dx"] for r in rows} == {10.0}
    assert {(r["xc"], r["yc"]) for r in rows} == {(x + 5.0, y + 5.0) for x in range(0, 100, 10)
                                                  for y in range(0, 100, 10)}


def test_algorithm_bad_input(run_algorithm, tmp_path):
    from qgis.core import QgsProcessingException

    out = str(tmp_path / "bad.gpkg")
    with pytest.raises(QgsProcessingException, match="Give an EXTENT"):
        run_algorithm("targets", {"MODE": 0, "OUTPUT": out})
    with pytest.raises(QgsProcessingException, match="= 100,000,000 blocks"):
        run_algorithm("targets", {"MODE": 1, "EXTENT": f"0,1000,0,1000 [{CRS}]", "ZMIN": 0, "ZMAX": 100,
                                  "DX": 1, "DY": 1, "DZ": 1, "OUTPUT": out})
    with pytest.raises(QgsProcessingException, match="needs ZMIN and ZMAX"):
        run_algorithm("targets", {"MODE": 1, "EXTENT": f"0,10,0,10 [{CRS}]", "OUTPUT": out})
    values, transform = _plane_dem()
    dem = _write_dem(str(tmp_path / "dem.tif"), values, transform)
    with pytest.raises(QgsProcessingException, match="TOPOGRAPHY applies to a 3D block model"):
        run_algorithm("targets", {"MODE": 0, "EXTENT": f"0,10,0,10 [{CRS}]", "TOPOGRAPHY": dem, "OUTPUT": out})
    assert not (tmp_path / "bad.gpkg").exists()


def test_algorithm_rebuilds_the_sample_deposit_block_model(run_algorithm, tmp_path):
    from ree_grade.algorithms.synthetic.deposit import generate_deposit

    deposit = generate_deposit("small", seed=0)
    truth, grid = deposit.truth["blocks"], deposit.truth["block_grid"]
    (x0, y0, z0), (dx, dy, dz), (nx, ny, nz) = grid["origin"], grid["size"], grid["shape"]
    # A DEM with one cell per block column, its surface just above the
    # column's highest true block: the kept blocks must be the truth's.
    top = np.full((ny, nx), np.nan)
    ix = np.round((truth["x"] - x0) / dx).astype(int)
    iy = np.round((truth["y"] - y0) / dy).astype(int)
    np.fmax.at(top, (ny - 1 - iy, ix), truth["z"] + 0.25 * dz)
    dem = _write_dem(str(tmp_path / "dem.tif"), top, from_origin(x0 - dx / 2, y0 - dy / 2 + ny * dy, dx, dy))
    extent = f"{x0 - dx / 2},{x0 - dx / 2 + nx * dx},{y0 - dy / 2},{y0 - dy / 2 + ny * dy} [{deposit.crs}]"
    result = run_algorithm("targets", {
        "MODE": 1, "EXTENT": extent, "ZMIN": z0 - dz / 2, "ZMAX": z0 - dz / 2 + nz * dz, "DX": dx, "DY": dy, "DZ": dz,
        "TOPOGRAPHY": dem, "TOPO_SAMPLING": 1, "OUTPUT": str(tmp_path / "blocks.gpkg"),
    })
    _, rows, _ = _features(result["OUTPUT"])
    made = {(round(r["xc"], 6), round(r["yc"], 6), round(r["zc"], 6)) for r in rows}
    expected = {(round(x, 6), round(y, 6), round(z, 6)) for x, y, z in zip(truth["x"], truth["y"], truth["z"])}
    assert len(rows) == len(truth["x"]) and made == expected


def test_algorithm_samples_a_dem_in_another_crs(run_algorithm, tmp_path):
    # UTM 48S is UTM 48N with 10,000 km more false northing: the same surface.
    values, transform = _plane_dem()
    north = _write_dem(str(tmp_path / "n.tif"), values, transform)
    south = _write_dem(str(tmp_path / "s.tif"), values, from_origin(0.0, 100.0 + 1e7, 10.0, 10.0), "EPSG:32748")
    counts = []
    for dem in (north, south):
        result = run_algorithm("targets", {
            "MODE": 1, "EXTENT": f"0,100,0,100 [{CRS}]", "ZMIN": 900, "ZMAX": 1200, "DX": 10, "DY": 10, "DZ": 20,
            "TOPOGRAPHY": dem, "TOPO_SAMPLING": 1, "OUTPUT": str(tmp_path / f"{len(counts)}.gpkg"),
        })
        counts.append(sorted(r["block_id"] for r in _features(result["OUTPUT"])[1]))
    assert counts[0] == counts[1] and len(counts[0]) > 100
