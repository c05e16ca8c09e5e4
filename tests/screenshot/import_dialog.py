"""Run inside QGIS desktop (qgis --code, see run_capture.sh): choose Plugins > REE Grade > Import drillholes…, load
the bundled sample tables, grab the validation tab into REE_SCREENSHOT_OUT/import_desktop.png, press Import and write
what the desktop shows into REE_SCREENSHOT_OUT/import_dialog.json; then quit."""
import json
import os
from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication
from qgis.utils import plugins

OUT = Path(os.environ["REE_SCREENSHOT_OUT"])
SAMPLE = Path(os.environ["QGIS_PLUGINPATH"]) / "ree_grade" / "sample_data" / "demo"


def import_sample():
    state = {}
    try:
        menu = plugins["ree_grade"].menu
        action = next(a for a in menu.actions if a.text().startswith("Import drillholes"))
        action.trigger()
        dialog = menu.import_dialog
        state["opened"] = dialog.isVisible()
        for kind in ("collars", "surveys", "assays"):
            dialog.file_widgets[kind].setFilePath(str(SAMPLE / f"{kind}.csv"))
        dialog.crs.setCrs(QgsCoordinateReferenceSystem("EPSG:32648"))
        dialog.tabs.setCurrentWidget(dialog.validation_tab)
        QApplication.processEvents()
        state["problems"] = len(dialog.problems)
        state["saved"] = dialog.grab().save(str(OUT / "import_desktop.png"))
        outputs = dialog.run_import()
        state["outputs"] = {name: layer.featureCount() for name, layer in outputs.items()}
        state["project_layers"] = sorted(layer.name() for layer in QgsProject.instance().mapLayers().values())
    except Exception as error:  # noqa: BLE001 (written for the test to show, whatever went wrong)
        state["error"] = repr(error)
    (OUT / "import_dialog.json").write_text(json.dumps(state, indent=1))
    os._exit(0)  # as capture_docs.py: QGIS 3.22 may abort tearing dialogs down under Xvfb


QTimer.singleShot(4000, import_sample)
