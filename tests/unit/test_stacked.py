"""The kriging-stacked, kriging-guarded network (`ml.stacked`) and the pooled
predictive it returns (no QGIS)."""
import numpy as np
import pytest
from scipy import stats

from ree_grade.algorithms.common.predictive import GaussianPredictive, PooledPredictive, Predictive
from ree_grade.algorithms.ml import stacked
from ree_grade.algorithms.ml.stacked import StackedNetwork, floor_grades

FAST = dict(hidden=(16, 16), epochs=80, n_members=3, max_samples=16)


def drilled(informative, n_holes=40, per_hole=8, seed=0):
    """Vertical holes over a smooth log-grade field; the covariate is the
    field's local detail (informative) or noise."""
    rng = np.random.default_rng(seed)
    collars = rng.uniform(0, 1000, size=(n_holes, 2))
    xyz = np.concatenate([np.column_stack([np.repeat(c[None], per_hole, 0), -10.0 * np.arange(per_hole)])
                          for c in collars])
    holes = np.repeat([f"H{i:02d}" for i in range(n_holes)], per_hole)
    smooth = np.sin(xyz[:, 0] / 300.0) + np.cos(xyz[:, 1] / 250.0)
    detail = rng.normal(0.0, 0.6, len(xyz))
    grade = np.exp(0.5 * smooth + detail)
    covariate = detail if informative else rng.normal(size=len(xyz))
    return np.column_stack([xyz, covariate]), grade, holes


def test_floor_counts_zeros_and_negatives():
    y, n, floor = floor_grades([0.0, -0.05, 0.4, 2.0, np.nan])
    assert (n, floor) == (2, 0.2)
    np.testing.assert_array_equal(y[:4], [0.2, 0.2, 0.4, 2.0])
    assert np.isnan(y[4])
    with pytest.raises(ValueError, match="'grade' has no positive grade"):
        floor_grades([0.0, -1.0])


def test_pooled_predictive_is_the_mixture():
    rng = np.random.default_rng(1)
    mu, sigma = rng.normal(0, 0.5, (3, 50)), rng.uniform(0.2, 0.8, (3, 50))
    normal_mean, normal_sd = rng.uniform(0.5, 2, 50), rng.uniform(0.1, 0.5, 50)
    pooled = PooledPredictive(0.3, normal_mean, normal_sd, mu, sigma)
    assert isinstance(pooled, Predictive)
    lognormal_means = np.mean(np.exp(mu + sigma**2 / 2), axis=0)
    np.testing.assert_allclose(pooled.mean, 0.3 * normal_mean + 0.7 * lognormal_means)
    for level in (0.05, 0.5, 0.95):
        np.testing.assert_allclose(pooled.cdf(pooled.quantile(level)), level, atol=1e-9)
    value = 1.3
    density = 0.3 * stats.norm.pdf(value, normal_mean, normal_sd) + 0.7 * np.mean(
        stats.lognorm.pdf(value, sigma, scale=np.exp(mu)), axis=0)
    np.testing.assert_allclose(np.exp(pooled.logpdf(value)), density, rtol=1e-9)
    plain = PooledPredictive(1.0, normal_mean, normal_sd, mu, sigma)
    np.testing.assert_allclose(plain.quantile(0.9), GaussianPredictive(normal_mean, normal_sd).quantile(0.9),
                               atol=1e-9)


@pytest.fixture(scope="module")
def fitted():
    out = {}
    for informative in (True, False):
        X, y, holes = drilled(informative)
        train = np.isin(holes, np.unique(holes)[:32])
        model = StackedNetwork(**FAST, seed=3).fit(X[train], y[train], holes[train])
        out[informative] = (model, X[~train], y[~train])
    return out


def test_informative_covariate_lowers_the_weight_on_kriging_and_the_error(fitted):
    model, X, y = fitted[True]
    kriging_only = model.kriging_.predictive(X[:, :3])
    rmse = np.sqrt(np.mean((model.predictive(X).mean - y) ** 2))
    rmse_ok = np.sqrt(np.mean((kriging_only.mean - y) ** 2))
    assert model.weight_ < 0.5
    assert rmse < 0.85 * rmse_ok


def test_noise_covariate_costs_little_against_no_covariate_and_kriging(fitted):
    # Not "w near 1": the forest also has the coordinates and the out-of-hole OK
    # estimate: over five data seeds of this field the guard chose w from 0.0 to 0.6,
    # four of them <= 0.4, each by the lower out-of-hole error of the training holes.
    # Held out, against the same fit without it, the noise moved the RMSE by -5 % to +3 % over four data seeds.
    model, X, y = fitted[False]
    rmse = np.sqrt(np.mean((model.predictive(X).mean - y) ** 2))
    rmse_ok = np.sqrt(np.mean((model.kriging_.predictive(X[:, :3]).mean - y) ** 2))
    assert rmse < 1.1 * rmse_ok
    X_all, y_all, holes = drilled(False)
    train = np.isin(holes, np.unique(holes)[:32])
    without = StackedNetwork(**FAST, seed=3).fit(X_all[train][:, :3], y_all[train], holes[train])
    assert rmse < 1.05 * np.sqrt(np.mean((without.predictive(X[:, :3]).mean - y) ** 2))
    table = model.selection_
    assert [row["weight"] for row in table] == pytest.approx(np.linspace(0, 1, 11))
    # score: the pooled mean's out-of-hole MSE relative to kriging's; the chosen w has the lowest.
    assert table[-1]["score"] == pytest.approx(1.0)
    chosen = next(row for row in table if row["weight"] == model.weight_)
    assert chosen["score"] == min(row["score"] for row in table)


def test_same_seed_same_estimate_and_zeros_are_floored():
    X, y, holes = drilled(True, n_holes=20, seed=5)
    y = y.copy()
    y[:7] = 0.0
    one = StackedNetwork(**FAST, seed=2).fit(X, y, holes)
    two = StackedNetwork(**FAST, seed=2).fit(X, y, holes)
    assert one.n_floored_ == 7
    np.testing.assert_array_equal(one.predictive(X[:30]).mean, two.predictive(X[:30]).mean)
    assert np.all(np.isfinite(one.predictive(X).quantile(0.9)))


def test_the_stretch_is_on_the_rising_side_of_the_coverage_not_a_wide_one_past_the_peak():
    # Coverage rises, peaks and falls back as the shifted network's median slides below the grades.
    coverage = {0.5: 0.61, 0.9: 0.86, 1.0: 0.899, 1.2: 0.946, 1.6: 0.974, 2.2: 0.969, 3.0: 0.9}
    assert stacked.rising_stretch(coverage) == 1.0
    assert stacked.rising_stretch({0.5: 0.7, 1.0: 0.8, 3.0: 0.85}) == 3.0  # never reached: the closest
    assert stacked.rising_stretch({0.5: 0.95, 1.0: 0.97}) == 0.5


def test_the_thread_count_changes_nothing_in_the_fit(monkeypatch):
    from ree_grade.algorithms.geostats import kriging

    monkeypatch.setattr(kriging, "CHUNK_MATRIX_ENTRIES", 1)  # 256-target chunks: the kriging's threads share them
    X, y, holes = drilled(True, n_holes=40, seed=6)
    one = StackedNetwork(**FAST, seed=4, n_threads=1).fit(X, y, holes)
    two = StackedNetwork(**FAST, seed=4, n_threads=2).fit(X, y, holes)
    assert one.selection_ == two.selection_
    for key, value in one.pool_inputs(X[:40]).items():
        np.testing.assert_array_equal(value, two.pool_inputs(X[:40])[key], err_msg=key)


def test_the_network_waits_about_the_same_steps_on_any_size_of_set():
    # 40 epochs of a small set's 10 steps; the `large` preset's ~78 steps an epoch wait the 10-epoch minimum.
    assert stacked.network_patience(300, 0.25) == 40
    assert stacked.network_patience(6_826, 0.25) == 40  # 10 steps of 512
    assert stacked.network_patience(27_307, 0.25) == 10  # 40 steps: 400 / 40
    assert stacked.network_patience(13_654, 0.25) == 20
    assert stacked.network_patience(53_427, 0.25) == stacked.MIN_NETWORK_PATIENCE
    X, y, holes = drilled(True, n_holes=20, seed=6)
    model = StackedNetwork(**FAST, seed=4).fit(X, y, holes)
    assert model.network_.patience == 40


def test_mean_never_exceeds_the_top_cut_on_the_network_side(fitted):
    model, X, _ = fitted[True]
    far = X.copy()
    far[:, 3] = 50.0  # a covariate far outside the training range
    predictive = model.predictive(far)
    assert np.all(predictive.network.mean <= model.top_cut_ * (1 + 1e-9))


def test_the_pooled_mean_is_calibrated_to_the_training_mean_out_of_hole(fitted):
    # Estimates of new holes 20 % too high on average (holes clustered in high grade) are scaled back.
    y = np.array([1.0, 2.0, 3.0, 4.0])
    errors, scales = stacked._out_of_hole_errors(1.2 * y, 1.2 * y, y)
    np.testing.assert_allclose(scales, 1.0 / 1.2)
    np.testing.assert_allclose(errors, 0.0, atol=1e-24)
    _, scales = stacked._out_of_hole_errors(10.0 * y, 10.0 * y, y)
    np.testing.assert_allclose(scales, stacked.MEAN_SCALE_BOUNDS[0])
    model, X, _ = fitted[True]
    chosen = next(row for row in model.selection_ if row["weight"] == model.weight_)
    assert model.mean_scale_ == chosen["scale"]
    unscaled = model._pooled(model.weight_, model.stretch_, model.pool_inputs(X))
    np.testing.assert_allclose(model.predictive(X).mean, model.mean_scale_ * unscaled.mean, rtol=1e-9)


def test_a_negative_kriging_estimate_enters_the_pool_at_the_floor(fitted):
    # Negative kriging weights can krige a negative grade; the pool's kriging part must not carry it.
    model, _, _ = fitted[True]
    estimate, sd = model._kriging_inputs({"estimate": np.array([-0.4, 2.0, np.nan]),
                                          "variance": np.array([0.5, 0.5, 0.5])})
    np.testing.assert_allclose(estimate, [model.floor_, 2.0, max(model.fill_mean_, model.floor_)])
    pooled = model._pooled(1.0, 1.0, {"base_estimate": estimate, "base_sd": sd, "mu": np.zeros((1, 3)),
                                      "sigma": np.ones((1, 3)), "point": np.ones(3)})
    assert np.all(pooled.mean > 0)


# ---- the model file ------------------------------------------------------------------------
def test_saved_and_loaded_model_predicts_bit_for_bit(fitted, tmp_path):
    model, X, _ = fitted[True]
    path = tmp_path / "stacked.json"
    header = model.save(str(path))
    assert (tmp_path / "stacked.safetensors").is_file()
    assert header["kind"] == "stacked_network" and header["format_version"] == stacked.FORMAT_VERSION
    assert header["fields"] == ["x1"] and header["params"]["covariate_names"] == ["x1"]
    calibration = header["params"]["calibration"]
    assert calibration["weight"] == model.weight_ and calibration["stretch"] == model.stretch_
    assert header["params"]["kriging"]["hole_labels"] == sorted(set(model.samples_[2]))

    loaded = StackedNetwork.load(str(path), fields=["x1"])
    for name in ("weight_", "stretch_", "mean_scale_", "top_cut_", "floor_", "fill_mean_", "fill_sd_",
                 "n_floored_", "n_calibration_", "selection_", "n_coords"):
        assert getattr(loaded, name) == getattr(model, name), name
    assert loaded.kriging_.model_.to_dict() == model.kriging_.model_.to_dict()
    before, after = model.predictive(X), loaded.predictive(X)
    np.testing.assert_array_equal(before.mean, after.mean)
    np.testing.assert_array_equal(before.sd, after.sd)
    for level in (0.05, 0.1, 0.5, 0.9, 0.95):
        np.testing.assert_array_equal(before.quantile(level), after.quantile(level))
    np.testing.assert_array_equal(before.cdf(1.5), after.cdf(1.5))


def test_categories_travel_in_the_model_file(fitted, tmp_path):
    import copy

    from ree_grade.algorithms.ml.encoding import CategoryEncoder

    model = copy.copy(fitted[True][0])
    model.encoder = CategoryEncoder().fit({"lith": ["granite", "granite"]})
    model.covariate_names = ["lith=granite"]
    header = model.save(str(tmp_path / "m.json"))
    assert header["fields"] == ["lith"]
    loaded = StackedNetwork.load(str(tmp_path / "m.json"), fields=["lith"])
    assert loaded.encoder.to_dict() == model.encoder.to_dict() and loaded.covariate_names == ["lith=granite"]
    model.covariate_names = ["x1"]
    with pytest.raises(ValueError, match="one-hot columns are not the last covariates"):
        model.save(str(tmp_path / "bad.json"))


def test_edited_truncated_or_foreign_stacked_files_are_rejected(fitted, tmp_path):
    import json

    from ree_grade.algorithms.io.modelfile import ModelFileError, load_model, save_model

    model = fitted[True][0]
    path = tmp_path / "m.json"
    model.save(str(path))
    weights = tmp_path / "m.safetensors"
    original_json, original_weights = path.read_text(), weights.read_bytes()

    for edit in (lambda h: h["params"]["calibration"].__setitem__("weight", 0.55),
                 lambda h: h["params"]["kriging"]["variogram"].__setitem__("nugget", 0.123),
                 lambda h: h["params"]["network"]["params"].__setitem__("spread_scale", 2.345)):
        header = json.loads(original_json)
        edit(header)
        path.write_text(json.dumps(header))
        with pytest.raises(ModelFileError, match=r"m\.json: checksum mismatch"):
            StackedNetwork.load(str(path))
    path.write_text(original_json)

    weights.write_bytes(original_weights[:200])
    with pytest.raises(ModelFileError, match=r"m\.safetensors: weights file is corrupted or truncated"):
        StackedNetwork.load(str(path))
    weights.write_bytes(original_weights)

    with pytest.raises(ModelFileError, match=r"fields do not match the fitted ones \(missing \['x1'\]"):
        StackedNetwork.load(str(path), fields=["other"])
    model.network_.save(str(tmp_path / "net.json"))
    with pytest.raises(ModelFileError, match="kind is 'bnn', expected 'stacked_network'"):
        StackedNetwork.load(str(tmp_path / "net.json"))

    # Consistent files (checksum recomputed) whose contents do not fit are refused naming the key.
    version = stacked.FORMAT_VERSION
    header, arrays = load_model(str(path), "stacked_network", version, codec="safetensors", header_in_checksum=True)

    def rewritten(params, arrays):
        save_model(str(tmp_path / "r.json"), "stacked_network", version, header["fields"], params, arrays,
                   codec="safetensors", header_in_checksum=True)
        return str(tmp_path / "r.json")

    short = dict(arrays, **{"kriging/holes": arrays["kriging/holes"][:-1]})
    with pytest.raises(ModelFileError, match=r"r\.json: kriging samples do not fit together .*kriging/holes"):
        StackedNetwork.load(rewritten(header["params"], short))
    no_forest = {k: v for k, v in arrays.items() if k != "forest/threshold"}
    with pytest.raises(ModelFileError, match=r"r\.json: the weights file lacks forest/threshold"):
        StackedNetwork.load(rewritten(header["params"], no_forest))
    bad_child = dict(arrays, **{"forest/left": np.where(arrays["forest/left"] > 0, 10**9, arrays["forest/left"])})
    with pytest.raises(ModelFileError, match=r"r\.json: forest: tree at node 0 has children outside it"):
        StackedNetwork.load(rewritten(header["params"], bad_child))
    far_feature = dict(arrays, **{"forest/feature": arrays["forest/feature"] + 50})
    with pytest.raises(ModelFileError, match=r"r\.json: the forest splits on input"):
        StackedNetwork.load(rewritten(header["params"], far_feature))
    lacking = {k: v for k, v in arrays.items() if k != "network/layer0.weight"}
    with pytest.raises(ModelFileError, match=r"r\.json: params\.network: the weights do not fit the architecture"):
        StackedNetwork.load(rewritten(header["params"], lacking))
    params = json.loads(json.dumps(header["params"]))
    del params["calibration"]["stretch"]
    with pytest.raises(ModelFileError, match=r"r\.json: 'params\.calibration\.stretch' is missing; expected a number"):
        StackedNetwork.load(rewritten(params, arrays))
    hand_edits = [
        (("calibration", "weight"), 1.5, r"'params\.calibration\.weight' is the number 1\.5; expected a number >= 0"),
        (("estimator", "hidden"), 5, r"'params\.estimator\.hidden' is the number 5; expected a list"),
        (("estimator", "n_coords"), 4, r"'params\.estimator\.n_coords' is the number 4"),
        (("kriging", "search"), {"radii": [1.0], "angles": [0, 0, 0]}, r"'params\.kriging\.search\.radii' is a list"),
        (("calibration", "selection"), {"weight": 1}, r"'params\.calibration\.selection' is an object"),
        (("network",), None, r"'params\.network' is null; expected an object"),
    ]
    for keys, value, message in hand_edits:
        params = json.loads(json.dumps(header["params"]))
        inner = params
        for key in keys[:-1]:
            inner = inner[key]
        inner[keys[-1]] = value
        with pytest.raises(ModelFileError, match=message):
            StackedNetwork.load(rewritten(params, arrays))


def test_round_trip_with_a_search_ellipse_a_cap_per_hole_and_a_given_variogram(tmp_path):
    from ree_grade.algorithms.geostats.neighbourhood import SearchEllipse
    from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel

    X, y, holes = drilled(True, n_holes=20, seed=7)
    X2 = np.delete(X, 2, axis=1)  # 2D: x, y, covariate
    variogram = VariogramModel(0.1, [Structure("spherical", 0.9, (400.0, 300.0, 300.0), (30.0, 0.0, 0.0))])
    model = StackedNetwork(**dict(FAST, max_samples=10), n_coords=2, variogram=variogram,
                           search=SearchEllipse((500.0, 350.0, 350.0), (30.0, 0.0, 0.0)), max_per_hole=3,
                           covariate_names=["detail"], seed=1).fit(X2, y, holes)
    header = model.save(str(tmp_path / "m.json"), metadata={"crs": "EPSG:32648"})
    assert header["metadata"]["crs"] == "EPSG:32648" and header["metadata"]["dimension"] == 2
    assert header["params"]["kriging"]["search"] == {"radii": [500.0, 350.0, 350.0], "angles": [30.0, 0.0, 0.0]}
    loaded = StackedNetwork.load(str(tmp_path / "m.json"), fields=["detail"])
    assert loaded.variogram is not None and loaded.kriging_.max_per_hole == 3 and loaded.n_coords == 2
    targets = X2[:40] + [25.0, -15.0, 0.0]
    before, after = model.predictive(targets), loaded.predictive(targets)
    np.testing.assert_array_equal(before.mean, after.mean)
    np.testing.assert_array_equal(before.quantile(0.9), after.quantile(0.9))


def test_cross_validation_logs_what_each_fold_chose():
    from ree_grade.algorithms.validation.cross_validation import cross_validate
    from ree_grade.algorithms.validation.methods import CVData

    X, y, holes = drilled(True, n_holes=16, seed=8)
    lines = []
    data = CVData(X[:, :3], y, X[:, 3:], holes, ["detail"])
    cross_validate(data, ["bnn"], {"bnn_epochs": 30, "n_members": 2, "max_samples": 12}, n_folds=2, seed=0,
                   log=lines.append)
    assert len(lines) == 2
    assert all("weight on kriging w = " in line and "grade(s) floored" in line for line in lines)


def test_log_density_of_a_zero_grade_is_minus_infinity_not_nan():
    from ree_grade.algorithms.common.predictive import LogNormalMixturePredictive

    lognormal = LogNormalMixturePredictive([[0.0, 0.5]], [[1.0, 0.5]])
    np.testing.assert_array_equal(lognormal.logpdf(np.array([0.0, -1.0])), [-np.inf, -np.inf])
    pooled = PooledPredictive(0.4, [1.0, 1.0], [0.5, 0.5], [[0.0, 0.5]], [[1.0, 0.5]])
    expected = np.log(0.4 * stats.norm.pdf(0.0, 1.0, 0.5))
    np.testing.assert_allclose(pooled.logpdf(np.array([0.0, 0.0])), [expected, expected])


def test_predict_summarises_the_pooled_predictive_chunk_by_chunk(fitted, tmp_path, monkeypatch):
    from ree_grade.algorithms.io.modelfile import header_kind
    from ree_grade.algorithms.ml.bnn.model import BNNRegressor

    model, X, _ = fitted[True]
    monkeypatch.setattr(stacked, "PREDICT_CHUNK", 7)  # many chunks, the last one short
    summary = model.predict(X, cutoffs=[1.5])
    whole = model.predictive(X)
    # The network runs in float32, whose matrix products round differently for another batch shape.
    np.testing.assert_allclose(summary["mean"], whole.mean, rtol=1e-6)
    np.testing.assert_allclose(summary["p90"], whole.quantile(0.9), rtol=1e-6)
    np.testing.assert_allclose(summary["p_gt_1.5"], 1.0 - whole.cdf(1.5), atol=1e-6)
    model.n_threads = model.kriging_.n_jobs = 2
    try:
        on_two_threads = model.predict(X, cutoffs=[1.5])
    finally:
        model.n_threads = model.kriging_.n_jobs = 1
    for key, values in summary.items():
        # The same up to float32 rounding: a worker's first torch call may take another kernel than its later ones.
        np.testing.assert_allclose(on_two_threads[key], values, rtol=1e-6, atol=1e-9)
    model.save(str(tmp_path / "stacked.json"))
    assert header_kind(str(tmp_path / "stacked.json")) == "stacked_network"
    assert isinstance(stacked.load_grade_model(str(tmp_path / "stacked.json")), stacked.StackedNetwork)
    model.network_.save(str(tmp_path / "plain.json"))
    assert isinstance(stacked.load_grade_model(str(tmp_path / "plain.json")), BNNRegressor)
    (tmp_path / "broken.json").write_text("{")
    assert header_kind(str(tmp_path / "broken.json")) is None
