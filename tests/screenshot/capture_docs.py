"""Run inside QGIS desktop (qgis --code, see run_capture.sh): the tutorial's pictures. Loads the sample deposit's
tables, opens the desurvey dialog on them and the trainbnn dialog (its expert settings folded), opens the workflow
model in the graphical modeler and renders its whole scene, shows the top of a workflow report, saves each into
REE_SCREENSHOT_OUT (a folder) with a state.json saying what was found, and quits."""
import json
import os
from pathlib import Path

from qgis.core import QgsApplication, QgsCoordinateReferenceSystem, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QRectF, Qt, QTimer, QUrl
from qgis.PyQt.QtGui import QImage, QPainter
from qgis.utils import iface

import ree_grade

OUT = Path(os.environ["REE_SCREENSHOT_OUT"])
# qgis --code runs this with exec(): no __file__; the plugin QGIS loaded is this checkout.
PLUGIN = Path(ree_grade.__file__).parent
DATA = PLUGIN / "sample_data" / "demo"
STATE = {}
KEEP = []  # the open dialogs, until they are grabbed


def step_load_tables():
    QgsProject.instance().setCrs(QgsCoordinateReferenceSystem("EPSG:32648"))
    layers = {}
    for name in ("collars", "surveys", "assays"):
        uri = f"file://{DATA / (name + '.csv')}?type=csv&geomType=none&detectTypes=yes"
        layer = QgsVectorLayer(uri, name, "delimitedtext")
        if layer.isValid():
            QgsProject.instance().addMapLayer(layer)
            layers[name] = layer.id()
    STATE["tables"] = sorted(layers)
    STATE["provider"] = QgsApplication.processingRegistry().providerById("reegrade") is not None
    STATE["layers"] = layers
    QTimer.singleShot(1000, step_desurvey)


def open_dialog(algorithm, parameters, size=(900, 760)):
    import processing

    dialog = processing.createAlgorithmDialog(algorithm, parameters)
    if dialog is None:
        return None
    dialog.resize(*size)
    dialog.show()
    KEEP.append(dialog)
    return dialog


def save(widget, name):
    saved = widget is not None and widget.grab().save(str(OUT / name))
    STATE[name] = bool(saved)


def step_desurvey():
    layers = STATE.pop("layers")
    dialog = open_dialog("reegrade:desurvey", {
        "COLLARS": layers.get("collars"), "COLLAR_CRS": "EPSG:32648", "SURVEYS": layers.get("surveys"),
        "INTERVALS": layers.get("assays"), "OVERLAPS": 2})
    QTimer.singleShot(2000, lambda: (save(dialog, "tutorial_desurvey.png"), dialog and dialog.close(), step_trainbnn()))


def step_trainbnn():
    dialog = open_dialog("reegrade:trainbnn", {})
    QTimer.singleShot(2000, lambda: (save(dialog, "tutorial_trainbnn.png"), dialog and dialog.close(), step_model()))


def step_model():
    from processing.modeler.ModelerDialog import ModelerDialog
    from qgis.core import QgsProcessingModelAlgorithm

    model = QgsProcessingModelAlgorithm()
    STATE["model_read"] = model.fromFile(str(PLUGIN / "models" / "ree_grade_workflow.model3"))
    dialog = ModelerDialog.create(model)
    dialog.resize(1280, 800)
    dialog.show()
    KEEP.append(dialog)
    QTimer.singleShot(2500, lambda: step_render_model(dialog))


def step_render_model(dialog):
    """The whole scene, not the window: the model is wider than any screen."""
    scene = dialog.view().scene()
    source = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
    scale = min(1.0, 2400.0 / source.width())
    image = QImage(int(source.width() * scale), int(source.height() * scale), QImage.Format_ARGB32)
    image.fill(Qt.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, image.width(), image.height()), source)
    painter.end()
    STATE["tutorial_workflow.png"] = image.save(str(OUT / "tutorial_workflow.png"))
    dialog.close()
    QTimer.singleShot(500, step_report)


def step_report():
    """The top of a workflow report (REE_DOCS_REPORT, default demo_output/report.html of `make demo`); without one
    the picture already in docs/guide/images/ is kept."""
    from qgis.PyQt.QtWebKitWidgets import QWebView

    report = Path(os.environ.get("REE_DOCS_REPORT", PLUGIN / "demo_output" / "report.html"))
    if not report.is_file():
        STATE["tutorial_report.png"] = f"kept: no {report}"
        step_finish()
        return
    view = QWebView()
    view.resize(1100, 1400)
    KEEP.append(view)
    view.loadFinished.connect(lambda ok: QTimer.singleShot(1500, lambda: (save(view, "tutorial_report.png"),
                                                                          step_finish())))
    view.load(QUrl.fromLocalFile(str(report)))


def step_finish():
    (OUT / "state.json").write_text(json.dumps(STATE))
    # Leave without tearing the modeler and dialogs down: QGIS 3.22 aborts in their destructors under Xvfb.
    os._exit(0)


iface.mainWindow().resize(1280, 800)
QTimer.singleShot(4000, step_load_tables)
