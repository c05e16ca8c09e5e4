"""reegrade:mik through processing.run
(split from tests/unit/test_mik.py, whose pure helpers it reuses)."""
import numpy as np
import pytest
from recording import recording_feedback
from test_mik import SPHERICAL, _field


@pytest.fixture
def _points(memory_layer):
    def make(name, xyz, grade=None):
        rows = [[None if grade is None else grade[row]] for row in range(len(xyz))]
        coords = [(x + 500000, y + 3000000, z) for x, y, z in xyz]
        return memory_layer(["grade"], rows, coords, name=name, keep_nan=True)

    return make


def test_algorithm_on_points(run_algorithm, _points, tmp_path):
    from qgis.core import QgsProcessingException, QgsVectorLayer

    xyz, grade = _field(200)
    samples, targets = _points("samples", xyz[:150], grade[:150]), _points("targets", xyz[150:])
    result = run_algorithm("mik", {
        "INPUT": samples, "GRADE_FIELD": "grade", "TARGETS": targets, "CUTOFFS": "1.5", "TAIL_CUTOFFS": "2.5",
        "MAX_SAMPLES": 16, "OUTPUT": str(tmp_path / "mik.gpkg"),
    })
    layer = QgsVectorLayer(result["OUTPUT"], "mik", "ogr")
    for name in ("mik_mean", "mik_variance", "mik_p10", "mik_p50", "mik_p90", "mik_p_gt_1_5", "mik_n"):
        assert name in layer.fields().names()
    means = np.array([f["mik_mean"] for f in layer.getFeatures()])
    assert np.corrcoef(means, grade[150:])[0, 1] > 0.5
    with pytest.raises(QgsProcessingException, match="threshold 99 is outside the data range"):
        run_algorithm("mik", {"INPUT": samples, "GRADE_FIELD": "grade", "TARGETS": targets, "THRESHOLDS": "1, 99",
                              "OUTPUT": str(tmp_path / "bad.gpkg")})
    variogram = tmp_path / "indicator.json"
    SPHERICAL.save(str(variogram), "grade")
    with pytest.raises(QgsProcessingException, match="A single variogram file serves median IK only"):
        run_algorithm("mik", {"INPUT": samples, "GRADE_FIELD": "grade", "TARGETS": targets, "MODE": 1,
                              "VARIOGRAM": str(variogram), "OUTPUT": str(tmp_path / "bad.gpkg")})
    with pytest.raises(QgsProcessingException, match=r"minimum number of samples \(8\) exceeds the maximum \(4\)"):
        run_algorithm("mik", {"INPUT": samples, "GRADE_FIELD": "grade", "TARGETS": targets, "MIN_SAMPLES": 8,
                              "MAX_SAMPLES": 4, "OUTPUT": str(tmp_path / "bad.gpkg")})
    assert not (tmp_path / "bad.gpkg").exists()


def test_search_from_the_indicator_variogram_file(run_algorithm, _points, tmp_path):
    """Median IK with a variogram file: empty radii and angles are its longest structure's, and the log says so;
    without a file the search is unlimited in the automatic variogram's metric, and the log says so."""

    from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel

    xyz, grade = _field(200)
    samples, targets = _points("samples", xyz[:150], grade[:150]), _points("targets", xyz[150:])
    variogram = tmp_path / "oriented.json"
    VariogramModel(0.02, [Structure("spherical", 0.2, (300.0, 150.0, 150.0), (30.0, 0.0, 0.0))]).save(
        str(variogram), "grade")
    with_file = recording_feedback()
    run_algorithm("mik", {"INPUT": samples, "GRADE_FIELD": "grade", "TARGETS": targets, "VARIOGRAM": str(variogram),
                          "SEARCH_RAKE": 5.0, "OUTPUT": str(tmp_path / "file.gpkg")}, with_file)
    assert ("Search ellipse: radii 300/150/150 (major from the variogram, semi-major from the variogram, minor from "
            "the variogram); azimuth, dip, rake 30/0/5 (from the variogram, from the variogram, given)"
            ) in with_file.infos
    without = recording_feedback()
    run_algorithm("mik", {"INPUT": samples, "GRADE_FIELD": "grade", "TARGETS": targets,
                          "OUTPUT": str(tmp_path / "auto.gpkg")}, without)
    assert ("Search: unlimited (major radius default), the nearest samples at any distance in the variogram's "
            "anisotropic metric") in without.infos
    assert any(line.startswith("No variogram file: with the search radii left empty the search is unlimited")
               for line in without.infos)
    assert any(line.startswith("Search: unlimited, the nearest samples by the anisotropic distance of the middle "
                               "threshold's variogram (ranges ") for line in without.infos)
    # The automatic median-indicator variogram says what it found: these samples are flat (z = 0).
    assert any("2D samples, isotropic (omnidirectional) automatic variogram" in line for line in without.infos)
    assert not any("automatic variogram" in line for line in with_file.infos)
