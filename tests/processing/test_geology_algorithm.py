"""reegrade:geologyfeatures through processing.run
(split from tests/unit/test_geology.py, whose pure helpers it reuses)."""
import numpy as np
import pytest
import shapely
from test_geology import (
    GSWA,
    gswa,  # noqa: F401 (pytest fixtures shared with the unit tests)
)

from ree_grade.algorithms.geology import map_features as geology


# --- through QGIS --------------------------------------------------------------
@pytest.fixture
def _points_layer(memory_layer):
    def make(xy, crs="EPSG:28350", z=None):
        coords = [(x, y, z[i]) if z is not None else (x, y) for i, (x, y) in enumerate(xy)]
        return memory_layer(["sample:integer"], [[i] for i in range(len(xy))], coords, crs=crs, name="samples")

    return make


def _read_output(path, names):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(path, "out", "ogr")
    assert layer.isValid()
    rows = [[f[n] for n in names] for f in layer.getFeatures()]
    return layer, rows


def test_algorithm_on_gswa(run_algorithm, _points_layer, gswa, data_dir, tmp_path):
    polygons, codes, geo = gswa
    xy = np.array([p.coords[0] for p in shapely.point_on_surface(polygons[:20])])
    units_out = str(tmp_path / "units.json")
    result = run_algorithm("geologyfeatures", {
        "INPUT": _points_layer(xy, z=np.linspace(300, 500, len(xy))), "GEOLOGY": str(data_dir / GSWA),
        "UNIT_FIELD": "code", "UNITS_OUT": units_out, "OUTPUT": str(tmp_path / "samples.gpkg"),
    })
    layer, rows = _read_output(result["OUTPUT"], ["geo_unit", "geo_a_ham_cib", "geo_dist_contact"])
    assert [r[0] for r in rows] == list(codes[:20])
    assert [r[1] for r in rows] == [int(c == "A-HAm-cib") for c in codes[:20]]
    np.testing.assert_allclose([r[2] for r in rows], geo.features(xy)["geo_dist_contact"], rtol=1e-9)
    names = [f.name() for f in layer.fields()]
    assert [n for n in names if n.startswith("geo_")] == geo.field_names()
    assert "geo_dist_fault" not in names
    assert geology.UnitList.load(units_out).units == geo.units


def test_algorithm_targets_get_the_samples_fields(run_algorithm, _points_layer, data_dir, tmp_path):
    units_out = str(tmp_path / "units.json")
    samples = run_algorithm("geologyfeatures", {
        "INPUT": _points_layer([(530000, 7490000)]), "GEOLOGY": str(data_dir / GSWA), "UNIT_FIELD": "code",
        "UNITS_OUT": units_out, "OUTPUT": str(tmp_path / "s.gpkg"),
    })
    # Targets against only part of the map: the saved list keeps every field.
    part = f"{data_dir / GSWA}|layername=geology|subset=\"code\" IN ('A-HAm-cib', 'A-FOj-xs-b', 'P_-HAb-cib')"
    targets = run_algorithm("geologyfeatures", {
        "INPUT": _points_layer([(530000, 7490000), (520000, 7480000)]), "GEOLOGY": part, "UNIT_FIELD": "code",
        "UNITS_FILE": units_out, "OUTPUT": str(tmp_path / "t.gpkg"),
    })
    fields_of = [[f.name() for f in _read_output(r["OUTPUT"], [])[0].fields()] for r in (samples, targets)]
    assert fields_of[0] == fields_of[1]


def test_algorithm_reprojects_points_crs_and_rejects_no_crs(run_algorithm, _points_layer, gswa, data_dir, tmp_path):
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsPointXY,
        QgsProcessingException,
        QgsProject,
    )

    polygons, codes, _ = gswa
    xy = np.array([p.coords[0] for p in shapely.point_on_surface(polygons[:10])])
    transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:28350"),
                                       QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    lonlat = [(p.x(), p.y()) for p in (transform.transform(QgsPointXY(x, y)) for x, y in xy)]
    result = run_algorithm("geologyfeatures", {
        "INPUT": _points_layer(lonlat, crs="EPSG:4326"), "GEOLOGY": str(data_dir / GSWA), "UNIT_FIELD": "code",
        "OUTPUT": str(tmp_path / "ll.gpkg"),
    })
    assert [r[0] for r in _read_output(result["OUTPUT"], ["geo_unit"])[1]] == list(codes[:10])
    out = str(tmp_path / "nocrs.gpkg")
    with pytest.raises(QgsProcessingException, match="has no coordinate reference system"):
        run_algorithm("geologyfeatures", {
            "INPUT": _points_layer(xy, crs=None), "GEOLOGY": str(data_dir / GSWA), "UNIT_FIELD": "code",
            "OUTPUT": out,
        })
    assert not (tmp_path / "nocrs.gpkg").exists()


def test_algorithm_unit_list_from_another_field_is_an_error(run_algorithm, _points_layer, data_dir, tmp_path):
    from qgis.core import QgsProcessingException

    units = str(tmp_path / "units.json")
    geology.UnitList(["Marra Mamba Iron Formation"], "unitname").save(units)
    with pytest.raises(QgsProcessingException, match="made from field 'unitname', but UNIT_FIELD is 'code'"):
        run_algorithm("geologyfeatures", {
            "INPUT": _points_layer([(530000, 7490000)]), "GEOLOGY": str(data_dir / GSWA), "UNIT_FIELD": "code",
            "UNITS_FILE": units, "OUTPUT": str(tmp_path / "x.gpkg"),
        })


# --- the small sample deposit --------------------------------------------------
@pytest.fixture(scope="module")
def deposit(tmp_path_factory):
    from ree_grade.algorithms.synthetic.deposit import generate_deposit, write_deposit

    deposit = generate_deposit("small", seed=0)
    folder = tmp_path_factory.mktemp("deposit")
    return deposit, write_deposit(deposit, str(folder))


def test_algorithm_on_the_sample_deposit(run_algorithm, _points_layer, deposit, tmp_path):
    deposit, paths = deposit
    collars = deposit.collars
    xy = np.column_stack([collars["x"], collars["y"]])
    result = run_algorithm("geologyfeatures", {
        "INPUT": _points_layer(xy, crs=deposit.crs, z=np.asarray(collars["z"])),
        "GEOLOGY": paths["geology.gpkg"] + "|layername=lithology", "UNIT_FIELD": "unit",
        "FAULTS": paths["geology.gpkg"] + "|layername=faults", "OUTPUT": str(tmp_path / "collars.gpkg"),
    })
    _, rows = _read_output(result["OUTPUT"], ["geo_unit", "geo_dist_fault", "geo_carbonatite"])
    points = shapely.points(xy)
    for unit, polygon in deposit.geology:
        hit = shapely.contains(polygon, points)
        assert all(rows[i][0] == unit for i in np.flatnonzero(hit))
    faults = shapely.union_all(deposit.faults)
    np.testing.assert_allclose([r[1] for r in rows], shapely.distance(points, faults), rtol=1e-6)
    assert [r[2] for r in rows] == [int(r[0] == "carbonatite") for r in rows]


def _dem(deposit, path, cell=10.0):
    """The deposit's true topography as a GeoTIFF covering its extent."""
    import rasterio
    from rasterio.transform import from_origin

    from ree_grade.algorithms.synthetic.deposit import deposit_model

    xmin, ymin, xmax, ymax = deposit.extent
    xs = np.arange(xmin + cell / 2, xmax, cell)
    ys = np.arange(ymax - cell / 2, ymin, -cell)
    xx, yy = np.meshgrid(xs, ys)
    z = deposit_model(deposit.preset, deposit.seed).topography(xx.ravel(), yy.ravel()).reshape(xx.shape)
    with rasterio.open(path, "w", driver="GTiff", width=len(xs), height=len(ys), count=1, dtype="float64",
                       crs=deposit.crs, transform=from_origin(xmin, ymax, cell, cell)) as dst:
        dst.write(z, 1)
    return str(path)


def test_faults_down_dip_find_the_true_fault_plane_at_depth(run_algorithm, _points_layer, deposit, tmp_path):
    deposit, paths = deposit
    truth = deposit.truth["samples"]
    keep = np.flatnonzero(np.isfinite(np.asarray(truth["x"], dtype=float)))[::7]
    xyz = np.column_stack([np.asarray(truth[k], dtype=float)[keep] for k in "xyz"])
    main_fault = paths["geology.gpkg"] + "|layername=faults|subset=\"name\" = 'main fault'"
    result = run_algorithm("geologyfeatures", {
        "INPUT": _points_layer(xyz[:, :2], crs=deposit.crs, z=xyz[:, 2]),
        "GEOLOGY": paths["geology.gpkg"] + "|layername=lithology", "UNIT_FIELD": "unit", "FAULTS": main_fault,
        "DIP_FIELD": "dip", "DIP_DIRECTION_FIELD": "dip_dir", "SURFACE": _dem(deposit, tmp_path / "dem.tif"),
        "OUTPUT": str(tmp_path / "samples.gpkg"),
    })
    _, rows = _read_output(result["OUTPUT"], ["geo_fault_plane", "geo_dist_fault"])
    plane, trace = np.array(rows, dtype=float).T
    d_fault = np.asarray(truth["d_fault"], dtype=float)[keep]
    # The generator's fault wiggles along strike and the trace is its surface intersection, so not exact;
    # the trace distance at depth misses by depth / tan(75 degrees).
    assert np.median(np.abs(plane - d_fault)) < 5.0
    assert np.median(np.abs(plane - d_fault)) < 0.5 * np.median(np.abs(trace - np.abs(d_fault)))
    assert np.corrcoef(plane, d_fault)[0, 1] > 0.99


def test_faults_down_dip_need_dips_a_dem_and_3d_points(run_algorithm, _points_layer, memory_layer, deposit,
                                                        tmp_path):
    from qgis.core import QgsProcessingException

    deposit, paths = deposit
    centre = np.mean(np.reshape(deposit.extent, (2, 2)), axis=0)
    common = {"GEOLOGY": paths["geology.gpkg"] + "|layername=lithology", "UNIT_FIELD": "unit",
              "FAULTS": paths["geology.gpkg"] + "|layername=faults", "DIP_FIELD": "dip"}
    points = _points_layer([tuple(centre)], crs=deposit.crs, z=[2000.0])
    out = tmp_path / "x.gpkg"
    with pytest.raises(QgsProcessingException, match="need FAULTS, both DIP_FIELD and DIP_DIRECTION_FIELD, and "
                                                     "SURFACE"):
        run_algorithm("geologyfeatures", {**common, "INPUT": points, "OUTPUT": str(out)})
    dem = _dem(deposit, tmp_path / "dem.tif", cell=50.0)
    surface_only = {key: value for key, value in common.items() if key != "DIP_FIELD"}
    with pytest.raises(QgsProcessingException, match="need FAULTS, both DIP_FIELD"):
        run_algorithm("geologyfeatures", {**surface_only, "SURFACE": dem, "INPUT": points, "OUTPUT": str(out)})
    full = {**common, "DIP_DIRECTION_FIELD": "dip_dir", "SURFACE": dem}
    with pytest.raises(QgsProcessingException, match="samples: feature at row 1 has no z"):
        run_algorithm("geologyfeatures", {**full, "INPUT": _points_layer([tuple(centre)], crs=deposit.crs),
                                          "OUTPUT": str(out)})
    lines = [f"LINESTRING({a[0]} {a[1]}, {b[0]} {b[1]})" for a, b in ((centre - 500, centre + 500),
                                                                     (centre, centre + 100))]
    flat = memory_layer(["dip:double", "dip_dir:double"], [[80.0, 290.0], [0.0, 290.0]], lines, crs=deposit.crs,
                        name="faults")
    with pytest.raises(QgsProcessingException, match=r"faults: field 'dip', row 2: dip 0 is not in \(0, 90\] degrees"):
        run_algorithm("geologyfeatures", {**full, "FAULTS": flat, "INPUT": points, "OUTPUT": str(out)})
    assert not out.exists()
