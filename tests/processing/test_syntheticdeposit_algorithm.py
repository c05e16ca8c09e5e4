"""reegrade:syntheticdeposit through processing.run
(split from tests/unit/test_synthetic.py, whose pure helpers it reuses)."""
import csv
from pathlib import Path

import pytest
from test_synthetic import deposit  # noqa: F401 (pytest fixtures shared with the unit tests)


# --- Processing --------------------------------------------------------------------------
def test_processing_algorithm_writes_the_small_deposit(run_algorithm, tmp_path, deposit):
    folder = tmp_path / "deposit"
    result = run_algorithm("syntheticdeposit", {"PRESET": 0, "SEED": 0, "OUTPUT_FOLDER": str(folder)})
    assert result["OUTPUT_FOLDER"] == str(folder)
    for key in ("COLLARS", "SURVEYS", "ASSAYS", "LOGS", "GEOLOGY", "CUBE", "CUBE_ENVI", "TRUTH_BLOCKS"):
        assert Path(result[key]).is_file()
    with open(result["COLLARS"], newline="") as handle:
        ids = [row["hole_id"] for row in csv.DictReader(handle)]
    assert ids == list(deposit.collars["hole_id"])


def test_processing_algorithm_cancelled_leaves_no_files(run_algorithm, tmp_path):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.cancel()
    folder = tmp_path / "cancelled"
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        run_algorithm("syntheticdeposit", {"PRESET": 0, "SEED": 0, "OUTPUT_FOLDER": str(folder)}, feedback)
    assert not folder.exists() or not any(folder.iterdir())


def test_processing_algorithm_rejects_an_unknown_preset(run_algorithm, tmp_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="PRESET"):
        run_algorithm("syntheticdeposit", {"PRESET": 7, "SEED": 0, "OUTPUT_FOLDER": str(tmp_path)})
