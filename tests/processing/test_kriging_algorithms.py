"""reegrade:variogram and reegrade:ordinarykriging through processing.run."""
import json

import numpy as np
import pytest
from recording import recording_feedback

from ree_grade.algorithms.geostats.kriging import OrdinaryKriging
from ree_grade.algorithms.geostats.neighbourhood import SearchEllipse
from ree_grade.algorithms.geostats.variogram_model import VariogramModel

CRS = "EPSG:32611"


@pytest.fixture
def point_layer(memory_layer):
    def make(xyz, fields, rows, crs=CRS, name="samples"):
        """Memory PointZ (or Point) layer; fields like 'V:double'."""
        return memory_layer(fields, rows, xyz, crs=crs, name=name, keep_nan=True)

    return make


@pytest.fixture(scope="module")
def walker(data_dir):
    table = np.loadtxt(data_dir / "walker_lake" / "pygslib_walker_sample.dat", skiprows=8)
    return table[:, 1:3] + [300000.0, 4200000.0], table[:, 3]


@pytest.fixture
def walker_layer(walker, point_layer):
    xy, v = walker
    return point_layer(xy, ["V:double", "hole:string"], [[float(a), f"H{i // 5}"] for i, a in enumerate(v)])


@pytest.fixture
def model_file(run_algorithm, walker_layer, tmp_path):
    result = run_algorithm("variogram", {
        "INPUT": walker_layer, "GRADE_FIELD": "V", "DIMENSION": 0, "LAG": 10.0, "N_LAGS": 10,
        "STRUCTURES": "spherical, spherical", "SEED": 1, "MODEL_OUT": str(tmp_path / "v.json"),
        "PLOT": str(tmp_path / "v.html"),
    })
    return result


def test_variogram_algorithm_writes_model_and_plot(model_file, tmp_path):
    model = VariogramModel.load(model_file["MODEL_OUT"])
    header = model.header_
    assert header["kind"] == "variogram" and header["fields"] == ["V"]
    assert header["metadata"]["n_samples"] == 470 and header["metadata"]["seed"] == 1
    assert len(model.structures) == 2 and 0.5 * 89_900 < model.total_sill < 1.5 * 89_900
    page = (tmp_path / "v.html").read_text()
    assert "data:image/png;base64," in page and "Total sill" in page


def test_variogram_algorithm_directions(run_algorithm, walker_layer, tmp_path):
    result = run_algorithm("variogram", {
        "INPUT": walker_layer, "GRADE_FIELD": "V", "DIMENSION": 0, "LAG": 10.0, "N_LAGS": 10,
        "DIRECTIONS": "axes", "AZIMUTH": 345.0, "STRUCTURES": "spherical", "MODEL_OUT": str(tmp_path / "d.json"),
        "PLOT": str(tmp_path / "d.png"),
    })
    model = VariogramModel.load(result["MODEL_OUT"])
    assert model.structures[0].angles == (345.0, 0.0, 0.0)
    assert (tmp_path / "d.png").read_bytes()[:4] == b"\x89PNG"


def test_variogram_algorithm_bad_input(run_algorithm, point_layer, tmp_path):
    from qgis.core import QgsProcessingException

    layer = point_layer(np.random.default_rng(0).uniform(0, 100, (30, 2)), ["g:double"], [[2.0]] * 30)
    out = tmp_path / "c.json"
    with pytest.raises(QgsProcessingException, match="field 'g': every value equals 2; a constant variable"):
        run_algorithm("variogram", {"INPUT": layer, "GRADE_FIELD": "g", "LAG": 5.0, "MODEL_OUT": str(out)})
    assert not out.exists()
    varied = point_layer(np.random.default_rng(0).uniform(0, 100, (30, 2)), ["g:double"],
                         [[float(i)] for i in range(30)])
    with pytest.raises(QgsProcessingException, match="unknown variogram structure type 'cubic'"):
        run_algorithm("variogram", {"INPUT": varied, "GRADE_FIELD": "g", "LAG": 5.0, "STRUCTURES": "cubic",
                                    "MODEL_OUT": str(out)})
    with pytest.raises(QgsProcessingException,
                       match=r"directions \(azimuth/dip; azimuth/dip ...\): 'north' is not a list of numbers"):
        run_algorithm("variogram", {"INPUT": varied, "GRADE_FIELD": "g", "DIRECTIONS": "north", "MODEL_OUT": str(out)})


def test_kriging_on_points_matches_the_science(run_algorithm, point_layer, walker, walker_layer, model_file, tmp_path):
    from qgis.core import QgsVectorLayer

    targets_xy = np.random.default_rng(3).uniform(0, 260, (40, 2)) + [300000.0, 4200000.0]
    targets = point_layer(targets_xy, ["name:string"], [[f"t{i}"] for i in range(40)], name="targets")
    result = run_algorithm("ordinarykriging", {
        "INPUT": walker_layer, "GRADE_FIELD": "V", "HOLE_FIELD": "hole", "VARIOGRAM": model_file["MODEL_OUT"],
        "TARGETS": targets, "SEARCH_MAJOR": 80.0, "MIN_SAMPLES": 4, "MAX_SAMPLES": 16, "MAX_PER_HOLE": 3,
        "OUTPUT": str(tmp_path / "ok.gpkg"),
    })
    layer = QgsVectorLayer(result["OUTPUT"], "ok", "ogr")
    features = list(layer.getFeatures())
    assert [f["name"] for f in features] == [f"t{i}" for i in range(40)]
    xy, v = walker
    model = VariogramModel.load(model_file["MODEL_OUT"])
    expected = OrdinaryKriging(model, SearchEllipse(80.0), 4, 16, 3).fit(
        xy, v, groups=[f"H{i // 5}" for i in range(len(v))]).predict(targets_xy)
    got = np.array([[f["ok_estimate"], f["ok_variance"], f["ok_slope"], f["ok_n"]] for f in features], dtype=float)
    np.testing.assert_allclose(got[:, 0], expected["estimate"], rtol=1e-9)
    np.testing.assert_allclose(got[:, 1], expected["variance"], rtol=1e-9)
    np.testing.assert_allclose(got[:, 2], expected["slope"], rtol=1e-9)
    np.testing.assert_array_equal(got[:, 3], expected["n_used"])


def test_kriging_on_raster_template_with_blocks(run_algorithm, walker_layer, model_file, tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    template = tmp_path / "template.tif"
    with rasterio.open(template, "w", driver="GTiff", width=26, height=30, count=1, dtype="float32", crs=CRS,
                       transform=from_origin(300000.0, 4200300.0, 10.0, 10.0)) as dst:
        dst.write(np.zeros((1, 30, 26), dtype="float32"))
    out = tmp_path / "ok.tif"
    run_algorithm("ordinarykriging", {
        "INPUT": walker_layer, "GRADE_FIELD": "V", "VARIOGRAM": model_file["MODEL_OUT"], "TEMPLATE": str(template),
        "SEARCH_MAJOR": 0.0, "MAX_SAMPLES": 16, "BLOCK_SIZE": "10, 10", "DISCRETISATION": "3, 3, 1",
        "OUTPUT_RASTER": str(out),
    })
    with rasterio.open(out) as src:
        assert src.descriptions == ("estimate", "variance", "slope_of_regression", "n_samples")
        bands = src.read(masked=True)
    assert bands.shape == (4, 30, 26) and not np.ma.is_masked(bands[0])
    assert 0 < bands[0].mean() < 1000 and np.all(bands[1] > 0) and np.all(bands[3] == 16)
    # A block right beside a sample can regress slightly above 1; on average the
    # slope sits below 1 (conditional bias of a smoothed estimate).
    assert np.all((bands[2] > 0.5) & (bands[2] < 1.1)) and bands[2].mean() < 1.0


def test_kriging_reprojects_targets_and_rejects_missing_crs(run_algorithm, point_layer, walker_layer, model_file,
                                                            tmp_path):
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsPointXY,
        QgsProcessingException,
        QgsProcessingFeedback,
        QgsProject,
        QgsVectorLayer,
    )

    transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem(CRS), QgsCoordinateReferenceSystem("EPSG:4326"),
                                       QgsProject.instance())
    lonlat = transform.transform(QgsPointXY(300100.0, 4200100.0))
    targets = point_layer(np.array([[lonlat.x(), lonlat.y()]]), ["id:integer"], [[1]], crs="EPSG:4326")
    messages = []

    class Feedback(QgsProcessingFeedback):
        def pushInfo(self, info):  # noqa: N802 (QGIS API name)
            messages.append(info)

    params = {"INPUT": walker_layer, "GRADE_FIELD": "V", "VARIOGRAM": model_file["MODEL_OUT"], "TARGETS": targets,
              "MAX_SAMPLES": 16, "OUTPUT": str(tmp_path / "r.gpkg")}
    result = run_algorithm("ordinarykriging", params, Feedback())
    assert any("reprojected from EPSG:4326 to EPSG:32611" in m for m in messages)
    reprojected = next(QgsVectorLayer(result["OUTPUT"], "r", "ogr").getFeatures())
    same = point_layer(np.array([[300100.0, 4200100.0]]), ["id:integer"], [[1]])
    direct = run_algorithm("ordinarykriging", dict(params, TARGETS=same, OUTPUT=str(tmp_path / "s.gpkg")))
    assert reprojected["ok_estimate"] == pytest.approx(
        next(QgsVectorLayer(direct["OUTPUT"], "s", "ogr").getFeatures())["ok_estimate"], rel=1e-6)
    no_crs = point_layer(np.array([[300100.0, 4200100.0]]), ["id:integer"], [[1]])
    no_crs.setCrs(QgsCoordinateReferenceSystem())
    with pytest.raises(QgsProcessingException, match="the layer has no coordinate reference system"):
        run_algorithm("ordinarykriging", dict(params, TARGETS=no_crs, OUTPUT=str(tmp_path / "n.gpkg")))
    assert not (tmp_path / "n.gpkg").exists()


def test_kriging_bad_input(run_algorithm, point_layer, walker_layer, model_file, tmp_path):
    from qgis.core import QgsProcessingException

    targets = point_layer(np.array([[300100.0, 4200100.0]]), ["id:integer"], [[1]])
    base = {"INPUT": walker_layer, "GRADE_FIELD": "V", "VARIOGRAM": model_file["MODEL_OUT"],
            "OUTPUT": str(tmp_path / "b.gpkg")}
    with pytest.raises(QgsProcessingException, match="Give target points or a raster template"):
        run_algorithm("ordinarykriging", base)
    with pytest.raises(QgsProcessingException, match="A maximum per hole needs the hole id field"):
        run_algorithm("ordinarykriging", dict(base, TARGETS=targets, MAX_PER_HOLE=2))
    with pytest.raises(QgsProcessingException, match=r"minimum number of samples \(30\) exceeds the maximum \(20\)"):
        run_algorithm("ordinarykriging", dict(base, TARGETS=targets, MIN_SAMPLES=30, MAX_SAMPLES=20))
    with pytest.raises(QgsProcessingException, match="fewer than the minimum of 500"):
        run_algorithm("ordinarykriging", dict(base, TARGETS=targets, MIN_SAMPLES=500, MAX_SAMPLES=600))
    with pytest.raises(QgsProcessingException, match="block size: 'ten' is not a list of numbers"):
        run_algorithm("ordinarykriging", dict(base, TARGETS=targets, BLOCK_SIZE="ten"))
    with open(model_file["MODEL_OUT"], encoding="utf-8") as handle:
        header = json.load(handle)
    header["kind"] = "boxcox"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(header))
    with pytest.raises(QgsProcessingException, match="kind is 'boxcox', expected 'variogram'"):
        run_algorithm("ordinarykriging", dict(base, TARGETS=targets, VARIOGRAM=str(wrong)))
    assert not (tmp_path / "b.gpkg").exists()


def test_kriging_3d_blocks_from_pointz_layers(run_algorithm, point_layer, tmp_path):
    """3D block kriging through Processing on the small sample deposit: PointZ
    samples and block centroids, fixed-nugget variogram along the axes."""
    from qgis.core import NULL, QgsVectorLayer

    from ree_grade.algorithms.synthetic.deposit import generate_deposit

    deposit = generate_deposit("small", seed=0)
    s, b = deposit.truth["samples"], deposit.truth["blocks"]
    xyz = np.column_stack([s["x"], s["y"], s["z"]])
    samples = point_layer(xyz, ["TREO_pct:double", "hole_id:string"],
                          [[float(g), h] for g, h in zip(s["TREO_pct"], s["hole_id"])], crs=deposit.crs)
    variogram = run_algorithm("variogram", {
        "INPUT": samples, "GRADE_FIELD": "TREO_pct", "DIMENSION": 1, "LAG": 10.0, "N_LAGS": 12, "DIRECTIONS": "axes",
        "ANGLE_TOLERANCE": 30.0, "NUGGET": 1, "NUGGET_VALUE": 0.2, "MODEL_OUT": str(tmp_path / "v3.json"),
    })
    model = VariogramModel.load(variogram["MODEL_OUT"])
    header = model.header_
    assert model.nugget == 0.2 and header["metadata"]["dimensions"] == 3
    centroids = np.column_stack([b["x"], b["y"], b["z"]])[::150][:300]
    blocks = point_layer(centroids, ["block:integer"], [[i] for i in range(len(centroids))], crs=deposit.crs)
    result = run_algorithm("ordinarykriging", {
        "INPUT": samples, "GRADE_FIELD": "TREO_pct", "HOLE_FIELD": "hole_id", "VARIOGRAM": variogram["MODEL_OUT"],
        "TARGETS": blocks, "SEARCH_MAJOR": 200.0, "SEARCH_SEMI": 200.0, "SEARCH_MINOR": 80.0, "MIN_SAMPLES": 4,
        "MAX_SAMPLES": 20, "MAX_PER_HOLE": 5, "BLOCK_SIZE": "25, 25, 10", "DISCRETISATION": "2, 2, 2",
        "OUTPUT": str(tmp_path / "blocks.gpkg"),
    })
    features = QgsVectorLayer(result["OUTPUT"], "b", "ogr").getFeatures()
    got = np.array([[np.nan if f.attribute("ok_estimate") in (None, NULL) else f["ok_estimate"], f["ok_n"]]
                    for f in features], dtype=float)
    expected = OrdinaryKriging(model, SearchEllipse((200.0, 200.0, 80.0)), 4, 20, 5, (2, 2, 2)).fit(
        xyz, np.asarray(s["TREO_pct"], float), groups=s["hole_id"]).predict(centroids, block_size=(25.0, 25.0, 10.0))
    np.testing.assert_allclose(got[:, 0], expected["estimate"], rtol=1e-9)
    np.testing.assert_array_equal(got[:, 1], expected["n_used"])
    assert np.isfinite(got[:, 0]).sum() > 50


@pytest.fixture
def oriented(point_layer, tmp_path):
    """3D samples, targets and a variogram file whose ellipsoid is rotated."""
    from ree_grade.algorithms.geostats.variogram_model import Structure

    rng = np.random.default_rng(4)
    xyz = rng.uniform(0, 300, (300, 3)) + [500000.0, 4000000.0, 0.0]
    grade = np.sin(xyz[:, 0] / 40.0) + xyz[:, 2] / 300.0 + rng.normal(0, 0.1, 300)
    targets_xyz = rng.uniform(20, 280, (30, 3)) + [500000.0, 4000000.0, 0.0]
    model = VariogramModel(0.05, [Structure("spherical", 0.3, (40.0, 30.0, 10.0), (10.0, 0.0, 0.0)),
                                  Structure("spherical", 0.6, (200.0, 100.0, 40.0), (60.0, -30.0, 20.0))])
    path = tmp_path / "oriented.json"
    model.save(str(path), "g")
    samples = point_layer(xyz, ["g:double"], [[float(v)] for v in grade])
    targets = point_layer(targets_xyz, ["t:integer"], [[i] for i in range(30)], name="targets")
    return {"xyz": xyz, "grade": grade, "targets_xyz": targets_xyz, "model": model, "path": str(path),
            "samples": samples, "targets": targets}


def _ok_estimates(run_algorithm, oriented, tmp_path, name, feedback, **search):
    from qgis.core import QgsVectorLayer

    result = run_algorithm("ordinarykriging", dict({
        "INPUT": oriented["samples"], "GRADE_FIELD": "g", "VARIOGRAM": oriented["path"], "TARGETS": oriented["targets"],
        "MIN_SAMPLES": 1, "MAX_SAMPLES": 12, "OUTPUT": str(tmp_path / f"{name}.gpkg"),
    }, **search), feedback)
    return np.array([f["ok_estimate"] for f in QgsVectorLayer(result["OUTPUT"], name, "ogr").getFeatures()], float)


def test_kriging_search_defaults_to_the_variogram_file(run_algorithm, oriented, tmp_path):
    """Radii and angles left empty are the longest structure's (200/100/40 m at 60/-30/20), logged as such."""
    feedback = recording_feedback()
    got = _ok_estimates(run_algorithm, oriented, tmp_path, "default", feedback)
    expected = OrdinaryKriging(oriented["model"], SearchEllipse((200.0, 100.0, 40.0), (60.0, -30.0, 20.0)), 1, 12).fit(
        oriented["xyz"], oriented["grade"]).predict(oriented["targets_xyz"])
    np.testing.assert_allclose(got, expected["estimate"], rtol=1e-9)
    plain_distance = SearchEllipse(1.0, bounded=False)  # the nearest 12 at any distance, no anisotropy
    isotropic = OrdinaryKriging(oriented["model"], plain_distance, 1, 12).fit(
        oriented["xyz"], oriented["grade"]).predict(oriented["targets_xyz"])
    assert np.abs(got - isotropic["estimate"]).max() > 1e-3  # the search shapes the estimate: the test can fail
    assert ("Search ellipse: radii 200/100/40 (major from the variogram, semi-major from the variogram, minor from "
            "the variogram); azimuth, dip, rake 60/-30/20 (from the variogram, from the variogram, from the "
            "variogram)") in feedback.infos


def test_kriging_search_given_values_override_the_variogram(run_algorithm, oriented, tmp_path):
    """A given major radius keeps the variogram's ratios for empty semi/minor radii; a given angle wins."""
    feedback = recording_feedback()
    got = _ok_estimates(run_algorithm, oriented, tmp_path, "given", feedback, SEARCH_MAJOR=120.0,
                        SEARCH_MINOR=30.0, SEARCH_AZIMUTH=15.0)
    expected = OrdinaryKriging(oriented["model"], SearchEllipse((120.0, 60.0, 30.0), (15.0, -30.0, 20.0)), 1, 12).fit(
        oriented["xyz"], oriented["grade"]).predict(oriented["targets_xyz"])
    np.testing.assert_allclose(got, expected["estimate"], rtol=1e-9)
    assert ("Search ellipse: radii 120/60/30 (major given, semi-major from the variogram, minor given); azimuth, "
            "dip, rake 15/-30/20 (given, from the variogram, from the variogram)") in feedback.infos
    unlimited = recording_feedback()
    _ok_estimates(run_algorithm, oriented, tmp_path, "unlimited", unlimited, SEARCH_MAJOR=0.0)
    assert ("Search: unlimited (major radius given), the nearest samples at any distance in the variogram's "
            "anisotropic metric") in unlimited.infos


def test_variogram_algorithm_finds_the_orientation(run_algorithm, point_layer, tmp_path):
    """ORIENTATION 'found' on 3D drillholes through a rotated Gaussian field: the model's major axis is the field's
    within 15 degrees, the log says what was found; in 2D the given angles are kept with a warning."""
    from test_anisotropy import ANGLES, RANGES, gaussian_field, vertical_holes

    from ree_grade.algorithms.geostats.anisotropy import angle_between_lines
    from ree_grade.algorithms.geostats.geometry import rotation_matrix

    xyz, holes = vertical_holes(1)
    values = gaussian_field(xyz, ANGLES, RANGES, 2) + 0.3 * np.random.default_rng(3).standard_normal(len(xyz))
    layer = point_layer(xyz + [500000.0, 4000000.0, 1000.0], ["g:double", "hole:string"],
                        [[float(v), str(h)] for v, h in zip(values, holes)])
    feedback = recording_feedback()
    result = run_algorithm("variogram", {
        "INPUT": layer, "GRADE_FIELD": "g", "HOLE_FIELD": "hole", "ORIENTATION": 1, "DIRECTIONS": "axes",
        "MODEL_OUT": str(tmp_path / "found.json"),
    }, feedback)
    model = VariogramModel.load(result["MODEL_OUT"])
    found = rotation_matrix(*model.structures[0].angles)
    assert angle_between_lines(found[0], rotation_matrix(*ANGLES)[0]) < 15.0
    assert any("downhole variogram: nugget" in line for line in feedback.infos)
    assert any("a fan of 18 lines across it: major axis azimuth" in line for line in feedback.infos)
    flat = run_algorithm("variogram", {
        "INPUT": layer, "GRADE_FIELD": "g", "DIMENSION": 0, "ORIENTATION": 1, "AZIMUTH": 30.0,
        "MODEL_OUT": str(tmp_path / "flat.json"),
    })
    assert VariogramModel.load(flat["MODEL_OUT"]).structures[0].angles == (30.0, 0.0, 0.0)
