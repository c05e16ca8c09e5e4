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
