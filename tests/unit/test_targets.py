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


def test_template_targets_from_a_file_and_rotated_rasters(tmp_path):
    from affine import Affine

    path = str(tmp_path / "template.tif")
    write_bands(path, np.zeros((1, 3, 4)), ["zero"], from_origin(500.0, 130.0, 10.0, 10.0), CRS)
    grid = tg.targets_from_template(path, "template")
    # Top-left cell centre (505, 125) is row 0, i.e. iy = 2 counted from the bottom row.
    assert (grid["xc"][0], grid["yc"][0], grid["ix"][0], grid["iy"][0]) == (505.0, 125.0, 0, 2)
    assert (grid["xc"][-1], grid["yc"][-1], grid["ix"][-1], grid["iy"][-1]) == (535.0, 105.0, 3, 0)
    assert np.all(grid["dx"] == 10.0) and np.all(grid["dy"] == 10.0) and len(grid["xc"]) == 12
    rotated = str(tmp_path / "rotated.tif")
    write_bands(rotated, np.zeros((1, 3, 4)), ["zero"], Affine(10.0, 2.0, 500.0, 0.0, -10.0, 130.0), CRS)
    with pytest.raises(ValueError, match="^rotated dem: a rotated raster cannot be a target grid$"):
        tg.targets_from_template(rotated, "rotated dem")


def _targets(x, y, z):
    x, y, z = (np.asarray(v, dtype=float) for v in (x, y, z))
    return {"block_id": np.arange(len(x)), "xc": x, "yc": y, "zc": z}


def test_below_topography_reads_warps_and_samples_the_dem(tmp_path):
    values, _ = _plane_dem()  # z = 1000 + 2 x - y with x, y from the raster's corner
    values[0, 9] = np.nan  # nodata in the top-right cell
    path = str(tmp_path / "dem.tif")
    write_bands(path, values[None], ["z"], from_origin(500000.0, 100.0, 10.0, 10.0), CRS)
    # Surface at (12, 33) from the corner: nearest cell centre (15, 35) -> 995, bilinear 991.
    x = 500000.0 + np.array([12.0, 12.0, 12.0, 98.0, 150.0])
    y = np.array([33.0, 33.0, 33.0, 98.0, 50.0])
    targets = _targets(x, y, [990.0, 993.0, 996.0, 0.0, 0.0])
    kept, uncovered = tg.below_topography(targets, path, "nearest")
    assert kept["block_id"].tolist() == [0, 1] and uncovered == 2
    kept, uncovered = tg.below_topography(targets, path, "bilinear")
    assert kept["block_id"].tolist() == [0] and uncovered == 2
    # The same points in UTM zone 48's projection without its false easting: x is 500 km less there.
    shifted = _targets(x - 500000.0, y, targets["zc"])
    local = "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9996 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    kept, uncovered = tg.below_topography(shifted, path, "nearest", local)
    assert kept["block_id"].tolist() == [0, 1] and uncovered == 2
    np.testing.assert_array_equal(kept["xc"], x[:2] - 500000.0)  # the targets keep their own coordinates
