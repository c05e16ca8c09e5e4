"""reegrade:hyperscore through processing.run
(split from tests/unit/test_hyperscore.py)."""
import numpy as np
import pytest
from scipy.stats import norm


@pytest.fixture
def _targets_layer(memory_layer):
    def make(values, fields="p:double"):
        coords = [(500000 + i, 3000000) for i in range(len(values))]
        return memory_layer(fields.split(","), values, coords, name="targets", keep_nan=True)

    return make


def test_algorithm_probability_field(run_algorithm, _targets_layer, tmp_path):
    layer = _targets_layer([[0.0], [0.5], [1.0], [None]])
    out = str(tmp_path / "hs.gpkg")
    result = run_algorithm("hyperscore", {"INPUT": layer, "SOURCE": 0, "PROBABILITY_FIELD": "p", "OUTPUT": out})
    from qgis.core import QgsVectorLayer

    scored = QgsVectorLayer(result["OUTPUT"], "scored", "ogr")
    values = [f["hyperscore"] for f in scored.getFeatures()]
    assert values[0] == pytest.approx(100.0) and values[2] == pytest.approx(111.1111, abs=1e-4)
    assert values[3] is None or str(values[3]) == "NULL"
    assert [f["hyperscore_norm"] for f in scored.getFeatures()][2] == pytest.approx(100.0)


def test_algorithm_from_kriging_variance(run_algorithm, _targets_layer, tmp_path):
    layer = _targets_layer([[2.0, 0.25], [1.0, 0.04]], "est:double,var:double")
    out = str(tmp_path / "hs_ok.gpkg")
    result = run_algorithm(
        "hyperscore",
        {"INPUT": layer, "SOURCE": 1, "MEAN_FIELD": "est", "SPREAD_FIELD": "var", "SPREAD_IS_VARIANCE": 1,
         "CUTOFF": 1.5, "OUTPUT": out},
    )
    from qgis.core import QgsVectorLayer

    v = [f["hyperscore_v"] for f in QgsVectorLayer(result["OUTPUT"], "s", "ogr").getFeatures()]
    np.testing.assert_allclose(v, [norm.sf(-1.0), norm.sf(2.5)], rtol=1e-9)


def test_algorithm_bad_probability_leaves_no_output(run_algorithm, _targets_layer, tmp_path):
    from qgis.core import QgsProcessingException

    layer = _targets_layer([[0.2], [7.0]])
    out = tmp_path / "bad.gpkg"
    with pytest.raises(QgsProcessingException, match=r"targets: V: row 2 has probability 7"):
        run_algorithm("hyperscore", {"INPUT": layer, "PROBABILITY_FIELD": "p", "OUTPUT": str(out)})
    assert not out.exists()
    with pytest.raises(QgsProcessingException, match="needs a probability field"):
        run_algorithm("hyperscore", {"INPUT": layer, "OUTPUT": str(out)})
