"""The variogram panel driven as a user would: layer and field chosen, variograms computed, a range edited, Fit,
Save and Open, and the bad inputs it must explain; offscreen in the test session, and once in QGIS desktop under
Xvfb from the plugin's menu. Its pictures are grabbed into the test's folder; with REE_DOCS_SCREENSHOTS=<folder>
(e.g. docs) the desktop one and the 3D one are also written there, which is how docs/variogram_panel.png and
docs/variogram_panel_3d.png are made."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import REPO
from recording import recording_feedback

from ree_grade.algorithms.geostats.variogram_model import VariogramModel

CRS = "EPSG:32611"


@pytest.fixture
def walker_layer(data_dir, memory_layer):
    from qgis.core import QgsProject

    table = np.loadtxt(data_dir / "walker_lake" / "pygslib_walker_sample.dat", skiprows=8)
    xy = table[:, 1:3] + [300000.0, 4200000.0]
    layer = memory_layer(["V:double", "hole:string", "rock:string"],
                         [[float(v), f"H{i // 5}", "basalt"] for i, v in enumerate(table[:, 3])], xy, crs=CRS,
                         name="walker")
    QgsProject.instance().addMapLayer(layer, False)
    yield layer
    QgsProject.instance().removeMapLayer(layer.id())


@pytest.fixture
def panel(qgis_app):
    from ree_grade.ui.variogram_panel import VariogramPanel

    made = VariogramPanel()
    made.show()
    yield made
    made.close()


def _choose(panel, layer, field):
    panel.layer.setLayer(layer)
    panel.field.setField(field)
    qt_process()


def qt_process():
    from qgis.PyQt.QtWidgets import QApplication

    QApplication.processEvents()


def _save_picture(widget, name, folder, for_docs=True):
    """The widget's picture in `folder` (and REE_DOCS_SCREENSHOTS when `for_docs`); the number of its pixels
    (every other row and column) in the model's red."""
    qt_process()
    widget.canvas.widget.draw()
    image = widget.grab()
    assert image.save(str(folder / name))
    if for_docs and os.environ.get("REE_DOCS_SCREENSHOTS"):
        assert image.save(str(Path(os.environ["REE_DOCS_SCREENSHOTS"]) / name))
    return _red_pixels(image.toImage())


def _red_pixels(picture):
    from qgis.PyQt.QtGui import QColor

    red = 0
    for x in range(0, picture.width(), 2):
        for y in range(0, picture.height(), 2):
            colour = QColor(picture.pixel(x, y))
            red += abs(colour.red() - 214) < 30 and colour.green() < 80 and colour.blue() < 80
    return red


def test_panel_computes_edits_fits_saves_and_opens(panel, walker_layer, tmp_path):
    _choose(panel, walker_layer, "V")
    panel.n_lags.setValue(10)
    panel.lag.setValue(10.0)
    panel.angles[0].setValue(345.0)
    experimental = panel.compute()
    assert experimental is not None, panel.message.text()
    # Omnidirectional and the two axes of a 2D layer, each with its pair counts.
    assert experimental.directions[0] is None and len(experimental.directions) == 3
    assert all(n.sum() > 1000 for n in experimental.npairs)
    assert "470 samples of 'V' (2D)" in panel.message.text()
    assert len(panel.canvas.model_lines) == 3
    assert len(panel.canvas.figure.axes[0].texts) == len(experimental.lags[0]), "pair counts written by the points"

    panel.nugget.setValue(20000.0)
    panel.rows[0].sill.setValue(40000.0)
    for spin in panel.rows[0].ranges:
        spin.setValue(30.0)
    before = panel.canvas.model_lines[0].get_ydata().copy()
    panel.rows[0].ranges[0].setValue(60.0)
    after = panel.canvas.model_lines[0].get_ydata()
    assert not np.allclose(before, after), "the model curve is redrawn when a range changes"
    assert after[5] < before[5], "a longer range rises more slowly"
    start = panel.current_model()

    fit = panel.fit()
    assert fit is not None, panel.message.text()
    fitted = panel.current_model()
    assert fitted.to_dict() != start.to_dict()
    assert fitted.structures[0].ranges[0] != pytest.approx(60.0)
    assert fitted.total_sill == pytest.approx(experimental.variance, rel=0.3)
    assert "Fitted: total sill" in panel.message.text()
    assert panel.canvas.model_lines[0].get_ydata()[-1] == pytest.approx(
        fitted.gamma(np.array([[0.0, panel.canvas.max_distance, 0.0]]))[0], rel=0.2)
    red = _save_picture(panel, "variogram_panel_2d.png", tmp_path, for_docs=False)
    assert red > 300, "the model curves are drawn in the picture"

    path = panel.save_model(str(tmp_path / "panel.json"))
    loaded = VariogramModel.load(path)
    assert loaded.to_dict() == fitted.to_dict()
    assert loaded.header_["fields"] == ["V"] and loaded.header_["metadata"]["n_samples"] == 470

    panel.angles[0].setValue(10.0)
    assert "Compute draws the experimental variograms along the new axes" in panel.message.text()
    assert panel.experimental.directions[1] == pytest.approx((345.0, 0.0))
    panel.rows[0].sill.setValue(1.0)
    panel.open_model(path)
    assert panel.current_model().to_dict() == fitted.to_dict() and panel.current_angles() == (345.0, 0.0, 0.0)
    assert panel.message.text().startswith("Opened ")
    assert panel.experimental.directions == experimental.directions
    np.testing.assert_array_equal(panel.experimental.gammas[1], experimental.gammas[1])


def test_panel_opens_the_variogram_algorithms_result(panel, walker_layer, run_algorithm, tmp_path):
    """MODEL_OUT of reegrade:variogram: its model over its own experimental variograms, its layer and field chosen,
    and Fit refits those."""

    feedback = recording_feedback()
    result = run_algorithm("variogram", {
        "INPUT": walker_layer, "GRADE_FIELD": "V", "DIMENSION": 0, "LAG": 10.0, "N_LAGS": 10, "DIRECTIONS": "axes",
        "AZIMUTH": 345.0, "STRUCTURES": "spherical, exponential", "SEED": 1, "MODEL_OUT": str(tmp_path / "v.json"),
    }, feedback)
    assert f"Variogram panel…, Open… {result['MODEL_OUT']}" in "\n".join(feedback.infos), "the log points to the panel"
    written = VariogramModel.load(result["MODEL_OUT"])
    model = panel.open_model(result["MODEL_OUT"])
    assert model.to_dict() == written.to_dict()
    assert panel.structure_count.value() == 2 and panel.rows[1].kind.currentText() == "exponential"
    assert panel.current_angles() == (345.0, 0.0, 0.0)
    assert panel.layer.currentLayer() is walker_layer and panel.field.currentField() == "V"
    assert len(panel.experimental.directions) == 2 and panel.lag.value() == 10.0
    assert len(panel.canvas.model_lines) == 2 and len(panel.canvas.model_lines[0].get_ydata()) > 0
    panel.rows[0].ranges[0].setValue(15.0)
    assert panel.fit() is not None, panel.message.text()
    assert panel.current_model().total_sill == pytest.approx(written.total_sill, rel=0.1)


def test_panel_fixed_nugget_and_two_structures(panel, walker_layer, tmp_path):
    _choose(panel, walker_layer, "V")
    panel.directions.setCurrentIndex(0)
    panel.lag.setValue(10.0)
    assert panel.compute() is not None
    panel.structure_count.setValue(2)
    panel.rows[1].kind.setCurrentText("exponential")
    panel.nugget.setValue(15000.0)
    panel.fix_nugget.setChecked(True)
    assert panel.fit() is not None, panel.message.text()
    model = panel.current_model()
    assert model.nugget == pytest.approx(15000.0)
    assert [s.kind for s in model.structures] == ["spherical", "exponential"]
    ranges = model.structures[0].ranges
    assert ranges[0] == ranges[1] == ranges[2], "an omnidirectional fit is isotropic"
    assert _save_picture(panel, "variogram_panel_omni.png", tmp_path, for_docs=False) > 100


def test_panel_explains_bad_input(panel, walker_layer, memory_layer):
    from qgis.core import QgsProject

    panel.layer.setLayer(None)
    assert panel.compute() is None
    assert panel.message.text() == "Choose a point layer."
    _choose(panel, walker_layer, "V")
    panel.field.setField("rock")
    assert panel.field.currentField() == "", "text fields are not offered"
    assert panel.compute() is None and panel.message.text() == "Choose a grade field."
    assert panel.fit() is None and "Compute the experimental variograms first" in panel.message.text()

    few = memory_layer(["V:double"], [[float(i)] for i in range(6)], [(300000.0 + 10 * i, 4200000.0) for i in
                                                                       range(6)], crs=CRS, name="few")
    degrees = memory_layer(["V:double"], [[float(i)] for i in range(20)], [(10 + 0.01 * i, 20.0) for i in range(20)],
                           crs="EPSG:4326", name="lonlat")
    for layer in (few, degrees):
        QgsProject.instance().addMapLayer(layer, False)
    try:
        _choose(panel, few, "V")
        assert panel.compute() is None
        assert panel.message.text() == "few: 6 samples have a value of 'V'; a variogram needs at least 10."
        _choose(panel, degrees, "V")
        assert panel.compute() is None
        assert "lonlat: its CRS EPSG:4326" in panel.message.text() and "geographic" in panel.message.text()
        _choose(panel, walker_layer, "V")
        assert panel.find_anisotropy() is None
        assert "the anisotropy is found in 3D only" in panel.message.text()
        panel.nugget.setValue(0.0)
        for row in panel.rows:
            row.sill.setValue(0.0)
        assert "zero total sill" in panel.message.text()
    finally:
        for layer in (few, degrees):
            QgsProject.instance().removeMapLayer(layer.id())


def test_panel_compute_can_be_cancelled(panel, walker_layer, monkeypatch):
    from qgis.PyQt.QtWidgets import QProgressDialog

    _choose(panel, walker_layer, "V")
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    assert panel.compute() is None
    assert panel.message.text() == "Cancelled." and panel.experimental is None
    monkeypatch.undo()
    assert panel.compute() is not None


def _deposit_rows():
    """Every 8th assay of the bundled deposit with a grade and no flag."""
    import csv

    with open(Path(__file__).parents[2] / "sample_data" / "demo" / "truth_samples.csv", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["TREO_pct"] and not r["flag"]][::8]


def _deposit_layer(memory_layer, rows):
    xyz = [(float(r["x"]), float(r["y"]), float(r["z"])) for r in rows]
    layer = memory_layer(["hole_id:string", "TREO_pct:double"], [[r["hole_id"], float(r["TREO_pct"])] for r in rows],
                         xyz, crs="EPSG:32648", name="deposit")
    return layer, xyz


def test_panel_finds_the_anisotropy_of_the_sample_deposit(panel, memory_layer, tmp_path):
    """3D drillhole samples (every 8th assay of the bundled deposit) with their holes: Find anisotropy sets the
    orientation and ranges of the automatic variogram and draws the variograms along its axes."""
    from qgis.core import QgsProject

    from ree_grade.algorithms.geostats.variogram_auto import auto_variogram

    rows = _deposit_rows()
    layer, xyz = _deposit_layer(memory_layer, rows)
    QgsProject.instance().addMapLayer(layer, False)
    try:
        _choose(panel, layer, "TREO_pct")
        panel.hole.setField("hole_id")
        model = panel.find_anisotropy()
        assert model is not None, panel.message.text()
        assert "downhole variogram" in panel.message.text()
        expected, _ = auto_variogram(np.array(xyz), np.array([float(r["TREO_pct"]) for r in rows]), 12,
                                     ["spherical"], 42, "deposit", groups=np.array([r["hole_id"] for r in rows]))
        shown = panel.current_model()
        assert panel.current_angles() == pytest.approx(expected.structures[0].angles, abs=0.05)
        assert shown.structures[0].ranges == pytest.approx(expected.structures[0].ranges, abs=0.01)
        assert shown.nugget == pytest.approx(expected.nugget, rel=1e-3)
        # Omnidirectional plus the three axes of the orientation found.
        assert panel.experimental.directions[0] is None and len(panel.experimental.directions) == 4
        assert "(3D)" in panel.message.text() or "downhole" in panel.message.text()
        red = _save_picture(panel, "variogram_panel_3d.png", tmp_path)
        assert red > 300
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_panel_find_anisotropy_can_be_cancelled(panel, memory_layer, monkeypatch):
    """The directional search reads two fans of variograms: its progress dialog's Cancel stops it, the controls
    keep their model, and the search runs again afterwards."""
    from qgis.core import QgsProject
    from qgis.PyQt.QtWidgets import QProgressDialog

    from ree_grade.algorithms.geostats import variogram_auto

    layer, _ = _deposit_layer(memory_layer, _deposit_rows())
    QgsProject.instance().addMapLayer(layer, False)
    try:
        _choose(panel, layer, "TREO_pct")
        panel.hole.setField("hole_id")
        before = panel.current_model().describe()
        variogram_auto._RECENT.clear()  # a fit kept from another test would return before any cancel check
        monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
        assert panel.find_anisotropy() is None
        assert panel.message.text() == "Cancelled." and panel.current_model().describe() == before
        assert not variogram_auto._RECENT, "a cancelled search must not be kept as a fit"
        monkeypatch.undo()
        assert panel.find_anisotropy() is not None
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_panel_speaks_the_users_language(qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    from ree_grade.ui.variogram_panel import VariogramPanel

    translator = QTranslator()
    assert translator.load(str(Path(__file__).parents[2] / "i18n" / "ree_grade_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        panel = VariogramPanel()
        panel.layer.setLayer(None)
        assert panel.windowTitle() == "REE Grade 变差函数面板"
        assert panel.buttons["fit"].text() == "拟合" and panel.buttons["anisotropy"].text() == "寻找各向异性"
        assert panel.compute() is None and panel.message.text() == "请选择点图层。"
        panel.close()
    finally:
        QCoreApplication.removeTranslator(translator)


@pytest.mark.skipif(shutil.which("xvfb-run") is None or not (REPO / ".qgis-profile").exists(),
                    reason="needs xvfb-run and the profile made by `make setup`")
def test_panel_from_the_menu_of_qgis_desktop(tmp_path):
    from qgis.PyQt.QtGui import QImage

    script = REPO / "tests" / "screenshot" / "variogram_panel.py"
    run = subprocess.run([str(REPO / "tests" / "screenshot" / "run_capture.sh"), str(tmp_path), str(script)],
                         capture_output=True, text=True, timeout=240)
    state_file = tmp_path / "state.json"
    assert state_file.exists(), run.stdout[-2000:] + run.stderr[-2000:]
    state = json.loads(state_file.read_text())
    assert state["menu_entry"], "no 'Variogram panel…' entry under Plugins > REE Grade"
    assert state["panel_open"] and state["directions"] == 3, state
    assert state["fitted_sill"] == pytest.approx(state["sample_variance"], rel=0.3), state["message"]
    assert VariogramModel.load(str(tmp_path / "panel.json")).total_sill == pytest.approx(state["fitted_sill"],
                                                                                          rel=1e-4)
    picture = tmp_path / "variogram_panel_desktop.png"
    assert state["picture"] and _red_pixels(QImage(str(picture))) > 300, "the plots are in the picture"
    if os.environ.get("REE_DOCS_SCREENSHOTS"):
        shutil.copyfile(picture, Path(os.environ["REE_DOCS_SCREENSHOTS"]) / "variogram_panel.png")
