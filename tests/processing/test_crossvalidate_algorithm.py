"""reegrade:crossvalidate through processing.run
(split from tests/unit/test_crossvalidate.py, whose pure helpers it reuses)."""
import numpy as np
import pytest
from test_crossvalidate import _drilled_field


@pytest.fixture
def _layer(memory_layer):
    def make(xyz, grade, covariate, holes):
        rows = [(str(holes[row]), grade[row], covariate[row, 0]) for row in range(len(grade))]
        coords = [xyz[row] + [500000, 3000000, 1000] for row in range(len(grade))]
        return memory_layer(["hole_id:string", "TREO_pct", "cov"], rows, coords, name="composites")

    return make


def test_algorithm_writes_table_and_report(run_algorithm, _layer, tmp_path):
    from qgis.core import QgsVectorLayer

    xyz, grade, covariate, holes = _drilled_field(n_holes=15, per_hole=6)
    grade[3] = np.nan
    layer = _layer(xyz, grade, covariate, holes)
    result = run_algorithm("crossvalidate", {
        "INPUT": layer, "GRADE_FIELD": "TREO_pct", "COVARIATES": ["cov"], "HOLE_FIELD": "hole_id", "METHODS": [2, 3],
        "FOLDS": 3, "CUTOFFS": "1.5", "OUTPUT": str(tmp_path / "cv.csv"), "REPORT": str(tmp_path / "cv.html"),
    })
    table = QgsVectorLayer(result["OUTPUT"], "cv", "ogr")
    rows = [(f["method"], f["fold"]) for f in table.getFeatures()]
    assert rows == [(method, fold) for method in ("ok", "mik") for fold in ("1", "2", "3", "all")]
    assert "brier_1.5" in table.fields().names()
    report = (tmp_path / "cv.html").read_text()
    for part in ("Observed vs predicted", "Calibration", "Swath", "89 samples in 15 holes", "data:image/png;base64"):
        assert part in report


def test_algorithm_rejects_bad_input(run_algorithm, _layer, tmp_path):
    from qgis.core import QgsProcessingException

    xyz, grade, covariate, holes = _drilled_field(n_holes=6, per_hole=4)
    grade[5] = -0.5
    layer = _layer(xyz, grade, covariate, holes)
    out = tmp_path / "cv.csv"
    base = {"INPUT": layer, "GRADE_FIELD": "TREO_pct", "HOLE_FIELD": "hole_id", "OUTPUT": str(out)}
    not_positive = r"composites: field 'TREO_pct', row 6: grade -0.5 is not positive"
    with pytest.raises(QgsProcessingException, match=not_positive):
        run_algorithm("crossvalidate", dict(base, METHODS=[0]))
    with pytest.raises(QgsProcessingException, match="10 folds need at least 10 groups"):
        run_algorithm("crossvalidate", dict(base, METHODS=[2], FOLDS=10))
    with pytest.raises(QgsProcessingException, match="Incorrect parameter value for METHODS"):
        run_algorithm("crossvalidate", dict(base, METHODS=[]))
    assert not out.exists()
