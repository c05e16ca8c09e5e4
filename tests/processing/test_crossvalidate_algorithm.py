"""reegrade:crossvalidate through processing.run
(split from tests/unit/test_crossvalidate.py, whose pure helpers it reuses):
the table and report, bad input, and the bnn method (trainbnn's stacked
default) with a categorical covariate one-hot encoded per fold."""
import numpy as np
import pytest
from recording import recording_feedback
from test_crossvalidate import _drilled_field


@pytest.fixture
def _layer(memory_layer):
    def make(xyz, grade, covariate, holes, lith=None):
        lith = ["granite"] * len(grade) if lith is None else lith
        rows = [(str(holes[row]), grade[row], covariate[row, 0], lith[row]) for row in range(len(grade))]
        coords = [xyz[row] + [500000, 3000000, 1000] for row in range(len(grade))]
        return memory_layer(["hole_id:string", "TREO_pct", "cov", "lith:string"], rows, coords, name="composites")

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
    not_positive = r"composites: field 'TREO_pct', row 6: grade -0.5 is not positive; ensemble, gp and network model"
    for plain_network in (1, 5):
        with pytest.raises(QgsProcessingException, match=not_positive):
            run_algorithm("crossvalidate", dict(base, METHODS=[plain_network]))
    with pytest.raises(QgsProcessingException, match="The field 'cov' is selected both as a numeric and as a "):
        run_algorithm("crossvalidate", dict(base, METHODS=[2], COVARIATES=["cov"], CATEGORICAL=["cov"]))
    with pytest.raises(QgsProcessingException, match="10 folds need at least 10 groups"):
        run_algorithm("crossvalidate", dict(base, METHODS=[2], FOLDS=10))
    with pytest.raises(QgsProcessingException, match="Incorrect parameter value for METHODS"):
        run_algorithm("crossvalidate", dict(base, METHODS=[]))
    assert not out.exists()


def test_method_names_keep_their_indices(provider):
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().algorithmById("reegrade:crossvalidate")
    methods = algorithm.parameterDefinition("METHODS")
    assert methods.options() == ["bnn", "ensemble", "ok", "mik", "gp", "network", "rk"]
    assert methods.defaultValue() == [0, 2, 3]
    assert algorithm.parameterDefinition("CATEGORICAL") is not None


def test_bnn_is_the_stacked_estimator_with_categories_per_fold(run_algorithm, _layer, tmp_path):
    from qgis.core import QgsVectorLayer

    xyz, grade, covariate, holes = _drilled_field(n_holes=30, per_hole=4)
    rng = np.random.default_rng(4)
    lith = [["granite", "syenite"][i] for i in rng.integers(0, 2, len(grade))]
    lith[:4] = ["carbonatite"] * 4  # one hole only: in its fold, a category the training rows lack
    lith[6] = None
    grade[10] = 0.0  # floored by the stacked estimator, not refused
    layer = _layer(xyz, grade, covariate, holes, lith)

    log = recording_feedback()
    result = run_algorithm("crossvalidate", {
        "INPUT": layer, "GRADE_FIELD": "TREO_pct", "COVARIATES": ["cov"], "CATEGORICAL": ["lith"],
        "HOLE_FIELD": "hole_id", "METHODS": [0, 2], "FOLDS": 3, "BNN_EPOCHS": 20, "N_MEMBERS": 2, "MAX_SAMPLES": 12,
        "OUTPUT": str(tmp_path / "cv.csv"), "REPORT": str(tmp_path / "cv.html"),
    }, log)
    table = QgsVectorLayer(result["OUTPUT"], "cv", "ogr")
    rows = {(f["method"], f["fold"]): f for f in table.getFeatures()}
    assert set(rows) == {(method, fold) for method in ("bnn", "ok") for fold in ("1", "2", "3", "all")}
    assert int(rows[("bnn", "all")]["n"]) == 120
    assert np.isfinite(float(rows[("bnn", "all")]["rmse"])) and 0 <= float(rows[("bnn", "all")]["coverage90"]) <= 1
    assert any(line.startswith("bnn, fold 3: RMSE") for line in log.infos)
    assert "categorical: lith" in (tmp_path / "cv.html").read_text()


def test_bnn_krigs_logged_domains_from_each_folds_training_holes(run_algorithm, _layer, tmp_path):
    """The same run twice, the second with fold 1's held-out logs flipped:
    fold 1's scores must not change (a held-out sample's own log is never
    read, as a block has none), the other folds' must (they trained on them)."""
    from qgis.core import QgsVectorLayer

    from ree_grade.algorithms.common.splits import group_kfold

    xyz, grade, covariate, holes = _drilled_field(n_holes=24, per_hole=5)
    lith = np.where(xyz[:, 0] < np.median(xyz[:, 0]), "carbonatite", "granite").astype(object)
    parameters = {"GRADE_FIELD": "TREO_pct", "COVARIATES": ["cov"], "DOMAIN_FIELDS": ["lith"], "HOLE_FIELD": "hole_id",
                  "METHODS": [0], "FOLDS": 3, "SEED": 5, "BNN_EPOCHS": 20, "N_MEMBERS": 2, "MAX_SAMPLES": 12}
    held_out = np.asarray(group_kfold(np.asarray(holes).astype(str), 3, 5)[0][1])
    flipped = lith.copy()
    flipped[held_out] = np.where(lith[held_out] == "granite", "carbonatite", "granite")
    log = recording_feedback()
    scores = []
    for labels in (lith, flipped):
        result = run_algorithm("crossvalidate", {"INPUT": _layer(xyz, grade, covariate, holes, list(labels)),
                                                 **parameters, "OUTPUT": str(tmp_path / f"{len(scores)}.csv")}, log)
        table = QgsVectorLayer(result["OUTPUT"], "cv", "ogr")
        scores.append({f["fold"]: float(f["rmse"]) for f in table.getFeatures()})
    assert any("2 kriged domain share(s)" in line for line in log.infos)
    assert scores[0]["1"] == scores[1]["1"]
    assert scores[0]["2"] != scores[1]["2"] and scores[0]["3"] != scores[1]["3"]
    only_ok = recording_feedback()
    run_algorithm("crossvalidate", {"INPUT": _layer(xyz, grade, covariate, holes, list(lith)),
                                    **dict(parameters, METHODS=[2]), "OUTPUT": str(tmp_path / "ok.csv")}, only_ok)
    assert any("Logged domain fields lith are read by the bnn method only" in line for line in only_ok.warnings)
