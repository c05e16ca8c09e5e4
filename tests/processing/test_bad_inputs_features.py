"""The catalogue of bad input, feature stages: samplefeatures, geologyfeatures,
knnimpute, boxcox, pcafusion and parselogs (the hyperspectral cube has its own
cases; see test_bad_inputs.py for how a case is judged)."""
import pytest
from test_bad_inputs import Env, judge, refused

DEGREES = [(105.80 + 0.0002 * i, 21.00 + 0.0002 * j) for i in range(6) for j in range(6)]
SQUARE = "Polygon ((499900 2999900, 500300 2999900, 500300 3000300, 499900 3000300, 499900 2999900))"
SQUARE_DEGREES = "Polygon ((105.7 20.9, 105.9 20.9, 105.9 21.1, 105.7 21.1, 105.7 20.9))"


@pytest.fixture
def env(memory_layer, tmp_path):
    return Env(memory_layer, tmp_path)


def _geology(env, crs="EPSG:32648", polygon=SQUARE):
    return env.layer({"code": "string"}, [["A"]], [polygon], crs=crs, name="geology")


def _with_gaps(env, crs="EPSG:32648", xy=None):
    return env.samples(crs=crs, xy=xy, extra={"La_ppm": ("double", [None if k % 5 == 0 else 100.0 + k
                                                                     for k in range(36)])})


def _reference_without_crs(env, spatial_weight=0.5):
    """A knnimpute reference fitted on projected-looking samples but saved without a CRS (an old or edited file)."""
    import numpy as np

    from ree_grade.algorithms.ml.imputation import KNNImputer3D

    xyz = np.array([(500000.0 + 20 * k, 3000000.0, 10.0) for k in range(12)])
    path = str(env.tmp / "reference.json")
    KNNImputer3D(k=3, spatial_weight=spatial_weight).fit(
        np.arange(12.0)[:, None], xyz, ["La_ppm"]).save(path, crs={"authid": "", "wkt": ""})
    return path


def _logs(env, rows):
    return env.layer({"hole_id": "string", "from_m": "double", "to_m": "double", "description": "string"}, rows,
                     name="logs")


def _log_samples(env):
    return env.layer({"hole_id": "string", "from_m": "double", "to_m": "double"}, [["DH1", 1.0, 3.0]],
                     [(500000.0, 3000000.0, 98.0)], name="samples")


CASES = [
    # ---- samplefeatures
    refused("samplefeatures_points_without_crs", "samplefeatures", lambda env: {
        "INPUT": env.samples(crs=""), "RASTER": env.raster(), "OUTPUT": env.output("s.gpkg")},
        "samples", "no coordinate reference system"),
    refused("samplefeatures_no_point_on_the_raster", "samplefeatures", lambda env: {
        "INPUT": env.samples(), "RASTER": env.raster(origin=(100000.0, 100000.0)), "OUTPUT": env.output("s.gpkg")},
        "lie on the raster"),
    refused("samplefeatures_empty_points", "samplefeatures", lambda env: {
        "INPUT": env.empty(), "RASTER": env.raster(), "OUTPUT": env.output("s.gpkg")}, "samples", "the layer is empty"),
    # ---- geologyfeatures
    refused("geologyfeatures_points_and_map_in_degrees", "geologyfeatures", lambda env: {
        "INPUT": env.samples(crs="EPSG:4326", xy=DEGREES), "GEOLOGY": _geology(env, "EPSG:4326", SQUARE_DEGREES),
        "UNIT_FIELD": "code", "OUTPUT": env.output("g.gpkg")}, "samples", "EPSG:4326", "geographic"),
    refused("geologyfeatures_points_without_crs", "geologyfeatures", lambda env: {
        "INPUT": env.samples(crs=""), "GEOLOGY": _geology(env), "UNIT_FIELD": "code", "OUTPUT": env.output("g.gpkg")},
        "samples", "no coordinate reference system"),
    refused("geologyfeatures_map_without_crs", "geologyfeatures", lambda env: {
        "INPUT": env.samples(), "GEOLOGY": _geology(env, crs=""), "UNIT_FIELD": "code",
        "OUTPUT": env.output("g.gpkg")}, "geology", "no coordinate reference system"),
    # ---- knnimpute
    refused("knnimpute_geographic_samples", "knnimpute", lambda env: {
        "INPUT": _with_gaps(env, "EPSG:4326", DEGREES), "FIELDS": ["La_ppm"], "OUTPUT": env.output("i.gpkg")},
        "samples", "EPSG:4326", "geographic"),
    refused("knnimpute_spatial_weight_without_crs", "knnimpute", lambda env: {
        "INPUT": _with_gaps(env, "", DEGREES), "FIELDS": ["La_ppm"], "SPATIAL_WEIGHT": 0.5,
        "OUTPUT": env.output("i.gpkg")}, "samples", "no coordinate reference system", "metres"),
    refused("knnimpute_reference_and_layer_without_crs", "knnimpute", lambda env: {
        "INPUT": _with_gaps(env, "", DEGREES), "FIELDS": ["La_ppm"], "REFERENCE_IN": _reference_without_crs(env),
        "OUTPUT": env.output("i.gpkg")}, "samples", "no coordinate reference system", "metres"),
    refused("knnimpute_no_field", "knnimpute", lambda env: {
        "INPUT": _with_gaps(env), "OUTPUT": env.output("i.gpkg")}, "Select at least one field to impute"),
    refused("knnimpute_reference_not_a_model_file", "knnimpute", lambda env: {
        "INPUT": _with_gaps(env), "REFERENCE_IN": env.text_file("ref.json", "[1, 2]"), "OUTPUT": env.output("i.gpkg")},
        "ref.json"),
    refused("knnimpute_field_without_values", "knnimpute", lambda env: {
        "INPUT": env.samples(grades=[None] * 36), "FIELDS": ["grade"], "OUTPUT": env.output("i.gpkg")},
        "samples", "field 'grade' has no values"),
    # ---- boxcox
    refused("boxcox_negative_value_without_shift", "boxcox", lambda env: {
        "INPUT": env.samples(grades=[1.0, -0.5] + [1.0 + k / 10 for k in range(34)]), "FIELDS": ["grade"],
        "SHIFT": 0.0, "AUTO_SHIFT": False, "OUTPUT": env.output("b.gpkg")},
        "field 'grade', row 2", "-0.5 plus shift 0 is not positive"),
    refused("boxcox_inverse_without_parameters", "boxcox", lambda env: {
        "INPUT": env.samples(), "FIELDS": ["grade"], "INVERSE": True, "OUTPUT": env.output("b.gpkg")}, "INVERSE"),
    refused("boxcox_field_without_values", "boxcox", lambda env: {
        "INPUT": env.samples(grades=[None] * 36), "FIELDS": ["grade"], "OUTPUT": env.output("b.gpkg")},
        "samples", "field 'grade' has no values"),
    refused("boxcox_parameters_file_hand_edited", "boxcox", lambda env: {
        "INPUT": env.samples(), "PARAMETERS_IN": env.text_file("lambdas.json", '{"kind": "boxcox", "fields": 5}'),
        "OUTPUT": env.output("b.gpkg")}, "lambdas.json", "header lacks"),
    # ---- pcafusion
    refused("pcafusion_points_without_crs", "pcafusion", lambda env: {
        "INPUT": env.samples(crs=""), "FIELDS": ["grade"], "N_COMPONENTS": 1, "RFF_FEATURES": 8,
        "OUTPUT": env.output("p.gpkg")}, "samples", "no coordinate reference system"),
    refused("pcafusion_fourier_features_in_degrees", "pcafusion", lambda env: {
        "INPUT": env.samples(crs="EPSG:4326", xy=DEGREES), "FIELDS": ["grade"], "N_COMPONENTS": 1,
        "RFF_FEATURES": 8, "OUTPUT": env.output("p.gpkg")}, "samples", "EPSG:4326", "geographic"),
    refused("pcafusion_missing_value_without_mean_fill", "pcafusion", lambda env: {
        "INPUT": _with_gaps(env), "FIELDS": ["La_ppm"], "N_COMPONENTS": 1, "OUTPUT": env.output("p.gpkg")},
        "samples", "field 'La_ppm', row 1 is missing", "impute first"),
    refused("pcafusion_field_without_values", "pcafusion", lambda env: {
        "INPUT": env.samples(extra={"La_ppm": ("double", [None] * 36)}), "FIELDS": ["La_ppm", "grade"],
        "N_COMPONENTS": 1, "OUTPUT": env.output("p.gpkg")}, "field 'La_ppm' has no values"),
    refused("pcafusion_every_field_constant", "pcafusion", lambda env: {
        "INPUT": env.samples(grades=[1.0] * 36), "FIELDS": ["grade"], "N_COMPONENTS": 1,
        "OUTPUT": env.output("p.gpkg")}, "samples", "every selected field is constant: grade"),
    refused("pcafusion_apply_without_transform", "pcafusion", lambda env: {
        "INPUT": _with_gaps(env), "MODE": 1, "OUTPUT": env.output("p.gpkg")}, "APPLY mode needs a saved transform"),
    # ---- parselogs
    refused("parselogs_interval_upside_down", "parselogs", lambda env: {
        "INPUT": _logs(env, [["DH1", 0.0, 2.0, "granite"], ["DH1", 5.0, 3.0, "syenite"]]),
        "DESCRIPTION_FIELD": "description", "USE_TRANSFORMER": False, "SAMPLES": _log_samples(env),
        "OUTPUT": env.output("l.gpkg")}, "logs", "row 2", "'to_m' 3 is above 'from_m' 5"),
    refused("parselogs_join_without_depths", "parselogs", lambda env: {
        "INPUT": env.layer({"hole_id": "string", "description": "string"}, [["DH1", "granite"]], name="logs"),
        "DESCRIPTION_FIELD": "description", "USE_TRANSFORMER": False, "SAMPLES": _log_samples(env),
        "FROM_FIELD": "", "TO_FIELD": "", "OUTPUT": env.output("l.gpkg")}, "needs the hole, from and to fields"),
    refused("parselogs_vocabulary_line_malformed", "parselogs", lambda env: {
        "INPUT": _logs(env, [["DH1", 0.0, 2.0, "granite"]]), "DESCRIPTION_FIELD": "description",
        "VOCABULARY": env.text_file("vocabulary.txt", "# terms\nnot a rule\n"), "OUTPUT": env.output("l.gpkg")},
        "vocabulary.txt", "line 2"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input(case, env, run_algorithm):
    judge(case, env, run_algorithm)
