"""reegrade:targets through processing.run
(split from tests/unit/test_targets.py, whose pure helpers it reuses)."""
import numpy as np
import pytest
from rasterio.transform import from_origin
from test_targets import CRS, _plane_dem

from ree_grade.algorithms.io.raster import write_bands


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


def test_algorithm_block_model_below_topography_and_clipped(run_algorithm, memory_layer, tmp_path):
    values, transform = _plane_dem()
    dem = _write_dem(str(tmp_path / "dem.tif"), values, transform)
    clip = memory_layer([], coords=["Polygon ((0 0, 50 0, 50 100, 0 100, 0 0))"], geometry="Polygon", crs=CRS,
                        name="clip")
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
