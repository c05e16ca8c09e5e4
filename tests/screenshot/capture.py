"""Run inside QGIS desktop (qgis --code): wait for start-up, show the Processing
toolbox filtered to the provider, open one algorithm's dialog, save a screenshot
of the main window with the dialog, write what was found, and quit."""
import json
import os

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QPoint, Qt, QTimer
from qgis.PyQt.QtGui import QGuiApplication, QPainter, QPixmap
from qgis.PyQt.QtWidgets import QDockWidget, QTreeView
from qgis.utils import iface

OUT = os.environ["REE_SCREENSHOT_OUT"]
ALGORITHM = os.environ.get("REE_SCREENSHOT_ALGORITHM", "reegrade:treo")
STATE = {}


def step_show_toolbox():
    provider = QgsApplication.processingRegistry().providerById("reegrade")
    STATE["provider"] = provider is not None
    STATE["algorithms"] = len(provider.algorithms()) if provider else 0
    iface.mainWindow().resize(1280, 800)
    toolbox = iface.mainWindow().findChild(QDockWidget, "ProcessingToolbox")
    if toolbox is not None:
        toolbox.setVisible(True)
        toolbox.raise_()
        iface.mainWindow().resizeDocks([toolbox], [430], Qt.Horizontal)
        STATE["toolbox_shows_provider"] = expand_provider(toolbox.findChild(QTreeView))
    QTimer.singleShot(1500, step_open_dialog)


def expand_provider(tree):
    """Collapse every provider but ours and expand ours and its groups."""
    if tree is None:
        return False
    model = tree.model()
    found = False
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        ours = model.data(index) == "REE Grade Estimation"
        tree.setExpanded(index, ours)
        if ours:
            found = True
            tree.scrollTo(index, QTreeView.PositionAtTop)
            for child in range(model.rowCount(index)):
                tree.setExpanded(model.index(child, 0, index), True)
    return found


def step_open_dialog():
    import processing

    dialog = processing.createAlgorithmDialog(ALGORITHM, {})
    STATE["dialog"] = dialog is not None
    if dialog is not None:
        dialog.resize(780, 600)
        dialog.show()
        STATE["dialog_object"] = dialog
    QTimer.singleShot(2000, step_capture)


def step_capture():
    window = iface.mainWindow()
    picture = QPixmap(window.size())
    picture.fill()
    painter = QPainter(picture)
    window.render(painter)
    dialog = STATE.pop("dialog_object", None)
    if dialog is not None:
        # No window manager places the dialog under Xvfb: draw it beside the
        # toolbox, over the browser and the empty canvas.
        painter.drawPixmap(QPoint(20, 150), dialog.grab())
    painter.end()
    STATE["saved"] = picture.save(OUT + ".png")
    with open(OUT + ".json", "w") as handle:
        json.dump(STATE, handle)
    QGuiApplication.instance().exit(0)


QTimer.singleShot(4000, step_show_toolbox)
