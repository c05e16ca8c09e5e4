"""The report's decisions: the resource statement against hand-worked blocks,
numbers formatted for people, the cross-validation verdict when the network
wins and when it loses, and the short grade-tonnage table."""
import math
import re

import numpy as np
import pytest

from ree_grade.algorithms.reports.cross_validation import verdict
from ree_grade.algorithms.reports.gradetonnage import short_table, table_rows
from ree_grade.algorithms.reports.numbers import DASH, megatonnes, percent, significant
from ree_grade.algorithms.reports.statement import statement_table
from ree_grade.algorithms.reports.workflow import write_workflow_report
from ree_grade.algorithms.resources.gradetonnage import grade_tonnage
from ree_grade.algorithms.resources.statement import resource_statement

# Six blocks of 1 Mt except the last (2 Mt): two Measured, two Indicated, one Inferred, one Unclassified.
CLASSES = ["Measured", "Measured", "Indicated", "Indicated", "Inferred", "Unclassified"]
TONNAGE = np.array([1e6, 1e6, 1e6, 1e6, 1e6, 2e6])
GRADES = {"BNN": np.array([2.0, 0.5, 1.5, 3.0, 1.2, 4.0]), "OK": np.array([1.0, 1.0, np.nan, 0.9, 0.8, 4.0])}


def _rows(rows, estimator):
    return {row["class"]: row for row in rows if row["estimator"] == estimator}


def test_statement_sums_match_the_blocks():
    rows = resource_statement(CLASSES, GRADES, TONNAGE, cutoff=1.0)
    bnn = _rows(rows, "BNN")
    # Measured above 1 %: block 1 only (2 %); Indicated: blocks 3 and 4 (1.5 and 3 %).
    assert bnn["Measured"]["tonnes"] == 1e6 and bnn["Measured"]["grade"] == pytest.approx(2.0)
    assert bnn["Indicated"]["tonnes"] == 2e6 and bnn["Indicated"]["grade"] == pytest.approx(2.25)
    assert bnn["Indicated"]["metal"] == pytest.approx(2e6 * 2.25 / 100)
    both = bnn["Measured + Indicated"]
    assert both["tonnes"] == bnn["Measured"]["tonnes"] + bnn["Indicated"]["tonnes"]
    assert both["metal"] == pytest.approx(bnn["Measured"]["metal"] + bnn["Indicated"]["metal"])
    assert both["grade"] == pytest.approx(both["metal"] * 100 / both["tonnes"])
    assert bnn["Inferred"]["tonnes"] == 1e6
    # The Unclassified 4 % block is no resource; neither is a block without an estimate.
    assert sum(bnn[c]["tonnes"] for c in ("Measured + Indicated", "Inferred")) == 4e6
    ok = _rows(rows, "OK")
    assert ok["Measured"]["tonnes"] == 2e6 and ok["Indicated"]["tonnes"] == 0 and math.isnan(ok["Indicated"]["grade"])
    assert ok["Inferred"]["metal"] == 0
    unclassified = resource_statement(None, {"BNN": GRADES["BNN"]}, TONNAGE, cutoff=1.0)
    assert [row["class"] for row in unclassified] == ["All blocks"]
    assert unclassified[0]["tonnes"] == 6e6


def test_numbers_for_people():
    assert megatonnes(3.06446e9) == "3,060"
    assert megatonnes(139.86e6) == "140" and megatonnes(21.77e6) == "21.8" and megatonnes(45_600) == "0.0456"
    assert significant(1_510_432.0) == "1,510,000"
    assert significant(99.96) == "100" and significant(0.0) == "0" and significant(float("nan")) == DASH
    assert significant(-1234.0) == "-1,230"
    assert percent(0.8848) == "88 %"
    for value in (3.064e9, 1e-7, 123456789.0, 5e12):
        assert not re.search(r"\de[+-]?\d", significant(value)), significant(value)


def _cv(rmse, coverage):
    return [{"method": name, "fold": fold, "rmse": rmse[name] * (1.1 if fold != "all" else 1.0),
             "coverage90": coverage[name]} for name in rmse for fold in ("1", "2", "all")]


def test_verdict_when_the_network_wins():
    rows = _cv({"bnn": 1.0, "ok": 1.25, "mik": 1.3}, {"bnn": 0.88, "ok": 0.95, "mik": 0.9})
    assert verdict(rows, "% TREO") == ("On these folds BNN has the lowest RMSE (1.00 % TREO), 20 % below OK (1.25); "
                                       "its 90 % intervals cover 88 % of the held-out samples.")


def test_verdict_says_when_the_network_loses():
    rows = _cv({"bnn": 1.3, "ok": 1.2, "mik": 1.25}, {"bnn": 0.9, "ok": 0.951, "mik": 0.9})
    text = verdict(rows, "% TREO")
    assert text.startswith("On these folds OK has the lowest RMSE (1.20 % TREO), 4 % below MIK (1.25); "
                           "its 90 % intervals cover 95 % of the held-out samples.")
    assert text.endswith("The network does not win here: BNN's RMSE (1.30) is 8 % above OK's.")
    assert verdict([{"method": "ok", "fold": "all", "rmse": float("nan"), "coverage90": 0.9}]) == ""


def test_statement_table_is_compact_and_rounded():
    table = statement_table(resource_statement(CLASSES, GRADES, TONNAGE * 1000.3, cutoff=1.0))
    assert table.count("<tr") == 2 + 4, "two header rows and one per class"
    assert "<td>1,000</td><td>2.00</td><td>20,000,000</td>" in table
    assert "e+" not in table


def test_statement_at_several_cut_offs_has_a_cut_off_column():
    rows = [row for cutoff in (0.5, 1.0) for row in resource_statement(CLASSES, GRADES, TONNAGE, cutoff)]
    table = statement_table(rows)
    assert table.count("<tr") == 2 + 8 and "<th rowspan='2'>cut-off</th>" in table
    # At 0.5 % both Measured BNN blocks count (2 and 0.5 %): 2 Mt at 1.25 %.
    assert "<td>0.5</td><td style='text-align:left'>Measured</td><td>2.00</td><td>1.25</td><td>25,000</td>" in table


def test_grade_tonnage_table_is_short():
    cutoffs = np.round(np.arange(0.0, 3.0001, 0.1), 10)
    assert [cutoffs[i] for i in table_rows(cutoffs)] == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    assert table_rows(cutoffs[:8]) == list(range(8))
    assert len(table_rows(np.arange(124))) <= 12
    curves = {"bnn_mean": grade_tonnage(GRADES["BNN"], TONNAGE, cutoffs)}
    table = short_table(curves, "%")
    assert table.count("<tr>") == 2 + 7 and "<td>7.00</td>" in table  # 7 Mt above cut-off 0


def test_workflow_report_leads_with_verdict_and_statement(tmp_path):
    blocks = {"volume": TONNAGE / 2.5, "bnn_mean": GRADES["BNN"], "ok_estimate": GRADES["OK"],
              "res_class": np.array(CLASSES, dtype=object)}
    rows = _cv({"bnn": 1.0, "ok": 1.25}, {"bnn": 0.88, "ok": 0.95})
    path = write_workflow_report(tmp_path / "report.html", blocks, cv_rows=rows, density=2.5, notes=["a note"],
                                 rule="Measured: >= 3 drillholes within 50 m")
    text = (tmp_path / "report.html").read_text()
    assert path.endswith("report.html")
    assert text.index("On these folds BNN") < text.index("Mineral resource statement") < text.index("a note")
    assert "Measured: &gt;= 3 drillholes within 50 m." in text and "(7.00 Mt)" in text
    assert "<th colspan='3'>BNN</th><th colspan='3'>OK</th>" in text and "MIK" not in text
