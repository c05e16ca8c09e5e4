"""reegrade:report through processing.run: the verdict from a cross-validation
table and the resource statement from classified blocks (the science is in
tests/unit/test_report_statement.py)."""
from pathlib import Path

import pytest


def _cv_table(memory_layer, rmse):
    rows = [[method, fold, value * (1.1 if fold != "all" else 1.0), 0.9]
            for method, value in rmse.items() for fold in ("1", "all")]
    return memory_layer(["method:string", "fold:string", "rmse:double", "coverage90:double"], rows, name="cv")


def _blocks(memory_layer):
    # Three 50 x 50 x 10 m blocks (25,000 m3, 70,000 t at 2.8 t/m3): Measured, Indicated and Unclassified.
    rows = [[25000.0, 2.0, 1.5, 1.8, "Measured"], [25000.0, 1.2, 0.8, 1.1, "Indicated"],
            [25000.0, 3.0, 3.0, 3.0, "Unclassified"]]
    return memory_layer(["volume:double", "bnn_mean:double", "ok_estimate:double", "mik_mean:double",
                         "res_class:string"], rows, [(25.0 + 50 * i, 25.0, 5.0) for i in range(3)], name="blocks")


def test_report_states_the_resource_and_the_verdict(run_algorithm, memory_layer, tmp_path):
    out = tmp_path / "report.html"
    result = run_algorithm("report", {
        "BLOCKS": _blocks(memory_layer), "CV_TABLE": _cv_table(memory_layer, {"bnn": 1.4, "ok": 1.2}),
        "RULE": "Measured: >= 3 drillholes within 50 m.", "CUTOFF": 1.0, "DENSITY": 2.8, "OUTPUT": str(out),
    })
    text = Path(result["OUTPUT"]).read_text()
    assert ("On these folds OK has the lowest RMSE (1.20 % TREO), 14 % below BNN (1.40); its 90 % intervals cover "
            "90 % of the held-out samples. The network does not win here") in text
    assert "Mineral resource statement" in text and "Measured: &gt;= 3 drillholes within 50 m." in text
    # BNN: Measured 0.07 Mt at 2 % (1,400 t TREO), Indicated 0.07 Mt at 1.2 %; OK keeps only the Measured block.
    assert "<td>0.0700</td><td>2.00</td><td>1,400</td>" in text
    assert "<td>0.140</td><td>1.60</td><td>2,240</td>" in text
    assert "<td>0</td><td>\u2013</td><td>0</td>" in text


def test_report_states_more_cut_offs(run_algorithm, memory_layer, tmp_path):
    from qgis.core import QgsProcessingException

    out = tmp_path / "report.html"
    result = run_algorithm("report", {"BLOCKS": _blocks(memory_layer), "CUTOFF": 1.0, "STATEMENT_CUTOFFS": "1.5; 0.5",
                                      "OUTPUT": str(out)})
    text = Path(result["OUTPUT"]).read_text()
    assert "at least 0.5, 1, 1.5 % TREO" in text
    # At 1.5 % only the Measured block of BNN (2 %) and OK (1.5 %) remains.
    assert "<tr><td>1.5</td><td style='text-align:left'>Measured</td><td>0.0700</td><td>2.00</td>" in text
    with pytest.raises(QgsProcessingException, match="'high' is not a number"):
        run_algorithm("report", {"BLOCKS": _blocks(memory_layer), "STATEMENT_CUTOFFS": "0.5, high",
                                 "OUTPUT": str(tmp_path / "bad.html")})
    assert not (tmp_path / "bad.html").exists()


def test_report_refuses_a_table_that_is_not_cross_validation(run_algorithm, memory_layer, tmp_path):
    from qgis.core import QgsProcessingException

    table = memory_layer(["method:string", "score:double"], [["ok", 1.0]], name="scores")
    out = tmp_path / "report.html"
    with pytest.raises(QgsProcessingException, match="scores: not a reegrade:crossvalidate table"):
        run_algorithm("report", {"CV_TABLE": table, "NOTES": "x", "OUTPUT": str(out)})
    assert not out.exists()
