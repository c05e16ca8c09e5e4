"""reegrade:boxcox through processing.run
(split from tests/unit/test_boxcox.py, whose pure helpers it reuses)."""
import json

import numpy as np
import pytest
from scipy import special, stats
from test_boxcox import JURA_METALS, _distributions, _jura_metals
from test_imputation_algorithm import _point_layer, _read  # noqa: F401 (_point_layer: a fixture _table_layer uses)

from ree_grade.algorithms.geostats.boxcox import BoxCox


@pytest.fixture
def _table_layer(_point_layer):
    def make(columns, name="assays", kind="double"):
        """Point layer with {field: values}, one point per row along a line."""
        n = len(next(iter(columns.values())))
        xy = np.column_stack([500000.0 + np.arange(n), np.full(n, 7000000.0)])
        values = {f: [np.nan if v is None else v for v in column] for f, column in columns.items()}
        return _point_layer(values, xy, crs="EPSG:32750", name=name, kind=kind)

    return make


def _column(path, field):
    return _read(path, [field])[field]


def _jura_layer(table_layer, data_dir):
    X = _jura_metals(data_dir)
    return table_layer({m: X[:, j].tolist() for j, m in enumerate(JURA_METALS)}, "jura"), X


def test_fit_apply_and_inverse_through_processing(run_algorithm, _table_layer, data_dir, tmp_path):
    layer, X = _jura_layer(_table_layer, data_dir)
    params_path = tmp_path / "bc.json"
    out = run_algorithm("boxcox", {
        "INPUT": layer, "FIELDS": ["Cu", "Pb"], "PARAMETERS_OUT": str(params_path),
        "OUTPUT": str(tmp_path / "fit.gpkg"),
    })
    assert out["PARAMETERS_OUT"] == str(params_path) and (tmp_path / "bc.npz").exists()
    for metal in ("Cu", "Pb"):
        expected, lam = stats.boxcox(np.ascontiguousarray(X[:, JURA_METALS.index(metal)]))
        np.testing.assert_allclose(_column(out["OUTPUT"], "bc_" + metal), expected, atol=1e-9)
        saved = json.loads(params_path.read_text())["params"]["per_field"][metal]
        assert saved["lambda"] == pytest.approx(lam, abs=1e-9)
    lam_cu = BoxCox.load(str(params_path)).lambdas_[0]

    targets = _table_layer({"Cu": [10.0, 50.0, None], "Pb": [20.0, 80.0, 300.0]}, "targets")
    applied = run_algorithm("boxcox", {
        "INPUT": targets, "PARAMETERS_IN": str(params_path), "PARAMETERS_OUT": str(tmp_path / "copy.json"),
        "OUTPUT": str(tmp_path / "targets.gpkg"),
    })
    bc_cu = _column(applied["OUTPUT"], "bc_Cu")
    np.testing.assert_allclose(bc_cu[:2], special.boxcox([10.0, 50.0], lam_cu), atol=1e-12)
    assert np.isnan(bc_cu[2])
    copied = BoxCox.load(str(tmp_path / "copy.json")).header_
    assert copied["metadata"] == BoxCox.load(str(params_path)).header_["metadata"]

    from qgis.core import QgsVectorLayer

    back = run_algorithm("boxcox", {
        "INPUT": QgsVectorLayer(out["OUTPUT"], "fit", "ogr"), "FIELDS": ["bc_Cu", "bc_Pb"],
        "PARAMETERS_IN": str(params_path), "INVERSE": True, "OUTPUT": str(tmp_path / "back.gpkg"),
    })
    for metal in ("Cu", "Pb"):
        np.testing.assert_allclose(_column(back["OUTPUT"], metal), X[:, JURA_METALS.index(metal)], rtol=1e-9)


def test_automatic_shift_and_below_detection_text(run_algorithm, _table_layer, tmp_path):
    values = ["0", "<0.5", "1.2", "3.5", "0.8", "7.1", "2.2"]
    layer = _table_layer({"La_ppm": values}, "assays", kind="string")
    out = run_algorithm("boxcox", {
        "INPUT": layer, "FIELDS": ["La_ppm"], "AUTO_SHIFT": True, "PARAMETERS_OUT": str(tmp_path / "p.json"),
        "OUTPUT": str(tmp_path / "o.gpkg"),
    })
    parsed = np.array([0.0, 0.25, 1.2, 3.5, 0.8, 7.1, 2.2])
    model = BoxCox.load(str(tmp_path / "p.json"))
    assert model.shifts_[0] == pytest.approx(0.125)
    expected, _ = stats.boxcox(parsed + 0.125)
    np.testing.assert_allclose(_column(out["OUTPUT"], "bc_La_ppm"), expected, atol=1e-9)


def test_negative_below_detection_convention(run_algorithm, _table_layer, tmp_path):
    from qgis.core import QgsProcessingException

    values = ["1.5", "-0.5", "2.5", "4.0", "0.9", "7.5"]
    layer = _table_layer({"Lu": values}, kind="string")
    params = {"INPUT": layer, "FIELDS": ["Lu"], "OUTPUT": str(tmp_path / "o.gpkg")}
    with pytest.raises(QgsProcessingException, match=r"field 'Lu', row 2: value -0.5 plus shift 0 is not positive"):
        run_algorithm("boxcox", params)
    out = run_algorithm("boxcox", dict(params, NEGATIVE_BELOW_DETECTION=True))
    expected, _ = stats.boxcox(np.array([1.5, 0.25, 2.5, 4.0, 0.9, 7.5]))
    np.testing.assert_allclose(_column(out["OUTPUT"], "bc_Lu"), expected, atol=1e-9)


@pytest.mark.parametrize(
    "columns, kind, extra, message",
    [
        ({"Cu": [3.0, -1.0, 2.0, 5.0]}, "double", {},
         r"assays: field 'Cu', row 2: value -1 plus shift 0 is not positive"),
        ({"Cu": ["3", "2", "abc", "5"]}, "string", {}, r"assays: column 'Cu', row 3: 'abc' is not a number"),
        ({"Cu": [None, None, None, None]}, "double", {}, r"field 'Cu' has no values"),
        ({"Cu": [3.0, 1.0, 2.0, 5.0]}, "double", {"INVERSE": True}, r"INVERSE needs the parameter file"),
    ],
)
def test_bad_input_is_a_clear_error_with_no_output(
    run_algorithm, _table_layer, tmp_path, columns, kind, extra, message
):
    from qgis.core import QgsProcessingException

    params = {
        "INPUT": _table_layer(columns, "assays", kind), "FIELDS": ["Cu"], "PARAMETERS_OUT": str(tmp_path / "p.json"),
        "OUTPUT": str(tmp_path / "o.gpkg"),
    }
    params.update(extra)
    with pytest.raises(QgsProcessingException, match=message):
        run_algorithm("boxcox", params)
    assert not (tmp_path / "o.gpkg").exists() and not (tmp_path / "p.json").exists()
    assert not (tmp_path / "p.npz").exists()


def test_parameter_file_for_other_fields_is_refused(run_algorithm, _table_layer, tmp_path):
    from qgis.core import QgsProcessingException

    BoxCox().fit(_distributions()["gamma"], ["La_ppm"]).save(str(tmp_path / "la.json"))
    layer = _table_layer({"Cu": [3.0, 1.0, 2.0, 5.0]})
    with pytest.raises(QgsProcessingException, match=r"fields do not match the fitted ones \(missing \['La_ppm'\]"):
        run_algorithm("boxcox", {
            "INPUT": layer, "FIELDS": ["Cu"], "PARAMETERS_IN": str(tmp_path / "la.json"),
            "OUTPUT": str(tmp_path / "o.gpkg"),
        })
    with pytest.raises(QgsProcessingException, match=r"field 'bc_La_ppm' not found"):
        run_algorithm("boxcox", {
            "INPUT": layer, "PARAMETERS_IN": str(tmp_path / "la.json"), "INVERSE": True,
            "OUTPUT": str(tmp_path / "o.gpkg"),
        })
    assert not (tmp_path / "o.gpkg").exists()
