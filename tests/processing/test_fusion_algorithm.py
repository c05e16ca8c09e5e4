"""reegrade:pcafusion through processing.run
(split from tests/unit/test_fusion.py, whose pure helpers it reuses)."""
import numpy as np
import pytest
from test_fusion import FIELDS, _data

from ree_grade.algorithms.ml import fusion as fusion

CRS = "EPSG:32648"


# --- through QGIS --------------------------------------------------------------
@pytest.fixture
def _layer(memory_layer):
    def make(X, xyz, fields=FIELDS, crs=CRS, kinds=None):
        kinds = kinds or ["double"] * len(fields)
        rows = [[i] + list(X[i]) for i in range(len(X))]
        return memory_layer({"id": "integer", **dict(zip(fields, kinds))}, rows, xyz[:len(X)], crs=crs,
                            geometry="PointZ", name="samples")

    return make


def _scores(path, k):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(path, "out", "ogr")
    assert layer.isValid()
    return np.array([[f[f"pc_{j:02d}"] for j in range(1, k + 1)] for f in layer.getFeatures()]), layer


def test_algorithm_fit_then_apply(run_algorithm, _layer, tmp_path):
    X, xyz = _data(200)
    transform = str(tmp_path / "pca.json")
    fit = run_algorithm("pcafusion", {
        "INPUT": _layer(X[:150], xyz[:150]), "FIELDS": FIELDS, "MODE": 0, "N_COMPONENTS": 3, "RFF_FEATURES": 10,
        "LENGTH_SCALE": 250.0, "SEED": 7, "TRANSFORM_OUT": transform, "OUTPUT": str(tmp_path / "fit.gpkg"),
    })
    model = fusion.PCAFusion.load(transform)
    scores, layer = _scores(fit["OUTPUT"], 3)
    np.testing.assert_allclose(scores, model.transform(X[:150], xyz[:150]), atol=1e-9)
    assert [f.name() for f in layer.fields()][-4:] == ["geo_dist_contact", "pc_01", "pc_02", "pc_03"]
    assert fit["COMPONENTS"] == 3
    np.testing.assert_allclose([float(v) for v in fit["EXPLAINED_VARIANCE"].split(",")],
                               model.explained_variance_ratio_, rtol=1e-5)
    # Targets with their fields in another order: matched by name.
    order = [4, 2, 0, 1, 3]
    targets = _layer(X[150:][:, order], xyz[150:], [FIELDS[i] for i in order])
    applied = run_algorithm("pcafusion", {"INPUT": targets, "MODE": 1, "TRANSFORM_IN": transform,
                                          "OUTPUT": str(tmp_path / "apply.gpkg")})
    np.testing.assert_allclose(_scores(applied["OUTPUT"], 3)[0], model.transform(X[150:], xyz[150:]), atol=1e-9)


def test_algorithm_apply_reprojects_targets(run_algorithm, _layer, tmp_path):
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsPointXY,
        QgsProcessingException,
        QgsProject,
    )

    X, xyz = _data(120)
    transform = str(tmp_path / "pca.json")
    run_algorithm("pcafusion", {
        "INPUT": _layer(X, xyz), "FIELDS": FIELDS, "N_COMPONENTS": 2, "RFF_FEATURES": 6, "LENGTH_SCALE": 150.0,
        "TRANSFORM_OUT": transform, "OUTPUT": str(tmp_path / "fit.gpkg"),
    })
    to_ll = QgsCoordinateTransform(QgsCoordinateReferenceSystem(CRS), QgsCoordinateReferenceSystem("EPSG:4326"),
                                   QgsProject.instance())
    lonlat = np.array([[p.x(), p.y(), z] for p, z in
                       ((to_ll.transform(QgsPointXY(x, y)), z) for x, y, z in xyz[:20])])
    applied = run_algorithm("pcafusion", {"INPUT": _layer(X[:20], lonlat, crs="EPSG:4326"), "MODE": 1,
                                          "TRANSFORM_IN": transform, "OUTPUT": str(tmp_path / "ll.gpkg")})
    expected = fusion.PCAFusion.load(transform).transform(X[:20], xyz[:20])
    np.testing.assert_allclose(_scores(applied["OUTPUT"], 2)[0], expected, atol=1e-6)
    no_crs = _layer(X[:20], xyz[:20])
    no_crs.setCrs(QgsCoordinateReferenceSystem())
    with pytest.raises(QgsProcessingException, match="samples: the layer has no coordinate reference system"):
        run_algorithm("pcafusion", {"INPUT": no_crs, "MODE": 1, "TRANSFORM_IN": transform,
                                    "OUTPUT": str(tmp_path / "nocrs.gpkg")})
    assert not (tmp_path / "nocrs.gpkg").exists()


def test_algorithm_bad_input(run_algorithm, _layer, tmp_path):
    from qgis.core import QgsProcessingException

    X, xyz = _data(60)
    transform = str(tmp_path / "pca.json")
    run_algorithm("pcafusion", {"INPUT": _layer(X, xyz), "FIELDS": FIELDS, "N_COMPONENTS": 2,
                                "TRANSFORM_OUT": transform, "OUTPUT": str(tmp_path / "fit.gpkg")})
    out = str(tmp_path / "bad.gpkg")
    lacking = _layer(X[:, :4], xyz, FIELDS[:4])
    with pytest.raises(QgsProcessingException, match="field 'geo_dist_contact' not found"):
        run_algorithm("pcafusion", {"INPUT": lacking, "MODE": 1, "TRANSFORM_IN": transform, "OUTPUT": out})
    with pytest.raises(QgsProcessingException, match=r"fields do not match the fitted ones \(missing \['hs_depth'"):
        run_algorithm("pcafusion", {"INPUT": _layer(X, xyz), "MODE": 1, "TRANSFORM_IN": transform,
                                    "FIELDS": ["La_ppm", "Ce_ppm"], "OUTPUT": out})
    text = np.array([[1.0, 2.0, 0.1, 3.0, "granite"]] * 5, dtype=object)
    text[:, :4] = np.arange(20).reshape(5, 4)
    message = "samples: column 'geo_dist_contact', row 1: 'granite' is not a number"
    with pytest.raises(QgsProcessingException, match=message):
        run_algorithm("pcafusion", {"INPUT": _layer(text, xyz[:5], kinds=["double"] * 4 + ["string"]),
                                    "FIELDS": FIELDS, "N_COMPONENTS": 2, "OUTPUT": out})
    with pytest.raises(QgsProcessingException, match=r"fewer samples \(3\) than components \(4\)"):
        run_algorithm("pcafusion", {"INPUT": _layer(X[:3], xyz[:3]), "FIELDS": FIELDS, "N_COMPONENTS": 4,
                                    "OUTPUT": out})
    empty = X.copy()
    empty[:, 0] = np.nan
    with pytest.raises(QgsProcessingException, match="field 'La_ppm' has no values"):
        run_algorithm("pcafusion", {"INPUT": _layer(empty, xyz), "FIELDS": FIELDS, "N_COMPONENTS": 2,
                                    "OUTPUT": out})
    with pytest.raises(QgsProcessingException, match="APPLY mode needs a saved transform"):
        run_algorithm("pcafusion", {"INPUT": _layer(X, xyz), "MODE": 1, "OUTPUT": out})
    assert not (tmp_path / "bad.gpkg").exists()


def test_pipeline_on_the_sample_deposit(run_algorithm, _layer, tmp_path):
    """targets -> geologyfeatures on samples and targets -> pcafusion FIT on the
    samples, APPLY on the targets: the targets get the samples' components."""
    from qgis.core import QgsVectorLayer

    from ree_grade.algorithms.synthetic.deposit import generate_deposit, write_deposit

    deposit = generate_deposit("small", seed=0)
    paths = write_deposit(deposit, str(tmp_path / "deposit"))
    truth = deposit.truth["samples"]
    xyz = np.column_stack([truth["x"], truth["y"], truth["z"]])
    samples = _layer(np.asarray(truth["TREO_pct"], dtype=float)[:, None], xyz, ["TREO_pct"])
    x0, y0, x1, y1 = deposit.extent
    grid = run_algorithm("targets", {"MODE": 1, "EXTENT": f"{x0},{x1},{y0},{y1} [{deposit.crs}]", "ZMIN": 2200,
                                     "ZMAX": 2300, "DX": 50, "DY": 50, "DZ": 50, "OUTPUT": str(tmp_path / "t.gpkg")})
    geology = {"GEOLOGY": paths["geology.gpkg"] + "|layername=lithology", "UNIT_FIELD": "unit",
               "FAULTS": paths["geology.gpkg"] + "|layername=faults"}
    units = str(tmp_path / "units.json")
    s = run_algorithm("geologyfeatures", dict(geology, INPUT=samples, UNITS_OUT=units, OUTPUT=str(tmp_path / "s.gpkg")))
    t = run_algorithm("geologyfeatures", dict(geology, INPUT=grid["OUTPUT"], UNITS_FILE=units,
                                              OUTPUT=str(tmp_path / "tg.gpkg")))
    sample_layer = QgsVectorLayer(s["OUTPUT"], "s", "ogr")
    covariates = [f.name() for f in sample_layer.fields() if f.name().startswith("geo_") and f.name() != "geo_unit"]
    assert {"geo_carbonatite", "geo_granite", "geo_dist_contact", "geo_dist_fault"} <= set(covariates)
    transform = str(tmp_path / "pca.json")
    fit = run_algorithm("pcafusion", {"INPUT": s["OUTPUT"], "FIELDS": covariates, "N_COMPONENTS": 0,
                                      "VARIANCE": 0.9, "RFF_FEATURES": 16, "LENGTH_SCALE": 200.0, "SEED": 1,
                                      "TRANSFORM_OUT": transform, "OUTPUT": str(tmp_path / "sp.gpkg")})
    # The fit's own selection is accepted in APPLY, constant fields it left out included.
    applied = run_algorithm("pcafusion", {"INPUT": t["OUTPUT"], "MODE": 1, "TRANSFORM_IN": transform,
                                          "FIELDS": covariates, "OUTPUT": str(tmp_path / "tp.gpkg")})
    model = fusion.PCAFusion.load(transform)
    k = fit["COMPONENTS"]
    assert 1 <= k <= len(model.column_names_) and np.cumsum(model.explained_variance_ratio_)[-1] >= 0.9
    target_scores, target_layer = _scores(applied["OUTPUT"], k)
    assert np.all(np.isfinite(target_scores)) and len(target_scores) == target_layer.featureCount() > 0
    # The samples' scores are centred (the fit's own mean), the targets' are not constant.
    sample_scores, _ = _scores(fit["OUTPUT"], k)
    np.testing.assert_allclose(sample_scores.mean(axis=0), 0.0, atol=1e-8)
    assert np.all(target_scores.std(axis=0) > 0)
