"""ordinarykriging, mik, predictbnn and knnimpute (from a saved reference) read, estimate and write their target
points one batch at a time (layer_io.write_appended_batches), so a block model
of millions of points is never held whole: the same outputs whatever the batch
size, progress that only moves forward, rows numbered across batches in an
error, and a failure in a later batch leaves no output."""
import numpy as np
import pytest
from estimation_inputs import features, kriging_params, stacked_targets, trained_stacked, with_variogram
from recording import recording_feedback

BATCH = 64  # rows per batch in the streamed runs: 700 targets make 11 batches


def small_batches(monkeypatch):
    from ree_grade.processing_provider import layer_io

    monkeypatch.setattr(layer_io, "TARGET_BATCH", BATCH)


def run_both(run_algorithm, monkeypatch, tmp_path, name, params, fields):
    """(one batch, streamed in BATCH-row batches, progress of the streamed run)."""
    run_algorithm(name, dict(params, OUTPUT=str(tmp_path / "whole.gpkg")))
    small_batches(monkeypatch)
    feedback = recording_feedback()
    run_algorithm(name, dict(params, OUTPUT=str(tmp_path / "batched.gpkg")), feedback)
    return features(tmp_path / "whole.gpkg", fields), features(tmp_path / "batched.gpkg", fields), feedback.progress


def check_same(whole, batched, count_columns):
    """Counts equal; values to rounding (a set shared by targets of one chunk is one multi-column solve)."""
    assert whole.shape == batched.shape and len(whole) > 2 * BATCH
    np.testing.assert_array_equal(whole[:, count_columns], batched[:, count_columns])
    np.testing.assert_allclose(batched, whole, rtol=1e-10, atol=1e-12)


def check_progress(values, n_targets):
    """At least a report to begin, estimate and write each batch, never going back."""
    assert len(values) >= 3 * -(-n_targets // BATCH)
    assert np.all(np.diff(values) >= -1e-9), "progress went back"


def test_kriging_in_batches_equals_one_batch(run_algorithm, memory_layer, tmp_path, monkeypatch):
    params = with_variogram(run_algorithm, kriging_params(memory_layer), tmp_path)
    fields = ["id", "ok_estimate", "ok_variance", "ok_slope", "ok_n"]
    whole, batched, progress = run_both(run_algorithm, monkeypatch, tmp_path, "ordinarykriging", params, fields)
    np.testing.assert_array_equal(batched[:, 0], np.arange(700))
    check_same(whole, batched, [0, 4])
    check_progress(progress, 700)


def test_mik_in_batches_equals_one_batch(run_algorithm, memory_layer, tmp_path, monkeypatch):
    params = dict(kriging_params(memory_layer), CUTOFFS="1.5")
    params.pop("BLOCK_SIZE"), params.pop("DISCRETISATION")
    fields = ["id", "mik_mean", "mik_variance", "mik_p10", "mik_p50", "mik_p90", "mik_p_gt_1_5", "mik_n"]
    whole, batched, progress = run_both(run_algorithm, monkeypatch, tmp_path, "mik", params, fields)
    check_same(whole, batched, [0, 7])
    check_progress(progress, 700)


def test_stacked_prediction_in_batches_equals_one_batch(run_algorithm, memory_layer, tmp_path, monkeypatch):
    model = trained_stacked(run_algorithm, memory_layer, tmp_path)
    targets = stacked_targets(memory_layer)
    fields = ["id", "bnn_mean", "bnn_sd", "bnn_p10", "bnn_p50", "bnn_p90", "bnn_p_gt_1_5"]
    whole, batched, progress = run_both(run_algorithm, monkeypatch, tmp_path, "predictbnn",
                                        {"MODEL": model, "INPUT": targets, "CUTOFFS": "1.5"}, fields)
    check_same(whole, batched, [0])
    check_progress(progress, 300)


def test_plain_network_prediction_in_batches_equals_one_batch(run_algorithm, memory_layer, tmp_path, monkeypatch):
    model = plain_model(tmp_path)
    T = np.random.default_rng(3).normal(size=(300, 2))
    targets = memory_layer(["id:integer", "a", "b"], [(i, *row) for i, row in enumerate(T)],
                           [(224000.0 + i, 3088000.0) for i in range(300)], name="targets")
    fields = ["id", "bnn_mean", "bnn_sd", "bnn_p50", "bnn_p_gt_1"]
    whole, batched, _ = run_both(run_algorithm, monkeypatch, tmp_path, "predictbnn",
                                 {"MODEL": model, "INPUT": targets, "CUTOFFS": "1", "SEED": 4}, fields)
    # The same posterior draws for every batch (one seed), so the same values.
    check_same(whole, batched, [0])


def plain_model(tmp_path):
    from ree_grade.algorithms.ml.bnn.model import BNNRegressor

    rng = np.random.default_rng(2)
    X = rng.normal(size=(120, 2))
    grade = np.exp(0.6 * X[:, 0] + 0.1 * rng.normal(size=120))
    model = str(tmp_path / "bnn.json")
    BNNRegressor(method="bnn", hidden=(8,), epochs=5, patience=5, seed=1, feature_names=["a", "b"]).fit(
        X, grade, np.repeat(np.arange(30), 4).astype(str)).save(model)
    return model


def test_a_plain_network_names_a_missing_feature_by_its_row_in_the_whole_layer(run_algorithm, memory_layer,
                                                                               tmp_path, monkeypatch):
    from qgis.core import QgsProcessingException

    rows = [(0.1, 0.2)] * 300
    rows[200] = (None, 0.2)
    targets = memory_layer(["a", "b"], rows, [(224000.0 + i, 3088000.0) for i in range(300)], name="targets")
    small_batches(monkeypatch)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(QgsProcessingException, match=r"targets: field 'a', row 201: feature is missing"):
        run_algorithm("predictbnn", {"MODEL": plain_model(tmp_path), "INPUT": targets,
                                     "OUTPUT": str(out / "bnn.gpkg")})
    assert sorted(p.name for p in out.iterdir()) == []


def test_values_read_as_thousands_are_counted_over_the_whole_layer_once(run_algorithm, memory_layer, tmp_path,
                                                                         monkeypatch):
    rows = [("0.1", "0.2")] * 300
    for row in (10, 100, 250):
        rows[row] = ("1,500", "0.2")
    targets = memory_layer(["a:string", "b:string"], rows, [(224000.0 + i, 3088000.0) for i in range(300)],
                           name="targets")
    small_batches(monkeypatch)
    feedback = recording_feedback()
    run_algorithm("predictbnn", {"MODEL": plain_model(tmp_path), "INPUT": targets,
                                 "OUTPUT": str(tmp_path / "bnn.gpkg")}, feedback)
    thousands = [w for w in feedback.warnings if "read as thousands" in w]
    assert len(thousands) == 1 and "3 value(s) with a comma (first at row 11" in thousands[0], thousands


def test_a_bad_row_in_a_later_batch_is_named_and_leaves_no_output(run_algorithm, memory_layer, tmp_path,
                                                                   monkeypatch):
    from qgis.core import QgsProcessingException

    model = trained_stacked(run_algorithm, memory_layer, tmp_path)
    values = [(0.1,)] * 300
    values[200] = (None,)
    t_xyz = [(224000.0 + i, 3088000.0, 250.0) for i in range(300)]
    targets = memory_layer(["pc_01"], values, t_xyz, name="blocks")
    small_batches(monkeypatch)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(QgsProcessingException, match=r"blocks: field 'pc_01', row 201: value is missing"):
        run_algorithm("predictbnn", {"MODEL": model, "INPUT": targets, "OUTPUT": str(out / "bnn.gpkg")})
    assert sorted(p.name for p in out.iterdir()) == []


def test_a_target_without_geometry_in_a_later_batch_stops_kriging_before_any_output(run_algorithm, memory_layer,
                                                                                    tmp_path, monkeypatch):
    from qgis.core import QgsProcessingException

    params = with_variogram(run_algorithm, kriging_params(memory_layer), tmp_path)
    coords = ["POINT (224100 3088100)"] * 150 + ["POINT EMPTY"] + ["POINT (224200 3088200)"] * 49
    params["TARGETS"] = memory_layer(["id:integer"], [(i,) for i in range(200)], coords, name="blocks")
    small_batches(monkeypatch)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(QgsProcessingException, match=r"blocks: feature at row 151 has no geometry"):
        run_algorithm("ordinarykriging", dict(params, OUTPUT=str(out / "ok.gpkg")))
    assert sorted(p.name for p in out.iterdir()) == []


def imputation_layers(memory_layer, n_targets=700, seed=5):
    """(samples with gaps, targets with more gaps): two fields over a smooth 3D trend."""
    rng = np.random.default_rng(seed)

    def layer(n, gap, name):
        xyz = rng.uniform([0, 0, 0], [1000, 1000, 200], size=(n, 3)) + [224000.0, 3088000.0, 2000.0]
        a = np.sin(xyz[:, 0] / 200.0) + rng.normal(0, 0.1, n)
        b = np.cos(xyz[:, 1] / 250.0) + 0.5 * a
        rows = [(i, None if rng.random() < gap else float(u), None if rng.random() < gap else float(v))
                for i, (u, v) in enumerate(zip(a, b))]
        return memory_layer(["id:integer", "a", "b"], rows, [tuple(p) for p in xyz], name=name)

    return layer(300, 0.1, "samples"), layer(n_targets, 0.5, "targets")


def saved_reference(run_algorithm, samples, tmp_path, **options):
    """The path of an imputation reference fitted on `samples`' fields a and b."""
    reference = str(tmp_path / "reference.json")
    run_algorithm("knnimpute", {"INPUT": samples, "FIELDS": ["a", "b"], "REFERENCE_OUT": reference,
                                "OUTPUT": str(tmp_path / "samples.gpkg"), **options})
    return reference


def test_imputation_from_a_reference_in_batches_equals_one_batch(run_algorithm, memory_layer, tmp_path, monkeypatch):
    samples, targets = imputation_layers(memory_layer)
    # A spatial weight of 0.5: both the spatial and the feature distances count (1.0 would use space alone).
    reference = saved_reference(run_algorithm, samples, tmp_path, K=5, SPATIAL_WEIGHT=0.5)
    fields = ["id", "a", "b", "a_imputed", "b_imputed"]
    whole, batched, progress = run_both(run_algorithm, monkeypatch, tmp_path, "knnimpute",
                                        {"INPUT": targets, "REFERENCE_IN": reference}, fields)
    assert whole[:, 3].sum() > 100  # half the targets' cells were gaps
    check_same(whole, batched, [0, 3, 4])
    check_progress(progress, 700)


def test_imputation_names_a_later_batch_row_and_a_mixed_z_before_any_output(run_algorithm, memory_layer, tmp_path,
                                                                           monkeypatch):
    from qgis.core import QgsProcessingException

    samples, _ = imputation_layers(memory_layer)
    reference = saved_reference(run_algorithm, samples, tmp_path)
    small_batches(monkeypatch)
    rows = [(i, "0.5", "1.0") for i in range(200)]
    rows[150] = (150, "0.5", "high")
    coords = [(224000.0 + i, 3088000.0, 2000.0) for i in range(200)]
    out = tmp_path / "targets.gpkg"
    text = memory_layer(["id:integer", "a:string", "b:string"], rows, coords, name="targets")
    with pytest.raises(QgsProcessingException, match="targets.*'b'.*row 151"):
        run_algorithm("knnimpute", {"INPUT": text, "REFERENCE_IN": reference, "OUTPUT": str(out)})
    assert not out.exists()
    mixed = [f"POINT Z ({x} {y} {z})" for x, y, z in coords]
    mixed[130] = f"POINT ({coords[130][0]} {coords[130][1]})"
    layer = memory_layer(["id:integer", "a", "b"], [(i, 0.5, None) for i in range(200)], mixed, name="targets",
                         geometry="PointZ")
    with pytest.raises(QgsProcessingException, match="targets: row 131 has no z while other rows do"):
        run_algorithm("knnimpute", {"INPUT": layer, "REFERENCE_IN": reference, "OUTPUT": str(out)})
    flat = memory_layer(["id:integer", "a", "b"], [(i, 0.5, None) for i in range(200)],
                        [(x, y) for x, y, _ in coords], name="targets")
    with pytest.raises(QgsProcessingException, match="targets: the layer has no z coordinates but the reference"):
        run_algorithm("knnimpute", {"INPUT": flat, "REFERENCE_IN": reference, "OUTPUT": str(out)})
    assert not out.exists()


def test_imputation_counts_values_read_as_thousands_over_the_whole_layer(run_algorithm, memory_layer, tmp_path,
                                                                        monkeypatch):
    samples, _ = imputation_layers(memory_layer)
    reference = saved_reference(run_algorithm, samples, tmp_path)
    rows = [(i, "0.1", None if i % 2 else "0.2") for i in range(300)]
    for row in (10, 100, 250):
        rows[row] = (row, "1,500", "0.2")
    targets = memory_layer(["id:integer", "a:string", "b:string"], rows,
                           [(224000.0 + i, 3088000.0, 2000.0) for i in range(300)], name="targets")
    for streamed in (False, True):
        if streamed:
            small_batches(monkeypatch)
        feedback = recording_feedback()
        params = {"INPUT": targets, "OUTPUT": str(tmp_path / f"t{streamed}.gpkg")}
        params.update({"REFERENCE_IN": reference} if streamed else {"FIELDS": ["a", "b"]})
        run_algorithm("knnimpute", params, feedback)
        thousands = [w for w in feedback.warnings if "read as thousands" in w]
        assert len(thousands) == 1 and "3 value(s) with a comma (first at row 11" in thousands[0], thousands
