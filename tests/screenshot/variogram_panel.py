"""Run inside QGIS desktop (qgis --code, see run_capture.sh): the variogram panel opened from the plugin's menu entry
in the real main window, on the Walker Lake samples: Compute, Fit, Save; saves the panel's picture and a state.json
saying what was found into REE_SCREENSHOT_OUT (a folder), and quits."""
import json
import os
from pathlib import Path

import numpy as np
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface, plugins

import ree_grade

OUT = Path(os.environ["REE_SCREENSHOT_OUT"])
# qgis --code runs this with exec(): no __file__; the plugin QGIS loaded is this checkout.
PLUGIN = Path(ree_grade.__file__).parent
STATE = {}


def walker_layer():
    table = np.loadtxt(PLUGIN / "tests" / "data" / "walker_lake" / "pygslib_walker_sample.dat", skiprows=8)
    layer = QgsVectorLayer("Point?crs=EPSG:32611&field=V:double", "walker", "memory")
    features = []
    for x, y, v in zip(table[:, 1] + 300000.0, table[:, 2] + 4200000.0, table[:, 3]):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([float(v)])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    QgsProject.instance().addMapLayer(layer)
    return layer


def menu_action(text):
    """The action of the plugin's menu entry `text`, found in the desktop's Plugins menu."""
    for entry in iface.pluginMenu().actions():
        if entry.menu() is not None and entry.text().replace("&", "") == "REE Grade":
            for action in entry.menu().actions():
                if action.text() == text:
                    return action
    return None


def step_open():
    layer = walker_layer()
    action = menu_action("Variogram panel…")
    STATE["menu_entry"] = action is not None
    if action is not None:
        action.trigger()
    panel = plugins["ree_grade"].menu.variogram_panel if "ree_grade" in plugins else None
    STATE["panel_open"] = panel is not None and panel.isVisible()
    if panel is None:
        return finish()
    panel.layer.setLayer(layer)
    panel.field.setField("V")
    panel.lag.setValue(10.0)
    panel.n_lags.setValue(10)
    panel.angles[0].setValue(345.0)
    experimental = panel.compute()
    STATE["directions"] = 0 if experimental is None else len(experimental.directions)
    fit = panel.fit()
    STATE["fitted_sill"] = None if fit is None else fit.model.total_sill
    STATE["sample_variance"] = None if experimental is None else experimental.variance
    STATE["message"] = panel.message.text()
    QTimer.singleShot(1500, lambda: capture(panel))


def capture(panel):
    panel.canvas.widget.draw()
    image = panel.grab()
    STATE["picture"] = image.save(str(OUT / "variogram_panel_desktop.png"))
    picture = image.toImage()
    STATE["size"] = [picture.width(), picture.height()]
    # Saved after the picture, which then shows the fit's message rather than a temporary path.
    STATE["saved_model"] = bool(panel.save_model(str(OUT / "panel.json")))
    finish()


def finish():
    (OUT / "state.json").write_text(json.dumps(STATE))
    # Leave without tearing the windows down: QGIS 3.22 may abort in their destructors under Xvfb.
    os._exit(0)


iface.mainWindow().resize(1280, 800)
QTimer.singleShot(4000, step_open)
