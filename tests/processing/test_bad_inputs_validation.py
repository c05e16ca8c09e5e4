"""The catalogue of bad input, validation and resources: targets, crossvalidate,
gradetonnage, classify, hyperscore and report (see test_bad_inputs.py for how a
case is judged)."""
import pytest
from test_bad_inputs import Env, judge, refused

DEGREES = [(105.80 + 0.0002 * i, 21.00 + 0.0002 * j) for i in range(6) for j in range(6)]


@pytest.fixture
def env(memory_layer, tmp_path):
    return Env(memory_layer, tmp_path)


def _cv(env, **extra):
    return dict({"INPUT": env.samples(), "GRADE_FIELD": "grade", "HOLE_FIELD": "hole_id", "METHODS": [0],
                 "FOLDS": 3, "OUTPUT": env.output("cv.gpkg")}, **extra)


def _blocks(env, crs="EPSG:32648", n=9, name="blocks", xy=None):
    xy = xy if xy is not None else [(500010.0 + 30 * (k % 3), 3000010.0 + 30 * (k // 3)) for k in range(n)]
    return env.layer({"mean": "double", "sd": "double", "p": "double"},
                     [[1.0 + 0.1 * k, 0.2, 0.5] for k in range(len(xy))], [(x, y, 95.0) for x, y in xy], crs=crs,
                     name=name)


def _classify(env, **extra):
    return dict({"INPUT": _blocks(env), "MEAN_FIELD": "mean", "SPREAD_FIELD": "sd", "SAMPLES": env.samples(),
                 "HOLE_FIELD": "hole_id", "OUTPUT": env.output("classes.gpkg")}, **extra)


def _gradetonnage(env, **extra):
    return dict({"INPUT": _blocks(env), "GRADE_FIELDS": ["mean"], "BLOCK_VOLUME": 1000.0,
                 "OUTPUT": env.output("gt.gpkg")}, **extra)


def _targets(env, **extra):
    return dict({"MODE": 0, "EXTENT": "500000,500200,3000000,3000200 [EPSG:32648]", "DX": 50.0, "DY": 50.0,
                 "OUTPUT": env.output("targets.gpkg")}, **extra)


def _hyperscore(env, **extra):
    return dict({"INPUT": _blocks(env), "SOURCE": 0, "PROBABILITY_FIELD": "p", "OUTPUT": env.output("hs.gpkg")},
                **extra)


CASES = [
    # ---- targets
    refused("targets_geographic_extent", "targets", lambda env: _targets(
        env, EXTENT="105.8,105.81,21.0,21.01 [EPSG:4326]"), "EXTENT", "EPSG:4326", "geographic"),
    refused("targets_geographic_template", "targets", lambda env: _targets(
        env, EXTENT=None, TEMPLATE=env.raster(crs="EPSG:4326", origin=(105.8, 21.01), cell=0.0002)),
        "template", "EPSG:4326", "geographic"),
    refused("targets_without_extent_or_template", "targets", lambda env: _targets(env, EXTENT=None),
            "Give an EXTENT"),
    refused("targets_block_model_without_z_range", "targets", lambda env: _targets(env, MODE=1),
            "needs ZMIN and ZMAX"),
    refused("targets_tiny_cells_over_a_large_extent", "targets", lambda env: _targets(
        env, EXTENT="0,1000000,0,1000000 [EPSG:32648]", DX=0.01, DY=0.01), "blocks is more than", "larger blocks"),
    refused("targets_z_range_reversed", "targets", lambda env: _targets(env, MODE=1, ZMIN=100.0, ZMAX=0.0),
            "range", "maximum must exceed the minimum"),
    refused("targets_template_with_block_model", "targets", lambda env: _targets(
        env, MODE=1, TEMPLATE=env.raster(), ZMIN=0.0, ZMAX=10.0), "raster template defines a 2D grid"),
    # ---- crossvalidate
    refused("crossvalidate_geographic_samples", "crossvalidate", lambda env: _cv(
        env, INPUT=env.samples(crs="EPSG:4326", xy=DEGREES)), "samples", "EPSG:4326", "geographic"),
    refused("crossvalidate_samples_without_crs", "crossvalidate", lambda env: _cv(
        env, INPUT=env.samples(crs="", xy=DEGREES)), "samples", "no coordinate reference system", "metres"),
    refused("crossvalidate_samples_with_an_invalid_crs", "crossvalidate", lambda env: _cv(
        env, INPUT=env.samples(crs="EPSG:999999", xy=DEGREES)), "samples", "no coordinate reference system"),
    refused("crossvalidate_grade_as_covariate", "crossvalidate", lambda env: _cv(env, COVARIATES=["grade"]),
            "grade field 'grade' is also selected as a covariate"),
    refused("crossvalidate_hole_id_missing", "crossvalidate", lambda env: _cv(env, INPUT=env.layer(
        {"grade": "double", "hole_id": "string"}, [[1.0 + k / 10, None if k == 4 else f"H{k % 5}"] for k in range(20)],
        [(500000.0 + 10 * k, 3000000.0, 100.0) for k in range(20)], name="samples")),
        "samples", "field 'hole_id', row 5", "hole id is missing"),
    refused("crossvalidate_covariate_missing", "crossvalidate", lambda env: _cv(env, INPUT=env.samples(
        extra={"cov": ("double", [1.0] * 7 + [None] + [1.0] * 28)}), COVARIATES=["cov"]),
        "samples", "field 'cov', row 8", "impute"),
    refused("crossvalidate_more_folds_than_holes", "crossvalidate", lambda env: _cv(env, FOLDS=20), "20"),
    refused("crossvalidate_a_single_hole", "crossvalidate", lambda env: _cv(env, INPUT=env.one_hole(), FOLDS=5),
            "samples", "5 folds need at least 5 groups (holes), got 1"),
    refused("crossvalidate_empty_samples", "crossvalidate", lambda env: _cv(env, INPUT=env.empty()),
            "samples", "the layer is empty"),
    refused("crossvalidate_no_method", "crossvalidate", lambda env: _cv(env, METHODS=[]), "METHODS"),
    # ---- gradetonnage
    refused("gradetonnage_tiny_step_over_a_huge_range", "gradetonnage", lambda env: _gradetonnage(
        env, CUTOFF_START=0.0, CUTOFF_STOP=1e6, CUTOFF_STEP=1e-6), "cut-offs", "would need", "GiB", "larger step"),
    refused("gradetonnage_start_above_stop", "gradetonnage", lambda env: _gradetonnage(
        env, CUTOFF_START=5.0, CUTOFF_STOP=1.0), "cut-off series", "is empty"),
    refused("gradetonnage_zero_step", "gradetonnage", lambda env: _gradetonnage(env, CUTOFF_STEP=0.0),
            "cut-off series", "is empty"),
    refused("gradetonnage_no_grade_field", "gradetonnage", lambda env: _gradetonnage(env, GRADE_FIELDS=[]),
            "at least one grade field"),
    refused("gradetonnage_empty_block_layer", "gradetonnage", lambda env: _gradetonnage(
        env, INPUT=_blocks(env, xy=[])), "blocks", "empty"),
    refused("gradetonnage_grade_field_without_values", "gradetonnage", lambda env: _gradetonnage(
        env, INPUT=env.layer({"mean": "double"}, [[None], [None]], [(500000.0, 3000000.0), (500010.0, 3000000.0)],
                             name="blocks")), "blocks", "field 'mean' has no values"),
    refused("gradetonnage_model_file_not_an_object", "gradetonnage", lambda env: _gradetonnage(
        env, GRADE_FIELDS=[], MODEL=env.text_file("list.json", "[]")), "list.json", "not a valid JSON model header"),
    refused("gradetonnage_negative_density_field", "gradetonnage", lambda env: _gradetonnage(
        env, DENSITY_FIELD="sd", INPUT=env.layer({"mean": "double", "sd": "double"}, [[1.0, 2.5], [1.2, -2.0]],
                                                 [(500000.0, 3000000.0), (500010.0, 3000000.0)], name="blocks")),
        "blocks", "block 2", "density -2"),
    # ---- classify
    refused("classify_geographic_blocks", "classify", lambda env: _classify(
        env, INPUT=_blocks(env, crs="EPSG:4326", xy=DEGREES[:4])), "blocks", "EPSG:4326", "geographic"),
    refused("classify_thresholds_out_of_order", "classify", lambda env: _classify(
        env, MEASURED_SPACING=300.0, INDICATED_SPACING=100.0), "spacing"),
    refused("classify_empty_blocks", "classify", lambda env: _classify(env, INPUT=_blocks(env, xy=[])),
            "blocks", "the layer is empty"),
    refused("classify_empty_samples", "classify", lambda env: _classify(env, SAMPLES=env.empty()),
            "samples", "the layer is empty"),
    refused("classify_samples_without_crs", "classify", lambda env: _classify(env, SAMPLES=env.samples(crs="")),
            "samples", "no coordinate reference system"),
    # ---- hyperscore
    refused("hyperscore_probability_above_one", "hyperscore", lambda env: _hyperscore(env, INPUT=env.layer(
        {"p": "double"}, [[0.2], [1.7]], [(500000.0, 3000000.0), (500010.0, 3000000.0)], name="blocks")),
        "blocks", "row 2", "1.7"),
    refused("hyperscore_empty_blocks", "hyperscore", lambda env: _hyperscore(env, INPUT=_blocks(env, xy=[])),
            "blocks", "the layer is empty"),
    # ---- report
    refused("report_on_an_empty_block_layer", "report", lambda env: {
        "BLOCKS": _blocks(env, xy=[]), "NOTES": "bench 1", "OUTPUT": env.output("r.html")},
        "blocks", "no features", "nothing to report"),
    refused("report_with_nothing_to_report", "report", lambda env: {"OUTPUT": env.output("r.html")},
            "Nothing to report"),
    refused("report_truth_file_not_npz", "report", lambda env: {
        "TRUTH": env.text_file("truth.npz", "not an npz"), "OUTPUT": env.output("r.html")},
        "truth.npz", "cannot be read as an npz file"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input(case, env, run_algorithm):
    judge(case, env, run_algorithm)
