"""The catalogue of bad input, estimation stage: variogram, ordinary and indicator
kriging, GP, trainbnn and predictbnn (see test_bad_inputs.py for how a case is judged)."""
import numpy as np
import pytest
from qgis.core import QgsVectorLayer
from test_bad_inputs import Env, _ok_params, _trainbnn_params, _variogram_params, judge, refused, warned

from ree_grade.algorithms.geostats.variogram_model import VariogramModel
from ree_grade.processing_provider.alg_trainbnn import DEFAULT_METHOD as STACKED

DEGREES = [(105.80 + 0.0002 * i, 21.00 + 0.0002 * j) for i in range(6) for j in range(6)]
SOME_BELOW_DETECTION = [-0.05 if k % 6 == 0 else 1.0 + 0.1 * (k % 5) for k in range(36)]
# Six distinct negative values (rows 3, 9, ..., 33): too many for detection limits, so kept as grades.
MANY_NEGATIVES = [-0.1 * (k // 6 + 1) if k % 6 == 2 else 1.0 + 0.02 * k for k in range(36)]
NEGATIVE_KEPT = ("samples", "field 'grade'", "6 negative value(s)", "row 3: -0.1", "real negative grades",
                 "6 distinct values")
WITH_MISSING_CODES = [-99.0 if k % 9 == 0 else 1.0 + 0.1 * (k % 5) for k in range(36)]


def _values(result, field):
    layer = QgsVectorLayer(result["OUTPUT"], "out", "ogr")
    return np.array([np.nan if f[field] is None else float(f[field]) for f in layer.getFeatures()])


def _estimates_non_negative(field):
    def check(result, env):
        values = _values(result, field)
        assert np.isfinite(values).any() and np.nanmin(values) >= 0.0

    return check


def _estimates_within(field, low, high):
    def check(result, env):
        values = _values(result, field)
        assert np.isfinite(values).all() and low <= values.min() and values.max() <= high

    return check


def _variogram_written(result, env):
    model = VariogramModel.load(result["MODEL_OUT"])
    assert model.header_["metadata"]["n_samples"] == 36


def _variogram_without_codes(result, env):
    model = VariogramModel.load(result["MODEL_OUT"])
    assert model.header_["metadata"]["n_samples"] == 32


def _only_the_raster(result, env):
    assert sorted(p.name for p in env.out.iterdir()) == ["ok.tif"]


def _mik_params(env, **extra):
    return dict({"INPUT": env.samples(), "GRADE_FIELD": "grade", "TARGETS": env.targets(), "CUTOFFS": "1.5",
                 "OUTPUT": env.output("mik.gpkg")}, **extra)


def _gp_params(env, **extra):
    return dict({"INPUT": env.samples(), "GRADE_FIELD": "grade", "TARGETS": env.targets(), "ITERATIONS": 5,
                 "OUTPUT": env.output("gp.gpkg")}, **extra)


def _stacked_model_in(env, crs):
    """A stacked model trained by trainbnn on the samples, its saved samples' CRS then edited to `crs`."""
    import json

    import processing
    from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingContext, QgsProcessingFeedback

    path = str(env.tmp / "stacked.json")
    trained = _trainbnn_params(env, METHOD=STACKED, MODEL_OUT=path, HIDDEN="4", MAX_SAMPLES=8)
    processing.run("reegrade:trainbnn", trained, context=QgsProcessingContext(), feedback=QgsProcessingFeedback())
    with open(path, encoding="utf-8") as handle:
        header = json.load(handle)
    header["metadata"].update(crs=crs, crs_wkt=QgsCoordinateReferenceSystem(crs).toWkt() if crs else "")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(header, handle)
    return path


def _predict_params(env, **extra):
    return dict({"MODEL": env.text_file("model.json", "{}"), "INPUT": env.targets(),
                 "OUTPUT": env.output("p.gpkg")}, **extra)


CASES = [
    # ---- variogram
    refused("variogram_samples_without_crs", "variogram", lambda env: _variogram_params(
        env, INPUT=env.samples(crs="", xy=DEGREES)), "samples", "no coordinate reference system", "metres"),
    refused("variogram_geographic_samples", "variogram", lambda env: _variogram_params(
        env, INPUT=env.samples(crs="EPSG:4326", xy=DEGREES)), "samples", "EPSG:4326", "geographic", "metres"),
    refused("variogram_constant_grade", "variogram", lambda env: _variogram_params(
        env, INPUT=env.samples(grades=[2.0] * 36)), "field 'grade'", "every value equals 2"),
    refused("variogram_empty_samples", "variogram", lambda env: _variogram_params(env, INPUT=env.empty()),
            "samples", "the layer is empty"),
    refused("variogram_too_few_pairs_per_lag", "variogram", lambda env: _variogram_params(env, INPUT=env.samples(
        grades=[1.0, 2.0], xy=[(500000.0, 3000000.0), (500010.0, 3000000.0)])),
        "samples: field 'grade'", "only 0 lags have at least 10 pairs"),
    refused("variogram_no_structure", "variogram", lambda env: _variogram_params(env, STRUCTURES=" , "),
            "at least one variogram structure"),
    refused("variogram_unknown_structure", "variogram", lambda env: _variogram_params(env, STRUCTURES="cubic"),
            "unknown variogram structure type 'cubic'"),
    refused("variogram_directions_not_numbers", "variogram", lambda env: _variogram_params(env, DIRECTIONS="north"),
            "'north' is not a list of numbers"),
    warned("variogram_negative_detection_codes", "variogram", lambda env: _variogram_params(
        env, INPUT=env.samples(grades=SOME_BELOW_DETECTION)),
        ("samples", "field 'grade'", "6 negative value(s)", "row 1", "-0.05", "below-detection"), _variogram_written),
    warned("variogram_negative_grades_not_codes", "variogram", lambda env: _variogram_params(
        env, INPUT=env.samples(grades=MANY_NEGATIVES)), NEGATIVE_KEPT, _variogram_written),
    warned("variogram_missing_value_codes", "variogram", lambda env: _variogram_params(
        env, INPUT=env.samples(grades=WITH_MISSING_CODES)),
        ("samples", "field 'grade'", "missing-value codes (-99", "row 1"), _variogram_without_codes),
    warned("variogram_degrees_in_projected_crs", "variogram", lambda env: _variogram_params(
        env, INPUT=env.samples(xy=DEGREES), LAG=0.0002, DIMENSION=0), ("samples", "look like longitudes", "EPSG:32648"),
        _variogram_written),
    # ---- ordinary kriging
    refused("ok_geographic_samples", "ordinarykriging", lambda env: _ok_params(
        env, INPUT=env.samples(crs="EPSG:4326", xy=DEGREES), TARGETS=env.targets(crs="EPSG:4326", xy=DEGREES[:4])),
        "samples", "EPSG:4326", "geographic", "Ordinary kriging"),
    refused("ok_geographic_template", "ordinarykriging", lambda env: _ok_params(
        env, TARGETS=None, OUTPUT=None, TEMPLATE=env.raster(crs="EPSG:4326", origin=(105.8, 21.01), cell=0.0002),
        OUTPUT_RASTER=env.output("ok.tif")), "template", "EPSG:4326", "geographic"),
    refused("ok_both_outputs_skipped", "ordinarykriging", lambda env: _ok_params(env, OUTPUT=None),
            "Nothing would be written", "OUTPUT"),
    refused("ok_nothing_to_krige_on", "ordinarykriging", lambda env: _ok_params(env, TARGETS=None),
            "Give target points or a raster template"),
    refused("ok_discretisation_terabytes", "ordinarykriging", lambda env: _ok_params(
        env, BLOCK_SIZE="10, 10, 10", DISCRETISATION="100, 100, 100"), "100 x 100 x 100", "would need", "GiB"),
    refused("ok_template_of_forty_billion_cells", "ordinarykriging", lambda env: _ok_params(
        env, TARGETS=None, OUTPUT=None, TEMPLATE=env.huge_raster(), OUTPUT_RASTER=env.output("ok.tif")),
        "huge", "200000 x 200000 cells", "would need", "GiB"),
    refused("ok_empty_samples", "ordinarykriging", lambda env: _ok_params(env, INPUT=env.empty()),
            "samples", "the layer is empty"),
    refused("ok_no_sample_has_a_grade", "ordinarykriging", lambda env: _ok_params(
        env, INPUT=env.samples(grades=[None] * 36)), "samples", "0 samples with a value"),
    refused("ok_empty_targets", "ordinarykriging", lambda env: _ok_params(
        env, TARGETS=env.empty(("block",), "targets")), "targets", "the layer is empty"),
    refused("ok_no_discretisation_point", "ordinarykriging", lambda env: _ok_params(
        env, BLOCK_SIZE="10, 10, 10", DISCRETISATION="0, 0, 0"), "at least 1 point per axis"),
    refused("ok_negative_block_size", "ordinarykriging", lambda env: _ok_params(env, BLOCK_SIZE="-10, 10, 10"),
            "block size must not be negative"),
    refused("ok_variogram_file_of_another_kind", "ordinarykriging", lambda env: _ok_params(
        env, VARIOGRAM=env.text_file("other.json", '{"kind": "bnn"}')), "other.json", "header lacks"),
    refused("ok_min_samples_above_max", "ordinarykriging", lambda env: _ok_params(
        env, MIN_SAMPLES=30, MAX_SAMPLES=10), "minimum number of samples (30) exceeds the maximum (10)"),
    refused("ok_cap_per_hole_without_hole_field", "ordinarykriging", lambda env: _ok_params(env, MAX_PER_HOLE=2),
            "maximum per hole needs the hole id field"),
    refused("ok_block_size_of_one_number", "ordinarykriging", lambda env: _ok_params(env, BLOCK_SIZE="10"),
            "block size", "'dx, dy'"),
    refused("ok_targets_without_crs", "ordinarykriging", lambda env: _ok_params(env, TARGETS=env.targets(crs="")),
            "targets", "no coordinate reference system"),
    refused("ok_sample_without_geometry", "ordinarykriging", lambda env: _ok_params(env, INPUT=env.layer(
        {"grade": "double"}, [[1.0], [2.0], [1.5]], ["PointZ (500000 3000000 10)", "PointZ EMPTY",
                                                        "PointZ (500020 3000000 10)"], name="samples")),
        "samples", "row 2", "no geometry"),
    refused("ok_variogram_file_not_json", "ordinarykriging", lambda env: _ok_params(
        env, VARIOGRAM=env.text_file("broken.json", "{not json")), "broken.json"),
    warned("ok_negative_detection_codes", "ordinarykriging", lambda env: _ok_params(
        env, INPUT=env.samples(grades=SOME_BELOW_DETECTION)),
        ("samples", "field 'grade'", "negative value(s)", "row 1", "below-detection"),
        _estimates_non_negative("ok_estimate")),
    warned("ok_negative_grades_not_codes", "ordinarykriging", lambda env: _ok_params(
        env, INPUT=env.samples(grades=MANY_NEGATIVES)), NEGATIVE_KEPT, _estimates_within("ok_estimate", -0.6, 1.7)),
    warned("ok_missing_value_codes", "ordinarykriging", lambda env: _ok_params(
        env, INPUT=env.samples(grades=WITH_MISSING_CODES)), ("samples", "missing-value codes"),
        _estimates_within("ok_estimate", 1.0, 1.4)),
    warned("ok_targets_without_their_output", "ordinarykriging", lambda env: _ok_params(
        env, OUTPUT=None, TEMPLATE=env.raster(), OUTPUT_RASTER=env.output("ok.tif")),
        ("Target points given without the points output",), _only_the_raster),
    # ---- multiple indicator kriging
    refused("mik_geographic_samples", "mik", lambda env: _mik_params(
        env, INPUT=env.samples(crs="EPSG:4326", xy=DEGREES), TARGETS=env.targets(crs="EPSG:4326", xy=DEGREES[:4])),
        "samples", "EPSG:4326", "geographic"),
    warned("mik_negative_grades_not_codes", "mik", lambda env: _mik_params(env, INPUT=env.samples(
        grades=MANY_NEGATIVES), CUTOFFS="1.2", ZMIN=-1.0), NEGATIVE_KEPT, _estimates_within("mik_p_gt_1_2", 0.0, 1.0)),
    refused("mik_negative_grades_below_zmin", "mik", lambda env: _mik_params(env, INPUT=env.samples(
        grades=MANY_NEGATIVES), CUTOFFS="1.2"), "samples", "field 'grade'", "6 grade(s)", "zmin (0)", "row 3: -0.1"),
    refused("mik_both_outputs_skipped", "mik", lambda env: _mik_params(env, OUTPUT=None), "Nothing would be written"),
    refused("mik_discretisation_terabytes", "mik", lambda env: _mik_params(
        env, BLOCK_SIZE="10, 10, 10", DISCRETISATION="100, 100, 100"), "would need", "GiB"),
    refused("mik_variogram_file_with_full_mik", "mik", lambda env: _mik_params(env, MODE=1, VARIOGRAM=env.variogram()),
            "single variogram file serves median IK only"),
    refused("mik_threshold_outside_data", "mik", lambda env: _mik_params(env, THRESHOLDS="0.5, 100"), "100"),
    refused("mik_cutoff_not_a_number", "mik", lambda env: _mik_params(env, CUTOFFS="1.5, high"),
            "cut-offs", "'high' is not a number"),
    refused("mik_constant_grade", "mik", lambda env: _mik_params(env, INPUT=env.samples(grades=[1.0] * 36)),
            "samples", "outside the data range"),
    refused("mik_thresholds_not_numbers", "mik", lambda env: _mik_params(env, THRESHOLDS="a, b"),
            "thresholds", "'a, b' is not a list of numbers"),
    refused("mik_zmax_below_the_thresholds", "mik", lambda env: _mik_params(env, ZMAX=0.01),
            "within [zmin, zmax] = [0.0, 0.01]"),
    refused("mik_negative_cutoff", "mik", lambda env: _mik_params(env, CUTOFFS="-1"), "not a positive grade"),
    # ---- Gaussian process
    refused("gp_constant_grade", "gp", lambda env: _gp_params(env, INPUT=env.samples(grades=[1.2] * 36)),
            "samples", "field 'grade'", "every sample has the same grade (1.2)"),
    refused("gp_geographic_samples", "gp", lambda env: _gp_params(
        env, INPUT=env.samples(crs="EPSG:4326", xy=DEGREES)), "samples", "EPSG:4326", "geographic"),
    refused("gp_zero_grade_with_log_transform", "gp", lambda env: _gp_params(
        env, INPUT=env.samples(grades=[0.0] + [1.0 + k / 36 for k in range(35)])),
        "samples", "field 'grade'", "row 1", "not positive"),
    refused("gp_inducing_points_terabytes", "gp", lambda env: _gp_params(env, EXACT_LIMIT=10, N_INDUCING=10_000_000),
            "sparse GP with 10000000 inducing points", "would need", "GiB"),
    refused("gp_template_of_forty_billion_cells", "gp", lambda env: _gp_params(
        env, TARGETS=None, OUTPUT=None, TEMPLATE=env.huge_raster(), OUTPUT_RASTER=env.output("gp.tif")),
        "huge", "200000 x 200000 cells", "would need", "GiB"),
    refused("gp_too_few_samples", "gp", lambda env: _gp_params(env, INPUT=env.samples(
        grades=[1.0, 2.0], xy=[(500000.0, 3000000.0), (500010.0, 3000000.0)])), "samples", "at least 10 samples"),
    refused("gp_both_outputs_skipped", "gp", lambda env: _gp_params(env, OUTPUT=None), "Nothing would be written"),
    refused("gp_covariates_with_a_template", "gp", lambda env: _gp_params(
        env, TARGETS=None, OUTPUT=None, TEMPLATE=env.raster(), COVARIATES=["grade"],
        OUTPUT_RASTER=env.output("gp.tif")), "Covariates need target points"),
    warned("gp_negative_grades_not_codes", "gp", lambda env: _gp_params(env, INPUT=env.samples(
        grades=MANY_NEGATIVES), LOG_TRANSFORM=False), NEGATIVE_KEPT, _estimates_within("gp_mean", -0.6, 1.7)),
    refused("gp_missing_covariate", "gp", lambda env: _gp_params(env, INPUT=env.samples(
        extra={"cov": ("double", [None] + [1.0] * 35)}), COVARIATES=["cov"]), "field 'cov'", "row 1", "impute"),
    # ---- trainbnn
    refused("trainbnn_geographic_samples", "trainbnn", lambda env: _trainbnn_params(
        env, INPUT=env.samples(crs="EPSG:4326", xy=DEGREES)), "samples", "EPSG:4326", "geographic"),
    refused("trainbnn_no_feature_for_a_network", "trainbnn", lambda env: _trainbnn_params(env, METHOD=0),
            "Select at least one feature field"),
    refused("trainbnn_grade_as_feature", "trainbnn", lambda env: _trainbnn_params(env, FEATURES=["grade"]),
            "grade field 'grade' is also selected as a feature"),
    refused("trainbnn_missing_grade", "trainbnn", lambda env: _trainbnn_params(
        env, INPUT=env.samples(grades=[None] + [1.0 + k / 36 for k in range(35)])),
        "samples", "field 'grade'", "row 1", "grade is missing"),
    refused("trainbnn_a_single_hole", "trainbnn", lambda env: _trainbnn_params(env, INPUT=env.one_hole()),
            "samples", "at least 2 groups (holes), got 1"),
    refused("trainbnn_hidden_layer_of_no_unit", "trainbnn", lambda env: _trainbnn_params(env, HIDDEN="0"),
            "hidden layers", "at least one unit"),
    refused("trainbnn_hidden_sizes_not_numbers", "trainbnn", lambda env: _trainbnn_params(env, HIDDEN="big"),
            "big"),
    # ---- predictbnn
    refused("predictbnn_both_outputs_skipped", "predictbnn", lambda env: _predict_params(env, OUTPUT=None),
            "Nothing would be written"),
    refused("predictbnn_model_file_hand_edited", "predictbnn", lambda env: _predict_params(
        env, MODEL=env.text_file("edited.json", '{"kind": "bnn", "fields": 5}')), "edited.json", "header lacks"),
    refused("predictbnn_model_samples_geographic", "predictbnn", lambda env: _predict_params(
        env, MODEL=_stacked_model_in(env, "EPSG:4326")), "the model's samples", "EPSG:4326", "geographic"),
    refused("predictbnn_model_samples_without_crs", "predictbnn", lambda env: _predict_params(
        env, MODEL=_stacked_model_in(env, "")), "the model's samples", "no coordinate reference system"),
    refused("predictbnn_nothing_to_predict_on", "predictbnn", lambda env: _predict_params(env, INPUT=None),
            "Give target points or a covariate raster"),
]


@pytest.fixture
def env(memory_layer, tmp_path):
    return Env(memory_layer, tmp_path)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input(case, env, run_algorithm):
    judge(case, env, run_algorithm)
