"""The graphical-modeler workflow (models/ree_grade_workflow.model3): the file is
the one scripts/build_model.py builds, it validates, the provider shows it, and it
runs end to end on the `small` sample deposit, ending in its report; the
report's truth comparison is checked on its own."""
import re
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
MODEL = REPO / "models" / "ree_grade_workflow.model3"
REE_STAGES = {
    "desurvey", "composite", "treo", "parselogs", "hyperspectralfeatures", "samplefeatures", "geologyfeatures",
    "knnimpute", "pcafusion", "targets", "trainbnn", "predictbnn", "variogram", "ordinarykriging", "mik",
    "classify", "hyperscore", "gradetonnage", "crossvalidate", "report",
}


def _load_model():
    from qgis.core import QgsProcessingModelAlgorithm

    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(MODEL))
    return model


def test_model_chains_every_stage(provider):
    model = _load_model()
    algorithms = {child.algorithmId() for child in model.childAlgorithms().values()}
    assert {f"reegrade:{stage}" for stage in REE_STAGES} <= algorithms
    valid, errors = model.validate()
    assert valid, errors
    # The BNN is trained on the fused samples and predicts on the blocks that went
    # through the same feature stages with the samples' saved transform.
    assert {"samples_pca", "blocks_pca"} <= set(model.dependsOnChildAlgorithms("predictbnn"))
    assert "predictbnn" in model.dependsOnChildAlgorithms("gradetonnage")


def test_shipped_model_is_the_built_one(provider):
    import build_model

    built = build_model.build_model()
    shipped = _load_model()
    assert set(built.childAlgorithms()) == set(shipped.childAlgorithms())
    for child_id, child in built.childAlgorithms().items():
        other = shipped.childAlgorithm(child_id)
        assert other.algorithmId() == child.algorithmId()
        assert set(other.parameterSources()) == set(child.parameterSources()), child_id
    names = [sorted(p.name() for p in model.parameterDefinitions()) for model in (built, shipped)]
    assert names[0] == names[1]



def _component_boxes():
    """(label, QRectF) of every box the modeler draws from the shipped .model3, read from its XML as QGIS reads it:
    each input, step and model output stores its centre (component_pos_x/y) and size (component_width/height);
    empty comments are not drawn."""
    import xml.etree.ElementTree as ET

    from qgis.PyQt.QtCore import QRectF

    def value(element, name):
        return float(element.find(f"Option[@name='{name}']").get("value"))

    boxes = []
    for element in ET.parse(MODEL).getroot().iter("Option"):
        if element.find("Option[@name='component_pos_x']") is None or element.get("name") == "comment":
            continue
        x, y = value(element, "component_pos_x"), value(element, "component_pos_y")
        width, height = value(element, "component_width"), value(element, "component_height")
        label = element.find("Option[@name='component_description']").get("value")
        boxes.append((label, QRectF(x - width / 2, y - height / 2, width, height)))
    return boxes


def test_model_boxes_do_not_overlap(provider):
    boxes = _component_boxes()
    model = _load_model()
    outputs = sum(len(child.modelOutputs()) for child in model.childAlgorithms().values())
    assert len(boxes) == len(model.parameterComponents()) + len(model.childAlgorithms()) + outputs
    # A box QGIS has no position for is drawn at (0, 0) or beside its step, whatever else is there.
    assert all(not box.topLeft().isNull() for _, box in boxes)
    overlapping = [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:]
                   if box_a.intersects(box_b)]
    assert not overlapping, overlapping


def test_model_outputs_say_what_they_hold(provider):
    names = [name for child in _load_model().childAlgorithms().values() for name in child.modelOutputs()]
    assert len(names) == len(set(names)) >= 15
    assert all(len(name.split()) >= 2 for name in names), names
    assert "Cross-validation table" in names and "Grade-tonnage table" in names


def test_provider_shows_the_workflow(provider):
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().algorithmById("reegrade:ree_grade_workflow")
    assert algorithm is not None
    assert algorithm.provider().id() == "reegrade"
    assert "Bayesian neural network" in algorithm.shortHelpString()


@pytest.fixture(scope="module")
def small_deposit(tmp_path_factory):
    from ree_grade.algorithms.synthetic.deposit import generate_deposit, write_deposit

    folder = tmp_path_factory.mktemp("small_deposit")
    deposit = generate_deposit("small", seed=0)
    write_deposit(deposit, folder)
    return folder, deposit


def _small_parameters(folder, deposit, out):
    import demo

    grid = deposit["truth"]["block_grid"]
    bottom = grid["origin"][2] - grid["size"][2] / 2.0
    top = bottom + grid["size"][2] * grid["shape"][2]
    sample_z = np.asarray(deposit["truth"]["samples"]["z"], dtype=float)
    bench = bottom + 10.0 * np.floor((np.median(sample_z) - bottom) / 10.0) + 5.0
    parameters = demo.demo_inputs(Path(folder))
    parameters.update({
        "zmin": float(bottom), "zmax": float(top), "block_xy": 50.0, "block_z": 10.0, "composite_length": 10.0,
        "cutoff": 0.5,
        "bench_elevation": float(bench), "density": 2.8, "epochs": 30, "cv_epochs": 10, "seed": 0,
    })
    parameters.update({name: str(out / filename) for name, filename in demo.OUTPUT_FILES.items()})
    return parameters


def _read_columns(path, columns):
    """{column: float array} of a vector layer, NULL as NaN."""
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(str(path), "blocks", "ogr")
    assert layer.isValid(), path
    rows = [[None if f[c] is None or (hasattr(f[c], "isNull") and f[c].isNull()) else f[c] for c in columns]
            for f in layer.getFeatures()]
    values = np.array(rows, dtype=float).reshape(len(rows), len(columns))
    return {c: values[:, i] for i, c in enumerate(columns)}


def test_workflow_runs_on_the_small_deposit(run_algorithm, small_deposit, tmp_path):
    import demo

    from ree_grade.algorithms.io.raster import read_bands

    folder, deposit = small_deposit
    parameters = _small_parameters(folder, deposit, tmp_path)
    results = run_algorithm("ree_grade_workflow", parameters)

    blocks = _read_columns(results["hyperscore:Block estimates (BNN, OK, MIK, class, HyperScore)"],
                           ["bnn_mean", "bnn_sd", "bnn_p_gt_0_5", "ok_estimate", "mik_mean", "res_class_code",
                            "hyperscore_norm", "zc"])
    assert len(blocks["bnn_mean"]) > 50
    assert np.all(blocks["bnn_mean"] > 0) and np.all(blocks["bnn_sd"] > 0)
    assert np.all((blocks["bnn_p_gt_0_5"] >= 0) & (blocks["bnn_p_gt_0_5"] <= 1))
    assert np.isfinite(blocks["ok_estimate"]).mean() > 0.5 and np.isfinite(blocks["mik_mean"]).mean() > 0.5
    assert set(np.unique(blocks["res_class_code"])) <= {1, 2, 3, 4}
    for name in (key for key in demo.OUTPUT_FILES if key.startswith("map_bnn")):
        _, bands, _ = read_bands(results[name])
        assert np.isfinite(bands).sum() > 10, name
    cv_text = Path(results["crossvalidate:Cross-validation table"]).read_text()
    assert all(method in cv_text for method in ("bnn", "ok", "mik"))

    text = Path(results[demo.REPORT]).read_text()
    for heading in ("true block grades", "Maps of grade and uncertainty", "Variogram", "Cross-validation",
                    "Grade-tonnage", "Left out of the workflow on purpose"):
        assert heading in text
    assert text.count("data:image/png;base64") >= 5
    # The report decides first: the verdict line, then the statement by class.
    assert text.index("On these folds") < text.index("Mineral resource statement") < text.index("true block grades")
    assert "Measured + Indicated" in text
    words = re.sub(r"src=[\"']data:[^\"']+[\"']", "", text)
    assert not re.search(r"\d[.\d]*e[+-]\d", words), "numbers for people, no e-notation"


def _error_log():
    from qgis.core import QgsProcessingFeedback

    class ErrorLog(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.errors = []

        def reportError(self, error, fatal=False):  # noqa: N802 (QGIS API name)
            self.errors.append(error)
            super().reportError(error, fatal)

    return ErrorLog()


def test_workflow_stops_on_a_bad_assay_table(run_algorithm, small_deposit, tmp_path):
    from qgis.core import QgsProcessingException

    folder, deposit = small_deposit
    bad = tmp_path / "assays.csv"
    lines = (Path(folder) / "assays.csv").read_text().splitlines()
    cells = lines[5].split(",")
    cells[4] = "lost"
    lines[5] = ",".join(cells)
    bad.write_text("\n".join(lines) + "\n")
    parameters = _small_parameters(folder, deposit, tmp_path)
    parameters["assays"] = str(bad)
    feedback = _error_log()
    with pytest.raises(QgsProcessingException, match="running desurvey"):
        run_algorithm("ree_grade_workflow", parameters, feedback)
    # The model names the failing step; the step's own message names the bad cell.
    assert any("lost" in error and "row" in error for error in feedback.errors), feedback.errors
    assert not (tmp_path / "block_model.gpkg").exists()


def test_report_algorithm_shows_what_it_is_given(run_algorithm, tmp_path):
    from qgis.core import QgsProcessingException

    page = tmp_path / "cv.html"
    page.write_text("<html><body><h1>Cross-validation</h1><p>pooled RMSE 1.2</p></body></html>")
    out = tmp_path / "report.html"
    result = run_algorithm("report", {"CV_REPORT": str(page), "NOTES": "first note\nsecond note", "OUTPUT": str(out)})
    text = Path(result["OUTPUT"]).read_text()
    assert "pooled RMSE 1.2" in text and "<h3>Cross-validation</h3>" in text
    assert "<p>first note</p>" in text and "<p>second note</p>" in text
    assert "true block grades" not in text

    wrong = tmp_path / "other.npz"
    np.savez(wrong, a=np.zeros(3))
    bad = tmp_path / "bad.html"
    with pytest.raises(QgsProcessingException, match="not a truth_blocks.npz of a sample deposit"):
        run_algorithm("report", {"TRUTH": str(wrong), "OUTPUT": str(bad)})
    assert not bad.exists()
