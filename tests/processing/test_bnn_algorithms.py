"""reegrade:trainbnn and reegrade:predictbnn through processing.run: points,
a covariate raster, determinism of the saved model, and bad input; the
stacked (default) method on PointZ samples with a categorical field."""
import json

import numpy as np
import pytest
from recording import recording_feedback

FEATURES = ["pc_01", "pc_02", "pc_03"]
TRAIN = {"HIDDEN": "16,16", "EPOCHS": 40, "PATIENCE": 20, "LEARNING_RATE": 0.01, "N_MEMBERS": 2, "SEED": 3}


def sample_table(n_holes=30, per_hole=8, seed=0):
    rng = np.random.default_rng(seed)
    n = n_holes * per_hole
    X = 0.5 * np.repeat(rng.normal(size=(n_holes, 3)), per_hole, axis=0) + rng.normal(size=(n, 3))
    grade = np.exp(0.7 * X[:, 0] - 0.4 * X[:, 1] + 0.2 * rng.normal(size=n))
    holes = np.repeat([f"DH{i:02d}" for i in range(n_holes)], per_hole)
    xy = np.repeat(rng.uniform(0, 800, (n_holes, 2)), per_hole, axis=0)
    return xy, X, grade, holes


@pytest.fixture
def point_layer(memory_layer):
    def make(name, xy, X, grade=None, holes=None, feature_names=FEATURES):
        fields = list(feature_names) + (["TREO_pct", "hole_id:string"] if grade is not None else [])
        rows = [list(X[i]) + ([grade[i], str(holes[i])] if grade is not None else []) for i in range(len(xy))]
        coords = [(224000 + x, 3088000 + y) for x, y in xy]
        return memory_layer(fields, rows, coords, name=name, keep_nan=True)  # a NaN grade stays NaN

    return make


@pytest.fixture
def samples(point_layer):
    xy, X, grade, holes = sample_table()
    return point_layer("samples", xy, X, grade, holes), X


def train(run_algorithm, layer, path, **extra):
    params = {"INPUT": layer, "FEATURES": FEATURES, "GRADE_FIELD": "TREO_pct", "HOLE_FIELD": "hole_id",
              "MODEL_OUT": str(path), **TRAIN, **extra}
    return run_algorithm("trainbnn", params)


def covariate_raster(path, X, shape=(6, 5)):
    from rasterio.transform import from_origin

    from ree_grade.algorithms.io.raster import write_bands

    rows, cols = shape
    bands = np.stack([X[: rows * cols, j].reshape(rows, cols) for j in range(X.shape[1])])
    bands = np.concatenate([bands, np.ones((1, rows, cols))])
    bands[1, 0, 0] = np.nan  # a nodata cell in pc_02
    # An extra band the model does not use, and the bands in another order than the model's features.
    order = [1, 0, 2, 3]
    write_bands(str(path), bands[order], [["pc_01", "pc_02", "pc_03", "elevation"][i] for i in order],
                from_origin(224000, 3089000, 20, 20), "EPSG:32648")
    return path


@pytest.mark.parametrize("method", [0, 1])
def test_train_then_predict_points_and_raster(run_algorithm, samples, point_layer, tmp_path, method):
    import rasterio
    from qgis.core import QgsVectorLayer

    layer, X = samples
    model_path = tmp_path / "model.json"
    result = train(run_algorithm, layer, model_path, METHOD=method)
    assert result["MODEL_OUT"] == str(model_path)
    assert (tmp_path / "model.safetensors").is_file()
    header = json.loads(model_path.read_text())
    assert header["fields"] == FEATURES and header["params"]["method"] == ["bnn", "ensemble"][method]
    assert header["metadata"]["n_holes"] == 30 and result["SPREAD_SCALE"] > 0
    if method == 1:  # WEIGHT_DECAY left empty: chosen among the pilot members
        assert header["params"]["weight_decay"] in header["metadata"]["weight_decay_search"]["grid"]

    targets = point_layer("targets", np.zeros((12, 2)), X[:12] * 0.9)
    raster = covariate_raster(tmp_path / "covariates.tif", X)
    out = run_algorithm("predictbnn", {
        "MODEL": str(model_path), "INPUT": targets, "COVARIATE_RASTER": str(raster), "CUTOFFS": "0.5, 1.5",
        "N_SAMPLES": 16, "SEED": 1, "OUTPUT": str(tmp_path / "est.gpkg"), "OUTPUT_RASTER": str(tmp_path / "est.tif"),
    })
    estimates = QgsVectorLayer(out["OUTPUT"], "est", "ogr")
    names = [f.name() for f in estimates.fields()]
    for name in ("bnn_mean", "bnn_sd", "bnn_p10", "bnn_p50", "bnn_p90", "bnn_p_gt_0_5", "bnn_p_gt_1_5"):
        assert name in names
    rows = [f for f in estimates.getFeatures()]
    assert len(rows) == 12
    for f in rows:
        assert 0 < f["bnn_p10"] < f["bnn_p50"] < f["bnn_p90"] and f["bnn_sd"] > 0
        assert 0 <= f["bnn_p_gt_1_5"] <= f["bnn_p_gt_0_5"] <= 1
    with rasterio.open(out["OUTPUT_RASTER"]) as src:
        assert list(src.descriptions) == ["mean", "sd", "p10", "p50", "p90", "p_gt_0.5", "p_gt_1.5"]
        mean = src.read(1, masked=True)
        assert mean.mask[0, 0] and not mean.mask[0, 1:].any()
        assert np.all(mean[~mean.mask] > 0)


def test_given_weight_decay_is_used(run_algorithm, samples, tmp_path):
    layer, _ = samples
    train(run_algorithm, layer, tmp_path / "m.json", METHOD=1, WEIGHT_DECAY=0.05)
    header = json.loads((tmp_path / "m.json").read_text())
    assert header["params"]["weight_decay"] == 0.05 and header["metadata"]["weight_decay_search"] is None
    train(run_algorithm, layer, tmp_path / "b.json", METHOD=0, WEIGHT_DECAY=0.05)
    assert json.loads((tmp_path / "b.json").read_text())["params"]["weight_decay"] is None


def test_same_seed_same_model_file(run_algorithm, samples, tmp_path):
    layer, _ = samples
    train(run_algorithm, layer, tmp_path / "a.json")
    train(run_algorithm, layer, tmp_path / "b.json")
    assert (tmp_path / "a.safetensors").read_bytes() == (tmp_path / "b.safetensors").read_bytes()


def test_bad_input_gives_clear_errors_and_no_output(run_algorithm, samples, point_layer, tmp_path):
    from qgis.core import QgsProcessingException

    layer, X = samples
    xy, X, grade, holes = sample_table()
    grade[4] = 0.0
    bad = point_layer("bad samples", xy, X, grade, holes)
    with pytest.raises(QgsProcessingException, match="bad samples: field 'TREO_pct', row 5: grade 0 is not positive"):
        train(run_algorithm, bad, tmp_path / "bad.json", METHOD=1)
    assert not (tmp_path / "bad.json").exists()
    grade[4] = np.nan
    for method in (1, 2):
        with pytest.raises(QgsProcessingException, match="row 5: grade is missing"):
            train(run_algorithm, point_layer("nan samples", xy, X, grade, holes), tmp_path / "bad.json",
                  METHOD=method)
        few = point_layer("few", xy[:10], X[:10], grade[10:20], holes[:10])
        with pytest.raises(QgsProcessingException, match="at least 20 samples, got 10"):
            train(run_algorithm, few, tmp_path / "few.json", METHOD=method)

    model_path = tmp_path / "model.json"
    train(run_algorithm, layer, model_path, METHOD=1)
    lacking = point_layer("targets", np.zeros((5, 2)), X[:5, :2], feature_names=FEATURES[:2])
    with pytest.raises(QgsProcessingException, match=r"targets: feature field\(s\) 'pc_03' of the model are missing"):
        run_algorithm("predictbnn", {"MODEL": str(model_path), "INPUT": lacking, "OUTPUT": str(tmp_path / "o.gpkg")})
    assert not (tmp_path / "o.gpkg").exists()

    header = json.loads(model_path.read_text())
    header["params"]["input_standardisation"]["mean"][0] += 0.1
    model_path.write_text(json.dumps(header))
    targets = point_layer("targets", np.zeros((5, 2)), X[:5])
    with pytest.raises(QgsProcessingException, match="checksum mismatch"):
        run_algorithm("predictbnn", {"MODEL": str(model_path), "INPUT": targets, "OUTPUT": str(tmp_path / "o.gpkg")})
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(QgsProcessingException, match="corrupted or truncated"):
        run_algorithm("predictbnn", {"MODEL": str(model_path), "INPUT": targets, "OUTPUT": str(tmp_path / "o.gpkg")})


def test_parameters_checked_together_and_expert_ones_advanced(run_algorithm, provider, samples, tmp_path):
    from qgis.core import QgsApplication, QgsProcessingException, QgsProcessingParameterDefinition

    layer, _ = samples
    with pytest.raises(QgsProcessingException, match="The grade field 'TREO_pct' is also selected as a feature"):
        train(run_algorithm, layer, tmp_path / "m.json", FEATURES=FEATURES + ["TREO_pct"])
    assert not (tmp_path / "m.json").exists()
    with pytest.raises(QgsProcessingException, match="Give target points or a covariate raster"):
        run_algorithm("predictbnn", {"MODEL": str(tmp_path / "m.json"), "OUTPUT": str(tmp_path / "o.gpkg")})

    def advanced(name):
        algorithm = QgsApplication.processingRegistry().algorithmById(f"reegrade:{name}")
        flag = QgsProcessingParameterDefinition.FlagAdvanced
        return {p.name(): bool(p.flags() & flag) for p in algorithm.parameterDefinitions()}

    train_flags = advanced("trainbnn")
    assert {k for k, v in train_flags.items() if v} == {
        "PATIENCE", "LEARNING_RATE", "PRIOR_SD", "KL_WEIGHT", "WEIGHT_DECAY", "VALIDATION_FRACTION", "RECALIBRATE",
        "MAX_SAMPLES", "MAX_PER_HOLE", "HIDDEN", "EPOCHS", "N_MEMBERS"}
    assert {"FEATURES", "CATEGORICAL", "GRADE_FIELD", "HOLE_FIELD", "METHOD", "SEED"} <= {
        k for k, v in train_flags.items() if not v}
    algorithm = QgsApplication.processingRegistry().algorithmById("reegrade:trainbnn")
    method = algorithm.parameterDefinition("METHOD")
    assert method.defaultValue() == 2 and len(method.options()) == 3 and "(stacked)" in method.options()[2]
    with pytest.raises(QgsProcessingException, match="Select at least one feature field"):
        train(run_algorithm, layer, tmp_path / "m.json", FEATURES=[], METHOD=1)
    with pytest.raises(QgsProcessingException, match="'pc_01' is selected both as a numeric and as a categorical"):
        train(run_algorithm, layer, tmp_path / "m.json", CATEGORICAL=["pc_01"])
    predict_flags = advanced("predictbnn")
    assert predict_flags["N_SAMPLES"] and not predict_flags["CUTOFFS"] and not predict_flags["SEED"]


def drilled_layer(memory_layer, n_holes=24, per_hole=8, seed=0, lithologies=("granite", "syenite", "carbonatite"),
                  name="composites", crs="EPSG:32648"):
    """PointZ composites of vertical holes: a smooth log-grade field, a
    numeric covariate and a lithology that shifts the grade."""
    rng = np.random.default_rng(seed)
    collars = rng.uniform(0, 800, size=(n_holes, 2))
    xyz = np.concatenate([np.column_stack([np.repeat(c[None], per_hole, 0), 300.0 - 10.0 * np.arange(per_hole)])
                          for c in collars])
    n = len(xyz)
    lith = np.array(lithologies)[rng.integers(0, len(lithologies), n)]
    shift = {"granite": 0.0, "syenite": 0.4, "carbonatite": 0.9}
    covariate = rng.normal(size=n)
    grade = np.exp(0.5 * np.sin(xyz[:, 0] / 250.0) + 0.3 * covariate
                   + np.array([shift.get(v, 0.0) for v in lith]) + 0.2 * rng.normal(size=n))
    holes = np.repeat([f"DH{i:02d}" for i in range(n_holes)], per_hole)
    rows = [(covariate[i], str(lith[i]), grade[i], str(holes[i])) for i in range(n)]
    coords = [(224000 + x, 3088000 + y, z) for x, y, z in xyz]
    layer = memory_layer(["pc_01", "lith:string", "TREO_pct", "hole_id:string"], rows, coords, name=name, crs=crs)
    return layer, xyz, covariate, lith


STACKED = {"HIDDEN": "16,16", "EPOCHS": 30, "N_MEMBERS": 2, "SEED": 3, "MAX_SAMPLES": 12}


def test_stacked_is_the_default_and_predicts_with_its_kriging_and_categories(run_algorithm, memory_layer, tmp_path):
    from qgis.core import QgsProcessingException, QgsVectorLayer

    layer, xyz, covariate, lith = drilled_layer(memory_layer)
    model_path = tmp_path / "stacked.json"
    feedback = recording_feedback()
    result = run_algorithm("trainbnn", {
        "INPUT": layer, "FEATURES": ["pc_01"], "CATEGORICAL": ["lith"], "GRADE_FIELD": "TREO_pct",
        "HOLE_FIELD": "hole_id", "MODEL_OUT": str(model_path), **STACKED}, feedback)
    header = json.loads(model_path.read_text())
    assert header["kind"] == "stacked_network" and header["fields"] == ["pc_01", "lith"]
    assert header["params"]["covariate_names"] == ["pc_01", "lith=carbonatite", "lith=granite", "lith=syenite"]
    assert header["params"]["categories"]["categories"]["lith"] == ["carbonatite", "granite", "syenite"]
    assert header["metadata"]["crs"] == "EPSG:32648" and header["metadata"]["dimension"] == 3
    assert 0.0 <= result["OK_WEIGHT"] <= 1.0 and result["OK_WEIGHT"] == header["params"]["calibration"]["weight"]
    assert result["SPREAD_SCALE"] > 0 and np.isfinite(result["VALIDATION_NLL"])
    assert (tmp_path / "stacked.safetensors").is_file()

    # Targets between the holes, one of them in a lithology the training never saw, and one NULL lithology.
    t_lith = ["granite", "syenite", "basalt", "carbonatite", None, "basalt"]
    t_xyz = xyz[:6] + [15.0, -10.0, -5.0]
    targets = memory_layer(["pc_01", "lith:string"], [(covariate[i], t_lith[i]) for i in range(6)],
                           [(224000 + x, 3088000 + y, z) for x, y, z in t_xyz], name="blocks")
    feedback = recording_feedback()
    out = run_algorithm("predictbnn", {"MODEL": str(model_path), "INPUT": targets, "CUTOFFS": "1.5",
                                       "OUTPUT": str(tmp_path / "est.gpkg")}, feedback)
    assert any("3 value(s) of 'lith' are categories the model was not trained on" in w for w in feedback.warnings)
    rows = list(QgsVectorLayer(out["OUTPUT"], "est", "ogr").getFeatures())
    assert len(rows) == 6
    for f in rows:
        assert f["bnn_p10"] < f["bnn_p50"] < f["bnn_p90"] and f["bnn_sd"] > 0 and f["bnn_mean"] > 0
        assert 0 <= f["bnn_p_gt_1_5"] <= 1

    # The same estimate from the science: the adapter computed the kriging inputs from the model's samples.
    from ree_grade.algorithms.ml.stacked import StackedNetwork

    model = StackedNetwork.load(str(model_path), fields=["pc_01", "lith"])
    onehot, _, _ = model.encoder.transform({"lith": t_lith})
    expected = model.predictive(np.column_stack([t_xyz + [224000, 3088000, 0], covariate[:6], onehot])).mean
    np.testing.assert_allclose([f["bnn_mean"] for f in rows], expected, rtol=1e-6)

    # A 3D model wants z at every target, and takes no raster.
    flat = memory_layer(["pc_01", "lith:string"], [(0.1, "granite")] * 2, [(224100, 3088100)] * 2, name="flat")
    with pytest.raises(QgsProcessingException, match="flat: feature at row 1 has no z; the model's kriging is 3D"):
        run_algorithm("predictbnn", {"MODEL": str(model_path), "INPUT": flat, "OUTPUT": str(tmp_path / "f.gpkg")})
    lacking = memory_layer(["pc_01"], [(0.1,)], [(224100, 3088100, 250.0)], name="lacking")
    with pytest.raises(QgsProcessingException, match=r"lacking: feature field\(s\) 'lith' of the model are missing"):
        run_algorithm("predictbnn", {"MODEL": str(model_path), "INPUT": lacking, "OUTPUT": str(tmp_path / "l.gpkg")})
    raster = covariate_raster(tmp_path / "covariates.tif", np.random.default_rng(0).normal(size=(40, 3)))
    with pytest.raises(QgsProcessingException, match="categorical field\\(s\\) lith, which a raster cannot carry"):
        run_algorithm("predictbnn", {"MODEL": str(model_path), "COVARIATE_RASTER": str(raster),
                                     "OUTPUT_RASTER": str(tmp_path / "r.tif")})


def test_logged_domains_are_kriged_and_targets_need_no_log(run_algorithm, memory_layer, tmp_path):
    from qgis.core import QgsProcessingException, QgsVectorLayer

    layer, xyz, covariate, _ = drilled_layer(memory_layer)
    model_path = tmp_path / "domains.json"
    feedback = recording_feedback()
    run_algorithm("trainbnn", {
        "INPUT": layer, "FEATURES": ["pc_01"], "DOMAIN_FIELDS": ["lith"], "GRADE_FIELD": "TREO_pct",
        "HOLE_FIELD": "hole_id", "MODEL_OUT": str(model_path), **STACKED}, feedback)
    header = json.loads(model_path.read_text())
    assert header["fields"] == ["pc_01"]  # the log is not a target field
    assert sorted(c for _, c in header["params"]["domains"]["categories"]) == ["carbonatite", "granite", "syenite"]
    assert any("logged domain 'lith' kriged as 3 categories" in line for line in feedback.infos)

    t_xyz = xyz[:5] + [15.0, -10.0, -5.0]
    targets = memory_layer(["pc_01"], [(covariate[i],) for i in range(5)],
                           [(224000 + x, 3088000 + y, z) for x, y, z in t_xyz], name="blocks")
    out = run_algorithm("predictbnn", {"MODEL": str(model_path), "INPUT": targets,
                                       "OUTPUT": str(tmp_path / "est.gpkg")})
    from ree_grade.algorithms.ml.stacked import StackedNetwork

    model = StackedNetwork.load(str(model_path), fields=["pc_01"])
    expected = model.predictive(np.column_stack([t_xyz + [224000, 3088000, 0], covariate[:5]])).mean
    np.testing.assert_allclose([f["bnn_mean"] for f in QgsVectorLayer(out["OUTPUT"], "e", "ogr").getFeatures()],
                               expected, rtol=1e-6)

    one_rock, _, _, _ = drilled_layer(memory_layer, lithologies=("granite",), name="one_rock")
    with pytest.raises(QgsProcessingException, match="one_rock: domain field 'lith' has 1 category"):
        run_algorithm("trainbnn", {"INPUT": one_rock, "FEATURES": ["pc_01"], "DOMAIN_FIELDS": ["lith"],
                                   "GRADE_FIELD": "TREO_pct", "HOLE_FIELD": "hole_id",
                                   "MODEL_OUT": str(tmp_path / "one.json"), **STACKED})
    assert not (tmp_path / "one.json").exists() and not (tmp_path / "one.safetensors").exists()
    with pytest.raises(QgsProcessingException, match="kriged by METHOD stacked only"):
        run_algorithm("trainbnn", {"INPUT": layer, "FEATURES": ["pc_01"], "DOMAIN_FIELDS": ["lith"], "METHOD": 1,
                                   "GRADE_FIELD": "TREO_pct", "HOLE_FIELD": "hole_id",
                                   "MODEL_OUT": str(tmp_path / "e.json"), **STACKED})


def test_stacked_on_flat_samples_predicts_on_a_raster(run_algorithm, point_layer, tmp_path):
    import rasterio

    model_path = tmp_path / "flat.json"
    feedback = recording_feedback()
    xy, X, grade, holes = sample_table()
    grade[[3, 50]] = [0.0, -0.1]  # below detection: floored, not refused
    run_algorithm("trainbnn", {
        "INPUT": point_layer("zeros", xy, X, grade, holes), "FEATURES": FEATURES, "GRADE_FIELD": "TREO_pct",
        "HOLE_FIELD": "hole_id", "MODEL_OUT": str(model_path), **STACKED}, feedback)
    assert any("2 zero or negative grade(s) in 'TREO_pct' floored" in w for w in feedback.warnings)
    header = json.loads(model_path.read_text())
    assert header["metadata"]["dimension"] == 2 and header["params"]["calibration"]["n_floored"] == 2
    raster = covariate_raster(tmp_path / "covariates.tif", X)
    out = run_algorithm("predictbnn", {"MODEL": str(model_path), "COVARIATE_RASTER": str(raster), "CUTOFFS": "1.5",
                                       "OUTPUT_RASTER": str(tmp_path / "est.tif")})
    with rasterio.open(out["OUTPUT_RASTER"]) as src:
        assert list(src.descriptions) == ["mean", "sd", "p10", "p50", "p90", "p_gt_1.5"]
        mean = src.read(1, masked=True)
        assert mean.mask[0, 0] and not mean.mask[0, 1:].any() and np.all(mean[~mean.mask] > 0)


def test_stacked_refuses_a_geographic_crs(run_algorithm, memory_layer, tmp_path):
    from qgis.core import QgsProcessingException

    layer, _, _, _ = drilled_layer(memory_layer, n_holes=6, crs="EPSG:4326", name="lat-long")
    with pytest.raises(QgsProcessingException, match=r"lat-long: its CRS EPSG:4326 \(WGS 84\) is geographic"):
        run_algorithm("trainbnn", {"INPUT": layer, "FEATURES": ["pc_01"], "GRADE_FIELD": "TREO_pct",
                                   "HOLE_FIELD": "hole_id", "MODEL_OUT": str(tmp_path / "m.json"), **STACKED})
    assert not (tmp_path / "m.json").exists()
