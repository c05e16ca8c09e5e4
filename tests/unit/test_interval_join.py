"""The length-weighted join of log intervals onto samples
(split from tests/processing/test_parselogs_algorithm.py)."""
import numpy as np
import pytest

from ree_grade.algorithms.drillholes.interval_join import join_intervals, overlap_matrix


def test_overlap_weights_by_hand():
    # Sample 1-3 m overlaps log 0-2 by 1 m and log 2-5 by 1 m; sample 4.5-6 overlaps
    # 2-5 by 0.5 m and 5-10 by 1 m; a point sample at 5 m lies in 5-10.
    weights = overlap_matrix(np.array([1.0, 4.5, 5.0]), np.array([3.0, 6.0, 5.0]),
                             np.array([0.0, 2.0, 5.0]), np.array([2.0, 5.0, 10.0]))
    np.testing.assert_allclose(weights, [[1, 1, 0], [0, 0.5, 1], [0, 0, 1]])


def test_join_means_majority_and_missing():
    joined = join_intervals(
        ["A", "A", "A", "B"], [0, 2, 5, 0], [2, 5, 10, 4],
        {"x": np.array([1.0, 4.0, np.nan, 7.0]), "c": np.array(["clay", "sand", None, "granite"], dtype=object)},
        ["A", "A", "A", "B", "C", "A"], [1, 4.5, 6, 1, 0, 9], [3, 6, 8, 1, 1, 12],
    )
    # (1 x 1 + 1 x 4) / 2; 4.5-6: the NaN log drops out -> 4; 6-8 only the NaN log.
    np.testing.assert_allclose(joined["x"], [2.5, 4.0, np.nan, 7.0, np.nan, np.nan])
    # Tie 1 m clay vs 1 m sand goes to the shallower; None never wins.
    assert list(joined["c"]) == ["clay", "sand", None, "granite", None, None]
    np.testing.assert_allclose(joined["log_cover"], [1, 1, 1, 1, 0, 1 / 3])


def test_join_unequal_weights():
    joined = join_intervals(["H", "H"], [0, 1], [1, 4], {"v": np.array([10.0, 2.0]),
                            "c": np.array(["a", "b"], dtype=object)}, ["H"], [0.5], [4.0])
    # 0.5 m of 10 and 3 m of 2 -> (5 + 6) / 3.5.
    assert joined["v"][0] == pytest.approx(11 / 3.5)
    assert joined["c"][0] == "b"


def test_join_rejects_inverted_interval():
    with pytest.raises(ValueError, match=r"logs: row 2: 'to_m' 1 is above 'from_m' 3"):
        join_intervals(["A", "A"], [0, 3], [1, 1], {}, ["A"], [0], [1], log_table="logs",
                       log_names=("from_m", "to_m"))
