"""The workflow report's truth comparison on its own
(split from tests/processing/test_workflow.py)."""
import numpy as np
import pytest


def test_truth_of_blocks_averages_the_fine_blocks_inside():
    from ree_grade.algorithms.reports.workflow import truth_comparison, truth_of_blocks

    fine = np.array([(x, y, z) for z in (5.0,) for y in (12.5, 37.5, 62.5, 87.5) for x in (12.5, 37.5, 62.5, 87.5)])
    grades = np.arange(16, dtype=float)
    keep = np.ones(16, bool)
    keep[15] = False  # the top-right fine block is above the topography
    truth = {"x": fine[keep, 0], "y": fine[keep, 1], "z": fine[keep, 2], "TREO_pct": grades[keep],
             "size": np.array([25.0, 25.0, 10.0])}
    blocks = {"xc": np.array([25.0, 75.0, 25.0, 75.0]), "yc": np.array([25.0, 25.0, 75.0, 75.0]),
              "zc": np.full(4, 5.0), "dx": np.full(4, 50.0), "dy": np.full(4, 50.0), "dz": np.full(4, 10.0)}
    true_grade = truth_of_blocks(blocks, truth)
    np.testing.assert_allclose(true_grade[:3], [np.mean([0, 1, 4, 5]), np.mean([2, 3, 6, 7]), np.mean([8, 9, 12, 13])])
    assert np.isnan(true_grade[3])

    blocks.update(volume=np.full(4, 25000.0), bnn_mean=true_grade + 1.0, ok_estimate=true_grade,
                  mik_mean=np.array([np.nan, 1.0, 1.0, 1.0]))
    rows, curves = truth_comparison(blocks, true_grade, cutoff=5.0, density=2.0)
    by_method = {row["method"]: row for row in rows}
    assert by_method["BNN"]["RMSE"] == pytest.approx(1.0) and by_method["BNN"]["bias"] == pytest.approx(1.0)
    assert by_method["OK"]["RMSE"] == 0.0 and by_method["MIK"]["n"] == 2
    assert curves["truth"]["tonnage"][0] == pytest.approx(3 * 25000.0 * 2.0)


def test_truth_bench_places_the_fine_blocks_north_up():
    from ree_grade.algorithms.reports.workflow import truth_bench

    truth = {"x": np.array([12.5, 37.5, 12.5]), "y": np.array([12.5, 12.5, 37.5]), "z": np.array([5.0, 5.0, 15.0]),
             "TREO_pct": np.array([1.0, 2.0, 9.0]), "size": np.array([25.0, 25.0, 10.0]),
             "shape": np.array([2, 2, 2]), "origin": np.array([12.5, 12.5, 5.0])}
    profile, bands, _ = truth_bench(truth, elevation=7.0)
    # Row 0 is the north row: empty on this bench (the z = 15 block is on the next one).
    assert np.isnan(bands[0, 0]).all()
    np.testing.assert_array_equal(bands[0, 1], [1.0, 2.0])
    assert profile["transform"].c == 0.0 and profile["transform"].f == 50.0
