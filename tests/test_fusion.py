"""PCA fusion: equality with scikit-learn, sign convention, the random Fourier
embedding, the saved transform, bad input, and the algorithm in FIT and APPLY
mode, also on the sample deposit's geology features."""
import json

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from ree_grade.algorithms.io.modelfile import ModelFileError
from ree_grade.algorithms.ml import fusion as fusion

FIELDS = ["La_ppm", "Ce_ppm", "hs_depth", "log_carb", "geo_dist_contact"]
CRS = "EPSG:32648"


def _data(n=150, seed=0):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))
    X = latent @ rng.normal(size=(3, len(FIELDS))) + 0.3 * rng.normal(size=(n, len(FIELDS)))
    X = X * [800, 1500, 0.05, 1, 300] + [2000, 4000, 0.2, 0, 500]
    xyz = np.column_stack([rng.uniform(0, 1000, n) + 224000, rng.uniform(0, 800, n) + 3088000,
                           rng.uniform(2000, 2300, n)])
    return X, xyz


def test_equals_scikit_learn_pca():
    X, _ = _data()
    model = fusion.PCAFusion(n_components=4).fit(X, FIELDS)
    Z = StandardScaler().fit_transform(X)
    reference = PCA(n_components=4, svd_solver="full").fit(Z)
    np.testing.assert_allclose(model.explained_variance_ratio_, reference.explained_variance_ratio_, atol=1e-10)
    np.testing.assert_allclose(model.explained_variance_, reference.explained_variance_, rtol=1e-10)
    signs = np.sign(np.sum(model.components_ * reference.components_, axis=1))
    assert np.all(np.abs(signs) == 1)
    np.testing.assert_allclose(model.components_, reference.components_ * signs[:, None], atol=1e-10)
    np.testing.assert_allclose(model.transform(X), reference.transform(Z) * signs, atol=1e-9)
    assert model.component_names_ == ["pc_01", "pc_02", "pc_03", "pc_04"]


def test_largest_loading_is_positive():
    X, _ = _data()
    for flip in (1.0, -1.0):
        model = fusion.PCAFusion(n_components=5).fit(X * flip, FIELDS)
        largest = model.components_[np.arange(5), np.argmax(np.abs(model.components_), axis=1)]
        assert np.all(largest > 0)


def test_variance_threshold_keeps_the_fewest_components():
    X, _ = _data()
    full = fusion.PCAFusion().fit(X, FIELDS)
    cumulative = np.cumsum(full.explained_variance_ratio_)
    for threshold in (0.5, 0.9, 0.99):
        model = fusion.PCAFusion(variance_threshold=threshold).fit(X, FIELDS)
        k = len(model.components_)
        assert cumulative[k - 1] >= threshold and (k == 1 or cumulative[k - 2] < threshold)
    assert len(fusion.PCAFusion(n_components=2, variance_threshold=0.99).fit(X, FIELDS).components_) == 2


def test_random_fourier_features_approximate_the_gaussian_kernel():
    rng = np.random.default_rng(5)
    length = 50.0
    W, b = fusion.draw_rff(20000, 3, length, seed=11)
    x = rng.uniform(-60, 60, (40, 3))
    z = fusion.random_fourier_features(x, W, b)
    approx = z @ z.T
    exact = np.exp(-np.sum((x[:, None] - x[None]) ** 2, axis=-1) / (2 * length**2))
    assert np.abs(approx - exact).max() < 0.04
    assert np.abs(approx - exact).mean() < 0.01


def test_embedding_is_seeded_and_two_dimensional_without_z():
    X, xyz = _data()
    a = fusion.PCAFusion(n_components=3, rff_features=16, length_scale=200.0, seed=3).fit_transform(X, FIELDS, xyz)
    b = fusion.PCAFusion(n_components=3, rff_features=16, length_scale=200.0, seed=3).fit_transform(X, FIELDS, xyz)
    c = fusion.PCAFusion(n_components=3, rff_features=16, length_scale=200.0, seed=4).fit_transform(X, FIELDS, xyz)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    flat = xyz.copy()
    flat[:, 2] = np.nan
    model = fusion.PCAFusion(n_components=3, rff_features=8, length_scale=200.0).fit(X, FIELDS, flat)
    assert model.W_.shape == (8, 2) and model.dims_ == 2
    np.testing.assert_allclose(model.centre_, xyz[:, :2].mean(axis=0))
    embedding_only = fusion.PCAFusion(n_components=2, rff_features=8, length_scale=200.0).fit_transform(None, [], xyz)
    assert embedding_only.shape == (len(xyz), 2)


def test_save_load_and_apply_to_other_rows(tmp_path):
    X, xyz = _data(200)
    model = fusion.PCAFusion(n_components=4, rff_features=12, length_scale=300.0, seed=2).fit(
        X[:150], FIELDS, xyz[:150])
    path = str(tmp_path / "pca.json")
    model.save(path, {"fitted_on": "samples"})
    loaded = fusion.PCAFusion.load(path)
    np.testing.assert_array_equal(loaded.transform(X[150:], xyz[150:]), model.transform(X[150:], xyz[150:]))
    # Row by row equals all at once: nothing depends on the batch.
    np.testing.assert_allclose(loaded.transform(X[150:151], xyz[150:151]), model.transform(X[150:], xyz[150:])[:1])
    header = json.loads((tmp_path / "pca.json").read_text())
    assert header["kind"] == "pcafusion" and header["fields"] == FIELDS
    assert header["params"]["components"] == ["pc_01", "pc_02", "pc_03", "pc_04"]
    with pytest.raises(ValueError, match="fitted on X, Y, Z but this layer's points have no Z"):
        loaded.transform(X[150:], xyz[150:, :2])


def test_edited_transform_is_refused(tmp_path):
    X, _ = _data()
    path = tmp_path / "pca.json"
    fusion.PCAFusion(n_components=2).fit(X, FIELDS).save(str(path))
    with np.load(tmp_path / "pca.npz") as data:
        arrays = {name: data[name] for name in data.files}
    arrays["means"][0] += 1.0
    np.savez(tmp_path / "pca.npz", **arrays)
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        fusion.PCAFusion.load(str(path))
    with pytest.raises(ModelFileError, match="fields do not match"):
        fusion.PCAFusion.load(str(path), FIELDS[::-1])
    header = json.loads(path.read_text())
    header["kind"] = "boxcox"
    path.write_text(json.dumps(header))
    with pytest.raises(ModelFileError, match="kind is 'boxcox', expected 'pcafusion'"):
        fusion.PCAFusion.load(str(path))


def test_bad_input_is_named():
    X, xyz = _data(30)
    with pytest.raises(ValueError, match=r"fewer samples \(30\) than components \(40\)"):
        fusion.PCAFusion(n_components=40, rff_features=50, length_scale=100.0).fit(X, FIELDS, xyz)
    with pytest.raises(ValueError, match="only 5 input columns"):
        fusion.PCAFusion(n_components=6).fit(X, FIELDS)
    with pytest.raises(ValueError, match="between 1 and 100"):
        fusion.PCAFusion(n_components=101)
    holes = X.copy()
    holes[:, 1] = np.nan
    with pytest.raises(ValueError, match="samples: field 'Ce_ppm' has no values"):
        fusion.PCAFusion(n_components=2).fit(holes, FIELDS, table="samples")
    holes = X.copy()
    holes[6, 3] = np.nan
    with pytest.raises(ValueError, match="field 'log_carb', row 7 is missing"):
        fusion.PCAFusion(n_components=2).fit(holes, FIELDS)
    filled = fusion.PCAFusion(n_components=2, fill_missing="mean").fit(holes, FIELDS)
    np.testing.assert_allclose(filled.fill_values_[3], np.nanmean(holes[:, 3]))
    constant = X.copy()
    constant[:, 2] = 0.2
    with pytest.raises(ValueError, match="field 'hs_depth' is constant"):
        fusion.PCAFusion(n_components=2).fit(constant, FIELDS)
    dropped = fusion.PCAFusion(n_components=2, drop_constant=True).fit(constant, FIELDS)
    assert dropped.dropped_fields_ == ["hs_depth"] and "hs_depth" not in dropped.fields_
    no_z = xyz.copy()
    no_z[3, 2] = np.nan
    with pytest.raises(ValueError, match="row 4 has no Z coordinate"):
        fusion.PCAFusion(n_components=2, rff_features=4, length_scale=10.0).fit(X, FIELDS, no_z)


# --- through QGIS --------------------------------------------------------------
def _layer(X, xyz, fields=FIELDS, crs=CRS, kinds=None):
    from qgis.core import QgsFeature, QgsGeometry, QgsPoint, QgsVectorLayer

    kinds = kinds or ["double"] * len(fields)
    spec = "&".join(f"field={name}:{kind}" for name, kind in zip(fields, kinds))
    layer = QgsVectorLayer(f"PointZ?crs={crs}&field=id:integer&{spec}", "samples", "memory")
    features = []
    for i in range(len(X)):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry(QgsPoint(*map(float, xyz[i]))))
        values = [v.item() if isinstance(v, np.generic) else v for v in X[i]]
        feature.setAttributes([i] + [None if isinstance(v, float) and np.isnan(v) else v for v in values])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def _scores(path, k):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(path, "out", "ogr")
    assert layer.isValid()
    return np.array([[f[f"pc_{j:02d}"] for j in range(1, k + 1)] for f in layer.getFeatures()]), layer


def test_algorithm_fit_then_apply(run_algorithm, tmp_path):
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


def test_algorithm_apply_reprojects_targets(run_algorithm, tmp_path):
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


def test_algorithm_bad_input(run_algorithm, tmp_path):
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


def test_pipeline_on_the_sample_deposit(run_algorithm, tmp_path):
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
