"""reegrade:knnimpute through processing.run
(split from tests/unit/test_imputation.py, whose pure helpers it reuses)."""
import numpy as np
import pytest
from test_imputation import JURA_METALS, _deposit, _deposit_assays, _jura

from ree_grade.algorithms.common.parsing import parse_numeric
from ree_grade.algorithms.ml.imputation import KNNImputer3D, mask_at_random

LOCAL_GRID = "EPSG:32632"


@pytest.fixture
def _point_layer(memory_layer):
    def make(columns, xyz, crs="EPSG:32648", name="samples", kind="double"):
        """Memory point layer (PointZ when xyz has 3 columns) with {field: values}."""
        return memory_layer({field: kind for field in columns}, columns, xyz, crs=crs, name=name)

    return make


def _read(path, fields):
    from qgis.core import QgsVectorLayer

    from ree_grade.processing_provider.layer_io import plain_value

    layer = QgsVectorLayer(str(path), "out", "ogr")
    assert layer.isValid()
    out = {field: [] for field in fields}
    for feature in layer.getFeatures():
        for field in fields:
            value = plain_value(feature[field])
            out[field].append(np.nan if value is None else float(value))
    return {field: np.array(values) for field, values in out.items()}


def test_jura_through_processing_with_reference(run_algorithm, _point_layer, data_dir, tmp_path):
    X, xy = _jura(data_dir)
    hidden = mask_at_random(X, 0.2, np.random.default_rng(5))
    masked = np.where(hidden, np.nan, X)
    # The Jura survey is on a local km grid; declared projected, since distances without a CRS are refused.
    layer = _point_layer({m: masked[:, j] for j, m in enumerate(JURA_METALS)}, xy, crs=LOCAL_GRID)
    out = run_algorithm("knnimpute", {
        "INPUT": layer, "FIELDS": JURA_METALS, "K": 6, "SPATIAL_WEIGHT": 0.3,
        "REFERENCE_OUT": str(tmp_path / "ref.json"), "OUTPUT": str(tmp_path / "imputed.gpkg"),
    })
    got = _read(out["OUTPUT"], JURA_METALS + [m + "_imputed" for m in JURA_METALS])
    expected, _ = KNNImputer3D(6, 0.3).fit_transform(masked, xy, JURA_METALS)
    for j, metal in enumerate(JURA_METALS):
        np.testing.assert_allclose(got[metal], expected[:, j], rtol=1e-12)
        np.testing.assert_array_equal(got[metal + "_imputed"], hidden[:, j].astype(float))
    reference = KNNImputer3D.load(out["REFERENCE_OUT"])
    assert reference.k == 6 and reference.spatial_weight == 0.3 and reference.crs_["authid"] == LOCAL_GRID

    targets = _point_layer({m: np.full(3, np.nan) for m in JURA_METALS}, xy[:3] + 0.01, crs=LOCAL_GRID, name="targets")
    applied = run_algorithm("knnimpute", {
        "INPUT": targets, "REFERENCE_IN": out["REFERENCE_OUT"], "OUTPUT": str(tmp_path / "targets.gpkg"),
    })
    got = _read(applied["OUTPUT"], JURA_METALS)
    expected, _ = reference.transform(np.full((3, 7), np.nan), xy[:3] + 0.01)
    for j, metal in enumerate(JURA_METALS):
        np.testing.assert_allclose(got[metal], expected[:, j], rtol=1e-12)


def _utm_samples():
    rng = np.random.default_rng(11)
    xyz = np.column_stack([
        rng.uniform(224000, 225000, 60), rng.uniform(3088000, 3089000, 60), rng.uniform(1000, 1200, 60)
    ])
    la = 1000 + 0.5 * (xyz[:, 0] - 224000) + rng.normal(0, 20, 60)
    ce = 2 * la + rng.normal(0, 30, 60)
    return xyz, la, ce


def test_targets_in_another_crs_are_reprojected(run_algorithm, _point_layer, tmp_path):
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsProject

    xyz, la, ce = _utm_samples()
    samples = _point_layer({"La": la, "Ce": ce}, xyz)
    fitted = run_algorithm("knnimpute", {
        "INPUT": samples, "FIELDS": ["La", "Ce"], "REFERENCE_OUT": str(tmp_path / "ref.json"),
        "OUTPUT": str(tmp_path / "s.gpkg"),
    })
    target_utm = np.array([[224300.0, 3088400.0, 1100.0], [224800.0, 3088900.0, 1050.0]])
    to_geographic = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:32648"), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance()
    )
    lonlat = np.array([[p.x(), p.y()] for p in (to_geographic.transform(QgsPointXY(x, y)) for x, y, _ in target_utm)])
    targets = _point_layer({"La": [np.nan, np.nan], "Ce": [2100.0, np.nan]},
                           np.column_stack([lonlat, target_utm[:, 2]]), crs="EPSG:4326", name="targets")
    out = run_algorithm("knnimpute", {
        "INPUT": targets, "REFERENCE_IN": fitted["REFERENCE_OUT"], "OUTPUT": str(tmp_path / "t.gpkg"),
    })
    got = _read(out["OUTPUT"], ["La", "Ce", "La_imputed", "Ce_imputed"])
    expected, _ = KNNImputer3D.load(fitted["REFERENCE_OUT"]).transform(
        np.array([[np.nan, 2100.0], [np.nan, np.nan]]), target_utm)
    np.testing.assert_allclose(got["La"], expected[:, 0], rtol=1e-9)
    np.testing.assert_allclose(got["Ce"], expected[:, 1], rtol=1e-9)
    assert got["Ce_imputed"].tolist() == [0.0, 1.0]


@pytest.mark.slow
def test_sample_deposit_lab_text_through_processing(run_algorithm, _point_layer, tmp_path):
    """Lab cells as text ('', '-0.5' below detection) on a PointZ layer of the sample deposit."""
    deposit = _deposit()
    _, xyz = _deposit_assays()
    fields = ["La", "Tb", "Y"]
    layer = _point_layer({f: list(deposit["assays"][f]) for f in fields}, xyz, crs=deposit["crs"], kind="string")
    out = run_algorithm("knnimpute", {
        "INPUT": layer, "FIELDS": fields, "K": 5, "NEGATIVE_BELOW_DETECTION": True, "OUTPUT": str(tmp_path / "o.gpkg"),
    })
    got = _read(out["OUTPUT"], fields + [f + "_imputed" for f in fields])
    for field in fields:
        parsed = parse_numeric(deposit["assays"][field], "samples", field, negative_is_below_detection=True)
        assert np.isfinite(got[field]).all()
        np.testing.assert_array_equal(got[field + "_imputed"], np.isnan(parsed.values).astype(float))
        kept = ~np.isnan(parsed.values)
        np.testing.assert_array_equal(got[field][kept], parsed.values[kept])
    below = np.array(deposit["assays"]["Tb"]) == "-0.5"
    assert below.any() and (got["Tb"][below] == 0.25).all() and (got["Tb_imputed"][below] == 0).all()


def test_below_detection_text_is_a_value_not_a_gap(run_algorithm, _point_layer, tmp_path):
    xyz, la, _ = _utm_samples()
    text = [f"{v:.1f}" for v in la]
    text[0], text[1], text[2] = "<0.5", "", "-"
    layer = _point_layer({"La": text}, xyz, kind="string")
    out = run_algorithm("knnimpute", {"INPUT": layer, "FIELDS": ["La"], "OUTPUT": str(tmp_path / "o.gpkg")})
    got = _read(out["OUTPUT"], ["La", "La_imputed"])
    assert got["La"][0] == 0.25 and got["La_imputed"][:3].tolist() == [0.0, 1.0, 1.0]
    assert np.isfinite(got["La"]).all()


@pytest.mark.parametrize(
    "case, message",
    [
        ("text", r"samples: column 'La', row 4: 'abc' is not a number"),
        ("all_missing", r"samples: field 'Ce' has no values"),
        ("no_crs", r"targets: the layer has no CRS but the reference samples are in EPSG:32648"),
        ("other_fields", r"fields do not match the fitted ones"),
    ],
)
def test_bad_input_is_a_clear_error_with_no_output(run_algorithm, _point_layer, tmp_path, case, message):
    from qgis.core import QgsProcessingException

    xyz, la, ce = _utm_samples()
    params = {"FIELDS": ["La", "Ce"], "REFERENCE_OUT": str(tmp_path / "new.json"), "OUTPUT": str(tmp_path / "o.gpkg")}
    if case == "text":
        text = [f"{v:.1f}" for v in la]
        text[3] = "abc"
        params["INPUT"] = _point_layer({"La": text, "Ce": [f"{v:.1f}" for v in ce]}, xyz, kind="string")
    elif case == "all_missing":
        params["INPUT"] = _point_layer({"La": la, "Ce": np.full(60, np.nan)}, xyz)
    else:
        KNNImputer3D().fit(np.column_stack([la, ce]), xyz, ["La", "Ce"]).save(
            str(tmp_path / "ref.json"), crs={"authid": "EPSG:32648", "wkt": ""})
        params["REFERENCE_IN"] = str(tmp_path / "ref.json")
        if case == "no_crs":
            params["INPUT"] = _point_layer({"La": la[:2], "Ce": ce[:2]}, xyz[:2], crs="", name="targets")
        else:
            params["INPUT"] = _point_layer({"La": la[:2], "Nd": ce[:2]}, xyz[:2], name="targets")
            params["FIELDS"] = ["La", "Nd"]
    with pytest.raises(QgsProcessingException, match=message):
        run_algorithm("knnimpute", params)
    assert not (tmp_path / "o.gpkg").exists() and not (tmp_path / "new.json").exists()
